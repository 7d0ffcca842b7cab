//! Regions, zones and municipalities (with resident population by year).

use crate::audit::audited;
use crate::audit::{action, entity, Actor, AuditEntry};
use crate::db::{bind_params, Filter, Param};
use crate::db::{select_all, select_optional};
use crate::{now, on_db, updated, Db, Page, Result, StoreError};
use serde::Serialize;
use time::OffsetDateTime;
use zona_core::calendar::PatronDay;
use zona_core::network::InnerAreaClass;

// ---------------------------------------------------------------- regions

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
}

const REGION_UNIQUE: &[(&str, &str)] = &[("regions_code_uq", "code"), ("regions_name_uq", "name")];

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub text: String,
    /// `None`: active and inactive; `Some(true)`: active only.
    pub active: Option<bool>,
    pub zone_id: Option<i64>,
    pub kind: Option<String>,
    pub organisation_id: Option<i64>,
}

pub async fn list_regions(db: &Db, q: &ListQuery, page: Page) -> Result<(Vec<Region>, i64)> {
    let mut f = Filter::default();
    f.search(&["name", "code"], &q.text);
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    list_query(db, "SELECT * FROM regions", "ORDER BY name", f, page).await
}

/// Runs a count and a page of a `SELECT` with a filter.
pub(crate) async fn list_query<T>(
    db: &Db,
    select: &str,
    order: &str,
    mut f: Filter,
    page: Page,
) -> Result<(Vec<T>, i64)>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let where_sql = f.sql();
    let count_sql = format!("SELECT count(*) FROM ({select}{where_sql}) AS counted");
    let count_params = f.params.clone();
    let limit = f.limit(&page);
    let list_sql = format!("{select}{where_sql} {order}{limit}");
    on_db!(db, |pool| {
        let total: i64 = bind_params!(sqlx::query_scalar(&count_sql), count_params)
            .fetch_one(pool)
            .await?;
        let rows = bind_params!(sqlx::query_as::<_, T>(&list_sql), f.params)
            .fetch_all(pool)
            .await?;
        Ok((rows, total))
    })
}

pub async fn get_region(db: &Db, id: i64) -> Result<Option<Region>> {
    select_optional::<Region>(db, "SELECT * FROM regions WHERE id = $1", id).await
}

pub async fn create_region(db: &Db, actor: &Actor, input: &RegionInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO regions (code, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(&input.code)
        .bind(&input.name)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, REGION_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::REGION, Some(id))
            .summary(format!("Regione «{}»", input.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_region(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &RegionInput,
) -> Result<()> {
    let before = get_region(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE regions SET code = $1, name = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(&input.code)
        .bind(&input.name)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, REGION_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::REGION, Some(id))
            .summary(format!("Regione «{}»", input.name))
            .before(&RegionInput {
                code: before.code.clone(),
                name: before.name.clone(),
            })
            .after(input);
        ((), entry)
    })
}

// ---------------------------------------------------------------- zones

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Zone {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub code: String,
    pub name: String,
    pub lead_organisation: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The zone applies DM 77/2022's higher family-clinic rate (1 every
    /// 10,000) to its inner-area municipalities.
    pub family_clinics_inner_rate: bool,
    /// The municipality where the zone's office sits: its patron saint's day
    /// is a holiday for the zone's deadlines.
    pub seat_municipality_id: Option<i64>,
    /// The region's code: the territory of the region's values in the
    /// health profile.
    pub region_code: String,
    /// The code of the zone's health authority in the health profile's
    /// values.
    pub health_authority_code: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ZoneInput {
    pub region_id: i64,
    pub code: String,
    pub name: String,
    pub lead_organisation: Option<String>,
    pub seat_municipality_id: Option<i64>,
}

const ZONE_UNIQUE: &[(&str, &str)] = &[("zones_code_uq", "code"), ("zones_name_uq", "name")];
const ZONE_SELECT: &str =
    "SELECT * FROM (SELECT z.*, r.name AS region_name, r.code AS region_code FROM zones z \
                           JOIN regions r ON r.id = z.region_id) AS zz";

/// Records the zone's choice to apply the higher family-clinic rate to its
/// inner-area municipalities, version-checked and audited.
pub async fn set_family_clinics_inner_rate(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    version: i64,
    apply: bool,
) -> Result<()> {
    let before = get_zone(db, zone_id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE zones SET family_clinics_inner_rate = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(apply)
        .bind(t)
        .bind(zone_id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::ZONE, Some(zone_id))
            .zone(Some(zone_id))
            .summary(format!(
                "Zona «{}»: consultori familiari, {}",
                before.name,
                if apply {
                    "1 ogni 10.000 abitanti nei comuni delle aree interne"
                } else {
                    "1 ogni 20.000 abitanti ovunque"
                }
            ))
            .before(&serde_json::json!({ "family_clinics_inner_rate": before.family_clinics_inner_rate }))
            .after(&serde_json::json!({ "family_clinics_inner_rate": apply }));
        ((), entry)
    })
}

pub async fn list_zones(db: &Db, q: &ListQuery, page: Page) -> Result<(Vec<Zone>, i64)> {
    let mut f = Filter::default();
    f.search(
        &["name", "code", "region_name", "lead_organisation"],
        &q.text,
    );
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    // A zone-scoped query lists that zone only.
    if let Some(z) = q.zone_id {
        f.eq("id", Param::Int(z));
    }
    list_query(db, ZONE_SELECT, "ORDER BY name", f, page).await
}

pub async fn get_zone(db: &Db, id: i64) -> Result<Option<Zone>> {
    let sql = format!("{ZONE_SELECT} WHERE id = $1");
    select_optional::<Zone>(db, &sql, id).await
}

/// The region of each of `zones` with every zone of it, active or not: what
/// regional grants held in those zones reach. Returns (regions, zones).
pub async fn regions_of(db: &Db, zones: &[i64]) -> Result<(Vec<i64>, Vec<i64>)> {
    if zones.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let marks: Vec<String> = (1..=zones.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT z.region_id, z.id FROM zones z WHERE z.region_id IN \
         (SELECT region_id FROM zones WHERE id IN ({})) ORDER BY z.region_id, z.id",
        marks.join(", ")
    );
    let rows: Vec<(i64, i64)> = on_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
        for z in zones {
            q = q.bind(*z);
        }
        q.fetch_all(pool).await?
    });
    let mut regions: Vec<i64> = rows.iter().map(|r| r.0).collect();
    regions.dedup();
    Ok((regions, rows.into_iter().map(|r| r.1).collect()))
}

/// The active zones among `ids`: (code, name), by name. For the regional
/// reader's choice of zone in every page's header.
pub async fn active_zone_names(db: &Db, ids: &[i64]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT code, name FROM zones WHERE active AND id IN ({list}) ORDER BY name");
    on_db!(db, |pool| Ok(sqlx::query_as::<_, (String, String)>(&sql)
        .fetch_all(pool)
        .await?))
}

pub async fn get_zone_by_code(db: &Db, code: &str) -> Result<Option<Zone>> {
    let sql = format!("{ZONE_SELECT} WHERE code = $1");
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Zone>(&sql)
        .bind(code.to_uppercase())
        .fetch_optional(pool)
        .await?))
}

/// The first active zone: what the public pages of a single-zone installation show.
pub async fn default_zone(db: &Db) -> Result<Option<Zone>> {
    let sql = format!("{ZONE_SELECT} WHERE active = $1 ORDER BY id LIMIT 1");
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Zone>(&sql)
        .bind(true)
        .fetch_optional(pool)
        .await?))
}

fn zone_snapshot(z: &Zone) -> ZoneInput {
    ZoneInput {
        region_id: z.region_id,
        code: z.code.clone(),
        name: z.name.clone(),
        lead_organisation: z.lead_organisation.clone(),
        seat_municipality_id: z.seat_municipality_id,
    }
}

pub async fn create_zone(db: &Db, actor: &Actor, input: &ZoneInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO zones (region_id, code, name, lead_organisation, created_at, updated_at, seat_municipality_id) \
             VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
        )
        .bind(input.region_id)
        .bind(&input.code)
        .bind(&input.name)
        .bind(&input.lead_organisation)
        .bind(t)
        .bind(input.seat_municipality_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, ZONE_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::ZONE, Some(id))
            .zone(Some(id))
            .summary(format!("Zona «{}»", input.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_zone(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &ZoneInput,
) -> Result<()> {
    let before = get_zone(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE zones SET region_id = $1, code = $2, name = $3, lead_organisation = $4, updated_at = $5, \
             version = version + 1, seat_municipality_id = $8 WHERE id = $6 AND version = $7",
        )
        .bind(input.region_id)
        .bind(&input.code)
        .bind(&input.name)
        .bind(&input.lead_organisation)
        .bind(t)
        .bind(id)
        .bind(version)
        .bind(input.seat_municipality_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, ZONE_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::ZONE, Some(id))
            .zone(Some(id))
            .summary(format!("Zona «{}»", input.name))
            .before(&zone_snapshot(&before))
            .after(input);
        ((), entry)
    })
}

/// The patron day of the municipality where the zone's office sits, if both
/// are recorded.
pub async fn seat_patron_day(db: &Db, zone_id: i64) -> Result<Option<PatronDay>> {
    let day: Option<Option<String>> = on_db!(db, |pool| {
        Ok::<_, StoreError>(
        sqlx::query_scalar(
            "SELECT m.patron_day FROM zones z JOIN municipalities m ON m.id = z.seat_municipality_id \
             AND m.zone_id = z.id WHERE z.id = $1"
        )
        .bind(zone_id)
        .fetch_optional(pool)
        .await?
    )
    })?;
    Ok(day.flatten().and_then(|d| PatronDay::parse_it(&d).ok()))
}

// ---------------------------------------------------------------- municipalities

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Municipality {
    pub id: i64,
    pub zone_id: i64,
    pub zone_name: String,
    pub zone_code: String,
    pub istat_code: String,
    pub name: String,
    pub active: bool,
    pub version: i64,
    /// The most recent population on record and its year.
    pub population_year: Option<i64>,
    pub population: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The national inner-areas class (SNAI code A–F), when recorded.
    pub inner_area: Option<InnerAreaClass>,
    /// The patron saint's day, stored "dd/mm", when recorded.
    pub patron_day: Option<PatronDay>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MunicipalityInput {
    pub zone_id: i64,
    pub istat_code: String,
    pub name: String,
    /// The national inner-areas class, when known.
    pub inner_area: Option<InnerAreaClass>,
    /// The patron saint's day, a local holiday.
    pub patron_day: Option<PatronDay>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, PartialEq, Eq)]
pub struct Population {
    pub year: i64,
    pub population: i64,
    pub source: Option<String>,
}

const MUNICIPALITY_UNIQUE: &[(&str, &str)] = &[
    ("municipalities_istat_code_uq", "istat_code"),
    ("municipalities_name_uq", "name"),
];
const MUNICIPALITY_SELECT: &str = "SELECT * FROM (SELECT m.*, z.name AS zone_name, z.code AS zone_code, \
     (SELECT max(p.year) FROM municipality_populations p WHERE p.municipality_id = m.id) AS population_year, \
     (SELECT p.population FROM municipality_populations p WHERE p.municipality_id = m.id \
        ORDER BY p.year DESC LIMIT 1) AS population \
     FROM municipalities m JOIN zones z ON z.id = m.zone_id) AS mm";

pub async fn list_municipalities(
    db: &Db,
    q: &ListQuery,
    page: Page,
) -> Result<(Vec<Municipality>, i64)> {
    let mut f = Filter::default();
    f.search(&["name", "istat_code"], &q.text);
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    if let Some(z) = q.zone_id {
        f.eq("zone_id", Param::Int(z));
    }
    list_query(db, MUNICIPALITY_SELECT, "ORDER BY name", f, page).await
}

/// The active municipalities of a zone or of every zone of a region, by
/// name, in one query.
pub async fn municipalities_within(db: &Db, within: Within) -> Result<Vec<Municipality>> {
    let sql = format!(
        "{MUNICIPALITY_SELECT} WHERE active AND {} ORDER BY name",
        within.condition("zone_id")
    );
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Municipality>(&sql)
        .bind(within.id())
        .fetch_all(pool)
        .await?))
}

/// The active municipalities of a zone, by name.
pub async fn zone_municipalities(db: &Db, zone_id: i64) -> Result<Vec<Municipality>> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    Ok(list_municipalities(db, &q, Page::all()).await?.0)
}

/// Where a read looks: one zone, or every zone of a region. Regional views
/// read all their zones in one query rather than one query a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Within {
    Zone(i64),
    Region(i64),
}

impl Within {
    /// The SQL condition on a zone id column, with the scope's id as `$1`.
    pub fn condition(self, zone_column: &str) -> String {
        match self {
            Within::Zone(_) => format!("{zone_column} = $1"),
            Within::Region(_) => {
                format!("{zone_column} IN (SELECT id FROM zones WHERE region_id = $1)")
            }
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Within::Zone(id) | Within::Region(id) => id,
        }
    }
}

/// The population of every municipality of a zone or region recorded for
/// one year: (municipality, population), in one query.
pub async fn populations_within(db: &Db, within: Within, year: i64) -> Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT p.municipality_id, p.population FROM municipality_populations p \
         JOIN municipalities m ON m.id = p.municipality_id WHERE {} AND p.year = $2",
        within.condition("m.zone_id")
    );
    on_db!(db, |pool| Ok(sqlx::query_as::<_, (i64, i64)>(&sql)
        .bind(within.id())
        .bind(year)
        .fetch_all(pool)
        .await?))
}

pub async fn get_municipality(db: &Db, id: i64) -> Result<Option<Municipality>> {
    let sql = format!("{MUNICIPALITY_SELECT} WHERE id = $1");
    select_optional::<Municipality>(db, &sql, id).await
}

pub async fn populations(db: &Db, municipality_id: i64) -> Result<Vec<Population>> {
    select_all::<Population>(
        db,
        "SELECT year, population, source FROM municipality_populations \
         WHERE municipality_id = $1 ORDER BY year DESC",
        municipality_id,
    )
    .await
}

fn municipality_snapshot(m: &Municipality) -> MunicipalityInput {
    MunicipalityInput {
        zone_id: m.zone_id,
        istat_code: m.istat_code.clone(),
        name: m.name.clone(),
        inner_area: m.inner_area,
        patron_day: m.patron_day,
    }
}

pub async fn create_municipality(db: &Db, actor: &Actor, input: &MunicipalityInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO municipalities (zone_id, istat_code, name, created_at, updated_at, inner_area, patron_day) \
             VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING id",
        )
        .bind(input.zone_id)
        .bind(&input.istat_code)
        .bind(&input.name)
        .bind(t)
        .bind(input.inner_area.map(|c| c.code()))
        .bind(input.patron_day.map(|d| d.to_string()))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, MUNICIPALITY_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::MUNICIPALITY, Some(id))
            .zone(Some(input.zone_id))
            .summary(format!("Comune «{}»", input.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_municipality(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &MunicipalityInput,
) -> Result<()> {
    let before = get_municipality(db, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE municipalities SET istat_code = $1, name = $2, updated_at = $3, version = version + 1, \
             inner_area = $6, patron_day = $7 WHERE id = $4 AND version = $5",
        )
        .bind(&input.istat_code)
        .bind(&input.name)
        .bind(t)
        .bind(id)
        .bind(version)
        .bind(input.inner_area.map(|c| c.code()))
        .bind(input.patron_day.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, MUNICIPALITY_UNIQUE))?
        .rows_affected();
        updated(n)?;
        let entry = AuditEntry::new(action::UPDATE, entity::MUNICIPALITY, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!("Comune «{}»", input.name))
            .before(&municipality_snapshot(&before))
            .after(input);
        ((), entry)
    })
}

/// Records (or corrects) the population of a year.
pub async fn set_population(
    db: &Db,
    actor: &Actor,
    municipality_id: i64,
    p: &Population,
) -> Result<()> {
    let m = get_municipality(db, municipality_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = populations(db, municipality_id)
        .await?
        .into_iter()
        .find(|x| x.year == p.year);
    audited!(db, actor, |tx| {
        sqlx::query(
            "INSERT INTO municipality_populations (municipality_id, year, population, source) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (municipality_id, year) \
             DO UPDATE SET population = excluded.population, source = excluded.source",
        )
        .bind(municipality_id)
        .bind(p.year)
        .bind(p.population)
        .bind(&p.source)
        .execute(&mut *tx)
        .await?;
        let mut entry =
            AuditEntry::new(action::UPDATE, entity::MUNICIPALITY, Some(municipality_id))
                .zone(Some(m.zone_id))
                .summary(format!("Popolazione {} del comune «{}»", p.year, m.name))
                .after(p);
        if let Some(b) = &before {
            entry = entry.before(b);
        }
        ((), entry)
    })
}

// ---------------------------------------------------------------- activation

/// The records that are deactivated rather than deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deactivatable {
    Region,
    Zone,
    Municipality,
    Organisation,
    Unit,
    User,
}

impl Deactivatable {
    fn table(self) -> &'static str {
        match self {
            Deactivatable::Region => "regions",
            Deactivatable::Zone => "zones",
            Deactivatable::Municipality => "municipalities",
            Deactivatable::Organisation => "organisations",
            Deactivatable::Unit => "units",
            Deactivatable::User => "users",
        }
    }
    fn entity(self) -> &'static str {
        match self {
            Deactivatable::Region => entity::REGION,
            Deactivatable::Zone => entity::ZONE,
            Deactivatable::Municipality => entity::MUNICIPALITY,
            Deactivatable::Organisation => entity::ORGANISATION,
            Deactivatable::Unit => entity::UNIT,
            Deactivatable::User => entity::USER,
        }
    }
}

/// Deactivates or reactivates a record. Records are never deleted: plans and
/// the audit log keep pointing at them.
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    what: Deactivatable,
    id: i64,
    active: bool,
    zone_id: Option<i64>,
    label: &str,
) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET active = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        what.table()
    );
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(&sql)
            .bind(active)
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        if what == Deactivatable::User && !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditEntry::new(
            if active {
                action::REACTIVATE
            } else {
                action::DEACTIVATE
            },
            what.entity(),
            Some(id),
        )
        .zone(zone_id)
        .summary(label.to_string())
        .before(&serde_json::json!({ "active": !active }))
        .after(&serde_json::json!({ "active": active }));
        ((), entry)
    })
}
