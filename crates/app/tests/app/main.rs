//! Black-box tests of zona through HTTP, the command line and a real browser.

mod admin;
mod auth;
mod browser;
mod bundle;
mod cli;
mod codesign;
mod crawl;
mod daily;
mod exports;
mod helpers;
mod imports;
mod instances;
mod mail;
mod network;
mod participation;
mod planning;
mod profile;
mod published;
mod region;
mod routes;
mod soc26;
