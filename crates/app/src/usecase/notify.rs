//! Who is told of what. After a change has been saved, its use case names
//! the event; this module finds the people concerned and records one
//! notification each, for the bell and, when mail is on, for an e-mail.
//!
//! A notification says only what its recipient may read: a Third Sector
//! body hears of public notices and of the meetings of the paths it was
//! admitted to, and its links go to pages it may open.
//!
//! Telling is not part of the change: a failure to record a notification is
//! logged and never undoes or fails the change the person made.

use time::Date;
use zona_core::authz::Role;
use zona_core::coprogramming::AdmissionDecision;
use zona_core::format;
use zona_core::planning::DeadlineKind;
use zona_store::notifications::{self, NewNotification};
use zona_store::{deadlines, participation, sheets, Db, StoreError};

/// Something that happened, that people should hear of.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    SheetSubmitted(i64),
    SheetReturned(i64),
    SheetAccepted(i64),
    PlanApproved(i64),
    NoticePublished(i64),
    ApplicationReceived(i64),
    MeetingScheduled(i64),
    MinutesPublished(i64),
}

/// Records the notifications of an event. Never fails: see the module.
pub async fn tell(db: &Db, event: Event) {
    let result = match recipients(db, event).await {
        Ok(items) => notifications::notify(db, &items).await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::error!("notification of {event:?} not recorded: {e}");
    }
}

fn each(users: Vec<i64>, key: &str, title: &str, link: &str) -> Vec<NewNotification> {
    users
        .into_iter()
        .map(|user_id| NewNotification {
            user_id,
            event_key: key.to_string(),
            title: title.to_string(),
            link: link.to_string(),
        })
        .collect()
}

async fn holders(db: &Db, zone_id: i64, roles: &[Role]) -> Result<Vec<i64>, StoreError> {
    let mut all = Vec::new();
    for r in roles {
        all.extend(notifications::holders(db, zone_id, r.code(), None, None).await?);
    }
    all.sort_unstable();
    all.dedup();
    Ok(all)
}

/// The representatives of the bodies admitted to a co-programming path.
async fn admitted(db: &Db, zone_id: i64, procedure_id: i64) -> Result<Vec<i64>, StoreError> {
    let mut users = Vec::new();
    for a in participation::applications(db, procedure_id, None).await? {
        if a.decision == AdmissionDecision::Admitted {
            users.extend(
                notifications::holders(
                    db,
                    zone_id,
                    Role::ThirdSector.code(),
                    None,
                    Some(a.organisation_id),
                )
                .await?,
            );
        }
    }
    users.sort_unstable();
    users.dedup();
    Ok(users)
}

async fn recipients(db: &Db, event: Event) -> Result<Vec<NewNotification>, StoreError> {
    use Event::*;
    Ok(match event {
        SheetSubmitted(id) | SheetReturned(id) | SheetAccepted(id) => {
            let s = sheets::get_sheet(db, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let (users, what, key) = match event {
                SheetSubmitted(_) => (
                    holders(db, s.row.zone_id, &[Role::PlanningOffice]).await?,
                    "inviata all'Ufficio di Piano per l'esame",
                    "submit",
                ),
                _ => {
                    let editors = match s.content.unit_id {
                        Some(unit) => {
                            notifications::holders(
                                db,
                                s.row.zone_id,
                                Role::UnitEditor.code(),
                                Some(unit),
                                None,
                            )
                            .await?
                        }
                        None => Vec::new(),
                    };
                    match event {
                        SheetReturned(_) => (editors, "restituita con osservazioni", "return"),
                        _ => (editors, "accettata dall'Ufficio di Piano", "accept"),
                    }
                }
            };
            each(
                users,
                &format!("sheet:{id}:{key}:{}", s.row.version),
                &format!("Scheda {} «{}» {what}", s.row.code, s.content.title),
                &format!("/pianificazione/attivita/{id}"),
            )
        }
        PlanApproved(id) => {
            let p = sheets::plan_info(db, id).await?;
            let all = holders(
                db,
                p.zone_id,
                &[Role::PlanningOffice, Role::UnitEditor, Role::Viewer],
            )
            .await?;
            each(
                all,
                &format!("plan:{id}:approve"),
                &format!("Programma operativo annuale {} approvato", p.year),
                &format!("/pianificazione/poa/{}", p.year),
            )
        }
        NoticePublished(id) => {
            let p = participation::get_procedure(db, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let Some((_, closes)) = p.notice() else {
                return Ok(Vec::new());
            };
            let bodies = holders(db, p.zone_id, &[Role::ThirdSector]).await?;
            each(
                bodies,
                &format!("notice:{id}:{}", p.version),
                &format!(
                    "Avviso di co-programmazione «{}»: domande entro il {}",
                    p.subject,
                    format::date(closes)
                ),
                &format!("/partecipa/avvisi/{id}"),
            )
        }
        ApplicationReceived(id) => {
            let a = participation::get_application(db, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let p = participation::get_procedure(db, a.procedure_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            each(
                holders(db, p.zone_id, &[Role::PlanningOffice]).await?,
                &format!("application:{id}"),
                &format!(
                    "Domanda di partecipazione di {} a «{}»",
                    a.organisation_name, p.subject
                ),
                &format!("/partecipazione/co-programmazione/{}/domande/{id}", p.id),
            )
        }
        MeetingScheduled(id) | MinutesPublished(id) => {
            let m = participation::get_meeting(db, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            // The bodies of the path hear of it only through its public page.
            let (Some(procedure_id), true) = (m.procedure_id, m.public) else {
                return Ok(Vec::new());
            };
            let minutes = matches!(event, MinutesPublished(_));
            if minutes && !m.minutes_published {
                return Ok(Vec::new());
            }
            let users = admitted(db, m.zone_id, procedure_id).await?;
            let (key, title) = if minutes {
                (
                    format!("meeting:{id}:minutes"),
                    format!(
                        "Pubblicato il verbale dell'incontro del {}: {}",
                        format::date(m.held_on),
                        m.subject
                    ),
                )
            } else {
                (
                    format!("meeting:{id}:{}", m.held_on),
                    format!("Incontro del {}: {}", format::date(m.held_on), m.subject),
                )
            };
            each(users, &key, &title, &format!("/partecipa/incontri/{id}"))
        }
    })
}

/// The reminders of the deadlines that fall within a week of `today`, once
/// each (a deadline moved to a new day is a new reminder): a plan's
/// deadlines to its referenti and office; a notice's closing to the bodies
/// of the zone that have not applied. Returns how many were recorded.
pub async fn remind_deadlines(db: &Db, today: Date) -> Result<u64, StoreError> {
    let until = today + time::Duration::days(7);
    let mut items = Vec::new();
    for d in deadlines::between(db, today, until).await? {
        let users = holders(db, d.zone_id, &[Role::PlanningOffice, Role::UnitEditor]).await?;
        let link = match d.kind {
            DeadlineKind::Compilation => "/pianificazione/mie-schede".to_string(),
            DeadlineKind::Monitoring => format!("/pianificazione/poa/{}/monitoraggio", d.year),
        };
        items.extend(each(
            users,
            &format!("deadline:{}:{}", d.id, d.due_on),
            &format!(
                "Scadenza il {}: {} (POA {})",
                format::date(d.due_on),
                d.label,
                d.year
            ),
            &link,
        ));
    }
    for id in notifications::notices_closing(db, today, until).await? {
        let p = participation::get_procedure(db, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let Some((_, closes)) = p.notice() else {
            continue;
        };
        let applied: Vec<i64> = participation::applications(db, p.id, None)
            .await?
            .into_iter()
            .map(|a| a.organisation_id)
            .collect();
        let mut users: Vec<i64> = notifications::third_sector_users(db, p.zone_id)
            .await?
            .into_iter()
            .filter(|u| !applied.contains(&u.organisation_id))
            .map(|u| u.user_id)
            .collect();
        users.sort_unstable();
        users.dedup();
        items.extend(each(
            users,
            &format!("notice-closes:{}:{closes}", p.id),
            &format!(
                "Le domande per «{}» si chiudono il {}",
                p.subject,
                format::date(closes)
            ),
            &format!("/partecipa/avvisi/{}", p.id),
        ));
    }
    notifications::notify(db, &items).await
}
