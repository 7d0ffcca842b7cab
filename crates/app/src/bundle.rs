//! Zone bundles on disk: a folder of Italian CSV files (`;`, BOM, CRLF) with
//! a `manifest.csv`, or the same as one XLSX workbook with a sheet per file.
//! What the files hold is described in `zona_store::bundle::TABLES`; this
//! module reads and writes them, and writes the data dictionary.
//!
//! Every file is read within the import limits (`crate::import`) and off the
//! async runtime.

use crate::import::{self, Sheet};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use zona_core::bundle::FORMAT_VERSION;
use zona_store::bundle::{self as store, BundleError, FileIn, FileOut, Problem, Report, TABLES};
use zona_store::{Actor, Db};

/// The manifest's name, in a folder (`manifest.csv`) and as a sheet.
pub const MANIFEST: &str = "manifest";

/// What the manifest says: the format's version and the zone's code.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub format: i64,
    pub zone: String,
}

/// A bundle read from disk, not yet checked against the database.
#[derive(Debug)]
pub struct Bundle {
    pub manifest: Manifest,
    pub files: Vec<FileIn>,
}

/// How a bundle is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

fn manifest_problem(line: Option<usize>, message: impl Into<String>) -> Problem {
    Problem {
        file: format!("{MANIFEST}.csv"),
        line,
        column: None,
        message: message.into(),
    }
}

/// A CSV cell as written: a text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`) is prefixed with an apostrophe, and so is one that
/// starts with an apostrophe, so that reading drops exactly one.
fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn from_csv_cell(s: &str) -> String {
    s.strip_prefix('\'').unwrap_or(s).to_string()
}

fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(headers)?;
        for row in rows {
            w.write_record(row.iter().map(|c| csv_cell(c)))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn manifest_rows(m: &Manifest) -> Vec<Vec<String>> {
    vec![
        vec!["formato".into(), m.format.to_string()],
        vec!["zona".into(), m.zone.clone()],
    ]
}

/// A sheet's rows as cells aligned to its header; `csv` says whether to
/// drop the apostrophe [`csv_cell`] adds.
fn file_of(name: &str, sheet: &Sheet, csv: bool) -> FileIn {
    let width = sheet.headers.len();
    FileIn {
        file: name.to_string(),
        headers: sheet.headers.clone(),
        rows: sheet
            .rows
            .iter()
            .map(|(line, cells)| {
                let mut row = vec![String::new(); width];
                for (c, v) in cells {
                    if *c < width {
                        let text = v.to_italian();
                        row[*c] = if csv { from_csv_cell(&text) } else { text };
                    }
                }
                (*line, row)
            })
            .collect(),
    }
}

fn manifest_of(file: &FileIn) -> Result<Manifest, Vec<Problem>> {
    manifest_naming(file, "zona").map(|(format, zone)| Manifest { format, zone })
}

/// Reads a manifest: the format's version, which must be this version's, and
/// the code under `key` (`zona` for a zone's bundle, `regione` for a
/// region's).
pub(crate) fn manifest_naming(file: &FileIn, key: &str) -> Result<(i64, String), Vec<Problem>> {
    let mut format = None;
    let mut code = None;
    let mut problems = Vec::new();
    if file
        .headers
        .iter()
        .map(|h| h.trim())
        .ne(["chiave", "valore"])
    {
        problems.push(manifest_problem(
            Some(1),
            "le colonne devono essere «chiave» e «valore»",
        ));
        return Err(problems);
    }
    for (line, row) in &file.rows {
        let value = row[1].trim();
        match row[0].trim() {
            // The one Italian reader, as for every number a person types.
            "formato" => match zona_core::number::read_whole(value) {
                Ok(n) => format = Some(n),
                Err(_) => problems.push(manifest_problem(
                    Some(*line),
                    format!("«{value}» non è una versione del formato"),
                )),
            },
            k if k == key => code = Some(value.to_string()),
            other => problems.push(manifest_problem(
                Some(*line),
                format!("chiave sconosciuta «{other}»"),
            )),
        }
    }
    match (format, code) {
        (Some(f), Some(c)) if problems.is_empty() => {
            if f != FORMAT_VERSION {
                return Err(vec![manifest_problem(None, format!(
                    "il pacchetto è nel formato {f}; questa versione di zona legge il formato {FORMAT_VERSION}"
                ))]);
            }
            Ok((f, c))
        }
        (f, c) => {
            if f.is_none() {
                problems.push(manifest_problem(None, "manca la riga «formato»"));
            }
            if c.is_none() {
                problems.push(manifest_problem(None, format!("manca la riga «{key}»")));
            }
            Err(problems)
        }
    }
}

/// Reads a bundle: a folder with `manifest.csv` and the files, or an XLSX
/// workbook. Parsing runs off the async runtime.
pub async fn read(path: &Path) -> Result<Result<Bundle, Vec<Problem>>> {
    Ok(read_files(path).await?.and_then(with_manifest))
}

/// Reads the files of a bundle, manifest included, from a folder of CSV
/// files or an XLSX workbook, off the async runtime.
pub(crate) async fn read_files(path: &Path) -> Result<Result<Vec<FileIn>, Vec<Problem>>> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || read_blocking(&path))
        .await
        .context("reading the bundle failed")?
}

fn read_blocking(path: &Path) -> Result<Result<Vec<FileIn>, Vec<Problem>>> {
    if !path.is_dir() {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(match import::read_workbook(&bytes) {
            Ok(sheets) => Ok(sheets
                .iter()
                .map(|(name, sheet)| file_of(&name.to_lowercase(), sheet, false))
                .collect()),
            Err(m) => Err(vec![Problem {
                file: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                line: None,
                column: None,
                message: m,
            }]),
        });
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    if entries.len() > import::MAX_SHEETS {
        bail!(
            "{} holds more than {} files",
            path.display(),
            import::MAX_SHEETS
        );
    }
    let mut csv = Vec::new();
    let mut problems = Vec::new();
    for p in entries {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.to_lowercase().ends_with(".csv") {
            // Other files (a README, notes) travel with a bundle freely.
            continue;
        }
        if std::fs::metadata(&p)?.len() > import::MAX_FILE_BYTES as u64 {
            problems.push(Problem {
                file: name.to_string(),
                line: None,
                column: None,
                message: format!(
                    "il file supera i {} MB ammessi",
                    import::MAX_FILE_BYTES / 1024 / 1024
                ),
            });
            continue;
        }
        let bytes = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
        csv.push((name.to_string(), bytes));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(csv_files(&csv))
}

/// A bundle from its CSV files, by file name (`comuni.csv`).
pub fn from_csv_files(csv: &[(String, Vec<u8>)]) -> Result<Bundle, Vec<Problem>> {
    csv_files(csv).and_then(with_manifest)
}

/// The files of a bundle, manifest included, from CSV files by name.
pub(crate) fn csv_files(csv: &[(String, Vec<u8>)]) -> Result<Vec<FileIn>, Vec<Problem>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in csv {
        // `Comuni.CSV` is `comuni.csv`: file systems and people differ on
        // case, the format's names do not.
        let lower = name.to_lowercase();
        let Some(stem) = lower.strip_suffix(".csv") else {
            continue;
        };
        match import::read_csv(bytes) {
            Ok(sheet) => files.push(file_of(stem, &sheet, true)),
            Err(m) => problems.push(Problem {
                file: name.clone(),
                line: None,
                column: None,
                message: m,
            }),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn with_manifest(mut files: Vec<FileIn>) -> Result<Bundle, Vec<Problem>> {
    let manifest_file = take_manifest(&mut files, "zona")?;
    manifest_of(&manifest_file).map(|manifest| Bundle { manifest, files })
}

/// Takes the manifest out of a bundle's files; `what` is what it names.
pub(crate) fn take_manifest(files: &mut Vec<FileIn>, what: &str) -> Result<FileIn, Vec<Problem>> {
    match files.iter().position(|f| f.file == MANIFEST) {
        Some(at) => Ok(files.remove(at)),
        None => Err(vec![manifest_problem(
            None,
            format!("manca il manifest: il pacchetto non dice formato e {what}"),
        )]),
    }
}

/// Dumps zone `zone` into `out`: a new folder (CSV) or a new XLSX file.
pub async fn dump(
    db: &Db,
    zone: &str,
    out: &Path,
    format: Format,
) -> Result<Result<usize, Vec<Problem>>> {
    if out.exists() {
        bail!("{} already exists: choose a new path", out.display());
    }
    let files = match store::dump(db, zone).await {
        Ok(f) => f,
        Err(BundleError::Problems(p)) => return Ok(Err(p)),
        Err(BundleError::Store(e)) => return Err(e.into()),
    };
    let manifest = Manifest {
        format: FORMAT_VERSION,
        zone: zone.to_string(),
    };
    let rows = files.iter().map(|f| f.rows.len()).sum();
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || write_blocking(&manifest, &files, &out, format))
        .await
        .context("writing the bundle failed")??;
    Ok(Ok(rows))
}

fn headers(file: &FileOut) -> Vec<&'static str> {
    file.table.fields.iter().map(|f| f.header).collect()
}

fn write_blocking(
    manifest: &Manifest,
    files: &[FileOut],
    out: &Path,
    format: Format,
) -> Result<()> {
    // Written beside the target and renamed at the end: a bundle is never
    // left half written.
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    if partial.exists() {
        if partial.is_dir() {
            std::fs::remove_dir_all(&partial)?;
        } else {
            std::fs::remove_file(&partial)?;
        }
    }
    match format {
        Format::Csv => {
            std::fs::create_dir_all(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
            std::fs::write(
                partial.join(format!("{MANIFEST}.csv")),
                csv_bytes(&["chiave", "valore"], &manifest_rows(manifest))?,
            )?;
            for f in files {
                std::fs::write(
                    partial.join(format!("{}.csv", f.table.file)),
                    csv_bytes(&headers(f), &f.rows)?,
                )?;
            }
        }
        Format::Xlsx => {
            use zona_reports::table::{Cell, Column, ColumnKind, Table};
            let sheet = |title: &str, headers: &[&str], rows: &[Vec<String>]| {
                let mut t = Table::new(
                    title,
                    headers
                        .iter()
                        .map(|h| Column::new(*h, *h, ColumnKind::Text))
                        .collect(),
                );
                for r in rows {
                    t.push(
                        r.iter()
                            .map(|c| {
                                if c.is_empty() {
                                    Cell::Empty
                                } else {
                                    Cell::Text(c.clone())
                                }
                            })
                            .collect(),
                    );
                }
                t
            };
            let mut tables = vec![sheet(
                MANIFEST,
                &["chiave", "valore"],
                &manifest_rows(manifest),
            )];
            tables.extend(
                files
                    .iter()
                    .map(|f| sheet(f.table.file, &headers(f), &f.rows)),
            );
            std::fs::write(&partial, zona_reports::table::workbook(&tables)?)?;
        }
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the bundle to {}", out.display()))?;
    Ok(())
}

/// Loads (or with `check_only` checks) a bundle read by [`read`].
pub async fn load(
    db: &Db,
    bundle: &Bundle,
    check_only: bool,
) -> Result<Result<Report, Vec<Problem>>> {
    let actor = Actor::system("bundle");
    match store::load(db, &actor, &bundle.manifest.zone, &bundle.files, check_only).await {
        Ok(r) => Ok(Ok(r)),
        Err(BundleError::Problems(p)) => Ok(Err(p)),
        Err(BundleError::Store(e)) => Err(e.into()),
    }
}

/// The data dictionary (`docs/bundle.md`), from the files' descriptions.
pub fn dictionary() -> String {
    let mut s = String::new();
    s.push_str("# Zone bundle: data dictionary\n\n");
    s.push_str("<!-- Generated from crates/store/src/bundle/tables.rs by `zona bundle dictionary`: edit there. -->\n\n");
    s.push_str(&format!(
        "Format version **{FORMAT_VERSION}**. A bundle is a folder of CSV files \
         (UTF-8 with BOM, `;` between cells, CRLF), or one XLSX workbook with a \
         sheet per file. `manifest.csv` has the columns `chiave;valore` and the rows \
         `formato;{FORMAT_VERSION}` and `zona;<zone code>`. Files are loaded in the \
         order below; a file may be left out (nothing of its kind changes, its \
         collections included), a file or column not listed here is refused; file \
         names are read without regard to case.\n\n\
         Cells: numbers the Italian way (`1234,56`; thousands dots are read, never \
         written), dates `gg/mm/aaaa`, yes/no as `Sì`/`No`, an empty cell for no \
         value. A CSV cell starting with `=`, `+`, `-`, `@` or `'` is written with \
         an extra leading `'`, which reading drops, so that spreadsheets do not run \
         it as a formula. Rows point at rows of other files by those rows' keys, \
         never by database ids. A key compares texts without regard to case.\n\n\
         Loading is all or nothing. A row whose key is stored already is updated \
         where it differs; loading the same bundle again changes nothing. In a file \
         marked *collection*, when the file is in the bundle, the rows of every \
         owner in the bundle are replaced: a stored row missing from the file is \
         deleted. Rows of other files are never deleted by a load. A dump that \
         could not be loaded back (a text longer than its column, a code no \
         longer valid) is refused, not written.\n\n"
    ));
    for t in TABLES {
        s.push_str(&format!(
            "## `{}.csv`: {}\n\n{}\n\n",
            t.file, t.title, t.doc
        ));
        s.push_str(&format!(
            "Key: {}.",
            t.key
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" + ")
        ));
        if let Some(owner) = t.owner {
            let r = t
                .refs
                .iter()
                .find(|r| r.column == owner)
                .expect("owner is a reference");
            s.push_str(&format!(" Collection of each row of `{}.csv`.", r.file));
        }
        if t.shared {
            s.push_str(
                " Shared with other zones: loading adds the rows that are missing and \
                 leaves stored rows as they are.",
            );
        }
        s.push_str("\n\n| Column | Required | Kind | Meaning |\n|---|---|---|---|\n");
        for f in t.fields {
            let mut meaning = f.doc.to_string();
            if let Some(r) = t.refs.iter().find(|r| r.fields.contains(&f.header)) {
                if r.deferred {
                    meaning.push_str(" (set after every file is loaded)");
                }
            }
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                f.header,
                if f.required { "yes" } else { "" },
                f.kind.describe().replace('|', "\\|"),
                meaning.replace('|', "\\|")
            ));
        }
        s.push('\n');
    }
    s
}

/// Prints problems the way people read them, one per line.
pub fn print_problems(title: &str, problems: &[Problem]) {
    eprintln!("{title}");
    for p in problems {
        eprintln!("  {p}");
    }
    if problems.len() >= store::MAX_PROBLEMS {
        eprintln!(
            "  (mostrati i primi {}: correggerli e riprovare)",
            store::MAX_PROBLEMS
        );
    }
}
