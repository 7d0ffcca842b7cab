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
/// The longest an import may be read for.
pub const READ_TIME_LIMIT: Duration = Duration::from_secs(30);

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

/// Counts the `<si` elements (shared strings) in a stream, across chunks.
struct SharedStringCounter {
    tail: Vec<u8>,
    count: u64,
}

impl SharedStringCounter {
    fn feed(&mut self, chunk: &[u8]) {
        let mut buf = std::mem::take(&mut self.tail);
        buf.extend_from_slice(chunk);
        let n = buf.len();
        let mut i = 0;
        while i + 3 < n {
            if (buf[i] == b'<' || buf[i] == b':')
                && buf[i + 1] == b's'
                && buf[i + 2] == b'i'
                && matches!(buf[i + 3], b'>' | b' ' | b'/' | b'\t' | b'\n' | b'\r')
            {
                self.count += 1;
            }
            i += 1;
        }
        self.tail = buf[n.saturating_sub(3)..].to_vec();
    }
}

/// Checks the archive under an XLSX file before anything parses it: the
/// number of entries, what they really decompress to (read to the end, not
/// taken from their headers, which a crafted file can falsify) and the
/// number of shared strings, declared and real.
fn check_archive(bytes: &[u8]) -> Result<(), String> {
    let unreadable = || "Il file non è un foglio Excel (.xlsx) leggibile.".to_string();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > MAX_ARCHIVE_ENTRIES {
        return Err(unreadable());
    }
    let too_big = || {
        format!(
            "Il file, una volta decompresso, supera i {} MB ammessi.",
            MAX_UNCOMPRESSED_BYTES / (1024 * 1024)
        )
    };
    let mut total: u64 = 0;
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| unreadable())?;
        let shared = entry
            .name()
            .map_err(|_| unreadable())?
            .ends_with("sharedStrings.xml");
        let mut counter = SharedStringCounter {
            tail: Vec::new(),
            count: 0,
        };
        let mut head: Vec<u8> = Vec::new();
        loop {
            let n = entry.read(&mut chunk).map_err(|_| unreadable())?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_UNCOMPRESSED_BYTES {
                return Err(too_big());
            }
            if shared {
                if head.len() < 4096 {
                    head.extend_from_slice(&chunk[..n.min(4096 - head.len())]);
                }
                counter.feed(&chunk[..n]);
                if counter.count > MAX_SHARED_STRINGS {
                    return Err(format!(
                        "Il file contiene più di {} testi diversi.",
                        zona_core::format::thousands(MAX_SHARED_STRINGS)
                    ));
                }
            }
        }
        // calamine reserves room for the declared count before reading.
        if shared {
            if let Some(declared) = declared_unique_count(&head) {
                if declared > MAX_SHARED_STRINGS {
                    return Err(format!(
                        "Il file dichiara più di {} testi diversi.",
                        zona_core::format::thousands(MAX_SHARED_STRINGS)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` attribute of `<sst>`, if the start of the part has it.
fn declared_unique_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("uniqueCount=")? + "uniqueCount=".len();
    let rest = text[at..].trim_start_matches(['"', '\'']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    // More digits than any bound can have is beyond the bound.
    if digits.len() > 18 {
        return Some(u64::MAX);
    }
    digits.parse().ok()
}

/// Reads the first sheet of an XLSX file within the limits.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, String> {
    use calamine::{DataRef, Reader, Xlsx};
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big_file());
    }
    check_archive(bytes)?;
    let unreadable = || "Il file non è un foglio Excel (.xlsx) leggibile.".to_string();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or("Il foglio Excel è vuoto.")?;
    // Cell by cell: a sheet's declared size is never used to allocate.
    let mut cells = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| format!("Foglio «{name}» illeggibile: {e}"))?;
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
            // Excel's serial day 0 is 30/12/1899 (Julian day 2415019).
            DataRef::DateTime(dt) => {
                let day = dt.as_f64().floor();
                match (day.is_finite() && day.abs() < 3_000_000.0)
                    .then(|| time::Date::from_julian_day(2_415_019 + day as i32).ok())
                    .flatten()
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
        if let SheetValue::Text(t) = &value {
            if t.chars().count() > MAX_CELL_CHARS {
                return Err(cell_too_long(row as usize + 1));
            }
        }
        by_row.entry(row).or_default().push((col as usize, value));
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
        _ => return Err("Il foglio è vuoto o non ha la riga di intestazione.".into()),
    }
    sheet.rows = rows.map(|(r, cells)| (r as usize + 1, cells)).collect();
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
            if v.chars().count() > MAX_CELL_CHARS {
                return Err(cell_too_long(line));
            }
            if !v.is_empty() {
                cells.push((c, SheetValue::Text(v.to_string())));
            }
        }
        sheet.rows.push((line, cells));
    }
    Ok(sheet)
}

/// Reads a file's sheet off the async runtime: one file at a time, within
/// [`READ_TIME_LIMIT`], so that a heavy file never stalls other requests.
pub async fn read_sheet(bytes: Vec<u8>, xlsx: bool) -> Result<Sheet, String> {
    static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    let busy = || "Il server sta leggendo un altro file: riprovare tra poco.".to_string();
    let _permit = tokio::time::timeout(READ_TIME_LIMIT, ONE_AT_A_TIME.acquire())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let work = tokio::task::spawn_blocking(move || {
        if xlsx {
            read_xlsx(&bytes)
        } else {
            read_csv(&bytes)
        }
    });
    match tokio::time::timeout(READ_TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("Il file non è leggibile.".into()),
        Err(_) => Err(format!(
            "La lettura del file ha superato i {} secondi ammessi.",
            READ_TIME_LIMIT.as_secs()
        )),
    }
}

/// Reads the rows of a file as text keyed by column; `key_of` turns a
/// header into the column key.
pub async fn read_rows(
    bytes: &[u8],
    xlsx: bool,
    key_of: impl Fn(&str) -> String,
) -> Result<Vec<FileRow>, String> {
    let sheet = read_sheet(bytes.to_vec(), xlsx).await?;
    Ok(keyed(&sheet, key_of))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(csv: &str) -> Vec<usize> {
        read_csv(csv.as_bytes())
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
}
