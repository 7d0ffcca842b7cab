//! Time to produce the POA document for the mayors' conference: the demo POA
//! 2024 (130 activity sheets) on SQLite, split into reading the data and
//! typesetting the PDF.
//!
//! `cargo bench -p zona --bench poa_pdf` (add `ZONA_BENCH_BACKEND=postgres`
//! to read from the test PostgreSQL).

mod common;

use common::median;
use std::time::Instant;

const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let (db, zone) = common::demo().await;
    let zone = zone.id;
    let today = time::OffsetDateTime::now_utc().date();
    // Fonts and the typst library are loaded once per process: the first
    // document pays for it, and is reported apart. Typst's memoisation is
    // cleared before every run, so no run reuses the previous one's layout.
    let (mut read, mut typeset, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let mut first = None;
    let mut size = 0;
    for run in 0..=RUNS {
        // Every run typesets from scratch, as a server would for a changed plan.
        comemo::evict(0);
        let t0 = Instant::now();
        let data = zona_app::poa::PoaData::load(&db.db, zone, 2024)
            .await
            .unwrap()
            .unwrap();
        let json = zona_app::poa::pdf_data(&db.db, zone, &data, today)
            .await
            .unwrap();
        let t1 = Instant::now();
        let pdf = zona_reports::pdf::render(zona_reports::pdf::POA_TEMPLATE, &json, today).unwrap();
        let t2 = Instant::now();
        size = pdf.len();
        if run == 0 {
            first = Some(t2 - t0);
            continue;
        }
        read.push(t1 - t0);
        typeset.push(t2 - t1);
        total.push(t2 - t0);
    }
    println!(
        "POA 2024 document ({:?}, 130 sheets, {size} bytes)",
        common::backend()
    );
    println!(
        "  first document (loads fonts):  {:>8.1} ms",
        first.unwrap().as_secs_f64() * 1e3
    );
    println!("  median of {RUNS} further runs:");
    println!(
        "    read the plan and its sheets: {:>8.1} ms",
        median(read).as_secs_f64() * 1e3
    );
    println!(
        "    typeset the PDF:              {:>8.1} ms",
        median(typeset).as_secs_f64() * 1e3
    );
    println!(
        "    total:                        {:>8.1} ms",
        median(total).as_secs_f64() * 1e3
    );
}
