//! Participation on the demo zone: reading the co-design registry (40
//! agreements with codes, partners and activities), parsing the POA
//! chapter's table as an import, rendering the chapter as PDF, and the final
//! report of the PIS 2026-2028 path.
//!
//! `cargo bench -p zona --bench participation` (add
//! `ZONA_BENCH_BACKEND=postgres` to use the test PostgreSQL).

mod common;

use common::{median, ms};
use std::time::Instant;

const RUNS: usize = 7;

#[tokio::main]
async fn main() {
    let (db, zone) = common::demo().await;
    let today = time::OffsetDateTime::now_utc().date();
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/codesign/zona-livornese-poa-2024.csv"
    ))
    .unwrap();
    let procedure = zona_store::participation::procedures(&db.db, zone.id)
        .await
        .unwrap()
        .remove(0);
    // Fonts load once per process: warm up before measuring.
    let _ = zona_reports::pdf::render(
        zona_reports::pdf::REPORT_TEMPLATE,
        &zona_app::participation::report_data(&db.db, &procedure, &zone.name)
            .await
            .unwrap(),
        today,
    )
    .unwrap();
    let (mut list, mut import, mut chapter, mut report) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sizes = (0, 0);
    for _ in 0..RUNS {
        comemo::evict(0);
        let t = Instant::now();
        let rows = zona_store::codesign::list_agreements(&db.db, zone.id, &Default::default())
            .await
            .unwrap();
        list.push(t.elapsed());
        assert_eq!(rows.len(), 40);
        let t = Instant::now();
        let parsed = zona_app::codesign::parse_import(&db.db, zone.id, &csv, false, true)
            .await
            .unwrap();
        import.push(t.elapsed());
        assert_eq!(parsed.map(|p| p.inputs.len()).unwrap_or(0), 40);
        let t = Instant::now();
        let pdf = zona_app::codesign::pdf(&rows, &zone.name, today).unwrap();
        chapter.push(t.elapsed());
        let t = Instant::now();
        let data = zona_app::participation::report_data(&db.db, &procedure, &zone.name)
            .await
            .unwrap();
        let doc =
            zona_reports::pdf::render(zona_reports::pdf::REPORT_TEMPLATE, &data, today).unwrap();
        report.push(t.elapsed());
        sizes = (pdf.len(), doc.len());
    }
    println!(
        "participation on {:?}, median of {RUNS} runs (typst memo cleared before each):",
        common::backend()
    );
    println!(
        "  co-design registry, 40 agreements read     {}",
        ms(median(list))
    );
    println!(
        "  POA chapter table parsed as an import      {}",
        ms(median(import))
    );
    println!(
        "  chapter table as PDF ({} kB)              {}",
        sizes.0 / 1024,
        ms(median(chapter))
    );
    println!(
        "  final report of the PIS path, data + PDF ({} kB) {}",
        sizes.1 / 1024,
        ms(median(report))
    );
}
