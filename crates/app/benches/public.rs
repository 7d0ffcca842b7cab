//! The published pages against a static server of the same bytes: requests
//! per second and latency of the public POA, a published sheet and the
//! health profile for an anonymous visitor, then of the same bytes served
//! from memory by a bare HTTP handler on the same machine and client.
//!
//! `cargo bench -p zona --bench public` (SQLite), or with
//! `ZONA_BENCH_BACKEND=postgres`. The ratio (zona ÷ static) is the figure
//! to compare between changes.

mod common;

use axum::routing::get;
use std::sync::Arc;
use zona_app::web::{self, AppState};
use zona_app::Config;

const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 16;

/// A zona server on a free port, keeping published pages or not.
async fn server(db: &zona_store::Db, keep: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        keep_published_pages: keep,
        ..Config::default()
    };
    let state = AppState::new(db.clone(), Arc::new(config));
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });
    base
}

/// The same bytes from memory, with the same content type.
async fn fixed(bytes: axum::body::Bytes) -> String {
    let app = axum::Router::new().route(
        "/",
        get(move || {
            let body = bytes.clone();
            async move { ([("content-type", "text/html; charset=utf-8")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    address
}

#[tokio::main]
async fn main() {
    let backend = common::backend();
    let (db, _) = common::demo().await;
    let rendering = server(&db.db, false).await;
    let keeping = server(&db.db, true).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    println!(
        "published pages, anonymous, {backend:?}, {REQUESTS} requests each, concurrency {CONCURRENCY}"
    );
    for path in ["/piani/poa/2024", "/piani/scheda/1", "/profilo-di-salute"] {
        let bytes = client
            .get(format!("{rendering}{path}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let each = common::hammer(
            &client,
            &format!("{rendering}{path}"),
            REQUESTS,
            CONCURRENCY,
        )
        .await;
        let kept =
            common::hammer(&client, &format!("{keeping}{path}"), REQUESTS, CONCURRENCY).await;
        let still =
            common::hammer(&client, &fixed(bytes.clone()).await, REQUESTS, CONCURRENCY).await;
        println!("{path} ({} kB)", bytes.len() / 1024);
        for (what, load) in [
            ("rendered each time", &each),
            ("kept rendered", &kept),
            ("static, same bytes", &still),
        ] {
            println!(
                "  {what:<19} {} (ratio to static {:.3})",
                load.line(),
                load.per_second() / still.per_second()
            );
        }
    }
}
