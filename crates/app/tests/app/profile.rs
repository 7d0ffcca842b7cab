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
        let lines = |theme: &str| -> Vec<String> {
            row(theme)
                .split("<span class=\"zona-finding\">")
                .skip(1)
                .map(|l| l[..l.find("</span>").unwrap()].to_string())
                .collect()
        };
        assert_eq!(
            lines("Demografia"),
            [
                "L’inverno demografico è arrivato anche qui: rapporto giovani/anziani ribaltato e struttura per età prossima all’insostenibilità",
                "Mortalità e speranza di vita sotto la media regionale",
                "Si vive più a lungo",
                "Aumentano gli anni in buona salute"
            ]
        );
        assert!(
            lines("Determinanti di salute").contains(&"Ambiente: presenza di SIN/SIR".to_string())
        );
        assert_eq!(
            lines("Prevenzione"),
            [
                "Mortalità evitabile in calo ma da migliorare ancora (attenzione all’infortunistica sul lavoro)",
                "Insufficiente adesione ad alcuni screening (colorettale, anti-influenza, MPR)",
                "Sensibili miglioramenti nella mortalità evitabile"
            ]
        );
        // 14 critical issues and 10 strengths, nothing else.
        assert_eq!(
            profile.matches("<span class=\"zona-finding\">").count(),
            24,
            "{profile}"
        );
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

#[tokio::test]
async fn the_seed_examples_link_critical_issues_and_answers_both_ways() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let page = flat(&app.get("/profilo-di-salute").await.body);
        let profile = &page[page.find("id=\"profile-table\"").unwrap()..];
        let profile = &profile[..profile.find("</table>").unwrap()];
        let item = |start: &str| -> String {
            let i = profile.find(start).unwrap_or_else(|| panic!("{start}"));
            let rest = &profile[i..];
            rest[..rest
                .find("<span class=\"zona-finding\">")
                .unwrap_or(rest.len())]
                .to_string()
        };
        // ESPAD → #SaiAssai: the 2024 sheet is public, the 2025 one not yet.
        let youth = item("Stili di vita (soprattutto giovanili)");
        assert!(
            youth.contains("↳ Risposta: <a href=\"/piani/scheda/"),
            "{youth}"
        );
        // Each answer names the health objective it serves (the tree's top).
        assert!(youth.contains(">2024-05-001 – Progetto #SaiAssai</a> (scheda, POA 2024; obiettivo di salute «Contrasto delle disuguaglianze di salute e sociali»). Evidenza: Indagine ESPAD IFC-CNR"), "{youth}");
        assert!(
            youth.contains(
                "↳ Risposta: 2025-07-001 – Progetto #SaiAssai (scheda, POA 2025; obiettivo"
            ),
            "{youth}"
        );
        let rsa = item("NA in crescita");
        assert!(rsa.contains("<a href=\"/piani/poa/2024\">Servizi non autosufficienza e disabilità</a> (programma, POA 2024; obiettivo di salute «Rafforzare integrazione socio-sanitaria»). Evidenza: Necessità di potenziare il servizio RSA"), "{rsa}");
        let minors = item("Crescono i minori a rischio");
        assert!(minors.contains(">Tutela infanzia e famiglia</a> (programma, POA 2024; obiettivo di salute «Contrasto delle disuguaglianze di salute e sociali»). Evidenza: Necessità di potenziare l’educativa domiciliare per minori"), "{minors}");
        // Every other critical issue is shown as a gap.
        assert_eq!(
            profile
                .matches("Nessuna risposta nella programmazione")
                .count(),
            11,
            "{backend:?}"
        );
        assert!(
            item("Mortalità e speranza di vita").contains("Nessuna risposta nella programmazione")
        );

        // The other way: the sheet and the programme show their evidence.
        let i = youth.find("/piani/scheda/").unwrap();
        let href: String = youth[i..].chars().take_while(|c| *c != '"').collect();
        let sheet = flat(&app.get(&href).await.body);
        assert!(
            sheet.contains(">Risponde al profilo di salute</h2>"),
            "{sheet}"
        );
        assert!(sheet.contains("Determinanti di salute: «Stili di vita (soprattutto giovanili) caratterizzati da diffusi comportamenti a rischio» (profilo 2024). Evidenza: Indagine ESPAD"), "{sheet}");
        app.login("consultazione").await;
        let tree = flat(&app.get("/pianificazione/poa/2024").await.body);
        assert!(tree.contains("Risponde al profilo di salute: «NA in crescita determina la necessità di ripensare i servizi» (Disabilità e non autosufficienza, 2024), evidenza: Necessità di potenziare il servizio RSA"), "{tree}");
        // Signed in, the answers lead to the internal pages.
        let page = app.get("/profilo-di-salute").await.body;
        assert!(page.contains(
            "href=\"/pianificazione/poa/2024\">Servizi non autosufficienza e disabilità</a>"
        ));
        // From the objective: the PIS lists the critical issues its
        // programmes and sheets answer, each once.
        let pis = scalar(&app.db.db, "SELECT health_plan_id FROM health_objectives WHERE title = 'Rafforzare integrazione socio-sanitaria'").await;
        let pis = flat(&app.get(&format!("/pianificazione/pis/{pis}")).await.body);
        let objective = &pis[pis
            .find("<strong>Rafforzare integrazione socio-sanitaria</strong>")
            .unwrap()..];
        let objective = &objective[..objective.find("Obiettivi regionali:").unwrap()];
        assert!(objective.contains("Risponde al profilo di salute: «NA in crescita determina la necessità di ripensare i servizi» (Disabilità e non autosufficienza, 2024), evidenza: Necessità di potenziare il servizio RSA"), "{objective}");
        let objective = &pis[pis
            .find("<strong>Contrasto delle disuguaglianze di salute e sociali</strong>")
            .unwrap()..];
        let objective = &objective[..objective.find("Obiettivi regionali:").unwrap()];
        assert_eq!(
            objective
                .matches("«Stili di vita (soprattutto giovanili)")
                .count(),
            1,
            "{objective}"
        );
        assert!(
            objective.contains("«Crescono i minori a rischio e le capacità di presa in carico»"),
            "{objective}"
        );
    }
}

#[tokio::test]
async fn a_line_of_the_profile_shows_the_indicators_it_rests_on() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    let page = flat(&app.get("/profilo-di-salute").await.body);
    let table = &page[page.find("id=\"profile-table\"").unwrap()..];
    let screening = &table[table
        .find("Insufficiente adesione ad alcuni screening")
        .unwrap()..];
    let screening = &screening[..screening.find("</li>").unwrap()];
    assert!(screening.contains("Indicatori: <a href=\"/profilo-di-salute/indicatori/antinfluenzale65\">Copertura vaccinale antinfluenzale nelle persone di 65 anni e più</a>; <a href=\"/profilo-di-salute/indicatori/mpr24\">Copertura vaccinale MPR a 24 mesi</a>; <a href=\"/profilo-di-salute/indicatori/screening_colorettale\">Adesione allo screening colorettale</a>"), "{screening}");
    // A strength rests on indicators too.
    let longer = &table[table.find("Si vive più a lungo").unwrap()..];
    let longer = &longer[..longer.find("</li>").unwrap()];
    assert!(
        longer.contains("/profilo-di-salute/indicatori/speranza_vita"),
        "{longer}"
    );
}

#[tokio::test]
async fn the_pis_knowledge_section_shows_the_profile_it_rests_on() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    let zona_store::Db::Sqlite(pool) = &app.db.db else {
        unreachable!()
    };
    let id: i64 = sqlx::query_scalar("SELECT id FROM health_plans WHERE period_start = 2026")
        .fetch_one(pool)
        .await
        .unwrap();
    let old: i64 = sqlx::query_scalar("SELECT id FROM health_plans WHERE period_start = 2020")
        .fetch_one(pool)
        .await
        .unwrap();
    app.login("consultazione").await;
    let page = flat(&app.get(&format!("/pianificazione/pis/{id}")).await.body);
    assert!(
        page.contains("<summary>Il profilo di salute 2024: che cosa emerge</summary>"),
        "{page}"
    );
    assert!(
        page.contains("<li>NA in crescita determina la necessità di ripensare i servizi</li>"),
        "{page}"
    );
    assert!(page.contains("href=\"/profilo-di-salute?anno=2024\""));
    // A plan older than every profile links to the page.
    let page = flat(&app.get(&format!("/pianificazione/pis/{old}")).await.body);
    assert!(!page.contains("che cosa emerge</summary>"));
    assert!(page.contains("<a href=\"/profilo-di-salute\">Il profilo di salute della zona</a>"));
}

#[tokio::test]
async fn the_profile_prints_for_the_mayors_conference() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    assert!(app
        .get("/profilo-di-salute")
        .await
        .body
        .contains("href=\"/profilo-di-salute/documento.pdf?anno=2024\""));
    let r = app
        .client
        .get(app.url("/profilo-di-salute/documento.pdf?anno=2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    let text = pdf_pages(&bytes).join("\n");
    let flat_text = flat(&text);
    assert!(flat_text.contains("Profilo di salute 2024"), "{text}");
    assert!(flat_text.contains("Zona Distretto Livornese"));
    assert!(
        flat_text.contains("Ambiente: presenza di SIN/SIR"),
        "{text}"
    );
    assert!(
        flat_text.contains("2024-05-001 – Progetto #SaiAssai (scheda, POA 2024)"),
        "{text}"
    );
    assert!(flat_text.contains("Mortalità evitabile"));
    assert!(
        flat_text.contains("I valori segnati «dimostrativo» sono inventati"),
        "{text}"
    );
    assert_eq!(
        app.get("/profilo-di-salute/documento.pdf?anno=1999")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// The page a redirect leads to, with the message it leaves.
async fn after(app: &TestApp, p: &Page) -> String {
    after_with(app, &app.client, p).await
}

async fn after_with(app: &TestApp, client: &reqwest::Client, p: &Page) -> String {
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    flat(
        &app.get_with(client, p.location.as_deref().unwrap())
            .await
            .body,
    )
}

#[tokio::test]
async fn the_office_edits_the_profile_and_its_links_and_everyone_reads_them() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let db = &app.db.db;
        app.login("ufficio.piano").await;
        let editor = "/pianificazione/profilo";
        let theme = scalar(
            db,
            "SELECT id FROM profile_themes WHERE name = 'Prevenzione'",
        )
        .await;

        // A new critical issue, at the end of its theme: a gap until answered.
        let p = app
            .submit(
                editor,
                &format!("{editor}/temi/{theme}/voci"),
                &[
                    ("kind", "nodo_critico"),
                    ("text", "Coperture vaccinali degli adolescenti in calo"),
                ],
            )
            .await;
        assert!(after(&app, &p).await.contains("Voce aggiunta."));
        let line = scalar(db, "SELECT id FROM profile_findings WHERE text = 'Coperture vaccinali degli adolescenti in calo'").await;
        assert_eq!(
            scalar(
                db,
                &format!("SELECT position FROM profile_findings WHERE id = {line}")
            )
            .await,
            3
        );
        let public = flat(&app.get("/profilo-di-salute").await.body);
        assert_eq!(
            public
                .matches("Nessuna risposta nella programmazione")
                .count(),
            12
        );

        // Its text and indicators; an unknown indicator is refused whole.
        let p = app
            .submit(
                editor,
                &format!("{editor}/voci/{line}"),
                &[
                    ("text", "Coperture vaccinali degli adolescenti in calo"),
                    ("indicator", "mpr24"),
                    ("indicator", "inventato"),
                ],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Voce non salvata. «inventato» non è un indicatore definito."));
        let p = app
            .submit(
                editor,
                &format!("{editor}/voci/{line}"),
                &[
                    ("text", "Coperture vaccinali in calo tra gli adolescenti"),
                    ("indicator", "mpr24"),
                ],
            )
            .await;
        assert!(after(&app, &p).await.contains("Voce salvata."));

        // Answered by a sheet, by its code; the same answer twice is refused;
        // a sheet and a programme at once are refused.
        let add = format!("{editor}/voci/{line}/risposte");
        let p = app
            .submit(
                editor,
                &add,
                &[
                    ("sheet", "2024-05-001"),
                    ("evidence", "Dati di copertura 2023"),
                ],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Risposta collegata: «2024-05-001 – Progetto #SaiAssai»."));
        let p = app.submit(editor, &add, &[("sheet", "2024-05-001")]).await;
        assert!(after(&app, &p)
            .await
            .contains("Risposta non collegata. Questa risposta è già collegata al nodo critico."));
        let programme = scalar(db, "SELECT g.id FROM programmes g JOIN annual_plans p ON p.id = g.annual_plan_id WHERE p.year = 2024 AND g.title = 'Tutela infanzia e famiglia'").await;
        let p = app
            .submit(
                editor,
                &add,
                &[
                    ("target", &format!("programma:{programme}")),
                    ("sheet", "2024-05-001"),
                ],
            )
            .await;
        assert!(after(&app, &p).await.contains("non entrambi"));
        let p = app.submit(editor, &add, &[("sheet", "9999-99-999")]).await;
        assert!(after(&app, &p)
            .await
            .contains("Nessuna scheda della zona ha il codice «9999-99-999»."));
        // And by a health objective of the PIS.
        let objective = scalar(db, "SELECT id FROM health_objectives WHERE title = 'Prevenzione e promozione della salute'").await;
        let p = app
            .submit(
                editor,
                &add,
                &[("target", &format!("obiettivo:{objective}"))],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Risposta collegata: «Prevenzione e promozione della salute»."));

        // Everyone reads it: no longer a gap, with its indicator and answers.
        let public = flat(&app.get_with(&new_client(), "/profilo-di-salute").await.body);
        assert_eq!(
            public
                .matches("Nessuna risposta nella programmazione")
                .count(),
            11
        );
        let item = &public[public
            .find("Coperture vaccinali in calo tra gli adolescenti")
            .unwrap()..];
        let item = &item[..item.find("</li></ul>").unwrap()];
        assert!(
            item.contains(
                "Prevenzione e promozione della salute (obiettivo di salute, PIS 2020-2022)"
            ),
            "{item}"
        );
        assert!(
            item.contains(
                "2024-05-001 – Progetto #SaiAssai</a> (scheda, POA 2024; obiettivo di salute"
            ),
            "{item}"
        );
        assert!(item.contains("Evidenza: Dati di copertura 2023"), "{item}");
        let public = flat(&app.get("/profilo-di-salute").await.body);
        assert!(
            public.contains("/pianificazione/pis/"),
            "signed in, the objective leads to its PIS"
        );

        // A strength has no answers.
        let strength = scalar(
            db,
            "SELECT id FROM profile_findings WHERE text = 'Si vive più a lungo'",
        )
        .await;
        let p = app
            .submit(
                editor,
                &format!("{editor}/voci/{strength}/risposte"),
                &[("sheet", "2024-05-001")],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Solo un nodo critico ha risposte nella programmazione."));

        // Unlinking and deleting ask first.
        let answer = scalar(db, &format!("SELECT id FROM profile_answers WHERE finding_id = {line} AND activity_id IS NOT NULL")).await;
        let confirm = flat(
            &app.get(&format!("{editor}/risposte/{answer}/elimina"))
                .await
                .body,
        );
        assert!(confirm.contains("non risponderà più al nodo critico «Coperture vaccinali in calo tra gli adolescenti»"), "{confirm}");
        let p = app
            .submit(
                &format!("{editor}/risposte/{answer}/elimina"),
                &format!("{editor}/risposte/{answer}/elimina"),
                &[],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Risposta «2024-05-001 – Progetto #SaiAssai» scollegata."));
        let confirm = flat(&app.get(&format!("{editor}/voci/{line}/elimina")).await.body);
        assert!(
            confirm.contains("sarà eliminato con le sue risposte e i suoi indicatori"),
            "{confirm}"
        );
        let p = app
            .submit(
                &format!("{editor}/voci/{line}/elimina"),
                &format!("{editor}/voci/{line}/elimina"),
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            scalar(
                db,
                &format!("SELECT count(*) FROM profile_answers WHERE finding_id = {line}")
            )
            .await,
            0
        );
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT count(*) FROM profile_finding_indicators WHERE finding_id = {line}"
                )
            )
            .await,
            0
        );

        // Every change is in the register, with who.
        assert_eq!(
            scalar(db, "SELECT count(*) FROM audit_log WHERE entity = 'health_profile' AND actor = 'ufficio.piano'").await,
            6
        );

        // A new year takes the themes of the last one, without their lines;
        // a theme's name is unique within its year.
        let p = app
            .submit(
                editor,
                &format!("{editor}/anni"),
                &[("year", "2025"), ("copy_from", "2024")],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Profilo di salute 2025 aperto."));
        assert_eq!(
            scalar(db, "SELECT count(*) FROM profile_themes WHERE year = 2025").await,
            7
        );
        let p = app
            .submit(
                editor,
                &format!("{editor}/anni"),
                &[("year", "2025"), ("copy_from", "2024")],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Anno non aperto. Il profilo 2025 esiste già."));
        let p = app
            .submit(
                editor,
                &format!("{editor}/anni"),
                &[
                    ("year", "2026"),
                    ("copy_from", "2024"),
                    ("name", "Demografia"),
                ],
            )
            .await;
        assert!(after(&app, &p).await.contains("Anno non aperto. Scegliere se riprendere i temi di un anno o scrivere il primo tema: non entrambi."));
        // Moving a theme numbers the year's themes again.
        let last = scalar(
            db,
            "SELECT id FROM profile_themes WHERE year = 2025 AND name = 'Prevenzione'",
        )
        .await;
        let p = app
            .submit(
                editor,
                &format!("{editor}/temi/{last}"),
                &[("name", "Prevenzione"), ("position", "1")],
            )
            .await;
        assert!(after(&app, &p).await.contains("Tema salvato."));
        assert_eq!(
            scalar(
                db,
                "SELECT count(DISTINCT position) FROM profile_themes WHERE year = 2025"
            )
            .await,
            7
        );
        assert_eq!(
            scalar(
                db,
                &format!("SELECT position FROM profile_themes WHERE id = {last}")
            )
            .await,
            1
        );
        assert_eq!(
            scalar(
                db,
                "SELECT position FROM profile_themes WHERE year = 2025 AND name = 'Demografia'"
            )
            .await,
            2
        );
        let p = app
            .submit(
                editor,
                &format!("{editor}/2025/temi"),
                &[("name", "demografia")],
            )
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Tema non aggiunto. Il profilo ha già un tema con questo nome."));
        let public = flat(&app.get("/profilo-di-salute").await.body);
        assert!(public.contains("<h1>Profilo di salute 2025</h1>"));

        // Deleting a theme asks first and takes its lines with it.
        let t2025 = scalar(
            db,
            "SELECT id FROM profile_themes WHERE year = 2025 AND name = 'Demografia'",
        )
        .await;
        let p = app
            .submit(
                editor,
                &format!("{editor}/temi/{t2025}/voci"),
                &[("kind", "aspetto_positivo"), ("text", "x")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let confirm = flat(
            &app.get(&format!("{editor}/temi/{t2025}/elimina"))
                .await
                .body,
        );
        assert!(confirm.contains("sarà eliminato con i suoi nodi critici e aspetti positivi"));
        let p = app
            .submit(editor, &format!("{editor}/temi/{t2025}/elimina"), &[])
            .await;
        assert!(after(&app, &p)
            .await
            .contains("Tema «Demografia» eliminato."));
        assert_eq!(
            scalar(db, "SELECT count(*) FROM profile_themes WHERE year = 2025").await,
            6
        );

        // Consultazione reads the page without its forms, and may not post.
        let viewer = app.other_client_logged_in("consultazione").await;
        let page = app.get_with(&viewer, editor).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Collega una risposta"));
        let token = page.csrf();
        let p = app
            .post_with(
                &viewer,
                &format!("{editor}/temi/{theme}/voci"),
                &token,
                &[("kind", "nodo_critico"), ("text", "y")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
}

/// Sends a file with the page's own import form, as a browser does.
async fn upload_indicators(app: &TestApp, client: &reqwest::Client, name: &str, csv: &str) -> Page {
    let page = app.get_with(client, "/pianificazione/profilo").await;
    // Someone without the form posts where it would post.
    let action = regex::Regex::new(
        r#"<form method="post" action="(/pianificazione/profilo/indicatori[^"]*)" enctype="multipart/form-data""#,
    )
    .unwrap()
    .captures(&page.body)
    .map(|c| c[1].to_string())
    .unwrap_or_else(|| format!("/pianificazione/profilo/indicatori?csrf_token={}", page.csrf()));
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", page.csrf())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name(name.to_string()),
        );
    Page::from(
        client
            .post(app.url(&action))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_office_imports_values_of_its_own_territories_from_the_web() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let office = app.other_client_logged_in("ufficio.piano").await;
        let head = "indicatore;livello;territorio;periodo;sesso;eta;valore;numeratore;denominatore;ic_inf;ic_sup;dimostrativo\n";
        // Another zone's municipality, and a value read the Italian way
        // that could be misread: refused whole, with line and column.
        let bad = format!("{head}vecchiaia;zona;ZD-LIV;2024;T;;260,1;;;;;Sì\nvecchiaia;comune;050026;2024;T;;230;;;;;Sì\nnatalita;zona;ZD-LIV;2024;T;;5.5;;;;;Sì\n");
        let p = upload_indicators(&app, &office, "valori.csv", &bad).await;
        let body = flat(&p.body);
        assert!(
            body.contains("File non importato, nessun dato è stato scritto:"),
            "{body}"
        );
        assert!(
            body.contains(
                "<li>Riga 3, colonna territorio: «050026» non è un territorio della zona (comune)"
            ),
            "{body}"
        );
        assert!(body.contains("<li>Riga 4, colonna valore:"), "{body}");
        assert_eq!(
            scalar(
                &app.db.db,
                "SELECT count(*) FROM indicator_values WHERE period_from = 2024"
            )
            .await,
            0
        );
        // Its own territories: imported, with the zone's code as its record
        // writes it. A value every zone of the health authority reads is
        // kept as stored (99,9 is not written).
        let good = format!("{head}vecchiaia;zona;zd-liv;2024;T;;260,1;;;;;Sì\nvecchiaia;comune;049009;2024;T;65+;1.234,5;;;;;Sì\nantinfluenzale65;asl;ATNO;2023;T;;99,9;;;;;Sì\n");
        let kept = "SELECT count(*) FROM indicator_values WHERE level = 'asl' AND period_from = 2023 AND value = '99.9'";
        let p = upload_indicators(&app, &office, "valori.csv", &good).await;
        assert!(after_with(&app, &office, &p).await.contains("Importati i valori degli indicatori: 2 nuovi, 0 sostituiti, 1 dell'Azienda USL o della regione già presenti lasciati come sono (sono comuni a più zone)."));
        assert_eq!(scalar(&app.db.db, "SELECT count(*) FROM indicator_values WHERE period_from = 2024 AND territory = 'ZD-LIV'").await, 1);
        assert_eq!(scalar(&app.db.db, kept).await, 0);
        let page = flat(
            &app.get("/profilo-di-salute/indicatori/vecchiaia")
                .await
                .body,
        );
        assert!(
            page.contains("<th scope=\"row\">2024</th> <td class=\"text-end\">260,1"),
            "{page}"
        );
        // Definitions: a new one is added, a stored one is left as it is.
        let defs = "codice;nome;tema;definizione;numeratore;denominatore;moltiplicatore;unita;polarita;fonte;licenza;dimostrativo\n\
                    vecchiaia;Indice rinominato;Demografia;x;;;100;%;neutro;ISTAT;;Sì\n\
                    nuovo_ind;Nuovo indicatore;Demografia;y;;;;%;neutro;ISTAT;;Sì\n";
        let p = upload_indicators(&app, &office, "definizioni.csv", defs).await;
        assert!(after_with(&app, &office, &p).await.contains("Importate le definizioni degli indicatori: 1 nuove, 0 aggiornate, 1 già presenti lasciate come sono (sono comuni a tutte le zone)."));
        assert_eq!(
            scalar(
                &app.db.db,
                "SELECT count(*) FROM health_indicators WHERE name = 'Indice di vecchiaia'"
            )
            .await,
            1
        );
        // Each import is in the zone's register.
        assert_eq!(scalar(&app.db.db, "SELECT count(*) FROM audit_log WHERE entity = 'health_indicator' AND zone_id IS NOT NULL").await, 2);
        // Not a CSV or a workbook; and not for Consultazione.
        let p = upload_indicators(&app, &office, "valori.txt", &good).await;
        assert!(after_with(&app, &office, &p).await.contains(
            "File non importato. Il file deve essere un CSV (.csv) o un foglio Excel (.xlsx)."
        ));
        let viewer = app.other_client_logged_in("consultazione").await;
        let p = upload_indicators(&app, &viewer, "valori.csv", &good).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // The region edits what every zone reads: the definition is renamed,
        // the health authority's value replaced; a territory of no zone of
        // the region is refused.
        zona_app::demo::add_regional_account(&app.db.db)
            .await
            .unwrap();
        let region = app
            .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
            .await;
        let form = app.get_with(&region, "/pianificazione/profilo").await;
        assert!(
            form.body.contains("Le definizioni e i valori delle Aziende USL e della regione, comuni a tutte le zone, sono aggiornati dal file"),
            "{}",
            form.body
        );
        let p = upload_indicators(&app, &region, "definizioni.csv", defs).await;
        let shown = after_with(&app, &region, &p).await;
        assert!(
            shown.contains("Importate le definizioni degli indicatori: 0 nuove, 2 aggiornate."),
            "{} {}",
            p.status,
            shown
        );
        assert_eq!(
            scalar(
                &app.db.db,
                "SELECT count(*) FROM health_indicators WHERE name = 'Indice rinominato'"
            )
            .await,
            1
        );
        // A zone's values stay its office's: refused whole.
        let p = upload_indicators(&app, &region, "valori.csv", &good).await;
        assert!(
            flat(&p.body).contains("«zd-liv» (zona distretto): la Regione importa i valori delle sue Aziende USL e della regione"),
            "{}",
            p.body
        );
        let asl = format!("{head}antinfluenzale65;asl;ATNO;2023;T;;99,9;;;;;Sì\n");
        let p = upload_indicators(&app, &region, "valori.csv", &asl).await;
        assert!(after_with(&app, &region, &p)
            .await
            .contains("Importati i valori degli indicatori: 0 nuovi, 1 sostituiti."));
        assert_eq!(scalar(&app.db.db, kept).await, 1);
        let elsewhere = format!("{head}vecchiaia;asl;ALTRA;2024;T;;1;;;;;Sì\n");
        let p = upload_indicators(&app, &region, "valori.csv", &elsewhere).await;
        assert!(
            flat(&p.body).contains("«ALTRA» (azienda usl): la Regione importa i valori delle sue Aziende USL e della regione"),
            "{}",
            p.body
        );
    }
}

#[tokio::test]
async fn an_indicator_shows_the_zones_trend_and_its_age_bands() {
    let app = spawn_app(zona_store::Backend::Postgres).await;
    let page = flat(&app.get("/profilo-di-salute").await.body);
    // 199,0 in 2019, 184,6 in 2023: −7,236…% rounds to 7,2%; lower is better.
    let list = &page[page.find("id=\"indicatori\"").unwrap()..];
    let row = &list[list
        .find("/profilo-di-salute/indicatori/mortalita_evitabile")
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<span aria-hidden=\"true\" class=\"fw-bold\">↓</span> In diminuzione del 7,2% dal 2019: migliora"),
        "{row}"
    );
    let page = flat(&app.get("/profilo-di-salute/indicatori/cronici").await.body);
    // A neutral indicator moves without good or bad news.
    assert!(
        page.contains("Zona: In aumento del 4,6% dal 2019 (al 2023).</p>"),
        "{page}"
    );
    let table = &page[page.find("id=\"age-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.matches("<th scope=\"row\">").collect();
    assert_eq!(rows.len(), 3);
    let bands: Vec<usize> = ["16-64 anni", "65-74 anni", "75+ anni"]
        .iter()
        .map(|b| table.find(b).unwrap_or_else(|| panic!("{b}: {table}")))
        .collect();
    assert!(bands.windows(2).all(|w| w[0] < w[1]), "{table}");
    assert!(table.contains("<td>2023</td><td class=\"text-end\">861,5 <span class=\"badge bg-warning\">dimostrativo</span>"), "{table}");
    assert!(page.contains("aria-labelledby=\"age-chart-t age-chart-d\""));
}
