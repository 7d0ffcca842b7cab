//! Requests per second and latency of the home page for a signed-in user.
//!
//! `cargo bench -p zona --bench home` (SQLite), or with
//! `ZONA_BENCH_BACKEND=postgres` against the test PostgreSQL. The server and
//! the load generator share the machine: the figures are for comparing
//! changes, not capacity planning.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};
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
    let state = AppState {
        db: db.db.clone(),
        config: Arc::new(Config::default()),
    };
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });

    let client = common::signed_in(&base, CONCURRENCY).await;

    // Warm-up.
    for _ in 0..50 {
        client
            .get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }

    let started = Instant::now();
    let per_worker = REQUESTS / CONCURRENCY;
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let c = client.clone();
        let url = format!("{base}/");
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = Instant::now();
                let r = c.get(&url).send().await.unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(REQUESTS);
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "home page, signed-in planning office, {backend:?}, {} requests, concurrency {CONCURRENCY}",
        all.len()
    );
    println!(
        "  throughput: {:.0} requests/s",
        all.len() as f64 / elapsed.as_secs_f64()
    );
    println!("  latency p50: {:.2} ms", pct(0.50).as_secs_f64() * 1000.0);
    println!("  latency p99: {:.2} ms", pct(0.99).as_secs_f64() * 1000.0);
    println!(
        "  latency max: {:.2} ms",
        all[all.len() - 1].as_secs_f64() * 1000.0
    );
}
