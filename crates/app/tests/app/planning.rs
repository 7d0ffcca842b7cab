//! The planning tree of the demo: POA 2024 and 2025 with the counts the
//! seeds give.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_testing::BACKENDS;

#[tokio::test]
async fn the_demo_poa_trees_have_the_counts_of_the_seeds() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("referente.sma").await;
        let p = app.get("/pianificazione").await;
        assert_eq!(p.status, StatusCode::OK);
        let flat: String = p.body.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(r#"<a href="/pianificazione/poa/2024">POA 2024</a></th><td>Piano Integrato di Salute 2020-2022</td><td>Approvata</td><td class="text-end">5</td><td class="text-end">21</td><td class="text-end">130</td>"#),
            "{backend:?}: {flat}"
        );
        assert!(flat.contains(r#"<a href="/pianificazione/poa/2025">POA 2025</a></th><td>Piano Integrato di Salute 2020-2022</td><td>In compilazione</td><td class="text-end">5</td><td class="text-end">23</td><td class="text-end">116</td>"#));
        let tree = app.get("/pianificazione/poa/2024").await;
        assert_eq!(tree.body.matches("<h3 class=\"h5\" id=\"obj-").count(), 5);
        assert_eq!(tree.body.matches("<summary><strong>").count(), 21);
        assert_eq!(tree.body.matches("<li><code>2024-").count(), 130);
        assert!(tree
            .body
            .contains("SEUS – Servizio di Emergenza Urgenza Sociale"));
        assert!(tree.body.contains("Pronto Badante"));
        let tree = app.get("/pianificazione/poa/2025").await;
        assert_eq!(tree.body.matches("<summary><strong>").count(), 23);
        assert_eq!(tree.body.matches("<li><code>2025-").count(), 116);
        assert!(
            tree.body.contains("S.TA.R.") && !tree.body.contains("Cure palliative</strong>"),
            "2025 programmes"
        );
    }
}

/// The ids of the 2025 sheets of the SMA unit (left "to fill" in the demo),
/// and of one sheet of another unit.
pub(crate) async fn sma_sheets(app: &TestApp) -> (Vec<i64>, i64) {
    use zona_store::sheets::{list_sheets, SheetQuery};
    let db = &app.db.db;
    let zone = zona_store::territory::default_zone(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let plan = zona_store::planning::annual_plan_id(db, zone, 2025)
        .await
        .unwrap()
        .unwrap();
    let (all, _) = list_sheets(db, plan, &SheetQuery::default(), zona_store::Page::all())
        .await
        .unwrap();
    let sma: Vec<i64> = all
        .iter()
        .filter(|s| s.unit_name.as_deref() == Some("UF Salute mentale adulti"))
        .map(|s| s.id)
        .collect();
    let other = all
        .iter()
        .find(|s| s.unit_name.as_deref() == Some("Settore Politiche sociali"))
        .unwrap()
        .id;
    (sma, other)
}

/// The assignment of a sheet, which the planning office's form carries.
async fn assignment(app: &TestApp, id: i64) -> (String, String) {
    let s = zona_store::sheets::get_sheet(&app.db.db, id)
        .await
        .unwrap()
        .unwrap();
    (
        s.content.programme_id.to_string(),
        s.content.unit_id.unwrap().to_string(),
    )
}

pub(crate) fn version_of(p: &Page) -> String {
    p.input_value("version").expect("version field")
}

/// The fields of a complete sheet, as a unit editor fills them.
pub(crate) fn sheet_fields<'a>(
    version: &'a str,
    title: &'a str,
    amount: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("title", title),
        (
            "description",
            "Percorsi di presa in carico nei Centri di Salute Mentale.",
        ),
        ("sector", "socio_sanitario"),
        ("kind", "servizio"),
        ("target_area", "salute_mentale"),
        ("start_date", "01/01/2025"),
        ("end_date", "31/12/2025"),
        ("funding_0_source", "fondo_sanitario"),
        ("funding_0_year", "2025"),
        ("funding_0_amount", amount),
        ("funding_1_source", "comuni"),
        ("funding_1_year", "2025"),
        ("funding_1_amount", "0,01"),
        ("azione", "salva"),
    ]
}

#[tokio::test]
async fn a_sheet_is_filled_returned_accepted_approved_and_amended() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let (sma, other) = sma_sheets(&app).await;
        assert_eq!(sma.len(), 4, "{backend:?}");
        let id = sma[0];
        let sheet = format!("/pianificazione/attivita/{id}");
        let edit = format!("{sheet}/modifica");
        let state = format!("{sheet}/stato");
        let editor = app.other_client_logged_in("referente.sma").await;
        let office = app.other_client_logged_in("ufficio.piano").await;

        // A unit editor may not touch another unit's sheet.
        let p = app
            .get_with(
                &editor,
                &format!("/pianificazione/attivita/{other}/modifica"),
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // Bad input: a third decimal, an end before the start; nothing typed is lost.
        let form = app.get_with(&editor, &edit).await;
        assert_eq!(form.status, StatusCode::OK);
        let v = version_of(&form);
        let mut bad = sheet_fields(&v, "Presa in carico nei CSM", "12.345,678");
        bad.retain(|(k, _)| *k != "end_date");
        bad.push(("end_date", "31/12/2024"));
        bad.push(("indicator_0_name", "Persone in carico"));
        bad.push(("indicator_0_unit", "parsec"));
        bad.push(("integrated_matter", "banca_del_tempo"));
        let p = app.post_with(&editor, &edit, &form.csrf(), &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert_eq!(
            p.field_error("funding_0_amount").as_deref(),
            Some("«12.345,678»: al massimo 2 decimali.")
        );
        assert_eq!(
            p.field_error("end_date").as_deref(),
            Some("La data di fine non può precedere la data di inizio.")
        );
        assert!(p
            .field_error("indicator_0_unit")
            .unwrap()
            .contains("Voce sconosciuta"));
        assert_eq!(
            p.field_error("integrated_matter").as_deref(),
            Some("Scegliere una delle materie delle convenzioni della zona.")
        );
        assert_eq!(
            p.input_value("funding_0_amount").as_deref(),
            Some("12.345,678")
        );
        assert_eq!(
            p.input_value("title").as_deref(),
            Some("Presa in carico nei CSM")
        );

        // A good save.
        let mut good = sheet_fields(&v, "Presa in carico nei CSM", "12.345,67");
        // Mental health is a matter the agreement foresees: a sheet may say so.
        good.push(("integrated_matter", "salute_mentale"));
        let p = app.post_with(&editor, &edit, &form.csrf(), &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}: {}", p.body);
        let page = app.get_with(&editor, &sheet).await;
        assert!(
            page.body
                .contains(r#"<strong id="sheet-total">12.345,68 €</strong>"#),
            "{}",
            page.body
        );
        assert!(page.body.contains("Da compilare"));
        assert!(page.body.contains(
            r#"<dt class="col-sm-3">Materia integrata</dt><dd class="col-sm-9">Salute mentale</dd>"#
        ));

        // Submit; the unit can no longer edit it.
        let p = app
            .post_with(
                &editor,
                &state,
                &page.csrf(),
                &[("event", "submit"), ("version", &version_of(&page))],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app.get_with(&editor, &sheet).await;
        assert!(page.body.contains("Scheda: Inviata"), "{backend:?}");
        assert_eq!(
            app.get_with(&editor, &edit).await.status,
            StatusCode::BAD_REQUEST
        );
        // The unit cannot accept its own sheet.
        let p = app
            .post_with(
                &editor,
                &state,
                &page.csrf(),
                &[("event", "accept"), ("version", "0")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // The office sees it waiting, on its home first, returns it: a
        // comment is required.
        let home = flat(&app.get_with(&office, "/").await.body);
        assert!(home.contains(">1 scheda da esaminare<"), "{home}");
        assert!(home.contains(&format!("/pianificazione/attivita/{id}\"")));
        let waiting = app.get_with(&office, "/pianificazione/mie-schede").await;
        assert!(waiting
            .body
            .contains(&format!("/pianificazione/attivita/{id}\"")));
        let page = app.get_with(&office, &sheet).await;
        let v = version_of(&page);
        app.post_with(
            &office,
            &state,
            &page.csrf(),
            &[("event", "return"), ("version", &v), ("comment", " ")],
        )
        .await;
        let page = app.get_with(&office, &sheet).await;
        assert!(page
            .body
            .contains("Scrivere le osservazioni per chi compila la scheda."));
        assert!(page.body.contains("Scheda: Inviata"));
        app.post_with(
            &office,
            &state,
            &page.csrf(),
            &[
                ("event", "return"),
                ("version", &v),
                ("comment", "Manca l'indicatore delle persone in carico."),
            ],
        )
        .await;

        // The editor finds it at the top of their home, with the comment,
        // fixes the sheet and submits again.
        let home = flat(&app.get_with(&editor, "/").await.body);
        let first = home
            .split("<li class=\"list-group-item\">")
            .nth(1)
            .unwrap_or_default();
        assert!(
            first.contains(&format!("/pianificazione/attivita/{id}\""))
                && first.contains("<strong>Restituita")
                && first.contains("Manca l'indicatore delle persone in carico."),
            "{home}"
        );
        let mine = app.get_with(&editor, "/pianificazione/mie-schede").await;
        assert!(mine
            .body
            .contains("Manca l'indicatore delle persone in carico."));
        let form = app.get_with(&editor, &edit).await;
        assert_eq!(form.status, StatusCode::OK);
        let v = version_of(&form);
        let mut fixed = sheet_fields(&v, "Presa in carico nei CSM", "12.345,67");
        fixed.extend([
            ("indicator_0_name", "Persone in carico"),
            ("indicator_0_unit", "persone"),
            ("indicator_0_baseline", "310"),
            ("indicator_0_target", "340,5"),
        ]);
        let p = app.post_with(&editor, &edit, &form.csrf(), &fixed).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = app.get_with(&editor, &sheet).await;
        assert!(page.body.contains("340,5"));
        app.post_with(
            &editor,
            &state,
            &page.csrf(),
            &[("event", "submit"), ("version", &version_of(&page))],
        )
        .await;

        // The office accepts it.
        let page = app.get_with(&office, &sheet).await;
        let p = app
            .post_with(
                &office,
                &state,
                &page.csrf(),
                &[("event", "accept"), ("version", &version_of(&page))],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app.get_with(&office, &sheet).await;
        assert!(page.body.contains("Scheda: Accettata"), "{backend:?}");

        // Approval needs every sheet accepted.
        let approve = "/pianificazione/poa/2025/approvazione";
        let form = app.get_with(&office, approve).await;
        assert!(
            form.body
                .contains("3 schede non sono ancora state accettate."),
            "{}",
            form.body
        );
        let act = [
            ("issuer", "Conferenza Zonale dei Sindaci Integrata"),
            ("number", "7"),
            ("date", "30/04/2025"),
        ];
        let p = app.post_with(&office, approve, &form.csrf(), &act).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The other three: filled by the demo, submitted and accepted.
        let actor = zona_store::Actor::system("test");
        for other in &sma[1..] {
            use zona_core::planning::SheetEvent;
            use zona_store::sheets::apply_event;
            let v = zona_store::sheets::get_sheet(&app.db.db, *other)
                .await
                .unwrap()
                .unwrap()
                .row
                .version;
            apply_event(&app.db.db, &actor, *other, v, SheetEvent::Submit, None)
                .await
                .unwrap();
            apply_event(&app.db.db, &actor, *other, v + 1, SheetEvent::Accept, None)
                .await
                .unwrap();
        }
        let form = app.get_with(&office, approve).await;
        let p = app
            .post_with(
                &office,
                approve,
                &form.csrf(),
                &[("issuer", ""), ("number", ""), ("date", "31/02/2025")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("number").is_some() && p.field_error("date").is_some());
        let p = app.post_with(&office, approve, &form.csrf(), &act).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let tree = app.get_with(&office, "/pianificazione/poa/2025").await;
        assert!(flat(&tree.body).contains(
            "Approvazione</strong>: Conferenza Zonale dei Sindaci Integrata, n. 7 del 30/04/2025"
        ));

        // Read-only: the unit can no longer edit or submit; the office amends with an act.
        assert_eq!(
            app.get_with(&editor, &edit).await.status,
            StatusCode::BAD_REQUEST
        );
        let form = app.get_with(&office, &edit).await;
        assert!(form.body.contains("Atto della variazione"));
        let v = version_of(&form);
        let (programme, unit) = assignment(&app, id).await;
        let mut amended = sheet_fields(&v, "Presa in carico nei CSM", "15.000,00");
        amended.extend([
            ("programme_id", programme.as_str()),
            ("unit_id", unit.as_str()),
        ]);
        let p = app.post_with(&office, &edit, &form.csrf(), &amended).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("act_number").as_deref(),
            Some("Campo obbligatorio."),
            "{}",
            p.body
        );
        amended.extend([
            ("indicator_0_name", "Persone in carico"),
            ("indicator_0_unit", "persone"),
            ("indicator_0_baseline", "310"),
            ("indicator_0_target", "340,5"),
        ]);
        let p = app.post_with(&office, &edit, &form.csrf(), &amended).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        amended.extend([
            ("act_issuer", "Conferenza Zonale dei Sindaci Integrata"),
            ("act_number", "12"),
            ("act_date", "15/09/2025"),
            ("act_description", "Incremento del fondo sanitario"),
        ]);
        let p = app.post_with(&office, &edit, &form.csrf(), &amended).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = app.get_with(&editor, &sheet).await;
        let body = flat(&page.body);
        assert!(body.contains(r#"<strong id="sheet-total">15.000,01 €</strong>"#));
        assert!(body.contains("<strong>Variazione</strong>"), "{body}");
        assert!(body.contains("Variazione della scheda 2025-13-001 (Conferenza Zonale dei Sindaci Integrata n. 12 del 15/09/2025)"), "{body}");
        assert!(body.contains("Campi modificati: Linee di finanziamento."));
        assert!(
            body.contains(", Giulia Ferri</p>"),
            "history by name: {body}"
        );
        assert!(
            body.contains("<strong>Restituzione</strong>")
                && body.contains("Osservazioni: Manca l'indicatore delle persone in carico.")
        );
        // Workflow steps are closed on an approved plan.
        let token = app.get_with(&office, &sheet).await.csrf();
        let p = app
            .post_with(
                &office,
                &state,
                &token,
                &[("event", "return"), ("version", "0"), ("comment", "x")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(app
            .get_with(&office, &sheet)
            .await
            .body
            .contains("le schede non cambiano più stato"));
    }
}

#[tokio::test]
async fn two_people_saving_one_sheet_never_overwrite_each_other() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    let (sma, _) = sma_sheets(&app).await;
    let edit = format!("/pianificazione/attivita/{}/modifica", sma[0]);
    let editor = app.other_client_logged_in("referente.sma").await;
    let office = app.other_client_logged_in("ufficio.piano").await;
    let badge = r#"<span class="badge bg-secondary">Attività dimostrativa</span>"#;
    let view = format!("/pianificazione/attivita/{}", sma[0]);
    assert!(app.get_with(&office, &view).await.body.contains(badge));
    let a = app.get_with(&editor, &edit).await;
    let b = app.get_with(&office, &edit).await;
    let (programme, unit) = assignment(&app, sma[0]).await;
    let v = version_of(&b);
    let mut fields = sheet_fields(&v, "Titolo dell'Ufficio di Piano", "100,00");
    fields.extend([
        ("programme_id", programme.as_str()),
        ("unit_id", unit.as_str()),
    ]);
    let p = app.post_with(&office, &edit, &b.csrf(), &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = app
        .post_with(
            &editor,
            &edit,
            &a.csrf(),
            &sheet_fields(&version_of(&a), "Titolo del referente", "200,00"),
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    let body = flat(&p.body);
    assert!(body.contains("Modifiche non salvate: la scheda è stata cambiata da un'altra persona"));
    assert!(body.contains("l'utente «ufficio.piano»"), "{body}");
    assert!(body.contains("<th scope=\"row\">Titolo</th><td>Titolo del referente</td><td>Titolo dell'Ufficio di Piano</td>"), "{body}");
    // The person's values are still in the form; saving again is a deliberate choice.
    assert_eq!(
        p.input_value("title").as_deref(),
        Some("Titolo del referente")
    );
    let page = app
        .get_with(&editor, &format!("/pianificazione/attivita/{}", sma[0]))
        .await;
    assert!(page.body.contains("Titolo dell'Ufficio di Piano"));
    // Saved by a person, the demo's placeholder is the person's sheet.
    assert!(!page.body.contains(badge), "{}", page.body);
}

/// Parses an Italian amount as shown (`13.784.024,63 €`) into cents.
fn cents(s: &str) -> i64 {
    zona_core::Cents::parse_it(s.trim().trim_end_matches('€').trim())
        .unwrap()
        .0
}

#[tokio::test]
async fn budget_totals_equal_the_sum_of_the_lines_in_every_view_and_export() {
    let re = regex::Regex::new(r#"id="budget-total">([^<]+)<"#).unwrap();
    let list_total = regex::Regex::new(r#"id="list-total">([^<]+)<"#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("consultazione").await;
        let db = &app.db.db;
        let zone = zona_store::territory::default_zone(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        for year in [2024, 2025] {
            let plan = zona_store::planning::annual_plan_id(db, zone, year)
                .await
                .unwrap()
                .unwrap();
            let lines: i64 = match db {
                zona_store::Db::Sqlite(p) => sqlx::query_scalar::<_, i64>(
                    "SELECT CAST(sum(l.amount_cents) AS BIGINT) FROM funding_lines l JOIN activity_sheets x ON x.id = l.activity_id WHERE x.annual_plan_id = $1",
                )
                .bind(plan)
                .fetch_one(p)
                .await
                .unwrap(),
                zona_store::Db::Postgres(p) => sqlx::query_scalar::<_, i64>(
                    "SELECT CAST(sum(l.amount_cents) AS BIGINT) FROM funding_lines l JOIN activity_sheets x ON x.id = l.activity_id WHERE x.annual_plan_id = $1",
                )
                .bind(plan)
                .fetch_one(p)
                .await
                .unwrap(),
            };
            assert!(lines > 100_000_000, "{backend:?} {year}: {lines}");
            // A sheet that runs over several years counts in the budget for
            // its days in the plan's year (`year_share`, tested in the core).
            let (sheets, _) = zona_store::sheets::list_sheets(
                db,
                plan,
                &zona_store::sheets::SheetQuery::default(),
                zona_store::Page::all(),
            )
            .await
            .unwrap();
            let budget: i64 = sheets
                .iter()
                .map(|s| {
                    zona_core::planning::year_share(
                        zona_core::Cents(s.total_cents),
                        s.start_date,
                        s.end_date,
                        year as i32,
                    )
                    .0
                })
                .sum();
            assert!(budget < lines, "{backend:?} {year}: multi-year sheets");
            for axis in ["programma", "obiettivo", "settore", "ente", "comune"] {
                let p = app
                    .get(&format!("/pianificazione/poa/{year}/bilancio?per={axis}"))
                    .await;
                assert_eq!(p.status, StatusCode::OK);
                assert_eq!(
                    cents(&re.captures(&p.body).unwrap()[1]),
                    budget,
                    "{backend:?} {year} {axis}"
                );
                assert!(!p.body.contains("non coincide"));
                if axis == "comune" {
                    // Every municipality has its share; the rule is stated.
                    let page = flat(&p.body);
                    for m in ["Capraia Isola", "Collesalvetti", "Livorno"] {
                        assert!(page.contains(&format!("<th scope=\"row\">{m}</th>")), "{m}");
                    }
                    assert!(page.contains("in proporzione alla popolazione più recente"));
                    assert!(page.contains("<svg"), "a chart");
                }
                // The CSV: each row's total is the sum of its sources; the
                // last row holds the column totals and the grand total.
                let csv = app
                    .get(&format!(
                        "/pianificazione/poa/{year}/bilancio/esporta?per={axis}&format=csv"
                    ))
                    .await;
                assert_eq!(csv.status, StatusCode::OK);
                let text = csv.body.trim_start_matches('\u{feff}');
                let rows: Vec<Vec<i64>> = text
                    .lines()
                    .skip(1)
                    .map(|l| {
                        l.split(';')
                            .skip(1)
                            .map(|c| if c.is_empty() { 0 } else { cents(c) })
                            .collect()
                    })
                    .collect();
                let (last, body) = rows.split_last().unwrap();
                for r in body {
                    let (total, parts) = r.split_last().unwrap();
                    assert_eq!(parts.iter().sum::<i64>(), *total);
                }
                for c in 0..last.len() {
                    assert_eq!(
                        body.iter().map(|r| r[c]).sum::<i64>(),
                        last[c],
                        "{axis} column {c}"
                    );
                }
                assert_eq!(*last.last().unwrap(), budget);
            }
            // The list of sheets: the sum of their totals, on screen and in the export.
            let list = app.get(&format!("/pianificazione/poa/{year}/schede")).await;
            assert_eq!(cents(&list_total.captures(&list.body).unwrap()[1]), lines);
            let csv = app
                .get(&format!(
                    "/pianificazione/poa/{year}/schede/esporta?format=csv"
                ))
                .await;
            let text = csv.body.trim_start_matches('\u{feff}');
            let header: Vec<&str> = text.lines().next().unwrap().split(';').collect();
            assert_eq!(header[0], "Codice");
            assert_eq!(*header.last().unwrap(), "Totale (€)");
            let sum: i64 = text
                .lines()
                .skip(1)
                .map(|l| cents(l.rsplit(';').next().unwrap()))
                .sum();
            assert_eq!(sum, lines);
            assert_eq!(
                text.lines().count() - 1,
                if year == 2024 { 130 } else { 116 }
            );
        }
        // Pronto Badante, 293.481,58 € from 1/7/2023 to 30/6/2026: 366 of
        // its 1096 days fall in 2024, 365 in 2025.
        let p = flat(&app.get("/pianificazione/poa/2024/bilancio").await.body);
        assert!(
            p.contains("Pronto Badante</a></th><td>dal 01/07/2023 al 30/06/2026</td><td class=\"text-end\">293.481,58</td><td class=\"text-end\">98.005,71</td>"),
            "{p}"
        );
        let p = flat(&app.get("/pianificazione/poa/2025/bilancio").await.body);
        assert!(p.contains(
            "<td class=\"text-end\">293.481,58</td><td class=\"text-end\">97.737,94</td>"
        ));
        // The seed's figures on the named sheets.
        let list = app.get("/pianificazione/poa/2024/schede?q=SEUS").await;
        assert!(list.body.contains("356.240,00 €"), "{backend:?}");
        let list = app
            .get("/pianificazione/poa/2024/schede?q=Pronto+Badante")
            .await;
        assert!(list.body.contains("293.481,58 €"));
        let list = app.get("/pianificazione/poa/2024/schede?q=AMIBUS").await;
        assert!(list.body.contains("1.461.245,92 €"));
    }
}

#[tokio::test]
async fn sheet_lists_filter_by_every_criterion() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let count = |body: &str| -> usize { body.matches("<th scope=\"row\"><code>").count() };
    let all = app.get("/pianificazione/poa/2025/schede").await;
    assert!(all.body.contains("116 schede; mostrate da 1 a 25."));
    let to_fill = app
        .get("/pianificazione/poa/2025/schede?stato=to_fill")
        .await;
    assert_eq!(count(&to_fill.body), 4);
    let sector = app
        .get("/pianificazione/poa/2025/schede?settore=violenza_genere")
        .await;
    assert!(
        sector.body.contains("5 schede") || count(&sector.body) > 0,
        "{}",
        sector.body
    );
    let fse = app
        .get("/pianificazione/poa/2025/schede?fonte=fse_plus")
        .await;
    assert_eq!(count(&fse.body), 1);
    assert!(fse.body.contains("AMIBUS"));
    let text = app.get("/pianificazione/poa/2025/schede?q=housing").await;
    assert!(text.body.contains("Housing First e Housing Led"));
    let bad = app.get("/pianificazione/poa/2025/schede?unita=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = app.get("/pianificazione/poa/2025/schede?stato=boh").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let page2 = app.get("/pianificazione/poa/2025/schede?pagina=5").await;
    assert!(page2.body.contains("mostrate da 101 a 116"));
}

/// The number after a label in the comparison's summary.
fn summary_count(body: &str, label: &str) -> usize {
    let re = regex::Regex::new(&format!(r"{label}: <strong>(\d+)</strong>")).unwrap();
    re.captures(body)
        .unwrap_or_else(|| panic!("{label} not in {body}"))[1]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_roll_over_keeps_lineage_and_the_comparison_shows_the_difference() {
    let continua = regex::Regex::new(r#"name="continuing" value="(\d+)""#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let office = app.other_client_logged_in("ufficio.piano").await;
        // A comparison is offered only where there is a year before.
        let tree = |year: i64| {
            let (app, office) = (&app, &office);
            async move {
                app.get_with(office, &format!("/pianificazione/poa/{year}"))
                    .await
                    .body
            }
        };
        assert!(tree(2025)
            .await
            .contains("/pianificazione/poa/2025/confronto"));
        assert!(!tree(2024).await.contains("/confronto"));
        // The demo's 2025 continues 2024.
        let p = app
            .get_with(&office, "/pianificazione/poa/2025/confronto")
            .await;
        assert_eq!(p.status, StatusCode::OK);
        let body = flat(&p.body);
        let continuing = summary_count(&body, "Schede che proseguono");
        let added = summary_count(&body, "Schede nuove");
        let removed = summary_count(&body, "Schede non riproposte");
        assert_eq!(continuing + added, 116, "{backend:?}");
        assert_eq!(continuing + removed, 130);
        assert!(body.contains("Rinominato: «Contrasto cronicità da fase acuta a presa in carico nei CSM» → «Contrasto cronicità»"));
        assert!(body.contains("Rinominato: «Contrasto povertà e alte marginalità sociali» → «Contrasto povertà e marginalità sociali»"));
        assert!(body.contains("Nuovo: «Progetto SAI»") && body.contains("Nuovo: «S.TA.R.»"));
        assert!(body.contains("Non più presente: «Cure palliative»"));
        assert_eq!(summary_count(&body, "Schede spostate di programma"), 0);
        let added_list = body
            .split("<h2 class=\"h4\">Schede nuove</h2>")
            .nth(1)
            .unwrap();
        let added_list = added_list.split("<h2").next().unwrap();
        assert!(added_list.contains("SAI – accoglienza richiedenti asilo e rifugiati"));
        assert!(!added_list.contains("SEUS"), "SEUS continues");
        let removed_list = body
            .split("<h2 class=\"h4\">Schede non riproposte</h2>")
            .nth(1)
            .unwrap();
        let removed_list = removed_list.split("<h2").next().unwrap();
        assert!(removed_list.contains("(Cure palliative)"));
        assert!(removed_list
            .contains("Passaggio dal Reddito di Cittadinanza all'Assegno di Inclusione"));

        // Opening 2026 from 2025, leaving out two sheets.
        let form = app.get_with(&office, "/pianificazione/nuovo-anno").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Apri il POA 2026"));
        let ids: Vec<String> = continua
            .captures_iter(&form.body)
            .map(|c| c[1].to_string())
            .collect();
        assert_eq!(ids.len(), 116);
        let mut fields: Vec<(&str, &str)> = ids[2..]
            .iter()
            .map(|i| ("continuing", i.as_str()))
            .collect();
        let p = app
            .post_with(&office, "/pianificazione/nuovo-anno", &form.csrf(), &fields)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(
            p.location.as_deref(),
            Some("/pianificazione/poa/2026/confronto")
        );
        let body = flat(
            &app.get_with(&office, "/pianificazione/poa/2026/confronto")
                .await
                .body,
        );
        assert_eq!(summary_count(&body, "Schede che proseguono"), 114);
        assert_eq!(summary_count(&body, "Schede nuove"), 0);
        assert_eq!(summary_count(&body, "Schede non riproposte"), 2);
        assert_eq!(summary_count(&body, "Schede spostate di programma"), 0);
        assert_eq!(summary_count(&body, "Schede con risorse cambiate"), 0);
        assert!(!body.contains("Rinominato") && !body.contains("Nuovo: «"));
        // Every copied sheet is to fill again, in 2026, with its money.
        let tree = app.get_with(&office, "/pianificazione/poa/2026").await;
        assert!(flat(&tree.body).contains("<strong>5</strong> obiettivi di salute, <strong>23</strong> programmi, <strong>114</strong> attività"));
        assert!(
            tree.body.contains("Da compilare</a>: <strong>114</strong>"),
            "{backend:?}"
        );
        let seus = app
            .get_with(&office, "/pianificazione/poa/2026/schede?q=SEUS")
            .await;
        assert!(seus.body.contains("356.240,00 €"));
        // The integrated matter goes with each continuing sheet.
        let by_matter = app
            .get_with(&office, "/pianificazione/poa/2026/bilancio?per=materia")
            .await;
        assert!(
            by_matter.body.contains("Non autosufficienza") && by_matter.body.contains("Disabilità")
        );
        // A second opening of 2027 needs 2026 first; opening 2026 twice is refused.
        fields.truncate(1);
        let form = app.get_with(&office, "/pianificazione/nuovo-anno").await;
        assert!(form.body.contains("Apri il POA 2027"));
        // The unit sees its new sheets.
        let editor = app.other_client_logged_in("referente.sma").await;
        let mine = app.get_with(&editor, "/pianificazione/mie-schede").await;
        assert!(mine.body.contains("(POA 2026)"));
        // Only the planning office opens a year.
        let token = app.get_with(&editor, "/pianificazione").await.csrf();
        let p = app
            .post_with(&editor, "/pianificazione/nuovo-anno", &token, &fields)
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_poa_document_has_one_page_per_sheet_and_the_figures_of_the_screen() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    app.login("consultazione").await;
    let r = app
        .client
        .get(app.url("/pianificazione/poa/2024/documento.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = pdf_pages(&bytes);
    let total_pages = pages.len();
    // Cover, tree, budget (landscape), then the sheets.
    assert!(pages[0].contains("Programmazione Operativa Annuale 2024"));
    assert!(
        pages[0].contains("5 obiettivi di salute · 21 programmi · 130 attività"),
        "{}",
        pages[0]
    );
    assert!(pages[0].contains(
        "Approvazione: Conferenza Zonale dei Sindaci Integrata, n. 1 (dimostrativo) del 30/04/2024"
    ));
    let sheet_pages: Vec<&String> = pages
        .iter()
        .filter(|p| p.contains("Scheda attività 2024-"))
        .collect();
    assert_eq!(sheet_pages.len(), 130, "one page per sheet");
    for p in &sheet_pages {
        assert_eq!(p.matches("Scheda attività 2024-").count(), 1, "{p}");
        assert!(
            p.contains(&format!("di {total_pages}")),
            "page numbers: {p}"
        );
    }
    let seus = sheet_pages
        .iter()
        .find(|p| p.contains("SEUS – Servizio di Emergenza Urgenza Sociale"))
        .unwrap();
    assert!(
        seus.contains("Fondo sociale regionale 2024 356.240,00 €"),
        "{seus}"
    );
    assert!(seus.contains("dal 01/01/2024 al 30/06/2026"));
    // The grand total of the document is the one on screen.
    let screen = app.get("/pianificazione/poa/2024/bilancio").await;
    let total = regex::Regex::new(r#"id="budget-total">([^<]+)<"#)
        .unwrap()
        .captures(&screen.body)
        .unwrap()[1]
        .to_string();
    assert!(
        pages[0].contains(&format!("Risorse programmate per il 2024: {total} €")),
        "{total} / {}",
        pages[0]
    );
    let budget = pages
        .iter()
        .find(|p| p.contains("Bilancio integrato"))
        .unwrap();
    assert!(budget.contains(&format!("Totale {}", "")) && budget.contains(&total));
    // Internal notes never reach the document.
    assert!(!pages.iter().any(|p| p.contains("Note interne")));
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    year: i64,
    name: &str,
    bytes: Vec<u8>,
) -> Page {
    let token = app
        .get_with(client, &format!("/pianificazione/poa/{year}/monitoraggio"))
        .await
        .csrf();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = client
        .post(app.url(&format!(
            "/pianificazione/poa/{year}/monitoraggio/importa?csrf_token={token}"
        )))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = r
        .text()
        .await
        .unwrap()
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    Page {
        status,
        body,
        location,
    }
}

#[tokio::test]
async fn monitoring_is_entered_per_sheet_or_in_bulk_and_rolls_up_by_budget() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let (sma, _) = sma_sheets(&app).await;
        let editor = app.other_client_logged_in("referente.sma").await;
        let office = app.other_client_logged_in("ufficio.piano").await;

        // One sheet, by its unit: bad input first.
        let path = format!("/pianificazione/attivita/{}/monitoraggio", sma[0]);
        let form = app.get_with(&editor, &path).await;
        assert_eq!(form.status, StatusCode::OK);
        let v = version_of(&form);
        let p = app
            .post_with(
                &editor,
                &path,
                &form.csrf(),
                &[
                    ("version", &v),
                    ("progress", "150"),
                    ("survey_date", "31/13/2025"),
                    ("actual", "molti"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(p.field_error("progress").unwrap().contains("da 0 a 100"));
        assert!(p.field_error("survey_date").is_some());
        assert!(p
            .field_error("actual_0")
            .unwrap()
            .contains("non è un numero"));
        assert_eq!(p.input_value("actual").as_deref(), Some("molti"));
        let p = app
            .post_with(
                &editor,
                &path,
                &form.csrf(),
                &[
                    ("version", &v),
                    ("progress", "40"),
                    ("survey_date", "30/06/2025"),
                    ("notes", "A metà anno"),
                    ("actual", "55"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = app
            .get_with(&editor, &format!("/pianificazione/attivita/{}", sma[0]))
            .await;
        assert!(page
            .body
            .contains(r#"<dd class="col-sm-9" id="sheet-progress">40,0 %</dd>"#));
        assert!(page.body.contains("Monitoraggio della scheda 2025-13-001"));

        // In bulk: the export, edited, comes back.
        let csv = app
            .get_with(
                &office,
                "/pianificazione/poa/2025/monitoraggio/esporta?format=csv",
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.body.trim_start_matches('\u{feff}').to_string();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert_eq!(lines[0], "Codice;Titolo;Programma;Avanzamento %;Data della rilevazione;Note di monitoraggio;Indicatore;Unità di misura;Valore obiettivo;Valore raggiunto");
        assert!(lines.iter().any(|l| l.starts_with("2025-13-001;") && l.contains(";40;30/06/2025;A metà anno;")), "{text}");
        // Every sheet of 2025 not yet surveyed except the one above; set two.
        let set = |line: &str, progress: &str, actual: &str| -> String {
            let mut c: Vec<String> = line.split(';').map(str::to_string).collect();
            c[3] = progress.into();
            c[4] = "15/07/2025".into();
            c[9] = actual.into();
            c.join(";")
        };
        let i1 = lines
            .iter()
            .position(|l| l.starts_with("2025-01-001;"))
            .unwrap();
        let i2 = lines
            .iter()
            .position(|l| l.starts_with("2025-02-001;"))
            .unwrap();
        lines[i1] = set(&lines[i1], "100", "500");
        lines[i2] = set(&lines[i2], "0", "");
        let file = format!("\u{feff}{}\r\n", lines.join("\r\n"));
        let p = upload(&app, &office, 2025, "monitoraggio.csv", file.into_bytes()).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}: {}", p.body);
        let overview = app
            .get_with(&office, "/pianificazione/poa/2025/monitoraggio")
            .await;
        let body = flat(&overview.body);
        assert!(
            body.contains("Monitoraggio aggiornato: 116 schede."),
            "{body}"
        );
        // The plan's progress: three sheets surveyed, weighted by their totals.
        let db = &app.db.db;
        let total = |code: &str| {
            let code = code.to_string();
            async move {
                let zone = zona_store::territory::default_zone(db)
                    .await
                    .unwrap()
                    .unwrap()
                    .id;
                let plan = zona_store::planning::annual_plan_id(db, zone, 2025)
                    .await
                    .unwrap()
                    .unwrap();
                let (rows, _) = zona_store::sheets::list_sheets(
                    db,
                    plan,
                    &Default::default(),
                    zona_store::Page::all(),
                )
                .await
                .unwrap();
                rows.into_iter()
                    .find(|r| r.code == code)
                    .unwrap()
                    .total_cents
            }
        };
        let (a, b, c) = (
            total("2025-01-001").await,
            total("2025-02-001").await,
            total("2025-13-001").await,
        );
        let expected =
            rust_decimal::Decimal::from(100 * a + 40 * c) / rust_decimal::Decimal::from(a + b + c);
        // Written out by hand, not with the formatter under test: one
        // decimal, half away from zero, decimal comma (the value is < 100).
        let expected = format!(
            "{:.1}",
            expected
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        )
        .replace('.', ",");
        assert!(
            body.contains(&format!("<th scope=\"row\">POA 2025</th> <td class=\"text-end\">{expected} %</td> <td class=\"text-end\">3 su 116</td>")),
            "{backend:?} expected {expected}: {body}"
        );
        let equal = flat(
            &app.get_with(&office, "/pianificazione/poa/2025/monitoraggio?peso=uguale")
                .await
                .body,
        );
        assert!(
            equal.contains("<th scope=\"row\">POA 2025</th> <td class=\"text-end\">46,7 %</td>"),
            "{equal}"
        );

        // A bad file changes nothing and names every line.
        let bad = "codice;avanzamento;indicatore;valore_raggiunto\r\n2025-01-001;120;;\r\n2099-01-001;10;;\r\n2025-01-001;50;Indicatore inesistente;3\r\n";
        let p = upload(&app, &office, 2025, "errato.csv", bad.as_bytes().to_vec()).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = flat(&p.body);
        assert!(
            body.contains("Riga 2: Indicare l'avanzamento in percentuale"),
            "{body}"
        );
        assert!(body.contains("Riga 3: la scheda «2099-01-001» non è in questa programmazione."));
        assert!(body.contains(
            "Riga 4: la scheda 2025-01-001 non ha l'indicatore «Indicatore inesistente»."
        ));
        let again = flat(
            &app.get_with(&office, "/pianificazione/poa/2025/monitoraggio")
                .await
                .body,
        );
        assert!(again.contains("3 su 116"));
        let p = upload(&app, &office, 2025, "note.txt", b"x".to_vec()).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Only the office loads files.
        let p = upload(
            &app,
            &editor,
            2025,
            "monitoraggio.csv",
            b"codice;avanzamento\r\n".to_vec(),
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_pis_shows_its_sections_regional_links_and_timeline() {
    let plan_link =
        regex::Regex::new(r#"href="/pianificazione/pis/(\d+)">Piano Integrato di Salute (\d+)-"#)
            .unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let office = app.other_client_logged_in("ufficio.piano").await;
        let viewer = app.other_client_logged_in("consultazione").await;
        let frame = flat(&app.get_with(&viewer, "/pianificazione/pssir").await.body);
        assert!(
            frame.contains("Piano sanitario e sociale integrato regionale 2024-2026 (2024-2026)"),
            "{backend:?}"
        );
        assert_eq!(
            frame.matches("<li>").count(),
            9,
            "the nine PSSIR objectives"
        );
        assert!(frame.contains(
            "<li>Integrazione socio sanitaria per la presa in carico globale della persona</li>"
        ));
        assert!(
            !frame.contains("Nuovo obiettivo generale"),
            "the viewer does not edit"
        );
        let list = app.get_with(&viewer, "/pianificazione/pis").await;
        let id_of = |from: &str| -> String {
            plan_link
                .captures_iter(&list.body)
                .find(|c| &c[2] == from)
                .unwrap()[1]
                .to_string()
        };
        let (next, current) = (id_of("2026"), id_of("2020"));
        // The PIS in force: its objectives linked to the regional ones, its POAs.
        let page = flat(
            &app.get_with(&viewer, &format!("/pianificazione/pis/{current}"))
                .await
                .body,
        );
        for heading in [
            "1. Sezione conoscitiva",
            "2. Dispositivo di piano",
            "3. Programmazione operativa annuale",
            "4. Monitoraggio e valutazione",
        ] {
            assert!(page.contains(heading), "{heading}");
        }
        assert!(page.contains("<strong>Presa in carico globale della persona</strong></p> <p class=\"small mb-1\">Obiettivi regionali: <span class=\"badge bg-primary me-1\">L'assistenza territoriale</span><span class=\"badge bg-primary me-1\">Integrazione socio sanitaria per la presa in carico globale della persona</span>"), "{page}");
        assert!(page.contains("<a href=\"/pianificazione/poa/2025\">POA 2025</a>"));
        // The PIS in preparation: the timeline of seed 004, in date order.
        let page = flat(
            &app.get_with(&office, &format!("/pianificazione/pis/{next}"))
                .await
                .body,
        );
        assert!(page.contains("In preparazione"));
        let workshops: Vec<usize> = ["13/01/2026", "27/01/2026", "10/02/2026", "24/02/2026"]
            .iter()
            .map(|d| {
                page.find(&format!("<strong>{d}</strong>"))
                    .unwrap_or_else(|| panic!("{d}: {page}"))
            })
            .collect();
        assert!(workshops.windows(2).all(|w| w[0] < w[1]));
        // The office adds a strategic line, links an objective, records the approval act.
        let token = app
            .get_with(&office, &format!("/pianificazione/pis/{next}"))
            .await
            .csrf();
        let p = app
            .post_with(
                &office,
                &format!("/pianificazione/pis/{next}/linee"),
                &token,
                &[
                    ("title", "Salute mentale e marginalità"),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = app
            .post_with(
                &office,
                &format!("/pianificazione/pis/{next}/linee"),
                &token,
                &[("title", "salute mentale e marginalità")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app
            .get_with(&office, &format!("/pianificazione/pis/{next}"))
            .await;
        assert!(page.body.contains("esiste già"));
        // A health objective, then linked to the new line: the boxes ticked
        // come as a list.
        let p = app
            .post_with(
                &office,
                &format!("/pianificazione/pis/{next}/obiettivi"),
                &token,
                &[(
                    "title",
                    "Ridurre l'isolamento delle persone con disagio psichico",
                )],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app
            .get_with(&office, &format!("/pianificazione/pis/{next}"))
            .await;
        let links = capture(
            r#"action="(/pianificazione/pis/\d+/obiettivi/\d+/collegamenti)""#,
            &page.body,
        );
        let objective = capture(r#"id="obj-(\d+)""#, &page.body);
        let line = capture(
            &format!(r#"id="l-{objective}-(\d+)"[^>]*><label[^>]*>Salute mentale e marginalità<"#),
            &page.body,
        );
        let p = app
            .post_with(
                &office,
                &links,
                &token,
                &[("strategic_line_id", line.as_str())],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = flat(
            &app.get_with(&office, &format!("/pianificazione/pis/{next}"))
                .await
                .body,
        );
        assert!(page.contains("Collegamenti dell'obiettivo di salute salvati."));
        assert!(
            page.contains(
                r#"<span class="badge bg-secondary me-1">Salute mentale e marginalità</span>"#
            ),
            "{page}"
        );
        // A line of no plan of the zone, a damaged id, an objective outside
        // the regional frame: refused, nothing changed.
        for bad in [
            ("strategic_line_id", "999999"),
            ("strategic_line_id", "x"),
            ("regional_objective_id", "999999"),
        ] {
            let p = app.post_with(&office, &links, &token, &[bad]).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        let page = app
            .get_with(&office, &format!("/pianificazione/pis/{next}"))
            .await;
        assert!(page.body.contains(
            r#"<span class="badge bg-secondary me-1">Salute mentale e marginalità</span>"#
        ));
        let p = app
            .post_with(
                &office,
                &format!("/pianificazione/pis/{next}/atti"),
                &token,
                &[
                    ("kind", "approval"),
                    ("issuer", "Conferenza Zonale dei Sindaci Integrata"),
                    ("number", "4"),
                    ("act_date", "30/03/2026"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = app
            .post_with(
                &office,
                &format!("/pianificazione/pis/{next}/tappe"),
                &token,
                &[
                    ("label", "Prova"),
                    ("starts_on", "10/02/2026"),
                    ("ends_on", "01/02/2026"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = flat(
            &app.get_with(&office, &format!("/pianificazione/pis/{next}"))
                .await
                .body,
        );
        assert!(page.contains("La fine della tappa non può precedere l'inizio."));
        assert!(page.contains("<strong>Salute mentale e marginalità</strong>"));
        assert!(page.contains("<strong>30/03/2026</strong> — Approvazione: Conferenza Zonale dei Sindaci Integrata, n. 4"));
        // Nobody else edits.
        let token = app
            .get_with(&viewer, &format!("/pianificazione/pis/{next}"))
            .await
            .csrf();
        let p = app
            .post_with(
                &viewer,
                &format!("/pianificazione/pis/{next}/linee"),
                &token,
                &[("title", "X")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn vocabularies_are_managed_lists_used_by_the_sheets() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    // The vocabularies every zone shares are the region's to edit.
    zona_app::demo::add_regional_account(&app.db.db)
        .await
        .unwrap();
    let region = app
        .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
        .await;
    let office = app.other_client_logged_in("ufficio.piano").await;
    let list = flat(&app.get_with(&region, "/admin/elenchi").await.body);
    for sector in [
        "Socio-sanitario",
        "Socio-assistenziale",
        "Prevenzione e promozione",
        "Cure primarie-sanità territoriale",
        "Violenza di genere",
    ] {
        assert!(list.contains(sector), "{sector}");
    }
    let form = app
        .get_with(&region, "/admin/elenchi/funding_source/nuova")
        .await;
    let p = app
        .post_with(
            &region,
            "/admin/elenchi/funding_source/nuova",
            &form.csrf(),
            &[("code", "Fondo Regionale!"), ("label", "")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.field_error("code").unwrap().contains("lettere minuscole"));
    assert_eq!(
        p.field_error("label").as_deref(),
        Some("Campo obbligatorio.")
    );
    let p = app
        .post_with(
            &region,
            "/admin/elenchi/funding_source/nuova",
            &form.csrf(),
            &[
                ("code", "fondo_caregiver"),
                ("label", "Fondo caregiver familiari"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = app
        .post_with(
            &region,
            "/admin/elenchi/funding_source/nuova",
            &form.csrf(),
            &[("code", "fondo_caregiver"), ("label", "Altro nome")],
        )
        .await;
    assert_eq!(
        p.field_error("code").as_deref(),
        Some("Esiste già una voce con questo codice.")
    );
    // The new term is offered on the sheet form; a retired one is not.
    let (sma, _) = sma_sheets(&app).await;
    let sheet_form = app
        .get_with(
            &office,
            &format!("/pianificazione/attivita/{}/modifica", sma[0]),
        )
        .await;
    assert!(sheet_form
        .body
        .contains(r#"<option value="fondo_caregiver">Fondo caregiver familiari</option>"#));
    let id = regex::Regex::new(r#"href="/admin/elenchi/voce/(\d+)">Fondo caregiver familiari<"#)
        .unwrap()
        .captures(&app.get_with(&region, "/admin/elenchi").await.body)
        .unwrap()[1]
        .to_string();
    let edit = format!("/admin/elenchi/voce/{id}");
    let form = app.get_with(&region, &edit).await;
    // A second session of the region has the same term open.
    app.login(zona_app::demo::REGIONAL_ACCOUNT).await;
    let stale = app.get(&edit).await;
    let version = form.input_value("version").unwrap();
    let p = app
        .post_with(
            &region,
            &edit,
            &form.csrf(),
            &[
                ("label", "Fondo caregiver familiari"),
                ("active", "0"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // Their stale form would switch it back on: refused, shown side by side.
    let p = app
        .post_with(
            &app.client,
            &edit,
            &stale.csrf(),
            &[
                ("label", "Fondo caregiver"),
                ("active", "1"),
                ("version", &stale.input_value("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("Modifiche non salvate"));
    assert!(
        p.body
            .contains("<td>Fondo caregiver</td><td>Fondo caregiver familiari</td>"),
        "{}",
        p.body
    );
    let sheet_form = app
        .get_with(
            &office,
            &format!("/pianificazione/attivita/{}/modifica", sma[0]),
        )
        .await;
    assert!(!sheet_form.body.contains("fondo_caregiver"));
    // Only the region manages them; the office and the viewer read them.
    assert_eq!(
        app.get_with(&office, &edit).await.status,
        StatusCode::FORBIDDEN
    );
    let viewer = app.other_client_logged_in("consultazione").await;
    assert_eq!(
        app.get_with(&viewer, "/admin/elenchi").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_with(&viewer, &edit).await.status,
        StatusCode::FORBIDDEN
    );
    let editor = app.other_client_logged_in("referente.sma").await;
    assert_eq!(
        app.get_with(&editor, "/admin/elenchi").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn citizens_see_approved_plans_and_nothing_internal() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        // An internal note on a 2024 sheet, through an amendment.
        let db = &app.db.db;
        let zone = zona_store::territory::default_zone(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let plan_2024 = zona_store::planning::annual_plan_id(db, zone, 2024)
            .await
            .unwrap()
            .unwrap();
        let (rows, _) = zona_store::sheets::list_sheets(
            db,
            plan_2024,
            &Default::default(),
            zona_store::Page::all(),
        )
        .await
        .unwrap();
        let seus = rows.iter().find(|r| r.title.starts_with("SEUS")).unwrap();
        let s = zona_store::sheets::get_sheet(db, seus.id)
            .await
            .unwrap()
            .unwrap();
        let mut content = s.content.clone();
        content.internal_notes = Some("RISERVATO: trattativa in corso con il gestore".into());
        zona_store::sheets::update_sheet(
            db,
            &zona_store::Actor::system("test"),
            seus.id,
            s.row.version,
            &content,
            Some(&zona_store::sheets::ActInput {
                kind: zona_core::planning::ActKind::Amendment,
                issuer: "Ufficio di Piano".into(),
                number: "9".into(),
                act_date: time::macros::date!(2024 - 06 - 01),
                description: None,
            }),
        )
        .await
        .unwrap();

        let anon = new_client();
        let home = app.get_with(&anon, "/").await;
        assert!(home.body.contains(r#"href="/piani""#));
        let list = app.get_with(&anon, "/piani").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains(r#"<a href="/piani/poa/2024">"#),
            "{backend:?}"
        );
        assert!(
            !list.body.contains("/piani/poa/2025"),
            "a plan in compilation is not published"
        );
        assert_eq!(
            app.get_with(&anon, "/piani/poa/2025").await.status,
            StatusCode::NOT_FOUND
        );
        let plan = flat(&app.get_with(&anon, "/piani/poa/2024").await.body);
        assert!(plan.contains("<strong>5</strong> obiettivi di salute, <strong>21</strong> programmi, <strong>130</strong> attività"));
        let page = app
            .get_with(&anon, &format!("/piani/scheda/{}", seus.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("356.240,00 €"));
        for internal in [
            "RISERVATO",
            "Note interne",
            "Cronologia",
            "Variazione",
            "ufficio.piano",
        ] {
            assert!(
                !page.body.contains(internal),
                "{backend:?}: {internal} leaked"
            );
        }
        let sheet_2025 = app
            .get_with(
                &anon,
                &format!("/piani/scheda/{}", sma_sheets(&app).await.0[0]),
            )
            .await;
        assert_eq!(sheet_2025.status, StatusCode::NOT_FOUND);
        let pdf = anon
            .get(app.url("/piani/poa/2024/documento.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), StatusCode::OK);
        let pages = pdf_pages(&pdf.bytes().await.unwrap());
        assert!(!pages.iter().any(|p| p.contains("RISERVATO")));
        // The internal pages stay closed.
        assert_eq!(
            app.get_with(&anon, "/pianificazione/poa/2024").await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn the_office_creates_plans_objectives_and_programmes() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    let office = app.other_client_logged_in("ufficio.piano").await;
    let token = app.get_with(&office, "/pianificazione/pssir").await.csrf();
    // The regional plans are the region's: the office may not add one.
    zona_app::demo::add_regional_account(&app.db.db)
        .await
        .unwrap();
    let region = app
        .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
        .await;
    let rtoken = app.get_with(&region, "/pianificazione/pssir").await.csrf();
    let p = app
        .post_with(
            &office,
            "/pianificazione/pssir/nuovo",
            &token,
            &[
                ("period_start", "2027"),
                ("period_end", "2029"),
                ("objectives", "x"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // A new regional period, with its objectives one per line.
    let p = app
        .post_with(
            &region,
            "/pianificazione/pssir/nuovo",
            &rtoken,
            &[
                ("period_start", "2027"),
                ("period_end", "2029"),
                (
                    "objectives",
                    "Salute in tutte le politiche\r\n\r\nAssistenza territoriale\r\n",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let frame = flat(&app.get_with(&region, "/pianificazione/pssir").await.body);
    assert!(
        frame.contains(
            "Piano sanitario e sociale integrato regionale 2027-2029 registrato con 2 obiettivi."
        ),
        "{frame}"
    );
    let p = app
        .post_with(
            &region,
            "/pianificazione/pssir/nuovo",
            &rtoken,
            &[
                ("period_start", "2029"),
                ("period_end", "2027"),
                ("objectives", "x"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(app
        .get_with(&region, "/pianificazione/pssir")
        .await
        .body
        .contains("L'anno di fine non può precedere quello di inizio."));
    // A new PIS and its first health objective.
    let p = app
        .post_with(
            &office,
            "/pianificazione/pis/nuovo",
            &token,
            &[("period_start", "2029"), ("period_end", "2031")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let pis = p.location.unwrap();
    let page = flat(&app.get_with(&office, &pis).await.body);
    assert!(page.contains("Piano Integrato di Salute 2029-2031 creato, in preparazione."));
    let p = app
        .post_with(
            &office,
            &format!("{pis}/obiettivi"),
            &token,
            &[("title", "Benessere degli adolescenti")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(app
        .get_with(&office, &pis)
        .await
        .body
        .contains("<strong>Benessere degli adolescenti</strong>"));
    let p = app
        .post_with(
            &office,
            "/pianificazione/pis/nuovo",
            &token,
            &[("period_start", "2029"), ("period_end", "2031")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(app
        .get_with(&office, "/pianificazione/pis")
        .await
        .body
        .contains("La zona ha già un piano che inizia nel 2029."));
    // A new programme in the open POA 2025, and a sheet in it.
    let tree = app.get_with(&office, "/pianificazione/poa/2025").await;
    let objective = regex::Regex::new(
        r#"<option value="(\d+)">Prevenzione e promozione della salute</option>"#,
    )
    .unwrap()
    .captures(&tree.body)
    .unwrap()[1]
        .to_string();
    let p = app
        .post_with(
            &office,
            "/pianificazione/poa/2025/programmi",
            &tree.csrf(),
            &[
                ("objective_id", &objective),
                ("title", "Benessere digitale"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let tree = flat(&app.get_with(&office, "/pianificazione/poa/2025").await.body);
    assert!(tree.contains("Programma «Benessere digitale» aggiunto."));
    assert!(tree.contains("<strong>24</strong> programmi"));
    assert!(tree.contains("<summary><strong>Benessere digitale</strong> — 0 attività</summary>"));
    // Not in an approved plan.
    let old = app.get_with(&office, "/pianificazione/poa/2024").await;
    let p = app
        .post_with(
            &office,
            "/pianificazione/poa/2024/programmi",
            &old.csrf(),
            &[("objective_id", &objective), ("title", "Tardivo")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(app
        .get_with(&office, "/pianificazione/poa/2024")
        .await
        .body
        .contains("non si aggiungono programmi"));
}
