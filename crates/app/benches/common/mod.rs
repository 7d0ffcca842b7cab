//! What the benchmarks share: the backend chosen by `ZONA_BENCH_BACKEND`,
//! the demo zone on a fresh database, a signed-in client, and the figures.

// Each benchmark is its own crate and uses only some of these.
#![allow(dead_code)]

use std::time::Duration;
use zona_store::territory::Zone;
use zona_store::Backend;
use zona_testing::TestDb;

/// SQLite, or the test PostgreSQL with `ZONA_BENCH_BACKEND=postgres`.
pub fn backend() -> Backend {
    match std::env::var("ZONA_BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A fresh database with the demo zone loaded, and the zone.
pub async fn demo() -> (TestDb, Zone) {
    let db = TestDb::new(backend()).await;
    zona_app::demo::load(&db.db).await.expect("demo data");
    let zone = zona_store::territory::default_zone(&db.db)
        .await
        .unwrap()
        .unwrap();
    (db, zone)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The CSRF token of the first form of a page.
pub fn token_of(body: &str) -> String {
    let at = body.find("name=\"csrf_token\" value=\"").expect("a form") + 25;
    body[at..at + 64].to_string()
}

/// A client signed in as the demo's planning office, keeping its session
/// cookie, not following redirects.
pub async fn signed_in(base: &str, idle_per_host: usize) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(idle_per_host)
        .build()
        .unwrap();
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token_of(&login).as_str()),
            ("username", "ufficio.piano"),
            ("password", zona_app::demo::DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "login");
    client
}
