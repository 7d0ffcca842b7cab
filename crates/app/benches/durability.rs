//! Durability under `kill -9`: every write zona acknowledged is still there
//! after the server is killed in the middle of concurrent saves.
//!
//! `cargo bench -p zona --bench durability` (SQLite), or with
//! `ZONA_BENCH_BACKEND=postgres` against the test PostgreSQL. It starts the
//! real `zona serve` on a demo database, has several signed-in clients create
//! bodies (Amministrazione › Enti) as fast as they can, kills the server with
//! SIGKILL after a few seconds, then reads the database directly and counts
//! the acknowledged creations (answered `303 See Other`) that are missing.
//! It prints the figures and exits non-zero if any acknowledged write is lost.

mod common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zona_store::territory::ListQuery;
use zona_store::{Backend, Page};
use zona_testing::TestDb;

const CLIENTS: usize = 8;
const RUN_FOR: Duration = Duration::from_secs(4);
const ROUNDS: usize = 3;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A signed-in client and the CSRF token of its session.
async fn signed_in(base: &str) -> (reqwest::Client, String) {
    let client = common::signed_in(base, 1).await;
    let form = client
        .get(format!("{base}/admin/enti/nuovo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::token_of(&form);
    (client, token)
}

async fn round(backend: Backend, round: usize) -> (usize, usize) {
    let t = TestDb::new(backend).await;
    zona_app::demo::load(&t.db).await.expect("demo data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_zona"))
        .args(["serve", "--database-url", &t.url, "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .env("ZONA_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zona serve");
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "server start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop_at = Instant::now() + RUN_FOR;
    let mut workers = Vec::new();
    for c in 0..CLIENTS {
        let (client, token) = signed_in(&base).await;
        let acknowledged = acknowledged.clone();
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            let mut i = 0;
            loop {
                let name = format!("Ente di prova {round}-{c}-{i}");
                i += 1;
                let sent = client
                    .post(format!("{base}/admin/enti/nuovo"))
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("name", name.as_str()),
                        ("kind", "other_public_body"),
                    ])
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => {
                        acknowledged.lock().unwrap().push(name);
                    }
                    Ok(_) => {}
                    // The server is gone: this worker is done.
                    Err(_) => break,
                }
                if Instant::now() > stop_at + Duration::from_secs(5) {
                    break;
                }
            }
        }));
    }
    tokio::time::sleep(RUN_FOR).await;
    // SIGKILL: no shutdown, no flush, in the middle of the saves.
    server.kill().expect("kill -9");
    let _ = server.wait();
    for w in workers {
        let _ = w.await;
    }
    t.db.close().await;
    // Read what survived with a fresh connection, as a restart would.
    let db = zona_store::Db::connect(&t.url).await.expect("reopen");
    let names: std::collections::HashSet<String> =
        zona_store::organisations::list_organisations(&db, &ListQuery::default(), Page::all())
            .await
            .expect("read back")
            .0
            .into_iter()
            .map(|o| o.name)
            .collect();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let lost = acknowledged.iter().filter(|n| !names.contains(*n)).count();
    db.close().await;
    (acknowledged.len(), lost)
}

#[tokio::main]
async fn main() {
    let backend = match std::env::var("ZONA_BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let (mut acknowledged, mut lost) = (0, 0);
    for r in 0..ROUNDS {
        let (a, l) = round(backend, r).await;
        println!(
            "round {}: {a} creations acknowledged, {l} lost after kill -9",
            r + 1
        );
        acknowledged += a;
        lost += l;
    }
    println!(
        "durability on {backend:?}: {ROUNDS} kills during {CLIENTS} concurrent writers, \
         {acknowledged} acknowledged writes, {lost} lost"
    );
    if lost > 0 {
        std::process::exit(1);
    }
}
