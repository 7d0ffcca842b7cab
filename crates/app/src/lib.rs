//! The `zona` application: command line, web server, demo data and the lists
//! that every page and the command line export.

pub mod audit_view;
pub mod backup;
pub mod bench_data;
pub mod bundle;
pub mod cli;
pub mod codesign;
pub mod config;
pub mod demo;
pub mod import;
pub mod lists;
pub mod mail;
pub mod monitoring;
pub mod network;
pub mod participation;
pub mod passwords;
pub mod poa;
pub mod region;
mod soc26_import;
pub mod usecase;
pub mod web;

pub use config::{Clock, Config};
