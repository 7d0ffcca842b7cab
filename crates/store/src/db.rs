use crate::{Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// The database, on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Begins a transaction that writes. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`): a deferred transaction that reads first and
/// writes later is refused at once with "database is locked" when another
/// connection holds the write lock, without waiting, since waiting could
/// deadlock; an immediate one waits for the lock like any other statement
/// (`busy_timeout`). PostgreSQL locks rows, not the database: a plain
/// `BEGIN`.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = std::result::Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>,
    > + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = std::result::Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>,
    > + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = std::result::Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>,
    > + Send {
        self.begin()
    }
}

/// Runs the same body on either pool: `$pool` is bound to the concrete pool,
/// so the body is compiled once per backend with concrete types.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Binds a list of [`Param`]s to a query inside an `on_db!` arm.
macro_rules! bind_params {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params.iter() {
            q = match p {
                $crate::db::Param::Int(v) => q.bind(*v),
                $crate::db::Param::Text(v) => q.bind(v.clone()),
                $crate::db::Param::Bool(v) => q.bind(*v),
                $crate::db::Param::Time(v) => q.bind(*v),
            };
        }
        q
    }};
}
pub(crate) use bind_params;

/// A value for a dynamically built query (search filters).
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
    Bool(bool),
    Time(time::OffsetDateTime),
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_string())
    }
}

/// A row type that both backends can read.
pub(crate) trait Record:
    Send
    + Unpin
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl<T> Record for T where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

/// The rows a query selects for one key (its `$1`), in the query's order.
pub(crate) async fn select_all<T: Record>(
    db: &Db,
    sql: &str,
    key: impl Into<Param>,
) -> Result<Vec<T>> {
    let params = [key.into()];
    on_db!(db, |pool| Ok(bind_params!(
        sqlx::query_as::<_, T>(sql),
        params
    )
    .fetch_all(pool)
    .await?))
}

/// The row a query selects for one key (its `$1`), if there is one.
pub(crate) async fn select_optional<T: Record>(
    db: &Db,
    sql: &str,
    key: impl Into<Param>,
) -> Result<Option<T>> {
    select_optional_by(db, sql, [key.into()]).await
}

/// The row a query selects for its keys (`$1`, `$2`, … in order), if there
/// is one.
pub(crate) async fn select_optional_by<T: Record, const N: usize>(
    db: &Db,
    sql: &str,
    keys: [Param; N],
) -> Result<Option<T>> {
    on_db!(db, |pool| Ok(bind_params!(
        sqlx::query_as::<_, T>(sql),
        keys
    )
    .fetch_optional(pool)
    .await?))
}

/// Builds a `WHERE` clause with `$n` placeholders, numbered in order.
#[derive(Default)]
pub(crate) struct Filter {
    clauses: Vec<String>,
    pub params: Vec<Param>,
}

impl Filter {
    fn next(&self) -> usize {
        self.params.len() + 1
    }
    /// `column = $n`
    pub fn eq(&mut self, column: &str, p: Param) {
        let n = self.next();
        self.clauses.push(format!("{column} = ${n}"));
        self.params.push(p);
    }
    /// Case-insensitive substring search over several columns.
    pub fn search(&mut self, columns: &[&str], text: &str) {
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        let n = self.next();
        let pattern = format!(
            "%{}%",
            t.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let ors: Vec<String> = columns
            .iter()
            .map(|c| format!("lower(coalesce({c}, '')) LIKE ${n} ESCAPE '\\'"))
            .collect();
        self.clauses.push(format!("({})", ors.join(" OR ")));
        self.params.push(Param::Text(pattern));
    }
    /// A raw clause whose placeholders the caller numbered with [`Filter::placeholder`].
    pub fn raw(&mut self, clause: String) {
        self.clauses.push(clause);
    }
    pub fn placeholder(&mut self, p: Param) -> String {
        let n = self.next();
        self.params.push(p);
        format!("${n}")
    }
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
    /// ` LIMIT $a OFFSET $b` for a page.
    pub fn limit(&mut self, page: &Page) -> String {
        let l = self.placeholder(Param::Int(page.size));
        let o = self.placeholder(Param::Int(page.offset()));
        format!(" LIMIT {l} OFFSET {o}")
    }
}

/// A page of a long list: 1-based number, fixed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    pub const DEFAULT_SIZE: i64 = 25;
    pub fn new(number: i64, size: i64) -> Page {
        Page {
            number: number.max(1),
            size: size.clamp(1, 10_000),
        }
    }
    pub fn first(size: i64) -> Page {
        Page::new(1, size)
    }
    /// Everything, for exports.
    pub fn all() -> Page {
        Page {
            number: 1,
            size: i64::MAX / 2,
        }
    }
    pub fn offset(&self) -> i64 {
        (self.number - 1) * self.size
    }
}

impl Db {
    /// Opens the database named by a URL: `sqlite://path/to/file.db` (created
    /// when missing) or `postgres://user@host:port/database`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("invalid SQLite URL `{url}`: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(|e| StoreError::Unreachable(describe(&e)))?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("invalid PostgreSQL URL: {e}")))?;
            Self::connect_postgres(opts).await
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL `{url}`: use sqlite://FILE or postgres://USER@HOST:PORT/DATABASE"
            )))
        }
    }

    pub async fn connect_postgres(opts: PgConnectOptions) -> Result<Db> {
        // One direct attempt first: a closed port or a refused login is told
        // at once, with its cause, instead of after the pool's wait.
        use sqlx::{ConnectOptions, Connection};
        match tokio::time::timeout(Duration::from_secs(10), opts.connect()).await {
            Ok(Ok(c)) => {
                let _ = c.close().await;
            }
            Ok(Err(e)) => return Err(StoreError::Unreachable(describe(&e))),
            Err(_) => {
                return Err(StoreError::Unreachable(
                    "no answer within 10 seconds".to_string(),
                ))
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Unreachable(describe(&e)))?;
        Ok(Db::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        let r = match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
        };
        r.map_err(|e| StoreError::Migration(e.to_string()))?;
        crate::vocabularies::seed_missing(self).await?;
        crate::network::seed_standards(self).await?;
        crate::projects::seed_pnrr(self).await
    }

    /// Checks that the database can be read through: on SQLite the file's
    /// own check of every page and index (`PRAGMA quick_check`), on both a
    /// read of the tables every page needs. `Err` names what is damaged.
    pub async fn check_integrity(&self) -> Result<()> {
        let damaged = |what: String| StoreError::Damaged(what);
        if let Db::Sqlite(p) = self {
            let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(5)")
                .fetch_all(p)
                .await
                .map_err(|e| damaged(e.to_string()))?;
            if rows != ["ok"] {
                return Err(damaged(rows.join("; ")));
            }
        }
        for table in [
            "regions",
            "zones",
            "municipalities",
            "organisations",
            "users",
            "sessions",
            "audit_log",
        ] {
            let sql = format!("SELECT count(*) FROM {table}");
            on_db!(self, |p| sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(p)
                .await
                .map(|_| ()))
            .map_err(|e| damaged(format!("{table}: {e}")))?;
        }
        Ok(())
    }

    /// Copies a SQLite database into a new file while it serves (`VACUUM
    /// INTO`): the copy is a complete database holding every transaction
    /// committed before the copy began and none after. PostgreSQL is copied
    /// with its own tools (`pg_dump`); see `zona backup`.
    pub async fn backup_into(&self, to: &std::path::Path) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(to.to_string_lossy().into_owned())
                    .execute(p)
                    .await?;
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Config(
                "a PostgreSQL database is copied with pg_dump".into(),
            )),
        }
    }

    /// The schema the tables are in, as the server resolves the URL's
    /// `search_path` (PostgreSQL); `None` on SQLite.
    pub async fn current_schema(&self) -> Result<Option<String>> {
        match self {
            Db::Postgres(p) => Ok(Some(
                sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(p)
                    .await?,
            )),
            Db::Sqlite(_) => Ok(None),
        }
    }

    /// Folds a SQLite database's write-ahead log into its file and empties
    /// the log; nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if let Db::Sqlite(p) = self {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        on_db!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// True when the schema holds no zone yet (a fresh database).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = on_db!(self, |p| sqlx::query_scalar("SELECT count(*) FROM zones")
            .fetch_one(p)
            .await)?;
        Ok(n == 0)
    }

    /// Settles a PostgreSQL database after a bulk load: vacuums, so that the
    /// visibility map is set and autovacuum does not do it later while the
    /// database serves, and refreshes the planner's statistics. SQLite is
    /// left as it is: without statistics its planner keeps to the indexes
    /// zona's queries are written for, and with them it chose slower plans
    /// for the zone pages (measured with `cargo bench -p zona --bench scale`).
    pub async fn analyze(&self) -> Result<()> {
        if let Db::Postgres(p) = self {
            sqlx::query("VACUUM ANALYZE").execute(p).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }
}

fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out while connecting".to_string(),
        other => other.to_string(),
    }
}

/// The file a `sqlite:` URL names, decoded as the driver decodes it;
/// `None` for another database.
pub fn sqlite_path(url: &str) -> Result<Option<std::path::PathBuf>> {
    if !url.starts_with("sqlite:") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("cannot read the database URL: {e}")))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

/// The URL without the password of its user part, and that password
/// decoded.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let authority_end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i) else {
        return (url.to_string(), None);
    };
    match url[start..at].split_once(':') {
        Some((user, password)) => {
            let password = percent_encoding::percent_decode_str(password)
                .decode_utf8_lossy()
                .into_owned();
            (
                format!("{}{user}{}", &url[..start], &url[at..]),
                Some(password),
            )
        }
        None => (url.to_string(), None),
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            super::redact("postgres://zona:secret@db:5432/zona"),
            "postgres://zona:***@db:5432/zona"
        );
        assert_eq!(
            super::redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            super::redact("sqlite://data/zona.db"),
            "sqlite://data/zona.db"
        );
    }

    #[test]
    fn urls_name_their_file_and_keep_the_password_apart() {
        use std::path::PathBuf;
        assert_eq!(
            super::sqlite_path("sqlite://data/zona%20nuova.db?mode=rwc").unwrap(),
            Some(PathBuf::from("data/zona nuova.db"))
        );
        assert_eq!(super::sqlite_path("postgres://x@h/db").unwrap(), None);
        assert_eq!(
            super::split_password("postgres://zona:s%40greto@db.example:5432/zona?sslmode=require"),
            (
                "postgres://zona@db.example:5432/zona?sslmode=require".to_string(),
                Some("s@greto".to_string())
            )
        );
        assert_eq!(
            super::split_password("postgres://postgres@127.0.0.1:5432/test"),
            ("postgres://postgres@127.0.0.1:5432/test".to_string(), None)
        );
    }
}
