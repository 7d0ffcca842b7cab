//! The co-design registry: the seed's table read back through the pages and
//! the exports, code checks with their messages, one record per body, the
//! import all or nothing, and the public list.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_core::codesign::AgreementStatus;
use zona_store::organisations as orgs;
use zona_store::territory::ListQuery;
use zona_store::Page as DbPage;
use zona_testing::BACKENDS;

const SEED_CSV: &str = include_str!("../../../../examples/codesign/zona-livornese-poa-2024.csv");

fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn rows_in(body: &str) -> usize {
    body.split("<tbody>").nth(1).map_or(0, |t| {
        t.split("</tbody>").next().unwrap().matches("<tr>").count()
    })
}

pub async fn org_id(app: &TestApp, name: &str) -> i64 {
    let q = ListQuery::default();
    orgs::list_organisations(&app.db.db, &q, DbPage::all())
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no body {name}"))
        .id
}

#[tokio::test]
async fn the_registry_reproduces_the_seed_table_in_every_export() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("consultazione").await;
        let page = app.get("/partecipazione/co-progettazione").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(rows_in(&page.body), 40, "{backend:?}");
        assert!(page.body.contains("40 procedure."));

        // The CSV export, column by column, against the seed's table.
        let r = app
            .client
            .get(app.url("/partecipazione/co-progettazione/esporta?format=csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let exported = records(&r.bytes().await.unwrap());
        let seed = records(SEED_CSV.as_bytes());
        assert_eq!(seed.len(), 40);
        assert_eq!(exported.len(), 40);
        let mut statuses = [0; 4];
        for (i, (e, s)) in exported.iter().zip(&seed).enumerate() {
            assert_eq!(e[0], s[0], "row {i}: holder");
            assert_eq!(e[1], s[1], "row {i}: subject");
            assert_eq!(e[2], s[2].replace('\n', "; "), "row {i}: partners");
            let (es, _) = AgreementStatus::read(&e[3]).unwrap();
            let (ss, note) = AgreementStatus::read(&s[3]).unwrap();
            assert_eq!(es, ss, "row {i}: status");
            if let Some(n) = note {
                assert!(e[3].ends_with(&n), "row {i}: status note");
            }
            assert_eq!(e[4], s[4], "row {i}: period as written");
            statuses[AgreementStatus::ALL.iter().position(|x| *x == es).unwrap()] += 1;
        }
        // In programma, Avviato iter, In corso, Conclusa.
        assert_eq!(statuses, [5, 1, 20, 14]);
        let cups: Vec<&str> = exported
            .iter()
            .flat_map(|r| r[5].split("; ").filter(|c| !c.is_empty()))
            .collect();
        assert_eq!(
            cups,
            [
                "J71H22000140006",
                "J71H22000160007",
                "J71B20001230001",
                "J71H22000150001",
                "J71H23000040001",
                "J41H22000210001",
                "J41B21010060006",
                "J44H22000250006",
                "J44H22000260006",
                "J44H22000200006"
            ]
        );
        let cigs: Vec<&str> = exported
            .iter()
            .map(|r| r[6].as_str())
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cigs, ["ZFA3D7718E"]);
        assert_eq!(exported[0][7], "IT039-PRINS-2022-TOS11-0019");

        // XLSX: the same rows.
        let r = app
            .client
            .get(app.url("/partecipazione/co-progettazione/esporta?format=xlsx"))
            .send()
            .await
            .unwrap();
        let bytes = r.bytes().await.unwrap().to_vec();
        use calamine::{Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        assert_eq!(range.rows().count(), 41);
        for (row, e) in range.rows().skip(1).zip(&exported) {
            assert_eq!(row[1].to_string(), e[1]);
            assert_eq!(row[4].to_string(), e[4]);
        }

        // The seed's SmartCIG passes its check; nothing flags a code.
        assert!(!page.body.contains("non supera il controllo"));
    }
}

#[tokio::test]
async fn the_chapter_pdf_lists_the_rows() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let r = app
        .client
        .get(app.url("/partecipazione/co-progettazione/esporta?format=pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let flat = pdf_pages(&r.bytes().await.unwrap()).join(" ");
    for needle in [
        "Co-progettazione",
        "Soggetto titolare",
        "ZFA3D7718E",
        "COOPERATIVA SOCIALE IL SIMBOLO",
        "LABORATORI PER DISABILI GRAVISSIMI",
        "40 righe.",
        "Pagina 1 di",
    ] {
        assert!(flat.contains(needle), "{needle} missing from:\n{flat}");
    }
}

#[tokio::test]
async fn one_body_is_one_record_under_every_name() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let caritas = org_id(&app, "Fondazione Caritas Livorno ETS").await;
        // Written "FONDAZIONE CARITAS LIVORNO ETS" seven times and
        // "Fondazione Caritas Livorno" once: one body, eight agreements.
        let page = app
            .get(&format!("/partecipazione/co-progettazione?ente={caritas}"))
            .await;
        assert_eq!(rows_in(&page.body), 8, "{backend:?}");
        let svs = org_id(
            &app,
            "Società Volontaria di Soccorso Pubblica Assistenza Livorno",
        )
        .await;
        let page = app
            .get(&format!("/partecipazione/co-progettazione?ente={svs}"))
            .await;
        // Three spellings: the 2020 security projects, two transport
        // agreements, two home-care agreements.
        assert_eq!(rows_in(&page.body), 5);
        // No body of the registry is named twice.
        let q = ListQuery::default();
        let all = orgs::list_organisations(&app.db.db, &q, DbPage::all())
            .await
            .unwrap()
            .0;
        let mut keys: Vec<String> = all
            .iter()
            .map(|o| zona_core::codesign::name_key(&o.name))
            .collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);

        // The body's page shows its other names and its agreements; a name
        // that already means another body is refused.
        let path = format!("/admin/enti/{caritas}");
        let page = app.get(&path).await;
        assert!(page.body.contains("Fondazione Caritas Livorno</td>"));
        assert_eq!(page.body.matches("NELL'AMBITO DELLA RETE SAI").count(), 2);
        assert_eq!(page.body.matches("MENSA PER GLI INDIGENTI").count(), 1);
        let arci = org_id(&app, "Arci Livorno").await;
        let p = app
            .submit(
                &format!("/admin/enti/{arci}"),
                &format!("/admin/enti/{arci}/nomi"),
                &[("alias", "fondazione caritas livorno")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .field_error("alias")
            .unwrap()
            .contains("indica già l'ente «Fondazione Caritas Livorno ETS»"));
        let p = app
            .submit(
                &format!("/admin/enti/{arci}"),
                &format!("/admin/enti/{arci}/nomi"),
                &[("alias", "ARCI Comitato di Livorno")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(app
            .get(&format!("/admin/enti/{arci}"))
            .await
            .body
            .contains("ARCI Comitato di Livorno"));
    }
}

#[tokio::test]
async fn codes_and_periods_are_checked_with_clear_messages() {
    let delete_action = regex::Regex::new(r#"action="([^"]+elimina\?versione=\d+)""#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let form = "/partecipazione/co-progettazione/nuova";
        let base: Vec<(&str, &str)> = vec![
            ("titolare", "Comune di Livorno"),
            ("soggetti", "Arci Livorno\nDa individuare"),
            ("stato", "In corso"),
            ("periodo", "01/01/2025 – 31/12/2026"),
            ("pubblicata", "si"),
        ];
        // The base fields with some added or replaced, each sent once.
        let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
            let mut v: Vec<_> = base
                .iter()
                .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
                .copied()
                .collect();
            v.extend_from_slice(extra);
            v
        };
        // A CUP of 14 characters in its field.
        let p = app
            .submit(
                form,
                form,
                &with(&[("oggetto", "Progetto di prova"), ("cup", "J71H2200014000")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        let e = p.field_error("cup").unwrap();
        assert!(e.contains("14 caratteri") && e.contains("15"), "{e}");
        assert!(p.body.contains("Progetto di prova"), "the input is kept");
        // A CIG of 9 characters written in the subject.
        let p = app
            .submit(
                form,
                form,
                &with(&[("oggetto", "Servizio – Rif. CIG ZFA3D7718")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("cig").unwrap().contains("9 caratteri"));
        // A body that is not in the registry.
        let p = app
            .submit(
                form,
                form,
                &with(&[("oggetto", "Prova"), ("soggetti", "Ente Inesistente")]),
            )
            .await;
        assert!(p
            .field_error("soggetti")
            .unwrap()
            .contains("«Ente Inesistente» non è nel registro degli enti"));
        // A period that cannot be read, and a holder that is no municipality.
        let mut v = with(&[("oggetto", "Prova")]);
        v[3] = ("periodo", "prossimamente");
        v[0] = ("titolare", "Arci Livorno");
        let p = app.submit(form, form, &v).await;
        assert!(p
            .field_error("periodo")
            .unwrap()
            .contains("Periodo non interpretabile"));
        assert!(p
            .field_error("titolare")
            .unwrap()
            .contains("non è un comune"));

        // A CIG with a failed check is saved and flagged.
        let p = app
            .submit(
                form,
                form,
                &with(&[("oggetto", "Servizio di prova CIG ZFB3D7718E")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let at = p.location.unwrap();
        let detail = app.get(&at).await;
        assert!(detail
            .body
            .contains("Il CIG «ZFB3D7718E» non supera il controllo"));
        assert!(detail
            .body
            .contains("<code class=\"me-2\">ZFB3D7718E</code>"));

        // Status against period: "In corso" with a period that has ended.
        let edit = format!("{at}/modifica");
        let version = app.get(&edit).await.input_value("version").unwrap();
        let mut v: Vec<(&str, &str)> = with(&[("oggetto", "Servizio di prova CIG ZFB3D7718E")]);
        v.push(("version", &version));
        v[3] = ("periodo", "2020-2021");
        let p = app.submit(&edit, &edit, &v).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = app.get(&at).await;
        assert!(detail
            .body
            .contains("Risulta «In corso» ma il periodo è terminato (2020 – 2021)"));
        // A stale version is a conflict, the input kept.
        let p = app.submit(&edit, &edit, &v).await;
        assert_eq!(p.status, StatusCode::CONFLICT);

        // Deletion asks first, then removes the row.
        let confirm = app.get(&format!("{at}/elimina")).await;
        assert!(confirm.body.contains("Eliminare la procedura?"));
        let action = delete_action.captures(&confirm.body).unwrap()[1].to_string();
        let p = app
            .post_with(&app.client, &action, &confirm.csrf(), &[])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&at).await.status, StatusCode::NOT_FOUND);
        let list = app.get("/partecipazione/co-progettazione").await;
        assert_eq!(rows_in(&list.body), 40);
    }
}

async fn upload(app: &TestApp, csv: &str) -> Page {
    let token = app
        .get("/partecipazione/co-progettazione/importa")
        .await
        .csrf();
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("righe.csv"),
        )
        .text("published", "no");
    let r = app
        .client
        .post(app.url(&format!(
            "/partecipazione/co-progettazione/importa?csrf_token={token}"
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
    Page {
        status,
        body: r.text().await.unwrap().replace("&#39;", "'"),
        location,
    }
}

#[tokio::test]
async fn import_is_all_or_nothing_and_recognises_codes() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let header = "Soggetto titolare;Attività oggetto di co-progettazione;Soggetti coinvolti;Stato;Data/periodo\n";
        let bad = format!(
            "{header}Comune di Livorno;Mensa CUP J71H22000140006;Arci Livorno;In corso;2025\n\
             AUSL Toscana Nord-Ovest;Trasporto;\"Ente Sconosciuto\nArci Livorno\";Sospesa;2025\n"
        );
        let p = upload(&app, &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            p.body
                .contains("Riga 3: «Ente Sconosciuto» non è nel registro"),
            "{}",
            p.body
        );
        assert!(p.body.contains("Riga 3: Stato «Sospesa» non riconosciuto"));
        let list = app.get("/partecipazione/co-progettazione").await;
        assert_eq!(rows_in(&list.body), 40, "nothing saved");

        let good = format!(
            "{header}Comune di Livorno;Mensa CUP J71H22000140006;Arci Livorno;In corso;2025\n\
             AUSL Toscana Nord-Ovest;Trasporto Rif. CIG 1234567CE8;\"pubblica assistenza svs livorno\nArci Livorno\";In programma;2026\n"
        );
        let p = upload(&app, &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let list = app.get("/partecipazione/co-progettazione").await;
        assert!(list.body.contains("2 procedure importate."));
        assert!(list.body.contains("1234567CE8"), "the CIG is recognised");
        assert!(list.body.contains("non supera il controllo"), "and flagged");
        assert_eq!(rows_in(&list.body), 42);
        // Imported as internal: not in the public list.
        let anon = new_client();
        let public = app.get_with(&anon, "/co-progettazione").await;
        assert_eq!(rows_in(&public.body), 40);
        assert!(!public.body.contains("Mensa CUP"));
        // A unit editor cannot import.
        let sma = app.other_client_logged_in("referente.sma").await;
        let token = app.get_with(&sma, "/account").await.csrf();
        let r = sma
            .post(app.url(&format!(
                "/partecipazione/co-progettazione/importa?csrf_token={token}"
            )))
            .multipart(reqwest::multipart::Form::new().text("x", "y"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn third_sector_registry_checks_its_fields() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let form = "/admin/enti/nuovo";
        let p = app
            .submit(
                form,
                form,
                &[
                    ("name", "Nuova APS di prova"),
                    ("kind", "third_sector_body"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(p
            .field_error("legal_form")
            .unwrap()
            .contains("forma giuridica"));
        let p = app
            .submit(
                form,
                form,
                &[
                    ("name", "Nuova APS di prova"),
                    ("kind", "third_sector_body"),
                    ("legal_form", "aps"),
                    ("runts_number", "12345"),
                ],
            )
            .await;
        assert!(p.field_error("runts_section").unwrap().contains("insieme"));
        let p = app
            .submit(
                form,
                form,
                &[
                    ("name", "Nuova APS di prova"),
                    ("kind", "third_sector_body"),
                    ("legal_form", "aps"),
                    ("runts_number", "12345"),
                    ("runts_section", "b"),
                    ("tax_code", "00104330493"),
                ],
            )
            .await;
        // Comune di Livorno already holds that tax code.
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .field_error("tax_code")
            .unwrap()
            .contains("Esiste già un ente con questo codice fiscale"));
        let p = app
            .submit(
                form,
                form,
                &[
                    ("name", "Nuova APS di prova"),
                    ("kind", "third_sector_body"),
                    ("legal_form", "aps"),
                    ("runts_number", "12345"),
                    ("runts_section", "b"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // A municipality has no legal form of the Third Sector.
        let p = app
            .submit(
                form,
                form,
                &[
                    ("name", "Comune di Prova"),
                    ("kind", "municipality"),
                    ("legal_form", "odv"),
                ],
            )
            .await;
        assert!(p
            .field_error("legal_form")
            .unwrap()
            .contains("solo per gli enti del Terzo Settore"));
    }
}

#[tokio::test]
async fn the_public_list_shows_only_what_is_published() {
    let app = spawn_app(zona_store::Backend::Postgres).await;
    let anon = new_client();
    let p = app.get_with(&anon, "/co-progettazione").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(rows_in(&p.body), 40);
    assert!(
        !p.body.contains("/partecipazione/co-progettazione/"),
        "no internal links"
    );
    assert!(!p.body.contains("da verificare"), "no internal warnings");
    assert!(
        !p.body.contains("Attenzione") && !p.body.contains("aggiornare lo stato"),
        "no note asking the office to correct a record"
    );
    // The office's list still shows them.
    app.login("ufficio.piano").await;
    let office = app.get("/partecipazione/co-progettazione").await;
    assert!(office.body.contains("aggiornare lo stato o il periodo"));
    // The office makes one row internal: it leaves the public list and its exports.
    let list = app
        .get("/partecipazione/co-progettazione?q=AMIBUS%203")
        .await;
    let id = regex::Regex::new(r#"href="/partecipazione/co-progettazione/(\d+)""#)
        .unwrap()
        .captures(&list.body)
        .unwrap()[1]
        .to_string();
    let edit = format!("/partecipazione/co-progettazione/{id}/modifica");
    let page = app.get(&edit).await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in ["titolare", "stato", "periodo", "version"] {
        let v = page
            .input_value(name)
            .or_else(|| {
                regex::Regex::new(&format!(
                    r#"name="{name}"[\s\S]*?<option value="([^"]*)" selected"#
                ))
                .unwrap()
                .captures(&page.body)
                .map(|c| c[1].to_string())
            })
            .unwrap();
        fields.push((name.into(), v));
    }
    fields.push(("oggetto".into(), "AMIBUS 3".into()));
    fields.push(("soggetti".into(), "ETS".into()));
    fields.push(("pubblicata".into(), "no".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let p = app.submit(&edit, &edit, &refs).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = app.get_with(&anon, "/co-progettazione").await;
    assert_eq!(rows_in(&p.body), 39);
    assert!(!p.body.contains("AMIBUS 3"));
    let csv = anon
        .get(app.url("/co-progettazione/esporta?format=csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(records(&csv).len(), 39);
    let internal = app.get("/partecipazione/co-progettazione").await;
    assert_eq!(rows_in(&internal.body), 40);
    assert!(internal.body.contains("solo interna"));
}
