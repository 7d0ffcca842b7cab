//! Storage of zona. One code path over two databases: SQLite (embedded, the
//! default) and PostgreSQL (production, shared by several app instances).
//!
//! Every repository function runs the same SQL on either backend through the
//! [`on_db!`] dispatch macro; the few places where the dialects differ say so.
//! Every change is written together with its audit entry, in one transaction.

pub mod audit;
pub mod bundle;
pub mod codesign;
mod db;
pub mod deadlines;
mod error;
pub mod governance;
pub mod network;
pub mod notifications;
pub mod organisations;
pub mod participation;
pub mod pis;
pub mod planning;
pub mod profile;
pub mod projects;
pub mod search;
pub mod sessions;
pub mod sheets;
pub mod soc26;
pub mod territory;
pub mod users;
pub mod vocabularies;

pub use audit::{Actor, AuditEntry};
pub use db::{redact, split_password, sqlite_path, Backend, Db, Page};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The current instant, truncated to the microsecond that PostgreSQL keeps, so
/// that values read back compare equal on both backends.
pub fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .expect("valid nanosecond")
}

/// Checks an update guarded by its `version`: no row touched means someone
/// else changed the record first. Returning the error drops the open
/// transaction, which rolls it back.
pub(crate) fn updated(rows: u64) -> Result<()> {
    if rows == 0 {
        Err(StoreError::Conflict)
    } else {
        Ok(())
    }
}
