//! The zone's projects and their cards (actions, own targets, linked POA
//! activities), and the PNRR catalogue they fall under.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::BeginWrite;
use crate::{now, on_db, updated, Db, Result, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use zona_core::projects::{AmountRange, ProjectStatus, PNRR_CATALOGUE};
use zona_core::Cents;

/// Loads the PNRR catalogue; investments added to it later are added on the
/// next start, those already present are left as they are.
pub(crate) async fn seed_pnrr(db: &Db) -> Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let present: Vec<String> = sqlx::query_scalar("SELECT code FROM pnrr_investments")
            .fetch_all(&mut *tx)
            .await?;
        for (i, inv) in PNRR_CATALOGUE.iter().enumerate() {
            if present.iter().any(|c| c == inv.code) {
                continue;
            }
            sqlx::query(
                "INSERT INTO pnrr_investments (code, mission, component, parent, title, position) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(inv.code)
            .bind(inv.mission)
            .bind(inv.component)
            .bind(inv.parent)
            .bind(inv.title)
            .bind(i as i64 + 1)
            .execute(&mut *tx)
            .await?;
            for (j, (year, text)) in inv.targets.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO pnrr_targets (investment_code, position, year, description) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(inv.code)
                .bind(j as i64 + 1)
                .bind(year.map(i64::from))
                .bind(*text)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Investment {
    pub code: String,
    pub mission: String,
    pub component: String,
    pub parent: Option<String>,
    pub title: String,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct NationalTarget {
    pub investment_code: String,
    pub year: Option<i64>,
    pub description: String,
}

pub async fn investments(db: &Db) -> Result<(Vec<Investment>, Vec<NationalTarget>)> {
    on_db!(db, |pool| {
        let inv = sqlx::query_as::<_, Investment>(
            "SELECT code, mission, component, parent, title FROM pnrr_investments ORDER BY position",
        )
        .fetch_all(pool)
        .await?;
        let targets = sqlx::query_as::<_, NationalTarget>(
            "SELECT investment_code, year, description FROM pnrr_targets ORDER BY investment_code, position",
        )
        .fetch_all(pool)
        .await?;
        Ok((inv, targets))
    })
}

/// One action of a project card.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProjectAction {
    pub title: String,
    pub description: Option<String>,
    pub amount: Option<AmountRange>,
    /// What the amount is counted on ("al mese").
    pub basis: Option<String>,
}

/// One of the project's own targets, with how far it has gone.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProjectTarget {
    pub description: String,
    pub target: i64,
    pub achieved: Option<i64>,
    pub due_date: Option<Date>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProjectInput {
    pub zone_id: i64,
    pub title: String,
    pub summary: String,
    pub service: Option<String>,
    /// What the project means in this zone ("La Zona Livornese" on the SEUS card).
    pub zone_note: Option<String>,
    pub duration_text: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub resources: Option<Cents>,
    pub funding: Option<String>,
    pub pnrr_code: Option<String>,
    pub cup: Option<String>,
    pub cup_warning: Option<String>,
    pub responsible_organisation_id: Option<i64>,
    pub status: ProjectStatus,
    pub published: bool,
    pub actions: Vec<ProjectAction>,
    pub targets: Vec<ProjectTarget>,
    pub activity_ids: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub zone_id: i64,
    pub title: String,
    pub summary: String,
    pub service: Option<String>,
    pub zone_note: Option<String>,
    pub duration_text: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub resources_cents: Option<i64>,
    pub funding: Option<String>,
    pub pnrr_code: Option<String>,
    pub cup: Option<String>,
    pub cup_warning: Option<String>,
    pub responsible_organisation_id: Option<i64>,
    pub responsible_name: Option<String>,
    pub status: ProjectStatus,
    pub published: bool,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
struct ActionRow {
    project_id: i64,
    title: String,
    description: Option<String>,
    amount_min_cents: Option<i64>,
    amount_max_cents: Option<i64>,
    amount_basis: Option<String>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
struct TargetRow {
    project_id: i64,
    description: String,
    target: i64,
    achieved: Option<i64>,
    due_date: Option<Date>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct LinkedActivity {
    pub project_id: i64,
    pub activity_id: i64,
    pub code: String,
    pub title: String,
    pub year: i64,
}

/// A co-design agreement that shares the project's CUP.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct LinkedAgreement {
    pub agreement_id: i64,
    pub code: String,
    pub subject: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Project {
    pub row: ProjectRow,
    pub actions: Vec<ProjectAction>,
    pub targets: Vec<ProjectTarget>,
    pub activities: Vec<LinkedActivity>,
    pub agreements: Vec<LinkedAgreement>,
}

impl Project {
    pub fn status(&self) -> ProjectStatus {
        self.row.status
    }
    pub fn resources(&self) -> Option<Cents> {
        self.row.resources_cents.map(Cents)
    }
    pub fn snapshot(&self) -> ProjectInput {
        let r = &self.row;
        ProjectInput {
            zone_id: r.zone_id,
            title: r.title.clone(),
            summary: r.summary.clone(),
            service: r.service.clone(),
            zone_note: r.zone_note.clone(),
            duration_text: r.duration_text.clone(),
            start_date: r.start_date,
            end_date: r.end_date,
            resources: self.resources(),
            funding: r.funding.clone(),
            pnrr_code: r.pnrr_code.clone(),
            cup: r.cup.clone(),
            cup_warning: r.cup_warning.clone(),
            responsible_organisation_id: r.responsible_organisation_id,
            status: self.status(),
            published: r.published,
            actions: self.actions.clone(),
            targets: self.targets.clone(),
            activity_ids: self.activities.iter().map(|a| a.activity_id).collect(),
        }
    }
}

const PROJECT_SELECT: &str = "SELECT p.id, p.zone_id, p.title, p.summary, p.service, \
     p.zone_note, p.duration_text, p.start_date, p.end_date, p.resources_cents, p.funding, p.pnrr_code, p.cup, \
     p.cup_warning, p.responsible_organisation_id, o.name AS responsible_name, p.status, \
     p.published, p.version FROM projects p \
     LEFT JOIN organisations o ON o.id = p.responsible_organisation_id";

async fn attach(db: &Db, rows: Vec<ProjectRow>) -> Result<Vec<Project>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let list = rows
        .iter()
        .map(|r| r.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let cups: Vec<String> = rows.iter().filter_map(|r| r.cup.clone()).collect();
    let (actions, targets, activities, codes) = on_db!(db, |pool| {
        let actions = sqlx::query_as::<_, ActionRow>(&format!(
            "SELECT project_id, title, description, amount_min_cents, amount_max_cents, amount_basis \
             FROM project_actions WHERE project_id IN ({list}) ORDER BY project_id, position"
        ))
        .fetch_all(pool)
        .await?;
        let targets = sqlx::query_as::<_, TargetRow>(&format!(
            "SELECT project_id, description, target, achieved, due_date \
             FROM project_targets WHERE project_id IN ({list}) ORDER BY project_id, position"
        ))
        .fetch_all(pool)
        .await?;
        let activities = sqlx::query_as::<_, LinkedActivity>(&format!(
            "SELECT pa.project_id, a.id AS activity_id, a.code, a.title, ap.year \
             FROM project_activities pa JOIN activity_sheets a ON a.id = pa.activity_id \
             JOIN annual_plans ap ON ap.id = a.annual_plan_id \
             WHERE pa.project_id IN ({list}) ORDER BY ap.year, a.code"
        ))
        .fetch_all(pool)
        .await?;
        let codes = if cups.is_empty() {
            Vec::new()
        } else {
            sqlx::query_as::<_, LinkedAgreement>(
                "SELECT c.agreement_id, c.code, a.subject FROM codesign_codes c \
                 JOIN codesign_agreements a ON a.id = c.agreement_id \
                 WHERE c.kind = 'cup' AND a.zone_id = $1 ORDER BY a.position",
            )
            .bind(rows[0].zone_id)
            .fetch_all(pool)
            .await?
        };
        (actions, targets, activities, codes)
    });
    let mut out: Vec<Project> = rows
        .into_iter()
        .map(|row| Project {
            row,
            actions: Vec::new(),
            targets: Vec::new(),
            activities: Vec::new(),
            agreements: Vec::new(),
        })
        .collect();
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, p)| (p.row.id, i)).collect();
    for a in actions {
        let amount = a.amount_min_cents.map(|min| AmountRange {
            min: Cents(min),
            max: Cents(a.amount_max_cents.unwrap_or(min)),
        });
        out[index[&a.project_id]].actions.push(ProjectAction {
            title: a.title,
            description: a.description,
            amount,
            basis: a.amount_basis,
        });
    }
    for t in targets {
        out[index[&t.project_id]].targets.push(ProjectTarget {
            description: t.description,
            target: t.target,
            achieved: t.achieved,
            due_date: t.due_date,
        });
    }
    for a in activities {
        let i = index[&a.project_id];
        out[i].activities.push(a);
    }
    for p in out.iter_mut() {
        if let Some(cup) = &p.row.cup {
            p.agreements = codes.iter().filter(|c| &c.code == cup).cloned().collect();
        }
    }
    Ok(out)
}

/// The projects of a zone, by title.
pub async fn list_projects(db: &Db, zone_id: i64) -> Result<Vec<Project>> {
    let sql = format!("{PROJECT_SELECT} WHERE p.zone_id = $1 ORDER BY p.title, p.id");
    let rows = on_db!(db, |pool| sqlx::query_as::<_, ProjectRow>(&sql)
        .bind(zone_id)
        .fetch_all(pool)
        .await?);
    attach(db, rows).await
}

pub async fn get_project(db: &Db, id: i64) -> Result<Option<Project>> {
    let sql = format!("{PROJECT_SELECT} WHERE p.id = $1");
    let rows = on_db!(db, |pool| sqlx::query_as::<_, ProjectRow>(&sql)
        .bind(id)
        .fetch_all(pool)
        .await?);
    Ok(attach(db, rows).await?.pop())
}

fn summary(title: &str) -> String {
    let short: String = title.chars().take(80).collect();
    format!("Progetto «{short}»")
}

macro_rules! write_children {
    ($tx:expr, $id:expr, $input:expr) => {{
        let id: i64 = $id;
        let input: &ProjectInput = $input;
        for table in ["project_actions", "project_targets", "project_activities"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE project_id = $1"))
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        for (i, a) in input.actions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO project_actions (project_id, position, title, description, \
                 amount_min_cents, amount_max_cents, amount_basis) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&a.title)
            .bind(&a.description)
            .bind(a.amount.map(|r| r.min.0))
            .bind(a.amount.map(|r| r.max.0))
            .bind(&a.basis)
            .execute(&mut *$tx)
            .await?;
        }
        for (i, t) in input.targets.iter().enumerate() {
            sqlx::query(
                "INSERT INTO project_targets (project_id, position, description, target, achieved, due_date) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&t.description)
            .bind(t.target)
            .bind(t.achieved)
            .bind(t.due_date)
            .execute(&mut *$tx)
            .await?;
        }
        for a in &input.activity_ids {
            sqlx::query("INSERT INTO project_activities (project_id, activity_id) VALUES ($1, $2)")
                .bind(id)
                .bind(a)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// One project a title in a zone: the form's field it guards.
const PROJECT_UNIQUE: &[(&str, &str)] = &[("projects_title_uq", "title")];

pub async fn create_project(db: &Db, actor: &Actor, input: &ProjectInput) -> Result<i64> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO projects (zone_id, title, summary, service, zone_note, duration_text, \
             start_date, end_date, resources_cents, funding, pnrr_code, cup, cup_warning, \
             responsible_organisation_id, status, published, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
             RETURNING id",
        )
        .bind(input.zone_id)
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.service)
        .bind(&input.zone_note)
        .bind(&input.duration_text)
        .bind(input.start_date)
        .bind(input.end_date)
        .bind(input.resources.map(|c| c.0))
        .bind(&input.funding)
        .bind(&input.pnrr_code)
        .bind(&input.cup)
        .bind(&input.cup_warning)
        .bind(input.responsible_organisation_id)
        .bind(input.status.code())
        .bind(input.published)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, PROJECT_UNIQUE))?;
        write_children!(tx, id, input);
        let entry = AuditEntry::new(action::CREATE, entity::PROJECT, Some(id))
            .zone(Some(input.zone_id))
            .summary(summary(&input.title))
            .after(input);
        write_audit!(&mut *tx, actor, entry);
        tx.commit().await?;
        Ok(id)
    })
}

/// Saves the whole project, its actions, targets and links included.
pub async fn update_project(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &ProjectInput,
) -> Result<()> {
    let before = get_project(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE projects SET title = $1, summary = $2, service = $3, zone_note = $4, \
             duration_text = $5, start_date = $6, end_date = $7, resources_cents = $8, \
             funding = $9, pnrr_code = $10, cup = $11, cup_warning = $12, \
             responsible_organisation_id = $13, status = $14, published = $15, updated_at = $16, \
             version = version + 1 WHERE id = $17 AND version = $18",
        )
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.service)
        .bind(&input.zone_note)
        .bind(&input.duration_text)
        .bind(input.start_date)
        .bind(input.end_date)
        .bind(input.resources.map(|c| c.0))
        .bind(&input.funding)
        .bind(&input.pnrr_code)
        .bind(&input.cup)
        .bind(&input.cup_warning)
        .bind(input.responsible_organisation_id)
        .bind(input.status.code())
        .bind(input.published)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, PROJECT_UNIQUE))?
        .rows_affected();
        updated(n)?;
        write_children!(tx, id, input);
        let entry = AuditEntry::new(action::UPDATE, entity::PROJECT, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&input.title))
            .before(&before.snapshot())
            .after(input);
        ((), entry)
    })
}

/// Removes a project entered by mistake; facilities funded by it lose the link.
pub async fn delete_project(db: &Db, actor: &Actor, id: i64, version: i64) -> Result<()> {
    let before = get_project(db, id).await?.ok_or(StoreError::NotFound)?;
    if before.row.version != version {
        return Err(StoreError::Conflict);
    }
    audited!(db, actor, |tx| {
        for table in ["project_actions", "project_targets", "project_activities"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE project_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE facilities SET project_id = NULL WHERE project_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query("DELETE FROM projects WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::DELETE, entity::PROJECT, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&before.row.title))
            .before(&before.snapshot());
        ((), entry)
    })
}
