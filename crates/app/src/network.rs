//! The network's tables and documents, shared by the pages and the CLI: the
//! facilities list, the services matrix as the seed shows it, the DM 77/2022
//! check of a zone, and the data of a project card.

use anyhow::Result;
use serde_json::{json, Value};
use time::Date;
use zona_core::format::{date, thousands};
use zona_core::network::{check, count, FacilityKind, Standard};
use zona_core::planning::Vocabulary;
use zona_core::projects::{euro, pnrr_investment};
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::network::{self as net, Facility};
use zona_store::projects::Project;
use zona_store::territory::{self, ListQuery};
use zona_store::{Db, Page};

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

/// One line of the DM 77/2022 check.
#[derive(Clone, Debug)]
pub struct CheckRow {
    pub standard: Standard,
    pub required_min: u64,
    pub required_max: Option<u64>,
    /// `None` when the count is entered by hand and has not been.
    pub open: Option<u64>,
    pub planned: Option<u64>,
    pub note: Option<String>,
}

impl CheckRow {
    pub fn required_text(&self) -> String {
        match self.required_max {
            Some(max) if max != self.required_min => {
                format!("{}–{}", thousands(self.required_min), thousands(max))
            }
            _ => thousands(self.required_min),
        }
    }
    pub fn rate_text(&self) -> String {
        match self.standard.max {
            Some(max) if max != self.standard.min => {
                format!("da {} a {}", self.standard.min, max)
            }
            _ => self.standard.min.to_string(),
        }
    }
    pub fn open_text(&self) -> String {
        dash(self.open)
    }
    pub fn planned_text(&self) -> String {
        dash(self.planned)
    }
    pub fn gap_now_text(&self) -> String {
        dash(self.gap_now())
    }
    pub fn gap_planned_text(&self) -> String {
        dash(self.gap_planned())
    }
    /// Missing to the minimum with what is active now.
    pub fn gap_now(&self) -> Option<u64> {
        self.open.map(|o| self.required_min.saturating_sub(o))
    }
    /// Missing to the minimum once what is planned is active too.
    pub fn gap_planned(&self) -> Option<u64> {
        Some(
            self.required_min
                .saturating_sub(self.open? + self.planned.unwrap_or(0)),
        )
    }
}

/// A count, or a dash where the figure has not been entered.
fn dash(n: Option<u64>) -> String {
    n.map(thousands).unwrap_or_else(|| "—".into())
}

/// The population of a zone: the latest figure of each active municipality.
/// Returns the total and how it was made ("Livorno 153.154 (2024) + …").
pub async fn zone_population(db: &Db, zone_id: i64) -> Result<(u64, String)> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (ms, _) = territory::list_municipalities(db, &q, Page::all()).await?;
    let mut total = 0u64;
    let mut parts = Vec::new();
    for m in ms {
        match (m.population, m.population_year) {
            (Some(p), Some(y)) => {
                total += p.max(0) as u64;
                parts.push(format!("{} {} ({y})", m.name, thousands(p.max(0) as u64)));
            }
            _ => parts.push(format!("{}: popolazione non registrata", m.name)),
        }
    }
    Ok((total, parts.join(" + ")))
}

/// The check of a zone against every standard.
pub async fn dm77_check(db: &Db, zone_id: i64) -> Result<(u64, String, Vec<CheckRow>)> {
    let (population, how) = zone_population(db, zone_id).await?;
    let facilities = net::list_facilities(db, zone_id).await?;
    let counted: Vec<_> = facilities.iter().map(Facility::counted).collect();
    let manual = net::manual_counts(db, zone_id).await?;
    let mut rows = Vec::new();
    for s in net::standards(db).await? {
        let standard = s.standard;
        let c = check(&standard, population, 0);
        let (open, planned, note) = match count(standard.measure, &counted) {
            Some(k) => (Some(k.open), Some(k.planned), None),
            None => match manual.get(&standard.code) {
                Some(m) => (
                    Some(m.open_count.max(0) as u64),
                    Some(m.planned_count.max(0) as u64),
                    m.note.clone(),
                ),
                None => (None, None, None),
            },
        };
        rows.push(CheckRow {
            required_min: c.required_min,
            required_max: c.required_max,
            standard,
            open,
            planned,
            note,
        });
    }
    Ok((population, how, rows))
}

pub fn dm77_table(rows: &[CheckRow], population: u64) -> Table {
    let t = |k: &str, h: &str| Column::new(k, h, ColumnKind::Text);
    let n = |k: &str, h: &str| Column::new(k, h, ColumnKind::Integer);
    let mut table = Table::new(
        "Verifica standard DM 77-2022",
        vec![
            t("standard", "Standard"),
            t("rate", "Parametro"),
            n("population", "Popolazione"),
            t("required", "Fabbisogno"),
            n("open", "Attivi"),
            n("planned", "Programmati o in costruzione"),
            n("gap_now", "Mancanti ora"),
            n("gap_planned", "Mancanti a regime"),
            t("measure", "Come è contato"),
            t("source", "Fonte"),
        ],
    );
    let int = |v: Option<u64>| Cell::from(v.map(|n| n as i64));
    for r in rows {
        table.push(vec![
            r.standard.label.clone().into(),
            r.rate_text().into(),
            (population as i64).into(),
            r.required_text().into(),
            int(r.open),
            int(r.planned),
            int(r.gap_now()),
            int(r.gap_planned()),
            r.standard.measure.label().into(),
            r.standard.source.clone().into(),
        ]);
    }
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
