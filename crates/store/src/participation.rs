//! Participation meetings (stakeholder groups, meetings, attendance,
//! attachments, minutes) and the co-programming procedure (initiation act,
//! notice, applications, working tables, contributions, final report).
//! The legal rules live in `zona_core::coprogramming`; the web layer checks
//! them before calling these functions.

use crate::audit::audited;
use crate::audit::{action, entity, Actor, AuditEntry};
use crate::db::{select_all, select_optional};
use crate::{now, on_db, updated, Db, Result, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use zona_core::coprogramming::{
    AdmissionDecision, ApplicantKind, ContributionKind, ExternalPublication, MeetingKind,
    NoticeTerms, PublishedNotice,
};

// ---------------------------------------------------------------- groups

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct StakeholderGroup {
    pub id: i64,
    pub zone_id: i64,
    pub name: String,
    pub description: Option<String>,
}

pub async fn groups(db: &Db, zone_id: i64) -> Result<Vec<StakeholderGroup>> {
    select_all::<StakeholderGroup>(db, "SELECT id, zone_id, name, description FROM stakeholder_groups WHERE zone_id = $1 ORDER BY name", zone_id).await
}

pub async fn create_group(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    name: &str,
    description: Option<&str>,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stakeholder_groups (zone_id, name, description, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(zone_id)
        .bind(name)
        .bind(description)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("stakeholder_groups_name_uq", "name")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::STAKEHOLDER_GROUP, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Gruppo di portatori di interesse «{name}»"))
            .after(&serde_json::json!({ "name": name, "description": description }));
        (id, entry)
    })
}

// ---------------------------------------------------------------- meetings

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub group_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub subject: String,
    pub held_on: Date,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub public: bool,
    pub minutes_published: bool,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Meeting {
    pub id: i64,
    pub zone_id: i64,
    pub kind: MeetingKind,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub procedure_id: Option<i64>,
    pub procedure_subject: Option<String>,
    pub subject: String,
    pub held_on: Date,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub public: bool,
    pub minutes_published: bool,
    pub version: i64,
}

impl Meeting {
    pub fn input(&self) -> MeetingInput {
        MeetingInput {
            kind: self.kind,
            group_id: self.group_id,
            procedure_id: self.procedure_id,
            subject: self.subject.clone(),
            held_on: self.held_on,
            starts_at: self.starts_at.clone(),
            place: self.place.clone(),
            online_url: self.online_url.clone(),
            agenda: self.agenda.clone(),
            minutes: self.minutes.clone(),
            public: self.public,
            minutes_published: self.minutes_published,
        }
    }
}

const MEETING_SELECT: &str = "SELECT m.id, m.zone_id, m.kind, m.group_id, g.name AS group_name, \
     m.procedure_id, p.subject AS procedure_subject, m.subject, m.held_on, m.starts_at, m.place, \
     m.online_url, m.agenda, m.minutes, m.public, m.minutes_published, m.version \
     FROM meetings m LEFT JOIN stakeholder_groups g ON g.id = m.group_id \
     LEFT JOIN coprogramming_procedures p ON p.id = m.procedure_id";

fn meeting_summary(m: &MeetingInput) -> String {
    format!(
        "Incontro del {}: {}",
        zona_core::format::date(m.held_on),
        m.subject
    )
}

/// One meeting a day by subject: the form's field it guards.
const MEETING_UNIQUE: &[(&str, &str)] = &[("meetings_subject_uq", "subject")];

pub async fn create_meeting(db: &Db, actor: &Actor, zone_id: i64, m: &MeetingInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (zone_id, kind, group_id, procedure_id, subject, held_on, starts_at, \
             place, online_url, agenda, minutes, public, minutes_published, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(zone_id)
        .bind(m.kind.code())
        .bind(m.group_id)
        .bind(m.procedure_id)
        .bind(&m.subject)
        .bind(m.held_on)
        .bind(&m.starts_at)
        .bind(&m.place)
        .bind(&m.online_url)
        .bind(&m.agenda)
        .bind(&m.minutes)
        .bind(m.public)
        .bind(m.minutes_published)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, MEETING_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::MEETING, Some(id))
            .zone(Some(zone_id))
            .summary(meeting_summary(m))
            .after(m);
        (id, entry)
    })
}

pub async fn update_meeting(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    m: &MeetingInput,
) -> Result<()> {
    let before = get_meeting(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE meetings SET kind = $1, group_id = $2, subject = $3, held_on = $4, starts_at = $5, \
             place = $6, online_url = $7, agenda = $8, minutes = $9, public = $10, \
             minutes_published = $11, updated_at = $12, version = version + 1 \
             WHERE id = $13 AND version = $14",
        )
        .bind(m.kind.code())
        .bind(m.group_id)
        .bind(&m.subject)
        .bind(m.held_on)
        .bind(&m.starts_at)
        .bind(&m.place)
        .bind(&m.online_url)
        .bind(&m.agenda)
        .bind(&m.minutes)
        .bind(m.public)
        .bind(m.minutes_published)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, MEETING_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::MEETING, Some(id))
            .zone(Some(before.zone_id))
            .summary(meeting_summary(m))
            .before(&before.input())
            .after(m);
        ((), entry)
    })
}

pub async fn get_meeting(db: &Db, id: i64) -> Result<Option<Meeting>> {
    let sql = format!("{MEETING_SELECT} WHERE m.id = $1");
    select_optional::<Meeting>(db, &sql, id).await
}

/// Meetings of a zone in date order; `procedure_id` narrows to one path,
/// `public_only` to what anonymous visitors see.
pub async fn meetings(
    db: &Db,
    zone_id: i64,
    procedure_id: Option<i64>,
    public_only: bool,
) -> Result<Vec<Meeting>> {
    let mut sql = format!("{MEETING_SELECT} WHERE m.zone_id = $1");
    if procedure_id.is_some() {
        sql += " AND m.procedure_id = $2";
    }
    if public_only {
        sql += " AND m.public = TRUE";
    }
    sql += " ORDER BY m.held_on, m.starts_at, m.id";
    on_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, Meeting>(&sql).bind(zone_id);
        if let Some(p) = procedure_id {
            q = q.bind(p);
        }
        Ok(q.fetch_all(pool).await?)
    })
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AttendanceInput {
    pub organisation_id: Option<i64>,
    pub person_name: Option<String>,
    pub working_table_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Attendance {
    pub meeting_id: i64,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub person_name: Option<String>,
    pub working_table_id: Option<i64>,
    pub table_name: Option<String>,
}

impl Attendance {
    pub fn who(&self) -> String {
        match (&self.organisation_name, &self.person_name) {
            (Some(o), Some(p)) => format!("{p} ({o})"),
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Replaces the attendance of a meeting.
pub async fn set_attendance(
    db: &Db,
    actor: &Actor,
    meeting_id: i64,
    rows: &[AttendanceInput],
) -> Result<()> {
    let m = get_meeting(db, meeting_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = attendance(db, meeting_id).await?;
    audited!(db, actor, |tx| {
        sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1")
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO meeting_attendance (meeting_id, organisation_id, person_name, working_table_id) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(meeting_id)
            .bind(r.organisation_id)
            .bind(&r.person_name)
            .bind(r.working_table_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_unique(e, &[("meeting_attendance_uq", "attendance")]))?;
        }
        let entry = AuditEntry::new(action::UPDATE, entity::MEETING, Some(meeting_id))
            .zone(Some(m.zone_id))
            .summary(format!(
                "Presenze all'incontro del {}",
                zona_core::format::date(m.held_on)
            ))
            .before(&before.iter().map(Attendance::who).collect::<Vec<_>>())
            .after(&rows);
        ((), entry)
    })
}

pub async fn attendance(db: &Db, meeting_id: i64) -> Result<Vec<Attendance>> {
    select_all::<Attendance>(
        db,
        "SELECT a.meeting_id, a.organisation_id, o.name AS organisation_name, a.person_name, \
         a.working_table_id, w.name AS table_name FROM meeting_attendance a \
         LEFT JOIN organisations o ON o.id = a.organisation_id \
         LEFT JOIN working_tables w ON w.id = a.working_table_id \
         WHERE a.meeting_id = $1 ORDER BY w.position, o.name, a.person_name",
        meeting_id,
    )
    .await
}

/// Attendance of every meeting of a procedure (for its final report).
pub async fn procedure_attendance(db: &Db, procedure_id: i64) -> Result<Vec<Attendance>> {
    select_all::<Attendance>(
        db,
        "SELECT a.meeting_id, a.organisation_id, o.name AS organisation_name, a.person_name, \
         a.working_table_id, w.name AS table_name FROM meeting_attendance a \
         JOIN meetings m ON m.id = a.meeting_id \
         LEFT JOIN organisations o ON o.id = a.organisation_id \
         LEFT JOIN working_tables w ON w.id = a.working_table_id \
         WHERE m.procedure_id = $1 ORDER BY m.held_on, w.position, o.name, a.person_name",
        procedure_id,
    )
    .await
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub meeting_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn add_attachment(
    db: &Db,
    actor: &Actor,
    meeting_id: i64,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> Result<i64> {
    let m = get_meeting(db, meeting_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let sha = format!("{:x}", Sha256::digest(content));
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meeting_attachments (meeting_id, file_name, content_type, size_bytes, sha256, content, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(meeting_id)
        .bind(file_name)
        .bind(content_type)
        .bind(content.len() as i64)
        .bind(&sha)
        .bind(content)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry::new(action::CREATE, entity::MEETING, Some(meeting_id))
            .zone(Some(m.zone_id))
            .summary(format!("Allegato «{file_name}» all'incontro del {}", zona_core::format::date(m.held_on)))
            .after(&serde_json::json!({ "file_name": file_name, "content_type": content_type, "size_bytes": content.len(), "sha256": sha }));
        (id, entry)
    })
}

pub async fn attachments(db: &Db, meeting_id: i64) -> Result<Vec<Attachment>> {
    select_all::<Attachment>(db, "SELECT id, meeting_id, file_name, content_type, size_bytes, sha256 FROM meeting_attachments \
         WHERE meeting_id = $1 ORDER BY id", meeting_id).await
}

pub async fn attachment_content(db: &Db, id: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
    let a: Option<Attachment> = on_db!(db, |pool| {
        sqlx::query_as::<_, Attachment>(
        "SELECT id, meeting_id, file_name, content_type, size_bytes, sha256 FROM meeting_attachments WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    });
    let Some(a) = a else { return Ok(None) };
    let content: Vec<u8> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT content FROM meeting_attachments WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await?);
    Ok(Some((a, content)))
}

pub async fn delete_attachment(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let (a, _) = attachment_content(db, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = get_meeting(db, a.meeting_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    audited!(db, actor, |tx| {
        sqlx::query("DELETE FROM meeting_attachments WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::DELETE, entity::MEETING, Some(m.id))
            .zone(Some(m.zone_id))
            .summary(format!("Tolto l'allegato «{}»", a.file_name))
            .before(&a);
        ((), entry)
    })
}

// ---------------------------------------------------------------- procedures

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Procedure {
    pub id: i64,
    pub zone_id: i64,
    pub subject: String,
    pub health_plan_id: Option<i64>,
    pub act_issuer: Option<String>,
    pub act_number: Option<String>,
    pub act_date: Option<Date>,
    pub strategic_lines: Option<String>,
    pub notice_purpose: Option<String>,
    pub notice_subject: Option<String>,
    pub notice_requirements: Option<String>,
    pub notice_terms: Option<String>,
    pub notice_participation: Option<String>,
    pub notice_opens: Option<Date>,
    pub notice_closes: Option<Date>,
    pub report_text: Option<String>,
    pub report_status: Option<zona_core::coprogramming::ReportStatus>,
    pub report_approved_on: Option<Date>,
    pub version: i64,
    /// The day the notice became public: in zona, or earlier outside it.
    pub notice_published_on: Option<Date>,
    pub notice_external_ref: Option<String>,
    pub notice_external_on: Option<Date>,
    /// The day the notice's term really ends: its deadline, or the next
    /// working day when the deadline is a holiday (art. 2963 c. 3 c.c.).
    pub notice_runs_to: Option<Date>,
}

impl Procedure {
    /// The notice's window as it runs: opening day and the day the term
    /// really ends.
    pub fn notice(&self) -> Option<(Date, Date)> {
        Some((
            self.notice_opens?,
            self.notice_runs_to.or(self.notice_closes)?,
        ))
    }

    /// The notice as written by the office, if there is one.
    pub fn notice_terms(&self) -> Option<NoticeTerms> {
        Some(NoticeTerms {
            purpose: self.notice_purpose.clone().unwrap_or_default(),
            subject: self.notice_subject.clone().unwrap_or_default(),
            requirements: self.notice_requirements.clone().unwrap_or_default(),
            terms: self.notice_terms.clone().unwrap_or_default(),
            participation: self.notice_participation.clone().unwrap_or_default(),
            opens: self.notice_opens?,
            closes: self.notice_closes?,
            external: match (&self.notice_external_ref, self.notice_external_on) {
                (Some(reference), Some(on)) => Some(ExternalPublication {
                    reference: reference.clone(),
                    on,
                }),
                _ => None,
            },
        })
    }

    /// The published notice, for the rules on amendments.
    pub fn published_notice(&self) -> Option<PublishedNotice> {
        let terms = self.notice_terms()?;
        Some(PublishedNotice {
            published_on: self.notice_published_on.unwrap_or(terms.opens),
            runs_to: self.notice_runs_to.unwrap_or(terms.closes),
            terms,
        })
    }
    pub fn facts(&self) -> zona_core::coprogramming::StageFacts {
        zona_core::coprogramming::StageFacts {
            initiated: self.act_date.is_some(),
            notice: self.notice(),
            report_approved: self.report_status
                == Some(zona_core::coprogramming::ReportStatus::Approved),
        }
    }
}

const PROCEDURE_SELECT: &str =
    "SELECT id, zone_id, subject, health_plan_id, act_issuer, act_number, \
     act_date, strategic_lines, notice_purpose, notice_subject, notice_requirements, notice_terms, \
     notice_participation, notice_opens, notice_closes, report_text, report_status, \
     report_approved_on, version, notice_published_on, notice_external_ref, notice_external_on, \
     notice_runs_to FROM coprogramming_procedures";

pub async fn procedures(db: &Db, zone_id: i64) -> Result<Vec<Procedure>> {
    let sql = format!("{PROCEDURE_SELECT} WHERE zone_id = $1 ORDER BY created_at DESC, id DESC");
    select_all::<Procedure>(db, &sql, zone_id).await
}

pub async fn get_procedure(db: &Db, id: i64) -> Result<Option<Procedure>> {
    let sql = format!("{PROCEDURE_SELECT} WHERE id = $1");
    select_optional::<Procedure>(db, &sql, id).await
}

/// A new procedure with its working tables, in one transaction.
pub async fn create_procedure(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    subject: &str,
    health_plan_id: Option<i64>,
    tables: &[String],
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO coprogramming_procedures (zone_id, subject, health_plan_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(zone_id)
        .bind(subject)
        .bind(health_plan_id)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("coprogramming_procedures_subject_uq", "subject")]))?;
        for (i, name) in tables.iter().enumerate() {
            sqlx::query(
                "INSERT INTO working_tables (procedure_id, position, name) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_unique(e, &[("working_tables_name_uq", "tables")]))?;
        }
        let entry = AuditEntry::new(action::CREATE, entity::PROCEDURE, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Co-programmazione «{subject}»"))
            .after(&serde_json::json!({ "subject": subject, "health_plan_id": health_plan_id, "tables": tables }));
        (id, entry)
    })
}

/// Which part of a procedure a change touches: each is one form.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub enum ProcedureChange {
    Act {
        issuer: String,
        number: Option<String>,
        date: Date,
        strategic_lines: String,
    },
    /// The notice published or amended: `published_on` is kept from the
    /// first publication; an amendment carries its reason and what it changes.
    Notice {
        terms: NoticeTerms,
        published_on: Date,
        runs_to: Date,
        amendment: Option<NoticeAmendmentInput>,
    },
    Report {
        text: String,
        objective_ids: Vec<i64>,
    },
    ApproveReport {
        on: Date,
    },
}

/// Applies one change with optimistic concurrency and an audit entry.
pub async fn change_procedure(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    change: &ProcedureChange,
) -> Result<()> {
    let before = get_procedure(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    let (sql, what, act) = match change {
        ProcedureChange::Act { .. } => (
            "UPDATE coprogramming_procedures SET act_issuer = $3, act_number = $4, act_date = $5, \
             strategic_lines = $6, updated_at = $2, version = version + 1 WHERE id = $1 AND version = $7",
            "atto di avvio",
            action::UPDATE,
        ),
        ProcedureChange::Notice { amendment, .. } => (
            "UPDATE coprogramming_procedures SET notice_purpose = $3, notice_subject = $4, \
             notice_requirements = $5, notice_terms = $6, notice_participation = $7, notice_opens = $8, \
             notice_closes = $9, notice_external_ref = $10, notice_external_on = $11, \
             notice_published_on = COALESCE(notice_published_on, $12), notice_runs_to = $13, \
             updated_at = $2, version = version + 1 WHERE id = $1 AND version = $14",
            if amendment.is_some() {
                "rettifica dell'avviso pubblico"
            } else {
                "pubblicazione dell'avviso pubblico"
            },
            action::UPDATE,
        ),
        ProcedureChange::Report { .. } => (
            "UPDATE coprogramming_procedures SET report_text = $3, report_status = 'draft', \
             updated_at = $2, version = version + 1 WHERE id = $1 AND version = $4 \
             AND (report_status IS NULL OR report_status = 'draft')",
            "relazione conclusiva",
            action::UPDATE,
        ),
        ProcedureChange::ApproveReport { .. } => (
            "UPDATE coprogramming_procedures SET report_status = 'approved', report_approved_on = $3, \
             updated_at = $2, version = version + 1 WHERE id = $1 AND version = $4 AND report_status = 'draft'",
            "approvazione della relazione conclusiva",
            action::APPROVE,
        ),
    };
    audited!(db, actor, |tx| {
        let q = sqlx::query(sql).bind(id).bind(t);
        let q = match change {
            ProcedureChange::Act {
                issuer,
                number,
                date,
                strategic_lines,
            } => q
                .bind(issuer)
                .bind(number)
                .bind(date)
                .bind(strategic_lines)
                .bind(version),
            ProcedureChange::Notice {
                terms,
                published_on,
                runs_to,
                ..
            } => q
                .bind(&terms.purpose)
                .bind(&terms.subject)
                .bind(&terms.requirements)
                .bind(&terms.terms)
                .bind(&terms.participation)
                .bind(terms.opens)
                .bind(terms.closes)
                .bind(terms.external.as_ref().map(|x| x.reference.clone()))
                .bind(terms.external.as_ref().map(|x| x.on))
                .bind(published_on)
                .bind(runs_to)
                .bind(version),
            ProcedureChange::Report { text, .. } => q.bind(text).bind(version),
            ProcedureChange::ApproveReport { on } => q.bind(on).bind(version),
        };
        let n = q.execute(&mut *tx).await?.rows_affected();
        updated(n)?;
        if let ProcedureChange::Report { objective_ids, .. } = change {
            sqlx::query("DELETE FROM procedure_objectives WHERE procedure_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for o in objective_ids {
                sqlx::query("INSERT INTO procedure_objectives (procedure_id, health_objective_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(o)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut what = what.to_string();
        if let ProcedureChange::Notice {
            terms,
            amendment: Some(a),
            ..
        } = change
        {
            // Numbered in order within the procedure; the procedure's version
            // check above serialises two amendments of one notice.
            sqlx::query(
                "INSERT INTO notice_amendments (procedure_id, seq, amended_on, reason, changes, closes_before, \
                 closes_after, created_at) VALUES ($1, \
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM notice_amendments WHERE procedure_id = $1), \
                 $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(a.amended_on)
            .bind(&a.reason)
            .bind(&a.changes)
            .bind(before.notice_closes)
            .bind(terms.closes)
            .bind(t)
            .execute(&mut *tx)
            .await?;
            what = format!("{what} ({}), motivo: {}", a.changes, a.reason);
        }
        let entry = AuditEntry::new(act, entity::PROCEDURE, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!("Co-programmazione «{}»: {what}", before.subject))
            .before(&before)
            .after(change);
        ((), entry)
    })
}

/// An amendment to a published notice, as the office states it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NoticeAmendmentInput {
    pub amended_on: Date,
    pub reason: String,
    /// The parts changed, in Italian ("scadenza, requisiti").
    pub changes: String,
}

/// An amendment as recorded, shown next to the notice.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct NoticeAmendment {
    pub id: i64,
    pub amended_on: Date,
    pub reason: String,
    pub changes: String,
    pub closes_before: Date,
    pub closes_after: Date,
}

pub async fn notice_amendments(db: &Db, procedure_id: i64) -> Result<Vec<NoticeAmendment>> {
    select_all::<NoticeAmendment>(db, "SELECT id, amended_on, reason, changes, closes_before, closes_after FROM notice_amendments \
         WHERE procedure_id = $1 ORDER BY seq, id", procedure_id).await
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct WorkingTable {
    pub id: i64,
    pub procedure_id: i64,
    pub position: i64,
    pub name: String,
}

pub async fn working_tables(db: &Db, procedure_id: i64) -> Result<Vec<WorkingTable>> {
    select_all::<WorkingTable>(db, "SELECT id, procedure_id, position, name FROM working_tables WHERE procedure_id = $1 ORDER BY position", procedure_id).await
}

pub async fn linked_objectives(db: &Db, procedure_id: i64) -> Result<Vec<(i64, String)>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT o.id, o.title FROM procedure_objectives l JOIN health_objectives o ON o.id = l.health_objective_id \
         WHERE l.procedure_id = $1 ORDER BY o.position, o.id"
    )
    .bind(procedure_id)
    .fetch_all(pool)
    .await?)
    })
}

// ---------------------------------------------------------------- applications

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ApplicationInput {
    pub procedure_id: i64,
    pub organisation_id: i64,
    pub applicant_kind: ApplicantKind,
    pub justification: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub tables: Option<String>,
    pub submitted_on: Date,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub procedure_id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub applicant_kind: ApplicantKind,
    pub justification: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub tables: Option<String>,
    pub decision: AdmissionDecision,
    pub decision_reason: Option<String>,
    pub submitted_on: Date,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

const APPLICATION_SELECT: &str =
    "SELECT a.id, a.procedure_id, a.organisation_id, o.name AS organisation_name, \
     a.applicant_kind, a.justification, a.contact_name, a.contact_email, a.tables, a.decision, \
     a.decision_reason, a.submitted_on, a.version, a.updated_at FROM coprogramming_applications a \
     JOIN organisations o ON o.id = a.organisation_id";

/// The applications of a procedure; `organisation_ids` narrows to a body's own.
pub async fn applications(
    db: &Db,
    procedure_id: i64,
    organisation_ids: Option<&[i64]>,
) -> Result<Vec<Application>> {
    let sql = format!("{APPLICATION_SELECT} WHERE a.procedure_id = $1 ORDER BY o.name");
    let all: Vec<Application> = on_db!(db, |pool| sqlx::query_as::<_, Application>(&sql)
        .bind(procedure_id)
        .fetch_all(pool)
        .await?);
    Ok(match organisation_ids {
        Some(ids) => all
            .into_iter()
            .filter(|a| ids.contains(&a.organisation_id))
            .collect(),
        None => all,
    })
}

pub async fn get_application(db: &Db, id: i64) -> Result<Option<Application>> {
    let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
    select_optional::<Application>(db, &sql, id).await
}

pub async fn submit_application(db: &Db, actor: &Actor, a: &ApplicationInput) -> Result<i64> {
    let p = get_procedure(db, a.procedure_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO coprogramming_applications (procedure_id, organisation_id, applicant_kind, \
             justification, contact_name, contact_email, tables, submitted_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(a.procedure_id)
        .bind(a.organisation_id)
        .bind(a.applicant_kind.code())
        .bind(&a.justification)
        .bind(&a.contact_name)
        .bind(&a.contact_email)
        .bind(&a.tables)
        .bind(a.submitted_on)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("coprogramming_applications_uq", "organisation_id")]))?;
        let entry = AuditEntry::new(action::SUBMIT, entity::APPLICATION, Some(id))
            .zone(Some(p.zone_id))
            .summary(format!("Domanda di partecipazione a «{}»", p.subject))
            .after(a);
        (id, entry)
    })
}

/// The applicant's own change (contacts, tables, justification) while the notice is open.
pub async fn update_application(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    a: &ApplicationInput,
) -> Result<()> {
    let before = get_application(db, id).await?.ok_or(StoreError::NotFound)?;
    let p = get_procedure(db, before.procedure_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE coprogramming_applications SET applicant_kind = $1, justification = $2, contact_name = $3, \
             contact_email = $4, tables = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
        )
        .bind(a.applicant_kind.code())
        .bind(&a.justification)
        .bind(&a.contact_name)
        .bind(&a.contact_email)
        .bind(&a.tables)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::APPLICATION, Some(id))
            .zone(Some(p.zone_id))
            .summary(format!(
                "Domanda di {} a «{}»",
                before.organisation_name, p.subject
            ))
            .before(&before)
            .after(a);
        ((), entry)
    })
}

pub async fn decide_application(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    decision: AdmissionDecision,
    reason: Option<&str>,
) -> Result<()> {
    let before = get_application(db, id).await?.ok_or(StoreError::NotFound)?;
    let p = get_procedure(db, before.procedure_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE coprogramming_applications SET decision = $1, decision_reason = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(decision.code())
        .bind(reason)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        let act = if decision == AdmissionDecision::Admitted {
            action::ACCEPT
        } else {
            action::RETURN
        };
        let entry = AuditEntry::new(act, entity::APPLICATION, Some(id))
            .zone(Some(p.zone_id))
            .summary(format!("Decisione sulla domanda di {} a «{}»", before.organisation_name, p.subject))
            .before(&serde_json::json!({ "decision": before.decision, "reason": before.decision_reason }))
            .after(&serde_json::json!({ "decision": decision, "reason": reason }));
        ((), entry)
    })
}

// ---------------------------------------------------------------- contributions

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ContributionInput {
    pub procedure_id: i64,
    pub working_table_id: i64,
    pub meeting_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub kind: ContributionKind,
    /// What the contribution says.
    pub content: String,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Contribution {
    pub id: i64,
    pub procedure_id: i64,
    pub working_table_id: i64,
    pub table_name: String,
    pub meeting_id: Option<i64>,
    pub meeting_on: Option<Date>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub kind: ContributionKind,
    pub content: String,
    pub version: i64,
}

const CONTRIBUTION_SELECT: &str = "SELECT c.id, c.procedure_id, c.working_table_id, w.name AS table_name, \
     c.meeting_id, m.held_on AS meeting_on, c.organisation_id, o.name AS organisation_name, c.kind, \
     c.content, c.version FROM contributions c JOIN working_tables w ON w.id = c.working_table_id \
     LEFT JOIN meetings m ON m.id = c.meeting_id LEFT JOIN organisations o ON o.id = c.organisation_id";

/// Contributions of a procedure by table, then kind; `organisation_ids`
/// narrows to a body's own.
pub async fn contributions(
    db: &Db,
    procedure_id: i64,
    organisation_ids: Option<&[i64]>,
) -> Result<Vec<Contribution>> {
    let sql = format!(
        "{CONTRIBUTION_SELECT} WHERE c.procedure_id = $1 ORDER BY w.position, c.kind, c.id"
    );
    let all: Vec<Contribution> = on_db!(db, |pool| sqlx::query_as::<_, Contribution>(&sql)
        .bind(procedure_id)
        .fetch_all(pool)
        .await?);
    Ok(match organisation_ids {
        Some(ids) => all
            .into_iter()
            .filter(|c| c.organisation_id.is_some_and(|o| ids.contains(&o)))
            .collect(),
        None => all,
    })
}

pub async fn get_contribution(db: &Db, id: i64) -> Result<Option<Contribution>> {
    let sql = format!("{CONTRIBUTION_SELECT} WHERE c.id = $1");
    select_optional::<Contribution>(db, &sql, id).await
}

pub async fn add_contribution(db: &Db, actor: &Actor, c: &ContributionInput) -> Result<i64> {
    let p = get_procedure(db, c.procedure_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contributions (procedure_id, working_table_id, meeting_id, organisation_id, kind, content, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(c.procedure_id)
        .bind(c.working_table_id)
        .bind(c.meeting_id)
        .bind(c.organisation_id)
        .bind(c.kind.code())
        .bind(&c.content)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry::new(action::CREATE, entity::CONTRIBUTION, Some(id))
            .zone(Some(p.zone_id))
            .summary(format!("Contributo a «{}»", p.subject))
            .after(c);
        (id, entry)
    })
}

pub async fn update_contribution(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    c: &ContributionInput,
) -> Result<()> {
    let before = get_contribution(db, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let p = get_procedure(db, before.procedure_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE contributions SET working_table_id = $1, meeting_id = $2, kind = $3, content = $4, \
             updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(c.working_table_id)
        .bind(c.meeting_id)
        .bind(c.kind.code())
        .bind(&c.content)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::CONTRIBUTION, Some(id))
            .zone(Some(p.zone_id))
            .summary(format!("Contributo a «{}»", p.subject))
            .before(&before)
            .after(c);
        ((), entry)
    })
}
