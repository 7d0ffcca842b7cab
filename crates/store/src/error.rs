use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is not one we can use; the message says why, in English
    /// for the operator.
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the database: {0}")]
    Unreachable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    /// The database answers but cannot be read through: a damaged file.
    #[error("the database is damaged ({0}): restore it from the latest backup")]
    Damaged(String),
    /// A unique index refused the value of this form field.
    #[error("duplicate value for {field}")]
    Duplicate { field: &'static str },
    #[error("record not found")]
    NotFound,
    /// Optimistic concurrency: someone else saved the record after it was read.
    #[error("the record was changed by someone else")]
    Conflict,
    /// A rule of the domain refused the change; the message is Italian and
    /// meant for the person.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique violation on one of the named indexes to the form field it
    /// guards. Index names are the same on both backends; PostgreSQL reports
    /// them as the constraint, SQLite in the message.
    pub(crate) fn from_unique(e: sqlx::Error, indexes: &[(&str, &'static str)]) -> StoreError {
        if let Some(db) = e.as_database_error() {
            if db.is_unique_violation() {
                let name = violated_index(db.constraint(), db.message());
                for (index, field) in indexes {
                    if name.as_deref() == Some(*index) {
                        return StoreError::Duplicate { field };
                    }
                }
            }
        }
        StoreError::Database(e)
    }
}

/// The name of the unique index a violation refers to. PostgreSQL names it as
/// the constraint. SQLite writes `index 'name'` for expression indexes and
/// `table.column, …` for plain ones, which our naming rule turns back into
/// the index name: `<table>_<last column>_uq` (the last column is the one
/// that must be unique within the others, e.g. the year within a zone).
fn violated_index(constraint: Option<&str>, message: &str) -> Option<String> {
    if let Some(c) = constraint.filter(|c| !c.is_empty()) {
        return Some(c.to_string());
    }
    let detail = message.split("failed: ").nth(1)?;
    if let Some(rest) = detail.strip_prefix("index '") {
        return rest.split('\'').next().map(str::to_string);
    }
    let last = detail.split(", ").last()?;
    let (table, column) = last.split_once('.')?;
    Some(format!("{table}_{column}_uq"))
}

#[cfg(test)]
mod tests {
    use super::violated_index;

    #[test]
    fn index_names_from_both_dialects() {
        assert_eq!(
            violated_index(Some("zones_code_uq"), "duplicate key").as_deref(),
            Some("zones_code_uq")
        );
        assert_eq!(
            violated_index(None, "UNIQUE constraint failed: regions.code").as_deref(),
            Some("regions_code_uq")
        );
        assert_eq!(
            violated_index(None, "UNIQUE constraint failed: index 'regions_name_uq'").as_deref(),
            Some("regions_name_uq")
        );
        assert_eq!(
            violated_index(
                None,
                "UNIQUE constraint failed: annual_plans.zone_id, annual_plans.year"
            )
            .as_deref(),
            Some("annual_plans_year_uq")
        );
        assert_eq!(violated_index(None, "something else"), None);
    }
}
