//! The network of services on the demo zone: reading the facilities with
//! their beds and services, the services matrix table, the DM 77/2022 check
//! (population, facilities, standards, counts by hand), and a project card
//! as a one-page PDF.
//!
//! `cargo bench -p zona --bench network` (add `ZONA_BENCH_BACKEND=postgres`
//! to use the test PostgreSQL).

mod common;

use common::{median, ms};
use std::time::Instant;
use zona_core::network::FacilityKind;

const RUNS: usize = 7;

#[tokio::main]
async fn main() {
    let (db, zone) = common::demo().await;
    let today = time::OffsetDateTime::now_utc().date();
    let projects = zona_store::projects::list_projects(&db.db, zone.id)
        .await
        .unwrap();
    let amibus = projects
        .iter()
        .find(|p| p.row.title == "Progetto AMIBUS 4")
        .unwrap();
    // Fonts load once per process: warm up before measuring.
    let _ = zona_app::network::card_pdf(amibus, &zone.name, today).unwrap();
    let (mut list, mut matrix, mut check, mut card) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..RUNS {
        comemo::evict(0);
        let t = Instant::now();
        let all = zona_store::network::list_facilities(&db.db, zone.id)
            .await
            .unwrap();
        list.push(t.elapsed());
        assert_eq!(all.len(), 13);
        let t = Instant::now();
        let houses = zona_app::network::matrix_facilities(&all, FacilityKind::CommunityHouse);
        let table = zona_app::network::matrix_table(
            &houses,
            &zona_app::network::service_terms(&db.db).await.unwrap(),
        );
        matrix.push(t.elapsed());
        assert_eq!(table.rows.len(), 17);
        let t = Instant::now();
        let c = zona_app::network::dm77_check(&db.db, zone.id)
            .await
            .unwrap();
        check.push(t.elapsed());
        assert_eq!((c.population, c.rows.len()), (169_931, 9));
        let t = Instant::now();
        let pdf = zona_app::network::card_pdf(amibus, &zone.name, today).unwrap();
        card.push(t.elapsed());
        size = pdf.len();
    }
    println!(
        "network on {:?}, median of {RUNS} runs (typst memo cleared before each):",
        common::backend()
    );
    println!(
        "  13 facilities read with beds and services  {}",
        ms(median(list))
    );
    println!(
        "  services matrix, 17 × 7                    {}",
        ms(median(matrix))
    );
    println!(
        "  DM 77/2022 check, 8 standards              {}",
        ms(median(check))
    );
    println!(
        "  AMIBUS 4 card as PDF ({} kB)               {}",
        size / 1024,
        ms(median(card))
    );
}
