//! `zona soc26 import`: many municipalities' forms from CSV or XLSX, all or
//! nothing.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
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

/// The rows of a file read within the import limits (`crate::import`), by
/// header. Spreadsheet numbers stay numbers (JSON numbers); text, and every
/// CSV cell, is a string for the Italian number reader.
async fn read_file(path: &Path, xlsx: bool) -> Result<Vec<Row>> {
    use crate::import::{SheetValue, MAX_FILE_BYTES};
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        bail!(
            "{}: il file supera i {} MB ammessi per un'importazione",
            path.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let sheet = crate::import::read_sheet(bytes, xlsx)
        .await
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let headers: Vec<String> = sheet.headers.iter().map(|h| h.trim().to_string()).collect();
    Ok(sheet
        .rows
        .into_iter()
        .map(|(line, cells)| {
            let values = cells
                .into_iter()
                .filter_map(|(c, v)| {
                    let value = match v {
                        SheetValue::Int(n) => Value::from(n),
                        // Whole numbers come back as floats: keep them whole.
                        SheetValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                            Value::from(f as i64)
                        }
                        SheetValue::Float(f) => serde_json::Number::from_f64(f)
                            .map(Value::Number)
                            .unwrap_or(Value::Null),
                        SheetValue::Bool(b) => Value::Bool(b),
                        other => Value::String(other.to_italian()),
                    };
                    headers.get(c).map(|h| (h.clone(), value))
                })
                .collect();
            (line, values)
        })
        .collect())
}

pub async fn run(path: &Path, zone: Option<&str>, database_url: &str) -> Result<()> {
    let rows = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => read_file(path, false).await?,
        Some("xlsx") => read_file(path, true).await?,
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
    let spec = zona_store::soc26::forms(&db).await?.latest().clone();

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
