//! The `zona` binary: clear messages, passwords from standard input, exports.

use crate::helpers::demo_db;
use std::io::Write;
use std::process::{Command, Stdio};
use zona_store::Backend;
use zona_testing::{TestDb, BACKENDS};

fn zona() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zona"));
    c.env_remove("ZONA_DATABASE_URL").env_remove("ZONA_BIND");
    c
}

pub fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = zona()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[tokio::test]
async fn bad_urls_and_flags_get_clear_messages_without_backtraces() {
    let (code, _, err) = run(&["migrate", "--database-url", "mysql://x"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "error: unsupported database URL `mysql://x`: use sqlite://FILE or postgres://"
        ),
        "{err}"
    );
    let (code, _, err) = run(
        &[
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ],
        None,
    );
    assert_eq!(code, 1);
    // A closed port is told as such, not as a timeout.
    assert!(
        err.contains("error: cannot reach the database") && err.contains("refused"),
        "{err}"
    );
    assert!(!err.contains("timed out"), "{err}");
    let (code, _, err) = run(&["serve", "--frobnicate"], None);
    assert_eq!(code, 2);
    assert!(err.contains("unexpected argument '--frobnicate'"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"));
}

#[tokio::test]
async fn a_port_in_use_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("zona-cli-{}", std::process::id()));
    let url = format!("sqlite://{}/z.db", dir.display());
    let (code, _, err) = run(&["serve", "--database-url", &url, "--bind", &addr], None);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "cannot listen on {addr}: the address is already in use"
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn users_are_managed_from_the_command_line_on_both_databases() {
    for backend in BACKENDS {
        let t = demo_db(backend).await;
        let url = t.url.clone();
        let (code, out, err) = run(
            &[
                "user",
                "add",
                "--database-url",
                &url,
                "--username",
                "nuovo.utente",
                "--full-name",
                "Nuovo Utente",
                "--role",
                "viewer",
            ],
            Some("una password robusta\n"),
        );
        assert_eq!(code, 0, "{backend:?}: {err}");
        assert!(out.contains("user nuovo.utente created"));
        let (code, _, err) = run(
            &[
                "user",
                "add",
                "--database-url",
                &url,
                "--username",
                "altro.utente",
                "--full-name",
                "Altro",
            ],
            Some("corta\n"),
        );
        assert_eq!(code, 1);
        assert!(
            err.contains("password refused: La password deve avere almeno 12 caratteri."),
            "{err}"
        );
        let (code, _, err) = run(
            &[
                "user",
                "add",
                "--database-url",
                &url,
                "--username",
                "nuovo.utente",
                "--full-name",
                "Bis",
            ],
            Some("una password robusta\n"),
        );
        assert_eq!(code, 1);
        assert!(
            err.contains("a user named nuovo.utente already exists"),
            "{err}"
        );
        let (_, out, _) = run(&["user", "list", "--database-url", &url], None);
        assert!(
            out.lines()
                .any(|l| l.contains("nuovo.utente") && l.contains("yes") && l.contains("viewer")),
            "{out}"
        );
        let u = zona_store::users::credentials(&t.db, "nuovo.utente")
            .await
            .unwrap()
            .unwrap();
        assert!(zona_app::passwords::verify(
            "una password robusta".into(),
            Some(u.password_hash.clone())
        )
        .await
        .unwrap());
        let (code, _, _) = run(
            &[
                "user",
                "set-password",
                "--database-url",
                &url,
                "--username",
                "nuovo.utente",
            ],
            Some("un'altra password lunga\n"),
        );
        assert_eq!(code, 0);
        let u = zona_store::users::credentials(&t.db, "nuovo.utente")
            .await
            .unwrap()
            .unwrap();
        assert!(zona_app::passwords::verify(
            "un'altra password lunga".into(),
            Some(u.password_hash)
        )
        .await
        .unwrap());
        let (code, out, _) = run(
            &[
                "user",
                "disable",
                "--database-url",
                &url,
                "--username",
                "nuovo.utente",
            ],
            None,
        );
        assert_eq!(code, 0, "{out}");
        assert!(
            !zona_store::users::credentials(&t.db, "nuovo.utente")
                .await
                .unwrap()
                .unwrap()
                .active
        );
        let (entries, _) = zona_store::audit::list(
            &t.db,
            &zona_store::audit::AuditQuery {
                actor: Some("cli".into()),
                ..Default::default()
            },
            zona_store::Page::first(10),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["deactivate", "password_change", "role_grant", "create"],
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn lists_export_from_the_command_line() {
    let t = demo_db(Backend::Postgres).await;
    let (code, out, err) = run(
        &[
            "export",
            "organisations",
            "--format",
            "csv",
            "--kind",
            "third_sector_body",
            "--q",
            "auser",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with('\u{feff}'));
    let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].contains("Auser") && lines[1].contains(";Ente del Terzo Settore;"));
    let file = std::env::temp_dir().join(format!("zona-users-{}.json", std::process::id()));
    let (code, _, err) = run(
        &[
            "export",
            "users",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 rows written"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert!(v[0].get("password_hash").is_none());
    let _ = std::fs::remove_file(file);
    let (code, _, err) = run(
        &[
            "export",
            "budget",
            "--format",
            "csv",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("unknown list `budget`: choose one of regions, zones, municipalities, organisations, units, users, audit-log"), "{err}");
    let (code, out, _) = run(
        &[
            "export",
            "audit-log",
            "--format",
            "csv",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("Creazione"));
}

#[tokio::test]
async fn a_new_installation_starts_with_a_zone_and_an_administrator() {
    let t = TestDb::new(Backend::Sqlite).await;
    let url = t.url.clone();
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--database-url",
            &url,
            "--username",
            "admin",
            "--full-name",
            "Admin",
        ],
        Some("una password robusta\n"),
    );
    assert_eq!(code, 1);
    assert!(err.contains("the database has no zone yet"), "{err}");
    let (code, _, err) = run(
        &[
            "zone",
            "add",
            "--database-url",
            &url,
            "--region-code",
            "RT",
            "--code",
            "ZD-LIV",
            "--name",
            "Zona Distretto Livornese",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("region RT does not exist: give its name with --region-name"),
        "{err}"
    );
    let (code, out, err) = run(
        &[
            "zone",
            "add",
            "--database-url",
            &url,
            "--region-code",
            "rt",
            "--region-name",
            "Regione Toscana",
            "--code",
            "zd-liv",
            "--name",
            "Zona Distretto Livornese",
            "--lead-organisation",
            "Comune di Livorno",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("zone ZD-LIV created"));
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--database-url",
            &url,
            "--username",
            "admin",
            "--full-name",
            "Ufficio di Piano",
            "--role",
            "planning-office",
        ],
        Some("una password robusta\n"),
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(&["zone", "list", "--database-url", &url], None);
    assert!(
        out.contains("ZD-LIV") && out.contains("Regione Toscana"),
        "{out}"
    );
}

#[test]
fn soc26_compute_prints_the_complete_form_or_the_problems() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/soc26/livorno-2025.json"
    );
    let (code, out, err) = run(&["soc26", "compute", example], None);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["ROB"]["2025"].as_u64(),
            v["R04"].as_str(),
            v["R01B"].as_str()
        ),
        (Some(20967), Some("13.69"), Some("1939"))
    );
    assert_eq!(v["service_level_sentence"], "Nel 2025 il livello di servizio effettivo dell'ente locale è risultato non inferiore al livello di servizio di riferimento.");

    let mut bad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    bad["current_year"]["M21"] = serde_json::json!(-1);
    bad["current_year"]["R16"] = serde_json::json!("x".repeat(6001));
    let (code, out, err) = run(&["soc26", "compute", "-"], Some(&bad.to_string()));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("current_year.M21: M21: il numero non può essere negativo."),
        "{err}"
    );
    assert!(
        err.contains("R16: La relazione può avere al massimo 6.000 caratteri: ne ha 6.001."),
        "{err}"
    );
    assert!(
        err.contains("has 2 problem(s): the form was not computed"),
        "{err}"
    );
    // A population typed the Italian way is read as written, never as 153.
    let with_r03 = |r03: serde_json::Value| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
        v["current_year"]["R03"] = r03;
        v.to_string()
    };
    let (code, typed, err) = run(
        &["soc26", "compute", "-"],
        Some(&with_r03(serde_json::json!("153.000"))),
    );
    assert_eq!(code, 0, "{err}");
    let (_, number, _) = run(
        &["soc26", "compute", "-"],
        Some(&with_r03(serde_json::json!(153000))),
    );
    assert_eq!(typed, number);
    let typed: serde_json::Value = serde_json::from_str(&typed).unwrap();
    assert_eq!(
        (typed["R03"].as_u64(), typed["R04"].as_str()),
        (Some(153000), Some("13.70"))
    );
    for bad in ["153.5", "153,5"] {
        let (code, out, err) = run(
            &["soc26", "compute", "-"],
            Some(&with_r03(serde_json::json!(bad))),
        );
        assert_eq!(code, 1, "{bad}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!(
                "current_year.R03: R03: «{bad}» non è un numero intero"
            )),
            "{err}"
        );
    }
    let (code, _, err) = run(&["soc26", "compute", "-"], Some("[1, 2"));
    assert_eq!(code, 1);
    assert!(err.contains("JSON non valido alla riga 1"), "{err}");
    assert!(!err.contains("panicked"));
    let (code, _, err) = run(&["soc26", "compute", "/nonexistent.json"], None);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read /nonexistent.json"), "{err}");
}

#[tokio::test]
async fn soc26_forms_export_and_import_all_or_nothing() {
    for backend in BACKENDS {
        let t = demo_db(backend).await;
        let url = t.url.clone();
        let dir =
            std::env::temp_dir().join(format!("zona-soc26-{}-{backend:?}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("soc26.csv");
        let xlsx = dir.join("soc26.xlsx");
        let (code, _, err) = run(
            &[
                "export",
                "soc26",
                "--format",
                "csv",
                "--out",
                csv.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&csv).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 3, "three municipalities");
        let livorno = records.iter().find(|r| &r[0] == "049009").unwrap();
        assert!(
            livorno[headers.iter().position(|h| h == "R16").unwrap()]
                .contains("\nIn merito al numero di assistenti sociali"),
            "the report keeps its line break"
        );
        let at = |h: &str| {
            &livorno[headers
                .iter()
                .position(|x| x == h)
                .unwrap_or_else(|| panic!("{h}"))]
        };
        assert_eq!(
            (
                at("M12_2025"),
                at("R06"),
                at("ROB_2025"),
                at("R04"),
                at("R01B"),
                at("M53_media_ore_2025")
            ),
            ("2031", "19096142,52", "20967", "13,69", "1939", "4888,23")
        );
        assert_eq!(at("quadro3_richiesto"), "No");
        // Decimal figures keep two decimals, exact or not.
        assert_eq!(
            (at("R01_2025"), at("R01A"), at("R05")),
            ("68,00", "11,00", "11,63")
        );

        // The exported file loads back as it is.
        let (code, out, err) = run(
            &[
                "soc26",
                "import",
                csv.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{backend:?}: {err}");
        assert!(out.contains("3 SOC26 forms loaded"));
        let (code, _, err) = run(
            &[
                "export",
                "soc26",
                "--format",
                "xlsx",
                "--out",
                xlsx.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = run(
            &[
                "soc26",
                "import",
                xlsx.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{backend:?}: xlsx: {err}");
        assert!(out.contains("3 SOC26 forms loaded"));
        let livorno_id = zona_store::territory::list_municipalities(
            &t.db,
            &zona_store::territory::ListQuery {
                text: "049009".into(),
                ..Default::default()
            },
            zona_store::Page::first(1),
        )
        .await
        .unwrap()
        .0[0]
            .id;
        let stored = zona_store::soc26::get(&t.db, livorno_id, 2025)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.version, 3, "created by the demo, then two imports");
        let spec = zona_core::soc26::Soc26Spec::form_2025();
        let v = zona_core::soc26_json::compute_json(&spec, &stored.data).unwrap();
        assert_eq!(
            (
                v["R04"].as_str(),
                v["R06"].as_str(),
                v["ROB"]["2019"].as_u64()
            ),
            (Some("13.69"), Some("19096142.52"), Some(16366)),
            "{backend:?}: unchanged through XLSX"
        );

        // One bad cell, one unknown municipality, one unknown column: nothing loads.
        let bad = text
            .replacen(
                "049009;Livorno;Sì;LIVORNO;LI009SIF11NH;559;2031;",
                "049009;Livorno;Sì;LIVORNO;LI009SIF11NH;559;-2031;",
                1,
            )
            .replace("049005;", "099999;")
            .replacen("M12_2019;", "M12_2018;", 1);
        assert_ne!(bad, text);
        let bad_file = dir.join("bad.csv");
        std::fs::write(&bad_file, bad).unwrap();
        let (code, out, err) = run(
            &[
                "soc26",
                "import",
                bad_file.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 1, "{out}");
        assert!(
            err.contains("codice_istat «099999» non corrisponde a nessun comune della zona"),
            "{err}"
        );
        assert!(
            err.contains("(Livorno): current_year.M12: M12: il numero non può essere negativo."),
            "{err}"
        );
        assert!(err.contains("colonna sconosciuta «M12_2018»"), "{err}");
        assert!(err.contains("no form was loaded"), "{err}");
        assert!(
            err.contains("riga 4 (Livorno)"),
            "the line of Livorno, after the header and two municipalities: {err}"
        );
        assert_eq!(
            zona_store::soc26::get(&t.db, livorno_id, 2025)
                .await
                .unwrap()
                .unwrap()
                .version,
            3,
            "nothing loaded"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn soc26_compute_refuses_a_year_it_does_not_know() {
    let (code, _, err) = run(
        &["soc26", "compute", "-"],
        Some(r#"{"form": "SOC26", "year": 1999}"#),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("zona has no SOC26 form for the year 1999"),
        "{err}"
    );
}

#[tokio::test]
async fn the_poa_exports_from_the_command_line() {
    let t = demo_db(Backend::Sqlite).await;
    let (code, out, err) = run(
        &[
            "export",
            "poa",
            "--year",
            "2024",
            "--format",
            "csv",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 131, "a header and one row per sheet");
    assert!(lines[0].starts_with("Codice;Obiettivo di salute;Programma;Titolo;"));
    let seus = lines
        .iter()
        .find(|l| l.contains("SEUS – Servizio"))
        .unwrap();
    assert!(
        seus.starts_with("2024-13-001;Rafforzare integrazione socio-sanitaria;SEUS;"),
        "{seus}"
    );
    assert!(seus.ends_with(";356240,00"), "{seus}");
    let file = std::env::temp_dir().join(format!("zona-poa-{}.xlsx", std::process::id()));
    let (code, _, err) = run(
        &[
            "export",
            "poa",
            "--year",
            "2025",
            "--format",
            "xlsx",
            "--out",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Schede attività",
            "Linee di finanziamento",
            "Bilancio per programma",
            "Bilancio per obiettivo",
            "Bilancio per settore",
            "Bilancio per ente",
            "Bilancio per materia",
            "Bilancio per comune"
        ]
    );
    let sheets = wb.worksheet_range("Schede attività").unwrap();
    assert_eq!(sheets.height(), 117);
    let _ = std::fs::remove_file(file);
    let (code, _, err) = run(
        &["export", "poa", "--format", "csv", "--database-url", &t.url],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("needs --year YEAR"), "{err}");
    let (code, _, err) = run(
        &[
            "export",
            "poa",
            "--year",
            "1999",
            "--format",
            "csv",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("no annual operating plan for 1999"), "{err}");
}

#[tokio::test]
async fn the_codesign_registry_exports_from_the_command_line() {
    let t = demo_db(Backend::Postgres).await;
    let (code, out, err) = run(
        &[
            "export",
            "co-design",
            "--format",
            "csv",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(out.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().take(5).collect::<Vec<_>>(),
        [
            "Soggetto titolare",
            "Attività oggetto di co-progettazione",
            "Soggetti coinvolti",
            "Stato",
            "Data/periodo"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    assert_eq!(&rows[6][6], "ZFA3D7718E");
    assert_eq!(&rows[39][1], "SERVIZI PER L'EROGAZIONE DI PRESTAZIONI SEMI-RESIDENZIALI IN FAVORE DI PERSONE CON DISABILITA'");
    let file = std::env::temp_dir().join(format!("zona-codesign-{}.pdf", std::process::id()));
    let (code, _, err) = run(
        &[
            "export",
            "co-design",
            "--format",
            "pdf",
            "--out",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    let text = crate::helpers::pdf_pages(&bytes).join(" ");
    assert!(
        text.contains("PRONTO BADANTE") && text.contains("40 righe."),
        "{text}"
    );
    let (code, _, err) = run(
        &[
            "export",
            "regions",
            "--format",
            "pdf",
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("`zona export co-design`"), "{err}");
}

#[tokio::test]
async fn the_network_tables_export_from_the_command_line() {
    let t = demo_db(Backend::Sqlite).await;
    let csv_of = |list: &str| {
        let (code, out, err) = run(
            &["export", list, "--format", "csv", "--database-url", &t.url],
            None,
        );
        assert_eq!(code, 0, "{list}: {err}");
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let facilities = csv_of("facilities");
    // Header, 7 houses, 3 intermediate-care facilities, 2 clinics, 1 apartment.
    assert_eq!(facilities.len(), 1 + 13);
    assert_eq!(facilities[1][0], "Casa della Comunità Livorno Nord");
    let matrix = csv_of("services-matrix");
    assert_eq!(matrix[0].len(), 8);
    assert_eq!(matrix[0][7], "Casa della Comunità Collesalvetti");
    let pua = matrix
        .iter()
        .find(|r| r[0] == "Punto unico di accesso (PUA)")
        .unwrap();
    assert_eq!(pua[1..].iter().filter(|c| *c == "×").count(), 7);
    let dm77 = csv_of("dm77-check");
    let beds = dm77
        .iter()
        .find(|r| r[0] == "Posti letto di Ospedale di Comunità")
        .unwrap();
    assert_eq!(&beds[2..8], ["169931", "34", "20", "0", "14", "14"]);
    let projects = csv_of("projects");
    assert!(projects
        .iter()
        .any(|r| r[0] == "Pronto Badante" && r[7] == "293481,58"));

    let file = std::env::temp_dir().join(format!("zona-dm77-{}.pdf", std::process::id()));
    let (code, _, err) = run(
        &[
            "export",
            "dm77-check",
            "--format",
            "pdf",
            "--out",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    let text = crate::helpers::pdf_pages(&bytes).join(" ");
    assert!(
        text.contains("Case della Comunità hub") && text.contains("169.931"),
        "{text}"
    );
}

/// `zona soc26 import` reads a population typed the Italian way as written,
/// and refuses one with decimals: nothing is loaded.
#[tokio::test]
async fn soc26_import_reads_numbers_the_italian_way() {
    for backend in BACKENDS {
        let t = demo_db(backend).await;
        let url = t.url.clone();
        let dir =
            std::env::temp_dir().join(format!("zona-soc26-it-{}-{backend:?}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv_file = dir.join("soc26.csv");
        let (code, _, err) = run(
            &[
                "export",
                "soc26",
                "--format",
                "csv",
                "--out",
                csv_file.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&csv_file).unwrap();
        let with_r03 = |r03: &str| -> String {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(b';')
                .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
            let headers = reader.headers().unwrap().clone();
            let col = headers.iter().position(|h| h == "R03").unwrap();
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(vec![]);
            w.write_record(&headers).unwrap();
            for r in reader.records() {
                let r = r.unwrap();
                let row: Vec<&str> = r
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if i == col && &r[0] == "049009" {
                            r03
                        } else {
                            v
                        }
                    })
                    .collect();
                w.write_record(&row).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        let file = dir.join("typed.csv");
        std::fs::write(&file, with_r03("16.000")).unwrap();
        let (code, _, err) = run(
            &[
                "soc26",
                "import",
                file.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{backend:?}: {err}");
        let livorno = zona_store::territory::list_municipalities(
            &t.db,
            &zona_store::territory::ListQuery {
                text: "049009".into(),
                ..Default::default()
            },
            zona_store::Page::first(1),
        )
        .await
        .unwrap()
        .0[0]
            .id;
        let stored = zona_store::soc26::get(&t.db, livorno, 2025)
            .await
            .unwrap()
            .unwrap();
        let spec = zona_core::soc26::Soc26Spec::form_2025();
        let v = zona_core::soc26_json::compute_json(&spec, &stored.data).unwrap();
        // 20,967 users of 16,000 inhabitants: 131,04 per 100, not 13.703,92.
        assert_eq!(
            (v["R03"].as_u64(), v["R04"].as_str()),
            (Some(16000), Some("131.04")),
            "{backend:?}"
        );
        for bad in ["16.5", "16,5"] {
            std::fs::write(&file, with_r03(bad)).unwrap();
            let (code, _, err) = run(
                &[
                    "soc26",
                    "import",
                    file.to_str().unwrap(),
                    "--database-url",
                    &url,
                ],
                None,
            );
            assert_eq!(code, 1, "{bad}");
            assert!(
                err.contains(&format!("R03: «{bad}» non è un numero intero")),
                "{err}"
            );
            assert!(err.contains("no form was loaded"), "{err}");
        }
    }
}

/// A partly damaged SQLite file stops `zona serve` at the start with a
/// message, instead of a server whose pages fail.
#[tokio::test]
async fn a_damaged_database_file_is_refused_at_start() {
    let t = demo_db(Backend::Sqlite).await;
    t.db.check_integrity().await.unwrap();
    if let zona_store::Db::Sqlite(p) = &t.db {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(p)
            .await
            .unwrap();
    }
    t.db.close().await;
    let file = t.url.trim_start_matches("sqlite://").to_string();
    let len = std::fs::metadata(&file).unwrap().len();
    assert!(len > 120 * 4096, "{len}");
    {
        use std::io::{Seek, SeekFrom};
        let mut f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
        f.seek(SeekFrom::Start(4096 * 60)).unwrap();
        f.write_all(&[0xde; 4096]).unwrap();
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    drop(taken);
    let (code, _, err) = run(&["serve", "--database-url", &t.url, "--bind", &addr], None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the database is damaged"), "{err}");
    assert!(err.contains("restore it from the latest backup"), "{err}");
}

/// Starts `bin serve` on `url` from the folder `dir`, and waits until it
/// answers; returns the process and its address.
async fn start_server(
    bin: &std::path::Path,
    url: &str,
    dir: &std::path::Path,
) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(bin)
        .current_dir(dir)
        .env_remove("ZONA_DATABASE_URL")
        .env_remove("ZONA_BIND")
        .args([
            "serve",
            "--database-url",
            url,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            return (server, base);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("zona serve on {url} did not answer");
}

/// The binary carries its static files: copied alone to an empty folder and
/// started from another working directory, it serves the style sheet, the
/// same bytes as the source, and answers a browser that holds it with 304.
#[tokio::test]
async fn a_copied_binary_serves_its_static_files() {
    let css = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/zona.css")).unwrap();
    let root = std::env::temp_dir().join(format!("zona-copy-{}", std::process::id()));
    let (bin_dir, work_dir) = (root.join("bin"), root.join("work"));
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::create_dir_all(&work_dir).unwrap();
    let bin = bin_dir.join("zona");
    std::fs::copy(env!("CARGO_BIN_EXE_zona"), &bin).unwrap();
    // Embedded, not read from the build folder: the bytes are in the binary.
    let image = std::fs::read(&bin).unwrap();
    assert!(image.windows(css.len()).any(|w| w == css.as_slice()));

    let url = format!("sqlite://{}/z.db", work_dir.display());
    let (mut server, base) = start_server(&bin, &url, &work_dir).await;
    let client = reqwest::Client::new();
    let address = format!("{base}/static/css/zona.css");
    let r = client.get(&address).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/css");
    let etag = r.headers()["etag"].clone();
    let etag_text = etag.to_str().unwrap().to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), css.as_slice());
    let again = client
        .get(&address)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), reqwest::StatusCode::NOT_MODIFIED);
    let weak = client
        .get(&address)
        .header("if-none-match", format!("W/{}", etag_text))
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), reqwest::StatusCode::NOT_MODIFIED);
    let missing = client
        .get(format!("{base}/static/css/nowhere.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&root).unwrap();
}

/// A zone and a writer that adds organisations to it until stopped,
/// counting the ones whose creation was acknowledged.
async fn busy_writer(
    db: &zona_store::Db,
) -> (
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    tokio::task::JoinHandle<()>,
) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let system = zona_store::Actor::system("test");
    let region = zona_store::territory::create_region(
        db,
        &system,
        &zona_store::territory::RegionInput {
            code: "RT".into(),
            name: "Regione Toscana".into(),
        },
    )
    .await
    .unwrap();
    let zone = zona_store::territory::create_zone(
        db,
        &system,
        &zona_store::territory::ZoneInput {
            region_id: region,
            code: "ZD-LIV".into(),
            name: "Zona Distretto Livornese".into(),
            lead_organisation: None,
            seat_municipality_id: None,
        },
    )
    .await
    .unwrap();
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (db, a, s) = (db.clone(), acked.clone(), stop.clone());
    let task = tokio::spawn(async move {
        let mut n = 0;
        while !s.load(Ordering::SeqCst) {
            let input = zona_store::organisations::OrganisationInput {
                zone_id: zone,
                kind: zona_core::org::OrganisationKind::OtherPublicBody,
                name: format!("Ente {n}"),
                tax_code: None,
                email: None,
                phone: None,
                address: None,
                legal_form: None,
                runts_number: None,
                runts_section: None,
            };
            zona_store::organisations::create_organisation(&db, &system, &input)
                .await
                .unwrap();
            n += 1;
            a.store(n, Ordering::SeqCst);
        }
    });
    (acked, stop, task)
}

async fn organisations(db: &zona_store::Db) -> usize {
    zona_store::organisations::list_organisations(db, &Default::default(), zona_store::Page::all())
        .await
        .unwrap()
        .1 as usize
}

/// A SQLite backup taken while the database is being written holds every
/// write acknowledged before it began, restores only with `--replace` over
/// an existing database, and the restored database serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_and_serves() {
    use std::sync::atomic::Ordering;
    let t = TestDb::new(Backend::Sqlite).await;
    let dir = std::env::temp_dir().join(format!("zona-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("copy.db");
    let (acked, stop, writer) = busy_writer(&t.db).await;
    while acked.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before = acked.load(Ordering::SeqCst);
    let args = [
        "backup",
        "--database-url",
        &t.url,
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from);
    let (code, _, err) = tokio::task::spawn_blocking(move || {
        run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None)
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{err}");
    let after = acked.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(after > before, "the writer kept writing during the backup");

    // The copy holds every write acknowledged before the backup began.
    let copy = zona_store::Db::connect(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    let held = organisations(&copy).await;
    copy.close().await;
    assert!(
        held >= before && held <= after + 1,
        "{before} ≤ {held} ≤ {after}"
    );

    // A second backup to the same file is refused; nothing is overwritten.
    let (code, _, err) = run(
        &[
            "backup",
            "--database-url",
            &t.url,
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");

    // Restored into a new place, then over it only with --replace.
    let target = format!("sqlite://{}/restored.db", dir.display());
    let (code, _, err) = run(
        &["restore", out.to_str().unwrap(), "--database-url", &target],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        &["restore", out.to_str().unwrap(), "--database-url", &target],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("--replace"), "{err}");
    let garbage = dir.join("not-a-backup.db");
    std::fs::write(&garbage, b"not a database").unwrap();
    let (code, _, err) = run(
        &[
            "restore",
            garbage.to_str().unwrap(),
            "--database-url",
            &target,
            "--replace",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("is not a"), "{err}");
    let (code, _, err) = run(
        &[
            "restore",
            out.to_str().unwrap(),
            "--database-url",
            &target,
            "--replace",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    // The database it replaced is kept beside it.
    assert!(dir.join("restored.db.before-restore").is_file());
    // A mistyped database is no backup of an empty one.
    let nowhere = format!("sqlite://{}/nowhere.db", dir.display());
    let other = dir.join("other.db");
    let (code, _, err) = run(
        &[
            "backup",
            "--database-url",
            &nowhere,
            "--out",
            other.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("there is no database at"), "{err}");
    assert!(!other.exists() && !dir.join("other.db.partial").exists());

    let (mut server, base) = start_server(
        std::path::Path::new(env!("CARGO_BIN_EXE_zona")),
        &target,
        &dir,
    )
    .await;
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    server.kill().unwrap();
    server.wait().unwrap();
    let restored = zona_store::Db::connect(&target).await.unwrap();
    assert_eq!(organisations(&restored).await, held);
    restored.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On PostgreSQL the backup is pg_dump's custom format of zona's schema, and
/// the restore with pg_restore brings removed rows back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_with_its_own_tools() {
    use std::sync::atomic::Ordering;
    let t = TestDb::new(Backend::Postgres).await;
    let dir = std::env::temp_dir().join(format!("zona-pgbackup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("copy.dump");
    let (acked, stop, writer) = busy_writer(&t.db).await;
    while acked.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let held = organisations(&t.db).await;
    let (code, _, err) = run(
        &[
            "backup",
            "--database-url",
            &t.url,
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PGDMP"));
    match &t.db {
        zona_store::Db::Postgres(p) => {
            sqlx::query("DELETE FROM organisations")
                .execute(p)
                .await
                .unwrap();
        }
        zona_store::Db::Sqlite(_) => unreachable!(),
    }
    assert_eq!(organisations(&t.db).await, 0);
    let (code, _, err) = run(
        &["restore", out.to_str().unwrap(), "--database-url", &t.url],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("--replace"), "{err}");
    let (code, _, err) = run(
        &[
            "restore",
            out.to_str().unwrap(),
            "--database-url",
            &t.url,
            "--replace",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(organisations(&t.db).await, held);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn indicators_import_all_or_nothing_and_export_one_row_per_value() {
    for backend in BACKENDS {
        let t = demo_db(backend).await;
        let url = t.url.clone();
        let dir = std::env::temp_dir().join(format!(
            "zona-indicators-{}-{backend:?}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
            p.to_str().unwrap().to_string()
        };
        let defs = write(
            "definizioni.csv",
            "codice;nome;tema;definizione;numeratore;denominatore;moltiplicatore;unita;polarita;fonte;licenza;dimostrativo\n\
             prova_a;Indice di prova;Demografia;Residenti di 65 anni e più ogni 100 di 0-14 anni.;Residenti 65+;Residenti 0-14;100;anziani ogni 100 giovani;neutro;ISTAT;CC BY 3.0 IT;No\n\
             prova_b;Copertura di prova MPR a 24 mesi;Prevenzione;Bambini vaccinati a 24 mesi.;Vaccinati;Coorte;100;%;alto_meglio;Regione Toscana;;Sì\n",
        );
        let (code, out, err) = run(
            &["indicators", "import", &defs, "--database-url", &url],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("definizioni degli indicatori: 2 nuove, 0 aggiornate"),
            "{out}"
        );

        // One bad line refuses the whole file, with its line and column.
        let bad = write(
            "valori-errati.csv",
            "indicatore;livello;territorio;periodo;sesso;eta;valore;numeratore;denominatore;ic_inf;ic_sup;dimostrativo\n\
             prova_a;zona;ZD-LIV;2023;T;;252,3;41.912;16.611;;;No\n\
             prova_a;comune;049009;2023;T;;1.5;;;;;No\n\
             sconosciuto;regione;RT;2023;T;;10;;;;;No\n",
        );
        let (code, _, err) = run(
            &["indicators", "import", &bad, "--database-url", &url],
            None,
        );
        assert_eq!(code, 1);
        assert!(
            err.contains("File non importato, nessun dato è stato scritto"),
            "{err}"
        );
        assert!(
            err.contains("Riga 3, colonna valore: «1.5»: usare la virgola per i decimali"),
            "{err}"
        );
        assert!(
            err.contains("Riga 4, colonna indicatore: «sconosciuto» non è un indicatore definito"),
            "{err}"
        );
        let demo_values = 385;
        assert_eq!(
            zona_store::profile::values(&t.db).await.unwrap().len(),
            demo_values
        );

        let good = write(
            "valori.csv",
            "indicatore;livello;territorio;periodo;sesso;eta;valore;numeratore;denominatore;ic_inf;ic_sup;dimostrativo\n\
             prova_a;zona;ZD-LIV;2023;T;;252,3;41.912;16.611;;;No\n\
             prova_a;regione;RT;2023;;;233,4;;;;;No\n\
             prova_b;comune;049009;2019-2023;F;0-2;94,12;;;93,5;94,7;Sì\n",
        );
        let (code, out, err) = run(
            &["indicators", "import", &good, "--database-url", &url],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("valori degli indicatori: 3 nuovi, 0 sostituiti"),
            "{out}"
        );
        // Again: the same values replace themselves.
        let (_, out, _) = run(
            &["indicators", "import", &good, "--database-url", &url],
            None,
        );
        assert!(out.contains("0 nuovi, 3 sostituiti"), "{out}");

        // The export: one row per value, the Italian way, and it imports again.
        let exported = dir.join("export.csv");
        let (code, _, err) = run(
            &[
                "export",
                "indicators",
                "--format",
                "csv",
                "--out",
                exported.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&exported).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 1 + demo_values + 3, "one row per value");
        assert_eq!(
            lines[0],
            "indicatore;livello;territorio;periodo;sesso;eta;valore;numeratore;denominatore;ic_inf;ic_sup;dimostrativo"
        );
        assert!(
            lines.contains(&"prova_a;zona;ZD-LIV;2023;T;;252,3;41912;16611;;;No"),
            "{text}"
        );
        assert!(
            lines.contains(&"prova_b;comune;049009;2019-2023;F;0-2;94,12;;;93,5;94,7;Sì"),
            "{text}"
        );
        let (code, out, err) = run(
            &[
                "indicators",
                "import",
                exported.to_str().unwrap(),
                "--database-url",
                &url,
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(&format!("0 nuovi, {} sostituiti", demo_values + 3)),
            "{out}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
