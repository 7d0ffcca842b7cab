//! The co-design registry (co-progettazione, art. 55 c. 3 D.lgs 117/2017; art. 11 and 13 LR Toscana 65/2020): one
//! row per agreement, with its CUP/CIG codes, its partners (organisations of
//! the registry, each with the name as the source writes it) and the POA
//! activities it serves.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::BeginWrite;
use crate::{now, on_db, updated, Db, Result, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use zona_core::codesign::{
    name_key, AgreementStatus, CodeKind, HolderKind, Period, Precision, GENERIC_PARTNERS,
};
use zona_core::Cents;

/// What is saved for an agreement. Codes carry the warning found when they
/// were checked, so the registry shows it without checking again.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AgreementInput {
    pub zone_id: i64,
    pub holder_kind: HolderKind,
    pub holder_organisation_id: Option<i64>,
    pub holder_text: String,
    pub subject: String,
    pub local_code: Option<String>,
    pub status: AgreementStatus,
    pub status_note: Option<String>,
    pub period_text: Option<String>,
    pub period: Option<Period>,
    pub resources: Option<Cents>,
    pub partners_note: Option<String>,
    pub published: bool,
    pub codes: Vec<AgreementCode>,
    pub partners: Vec<Partner>,
    pub activity_ids: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, sqlx::FromRow)]
pub struct AgreementCode {
    pub kind: zona_core::codesign::CodeKind,
    pub code: String,
    pub warning: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, sqlx::FromRow)]
pub struct Partner {
    pub organisation_id: i64,
    pub written_name: String,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub zone_id: i64,
    pub position: i64,
    pub holder_kind: HolderKind,
    pub holder_organisation_id: Option<i64>,
    pub holder_text: String,
    pub subject: String,
    pub local_code: Option<String>,
    pub status: AgreementStatus,
    pub status_note: Option<String>,
    pub period_text: Option<String>,
    pub start_date: Option<Date>,
    pub start_precision: Option<String>,
    pub end_date: Option<Date>,
    pub end_precision: Option<String>,
    pub resources_cents: Option<i64>,
    pub partners_note: Option<String>,
    pub published: bool,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PartnerRow {
    pub agreement_id: i64,
    pub organisation_id: i64,
    pub written_name: String,
    pub organisation_name: String,
    pub organisation_kind: zona_core::org::OrganisationKind,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct CodeRow {
    pub agreement_id: i64,
    pub kind: zona_core::codesign::CodeKind,
    pub code: String,
    pub warning: Option<String>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct LinkedActivity {
    pub agreement_id: i64,
    pub activity_id: i64,
    pub code: String,
    pub title: String,
    pub year: i64,
}

/// An agreement with everything attached to it.
#[derive(Clone, Debug, Serialize)]
pub struct Agreement {
    pub row: AgreementRow,
    pub codes: Vec<CodeRow>,
    pub partners: Vec<PartnerRow>,
    pub activities: Vec<LinkedActivity>,
}

impl Agreement {
    pub fn status(&self) -> AgreementStatus {
        self.row.status
    }
    pub fn holder_kind(&self) -> HolderKind {
        self.row.holder_kind
    }
    pub fn period(&self) -> Option<Period> {
        let r = &self.row;
        Some(Period {
            start: r.start_date?,
            start_precision: Precision::from_code(r.start_precision.as_deref()?)?,
            end: r.end_date?,
            end_precision: Precision::from_code(r.end_precision.as_deref()?)?,
        })
    }
    pub fn resources(&self) -> Option<Cents> {
        self.row.resources_cents.map(Cents)
    }
    pub fn cups(&self) -> impl Iterator<Item = &CodeRow> {
        self.codes.iter().filter(|c| c.kind == CodeKind::Cup)
    }
    pub fn cigs(&self) -> impl Iterator<Item = &CodeRow> {
        self.codes.iter().filter(|c| c.kind == CodeKind::Cig)
    }
    /// The partners column, one item per line: the bodies as written, then
    /// the notes; a note that is not one of the generic words ("ETS", "Da
    /// individuare") goes in square brackets, as the import reads it.
    pub fn partners_lines(&self) -> Vec<String> {
        let mut parts: Vec<String> = self
            .partners
            .iter()
            .map(|p| p.written_name.clone())
            .collect();
        if let Some(n) = &self.row.partners_note {
            for part in n.split("; ") {
                let generic = GENERIC_PARTNERS
                    .iter()
                    .any(|g| name_key(g) == name_key(part));
                parts.push(if generic {
                    part.to_string()
                } else {
                    format!("[{part}]")
                });
            }
        }
        parts
    }

    /// The partners column as exported: [`Self::partners_lines`] joined by "; ".
    pub fn partners_text(&self) -> String {
        self.partners_lines().join("; ")
    }
    /// The status column as written: the status and its note.
    pub fn status_text(&self) -> String {
        match &self.row.status_note {
            Some(n) => format!("{} {n}", self.status().label()),
            None => self.status().label().to_string(),
        }
    }
    /// The period column: as written when the source gave it, else normalised.
    pub fn period_text(&self) -> String {
        self.row
            .period_text
            .clone()
            .or_else(|| self.period().map(|p| p.display()))
            .unwrap_or_default()
    }
    pub fn snapshot(&self) -> AgreementInput {
        let r = &self.row;
        AgreementInput {
            zone_id: r.zone_id,
            holder_kind: self.holder_kind(),
            holder_organisation_id: r.holder_organisation_id,
            holder_text: r.holder_text.clone(),
            subject: r.subject.clone(),
            local_code: r.local_code.clone(),
            status: self.status(),
            status_note: r.status_note.clone(),
            period_text: r.period_text.clone(),
            period: self.period(),
            resources: self.resources(),
            partners_note: r.partners_note.clone(),
            published: r.published,
            codes: self
                .codes
                .iter()
                .map(|c| AgreementCode {
                    kind: c.kind,
                    code: c.code.clone(),
                    warning: c.warning.clone(),
                })
                .collect(),
            partners: self
                .partners
                .iter()
                .map(|p| Partner {
                    organisation_id: p.organisation_id,
                    written_name: p.written_name.clone(),
                })
                .collect(),
            activity_ids: self.activities.iter().map(|a| a.activity_id).collect(),
        }
    }
}

const UNIQUE: &[(&str, &str)] = &[
    ("codesign_codes_uq", "codes"),
    ("codesign_partners_uq", "partners"),
];

macro_rules! write_agreement_children {
    ($tx:expr, $id:expr, $input:expr) => {{
        let id: i64 = $id;
        let input: &AgreementInput = $input;
        for table in ["codesign_codes", "codesign_partners", "codesign_activities"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE agreement_id = $1"))
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        for (i, c) in input.codes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO codesign_codes (agreement_id, position, kind, code, warning) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(c.kind.code())
            .bind(&c.code)
            .bind(&c.warning)
            .execute(&mut *$tx)
            .await
            .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        }
        for (i, p) in input.partners.iter().enumerate() {
            sqlx::query(
                "INSERT INTO codesign_partners (agreement_id, position, organisation_id, written_name) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(p.organisation_id)
            .bind(&p.written_name)
            .execute(&mut *$tx)
            .await
            .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        }
        for a in &input.activity_ids {
            sqlx::query("INSERT INTO codesign_activities (agreement_id, activity_id) VALUES ($1, $2)")
                .bind(id)
                .bind(a)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

fn period_parts(
    p: Option<&Period>,
) -> (
    Option<Date>,
    Option<&'static str>,
    Option<Date>,
    Option<&'static str>,
) {
    match p {
        Some(p) => (
            Some(p.start),
            Some(p.start_precision.code()),
            Some(p.end),
            Some(p.end_precision.code()),
        ),
        None => (None, None, None, None),
    }
}

macro_rules! insert_agreement {
    ($tx:expr, $actor:expr, $input:expr, $t:expr) => {{
        let input: &AgreementInput = $input;
        let (sd, sp, ed, ep) = period_parts(input.period.as_ref());
        let position: i64 = sqlx::query_scalar(
            "SELECT CAST(coalesce(max(position), 0) + 1 AS BIGINT) FROM codesign_agreements WHERE zone_id = $1",
        )
        .bind(input.zone_id)
        .fetch_one(&mut *$tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO codesign_agreements (zone_id, position, holder_kind, holder_organisation_id, \
             holder_text, subject, local_code, status, status_note, period_text, start_date, \
             start_precision, end_date, end_precision, resources_cents, partners_note, published, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
             RETURNING id",
        )
        .bind(input.zone_id)
        .bind(position)
        .bind(input.holder_kind.code())
        .bind(input.holder_organisation_id)
        .bind(&input.holder_text)
        .bind(&input.subject)
        .bind(&input.local_code)
        .bind(input.status.code())
        .bind(&input.status_note)
        .bind(&input.period_text)
        .bind(sd)
        .bind(sp)
        .bind(ed)
        .bind(ep)
        .bind(input.resources.map(|c| c.0))
        .bind(&input.partners_note)
        .bind(input.published)
        .bind($t)
        .fetch_one(&mut *$tx)
        .await?;
        write_agreement_children!($tx, id, input);
        let entry = AuditEntry::new(action::CREATE, entity::CODESIGN_AGREEMENT, Some(id))
            .zone(Some(input.zone_id))
            .summary(summary(&input.subject))
            .after(input);
        write_audit!(&mut *$tx, $actor, entry);
        id
    }};
}

pub async fn create_agreement(db: &Db, actor: &Actor, input: &AgreementInput) -> Result<i64> {
    Ok(create_agreements(db, actor, std::slice::from_ref(input)).await?[0])
}

/// Several agreements in one transaction (an import): all or none.
pub async fn create_agreements(
    db: &Db,
    actor: &Actor,
    inputs: &[AgreementInput],
) -> Result<Vec<i64>> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            ids.push(insert_agreement!(tx, actor, input, t));
        }
        tx.commit().await?;
        Ok(ids)
    })
}

fn summary(subject: &str) -> String {
    let short: String = subject.chars().take(80).collect();
    format!("Co-progettazione «{short}»")
}

pub async fn update_agreement(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &AgreementInput,
) -> Result<()> {
    let before = get_agreement(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    let (sd, sp, ed, ep) = period_parts(input.period.as_ref());
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(
            "UPDATE codesign_agreements SET holder_kind = $1, holder_organisation_id = $2, \
             holder_text = $3, subject = $4, local_code = $5, status = $6, status_note = $7, \
             period_text = $8, start_date = $9, start_precision = $10, end_date = $11, \
             end_precision = $12, resources_cents = $13, partners_note = $14, published = $15, \
             updated_at = $16, version = version + 1 WHERE id = $17 AND version = $18",
        )
        .bind(input.holder_kind.code())
        .bind(input.holder_organisation_id)
        .bind(&input.holder_text)
        .bind(&input.subject)
        .bind(&input.local_code)
        .bind(input.status.code())
        .bind(&input.status_note)
        .bind(&input.period_text)
        .bind(sd)
        .bind(sp)
        .bind(ed)
        .bind(ep)
        .bind(input.resources.map(|c| c.0))
        .bind(&input.partners_note)
        .bind(input.published)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        write_agreement_children!(tx, id, input);
        let entry = AuditEntry::new(action::UPDATE, entity::CODESIGN_AGREEMENT, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&input.subject))
            .before(&before.snapshot())
            .after(input);
        write_audit!(&mut *tx, actor, entry);
        tx.commit().await?;
        Ok(())
    })
}

/// Removes an agreement entered by mistake; the audit log keeps its content.
pub async fn delete_agreement(db: &Db, actor: &Actor, id: i64, version: i64) -> Result<()> {
    let before = get_agreement(db, id).await?.ok_or(StoreError::NotFound)?;
    if before.row.version != version {
        return Err(StoreError::Conflict);
    }
    audited!(db, actor, |tx| {
        for table in ["codesign_codes", "codesign_partners", "codesign_activities"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE agreement_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let n = sqlx::query("DELETE FROM codesign_agreements WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::DELETE, entity::CODESIGN_AGREEMENT, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&before.row.subject))
            .before(&before.snapshot());
        ((), entry)
    })
}

/// Filters of the registry. `published_only` is what the public pages ask.
#[derive(Clone, Debug, Default)]
pub struct AgreementQuery {
    pub status: Option<AgreementStatus>,
    pub holder_kind: Option<HolderKind>,
    pub partner_id: Option<i64>,
    pub text: Option<String>,
    pub published_only: bool,
}

pub async fn get_agreement(db: &Db, id: i64) -> Result<Option<Agreement>> {
    let row: Option<AgreementRow> = on_db!(db, |pool| {
        sqlx::query_as::<_, AgreementRow>(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    let Some(row) = row else {
        return Ok(None);
    };
    let mut v = attach(db, vec![row]).await?;
    Ok(v.pop())
}

const SELECT: &str =
    "SELECT id, zone_id, position, holder_kind, holder_organisation_id, holder_text, \
     subject, local_code, status, status_note, period_text, start_date, start_precision, end_date, \
     end_precision, resources_cents, partners_note, published, version FROM codesign_agreements";

/// The agreements of a zone in the order of the registry (the order of the
/// POA chapter's table, then the order of entry).
pub async fn list_agreements(db: &Db, zone_id: i64, q: &AgreementQuery) -> Result<Vec<Agreement>> {
    let mut sql = format!("{SELECT} WHERE zone_id = $1");
    let mut n = 1;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let status = q.status.map(|s| s.code());
    let holder = q.holder_kind.map(|h| h.code());
    let text = q
        .text
        .as_ref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    if status.is_some() {
        sql += &format!(" AND status = {}", next());
    }
    if holder.is_some() {
        sql += &format!(" AND holder_kind = {}", next());
    }
    if q.partner_id.is_some() {
        sql += &format!(
            " AND id IN (SELECT agreement_id FROM codesign_partners WHERE organisation_id = {})",
            next()
        );
    }
    if text.is_some() {
        let p = next();
        sql += &format!(
            " AND (lower(subject) LIKE {p} ESCAPE '\\' OR lower(holder_text) LIKE {p} ESCAPE '\\' \
             OR lower(coalesce(local_code, '')) LIKE {p} ESCAPE '\\' \
             OR id IN (SELECT agreement_id FROM codesign_codes WHERE lower(code) LIKE {p} ESCAPE '\\') \
             OR id IN (SELECT agreement_id FROM codesign_partners WHERE lower(written_name) LIKE {p} ESCAPE '\\'))"
        );
    }
    if q.published_only {
        sql += " AND published = TRUE";
    }
    sql += " ORDER BY position, id";
    let rows: Vec<AgreementRow> = on_db!(db, |pool| {
        let mut query = sqlx::query_as::<_, AgreementRow>(&sql).bind(zone_id);
        if let Some(s) = status {
            query = query.bind(s);
        }
        if let Some(h) = holder {
            query = query.bind(h);
        }
        if let Some(p) = q.partner_id {
            query = query.bind(p);
        }
        if let Some(t) = &text {
            query = query.bind(t);
        }
        query.fetch_all(pool).await?
    });
    attach(db, rows).await
}

/// Loads codes, partners and activities of the given agreements in three
/// queries (one per table), whatever the number of agreements.
async fn attach(db: &Db, rows: Vec<AgreementRow>) -> Result<Vec<Agreement>> {
    let Some(zone_id) = rows.first().map(|r| r.zone_id) else {
        return Ok(Vec::new());
    };
    let in_zone = "agreement_id IN (SELECT id FROM codesign_agreements WHERE zone_id = $1)";
    let (codes, partners, activities): (Vec<CodeRow>, Vec<PartnerRow>, Vec<LinkedActivity>) = on_db!(
        db,
        |pool| {
            let codes = sqlx::query_as::<_, CodeRow>(&format!(
                "SELECT agreement_id, kind, code, warning FROM codesign_codes WHERE {in_zone} \
                 ORDER BY agreement_id, position"
            ))
            .bind(zone_id)
            .fetch_all(pool)
            .await?;
            let partners = sqlx::query_as::<_, PartnerRow>(&format!(
                "SELECT p.agreement_id, p.organisation_id, p.written_name, o.name AS organisation_name, \
                 o.kind AS organisation_kind FROM codesign_partners p \
                 JOIN organisations o ON o.id = p.organisation_id WHERE p.{in_zone} \
                 ORDER BY p.agreement_id, p.position"
            ))
            .bind(zone_id)
            .fetch_all(pool)
            .await?;
            let activities = sqlx::query_as::<_, LinkedActivity>(&format!(
                "SELECT l.agreement_id, l.activity_id, a.code, a.title, CAST(ap.year AS BIGINT) AS year \
                 FROM codesign_activities l JOIN activity_sheets a ON a.id = l.activity_id \
                 JOIN annual_plans ap ON ap.id = a.annual_plan_id WHERE l.{in_zone} \
                 ORDER BY ap.year, a.code"
            ))
            .bind(zone_id)
            .fetch_all(pool)
            .await?;
            (codes, partners, activities)
        }
    );
    let mut by_id: HashMap<i64, Agreement> = HashMap::new();
    let order: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for row in rows {
        by_id.insert(
            row.id,
            Agreement {
                row,
                codes: Vec::new(),
                partners: Vec::new(),
                activities: Vec::new(),
            },
        );
    }
    for c in codes {
        if let Some(a) = by_id.get_mut(&c.agreement_id) {
            a.codes.push(c);
        }
    }
    for p in partners {
        if let Some(a) = by_id.get_mut(&p.agreement_id) {
            a.partners.push(p);
        }
    }
    for l in activities {
        if let Some(a) = by_id.get_mut(&l.agreement_id) {
            a.activities.push(l);
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect())
}

/// How many agreements each organisation takes part in, for the registry of bodies.
pub async fn partner_counts(db: &Db, zone_id: i64) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT p.organisation_id, CAST(count(*) AS BIGINT) FROM codesign_partners p \
             JOIN codesign_agreements a ON a.id = p.agreement_id WHERE a.zone_id = $1 \
             GROUP BY p.organisation_id",
        )
        .bind(zone_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().collect())
}

/// The activities of the zone's annual plans with the given codes
/// ("2024-01-001"), by code; unknown codes are simply absent.
pub async fn activity_ids(db: &Db, zone_id: i64, codes: &[String]) -> Result<HashMap<String, i64>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = on_db!(db, |pool| {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT a.code, a.id FROM activity_sheets a JOIN annual_plans ap ON ap.id = a.annual_plan_id \
             WHERE ap.zone_id = $1",
        )
        .bind(zone_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter(|(c, _)| codes.contains(c))
        .collect())
}
