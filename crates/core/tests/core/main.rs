//! The domain rules' tests, in one binary: the law's and the official
//! forms' figures, and their edge values.

mod common;
mod coprogramming_notice;
mod network_rules;
mod number_reader;
mod soc26_edges;
mod soc26_json;
mod soc26_livorno;
