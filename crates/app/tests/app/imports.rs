//! Imported files are bounded before they are read: a tiny XLSX that names a
//! far cell, a decompression bomb and a lying shared-string count are
//! refused with a message, on the web and on the command line, and the
//! server keeps answering.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::Write;
use zona_app::import::{read_xlsx, SheetValue};
use zona_testing::BACKENDS;

/// A workbook with one sheet, written part by part.
fn workbook(sheet: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
    workbook_named(sheet, shared, "xl/sharedStrings.xml")
}

/// The same, with the shared strings under a name of one's choosing.
fn workbook_named(sheet: &[u8], shared: Option<&[u8]>, shared_name: &str) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &[u8]| {
        z.start_file(name, opts).unwrap();
        z.write_all(body).unwrap();
    };
    part(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Dati" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    let rels: &[u8] = if shared.is_some() {
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    } else {
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    };
    part("xl/_rels/workbook.xml.rels", rels);
    if let Some(s) = shared {
        part(shared_name, s);
    }
    part("xl/worksheets/sheet1.xml", sheet);
    z.finish().unwrap().into_inner()
}

fn sheet_xml(cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

/// Cells at A1 and XFD1048576: a reader that sizes its grid from them asks
/// for 512 GiB.
fn far_cell() -> Vec<u8> {
    workbook(
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>codice</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        ),
        None,
    )
}

/// 200 MB of empty rows, compressed to a few hundred kilobytes.
fn bomb() -> Vec<u8> {
    let mut rows = String::from(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
    rows.push_str(&"<row/>".repeat(200 * 1024 * 1024 / 6));
    workbook(&sheet_xml(&rows), None)
}

#[test]
fn a_normal_sheet_is_read_with_its_lines() {
    let book = workbook(
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>0.5</v></c></row>"#,
        ),
        Some(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>codice</t></si><si><t>valore</t></si><si><t>A.1</t></si></sst>"#),
    );
    let sheet = read_xlsx(&book).unwrap();
    assert_eq!(sheet.headers, ["codice", "valore"]);
    assert_eq!(
        sheet.rows,
        [(
            3,
            vec![
                (0, SheetValue::Text("A.1".into())),
                (1, SheetValue::Float(0.5))
            ]
        )]
    );
    assert_eq!(sheet.rows[0].1[1].1.to_italian(), "0,5");
}

#[test]
fn a_far_cell_is_refused_without_allocating_the_grid() {
    let book = far_cell();
    assert!(book.len() < 4096, "{} bytes", book.len());
    let e = read_xlsx(&book).unwrap_err();
    assert!(e.contains("più di 20.000 righe"), "{e}");
    let wide = workbook(
        &sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>"#),
        None,
    );
    assert!(read_xlsx(&wide).unwrap_err().contains("più di 300 colonne"));
}

#[test]
fn a_decompression_bomb_is_refused_at_the_limit() {
    let book = bomb();
    assert!(book.len() < 1024 * 1024, "{} bytes", book.len());
    let e = read_xlsx(&book).unwrap_err();
    assert!(e.contains("una volta decompresso, supera i 64 MB"), "{e}");
}

#[test]
fn a_lying_shared_string_count_is_refused() {
    let book = workbook(
        &sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        Some(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="999999999999999"><si><t>x</t></si></sst>"#),
    );
    assert!(read_xlsx(&book).unwrap_err().contains("testi diversi"));
    let mut many = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    many.push_str(&"<si/>".repeat(600_000));
    many.push_str("</sst>");
    let book = workbook(
        &sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        Some(many.as_bytes()),
    );
    assert!(read_xlsx(&book)
        .unwrap_err()
        .contains("più di 500.000 testi diversi"));
}

#[test]
fn a_lying_count_is_found_however_it_is_written() {
    let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    // Another case of the part's name, spaces around `=`, a long comment
    // before the element: each once slipped past a text search.
    let lying = |head: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>{head}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount = "100000000000"><si><t>x</t></si></sst>"#
        )
    };
    for (name, head) in [
        ("xl/SharedStrings.XML", String::new()),
        ("xl/sharedStrings.xml", String::new()),
        (
            "xl/sharedStrings.xml",
            format!("<!--{}-->", "x".repeat(8000)),
        ),
    ] {
        let book = workbook_named(&sheet, Some(lying(&head).as_bytes()), name);
        let e = read_xlsx(&book).unwrap_err();
        assert!(e.contains("testi diversi"), "{name}: {e}");
    }
}

#[test]
fn one_text_repeated_in_many_cells_is_bounded() {
    // One long shared string referenced by the same cell again and again.
    let long = "x".repeat(32_000);
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{long}</t></si></sst>"#
    );
    let mut cells = String::from(r#"<row r="1">"#);
    cells.push_str(&r#"<c r="A1" t="s"><v>0</v></c>"#.repeat(3));
    cells.push_str("</row>");
    let book = workbook(&sheet_xml(&cells), Some(shared.as_bytes()));
    assert!(read_xlsx(&book).unwrap_err().contains("celle ripetute"));
    // Distinct cells, each referencing it: the text budget stops them.
    let mut rows = String::new();
    for r in 1..=3000 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    let book = workbook(&sheet_xml(&rows), Some(shared.as_bytes()));
    assert!(read_xlsx(&book)
        .unwrap_err()
        .contains("Il testo del file supera i 64 MB"));
}

#[test]
fn csv_headers_grid_and_nul_are_bounded() {
    use zona_app::import::read_csv;
    let long_header = format!("{};b\n1;2\n", "h".repeat(101));
    assert!(read_csv(long_header.as_bytes())
        .unwrap_err()
        .contains("intestazione"));
    let nul = "a;b\n1;x\0y\n";
    assert_eq!(
        read_csv(nul.as_bytes()).unwrap_err(),
        "Riga 2: una cella contiene un carattere non ammesso (NUL)."
    );
    let mut wide = (0..100)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(";");
    wide.push('\n');
    wide.push_str(&"1\n".repeat(10_001));
    assert!(read_csv(wide.as_bytes())
        .unwrap_err()
        .contains("più di 1.000.000 celle"));
}

async fn post_file(
    app: &TestApp,
    form_path: &str,
    action: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Page {
    let token = app.get(form_path).await.csrf();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = app
        .client
        .post(app.url(&format!("{action}?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    Page {
        status: r.status(),
        location: None,
        body: r
            .text()
            .await
            .unwrap()
            .replace("&#39;", "'")
            .replace("&#x27;", "'"),
    }
}

#[tokio::test]
async fn crafted_spreadsheets_get_a_message_and_the_server_keeps_answering() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        for (form, action) in [
            (
                "/pianificazione/poa/2024/monitoraggio",
                "/pianificazione/poa/2024/monitoraggio/importa",
            ),
            (
                "/partecipazione/co-progettazione/importa",
                "/partecipazione/co-progettazione/importa",
            ),
        ] {
            let p = post_file(&app, form, action, "lontana.xlsx", far_cell()).await;
            assert!(
                p.body.contains("più di 20.000 righe"),
                "{backend:?} {action}: {}",
                p.status
            );
            let p = post_file(&app, form, action, "bomba.xlsx", bomb()).await;
            assert!(
                p.body.contains("una volta decompresso, supera i 64 MB"),
                "{backend:?} {action}: {}",
                p.status
            );
        }
        assert_eq!(app.get("/").await.status, StatusCode::OK);
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_command_line_refuses_a_crafted_spreadsheet() {
    let t = zona_testing::TestDb::new(zona_store::Backend::Sqlite).await;
    zona_app::demo::load(&t.db).await.unwrap();
    let dir = std::env::temp_dir().join(format!("zona-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes, message) in [
        ("lontana.xlsx", far_cell(), "più di 20.000 righe"),
        ("bomba.xlsx", bomb(), "supera i 64 MB"),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let (code, _, err) = crate::cli::run(
            &[
                "soc26",
                "import",
                file.to_str().unwrap(),
                "--database-url",
                &t.url,
            ],
            None,
        );
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
    }
}

fn lines(csv: &str) -> Vec<usize> {
    zona_app::import::read_csv(csv.as_bytes())
        .unwrap()
        .rows
        .into_iter()
        .map(|(l, _)| l)
        .collect()
}

#[test]
fn every_row_knows_its_line() {
    assert_eq!(lines("a;b\n1;2\n3;4\n"), [2, 3]);
    assert_eq!(lines("a;b\r\n1;2\r\n3;4\r\n"), [2, 3]);
    // A cell with a line break: the next record starts two lines later.
    assert_eq!(lines("a;b\n\"x\ny\";2\n3;4\n"), [2, 4]);
    assert_eq!(lines("a;b\r\n1;\"p\r\nq\"\r\n3;4\r\n"), [2, 4]);
    assert_eq!(lines("\u{feff}a;b\n1;2\n\n3;4\n"), [2, 4]);
}
