//! The facility form as sent: each field the input of the same name, all
//! text so that a refused form shows again exactly as typed. `parse` reads
//! the fields and reports every error at once; whether the municipality and
//! the project are the zone's is the use case's check.

use super::*;
use crate::usecase::network as usecase;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FacilityForm {
    pub name: String,
    pub kind: String,
    pub hub_spoke: String,
    pub opening_hours: String,
    pub doctor_hours: String,
    pub doctor_days: String,
    pub nurse_hours: String,
    pub nurse_days: String,
    pub catchment: String,
    pub municipality_id: String,
    pub address: String,
    pub status: String,
    pub beds_low_care: String,
    pub beds_first: String,
    pub beds_second: String,
    pub beds_first_second: String,
    pub beds_third: String,
    pub places: String,
    pub focus: String,
    pub users_min: String,
    pub users_max: String,
    pub accesses: String,
    pub project_id: String,
    pub notes: String,
    pub version: String,
}

fn count_text(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// A count that may be left empty.
fn optional_count(field: &str, text: &str, e: &mut FieldErrors) -> Option<i64> {
    match text.trim() {
        "" => None,
        s => e.check(field, parse_count(s)).map(i64::from),
    }
}

/// A staff presence as hours a day and days a week: both or neither.
fn read_presence(
    (hours_field, hours): (&str, &str),
    (days_field, days): (&str, &str),
    e: &mut FieldErrors,
) -> Option<Presence> {
    let h = optional_count(hours_field, hours, e);
    let d = optional_count(days_field, days, e);
    match (h, d) {
        (None, None) => None,
        (Some(_), None) => {
            e.add(days_field, "Indicare anche i giorni a settimana.");
            None
        }
        (None, Some(_)) => {
            e.add(hours_field, "Indicare anche le ore al giorno.");
            None
        }
        (Some(h), Some(d)) => match Presence::new(h as u64, d as u64) {
            Ok(p) => Some(p),
            Err(m) => {
                let field = if (1..=24).contains(&h) {
                    days_field
                } else {
                    hours_field
                };
                e.add(field, m);
                None
            }
        },
    }
}

impl FacilityForm {
    /// A new facility: planned.
    pub fn new() -> FacilityForm {
        FacilityForm {
            status: FacilityStatus::Planned.code().into(),
            ..FacilityForm::default()
        }
    }

    /// The form as the stored facility fills it.
    pub fn of(f: &Facility) -> FacilityForm {
        let r = &f.row;
        let beds = |level| count_text(f.beds_at(level).map(|b| b.beds));
        FacilityForm {
            name: r.name.clone(),
            kind: r.kind.code().to_string(),
            hub_spoke: r.hub_spoke.clone().unwrap_or_default(),
            opening_hours: r.opening_hours.clone().unwrap_or_default(),
            doctor_hours: count_text(r.doctor_hours),
            doctor_days: count_text(r.doctor_days),
            nurse_hours: count_text(r.nurse_hours),
            nurse_days: count_text(r.nurse_days),
            catchment: count_text(r.catchment),
            municipality_id: count_text(r.municipality_id),
            address: r.address.clone().unwrap_or_default(),
            status: r.status.code().to_string(),
            beds_low_care: beds(CareLevel::LowCare),
            beds_first: beds(CareLevel::First),
            beds_second: beds(CareLevel::Second),
            beds_first_second: beds(CareLevel::FirstSecond),
            beds_third: beds(CareLevel::Third),
            places: count_text(r.places),
            focus: r.focus.clone().unwrap_or_default(),
            users_min: count_text(r.users_min),
            users_max: count_text(r.users_max),
            accesses: count_text(r.accesses),
            project_id: count_text(r.project_id),
            notes: r.notes.clone().unwrap_or_default(),
            version: r.version.to_string(),
        }
    }

    /// The beds by care level, as typed.
    fn beds(&self) -> [(CareLevel, &'static str, &str); 5] {
        [
            (CareLevel::LowCare, "beds_low_care", &self.beds_low_care),
            (CareLevel::First, "beds_first", &self.beds_first),
            (CareLevel::Second, "beds_second", &self.beds_second),
            (
                CareLevel::FirstSecond,
                "beds_first_second",
                &self.beds_first_second,
            ),
            (CareLevel::Third, "beds_third", &self.beds_third),
        ]
    }

    /// The kind of facility and, for a Casa della Comunità only, whether it
    /// is a hub or a spoke.
    fn read_kind(&self, e: &mut FieldErrors) -> (Option<FacilityKind>, Option<HubSpoke>) {
        let kind = FacilityKind::from_code(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Scegliere il tipo di struttura.");
        }
        let hub_spoke = HubSpoke::from_code(self.hub_spoke.trim());
        match (kind, hub_spoke) {
            (Some(FacilityKind::CommunityHouse), None) => e.add(
                "hub_spoke",
                "Per una Casa della Comunità indicare se è hub o spoke.",
            ),
            (Some(k), Some(_)) if k != FacilityKind::CommunityHouse => e.add(
                "hub_spoke",
                "Hub e spoke si indicano solo per le Case della Comunità.",
            ),
            _ => {}
        }
        (kind, hub_spoke)
    }

    /// The users a year: one number, or a range whose second number is not
    /// below the first.
    fn read_users(&self, e: &mut FieldErrors) -> (Option<i64>, Option<i64>) {
        let min = optional_count("users_min", &self.users_min, e);
        let max = optional_count("users_max", &self.users_max, e);
        match (min, max) {
            (Some(a), Some(b)) if b < a => e.add(
                "users_max",
                "Il secondo numero non può essere inferiore al primo.",
            ),
            (None, Some(_)) => e.add("users_min", "Indicare il primo numero dell'intervallo."),
            _ => {}
        }
        (min, max)
    }

    pub fn parse(&self) -> Result<FacilityInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(&self.name, 200));
        let (kind, hub_spoke) = self.read_kind(&mut e);
        let status = FacilityStatus::from_code(self.status.trim());
        if status.is_none() {
            e.add("status", "Scegliere lo stato.");
        }
        let opening = e.check("opening_hours", optional_text(&self.opening_hours, 60));
        let address = e.check("address", optional_text(&self.address, 200));
        let focus = e.check("focus", optional_text(&self.focus, 2000));
        let notes = e.check("notes", optional_text(&self.notes, 2000));
        let catchment = optional_count("catchment", &self.catchment, &mut e);
        let places = optional_count("places", &self.places, &mut e);
        let (users_min, users_max) = self.read_users(&mut e);
        let accesses = optional_count("accesses", &self.accesses, &mut e);
        let beds = self
            .beds()
            .into_iter()
            .filter_map(|(level, field, text)| {
                optional_count(field, text, &mut e).map(|n| Beds {
                    care_level: level,
                    beds: n,
                    note: None,
                })
            })
            .collect();
        let hours = HouseHours {
            doctors: read_presence(
                ("doctor_hours", &self.doctor_hours),
                ("doctor_days", &self.doctor_days),
                &mut e,
            ),
            nurses: read_presence(
                ("nurse_hours", &self.nurse_hours),
                ("nurse_days", &self.nurse_days),
                &mut e,
            ),
        };
        if hours != HouseHours::default() && kind.is_some_and(|k| k != FacilityKind::CommunityHouse)
        {
            e.add(
                "doctor_hours",
                "La presenza di medici e infermieri si indica solo per le Case della Comunità.",
            );
        }
        let municipality_id = choice_id(&self.municipality_id, "municipality_id", &mut e);
        let project_id = choice_id(&self.project_id, "project_id", &mut e);
        let (Some(kind), Some(name), Some(status), true) = (kind, name, status, e.is_empty())
        else {
            return Err(e);
        };
        Ok(FacilityInput {
            // The use case places the facility in the caller's zone.
            zone_id: 0,
            kind,
            name,
            hub_spoke,
            opening_hours: opening.flatten(),
            catchment,
            address: address.flatten(),
            municipality_id,
            status,
            focus: focus.flatten(),
            users_min,
            users_max,
            accesses,
            places,
            project_id,
            notes: notes.flatten(),
            beds,
            hours,
        })
    }
}

/// The zone's choice for family clinics in inner areas: `inner_areas` is
/// `1` (the higher rate there) or `0`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ClinicRateForm {
    pub inner_areas: String,
    pub version: String,
}

/// A DM 77/2022 standard, and the zone's counts for one counted by hand.
/// Each rate is an amount for so many inhabitants.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StandardForm {
    pub label: String,
    pub min_amount: String,
    pub min_per: String,
    pub max_amount: String,
    pub max_per: String,
    pub inner_amount: String,
    pub inner_per: String,
    pub measure: String,
    pub source: String,
    pub open_count: String,
    pub planned_count: String,
    pub count_note: String,
    pub version: String,
}

/// A count of a standard's rate; empty is none, or an error when `required`.
fn rate_count(field: &str, text: &str, required: bool, e: &mut FieldErrors) -> Option<u64> {
    match text.trim() {
        "" => {
            if required {
                e.add(field, "Campo obbligatorio.");
            }
            None
        }
        s => e.check(field, parse_count(s)).map(u64::from),
    }
}

/// A rate given as two fields: both or neither, and inhabitants above zero.
fn optional_rate(
    (amount_field, amount): (&str, &str),
    (per_field, per): (&str, &str),
    both: &str,
    e: &mut FieldErrors,
) -> Option<Rate> {
    match (
        rate_count(amount_field, amount, false, e),
        rate_count(per_field, per, false, e),
    ) {
        (None, None) => None,
        (Some(_), Some(0)) => {
            e.add(
                per_field,
                "Il numero di abitanti deve essere maggiore di zero.",
            );
            None
        }
        (Some(amount), Some(per)) => Some(Rate { amount, per }),
        _ => {
            e.add(per_field, both);
            None
        }
    }
}

fn rate_text(r: Option<Rate>) -> (String, String) {
    match r {
        Some(r) => (r.amount.to_string(), r.per.to_string()),
        None => (String::new(), String::new()),
    }
}

impl StandardForm {
    /// The form as sent, with what the person was not offered put back as
    /// stored: the standard's own fields unless `standard` (the region), the
    /// zone's count unless `count` (the zone's office).
    pub fn keeping(self, stored: StandardForm, standard: bool, count: bool) -> StandardForm {
        let sent = if standard {
            self
        } else {
            StandardForm {
                open_count: self.open_count,
                planned_count: self.planned_count,
                count_note: self.count_note,
                version: self.version,
                ..stored.clone()
            }
        };
        if count {
            sent
        } else {
            StandardForm {
                open_count: stored.open_count,
                planned_count: stored.planned_count,
                count_note: stored.count_note,
                ..sent
            }
        }
    }

    /// The form as the stored standard and the zone's counts fill it.
    pub fn of(s: &store::StoredStandard, manual: Option<ManualCount>) -> StandardForm {
        let st = &s.standard;
        let (max_amount, max_per) = rate_text(st.max);
        let (inner_amount, inner_per) = rate_text(st.inner_rate);
        let count = |n: fn(&ManualCount) -> i64| {
            manual
                .as_ref()
                .map(|m| nw::manual_text(st.unit, n(m)))
                .unwrap_or_default()
        };
        StandardForm {
            label: st.label.clone(),
            min_amount: st.min.amount.to_string(),
            min_per: st.min.per.to_string(),
            max_amount,
            max_per,
            inner_amount,
            inner_per,
            measure: st.measure.code().to_string(),
            source: st.source.clone(),
            open_count: count(|m| m.open_count),
            planned_count: count(|m| m.planned_count),
            count_note: manual
                .as_ref()
                .and_then(|m| m.note.clone())
                .unwrap_or_default(),
            version: s.version.to_string(),
        }
    }

    /// The standard as typed; its code and unit stay those of `current`.
    fn read_standard(&self, current: &Standard, e: &mut FieldErrors) -> Option<Standard> {
        let label = e.check("label", required_text(&self.label, 200));
        let source = e.check("source", required_text(&self.source, 1000));
        let min_amount = rate_count("min_amount", &self.min_amount, true, e);
        let min_per = rate_count("min_per", &self.min_per, true, e);
        if min_per == Some(0) {
            e.add(
                "min_per",
                "Il numero di abitanti deve essere maggiore di zero.",
            );
        }
        let max = optional_rate(
            ("max_amount", &self.max_amount),
            ("max_per", &self.max_per),
            "Indicare sia la quantità sia gli abitanti del massimo, o nessuno dei due.",
            e,
        );
        let inner_rate = optional_rate(
            ("inner_amount", &self.inner_amount),
            ("inner_per", &self.inner_per),
            "Indicare sia la quantità sia gli abitanti, o nessuno dei due.",
            e,
        );
        let measure = Measure::from_code(self.measure.trim());
        if measure.is_none() {
            e.add("measure", "Scegliere come si contano gli esistenti.");
        }
        let (Some(amount), Some(per)) = (min_amount, min_per) else {
            return None;
        };
        let min = Rate { amount, per };
        if per > 0 && max.is_some_and(|m| m.required(1_000_000) < min.required(1_000_000)) {
            e.add("max_amount", "Il massimo dà meno del minimo.");
        }
        if per > 0 && inner_rate.is_some_and(|r| r.required(1_000_000) < min.required(1_000_000)) {
            e.add(
                "inner_amount",
                "Il parametro delle aree interne dà meno del minimo.",
            );
        }
        Some(Standard {
            code: current.code.clone(),
            unit: current.unit,
            inner_rate,
            label: label?,
            measure: measure?,
            min,
            max,
            source: source?,
        })
    }

    /// The counts by hand, read only where the form showed them: for a
    /// standard counted by hand.
    fn read_count(
        &self,
        s: &store::StoredStandard,
        e: &mut FieldErrors,
    ) -> Option<Option<ManualCount>> {
        if s.standard.measure != Measure::Manual {
            return None;
        }
        let unit = s.standard.unit;
        let open = nw::read_manual(unit, &self.open_count, "open_count", e);
        let planned = nw::read_manual(unit, &self.planned_count, "planned_count", e);
        let note = e.check("count_note", optional_text(&self.count_note, 300));
        if open.is_none() && planned.is_some() {
            e.add("open_count", "Indicare anche gli attivi (0 se nessuno).");
        }
        Some(open.map(|o| ManualCount {
            standard_code: s.standard.code.clone(),
            open_count: o,
            planned_count: planned.unwrap_or(0),
            note: note.flatten(),
        }))
    }

    /// The edit of the standard `s`; every error is reported at once.
    pub fn parse(&self, s: &store::StoredStandard) -> Result<usecase::StandardEdit, FieldErrors> {
        let mut e = FieldErrors::new();
        let standard = self.read_standard(&s.standard, &mut e);
        let count = self.read_count(s, &mut e);
        match standard {
            Some(standard) if e.is_empty() => Ok(usecase::StandardEdit { standard, count }),
            _ => Err(e),
        }
    }
}
