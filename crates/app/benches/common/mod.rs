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
    signed_in_as(base, "ufficio.piano", idle_per_host).await
}

/// A client signed in as one of the demo's accounts, keeping its session
/// cookie, not following redirects.
pub async fn signed_in_as(base: &str, username: &str, idle_per_host: usize) -> reqwest::Client {
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
            ("username", username),
            ("password", zona_app::demo::DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "login");
    client
}

/// Latency and throughput of `requests` GETs of `url`, `concurrency` at a
/// time, each answered 200 and read whole.
pub struct Load {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let n = self.latencies.len();
        self.latencies[((n as f64 * p) as usize).min(n - 1)]
    }

    /// One line of figures.
    pub fn line(&self) -> String {
        format!(
            "{:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
            self.per_second(),
            self.percentile(0.50).as_secs_f64() * 1000.0,
            self.percentile(0.99).as_secs_f64() * 1000.0
        )
    }
}

pub async fn hammer(
    client: &reqwest::Client,
    url: &str,
    requests: usize,
    concurrency: usize,
) -> Load {
    // Warm-up.
    for _ in 0..50 {
        client.get(url).send().await.unwrap().bytes().await.unwrap();
    }
    let started = std::time::Instant::now();
    let per_worker = requests / concurrency;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let c = client.clone();
        let url = url.to_string();
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = std::time::Instant::now();
                let r = c.get(&url).send().await.unwrap();
                assert_eq!(r.status(), 200, "{url}");
                r.bytes().await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Load { latencies, elapsed }
}
