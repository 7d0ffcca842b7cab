//! Co-programming use cases: the notice, published and amended by the rules
//! of art. 10 LR Toscana 65/2020, and the final report (*relazione
//! conclusiva*), whose PDF data are drawn from the path itself (participants,
//! meetings, contributions by table) plus the office's text and the health
//! objectives the outcomes informed.

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use time::Date;
use zona_core::calendar::Deadline;
use zona_core::coprogramming::{
    check_notice, AdmissionDecision, ApplicantKind, ContributionKind, MeetingKind, NoticeSave,
    NoticeTerms,
};
use zona_core::format::date;
use zona_store::participation::{self as store, NoticeAmendmentInput, Procedure, ProcedureChange};
use zona_store::{Actor, Db, StoreError};

pub async fn report_data(db: &Db, p: &Procedure, zone_name: &str) -> Result<Value> {
    let applications = store::applications(db, p.id, None).await?;
    let meetings = store::meetings(db, p.zone_id, Some(p.id), false).await?;
    let attendance = store::procedure_attendance(db, p.id).await?;
    let tables = store::working_tables(db, p.id).await?;
    let contributions = store::contributions(db, p.id, None).await?;
    let objectives = store::linked_objectives(db, p.id).await?;
    // Participants: admitted applicants and whoever attended a meeting.
    let mut participants: BTreeSet<String> = applications
        .iter()
        .filter(|a| a.decision == AdmissionDecision::Admitted.code())
        .map(|a| a.organisation_name.clone())
        .collect();
    participants.extend(attendance.iter().map(|a| a.who()).filter(|w| !w.is_empty()));
    let status = match (p.report_status.as_deref(), p.report_approved_on) {
        (Some("approved"), Some(d)) => format!("Approvata il {}", date(d)),
        _ => "Bozza".to_string(),
    };
    Ok(json!({
        "zone": zone_name,
        "subject": p.subject,
        "status": status,
        "act": p.act_date.map(|d| json!({
            "body": p.act_body,
            "number": p.act_number,
            "date": date(d),
            "lines": p.strategic_lines,
        })),
        "notice": p.published_notice().map(|n| json!({
            "published": date(n.published_on),
            "opens": date(n.terms.opens),
            "closes": date(n.terms.closes),
            "days": zona_core::coprogramming::notice_days(n.terms.opens, n.terms.closes),
            "extension": Deadline::recorded(n.terms.closes, n.runs_to).explanation(),
        })),
        "applications": applications.iter().map(|a| json!({
            "name": a.organisation_name,
            "kind": ApplicantKind::from_code(&a.applicant_kind).map(|k| k.label()),
            "decision": AdmissionDecision::from_code(&a.decision).map(|d| d.label()),
        })).collect::<Vec<_>>(),
        "participants": participants.into_iter().collect::<Vec<_>>(),
        "meetings": meetings.iter().map(|m| json!({
            "date": date(m.held_on),
            "kind": MeetingKind::from_code(&m.kind).map(|k| k.label()).unwrap_or("Incontro"),
            "subject": m.subject,
            "place": m.place.clone().or(m.online_url.clone()).unwrap_or_default(),
            "attendance": attendance.iter().filter(|a| a.meeting_id == m.id).count(),
        })).collect::<Vec<_>>(),
        "tables": tables.iter().map(|t| json!({
            "name": t.name,
            "attendance": attendance.iter().filter(|a| a.working_table_id == Some(t.id)).map(|a| a.who()).collect::<BTreeSet<_>>(),
            "contributions": contributions.iter().filter(|c| c.working_table_id == t.id).map(|c| json!({
                "kind": ContributionKind::from_code(&c.kind).map(|k| k.label()),
                "body": c.body,
                "who": c.organisation_name.clone().unwrap_or_else(|| "Facilitatore".into()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "text": p.report_text.clone().unwrap_or_default(),
        "objectives": objectives.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
    }))
}

/// Why a notice was not saved.
#[derive(Debug)]
pub enum NoticeRefused {
    /// The notice breaks a rule: the messages by field.
    Invalid(zona_core::FieldErrors),
    Store(StoreError),
}

impl From<StoreError> for NoticeRefused {
    fn from(e: StoreError) -> Self {
        NoticeRefused::Store(e)
    }
}

/// A notice saved: a first publication or an amendment, and its deadline as
/// it runs by law.
#[derive(Debug)]
pub struct NoticeSaved {
    pub save: NoticeSave,
    pub deadline: Deadline,
}

/// Publishes a procedure's notice, or amends a published one, by the rules
/// of art. 10, comma 1, LR Toscana 65/2020 (`coprogramming::check_notice`).
/// The deadline runs to the next working day when it falls on a holiday,
/// the patron saint's day of the zone's seat included (art. 2963, comma 3,
/// c.c.). An amendment is recorded with its reason in the same transaction
/// as the change.
pub async fn save_notice(
    db: &Db,
    actor: &Actor,
    p: &Procedure,
    version: i64,
    terms: NoticeTerms,
    reason: &str,
    today: Date,
) -> std::result::Result<NoticeSaved, NoticeRefused> {
    let published = p.published_notice();
    let save = check_notice(p.act_date, published.as_ref(), &terms, reason, today)
        .map_err(NoticeRefused::Invalid)?;
    let patron = zona_store::territory::seat_patron_day(db, p.zone_id).await?;
    let deadline = Deadline::new(terms.closes, patron);
    let (published_on, amendment) = match &save {
        NoticeSave::Publication { published_on } => (*published_on, None),
        NoticeSave::Amendment { changes } => (
            published.as_ref().map_or(today, |n| n.published_on),
            Some(NoticeAmendmentInput {
                amended_on: today,
                reason: reason.trim().to_string(),
                changes: changes.join(", "),
            }),
        ),
    };
    // A term already published never ends earlier: a patron day or a seat
    // changed since cannot shorten it.
    let runs_to = match &published {
        Some(n) => deadline.runs_to.max(n.runs_to),
        None => deadline.runs_to,
    };
    let change = ProcedureChange::Notice {
        terms,
        published_on,
        runs_to,
        amendment,
    };
    store::change_procedure(db, actor, p.id, version, &change).await?;
    Ok(NoticeSaved { save, deadline })
}
