//! The regional frame (PSSIR and its general objectives) and the sections of
//! the integrated health plan (PIS): knowledge section, strategic lines,
//! links of the health objectives, acts and timeline.

use crate::audit::audited;
use crate::audit::{action, entity, Actor, AuditEntry};
use crate::db::{select_all, select_optional};
use crate::sheets::{ActInput, PlanAct};
use crate::{now, on_db, Db, Result, StoreError};
use serde::Serialize;
use time::Date;
use zona_core::planning::HealthPlanStatus;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct RegionalPlan {
    pub id: i64,
    pub region_id: i64,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct RegionalObjective {
    pub id: i64,
    pub regional_plan_id: i64,
    pub position: i64,
    pub title: String,
}

/// A regional plan with its general objectives, in one transaction.
pub async fn create_regional_plan(
    db: &Db,
    actor: &Actor,
    region_id: i64,
    title: &str,
    period: (i64, i64),
    objectives: &[&str],
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO regional_plans (region_id, title, period_start, period_end, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(region_id)
        .bind(title)
        .bind(period.0)
        .bind(period.1)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::from_unique(e, &[("regional_plans_period_start_uq", "period_start")])
        })?;
        for (i, o) in objectives.iter().enumerate() {
            sqlx::query(
                "INSERT INTO regional_objectives (regional_plan_id, position, title, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(*o)
            .bind(t)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_unique(e, &[("regional_objectives_title_uq", "title")]))?;
        }
        let entry = AuditEntry::new(action::CREATE, entity::REGIONAL_PLAN, Some(id))
            .summary(format!("Piano regionale «{title}»"))
            .after(&serde_json::json!({ "title": title, "period": [period.0, period.1], "objectives": objectives }));
        (id, entry)
    })
}

pub async fn add_regional_objective(
    db: &Db,
    actor: &Actor,
    regional_plan_id: i64,
    title: &str,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO regional_objectives (regional_plan_id, position, title, created_at) \
             VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM regional_objectives WHERE regional_plan_id = $1), $2, $3) \
             RETURNING id",
        )
        .bind(regional_plan_id)
        .bind(title)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("regional_objectives_title_uq", "title")]))?;
        let entry = AuditEntry::new(
            action::CREATE,
            entity::REGIONAL_PLAN,
            Some(regional_plan_id),
        )
        .summary(format!("Obiettivo regionale «{title}»"))
        .after(&serde_json::json!({ "title": title }));
        (id, entry)
    })
}

/// The regional plans of a region, newest first, with their objectives.
pub async fn regional_plans(
    db: &Db,
    region_id: i64,
) -> Result<Vec<(RegionalPlan, Vec<RegionalObjective>)>> {
    let (plans, objectives): (Vec<RegionalPlan>, Vec<RegionalObjective>) = on_db!(db, |pool| {
        let plans = sqlx::query_as::<_, RegionalPlan>(
            "SELECT id, region_id, title, period_start, period_end FROM regional_plans WHERE region_id = $1 \
             ORDER BY period_start DESC",
        )
        .bind(region_id)
        .fetch_all(pool)
        .await?;
        let objectives = sqlx::query_as::<_, RegionalObjective>(
            "SELECT o.id, o.regional_plan_id, o.position, o.title FROM regional_objectives o \
             JOIN regional_plans p ON p.id = o.regional_plan_id WHERE p.region_id = $1 ORDER BY o.position",
        )
        .bind(region_id)
        .fetch_all(pool)
        .await?;
        Ok::<_, StoreError>((plans, objectives))
    })?;
    Ok(plans
        .into_iter()
        .map(|p| {
            let mine = objectives
                .iter()
                .filter(|o| o.regional_plan_id == p.id)
                .cloned()
                .collect();
            (p, mine)
        })
        .collect())
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct HealthPlanDetail {
    pub id: i64,
    pub zone_id: i64,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
    pub status: HealthPlanStatus,
    pub regional_plan_id: Option<i64>,
    pub health_profile: Option<String>,
    pub services_profile: Option<String>,
    pub documents: Option<String>,
    pub version: i64,
}

const PLAN_SELECT: &str =
    "SELECT id, zone_id, title, period_start, period_end, status, regional_plan_id, \
    health_profile, services_profile, documents, version FROM health_plans";

pub async fn health_plans(db: &Db, zone_id: i64) -> Result<Vec<HealthPlanDetail>> {
    let sql = format!("{PLAN_SELECT} WHERE zone_id = $1 ORDER BY period_start DESC");
    select_all::<HealthPlanDetail>(db, &sql, zone_id).await
}

pub async fn get_health_plan(db: &Db, id: i64) -> Result<Option<HealthPlanDetail>> {
    let sql = format!("{PLAN_SELECT} WHERE id = $1");
    select_optional::<HealthPlanDetail>(db, &sql, id).await
}

/// The knowledge section and the plan's frame, as the planning office edits them.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KnowledgeInput {
    pub status: HealthPlanStatus,
    pub regional_plan_id: Option<i64>,
    pub health_profile: Option<String>,
    pub services_profile: Option<String>,
    pub documents: Option<String>,
}

pub async fn update_knowledge(
    db: &Db,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    input: &KnowledgeInput,
) -> Result<()> {
    let before = get_health_plan(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let done = sqlx::query(
            "UPDATE health_plans SET status = $1, regional_plan_id = $2, health_profile = $3, services_profile = $4, \
             documents = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(input.status.code())
        .bind(input.regional_plan_id)
        .bind(&input.health_profile)
        .bind(&input.services_profile)
        .bind(&input.documents)
        .bind(t)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let entry = AuditEntry::new(action::UPDATE, entity::HEALTH_PLAN, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!(
                "Sezione conoscitiva e quadro del «{}»",
                before.title
            ))
            .before(&KnowledgeInput {
                status: before.status,
                regional_plan_id: before.regional_plan_id,
                health_profile: before.health_profile.clone(),
                services_profile: before.services_profile.clone(),
                documents: before.documents.clone(),
            })
            .after(input);
        ((), entry)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct StrategicLine {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub description: Option<String>,
}

pub async fn add_strategic_line(
    db: &Db,
    actor: &Actor,
    health_plan_id: i64,
    title: &str,
    description: Option<&str>,
) -> Result<i64> {
    let plan = get_health_plan(db, health_plan_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO strategic_lines (health_plan_id, position, title, description, created_at) \
             VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM strategic_lines WHERE health_plan_id = $1), $2, $3, $4) \
             RETURNING id",
        )
        .bind(health_plan_id)
        .bind(title)
        .bind(description)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("strategic_lines_title_uq", "title")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_PLAN, Some(health_plan_id))
            .zone(Some(plan.zone_id))
            .summary(format!("Linea strategica «{title}» del «{}»", plan.title))
            .after(&serde_json::json!({ "title": title, "description": description }));
        (id, entry)
    })
}

pub async fn strategic_lines(db: &Db, health_plan_id: i64) -> Result<Vec<StrategicLine>> {
    select_all::<StrategicLine>(db, "SELECT id, position, title, description FROM strategic_lines WHERE health_plan_id = $1 ORDER BY position", health_plan_id).await
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ObjectiveRef {
    pub id: i64,
    pub position: i64,
    pub title: String,
}

pub async fn health_objectives(db: &Db, health_plan_id: i64) -> Result<Vec<ObjectiveRef>> {
    select_all::<ObjectiveRef>(db, "SELECT id, position, title FROM health_objectives WHERE health_plan_id = $1 ORDER BY position", health_plan_id).await
}

/// (health objective, regional objective, strategic line) of a plan's links.
pub async fn objective_links(
    db: &Db,
    health_plan_id: i64,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as(
        "SELECT l.health_objective_id, l.regional_objective_id, l.strategic_line_id FROM health_objective_links l \
         JOIN health_objectives o ON o.id = l.health_objective_id WHERE o.health_plan_id = $1"
    )
    .bind(health_plan_id)
    .fetch_all(pool)
    .await?)
    })
}

/// Replaces the regional objectives and strategic lines a health objective is linked to.
pub async fn set_objective_links(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    objective_id: i64,
    regional: &[i64],
    lines: &[i64],
) -> Result<()> {
    let before: Vec<(i64, Option<i64>, Option<i64>)> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT health_objective_id, regional_objective_id, strategic_line_id FROM health_objective_links WHERE health_objective_id = $1"
    )
    .bind(objective_id)
    .fetch_all(pool)
    .await
    })?;
    audited!(db, actor, |tx| {
        sqlx::query("DELETE FROM health_objective_links WHERE health_objective_id = $1")
            .bind(objective_id)
            .execute(&mut *tx)
            .await?;
        for r in regional {
            sqlx::query("INSERT INTO health_objective_links (health_objective_id, regional_objective_id) VALUES ($1, $2)")
                .bind(objective_id)
                .bind(r)
                .execute(&mut *tx)
                .await?;
        }
        for l in lines {
            sqlx::query("INSERT INTO health_objective_links (health_objective_id, strategic_line_id) VALUES ($1, $2)")
                .bind(objective_id)
                .bind(l)
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditEntry::new(action::UPDATE, entity::HEALTH_OBJECTIVE, Some(objective_id))
            .zone(Some(zone_id))
            .summary("Collegamenti dell'obiettivo di salute agli obiettivi regionali e alle linee strategiche")
            .before(&serde_json::json!({
                "regional": before.iter().filter_map(|b| b.1).collect::<Vec<_>>(),
                "lines": before.iter().filter_map(|b| b.2).collect::<Vec<_>>(),
            }))
            .after(&serde_json::json!({ "regional": regional, "lines": lines }));
        ((), entry)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Milestone {
    pub id: i64,
    pub label: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub public: bool,
}

pub async fn add_milestone(
    db: &Db,
    actor: &Actor,
    health_plan_id: i64,
    label: &str,
    dates: (Date, Option<Date>),
    public: bool,
) -> Result<i64> {
    let plan = get_health_plan(db, health_plan_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_milestones (health_plan_id, label, starts_on, ends_on, public, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(health_plan_id)
        .bind(label)
        .bind(dates.0)
        .bind(dates.1)
        .bind(public)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("plan_milestones_label_uq", "label")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_PLAN, Some(health_plan_id))
            .zone(Some(plan.zone_id))
            .summary(format!("Tappa «{label}» del «{}»", plan.title))
            .after(&serde_json::json!({ "label": label, "starts_on": dates.0, "ends_on": dates.1, "public": public }));
        (id, entry)
    })
}

pub async fn milestones(db: &Db, health_plan_id: i64) -> Result<Vec<Milestone>> {
    select_all::<Milestone>(db, "SELECT id, label, starts_on, ends_on, public FROM plan_milestones WHERE health_plan_id = $1 ORDER BY starts_on, id", health_plan_id).await
}

/// An act of the PIS (the start of its procedure, its approval).
pub async fn add_act(db: &Db, actor: &Actor, health_plan_id: i64, act: &ActInput) -> Result<i64> {
    let plan = get_health_plan(db, health_plan_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_acts (zone_id, health_plan_id, kind, issuer, number, act_date, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan.zone_id)
        .bind(health_plan_id)
        .bind(act.kind.code())
        .bind(&act.issuer)
        .bind(&act.number)
        .bind(act.act_date)
        .bind(&act.description)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("plan_acts_health_plan_uq", "number")]))?;
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_PLAN, Some(health_plan_id))
            .zone(Some(plan.zone_id))
            .summary(format!(
                "Atto «{}» del «{}»: {} n. {}",
                act.kind.label(),
                plan.title,
                act.issuer,
                act.number
            ))
            .after(act);
        (id, entry)
    })
}

pub async fn acts(db: &Db, health_plan_id: i64) -> Result<Vec<PlanAct>> {
    select_all::<PlanAct>(
        db,
        "SELECT id, kind, issuer, number, act_date, description, created_at FROM plan_acts \
         WHERE health_plan_id = $1 ORDER BY act_date, id",
        health_plan_id,
    )
    .await
}
