//! The health profile's indicators in and out: a file of definitions or of
//! values (`docs/health-profile.md`), imported all or nothing.

use super::{Caller, Error};
use crate::import::{self, FileRow};
use std::collections::HashSet;
use zona_core::authz::Action;
use zona_core::profile::{
    read_definition_row, read_value_row, FindingKind, GeoLevel, DEFINITION_COLUMNS,
};
use zona_core::validation::{required_text, FieldErrors};
use zona_store::{profile, Actor, Db};

/// The most problems an import reports; the file is refused either way.
const MAX_PROBLEMS: usize = 30;

/// What an import wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Imported {
    Definitions(profile::Counts),
    Values(profile::Counts),
}

impl Imported {
    /// The outcome as one Italian sentence.
    pub fn describe(self) -> String {
        match self {
            Imported::Definitions(n) => {
                let mut s = format!(
                    "Importate le definizioni degli indicatori: {} nuove, {} aggiornate",
                    n.added, n.replaced
                );
                if n.kept > 0 {
                    s.push_str(&format!(
                        ", {} già presenti lasciate come sono (sono comuni a tutte le zone)",
                        n.kept
                    ));
                }
                s
            }
            Imported::Values(n) => {
                let mut s = format!(
                    "Importati i valori degli indicatori: {} nuovi, {} sostituiti",
                    n.added, n.replaced
                );
                if n.kept > 0 {
                    s.push_str(&format!(
                        ", {} dell'Azienda USL o della regione già presenti lasciati come sono (sono comuni a più zone)",
                        n.kept
                    ));
                }
                s
            }
        }
    }
}

/// Reads a file of definitions (it has the column `polarita`) or of values
/// (it has `valore`), and writes it whole, or refuses it whole with the
/// line and column of each problem.
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8], xlsx: bool) -> Result<Imported, Error> {
    import_within(db, actor, bytes, xlsx, None).await
}

/// A file imported from the web. The region, which edits the regional
/// frame, writes the definitions and the values every zone reads (its
/// health authorities', its own); a zone's values stay its office's. A zone's planning office writes the values of its own
/// territories only (its zone, its municipalities, its health authority,
/// its region), codes written as the zone's record writes them; what every
/// zone reads is added when missing and otherwise kept, as a zone bundle
/// does.
pub async fn import_by(
    db: &Db,
    caller: &Caller,
    bytes: &[u8],
    xlsx: bool,
) -> Result<Imported, Error> {
    require_importer(caller)?;
    if let Ok(region_id) = caller.regional_frame(db).await {
        let within = Scope::Region(region_territories(db, region_id).await?);
        return import_within(db, &caller.actor, bytes, xlsx, Some(&within)).await;
    }
    require_office(caller)?;
    let zone_id = caller.zone()?;
    let within = Scope::Zone(territories(db, zone_id).await?, zone_id);
    import_within(db, &caller.actor, bytes, xlsx, Some(&within)).await
}

/// Only a zone's planning office and the region import indicators: asked
/// before the file is read, so that nobody else makes the server read it.
pub fn require_importer(caller: &Caller) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    let regional = caller.principal.as_ref().is_some_and(|p| {
        p.regions
            .iter()
            .any(|&region_id| caller.allows(Action::EditRegionalFrame { region_id }))
    });
    if regional || caller.allows(Action::Administer { zone_id }) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Whose values a file from the web may hold.
enum Scope {
    /// A zone's office: its own territories, the shared rows kept.
    Zone(Territories, i64),
    /// The region: every territory of its zones, the shared rows replaced.
    Region(RegionTerritories),
}

impl Scope {
    fn own(&self, level: GeoLevel, code: &str) -> Option<String> {
        match self {
            Scope::Zone(t, _) => t.own(level, code),
            Scope::Region(t) => t.own(level, code),
        }
    }

    /// Why a value of a territory the caller does not import is refused.
    fn refusal(&self, level: GeoLevel, code: &str) -> String {
        let level = level.label().to_lowercase();
        match self {
            Scope::Zone(..) => format!(
                "«{code}» non è un territorio della zona ({level}): la zona importa i valori dei suoi territori."
            ),
            Scope::Region(_) => format!(
                "«{code}» ({level}): la Regione importa i valori delle sue Aziende USL e della regione; quelli di una zona e dei suoi comuni li importa l'ufficio di piano della zona."
            ),
        }
    }
}

/// What the region imports values of: itself and the health authorities
/// of its zones. A zone's and its municipalities' values are the zone's
/// records, which only its office changes.
pub struct RegionTerritories {
    pub region: String,
    pub health_authorities: Vec<String>,
}

impl RegionTerritories {
    /// The stored code of a territory the region imports (codes compare
    /// without case); none for any other.
    pub fn own(&self, level: GeoLevel, code: &str) -> Option<String> {
        let list: &[String] = match level {
            GeoLevel::Region => std::slice::from_ref(&self.region),
            GeoLevel::HealthAuthority => &self.health_authorities,
            GeoLevel::Zone | GeoLevel::Municipality => &[],
        };
        list.iter().find(|c| c.eq_ignore_ascii_case(code)).cloned()
    }
}

pub async fn region_territories(db: &Db, region_id: i64) -> Result<RegionTerritories, Error> {
    use zona_store::territory;
    let region = territory::get_region(db, region_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (zones, _) = territory::list_zones(
        db,
        &territory::ListQuery::default(),
        zona_store::Page::all(),
    )
    .await?;
    let mut health_authorities: Vec<String> = zones
        .into_iter()
        .filter(|z| z.region_id == region_id)
        .filter_map(|z| z.health_authority_code)
        .collect();
    health_authorities.sort();
    health_authorities.dedup();
    Ok(RegionTerritories {
        region: region.code,
        health_authorities,
    })
}

async fn import_within(
    db: &Db,
    actor: &Actor,
    bytes: &[u8],
    xlsx: bool,
    within: Option<&Scope>,
) -> Result<Imported, Error> {
    let (shared, zone) = match within {
        Some(Scope::Zone(_, zone)) => (profile::SharedRows::Keep, Some(*zone)),
        Some(Scope::Region(_)) | None => (profile::SharedRows::Replace, None),
    };
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
        let n = profile::import_definitions(db, actor, &defs, shared, zone).await?;
        return Ok(Imported::Definitions(n));
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
        let read = read_value_row(|c| cell(row, c)).map(|mut v| {
            // The zone's own code for a territory it holds, as stored.
            let own = within.map(|t| t.own(v.level, &v.territory));
            if let Some(Some(code)) = &own {
                v.territory = code.clone();
            }
            (v, own)
        });
        match read {
            Ok((v, Some(None))) => note(
                row.0,
                "territorio",
                &within.map_or(String::new(), |w| w.refusal(v.level, &v.territory)),
            ),
            Ok((v, _)) => match ids.get(&v.indicator.to_lowercase()) {
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
    let n = profile::import_values(db, actor, &values, shared, zone).await?;
    Ok(Imported::Values(n))
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
    let dec = |s: &Option<String>| match profile::ValueRecord::decimal(s.as_deref()) {
        Some(d) => Cell::Decimal(d),
        None => Cell::Empty,
    };
    for v in profile::values(db).await? {
        let period = v.period().to_string();
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

/// A value as shown: its figure the Italian way, its interval, and whether
/// it is made up for the demo.
#[derive(Clone, Debug)]
pub struct Shown {
    pub value: rust_decimal::Decimal,
    pub text: String,
    pub interval: Option<(rust_decimal::Decimal, rust_decimal::Decimal)>,
    pub demo: bool,
}

impl Shown {
    pub fn of(v: &profile::ValueRecord) -> Option<Shown> {
        let value = profile::ValueRecord::decimal(Some(&v.value))?;
        let bound = |s: &Option<String>| profile::ValueRecord::decimal(s.as_deref());
        Some(Shown {
            value,
            text: zona_core::format::decimal(value),
            interval: bound(&v.ci_low).zip(bound(&v.ci_high)),
            demo: v.demo,
        })
    }

    pub fn interval_text(&self) -> String {
        match self.interval {
            Some((l, h)) => format!(
                "{} – {}",
                zona_core::format::decimal(l),
                zona_core::format::decimal(h)
            ),
            None => String::new(),
        }
    }
}

/// The territories a zone's profile compares: the zone, its health
/// authority (when the zone names its code) and its region; and its
/// municipalities (ISTAT code, name).
pub struct Territories {
    pub zone: String,
    pub health_authority: Option<String>,
    pub region: String,
    pub municipalities: Vec<(String, String)>,
}

impl Territories {
    /// The zone's own code of a territory of a level, as its record writes
    /// it (codes compare without case); none for another zone's.
    pub fn own(&self, level: GeoLevel, code: &str) -> Option<String> {
        let same = |c: &str| c.eq_ignore_ascii_case(code);
        match level {
            GeoLevel::Zone => Some(self.zone.as_str()).filter(|c| same(c)),
            GeoLevel::HealthAuthority => self.health_authority.as_deref().filter(|c| same(c)),
            GeoLevel::Region => Some(self.region.as_str()).filter(|c| same(c)),
            GeoLevel::Municipality => self
                .municipalities
                .iter()
                .map(|(c, _)| c.as_str())
                .find(|c| same(c)),
        }
        .map(str::to_string)
    }
}

pub async fn territories(db: &Db, zone_id: i64) -> Result<Territories, Error> {
    let z = zona_store::territory::get_zone(db, zone_id)
        .await?
        .ok_or(Error::NotFound)?;
    let q = zona_store::territory::ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (m, _) =
        zona_store::territory::list_municipalities(db, &q, zona_store::Page::all()).await?;
    Ok(Territories {
        zone: z.code,
        health_authority: z.health_authority_code,
        region: z.region_code,
        municipalities: m.into_iter().map(|m| (m.istat_code, m.name)).collect(),
    })
}

/// One period of an indicator: the zone's, the health authority's and the
/// region's values (all sexes, all ages).
#[derive(Clone, Debug)]
pub struct PeriodRow {
    pub period: String,
    pub zone: Option<Shown>,
    pub health_authority: Option<Shown>,
    pub region: Option<Shown>,
}

impl PeriodRow {
    /// Whether the zone differs from the region beyond chance
    /// (`core::profile::differs`).
    pub fn differs(&self) -> Option<bool> {
        zona_core::profile::differs(
            self.zone.as_ref().and_then(|s| s.interval),
            self.region.as_ref().and_then(|s| s.interval),
        )
    }
    pub fn demo(&self) -> bool {
        [&self.zone, &self.health_authority, &self.region]
            .iter()
            .any(|s| s.as_ref().is_some_and(|s| s.demo))
    }
}

/// An indicator for a zone: its definition, its periods (oldest first), the
/// latest values of the municipalities and by sex.
#[derive(Clone, Debug)]
pub struct IndicatorView {
    pub definition: profile::IndicatorRecord,
    pub periods: Vec<PeriodRow>,
    pub municipalities: Vec<(String, Shown, String)>,
    pub by_sex: Vec<(&'static str, Shown, String)>,
    /// The zone's latest values by age band (both sexes), with the period.
    pub by_age: Vec<(String, Shown, String)>,
}

/// How the zone's value moved, as the pages say it.
#[derive(Clone, Debug)]
pub struct TrendView {
    /// `↑`, `↓` or `→`: shown, hidden from screen readers (the text says it).
    pub arrow: &'static str,
    /// «In aumento del 4,6% dal 2019: migliora».
    pub text: String,
    /// Good news, bad news, or neither.
    pub better: Option<bool>,
    /// The period of the zone's latest value, the one compared.
    pub to: String,
}

impl IndicatorView {
    pub fn latest(&self) -> Option<&PeriodRow> {
        self.periods.last()
    }

    /// The zone's latest value against its earliest one shown
    /// (`core::profile::trend`); none with fewer than two.
    pub fn trend(&self) -> Option<TrendView> {
        use zona_core::profile::Direction;
        let mut zone = self
            .periods
            .iter()
            .filter_map(|p| p.zone.as_ref().map(|z| (p, z)));
        let (first_period, first) = zone.next()?;
        let (last_period, last) = zone.next_back()?;
        let t = zona_core::profile::trend(first.value, last.value, self.definition.polarity);
        let size = t
            .change
            .map(|c| format!(" del {}%", zona_core::format::decimal(c.abs())))
            .unwrap_or_default();
        let (arrow, mut text) = match t.direction {
            Direction::Up => ("↑", format!("In aumento{size} dal {}", first_period.period)),
            Direction::Down => (
                "↓",
                format!("In diminuzione{size} dal {}", first_period.period),
            ),
            Direction::Steady => ("→", format!("Stabile dal {}", first_period.period)),
        };
        match t.better {
            Some(true) => text.push_str(": migliora"),
            Some(false) => text.push_str(": peggiora"),
            None => {}
        }
        Some(TrendView {
            arrow,
            text,
            better: t.better,
            to: last_period.period.clone(),
        })
    }
    pub fn demo(&self) -> bool {
        self.definition.demo
            || self.periods.iter().any(PeriodRow::demo)
            || self.municipalities.iter().any(|m| m.1.demo)
            || self.by_sex.iter().any(|m| m.1.demo)
            || self.by_age.iter().any(|m| m.1.demo)
    }
}

/// The values that match, of their latest period only, in the order the
/// source gives its bands (the lower bound first: `0-14` before `65+`).
fn latest_breakdown<'v>(
    values: &[&'v profile::ValueRecord],
    wanted: impl Fn(&profile::ValueRecord) -> bool,
) -> Vec<&'v profile::ValueRecord> {
    let latest = values
        .iter()
        .filter(|v| wanted(v))
        .map(|v| (v.period_to, v.period_from))
        .max();
    let mut out: Vec<&profile::ValueRecord> = values
        .iter()
        .copied()
        .filter(|v| wanted(v) && Some((v.period_to, v.period_from)) == latest)
        .collect();
    let lower = |band: &str| -> u32 {
        band.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(u32::MAX)
    };
    out.sort_by_key(|v| (lower(&v.age_band), v.age_band.clone()));
    out
}

/// The indicators of the zone's profile with their values, by theme and
/// name: every one, or `only` the one of that code.
pub async fn views(db: &Db, zone_id: i64, only: Option<&str>) -> Result<Vec<IndicatorView>, Error> {
    use zona_core::profile::{GeoLevel, Sex};
    let t = territories(db, zone_id).await?;
    let mut places = vec![
        (GeoLevel::Zone, t.zone.clone()),
        (GeoLevel::Region, t.region.clone()),
    ];
    if let Some(a) = &t.health_authority {
        places.push((GeoLevel::HealthAuthority, a.clone()));
    }
    for (istat, _) in &t.municipalities {
        places.push((GeoLevel::Municipality, istat.clone()));
    }
    let values = profile::values_of(db, &places).await?;
    let period = |v: &profile::ValueRecord| v.period().to_string();
    let mut out = Vec::new();
    let definitions = profile::definitions(db)
        .await?
        .into_iter()
        .filter(|d| only.is_none_or(|c| d.code.eq_ignore_ascii_case(c)));
    for d in definitions {
        let mine: Vec<&profile::ValueRecord> = values
            .iter()
            .filter(|v| v.indicator.eq_ignore_ascii_case(&d.code))
            .collect();
        let whole = |v: &&&profile::ValueRecord| v.sex == Sex::All && v.age_band.is_empty();
        let mut periods: Vec<PeriodRow> = Vec::new();
        for v in mine.iter().filter(whole) {
            if v.level == GeoLevel::Municipality {
                continue;
            }
            let p = period(v);
            let row = match periods.iter_mut().find(|r| r.period == p) {
                Some(r) => r,
                None => {
                    periods.push(PeriodRow {
                        period: p,
                        zone: None,
                        health_authority: None,
                        region: None,
                    });
                    periods.last_mut().expect("just pushed")
                }
            };
            let shown = Shown::of(v);
            match v.level {
                GeoLevel::Zone => row.zone = shown,
                GeoLevel::HealthAuthority => row.health_authority = shown,
                GeoLevel::Region => row.region = shown,
                GeoLevel::Municipality => {}
            }
        }
        let latest_municipal = mine
            .iter()
            .filter(whole)
            .filter(|v| v.level == GeoLevel::Municipality)
            .map(|v| (v.period_to, v.period_from))
            .max();
        let municipalities = t
            .municipalities
            .iter()
            .filter_map(|(istat, name)| {
                let v = mine.iter().filter(whole).find(|v| {
                    v.level == GeoLevel::Municipality
                        && &v.territory == istat
                        && Some((v.period_to, v.period_from)) == latest_municipal
                })?;
                Some((name.clone(), Shown::of(v)?, period(v)))
            })
            .collect();
        let latest_sex = mine
            .iter()
            .filter(|v| v.level == GeoLevel::Zone && v.sex != Sex::All && v.age_band.is_empty())
            .map(|v| (v.period_to, v.period_from))
            .max();
        let by_sex = [Sex::Male, Sex::Female]
            .into_iter()
            .filter_map(|sex| {
                let v = mine.iter().find(|v| {
                    v.level == GeoLevel::Zone
                        && v.sex == sex
                        && v.age_band.is_empty()
                        && Some((v.period_to, v.period_from)) == latest_sex
                })?;
                Some((sex.label(), Shown::of(v)?, period(v)))
            })
            .collect();
        let by_age = latest_breakdown(&mine, |v| {
            v.level == GeoLevel::Zone && v.sex == Sex::All && !v.age_band.is_empty()
        })
        .into_iter()
        .filter_map(|v| Some((v.age_band.clone(), Shown::of(v)?, period(v))))
        .collect();
        out.push(IndicatorView {
            definition: d,
            periods,
            municipalities,
            by_sex,
            by_age,
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------ editing

/// Everything the office's profile page offers: the years, the themes of
/// one year with their lines, the indicators a line may rest on, and what
/// may answer a critical issue.
pub struct Editor {
    pub years: Vec<i64>,
    pub year: Option<i64>,
    pub themes: Vec<profile::Theme>,
    pub indicators: Vec<profile::IndicatorRecord>,
    pub choices: Vec<profile::Choice>,
    pub office: bool,
    /// The caller is the region: it imports the indicators every zone reads.
    pub frame: bool,
}

/// The zone's profile of a year (the latest by default) for its internal
/// readers; only the planning office may change it.
pub async fn editor(db: &Db, caller: &Caller, year: Option<i64>) -> Result<Editor, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let years = profile::years(db, zone_id).await?;
    let year = match year {
        Some(y) if years.contains(&y) => Some(y),
        Some(_) => return Err(Error::NotFound),
        None => years.first().copied(),
    };
    let themes = match year {
        Some(y) => profile::themes(db, zone_id, y).await?,
        None => Vec::new(),
    };
    Ok(Editor {
        years,
        year,
        themes,
        indicators: profile::definitions(db).await?,
        choices: profile::choices(db, zone_id).await?,
        office: caller.allows(Action::Administer { zone_id }),
        frame: caller.regional_frame(db).await.is_ok(),
    })
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, message);
    Error::Invalid(e)
}

fn office_of(caller: &Caller, zone_id: i64) -> Result<(), Error> {
    caller.same_zone(zone_id)?;
    caller.require(Action::Administer { zone_id })
}

/// Only the zone's planning office changes its profile: asked before a
/// record is looked up, so that others learn nothing of what exists.
pub fn require_office(caller: &Caller) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })
}

/// A new year of the profile: its first theme, or the themes of an earlier
/// year (without their lines). Returns the year.
pub async fn new_year(
    db: &Db,
    caller: &Caller,
    year: &str,
    copy_from: Option<i64>,
    first_theme: &str,
) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    office_of(caller, zone_id)?;
    let year = zona_core::validation::int_in_range(year, 1990, 2200)
        .map_err(|m| invalid("year", format!("Anno: {m}")))?;
    let years = profile::years(db, zone_id).await?;
    if years.contains(&year) {
        return Err(invalid("year", format!("Il profilo {year} esiste già.")));
    }
    if copy_from.is_some() && !first_theme.trim().is_empty() {
        return Err(invalid(
            "name",
            "Scegliere se riprendere i temi di un anno o scrivere il primo tema: non entrambi.",
        ));
    }
    match copy_from {
        Some(from) if years.contains(&from) => {
            profile::copy_themes(db, &caller.actor, zone_id, from, year).await?;
        }
        Some(_) => return Err(Error::NotFound),
        None => {
            let name = required_text(first_theme, 200)
                .map_err(|m| invalid("name", format!("Primo tema: {m}")))?;
            profile::add_theme(db, &caller.actor, zone_id, year, &name).await?;
        }
    }
    Ok(year)
}

/// A new theme at the end of a year's profile.
pub async fn add_theme(db: &Db, caller: &Caller, year: i64, name: &str) -> Result<String, Error> {
    let zone_id = caller.zone()?;
    office_of(caller, zone_id)?;
    if !profile::years(db, zone_id).await?.contains(&year) {
        return Err(Error::NotFound);
    }
    let name = required_text(name, 200).map_err(|m| invalid("name", format!("Tema: {m}")))?;
    profile::add_theme(db, &caller.actor, zone_id, year, &name)
        .await
        .map_err(super::taken_as(
            "Il profilo ha già un tema con questo nome.",
        ))?;
    Ok(name)
}

async fn theme_of(db: &Db, caller: &Caller, id: i64) -> Result<profile::ThemeRef, Error> {
    require_office(caller)?;
    let t = profile::theme(db, id).await?.ok_or(Error::NotFound)?;
    office_of(caller, t.zone_id)?;
    Ok(t)
}

async fn finding_of(db: &Db, caller: &Caller, id: i64) -> Result<profile::FindingRef, Error> {
    require_office(caller)?;
    let f = profile::finding(db, id).await?.ok_or(Error::NotFound)?;
    office_of(caller, f.zone_id)?;
    Ok(f)
}

/// Renames a theme and sets its position.
pub async fn edit_theme(
    db: &Db,
    caller: &Caller,
    id: i64,
    name: &str,
    position: &str,
) -> Result<profile::ThemeRef, Error> {
    let t = theme_of(db, caller, id).await?;
    let name = required_text(name, 200).map_err(|m| invalid("name", format!("Tema: {m}")))?;
    let position = zona_core::validation::int_in_range(position, 1, 1000)
        .map_err(|m| invalid("position", format!("Posizione: {m}")))?;
    profile::edit_theme(db, &caller.actor, &t, &name, position)
        .await
        .map_err(super::taken_as(
            "Il profilo ha già un tema con questo nome.",
        ))?;
    Ok(t)
}

/// A theme to delete, for the confirmation page.
pub async fn theme_to_delete(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<profile::ThemeRef, Error> {
    theme_of(db, caller, id).await
}

pub async fn delete_theme(db: &Db, caller: &Caller, id: i64) -> Result<profile::ThemeRef, Error> {
    let t = theme_of(db, caller, id).await?;
    profile::delete_theme(db, &caller.actor, &t).await?;
    Ok(t)
}

/// The longest line of the profile.
const LINE_MAX: usize = 2_000;

/// A new critical issue or strength at the end of its theme.
pub async fn add_finding(
    db: &Db,
    caller: &Caller,
    theme_id: i64,
    kind: &str,
    text: &str,
) -> Result<profile::ThemeRef, Error> {
    let t = theme_of(db, caller, theme_id).await?;
    let kind = FindingKind::from_code(kind)
        .ok_or_else(|| invalid("kind", "Scegliere nodo critico o aspetto positivo."))?;
    let text = required_text(text, LINE_MAX).map_err(|m| invalid("text", format!("Testo: {m}")))?;
    profile::add_finding(db, &caller.actor, &t, kind, &text).await?;
    Ok(t)
}

/// Rewrites a line and the indicators it rests on (by code).
pub async fn edit_finding(
    db: &Db,
    caller: &Caller,
    id: i64,
    text: &str,
    indicators: &[String],
) -> Result<profile::FindingRef, Error> {
    let f = finding_of(db, caller, id).await?;
    let text = required_text(text, LINE_MAX).map_err(|m| invalid("text", format!("Testo: {m}")))?;
    // By code without regard to case: id and code as stored.
    let defined: std::collections::HashMap<String, (i64, String)> = profile::definitions(db)
        .await?
        .into_iter()
        .map(|d| (d.code.to_lowercase(), (d.id, d.code)))
        .collect();
    let mut chosen: Vec<(i64, String)> = Vec::new();
    for code in indicators {
        let found = defined.get(&code.to_lowercase()).ok_or_else(|| {
            invalid(
                "indicators",
                format!("«{code}» non è un indicatore definito."),
            )
        })?;
        if !chosen.iter().any(|(id, _)| *id == found.0) {
            chosen.push(found.clone());
        }
    }
    profile::edit_finding(db, &caller.actor, &f, &text, &chosen).await?;
    Ok(f)
}

pub async fn finding_to_delete(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<profile::FindingRef, Error> {
    finding_of(db, caller, id).await
}

pub async fn delete_finding(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<profile::FindingRef, Error> {
    let f = finding_of(db, caller, id).await?;
    profile::delete_finding(db, &caller.actor, &f).await?;
    Ok(f)
}

/// Links a critical issue to what answers it: a health objective or a
/// programme chosen from the list (`target`), or an activity sheet by its
/// code (`sheet`), the latest POA's when the code comes back in several.
pub async fn add_answer(
    db: &Db,
    caller: &Caller,
    finding_id: i64,
    target: Option<profile::AnswerTarget>,
    sheet: &str,
    evidence: &str,
) -> Result<(profile::FindingRef, String), Error> {
    let f = finding_of(db, caller, finding_id).await?;
    if f.kind != FindingKind::Critical {
        return Err(Error::Refused(
            "Solo un nodo critico ha risposte nella programmazione.".into(),
        ));
    }
    let target = match (target, sheet.trim()) {
        (Some(_), s) if !s.is_empty() => {
            return Err(invalid(
                "target",
                "Scegliere un obiettivo o un programma, oppure scrivere il codice di una scheda: non entrambi.",
            ))
        }
        (Some(t), _) => t,
        (None, "") => {
            return Err(invalid(
                "target",
                "Scegliere un obiettivo o un programma, oppure scrivere il codice di una scheda.",
            ))
        }
        (None, code) => match profile::sheets_by_code(db, f.zone_id, code).await?.first() {
            Some((id, _)) => profile::AnswerTarget::Sheet(*id),
            None => {
                return Err(invalid(
                    "sheet",
                    format!("Nessuna scheda della zona ha il codice «{code}»."),
                ))
            }
        },
    };
    let (zone, what) = profile::target(db, target).await?.ok_or(Error::NotFound)?;
    caller.same_zone(zone)?;
    let evidence = zona_core::validation::optional_text(evidence, LINE_MAX)
        .map_err(|m| invalid("evidence", format!("Evidenza: {m}")))?;
    profile::add_answer(db, &caller.actor, &f, target, &what, evidence.as_deref())
        .await
        .map_err(super::taken_as(
            "Questa risposta è già collegata al nodo critico.",
        ))?;
    Ok((f, what))
}

async fn answer_of(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<(profile::Answer, profile::FindingRef), Error> {
    require_office(caller)?;
    let (a, f) = profile::answer(db, id).await?.ok_or(Error::NotFound)?;
    office_of(caller, f.zone_id)?;
    Ok((a, f))
}

pub async fn answer_to_delete(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<(profile::Answer, profile::FindingRef), Error> {
    answer_of(db, caller, id).await
}

pub async fn delete_answer(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<(profile::Answer, profile::FindingRef), Error> {
    let (a, f) = answer_of(db, caller, id).await?;
    profile::delete_answer(db, &caller.actor, &a, &f).await?;
    Ok((a, f))
}
