//! Documents and exports. Takes values, never the database.
//!
//! Every list of the application becomes a [`Table`] (typed columns and cells)
//! and leaves through one of three writers: CSV with Italian conventions, XLSX,
//! JSON. A page and the command line export the same table the same way.

pub mod charts;
pub mod ical;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod table;

pub use table::{workbook, Cell, Column, ColumnKind, ExportFormat, Table};
