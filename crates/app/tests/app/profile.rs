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
        let profile = &page[page.find("id=\"profile-table\"").unwrap()..];
        let profile = &profile[..profile.find("</table>").unwrap()];
        let rows: Vec<&str> = profile.split("<th scope=\"row\">").skip(1).collect();
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

#[tokio::test]
async fn every_indicator_has_a_page_with_chart_and_table_and_every_demo_value_is_marked() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let page = flat(&app.get("/profilo-di-salute").await.body);
        // The overview: one row per indicator, each made-up value marked.
        let start = page.find("id=\"indicatori\"").expect("the indicators");
        let overview = &page[start..];
        let rows: Vec<&str> = overview.split("<tr> <th scope=\"row\">").skip(1).collect();
        assert_eq!(rows.len(), 21, "{backend:?}: 21 indicators");
        for r in &rows {
            assert!(
                r.contains("dimostrativo"),
                "a demo value without its mark: {r}"
            );
        }
        assert!(overview.contains("I valori segnati «dimostrativo» sono inventati"));
        let general = rows
            .iter()
            .find(|r| r.contains(">Mortalità generale<"))
            .unwrap();
        assert!(
            general.contains("<td>2023</td>") && general.contains("<strong>Diversa</strong>"),
            "{general}"
        );
        let births = rows
            .iter()
            .find(|r| r.contains(">Tasso di natalità<"))
            .unwrap();
        assert!(
            births.contains("<td class=\"text-end\">5,4</td>"),
            "{births}"
        );
        // Each indicator's page: the chart and its table, five periods.
        for r in &rows {
            let i = r.find("href=\"").unwrap() + 6;
            let href = &r[i..i + r[i..].find('"').unwrap()];
            let p = app.get(href).await;
            assert_eq!(p.status, StatusCode::OK, "{href}");
            let body = flat(&p.body);
            assert!(
                body.contains("<svg") && body.contains("role=\"img\""),
                "{href}: a chart"
            );
            let table = &body[body.find("id=\"indicator-table\"").unwrap()..];
            let table = &table[..table.find("</table>").unwrap()];
            assert_eq!(table.matches("<th scope=\"row\">").count(), 5, "{href}");
        }
        let p = flat(
            &app.get("/profilo-di-salute/indicatori/mortalita_evitabile")
                .await
                .body,
        );
        assert!(p.contains("<th scope=\"row\">2023</th> <td class=\"text-end\">184,6 <span class=\"small text-secondary\">(169,83 – 199,37)</span>"), "{p}");
        assert!(
            p.contains("<th scope=\"row\">Maschi</th><td>2023</td><td class=\"text-end\">262"),
            "{p}"
        );
        assert!(
            p.contains("<th scope=\"row\">Capraia Isola</th><td>2023</td>"),
            "{p}"
        );
        assert_eq!(
            app.get("/profilo-di-salute/indicatori/inesistente")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
