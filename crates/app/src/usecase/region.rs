//! The region's views across its zones: the comparison of one year's
//! activity sheets by a controlled vocabulary (docs/region.md).

use super::{pis, Caller, Error};
use std::collections::BTreeMap;
use zona_core::authz::Action;
use zona_core::planning::{PlanStatus, Vocabulary};
use zona_core::region::{amounts, per_inhabitant, Axis, NONE};
use zona_core::Cents;
use zona_reports::table::{Cell, Column, ColumnKind, Table};
use zona_store::territory::{self, ListQuery};
use zona_store::{planning, sheets, vocabularies, Db, Page};

/// One zone's row of the comparison.
#[derive(Debug, Clone)]
pub struct ZoneRow {
    pub code: String,
    pub name: String,
    /// The sum of each municipality's latest population; `None` when none
    /// is recorded.
    pub population: Option<i64>,
    /// The zone's plan of the year, when it has one.
    pub plan: Option<PlanStatus>,
    /// The amount of each term, in [`Comparison::terms`]' order.
    pub cells: Vec<Cents>,
    pub total: Cents,
}

impl ZoneRow {
    pub fn per_inhabitant(&self, c: Cents) -> Option<Cents> {
        self.population.and_then(|p| per_inhabitant(c, p))
    }
}

/// The zones of the caller's region compared on one year's plans.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub region: String,
    pub year: Option<i64>,
    /// The years of which some zone has a plan, the latest first.
    pub years: Vec<i64>,
    pub axis: Axis,
    /// The terms with an amount, (code, label): the vocabulary's order,
    /// then codes the vocabulary no longer has, then the sheets with none.
    pub terms: Vec<(String, String)>,
    pub zones: Vec<ZoneRow>,
    /// The region: each term's sum, the total, the population of the zones.
    pub cells: Vec<Cents>,
    pub total: Cents,
    pub population: Option<i64>,
}

impl Comparison {
    pub fn per_inhabitant(&self, c: Cents) -> Option<Cents> {
        self.population.and_then(|p| per_inhabitant(c, p))
    }
}

/// The caller's region, for a reader of the region: its id, its name and
/// its active zones.
async fn region_zones(
    db: &Db,
    caller: &Caller,
) -> Result<(i64, String, Vec<territory::Zone>), Error> {
    let region_id = pis::region_of(db, caller.zone()?).await?;
    caller.require(Action::ReadRegion { region_id })?;
    let region = territory::get_region(db, region_id)
        .await?
        .ok_or(Error::NotFound)?
        .name;
    let active = ListQuery {
        active: Some(true),
        ..Default::default()
    };
    let (zones, _) = territory::list_zones(db, &active, Page::all()).await?;
    let zones = zones
        .into_iter()
        .filter(|z| z.region_id == region_id)
        .collect();
    Ok((region_id, region, zones))
}

fn vocabulary(axis: Axis) -> Vocabulary {
    match axis {
        Axis::Sector => Vocabulary::Sector,
        Axis::TargetArea => Vocabulary::TargetArea,
        Axis::FundingSource => Vocabulary::FundingSource,
    }
}

/// The comparison of the plans of `year` (by default the latest year with
/// a plan) by `axis`, for a reader of the caller's region.
pub async fn comparison(
    db: &Db,
    caller: &Caller,
    year: Option<i64>,
    axis: Axis,
) -> Result<Comparison, Error> {
    let (region_id, region, zones) = region_zones(db, caller).await?;
    let active = ListQuery {
        active: Some(true),
        ..Default::default()
    };
    let (municipalities, _) = territory::list_municipalities(db, &active, Page::all()).await?;
    let mut population: BTreeMap<i64, i64> = BTreeMap::new();
    for m in &municipalities {
        if let Some(p) = m.population {
            *population.entry(m.zone_id).or_default() += p;
        }
    }
    let plans = planning::region_plans(db, region_id).await?;
    let mut years: Vec<i64> = plans.iter().map(|p| p.1).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let year = match year {
        Some(y) if years.contains(&y) => Some(y),
        Some(_) => return Err(Error::NotFound),
        None => years.first().copied(),
    };
    let by_term = match year {
        Some(y) => amounts(
            &sheets::region_lines(db, region_id, y).await?,
            axis,
            i32::try_from(y).unwrap_or(i32::MAX),
        ),
        None => BTreeMap::new(),
    };

    let labels = vocabularies::all_labels(db).await?;
    let used: std::collections::BTreeSet<&str> = by_term.keys().map(|(_, t)| t.as_str()).collect();
    let mut terms: Vec<(String, String)> = labels
        .terms(vocabulary(axis))
        .iter()
        .filter(|(c, _)| used.contains(c.as_str()))
        .cloned()
        .collect();
    for code in &used {
        if !code.is_empty() && !terms.iter().any(|(c, _)| c == code) {
            terms.push((code.to_string(), code.to_string()));
        }
    }
    if used.contains(NONE) {
        terms.push((NONE.into(), "Non indicato".into()));
    }

    let rows: Vec<ZoneRow> = zones
        .into_iter()
        .map(|z| {
            let cells: Vec<Cents> = terms
                .iter()
                .map(|(t, _)| {
                    by_term
                        .get(&(z.id, t.clone()))
                        .copied()
                        .unwrap_or(Cents::ZERO)
                })
                .collect();
            ZoneRow {
                total: cells.iter().copied().sum(),
                cells,
                plan: plans
                    .iter()
                    .find(|p| p.0 == z.id && Some(p.1) == year)
                    .map(|p| p.2),
                population: population.get(&z.id).copied(),
                code: z.code,
                name: z.name,
            }
        })
        .collect();
    let cells: Vec<Cents> = (0..terms.len())
        .map(|i| rows.iter().map(|r| r.cells[i]).sum())
        .collect();
    let with_population: Vec<i64> = rows.iter().filter_map(|r| r.population).collect();
    Ok(Comparison {
        region,
        year,
        years,
        axis,
        total: cells.iter().copied().sum(),
        cells,
        population: (!with_population.is_empty()).then(|| with_population.iter().sum()),
        terms,
        zones: rows,
    })
}

/// The comparison as a table to export: one row per zone and one for the
/// region, each term in euros, then the total and the total per inhabitant.
pub fn table(c: &Comparison) -> Table {
    let mut columns = vec![
        Column::new("zone_code", "Codice zona", ColumnKind::Text),
        Column::new("zone", "Zona", ColumnKind::Text),
        Column::new("population", "Popolazione residente", ColumnKind::Integer),
        Column::new("plan", "POA", ColumnKind::Text),
    ];
    for (code, label) in &c.terms {
        let key = if code.is_empty() { "none" } else { code };
        columns.push(Column::new(key, label, ColumnKind::Money));
    }
    columns.push(Column::new("total", "Totale", ColumnKind::Money));
    columns.push(Column::new(
        "total_per_inhabitant",
        "Totale per abitante",
        ColumnKind::Money,
    ));
    let title = match c.year {
        Some(y) => format!(
            "Confronto tra le zone – POA {y} per {}",
            c.axis.label().to_lowercase()
        ),
        None => "Confronto tra le zone".to_string(),
    };
    let mut t = Table::new(&title, columns);
    let money = |x: Option<Cents>| x.map_or(Cell::Empty, Cell::Money);
    for z in &c.zones {
        let mut row = vec![
            Cell::Text(z.code.clone()),
            Cell::Text(z.name.clone()),
            z.population.map_or(Cell::Empty, Cell::Integer),
            Cell::Text(z.plan.map_or("nessun piano", |p| p.label()).to_string()),
        ];
        row.extend(z.cells.iter().map(|c| Cell::Money(*c)));
        row.push(Cell::Money(z.total));
        row.push(money(z.per_inhabitant(z.total)));
        t.push(row);
    }
    let mut row = vec![
        Cell::Text(String::new()),
        Cell::Text(c.region.clone()),
        c.population.map_or(Cell::Empty, Cell::Integer),
        Cell::Empty,
    ];
    row.extend(c.cells.iter().map(|x| Cell::Money(*x)));
    row.push(Cell::Money(c.total));
    row.push(money(c.per_inhabitant(c.total)));
    t.push(row);
    t
}

/// One zone's DM 77/2022 check, for the region.
pub struct Dm77Zone {
    pub code: String,
    pub name: String,
    pub check: crate::network::Dm77Check,
}

/// The DM 77/2022 check of every active zone of the caller's region, in the
/// zones' order; every check has the same standards in the same order.
pub async fn dm77(db: &Db, caller: &Caller) -> Result<(String, Vec<Dm77Zone>), Error> {
    let (_, region, zones) = region_zones(db, caller).await?;
    let mut out = Vec::new();
    // One check per zone, as the zone's own page makes it: the standards,
    // the zone's facilities and counts, its population.
    for z in zones {
        out.push(Dm77Zone {
            check: crate::network::dm77_check(db, z.id).await?,
            code: z.code,
            name: z.name,
        });
    }
    Ok((region, out))
}

/// The regional DM 77/2022 check as a table to export: one row per zone
/// and standard.
pub fn dm77_table(zones: &[Dm77Zone]) -> Table {
    let mut t = Table::new(
        "Verifica standard DM 77-2022 per zona",
        vec![
            Column::new("zone_code", "Codice zona", ColumnKind::Text),
            Column::new("zone", "Zona", ColumnKind::Text),
            Column::new("population", "Popolazione", ColumnKind::Integer),
            Column::new("standard", "Standard", ColumnKind::Text),
            Column::new("required", "Fabbisogno minimo", ColumnKind::Decimal),
            Column::new("open", "Attivi", ColumnKind::Decimal),
            Column::new(
                "planned",
                "Programmati o in costruzione",
                ColumnKind::Decimal,
            ),
            Column::new("outcome", "Esito", ColumnKind::Text),
            Column::new("verdict", "Esito della zona", ColumnKind::Text),
        ],
    );
    let dec = |v: Option<rust_decimal::Decimal>| v.map_or(Cell::Empty, Cell::Decimal);
    for z in zones {
        for r in &z.check.rows {
            t.push(vec![
                Cell::Text(z.code.clone()),
                Cell::Text(z.name.clone()),
                Cell::Integer(i64::try_from(z.check.population).unwrap_or(i64::MAX)),
                Cell::Text(r.standard.label.clone()),
                Cell::Decimal(r.requirement.min),
                dec(r.open),
                dec(r.planned),
                Cell::Text(r.outcome_text().to_string()),
                Cell::Text(z.check.verdict.text()),
            ]);
        }
    }
    t
}
