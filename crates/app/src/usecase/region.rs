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
            &sheets::region_lines(db, region_id, y, axis).await?,
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
    let (region_id, region, zones) = region_zones(db, caller).await?;
    // Each zone's check as the zone's own page makes it, from data read
    // once for the whole region.
    let checks = crate::network::dm77_checks(db, region_id, &zones).await?;
    let out = zones
        .into_iter()
        .zip(checks)
        .map(|(z, check)| Dm77Zone {
            code: z.code,
            name: z.name,
            check,
        })
        .collect();
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

/// One zone's SOC26 forms and c. 797 contribution, for the region.
pub struct Soc26Zone {
    pub code: String,
    pub name: String,
    pub forms: super::soc26::ZoneForms,
}

/// The region's SOC26 roll-up of one year.
pub struct Soc26Rollup {
    pub region: String,
    pub spec: zona_core::soc26::Soc26Spec,
    /// Every year zona has a form of, the latest first.
    pub years: Vec<i32>,
    pub zones: Vec<Soc26Zone>,
}

/// The SOC26 forms of every active zone of the caller's region for the
/// year asked for (by default the latest year with forms in the region), in
/// the zones' order: the whole region in four queries, besides the forms
/// in use and the year.
pub async fn soc26(db: &Db, caller: &Caller, asked: Option<i32>) -> Result<Soc26Rollup, Error> {
    let (region_id, region, zones) = region_zones(db, caller).await?;
    let within = territory::Within::Region(region_id);
    let (forms, spec) = super::soc26::year_shown(db, within, asked).await?;
    let ids: Vec<i64> = zones.iter().map(|z| z.id).collect();
    let read = super::soc26::forms_within(db, &spec, within, &ids).await?;
    let zones = zones
        .into_iter()
        .zip(read)
        .map(|(z, forms)| Soc26Zone {
            code: z.code,
            name: z.name,
            forms,
        })
        .collect();
    Ok(Soc26Rollup {
        region,
        years: forms.all().iter().rev().map(|s| s.year).collect(),
        spec,
        zones,
    })
}

/// The label of a staffing level, as the regional page and its export
/// print it.
pub fn staffing_label(level: Option<zona_core::soc26::StaffingLevel>) -> &'static str {
    use zona_core::soc26::StaffingLevel;
    match level {
        None => "non calcolabile",
        Some(StaffingLevel::None) => "nessun assistente sociale",
        Some(StaffingLevel::BelowLep) => "sotto il LEP (1:5.000)",
        Some(StaffingLevel::Lep) => "LEP raggiunto (1:5.000)",
        Some(StaffingLevel::Target) => "obiettivo raggiunto (1:4.000)",
    }
}

/// The regional SOC26 roll-up as a table to export: one row per zone, then
/// the region.
pub fn soc26_table(spec: &zona_core::soc26::Soc26Spec, region: &str, zones: &[Soc26Zone]) -> Table {
    let mut t = Table::new(
        format!("Obiettivi di servizio SOC26 {} per zona", spec.year),
        vec![
            Column::new("zone_code", "Codice zona", ColumnKind::Text),
            Column::new("zone", "Zona", ColumnKind::Text),
            Column::new("municipalities", "Comuni", ColumnKind::Integer),
            Column::new("forms_filled", "Schede compilate", ColumnKind::Integer),
            Column::new("forms_complete", "Schede complete", ColumnKind::Integer),
            Column::new(
                "population",
                "Popolazione al 1° gennaio",
                ColumnKind::Integer,
            ),
            Column::new(
                "population_missing",
                "Comuni senza popolazione",
                ColumnKind::Integer,
            ),
            Column::new(
                "permanent_staff",
                "Assistenti sociali a tempo indeterminato (ETP)",
                ColumnKind::Decimal,
            ),
            Column::new(
                "inhabitants_per_worker",
                "Abitanti per assistente sociale",
                ColumnKind::Decimal,
            ),
            Column::new("level", "Soglie L. 178/2020", ColumnKind::Text),
            Column::new("contribution", "Contributo c. 797", ColumnKind::Money),
            Column::new(
                "forms_workers",
                "Assistenti sociali nelle schede (R01 + R01A)",
                ColumnKind::Decimal,
            ),
            Column::new(
                "indicative_contribution",
                "Contributo indicativo dalle schede",
                ColumnKind::Money,
            ),
        ],
    );
    let int = |n: usize| Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let big = |n: u64| Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let dec = |v: Option<rust_decimal::Decimal>| v.map_or(Cell::Empty, Cell::Decimal);
    let money = |v: Option<Cents>| v.map_or(Cell::Empty, Cell::Money);
    for z in zones {
        let f = &z.forms;
        let (filled, complete) = f.filled();
        let staff = f.permanent_staff();
        t.push(vec![
            Cell::Text(z.code.clone()),
            Cell::Text(z.name.clone()),
            int(f.lines.len()),
            int(filled),
            int(complete),
            big(f.population),
            int(f.missing_population.len()),
            dec(staff),
            // A ratio on part of the population would be too good.
            dec(staff
                .filter(|_| f.missing_population.is_empty())
                .and_then(|s| zona_core::soc26::inhabitants_per_worker_shown(f.population, s))),
            Cell::Text(staffing_label(f.staffing_level(spec)).to_string()),
            money(f.contribution(spec)),
            Cell::Decimal(f.form_workers()),
            Cell::Money(f.indicative_contribution(spec)),
        ]);
    }
    let totals = Soc26Totals::of(spec, zones);
    t.push(vec![
        Cell::Text(String::new()),
        Cell::Text(region.to_string()),
        int(totals.municipalities),
        int(totals.filled),
        int(totals.complete),
        big(totals.population),
        int(totals.missing_population),
        Cell::Decimal(totals.permanent_staff),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(totals.contribution),
        Cell::Decimal(totals.form_workers),
        Cell::Money(totals.indicative_contribution),
    ]);
    t
}

/// The region's sums over its zones' SOC26 figures. The contribution is
/// due to each zone (ATS) on its own thresholds: the region's amount is
/// the sum of the zones' amounts, of the zones where it can be computed.
pub struct Soc26Totals {
    pub municipalities: usize,
    pub filled: usize,
    pub complete: usize,
    pub population: u64,
    pub missing_population: usize,
    pub permanent_staff: rust_decimal::Decimal,
    pub contribution: Cents,
    /// Zones whose contribution cannot be computed yet.
    pub not_computable: usize,
    pub form_workers: rust_decimal::Decimal,
    pub indicative_contribution: Cents,
    /// How many zones stand at each level: below the LEP, at the LEP, at
    /// the objective.
    pub below_lep: usize,
    pub lep: usize,
    pub target: usize,
}

impl Soc26Totals {
    pub fn of(spec: &zona_core::soc26::Soc26Spec, zones: &[Soc26Zone]) -> Soc26Totals {
        use zona_core::soc26::StaffingLevel;
        let mut t = Soc26Totals {
            municipalities: 0,
            filled: 0,
            complete: 0,
            population: 0,
            missing_population: 0,
            permanent_staff: rust_decimal::Decimal::ZERO,
            contribution: Cents::ZERO,
            not_computable: 0,
            form_workers: rust_decimal::Decimal::ZERO,
            indicative_contribution: Cents::ZERO,
            below_lep: 0,
            lep: 0,
            target: 0,
        };
        for z in zones {
            let f = &z.forms;
            let (filled, complete) = f.filled();
            t.municipalities += f.lines.len();
            t.filled += filled;
            t.complete += complete;
            t.population += f.population;
            t.missing_population += f.missing_population.len();
            t.permanent_staff += f.permanent_staff().unwrap_or_default();
            match f.contribution(spec) {
                Some(c) => t.contribution = Cents(t.contribution.0 + c.0),
                None => t.not_computable += 1,
            }
            t.form_workers += f.form_workers();
            t.indicative_contribution =
                Cents(t.indicative_contribution.0 + f.indicative_contribution(spec).0);
            match f.staffing_level(spec) {
                Some(StaffingLevel::Target) => t.target += 1,
                Some(StaffingLevel::Lep) => t.lep += 1,
                Some(StaffingLevel::BelowLep | StaffingLevel::None) => t.below_lep += 1,
                None => {}
            }
        }
        t
    }
}

/// One indicator of the health profile, zone by zone, for the region.
pub struct ProfileComparison {
    pub region: String,
    /// Every indicator, (code, name), to choose from.
    pub indicators: Vec<(String, String)>,
    pub indicator: Option<zona_store::profile::IndicatorRecord>,
    /// The latest period with a value of a zone of the region, as printed.
    pub period: Option<String>,
    /// Each zone (code, name) with its value of that period, if any.
    pub zones: Vec<(String, String, Option<super::profile::Shown>)>,
    /// The zones' health authorities and the region, (label, value).
    pub references: Vec<(String, Option<super::profile::Shown>)>,
}

/// The values of one indicator (by default the first) for every zone of
/// the caller's region, its health authorities and the region, in the
/// latest period any zone has, all sexes and all ages: two queries besides
/// the region's zones.
pub async fn profile(
    db: &Db,
    caller: &Caller,
    code: Option<&str>,
) -> Result<ProfileComparison, Error> {
    use zona_core::profile::GeoLevel;
    use zona_store::profile;
    let (region_id, region, zones) = region_zones(db, caller).await?;
    let definitions = profile::definitions(db).await?;
    let indicator = match code {
        Some(c) => Some(
            definitions
                .iter()
                .find(|d| d.code.eq_ignore_ascii_case(c))
                .cloned()
                .ok_or(Error::NotFound)?,
        ),
        None => definitions.first().cloned(),
    };
    let region_code = territory::get_region(db, region_id)
        .await?
        .map(|r| r.code)
        .unwrap_or_default();
    let values = match &indicator {
        Some(i) => profile::totals_of(db, &i.code).await?,
        None => Vec::new(),
    };
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let of_zone = |v: &profile::ValueRecord| {
        v.level == GeoLevel::Zone && zones.iter().any(|z| same(&z.code, &v.territory))
    };
    let latest = values
        .iter()
        .filter(|v| of_zone(v))
        .map(|v| (v.period_from, v.period_to))
        .max();
    let at = |level: GeoLevel, code: &str| {
        values
            .iter()
            .find(|v| {
                Some((v.period_from, v.period_to)) == latest
                    && v.level == level
                    && same(&v.territory, code)
            })
            .and_then(super::profile::Shown::of)
    };
    let mut authorities: Vec<String> = zones
        .iter()
        .filter_map(|z| z.health_authority_code.clone())
        .collect();
    authorities.sort();
    authorities.dedup();
    let mut references: Vec<(String, Option<super::profile::Shown>)> = authorities
        .iter()
        .map(|a| (format!("Azienda USL {a}"), at(GeoLevel::HealthAuthority, a)))
        .collect();
    references.push((region.clone(), at(GeoLevel::Region, &region_code)));
    Ok(ProfileComparison {
        indicators: definitions
            .iter()
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect(),
        period: latest.map(|(from, to)| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}–{to}")
            }
        }),
        zones: zones
            .iter()
            .map(|z| (z.code.clone(), z.name.clone(), at(GeoLevel::Zone, &z.code)))
            .collect(),
        references,
        indicator,
        region,
    })
}

/// The indicator zone by zone as a table to export: one row per zone, then
/// the health authorities and the region.
pub fn profile_table(c: &ProfileComparison) -> Table {
    let (name, unit) = c
        .indicator
        .as_ref()
        .map(|i| (i.name.clone(), i.unit.clone()))
        .unwrap_or_default();
    let mut t = Table::new(
        format!(
            "{name} per zona{}",
            c.period
                .as_ref()
                .map(|p| format!(" – {p}"))
                .unwrap_or_default()
        ),
        vec![
            Column::new("territory_code", "Codice", ColumnKind::Text),
            Column::new("territory", "Territorio", ColumnKind::Text),
            Column::new("period", "Periodo", ColumnKind::Text),
            Column::new("value", format!("Valore ({unit})"), ColumnKind::Decimal),
            Column::new(
                "ci_low",
                "Intervallo di confidenza: da",
                ColumnKind::Decimal,
            ),
            Column::new(
                "ci_high",
                "Intervallo di confidenza: a",
                ColumnKind::Decimal,
            ),
            Column::new("demo", "Dato dimostrativo", ColumnKind::Text),
        ],
    );
    let period = c.period.clone().unwrap_or_default();
    let row = |code: &str, label: &str, v: &Option<super::profile::Shown>| {
        vec![
            Cell::Text(code.to_string()),
            Cell::Text(label.to_string()),
            Cell::Text(if v.is_some() {
                period.clone()
            } else {
                String::new()
            }),
            v.as_ref().map_or(Cell::Empty, |s| Cell::Decimal(s.value)),
            v.as_ref()
                .and_then(|s| s.interval)
                .map_or(Cell::Empty, |(l, _)| Cell::Decimal(l)),
            v.as_ref()
                .and_then(|s| s.interval)
                .map_or(Cell::Empty, |(_, h)| Cell::Decimal(h)),
            Cell::Text(
                if v.as_ref().is_some_and(|s| s.demo) {
                    "Sì"
                } else {
                    ""
                }
                .to_string(),
            ),
        ]
    };
    for (code, zone, v) in &c.zones {
        t.push(row(code, zone, v));
    }
    for (label, v) in &c.references {
        t.push(row("", label, v));
    }
    t
}
