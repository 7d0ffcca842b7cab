//! Activity sheets: their content, the compilation workflow, the acts of the
//! annual plan, and the funding lines the integrated budget is made of.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::select_all;
use crate::db::BeginWrite;
use crate::db::{bind_params, Filter, Param};
use crate::{now, on_db, Db, Page, Result, StoreError};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;
use time::Date;
use zona_core::planning::{
    can_approve, transition, ActKind, BudgetLine, FundingLine, Indicator, LineageProgramme,
    LineageSheet, Monitoring, PlanStatus, SheetContent, SheetEvent, SheetStatus, Vocabularies,
    Vocabulary,
};
use zona_core::Cents;

/// An activity sheet's own columns with its place in the tree.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct SheetRow {
    pub id: i64,
    pub annual_plan_id: i64,
    pub programme_id: i64,
    pub code: String,
    pub demo: bool,
    pub status: SheetStatus,
    pub review_comment: Option<String>,
    pub progress: Option<i64>,
    pub survey_date: Option<Date>,
    pub monitoring_notes: Option<String>,
    pub previous_id: Option<i64>,
    pub version: i64,
    pub updated_at: time::OffsetDateTime,
    pub year: i64,
    pub zone_id: i64,
    pub plan_status: PlanStatus,
    pub programme: String,
    pub objective_id: i64,
    pub objective: String,
    pub unit_name: Option<String>,
    pub organisation_name: Option<String>,
}

impl SheetRow {
    pub fn status(&self) -> SheetStatus {
        self.status
    }
    pub fn plan_status(&self) -> PlanStatus {
        self.plan_status
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Sheet {
    pub row: SheetRow,
    pub content: SheetContent,
}

#[derive(sqlx::FromRow)]
struct ContentRow {
    title: String,
    description: Option<String>,
    programme_id: i64,
    sector: Option<String>,
    kind: Option<String>,
    unit_id: Option<i64>,
    organisation_id: Option<i64>,
    start_date: Option<Date>,
    end_date: Option<Date>,
    internal_notes: Option<String>,
    integrated_matter: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FundingRow {
    source: String,
    year: i64,
    amount_cents: i64,
}

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    name: String,
    unit: String,
    baseline: Option<String>,
    target: Option<String>,
    actual: Option<String>,
}

fn dec(s: Option<String>) -> Option<Decimal> {
    s.and_then(|s| Decimal::from_str(&s).ok())
}

const SHEET_SELECT: &str = "SELECT x.id, x.annual_plan_id, x.programme_id, x.code, x.demo, x.status, \
    x.review_comment, x.progress, x.survey_date, x.monitoring_notes, x.previous_id, x.version, x.updated_at, \
    a.year, a.zone_id, a.status AS plan_status, p.title AS programme, o.id AS objective_id, o.title AS objective, \
    u.name AS unit_name, g.name AS organisation_name \
    FROM activity_sheets x JOIN annual_plans a ON a.id = x.annual_plan_id \
    JOIN programmes p ON p.id = x.programme_id \
    JOIN health_objectives o ON o.id = p.health_objective_id \
    LEFT JOIN units u ON u.id = x.unit_id \
    LEFT JOIN organisations g ON g.id = x.organisation_id";

pub async fn get_sheet(db: &Db, id: i64) -> Result<Option<Sheet>> {
    on_db!(db, |pool| {
        let Some(row) = sqlx::query_as::<_, SheetRow>(&format!("{SHEET_SELECT} WHERE x.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
        else {
            return Ok(None);
        };
        let c = sqlx::query_as::<_, ContentRow>(
            "SELECT title, description, programme_id, sector, kind, unit_id, organisation_id, start_date, \
             end_date, internal_notes, integrated_matter FROM activity_sheets WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?;
        let target_areas: Vec<String> = sqlx::query_scalar(
            "SELECT area FROM activity_target_areas WHERE activity_id = $1 ORDER BY area",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let municipality_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT municipality_id FROM activity_municipalities WHERE activity_id = $1 ORDER BY municipality_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let funding = sqlx::query_as::<_, FundingRow>(
            "SELECT source, year, amount_cents FROM funding_lines WHERE activity_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|f| FundingLine {
            source: f.source,
            year: f.year,
            amount: Cents(f.amount_cents),
        })
        .collect();
        let indicators = sqlx::query_as::<_, IndicatorRow>(
            "SELECT name, unit, baseline, target, actual FROM indicators WHERE activity_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|i| Indicator {
            name: i.name,
            unit: i.unit,
            baseline: dec(i.baseline),
            target: dec(i.target),
            actual: dec(i.actual),
        })
        .collect();
        Ok(Some(Sheet {
            row,
            content: SheetContent {
                title: c.title,
                description: c.description,
                programme_id: c.programme_id,
                sector: c.sector,
                kind: c.kind,
                target_areas,
                unit_id: c.unit_id,
                organisation_id: c.organisation_id,
                municipality_ids,
                start_date: c.start_date,
                end_date: c.end_date,
                funding,
                indicators,
                internal_notes: c.internal_notes,
                integrated_matter: c.integrated_matter,
            },
        }))
    })
}

/// Writes the child rows of a sheet (replacing what was there) on a
/// transaction inside an `on_db!` arm.
macro_rules! write_children {
    ($tx:expr, $id:expr, $c:expr) => {{
        let id: i64 = $id;
        let c: &SheetContent = $c;
        for table in [
            "activity_target_areas",
            "activity_municipalities",
            "funding_lines",
            "indicators",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE activity_id = $1"))
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        for a in &c.target_areas {
            sqlx::query("INSERT INTO activity_target_areas (activity_id, area) VALUES ($1, $2)")
                .bind(id)
                .bind(a)
                .execute(&mut *$tx)
                .await?;
        }
        for m in &c.municipality_ids {
            sqlx::query(
                "INSERT INTO activity_municipalities (activity_id, municipality_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(m)
            .execute(&mut *$tx)
            .await?;
        }
        for (i, f) in c.funding.iter().enumerate() {
            sqlx::query(
                "INSERT INTO funding_lines (activity_id, position, source, year, amount_cents) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&f.source)
            .bind(f.year)
            .bind(f.amount.0)
            .execute(&mut *$tx)
            .await?;
        }
        for (i, ind) in c.indicators.iter().enumerate() {
            sqlx::query(
                "INSERT INTO indicators (activity_id, position, name, unit, baseline, target, actual) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&ind.name)
            .bind(&ind.unit)
            .bind(ind.baseline.map(|d| d.to_string()))
            .bind(ind.target.map(|d| d.to_string()))
            .bind(ind.actual.map(|d| d.to_string()))
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Inserts one sheet's row on a transaction inside an `on_db!` arm.
macro_rules! insert_sheet {
    ($tx:expr, $plan:expr, $s:expr, $t:expr) => {{
        let s: &NewSheet = $s;
        let c = &s.content;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO activity_sheets (annual_plan_id, programme_id, code, title, description, demo, sector, kind, \
             unit_id, organisation_id, start_date, end_date, status, internal_notes, previous_id, created_at, updated_at, \
             integrated_matter) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id",
        )
        .bind($plan)
        .bind(c.programme_id)
        .bind(&s.code)
        .bind(&c.title)
        .bind(&c.description)
        .bind(s.demo)
        .bind(&c.sector)
        .bind(&c.kind)
        .bind(c.unit_id)
        .bind(c.organisation_id)
        .bind(c.start_date)
        .bind(c.end_date)
        .bind(s.status.code())
        .bind(&c.internal_notes)
        .bind(s.previous_id)
        .bind($t)
        .bind(&c.integrated_matter)
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("activity_sheets_code_uq", "code")]))?;
        id
    }};
}

/// A new sheet for [`add_sheets`].
#[derive(Clone, Debug, Serialize)]
pub struct NewSheet {
    pub code: String,
    /// A placeholder of the demo, filling a count the sources give without
    /// names; a sheet stops being one when a person saves its content.
    pub demo: bool,
    pub status: SheetStatus,
    pub previous_id: Option<i64>,
    pub content: SheetContent,
}

/// Adds sheets to an annual plan, all in one transaction.
pub async fn add_sheets(
    db: &Db,
    actor: &Actor,
    annual_plan_id: i64,
    items: &[NewSheet],
) -> Result<Vec<i64>> {
    let t = now();
    let zone_id = plan_info(db, annual_plan_id).await?.zone_id;
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut ids = Vec::with_capacity(items.len());
        for s in items {
            let c = &s.content;
            let id = insert_sheet!(tx, annual_plan_id, s, t);
            write_children!(tx, id, c);
            let entry = AuditEntry::new(action::CREATE, entity::ACTIVITY, Some(id))
                .zone(Some(zone_id))
                .summary(format!("Scheda attività {} «{}»", s.code, c.title))
                .after(s);
            write_audit!(&mut *tx, actor, entry);
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// A new sheet of the planning office, coded after the last one of its programme.
pub async fn create_sheet(
    db: &Db,
    actor: &Actor,
    annual_plan_id: i64,
    content: &SheetContent,
) -> Result<i64> {
    let plan = plan_info(db, annual_plan_id).await?;
    if plan.status() == PlanStatus::Approved {
        return Err(StoreError::Refused(
            "La programmazione è approvata: non si aggiungono schede.".into(),
        ));
    }
    let (position, count): (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.position, (SELECT count(*) FROM activity_sheets x WHERE x.programme_id = p.id) \
         FROM programmes p WHERE p.id = $1 AND p.annual_plan_id = $2"
    )
    .bind(content.programme_id)
    .bind(annual_plan_id)
    .fetch_optional(pool)
    .await
    })?
    .ok_or(StoreError::NotFound)?;
    // The next free number: codes of removed sheets are not reused.
    let mut n = count + 1;
    loop {
        let code = format!("{}-{:02}-{:03}", plan.year, position, n);
        let new = NewSheet {
            code,
            demo: false,
            status: SheetStatus::ToFill,
            previous_id: None,
            content: content.clone(),
        };
        match add_sheets(db, actor, annual_plan_id, &[new]).await {
            Err(StoreError::Duplicate { .. }) if n < count + 1000 => n += 1,
            r => return r.map(|ids| ids[0]),
        }
    }
}

/// An act (the mayors' conference deliberation approving the plan, an amendment).
#[derive(Clone, Debug, Serialize)]
pub struct ActInput {
    pub kind: ActKind,
    /// Who issued the act (*organo*), e.g. the mayors' conference.
    pub issuer: String,
    pub number: String,
    pub act_date: Date,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PlanAct {
    pub id: i64,
    pub kind: ActKind,
    pub issuer: String,
    pub number: String,
    pub act_date: Date,
    pub description: Option<String>,
    pub created_at: time::OffsetDateTime,
}

impl PlanAct {
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
    pub fn date_label(&self) -> String {
        zona_core::format::date(self.act_date)
    }
}

/// The plan's act of this kind, number and date: the one already recorded
/// (one resolution amends several sheets), or a new one.
macro_rules! insert_act {
    ($tx:expr, $zone:expr, $plan:expr, $act:expr, $t:expr) => {{
        let act: &ActInput = $act;
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM plan_acts WHERE annual_plan_id = $1 AND kind = $2 \
             AND lower(number) = lower($3) AND act_date = $4",
        )
        .bind($plan)
        .bind(act.kind.code())
        .bind(&act.number)
        .bind(act.act_date)
        .fetch_optional(&mut *$tx)
        .await?;
        match known {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO plan_acts (zone_id, annual_plan_id, kind, issuer, number, act_date, description, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind($zone)
            .bind($plan)
            .bind(act.kind.code())
            .bind(&act.issuer)
            .bind(&act.number)
            .bind(act.act_date)
            .bind(&act.description)
            .bind($t)
            .fetch_one(&mut *$tx)
            .await?,
        }
    }};
}

/// Saves a sheet's content. `expected_version` is the version the person
/// started from: if someone saved in between, nothing is written and the
/// result is [`StoreError::Conflict`]. On an approved plan only an amendment
/// (with its act) may change a sheet; it is recorded as such.
pub async fn update_sheet(
    db: &Db,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    content: &SheetContent,
    amendment: Option<&ActInput>,
) -> Result<i64> {
    let before = get_sheet(db, id).await?.ok_or(StoreError::NotFound)?;
    if before.row.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let approved = before.row.plan_status() == PlanStatus::Approved;
    match (approved, amendment) {
        (true, None) => {
            return Err(StoreError::Refused(
                "La programmazione è approvata: le modifiche si registrano come variazione, con il relativo atto.".into(),
            ))
        }
        (false, Some(_)) => {
            return Err(StoreError::Refused(
                "Le variazioni si registrano solo su una programmazione approvata.".into(),
            ))
        }
        _ => {}
    }
    let t = now();
    let zone_id = before.row.zone_id;
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query(
            "UPDATE activity_sheets SET title = $1, description = $2, programme_id = $3, sector = $4, kind = $5, \
             unit_id = $6, organisation_id = $7, start_date = $8, end_date = $9, internal_notes = $10, \
             integrated_matter = $14, demo = FALSE, version = version + 1, updated_at = $11 \
             WHERE id = $12 AND version = $13",
        )
        .bind(&content.title)
        .bind(&content.description)
        .bind(content.programme_id)
        .bind(&content.sector)
        .bind(&content.kind)
        .bind(content.unit_id)
        .bind(content.organisation_id)
        .bind(content.start_date)
        .bind(content.end_date)
        .bind(&content.internal_notes)
        .bind(t)
        .bind(id)
        .bind(expected_version)
        .bind(&content.integrated_matter)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        write_children!(tx, id, content);
        let (act, summary) = match amendment {
            Some(act) => {
                let act_id = insert_act!(tx, zone_id, before.row.annual_plan_id, act, t);
                (
                    Some(act_id),
                    format!(
                        "Variazione della scheda {} ({} n. {} del {})",
                        before.row.code,
                        act.issuer,
                        act.number,
                        zona_core::format::date(act.act_date)
                    ),
                )
            }
            None => (
                None,
                format!("Scheda attività {} «{}»", before.row.code, content.title),
            ),
        };
        let entry = AuditEntry::new(
            if act.is_some() {
                action::AMEND
            } else {
                action::UPDATE
            },
            entity::ACTIVITY,
            Some(id),
        )
        .zone(Some(zone_id))
        .summary(summary)
        .before(&before.content)
        .after(content);
        write_audit!(&mut *tx, actor, entry);
        tx.commit().await?;
        Ok(expected_version + 1)
    })
}

/// Moves a sheet along the workflow. A return needs a comment, kept on the
/// sheet until it is submitted again.
pub async fn apply_event(
    db: &Db,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    event: SheetEvent,
    comment: Option<&str>,
) -> Result<SheetStatus> {
    let sheet = get_sheet(db, id).await?.ok_or(StoreError::NotFound)?;
    let from = sheet.row.status();
    let to = transition(sheet.row.plan_status(), from, event).map_err(StoreError::Refused)?;
    if sheet.row.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if event == SheetEvent::Submit {
        let (blocking, _) = zona_core::planning::missing(&sheet.content);
        if !blocking.is_empty() {
            return Err(StoreError::Refused(format!(
                "Prima di inviare la scheda indicare {}.",
                blocking.join(", ")
            )));
        }
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if event == SheetEvent::Return && comment.is_none() {
        return Err(StoreError::Refused(
            "Scrivere le osservazioni per chi compila la scheda.".into(),
        ));
    }
    // The comment stays visible while the sheet is returned; a new submission clears it.
    let review_comment = match event {
        SheetEvent::Return => comment.map(str::to_string),
        SheetEvent::Submit => None,
        SheetEvent::Accept => None,
    };
    let t = now();
    let code = match event {
        SheetEvent::Submit => action::SUBMIT,
        SheetEvent::Return => action::RETURN,
        SheetEvent::Accept => action::ACCEPT,
    };
    audited!(db, actor, |tx| {
        let done = sqlx::query(
            "UPDATE activity_sheets SET status = $1, review_comment = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(to.code())
        .bind(&review_comment)
        .bind(t)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let entry = AuditEntry::new(code, entity::ACTIVITY, Some(id))
            .zone(Some(sheet.row.zone_id))
            .summary(format!(
                "{}: scheda {} «{}»",
                event.label(),
                sheet.row.code,
                sheet.content.title
            ))
            .before(&serde_json::json!({ "stato": from.label() }))
            .after(&serde_json::json!({ "stato": to.label(), "osservazioni": comment }));
        (to, entry)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PlanInfo {
    pub id: i64,
    pub zone_id: i64,
    pub year: i64,
    pub status: PlanStatus,
    pub health_plan_id: i64,
    pub approved_at: Option<time::OffsetDateTime>,
}

impl PlanInfo {
    pub fn status(&self) -> PlanStatus {
        self.status
    }
}

pub async fn plan_info(db: &Db, annual_plan_id: i64) -> Result<PlanInfo> {
    on_db!(db, |pool| sqlx::query_as::<_, PlanInfo>(
        "SELECT id, zone_id, year, status, health_plan_id, approved_at FROM annual_plans WHERE id = $1"
    )
    .bind(annual_plan_id)
    .fetch_optional(pool)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Approves the plan by recording the act of the mayors' conference. Every
/// sheet must have been accepted; from then on the plan is read-only.
pub async fn approve_plan(
    db: &Db,
    actor: &Actor,
    annual_plan_id: i64,
    act: &ActInput,
) -> Result<()> {
    let plan = plan_info(db, annual_plan_id).await?;
    if plan.status() == PlanStatus::Approved {
        return Err(StoreError::Refused(
            "La programmazione è già approvata.".into(),
        ));
    }
    let statuses: Vec<SheetStatus> = status_of_sheets(db, annual_plan_id).await?;
    can_approve(&statuses).map_err(StoreError::Refused)?;
    let t = now();
    audited!(db, actor, |tx| {
        let act_id = insert_act!(tx, plan.zone_id, annual_plan_id, act, t);
        let done = sqlx::query(
            "UPDATE annual_plans SET status = $1, approved_at = $2, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(PlanStatus::Approved.code())
        .bind(t)
        .bind(annual_plan_id)
        .bind(PlanStatus::Open.code())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let entry = AuditEntry::new(action::APPROVE, entity::ANNUAL_PLAN, Some(annual_plan_id))
            .zone(Some(plan.zone_id))
            .summary(format!(
                "Approvazione della Programmazione Operativa Annuale {} ({} n. {} del {})",
                plan.year,
                act.issuer,
                act.number,
                zona_core::format::date(act.act_date)
            ))
            .before(&serde_json::json!({ "stato": PlanStatus::Open.label() }))
            .after(&serde_json::json!({ "stato": PlanStatus::Approved.label(), "atto": act_id }));
        ((), entry)
    })
}

async fn status_of_sheets(db: &Db, annual_plan_id: i64) -> Result<Vec<SheetStatus>> {
    let codes: Vec<String> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT status FROM activity_sheets WHERE annual_plan_id = $1"
    )
    .bind(annual_plan_id)
    .fetch_all(pool)
    .await)?;
    codes
        .into_iter()
        .map(|c| SheetStatus::try_from(c).map_err(|e| sqlx::Error::Decode(Box::new(e)).into()))
        .collect()
}

/// How many sheets are in each status, in the workflow's order.
pub async fn status_counts(db: &Db, annual_plan_id: i64) -> Result<Vec<(SheetStatus, i64)>> {
    let all = status_of_sheets(db, annual_plan_id).await?;
    Ok(SheetStatus::ALL
        .iter()
        .map(|s| (*s, all.iter().filter(|x| *x == s).count() as i64))
        .collect())
}

pub async fn acts(db: &Db, annual_plan_id: i64) -> Result<Vec<PlanAct>> {
    select_all::<PlanAct>(
        db,
        "SELECT id, kind, issuer, number, act_date, description, created_at FROM plan_acts \
         WHERE annual_plan_id = $1 ORDER BY act_date, id",
        annual_plan_id,
    )
    .await
}

/// Filters of the sheet list.
#[derive(Clone, Debug, Default)]
pub struct SheetQuery {
    pub text: Option<String>,
    pub sector: Option<String>,
    pub unit_id: Option<i64>,
    pub funding_source: Option<String>,
    pub municipality_id: Option<i64>,
    pub status: Option<SheetStatus>,
    pub objective_id: Option<i64>,
    pub programme_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct SheetSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub demo: bool,
    pub objective: String,
    pub programme: String,
    pub sector: Option<String>,
    pub kind: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub organisation_name: Option<String>,
    pub status: SheetStatus,
    pub progress: Option<i64>,
    pub total_cents: i64,
    pub indicator_count: i64,
    pub review_comment: Option<String>,
    pub survey_date: Option<Date>,
    pub monitoring_notes: Option<String>,
    pub objective_id: i64,
    pub programme_id: i64,
}

impl SheetSummary {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
    pub fn total(&self) -> Cents {
        Cents(self.total_cents)
    }
}

fn sheet_filter(annual_plan_id: i64, q: &SheetQuery) -> Filter {
    let mut f = Filter::default();
    f.eq("x.annual_plan_id", Param::Int(annual_plan_id));
    if let Some(t) = &q.text {
        f.search(&["x.code", "x.title", "x.description"], t);
    }
    if let Some(s) = &q.sector {
        f.eq("x.sector", Param::Text(s.clone()));
    }
    if let Some(u) = q.unit_id {
        f.eq("x.unit_id", Param::Int(u));
    }
    if let Some(s) = q.status {
        f.eq("x.status", Param::Text(s.code().to_string()));
    }
    if let Some(o) = q.objective_id {
        f.eq("p.health_objective_id", Param::Int(o));
    }
    if let Some(p) = q.programme_id {
        f.eq("x.programme_id", Param::Int(p));
    }
    if let Some(s) = &q.funding_source {
        let p = f.placeholder(Param::Text(s.clone()));
        f.raw(format!(
            "EXISTS (SELECT 1 FROM funding_lines l WHERE l.activity_id = x.id AND l.source = {p})"
        ));
    }
    if let Some(m) = q.municipality_id {
        let p = f.placeholder(Param::Int(m));
        f.raw(format!(
            "EXISTS (SELECT 1 FROM activity_municipalities c WHERE c.activity_id = x.id AND c.municipality_id = {p})"
        ));
    }
    f
}

/// Sheets of a plan in the tree's order, with their totals, and the count.
pub async fn list_sheets(
    db: &Db,
    annual_plan_id: i64,
    q: &SheetQuery,
    page: Page,
) -> Result<(Vec<SheetSummary>, i64)> {
    let mut f = sheet_filter(annual_plan_id, q);
    // The programme's plan is the sheet's: said in the join, it lets
    // PostgreSQL read the plan's programmes by index rather than hash every
    // programme of the region.
    let sheets = "FROM activity_sheets x JOIN programmes p ON p.id = x.programme_id \
        AND p.annual_plan_id = x.annual_plan_id";
    let from = format!(
        "{sheets} JOIN health_objectives o ON o.id = p.health_objective_id \
         LEFT JOIN units u ON u.id = x.unit_id LEFT JOIN organisations g ON g.id = x.organisation_id"
    );
    // The filters name only sheets and programmes, and every programme has
    // its objective: the count reads no other table.
    let count_sql = format!("SELECT count(*) {sheets}{}", f.sql());
    let count_params = f.params.clone();
    let where_sql = f.sql();
    let limit = f.limit(&page);
    // The totals come from the sheets' funding lines joined and grouped:
    // summed in a subquery sheet by sheet, PostgreSQL scans the whole
    // funding-line table once per sheet when it is small.
    let list_sql = format!(
        "SELECT x.id, x.code, x.title, x.demo, o.title AS objective, p.title AS programme, x.sector, \
         x.kind, x.start_date, x.end_date, x.unit_id, u.name AS unit_name, g.name AS organisation_name, x.status, x.progress, x.review_comment, x.survey_date, x.monitoring_notes, o.id AS objective_id, x.programme_id, \
         (SELECT count(*) FROM indicators i WHERE i.activity_id = x.id) AS indicator_count, \
         CAST(coalesce(sum(l.amount_cents), 0) AS BIGINT) AS total_cents \
         {from} LEFT JOIN funding_lines l ON l.activity_id = x.id{where_sql} \
         GROUP BY x.id, o.id, p.id, u.id, g.id ORDER BY o.position, p.position, x.code{limit}"
    );
    on_db!(db, |pool| {
        let total: i64 = bind_params!(sqlx::query_scalar(&count_sql), count_params)
            .fetch_one(pool)
            .await?;
        let rows = bind_params!(sqlx::query_as::<_, SheetSummary>(&list_sql), f.params)
            .fetch_all(pool)
            .await?;
        Ok((rows, total))
    })
}

#[derive(sqlx::FromRow)]
struct BudgetRow {
    activity_id: i64,
    objective: String,
    programme: String,
    sector: Option<String>,
    organisation: Option<String>,
    matter: Option<String>,
    source: String,
    amount_cents: i64,
}

/// Every funding line of a plan with the place of its sheet, in the tree's
/// order. Sector and source codes are turned into their labels.
pub async fn budget_lines(
    db: &Db,
    annual_plan_id: i64,
    labels: &Vocabularies,
) -> Result<Vec<BudgetLine>> {
    // The programme's plan is the sheet's, as in `list_sheets`: said in the
    // join, it lets PostgreSQL read the plan's programmes by index instead of
    // hashing every programme of the region. The plan's zone is read once,
    // not once for each line.
    let rows: Vec<BudgetRow> = on_db!(db, |pool| {
        sqlx::query_as::<_, BudgetRow>(
            "SELECT x.id AS activity_id, o.title AS objective, p.title AS programme, x.sector, \
         g.name AS organisation, gm.label AS matter, l.source, l.amount_cents \
         FROM funding_lines l JOIN activity_sheets x ON x.id = l.activity_id \
         JOIN programmes p ON p.id = x.programme_id AND p.annual_plan_id = x.annual_plan_id \
         JOIN health_objectives o ON o.id = p.health_objective_id \
         LEFT JOIN organisations g ON g.id = x.organisation_id \
         LEFT JOIN (SELECT a.zone_id, m.code, max(m.label) AS label FROM governance_matters m \
           JOIN governance_agreements a ON a.id = m.agreement_id GROUP BY a.zone_id, m.code) gm \
           ON gm.zone_id = (SELECT zone_id FROM annual_plans WHERE id = $1) AND gm.code = x.integrated_matter \
         WHERE x.annual_plan_id = $1 ORDER BY o.position, p.position, x.code, l.position",
        )
        .bind(annual_plan_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| BudgetLine {
            activity_id: r.activity_id,
            objective: r.objective,
            programme: r.programme,
            sector: r
                .sector
                .map(|s| labels.label(Vocabulary::Sector, &s).to_string())
                .unwrap_or_else(|| "Settore non indicato".into()),
            organisation: r.organisation.unwrap_or_else(|| "Ente non indicato".into()),
            matter: r
                .matter
                .unwrap_or_else(|| zona_core::planning::NO_MATTER.into()),
            municipality: String::new(),
            source: labels
                .label(Vocabulary::FundingSource, &r.source)
                .to_string(),
            amount: Cents(r.amount_cents),
        })
        .collect())
}

/// The municipalities each sheet of a plan serves, by sheet (a sheet that
/// names none is absent).
pub async fn served_municipalities(
    db: &Db,
    annual_plan_id: i64,
) -> Result<std::collections::BTreeMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            // The plan's sheets first (`MATERIALIZED`): joined the other way
            // round, PostgreSQL may walk every sheet of every zone.
            "WITH x AS MATERIALIZED (SELECT id FROM activity_sheets WHERE annual_plan_id = $1) \
             SELECT m.activity_id, m.municipality_id FROM x \
             JOIN activity_municipalities m ON m.activity_id = x.id \
             ORDER BY m.activity_id, m.municipality_id",
        )
        .bind(annual_plan_id)
        .fetch_all(pool)
        .await
    })?;
    let mut served = std::collections::BTreeMap::<i64, Vec<i64>>::new();
    for (sheet, m) in rows {
        served.entry(sheet).or_default().push(m);
    }
    Ok(served)
}

/// The sum of every funding line of a plan, computed by the database: the
/// check that the budget views add up.
pub async fn plan_total(db: &Db, annual_plan_id: i64) -> Result<Cents> {
    let total: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT CAST(sum(l.amount_cents) AS BIGINT) FROM funding_lines l JOIN activity_sheets x ON x.id = l.activity_id \
         WHERE x.annual_plan_id = $1"
    )
    .bind(annual_plan_id)
    .fetch_one(pool)
    .await
    })?;
    Ok(Cents(total.unwrap_or(0)))
}

type ProgrammeLineageRow = (i64, Option<i64>, String);

#[derive(sqlx::FromRow)]
struct LineageRow {
    id: i64,
    previous_id: Option<i64>,
    code: String,
    title: String,
    programme_id: i64,
    programme: String,
    total_cents: i64,
}

/// A plan's sheets and programmes with their lineage, for [`plan_diff`](zona_core::planning::plan_diff).
pub async fn lineage(
    db: &Db,
    annual_plan_id: i64,
) -> Result<(Vec<LineageSheet>, Vec<LineageProgramme>)> {
    let (rows, programmes): (Vec<LineageRow>, Vec<ProgrammeLineageRow>) = on_db!(db, |pool| {
        let rows = sqlx::query_as::<_, LineageRow>(
            "SELECT x.id, x.previous_id, x.code, x.title, x.programme_id, p.title AS programme, \
             CAST(coalesce((SELECT sum(l.amount_cents) FROM funding_lines l WHERE l.activity_id = x.id), 0) AS BIGINT) AS total_cents \
             FROM activity_sheets x JOIN programmes p ON p.id = x.programme_id \
             AND p.annual_plan_id = x.annual_plan_id \
             JOIN health_objectives o ON o.id = p.health_objective_id \
             WHERE x.annual_plan_id = $1 ORDER BY o.position, p.position, x.code",
        )
        .bind(annual_plan_id)
        .fetch_all(pool)
        .await?;
        let programmes = sqlx::query_as(
            "SELECT p.id, p.previous_id, p.title FROM programmes p \
             JOIN health_objectives o ON o.id = p.health_objective_id \
             WHERE p.annual_plan_id = $1 ORDER BY o.position, p.position",
        )
        .bind(annual_plan_id)
        .fetch_all(pool)
        .await?;
        Ok::<_, StoreError>((rows, programmes))
    })?;
    Ok((
        rows.into_iter()
            .map(|r| LineageSheet {
                id: r.id,
                previous_id: r.previous_id,
                code: r.code,
                title: r.title,
                programme_id: r.programme_id,
                programme: r.programme,
                total: Cents(r.total_cents),
            })
            .collect(),
        programmes
            .into_iter()
            .map(|(id, previous_id, title)| LineageProgramme {
                id,
                previous_id,
                title,
            })
            .collect(),
    ))
}

/// Opens the plan of `to_year` from an existing plan: every programme is
/// copied (with its lineage), and the sheets listed in `continuing` are
/// copied with their content and links, back to "to fill", with funding
/// lines moved to the new year and indicator actuals cleared. All or nothing.
pub async fn roll_over(
    db: &Db,
    actor: &Actor,
    from_plan: i64,
    to_year: i64,
    continuing: &[i64],
) -> Result<i64> {
    let from = plan_info(db, from_plan).await?;
    let mut copies = Vec::new();
    for id in continuing {
        let s = get_sheet(db, *id).await?.ok_or(StoreError::NotFound)?;
        if s.row.annual_plan_id != from_plan {
            return Err(StoreError::Refused(format!(
                "La scheda {} non appartiene al POA {}.",
                s.row.code, from.year
            )));
        }
        copies.push(s);
    }
    let programmes = crate::planning::programmes(db, from_plan).await?;
    let positions: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, position FROM programmes WHERE annual_plan_id = $1"
    )
    .bind(from_plan)
    .fetch_all(pool)
    .await)?;
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let plan: i64 = sqlx::query_scalar(
            "INSERT INTO annual_plans (zone_id, year, health_plan_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(from.zone_id)
        .bind(to_year)
        .bind(from.health_plan_id)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("annual_plans_year_uq", "year")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::ANNUAL_PLAN, Some(plan))
            .zone(Some(from.zone_id))
            .summary(format!(
                "Programmazione Operativa Annuale {to_year}, dal POA {}: {} schede proseguono",
                from.year,
                copies.len()
            ))
            .after(&serde_json::json!({ "year": to_year, "from_year": from.year, "continuing": continuing }));
        write_audit!(&mut *tx, actor, entry);
        let mut new_programme = std::collections::HashMap::new();
        for p in &programmes {
            let position = positions
                .iter()
                .find(|(id, _)| *id == p.id)
                .map_or(0, |(_, pos)| *pos);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO programmes (annual_plan_id, health_objective_id, position, title, previous_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(plan)
            .bind(p.objective_id)
            .bind(position)
            .bind(&p.title)
            .bind(p.id)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            new_programme.insert(p.id, (id, position));
        }
        let mut counters: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        copies.sort_by(|a, b| a.row.code.cmp(&b.row.code));
        for old in &copies {
            let (programme_id, position) = new_programme[&old.content.programme_id];
            let n = counters.entry(programme_id).or_insert(0);
            *n += 1;
            let mut content = old.content.clone();
            content.programme_id = programme_id;
            for f in &mut content.funding {
                f.year = to_year;
            }
            for i in &mut content.indicators {
                i.actual = None;
            }
            let new = NewSheet {
                code: format!("{to_year}-{position:02}-{n:03}"),
                demo: old.row.demo,
                status: SheetStatus::ToFill,
                previous_id: Some(old.row.id),
                content,
            };
            let id = insert_sheet!(tx, plan, &new, t);
            write_children!(tx, id, &new.content);
            let entry = AuditEntry::new(action::CREATE, entity::ACTIVITY, Some(id))
                .zone(Some(from.zone_id))
                .summary(format!(
                    "Scheda attività {} «{}», prosegue la {} del POA {}",
                    new.code, new.content.title, old.row.code, from.year
                ))
                .after(&new);
            write_audit!(&mut *tx, actor, entry);
        }
        tx.commit().await?;
        Ok(plan)
    })
}

/// The monitoring of a sheet as stored.
fn monitoring_of(s: &Sheet) -> Monitoring {
    Monitoring {
        progress: s.row.progress,
        survey_date: s.row.survey_date,
        notes: s.row.monitoring_notes.clone(),
        actuals: s.content.indicators.iter().map(|i| i.actual).collect(),
    }
}

/// Records the state of implementation of sheets (progress, survey date,
/// notes, indicator actuals), all in one transaction. Monitoring runs during
/// the year, approved plan or not; it never touches the planned content.
/// With an expected version, a sheet changed in between is a conflict; the
/// bulk import passes none, and the audit log keeps what it replaced.
pub async fn save_monitoring(
    db: &Db,
    actor: &Actor,
    items: &[(i64, Option<i64>, Monitoring)],
) -> Result<()> {
    let mut befores = Vec::with_capacity(items.len());
    for (id, expected, m) in items {
        let s = get_sheet(db, *id).await?.ok_or(StoreError::NotFound)?;
        if expected.is_some_and(|v| v != s.row.version) {
            return Err(StoreError::Conflict);
        }
        if m.actuals.len() > s.content.indicators.len() {
            return Err(StoreError::Refused(format!(
                "La scheda {} ha {} indicatori.",
                s.row.code,
                s.content.indicators.len()
            )));
        }
        befores.push(s);
    }
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for ((id, _, m), before) in items.iter().zip(&befores) {
            let done = sqlx::query(
                "UPDATE activity_sheets SET progress = $1, survey_date = $2, monitoring_notes = $3, \
                 version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
            )
            .bind(m.progress)
            .bind(m.survey_date)
            .bind(&m.notes)
            .bind(t)
            .bind(id)
            .bind(before.row.version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict);
            }
            for (i, actual) in m.actuals.iter().enumerate() {
                sqlx::query(
                    "UPDATE indicators SET actual = $1 WHERE activity_id = $2 AND position = $3",
                )
                .bind(actual.map(|d| d.to_string()))
                .bind(id)
                .bind(i as i64 + 1)
                .execute(&mut *tx)
                .await?;
            }
            let entry = AuditEntry::new(action::UPDATE, entity::ACTIVITY, Some(*id))
                .zone(Some(before.row.zone_id))
                .summary(format!(
                    "Monitoraggio della scheda {} «{}»",
                    before.row.code, before.content.title
                ))
                .before(&monitoring_of(before))
                .after(m);
            write_audit!(&mut *tx, actor, entry);
        }
        tx.commit().await?;
        Ok(())
    })
}

#[derive(sqlx::FromRow)]
struct PlanIndicatorRow {
    activity_id: i64,
    name: String,
    unit: String,
    baseline: Option<String>,
    target: Option<String>,
    actual: Option<String>,
}

/// Every indicator of a plan, by sheet, in the sheets' order.
pub async fn plan_indicators(db: &Db, annual_plan_id: i64) -> Result<Vec<(i64, Indicator)>> {
    let rows: Vec<PlanIndicatorRow> = on_db!(db, |pool| {
        sqlx::query_as::<_, PlanIndicatorRow>(
        // The plan's sheets first, as in `served_municipalities`.
        "WITH x AS MATERIALIZED (SELECT id, code FROM activity_sheets WHERE annual_plan_id = $1) \
         SELECT i.activity_id, i.name, i.unit, i.baseline, i.target, i.actual FROM x \
         JOIN indicators i ON i.activity_id = x.id ORDER BY x.code, i.position"
    )
    .bind(annual_plan_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.activity_id,
                Indicator {
                    name: r.name,
                    unit: r.unit,
                    baseline: dec(r.baseline),
                    target: dec(r.target),
                    actual: dec(r.actual),
                },
            )
        })
        .collect())
}

/// A zone's sum for a term, with the period of a sheet that crosses the
/// year (none otherwise).
type TermSum = (i64, Option<String>, i64, Option<Date>, Option<Date>);

#[derive(sqlx::FromRow)]
struct RegionRow {
    zone_id: i64,
    activity_id: i64,
    sector: Option<String>,
    source: String,
    amount_cents: i64,
    start_date: Option<Date>,
    end_date: Option<Date>,
}

/// What the region's comparison reads of the plans of `year` of the zones
/// of region `region_id`, by `axis`: two queries at most, whatever the
/// number of zones and sheets. By target area, every funding line with its
/// sheet's zone, areas and period (a line's amount is split among its
/// sheet's areas, cent by cent, line by line). By sector or funding source,
/// the lines' sums by zone and term, summed in the database: a sheet whose
/// period lies within the year counts its whole amount, so summing first
/// changes nothing; a sheet whose period crosses the year keeps each of its
/// lines apart, with its period, to be shared out by day as the budget does.
pub async fn region_lines(
    db: &Db,
    region_id: i64,
    year: i64,
    axis: zona_core::region::Axis,
) -> Result<Vec<zona_core::region::Line>> {
    use zona_core::region::Axis;
    let first = Date::from_ordinal_date(i32::try_from(year).unwrap_or(1900), 1)
        .map_err(|e| StoreError::Refused(format!("anno non valido: {e}")))?;
    let last = Date::from_calendar_date(first.year(), time::Month::December, 31)
        .map_err(|e| StoreError::Refused(format!("anno non valido: {e}")))?;
    let term = match axis {
        Axis::Sector => "x.sector",
        Axis::FundingSource => "l.source",
        Axis::TargetArea => "",
    };
    if !term.is_empty() {
        let crosses = "(x.start_date < $3 OR x.end_date > $4)";
        let sql = format!(
            "SELECT ap.zone_id, {term} AS term, CAST(SUM(l.amount_cents) AS BIGINT) AS amount_cents, \
             MAX(CASE WHEN {crosses} THEN x.start_date END) AS start_date, \
             MAX(CASE WHEN {crosses} THEN x.end_date END) AS end_date FROM funding_lines l \
             JOIN activity_sheets x ON x.id = l.activity_id \
             JOIN annual_plans ap ON ap.id = x.annual_plan_id JOIN zones z ON z.id = ap.zone_id \
             WHERE z.region_id = $1 AND ap.year = $2 \
             GROUP BY ap.zone_id, {term}, CASE WHEN {crosses} THEN l.id ELSE 0 END \
             ORDER BY ap.zone_id"
        );
        let rows: Vec<TermSum> = on_db!(db, |pool| sqlx::query_as(&sql)
            .bind(region_id)
            .bind(year)
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await?);
        return Ok(rows
            .into_iter()
            .map(
                |(zone_id, term, amount, start, end)| zona_core::region::Line {
                    zone_id,
                    sector: term.clone().filter(|_| axis == Axis::Sector),
                    areas: Vec::new(),
                    source: term
                        .filter(|_| axis == Axis::FundingSource)
                        .unwrap_or_default(),
                    amount: Cents(amount),
                    start,
                    end,
                },
            )
            .collect());
    }
    let lines_sql = "SELECT ap.zone_id, x.id AS activity_id, x.sector, l.source, l.amount_cents, \
                     x.start_date, x.end_date FROM funding_lines l \
                     JOIN activity_sheets x ON x.id = l.activity_id \
                     JOIN annual_plans ap ON ap.id = x.annual_plan_id JOIN zones z ON z.id = ap.zone_id \
                     WHERE z.region_id = $1 AND ap.year = $2 ORDER BY ap.zone_id, x.id, l.position";
    let areas_sql = "SELECT t.activity_id, t.area FROM activity_target_areas t \
                     JOIN activity_sheets x ON x.id = t.activity_id \
                     JOIN annual_plans ap ON ap.id = x.annual_plan_id JOIN zones z ON z.id = ap.zone_id \
                     WHERE z.region_id = $1 AND ap.year = $2 ORDER BY t.activity_id, t.area";
    let (rows, areas): (Vec<RegionRow>, Vec<(i64, String)>) = on_db!(db, |pool| {
        let rows = sqlx::query_as::<_, RegionRow>(lines_sql)
            .bind(region_id)
            .bind(year)
            .fetch_all(pool)
            .await?;
        let areas = sqlx::query_as::<_, (i64, String)>(areas_sql)
            .bind(region_id)
            .bind(year)
            .fetch_all(pool)
            .await?;
        (rows, areas)
    });
    let mut by_sheet: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for (sheet, area) in areas {
        by_sheet.entry(sheet).or_default().push(area);
    }
    Ok(rows
        .into_iter()
        .map(|r| zona_core::region::Line {
            zone_id: r.zone_id,
            sector: r.sector,
            areas: by_sheet.get(&r.activity_id).cloned().unwrap_or_default(),
            source: r.source,
            amount: Cents(r.amount_cents),
            start: r.start_date,
            end: r.end_date,
        })
        .collect())
}
