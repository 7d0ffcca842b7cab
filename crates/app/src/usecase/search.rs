//! Search across the zone's records for a signed-in person: activity
//! sheets, programmes, organisations, co-design agreements, meetings,
//! facilities, projects. Each person finds what they may read, and each
//! result links to a page they may open: the internal pages for the zone's
//! internal roles, the public ones (published records only) for a Third
//! Sector body.

use super::{Caller, Error};
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::search::{self, Kind};
use zona_store::Db;

/// Shorter texts match too much to be useful.
pub const MIN_CHARS: usize = 2;
pub const MAX_CHARS: usize = 100;
/// Results shown per kind of record.
pub const PER_KIND: i64 = 20;

#[derive(Clone, Debug)]
pub struct Found {
    pub href: String,
    pub title: String,
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub label: &'static str,
    pub hits: Vec<Found>,
    /// How many match in all (more than shown when over [`PER_KIND`]).
    pub total: i64,
}

/// The text to search for, or why it cannot be searched.
pub fn text(raw: &str) -> Result<String, FieldErrors> {
    let t = raw.trim();
    let mut e = FieldErrors::new();
    match t.chars().count() {
        n if n < MIN_CHARS => e.add("q", format!("Scrivere almeno {MIN_CHARS} caratteri.")),
        n if n > MAX_CHARS => e.add("q", format!("Al massimo {MAX_CHARS} caratteri.")),
        _ => return Ok(t.to_string()),
    }
    Err(e)
}

/// The kinds of record a person searches in, with their Italian names.
fn kinds(caller: &Caller) -> Vec<(Kind, &'static str)> {
    let zone_id = caller.zone_id.unwrap_or(-1);
    let internal = caller.allows(Action::ReadInternal { zone_id });
    let registry = caller.allows(Action::ReadAdministration { zone_id });
    let mut kinds: Vec<(Kind, &'static str)> = Vec::new();
    if internal {
        kinds.extend([
            (Kind::Sheet, "Schede attività"),
            (Kind::Programme, "Programmi"),
        ]);
    }
    if registry {
        kinds.push((Kind::Organisation, "Enti"));
    }
    kinds.extend([
        (Kind::Agreement, "Co-progettazioni"),
        (Kind::Meeting, "Incontri"),
        (Kind::Facility, "Strutture"),
        (Kind::Project, "Progetti"),
    ]);
    kinds
}

/// What a person searches in, for the search page: "schede attività, …".
pub fn scope(caller: &Caller) -> Vec<String> {
    kinds(caller)
        .into_iter()
        .map(|(_, label)| label.to_lowercase())
        .collect()
}

pub async fn search(db: &Db, caller: &Caller, raw: &str) -> Result<Vec<Group>, Error> {
    let zone_id = caller.zone()?;
    let t = text(raw)?;
    let internal = caller.allows(Action::ReadInternal { zone_id });
    let mut groups = Vec::new();
    for (kind, label) in kinds(caller) {
        let (hits, total) = search::find(db, zone_id, kind, &t, !internal, PER_KIND).await?;
        if total == 0 {
            continue;
        }
        let hits = hits
            .into_iter()
            .map(|h| Found {
                href: link(kind, internal, h.id, &t),
                detail: match kind {
                    Kind::Meeting => zona_core::format::parse_date(&h.detail)
                        .map(zona_core::format::date)
                        .unwrap_or(h.detail),
                    _ => h.detail,
                },
                title: h.title,
            })
            .collect();
        groups.push(Group { label, hits, total });
    }
    Ok(groups)
}

/// The page of a record found, for an internal reader or for the public.
fn link(kind: Kind, internal: bool, id: i64, text: &str) -> String {
    let q: String = serde_urlencoded::to_string([("q", text)]).unwrap_or_default();
    match (kind, internal) {
        (Kind::Sheet, _) => format!("/pianificazione/attivita/{id}"),
        (Kind::Programme, _) => format!("/pianificazione/poa/{id}"),
        (Kind::Organisation, _) => format!("/admin/enti/{id}"),
        (Kind::Agreement, true) => format!("/partecipazione/co-progettazione/{id}"),
        (Kind::Agreement, false) => format!("/co-progettazione?{q}"),
        (Kind::Meeting, true) => format!("/partecipazione/incontri/{id}"),
        (Kind::Meeting, false) => format!("/partecipa/incontri/{id}"),
        (Kind::Facility, true) => format!("/servizi/strutture/{id}"),
        (Kind::Facility, false) => "/strutture".to_string(),
        (Kind::Project, true) => format!("/servizi/progetti/{id}"),
        (Kind::Project, false) => "/progetti".to_string(),
    }
}
