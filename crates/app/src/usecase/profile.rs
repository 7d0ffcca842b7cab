//! The health profile's indicators in and out: a file of definitions or of
//! values (`docs/health-profile.md`), imported all or nothing.

use super::Error;
use crate::import::{self, FileRow};
use std::collections::HashSet;
use zona_core::profile::{read_definition_row, read_value_row, DEFINITION_COLUMNS};
use zona_store::{profile, Actor, Db};

/// The most problems an import reports; the file is refused either way.
const MAX_PROBLEMS: usize = 30;

/// What an import wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Imported {
    Definitions { added: u64, replaced: u64 },
    Values { added: u64, replaced: u64 },
}

impl Imported {
    pub fn describe(self) -> String {
        match self {
            Imported::Definitions { added, replaced } => {
                format!("definizioni degli indicatori: {added} nuove, {replaced} aggiornate")
            }
            Imported::Values { added, replaced } => {
                format!("valori degli indicatori: {added} nuovi, {replaced} sostituiti")
            }
        }
    }
}

/// Reads a file of definitions (it has the column `polarita`) or of values
/// (it has `valore`), and writes it whole, or refuses it whole with the
/// line and column of each problem.
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8], xlsx: bool) -> Result<Imported, Error> {
    let rows = import::read_rows(bytes, xlsx, |h| h.trim().to_lowercase())
        .await
        .map_err(Error::Refused)?;
    let Some((_, first)) = rows.first() else {
        return Err(Error::Refused("Il file non ha righe di dati.".into()));
    };
    let cell = |row: &FileRow, c: &str| row.1.get(c).cloned().unwrap_or_default();
    let mut problems: Vec<String> = Vec::new();
    let mut note = |line: usize, column: &str, message: &str| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!("Riga {line}, colonna {column}: {message}"));
        }
    };
    if first.contains_key("polarita") {
        let mut defs = Vec::new();
        let mut seen = HashSet::new();
        for row in &rows {
            match read_definition_row(|c| cell(row, c)) {
                Ok(d) => {
                    if !seen.insert(d.code.to_lowercase()) {
                        note(
                            row.0,
                            "codice",
                            "codice già presente in una riga precedente del file.",
                        );
                    }
                    defs.push(d);
                }
                Err(e) => e.iter().for_each(|(c, m)| note(row.0, c, m)),
            }
        }
        if !problems.is_empty() {
            return Err(refused(problems));
        }
        let (added, replaced) = profile::import_definitions(db, actor, &defs).await?;
        return Ok(Imported::Definitions { added, replaced });
    }
    if !first.contains_key("valore") {
        return Err(Error::Refused(format!(
            "Intestazione non riconosciuta: un file di definizioni ha le colonne {}; un file di valori ha le colonne {}.",
            DEFINITION_COLUMNS.join(";"),
            zona_core::profile::COLUMNS.join(";")
        )));
    }
    let ids = profile::ids_by_code(db).await?;
    let mut values = Vec::new();
    let mut seen = HashSet::new();
    for row in &rows {
        match read_value_row(|c| cell(row, c)) {
            Ok(v) => match ids.get(&v.indicator.to_lowercase()) {
                Some(id) => {
                    let key = (
                        *id,
                        v.level,
                        v.territory.to_lowercase(),
                        v.period,
                        v.sex,
                        v.age_band.to_lowercase(),
                    );
                    if !seen.insert(key) {
                        note(row.0, "indicatore", "lo stesso valore (indicatore, territorio, periodo, sesso ed età) è già in una riga precedente del file.");
                    }
                    values.push((*id, v));
                }
                None => note(
                    row.0,
                    "indicatore",
                    &format!(
                        "«{}» non è un indicatore definito: importare prima la sua definizione.",
                        v.indicator
                    ),
                ),
            },
            Err(e) => e.iter().for_each(|(c, m)| note(row.0, c, m)),
        }
    }
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    let (added, replaced) = profile::import_values(db, actor, &values).await?;
    Ok(Imported::Values { added, replaced })
}

fn refused(problems: Vec<String>) -> Error {
    let more = if problems.len() >= MAX_PROBLEMS {
        format!("\n(i primi {MAX_PROBLEMS} problemi)")
    } else {
        String::new()
    };
    Error::Refused(format!(
        "File non importato, nessun dato è stato scritto:\n{}{more}",
        problems.join("\n")
    ))
}

/// Every value as a table in the long format: exported, it imports again.
pub async fn values_table(db: &Db) -> Result<zona_reports::Table, Error> {
    use zona_reports::{Cell, Column, ColumnKind, Table};
    let kinds = [
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Decimal,
        ColumnKind::Decimal,
        ColumnKind::Decimal,
        ColumnKind::Decimal,
        ColumnKind::Decimal,
        ColumnKind::Bool,
    ];
    let mut t = Table::new(
        "Valori degli indicatori del profilo di salute",
        zona_core::profile::COLUMNS
            .iter()
            .zip(kinds)
            .map(|(c, k)| Column::new(*c, *c, k))
            .collect(),
    );
    let dec = |s: &Option<String>| match s.as_deref().map(str::parse::<rust_decimal::Decimal>) {
        Some(Ok(d)) => Cell::Decimal(d),
        _ => Cell::Empty,
    };
    for v in profile::values(db).await? {
        let period = if v.period_from == v.period_to {
            v.period_from.to_string()
        } else {
            format!("{}-{}", v.period_from, v.period_to)
        };
        t.push(vec![
            Cell::Text(v.indicator),
            Cell::Text(v.level.code().into()),
            Cell::Text(v.territory),
            Cell::Text(period),
            Cell::Text(v.sex.code().into()),
            Cell::Text(v.age_band),
            dec(&Some(v.value)),
            dec(&v.numerator),
            dec(&v.denominator),
            dec(&v.ci_low),
            dec(&v.ci_high),
            Cell::Bool(v.demo),
        ]);
    }
    Ok(t)
}
