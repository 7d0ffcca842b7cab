//! The annual operating plan (POA) as tables: one row per activity sheet,
//! one row per funding line, and the integrated budget by each axis. The web
//! pages, their exports and `zona export poa` all use these, so every view
//! shows the same figures.

use anyhow::{Context, Result};
use zona_core::planning::{
    budget_table, BudgetAxis, BudgetLine, BudgetTable, Vocabularies, Vocabulary,
};
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::sheets::{self, SheetQuery};
use zona_store::{vocabularies, Db, Page};

/// What the tables of one plan are made of.
pub struct PoaData {
    pub year: i64,
    pub plan_id: i64,
    pub labels: Vocabularies,
    pub lines: Vec<BudgetLine>,
}

impl PoaData {
    pub async fn load(db: &Db, zone_id: i64, year: i64) -> Result<Option<PoaData>> {
        let Some(plan_id) = zona_store::planning::annual_plan_id(db, zone_id, year).await? else {
            return Ok(None);
        };
        let labels = vocabularies::all_labels(db).await?;
        let lines = sheets::budget_lines(db, plan_id, &labels).await?;
        Ok(Some(PoaData {
            year,
            plan_id,
            labels,
            lines,
        }))
    }

    /// The funding sources in the vocabulary's order, as labels.
    fn source_order(&self) -> Vec<String> {
        self.labels
            .terms(Vocabulary::FundingSource)
            .iter()
            .map(|(_, l)| l.clone())
            .collect()
    }

    pub fn budget(&self, axis: BudgetAxis) -> BudgetTable {
        budget_table(&self.lines, axis, &self.source_order())
    }
}

/// One row per sheet: its place in the tree, its data and its total.
pub async fn sheets_table(db: &Db, data: &PoaData, q: &SheetQuery) -> Result<Table> {
    let (rows, _) = sheets::list_sheets(db, data.plan_id, q, Page::all()).await?;
    let mut t = Table::new(
        format!("POA {} schede attività", data.year),
        vec![
            Column::new("codice", "Codice", ColumnKind::Text),
            Column::new("obiettivo_salute", "Obiettivo di salute", ColumnKind::Text),
            Column::new("programma", "Programma", ColumnKind::Text),
            Column::new("titolo", "Titolo", ColumnKind::Text),
            Column::new("settore", "Settore", ColumnKind::Text),
            Column::new("tipologia", "Tipologia", ColumnKind::Text),
            Column::new("unita", "Unità responsabile", ColumnKind::Text),
            Column::new("ente", "Ente", ColumnKind::Text),
            Column::new("inizio", "Inizio", ColumnKind::Date),
            Column::new("fine", "Fine", ColumnKind::Date),
            Column::new("stato", "Stato", ColumnKind::Text),
            Column::new("avanzamento", "Avanzamento %", ColumnKind::Integer),
            Column::new("dimostrativa", "Dimostrativa", ColumnKind::Bool),
            Column::new("totale", "Totale (€)", ColumnKind::Money),
        ],
    );
    for r in rows {
        let label = |v: Vocabulary, c: &Option<String>| -> Cell {
            c.as_deref()
                .map(|c| Cell::Text(data.labels.label(v, c).to_string()))
                .unwrap_or(Cell::Empty)
        };
        t.push(vec![
            Cell::Text(r.code.clone()),
            Cell::Text(r.objective.clone()),
            Cell::Text(r.programme.clone()),
            Cell::Text(r.title.clone()),
            label(Vocabulary::Sector, &r.sector),
            label(Vocabulary::InterventionKind, &r.kind),
            r.unit_name.clone().into(),
            r.organisation_name.clone().into(),
            r.start_date.into(),
            r.end_date.into(),
            Cell::Text(r.status_label().to_string()),
            r.progress.into(),
            Cell::Bool(r.demo),
            Cell::Money(r.total()),
        ]);
    }
    Ok(t)
}

/// One row per funding line.
pub async fn funding_table(db: &Db, data: &PoaData) -> Result<Table> {
    let (rows, _) =
        sheets::list_sheets(db, data.plan_id, &SheetQuery::default(), Page::all()).await?;
    let codes: std::collections::HashMap<i64, (String, String)> = rows
        .into_iter()
        .map(|r| (r.id, (r.code, r.title)))
        .collect();
    let mut t = Table::new(
        format!("POA {} linee di finanziamento", data.year),
        vec![
            Column::new("codice", "Codice scheda", ColumnKind::Text),
            Column::new("titolo", "Titolo", ColumnKind::Text),
            Column::new("obiettivo_salute", "Obiettivo di salute", ColumnKind::Text),
            Column::new("programma", "Programma", ColumnKind::Text),
            Column::new("settore", "Settore", ColumnKind::Text),
            Column::new("ente", "Ente", ColumnKind::Text),
            Column::new("fonte", "Fonte di finanziamento", ColumnKind::Text),
            Column::new("importo", "Importo (€)", ColumnKind::Money),
        ],
    );
    for l in &data.lines {
        let (code, title) = codes
            .get(&l.activity_id)
            .cloned()
            .context("funding line of an unknown sheet")?;
        t.push(vec![
            Cell::Text(code),
            Cell::Text(title),
            Cell::Text(l.objective.clone()),
            Cell::Text(l.programme.clone()),
            Cell::Text(l.sector.clone()),
            Cell::Text(l.organisation.clone()),
            Cell::Text(l.source.clone()),
            Cell::Money(l.amount),
        ]);
    }
    Ok(t)
}

/// A budget table as an export: one column per source, the row total, and
/// a last row of totals.
pub fn budget_export(year: i64, b: &BudgetTable) -> Table {
    let mut columns = vec![Column::new("voce", b.axis, ColumnKind::Text)];
    for (i, s) in b.sources.iter().enumerate() {
        columns.push(Column::new(
            format!("fonte_{}", i + 1),
            format!("{s} (€)"),
            ColumnKind::Money,
        ));
    }
    columns.push(Column::new("totale", "Totale (€)", ColumnKind::Money));
    let mut t = Table::new(
        format!("POA {year} bilancio per {}", b.axis.to_lowercase()),
        columns,
    );
    for (label, amounts, total) in &b.rows {
        let mut row = vec![Cell::Text(label.clone())];
        row.extend(amounts.iter().map(|a| Cell::Money(*a)));
        row.push(Cell::Money(*total));
        t.push(row);
    }
    let mut last = vec![Cell::Text("Totale".into())];
    last.extend(b.source_totals.iter().map(|a| Cell::Money(*a)));
    last.push(Cell::Money(b.total));
    t.push(last);
    t
}

/// The whole plan as one workbook: sheets, funding lines, and the budget by
/// programme, health objective, sector and organisation.
pub async fn workbook(db: &Db, data: &PoaData) -> Result<Vec<u8>> {
    let mut tables = vec![
        sheets_table(db, data, &SheetQuery::default()).await?,
        funding_table(db, data).await?,
    ];
    for axis in BudgetAxis::ALL {
        let mut t = budget_export(data.year, &data.budget(axis));
        // Worksheet names must be unique within 31 characters.
        t.title = format!("Bilancio per {}", axis.code());
        tables.push(t);
    }
    tables[0].title = "Schede attività".into();
    tables[1].title = "Linee di finanziamento".into();
    Ok(zona_reports::workbook(&tables)?)
}
