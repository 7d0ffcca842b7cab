//! The main pages at the demo's size and at regional scale: latency p50 and
//! p99, throughput and statements per request of the POA tree, the sheet
//! list with filters, the integrated budget, the regional comparison and
//! the public plan, on the regional demo (Tuscany's 28 zones, the Zona
//! Livornese with its demo) and on a second copy of it in which
//! `zona bench-data` has filled the 27 other zones with ten years of
//! synthetic plans. The two databases are served side by side and measured
//! in turns, both settled as a serving database is (on PostgreSQL, vacuumed
//! and with the planner's statistics, as autovacuum leaves it within a
//! minute of a load). The pages are the Zona Livornese's: the ratio
//! (regional ÷ demo p50) says how much a zone's page slows down when the
//! database holds the whole region. The target for a zone's page is at
//! most 1,2.
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
/// Each page is measured in rounds, the demo's size and the regional scale
/// one after the other in each round: a machine that slows down or speeds
/// up during the run (another process, the database's own background work)
/// then weighs on both sides of the ratio alike.
const ROUNDS: usize = 4;

/// A page measured: its name, who asks, and the path.
struct Measured {
    name: &'static str,
    zone_page: bool,
    who: Who,
    path: String,
}

#[derive(Clone, Copy)]
enum Who {
    Office,
    Region,
    Visitor,
}

/// A running zona on one database, with a client for each kind of reader.
struct Site {
    base: String,
    office: reqwest::Client,
    region: reqwest::Client,
    visitor: reqwest::Client,
}

impl Site {
    async fn start(db: &zona_store::Db) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = Config {
            public_zone: Some(zona_app::demo::ZONE.to_string()),
            ..Config::default()
        };
        let state = AppState::new(db.clone(), Arc::new(config));
        tokio::spawn(async move {
            let _ = web::serve(listener, state).await;
        });
        Site {
            office: common::signed_in_as(&base, "ufficio.piano", CONCURRENCY).await,
            region: common::signed_in_as(&base, zona_app::demo::REGIONAL_ACCOUNT, CONCURRENCY)
                .await,
            visitor: reqwest::Client::builder()
                .pool_max_idle_per_host(CONCURRENCY)
                .build()
                .unwrap(),
            base,
        }
    }

    fn client(&self, who: Who) -> &reqwest::Client {
        match who {
            Who::Office => &self.office,
            Who::Region => &self.region,
            Who::Visitor => &self.visitor,
        }
    }
}

/// p50, p99 and the statements of one request.
struct Figures {
    p50: Duration,
    p99: Duration,
    per_second: f64,
    statements: usize,
}

impl Figures {
    fn of(loads: Vec<common::Load>, statements: usize) -> Figures {
        let mut all = common::Load {
            latencies: Vec::new(),
            elapsed: Duration::ZERO,
        };
        for l in loads {
            all.latencies.extend(l.latencies);
            all.elapsed += l.elapsed;
        }
        all.latencies.sort();
        Figures {
            p50: all.percentile(0.50),
            p99: all.percentile(0.99),
            per_second: all.per_second(),
            statements,
        }
    }

    fn print(&self, name: &str) {
        println!(
            "  {:<34} {:>6} req/s  p50 {:>8.2} ms  p99 {:>8.2} ms  {:>3} statements",
            name,
            format!("{:.0}", self.per_second),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.statements,
        );
    }
}

/// The statements of one request of a page, which must answer 200.
async fn statements(site: &Site, p: &Measured) -> usize {
    let before = queries::count();
    let r = site
        .client(p.who)
        .get(format!("{}{}", site.base, p.path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", p.path);
    r.bytes().await.unwrap();
    queries::count() - before
}

/// Each page on each site, in rounds, the sites taking turns.
async fn measure(sites: &[&Site], pages: &[Measured]) -> Vec<Vec<Figures>> {
    let mut out: Vec<Vec<Figures>> = sites.iter().map(|_| Vec::new()).collect();
    for p in pages {
        let mut counts = Vec::new();
        for site in sites {
            counts.push(statements(site, p).await);
        }
        let mut loads: Vec<Vec<common::Load>> = sites.iter().map(|_| Vec::new()).collect();
        for _ in 0..ROUNDS {
            for (site, l) in sites.iter().zip(&mut loads) {
                let url = format!("{}{}", site.base, p.path);
                l.push(
                    common::hammer(site.client(p.who), &url, REQUESTS / ROUNDS, CONCURRENCY).await,
                );
            }
        }
        for ((l, n), o) in loads.into_iter().zip(counts).zip(&mut out) {
            o.push(Figures::of(l, n));
        }
    }
    out
}

/// The regional demo on a fresh database: Tuscany's zones, the Zona
/// Livornese with its demo, and the regional account.
async fn regional_demo(backend: zona_store::Backend) -> TestDb {
    let db = TestDb::new(backend).await;
    zona_app::demo::load_region(&db.db).await.unwrap();
    zona_app::demo::load(&db.db).await.unwrap();
    zona_app::demo::add_regional_account(&db.db).await.unwrap();
    db
}

#[tokio::main]
async fn main() {
    queries::install();
    let backend = common::backend();
    let started = Instant::now();
    let small = regional_demo(backend).await;
    println!(
        "regional demo loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // As `zona bench-data` does at its end for the large copy.
    small.db.analyze().await.unwrap();
    let large = regional_demo(backend).await;
    let started = Instant::now();
    let made = bench_data::fill(&large.db, Scale::REGION, |_, _, _| {})
        .await
        .unwrap();
    println!(
        "zona bench-data on a second copy: {} zones, {} plans, {} activity sheets, {} funding lines, {} SOC26 forms in {:.1} s",
        made.zones,
        made.plans,
        made.sheets,
        made.funding_lines,
        made.forms,
        started.elapsed().as_secs_f64()
    );
    let demo_site = Site::start(&small.db).await;
    let regional_site = Site::start(&large.db).await;
    let sector = zona_store::vocabularies::terms(&small.db, Vocabulary::Sector)
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
            who: Who::Office,
            path: "/pianificazione/poa/2024".into(),
        },
        Measured {
            name: "sheet list, by sector and status",
            zone_page: true,
            who: Who::Office,
            path: format!("/pianificazione/poa/2024/schede?settore={sector}&stato=accepted"),
        },
        Measured {
            name: "integrated budget (2024)",
            zone_page: true,
            who: Who::Office,
            path: "/pianificazione/poa/2024/bilancio".into(),
        },
        Measured {
            name: "regional comparison (2024)",
            zone_page: false,
            who: Who::Region,
            path: "/regione/confronto?anno=2024&asse=settore".into(),
        },
        Measured {
            name: "public POA (2024), anonymous",
            zone_page: true,
            who: Who::Visitor,
            path: "/piani/poa/2024".into(),
        },
    ];
    println!(
        "{backend:?}, {REQUESTS} requests per page and size in {ROUNDS} rounds, concurrency {CONCURRENCY}"
    );
    let figures = measure(&[&demo_site, &regional_site], &pages).await;
    let (demo, regional) = (&figures[0], &figures[1]);
    println!("demo size:");
    for (p, f) in pages.iter().zip(demo) {
        f.print(p.name);
    }
    println!("regional scale:");
    for (p, f) in pages.iter().zip(regional) {
        f.print(p.name);
    }

    println!("ratio regional ÷ demo:");
    for ((p, d), r) in pages.iter().zip(demo).zip(regional) {
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
    let r = regional_site
        .region
        .get(format!("{}/regione/zone/ZD-PIS", regional_site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    println!("a synthetic zone (Pisana), as the region reads it:");
    let synthetic = measure(
        &[&regional_site],
        &[Measured {
            name: "POA tree of a synthetic year",
            zone_page: true,
            who: Who::Region,
            path: format!("/pianificazione/poa/{first}"),
        }],
    )
    .await;
    synthetic[0][0].print("POA tree of a synthetic year");
}
