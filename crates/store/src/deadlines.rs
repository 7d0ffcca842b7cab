//! The deadlines the planning office sets on an annual plan: when the sheets
//! are due, and each round of monitoring.

use crate::audit::{action, audited, entity, Actor, AuditEntry};
use crate::db::select_all;
use crate::{now, on_db, Db, Result, StoreError};
use serde::Serialize;
use time::Date;
use zona_core::planning::{DeadlineInput, DeadlineKind};

const UNIQUE: &[(&str, &str)] = &[("plan_deadlines_label_uq", "label")];

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Deadline {
    pub id: i64,
    pub annual_plan_id: i64,
    pub zone_id: i64,
    pub year: i64,
    pub kind: DeadlineKind,
    pub label: String,
    pub due_on: Date,
}

const SELECT: &str = "SELECT d.id, d.annual_plan_id, p.zone_id, p.year, d.kind, d.label, d.due_on \
     FROM plan_deadlines d JOIN annual_plans p ON p.id = d.annual_plan_id";

/// The deadlines of an annual plan, by date.
pub async fn of_plan(db: &Db, annual_plan_id: i64) -> Result<Vec<Deadline>> {
    select_all::<Deadline>(
        db,
        &format!("{SELECT} WHERE d.annual_plan_id = $1 ORDER BY d.due_on, d.id"),
        annual_plan_id,
    )
    .await
}

/// A zone's deadlines from a day on, by date.
pub async fn of_zone(db: &Db, zone_id: i64, from: Date) -> Result<Vec<Deadline>> {
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Deadline>(&format!(
        "{SELECT} WHERE p.zone_id = $1 AND d.due_on >= $2 ORDER BY d.due_on, d.id"
    ))
    .bind(zone_id)
    .bind(from)
    .fetch_all(pool)
    .await?))
}

/// Every zone's deadlines falling in a span of days (the daily reminders).
pub async fn between(db: &Db, from: Date, to: Date) -> Result<Vec<Deadline>> {
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Deadline>(&format!(
        "{SELECT} WHERE d.due_on >= $1 AND d.due_on <= $2 ORDER BY d.due_on, d.id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Deadline>> {
    crate::db::select_optional::<Deadline>(db, &format!("{SELECT} WHERE d.id = $1"), id).await
}

pub async fn add(
    db: &Db,
    actor: &Actor,
    annual_plan_id: i64,
    zone_id: i64,
    d: &DeadlineInput,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO plan_deadlines (annual_plan_id, kind, label, due_on, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(annual_plan_id)
        .bind(d.kind.code())
        .bind(&d.label)
        .bind(d.due_on)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::ANNUAL_PLAN, Some(annual_plan_id))
            .zone(Some(zone_id))
            .summary(format!(
                "Scadenza «{}» al {}",
                d.label,
                zona_core::format::date(d.due_on)
            ))
            .after(d);
        (id, entry)
    })
}

pub async fn delete(db: &Db, actor: &Actor, d: &Deadline) -> Result<()> {
    audited!(db, actor, |tx| {
        let n = sqlx::query("DELETE FROM plan_deadlines WHERE id = $1")
            .bind(d.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry::new(action::DELETE, entity::ANNUAL_PLAN, Some(d.annual_plan_id))
            .zone(Some(d.zone_id))
            .summary(format!(
                "Scadenza «{}» del {} eliminata",
                d.label,
                zona_core::format::date(d.due_on)
            ))
            .before(d);
        ((), entry)
    })
}
