//! What waits for each person, on their home: a list of sections, one per
//! kind of work, each with the items that need them, most urgent first.
//!
//! - The planning office: the sheets to review, the next deadlines, the
//!   co-programming paths with their stage and next date, the meetings held
//!   without minutes, the SOC26 forms still incomplete.
//! - A Referente: the sheets to fill or returned, the next deadlines, the
//!   sheets without monitoring while a monitoring round is due.
//! - A Third Sector body: the open notices, its applications, its co-design
//!   agreements, the meetings it is invited to.
//! - Consultazione: what changed recently.
//!
//! Every link is to a page the person may open.

use super::deadlines::{self, CalendarItem};
use super::{Caller, Error};
use time::Date;
use zona_core::authz::Action;
use zona_core::coprogramming::{stage, ReportStatus, Stage};
use zona_core::format;
use zona_core::planning::{DeadlineKind, SheetStatus};
use zona_store::audit::{self, entity};
use zona_store::{codesign, participation, sheets, soc26, Db, Page};

/// How far ahead the queues show deadlines and meetings.
const AHEAD_DAYS: i64 = 60;

#[derive(Clone, Debug, Default)]
pub struct Item {
    pub href: String,
    pub what: String,
    /// The date or state beside it.
    pub note: String,
    /// Shown in bold: needs action first (a returned sheet, a deadline this week).
    pub urgent: bool,
    /// A further line (the office's comment on a returned sheet).
    pub detail: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Section {
    /// The section's anchor and heading id.
    pub id: &'static str,
    pub heading: String,
    pub items: Vec<Item>,
    /// A link to everything of the kind.
    pub more: Option<(String, &'static str)>,
}

fn section(id: &'static str, heading: String, items: Vec<Item>) -> Section {
    Section {
        id,
        heading,
        items,
        more: None,
    }
}

/// The person's queue, in the order of the sections above.
pub async fn queue(db: &Db, caller: &Caller, today: Date) -> Result<Vec<Section>, Error> {
    let zone_id = caller.zone()?;
    let office = caller.allows(Action::Administer { zone_id });
    let internal = caller.allows(Action::ReadInternal { zone_id });
    let p = caller.principal.as_ref().ok_or(Error::LoginRequired)?;
    let referente = !p.unit_ids().is_empty();
    let bodies = p.organisation_ids();
    let mut out = Vec::new();
    if internal && (office || referente) {
        out.push(sheets_section(db, caller, office).await?);
    }
    let calendar = deadlines::calendar(db, caller, today).await?;
    let soon = |i: &&CalendarItem| i.on <= today + time::Duration::days(AHEAD_DAYS);
    if office || referente {
        let items: Vec<Item> = calendar
            .iter()
            .filter(soon)
            .filter(|i| i.kind != "Incontro")
            .map(|i| dated(i, today))
            .collect();
        out.push(Section {
            more: Some(("/scadenze".into(), "Tutte le scadenze e gli incontri")),
            ..section(
                "scadenze",
                count_heading(
                    &items,
                    "Nessuna scadenza nei prossimi 60 giorni",
                    "scadenza",
                    "scadenze",
                    "nei prossimi 60 giorni",
                ),
                items,
            )
        });
    }
    if referente && !office {
        if let Some(s) = monitoring_section(db, caller, today).await? {
            out.push(s);
        }
    }
    if office {
        out.push(paths_section(db, zone_id, today).await?);
        out.push(minutes_section(db, zone_id, today).await?);
        if let Some(s) = soc26_section(db, zone_id).await? {
            out.push(s);
        }
    }
    if !bodies.is_empty() && !internal {
        out.extend(body_sections(db, zone_id, &bodies, &calendar, today).await?);
    }
    if internal && !office && !referente {
        out.push(changes_section(db, zone_id).await?);
    }
    Ok(out)
}

/// "3 scadenze nei prossimi 60 giorni", or `none` for no items.
fn count_heading(items: &[Item], none: &str, one: &str, many: &str, tail: &str) -> String {
    match items.len() {
        0 => none.to_string(),
        n => format!("{} {tail}", format::count(n as i64, one, many)),
    }
}

fn dated(i: &CalendarItem, today: Date) -> Item {
    let days = (i.on - today).whole_days();
    Item {
        href: i.link.clone(),
        what: i.title.clone(),
        note: match days {
            0 => format!("{}: oggi", i.kind),
            1 => format!("{}: domani, {}", i.kind, format::date(i.on)),
            n => format!("{}: {} (tra {n} giorni)", i.kind, format::date(i.on)),
        },
        urgent: days <= 7,
        detail: None,
    }
}

async fn sheets_section(db: &Db, caller: &Caller, office: bool) -> Result<Section, Error> {
    let items: Vec<Item> = super::planning::work_sheets(db, caller)
        .await?
        .into_iter()
        .filter(|(_, r)| office || matches!(r.status, SheetStatus::ToFill | SheetStatus::Returned))
        .map(|(year, r)| Item {
            href: format!("/pianificazione/attivita/{}", r.id),
            what: format!("{} – {} (POA {year})", r.code, r.title),
            note: r.status.label().to_string(),
            urgent: r.status == SheetStatus::Returned,
            detail: r
                .review_comment
                .filter(|_| r.status == SheetStatus::Returned)
                .map(|c| format!("Osservazioni dell'Ufficio di Piano: {c}")),
        })
        .collect();
    let heading = match (office, items.len() as i64) {
        (true, 0) => "Nessuna scheda da esaminare".to_string(),
        (false, 0) => "Nessuna scheda da compilare".to_string(),
        (true, n) => format!("{} da esaminare", format::count(n, "scheda", "schede")),
        (false, n) => format!(
            "{} da completare e inviare",
            format::count(n, "scheda", "schede")
        ),
    };
    Ok(Section {
        more: Some(("/pianificazione/mie-schede".into(), "Tutte le schede")),
        ..section("schede", heading, items)
    })
}

/// While a monitoring round of a plan is due within the horizon, the
/// person's units' sheets of that plan without a state of implementation.
async fn monitoring_section(
    db: &Db,
    caller: &Caller,
    today: Date,
) -> Result<Option<Section>, Error> {
    let zone_id = caller.zone()?;
    let units = caller
        .principal
        .as_ref()
        .map(|p| p.unit_ids())
        .unwrap_or_default();
    let mut items = Vec::new();
    let horizon = today + time::Duration::days(AHEAD_DAYS);
    for d in zona_store::deadlines::of_zone(db, zone_id, today).await? {
        if d.kind != DeadlineKind::Monitoring || d.due_on > horizon {
            continue;
        }
        for u in &units {
            let q = sheets::SheetQuery {
                unit_id: Some(*u),
                ..Default::default()
            };
            let (rows, _) = sheets::list_sheets(db, d.annual_plan_id, &q, Page::all()).await?;
            for r in rows.into_iter().filter(|r| r.progress.is_none()) {
                items.push(Item {
                    href: format!("/pianificazione/attivita/{}/monitoraggio", r.id),
                    what: format!("{} – {} (POA {})", r.code, r.title, d.year),
                    note: format!("{} entro il {}", d.label, format::date(d.due_on)),
                    urgent: (d.due_on - today).whole_days() <= 7,
                    detail: None,
                });
            }
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    let heading = format!(
        "{} senza monitoraggio",
        format::count(items.len() as i64, "scheda", "schede")
    );
    Ok(Some(section("monitoraggio", heading, items)))
}

/// The co-programming paths not concluded, each with its stage and next
/// date; a final report waiting for approval first.
async fn paths_section(db: &Db, zone_id: i64, today: Date) -> Result<Section, Error> {
    let mut items = Vec::new();
    for p in participation::procedures(db, zone_id).await? {
        let s = stage(p.facts(), today);
        if s == Stage::Concluded {
            continue;
        }
        let report = p.report_status == Some(ReportStatus::Draft);
        let note = match (report, s, p.notice()) {
            (true, _, _) => "Relazione finale da approvare".to_string(),
            (_, Stage::NoticeOpen, Some((_, closes))) => {
                format!("Domande entro il {}", format::date(closes))
            }
            (_, Stage::NoticeScheduled, Some((opens, _))) => {
                format!("L'avviso si apre il {}", format::date(opens))
            }
            _ => s.label().to_string(),
        };
        items.push(Item {
            href: format!("/partecipazione/co-programmazione/{}", p.id),
            what: p.subject.clone(),
            note,
            urgent: report,
            detail: None,
        });
    }
    items.sort_by_key(|i| !i.urgent);
    let heading = match items.len() {
        0 => "Nessun percorso di co-programmazione in corso".to_string(),
        n => format!(
            "{} di co-programmazione in corso",
            format::count(n as i64, "percorso", "percorsi")
        ),
    };
    Ok(Section {
        more: Some((
            "/partecipazione/co-programmazione".into(),
            "Tutti i percorsi",
        )),
        ..section("coprogrammazione", heading, items)
    })
}

/// Meetings already held whose minutes are not written.
async fn minutes_section(db: &Db, zone_id: i64, today: Date) -> Result<Section, Error> {
    let items: Vec<Item> = participation::meetings(db, zone_id, None, false)
        .await?
        .into_iter()
        .filter(|m| m.held_on < today && m.minutes.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|m| Item {
            href: format!("/partecipazione/incontri/{}", m.id),
            what: m.subject,
            note: format!("Tenuto il {}", format::date(m.held_on)),
            urgent: false,
            detail: None,
        })
        .collect();
    let heading = match items.len() {
        0 => "Tutti gli incontri tenuti hanno il verbale".to_string(),
        n => format!(
            "{} senza verbale",
            format::count(n as i64, "incontro tenuto", "incontri tenuti")
        ),
    };
    Ok(section("verbali", heading, items))
}

/// The municipalities whose SOC26 form of the latest year is missing or
/// incomplete. The latest year is the last one any form of the zone has
/// (the office starts a campaign with the first form).
async fn soc26_section(db: &Db, zone_id: i64) -> Result<Option<Section>, Error> {
    let Some(year) = soc26::latest_year(db, zona_store::territory::Within::Zone(zone_id)).await?
    else {
        return Ok(None);
    };
    let forms = soc26::list(db, zona_store::territory::Within::Zone(zone_id), year).await?;
    let q = zona_store::territory::ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (municipalities, _) =
        zona_store::territory::list_municipalities(db, &q, Page::all()).await?;
    let items: Vec<Item> = municipalities
        .into_iter()
        .filter_map(|m| {
            let form = forms.iter().find(|f| f.municipality_id == m.id);
            let note = match form {
                Some(f) if f.complete => return None,
                Some(_) => "Incompleta",
                None => "Da compilare",
            };
            Some(Item {
                href: format!("/obiettivi-servizio/{}/{year}", m.id),
                what: format!("{} – scheda SOC26 {year}", m.name),
                note: note.to_string(),
                urgent: false,
                detail: None,
            })
        })
        .collect();
    let heading = match items.len() {
        0 => format!("Schede SOC26 {year} complete per ogni comune"),
        n => format!(
            "{} SOC26 {year} da completare",
            format::count(n as i64, "scheda", "schede")
        ),
    };
    Ok(Some(Section {
        more: Some(("/obiettivi-servizio".into(), "Obiettivi di servizio")),
        ..section("soc26", heading, items)
    }))
}

/// A Third Sector body's sections: open notices, its applications, its
/// co-design agreements, the meetings it is invited to.
async fn body_sections(
    db: &Db,
    zone_id: i64,
    bodies: &[i64],
    calendar: &[CalendarItem],
    today: Date,
) -> Result<Vec<Section>, Error> {
    let mut notices = Vec::new();
    let mut applications = Vec::new();
    for p in participation::procedures(db, zone_id).await? {
        let mine = participation::applications(db, p.id, Some(bodies)).await?;
        if stage(p.facts(), today) == Stage::NoticeOpen {
            if let Some((_, closes)) = p.notice() {
                notices.push(Item {
                    href: format!("/partecipa/avvisi/{}", p.id),
                    what: p.subject.clone(),
                    note: if mine.is_empty() {
                        format!("Domande entro il {}", format::date(closes))
                    } else {
                        "Domanda presentata".to_string()
                    },
                    urgent: mine.is_empty() && (closes - today).whole_days() <= 7,
                    detail: None,
                });
            }
        }
        for a in mine {
            applications.push(Item {
                href: format!(
                    "/partecipazione/co-programmazione/{}/domande/{}",
                    p.id, a.id
                ),
                // The body's name only for a person who speaks for several.
                what: if bodies.len() > 1 {
                    format!("{} – {}", p.subject, a.organisation_name)
                } else {
                    p.subject.clone()
                },
                note: a.decision.label().to_string(),
                urgent: false,
                detail: a
                    .decision_reason
                    .clone()
                    .map(|r| format!("Motivazione: {r}")),
            });
        }
    }
    let mut agreements = Vec::new();
    for b in bodies {
        let q = codesign::AgreementQuery {
            partner_id: Some(*b),
            published_only: true,
            ..Default::default()
        };
        let mut found = codesign::list_agreements(db, zone_id, &q).await?;
        // What is still running first; the concluded ones after.
        found.sort_by_key(|a| a.status() == zona_core::codesign::AgreementStatus::Concluded);
        for a in found {
            agreements.push(Item {
                href: format!("/co-progettazione?ente={b}"),
                what: a.row.subject.clone(),
                note: a.status().label().to_string(),
                urgent: false,
                detail: None,
            });
        }
    }
    let meetings: Vec<Item> = calendar
        .iter()
        .filter(|i| i.kind == "Incontro")
        .map(|i| dated(i, today))
        .collect();
    Ok(vec![
        section(
            "avvisi",
            count_heading(
                &notices,
                "Nessun avviso di co-programmazione aperto ora",
                "avviso aperto",
                "avvisi aperti",
                "ora",
            ),
            notices,
        ),
        Section {
            more: Some((
                "/partecipazione/co-programmazione".into(),
                "Co-programmazione",
            )),
            ..section(
                "domande",
                match applications.len() {
                    0 => "Nessuna domanda di partecipazione presentata".to_string(),
                    n => format!(
                        "{} di partecipazione",
                        format::count(n as i64, "domanda", "domande")
                    ),
                },
                applications,
            )
        },
        section(
            "coprogettazioni",
            match agreements.len() {
                0 => "Nessuna co-progettazione pubblicata con il tuo ente".to_string(),
                n => format!(
                    "{} con il tuo ente",
                    format::count(n as i64, "co-progettazione", "co-progettazioni")
                ),
            },
            agreements,
        ),
        section(
            "incontri",
            count_heading(
                &meetings,
                "Nessun incontro in programma",
                "incontro",
                "incontri",
                "in programma",
            ),
            meetings,
        ),
    ])
}

/// The latest changes people made to the zone's plans, paths and services
/// (not its accounts and sessions, nor what a bundle load wrote), for the
/// people who consult them.
async fn changes_section(db: &Db, zone_id: i64) -> Result<Section, Error> {
    const CONTENT: &[&str] = &[
        entity::HEALTH_PLAN,
        entity::HEALTH_OBJECTIVE,
        entity::ANNUAL_PLAN,
        entity::PROGRAMME,
        entity::ACTIVITY,
        entity::CODESIGN_AGREEMENT,
        entity::MEETING,
        entity::PROCEDURE,
        entity::FACILITY,
        entity::PROJECT,
        entity::SOC26_FORM,
    ];
    let items: Vec<Item> = audit::latest_of(db, zone_id, CONTENT, true, 10)
        .await?
        .into_iter()
        .map(|e| {
            let href = match (e.entity.as_str(), e.entity_id) {
                (entity::ACTIVITY, Some(id)) => format!("/pianificazione/attivita/{id}"),
                (entity::MEETING, Some(id)) => format!("/partecipazione/incontri/{id}"),
                (entity::PROCEDURE, Some(id)) => format!("/partecipazione/co-programmazione/{id}"),
                (entity::HEALTH_PLAN, Some(id)) => format!("/pianificazione/pis/{id}"),
                (entity::CODESIGN_AGREEMENT, Some(id)) => {
                    format!("/partecipazione/co-progettazione/{id}")
                }
                _ => String::new(),
            };
            Item {
                href,
                what: e.summary,
                note: format!(
                    "{}, {}",
                    audit::action::label(&e.action),
                    format::datetime(e.at)
                ),
                urgent: false,
                detail: None,
            }
        })
        .collect();
    let heading = match items.len() {
        0 => "Nessuna modifica recente".to_string(),
        _ => "Modifiche recenti".to_string(),
    };
    Ok(section("modifiche", heading, items))
}
