//! The municipalities' SOC26 forms (service objectives for social work):
//! one form a municipality a year, saved as the official JSON, complete or
//! as a draft with its problems; and the zone's permanent social workers,
//! on which the contribution is computed.
//!
//! Internal roles of a zone read its municipalities' forms; its planning
//! office fills them in. The form's fields are the official form's codes,
//! set by the year's specification (`zona_core::soc26::Soc26Spec`).

use super::{Caller, Error, Input};
use rust_decimal::Decimal;
use zona_core::authz::Action;
use zona_core::soc26::{self as rules, Problem, Soc26Input, Soc26Result, Soc26Spec, StaffingLevel};
use zona_core::soc26_json;
use zona_core::Cents;
use zona_store::soc26::{PermanentStaff, Soc26Form};
use zona_store::territory::{self, Municipality, Within};
use zona_store::{soc26 as store, Db};

/// A stored form as the year's rules read it.
#[derive(Debug, Clone)]
pub struct ReadForm {
    /// The form passed every rule when it was saved.
    pub complete: bool,
    pub input: Soc26Input,
    pub result: Soc26Result,
}

/// A municipality of the zone and its form of the year, when filled in.
#[derive(Debug, Clone)]
pub struct MunicipalityForm {
    pub municipality: Municipality,
    pub form: Option<ReadForm>,
}

/// A zone's forms of one year, and the L. 178/2020 c. 797 contribution they
/// lead to (docs/soc26.md).
#[derive(Debug, Clone)]
pub struct ZoneForms {
    pub zone_id: i64,
    /// The zone's active municipalities, by name.
    pub lines: Vec<MunicipalityForm>,
    /// Sums over the filled-in forms: R03, ROB of the current year, R01,
    /// R01A, and how many forms give an R01A.
    pub r03: u64,
    pub rob: u64,
    pub r01: Decimal,
    pub r01a: Decimal,
    pub r01a_forms: usize,
    /// The permanent social workers as recorded, with the set's version.
    pub staff: Vec<PermanentStaff>,
    pub staff_version: i64,
    /// The population the thresholds are measured on: the residents at
    /// 1 January of the year (ISTAT, 31 December before), the same day as
    /// the forms' R03, summed over the municipalities that have it.
    pub population: u64,
    /// The municipalities without a population for that day.
    pub missing_population: Vec<String>,
}

impl ZoneForms {
    /// Builds the zone's figures from its municipalities and what the
    /// store holds: `forms`, `staff` and `populations` may hold other
    /// zones' rows, which are left out.
    fn build(
        spec: &Soc26Spec,
        zone_id: i64,
        municipalities: Vec<Municipality>,
        forms: &[Soc26Form],
        staff: &[PermanentStaff],
        populations: &[(i64, i64)],
    ) -> ZoneForms {
        let mut z = ZoneForms {
            zone_id,
            lines: Vec::new(),
            r03: 0,
            rob: 0,
            r01: Decimal::ZERO,
            r01a: Decimal::ZERO,
            r01a_forms: 0,
            staff: staff
                .iter()
                .filter(|s| s.zone_id == zone_id)
                .cloned()
                .collect(),
            staff_version: 0,
            population: 0,
            missing_population: Vec::new(),
        };
        z.staff_version = z.staff.iter().map(|s| s.version).sum();
        for m in municipalities {
            match populations.iter().find(|(id, _)| *id == m.id) {
                Some((_, p)) => z.population += (*p).max(0) as u64,
                None => z.missing_population.push(m.name.clone()),
            }
            let form = forms
                .iter()
                .find(|f| f.municipality_id == m.id)
                .map(|f| read(spec, f));
            if let Some(f) = &form {
                z.r03 += f.input.r03;
                z.rob += f.result.rob_current;
                z.r01 += f.input.r01;
                z.r01a += f.input.r01a;
                z.r01a_forms += usize::from(!f.input.r01a.is_zero());
            }
            z.lines.push(MunicipalityForm {
                municipality: m,
                form,
            });
        }
        z
    }

    /// The social workers of the filled-in forms, with any contract: R01 + R01A.
    pub fn form_workers(&self) -> Decimal {
        self.r01 + self.r01a
    }

    /// The forms filled in and, of them, the complete ones.
    pub fn filled(&self) -> (usize, usize) {
        let filled: Vec<&ReadForm> = self.lines.iter().filter_map(|l| l.form.as_ref()).collect();
        (filled.len(), filled.iter().filter(|f| f.complete).count())
    }

    /// The permanent staff recorded for the active municipalities and the
    /// zone's own service, in full-time equivalents; `None` when nothing
    /// is recorded.
    pub fn permanent_staff(&self) -> Option<Decimal> {
        let recorded: Vec<Decimal> = self
            .staff
            .iter()
            .filter(|e| {
                e.municipality_id
                    .is_none_or(|id| self.lines.iter().any(|l| l.municipality.id == id))
            })
            .filter_map(|e| e.fte_hundredths)
            .map(|h| Decimal::new(h, 2))
            .collect();
        (!recorded.is_empty()).then(|| recorded.into_iter().sum())
    }

    /// The c. 797 contribution on the permanent staff. With a population
    /// missing the thresholds would be too low: no amount rather than a
    /// wrong one.
    pub fn contribution(&self, spec: &Soc26Spec) -> Option<Cents> {
        let staff = self.permanent_staff()?;
        self.missing_population
            .is_empty()
            .then(|| rules::ats_contribution(spec, self.population, staff))
    }

    /// Where the permanent staff stands against the LEP and the objective.
    pub fn staffing_level(&self, spec: &Soc26Spec) -> Option<StaffingLevel> {
        let staff = self.permanent_staff()?;
        self.missing_population
            .is_empty()
            .then(|| rules::staffing_level(spec, self.population, staff))
    }

    /// The same rule on the forms' social workers of any contract: an
    /// indication only.
    pub fn indicative_contribution(&self, spec: &Soc26Spec) -> Cents {
        rules::ats_contribution(spec, self.r03, self.form_workers())
    }
}

/// A stored form read by the rules: best effort, so that a draft counts
/// with what it has; a form the rules cannot read at all counts as empty.
fn read(spec: &Soc26Spec, f: &Soc26Form) -> ReadForm {
    let input = soc26_json::read(spec, &f.data)
        .map(|(input, _)| input)
        .unwrap_or_default();
    ReadForm {
        complete: f.complete,
        result: rules::compute(spec, &input),
        input,
    }
}

/// The forms of the caller's zone for the year of `spec`, for its internal
/// readers: four queries.
pub async fn zone_forms(db: &Db, caller: &Caller, spec: &Soc26Spec) -> Result<ZoneForms, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let zones = forms_within(db, spec, Within::Zone(zone_id), &[zone_id]).await?;
    zones.into_iter().next().ok_or(Error::NotFound)
}

/// The forms of `zones`, all in `within`, for the year of `spec`, in the
/// order of `zones`: four queries whatever their number. Authorisation is
/// the caller's.
pub(super) async fn forms_within(
    db: &Db,
    spec: &Soc26Spec,
    within: Within,
    zones: &[i64],
) -> Result<Vec<ZoneForms>, Error> {
    let year = i64::from(spec.year);
    let municipalities = territory::municipalities_within(db, within).await?;
    let forms = store::list(db, within, year).await?;
    let staff = store::staff_within(db, within, year).await?;
    let populations = territory::populations_within(db, within, year - 1).await?;
    Ok(zones
        .iter()
        .map(|id| {
            let theirs = municipalities
                .iter()
                .filter(|m| m.zone_id == *id)
                .cloned()
                .collect();
            ZoneForms::build(spec, *id, theirs, &forms, &staff, &populations)
        })
        .collect())
}

/// A municipality of the caller's zone, for its internal readers.
pub async fn open_municipality(db: &Db, caller: &Caller, id: i64) -> Result<Municipality, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let m = territory::get_municipality(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    caller.same_zone(m.zone_id)?;
    Ok(m)
}

/// Saves a municipality's form of the year, from the version the caller
/// saw (none for a first save): complete when the official rules find no
/// problem, a draft otherwise. Returns the problems.
pub async fn save(
    db: &Db,
    caller: &Caller,
    (municipality_id, spec): (i64, &Soc26Spec),
    expected_version: Option<i64>,
    json: &serde_json::Value,
) -> Result<Vec<Problem>, Error> {
    let m = open_municipality(db, caller, municipality_id).await?;
    caller.require(Action::Administer { zone_id: m.zone_id })?;
    let text = json.to_string();
    let problems = match soc26_json::read(spec, &text) {
        Ok((_, problems)) => problems,
        Err(problems) => problems,
    };
    let year = i64::from(spec.year);
    let complete = problems.is_empty();
    store::save(
        db,
        &caller.actor,
        m.id,
        year,
        &text,
        complete,
        expected_version,
    )
    .await?;
    Ok(problems)
}

/// Sets the permanent social workers, in hundredths of full-time
/// equivalents, of each municipality of the caller's zone and of the zone's
/// own service (`None`), from the version the caller saw.
pub async fn set_permanent_staff(
    db: &Db,
    caller: &Caller,
    spec: &Soc26Spec,
    version: i64,
    entries: Input<Vec<(Option<i64>, Option<i64>)>>,
) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    let entries = entries?;
    let ours: Vec<i64> = territory::zone_municipalities(db, zone_id)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    if entries
        .iter()
        .any(|(m, _)| m.is_some_and(|m| !ours.contains(&m)))
    {
        return Err(Error::NotFound);
    }
    let year = i64::from(spec.year);
    Ok(store::set_permanent_staff(db, &caller.actor, zone_id, year, version, &entries).await?)
}

/// The SOC26 forms in use (one query): the shipped ones, with the region's
/// variants in their place.
pub async fn forms(db: &Db) -> Result<zona_core::soc26::Soc26Forms, Error> {
    Ok(store::forms(db).await?)
}

/// The year a page of forms shows, with every form in use: the year asked
/// for (`NotFound` when zona has no form of it), or else the latest year
/// with forms in `within`, or else the latest form. A form the region adds
/// for a new year does not hide the year being filled in.
pub async fn year_shown(
    db: &Db,
    within: Within,
    asked: Option<i32>,
) -> Result<(zona_core::soc26::Soc26Forms, Soc26Spec), Error> {
    let forms = forms(db).await?;
    let spec = match asked {
        Some(y) => forms.for_year(y).cloned().ok_or(Error::NotFound)?,
        None => {
            let filled = store::latest_year(db, within).await?;
            filled
                .and_then(|y| i32::try_from(y).ok())
                .and_then(|y| forms.for_year(y).cloned())
                .unwrap_or_else(|| forms.latest().clone())
        }
    };
    Ok((forms, spec))
}

/// The form of a year, for the pages of a form: `NotFound` when zona has none.
pub async fn form_of_year(db: &Db, year: i32) -> Result<Soc26Spec, Error> {
    forms(db)
        .await?
        .for_year(year)
        .cloned()
        .ok_or(Error::NotFound)
}

/// A year's form as the region manages it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub spec: Soc26Spec,
    /// zona ships a form for the year.
    pub shipped: bool,
    /// The region's variant in use for the year: its version and when it
    /// was saved.
    pub stored: Option<(i64, time::OffsetDateTime)>,
}

/// The forms of every year, shipped or stored, for the zone's internal
/// readers; `frame` tells whether the caller may change them (the region).
pub async fn variants(db: &Db, caller: &Caller) -> Result<(Vec<Variant>, bool), Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let stored = store::variants(db).await?;
    let forms = store::forms(db).await?;
    let shipped = Soc26Spec::all();
    let list = forms
        .all()
        .iter()
        .rev()
        .map(|spec| Variant {
            shipped: shipped.iter().any(|s| s.year == spec.year),
            stored: stored
                .iter()
                .find(|v| v.year == i64::from(spec.year))
                .map(|v| (v.version, v.updated_at)),
            spec: spec.clone(),
        })
        .collect();
    Ok((list, caller.regional_frame(db).await.is_ok()))
}

/// The region stores a form variant, written as JSON: it replaces the
/// shipped form of its year or adds a year. `expected` is the version of
/// the variant the person saw for that year (`None`: none stored). Returns
/// the form's year.
pub async fn save_variant(
    db: &Db,
    caller: &Caller,
    json: &str,
    expected: Option<i64>,
) -> Result<i32, Error> {
    caller.regional_frame(db).await?;
    let spec = Soc26Spec::from_json(json).map_err(|p| Error::Refused(p.join("\n")))?;
    store::save_variant(db, &caller.actor, &spec, expected).await?;
    Ok(spec.year)
}

/// The region removes its variant of a year, from the version it saw: the
/// shipped form of the year, if any, is used again.
pub async fn delete_variant(
    db: &Db,
    caller: &Caller,
    year: i32,
    version: i64,
) -> Result<(), Error> {
    caller.regional_frame(db).await?;
    let shipped = Soc26Spec::for_year(year);
    Ok(store::delete_variant(
        db,
        &caller.actor,
        i64::from(year),
        version,
        shipped.as_ref(),
    )
    .await?)
}
