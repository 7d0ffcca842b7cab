//! The health profile: the seed's table, word for word, on the public page.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_testing::BACKENDS;

#[tokio::test]
async fn the_profile_page_shows_the_seed_table_word_for_word() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let p = app.get("/profilo-di-salute").await;
        assert_eq!(p.status, StatusCode::OK);
        let page = flat(&p.body);
        assert!(page.contains("<h1>Profilo di salute 2024</h1>"), "{page}");
        assert!(page.contains(
            "<thead><tr><th scope=\"col\">Tematica</th><th scope=\"col\">Nodi critici</th><th scope=\"col\">Aspetti positivi</th></tr></thead>"
        ));
        // Seed 000, «IL PROFILO DI SALUTE 2024: COSA EMERGE?», row by row.
        let rows: Vec<&str> = page.split("<th scope=\"row\">").skip(1).collect();
        let themes: Vec<&str> = rows.iter().map(|r| &r[..r.find('<').unwrap()]).collect();
        assert_eq!(
            themes,
            [
                "Demografia",
                "Determinanti di salute",
                "Famiglie e minori",
                "Cronicità",
                "Disabilità e non autosufficienza",
                "Salute mentale",
                "Prevenzione"
            ],
            "{backend:?}"
        );
        let row = |theme: &str| {
            rows.iter()
                .find(|r| r.starts_with(theme))
                .unwrap()
                .to_string()
        };
        assert!(row("Demografia").contains(
            "<li>L’inverno demografico è arrivato anche qui: rapporto giovani/anziani ribaltato e struttura per età prossima all’insostenibilità</li><li>Mortalità e speranza di vita sotto la media regionale</li>"
        ), "{}", row("Demografia"));
        assert!(row("Demografia")
            .contains("<li>Si vive più a lungo</li><li>Aumentano gli anni in buona salute</li>"));
        assert!(row("Determinanti di salute").contains("<li>Ambiente: presenza di SIN/SIR</li>"));
        assert!(row("Prevenzione").contains(
            "<li>Insufficiente adesione ad alcuni screening (colorettale, anti-influenza, MPR)</li>"
        ));
        assert!(row("Prevenzione")
            .contains("<li>Sensibili miglioramenti nella mortalità evitabile</li>"));
        let lines = page.matches("<li>").count();
        // 14 critical issues and 10 strengths, nothing else listed in the table.
        let table =
            &page[page.find("id=\"profile-table\"").unwrap()..page.find("</table>").unwrap()];
        assert_eq!(table.matches("<li>").count(), 24, "{table}");
        assert!(lines >= 24);
        // The plans page leads to it; a year without a profile is not found.
        assert!(app
            .get("/piani")
            .await
            .body
            .contains("href=\"/profilo-di-salute\""));
        assert_eq!(
            app.get("/profilo-di-salute?anno=1999").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/profilo-di-salute?anno=2024").await.status,
            StatusCode::OK
        );
    }
}
