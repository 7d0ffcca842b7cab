//! The annual operating plan (POA) as tables: one row per activity sheet,
//! one row per funding line, and the integrated budget by each axis. The web
//! pages, their exports and `zona export poa` all use these, so every view
//! shows the same figures.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use time::Date;
use zona_core::planning::{
    budget_table, by_municipality, year_share, BudgetAxis, BudgetLine, BudgetTable, Served,
    Vocabularies, Vocabulary,
};
use zona_core::Cents;
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::sheets::{self, SheetQuery};
use zona_store::{vocabularies, Db, Page};

/// What the tables of one plan are made of.
pub struct PoaData {
    pub year: i64,
    pub plan_id: i64,
    pub labels: Vocabularies,
    pub lines: Vec<BudgetLine>,
    /// The municipalities each sheet serves, and the zone's with their
    /// population: the budget by municipality.
    pub served: BTreeMap<i64, Vec<i64>>,
    pub municipalities: Vec<Served>,
    /// Each sheet's code, title and period: the share of a multi-year
    /// sheet that falls in the plan's year.
    pub sheets: BTreeMap<i64, SheetPeriod>,
}

#[derive(Clone, Debug)]
pub struct SheetPeriod {
    pub code: String,
    pub title: String,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// A sheet whose period runs over several years: its whole amount and the
/// share of the plan's year.
#[derive(Clone, Debug)]
pub struct MultiYear {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub period: String,
    pub whole: Cents,
    pub share: Cents,
}

impl PoaData {
    pub async fn load(db: &Db, zone_id: i64, year: i64) -> Result<Option<PoaData>> {
        let Some(plan_id) = zona_store::planning::annual_plan_id(db, zone_id, year).await? else {
            return Ok(None);
        };
        let labels = vocabularies::all_labels(db).await?;
        let lines = sheets::budget_lines(db, plan_id, &labels).await?;
        let q = zona_store::territory::ListQuery {
            zone_id: Some(zone_id),
            ..Default::default()
        };
        let municipalities = zona_store::territory::list_municipalities(db, &q, Page::all())
            .await?
            .0
            .into_iter()
            .map(|m| Served {
                id: m.id,
                name: m.name,
                population: m.population,
            })
            .collect();
        let (rows, _) =
            sheets::list_sheets(db, plan_id, &SheetQuery::default(), Page::all()).await?;
        let periods = rows
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    SheetPeriod {
                        code: r.code,
                        title: r.title,
                        start: r.start_date,
                        end: r.end_date,
                    },
                )
            })
            .collect();
        Ok(Some(PoaData {
            year,
            plan_id,
            labels,
            lines,
            served: sheets::served_municipalities(db, plan_id).await?,
            municipalities,
            sheets: periods,
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

    /// The funding lines with the amounts of the plan's year: a sheet that
    /// runs over several years counts for its days in this one
    /// (`year_share`).
    pub fn year_lines(&self) -> Vec<BudgetLine> {
        let year = i32::try_from(self.year).unwrap_or(i32::MAX);
        self.lines
            .iter()
            .map(|l| match self.sheets.get(&l.activity_id) {
                Some(p) => BudgetLine {
                    amount: year_share(l.amount, p.start, p.end, year),
                    ..l.clone()
                },
                None => l.clone(),
            })
            .collect()
    }

    /// The integrated budget of the plan's year by `axis`.
    pub fn budget(&self, axis: BudgetAxis) -> BudgetTable {
        let lines = self.year_lines();
        match axis {
            BudgetAxis::Municipality => budget_table(
                &by_municipality(&lines, &self.served, &self.municipalities),
                axis,
                &self.source_order(),
            ),
            _ => budget_table(&lines, axis, &self.source_order()),
        }
    }

    /// The sheets whose period runs over several years, with the share of
    /// the plan's year, in code order.
    pub fn multi_year(&self) -> Vec<MultiYear> {
        let year = i32::try_from(self.year).unwrap_or(i32::MAX);
        let mut whole: BTreeMap<i64, Cents> = BTreeMap::new();
        for l in &self.lines {
            let w = whole.entry(l.activity_id).or_insert(Cents::ZERO);
            *w = Cents(w.0 + l.amount.0);
        }
        let mut out: Vec<MultiYear> = whole
            .into_iter()
            .filter_map(|(id, amount)| {
                let p = self.sheets.get(&id)?;
                let share = self
                    .lines
                    .iter()
                    .filter(|l| l.activity_id == id)
                    .map(|l| year_share(l.amount, p.start, p.end, year).0)
                    .sum();
                (share != amount.0).then(|| MultiYear {
                    id,
                    code: p.code.clone(),
                    title: p.title.clone(),
                    period: match (p.start, p.end) {
                        (Some(s), Some(e)) => format!(
                            "dal {} al {}",
                            zona_core::format::date(s),
                            zona_core::format::date(e)
                        ),
                        _ => String::new(),
                    },
                    whole: amount,
                    share: Cents(share),
                })
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
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

fn budget_json(b: &BudgetTable) -> serde_json::Value {
    serde_json::json!({
        "axis": b.axis,
        "sources": b.sources,
        "rows": b.rows.iter().map(|(label, amounts, total)| serde_json::json!({
            "label": label,
            "amounts": amounts.iter().map(|a| a.format_plain()).collect::<Vec<_>>(),
            "total": total.format_plain(),
        })).collect::<Vec<_>>(),
        "source_totals": b.source_totals.iter().map(|a| a.format_plain()).collect::<Vec<_>>(),
        "total": b.total.format_plain(),
    })
}

/// The data of the POA document (`templates/poa.typ`): what the mayors'
/// conference reads, without internal notes.
pub async fn pdf_data(
    db: &Db,
    zone_id: i64,
    data: &PoaData,
    today: time::Date,
) -> Result<serde_json::Value> {
    use zona_core::format;
    let zone = zona_store::territory::get_zone(db, zone_id)
        .await?
        .context("zone")?;
    let summary = zona_store::planning::annual_plans(db, zone_id)
        .await?
        .into_iter()
        .find(|p| p.id == data.plan_id)
        .context("plan")?;
    let acts = sheets::acts(db, data.plan_id).await?;
    let tree = zona_store::planning::tree(db, data.plan_id).await?;
    let (muns, _) = zona_store::territory::list_municipalities(
        db,
        &zona_store::territory::ListQuery {
            zone_id: Some(zone_id),
            ..Default::default()
        },
        Page::all(),
    )
    .await?;
    let l = &data.labels;
    let mut totals = std::collections::HashMap::new();
    for line in &data.lines {
        let t: &mut zona_core::Cents = totals.entry(line.activity_id).or_default();
        t.0 += line.amount.0;
    }
    let total_of = |id: i64| totals.get(&id).copied().unwrap_or_default();
    let mut sheets_json = Vec::new();
    let mut tree_json = Vec::new();
    for o in &tree {
        let mut programmes = Vec::new();
        let mut o_total = zona_core::Cents::ZERO;
        for p in &o.programmes {
            let p_total: zona_core::Cents = p.activities.iter().map(|a| total_of(a.id)).sum();
            o_total.0 += p_total.0;
            programmes.push(serde_json::json!({
                "title": p.title,
                "activities": p.activities.len(),
                "total": p_total.to_string(),
            }));
            for a in &p.activities {
                let s = sheets::get_sheet(db, a.id).await?.context("sheet")?;
                let c = &s.content;
                let label = |v: Vocabulary, x: &Option<String>| {
                    x.as_deref()
                        .map_or("—".to_string(), |x| l.label(v, x).to_string())
                };
                let or_dash = |x: String| if x.is_empty() { "—".to_string() } else { x };
                let dec =
                    |d: Option<rust_decimal::Decimal>| d.map_or("—".to_string(), format::decimal);
                sheets_json.push(serde_json::json!({
                    "code": s.row.code,
                    "title": c.title,
                    "objective": s.row.objective,
                    "programme": s.row.programme,
                    "description": c.description.clone().unwrap_or_else(|| "—".into()),
                    "sector": label(Vocabulary::Sector, &c.sector),
                    "kind": label(Vocabulary::InterventionKind, &c.kind),
                    "areas": or_dash(c.target_areas.iter().map(|a| l.label(Vocabulary::TargetArea, a)).collect::<Vec<_>>().join(", ")),
                    "unit": s.row.unit_name.clone().unwrap_or_else(|| "—".into()),
                    "organisation": s.row.organisation_name.clone().unwrap_or_else(|| "—".into()),
                    "municipalities": or_dash(muns.iter().filter(|m| c.municipality_ids.contains(&m.id)).map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")),
                    "period": match (c.start_date, c.end_date) {
                        (Some(a), Some(b)) => format!("dal {} al {}", format::date(a), format::date(b)),
                        (Some(a), None) => format!("dal {}", format::date(a)),
                        (None, Some(b)) => format!("fino al {}", format::date(b)),
                        (None, None) => "—".into(),
                    },
                    "status": s.row.status().label(),
                    "funding": c.funding.iter().map(|f| serde_json::json!({
                        "source": l.label(Vocabulary::FundingSource, &f.source),
                        "year": f.year,
                        "amount": f.amount.to_string(),
                    })).collect::<Vec<_>>(),
                    "total": c.total().to_string(),
                    "indicators": c.indicators.iter().map(|i| serde_json::json!({
                        "name": i.name,
                        "unit": l.label(Vocabulary::IndicatorUnit, &i.unit),
                        "baseline": dec(i.baseline),
                        "target": dec(i.target),
                        "actual": dec(i.actual),
                    })).collect::<Vec<_>>(),
                }));
            }
        }
        tree_json.push(serde_json::json!({
            "title": o.title,
            "activities": o.activity_count(),
            "total": o_total.to_string(),
            "programmes": programmes,
        }));
    }
    // The plan's year: a multi-year sheet counts for its share (`year_lines`).
    let total: zona_core::Cents = data.year_lines().iter().map(|l| l.amount).sum();
    Ok(serde_json::json!({
        "zone": zone.name,
        "year": data.year,
        "health_plan": summary.health_plan_title,
        "status": summary.status_label(),
        "counts": {
            "objectives": summary.objectives,
            "programmes": summary.programmes,
            "activities": summary.activities,
        },
        "total": total.to_string(),
        "acts": acts.iter().map(|a| serde_json::json!({
            "kind": a.kind_label(),
            "issuer": a.issuer,
            "number": a.number,
            "date": a.date_label(),
        })).collect::<Vec<_>>(),
        "generated": format::date(today),
        "tree": tree_json,
        "budgets": BudgetAxis::ALL.iter().map(|a| budget_json(&data.budget(*a))).collect::<Vec<_>>(),
        "sheets": sheets_json,
    }))
}

/// The POA as a PDF (A4, page numbers, one page per sheet).
pub async fn pdf(db: &Db, zone_id: i64, data: &PoaData) -> Result<Vec<u8>> {
    let today = time::OffsetDateTime::now_utc().date();
    let json = pdf_data(db, zone_id, data, today).await?;
    let bytes = tokio::task::spawn_blocking(move || {
        zona_reports::pdf::render(zona_reports::pdf::POA_TEMPLATE, &json, today)
    })
    .await??;
    Ok(bytes)
}
