//! Organisations (health authority, municipalities, third-sector bodies, other
//! public bodies) and their units (functional units, municipal services).

use crate::audit::audited;
use crate::audit::{action, entity, Actor, AuditEntry};
use crate::db::{select_all, select_optional};
use crate::db::{Filter, Param};
use crate::territory::{list_query, ListQuery};
use crate::{now, updated, Db, Page, Result, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub zone_id: i64,
    pub kind: zona_core::org::OrganisationKind,
    pub name: String,
    pub tax_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub legal_form: Option<String>,
    pub runts_number: Option<String>,
    pub runts_section: Option<String>,
    pub active: bool,
    pub version: i64,
    pub unit_count: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OrganisationInput {
    pub zone_id: i64,
    pub kind: zona_core::org::OrganisationKind,
    pub name: String,
    pub tax_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub legal_form: Option<String>,
    pub runts_number: Option<String>,
    pub runts_section: Option<String>,
}

const ORGANISATION_UNIQUE: &[(&str, &str)] = &[
    ("organisations_name_uq", "name"),
    ("organisations_tax_code_uq", "tax_code"),
];
const ORGANISATION_SELECT: &str = "SELECT * FROM (SELECT o.*, \
     (SELECT count(*) FROM units u WHERE u.organisation_id = o.id) AS unit_count \
     FROM organisations o) AS oo";

pub async fn list_organisations(
    db: &Db,
    q: &ListQuery,
    page: Page,
) -> Result<(Vec<Organisation>, i64)> {
    let mut f = Filter::default();
    f.search(&["name", "tax_code", "email", "address"], &q.text);
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    if let Some(z) = q.zone_id {
        f.eq("zone_id", Param::Int(z));
    }
    if let Some(k) = &q.kind {
        f.eq("kind", Param::Text(k.clone()));
    }
    list_query(db, ORGANISATION_SELECT, "ORDER BY name", f, page).await
}

pub async fn get_organisation(db: &Db, id: i64) -> Result<Option<Organisation>> {
    let sql = format!("{ORGANISATION_SELECT} WHERE id = $1");
    select_optional::<Organisation>(db, &sql, id).await
}

fn organisation_snapshot(o: &Organisation) -> OrganisationInput {
    OrganisationInput {
        zone_id: o.zone_id,
        kind: o.kind,
        name: o.name.clone(),
        tax_code: o.tax_code.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        address: o.address.clone(),
        legal_form: o.legal_form.clone(),
        runts_number: o.runts_number.clone(),
        runts_section: o.runts_section.clone(),
    }
}

pub async fn create_organisation(db: &Db, actor: &Actor, input: &OrganisationInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (zone_id, kind, name, tax_code, email, phone, address, \
             legal_form, runts_number, runts_section, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, $11, $8, $8) RETURNING id",
        )
        .bind(input.zone_id)
        .bind(input.kind.code())
        .bind(&input.name)
        .bind(&input.tax_code)
        .bind(&input.email)
        .bind(&input.phone)
        .bind(&input.address)
        .bind(t)
        .bind(&input.legal_form)
        .bind(&input.runts_number)
        .bind(&input.runts_section)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, ORGANISATION_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::ORGANISATION, Some(id))
            .zone(Some(input.zone_id))
            .summary(format!("Ente «{}»", input.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_organisation(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &OrganisationInput,
) -> Result<()> {
    let before = get_organisation(db, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE organisations SET kind = $1, name = $2, tax_code = $3, email = $4, phone = $5, \
             address = $6, updated_at = $7, version = version + 1, legal_form = $10, \
             runts_number = $11, runts_section = $12 WHERE id = $8 AND version = $9",
        )
        .bind(input.kind.code())
        .bind(&input.name)
        .bind(&input.tax_code)
        .bind(&input.email)
        .bind(&input.phone)
        .bind(&input.address)
        .bind(t)
        .bind(id)
        .bind(version)
        .bind(&input.legal_form)
        .bind(&input.runts_number)
        .bind(&input.runts_section)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, ORGANISATION_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::ORGANISATION, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!("Ente «{}»", input.name))
            .before(&organisation_snapshot(&before))
            .after(input);
        ((), entry)
    })
}

// ---------------------------------------------------------------- units

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_kind: zona_core::org::OrganisationKind,
    pub zone_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UnitInput {
    pub organisation_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
}

const UNIT_UNIQUE: &[(&str, &str)] = &[("units_name_uq", "name")];
const UNIT_SELECT: &str = "SELECT * FROM (SELECT u.*, o.name AS organisation_name, \
     o.kind AS organisation_kind, o.zone_id AS zone_id FROM units u \
     JOIN organisations o ON o.id = u.organisation_id) AS uu";

pub async fn list_units(db: &Db, q: &ListQuery, page: Page) -> Result<(Vec<Unit>, i64)> {
    let mut f = Filter::default();
    f.search(
        &["name", "organisation_name", "description", "email"],
        &q.text,
    );
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    if let Some(z) = q.zone_id {
        f.eq("zone_id", Param::Int(z));
    }
    if let Some(o) = q.organisation_id {
        f.eq("organisation_id", Param::Int(o));
    }
    list_query(db, UNIT_SELECT, "ORDER BY organisation_name, name", f, page).await
}

pub async fn get_unit(db: &Db, id: i64) -> Result<Option<Unit>> {
    let sql = format!("{UNIT_SELECT} WHERE id = $1");
    select_optional::<Unit>(db, &sql, id).await
}

fn unit_snapshot(u: &Unit) -> UnitInput {
    UnitInput {
        organisation_id: u.organisation_id,
        name: u.name.clone(),
        description: u.description.clone(),
        email: u.email.clone(),
    }
}

pub async fn create_unit(db: &Db, actor: &Actor, input: &UnitInput) -> Result<i64> {
    let org = get_organisation(db, input.organisation_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO units (organisation_id, name, description, email, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(input.organisation_id)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.email)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIT_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::UNIT, Some(id))
            .zone(Some(org.zone_id))
            .summary(format!("Unità «{}» di «{}»", input.name, org.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_unit(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &UnitInput,
) -> Result<()> {
    let before = get_unit(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE units SET organisation_id = $1, name = $2, description = $3, email = $4, \
             updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(input.organisation_id)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.email)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIT_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::UNIT, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!("Unità «{}»", input.name))
            .before(&unit_snapshot(&before))
            .after(input);
        ((), entry)
    })
}

// ---------------------------------------------------------------- aliases

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Alias {
    pub id: i64,
    pub organisation_id: i64,
    pub alias: String,
}

/// Every other name of the zone's bodies, for matching names read from documents.
pub async fn aliases(db: &Db, zone_id: i64) -> Result<Vec<Alias>> {
    select_all::<Alias>(db, "SELECT id, organisation_id, alias FROM organisation_aliases WHERE zone_id = $1 ORDER BY alias", zone_id).await
}

pub async fn add_alias(db: &Db, actor: &Actor, organisation_id: i64, alias: &str) -> Result<i64> {
    let o = get_organisation(db, organisation_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisation_aliases (zone_id, organisation_id, alias, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(o.zone_id)
        .bind(organisation_id)
        .bind(alias)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("organisation_aliases_uq", "alias")]))?;
        let entry = AuditEntry::new(action::UPDATE, entity::ORGANISATION, Some(organisation_id))
            .zone(Some(o.zone_id))
            .summary(format!("Ente «{}»: altro nome «{alias}»", o.name))
            .after(&serde_json::json!({ "alias_added": alias }));
        (id, entry)
    })
}

pub async fn remove_alias(
    db: &Db,
    actor: &Actor,
    organisation_id: i64,
    alias_id: i64,
) -> Result<()> {
    let o = get_organisation(db, organisation_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    audited!(db, actor, |tx| {
        let alias: Option<String> = sqlx::query_scalar(
            "DELETE FROM organisation_aliases WHERE id = $1 AND organisation_id = $2 RETURNING alias",
        )
        .bind(alias_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(alias) = alias else {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        };
        let entry = AuditEntry::new(action::UPDATE, entity::ORGANISATION, Some(organisation_id))
            .zone(Some(o.zone_id))
            .summary(format!("Ente «{}»: tolto il nome «{alias}»", o.name))
            .before(&serde_json::json!({ "alias": alias }));
        ((), entry)
    })
}
