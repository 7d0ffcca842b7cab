//! Reading tables people bring back: a CSV (`;`, as zona exports it) or the
//! first sheet of an XLSX file, as rows keyed by column, each with the line it
//! came from, so every error can name its line.
//!
//! Everything here is bounded before it is read (limits in `docs/domain.md`,
//! "Imports"): the file's size; for XLSX the archive's entries and what they
//! really decompress to, whatever their headers claim, and the shared strings;
//! the rows, columns and characters of a cell. A file beyond a limit is
//! refused with a message that names the limit. Parsing runs on a blocking
//! thread, one file at a time, with a time limit, so that an import never
//! holds up the pages others are reading.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

/// The largest file accepted for an import.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most data rows of a file (the header row is not counted).
pub const MAX_ROWS: usize = 20_000;
/// The most columns of a file.
pub const MAX_COLUMNS: usize = 300;
/// The most characters of one cell (a spreadsheet's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// XLSX: the most entries of the archive.
pub const MAX_ARCHIVE_ENTRIES: usize = 1_000;
/// XLSX: the most bytes all entries of the archive decompress to.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// XLSX: the most shared strings (distinct texts) of the workbook.
pub const MAX_SHARED_STRINGS: u64 = 500_000;
/// The longest an import may be read for: less than a request's own limit
/// (30 seconds), so that the person gets this message, not a timeout.
pub const READ_TIME_LIMIT: Duration = Duration::from_secs(20);
/// The most bytes of text all the cells of a file may hold together (one
/// shared string can be referenced by many cells).
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// XLSX: the most sheets of a workbook.
pub const MAX_SHEETS: usize = 100;
/// The most characters of a column's header.
pub const MAX_HEADER_CHARS: usize = 100;
/// The most cells of the grid, rows × columns of the header.
pub const MAX_GRID_CELLS: usize = 1_000_000;

/// A data row of the file: its line and its values by column key.
pub type FileRow = (usize, BTreeMap<String, String>);

/// A value of a spreadsheet cell, as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetValue {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(time::Date),
}

impl SheetValue {
    /// The value as a person would have typed it in Italy: `0,5`, `1234`,
    /// `23/11/2026`, so that one number reader reads CSV and XLSX alike.
    pub fn to_italian(&self) -> String {
        match self {
            SheetValue::Text(s) => s.clone(),
            SheetValue::Int(n) => n.to_string(),
            SheetValue::Float(f) => rust_decimal::Decimal::try_from(*f)
                .map(|d| d.normalize().to_string().replace('.', ","))
                .unwrap_or_else(|_| f.to_string()),
            SheetValue::Bool(b) => if *b { "Sì" } else { "No" }.to_string(),
            SheetValue::Date(d) => zona_core::format::date(*d),
        }
    }
}

/// A sheet's header and its non-empty cells, row by row, with their line.
#[derive(Debug, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<(usize, SheetValue)>)>,
}

fn too_big_file() -> String {
    format!(
        "Il file supera i {} MB ammessi per un'importazione.",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn too_many_rows() -> String {
    format!(
        "Il file ha più di {} righe di dati: dividerlo in più file.",
        zona_core::format::thousands(MAX_ROWS as u64)
    )
}

fn too_many_columns() -> String {
    format!("Il file ha più di {MAX_COLUMNS} colonne.")
}

fn cell_too_long(line: usize) -> String {
    format!(
        "Riga {line}: una cella supera i {} caratteri.",
        zona_core::format::thousands(MAX_CELL_CHARS as u64)
    )
}

/// Counts what an archive entry really decompresses to, and stops reading
/// past the budget left, whatever the entry's header declares.
struct Budgeted<R> {
    inner: R,
    used: u64,
    limit: u64,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used += n as u64;
        if self.used > self.limit {
            return Err(std::io::Error::other("over budget"));
        }
        Ok(n)
    }
}

/// Checks the archive under an XLSX file before anything parses it: the
/// number of entries; what they really decompress to (read to the end, not
/// taken from their headers, which a crafted file can falsify); and, in any
/// entry that a reader could take for the shared strings (the name compared
/// without regard to case, as spreadsheet readers do), the number of
/// strings, both declared (`uniqueCount`, read by an XML parser as the
/// spreadsheet reader reads it, since it reserves room for that many) and
/// real.
fn unreadable() -> String {
    "Il file non è un foglio Excel (.xlsx) leggibile.".to_string()
}

fn check_archive(bytes: &[u8]) -> Result<(), String> {
    let too_big = || {
        format!(
            "Il file, una volta decompresso, supera i {} MB ammessi.",
            MAX_UNCOMPRESSED_BYTES / (1024 * 1024)
        )
    };
    let too_many_strings = || {
        format!(
            "Il file contiene o dichiara più di {} testi diversi.",
            zona_core::format::thousands(MAX_SHARED_STRINGS)
        )
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > MAX_ARCHIVE_ENTRIES {
        return Err(unreadable());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| unreadable())?;
        let name = entry.name().map_err(|_| unreadable())?.to_lowercase();
        let shared = name.replace('\\', "/").ends_with("sharedstrings.xml");
        let mut r = Budgeted {
            inner: entry,
            used: 0,
            limit: MAX_UNCOMPRESSED_BYTES - total,
        };
        if shared {
            let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(&mut r));
            let mut buf = Vec::new();
            let mut strings: u64 = 0;
            loop {
                buf.clear();
                match xml.read_event_into(&mut buf) {
                    Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                        match e.local_name().as_ref() {
                            "sst" => {
                                if let Some(a) = e
                                    .attributes()
                                    .flatten()
                                    .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                                {
                                    // An XML attribute, not a number a person
                                    // typed: read as XML writes it (plain
                                    // digits), as the spreadsheet reader does.
                                    // Unparsable or beyond the bound: refused,
                                    // never handed to a reader that reserves it.
                                    let v = a.value.trim();
                                    if v.parse::<u64>().map_or(true, |n| n > MAX_SHARED_STRINGS) {
                                        return Err(too_many_strings());
                                    }
                                }
                            }
                            "si" => {
                                strings += 1;
                                if strings > MAX_SHARED_STRINGS {
                                    return Err(too_many_strings());
                                }
                            }
                            _ => {}
                        }
                    }
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(_) if r_over(&xml) => return Err(too_big()),
                    Err(_) => return Err(unreadable()),
                }
            }
            total += xml.into_inner().into_inner().used;
        } else {
            match std::io::copy(&mut r, &mut std::io::sink()) {
                Ok(_) => total += r.used,
                Err(_) if r.used > r.limit => return Err(too_big()),
                Err(_) => return Err(unreadable()),
            }
        }
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(too_big());
        }
    }
    Ok(())
}

/// Whether an XML reader stopped because its input ran over the budget.
fn r_over<R: Read>(xml: &quick_xml::Reader<std::io::BufReader<&mut Budgeted<R>>>) -> bool {
    let b = xml.get_ref().get_ref();
    b.used > b.limit
}

/// What reading a sheet may still spend: text and time.
struct Budget {
    text_bytes: usize,
    deadline: std::time::Instant,
    cells: usize,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            text_bytes: 0,
            deadline: std::time::Instant::now() + READ_TIME_LIMIT,
            cells: 0,
        }
    }

    /// Accounts for one cell: refuses a NUL (no text of zona holds one and
    /// PostgreSQL cannot store it), text beyond the file's budget, and work
    /// beyond the time limit (checked every few thousand cells).
    fn cell(&mut self, value: &SheetValue, line: usize) -> Result<(), String> {
        if let SheetValue::Text(t) = value {
            if t.contains('\0') {
                return Err(format!(
                    "Riga {line}: una cella contiene un carattere non ammesso (NUL)."
                ));
            }
            if t.chars().count() > MAX_CELL_CHARS {
                return Err(cell_too_long(line));
            }
            self.text_bytes += t.len();
            if self.text_bytes > MAX_TEXT_BYTES {
                return Err(format!(
                    "Il testo del file supera i {} MB ammessi.",
                    MAX_TEXT_BYTES / (1024 * 1024)
                ));
            }
        }
        self.cells += 1;
        if self.cells.is_multiple_of(4096) && std::time::Instant::now() > self.deadline {
            return Err(too_slow());
        }
        Ok(())
    }
}

fn too_slow() -> String {
    format!(
        "La lettura del file ha superato i {} secondi ammessi.",
        READ_TIME_LIMIT.as_secs()
    )
}

/// A header names a column: short, and the whole grid bounded, since every
/// row is read by column name.
fn check_shape(sheet: &Sheet) -> Result<(), String> {
    if sheet
        .headers
        .iter()
        .any(|h| h.chars().count() > MAX_HEADER_CHARS)
    {
        return Err(format!(
            "Un'intestazione di colonna supera i {MAX_HEADER_CHARS} caratteri."
        ));
    }
    if sheet.headers.len().saturating_mul(sheet.rows.len()) > MAX_GRID_CELLS {
        return Err(format!(
            "Il file ha più di {} celle (righe × colonne): dividerlo in più file.",
            zona_core::format::thousands(MAX_GRID_CELLS as u64)
        ));
    }
    Ok(())
}

/// Reads the first sheet of an XLSX file within the limits.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, String> {
    use calamine::Reader;
    let mut wb = open_xlsx(bytes)?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or("Il foglio Excel è vuoto.")?;
    read_worksheet(&mut wb, &name)
}

/// Every sheet of a workbook, by name, in the workbook's order (a zone
/// bundle is one workbook with a sheet per file).
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<(String, Sheet)>, String> {
    use calamine::Reader;
    let mut wb = open_xlsx(bytes)?;
    let names = wb.sheet_names();
    if names.len() > MAX_SHEETS {
        return Err(format!("Il file ha più di {MAX_SHEETS} fogli."));
    }
    names
        .into_iter()
        .map(|name| Ok((name.clone(), read_worksheet(&mut wb, &name)?)))
        .collect()
}

type Workbook<'a> = calamine::Xlsx<std::io::Cursor<&'a [u8]>>;

fn open_xlsx(bytes: &[u8]) -> Result<Workbook<'_>, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big_file());
    }
    check_archive(bytes)?;
    use calamine::Reader;
    calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())
}

fn read_worksheet(wb: &mut Workbook<'_>, name: &str) -> Result<Sheet, String> {
    use calamine::DataRef;
    // Cell by cell: a sheet's declared size is never used to size anything.
    let mut cells = wb
        .worksheet_cells_reader(name)
        .map_err(|e| format!("Foglio «{name}» illeggibile: {e}"))?;
    let mut budget = Budget::new();
    let mut by_row: BTreeMap<u32, Vec<(usize, SheetValue)>> = BTreeMap::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| format!("Foglio «{name}» illeggibile: {e}"))?
    {
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => SheetValue::Text(s.clone()),
            DataRef::SharedString(s) => SheetValue::Text((*s).to_string()),
            DataRef::Float(f) => SheetValue::Float(*f),
            DataRef::Int(n) => SheetValue::Int(*n),
            DataRef::Bool(b) => SheetValue::Bool(*b),
            // The workbook's own date system (1900 or 1904) is applied.
            DataRef::DateTime(dt) => {
                let v = dt.as_f64();
                if !(v.is_finite() && (0.0..3_000_000.0).contains(&v)) {
                    continue;
                }
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match time::Month::try_from(m)
                    .ok()
                    .and_then(|m| time::Date::from_calendar_date(i32::from(y), m, d).ok())
                {
                    Some(d) => SheetValue::Date(d),
                    None => continue,
                }
            }
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => SheetValue::Text(s.clone()),
            DataRef::Error(_) => continue,
        };
        let (row, col) = cell.get_position();
        if row as usize > MAX_ROWS {
            return Err(too_many_rows());
        }
        if col as usize >= MAX_COLUMNS {
            return Err(too_many_columns());
        }
        budget.cell(&value, row as usize + 1)?;
        let cells_of_row = by_row.entry(row).or_default();
        // A sheet lists a row's cells once each, left to right; a position
        // written twice (or backwards) is not a spreadsheet's doing.
        if cells_of_row.last().is_some_and(|(c, _)| *c >= col as usize) {
            return Err(format!(
                "Riga {}: celle ripetute o fuori ordine: il file non è un foglio Excel valido.",
                row + 1
            ));
        }
        cells_of_row.push((col as usize, value));
    }
    let mut sheet = Sheet::default();
    let mut rows = by_row.into_iter();
    match rows.next() {
        Some((_, header)) => {
            let width = header.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
            sheet.headers = vec![String::new(); width];
            for (c, v) in header {
                sheet.headers[c] = v.to_italian();
            }
        }
        None => return Err("Il foglio è vuoto o non ha la riga di intestazione.".into()),
    }
    sheet.rows = rows.map(|(r, cells)| (r as usize + 1, cells)).collect();
    check_shape(&sheet)?;
    Ok(sheet)
}

/// Reads a CSV (`;`, optional BOM) within the limits.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big_file());
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(bytes);
    let headers: Vec<String> = r
        .headers()
        .map_err(|_| "Manca la riga di intestazione.".to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.len() > MAX_COLUMNS {
        return Err(too_many_columns());
    }
    let mut budget = Budget::new();
    for h in &headers {
        budget.cell(&SheetValue::Text(h.clone()), 1)?;
    }
    let mut sheet = Sheet {
        headers,
        rows: Vec::new(),
    };
    // The line of a record is counted from its byte offset (cells may
    // hold line breaks). The reader gives the first record the header's
    // position, so that one starts after the header's line; blank lines
    // between records are skipped by the reader and counted here.
    let header_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in r.records() {
        let record = record.map_err(|e| format!("CSV non valido: {e}"))?;
        if sheet.rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        if record.len() > MAX_COLUMNS {
            return Err(too_many_columns());
        }
        let mut start = record
            .position()
            .map_or(header_end, |p| p.byte() as usize)
            .max(header_end)
            .max(counted_to);
        // With CRLF the position can fall on the previous line's terminator.
        while start < bytes.len() && (bytes[start] == b'\r' || bytes[start] == b'\n') {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        let mut cells = Vec::new();
        for (c, v) in record.iter().enumerate() {
            if !v.is_empty() {
                let value = SheetValue::Text(v.to_string());
                budget.cell(&value, line)?;
                cells.push((c, value));
            }
        }
        sheet.rows.push((line, cells));
    }
    check_shape(&sheet)?;
    Ok(sheet)
}

/// Runs a file's parsing off the async runtime: one file at a time (the
/// permit goes with the work, so a file whose request gave up still holds
/// it until its parsing really ends), within [`READ_TIME_LIMIT`], which is
/// shorter than a request's own limit so that its message can be shown.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    static ONE_AT_A_TIME: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    let gate = ONE_AT_A_TIME
        .get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1)))
        .clone();
    let busy = || "Il server sta leggendo un altro file: riprovare tra poco.".to_string();
    let permit = tokio::time::timeout(READ_TIME_LIMIT, gate.acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let job = tokio::task::spawn_blocking(move || {
        let r = work();
        drop(permit);
        r
    });
    match tokio::time::timeout(READ_TIME_LIMIT + Duration::from_secs(1), job).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("Il file non è leggibile.".into()),
        Err(_) => Err(too_slow()),
    }
}

/// Reads a file's sheet off the async runtime (see [`off_runtime`]).
pub async fn read_sheet(bytes: Vec<u8>, xlsx: bool) -> Result<Sheet, String> {
    off_runtime(move || {
        if xlsx {
            read_xlsx(&bytes)
        } else {
            read_csv(&bytes)
        }
    })
    .await
}

/// Reads the rows of a file as text keyed by column; `key_of` turns a
/// header into the column key. Reading and keying both run off the runtime.
pub async fn read_rows(
    bytes: &[u8],
    xlsx: bool,
    key_of: impl Fn(&str) -> String + Send + 'static,
) -> Result<Vec<FileRow>, String> {
    let bytes = bytes.to_vec();
    off_runtime(move || {
        let sheet = if xlsx {
            read_xlsx(&bytes)?
        } else {
            read_csv(&bytes)?
        };
        Ok(keyed(&sheet, key_of))
    })
    .await
}

/// The rows of a sheet keyed by column, as text.
fn keyed(sheet: &Sheet, key_of: impl Fn(&str) -> String) -> Vec<FileRow> {
    let keys: Vec<String> = sheet.headers.iter().map(|h| key_of(h)).collect();
    sheet
        .rows
        .iter()
        .map(|(line, cells)| {
            let mut values: BTreeMap<String, String> =
                keys.iter().map(|k| (k.clone(), String::new())).collect();
            for (c, v) in cells {
                if let Some(k) = keys.get(*c) {
                    values.insert(k.clone(), v.to_italian());
                }
            }
            (*line, values)
        })
        .collect()
}
