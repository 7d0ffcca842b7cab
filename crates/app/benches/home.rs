//! Requests per second and latency of the home page for a signed-in user.
//!
//! `cargo bench -p zona --bench home` (SQLite), or with
//! `ZONA_BENCH_BACKEND=postgres` against the test PostgreSQL. The server and
//! the load generator share the machine: the figures are for comparing
//! changes, not capacity planning.

mod common;

use std::sync::Arc;
use zona_app::web::{self, AppState};
use zona_app::Config;

const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 16;

#[tokio::main]
async fn main() {
    let backend = common::backend();
    let (db, _) = common::demo().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(db.db.clone(), Arc::new(Config::default()));
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });

    let client = common::signed_in(&base, CONCURRENCY).await;

    let load = common::hammer(&client, &format!("{base}/"), REQUESTS, CONCURRENCY).await;
    println!(
        "home page, signed-in planning office, {backend:?}, {} requests, concurrency {CONCURRENCY}",
        load.latencies.len()
    );
    println!("  throughput: {:.0} requests/s", load.per_second());
    println!(
        "  latency p50: {:.2} ms",
        load.percentile(0.50).as_secs_f64() * 1000.0
    );
    println!(
        "  latency p99: {:.2} ms",
        load.percentile(0.99).as_secs_f64() * 1000.0
    );
    println!(
        "  latency max: {:.2} ms",
        load.percentile(1.0).as_secs_f64() * 1000.0
    );
}
