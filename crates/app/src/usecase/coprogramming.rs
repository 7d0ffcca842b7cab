//! The co-programming procedure (art. 55 D.lgs 117/2017; art. 9 and 10 LR
//! Toscana 65/2020): who sees and changes what, and each change.
//!
//! The planning office runs the procedure. Internal readers see it all and
//! change nothing. A Third Sector body's representatives apply and
//! contribute for their own body only, and see only their own applications
//! and contributions. A body contributes once it has applied and while its
//! application is not refused.

use super::{Caller, Error, Input};
use time::Date;
use zona_core::authz::{Action, Role};
use zona_core::calendar::Deadline;
use zona_core::coprogramming::{
    self as rules, check_notice, AdmissionDecision, ApplicantKind, ContributionKind, NoticeSave,
    NoticeTerms, ReportStatus, Stage,
};
use zona_core::format;
use zona_core::FieldErrors;
use zona_store::participation::{
    self as store, Application, ApplicationInput, Contribution, ContributionInput,
    NoticeAmendmentInput, Procedure, ProcedureChange,
};
use zona_store::{pis, Db, StoreError};

/// Who is looking at a procedure, and so what they see and may change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The zone's planning office: everything.
    Office,
    /// Other internal roles of the zone: everything, read-only.
    Internal,
    /// The representative of these Third Sector bodies of the zone.
    Body(Vec<i64>),
}

impl Viewer {
    /// The caller's view of the procedures of their zone.
    pub fn of(caller: &Caller) -> Result<Viewer, Error> {
        let zone_id = caller.zone()?;
        if caller.allows(Action::Administer { zone_id }) {
            return Ok(Viewer::Office);
        }
        if caller.allows(Action::ReadInternal { zone_id }) {
            return Ok(Viewer::Internal);
        }
        let Some(p) = &caller.principal else {
            return Err(Error::LoginRequired);
        };
        let ids: Vec<i64> = p
            .grants
            .iter()
            .filter(|g| g.role == Role::ThirdSector && g.zone_id == zone_id)
            .filter_map(|g| g.organisation_id)
            .collect();
        if ids.is_empty() {
            Err(Error::Forbidden)
        } else {
            Ok(Viewer::Body(ids))
        }
    }

    /// The bodies a representative acts for; `None` for the office and
    /// internal readers, who see every body's records.
    pub fn own(&self) -> Option<&[i64]> {
        match self {
            Viewer::Body(ids) => Some(ids),
            _ => None,
        }
    }

    pub fn office(&self) -> bool {
        matches!(self, Viewer::Office)
    }

    fn require_office(&self) -> Result<(), Error> {
        if self.office() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The office, or a representative acting for `organisation_id`.
    /// Whether the viewer acts for this body: the office, or the body's own
    /// representative.
    pub fn may_act_for(&self, organisation_id: Option<i64>) -> bool {
        match self {
            Viewer::Office => true,
            Viewer::Internal => false,
            Viewer::Body(ids) => organisation_id.is_some_and(|o| ids.contains(&o)),
        }
    }
}

/// A procedure of the caller's zone, with the caller's view of it.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<(Viewer, Procedure), Error> {
    let viewer = Viewer::of(caller)?;
    let p = store::get_procedure(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(p.zone_id)?;
    Ok((viewer, p))
}

/// A new procedure as the office typed it.
#[derive(Clone, Debug)]
pub struct NewProcedure {
    pub subject: String,
    /// The integrated health plan the procedure prepares, if any.
    pub health_plan_id: Option<i64>,
    /// The working tables, one name each.
    pub tables: Vec<String>,
}

/// Opens a procedure in the caller's zone, with its working tables.
pub async fn create(db: &Db, caller: &Caller, new: Input<NewProcedure>) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    let new = new?;
    let mut e = FieldErrors::new();
    if let Some(plan) = new.health_plan_id {
        let ours = pis::get_health_plan(db, plan)
            .await?
            .is_some_and(|h| h.zone_id == zone_id);
        if !ours {
            e.add("health_plan_id", "Scegli il piano dall'elenco.");
        }
    }
    if new.tables.is_empty() {
        e.add("tables", "Indica almeno un tavolo di lavoro.");
    }
    e.into_result(())?;
    store::create_procedure(
        db,
        &caller.actor,
        zone_id,
        &new.subject,
        new.health_plan_id,
        &new.tables,
    )
    .await
    .map_err(|err| match err {
        StoreError::Duplicate { field: "tables" } => {
            invalid("tables", "Due tavoli hanno lo stesso nome.")
        }
        StoreError::Duplicate { .. } => {
            invalid("subject", "Esiste già un procedimento con questo oggetto.")
        }
        other => other.into(),
    })
}

/// The initiation act (*atto di avvio*) as typed.
#[derive(Clone, Debug)]
pub struct InitiationAct {
    /// Who issued the act.
    pub issuer: String,
    pub number: Option<String>,
    pub date: Date,
    pub strategic_lines: String,
}

/// Records the act that opens the procedure.
pub async fn record_act(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    act: Input<InitiationAct>,
) -> Result<(), Error> {
    let (viewer, _) = open(db, caller, id).await?;
    viewer.require_office()?;
    let act = act?;
    let change = ProcedureChange::Act {
        issuer: act.issuer,
        number: act.number,
        date: act.date,
        strategic_lines: act.strategic_lines,
    };
    store::change_procedure(db, &caller.actor, id, version, &change).await?;
    Ok(())
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
    caller: &Caller,
    id: i64,
    version: i64,
    terms: Input<NoticeTerms>,
    reason: &str,
    today: Date,
) -> Result<NoticeSaved, Error> {
    let (viewer, p) = open(db, caller, id).await?;
    viewer.require_office()?;
    let terms = terms?;
    let published = p.published_notice();
    let save = check_notice(p.act_date, published.as_ref(), &terms, reason, today)?;
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
    store::change_procedure(db, &caller.actor, p.id, version, &change).await?;
    if matches!(save, NoticeSave::Publication { .. }) {
        super::notify::tell(db, super::notify::Event::NoticePublished(p.id)).await;
    }
    Ok(NoticeSaved { save, deadline })
}

/// An application as typed. The body is chosen in the form when applying,
/// and stays the application's own afterwards.
#[derive(Clone, Debug)]
pub struct ApplicationDraft {
    /// The applying body; a change to an application keeps its own.
    pub organisation_id: Option<i64>,
    pub kind: ApplicantKind,
    pub justification: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub tables: Option<String>,
}

impl ApplicationDraft {
    fn input(&self, procedure_id: i64, organisation_id: i64, today: Date) -> ApplicationInput {
        ApplicationInput {
            procedure_id,
            organisation_id,
            applicant_kind: self.kind,
            justification: self.justification.clone(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            tables: self.tables.clone(),
            submitted_on: today,
        }
    }
}

/// While the notice is open, a body applies: its representative for their
/// own body, the office for any body (an application received on paper).
pub async fn apply(
    db: &Db,
    caller: &Caller,
    id: i64,
    draft: Input<ApplicationDraft>,
    today: Date,
) -> Result<i64, Error> {
    let (viewer, p) = open(db, caller, id).await?;
    if viewer == Viewer::Internal {
        return Err(Error::Forbidden);
    }
    rules::can_apply(p.notice(), today).map_err(Error::Refused)?;
    let draft = draft?;
    let Some(organisation_id) = draft.organisation_id else {
        return Err(invalid(
            "organisation_id",
            "Campo obbligatorio: scegliere dall'elenco.",
        ));
    };
    if !viewer.may_act_for(Some(organisation_id)) {
        return Err(invalid(
            "organisation_id",
            "Puoi presentare domanda solo per il tuo ente.",
        ));
    }
    let input = draft.input(p.id, organisation_id, today);
    let id = store::submit_application(db, &caller.actor, &input)
        .await
        .map_err(|err| match err {
            StoreError::Duplicate { .. } => invalid(
                "organisation_id",
                "L'ente ha già presentato domanda: modificala qui sotto.",
            ),
            other => other.into(),
        })?;
    // The office hears of what a body sends; one it typed in itself it knows.
    if viewer != Viewer::Office {
        super::notify::tell(db, super::notify::Event::ApplicationReceived(id)).await;
    }
    Ok(id)
}

/// An application of the procedure, for the office or its own body.
pub async fn open_application(
    db: &Db,
    caller: &Caller,
    id: i64,
    app: i64,
) -> Result<(Viewer, Procedure, Application), Error> {
    let (viewer, p) = open(db, caller, id).await?;
    let a = store::get_application(db, app)
        .await?
        .filter(|a| a.procedure_id == p.id)
        .ok_or(Error::NotFound)?;
    if !viewer.may_act_for(Some(a.organisation_id)) {
        return Err(Error::Forbidden);
    }
    Ok((viewer, p, a))
}

/// The applicant changes contacts, tables and justification while the
/// notice is open; the body stays the same.
pub async fn update_application(
    db: &Db,
    caller: &Caller,
    (id, app): (i64, i64),
    version: i64,
    draft: Input<ApplicationDraft>,
    today: Date,
) -> Result<(), Error> {
    let (_, p, a) = open_application(db, caller, id, app).await?;
    rules::can_apply(p.notice(), today).map_err(Error::Refused)?;
    let draft = draft?;
    let input = draft.input(p.id, a.organisation_id, today);
    store::update_application(db, &caller.actor, app, version, &input).await?;
    Ok(())
}

/// The office admits an application or refuses it, with a reason.
pub async fn decide(
    db: &Db,
    caller: &Caller,
    (id, app): (i64, i64),
    version: i64,
    decision: Input<(AdmissionDecision, Option<String>)>,
) -> Result<(), Error> {
    let (viewer, _, _) = open_application(db, caller, id, app).await?;
    viewer.require_office()?;
    let (decision, reason) = decision?;
    if decision == AdmissionDecision::Refused && reason.is_none() {
        return Err(invalid("reason", "Motiva la non ammissione."));
    }
    store::decide_application(db, &caller.actor, app, version, decision, reason.as_deref()).await?;
    Ok(())
}

/// Contributions are gathered from the notice's publication until the final
/// report is approved.
pub fn contributions_open(p: &Procedure, today: Date) -> Result<(), String> {
    match rules::stage(p.facts(), today) {
        Stage::Draft | Stage::Initiated => {
            Err("I contributi si raccolgono dopo la pubblicazione dell'avviso.".into())
        }
        Stage::Concluded => Err("Il procedimento è concluso: la relazione è approvata.".into()),
        _ => Ok(()),
    }
}

/// A contribution as typed: the table by name, as the form lists them.
#[derive(Clone, Debug)]
pub struct ContributionDraft {
    pub table: String,
    pub kind: ContributionKind,
    /// What the contribution says.
    pub content: String,
    /// The contributing body; none for the facilitator's own notes.
    pub organisation_id: Option<i64>,
    /// The meeting of the path where it came up.
    pub meeting_id: Option<i64>,
}

/// Checks a contribution against the procedure: its table and meeting must
/// be the procedure's, and a representative contributes for their own body,
/// once it has applied and unless it was refused.
async fn contribution_input(
    db: &Db,
    viewer: &Viewer,
    p: &Procedure,
    d: &ContributionDraft,
) -> Result<ContributionInput, Error> {
    let mut e = FieldErrors::new();
    let tables = store::working_tables(db, p.id).await?;
    let table = tables.iter().find(|t| t.name == d.table);
    if table.is_none() {
        e.add("table", "Scegli il tavolo dall'elenco.");
    }
    if let Some(m) = d.meeting_id {
        let ours = store::get_meeting(db, m)
            .await?
            .is_some_and(|x| x.procedure_id == Some(p.id));
        if !ours {
            e.add("meeting_id", "Scegli l'incontro dall'elenco.");
        }
    }
    if let Some(own) = viewer.own() {
        match d.organisation_id {
            Some(o) if own.contains(&o) => {
                let admitted_or_pending = store::applications(db, p.id, Some(&[o]))
                    .await?
                    .iter()
                    .any(|a| a.decision != AdmissionDecision::Refused);
                if !admitted_or_pending {
                    e.add("contributor_id", "L'ente contribuisce dopo aver presentato domanda di partecipazione (e non se non ammesso).");
                }
            }
            _ => e.add("contributor_id", "Scegli il tuo ente."),
        }
    }
    e.into_result(())?;
    Ok(ContributionInput {
        procedure_id: p.id,
        working_table_id: table.map(|t| t.id).unwrap_or_default(),
        meeting_id: d.meeting_id,
        organisation_id: d.organisation_id,
        kind: d.kind,
        content: d.content.clone(),
    })
}

/// A contribution to a working table, by the office (for a body or as the
/// facilitator) or by a body's representative.
pub async fn add_contribution(
    db: &Db,
    caller: &Caller,
    id: i64,
    draft: Input<ContributionDraft>,
    today: Date,
) -> Result<i64, Error> {
    let (viewer, p) = open(db, caller, id).await?;
    if viewer == Viewer::Internal {
        return Err(Error::Forbidden);
    }
    contributions_open(&p, today).map_err(Error::Refused)?;
    let input = contribution_input(db, &viewer, &p, &draft?).await?;
    Ok(store::add_contribution(db, &caller.actor, &input).await?)
}

/// A contribution of the procedure, for the office or the body that made it.
pub async fn open_contribution(
    db: &Db,
    caller: &Caller,
    id: i64,
    c: i64,
) -> Result<(Viewer, Procedure, Contribution), Error> {
    let (viewer, p) = open(db, caller, id).await?;
    let existing = store::get_contribution(db, c)
        .await?
        .filter(|x| x.procedure_id == p.id)
        .ok_or(Error::NotFound)?;
    if !viewer.may_act_for(existing.organisation_id) {
        return Err(Error::Forbidden);
    }
    Ok((viewer, p, existing))
}

pub async fn edit_contribution(
    db: &Db,
    caller: &Caller,
    (id, c): (i64, i64),
    version: i64,
    draft: Input<ContributionDraft>,
    today: Date,
) -> Result<(), Error> {
    let (viewer, p, _) = open_contribution(db, caller, id, c).await?;
    contributions_open(&p, today).map_err(Error::Refused)?;
    let input = contribution_input(db, &viewer, &p, &draft?).await?;
    store::update_contribution(db, &caller.actor, c, version, &input).await?;
    Ok(())
}

/// Saves the draft of the final report and the plan's objectives it
/// informed; only objectives of the procedure's plan are kept.
pub async fn save_report(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    report: Input<(String, Vec<i64>)>,
) -> Result<(), Error> {
    let (viewer, p) = open(db, caller, id).await?;
    viewer.require_office()?;
    if p.report_status == Some(ReportStatus::Approved) {
        return Err(Error::Refused("La relazione è già approvata.".into()));
    }
    let (text, checked) = report?;
    let objective_ids = match p.health_plan_id {
        Some(h) => pis::health_objectives(db, h)
            .await?
            .into_iter()
            .map(|o| o.id)
            .filter(|o| checked.contains(o))
            .collect(),
        None => Vec::new(),
    };
    let change = ProcedureChange::Report {
        text,
        objective_ids,
    };
    store::change_procedure(db, &caller.actor, id, version, &change).await?;
    Ok(())
}

/// What the final report would lack: no meeting of the path recorded, or
/// meetings without attendance or without minutes, each with its days.
pub async fn report_gaps(db: &Db, p: &Procedure) -> Result<Vec<String>, Error> {
    let meetings = store::meetings(db, p.zone_id, Some(p.id), false).await?;
    if meetings.is_empty() {
        return Ok(vec!["Nessun incontro del percorso è registrato.".into()]);
    }
    let attendance = store::procedure_attendance(db, p.id).await?;
    let said = |missing: Vec<&store::Meeting>, what: &str| {
        let days: Vec<String> = missing.iter().map(|m| format::date(m.held_on)).collect();
        (!missing.is_empty()).then(|| {
            format!(
                "{} {what}: {}.",
                format::count(missing.len() as i64, "incontro", "incontri"),
                days.join(", ")
            )
        })
    };
    let without_attendance = meetings
        .iter()
        .filter(|m| !attendance.iter().any(|a| a.meeting_id == m.id))
        .collect();
    let without_minutes = meetings
        .iter()
        .filter(|m| m.minutes.as_deref().is_none_or(|t| t.trim().is_empty()))
        .collect();
    Ok([
        said(without_attendance, "senza presenze registrate"),
        said(without_minutes, "senza verbale"),
    ]
    .into_iter()
    .flatten()
    .collect())
}

/// Approves the saved draft of the final report, which is then public. A
/// report over a path with gaps (`report_gaps`) is approved only when the
/// office says it knows of them.
pub async fn approve_report(
    db: &Db,
    caller: &Caller,
    (id, version): (i64, i64),
    despite_gaps: bool,
    today: Date,
) -> Result<(), Error> {
    let (viewer, p) = open(db, caller, id).await?;
    viewer.require_office()?;
    if p.report_status != Some(ReportStatus::Draft) {
        return Err(Error::Refused(
            "Salva prima la bozza della relazione: si approva una bozza.".into(),
        ));
    }
    let gaps = report_gaps(db, &p).await?;
    if !gaps.is_empty() && !despite_gaps {
        return Err(Error::Refused(format!(
            "Relazione non approvata: riporterebbe un percorso incompleto. {} Registra presenze e verbali, oppure conferma di approvare comunque.",
            gaps.join(" ")
        )));
    }
    let change = ProcedureChange::ApproveReport { on: today };
    store::change_procedure(db, &caller.actor, id, version, &change).await?;
    Ok(())
}

/// The final report may be read by the office and internal readers while
/// it is a draft; by the bodies, like everyone, once approved.
pub fn may_read_report(viewer: &Viewer, p: &Procedure) -> bool {
    !matches!(viewer, Viewer::Body(_)) || p.report_status == Some(ReportStatus::Approved)
}

fn invalid(field: &'static str, message: &str) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, message);
    Error::Invalid(e)
}
