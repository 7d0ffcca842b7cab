use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};
use zona_core::{format, Cents};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Integer,
    Money,
    Date,
    DateTime,
    Bool,
    Decimal,
}

#[derive(Clone, Debug)]
pub struct Column {
    /// Stable machine name (JSON keys).
    pub key: String,
    /// Italian header (CSV, XLSX).
    pub header: String,
    pub kind: ColumnKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Money(Cents),
    Date(Date),
    DateTime(OffsetDateTime),
    Bool(bool),
    /// An exact decimal that is not money (staff counts, percentages).
    Decimal(rust_decimal::Decimal),
}

impl Column {
    pub fn new(key: impl Into<String>, header: impl Into<String>, kind: ColumnKind) -> Column {
        Column {
            key: key.into(),
            header: header.into(),
            kind,
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Integer(n)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}
impl From<Cents> for Cell {
    fn from(c: Cents) -> Cell {
        Cell::Money(c)
    }
}
impl From<Date> for Cell {
    fn from(d: Date) -> Cell {
        Cell::Date(d)
    }
}
impl From<OffsetDateTime> for Cell {
    fn from(t: OffsetDateTime) -> Cell {
        Cell::DateTime(t)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Cell {
        o.map(Into::into).unwrap_or(Cell::Empty)
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    /// Italian title: the XLSX sheet name and the file name stem.
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Json => "application/json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("XLSX: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Table {
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            title: title.into(),
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width");
        self.rows.push(row);
    }

    pub fn write(&self, format: ExportFormat) -> Result<Vec<u8>, ExportError> {
        match format {
            ExportFormat::Csv => self.to_csv(),
            ExportFormat::Xlsx => self.to_xlsx(),
            ExportFormat::Json => self.to_json(),
        }
    }

    /// File name for downloads: `enti-2026-11-23.csv`.
    pub fn file_name(&self, format: ExportFormat, today: Date) -> String {
        let stem: String = self
            .title
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'à' | 'á' => 'a',
                'è' | 'é' => 'e',
                'ì' | 'í' => 'i',
                'ò' | 'ó' => 'o',
                'ù' | 'ú' => 'u',
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            })
            .collect();
        let stem = stem
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("{stem}-{today}.{}", format.extension())
    }

    /// CSV as Excel opens it in Italy: UTF-8 with BOM, `;` between fields,
    /// `,` as the decimal separator, no thousands separators, dates dd/mm/yyyy.
    pub fn to_csv(&self) -> Result<Vec<u8>, ExportError> {
        let mut out = vec![0xEF, 0xBB, 0xBF];
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut out);
            // Headers can come from data (a facility's name in the services
            // matrix): they are neutralised like any cell.
            w.write_record(self.columns.iter().map(|c| neutralise_formula(&c.header)))?;
            for row in &self.rows {
                w.write_record(row.iter().map(csv_cell))?;
            }
            w.flush().map_err(csv::Error::from)?;
        }
        Ok(out)
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, ExportError> {
        workbook(std::slice::from_ref(self))
    }

    fn write_sheet(&self, wb: &mut Workbook) -> Result<(), ExportError> {
        let ws = wb.add_worksheet();
        // Excel limits sheet names to 31 characters and forbids some symbols.
        let sheet: String = self
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(if sheet.is_empty() { "Dati" } else { &sheet })?;
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("#,##0.00 [$€-it-IT]");
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let datetime = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        for (c, col) in self.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, &col.header, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string(r, c, within_cell_limit(s).as_ref())?;
                    }
                    Cell::Integer(n) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    // XLSX stores numbers as IEEE doubles; the decimal
                    // string round-trips exactly for any amount under 2^53 cents.
                    Cell::Money(m) => {
                        let v: f64 = m.to_decimal().to_string().parse().unwrap_or(0.0);
                        ws.write_number_with_format(r, c, v, &money)?;
                    }
                    Cell::Date(d) => {
                        let xd = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            d.year() as u16,
                            u8::from(d.month()),
                            d.day(),
                        )?;
                        ws.write_datetime_with_format(r, c, &xd, &date)?;
                    }
                    Cell::DateTime(t) => {
                        let l = format::to_italian_time(*t);
                        let xd = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            l.year() as u16,
                            u8::from(l.month()),
                            l.day(),
                        )?
                        .and_hms(
                            u16::from(l.hour()),
                            l.minute(),
                            l.second(),
                        )?;
                        ws.write_datetime_with_format(r, c, &xd, &datetime)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_string(r, c, if *b { "Sì" } else { "No" })?;
                    }
                    Cell::Decimal(d) => {
                        let v: f64 = d.to_string().parse().unwrap_or(0.0);
                        ws.write_number(r, c, v)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
        Ok(())
    }

    /// JSON: an array of objects keyed by column key; money as a decimal
    /// string in euros (`"1461245.92"`), so no reader turns it into a float.
    pub fn to_json(&self) -> Result<Vec<u8>, ExportError> {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut m = Map::new();
                for (col, cell) in self.columns.iter().zip(row) {
                    m.insert(col.key.clone(), json_cell(cell));
                }
                Value::Object(m)
            })
            .collect();
        Ok(serde_json::to_vec_pretty(&Value::Array(rows))?)
    }
}

/// The most characters a spreadsheet cell holds (Excel's limit; a longer
/// one makes the whole file unreadable).
pub const MAX_CELL_CHARS: usize = 32_767;

/// A text cut to what a cell holds, with a visible mark where it was cut.
pub fn within_cell_limit(s: &str) -> std::borrow::Cow<'_, str> {
    // Counted in UTF-16 units, as Excel counts them.
    if s.encode_utf16().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let mark = " […]";
    let room = MAX_CELL_CHARS - mark.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for ch in s.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        out.push(ch);
    }
    out.push_str(mark);
    std::borrow::Cow::Owned(out)
}

/// One workbook with a worksheet per table, in order; sheet names come from
/// the tables' titles and must differ in their first 31 characters.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    for t in tables {
        t.write_sheet(&mut wb)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// A cell as people read it in a document: money as "1.234,56".
pub fn display_cell(cell: &Cell) -> String {
    match cell {
        Cell::Money(m) => m.to_string(),
        Cell::Text(s) => s.clone(),
        other => csv_cell(other),
    }
}

fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => neutralise_formula(s),
        Cell::Integer(n) => n.to_string(),
        Cell::Money(m) => m.to_decimal().to_string().replace('.', ","),
        Cell::Date(d) => format::date(*d),
        Cell::DateTime(t) => format::datetime(*t),
        Cell::Bool(b) => (if *b { "Sì" } else { "No" }).to_string(),
        Cell::Decimal(d) => d.to_string().replace('.', ","),
    }
}

/// A text cell starting with `=`, `+`, `-` or `@` would run as a formula in a
/// spreadsheet (CSV injection): prefix it with an apostrophe.
fn neutralise_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn json_cell(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Integer(n) => Value::from(*n),
        Cell::Money(m) => Value::String(m.to_decimal().to_string()),
        Cell::Date(d) => Value::String(d.to_string()),
        Cell::DateTime(t) => Value::String(
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        ),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Decimal(d) => Value::String(d.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_cell_is_longer_than_a_spreadsheet_holds() {
        assert_eq!(within_cell_limit("breve"), "breve");
        let long = "é".repeat(40_000);
        let cut = within_cell_limit(&long);
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(" […]"));
        // Characters outside the BMP count twice, as in Excel.
        let emoji = "😀".repeat(20_000);
        assert!(within_cell_limit(&emoji).encode_utf16().count() <= MAX_CELL_CHARS);
        let mut t = Table::new("Note", vec![Column::new("nota", "Nota", ColumnKind::Text)]);
        t.push(vec![Cell::Text(long)]);
        let bytes = t.to_xlsx().unwrap();
        assert!(!bytes.is_empty());
    }

    use super::*;
    use time::macros::{date, datetime};

    fn sample() -> Table {
        let mut t = Table::new(
            "Schede attività",
            vec![
                Column::new("name", "Nome", ColumnKind::Text),
                Column::new("amount", "Importo", ColumnKind::Money),
                Column::new("count", "Utenti", ColumnKind::Integer),
                Column::new("start", "Inizio", ColumnKind::Date),
                Column::new("at", "Ora", ColumnKind::DateTime),
                Column::new("active", "Attivo", ColumnKind::Bool),
            ],
        );
        t.push(vec![
            "FSE+ assistenza domiciliare; \"4 azioni\"".into(),
            Cents(146_124_592).into(),
            20967i64.into(),
            Cell::Date(date!(2024 - 01 - 01)),
            datetime!(2026-03-30 09:51 UTC).into(),
            true.into(),
        ]);
        t.push(vec![
            "=HYPERLINK(\"x\")".into(),
            Cents(-5).into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            false.into(),
        ]);
        t
    }

    #[test]
    fn csv_follows_italian_conventions() {
        let bytes = sample().to_csv().unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Nome;Importo;Utenti;Inizio;Ora;Attivo");
        assert_eq!(
            lines[1],
            "\"FSE+ assistenza domiciliare; \"\"4 azioni\"\"\";1461245,92;20967;01/01/2024;30/03/2026 11:51;Sì"
        );
        assert_eq!(lines[2], "\"'=HYPERLINK(\"\"x\"\")\";-0,05;;;;No");
    }

    #[test]
    fn a_header_from_data_cannot_be_a_formula() {
        let mut t = Table::new(
            "Matrice",
            vec![
                Column::new("servizio", "Servizio", ColumnKind::Text),
                Column::new("f1", "=HYPERLINK(\"http://x\")", ColumnKind::Text),
            ],
        );
        t.push(vec![
            Cell::Text("Consultorio".into()),
            Cell::Text("×".into()),
        ]);
        let text = String::from_utf8(t.to_csv().unwrap()[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("Servizio;\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"),
            "{text}"
        );
    }

    #[test]
    fn json_keeps_money_exact() {
        let v: Value = serde_json::from_slice(&sample().to_json().unwrap()).unwrap();
        assert_eq!(v[0]["amount"], "1461245.92");
        assert_eq!(v[0]["count"], 20967);
        assert_eq!(v[0]["start"], "2024-01-01");
        assert_eq!(v[0]["at"], "2026-03-30T09:51:00Z");
        assert_eq!(v[1]["count"], Value::Null);
        assert_eq!(v[1]["active"], false);
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = sample().to_xlsx().unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn file_names() {
        let t = sample();
        assert_eq!(
            t.file_name(ExportFormat::Csv, date!(2026 - 11 - 23)),
            "schede-attivita-2026-11-23.csv"
        );
        assert_eq!(ExportFormat::parse("XLSX"), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("pdf"), None);
    }
}
