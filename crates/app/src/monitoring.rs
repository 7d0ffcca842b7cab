//! Monitoring in bulk: the export of a plan's state of implementation and
//! its import from the same layout (CSV as exported, or XLSX), all or
//! nothing, with the line of every error. The columns are documented in
//! docs/monitoring.md.

use crate::import::FileRow;
use crate::poa::PoaData;
use anyhow::Result;
use std::collections::BTreeMap;
use zona_core::format::parse_date;
use zona_core::planning::{parse_decimal_it, parse_progress, Monitoring, Vocabulary};
use zona_core::validation::optional_text;
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::sheets::{self, SheetQuery};
use zona_store::{Db, Page};

pub const COLUMNS: [&str; 10] = [
    "codice",
    "titolo",
    "programma",
    "avanzamento",
    "data_rilevazione",
    "note_monitoraggio",
    "indicatore",
    "unita_misura",
    "valore_obiettivo",
    "valore_raggiunto",
];

/// One row per sheet and indicator (one row for a sheet without indicators).
pub async fn export_table(db: &Db, data: &PoaData) -> Result<Table> {
    let (rows, _) =
        sheets::list_sheets(db, data.plan_id, &SheetQuery::default(), Page::all()).await?;
    let indicators = sheets::plan_indicators(db, data.plan_id).await?;
    let headers = [
        ("Codice", ColumnKind::Text),
        ("Titolo", ColumnKind::Text),
        ("Programma", ColumnKind::Text),
        ("Avanzamento %", ColumnKind::Integer),
        ("Data della rilevazione", ColumnKind::Date),
        ("Note di monitoraggio", ColumnKind::Text),
        ("Indicatore", ColumnKind::Text),
        ("Unità di misura", ColumnKind::Text),
        ("Valore obiettivo", ColumnKind::Decimal),
        ("Valore raggiunto", ColumnKind::Decimal),
    ];
    let mut t = Table::new(
        format!("POA {} monitoraggio", data.year),
        COLUMNS
            .iter()
            .zip(headers)
            .map(|(k, (h, kind))| Column::new(*k, h, kind))
            .collect(),
    );
    for r in rows {
        let head = vec![
            Cell::Text(r.code.clone()),
            Cell::Text(r.title.clone()),
            Cell::Text(r.programme.clone()),
            r.progress.into(),
            r.survey_date.into(),
            r.monitoring_notes.clone().into(),
        ];
        let mine: Vec<_> = indicators.iter().filter(|(a, _)| *a == r.id).collect();
        if mine.is_empty() {
            let mut row = head.clone();
            row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
            t.push(row);
        }
        for (_, i) in mine {
            let mut row = head.clone();
            row.extend([
                Cell::Text(i.name.clone()),
                Cell::Text(
                    data.labels
                        .label(Vocabulary::IndicatorUnit, &i.unit)
                        .to_string(),
                ),
                i.target.map_or(Cell::Empty, Cell::Decimal),
                i.actual.map_or(Cell::Empty, Cell::Decimal),
            ]);
            t.push(row);
        }
    }
    Ok(t)
}

/// A sheet's new monitoring: id, expected version (none in bulk), values.
pub type Update = (i64, Option<i64>, Monitoring);

async fn read_rows(bytes: &[u8], xlsx: bool) -> Result<Vec<FileRow>, String> {
    let key_of = |h: &str| -> String {
        let h = h.trim();
        let headers = [
            "Codice",
            "Titolo",
            "Programma",
            "Avanzamento %",
            "Data della rilevazione",
            "Note di monitoraggio",
            "Indicatore",
            "Unità di misura",
            "Valore obiettivo",
            "Valore raggiunto",
        ];
        headers
            .iter()
            .position(|x| x.eq_ignore_ascii_case(h))
            .map_or_else(|| h.to_lowercase(), |i| COLUMNS[i].to_string())
    };
    let out = crate::import::read_rows(bytes, xlsx, key_of).await?;
    for needed in ["codice", "avanzamento"] {
        if out.first().is_some_and(|(_, r)| !r.contains_key(needed)) {
            return Err(format!("Manca la colonna «{needed}»."));
        }
    }
    Ok(out)
}

/// Reads a monitoring file for a plan and checks it against the plan's
/// sheets: the updates, or every problem with its line.
pub async fn parse_import(
    db: &Db,
    plan_id: i64,
    bytes: &[u8],
    xlsx: bool,
) -> Result<Result<Vec<Update>, Vec<String>>> {
    let rows = match read_rows(bytes, xlsx).await {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e])),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["Il file non contiene righe.".into()]));
    }
    let (sheets_list, _) =
        sheets::list_sheets(db, plan_id, &SheetQuery::default(), Page::all()).await?;
    let indicators = sheets::plan_indicators(db, plan_id).await?;
    let mut errors = Vec::new();
    // code → (first line, monitoring, which sheet-level values were given)
    let mut by_code: BTreeMap<String, (usize, i64, Monitoring)> = BTreeMap::new();
    for (line, r) in &rows {
        let get = |k: &str| r.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let code = get("codice");
        if code.is_empty() && r.values().all(|v| v.trim().is_empty()) {
            continue;
        }
        let Some(sheet) = sheets_list.iter().find(|s| s.code == code) else {
            errors.push(format!(
                "Riga {line}: la scheda «{code}» non è in questa programmazione."
            ));
            continue;
        };
        let mine: Vec<&zona_core::planning::Indicator> = indicators
            .iter()
            .filter(|(a, _)| *a == sheet.id)
            .map(|(_, i)| i)
            .collect();
        let progress = match parse_progress(&get("avanzamento")) {
            Ok(p) => p,
            Err(e) => {
                errors.push(format!("Riga {line}: {e}"));
                continue;
            }
        };
        let survey_date = match get("data_rilevazione").as_str() {
            "" => None,
            s => match parse_date(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(format!("Riga {line}: {e}"));
                    continue;
                }
            },
        };
        let notes = match optional_text(&get("note_monitoraggio"), 10_000) {
            Ok(n) => n,
            Err(e) => {
                errors.push(format!("Riga {line}: note: {e}"));
                continue;
            }
        };
        let entry = by_code.entry(code.clone()).or_insert_with(|| {
            (
                *line,
                sheet.id,
                Monitoring {
                    progress,
                    survey_date,
                    notes: notes.clone(),
                    actuals: mine.iter().map(|i| i.actual).collect(),
                },
            )
        });
        if entry.2.progress != progress
            || entry.2.survey_date != survey_date
            || entry.2.notes != notes
        {
            errors.push(format!(
                "Riga {line}: avanzamento, data o note della scheda {code} diversi da quelli della riga {}.",
                entry.0
            ));
            continue;
        }
        let name = get("indicatore");
        if name.is_empty() {
            continue;
        }
        let Some(pos) = mine.iter().position(|i| i.name == name) else {
            errors.push(format!(
                "Riga {line}: la scheda {code} non ha l'indicatore «{name}»."
            ));
            continue;
        };
        match get("valore_raggiunto").as_str() {
            "" => entry.2.actuals[pos] = None,
            v => match parse_decimal_it(v) {
                Ok(d) => entry.2.actuals[pos] = Some(d),
                Err(e) => errors.push(format!("Riga {line}: {e}")),
            },
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(by_code
        .into_values()
        .map(|(_, id, m)| (id, None, m))
        .collect()))
}
