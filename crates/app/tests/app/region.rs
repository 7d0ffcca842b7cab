//! A region's territory: `zona demo --region` on PostgreSQL holds every zone
//! and municipality of `examples/regione-toscana/`, the exports agree with
//! the files, and a regional bundle with a bad row is refused whole.

use crate::cli::run;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use zona_store::Backend;
use zona_testing::TestDb;

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/regione-toscana")
}

/// The rows of a `;` CSV file (BOM dropped), header included.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

fn export(url: &str, list: &str) -> Vec<Vec<String>> {
    let (code, out, err) = run(
        &["export", list, "--format", "csv", "--database-url", url],
        None,
    );
    assert_eq!(code, 0, "{err}");
    rows(&out)
}

/// Pairs of two columns of a file of the source.
fn source_pairs(file: &str, a: &str, b: &str) -> BTreeSet<(String, String)> {
    let r = rows(&std::fs::read_to_string(source().join(file)).unwrap());
    let (a, b) = (column(&r, a), column(&r, b));
    r[1..]
        .iter()
        .map(|x| (x[a].clone(), x[b].clone()))
        .collect()
}

#[tokio::test]
async fn the_regional_demo_on_postgres_holds_every_zone_and_municipality_of_its_source() {
    let db = TestDb::new(Backend::Postgres).await;
    let mut demo = Command::new(env!("CARGO_BIN_EXE_zona"))
        .args([
            "demo",
            "--region",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &db.url,
        ])
        .env_remove("ZONA_DATABASE_URL")
        .env_remove("ZONA_BIND")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = Vec::new();
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the demo stopped early").unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("open http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    assert!(
        printed.contains(&"zona demo: Regione Toscana, 28 zone".to_string()),
        "{printed:?}"
    );
    // The demo serves the Zona Livornese to anonymous visitors, as without
    // the region.
    let home = reqwest::get(format!("http://{address}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Zona Distretto Livornese"), "{home}");
    demo.kill().unwrap();
    demo.wait().unwrap();

    // Every zone of the source, with its name, and no other.
    let zones = export(&db.url, "zones");
    let (code, name) = (column(&zones, "Codice"), column(&zones, "Nome"));
    let exported: BTreeSet<(String, String)> = zones[1..]
        .iter()
        .map(|z| (z[code].clone(), z[name].clone()))
        .collect();
    assert_eq!(exported, source_pairs("zone.csv", "codice", "nome"));
    assert_eq!(exported.len(), 28);

    // Every municipality in its zone: the export without --zone lists the
    // whole territory, and its zone codes are the zones export's.
    let municipalities = export(&db.url, "municipalities");
    let (istat, zone) = (
        column(&municipalities, "Codice ISTAT"),
        column(&municipalities, "Codice zona"),
    );
    let exported: BTreeSet<(String, String)> = municipalities[1..]
        .iter()
        .map(|m| (m[istat].clone(), m[zone].clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = source_pairs("comuni.csv", "zona", "codice_istat")
        .into_iter()
        .map(|(z, m)| (m, z))
        .collect();
    assert_eq!(exported, expected);
    assert_eq!(municipalities.len() - 1, 273);
    let zone_codes: BTreeSet<&String> = zones[1..].iter().map(|z| &z[code]).collect();
    assert!(municipalities[1..]
        .iter()
        .all(|m| zone_codes.contains(&m[zone])));

    // A zone of the region has its latest population from the source
    // (Pisa at 31 December 2020); the demo zone keeps its own figures.
    let pisa = municipalities[1..]
        .iter()
        .find(|m| m[istat] == "050026")
        .unwrap();
    let population = column(&municipalities, "Popolazione residente");
    let year = column(&municipalities, "Anno (al 31/12)");
    assert_eq!(
        (pisa[population].as_str(), pisa[year].as_str()),
        ("89155", "2020")
    );
    let livorno = municipalities[1..]
        .iter()
        .find(|m| m[istat] == "049009")
        .unwrap();
    assert_eq!(livorno[year], "2024");
    assert_eq!(
        crate::helpers::scalar(
            &db.db,
            "SELECT count(*) FROM municipality_populations p JOIN municipalities m \
             ON m.id = p.municipality_id JOIN zones z ON z.id = m.zone_id WHERE z.code <> 'ZD-LIV'"
        )
        .await,
        1090 - 12
    );
}

fn copy_source(to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(source()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn load(url: &str, path: &Path, check: bool) -> (i32, String, String) {
    let mut args = vec![
        "region",
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

#[tokio::test]
async fn a_regional_bundle_is_checked_whole_and_loads_once() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let dir =
            std::env::temp_dir().join(format!("zona-region-{}-{backend:?}", std::process::id()));
        copy_source(&dir);
        let count = |sql: &'static str| {
            let db = &db.db;
            async move { crate::helpers::scalar(db, sql).await }
        };

        // A checked bundle writes nothing.
        let (code, out, err) = load(&db.url, &dir, true);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("Verifica del pacchetto della regione RT: 28 zone, 273 comuni;"),
            "{out}"
        );
        assert_eq!(count("SELECT count(*) FROM zones").await, 0);

        // One bad row anywhere refuses the whole bundle: a municipality whose
        // zone is not in zone.csv, a population of a municipality that is
        // not in comuni.csv, a population read the Italian way that is not a
        // whole number.
        let comuni = std::fs::read_to_string(dir.join("comuni.csv")).unwrap();
        std::fs::write(
            dir.join("comuni.csv"),
            comuni.replacen("ZD-APU;045003;Carrara", "ZD-XXX;045003;Carrara", 1),
        )
        .unwrap();
        let popolazioni = std::fs::read_to_string(dir.join("popolazioni.csv")).unwrap();
        std::fs::write(
            dir.join("popolazioni.csv"),
            format!("{popolazioni}099999;2020;5;\r\n"),
        )
        .unwrap();
        let (code, _, err) = load(&db.url, &dir, false);
        assert_eq!(code, 1);
        assert!(
            err.contains("comuni.csv, riga 4, colonna «zona»: nessuna zona di zone.csv ha il codice «ZD-XXX»"),
            "{err}"
        );
        assert!(!err.contains("«045003»"), "{err}");
        assert!(
            err.contains("popolazioni.csv, riga 1092, colonna «comune»: nessun comune di comuni.csv ha il codice «099999»"),
            "{err}"
        );
        copy_source(&dir);
        let popolazioni = std::fs::read_to_string(dir.join("popolazioni.csv")).unwrap();
        std::fs::write(
            dir.join("popolazioni.csv"),
            popolazioni.replacen("050026;2020;89155;", "050026;2020;89,155;", 1),
        )
        .unwrap();
        let (code, _, err) = load(&db.url, &dir, false);
        assert_eq!(code, 1);
        assert!(err.contains("popolazioni.csv, riga "), "{err}");
        assert!(err.contains("colonna «popolazione»"), "{err}");
        assert_eq!(count("SELECT count(*) FROM zones").await, 0);
        assert_eq!(count("SELECT count(*) FROM municipalities").await, 0);

        // The good bundle loads; loading it again changes nothing.
        copy_source(&dir);
        let (code, out, err) = load(&db.url, &dir, false);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("Pacchetto caricato: regione RT: 28 zone, 273 comuni;"),
            "{out}"
        );
        assert_eq!(count("SELECT count(*) FROM zones").await, 28);
        assert_eq!(count("SELECT count(*) FROM municipalities").await, 273);
        assert_eq!(
            count("SELECT count(*) FROM municipality_populations").await,
            1090
        );
        assert_eq!(count("SELECT CAST(sum(population) AS BIGINT) FROM municipality_populations WHERE year = 2020").await, 3_668_333);
        let audited = count("SELECT count(*) FROM audit_log").await;
        let (code, out, err) = load(&db.url, &dir, false);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("; nessuna modifica"), "{out}");
        assert_eq!(count("SELECT count(*) FROM audit_log").await, audited);

        // A municipality put in another zone is refused, with the zone it is
        // in.
        let comuni = std::fs::read_to_string(dir.join("comuni.csv")).unwrap();
        std::fs::write(
            dir.join("comuni.csv"),
            comuni.replacen("ZD-PLU;046022;Pescaglia", "ZD-VSE;046022;Pescaglia", 1),
        )
        .unwrap();
        let (code, _, err) = load(&db.url, &dir, false);
        assert_eq!(code, 1);
        assert!(
            err.contains("comuni.csv, riga 38, colonna «zona»: il comune «046022» è registrato nella zona «ZD-PLU»: un comune non si sposta tra zone con un pacchetto"),
            "{err}"
        );
        assert_eq!(
            count(
                "SELECT count(*) FROM municipalities m JOIN zones z ON z.id = m.zone_id \
                 WHERE m.istat_code = '046022' AND z.code = 'ZD-PLU'"
            )
            .await,
            1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A second zone of the demo's region, with one municipality, loaded as a
/// regional bundle.
async fn add_pisa(db: &zona_store::Db) {
    let csv = |rows: &[&str]| format!("\u{feff}{}\r\n", rows.join("\r\n")).into_bytes();
    let files = vec![
        (
            "manifest.csv".to_string(),
            csv(&["chiave;valore", "formato;1", "regione;RT"]),
        ),
        (
            "regioni.csv".into(),
            csv(&["codice;nome;attivo", "RT;Regione Toscana;Sì"]),
        ),
        (
            "zone.csv".into(),
            csv(&[
                "codice;nome;regione;ente_capofila;comune_sede;consultori_aree_interne;codice_asl;attivo",
                "ZD-PIS;Zona Distretto Pisana;RT;;;No;ATNO;Sì",
            ]),
        ),
        (
            "comuni.csv".into(),
            csv(&[
                "zona;codice_istat;nome;area_interna;festa_patronale;attivo",
                "ZD-PIS;050026;Pisa;;;Sì",
            ]),
        ),
        (
            "popolazioni.csv".into(),
            csv(&["comune;anno;popolazione;fonte", "050026;2020;89.155;ISTAT"]),
        ),
    ];
    let region = zona_app::region::from_csv_files(&files).unwrap();
    zona_app::region::load(db, &region, false)
        .await
        .unwrap()
        .unwrap();
}

/// A planning office of zone `code`, with the demo password.
async fn office_of(db: &zona_store::Db, code: &str, username: &str) {
    use zona_store::users;
    let zone = zona_store::territory::get_zone_by_code(db, code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let actor = zona_store::Actor::system("test");
    let hash = zona_app::passwords::hash(crate::helpers::PASSWORD.to_string())
        .await
        .unwrap();
    let user = users::create_user(
        db,
        &actor,
        &users::UserInput {
            username: username.into(),
            full_name: "Ufficio di Piano di Pisa".into(),
            email: None,
            zone_id: zone,
            organisation_id: None,
        },
        &hash,
        false,
    )
    .await
    .unwrap();
    let grant = zona_core::authz::Grant {
        role: zona_core::authz::Role::PlanningOffice,
        zone_id: zone,
        unit_id: None,
        organisation_id: None,
    };
    users::add_role(db, &actor, user, &grant).await.unwrap();
}

#[tokio::test]
async fn the_region_reads_every_zone_and_each_office_edits_only_its_own() {
    use crate::helpers::{new_client, spawn_app};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let db = &app.db.db;
        add_pisa(db).await;
        office_of(db, "ZD-PIS", "ufficio.pisa").await;
        zona_app::demo::add_regional_account(db).await.unwrap();
        let livorno_sheet = crate::helpers::scalar(
            db,
            "SELECT min(s.id) FROM activity_sheets s JOIN annual_plans p ON p.id = s.annual_plan_id \
             JOIN zones z ON z.id = p.zone_id WHERE z.code = 'ZD-LIV'",
        )
        .await;
        let livorno_body = crate::helpers::scalar(
            db,
            "SELECT o.id FROM organisations o JOIN zones z ON z.id = o.zone_id \
             WHERE z.code = 'ZD-LIV' AND o.name = 'Arci Livorno'",
        )
        .await;
        let terms = || crate::helpers::scalar(db, "SELECT count(*) FROM vocabulary_terms");
        let terms_before = terms().await;

        let pisa = app.other_client_logged_in("ufficio.pisa").await;
        let livorno = app.other_client_logged_in("ufficio.piano").await;
        let region = app
            .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
            .await;
        let token = |c: &reqwest::Client| {
            let c = c.clone();
            let app = &app;
            async move { app.get_with(&c, "/account").await.csrf() }
        };

        // Pisa's office does not see Livorno's records and cannot change them.
        let sheet = format!("/pianificazione/attivita/{livorno_sheet}");
        assert_eq!(app.get_with(&pisa, &sheet).await.status, 404);
        let t = token(&pisa).await;
        let edit = format!("/admin/enti/{livorno_body}");
        let refused = app
            .post_with(
                &pisa,
                &edit,
                &t,
                &[
                    ("name", "Preso da Pisa"),
                    ("kind", "third_sector_body"),
                    ("version", "1"),
                ],
            )
            .await;
        assert!(
            [403, 404].contains(&refused.status.as_u16()),
            "{}",
            refused.status
        );
        assert_eq!(
            crate::helpers::scalar(
                db,
                "SELECT count(*) FROM organisations WHERE name = 'Preso da Pisa'"
            )
            .await,
            0
        );
        // Nor does choosing Livorno on /regione make it theirs.
        assert_eq!(
            app.get_with(&pisa, "/regione/zone/ZD-LIV").await.status,
            403
        );

        // No zone grants the regional role, not even to its own people.
        let consultazione =
            crate::helpers::scalar(db, "SELECT id FROM users WHERE username = 'consultazione'")
                .await;
        let t = token(&livorno).await;
        let p = app
            .post_with(
                &livorno,
                &format!("/admin/utenti/{consultazione}/ruoli"),
                &t,
                &[("role", "region"), ("unit_id", ""), ("organisation_id", "")],
            )
            .await;
        assert_eq!(p.status, 422, "{}", p.body);
        assert!(
            p.body
                .contains("Il ruolo Regione non si assegna da una zona."),
            "{}",
            p.body
        );
        assert_eq!(
            crate::helpers::scalar(db, "SELECT count(*) FROM user_roles WHERE role = 'region'")
                .await,
            1
        );

        // No zone's office edits the shared frame any more; the region does.
        for office in [&pisa, &livorno] {
            let t = token(office).await;
            let p = app
                .post_with(
                    office,
                    "/admin/elenchi/sector/nuova",
                    &t,
                    &[("code", "prova"), ("label", "Voce di prova")],
                )
                .await;
            assert_eq!(p.status, 403);
            let p = app
                .post_with(
                    office,
                    "/pianificazione/pssir/nuovo",
                    &t,
                    &[
                        ("period_start", "2031"),
                        ("period_end", "2035"),
                        ("objectives", "Uno"),
                    ],
                )
                .await;
            assert_eq!(p.status, 403);
            assert_eq!(
                app.get_with(office, "/servizi/dm77/community_house_hub")
                    .await
                    .status,
                403
            );
        }
        assert_eq!(terms().await, terms_before);
        // The office still enters its own count of a standard counted by hand.
        let form = app.get_with(&livorno, "/servizi/dm77/family_nurses").await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("name=\"open_count\""), "{}", form.body);
        assert!(!form.body.contains("name=\"min_per\""), "{}", form.body);
        // None of its fields is required: no line explains the asterisk.
        assert!(!form.body.contains("sono obbligatori"), "{}", form.body);

        let t = token(&region).await;
        let p = app
            .post_with(
                &region,
                "/admin/elenchi/sector/nuova",
                &t,
                &[
                    ("code", "prova"),
                    ("label", "Voce di prova"),
                    ("active", "1"),
                ],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(terms().await, terms_before + 1);
        let form = app.get_with(&region, "/servizi/dm77/family_nurses").await;
        assert!(form.body.contains("name=\"min_per\""), "{}", form.body);
        assert!(form.body.contains("sono obbligatori"), "{}", form.body);
        assert!(!form.body.contains("name=\"open_count\""), "{}", form.body);

        // The region reads Livorno's internal pages, its register included,
        // and changes none of Livorno's records.
        assert_eq!(app.get_with(&region, &sheet).await.status, 200);
        assert_eq!(app.get_with(&region, "/admin/registro").await.status, 200);
        let p = app
            .post_with(
                &region,
                "/pianificazione/poa/2025/nuova-scheda",
                &t,
                &[("title", "Dalla Regione")],
            )
            .await;
        assert_eq!(p.status, 403);
        // It compares the zones' plans; no zone's office does.
        let compared = app
            .get_with(&region, "/regione/confronto?anno=2024&asse=settore")
            .await;
        assert_eq!(compared.status, 200, "{}", compared.body);
        let csv = app
            .get_with(
                &region,
                "/regione/confronto/esporta?anno=2024&asse=settore&format=csv",
            )
            .await
            .body;
        let sums = rows(&csv);
        let total = column(&sums, "Totale");
        let each = column(&sums, "Totale per abitante");
        let livorno_row = sums.iter().find(|r| r[0] == "ZD-LIV").unwrap();
        let pisa_row = sums.iter().find(|r| r[0] == "ZD-PIS").unwrap();
        // The same figure as the zone's own integrated budget of 2024, and
        // per inhabitant 15.069.279,94 / 169.931 = 88,678… → 88,68.
        let livorno_id = zona_store::territory::get_zone_by_code(db, "ZD-LIV")
            .await
            .unwrap()
            .unwrap()
            .id;
        let budget: zona_core::Cents = zona_app::poa::PoaData::load(db, livorno_id, 2024)
            .await
            .unwrap()
            .unwrap()
            .year_lines()
            .iter()
            .map(|l| l.amount)
            .sum();
        assert_eq!(livorno_row[total], budget.format_plain().replace('.', ""));
        assert_eq!(livorno_row[total], "15069279,94");
        assert_eq!(livorno_row[each], "88,68");
        assert_eq!(livorno_row[column(&sums, "Socio-sanitario")], "4489265,87");
        // By funding source and by target area the zone's total is the same.
        for axis in ["fonte", "area"] {
            let csv = app
                .get_with(
                    &region,
                    &format!("/regione/confronto/esporta?anno=2024&asse={axis}&format=csv"),
                )
                .await
                .body;
            let by = rows(&csv);
            let row = by.iter().find(|r| r[0] == "ZD-LIV").unwrap();
            assert_eq!(row[column(&by, "Totale")], "15069279,94", "{axis}");
        }
        assert_eq!(pisa_row[column(&sums, "POA")], "nessun piano");
        assert_eq!(pisa_row[total], "0,00");
        let region_row = sums.last().unwrap();
        assert_eq!(region_row[total], livorno_row[total]);
        // The region's population is both zones': 169.931 + 89.155.
        assert_eq!(region_row[column(&sums, "Popolazione residente")], "259086");
        assert_eq!(region_row[each], "58,16");
        assert_eq!(
            app.get_with(&livorno, "/regione/confronto").await.status,
            403
        );
        assert_eq!(
            app.get_with(&pisa, "/regione/confronto/esporta?format=csv")
                .await
                .status,
            403
        );
        assert_eq!(
            app.get_with(&region, "/regione/confronto?anno=1990")
                .await
                .status,
            404
        );
        assert_eq!(
            app.get_with(&region, "/regione/confronto?asse=colore")
                .await
                .status,
            400
        );

        // It reads every zone's DM 77/2022 check, as each zone's page
        // makes it: one row per zone and standard in the export.
        let page = app.get_with(&region, "/regione/dm77").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Zona Distretto Pisana"), "{}", page.body);
        let csv = app
            .get_with(&region, "/regione/dm77/esporta?format=csv")
            .await
            .body;
        let checks = rows(&csv);
        let standards = crate::helpers::scalar(db, "SELECT count(*) FROM care_standards").await;
        assert_eq!(checks.len() - 1, 2 * standards as usize, "{csv}");
        let own = app.get_with(&livorno, "/servizi/dm77").await;
        let hub = checks
            .iter()
            .find(|r| r[0] == "ZD-LIV" && r[3] == "Case della Comunità hub")
            .unwrap();
        // Livorno's population (169.931) needs 4 hub houses at 1 every
        // 40.000-50.000: at least 4, as on the zone's own page.
        assert_eq!(hub[column(&checks, "Fabbisogno minimo")], "4");
        assert!(own.body.contains("Case della Comunità hub"));
        let pisa_hub = checks
            .iter()
            .find(|r| r[0] == "ZD-PIS" && r[3] == "Case della Comunità hub")
            .unwrap();
        assert_eq!(pisa_hub[column(&checks, "Popolazione")], "89155");
        assert_eq!(pisa_hub[column(&checks, "Fabbisogno minimo")], "2");
        assert_eq!(pisa_hub[column(&checks, "Attivi")], "0");
        assert_eq!(pisa_hub[column(&checks, "Esito")], "Non rispettato");
        assert_eq!(app.get_with(&livorno, "/regione/dm77").await.status, 403);

        // It reads an indicator of the health profile zone by zone, with
        // the health authority and the region of the same period.
        let page = app
            .get_with(&region, "/regione/profilo?indicatore=vecchiaia")
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("Indice di vecchiaia – 2023"),
            "{}",
            page.body
        );
        let csv = app
            .get_with(
                &region,
                "/regione/profilo/esporta?indicatore=vecchiaia&format=csv",
            )
            .await
            .body;
        let table = rows(&csv);
        let value = column(&table, "Valore (anziani ogni 100 giovani)");
        let find = |label: &str| table.iter().find(|r| r[1] == label).unwrap().clone();
        assert_eq!(find("Zona Distretto Livornese")[value], "266,8");
        assert_eq!(find("Zona Distretto Pisana")[value], "");
        assert_eq!(find("Azienda USL ATNO")[value], "237");
        assert_eq!(find("Regione Toscana")[value], "219");
        assert_eq!(
            app.get_with(&region, "/regione/profilo?indicatore=nessuno")
                .await
                .status,
            404
        );
        assert_eq!(app.get_with(&livorno, "/regione/profilo").await.status, 403);

        // It rolls up the zones' SOC26 forms and c. 797 contributions.
        // Livorno's office records 30 permanent social workers for its
        // 169.931 residents: (30 − 169.931 ÷ 6.500) × 40.000 € = 154.270,77 €.
        let staff = |client: &reqwest::Client, fte: &'static str| {
            let client = client.clone();
            let app = &app;
            async move {
                let page = app.get_with(&client, "/obiettivi-servizio").await;
                let version =
                    crate::helpers::capture(r#"name="version" value="(\d+)""#, &page.body);
                let p = app
                    .post_with(
                        &client,
                        "/obiettivi-servizio/personale",
                        &page.csrf(),
                        &[("fte_ambito", fte), ("version", &version), ("anno", "2025")],
                    )
                    .await;
                assert_eq!(p.status, 303, "{}", p.body);
            }
        };
        staff(&livorno, "30").await;
        // Pisa records 20, but has no population at 1 January 2025.
        staff(&pisa, "20").await;
        let soc26 = || {
            let region = region.clone();
            let app = &app;
            async move {
                let csv = app
                    .get_with(&region, "/regione/obiettivi-servizio/esporta?format=csv")
                    .await
                    .body;
                rows(&csv)
            }
        };
        let table = soc26().await;
        let contribution = column(&table, "Contributo c. 797");
        let level = column(&table, "Soglie L. 178/2020");
        let find = |t: &[Vec<String>], code: &str| t.iter().find(|r| r[0] == code).unwrap().clone();
        assert_eq!(find(&table, "ZD-LIV")[contribution], "154270,77");
        assert_eq!(find(&table, "ZD-LIV")[level], "sotto il LEP (1:5.000)");
        assert_eq!(
            find(&table, "ZD-LIV")[column(&table, "Schede compilate")],
            "3"
        );
        assert_eq!(find(&table, "ZD-PIS")[contribution], "");
        assert_eq!(
            find(&table, "ZD-PIS")[column(&table, "Comuni senza popolazione")],
            "1"
        );
        assert_eq!(table.last().unwrap()[contribution], "154270,77");
        // With Pisa's residents at 31/12/2024, 90.000: 20 workers reach the
        // LEP (1 every 4.500) and earn (18 − 13,846…) × 40.000 € + (20 − 18)
        // × 20.000 € = 206.153,85 €; the region's total is the zones' sum.
        let pisa_town = crate::helpers::scalar(
            db,
            "SELECT id FROM municipalities WHERE istat_code = '050026'",
        )
        .await;
        zona_store::territory::set_population(
            db,
            &zona_store::Actor::system("test"),
            pisa_town,
            &zona_store::territory::Population {
                year: 2024,
                population: 90000,
                source: None,
            },
        )
        .await
        .unwrap();
        let table = soc26().await;
        assert_eq!(find(&table, "ZD-PIS")[contribution], "206153,85");
        assert_eq!(find(&table, "ZD-PIS")[level], "LEP raggiunto (1:5.000)");
        assert_eq!(
            find(&table, "ZD-PIS")[column(&table, "Abitanti per assistente sociale")],
            "4500,00"
        );
        let region_row = table.last().unwrap();
        assert_eq!(region_row[contribution], "360424,62");
        assert_eq!(
            region_row[column(&table, "Popolazione al 1° gennaio")],
            "259931"
        );
        let page = app.get_with(&region, "/regione/obiettivi-servizio").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("<strong>360.424,62 €</strong>"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("solo il LEP di 1 ogni 5.000: 1; sotto il LEP: 1"),
            "{}",
            page.body
        );
        assert_eq!(
            app.get_with(&livorno, "/regione/obiettivi-servizio")
                .await
                .status,
            403
        );
        assert_eq!(
            app.get_with(&pisa, "/regione/obiettivi-servizio/esporta?format=xlsx")
                .await
                .status,
            403
        );

        // Every page's header offers the region its zones; nobody else.
        let home = app.get_with(&region, "/").await;
        assert!(
            home.body
                .contains(r#"<option value="ZD-PIS">Zona Distretto Pisana</option>"#),
            "{}",
            home.body
        );
        assert!(home
            .body
            .contains(r#"<option value="ZD-LIV" selected>Zona Distretto Livornese</option>"#));
        assert!(!app
            .get_with(&livorno, "/")
            .await
            .body
            .contains("zona-scelta"));
        assert_eq!(
            app.get_with(&region, "/regione/scegli?zona=").await.status,
            400
        );
        assert_eq!(
            app.get_with(&livorno, "/regione/scegli?zona=ZD-PIS")
                .await
                .status,
            403
        );
        // It opens Pisa, and reads it as it reads Livorno.
        let opened = app.get_with(&region, "/regione/scegli?zona=ZD-PIS").await;
        assert_eq!(opened.status, 303);
        let home = app.get_with(&region, "/").await;
        assert!(home.body.contains("Zona Distretto Pisana"), "{}", home.body);
        let zone = app.get_with(&region, "/zona").await;
        assert!(zone.body.contains("Pisa"), "{}", zone.body);
        // Its latest population, the one recorded above for 2024.
        assert!(zone.body.contains("90.000"), "{}", zone.body);
        assert_eq!(app.get_with(&region, &sheet).await.status, 404);

        // The public index lists both zones; a visitor chooses one.
        let visitor = new_client();
        let index = app.get_with(&visitor, "/regione").await;
        assert_eq!(index.status, 200);
        assert!(
            index.body.contains("Zona Distretto Livornese"),
            "{}",
            index.body
        );
        assert!(
            index.body.contains("Zona Distretto Pisana"),
            "{}",
            index.body
        );
        assert!(index.body.contains("2 zone, 4 Comuni"), "{}", index.body);
        let searched = app.get_with(&visitor, "/regione?q=pis").await;
        assert!(
            !searched.body.contains("Zona Distretto Livornese</th>"),
            "{}",
            searched.body
        );
        let chosen = app
            .get_with(&visitor, "/regione/zone/ZD-PIS?pagina=zona")
            .await;
        assert_eq!(chosen.status, 303);
        let page = app.get_with(&visitor, "/zona").await;
        assert!(
            page.body.contains("<h1>Zona Distretto Pisana</h1>"),
            "{}",
            page.body
        );
        assert_eq!(
            app.get_with(&visitor, "/regione/zone/ZD-PIS?pagina=admin")
                .await
                .status,
            400
        );
        assert_eq!(
            app.get_with(&visitor, "/regione/zone/ZD-NONE").await.status,
            404
        );
    }
}

/// `zona bench-data` fills the zones without plans, marks what it makes as
/// synthetic, leaves the demo zone as it is, and makes nothing twice.
#[tokio::test]
async fn synthetic_plans_fill_only_the_empty_zones_and_say_so() {
    use crate::helpers::scalar;
    use zona_app::bench_data::{fill, Scale, MARK};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = crate::helpers::spawn_app(backend).await;
        let db = &app.db.db;
        add_pisa(db).await;
        let livorno_sheets = "SELECT count(*) FROM activity_sheets s JOIN annual_plans p \
             ON p.id = s.annual_plan_id JOIN zones z ON z.id = p.zone_id WHERE z.code = 'ZD-LIV'";
        let before = scalar(db, livorno_sheets).await;
        let scale = Scale {
            first_year: 2023,
            years: 3,
            sheets: (4, 6),
            lines: &[1, 2],
        };
        let made = fill(db, scale, |_, _, _| {}).await.unwrap();
        assert_eq!((made.zones, made.plans, made.forms), (1, 3, 1), "{made:?}");
        assert_eq!(scalar(db, livorno_sheets).await, before);
        let pisa = |what: &str| {
            format!(
                "SELECT count(*) FROM {what} JOIN annual_plans p ON p.id = s.annual_plan_id \
                 JOIN zones z ON z.id = p.zone_id WHERE z.code = 'ZD-PIS'"
            )
        };
        assert_eq!(
            scalar(db, &pisa("activity_sheets s")).await,
            made.sheets as i64
        );
        assert!((12..=18).contains(&made.sheets), "{made:?}");
        assert_eq!(
            scalar(
                db,
                &pisa("funding_lines l JOIN activity_sheets s ON s.id = l.activity_id")
            )
            .await,
            made.funding_lines as i64
        );
        // Every sheet, plan and form says it is synthetic.
        let unmarked = format!(
            "{} AND (s.description NOT LIKE '%{MARK}%' OR s.title NOT LIKE 'Attività sintetica%')",
            pisa("activity_sheets s")
        );
        assert_eq!(scalar(db, &unmarked).await, 0);
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT count(*) FROM health_plans h JOIN zones z ON z.id = h.zone_id \
                     WHERE z.code = 'ZD-PIS' AND h.title NOT LIKE '%{MARK}%'"
                )
            )
            .await,
            0
        );
        assert_eq!(
            scalar(
                db,
                "SELECT count(*) FROM soc26_forms f JOIN municipalities m ON m.id = f.municipality_id \
                 WHERE m.istat_code = '050026' AND f.data LIKE '%Dati sintetici%'"
            )
            .await,
            1
        );
        // Run again: every zone has plans now, nothing is made.
        let again = fill(db, scale, |_, _, _| {}).await.unwrap();
        assert_eq!(again, zona_app::bench_data::Made::default());
    }
}
