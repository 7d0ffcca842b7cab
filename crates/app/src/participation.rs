//! The co-programming procedure's final report (*relazione conclusiva*),
//! whose PDF data are drawn from the path itself (participants,
//! meetings, contributions by table) plus the office's text and the health
//! objectives the outcomes informed.

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use zona_core::calendar::Deadline;
use zona_core::coprogramming::{AdmissionDecision, ReportStatus};
use zona_core::format::date;
use zona_store::participation::{self as store, Procedure};
use zona_store::Db;

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
        .filter(|a| a.decision == AdmissionDecision::Admitted)
        .map(|a| a.organisation_name.clone())
        .collect();
    participants.extend(attendance.iter().map(|a| a.who()).filter(|w| !w.is_empty()));
    let status = match (p.report_status, p.report_approved_on) {
        (Some(ReportStatus::Approved), Some(d)) => format!("Approvata il {}", date(d)),
        _ => "Bozza".to_string(),
    };
    Ok(json!({
        "zone": zone_name,
        "subject": p.subject,
        "status": status,
        "act": p.act_date.map(|d| json!({
            "issuer": p.act_issuer,
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
            "kind": a.applicant_kind.label(),
            "decision": a.decision.label(),
        })).collect::<Vec<_>>(),
        "participants": participants.into_iter().collect::<Vec<_>>(),
        "meetings": meetings.iter().map(|m| json!({
            "date": date(m.held_on),
            "kind": m.kind.label(),
            "subject": m.subject,
            "place": m.place.clone().or(m.online_url.clone()).unwrap_or_default(),
            // A meeting without attendance says so, as its page does: "0"
            // would state that nobody came.
            "attendance": match attendance.iter().filter(|a| a.meeting_id == m.id).count() {
                0 => "non registrate".to_string(),
                n => n.to_string(),
            },
        })).collect::<Vec<_>>(),
        "tables": tables.iter().map(|t| json!({
            "name": t.name,
            "attendance": attendance.iter().filter(|a| a.working_table_id == Some(t.id)).map(|a| a.who()).collect::<BTreeSet<_>>(),
            "contributions": contributions.iter().filter(|c| c.working_table_id == t.id).map(|c| json!({
                "kind": c.kind.label(),
                "content": c.content,
                "who": c.organisation_name.clone().unwrap_or_else(|| "Facilitatore".into()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "text": p.report_text.clone().unwrap_or_default(),
        "objectives": objectives.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
    }))
}
