//! Domain rules of zona. Pure: no IO, no database, no HTTP.
//!
//! Every value that enters the system from a person is parsed here into a type
//! that cannot hold an invalid value (`IstatCode`, `Cents`, `Username`, …), and
//! every authorisation decision is taken here (`authz`), so the rules can be
//! unit-tested without a server.

// The SOC26 JSON rendering is one large `json!` literal.
#![recursion_limit = "256"]

pub mod attachment;
pub mod authn;
pub mod authz;
pub mod calendar;
pub mod codesign;
pub mod coprogramming;
pub mod format;
pub mod money;
pub mod network;
pub mod number;
pub mod org;
pub mod planning;
pub mod projects;
pub mod soc26;
pub mod soc26_json;
pub mod validation;

pub use money::Cents;
pub use validation::FieldErrors;
