//! The network's tables and documents, shared by the pages and the CLI: the
//! facilities list, the services matrix as the seed shows it, the DM 77/2022
//! check of a zone, and the data of a project card.

use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::Date;
use zona_core::format::{self, date, thousands};
use zona_core::network::{
    check_hours, count, hours_standard, outcome, requirement, FacilityKind, FacilityStatus,
    HouseHours, HubSpoke, Outcome, Presence, Requirement, Resident, Share, Standard, Unit, Verdict,
    MAX_COUNT,
};
use zona_core::planning::Vocabulary;
use zona_core::projects::{euro, pnrr_investment};
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::network::{self as net, Facility};
use zona_store::projects::Project;
use zona_store::territory;
use zona_store::Db;

/// "circa 34.000", "11.000–12.000": a count or a range as the pages write it.
pub fn range_text(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a != b => {
            format!(
                "{}–{}",
                thousands(a.max(0) as u64),
                thousands(b.max(0) as u64)
            )
        }
        (Some(a), _) => thousands(a.max(0) as u64),
        _ => String::new(),
    }
}

/// The beds of a facility by care level: "20 (III livello)".
pub fn beds_text(f: &Facility) -> String {
    f.beds
        .iter()
        .map(|b| format!("{} ({})", b.beds, b.care_level.label()))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn facilities_table(facilities: &[Facility]) -> Table {
    let t = |k: &str, h: &str| Column::new(k, h, ColumnKind::Text);
    let n = |k: &str, h: &str| Column::new(k, h, ColumnKind::Integer);
    let mut table = Table::new(
        "Strutture della rete",
        vec![
            t("name", "Struttura"),
            t("kind", "Tipo"),
            t("hub_spoke", "Hub/spoke"),
            t("opening_hours", "Apertura"),
            n("catchment", "Utenti di riferimento"),
            t("municipality", "Comune"),
            t("address", "Indirizzo"),
            t("status", "Stato"),
            n("beds", "Posti letto"),
            t("beds_by_level", "Posti letto per livello"),
            n("places", "Posti"),
            t("focus", "Caratterizzazione"),
            t("yearly_users", "Utenti/anno"),
            n("yearly_accesses", "Accessi/anno"),
            t("project", "Progetto di finanziamento"),
        ],
    );
    for f in facilities {
        let r = &f.row;
        table.push(vec![
            r.name.clone().into(),
            f.kind().label().into(),
            f.hub_spoke().map(|h| h.label()).into(),
            r.opening_hours.clone().into(),
            r.catchment.into(),
            r.municipality_name.clone().into(),
            r.address.clone().into(),
            f.status().label().into(),
            if f.beds.is_empty() {
                Cell::Empty
            } else {
                f.total_beds().into()
            },
            beds_text(f).into(),
            r.places.into(),
            r.focus.clone().into(),
            range_text(r.users_min, r.users_max).into(),
            r.accesses.into(),
            r.project_title.clone().into(),
        ]);
    }
    table
}

/// The facilities a services matrix shows: those of one kind, in order.
pub fn matrix_facilities(all: &[Facility], kind: FacilityKind) -> Vec<&Facility> {
    all.iter().filter(|f| f.kind() == kind).collect()
}

/// The matrix as the seed shows it: one row per service of the catalogue,
/// one column per facility, "×" where the facility offers the service.
pub fn matrix_table(facilities: &[&Facility], services: &[(String, String)]) -> Table {
    let mut columns = vec![Column::new("service", "Servizio", ColumnKind::Text)];
    for (i, f) in facilities.iter().enumerate() {
        columns.push(Column::new(
            format!("f{}", i + 1),
            f.row.name.clone(),
            ColumnKind::Text,
        ));
    }
    let mut table = Table::new("Servizi delle strutture", columns);
    for (code, label) in services {
        let mut row: Vec<Cell> = vec![label.clone().into()];
        row.extend(facilities.iter().map(|f| {
            if f.services.contains(code) {
                Cell::from("×")
            } else {
                Cell::Empty
            }
        }));
        table.push(row);
    }
    table
}

/// The terms of the services catalogue, active ones, in order.
pub async fn service_terms(db: &Db) -> Result<Vec<(String, String)>> {
    Ok(zona_store::vocabularies::terms(db, Vocabulary::Service)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .map(|t| (t.code, t.label))
        .collect())
}

/// A hand-entered count as typed and shown: whole for counts, two decimals
/// for full-time equivalents (stored as hundredths of a post).
pub fn manual_text(unit: Unit, stored: i64) -> String {
    format::decimal(manual_value(unit, stored))
}

/// The value of a hand-entered count.
pub fn manual_value(unit: Unit, stored: i64) -> Decimal {
    match unit {
        Unit::Count => Decimal::from(stored.max(0)),
        Unit::Fte => Decimal::new(stored.max(0), 2),
    }
}

/// Reads a hand-entered count of a standard from its form field, by the one
/// number reader: a whole number, or for full-time equivalents a number
/// with at most two decimals (`1,70`, `0,50`), kept as hundredths.
pub fn read_manual(
    unit: Unit,
    text: &str,
    name: &str,
    e: &mut zona_core::FieldErrors,
) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    let read = match unit {
        Unit::Count => zona_core::number::read_count(s, MAX_COUNT).map(|n| n as i64),
        Unit::Fte => zona_core::number::read_decimal(s, 2).and_then(|d| {
            if d.is_sign_negative() && !d.is_zero() {
                Err(zona_core::number::NumberError::Negative)
            } else if d > Decimal::from(MAX_COUNT) {
                Err(zona_core::number::NumberError::TooLarge(thousands(
                    MAX_COUNT,
                )))
            } else {
                Ok(i64::try_from(d * Decimal::ONE_HUNDRED).unwrap_or(0))
            }
        }),
    };
    e.check(name, read)
}

/// One line of the DM 77/2022 check.
#[derive(Clone, Debug)]
pub struct CheckRow {
    pub standard: Standard,
    pub requirement: Requirement,
    /// `None` when the count is entered by hand and has not been.
    pub open: Option<Decimal>,
    pub planned: Option<Decimal>,
    pub note: Option<String>,
    pub outcome: Outcome,
}

fn quantity(unit: Unit, d: Decimal) -> String {
    match unit {
        Unit::Count => format::decimal(d.trunc()),
        Unit::Fte => format::decimal(zona_core::soc26::two_decimals(d)),
    }
}

impl CheckRow {
    pub fn required_text(&self) -> String {
        let q = |d| quantity(self.standard.unit, d);
        let r = &self.requirement;
        let mut t = match r.max {
            Some(max) if max != r.min => format!("{}–{}", q(r.min), q(max)),
            _ => q(r.min),
        };
        if let Some(target) = r.target {
            t.push_str(&format!(" (obiettivo della zona: {})", q(target)));
        }
        t
    }
    pub fn rate_text(&self) -> String {
        let mut t = match self.standard.max {
            Some(max) if max != self.standard.min => {
                format!("da {} a {}", self.standard.min, max)
            }
            _ => self.standard.min.to_string(),
        };
        if let Some(inner) = self.standard.inner_rate {
            t.push_str(&format!("; nelle aree interne, se scelto, {inner}"));
        }
        if self.standard.unit == Unit::Fte {
            t.push_str(" (unità equivalenti a tempo pieno)");
        }
        t
    }
    fn dash(&self, v: Option<Decimal>) -> String {
        v.map(|d| quantity(self.standard.unit, d))
            .unwrap_or_else(|| "—".into())
    }
    pub fn open_text(&self) -> String {
        self.dash(self.open)
    }
    pub fn planned_text(&self) -> String {
        self.dash(self.planned)
    }
    pub fn gap_now_text(&self) -> String {
        self.dash(self.gap_now())
    }
    pub fn gap_planned_text(&self) -> String {
        self.dash(self.gap_planned())
    }
    pub fn outcome_text(&self) -> &'static str {
        outcome_label(self.outcome)
    }
    /// Missing to the minimum with what is active now.
    pub fn gap_now(&self) -> Option<Decimal> {
        self.open
            .map(|o| (self.requirement.min - o).max(Decimal::ZERO))
    }
    /// Missing to the minimum once what is planned is active too.
    pub fn gap_planned(&self) -> Option<Decimal> {
        Some(
            (self.requirement.min - self.open? - self.planned.unwrap_or(Decimal::ZERO))
                .max(Decimal::ZERO),
        )
    }
}

pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "Rispettato",
        Outcome::NotMet => "Non rispettato",
        Outcome::Unknown => "Non verificabile",
    }
}

/// The staff presence of one Casa della Comunità against its standard.
#[derive(Clone, Debug)]
pub struct HoursRow {
    pub name: String,
    pub role: HubSpoke,
    pub status: FacilityStatus,
    pub hours: HouseHours,
    /// Only an active house is judged; a planned one shows what is recorded.
    pub outcome: Option<Outcome>,
    pub short: Vec<String>,
}

impl HoursRow {
    pub fn standard_text(&self) -> String {
        let (d, n) = hours_standard(self.role);
        format!("medici {d}, infermieri {n}")
    }
    pub fn recorded_text(&self) -> String {
        let p = |p: Option<Presence>| {
            p.map(|p| p.to_string())
                .unwrap_or_else(|| "non registrata".into())
        };
        format!(
            "medici {}, infermieri {}",
            p(self.hours.doctors),
            p(self.hours.nurses)
        )
    }
    pub fn outcome_text(&self) -> String {
        match self.outcome {
            None => format!(
                "Da verificare all'apertura ({})",
                self.status.label().to_lowercase()
            ),
            Some(Outcome::NotMet) => format!("Sotto lo standard: {}", self.short.join("; ")),
            Some(o) => outcome_label(o).to_string(),
        }
    }
}

/// The whole check of a zone.
#[derive(Clone, Debug)]
pub struct Dm77Check {
    pub population: u64,
    pub population_how: String,
    pub rows: Vec<CheckRow>,
    pub hours: Vec<HoursRow>,
    /// The zone applies the higher family-clinic rate in its inner areas.
    pub higher_clinic_rate: bool,
    pub zone_version: i64,
    pub verdict: Verdict,
}

impl Dm77Check {
    /// The municipality-by-municipality shares of the standards that have
    /// an inner-areas rate (family clinics).
    pub fn shares(&self) -> Vec<(&CheckRow, &Share)> {
        self.rows
            .iter()
            .flat_map(|r| r.requirement.shares.iter().map(move |s| (r, s)))
            .collect()
    }
}

/// The population of a zone: the latest figure of each active municipality.
/// Returns the residents and how the total was made ("Livorno 153.154 (2024) + …").
pub async fn zone_residents(db: &Db, zone_id: i64) -> Result<(Vec<Resident>, String)> {
    Ok(residents_of(
        &territory::zone_municipalities(db, zone_id).await?,
    ))
}

/// The residents of some municipalities, and how their total was made.
fn residents_of(ms: &[territory::Municipality]) -> (Vec<Resident>, String) {
    let mut residents = Vec::new();
    let mut parts = Vec::new();
    for m in ms {
        match (m.population, m.population_year) {
            (Some(p), Some(y)) => {
                parts.push(format!("{} {} ({y})", m.name, thousands(p.max(0) as u64)));
                residents.push(Resident {
                    name: m.name.clone(),
                    population: p.max(0) as u64,
                    inner_area: m.inner_area,
                });
            }
            _ => parts.push(format!("{}: popolazione non registrata", m.name)),
        }
    }
    (residents, parts.join(" + "))
}

/// The population of a zone and how it was made.
pub async fn zone_population(db: &Db, zone_id: i64) -> Result<(u64, String)> {
    let (residents, how) = zone_residents(db, zone_id).await?;
    Ok((residents.iter().map(|r| r.population).sum(), how))
}

/// The check of a zone against every standard, the hours of its Case della
/// Comunità, and the verdict.
pub async fn dm77_check(db: &Db, zone_id: i64) -> Result<Dm77Check> {
    let zone = territory::get_zone(db, zone_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("zone {zone_id} not found"))?;
    let municipalities = territory::zone_municipalities(db, zone_id).await?;
    let facilities = net::list_facilities(db, zone_id).await?;
    let manual = net::manual_counts(db, zone_id).await?;
    let standards = net::standards(db).await?;
    Ok(check_of(
        &zone,
        &municipalities,
        &facilities,
        &manual,
        standards,
    ))
}

/// The checks of `zones`, all of region `region_id`, in their order: each
/// kind of data read once for the whole region (six queries), whatever
/// the number of zones.
pub async fn dm77_checks(
    db: &Db,
    region_id: i64,
    zones: &[territory::Zone],
) -> Result<Vec<Dm77Check>> {
    let within = territory::Within::Region(region_id);
    let municipalities = territory::municipalities_within(db, within).await?;
    let facilities = net::facilities_within(db, within).await?;
    let manual = net::manual_counts_within(db, within).await?;
    let standards = net::standards(db).await?;
    Ok(zones
        .iter()
        .map(|z| {
            let ms: Vec<territory::Municipality> = municipalities
                .iter()
                .filter(|m| m.zone_id == z.id)
                .cloned()
                .collect();
            let fs: Vec<Facility> = facilities
                .iter()
                .filter(|f| f.row.zone_id == z.id)
                .cloned()
                .collect();
            let counts: HashMap<String, net::ManualCount> = manual
                .iter()
                .filter(|(zone, _)| *zone == z.id)
                .map(|(_, c)| (c.standard_code.clone(), c.clone()))
                .collect();
            check_of(z, &ms, &fs, &counts, standards.clone())
        })
        .collect())
}

/// The check of a zone from what is stored of it.
fn check_of(
    zone: &territory::Zone,
    municipalities: &[territory::Municipality],
    facilities: &[Facility],
    manual: &HashMap<String, net::ManualCount>,
    standards: Vec<net::StoredStandard>,
) -> Dm77Check {
    let (residents, how) = residents_of(municipalities);
    let counted: Vec<_> = facilities.iter().map(Facility::counted).collect();
    let mut rows = Vec::new();
    for s in standards {
        let standard = s.standard;
        let requirement = requirement(&standard, &residents, zone.family_clinics_inner_rate);
        let (open, planned, note) = match count(standard.measure, &counted) {
            Some(k) => (
                Some(Decimal::from(k.open)),
                Some(Decimal::from(k.planned)),
                None,
            ),
            None => match manual.get(&standard.code) {
                Some(m) => (
                    Some(manual_value(standard.unit, m.open_count)),
                    Some(manual_value(standard.unit, m.planned_count)),
                    m.note.clone(),
                ),
                None => (None, None, None),
            },
        };
        rows.push(CheckRow {
            outcome: outcome(requirement.min, open),
            requirement,
            standard,
            open,
            planned,
            note,
        });
    }
    let hours: Vec<HoursRow> = facilities
        .iter()
        .filter(|f| f.kind() == FacilityKind::CommunityHouse)
        .filter_map(|f| {
            let role = f.hub_spoke()?;
            let (o, short) = check_hours(role, f.hours());
            Some(HoursRow {
                name: f.row.name.clone(),
                role,
                status: f.status(),
                hours: f.hours(),
                outcome: (f.status() == FacilityStatus::Open).then_some(o),
                short,
            })
        })
        .collect();
    let verdict = Verdict::new(
        &rows.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        &hours.iter().filter_map(|h| h.outcome).collect::<Vec<_>>(),
    );
    Dm77Check {
        population: residents.iter().map(|r| r.population).sum(),
        population_how: how,
        rows,
        hours,
        higher_clinic_rate: zone.family_clinics_inner_rate,
        zone_version: zone.version,
        verdict,
    }
}

/// Relative column widths of the check's PDF table.
pub const DM77_WIDTHS: [u32; 11] = [3, 3, 1, 2, 1, 1, 1, 1, 2, 2, 4];

/// The check as one table: a row per standard, a row per Casa della
/// Comunità for its hours, the municipalities' shares of the family-clinic
/// standard, and the verdict last.
pub fn dm77_table(c: &Dm77Check) -> Table {
    let t = |k: &str, h: &str| Column::new(k, h, ColumnKind::Text);
    let n = |k: &str, h: &str| Column::new(k, h, ColumnKind::Integer);
    let d = |k: &str, h: &str| Column::new(k, h, ColumnKind::Decimal);
    let mut table = Table::new(
        "Verifica standard DM 77-2022",
        vec![
            t("standard", "Standard"),
            t("rate", "Parametro"),
            n("population", "Popolazione"),
            t("required", "Fabbisogno"),
            d("open", "Attivi"),
            d("planned", "Programmati o in costruzione"),
            d("gap_now", "Mancanti ora"),
            d("gap_planned", "Mancanti a regime"),
            t("outcome", "Esito"),
            t("measure", "Come è contato"),
            t("source", "Fonte"),
        ],
    );
    let dec = |v: Option<Decimal>| v.map(Cell::Decimal).unwrap_or(Cell::Empty);
    for r in &c.rows {
        table.push(vec![
            r.standard.label.clone().into(),
            r.rate_text().into(),
            (c.population as i64).into(),
            r.required_text().into(),
            dec(r.open),
            dec(r.planned),
            dec(r.gap_now()),
            dec(r.gap_planned()),
            r.outcome_text().into(),
            r.standard.measure.label().into(),
            r.standard.source.clone().into(),
        ]);
    }
    for (r, s) in c.shares() {
        table.push(vec![
            format!("{} – {}", r.standard.label, s.name).into(),
            format!(
                "{}{}",
                s.rate,
                s.inner_area
                    .map(|a| format!(" (classe {})", a.label()))
                    .unwrap_or_else(|| " (classe aree interne non indicata)".into())
            )
            .into(),
            (s.population as i64).into(),
            format!(
                "quota del minimo {}, quota dell'obiettivo {}",
                format::decimal(s.minimum),
                format::decimal(s.target)
            )
            .into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            "Quota del comune, con due decimali (il fabbisogno somma le quote esatte)".into(),
            r.standard.source.clone().into(),
        ]);
    }
    for h in &c.hours {
        table.push(vec![
            format!("Orari – {} ({})", h.name, h.role.label()).into(),
            h.standard_text().into(),
            Cell::Empty,
            h.standard_text().into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            h.outcome_text().into(),
            format!("Registrato: {}", h.recorded_text()).into(),
            "DM 77/2022, All. 1, «Casa della Comunità»: hub presenza medica H24 7/7 e infermieristica H12 7/7; spoke presenza medica e infermieristica H12 6/7".into(),
        ]);
    }
    let mut verdict: Vec<Cell> = vec!["Esito complessivo".into(), c.verdict.text().into()];
    verdict.resize(11, Cell::Empty);
    table.push(verdict);
    table
}

/// The labelled parts of a project card, in the order of seed 000's cards:
/// the page and the PDF show the same.
pub fn card_sections(p: &Project, zone_name: &str) -> Vec<(String, String)> {
    let r = &p.row;
    let mut v = vec![("Che cos'è".to_string(), r.summary.clone())];
    let mut add = |label: &str, text: Option<String>| {
        if let Some(t) = text {
            v.push((label.to_string(), t));
        }
    };
    add(zone_name, r.zone_note.clone());
    add("Servizio erogato", r.service.clone());
    add("Durata", Some(r.duration_text.clone()));
    add("Risorse", p.resources().map(euro));
    add("Finanziamento", r.funding.clone());
    add(
        "PNRR",
        r.pnrr_code
            .as_ref()
            .map(|code| match pnrr_investment(code) {
                Some(i) => format!("{} – {}", i.short(), i.title),
                None => code.clone(),
            }),
    );
    add("CUP", r.cup.clone());
    add("Ente responsabile", r.responsible_name.clone());
    add("Stato", Some(p.status().label().to_string()));
    v
}

/// The data of a project card (template `project_card.typ`).
pub fn card_data(p: &Project, zone_name: &str, today: Date) -> Value {
    let r = &p.row;
    let sections: Vec<Value> = card_sections(p, zone_name)
        .into_iter()
        .map(|(label, text)| json!({"label": label, "text": text}))
        .collect();
    let length: usize = [&r.summary, r.service.as_deref().unwrap_or("")]
        .iter()
        .map(|s| s.len())
        .sum::<usize>()
        + p.actions
            .iter()
            .map(|a| a.title.len() + a.description.as_deref().map_or(0, str::len))
            .sum::<usize>();
    json!({
        "zone": zone_name,
        "kicker": "Scheda progetto",
        "title": r.title,
        "generated": date(today),
        "long": length > 1800,
        "sections": sections,
        "actions": p.actions.iter().map(|a| json!({
            "title": a.title,
            "description": a.description.clone().unwrap_or_default(),
            "amount": action_amount(a),
        })).collect::<Vec<_>>(),
        "targets": p.targets.iter().map(|t| json!({
            "description": t.description,
            "target": thousands(t.target.max(0) as u64),
            "achieved": t.achieved.map(|a| thousands(a.max(0) as u64)).unwrap_or_else(|| "—".into()),
            "due": t.due_date.map(date).unwrap_or_default(),
        })).collect::<Vec<_>>(),
    })
}

/// "da € 800,00 a € 3.000,00 per Piano individualizzato".
pub fn action_amount(a: &zona_store::projects::ProjectAction) -> String {
    match (&a.amount, &a.basis) {
        (Some(r), Some(b)) => format!("{r} {b}"),
        (Some(r), None) => r.to_string(),
        (None, _) => String::new(),
    }
}

pub fn card_pdf(p: &Project, zone_name: &str, today: Date) -> Result<Vec<u8>> {
    let data = card_data(p, zone_name, today);
    Ok(zona_reports::pdf::render(
        zona_reports::pdf::PROJECT_CARD_TEMPLATE,
        &data,
        today,
    )?)
}

pub fn projects_table(projects: &[Project]) -> Table {
    let t = |k: &str, h: &str| Column::new(k, h, ColumnKind::Text);
    let mut table = Table::new(
        "Progetti",
        vec![
            t("title", "Progetto"),
            t("pnrr", "Investimento PNRR"),
            t("cup", "CUP"),
            t("responsible", "Ente responsabile"),
            t("duration", "Durata"),
            Column::new("start", "Inizio", ColumnKind::Date),
            Column::new("end", "Fine", ColumnKind::Date),
            Column::new("resources", "Risorse", ColumnKind::Money),
            t("funding", "Finanziamento"),
            t("status", "Stato"),
            Column::new("actions", "Azioni", ColumnKind::Integer),
        ],
    );
    for p in projects {
        let r = &p.row;
        table.push(vec![
            r.title.clone().into(),
            r.pnrr_code.clone().into(),
            r.cup.clone().into(),
            r.responsible_name.clone().into(),
            r.duration_text.clone().into(),
            r.start_date.into(),
            r.end_date.into(),
            p.resources().into(),
            r.funding.clone().into(),
            p.status().label().into(),
            (p.actions.len() as i64).into(),
        ]);
    }
    table
}
