//! The statements each main page runs do not grow with its data: the same
//! page of a small zone and of a zone ten times its size, and the regional
//! pages with one more zone, run the same number of statements (no N+1).
//!
//! A binary of its own, with one test: the statement count is the
//! process's (`zona_testing::queries`), so nothing else may run meanwhile.

#[path = "../benches/common/mod.rs"]
mod common;

use reqwest::{redirect, Client};
use std::sync::Arc;
use zona_app::bench_data::{self, Scale};
use zona_app::web::{self, AppState};
use zona_app::Config;
use zona_store::{Backend, Db};
use zona_testing::{queries, TestDb, BACKENDS};

/// A zone of region RT with `towns` municipalities of 10.000 inhabitants,
/// loaded as a regional bundle.
async fn add_zone(db: &Db, code: &str, name: &str, towns: usize, istat_from: usize) {
    let csv = |rows: Vec<String>| format!("\u{feff}{}\r\n", rows.join("\r\n")).into_bytes();
    let istat: Vec<String> = (0..towns)
        .map(|i| format!("{:06}", istat_from + i))
        .collect();
    let files = vec![
        (
            "manifest.csv".to_string(),
            csv(vec!["chiave;valore".into(), "formato;1".into(), "regione;RT".into()]),
        ),
        (
            "regioni.csv".into(),
            csv(vec!["codice;nome;attivo".into(), "RT;Regione Toscana;Sì".into()]),
        ),
        (
            "zone.csv".into(),
            csv(vec![
                "codice;nome;regione;ente_capofila;comune_sede;consultori_aree_interne;codice_asl;attivo".into(),
                format!("{code};{name};RT;;;No;ATNO;Sì"),
            ]),
        ),
        (
            "comuni.csv".into(),
            csv(std::iter::once("zona;codice_istat;nome;area_interna;festa_patronale;attivo".to_string())
                .chain(istat.iter().map(|c| format!("{code};{c};Comune {c};;;Sì")))
                .collect()),
        ),
        (
            "popolazioni.csv".into(),
            csv(std::iter::once("comune;anno;popolazione;fonte".to_string())
                .chain(istat.iter().map(|c| format!("{c};2024;10.000;prova")))
                .collect()),
        ),
    ];
    let region = zona_app::region::from_csv_files(&files).unwrap();
    zona_app::region::load(db, &region, false)
        .await
        .unwrap()
        .unwrap();
}

/// One year of plans for the zones without any: `sheets` activity sheets
/// with `lines` funding lines each.
async fn fill(db: &Db, sheets: usize, lines: &'static [usize]) {
    let scale = Scale {
        first_year: 2025,
        years: 1,
        sheets: (sheets, sheets),
        lines,
    };
    bench_data::fill(db, scale, |_, _, _| {}).await.unwrap();
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The statements a GET of `path` runs: the fewer of two requests, so that
/// a statement of the server's own timers cannot be counted in.
async fn statements(c: &Client, base: &str, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..2 {
        let before = queries::count();
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.bytes().await.unwrap();
        fewest = fewest.min(queries::count() - before);
    }
    fewest
}

/// The zone pages counted: the POA tree, the sheet list with filters, the
/// integrated budget, a sheet, the SOC26 forms, the DM 77/2022 check.
const ZONE_PAGES: [&str; 6] = [
    "/pianificazione/poa/2025",
    "/pianificazione/poa/2025/schede?stato=accepted&q=sintetica",
    "/pianificazione/poa/2025/bilancio",
    "/obiettivi-servizio",
    "/servizi/dm77",
    "/zona",
];

/// The regional pages counted.
const REGION_PAGES: [&str; 4] = [
    "/regione/confronto?anno=2025",
    "/regione/dm77",
    "/regione/obiettivi-servizio",
    "/regione/profilo",
];

/// The statements of each page of a zone, as the region sees it, and of
/// its public plan, as a visitor sees it.
async fn zone_counts(
    region: &Client,
    visitor: &Client,
    base: &str,
    code: &str,
) -> Vec<(String, usize)> {
    for c in [region, visitor] {
        let r = c
            .get(format!("{base}/regione/zone/{code}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    let mut out = Vec::new();
    for page in ZONE_PAGES {
        out.push((page.to_string(), statements(region, base, page).await));
    }
    out.push((
        "/piani/poa/2025 (pubblica)".into(),
        statements(visitor, base, "/piani/poa/2025").await,
    ));
    out
}

async fn region_counts(region: &Client, base: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for page in REGION_PAGES {
        out.push((page.to_string(), statements(region, base, page).await));
    }
    out
}

async fn check(backend: Backend) {
    let test_db = TestDb::new(backend).await;
    let db = &test_db.db;
    zona_app::demo::load(db).await.unwrap();
    zona_app::demo::add_regional_account(db).await.unwrap();
    // A small zone (1 municipality, 5 sheets of 1 line), then a large one
    // (4 municipalities, 50 sheets of 3 lines).
    add_zone(db, "ZD-PIC", "Zona Distretto Piccola", 1, 900001).await;
    fill(db, 5, &[1]).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Published pages rendered each time, so that their statements count.
    let config = Config {
        keep_published_pages: false,
        ..Config::default()
    };
    let state = AppState::new(db.clone(), Arc::new(config));
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });
    let region = common::signed_in_as(&base, zona_app::demo::REGIONAL_ACCOUNT, 1).await;
    let visitor = client();

    let regional_before = region_counts(&region, &base).await;
    add_zone(db, "ZD-GRA", "Zona Distretto Grande", 4, 900101).await;
    fill(db, 50, &[3]).await;
    let regional_after = region_counts(&region, &base).await;
    let small = zone_counts(&region, &visitor, &base, "ZD-PIC").await;
    let large = zone_counts(&region, &visitor, &base, "ZD-GRA").await;
    for ((page, s), (_, l)) in small.iter().zip(&large) {
        println!("{backend:?} {page}: {s} statements with 5 sheets, {l} with 50");
    }
    for ((page, b), (_, a)) in regional_before.iter().zip(&regional_after) {
        println!("{backend:?} {page}: {b} statements with 2 zones, {a} with 3");
    }
    assert_eq!(
        small, large,
        "{backend:?}: a zone page's statements grow with its data"
    );
    assert_eq!(
        regional_before, regional_after,
        "{backend:?}: a regional page's statements grow with the zones"
    );
    // The counter counts: the POA tree reads the plan.
    assert!(small[0].1 > 0);
}

#[tokio::test]
async fn the_main_pages_run_as_many_statements_whatever_their_data() {
    queries::install();
    for backend in BACKENDS {
        check(backend).await;
    }
}
