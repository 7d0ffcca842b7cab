//! Deadlines: the ones the planning office sets on an annual plan (when the
//! sheets are due, each monitoring round), and the closing dates of the
//! published co-programming notices. Each person's calendar holds the
//! deadlines they have to meet or may read, and the meetings they are part
//! of.

use super::{Caller, Error, Input};
use time::Date;
use zona_core::authz::Action;
use zona_core::coprogramming::AdmissionDecision;
use zona_core::planning::DeadlineInput;
use zona_store::deadlines::{self, Deadline};
use zona_store::{participation, Db};

/// Adds a deadline to the plan of `year`: the planning office only.
pub async fn add(
    db: &Db,
    caller: &Caller,
    year: i64,
    input: Input<DeadlineInput>,
) -> Result<i64, Error> {
    let plan = super::planning::open_plan(db, caller, year).await?;
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    let d = input?;
    deadlines::add(db, &caller.actor, plan.id, zone_id, &d)
        .await
        .map_err(super::taken_as(
            "Il piano ha già una scadenza con questo nome.",
        ))
}

/// Removes a deadline of the caller's zone: the planning office only.
pub async fn delete(db: &Db, caller: &Caller, id: i64) -> Result<Deadline, Error> {
    let d = deadlines::get(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(d.zone_id)?;
    caller.require(Action::Administer { zone_id: d.zone_id })?;
    deadlines::delete(db, &caller.actor, &d).await?;
    Ok(d)
}

/// The deadlines of a plan, for its internal readers.
pub async fn of_plan(db: &Db, caller: &Caller, year: i64) -> Result<Vec<Deadline>, Error> {
    let plan = super::planning::open_plan(db, caller, year).await?;
    Ok(deadlines::of_plan(db, plan.id).await?)
}

/// One entry of a person's calendar.
#[derive(Clone, Debug)]
pub struct CalendarItem {
    pub on: Date,
    /// What kind of entry: "Scadenza", "Avviso", "Incontro".
    pub kind: &'static str,
    pub title: String,
    pub link: String,
    /// Stable across feeds, so that a calendar program updates the entry.
    pub uid: String,
}

/// A signed-in person's calendar from `from` on, by date: the deadlines of
/// the zone's plans (internal readers), the closing dates of the zone's
/// published notices (everyone), and the meetings: every one of the zone
/// for internal readers, for a Third Sector body the public meetings of the
/// paths it was admitted to.
pub async fn calendar(db: &Db, caller: &Caller, from: Date) -> Result<Vec<CalendarItem>, Error> {
    let zone_id = caller.zone()?;
    let internal = caller.allows(Action::ReadInternal { zone_id });
    let mut items = Vec::new();
    if internal {
        for d in deadlines::of_zone(db, zone_id, from).await? {
            let link = match d.kind {
                zona_core::planning::DeadlineKind::Compilation => {
                    format!("/pianificazione/poa/{}/schede", d.year)
                }
                zona_core::planning::DeadlineKind::Monitoring => {
                    format!("/pianificazione/poa/{}/monitoraggio", d.year)
                }
            };
            items.push(CalendarItem {
                on: d.due_on,
                kind: "Scadenza",
                title: format!("{} (POA {})", d.label, d.year),
                link,
                uid: format!("deadline-{}", d.id),
            });
        }
    }
    let bodies: Vec<i64> = caller
        .principal
        .as_ref()
        .map(|p| p.organisation_ids())
        .unwrap_or_default();
    let mut admitted_paths = Vec::new();
    for p in participation::procedures(db, zone_id).await? {
        if let (Some((_, closes)), Some(_)) = (p.notice(), p.notice_published_on) {
            if closes >= from {
                items.push(CalendarItem {
                    on: closes,
                    kind: "Avviso",
                    title: format!("Chiusura delle domande: {}", p.subject),
                    link: format!("/partecipa/avvisi/{}", p.id),
                    uid: format!("notice-{}", p.id),
                });
            }
        }
        if !internal && !bodies.is_empty() {
            let admitted = participation::applications(db, p.id, Some(&bodies))
                .await?
                .iter()
                .any(|a| a.decision == AdmissionDecision::Admitted);
            if admitted {
                admitted_paths.push(p.id);
            }
        }
    }
    for m in participation::meetings(db, zone_id, None, false).await? {
        if m.held_on < from {
            continue;
        }
        let invited = m.public && m.procedure_id.is_some_and(|p| admitted_paths.contains(&p));
        let link = if internal {
            format!("/partecipazione/incontri/{}", m.id)
        } else if invited {
            format!("/partecipa/incontri/{}", m.id)
        } else {
            continue;
        };
        items.push(CalendarItem {
            on: m.held_on,
            kind: "Incontro",
            title: match &m.starts_at {
                Some(t) => format!("{} (ore {t})", m.subject),
                None => m.subject.clone(),
            },
            link,
            uid: format!("meeting-{}", m.id),
        });
    }
    items.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.title.cmp(&b.title)));
    Ok(items)
}
