//! Domain rules of zona. Pure: no IO, no database, no HTTP.
//!
//! Every value that enters the system from a person is parsed here into a type
//! that cannot hold an invalid value (`IstatCode`, `Cents`, `Username`, …), and
//! every authorisation decision is taken here (`authz`), so the rules can be
//! unit-tested without a server.

// The SOC26 JSON rendering is one large `json!` literal.
#![recursion_limit = "256"]

/// A value type stored as text: with the `sqlx` feature (which the store
/// turns on) it reads straight from a text column of either database, so a
/// nullable column reads as `Option<T>`. A stored text that names no value
/// is an error when the row is read, never a silent default. Nothing here
/// touches a database: it only says how the text becomes the type.
#[cfg(feature = "sqlx")]
macro_rules! text_column {
    ($t:ty) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $t
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $t
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                <$t>::try_from(text).map_err(|e| e.to_string().into())
            }
        }
    };
}
#[cfg(not(feature = "sqlx"))]
macro_rules! text_column {
    ($t:ty) => {};
}
pub(crate) use text_column;

pub mod attachment;
pub mod audit;
pub mod authn;
pub mod authz;
pub mod bundle;
pub mod calendar;
pub mod codesign;
pub mod coprogramming;
pub mod format;
pub mod governance;
pub mod money;
pub mod network;
pub mod number;
pub mod org;
pub mod planning;
pub mod profile;
pub mod projects;
pub mod region;
pub mod soc26;
pub mod soc26_json;
pub mod validation;

pub use money::Cents;
pub use validation::FieldErrors;
