//! `zona soc26 import`: many municipalities' forms from CSV or XLSX, all or
//! nothing.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use zona_core::soc26::Soc26Spec;
use zona_core::soc26_json::{read, unflatten};
use zona_store::territory::{self, ListQuery};
use zona_store::{Actor, Page};

/// Columns of an exported file that are not input: identification and
/// computed values. Import reads `codice_istat` and ignores the rest.
fn is_output_column(h: &str) -> bool {
    matches!(
        h,
        "codice_istat"
            | "comune"
            | "completa"
            | "R01B"
            | "R04"
            | "R15"
            | "servizio_non_inferiore"
            | "spesa_non_inferiore"
            | "quadro3_richiesto"
    ) || h.starts_with("ROB_")
        || h.contains("_media_ore_")
}

/// One data row: its line in the file and its values by header.
type Row = (usize, BTreeMap<String, Value>);

fn read_csv(path: &Path) -> Result<Vec<Row>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let headers: Vec<String> = r
        .headers()
        .context("cannot read the header line")?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in r.records() {
        let record = record.map_err(|e| anyhow!("CSV non valido: {e}"))?;
        // The reader counts the header's line as the first record's.
        let line = record.position().map_or(0, |p| p.line() as usize + 1);
        let values = headers
            .iter()
            .cloned()
            .zip(record.iter().map(|v| Value::String(v.to_string())))
            .collect();
        rows.push((line, values));
    }
    Ok(rows)
}

fn read_xlsx(path: &Path) -> Result<Vec<Row>> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb =
        open_workbook_auto(path).with_context(|| format!("cannot open {}", path.display()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("the workbook has no sheet"))?;
    let range = wb
        .worksheet_range(&sheet)
        .with_context(|| format!("cannot read the sheet {sheet}"))?;
    let mut it = range.rows();
    let headers: Vec<String> = it
        .next()
        .ok_or_else(|| anyhow!("the sheet is empty"))?
        .iter()
        .map(|c| c.to_string().trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, row) in it.enumerate() {
        let values = headers
            .iter()
            .cloned()
            .zip(row.iter().map(|c| {
                match c {
                    Data::Empty => Value::Null,
                    Data::Int(n) => Value::from(*n),
                    // Whole numbers come back as floats: keep them whole.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        Value::from(*f as i64)
                    }
                    Data::Float(f) => serde_json::Number::from_f64(*f)
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                    Data::Bool(b) => Value::Bool(*b),
                    other => Value::String(other.to_string()),
                }
            }))
            .collect();
        rows.push((i + 2, values));
    }
    Ok(rows)
}

pub async fn run(path: &Path, zone: Option<&str>, database_url: &str) -> Result<()> {
    let rows = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => read_csv(path)?,
        Some("xlsx") | Some("xls") | Some("ods") => read_xlsx(path)?,
        _ => bail!("{}: use a .csv or .xlsx file", path.display()),
    };
    let db = crate::cli::open(database_url).await?;
    let zone_id = crate::cli::zone_id(&db, zone).await?;
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let municipalities = territory::list_municipalities(&db, &q, Page::all())
        .await?
        .0;
    let spec = Soc26Spec::latest();

    let mut errors: Vec<String> = Vec::new();
    let mut forms: Vec<(i64, String, bool)> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    if rows.is_empty() {
        bail!("{}: no data rows", path.display());
    }
    for (line, values) in &rows {
        let istat = match values.get("codice_istat") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => format!("{:0>6}", n),
            _ => String::new(),
        };
        let Some(m) = municipalities.iter().find(|m| m.istat_code == istat) else {
            errors.push(format!(
                "riga {line}: codice_istat «{istat}» non corrisponde a nessun comune della zona"
            ));
            continue;
        };
        if let Some(first) = seen.insert(istat.clone(), *line) {
            errors.push(format!(
                "riga {line} ({}): il comune compare già alla riga {first}",
                m.name
            ));
            continue;
        }
        let input: BTreeMap<String, Value> = values
            .iter()
            .filter(|(h, _)| !is_output_column(h))
            .map(|(h, v)| (h.clone(), v.clone()))
            .collect();
        let (mut json, unknown) = unflatten(&spec, &input);
        for h in unknown {
            errors.push(format!(
                "riga {line} ({}): colonna sconosciuta «{h}»",
                m.name
            ));
        }
        if json.get("name").is_none() {
            json["name"] = Value::String(m.name.to_uppercase());
        }
        let text = json.to_string();
        match read(&spec, &text) {
            Ok((_, problems)) if problems.is_empty() => forms.push((m.id, text, true)),
            Ok((_, problems)) | Err(problems) => {
                for p in problems {
                    errors.push(format!(
                        "riga {line} ({}): {}: {}",
                        m.name, p.field, p.message
                    ));
                }
            }
        }
    }
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("{e}");
        }
        bail!(
            "{}: {} error(s), no form was loaded",
            path.display(),
            errors.len()
        );
    }
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let n = zona_store::soc26::import(
        &db,
        &Actor::system("cli"),
        i64::from(spec.year),
        &forms,
        &file,
    )
    .await?;
    println!("{n} SOC26 forms loaded from {}", path.display());
    Ok(())
}
