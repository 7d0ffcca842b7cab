//! SOC26 pages: the Livorno 2025 form as the demo holds it, drafts, live
//! computation, the zone view.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_store::territory::{self, ListQuery};
use zona_store::{Backend, Page as DbPage};
use zona_testing::BACKENDS;

pub async fn municipality_id(app: &TestApp, name: &str) -> i64 {
    let q = ListQuery {
        text: name.into(),
        ..Default::default()
    };
    territory::list_municipalities(&app.db.db, &q, DbPage::first(1))
        .await
        .unwrap()
        .0[0]
        .id
}

/// All form fields of a page, as a browser would post them.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let input = regex::Regex::new(
        r#"<input type="(?:text|hidden)"[^>]*?id="[^"]*" name="([^"]+)" value="([^"]*)""#,
    )
    .unwrap();
    let hidden =
        regex::Regex::new(r#"<input type="hidden" name="([^"]+)"(?: id="[^"]*")? value="([^"]*)""#)
            .unwrap();
    let textarea =
        regex::Regex::new(r#"(?s)<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>"#)
            .unwrap();
    let unescape = |s: &str| {
        s.replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&#x27;", "'")
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for re in [&input, &hidden, &textarea] {
        for c in re.captures_iter(body) {
            if !out.iter().any(|(k, _)| k == &c[1]) {
                out.push((c[1].to_string(), unescape(&c[2])));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_demo_livorno_form_shows_the_printed_figures() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("consultazione").await;
        let id = municipality_id(&app, "Livorno").await;
        let p = app.get(&format!("/obiettivi-servizio/{id}/2025")).await;
        assert_eq!(p.status, StatusCode::OK);
        for figure in [
            r#"<output id="c-rob-ref">16.366</output>"#,
            r#"<output id="c-rob-cur">20.967</output>"#,
            r#"<output id="c-avg-M12">50,22</output>"#,
            r#"<output id="c-avg-M53">4.888,23</output>"#,
            r#"<output id="c-r01b">1.939</output>"#,
            r#"<output id="c-r04">13,69</output>"#,
            "Nel 2025 il livello di servizio effettivo dell'ente locale è risultato non inferiore al livello di servizio di riferimento.",
            "L'ente non deve compilare il Quadro 3 degli obiettivi di servizio.",
            "Il Quadro 3 non è da compilare.",
        ] {
            assert!(p.body.contains(figure), "{backend:?}: {figure}");
        }
        assert!(
            !p.body.contains("Salva la scheda"),
            "a viewer does not edit"
        );
        let json = app
            .get(&format!("/obiettivi-servizio/{id}/2025/scheda.json"))
            .await;
        let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(
            (
                v["R04"].as_str(),
                v["R01B"].as_str(),
                v["ROB"]["2025"].as_u64()
            ),
            (Some("13.69"), Some("1939"), Some(20967))
        );
        let zone = app.get("/obiettivi-servizio").await;
        assert!(
            zone.body.contains("Completa") && zone.body.contains("169.931"),
            "zone totals"
        );
    }
}

#[tokio::test]
async fn a_form_with_errors_is_saved_as_a_draft_and_nothing_is_lost() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let id = municipality_id(&app, "Collesalvetti").await;
    let path = format!("/obiettivi-servizio/{id}/2025");
    let page = app.get(&path).await;
    let mut fields = form_fields(&page.body);
    assert!(fields.len() > 60, "{}", fields.len());
    let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
        fields
            .iter_mut()
            .find(|(n, _)| n == k)
            .unwrap_or_else(|| panic!("{k}"))
            .1 = v.to_string();
    };
    set(&mut fields, "cur.M12", "-4");
    set(&mut fields, "cur.R06", "12,345");
    set(&mut fields, "cur.R16", &"è".repeat(6001));
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = app
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(
        page.body
            .contains("Bozza salvata. La scheda contiene 3 errori da correggere"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Bozza (contiene errori)"));
    assert!(
        page.body.contains(r#"name="cur.M12" value="-4""#),
        "the wrong value is kept"
    );
    assert!(page
        .body
        .contains("M12: il numero non può essere negativo."));
    assert!(page.body.contains("R06: «12,345»: al massimo 2 decimali."));
    assert!(page
        .body
        .contains("La relazione può avere al massimo 6.000 caratteri: ne ha 6.001."));

    // Live computation: what is typed, computed, nothing saved.
    let mut fields = form_fields(&page.body);
    set(&mut fields, "cur.M12", "1000");
    set(&mut fields, "cur.R06", "1");
    set(&mut fields, "cur.R16", "Breve");
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let token = page.csrf();
    let r = app
        .client
        .post(app.url(&format!("{path}/calcola")))
        .header("x-csrf-token", token)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.contains(r#"<span id="c-r04" hx-swap-oob="true">"#),
        "{fragment}"
    );
    assert!(
        fragment.contains("Il Quadro 3 non è da compilare."),
        "spending now above R06: {fragment}"
    );
    assert!(!fragment.contains("Errori da correggere"));
    let stored = zona_store::soc26::get(&app.db.db, id, 2025)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.data.contains("\"-4\""), "preview saves nothing");

    // Saving the corrected form makes it complete; a stale save is refused.
    let stale_version = stored.version.to_string();
    let p = app
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), StatusCode::SEE_OTHER);
    assert!(app
        .get(&path)
        .await
        .body
        .contains("Scheda salvata: tutti i controlli sono superati."));
    let mut stale = fields.clone();
    set(&mut stale, "version", &stale_version);
    let form: Vec<(&str, &str)> = stale
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = app
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), StatusCode::CONFLICT);
    let audit = zona_store::audit::list(
        &app.db.db,
        &zona_store::audit::AuditQuery {
            entity: Some("soc26_form".into()),
            actor: Some("ufficio.piano".into()),
            ..Default::default()
        },
        DbPage::first(5),
    )
    .await
    .unwrap()
    .0;
    assert_eq!(audit.len(), 2);
}

#[tokio::test]
async fn the_pdf_of_the_livorno_form_shows_the_printed_figures() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("consultazione").await;
    let id = municipality_id(&app, "Livorno").await;
    let r = app
        .client
        .get(app.url(&format!("/obiettivi-servizio/{id}/2025/scheda.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let file = std::env::temp_dir().join(format!("zona-livorno-{}.pdf", std::process::id()));
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the PDF");
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8(out.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "SOC26 - SOCIALE - SCHEDA DI MONITORAGGIO DEGLI OBIETTIVI DI SERVIZIO 2025",
        "Denominazione LIVORNO",
        "Codice identificativo LI009SIF11NH",
        "M12 - Utenti famiglia e minori 559 2031 102000 50,22",
        "M53 - Utenti anziani 397 456 2229035 4888,23",
        "M59 - Utenti povertà, disagio adulti e senza dimora 253 981 2700000 2752,29",
        "ROB - TOTALE UTENTI 16366 20967",
        "1 assistente sociale ogni: 2071 abitanti",
        "Nel 2025 per il Comune il numero di assistenti sociali in rapporto alla popolazione è risultato pari a 1 ogni 1939 abitanti.",
        "R03 - Numero di abitanti 153154",
        "13,69",
        "11,63",
        "Nel 2025 il livello di servizio effettivo dell'ente locale è risultato non inferiore al livello di servizio di riferimento.",
        "19096142,52",
        "2017: 17546542,12",
        "2021: 31791665,59",
        "1550270,42",
        "La spesa dell'ente locale è risultata non inferiore al livello del fabbisogno standard monetario per la funzione Servizi sociali. Anche il livello dei servizi è risultato non inferiore a quello di riferimento. L'ente non deve compilare il Quadro 3 degli obiettivi di servizio.",
        "R15 - TOTALE OBIETTIVI DI SERVIZIO 2025 0,00",
        "Nel rigo R01A sono stati indicati gli 11 assistenti sociali",
    ] {
        assert!(flat.contains(expected), "missing «{expected}» in:\n{text}");
    }
}

#[tokio::test]
async fn users_compared_by_area_with_a_chart() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("referente.sma").await;
    let id = municipality_id(&app, "Livorno").await;
    let p = app
        .get(&format!("/obiettivi-servizio/{id}/2025/confronto"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let flat: String = p.body.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"<th scope="row">Famiglia e minori</th><td class="text-end">814</td><td class="text-end">2.486</td><td class="text-end">+1.672</td><td class="text-end">+205,4 %</td>"#,
        r#"<th scope="row">Multiutenza</th><td class="text-end">4.583</td><td class="text-end">3.860</td><td class="text-end">-723</td><td class="text-end">-15,8 %</td>"#,
        r#"<th scope="row">Totale (ROB)</th><td class="text-end">16.366</td><td class="text-end">20.967</td>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg""#,
        "Utenti serviti per area, 2019 e 2025 – Comune di Livorno",
    ] {
        assert!(flat.contains(expected), "missing {expected}");
    }
}

#[tokio::test]
async fn one_municipality_exports_alone() {
    let app = spawn_app(Backend::Postgres).await;
    app.login("ufficio.piano").await;
    let id = municipality_id(&app, "Livorno").await;
    let p = app
        .get(&format!(
            "/obiettivi-servizio/export?comune={id}&format=json"
        ))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&p.body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            v[0]["codice_istat"].as_str(),
            v[0]["R04"].as_str(),
            v[0]["R06"].as_str()
        ),
        (Some("049009"), Some("13.69"), Some("19096142.52"))
    );
    let all = app.get("/obiettivi-servizio/export?format=json").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&all.body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        app.get("/obiettivi-servizio/export?comune=x&format=csv")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

/// The web form reads a population typed the Italian way as written: the
/// live computation and the saved form agree with the number, and a
/// population with decimals is refused under R03, with the typed value kept.
#[tokio::test]
async fn the_web_form_reads_numbers_the_italian_way() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let id = municipality_id(&app, "Livorno").await;
        let path = format!("/obiettivi-servizio/{id}/2025");
        let page = app.get(&path).await;
        let token = page.csrf();
        let mut fields = form_fields(&page.body);
        let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
            fields
                .iter_mut()
                .find(|(n, _)| n == k)
                .unwrap_or_else(|| panic!("{k}"))
                .1 = v.to_string();
        };
        set(&mut fields, "cur.R03", "28.000");
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("csrf_token", token.as_str())])
            .collect();
        // Live computation: 28,000 ÷ 79 social workers = 354 (not "1 ogni 6").
        let live = app
            .client
            .post(app.url(&format!("{path}/calcola")))
            .form(&form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(live.contains(">354<"), "{live}");
        // 20,967 users of 28,000 inhabitants: 74,88 per 100.
        assert!(live.contains("74,88"), "{live}");
        let r = app
            .client
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let json = app.get(&format!("{path}/scheda.json")).await;
        let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(
            (v["R03"].as_u64(), v["R04"].as_str()),
            (Some(28_000), Some("74.88"))
        );

        let page = app.get(&path).await;
        let token = page.csrf();
        let mut fields = form_fields(&page.body);
        set(&mut fields, "cur.R03", "28,5");
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("csrf_token", token.as_str())])
            .collect();
        let r = app
            .client
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.get(&path).await;
        assert!(
            page.body.contains("R03: «28,5» non è un numero intero"),
            "{backend:?}"
        );
        assert!(
            page.body.contains(r#"value="28,5""#),
            "the typed value is kept"
        );
    }
}

/// L. 178/2020 thresholds are compared on exact values: a zone of 170,013
/// inhabitants with 34 social workers (1 every 5,000,38) is below the LEP,
/// although its ratio prints as 5.000 once rounded.
#[tokio::test]
async fn the_lep_is_judged_on_the_exact_ratio() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let id = municipality_id(&app, "Livorno").await;
    let path = format!("/obiettivi-servizio/{id}/2025");
    let page = app.get(&path).await;
    let token = page.csrf();
    let mut fields = form_fields(&page.body);
    for (k, v) in [
        ("cur.R01", "28,00"),
        ("cur.R01A", "0,00"),
        ("cur.R03", "153.236"),
    ] {
        fields
            .iter_mut()
            .find(|(n, _)| n == k)
            .unwrap_or_else(|| panic!("{k}"))
            .1 = v.to_string();
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([("csrf_token", token.as_str())])
        .collect();
    let r = app
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let zone = flat(&app.get("/obiettivi-servizio").await.body);
    assert!(zone.contains("170.013"), "{zone}");
    assert!(
        zone.contains("la zona ha 1 assistente sociale ogni 5.000,38 abitanti: è sotto il LEP di 1 ogni 5.000 abitanti della L. 178/2020."),
        "{zone}"
    );
}

/// The c. 797 contribution is computed on the permanent staff entered for
/// the municipalities and the ATS, not on the forms' R01 + R01A.
#[tokio::test]
async fn the_c797_contribution_rests_on_permanent_staff() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let page = app.get("/obiettivi-servizio").await;
        let zone = flat(&page.body);
        // Residents at 1 January 2025 (31/12/2024): 153.154 + 16.383 + 394.
        assert!(zone.contains("residenti al 1° gennaio 2025"), "{zone}");
        assert!(zone.contains("<strong>169.931</strong>"), "{zone}");
        assert!(
            zone.contains("non sono ancora indicati: il contributo non è calcolabile"),
            "{zone}"
        );
        // The forms' staff is well above 1 every 6.500 (26,14 workers): the
        // indication is positive, and only an indication.
        assert!(zone.contains("<strong>solo indicativa</strong>"), "{zone}");
        let livorno = municipality_id(&app, "Livorno").await;
        let collesalvetti = municipality_id(&app, "Collesalvetti").await;
        let token = page.csrf();
        let save = |fields: Vec<(String, String)>| {
            let token = token.clone();
            let app = &app;
            async move {
                let mut form: Vec<(String, String)> =
                    vec![("csrf_token".into(), token), ("anno".into(), "2025".into())];
                form.extend(fields);
                app.client
                    .post(app.url("/obiettivi-servizio/personale"))
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let version = capture(r#"name="version" value="(\d+)""#, &page.body);
        // 20 + 5 = 25 permanent workers: below 1 every 6.500, so nothing.
        let r = save(vec![
            (format!("fte_{livorno}"), "20,00".into()),
            (format!("fte_{collesalvetti}"), "".into()),
            ("fte_ambito".into(), "5".into()),
            ("version".into(), version.clone()),
        ])
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let page = app.get("/obiettivi-servizio").await;
        let zone = flat(&page.body);
        assert!(
            zone.contains("Assistenti sociali a tempo indeterminato: <strong>25,00</strong>"),
            "{zone}"
        );
        assert!(
            zone.contains(
                "Contributo spettante secondo la regola di legge: <strong>0,00 €</strong>"
            ),
            "{zone}"
        );
        // A stale form is a conflict, and changes nothing.
        let r = save(vec![
            ("fte_ambito".into(), "10".into()),
            ("version".into(), version),
        ])
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(flat(&app.get("/obiettivi-servizio").await.body).contains("<strong>25,00</strong>"));
        // Bad values are refused with what was typed kept.
        let version = capture(r#"name="version" value="(\d+)""#, &page.body);
        let r = save(vec![
            (format!("fte_{livorno}"), "-1".into()),
            ("fte_ambito".into(), "1.5".into()),
            ("version".into(), version.clone()),
        ])
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Il numero di assistenti non può essere negativo."),
            "{body}"
        );
        assert!(body.contains(r#"value="1.5""#), "{body}");
        // The form keeps the version the person started from.
        assert!(
            body.contains(&format!(r#"name="version" value="{version}""#)),
            "{body}"
        );
        // 30 workers: (30 − 169.931 ÷ 6.500) × 40.000 € = 1.200.000 − 13.594.480 ÷ 13
        // = 154.270,769… → 154.270,77 €.
        let r = save(vec![
            (format!("fte_{livorno}"), "25,00".into()),
            ("fte_ambito".into(), "5,00".into()),
            ("version".into(), version),
        ])
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let zone = flat(&app.get("/obiettivi-servizio").await.body);
        assert!(
            zone.contains(
                "Contributo spettante secondo la regola di legge: <strong>154.270,77 €</strong>"
            ),
            "{zone}"
        );
        assert!(zone.contains("1 ogni 5.664,37 abitanti"), "{zone}");
    }
}

/// The region adds and corrects the SOC26 form of a year; the zone's pages
/// follow it; a wrong form is refused with what was typed kept; a stale
/// save is a conflict; removing it brings the shipped form back.
#[tokio::test]
async fn the_region_manages_the_soc26_forms_and_the_zones_follow() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        zona_app::demo::add_regional_account(&app.db.db)
            .await
            .unwrap();
        let office = app.other_client_logged_in("ufficio.piano").await;
        let region = app
            .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
            .await;
        let list = app.get_with(&office, "/moduli-soc26").await;
        assert_eq!(list.status, 200);
        assert!(
            flat(&list.body).contains("<th scope=\"row\">2025</th>"),
            "{}",
            list.body
        );
        assert!(list.body.contains("Fornito con zona"));
        assert!(!list.body.contains("name=\"modulo\""));
        let shipped = app.get_with(&office, "/moduli-soc26/2025").await.body;
        let mut next: serde_json::Value = serde_json::from_str(&shipped).unwrap();
        next["year"] = 2026.into();
        next["reference_year"] = 2020.into();
        let post = |client: &reqwest::Client, fields: Vec<(String, String)>| {
            let client = client.clone();
            let app = &app;
            async move {
                let token = app.get_with(&client, "/moduli-soc26").await.csrf();
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                app.post_with(&client, "/moduli-soc26", &token, &fields)
                    .await
            }
        };
        // The office does not change the forms.
        let p = post(&office, vec![("modulo".into(), next.to_string())]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // A form with its thresholds in the wrong order: refused, kept.
        let mut wrong = next.clone();
        wrong["social_worker_target"] = 9000.into();
        let p = post(&region, vec![("modulo".into(), wrong.to_string())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains(
                "Le soglie di abitanti per assistente sociale vanno dalla più alta alla più bassa"
            ),
            "{}",
            p.body
        );
        assert!(p.body.contains("9000"), "{}", p.body);

        // The 2026 form: the zone's page moves to 2026.
        let p = post(&region, vec![("modulo".into(), next.to_string())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let list = app.get_with(&region, "/moduli-soc26").await;
        assert!(
            list.body.contains("Della Regione; salvato il"),
            "{}",
            list.body
        );
        // The zone's page stays on 2025, the year its forms are of, and
        // offers 2026.
        let zone = app.get_with(&office, "/obiettivi-servizio").await;
        assert!(
            zone.body.contains("<h1>Obiettivi di servizio 2025</h1>"),
            "{}",
            zone.body
        );
        assert!(zone
            .body
            .contains(r#"<a href="/obiettivi-servizio?anno=2026">2026</a>"#));
        let zone = app.get_with(&office, "/obiettivi-servizio?anno=2026").await;
        assert!(
            zone.body.contains("<h1>Obiettivi di servizio 2026</h1>"),
            "{}",
            zone.body
        );
        assert_eq!(
            app.get_with(&office, "/obiettivi-servizio?anno=2031")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let version = list.input_value("versione_2026").unwrap();
        // Saved again from the page's version: a new version; from the old
        // one: a conflict, the text kept.
        next["r16_max_chars"] = 5000.into();
        let p = post(
            &region,
            vec![
                ("modulo".into(), next.to_string()),
                ("versione_2026".into(), version.clone()),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = post(
            &region,
            vec![
                ("modulo".into(), next.to_string()),
                ("versione_2026".into(), version),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains("è stato cambiato da un'altra persona"),
            "{}",
            p.body
        );
        // Every change is in the register, with the form before and after.
        assert_eq!(
            scalar(
                &app.db.db,
                "SELECT count(*) FROM audit_log WHERE entity = 'soc26_variant'"
            )
            .await,
            2
        );

        // A correction of 2025 that its forms no longer meet (a report of
        // at most 10 characters): they become drafts, in the same change;
        // removing it makes them complete again.
        let complete = "SELECT count(*) FROM soc26_forms WHERE year = 2025 AND complete";
        assert_eq!(scalar(&app.db.db, complete).await, 3);
        let mut strict: serde_json::Value = serde_json::from_str(&shipped).unwrap();
        strict["r16_max_chars"] = 10.into();
        let p = post(&region, vec![("modulo".into(), strict.to_string())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(scalar(&app.db.db, complete).await, 0);
        let zone = app.get_with(&office, "/obiettivi-servizio").await;
        assert!(zone.body.contains("<td>Bozza</td>"), "{}", zone.body);
        let confirm = app.get_with(&region, "/moduli-soc26/2025/elimina").await;
        assert!(confirm
            .body
            .contains("torneranno a seguire il modulo fornito con zona"));
        let action = capture(
            r#"action="(/moduli-soc26/2025/elimina\?versione=\d+)""#,
            &confirm.body,
        );
        let p = app.post_with(&region, &action, &confirm.csrf(), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(scalar(&app.db.db, complete).await, 3);

        // Removed: 2025 is the latest again.
        let confirm = app.get_with(&region, "/moduli-soc26/2026/elimina").await;
        assert_eq!(confirm.status, 200);
        let action = capture(
            r#"action="(/moduli-soc26/2026/elimina\?versione=\d+)""#,
            &confirm.body,
        );
        let p = app.post_with(&region, &action, &confirm.csrf(), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let zone = app.get_with(&office, "/obiettivi-servizio").await;
        assert!(zone.body.contains("<h1>Obiettivi di servizio 2025</h1>"));
        assert_eq!(
            app.get_with(&office, "/moduli-soc26/2026").await.status,
            404
        );
    }
}
