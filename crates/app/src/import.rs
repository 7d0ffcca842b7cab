//! Reading tables people bring back: a CSV (`;`, as zona exports it) or the
//! first sheet of an XLSX file, as rows keyed by column, each with the line it
//! came from, so every error can name its line.

use std::collections::BTreeMap;

/// A data row of the file: its line and its values by column key.
pub type FileRow = (usize, BTreeMap<String, String>);

/// Reads the rows; `key_of` turns a header into the column key.
pub fn read_rows(
    bytes: &[u8],
    xlsx: bool,
    key_of: impl Fn(&str) -> String,
) -> Result<Vec<FileRow>, String> {
    let mut out = Vec::new();
    if xlsx {
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|_| "Il file non è un foglio Excel (.xlsx) leggibile.".to_string())?;
        let name = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or("Il foglio Excel è vuoto.")?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("Foglio «{name}» illeggibile: {e}"))?;
        let mut it = range.rows();
        let headers: Vec<String> = it
            .next()
            .ok_or("Il foglio è vuoto.")?
            .iter()
            .map(|c| key_of(&c.to_string()))
            .collect();
        for (i, row) in it.enumerate() {
            let values: BTreeMap<String, String> = headers
                .iter()
                .cloned()
                .zip(row.iter().map(|c| {
                    match c {
                        Data::Float(f) => {
                            let d = rust_decimal::Decimal::try_from(*f)
                                .unwrap_or_default()
                                .normalize();
                            d.to_string().replace('.', ",")
                        }
                        Data::Int(n) => n.to_string(),
                        // Excel's serial day 0 is 30/12/1899 (Julian day 2415019).
                        Data::DateTime(dt) => {
                            time::Date::from_julian_day(2_415_019 + dt.as_f64().floor() as i32)
                                .map(zona_core::format::date)
                                .unwrap_or_default()
                        }
                        other => other.to_string(),
                    }
                }))
                .collect();
            out.push((i + 2, values));
        }
    } else {
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_reader(bytes);
        let headers: Vec<String> = r
            .headers()
            .map_err(|_| "Manca la riga di intestazione.".to_string())?
            .iter()
            .map(key_of)
            .collect();
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
            out.push((
                line,
                headers
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_string))
                    .collect(),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(csv: &str) -> Vec<usize> {
        read_rows(csv.as_bytes(), false, |h| h.to_string())
            .unwrap()
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
