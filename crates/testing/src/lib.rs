//! Fresh, migrated databases for tests, on either backend.
//!
//! SQLite: a new file in the temporary directory. PostgreSQL: a new schema in
//! the database named by `ZONA_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), so tests run in parallel without
//! creating databases. Both are removed when the [`TestDb`] is dropped. A
//! PostgreSQL that cannot be reached is an error, never a skip.
//!
//! A [`Template`] is a database filled once per test process (say, with the
//! demo zone) and copied for each test that needs that content: a file copy
//! on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. Filling the demo
//! takes about a second on PostgreSQL; a copy takes a fraction of it.

pub mod queries;

use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;
use std::path::PathBuf;
use std::str::FromStr;
pub use zona_store::Backend;
use zona_store::Db;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn postgres_url() -> String {
    std::env::var("ZONA_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

pub struct TestDb {
    pub db: Db,
    /// The URL another process (the `zona` binary) can use to reach the same data.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema(String),
    Database(String),
    /// A template's database outlives its `TestDb`; it is removed by the
    /// next test process (see [`remove_stale`]).
    Keep,
}

/// A name unique to this process and call: `prefix_<pid>_<random>`. The
/// process id lets a later run recognise what a killed run left behind.
fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        &zona_store::sessions::random_token()[..12]
    )
}

/// Whether a name made by [`unique_name`] belongs to a process that has ended.
fn stale(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) else {
        return false;
    };
    match rest.split('_').next().and_then(|p| p.parse::<u32>().ok()) {
        Some(pid) => pid != std::process::id() && !PathBuf::from(format!("/proc/{pid}")).exists(),
        None => false,
    }
}

/// The URL of another database on the same PostgreSQL server.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let server = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |j| j + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

impl TestDb {
    /// A new, migrated PostgreSQL database of this name (for a template).
    async fn database(name: &str) -> TestDb {
        let base = postgres_url();
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL is required for the tests and is not reachable at {base}: {e}")
            });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create database");
        let _ = conn.close().await;
        let t = TestDb::open_database(name.to_string()).await;
        t.db.migrate().await.expect("migrate PostgreSQL");
        t
    }

    /// Opens a PostgreSQL database of the test server, removed on drop.
    async fn open_database(name: String) -> TestDb {
        let url = with_database(&postgres_url(), &name);
        let opts = PgConnectOptions::from_str(&url)
            .expect("valid URL")
            .application_name(&name);
        let db = Db::connect_postgres(opts)
            .await
            .expect("connect PostgreSQL");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Database(name),
        }
    }

    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("zona_test"));
                std::fs::create_dir_all(&dir).expect("create temp dir");
                let url = format!("sqlite://{}", dir.join("zona.db").display());
                let db = Db::connect(&url).await.expect("open SQLite");
                db.migrate().await.expect("migrate SQLite");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
            Backend::Postgres => {
                let base = postgres_url();
                let schema = unique_name("zt");
                let mut conn = sqlx::PgConnection::connect(&base).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL is required for the tests and is not reachable at {base}: {e}")
                });
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut conn)
                    .await
                    .expect("create schema");
                let _ = conn.close().await;
                let opts = PgConnectOptions::from_str(&base)
                    .expect("valid URL")
                    .options([("search_path", schema.as_str())])
                    .application_name(&schema);
                let db = Db::connect_postgres(opts)
                    .await
                    .expect("connect PostgreSQL");
                db.migrate().await.expect("migrate PostgreSQL");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::Schema(schema),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Keep => {}
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database(name) => {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = std::thread::spawn(move || on_server(&sql)).join();
            }
            Cleanup::Schema(schema) => {
                let schema = schema.clone();
                // Drop runs inside or outside a runtime; a thread of its own with
                // its own runtime works in both cases.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(rt) = rt {
                        rt.block_on(async move {
                            if let Ok(mut c) = sqlx::PgConnection::connect(&postgres_url()).await {
                                // Connections of the dropped pool may still be open
                                // (a pool closes lazily): end them so the drop
                                // does not wait on their locks.
                                let _ = sqlx::query(
                                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                                )
                                .bind(&schema)
                                .execute(&mut c)
                                .await;
                                let _ =
                                    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                                        .execute(&mut c)
                                        .await;
                                let _ = c.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// Runs one statement on the PostgreSQL server, from a thread of its own
/// with its own runtime, so that it works inside or outside a runtime.
fn on_server(sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    if let Ok(rt) = rt {
        rt.block_on(async move {
            if let Ok(mut c) = sqlx::PgConnection::connect(&postgres_url()).await {
                let _ = sqlx::query(sql).execute(&mut c).await;
                let _ = c.close().await;
            }
        });
    }
}

/// A database filled once, copied for each test that needs its content.
pub struct Template {
    backend: Backend,
    /// The SQLite file, or the PostgreSQL database.
    source: String,
}

impl Template {
    /// Makes a template: a fresh, migrated database of `backend`, filled by
    /// `fill`, then closed. What earlier, ended test processes left behind
    /// (templates and copies) is removed first.
    pub async fn build<F, Fut>(backend: Backend, fill: F) -> Template
    where
        F: FnOnce(Db) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        remove_stale(backend).await;
        match backend {
            Backend::Sqlite => {
                let t = TestDb::new(Backend::Sqlite).await;
                fill(t.db.clone()).await;
                if let Db::Sqlite(pool) = &t.db {
                    // Everything into the main file, which is what is copied.
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .execute(pool)
                        .await
                        .expect("checkpoint the template");
                }
                t.db.close().await;
                let Cleanup::File(dir) = &t.cleanup else {
                    unreachable!("a SQLite test database is a file")
                };
                let keep = std::env::temp_dir().join(unique_name("zona_tpl"));
                std::fs::rename(dir, &keep).expect("keep the template");
                let mut t = t;
                t.cleanup = Cleanup::Keep;
                Template {
                    backend,
                    source: keep.join("zona.db").display().to_string(),
                }
            }
            Backend::Postgres => {
                let name = unique_name("zona_tpl");
                let t = TestDb::database(&name).await;
                fill(t.db.clone()).await;
                t.db.close().await;
                let mut t = t;
                t.cleanup = Cleanup::Keep;
                Template {
                    backend,
                    source: name,
                }
            }
        }
    }

    /// A fresh database holding what the template holds.
    pub async fn copy(&self) -> TestDb {
        match self.backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("zona_test"));
                std::fs::create_dir_all(&dir).expect("create temp dir");
                let file = dir.join("zona.db");
                std::fs::copy(&self.source, &file).expect("copy the template");
                let url = format!("sqlite://{}", file.display());
                let db = Db::connect(&url).await.expect("open SQLite");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
            Backend::Postgres => {
                let name = unique_name("zona_copy");
                let base = postgres_url();
                let mut conn = sqlx::PgConnection::connect(&base)
                    .await
                    .expect("reach PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {}", self.source))
                    .execute(&mut conn)
                    .await
                    .expect("copy the template");
                let _ = conn.close().await;
                TestDb::open_database(name).await
            }
        }
    }
}

/// Removes the templates and copies of test processes that have ended.
async fn remove_stale(backend: Backend) {
    match backend {
        Backend::Sqlite => {
            let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
                return;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if stale(&name, "zona_tpl") || stale(&name, "zona_test") {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        Backend::Postgres => {
            let Ok(mut c) = sqlx::PgConnection::connect(&postgres_url()).await else {
                return;
            };
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'zona\\_%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap_or_default();
            for n in names {
                if stale(&n, "zona_tpl") || stale(&n, "zona_copy") {
                    let sql = format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)");
                    let _ = sqlx::query(&sql).execute(&mut c).await;
                }
            }
            let _ = c.close().await;
        }
    }
}

/// Both backends, for tests that must pass on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
