//! The main pages at the demo's size and at regional scale: latency p50 and
//! p99, throughput and statements per request of the POA tree, the sheet
//! list with filters, the integrated budget, the regional comparison and
//! the public plan, first on the regional demo (Tuscany's 28 zones, the
//! Zona Livornese with its demo), then after `zona bench-data` has filled
//! the 27 other zones with ten years of synthetic plans. The pages are the
//! Zona Livornese's: the ratio (regional ÷ demo p50) says how much a zone's
//! page slows down when the database holds the whole region. The target
//! for a zone's page is at most 1,2.
//!
//! `cargo bench -p zona --bench scale` (SQLite), or with
//! `ZONA_BENCH_BACKEND=postgres`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};
use zona_app::bench_data::{self, Scale};
use zona_app::web::{self, AppState};
use zona_app::Config;
use zona_core::planning::Vocabulary;
use zona_testing::{queries, TestDb};

const REQUESTS: usize = 2000;
const CONCURRENCY: usize = 8;

/// A page measured: its name, who asks, and the path.
struct Measured {
    name: &'static str,
    zone_page: bool,
    client: reqwest::Client,
    path: String,
}

/// p50, p99 and the statements of one request.
struct Figures {
    p50: Duration,
    p99: Duration,
    per_second: f64,
    statements: usize,
}

async fn measure(base: &str, pages: &[Measured]) -> Vec<Figures> {
    let mut out = Vec::new();
    for p in pages {
        let url = format!("{base}{}", p.path);
        let before = queries::count();
        let r = p.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", p.path);
        r.bytes().await.unwrap();
        let statements = queries::count() - before;
        let load = common::hammer(&p.client, &url, REQUESTS, CONCURRENCY).await;
        println!(
            "  {:<34} {:>6} req/s  p50 {:>8.2} ms  p99 {:>8.2} ms  {statements:>3} statements",
            p.name,
            format!("{:.0}", load.per_second()),
            load.percentile(0.50).as_secs_f64() * 1000.0,
            load.percentile(0.99).as_secs_f64() * 1000.0,
        );
        out.push(Figures {
            p50: load.percentile(0.50),
            p99: load.percentile(0.99),
            per_second: load.per_second(),
            statements,
        });
    }
    out
}

#[tokio::main]
async fn main() {
    queries::install();
    let backend = common::backend();
    let db = TestDb::new(backend).await;
    let started = Instant::now();
    zona_app::demo::load_region(&db.db).await.unwrap();
    zona_app::demo::load(&db.db).await.unwrap();
    zona_app::demo::add_regional_account(&db.db).await.unwrap();
    println!(
        "regional demo loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        public_zone: Some(zona_app::demo::ZONE.to_string()),
        ..Config::default()
    };
    let state = AppState::new(db.db.clone(), Arc::new(config));
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });
    let office = common::signed_in_as(&base, "ufficio.piano", CONCURRENCY).await;
    let region = common::signed_in_as(&base, zona_app::demo::REGIONAL_ACCOUNT, CONCURRENCY).await;
    let visitor = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let sector = zona_store::vocabularies::terms(&db.db, Vocabulary::Sector)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a sector")
        .code;
    let pages = [
        Measured {
            name: "POA tree (2024)",
            zone_page: true,
            client: office.clone(),
            path: "/pianificazione/poa/2024".into(),
        },
        Measured {
            name: "sheet list, by sector and status",
            zone_page: true,
            client: office.clone(),
            path: format!("/pianificazione/poa/2024/schede?settore={sector}&stato=accepted"),
        },
        Measured {
            name: "integrated budget (2024)",
            zone_page: true,
            client: office.clone(),
            path: "/pianificazione/poa/2024/bilancio".into(),
        },
        Measured {
            name: "regional comparison (2024)",
            zone_page: false,
            client: region.clone(),
            path: "/regione/confronto?anno=2024&asse=settore".into(),
        },
        Measured {
            name: "public POA (2024), anonymous",
            zone_page: true,
            client: visitor.clone(),
            path: "/piani/poa/2024".into(),
        },
    ];
    println!("{backend:?}, {REQUESTS} requests per page, concurrency {CONCURRENCY}; demo size:");
    let demo = measure(&base, &pages).await;

    let started = Instant::now();
    let made = bench_data::fill(&db.db, Scale::REGION, |_, _, _| {})
        .await
        .unwrap();
    println!(
        "zona bench-data: {} zones, {} plans, {} activity sheets, {} funding lines, {} SOC26 forms in {:.1} s",
        made.zones,
        made.plans,
        made.sheets,
        made.funding_lines,
        made.forms,
        started.elapsed().as_secs_f64()
    );
    println!("regional scale:");
    let regional = measure(&base, &pages).await;

    println!("ratio regional ÷ demo:");
    for ((p, d), r) in pages.iter().zip(&demo).zip(&regional) {
        let ratio = r.p50.as_secs_f64() / d.p50.as_secs_f64();
        println!(
            "  {:<34} p50 {:.2}, p99 {:.2}, throughput {:.2}, statements {} → {}{}",
            p.name,
            ratio,
            r.p99.as_secs_f64() / d.p99.as_secs_f64(),
            r.per_second / d.per_second,
            d.statements,
            r.statements,
            if p.zone_page {
                // As printed, to two decimals.
                if (ratio * 100.0).round() <= 120.0 {
                    "  (zone page: within 1,2)"
                } else {
                    "  (zone page: ABOVE 1,2)"
                }
            } else {
                "  (reads every zone: grows with the region's data)"
            }
        );
    }

    // A synthetic zone's own POA tree, about 130 sheets, for scale.
    let first = bench_data::Scale::REGION.first_year + 5;
    let r = region
        .get(format!("{base}/regione/zone/ZD-PIS"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    println!("a synthetic zone (Pisana), as the region reads it:");
    measure(
        &base,
        &[Measured {
            name: "POA tree of a synthetic year",
            zone_page: true,
            client: region.clone(),
            path: format!("/pianificazione/poa/{first}"),
        }],
    )
    .await;
}
