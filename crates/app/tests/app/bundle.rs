//! Zone bundles through the command line: dump, load into an empty
//! database, dump again, on both databases and across them; refusals that
//! name the file, the line and the column and change nothing.

use crate::cli::run;
use crate::helpers::demo_db;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zona_store::Backend;
use zona_testing::TestDb;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zona-bundle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn dump(url: &str, out: &Path, format: &str) {
    let (code, _, err) = run(
        &[
            "bundle",
            "dump",
            "--zone",
            "ZD-LIV",
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
            "--database-url",
            url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
}

fn load(url: &str, path: &Path, check: bool) -> (i32, String, String) {
    let mut args = vec![
        "bundle",
        "load",
        path.to_str().unwrap(),
        "--database-url",
        url,
    ];
    if check {
        args.push("--check");
    }
    run(&args, None)
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    crate::helpers::scalar(&db.db, sql).await
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&fb[name])
        );
    }
}

#[tokio::test]
async fn a_zone_dumped_and_loaded_into_an_empty_database_dumps_the_same_files() {
    let dir = scratch("round-trip");
    let source = demo_db(Backend::Sqlite).await;
    let first = dir.join("first");
    dump(&source.url, &first, "csv");
    let comuni = String::from_utf8(files(&first)["comuni.csv"].clone()).unwrap();
    assert!(
        comuni.starts_with("\u{feff}codice_istat;nome;area_interna;festa_patronale;attivo\r\n"),
        "{comuni}"
    );
    assert!(comuni.contains("049009;Livorno;A;22/05;Sì\r\n"), "{comuni}");
    let finanziamenti = String::from_utf8(files(&first)["finanziamenti.csv"].clone()).unwrap();
    assert!(finanziamenti.lines().count() > 100, "{finanziamenti}");

    for (name, backend) in [("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)] {
        let empty = TestDb::new(backend).await;
        let (code, out, err) = load(&empty.url, &first, false);
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(out.contains("Pacchetto caricato: zona ZD-LIV"), "{out}");
        let again = dir.join(format!("again-{name}"));
        dump(&empty.url, &again, "csv");
        assert_same(&first, &again);

        // Loading the same bundle again changes nothing, and says so.
        let audited = count(&empty, "SELECT count(*) FROM audit_log").await;
        let (code, out, err) = load(&empty.url, &first, false);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(": 0 modifiche"), "{out}");
        assert_eq!(
            count(&empty, "SELECT count(*) FROM audit_log").await,
            audited
        );
    }

    // The same content as one workbook.
    let xlsx = dir.join("zona.xlsx");
    dump(&source.url, &xlsx, "xlsx");
    let empty = TestDb::new(Backend::Postgres).await;
    let (code, out, err) = load(&empty.url, &xlsx, false);
    assert_eq!(code, 0, "{out}{err}");
    let from_xlsx = dir.join("from-xlsx");
    dump(&empty.url, &from_xlsx, "csv");
    assert_same(&first, &from_xlsx);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_bundle_with_one_bad_cell_is_refused_whole_and_says_where() {
    let dir = scratch("bad-cell");
    let source = demo_db(Backend::Sqlite).await;
    let good = dir.join("good");
    dump(&source.url, &good, "csv");
    let empty = TestDb::new(Backend::Sqlite).await;

    // A population read the Italian way would be 153 and a half: refused.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    for (name, bytes) in files(&good) {
        let mut text = String::from_utf8(bytes).unwrap();
        if name == "popolazioni.csv" {
            text = text.replacen(";153154;", ";153,5;", 1);
        }
        std::fs::write(bad.join(name), text).unwrap();
    }
    let (code, _, err) = load(&empty.url, &bad, false);
    assert_eq!(code, 1);
    assert!(err.contains("nessun dato è cambiato"), "{err}");
    assert!(
        err.contains("popolazioni.csv, riga 7, colonna «popolazione»"),
        "{err}"
    );
    assert_eq!(count(&empty, "SELECT count(*) FROM zones").await, 0);
    assert_eq!(count(&empty, "SELECT count(*) FROM audit_log").await, 0);

    // A unit of a body the bundle does not have: found only when loading,
    // and still nothing is kept.
    let units = std::fs::read_to_string(good.join("unita.csv")).unwrap();
    std::fs::write(
        bad.join("popolazioni.csv"),
        std::fs::read(good.join("popolazioni.csv")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        bad.join("unita.csv"),
        units.replacen("Comune di Capraia Isola;", "Comune di Gorgona;", 1),
    )
    .unwrap();
    let (code, _, err) = load(&empty.url, &bad, false);
    assert_eq!(code, 1);
    assert!(
        err.contains("unita.csv, riga")
            && err
                .contains("colonna «ente»: «Comune di Gorgona» non si trova in organizzazioni.csv"),
        "{err}"
    );
    assert_eq!(count(&empty, "SELECT count(*) FROM zones").await, 0);
    assert_eq!(count(&empty, "SELECT count(*) FROM organisations").await, 0);

    // A role without the scope it needs: the office's role names no body.
    std::fs::write(bad.join("unita.csv"), units.as_bytes()).unwrap();
    let roles = std::fs::read_to_string(good.join("ruoli.csv")).unwrap();
    std::fs::write(
        bad.join("ruoli.csv"),
        roles.replace(
            "ufficio.piano;planning_office;;;",
            "ufficio.piano;planning_office;;;Comune di Livorno",
        ),
    )
    .unwrap();
    let (code, _, err) = load(&empty.url, &bad, false);
    assert_eq!(code, 1);
    assert!(
        err.contains("ruoli.csv, riga 5, colonna «ruolo»: Questo ruolo vale per tutta la zona"),
        "{err}"
    );
    assert_eq!(count(&empty, "SELECT count(*) FROM zones").await, 0);

    // A Third Sector role names a Third Sector body, a meeting's time is a
    // time, and a SOC26 form is complete only by the official rules.
    let refusals = [
        (
            "ruoli.csv",
            "ets.simbolo;third_sector;;;Cooperativa Sociale Il Simbolo",
            "ets.simbolo;third_sector;;;Comune di Livorno",
            "ruoli.csv, riga 3, colonna «ente»: «Comune di Livorno» non è un Ente del Terzo Settore",
        ),
        (
            "incontri.csv",
            "Comitato di partecipazione zonale;;;c/o Ospedale",
            "Comitato di partecipazione zonale;;25:00;c/o Ospedale",
            "incontri.csv, riga 2, colonna «ora»: Ora non valida",
        ),
        (
            "soc26.csv",
            "\"\"R01\"\": \"\"68,00\"\"",
            "\"\"R01\"\": \"\"68,5,00\"\"",
            "colonna «completa»: «Sì», ma secondo le regole del modulo la scheda ha ",
        ),
        // The health profile's values: the zone's file holds the zone's and
        // its municipalities' values only, by the long format's rules.
        (
            "indicatori_profilo_valori.csv",
            "antinfluenzale65;comune;049005;2023;2023;T;;67,3;;;;;",
            "antinfluenzale65;asl;049005;2023;2023;T;;67,3;;;;;",
            "indicatori_profilo_valori.csv, riga 2, colonna «livello»: in questo file il livello è zona o comune",
        ),
        (
            "indicatori_profilo_valori.csv",
            "antinfluenzale65;comune;049005;2023;2023;T;;67,3;;;;;",
            "antinfluenzale65;comune;049999;2023;2023;T;;67,3;;;;;",
            "indicatori_profilo_valori.csv, riga 2: la riga non appartiene alla zona del pacchetto",
        ),
        (
            "indicatori_profilo_valori.csv",
            "antinfluenzale65;comune;049005;2023;2023;T;;67,3;;;;;",
            "antinfluenzale65;comune;049005;2023;2023;T;;67,3;;;70;80;",
            "indicatori_profilo_valori.csv, riga 2, colonna «valore»: Il valore è fuori dal suo intervallo di confidenza.",
        ),
        (
            "indicatori_profilo_riferimenti.csv",
            "antinfluenzale65;asl;ATNO;2019;2019;T;;",
            "antinfluenzale65;zona;ATNO;2019;2019;T;;",
            "indicatori_profilo_riferimenti.csv, riga 2, colonna «livello»: in questo file il livello è asl o regione",
        ),
        // An answer to a critical issue is one objective, programme or sheet.
        (
            "profilo_risposte.csv",
            ";;2024;Servizi non autosufficienza e disabilità;;",
            ";;2024;Servizi non autosufficienza e disabilità;2024-05-001;",
            "colonna «obiettivo»: indicare uno solo tra obiettivo, programma e scheda",
        ),
    ];
    std::fs::write(bad.join("ruoli.csv"), roles.as_bytes()).unwrap();
    for (file, from, to, says) in refusals {
        let good_text = std::fs::read_to_string(good.join(file)).unwrap();
        assert!(good_text.contains(from), "{file}: {from}");
        std::fs::write(bad.join(file), good_text.replacen(from, to, 1)).unwrap();
        let (code, _, err) = load(&empty.url, &bad, false);
        assert_eq!(code, 1, "{file}");
        assert!(err.contains(says), "{err}");
        assert_eq!(count(&empty, "SELECT count(*) FROM zones").await, 0);
        std::fs::write(bad.join(file), good_text).unwrap();
    }

    // Checking says what would change and writes nothing.
    let (code, out, err) = load(&empty.url, &good, true);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("modifiche se caricato"), "{out}");
    assert!(out.contains("comuni"), "{out}");
    assert_eq!(count(&empty, "SELECT count(*) FROM zones").await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_data_dictionary_is_the_one_the_code_describes() {
    let written =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/bundle.md"))
            .unwrap();
    assert!(
        written == zona_app::bundle::dictionary(),
        "docs/bundle.md is out of date: run `zona bundle dictionary > docs/bundle.md`"
    );
}

#[tokio::test]
async fn a_district_starting_from_zero_loads_its_bundle_and_works() {
    let bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/zona-esempio");
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let empty = TestDb::new(backend).await;
        let (code, out, err) = load(&empty.url, Path::new(bundle), false);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("schede                   10 nuove"), "{out}");

        // A user from a bundle has no password until one is set.
        let app = crate::helpers::TestApp {
            address: String::new(),
            db: empty,
            client: crate::helpers::new_client(),
        };
        let app = serve(app).await;
        let refused = app.login_as(&app.client, "ufficio.esempio", "!").await;
        assert_eq!(
            refused.status,
            reqwest::StatusCode::UNAUTHORIZED,
            "no password signs in"
        );
        // The office sends a one-time link; the person sets a password with it.
        let (code, out, err) = run(
            &[
                "user",
                "invite",
                "--database-url",
                &app.db.url,
                "--username",
                "ufficio.esempio",
                "--base-url",
                &app.address,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let link = out
            .trim()
            .strip_prefix(app.address.as_str())
            .unwrap()
            .to_string();
        assert!(link.starts_with("/accesso/invito/"), "{out}");
        let form = app.get(&link).await;
        assert_eq!(form.status, reqwest::StatusCode::OK);
        assert!(form.body.contains("Imposta la tua password"));
        let typed = [
            ("new", "una password per la zona di esempio"),
            ("confirm", "una password per la zona diversa"),
        ];
        let p = app
            .post_with(&app.client, &link, &form.csrf(), &typed)
            .await;
        assert_eq!(p.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Le due password non coincidono."));
        let typed = [
            ("new", "una password per la zona di esempio"),
            ("confirm", "una password per la zona di esempio"),
        ];
        let p = app
            .post_with(&app.client, &link, &form.csrf(), &typed)
            .await;
        assert_eq!(p.status, reqwest::StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(p.location.as_deref(), Some("/login"));
        // The link works once.
        assert_eq!(app.get(&link).await.status, reqwest::StatusCode::GONE);
        assert_eq!(
            app.post_with(&app.client, &link, &form.csrf(), &typed)
                .await
                .status,
            reqwest::StatusCode::GONE
        );
        let signed = app
            .login_as(
                &app.client,
                "ufficio.esempio",
                "una password per la zona di esempio",
            )
            .await;
        assert_eq!(
            signed.status,
            reqwest::StatusCode::SEE_OTHER,
            "{}",
            signed.body
        );

        let poa = app.get("/pianificazione/poa/2026").await;
        assert_eq!(poa.status, reqwest::StatusCode::OK);
        for title in [
            "Assistenza domiciliare integrata",
            "Pronto intervento sociale",
            "Non autosufficienza",
        ] {
            assert!(
                poa.body.contains(title),
                "{title} missing from the POA page"
            );
        }
        let facilities = app.get("/strutture").await;
        assert!(facilities
            .body
            .contains("Casa della Comunità di Borgo Esempio"));
        assert!(facilities.body.contains("Consultorio di Poggio Esempio"));
    }
}

/// Serves the app's database on a free port, in this process.
async fn serve(mut app: crate::helpers::TestApp) -> crate::helpers::TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    app.address = format!("http://{}", listener.local_addr().unwrap());
    let state = zona_app::web::AppState::new(
        app.db.db.clone(),
        std::sync::Arc::new(zona_app::Config::default()),
    );
    tokio::spawn(async move {
        let _ = zona_app::web::serve(listener, state).await;
    });
    app
}

#[tokio::test]
async fn the_zone_page_shows_how_the_zone_is_governed_to_everyone() {
    let app = crate::helpers::spawn_app(Backend::Postgres).await;
    let page = app.get("/zona").await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    let tags = regex::Regex::new("<[^>]*>").unwrap();
    let text = crate::helpers::flat(&tags.replace_all(&page.body, " "))
        .replace(" ,", ",")
        .replace(" .", ".")
        .replace(" :", ":");
    for expected in [
        "Convenzione socio-sanitaria (art. 70 bis LR 40/2005)",
        "Enti: Azienda USL Toscana Nord-Ovest, Comune di Livorno, Comune di Collesalvetti, Comune di Capraia Isola.",
        "Materie gestite in forma integrata: Non autosufficienza, Disabilità.",
        "Materie previste: Salute mentale, Dipendenze, Consultorio.",
        "Conferenza dei Sindaci Integrata della Zona Livornese, n. 3 del 29/03/2022",
        "Consiglio Comunale del Comune di Livorno, n. 132 del 11/07/2022",
        "Enti: Comune di Livorno (capofila), Comune di Collesalvetti, Comune di Capraia Isola.",
        "Livorno 049009 153.154 (al 31/12/2024)",
    ] {
        assert!(text.contains(expected), "«{expected}» missing:\n{text}");
    }
    // Signed in, the same page, from the same menu.
    app.login("consultazione").await;
    let page = app.get("/zona").await;
    assert!(page.body.contains(r#"href="/zona""#));
    assert!(page.body.contains("n. 132 del 11/07/2022"));
}

#[tokio::test]
async fn a_file_left_out_changes_nothing_and_a_file_present_replaces_its_collections() {
    let dir = scratch("collections");
    let db = demo_db(Backend::Sqlite).await;
    let full = dir.join("full");
    dump(&db.url, &full, "csv");
    let indicators = count(&db, "SELECT count(*) FROM indicators").await;
    assert!(indicators > 100);

    // Without indicatori.csv the sheets' indicators stay; a capital typed by
    // a spreadsheet in a user name or a vocabulary code is read as the code.
    let partial = dir.join("partial");
    std::fs::create_dir_all(&partial).unwrap();
    for (name, bytes) in files(&full) {
        if name == "indicatori.csv" {
            continue;
        }
        let mut text = String::from_utf8(bytes).unwrap();
        if name == "utenti.csv" {
            text = text.replace("\r\nufficio.piano;", "\r\nUfficio.Piano;");
        }
        if name == "finanziamenti.csv" {
            text = text.replacen(";fondo_poverta;", ";Fondo_Poverta;", 1);
        }
        // What other zones share is not rewritten by one zone's bundle.
        if name == "vocabolari.csv" {
            text = text.replacen(";Fondo povertà – quota servizi;", ";Fondo povertà;", 1);
        }
        std::fs::write(partial.join(name), text).unwrap();
    }
    let (code, out, err) = load(&db.url, &partial, false);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": 0 modifiche"), "{out}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM indicators").await,
        indicators
    );

    // With it, a sheet's indicator missing from the file is deleted, and only that.
    let text = String::from_utf8(files(&full)["indicatori.csv"].clone()).unwrap();
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    let gone = lines.remove(1).to_string();
    std::fs::write(partial.join("indicatori.csv"), lines.join("\r\n")).unwrap();
    let (code, out, err) = load(&db.url, &partial, false);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": 1 modifiche"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("indicatori ")
                && l.contains("0 nuove, 0 modificate, 1 tolte")),
        "{out}"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM indicators").await,
        indicators - 1
    );
    assert!(!gone.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_integrated_budget_reads_by_the_matters_of_the_agreement() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let page = app
        .get("/pianificazione/poa/2024/bilancio?per=materia")
        .await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    let tags = regex::Regex::new("<[^>]*>").unwrap();
    let text = crate::helpers::flat(&tags.replace_all(&page.body, " "));
    // Sums of the bundle's funding lines of the sheets labelled with each
    // matter (schede.csv, finanziamenti.csv), computed apart from zona, with
    // the two multi-year sheets counted for their 2024 share (366 of their
    // days): Pronto Badante 2.209.730,15 − 293.481,58 + 98.005,71; SEUS
    // 12.581.297,25 − 356.240,00 + 142.964,74.
    assert!(
        text.find("Non autosufficienza").unwrap()
            < text.find("Non attribuite a una materia integrata").unwrap(),
        "the sheets of no matter come after the matters"
    );
    for (matter, total) in [
        ("Non autosufficienza", "2.014.254,28"),
        ("Disabilità", "687.003,67"),
        ("Non attribuite a una materia integrata", "12.368.021,99"),
    ] {
        let at = text
            .find(matter)
            .unwrap_or_else(|| panic!("{matter} missing:\n{text}"));
        let row: String = text[at..].chars().take(400).collect();
        assert!(row.contains(total), "{matter}: {total} not in «{row}»");
    }

    // A sheet's history holds what the load wrote for it and for its
    // funding lines, indicators, areas and municipalities: nothing of others.
    let id: i64 = match &app.db.db {
        zona_store::Db::Sqlite(p) => sqlx::query_scalar(
            "SELECT x.id FROM activity_sheets x JOIN annual_plans a ON a.id = x.annual_plan_id \
             WHERE a.year = 2024 AND x.code = '2024-01-002'",
        )
        .fetch_one(p)
        .await
        .unwrap(),
        zona_store::Db::Postgres(_) => unreachable!(),
    };
    let sheet = app.get(&format!("/pianificazione/attivita/{id}")).await;
    let text = crate::helpers::flat(&tags.replace_all(&sheet.body, " "));
    let loads: Vec<&str> = text.split("Caricamento da pacchetto").skip(1).collect();
    assert!(loads.len() >= 4, "{text}");
    for l in loads {
        let l: String = l.chars().take(80).collect();
        assert!(
            l.contains("2024 · 2024-01-002"),
            "another record's entry: {l}"
        );
    }
}
