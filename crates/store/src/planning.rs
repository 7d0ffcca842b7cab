//! The planning tree: PIS (health plan) and its health objectives; POA
//! (annual plan) → programmes → activity sheets.

use crate::audit::audited;
use crate::audit::{action, entity, Actor, AuditEntry};
use crate::db::{select_all, select_optional_by, Param};
use crate::{now, on_db, Db, Result, StoreError};
use serde::Serialize;
use zona_core::planning::HealthPlanStatus;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct HealthPlan {
    pub id: i64,
    pub zone_id: i64,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
}

pub async fn create_health_plan(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    title: &str,
    period_start: i64,
    period_end: i64,
    status: HealthPlanStatus,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO health_plans (zone_id, title, period_start, period_end, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(zone_id)
        .bind(title)
        .bind(period_start)
        .bind(period_end)
        .bind(status.code())
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("health_plans_period_start_uq", "period_start")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_PLAN, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Piano Integrato di Salute «{title}»"))
            .after(&serde_json::json!({ "title": title, "period_start": period_start, "period_end": period_end, "status": status.code() }));
        (id, entry)
    })
}

pub async fn add_health_objective(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    health_plan_id: i64,
    position: i64,
    title: &str,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO health_objectives (health_plan_id, position, title, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(health_plan_id)
        .bind(position)
        .bind(title)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("health_objectives_title_uq", "title")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_OBJECTIVE, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Obiettivo di salute «{title}»"))
            .after(&serde_json::json!({ "health_plan_id": health_plan_id, "position": position, "title": title }));
        (id, entry)
    })
}

pub async fn create_annual_plan(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    year: i64,
    health_plan_id: i64,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO annual_plans (zone_id, year, health_plan_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(zone_id)
        .bind(year)
        .bind(health_plan_id)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("annual_plans_year_uq", "year")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::ANNUAL_PLAN, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Programmazione Operativa Annuale {year}"))
            .after(&serde_json::json!({ "year": year, "health_plan_id": health_plan_id }));
        (id, entry)
    })
}

/// A programme of an annual plan, under one health objective.
#[derive(Clone, Debug, Serialize)]
pub struct NewProgramme {
    pub health_objective_id: i64,
    pub position: i64,
    pub title: String,
    /// The same programme in the previous year's plan, possibly renamed.
    pub previous_id: Option<i64>,
}

pub async fn add_programme(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    annual_plan_id: i64,
    p: &NewProgramme,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO programmes (annual_plan_id, health_objective_id, position, title, previous_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(annual_plan_id)
        .bind(p.health_objective_id)
        .bind(p.position)
        .bind(&p.title)
        .bind(p.previous_id)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("programmes_title_uq", "title")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::PROGRAMME, Some(id))
            .zone(Some(zone_id))
            .summary(format!("Programma «{}»", p.title))
            .after(p);
        (id, entry)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AnnualPlanSummary {
    pub id: i64,
    pub year: i64,
    pub status: zona_core::planning::PlanStatus,
    pub health_plan_title: String,
    pub objectives: i64,
    pub programmes: i64,
    pub activities: i64,
}

impl AnnualPlanSummary {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

const PLAN_SUMMARY: &str = "SELECT a.id, a.year, a.status, h.title AS health_plan_title, \
     (SELECT count(DISTINCT p.health_objective_id) FROM programmes p WHERE p.annual_plan_id = a.id) AS objectives, \
     (SELECT count(*) FROM programmes p WHERE p.annual_plan_id = a.id) AS programmes, \
     (SELECT count(*) FROM activity_sheets x WHERE x.annual_plan_id = a.id) AS activities \
     FROM annual_plans a JOIN health_plans h ON h.id = a.health_plan_id";

/// A zone's annual plans with their counts, the latest first.
pub async fn annual_plans(db: &Db, zone_id: i64) -> Result<Vec<AnnualPlanSummary>> {
    let sql = format!("{PLAN_SUMMARY} WHERE a.zone_id = $1 ORDER BY a.year DESC");
    select_all::<AnnualPlanSummary>(db, &sql, zone_id).await
}

/// A zone's annual plan of one year with its counts: a plan's pages read
/// this one row rather than every plan of the zone.
pub async fn annual_plan(db: &Db, zone_id: i64, year: i64) -> Result<Option<AnnualPlanSummary>> {
    let sql = format!("{PLAN_SUMMARY} WHERE a.zone_id = $1 AND a.year = $2");
    select_optional_by(db, &sql, [Param::Int(zone_id), Param::Int(year)]).await
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
struct TreeRow {
    objective_id: i64,
    objective: String,
    programme_id: i64,
    programme: String,
    activity_id: Option<i64>,
    code: Option<String>,
    title: Option<String>,
    demo: Option<bool>,
    status: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActivityNode {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub demo: bool,
    pub status: zona_core::planning::SheetStatus,
}

impl ActivityNode {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeNode {
    pub id: i64,
    pub title: String,
    pub activities: Vec<ActivityNode>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveNode {
    pub id: i64,
    pub title: String,
    pub programmes: Vec<ProgrammeNode>,
}

impl ObjectiveNode {
    pub fn activity_count(&self) -> usize {
        self.programmes.iter().map(|p| p.activities.len()).sum()
    }
}

/// The tree of an annual plan: health objectives → programmes → activities,
/// in their positions.
pub async fn tree(db: &Db, annual_plan_id: i64) -> Result<Vec<ObjectiveNode>> {
    let rows: Vec<TreeRow> = on_db!(db, |pool| {
        sqlx::query_as::<_, TreeRow>(
        "SELECT o.id AS objective_id, o.title AS objective, p.id AS programme_id, p.title AS programme, \
         x.id AS activity_id, x.code, x.title, x.demo, x.status \
         FROM programmes p JOIN health_objectives o ON o.id = p.health_objective_id \
         LEFT JOIN activity_sheets x ON x.programme_id = p.id \
         WHERE p.annual_plan_id = $1 ORDER BY o.position, p.position, x.code"
    )
    .bind(annual_plan_id)
    .fetch_all(pool)
    .await
    })?;
    let mut out: Vec<ObjectiveNode> = Vec::new();
    for r in rows {
        if out.last().map(|o| o.id) != Some(r.objective_id) {
            out.push(ObjectiveNode {
                id: r.objective_id,
                title: r.objective.clone(),
                programmes: Vec::new(),
            });
        }
        let o = out.last_mut().expect("pushed above");
        if o.programmes.last().map(|p| p.id) != Some(r.programme_id) {
            o.programmes.push(ProgrammeNode {
                id: r.programme_id,
                title: r.programme.clone(),
                activities: Vec::new(),
            });
        }
        let p = o.programmes.last_mut().expect("pushed above");
        if let (Some(id), Some(code), Some(title)) = (r.activity_id, r.code, r.title) {
            let status = zona_core::planning::SheetStatus::try_from(r.status.unwrap_or_default())
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            p.activities.push(ActivityNode {
                id,
                code,
                title,
                demo: r.demo.unwrap_or(false),
                status,
            });
        }
    }
    Ok(out)
}

/// The annual plan of a zone and year.
pub async fn annual_plan_id(db: &Db, zone_id: i64, year: i64) -> Result<Option<i64>> {
    on_db!(db, |pool| Ok(sqlx::query_scalar(
        "SELECT id FROM annual_plans WHERE zone_id = $1 AND year = $2"
    )
    .bind(zone_id)
    .bind(year)
    .fetch_optional(pool)
    .await?))
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProgrammeRef {
    pub id: i64,
    pub title: String,
    pub objective_id: i64,
    pub objective: String,
}

/// The programmes of an annual plan with their health objective, in the tree's order.
pub async fn programmes(db: &Db, annual_plan_id: i64) -> Result<Vec<ProgrammeRef>> {
    select_all::<ProgrammeRef>(
        db,
        "SELECT p.id, p.title, o.id AS objective_id, o.title AS objective FROM programmes p \
         JOIN health_objectives o ON o.id = p.health_objective_id \
         WHERE p.annual_plan_id = $1 ORDER BY o.position, p.position",
        annual_plan_id,
    )
    .await
}

/// The annual plans of the zones of region `region_id`: (zone, year,
/// status), by zone and year.
pub async fn region_plans(
    db: &Db,
    region_id: i64,
) -> Result<Vec<(i64, i64, zona_core::planning::PlanStatus)>> {
    let rows: Vec<(i64, i64, String)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT ap.zone_id, ap.year, ap.status FROM annual_plans ap \
             JOIN zones z ON z.id = ap.zone_id WHERE z.region_id = $1 ORDER BY ap.zone_id, ap.year",
        )
        .bind(region_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(z, y, s)| zona_core::planning::PlanStatus::from_code(&s).map(|s| (z, y, s)))
        .collect())
}
