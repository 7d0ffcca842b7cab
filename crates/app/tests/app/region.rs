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
