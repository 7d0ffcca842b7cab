//! The network of territorial services: facilities with their beds and the
//! services each offers (the matrix), the DM 77/2022 standards and the counts
//! entered by hand for what is staff rather than buildings.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::BeginWrite;
use crate::territory::Within;
use crate::{now, on_db, updated, Db, Result, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use zona_core::network::{
    dm77_defaults, CareLevel, CountedFacility, FacilityKind, FacilityStatus, HouseHours, HubSpoke,
    Measure, Presence, Rate, Standard, Unit,
};

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Beds {
    pub care_level: CareLevel,
    pub beds: i64,
    pub note: Option<String>,
}

/// What is saved for a facility. The services it offers are saved with the
/// matrix ([`set_services`]).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacilityInput {
    pub zone_id: i64,
    pub kind: FacilityKind,
    pub name: String,
    pub hub_spoke: Option<HubSpoke>,
    pub opening_hours: Option<String>,
    pub catchment: Option<i64>,
    pub address: Option<String>,
    pub municipality_id: Option<i64>,
    pub status: FacilityStatus,
    pub focus: Option<String>,
    pub users_min: Option<i64>,
    pub users_max: Option<i64>,
    pub accesses: Option<i64>,
    pub places: Option<i64>,
    pub project_id: Option<i64>,
    pub notes: Option<String>,
    pub beds: Vec<Beds>,
    /// The staff presence of a Casa della Comunità (DM 77/2022 hours).
    pub hours: HouseHours,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct FacilityRow {
    pub id: i64,
    pub zone_id: i64,
    pub position: i64,
    pub kind: FacilityKind,
    pub name: String,
    pub hub_spoke: Option<String>,
    pub opening_hours: Option<String>,
    pub catchment: Option<i64>,
    pub address: Option<String>,
    pub municipality_id: Option<i64>,
    pub municipality_name: Option<String>,
    pub status: FacilityStatus,
    pub focus: Option<String>,
    pub users_min: Option<i64>,
    pub users_max: Option<i64>,
    pub accesses: Option<i64>,
    pub places: Option<i64>,
    pub project_id: Option<i64>,
    pub project_title: Option<String>,
    pub notes: Option<String>,
    pub version: i64,
    pub doctor_hours: Option<i64>,
    pub doctor_days: Option<i64>,
    pub nurse_hours: Option<i64>,
    pub nurse_days: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
struct BedsRow {
    facility_id: i64,
    care_level: CareLevel,
    beds: i64,
    note: Option<String>,
}

/// A facility with its beds and services.
#[derive(Clone, Debug, Serialize)]
pub struct Facility {
    pub row: FacilityRow,
    pub beds: Vec<Beds>,
    /// Codes of the "service" vocabulary.
    pub services: Vec<String>,
}

impl Facility {
    pub fn kind(&self) -> FacilityKind {
        self.row.kind
    }
    pub fn hub_spoke(&self) -> Option<HubSpoke> {
        self.row.hub_spoke.as_deref().and_then(HubSpoke::from_code)
    }
    pub fn status(&self) -> FacilityStatus {
        self.row.status
    }
    pub fn total_beds(&self) -> i64 {
        self.beds.iter().map(|b| b.beds).sum()
    }
    pub fn beds_at(&self, level: CareLevel) -> Option<&Beds> {
        self.beds.iter().find(|b| b.care_level == level)
    }
    pub fn counted(&self) -> CountedFacility {
        CountedFacility {
            kind: self.kind(),
            hub_spoke: self.hub_spoke(),
            status: self.status(),
            beds: self.total_beds().max(0) as u64,
        }
    }
    /// The staff presence as recorded (a presence needs both its hours and
    /// its days).
    pub fn hours(&self) -> HouseHours {
        let r = &self.row;
        let p =
            |h: Option<i64>, d: Option<i64>| Presence::new(h?.max(0) as u64, d?.max(0) as u64).ok();
        HouseHours {
            doctors: p(r.doctor_hours, r.doctor_days),
            nurses: p(r.nurse_hours, r.nurse_days),
        }
    }
    pub fn snapshot(&self) -> FacilityInput {
        let r = &self.row;
        FacilityInput {
            zone_id: r.zone_id,
            kind: self.kind(),
            name: r.name.clone(),
            hub_spoke: self.hub_spoke(),
            opening_hours: r.opening_hours.clone(),
            catchment: r.catchment,
            address: r.address.clone(),
            municipality_id: r.municipality_id,
            status: self.status(),
            focus: r.focus.clone(),
            users_min: r.users_min,
            users_max: r.users_max,
            accesses: r.accesses,
            places: r.places,
            project_id: r.project_id,
            notes: r.notes.clone(),
            beds: self.beds.clone(),
            hours: self.hours(),
        }
    }
}

const FACILITY_SELECT: &str = "SELECT f.id, f.zone_id, f.position, f.kind, f.name, f.hub_spoke, \
     f.opening_hours, f.catchment, f.address, f.municipality_id, m.name AS municipality_name, \
     f.status, f.focus, f.users_min, f.users_max, f.accesses, f.places, f.project_id, \
     p.title AS project_title, f.notes, f.version, f.doctor_hours, f.doctor_days, \
     f.nurse_hours, f.nurse_days \
     FROM facilities f LEFT JOIN municipalities m ON m.id = f.municipality_id \
     LEFT JOIN projects p ON p.id = f.project_id";

const UNIQUE: &[(&str, &str)] = &[("facilities_name_uq", "name")];

async fn attach(db: &Db, rows: Vec<FacilityRow>) -> Result<Vec<Facility>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (beds, services): (Vec<BedsRow>, Vec<(i64, String)>) = on_db!(db, |pool| {
        let beds = sqlx::query_as::<_, BedsRow>(&format!(
            "SELECT facility_id, care_level, beds, note FROM facility_beds \
             WHERE facility_id IN ({list}) ORDER BY id"
        ))
        .fetch_all(pool)
        .await?;
        let services = sqlx::query_as::<_, (i64, String)>(&format!(
            "SELECT fs.facility_id, fs.service_code FROM facility_services fs \
             LEFT JOIN vocabulary_terms t ON t.vocabulary = 'service' AND t.code = fs.service_code \
             WHERE fs.facility_id IN ({list}) ORDER BY t.position, fs.service_code"
        ))
        .fetch_all(pool)
        .await?;
        (beds, services)
    });
    let mut by_id: HashMap<i64, Facility> = rows
        .into_iter()
        .map(|row| {
            (
                row.id,
                Facility {
                    row,
                    beds: Vec::new(),
                    services: Vec::new(),
                },
            )
        })
        .collect();
    for b in beds {
        if let Some(f) = by_id.get_mut(&b.facility_id) {
            f.beds.push(Beds {
                care_level: b.care_level,
                beds: b.beds,
                note: b.note,
            });
        }
    }
    for (id, code) in services {
        if let Some(f) = by_id.get_mut(&id) {
            f.services.push(code);
        }
    }
    Ok(ids.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

/// Every facility of a zone, in the order they were entered.
pub async fn list_facilities(db: &Db, zone_id: i64) -> Result<Vec<Facility>> {
    facilities_within(db, Within::Zone(zone_id)).await
}

/// The facilities of a zone or of every zone of a region, by zone and
/// position: three queries.
pub async fn facilities_within(db: &Db, within: Within) -> Result<Vec<Facility>> {
    let sql = format!(
        "{FACILITY_SELECT} WHERE {} ORDER BY f.zone_id, f.position, f.id",
        within.condition("f.zone_id")
    );
    let rows = on_db!(db, |pool| sqlx::query_as::<_, FacilityRow>(&sql)
        .bind(within.id())
        .fetch_all(pool)
        .await?);
    attach(db, rows).await
}

pub async fn get_facility(db: &Db, id: i64) -> Result<Option<Facility>> {
    let sql = format!("{FACILITY_SELECT} WHERE f.id = $1");
    let rows = on_db!(db, |pool| sqlx::query_as::<_, FacilityRow>(&sql)
        .bind(id)
        .fetch_all(pool)
        .await?);
    Ok(attach(db, rows).await?.pop())
}

fn summary(name: &str) -> String {
    format!("Struttura «{name}»")
}

macro_rules! write_beds {
    ($tx:expr, $id:expr, $input:expr) => {{
        sqlx::query("DELETE FROM facility_beds WHERE facility_id = $1")
            .bind($id)
            .execute(&mut *$tx)
            .await?;
        for b in &$input.beds {
            sqlx::query(
                "INSERT INTO facility_beds (facility_id, care_level, beds, note) VALUES ($1, $2, $3, $4)",
            )
            .bind($id)
            .bind(b.care_level.code())
            .bind(b.beds)
            .bind(&b.note)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

pub async fn create_facility(db: &Db, actor: &Actor, input: &FacilityInput) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let position: i64 = sqlx::query_scalar(
            "SELECT CAST(coalesce(max(position), 0) + 1 AS BIGINT) FROM facilities WHERE zone_id = $1",
        )
        .bind(input.zone_id)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO facilities (zone_id, position, kind, name, hub_spoke, opening_hours, \
             catchment, address, municipality_id, status, focus, users_min, users_max, accesses, \
             places, project_id, notes, created_at, updated_at, doctor_hours, doctor_days, \
             nurse_hours, nurse_days) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, \
             $19, $20, $21, $22) RETURNING id",
        )
        .bind(input.zone_id)
        .bind(position)
        .bind(input.kind.code())
        .bind(&input.name)
        .bind(input.hub_spoke.map(|h| h.code()))
        .bind(&input.opening_hours)
        .bind(input.catchment)
        .bind(&input.address)
        .bind(input.municipality_id)
        .bind(input.status.code())
        .bind(&input.focus)
        .bind(input.users_min)
        .bind(input.users_max)
        .bind(input.accesses)
        .bind(input.places)
        .bind(input.project_id)
        .bind(&input.notes)
        .bind(t)
        .bind(input.hours.doctors.map(|p| i64::from(p.hours_per_day)))
        .bind(input.hours.doctors.map(|p| i64::from(p.days_per_week)))
        .bind(input.hours.nurses.map(|p| i64::from(p.hours_per_day)))
        .bind(input.hours.nurses.map(|p| i64::from(p.days_per_week)))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        write_beds!(tx, id, input);
        let entry = AuditEntry::new(action::CREATE, entity::FACILITY, Some(id))
            .zone(Some(input.zone_id))
            .summary(summary(&input.name))
            .after(input);
        (id, entry)
    })
}

pub async fn update_facility(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &FacilityInput,
) -> Result<()> {
    let before = get_facility(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE facilities SET kind = $1, name = $2, hub_spoke = $3, opening_hours = $4, \
             catchment = $5, address = $6, municipality_id = $7, status = $8, focus = $9, \
             users_min = $10, users_max = $11, accesses = $12, places = $13, project_id = $14, \
             notes = $15, updated_at = $16, version = version + 1, doctor_hours = $19, \
             doctor_days = $20, nurse_hours = $21, nurse_days = $22 WHERE id = $17 AND version = $18",
        )
        .bind(input.kind.code())
        .bind(&input.name)
        .bind(input.hub_spoke.map(|h| h.code()))
        .bind(&input.opening_hours)
        .bind(input.catchment)
        .bind(&input.address)
        .bind(input.municipality_id)
        .bind(input.status.code())
        .bind(&input.focus)
        .bind(input.users_min)
        .bind(input.users_max)
        .bind(input.accesses)
        .bind(input.places)
        .bind(input.project_id)
        .bind(&input.notes)
        .bind(t)
        .bind(id)
        .bind(version)
        .bind(input.hours.doctors.map(|p| i64::from(p.hours_per_day)))
        .bind(input.hours.doctors.map(|p| i64::from(p.days_per_week)))
        .bind(input.hours.nurses.map(|p| i64::from(p.hours_per_day)))
        .bind(input.hours.nurses.map(|p| i64::from(p.days_per_week)))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?
        .rows_affected();
        updated(n)?;
        write_beds!(tx, id, input);
        let entry = AuditEntry::new(action::UPDATE, entity::FACILITY, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&input.name))
            .before(&before.snapshot())
            .after(input);
        ((), entry)
    })
}

/// Removes a facility entered by mistake; the audit log keeps its content.
pub async fn delete_facility(db: &Db, actor: &Actor, id: i64, version: i64) -> Result<()> {
    let before = get_facility(db, id).await?.ok_or(StoreError::NotFound)?;
    if before.row.version != version {
        return Err(StoreError::Conflict);
    }
    audited!(db, actor, |tx| {
        for table in ["facility_beds", "facility_services"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE facility_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let n = sqlx::query("DELETE FROM facilities WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(n)?;
        #[derive(Serialize)]
        struct Removed<'a> {
            facility: FacilityInput,
            services: &'a [String],
        }
        let entry = AuditEntry::new(action::DELETE, entity::FACILITY, Some(id))
            .zone(Some(before.row.zone_id))
            .summary(summary(&before.row.name))
            .before(&Removed {
                facility: before.snapshot(),
                services: &before.services,
            });
        ((), entry)
    })
}

/// Saves the services matrix: for each facility of the grid, the services
/// ticked. `versions` are the facilities' versions the grid was read at: a
/// column that differs from what is stored is saved only if its facility
/// is still at that version, in the same transaction, so a stale grid never
/// undoes another person's ticks ([`StoreError::Conflict`], nothing saved).
/// Each facility whose services change moves to its next version and gets
/// one audit entry with the list before and after.
pub async fn set_services(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    grid: &[(i64, Vec<String>)],
    versions: &HashMap<i64, i64>,
) -> Result<usize> {
    let current: HashMap<i64, Facility> = list_facilities(db, zone_id)
        .await?
        .into_iter()
        .map(|f| (f.row.id, f))
        .collect();
    for (id, _) in grid {
        if !current.contains_key(id) {
            return Err(StoreError::NotFound);
        }
    }
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut changed = 0;
        for (id, services) in grid {
            let before = &current[id];
            let mut a = before.services.clone();
            let mut b = services.clone();
            a.sort();
            b.sort();
            if a == b {
                continue;
            }
            changed += 1;
            let expected = versions.get(id).copied().unwrap_or(-1);
            let moved = sqlx::query(
                "UPDATE facilities SET version = version + 1, updated_at = $1 \
                 WHERE id = $2 AND version = $3 AND version = $4",
            )
            .bind(t)
            .bind(id)
            .bind(expected)
            .bind(before.row.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Err(StoreError::Conflict);
            }
            sqlx::query("DELETE FROM facility_services WHERE facility_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for s in services {
                sqlx::query(
                    "INSERT INTO facility_services (facility_id, service_code) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(s)
                .execute(&mut *tx)
                .await?;
            }
            let entry = AuditEntry::new(action::UPDATE, entity::FACILITY, Some(*id))
                .zone(Some(zone_id))
                .summary(format!("Servizi della struttura «{}»", before.row.name))
                .before(&before.services)
                .after(services);
            write_audit!(&mut *tx, actor, entry);
        }
        tx.commit().await?;
        Ok(changed)
    })
}

// ---------------------------------------------------------------- standards

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
struct StandardRow {
    code: String,
    label: String,
    measure: Measure,
    min_amount: i64,
    min_per: i64,
    max_amount: Option<i64>,
    max_per: Option<i64>,
    source: String,
    version: i64,
    unit: Unit,
    inner_amount: Option<i64>,
    inner_per: Option<i64>,
}

/// A standard as stored, with its version for editing.
#[derive(Clone, Debug, Serialize)]
pub struct StoredStandard {
    pub standard: Standard,
    pub version: i64,
}

fn rate(amount: i64, per: i64) -> Rate {
    Rate {
        amount: amount.max(0) as u64,
        per: per.max(0) as u64,
    }
}

impl From<StandardRow> for StoredStandard {
    fn from(r: StandardRow) -> StoredStandard {
        StoredStandard {
            standard: Standard {
                code: r.code,
                label: r.label,
                measure: r.measure,
                min: rate(r.min_amount, r.min_per),
                max: r.max_amount.zip(r.max_per).map(|(a, p)| rate(a, p)),
                source: r.source,
                unit: r.unit,
                inner_rate: r.inner_amount.zip(r.inner_per).map(|(a, p)| rate(a, p)),
            },
            version: r.version,
        }
    }
}

/// Loads the DM 77/2022 standards: every default standard missing from the
/// table is added (all of them in a new installation; a standard added to
/// zona later, in an existing one). Standards already there keep the
/// planning office's edits; only their place in the list follows the
/// defaults.
pub(crate) async fn seed_standards(db: &Db) -> Result<()> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for (i, s) in dm77_defaults().iter().enumerate() {
            sqlx::query(
                "INSERT INTO care_standards (code, label, measure, min_amount, min_per, \
                 max_amount, max_per, source, position, updated_at, unit, inner_amount, inner_per) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (code) DO UPDATE SET position = excluded.position",
            )
            .bind(&s.code)
            .bind(&s.label)
            .bind(s.measure.code())
            .bind(s.min.amount as i64)
            .bind(s.min.per as i64)
            .bind(s.max.map(|r| r.amount as i64))
            .bind(s.max.map(|r| r.per as i64))
            .bind(&s.source)
            .bind(i as i64 + 1)
            .bind(t)
            .bind(s.unit.code())
            .bind(s.inner_rate.map(|r| r.amount as i64))
            .bind(s.inner_rate.map(|r| r.per as i64))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

pub async fn standards(db: &Db) -> Result<Vec<StoredStandard>> {
    let rows = on_db!(db, |pool| {
        sqlx::query_as::<_, StandardRow>(
        "SELECT code, label, measure, min_amount, min_per, max_amount, max_per, source, version, \
         unit, inner_amount, inner_per FROM care_standards ORDER BY position, code"
    )
    .fetch_all(pool)
    .await?
    });
    Ok(rows.into_iter().map(StoredStandard::from).collect())
}

pub async fn get_standard(db: &Db, code: &str) -> Result<Option<StoredStandard>> {
    Ok(standards(db)
        .await?
        .into_iter()
        .find(|s| s.standard.code == code))
}

/// Changes a standard when the rules change. The standards are shared by
/// every zone, like the vocabularies; the audit entry has no zone.
/// A count entered by hand for a standard of the zone.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, PartialEq, Eq)]
pub struct ManualCount {
    pub standard_code: String,
    pub open_count: i64,
    pub planned_count: i64,
    pub note: Option<String>,
}

pub async fn manual_counts(db: &Db, zone_id: i64) -> Result<HashMap<String, ManualCount>> {
    Ok(manual_counts_within(db, Within::Zone(zone_id))
        .await?
        .into_iter()
        .map(|(_, c)| (c.standard_code.clone(), c))
        .collect())
}

/// The counts by hand of a zone or of every zone of a region: (zone, count).
pub async fn manual_counts_within(db: &Db, within: Within) -> Result<Vec<(i64, ManualCount)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        zone_id: i64,
        #[sqlx(flatten)]
        count: ManualCount,
    }
    let sql = format!(
        "SELECT zone_id, standard_code, open_count, planned_count, note FROM network_counts WHERE {}",
        within.condition("zone_id")
    );
    let rows = on_db!(db, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(within.id())
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(|r| (r.zone_id, r.count)).collect())
}

/// Saves a standard and a zone's count by hand of it in one transaction:
/// the standard (shared by every zone) when `standard` is given, from the
/// version the person saw; the zone's count when `count` is given (`Some`
/// of `None` removes it). Each change has its audit entry.
pub async fn save_standard(
    db: &Db,
    actor: &Actor,
    (code, version): (&str, i64),
    standard: Option<&Standard>,
    count: Option<(i64, Option<&ManualCount>)>,
) -> Result<()> {
    let before = get_standard(db, code).await?.ok_or(StoreError::NotFound)?;
    let count_before = match count {
        Some((zone_id, _)) => manual_counts(db, zone_id).await?.remove(code),
        None => None,
    };
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if let Some(s) = standard {
            let n = sqlx::query(
                "UPDATE care_standards SET label = $1, measure = $2, min_amount = $3, min_per = $4, \
                 max_amount = $5, max_per = $6, source = $7, updated_at = $8, version = version + 1, \
                 inner_amount = $11, inner_per = $12 WHERE code = $9 AND version = $10",
            )
            .bind(&s.label)
            .bind(s.measure.code())
            .bind(s.min.amount as i64)
            .bind(s.min.per as i64)
            .bind(s.max.map(|r| r.amount as i64))
            .bind(s.max.map(|r| r.per as i64))
            .bind(&s.source)
            .bind(t)
            .bind(code)
            .bind(version)
            .bind(s.inner_rate.map(|r| r.amount as i64))
            .bind(s.inner_rate.map(|r| r.per as i64))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            updated(n)?;
            let entry = AuditEntry::new(action::UPDATE, entity::CARE_STANDARD, None)
                .summary(format!("Standard DM 77/2022 «{}»", s.label))
                .before(&before.standard)
                .after(s);
            write_audit!(&mut *tx, actor, entry);
        }
        if let Some((zone_id, count)) = count {
            sqlx::query("DELETE FROM network_counts WHERE zone_id = $1 AND standard_code = $2")
                .bind(zone_id)
                .bind(code)
                .execute(&mut *tx)
                .await?;
            if let Some(c) = count {
                sqlx::query(
                    "INSERT INTO network_counts (zone_id, standard_code, open_count, planned_count, note, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(zone_id)
                .bind(code)
                .bind(c.open_count)
                .bind(c.planned_count)
                .bind(&c.note)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            }
            let mut entry = AuditEntry::new(action::UPDATE, entity::CARE_STANDARD, None)
                .zone(Some(zone_id))
                .summary(format!("Dato della zona per lo standard «{code}»"));
            if let Some(b) = &count_before {
                entry = entry.before(b);
            }
            if let Some(c) = count {
                entry = entry.after(c);
            }
            write_audit!(&mut *tx, actor, entry);
        }
        tx.commit().await?;
        Ok(())
    })
}
