//! Zone bundles: everything a zone holds, as files an office can read and
//! edit, and back.
//!
//! Each file of a bundle is described once, in [`TABLES`]: its columns, the
//! kind of value of each ([`Kind`]), the columns that identify a row (its
//! natural key: a municipality's ISTAT code, a sheet's plan year and code),
//! and how it points at rows of other files (a unit names its organisation
//! by the organisation's key, never by a database id). Dumping and loading
//! both read that description, so they cannot drift apart, and the data
//! dictionary (`docs/bundle.md`) is generated from it.
//!
//! Loading is all or nothing: every cell is read and checked before anything
//! is written; then every row is written in one transaction, which a refused
//! row rolls back whole. A row whose key is already stored is updated only
//! where it differs, so loading the same bundle twice changes nothing. Every
//! row written is audited, with its values before and after.

mod tables;

pub use tables::TABLES;

use crate::audit::{action, write_audit, AuditEntry};
use crate::db::BeginWrite;
use crate::{on_db, Actor, Db, StoreError};
use std::collections::{HashMap, HashSet};
use std::fmt;
use zona_core::bundle::{Kind, Value};

/// A column of a bundle file.
#[derive(Debug)]
pub struct Field {
    /// The column's header in the file.
    pub header: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// The database column it is stored in; `None` for a column that names
    /// a row of another file (see [`Ref`]).
    pub column: Option<&'static str>,
    /// What it means, for the data dictionary.
    pub doc: &'static str,
}

impl Field {
    /// A column stored as it is.
    pub const fn stored(
        header: &'static str,
        column: &'static str,
        kind: Kind,
        doc: &'static str,
    ) -> Field {
        Field {
            header,
            kind,
            required: false,
            column: Some(column),
            doc,
        }
    }
    /// A column that is part of a reference to another file's row.
    pub const fn part(header: &'static str, kind: Kind, doc: &'static str) -> Field {
        Field {
            header,
            kind,
            required: false,
            column: None,
            doc,
        }
    }
    pub const fn required(mut self) -> Field {
        self.required = true;
        self
    }
}

/// A database column that points at a row of another file, written in the
/// file as that row's key.
#[derive(Debug)]
pub struct Ref {
    pub column: &'static str,
    /// The file of the row pointed at.
    pub file: &'static str,
    /// This file's columns that hold the key, in the order of the other
    /// file's key.
    pub fields: &'static [&'static str],
    /// Set after every file is loaded: the row pointed at may come later
    /// (a zone's seat is one of its municipalities) or from the same file
    /// (a programme's predecessor).
    pub deferred: bool,
    /// A condition on the row pointed at: its column (header) must hold
    /// this code, described for the message (a Third Sector role names a
    /// Third Sector body).
    pub only: Option<(&'static str, &'static str, &'static str)>,
}

impl Ref {
    /// A reference set with its row.
    pub const fn to(
        column: &'static str,
        file: &'static str,
        fields: &'static [&'static str],
    ) -> Ref {
        Ref {
            column,
            file,
            fields,
            deferred: false,
            only: None,
        }
    }
    /// The same reference, to a row whose `header` holds `code` only;
    /// `what` names such a row in the message.
    pub const fn only(self, header: &'static str, code: &'static str, what: &'static str) -> Ref {
        Ref {
            only: Some((header, code, what)),
            ..self
        }
    }
    /// A reference set after every file is loaded.
    pub const fn deferred(
        column: &'static str,
        file: &'static str,
        fields: &'static [&'static str],
    ) -> Ref {
        Ref {
            deferred: true,
            ..Ref::to(column, file, fields)
        }
    }
}

/// A value written on insert only, for a column the bundle does not carry.
#[derive(Clone, Copy, Debug)]
pub enum Fixed {
    Text(&'static str),
    Bool(bool),
}

/// A rule across a row's cells: `Err` names the column to blame and why.
pub type RowRule = fn(&Table, &[Value], &Rules) -> Result<(), (&'static str, String)>;

/// What the rows' rules read besides the row: the SOC26 forms in use.
pub struct Rules {
    pub soc26: zona_core::soc26::Soc26Forms,
}

/// One file of a bundle and the table it is stored in.
#[derive(Debug)]
pub struct Table {
    /// The file's name, without extension: also the XLSX sheet's name.
    pub file: &'static str,
    pub title: &'static str,
    pub doc: &'static str,
    /// The audit log's entity for its rows.
    pub entity: &'static str,
    pub sql: &'static str,
    /// Whether the table has an `id` column.
    pub id: bool,
    /// Which stored rows belong to the zone: a condition on the table, with
    /// `$1` the zone's id (none for what every zone shares).
    pub scope: &'static str,
    /// Which stored rows a loaded row may match, when not [`Table::scope`]:
    /// a region is shared by its zones, and a zone loaded for the first time
    /// may belong to a region already stored.
    pub load_scope: Option<&'static str>,
    /// The column that holds the zone's id, set by the loader.
    pub zone: Option<&'static str>,
    /// The column that holds the zone's region id, set by the loader.
    pub region: Option<&'static str>,
    pub fields: &'static [Field],
    pub refs: &'static [Ref],
    /// The columns that identify a row (its natural key).
    pub key: &'static [&'static str],
    /// The columns the file is sorted by (by default its key).
    pub order: &'static [&'static str],
    /// For a collection that belongs to a row of another file (a sheet's
    /// funding lines): the [`Ref`] column of that owner. Loading replaces the
    /// collection of every owner in the bundle: rows missing from the file
    /// are deleted.
    pub owner: Option<&'static str>,
    pub created: Option<&'static str>,
    pub updated: Option<&'static str>,
    pub versioned: bool,
    /// Columns written on insert only.
    pub fixed: &'static [(&'static str, Fixed)],
    /// The [`Ref`] column of the record whose history a row belongs to, when
    /// it is neither the row itself nor its [`Table::owner`] (a working
    /// table is part of its procedure's history).
    pub audited_as: Option<&'static str>,
    /// A rule across a row's cells (a role carries the scope it needs): the
    /// column to blame and why.
    pub check: Option<RowRule>,
    /// Shared by every zone, or by a region's zones (regions, vocabularies,
    /// DM 77/2022 standards, the PNRR catalogue): a zone's bundle adds the
    /// rows that are missing and leaves stored ones as they are, so that
    /// loading one zone never rewrites what the others read.
    pub shared: bool,
}

impl Table {
    pub const BASE: Table = Table {
        file: "",
        title: "",
        doc: "",
        entity: "",
        sql: "",
        id: true,
        scope: "",
        load_scope: None,
        zone: None,
        region: None,
        fields: &[],
        refs: &[],
        key: &[],
        order: &[],
        owner: None,
        created: Some("created_at"),
        updated: Some("updated_at"),
        versioned: true,
        fixed: &[],
        audited_as: None,
        check: None,
        shared: false,
    };

    /// The value of a row's column, by header.
    pub fn value<'v>(&self, values: &'v [Value], header: &str) -> &'v Value {
        &values[self.index(header)]
    }

    fn index(&self, header: &str) -> usize {
        self.fields
            .iter()
            .position(|f| f.header == header)
            .unwrap_or_else(|| panic!("{}: no column {header}", self.file))
    }

    fn key_of(&self, values: &[Value]) -> Vec<Value> {
        self.key
            .iter()
            .map(|h| values[self.index(h)].clone())
            .collect()
    }

    fn order_of(&self, values: &[Value]) -> Vec<Value> {
        let cols = if self.order.is_empty() {
            self.key
        } else {
            self.order
        };
        cols.iter().map(|h| values[self.index(h)].clone()).collect()
    }

    /// The audit entry of a row written by a load, filed under `entity_id`.
    fn entry(&self, action: &'static str, entity_id: Option<i64>, values: &[Value]) -> AuditEntry {
        let verb = if action == crate::audit::action::DELETE {
            "Caricamento da pacchetto, tolto"
        } else {
            "Caricamento da pacchetto"
        };
        AuditEntry::new(action, self.entity, entity_id).summary(format!(
            "{verb}: {} «{}»",
            self.title,
            self.shown_key(values)
        ))
    }

    /// The key as the file writes it, for messages.
    fn shown_key(&self, values: &[Value]) -> String {
        self.key
            .iter()
            .map(|h| {
                let f = &self.fields[self.index(h)];
                f.kind.write(&values[self.index(h)])
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// A row as the audit log keeps it: its cells by header.
    fn cells(&self, values: &[Value]) -> serde_json::Value {
        serde_json::Value::Object(
            self.fields
                .iter()
                .zip(values)
                .map(|(f, v)| (f.header.to_string(), f.kind.write(v).into()))
                .collect(),
        )
    }

    pub fn named(file: &str) -> Option<&'static Table> {
        TABLES.iter().find(|t| t.file == file)
    }
}

/// How a stored value is typed, to read it from a row and to bind a null.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Int,
    Text,
    Bool,
    Date,
    Instant,
}

fn ty_of(kind: &Kind) -> Ty {
    match kind {
        Kind::Whole { .. } | Kind::Amount | Kind::Hundredths => Ty::Int,
        Kind::Flag => Ty::Bool,
        Kind::Date => Ty::Date,
        Kind::Instant => Ty::Instant,
        _ => Ty::Text,
    }
}

/// What is wrong with a bundle, where: the file, the line and the column.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ", riga {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", colonna «{c}»")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a bundle was not dumped or loaded.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The bundle's content is refused; nothing was written.
    #[error("{} problemi nel pacchetto", .0.len())]
    Problems(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BundleError {
    fn from(e: sqlx::Error) -> Self {
        BundleError::Store(e.into())
    }
}

/// The most problems reported at once: enough to fix a file in one go,
/// without flooding the screen when a whole column is wrong.
pub const MAX_PROBLEMS: usize = 50;

fn problem(
    file: &str,
    line: Option<usize>,
    column: Option<&str>,
    message: impl Into<String>,
) -> Problem {
    Problem {
        file: format!("{file}.csv"),
        line,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

/// A file of a bundle as read from disk: its header and its rows of cells,
/// each with the line it starts on.
#[derive(Clone, Debug, Default)]
pub struct FileIn {
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A file as dumped: its rows of cells, in the file's order.
#[derive(Debug)]
pub struct FileOut {
    pub table: &'static Table,
    pub rows: Vec<Vec<String>>,
}

/// What a load did (or, checked only, would do) to one file's rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TableReport {
    pub file: &'static str,
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Rows of a shared file that differ from what is stored, left as stored.
    pub kept: usize,
}

/// What a load did (or, checked only, would do), file by file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub tables: Vec<TableReport>,
}

impl Report {
    pub fn changes(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.inserted + t.updated + t.deleted)
            .sum()
    }
}

/// A row as stored: its id, its values in the file's column order (the
/// columns of references left null), and its references' ids.
#[derive(Clone, Debug)]
struct Stored {
    id: i64,
    values: Vec<Value>,
    refs: Vec<Option<i64>>,
}

/// The rows known so far, file by file: key to id and id to key.
#[derive(Default)]
struct Known {
    by_key: HashMap<&'static str, HashMap<Vec<Value>, i64>>,
    by_id: HashMap<&'static str, HashMap<i64, Vec<Value>>>,
    /// Each row's values by id, for the references that set a condition.
    rows: HashMap<&'static str, HashMap<i64, Vec<Value>>>,
}

/// A key as it is matched: texts without regard to case, as the database's
/// unique indexes compare names.
fn folded(key: &[Value]) -> Vec<Value> {
    key.iter()
        .map(|v| match v {
            Value::Text(s) => Value::Text(s.to_lowercase()),
            other => other.clone(),
        })
        .collect()
}

impl Known {
    fn remember(&mut self, table: &'static Table, rows: &[(i64, Vec<Value>)]) {
        let by_key = self.by_key.entry(table.file).or_default();
        let by_id = self.by_id.entry(table.file).or_default();
        by_key.clear();
        by_id.clear();
        for (id, values) in rows {
            let key = table.key_of(values);
            by_key.insert(folded(&key), *id);
            by_id.insert(*id, key);
        }
        if TABLES.iter().any(|t| {
            t.refs
                .iter()
                .any(|r| r.file == table.file && r.only.is_some())
        }) {
            self.rows.insert(table.file, rows.iter().cloned().collect());
        }
    }

    /// Whether a row of `file` has a key whose last column is `code`.
    fn ends_with(&self, file: &str, code: &str) -> bool {
        let code = Value::Text(code.to_lowercase());
        self.by_key
            .get(file)
            .is_some_and(|m| m.keys().any(|k| k.last() == Some(&code)))
    }

    /// Whether the row `id` of `file` holds `code` in the column `header`.
    fn holds(&self, file: &str, id: i64, header: &str, code: &str) -> bool {
        let table = Table::named(file).expect("a file of the format");
        self.rows
            .get(file)
            .and_then(|m| m.get(&id))
            .is_some_and(|v| table.value(v, header) == &Value::Text(code.into()))
    }

    fn id_of(&self, file: &str, key: &[Value]) -> Option<i64> {
        self.by_key.get(file)?.get(&folded(key)).copied()
    }

    /// Fills the columns of a row's references from the rows they point at.
    /// Returns the reference that points outside what is known, if any.
    fn complete(
        &self,
        table: &Table,
        stored: &mut Stored,
        deferred: bool,
    ) -> Result<(), &'static Ref> {
        for (r, id) in table.refs.iter().zip(&stored.refs) {
            if r.deferred != deferred {
                continue;
            }
            let Some(id) = id else { continue };
            let key = self.by_id.get(r.file).and_then(|m| m.get(id)).ok_or(r)?;
            for (h, v) in r.fields.iter().zip(key) {
                stored.values[table.index(h)] = v.clone();
            }
        }
        Ok(())
    }
}

// The queries below are built from the static descriptions in `tables.rs`
// only: no text of a bundle ever becomes SQL, every value is bound.

fn select_sql(table: &Table, loading: bool) -> (String, Vec<Ty>) {
    let mut cols = vec![if table.id {
        "id".to_string()
    } else {
        "CAST(0 AS BIGINT)".to_string()
    }];
    let mut tys = vec![Ty::Int];
    for f in table.fields {
        if let Some(c) = f.column {
            cols.push(c.to_string());
            tys.push(ty_of(&f.kind));
        }
    }
    for r in table.refs {
        cols.push(r.column.to_string());
        tys.push(Ty::Int);
    }
    let scope = match (loading, table.load_scope) {
        (true, Some(s)) => s,
        _ => table.scope,
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {scope}",
        cols.join(", "),
        table.sql
    );
    (sql, tys)
}

fn stored_of(table: &Table, row: Vec<Value>) -> Stored {
    let mut it = row.into_iter();
    let id = match it.next() {
        Some(Value::Int(n)) => n,
        _ => 0,
    };
    let mut values = vec![Value::Null; table.fields.len()];
    for (i, f) in table.fields.iter().enumerate() {
        if f.column.is_some() {
            values[i] = it.next().unwrap_or(Value::Null);
        }
    }
    let refs = it
        .map(|v| match v {
            Value::Int(n) => Some(n),
            _ => None,
        })
        .collect();
    Stored { id, values, refs }
}

/// Reads rows of a query whose columns are typed by `tys`, on a connection
/// or transaction of either backend (inside an `on_db!` arm).
macro_rules! fetch_values {
    ($exec:expr, $sql:expr, $zone:expr, $tys:expr) => {{
        use sqlx::Row;
        let sql: &str = $sql;
        let mut q = sqlx::query(sql);
        if sql.contains("$1") {
            q = q.bind($zone);
        }
        let rows = q.fetch_all($exec).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity($tys.len());
            for (i, ty) in $tys.iter().enumerate() {
                let v = match ty {
                    Ty::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                    Ty::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                    Ty::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                    Ty::Date => row.try_get::<Option<time::Date>, _>(i)?.map(Value::Date),
                    Ty::Instant => row
                        .try_get::<Option<time::OffsetDateTime>, _>(i)?
                        .map(Value::Instant),
                };
                values.push(v.unwrap_or(Value::Null));
            }
            out.push(values);
        }
        out
    }};
}

/// Binds typed values to a query (a null with its column's type, which
/// PostgreSQL needs).
macro_rules! bind_values {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for (v, ty) in $params.iter() {
            q = match (v, ty) {
                (Value::Int(n), _) => q.bind(*n),
                (Value::Text(s), _) => q.bind(s.clone()),
                (Value::Bool(b), _) => q.bind(*b),
                (Value::Date(d), _) => q.bind(*d),
                (Value::Instant(t), _) => q.bind(*t),
                (Value::Null, Ty::Int) => q.bind(None::<i64>),
                (Value::Null, Ty::Text) => q.bind(None::<String>),
                (Value::Null, Ty::Bool) => q.bind(None::<bool>),
                (Value::Null, Ty::Date) => q.bind(None::<time::Date>),
                (Value::Null, Ty::Instant) => q.bind(None::<time::OffsetDateTime>),
            };
        }
        q
    }};
}

/// The zone's id by its code.
async fn zone_id(db: &Db, code: &str) -> Result<Option<i64>, StoreError> {
    crate::db::select_optional::<(i64,)>(db, "SELECT id FROM zones WHERE code = $1", code)
        .await
        .map(|r| r.map(|(id,)| id))
}

/// Dumps a zone: every file of [`TABLES`], its rows sorted by the file's
/// order. Refused when a row points outside the zone or two rows share a
/// key: a bundle that could not be loaded back is never written.
pub async fn dump(db: &Db, zone_code: &str) -> Result<Vec<FileOut>, BundleError> {
    let Some(zone) = zone_id(db, zone_code).await? else {
        return Err(BundleError::Problems(vec![Problem {
            file: "manifest.csv".into(),
            line: None,
            column: None,
            message: format!("la zona «{zone_code}» non esiste"),
        }]));
    };
    let mut stored: Vec<Vec<Stored>> = Vec::new();
    for table in TABLES {
        let (sql, tys) = select_sql(table, false);
        let rows = on_db!(db, |pool| fetch_values!(pool, &sql, zone, tys));
        stored.push(rows.into_iter().map(|r| stored_of(table, r)).collect());
    }
    let mut known = Known::default();
    let mut problems = Vec::new();
    let outside = |table: &Table, r: &Ref, row: &Stored| {
        problem(
            table.file,
            None,
            Some(r.fields[0]),
            format!(
                "la riga con id {} punta a una riga di {}.csv che non è della zona",
                row.id, r.file
            ),
        )
    };
    for (table, rows) in TABLES.iter().zip(stored.iter_mut()) {
        for row in rows.iter_mut() {
            if let Err(r) = known.complete(table, row, false) {
                problems.push(outside(table, r, row));
            }
        }
        let pairs: Vec<(i64, Vec<Value>)> = rows.iter().map(|r| (r.id, r.values.clone())).collect();
        known.remember(table, &pairs);
    }
    let mut out = Vec::new();
    for (table, mut rows) in TABLES.iter().zip(stored) {
        for row in rows.iter_mut() {
            if let Err(r) = known.complete(table, row, true) {
                problems.push(outside(table, r, row));
            }
        }
        rows.sort_by_cached_key(|r| (table.order_of(&r.values), table.key_of(&r.values)));
        let mut seen = HashSet::new();
        for r in &rows {
            if !seen.insert(folded(&table.key_of(&r.values))) {
                problems.push(problem(
                    table.file,
                    None,
                    None,
                    format!(
                        "due righe hanno la stessa chiave «{}»: correggere i dati prima di esportarli",
                        table.shown_key(&r.values)
                    ),
                ));
            }
        }
        for r in &rows {
            for (f, v) in table.fields.iter().zip(&r.values) {
                if let Err(message) = reads_back(&f.kind, v) {
                    problems.push(problem(
                        table.file,
                        None,
                        Some(f.header),
                        format!(
                            "la riga «{}» non si potrebbe ricaricare: {message}",
                            table.shown_key(&r.values)
                        ),
                    ));
                }
            }
        }
        out.push(FileOut {
            table,
            rows: rows
                .iter()
                .map(|r| {
                    table
                        .fields
                        .iter()
                        .zip(&r.values)
                        .map(|(f, v)| f.kind.write(v))
                        .collect()
                })
                .collect(),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.truncate(MAX_PROBLEMS);
        Err(BundleError::Problems(problems))
    }
}

/// Whether a stored value, written as a cell, reads back as itself: a dump
/// that could not be loaded again (a text longer than its column allows, a
/// code no longer valid) is refused, never written. Texts read back trimmed,
/// as the forms store them.
fn reads_back(kind: &Kind, v: &Value) -> Result<(), String> {
    let back = kind.read(&kind.write(v))?;
    match (kind, v) {
        (Kind::Text(_) | Kind::Json(_), _) => Ok(()),
        _ if &back == v => Ok(()),
        _ => Err(format!(
            "«{}» si rileggerebbe come «{}»",
            kind.write(v),
            kind.write(&back)
        )),
    }
}

/// A file's rows read into values, each with its line.
type Parsed = Vec<(usize, Vec<Value>)>;

/// Reads every file's cells into values, checking headers, kinds, required
/// cells and duplicate keys; a file the bundle leaves out is `None`, so that
/// nothing of its kind changes. Nothing touches the database.
pub fn parse(files: &[FileIn], rules: &Rules) -> Result<Vec<Option<Parsed>>, Vec<Problem>> {
    let mut problems = Vec::new();
    for f in files {
        if Table::named(&f.file).is_none() {
            problems.push(problem(
                &f.file,
                None,
                None,
                "file sconosciuto: non fa parte del formato del pacchetto",
            ));
        }
    }
    let mut parsed = Vec::new();
    for table in TABLES {
        let Some(file) = files.iter().find(|f| f.file == table.file) else {
            parsed.push(None);
            continue;
        };
        let mut at = Vec::new();
        for field in table.fields {
            match file.headers.iter().position(|h| h.trim() == field.header) {
                Some(i) => at.push(i),
                None => problems.push(problem(
                    table.file,
                    Some(1),
                    Some(field.header),
                    "colonna mancante",
                )),
            }
        }
        for h in &file.headers {
            if !table.fields.iter().any(|f| f.header == h.trim()) {
                problems.push(problem(table.file, Some(1), Some(h), "colonna sconosciuta"));
            }
        }
        if at.len() != table.fields.len() {
            parsed.push(Some(Vec::new()));
            continue;
        }
        let mut rows = Vec::new();
        let mut keys: HashMap<Vec<Value>, usize> = HashMap::new();
        for (line, cells) in &file.rows {
            let mut values = Vec::with_capacity(table.fields.len());
            let mut ok = true;
            for (field, i) in table.fields.iter().zip(&at) {
                let cell = cells.get(*i).map_or("", String::as_str);
                match field.kind.read(cell) {
                    Ok(Value::Null) if field.required => {
                        problems.push(problem(
                            table.file,
                            Some(*line),
                            Some(field.header),
                            "valore obbligatorio mancante",
                        ));
                        ok = false;
                        values.push(Value::Null);
                    }
                    Ok(v) => values.push(v),
                    Err(m) => {
                        problems.push(problem(table.file, Some(*line), Some(field.header), m));
                        ok = false;
                        values.push(Value::Null);
                    }
                }
            }
            if let (true, Some(rule)) = (ok, table.check) {
                if let Err((column, message)) = rule(table, &values, rules) {
                    problems.push(problem(table.file, Some(*line), Some(column), message));
                    ok = false;
                }
            }
            if ok {
                if let Some(first) = keys.insert(folded(&table.key_of(&values)), *line) {
                    problems.push(problem(
                        table.file,
                        Some(*line),
                        None,
                        format!(
                            "stessa chiave «{}» della riga {first}",
                            table.shown_key(&values)
                        ),
                    ));
                }
            }
            rows.push((*line, values));
        }
        parsed.push(Some(rows));
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        problems.truncate(MAX_PROBLEMS);
        Err(problems)
    }
}

/// One write of a load, with what the audit log says of it.
enum Op {
    Insert {
        line: usize,
        parent: Parent,
        values: Vec<Value>,
        params: Vec<(&'static str, Value, Ty)>,
    },
    Update {
        line: usize,
        parent: Parent,
        id: i64,
        before: Vec<Value>,
        values: Vec<Value>,
        params: Vec<(&'static str, Value, Ty)>,
        at: Vec<(&'static str, Value, Ty)>,
    },
    Delete {
        parent: Parent,
        before: Vec<Value>,
        id: i64,
        at: Vec<(&'static str, Value, Ty)>,
    },
}

/// The record a row's audit entry is filed under, when it is not the row
/// itself: a sheet's funding line is part of the sheet's history.
type Parent = Option<Option<i64>>;

fn parent_of(table: &Table, cols: &[(&'static str, Value, Ty)]) -> Parent {
    let column = table.audited_as.or(table.owner)?;
    Some(
        cols.iter()
            .find(|(c, _, _)| *c == column)
            .and_then(|(_, v, _)| match v {
                Value::Int(n) => Some(*n),
                _ => None,
            }),
    )
}

/// The columns and values that find a stored row: its id, or for a table
/// without one its key's columns.
fn locate(table: &Table, stored: &Stored, zone: i64) -> Vec<(&'static str, Value, Ty)> {
    if table.id {
        return vec![("id", Value::Int(stored.id), Ty::Int)];
    }
    let mut at = Vec::new();
    if let Some(c) = table.zone {
        at.push((c, Value::Int(zone), Ty::Int));
    }
    for h in table.key {
        let f = &table.fields[table.index(h)];
        if let Some(c) = f.column {
            at.push((c, stored.values[table.index(h)].clone(), ty_of(&f.kind)));
        }
    }
    for (r, id) in table.refs.iter().zip(&stored.refs) {
        if r.fields.iter().all(|h| table.key.contains(h)) {
            at.push((r.column, id.map_or(Value::Null, Value::Int), Ty::Int));
        }
    }
    at
}

fn where_of(at: &[(&'static str, Value, Ty)], first: usize) -> (String, Vec<(Value, Ty)>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    for (c, v, ty) in at {
        if v.is_null() {
            clauses.push(format!("{c} IS NULL"));
        } else {
            params.push((v.clone(), *ty));
            clauses.push(format!("{c} = ${}", first + params.len() - 1));
        }
    }
    (clauses.join(" AND "), params)
}

/// A bundle row as loaded: its line, its id, its values, and whether this
/// load inserted it.
type LoadedRow = (usize, i64, Vec<Value>, bool);

/// Where the load is: the zone and region once known, the rows known.
struct Loading<'a> {
    zone_code: &'a str,
    zone: i64,
    region: i64,
    known: Known,
    /// Ids of the rows of each file that the bundle holds (for owned
    /// collections and deferred references): (line, id, values).
    loaded: HashMap<&'static str, Vec<LoadedRow>>,
}

impl Loading<'_> {
    /// Resolves a bundle row's references to ids: `deferred` selects which.
    fn resolve(
        &self,
        table: &Table,
        line: usize,
        values: &[Value],
        deferred: bool,
        problems: &mut Vec<Problem>,
    ) -> Vec<Option<i64>> {
        let mut ids = Vec::new();
        for r in table.refs {
            if r.deferred != deferred {
                ids.push(None);
                continue;
            }
            let key: Vec<Value> = r
                .fields
                .iter()
                .map(|h| values[table.index(h)].clone())
                .collect();
            // A column shared with another reference (a sheet's plan year,
            // also its programme's) does not make this one present.
            let own: Vec<&Value> = r
                .fields
                .iter()
                .zip(&key)
                .filter(|(h, _)| {
                    !table
                        .refs
                        .iter()
                        .any(|o| o.column != r.column && o.fields.contains(h))
                })
                .map(|(_, v)| v)
                .collect();
            let absent = if own.is_empty() {
                key.iter().all(Value::is_null)
            } else {
                own.iter().all(|v| v.is_null())
            };
            if absent {
                ids.push(None);
                continue;
            }
            if key.iter().any(Value::is_null) {
                problems.push(problem(
                    table.file,
                    Some(line),
                    Some(r.fields[0]),
                    format!(
                        "indicare tutte le colonne {} oppure nessuna",
                        r.fields.join(", ")
                    ),
                ));
                ids.push(None);
                continue;
            }
            let shown = || -> Vec<String> {
                r.fields
                    .iter()
                    .map(|h| {
                        let f = &table.fields[table.index(h)];
                        f.kind.write(&values[table.index(h)])
                    })
                    .collect()
            };
            match self.known.id_of(r.file, &key) {
                Some(id) => {
                    if let Some((header, code, what)) = r.only {
                        if !self.known.holds(r.file, id, header, code) {
                            problems.push(problem(
                                table.file,
                                Some(line),
                                Some(r.fields[0]),
                                format!(
                                    "«{}» non è {what} (colonna {header} di {}.csv)",
                                    shown().join(" · "),
                                    r.file
                                ),
                            ));
                        }
                    }
                    ids.push(Some(id));
                }
                None => {
                    let shown = shown();
                    problems.push(problem(
                        table.file,
                        Some(line),
                        Some(r.fields[0]),
                        format!(
                            "«{}» non si trova in {}.csv né nella base dati",
                            shown.join(" · "),
                            r.file
                        ),
                    ));
                    ids.push(None);
                }
            }
        }
        ids
    }

    /// Checks the cells that name a vocabulary's term or another file's key.
    fn check_terms(
        &self,
        table: &Table,
        line: usize,
        values: &[Value],
        problems: &mut Vec<Problem>,
    ) {
        for (f, v) in table.fields.iter().zip(values) {
            let Value::Text(code) = v else { continue };
            let found = match f.kind {
                Kind::Term(vocabulary) => self
                    .known
                    .id_of(
                        "vocabolari",
                        &[Value::Text(vocabulary.into()), Value::Text(code.clone())],
                    )
                    .is_some(),
                // A row may name another of its own file (an investment's
                // parent): the database's constraint checks those.
                Kind::KeyOf(file) if file == table.file => true,
                Kind::KeyOf(file) => self
                    .known
                    .id_of(file, &[Value::Text(code.clone())])
                    .is_some(),
                // A file keyed by more than one column (a matter, within its
                // agreement) is named by its key's last column.
                Kind::CodeOf(file) => self.known.ends_with(file, code),
                _ => true,
            };
            if !found {
                let source = match f.kind {
                    Kind::Term(v) => format!("nel vocabolario «{v}»"),
                    Kind::KeyOf(file) | Kind::CodeOf(file) => format!("in {file}.csv"),
                    _ => String::new(),
                };
                problems.push(problem(
                    table.file,
                    Some(line),
                    Some(f.header),
                    format!("«{code}» non si trova {source}"),
                ));
            }
        }
    }

    /// The columns a bundle row writes: its stored fields, its references
    /// (deferred ones as they stand), the zone and region.
    fn columns(
        &self,
        table: &Table,
        values: &[Value],
        ids: &[Option<i64>],
    ) -> Vec<(&'static str, Value, Ty)> {
        let mut cols = Vec::new();
        for (f, v) in table.fields.iter().zip(values) {
            if let Some(c) = f.column {
                cols.push((c, v.clone(), ty_of(&f.kind)));
            }
        }
        for (r, id) in table.refs.iter().zip(ids) {
            if !r.deferred {
                cols.push((r.column, id.map_or(Value::Null, Value::Int), Ty::Int));
            }
        }
        if let Some(c) = table.zone {
            cols.push((c, Value::Int(self.zone), Ty::Int));
        }
        if let Some(c) = table.region {
            cols.push((c, Value::Int(self.region), Ty::Int));
        }
        cols
    }

    /// What loading a file's rows takes, against what is stored.
    fn plan(
        &mut self,
        table: &'static Table,
        rows: Option<&Parsed>,
        stored: Vec<Stored>,
    ) -> Result<(Vec<Op>, usize, usize), Vec<Problem>> {
        // A file left out of the bundle changes nothing, not even the
        // collections of the owners that are in it.
        let present = rows.is_some();
        let rows: &[(usize, Vec<Value>)] = rows.map_or(&[], |r| r.as_slice());
        let mut problems = Vec::new();
        let mut by_key: HashMap<Vec<Value>, Stored> = HashMap::new();
        for mut s in stored {
            if self.known.complete(table, &mut s, false).is_ok() {
                by_key.insert(folded(&table.key_of(&s.values)), s);
            }
        }
        let mut ops = Vec::new();
        let (mut unchanged, mut kept) = (0, 0);
        let mut kept_keys = HashSet::new();
        for (line, values) in rows {
            let ids = self.resolve(table, *line, values, false, &mut problems);
            self.check_terms(table, *line, values, &mut problems);
            if table.file == "zone" {
                if let Value::Text(code) = &values[table.index("codice")] {
                    if code != self.zone_code {
                        problems.push(problem(table.file, Some(*line), Some("codice"), format!(
                            "il pacchetto è della zona «{}» (manifest.csv): questa riga è di «{code}»", self.zone_code
                        )));
                    }
                }
            }
            let key = folded(&table.key_of(values));
            kept_keys.insert(key.clone());
            let cols = self.columns(table, values, &ids);
            match by_key.get(&key) {
                Some(s) => {
                    let now = self.columns(table, &s.values, &s.refs);
                    if now == cols {
                        unchanged += 1;
                    } else if table.shared {
                        kept += 1;
                    } else {
                        ops.push(Op::Update {
                            parent: parent_of(table, &cols),
                            line: *line,
                            id: s.id,
                            before: s.values.clone(),
                            values: values.clone(),
                            params: cols,
                            at: locate(table, s, self.zone),
                        });
                    }
                }
                None => ops.push(Op::Insert {
                    parent: parent_of(table, &cols),
                    line: *line,
                    values: values.clone(),
                    params: cols,
                }),
            }
        }
        if let (Some(owner), true) = (table.owner, present) {
            let r = table
                .refs
                .iter()
                .position(|r| r.column == owner)
                .expect("owner is a reference");
            let owners: HashSet<i64> = self
                .loaded
                .get(table.refs[r].file)
                .map(|v| v.iter().map(|(_, id, _, _)| *id).collect())
                .unwrap_or_default();
            for (key, s) in &by_key {
                if !kept_keys.contains(key) && s.refs[r].is_some_and(|o| owners.contains(&o)) {
                    ops.push(Op::Delete {
                        parent: parent_of(table, &self.columns(table, &s.values, &s.refs)),
                        before: s.values.clone(),
                        id: s.id,
                        at: locate(table, s, self.zone),
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok((ops, unchanged, kept))
        } else {
            problems.truncate(MAX_PROBLEMS);
            Err(problems)
        }
    }
}

fn db_problem(table: &Table, line: Option<usize>, e: sqlx::Error) -> BundleError {
    let message = match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            "un'altra riga, di questo file o già registrata (anche di un'altra zona), ha gli stessi valori unici (per esempio lo stesso nome)".to_string()
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            "la riga è ancora usata da altri dati, o ne usa di mancanti".to_string()
        }
        sqlx::Error::Database(d) if d.is_check_violation() => {
            "valori non coerenti tra loro (per esempio una data di fine prima dell'inizio)"
                .to_string()
        }
        _ => return BundleError::Store(e.into()),
    };
    BundleError::Problems(vec![problem(table.file, line, None, message)])
}

/// Loads a bundle of zone `zone_code` in one transaction: everything or
/// nothing. With `check_only` the transaction is rolled back at the end, so
/// the report says what loading would change.
pub async fn load(
    db: &Db,
    actor: &Actor,
    zone_code: &str,
    files: &[FileIn],
    check_only: bool,
) -> Result<Report, BundleError> {
    let rules = Rules {
        soc26: crate::soc26::forms(db).await?,
    };
    let parsed = parse(files, &rules).map_err(BundleError::Problems)?;
    let zone_file = TABLES
        .iter()
        .position(|t| t.file == "zone")
        .expect("zone file");
    if parsed[zone_file].as_ref().map_or(0, Vec::len) != 1 {
        return Err(BundleError::Problems(vec![problem(
            "zone",
            None,
            None,
            "il file deve avere una riga: la zona del pacchetto",
        )]));
    }
    let existing = zone_id(db, zone_code).await?;
    let mut at = Loading {
        zone_code,
        zone: existing.unwrap_or(-1),
        region: -1,
        known: Known::default(),
        loaded: HashMap::new(),
    };
    let mut report = Report::default();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for (table, rows) in TABLES.iter().zip(&parsed) {
            let rows = rows.as_ref();
            let (sql, tys) = select_sql(table, true);
            let stored: Vec<Stored> = fetch_values!(&mut *tx, &sql, at.zone, tys)
                .into_iter()
                .map(|r| stored_of(table, r))
                .collect();
            let (ops, unchanged, kept) = at
                .plan(table, rows, stored)
                .map_err(BundleError::Problems)?;
            let (mut ins, mut upd, mut del) = (0, 0, 0);
            let now = crate::now();
            let mut inserted = HashSet::new();
            let mut inserted_keys = Vec::new();
            for op in &ops {
                let entry = match op {
                    Op::Insert {
                        parent,
                        line,
                        values,
                        params,
                    } => {
                        let mut cols: Vec<(&str, Value, Ty)> = params.clone();
                        for c in [table.created, table.updated].into_iter().flatten() {
                            cols.push((c, Value::Instant(now), Ty::Instant));
                        }
                        for (c, v) in table.fixed {
                            cols.push(match v {
                                Fixed::Text(s) => (c, Value::Text(s.to_string()), Ty::Text),
                                Fixed::Bool(b) => (c, Value::Bool(*b), Ty::Bool),
                            });
                        }
                        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
                        let marks: Vec<String> =
                            (1..=cols.len()).map(|i| format!("${i}")).collect();
                        let sql = format!(
                            "INSERT INTO {} ({}) VALUES ({}){}",
                            table.sql,
                            names.join(", "),
                            marks.join(", "),
                            if table.id { " RETURNING id" } else { "" }
                        );
                        let params: Vec<(Value, Ty)> =
                            cols.into_iter().map(|(_, v, t)| (v, t)).collect();
                        let id = if table.id {
                            bind_values!(sqlx::query_scalar::<_, i64>(&sql), params)
                                .fetch_one(&mut *tx)
                                .await
                                .map_err(|e| db_problem(table, Some(*line), e))?
                        } else {
                            bind_values!(sqlx::query(&sql), params)
                                .execute(&mut *tx)
                                .await
                                .map_err(|e| db_problem(table, Some(*line), e))?;
                            0
                        };
                        inserted.insert(id);
                        inserted_keys.push((*line, folded(&table.key_of(values))));
                        ins += 1;
                        table
                            .entry(
                                action::CREATE,
                                parent.unwrap_or(table.id.then_some(id)),
                                values,
                            )
                            .after(&table.cells(values))
                    }
                    Op::Update {
                        parent,
                        line,
                        id,
                        before,
                        values,
                        params,
                        at: place,
                    } => {
                        let mut sets: Vec<String> = params
                            .iter()
                            .enumerate()
                            .map(|(i, (c, _, _))| format!("{c} = ${}", i + 1))
                            .collect();
                        let mut binds: Vec<(Value, Ty)> =
                            params.iter().map(|(_, v, t)| (v.clone(), *t)).collect();
                        if let Some(u) = table.updated {
                            binds.push((Value::Instant(now), Ty::Instant));
                            sets.push(format!("{u} = ${}", binds.len()));
                        }
                        if table.versioned {
                            sets.push("version = version + 1".into());
                        }
                        let (cond, more) = where_of(place, binds.len() + 1);
                        binds.extend(more);
                        let sql =
                            format!("UPDATE {} SET {} WHERE {cond}", table.sql, sets.join(", "));
                        bind_values!(sqlx::query(&sql), binds)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| db_problem(table, Some(*line), e))?;
                        upd += 1;
                        let mut shown_before = before.clone();
                        for (i, f) in table.fields.iter().enumerate() {
                            if f.column.is_none() && shown_before[i].is_null() {
                                shown_before[i] = values[i].clone();
                            }
                        }
                        table
                            .entry(
                                action::UPDATE,
                                parent.unwrap_or(table.id.then_some(*id)),
                                values,
                            )
                            .before(&table.cells(&shown_before))
                            .after(&table.cells(values))
                    }
                    Op::Delete {
                        parent,
                        before,
                        id,
                        at: place,
                    } => {
                        let (cond, binds) = where_of(place, 1);
                        let sql = format!("DELETE FROM {} WHERE {cond}", table.sql);
                        bind_values!(sqlx::query(&sql), binds)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| db_problem(table, None, e))?;
                        del += 1;
                        table
                            .entry(
                                action::DELETE,
                                parent.unwrap_or(table.id.then_some(*id)),
                                before,
                            )
                            .before(&table.cells(before))
                    }
                };
                let entry = entry.zone((at.zone > 0).then_some(at.zone));
                write_audit!(&mut *tx, actor, entry);
            }
            report.tables.push(TableReport {
                file: table.file,
                inserted: ins,
                updated: upd,
                deleted: del,
                unchanged,
                kept,
            });
            // What is stored now, to find this file's rows from the next ones.
            if table.file == "zone" {
                if let Some(id) = fetch_values!(
                    &mut *tx,
                    "SELECT id FROM zones WHERE code = $1",
                    zone_code.to_string(),
                    [Ty::Int]
                )
                .first()
                .and_then(|r| match r[0] {
                    Value::Int(n) => Some(n),
                    _ => None,
                }) {
                    at.zone = id;
                }
                if let Some(r) = fetch_values!(
                    &mut *tx,
                    "SELECT region_id FROM zones WHERE id = $1",
                    at.zone,
                    [Ty::Int]
                )
                .first()
                {
                    if let Value::Int(n) = r[0] {
                        at.region = n;
                    }
                }
            }
            let mut now_stored: Vec<Stored> = fetch_values!(&mut *tx, &sql, at.zone, tys)
                .into_iter()
                .map(|r| stored_of(table, r))
                .collect();
            let mut pairs = Vec::new();
            for s in now_stored.iter_mut() {
                if at.known.complete(table, s, false).is_ok() {
                    pairs.push((s.id, s.values.clone()));
                }
            }
            at.known.remember(table, &pairs);
            let ids: HashMap<Vec<Value>, i64> = now_stored
                .iter()
                .map(|s| (folded(&table.key_of(&s.values)), s.id))
                .collect();
            // A row written outside the zone (a value of another zone's
            // territory) would be lost to the next dump: refused.
            let outside: Vec<Problem> = inserted_keys
                .iter()
                .filter(|(_, key)| !ids.contains_key(key))
                .map(|(line, _)| {
                    problem(
                        table.file,
                        Some(*line),
                        None,
                        "la riga non appartiene alla zona del pacchetto (per esempio un territorio che non è suo)",
                    )
                })
                .take(MAX_PROBLEMS)
                .collect();
            if !outside.is_empty() {
                return Err(BundleError::Problems(outside));
            }
            let loaded = rows
                .into_iter()
                .flatten()
                .filter_map(|(line, values)| {
                    let id = ids.get(&folded(&table.key_of(values)))?;
                    Some((*line, *id, values.clone(), inserted.contains(id)))
                })
                .collect();
            at.loaded.insert(table.file, loaded);
        }
        // References set last: they may point at any file, or at their own.
        for table in TABLES.iter().filter(|t| t.refs.iter().any(|r| r.deferred)) {
            let (sql, tys) = select_sql(table, true);
            let stored: Vec<Stored> = fetch_values!(&mut *tx, &sql, at.zone, tys)
                .into_iter()
                .map(|r| stored_of(table, r))
                .collect();
            let mut problems = Vec::new();
            let mut updated = 0;
            for (line, id, values, new) in at.loaded.get(table.file).cloned().unwrap_or_default() {
                let ids = at.resolve(table, line, &values, true, &mut problems);
                let Some(s) = stored.iter().find(|s| s.id == id) else {
                    continue;
                };
                for ((r, want), have) in table.refs.iter().zip(&ids).zip(&s.refs) {
                    if !r.deferred || want == have {
                        continue;
                    }
                    let sql = format!("UPDATE {} SET {} = $1 WHERE id = $2", table.sql, r.column);
                    sqlx::query(&sql)
                        .bind(*want)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| db_problem(table, Some(line), e))?;
                    if !new {
                        updated += 1;
                    }
                    let entry = AuditEntry::new(action::UPDATE, table.entity, Some(id))
                        .zone(Some(at.zone))
                        .summary(format!(
                            "Caricamento da pacchetto: {} «{}», colonne {}",
                            table.title,
                            table.shown_key(&values),
                            r.fields.join(", ")
                        ))
                        .after(&table.cells(&values));
                    write_audit!(&mut *tx, actor, entry);
                }
            }
            if !problems.is_empty() {
                return Err(BundleError::Problems(problems));
            }
            // A row inserted by this load and then pointed is counted once,
            // as inserted.
            if let Some(t) = report.tables.iter_mut().find(|t| t.file == table.file) {
                t.updated += updated;
            }
        }
        if check_only {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok::<_, BundleError>(())
    })?;
    Ok(report)
}
