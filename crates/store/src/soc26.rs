//! SOC26 forms: one per municipality and year, kept as the JSON the form
//! was typed in (see docs/soc26.md), complete or draft.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::{select_optional_by, BeginWrite, Param};
use crate::territory::Within;
use crate::{now, on_db, updated, Db, Result, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Soc26Form {
    pub id: i64,
    pub municipality_id: i64,
    pub municipality_name: String,
    pub istat_code: String,
    pub zone_id: i64,
    pub year: i64,
    pub data: String,
    /// True when the stored form passed every rule when it was saved.
    pub complete: bool,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

const SELECT: &str = "SELECT * FROM (SELECT f.id, f.municipality_id, m.name AS municipality_name, \
     m.istat_code, m.zone_id, f.year, f.data, f.complete, f.version, f.updated_at \
     FROM soc26_forms f JOIN municipalities m ON m.id = f.municipality_id) AS ff";

pub async fn get(db: &Db, municipality_id: i64, year: i64) -> Result<Option<Soc26Form>> {
    let sql = format!("{SELECT} WHERE municipality_id = $1 AND year = $2");
    select_optional_by(db, &sql, [Param::Int(municipality_id), Param::Int(year)]).await
}

/// The forms of a zone or region for a year, by municipality name.
pub async fn list(db: &Db, within: Within, year: i64) -> Result<Vec<Soc26Form>> {
    let sql = format!(
        "{SELECT} WHERE {} AND year = $2 ORDER BY municipality_name",
        within.condition("zone_id")
    );
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Soc26Form>(&sql)
        .bind(within.id())
        .bind(year)
        .fetch_all(pool)
        .await?))
}

/// The last year any form of the zone, or of the region's zones, is for.
pub async fn latest_year(db: &Db, within: Within) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT MAX(f.year) FROM soc26_forms f JOIN municipalities m ON m.id = f.municipality_id \
         WHERE {}",
        within.condition("m.zone_id")
    );
    on_db!(db, |pool| {
        let (y,): (Option<i64>,) = sqlx::query_as(&sql)
            .bind(within.id())
            .fetch_one(pool)
            .await?;
        Ok(y)
    })
}

/// Saves a form. `expected_version` is the version the person started from:
/// `None` for a form that did not exist yet. A form saved meanwhile by someone
/// else is a [`StoreError::Conflict`].
pub async fn save(
    db: &Db,
    actor: &Actor,
    municipality_id: i64,
    year: i64,
    data: &str,
    complete: bool,
    expected_version: Option<i64>,
) -> Result<i64> {
    let before = get(db, municipality_id, year).await?;
    let zone_id = match &before {
        Some(f) => f.zone_id,
        None => {
            crate::territory::get_municipality(db, municipality_id)
                .await?
                .ok_or(StoreError::NotFound)?
                .zone_id
        }
    };
    let t = now();
    let parse = |s: &str| {
        serde_json::from_str::<serde_json::Value>(s)
            .unwrap_or(serde_json::Value::String(s.to_string()))
    };
    audited!(db, actor, |tx| {
        let (id, entry) = match (&before, expected_version) {
            (None, None) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO soc26_forms (municipality_id, year, data, complete, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(municipality_id)
                .bind(year)
                .bind(data)
                .bind(complete)
                .bind(t)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match StoreError::from_unique(e, &[("soc26_forms_year_uq", "year")]) {
                    StoreError::Duplicate { .. } => StoreError::Conflict,
                    other => other,
                })?;
                (
                    id,
                    AuditEntry::new(action::CREATE, entity::SOC26_FORM, Some(id))
                        .after(&parse(data)),
                )
            }
            (Some(f), Some(v)) => {
                let n = sqlx::query(
                    "UPDATE soc26_forms SET data = $1, complete = $2, updated_at = $3, version = version + 1 \
                     WHERE id = $4 AND version = $5",
                )
                .bind(data)
                .bind(complete)
                .bind(t)
                .bind(f.id)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                updated(n)?;
                (
                    f.id,
                    AuditEntry::new(action::UPDATE, entity::SOC26_FORM, Some(f.id))
                        .before(&parse(&f.data))
                        .after(&parse(data)),
                )
            }
            // Created by someone else meanwhile, or deleted: either way not
            // what the person started from.
            _ => {
                tx.rollback().await?;
                return Err(StoreError::Conflict);
            }
        };
        let name = match &before {
            Some(f) => f.municipality_name.clone(),
            None => municipality_id.to_string(),
        };
        let entry = entry.zone(Some(zone_id)).summary(format!(
            "Scheda SOC26 {year} del comune {name}{}",
            if complete { "" } else { " (bozza)" }
        ));
        (id, entry)
    })
}

/// Loads many forms at once, replacing those that exist, in one transaction:
/// either all are saved or none.
pub async fn import(
    db: &Db,
    actor: &Actor,
    year: i64,
    forms: &[(i64, String, bool)],
    file: &str,
) -> Result<usize> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for (municipality_id, data, complete) in forms {
            let (zone_id, name): (i64, String) =
                sqlx::query_as("SELECT zone_id, name FROM municipalities WHERE id = $1")
                    .bind(municipality_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO soc26_forms (municipality_id, year, data, complete, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (municipality_id, year) DO UPDATE SET \
                 data = excluded.data, complete = excluded.complete, updated_at = excluded.updated_at, \
                 version = soc26_forms.version + 1 RETURNING id",
            )
            .bind(municipality_id)
            .bind(year)
            .bind(data)
            .bind(complete)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::from_str::<serde_json::Value>(data).unwrap_or_default();
            let entry = AuditEntry::new(action::IMPORT, entity::SOC26_FORM, Some(id))
                .zone(Some(zone_id))
                .summary(format!(
                    "Scheda SOC26 {year} del comune {name} importata da {file}"
                ))
                .after(&after);
            write_audit!(&mut *tx, actor, entry);
        }
        tx.commit().await?;
        Ok(forms.len())
    })
}

// ------------------------------------------------- permanent social workers

/// Social workers on open-ended contracts at 31 December of a year, in
/// hundredths of a full-time post: hired by a municipality of the zone, or
/// by the ATS itself (`municipality_id` `None`). The base of the L. 178/2020
/// art. 1 c. 797 contribution.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, sqlx::FromRow)]
pub struct PermanentStaff {
    pub zone_id: i64,
    pub municipality_id: Option<i64>,
    /// `None` once cleared.
    pub fte_hundredths: Option<i64>,
    pub version: i64,
}

/// The zone's entries for a year, and the version of the set: the sum of
/// the rows' versions, which every save raises (a cleared entry keeps its
/// row, so the sum never falls back to an earlier value).
pub async fn permanent_staff(
    db: &Db,
    zone_id: i64,
    year: i64,
) -> Result<(Vec<PermanentStaff>, i64)> {
    let rows = staff_within(db, Within::Zone(zone_id), year).await?;
    let version = rows.iter().map(|r| r.version).sum();
    Ok((rows, version))
}

/// The entries of a zone or of every zone of a region for a year, by zone.
pub async fn staff_within(db: &Db, within: Within, year: i64) -> Result<Vec<PermanentStaff>> {
    let sql = format!(
        "SELECT zone_id, municipality_id, fte_hundredths, version FROM permanent_social_workers \
         WHERE {} AND year = $2 ORDER BY zone_id, municipality_id",
        within.condition("zone_id")
    );
    on_db!(db, |pool| Ok(sqlx::query_as::<_, PermanentStaff>(&sql)
        .bind(within.id())
        .bind(year)
        .fetch_all(pool)
        .await?))
}

/// Replaces the zone's entries for a year in one transaction: `None` clears
/// an entry. Every existing entry named is rewritten, so the set's version
/// rises. `expected` is the set's version the person started from; a save
/// in between is a [`StoreError::Conflict`].
pub async fn set_permanent_staff(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    year: i64,
    expected: i64,
    entries: &[(Option<i64>, Option<i64>)],
) -> Result<()> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let before = sqlx::query_as::<_, PermanentStaff>(
            "SELECT zone_id, municipality_id, fte_hundredths, version FROM permanent_social_workers \
             WHERE zone_id = $1 AND year = $2 ORDER BY municipality_id",
        )
        .bind(zone_id)
        .bind(year)
        .fetch_all(&mut *tx)
        .await?;
        if before.iter().map(|r| r.version).sum::<i64>() != expected {
            tx.rollback().await?;
            return Err(StoreError::Conflict);
        }
        for (municipality, value) in entries {
            let old = before.iter().find(|r| r.municipality_id == *municipality);
            match (old, value) {
                (Some(o), v) => {
                    // The row's own version too: under READ COMMITTED two
                    // saves may both pass the sum check above.
                    let n = sqlx::query(
                        "UPDATE permanent_social_workers SET fte_hundredths = $1, version = version + 1, \
                         updated_at = $2 WHERE zone_id = $3 AND year = $4 AND COALESCE(municipality_id, 0) = $5 \
                         AND version = $6",
                    )
                    .bind(v)
                    .bind(t)
                    .bind(zone_id)
                    .bind(year)
                    .bind(municipality.unwrap_or(0))
                    .bind(o.version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if n == 0 {
                        tx.rollback().await?;
                        return Err(StoreError::Conflict);
                    }
                }
                (None, Some(v)) => {
                    sqlx::query(
                        "INSERT INTO permanent_social_workers (zone_id, year, municipality_id, fte_hundredths, \
                         version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)",
                    )
                    .bind(zone_id)
                    .bind(year)
                    .bind(municipality)
                    .bind(v)
                    .bind(t)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from_unique(e, &[("permanent_social_workers_uq", "municipality_id")]) {
                        StoreError::Duplicate { .. } => StoreError::Conflict,
                        other => other,
                    })?;
                }
                (None, None) => {}
            }
        }
        let after: Vec<(Option<i64>, i64)> = entries
            .iter()
            .filter_map(|(m, v)| v.map(|v| (*m, v)))
            .collect();
        let entry = AuditEntry::new(action::UPDATE, entity::PERMANENT_SOCIAL_WORKERS, None)
            .zone(Some(zone_id))
            .summary(format!(
                "Assistenti sociali a tempo indeterminato al 31/12/{year} (equivalenti a tempo pieno)"
            ))
            .before(&before.iter().map(|r| (r.municipality_id, r.fte_hundredths)).collect::<Vec<_>>())
            .after(&after);
        write_audit!(&mut *tx, actor, entry);
        tx.commit().await?;
        Ok(())
    })
}

/// A SOC26 form variant the region stored for a year.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct StoredVariant {
    pub year: i64,
    /// The form, as JSON (`zona_core::soc26::Soc26Spec`).
    pub data: String,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

/// The SOC26 forms in use: those shipped with zona, with the variants the
/// region stored in their place. A stored variant was checked when it was
/// saved; one that no longer reads (written by an older zona) is left out
/// rather than used wrong.
pub async fn forms(db: &Db) -> Result<zona_core::soc26::Soc26Forms> {
    let stored = variants(db)
        .await?
        .iter()
        .filter_map(|v| zona_core::soc26::Soc26Spec::from_json(&v.data).ok())
        .collect();
    Ok(zona_core::soc26::Soc26Forms::with(stored))
}

/// The stored form variants, by year.
pub async fn variants(db: &Db) -> Result<Vec<StoredVariant>> {
    on_db!(db, |pool| Ok(sqlx::query_as::<_, StoredVariant>(
        "SELECT year, data, version, updated_at FROM soc26_variants ORDER BY year"
    )
    .fetch_all(pool)
    .await?))
}

/// Checks again, by `spec`, every stored form of its year and sets their
/// `complete` flag; evaluates to how many changed.
macro_rules! recheck {
    ($tx:expr, $spec:expr) => {{
        let rows: Vec<(i64, String, bool)> =
            sqlx::query_as("SELECT id, data, complete FROM soc26_forms WHERE year = $1")
                .bind(i64::from($spec.year))
                .fetch_all(&mut *$tx)
                .await?;
        let mut changed = 0usize;
        for (id, data, complete) in rows {
            let now_complete = matches!(
                zona_core::soc26_json::read($spec, &data),
                Ok((_, ref problems)) if problems.is_empty()
            );
            if now_complete != complete {
                sqlx::query("UPDATE soc26_forms SET complete = $1 WHERE id = $2")
                    .bind(now_complete)
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                changed += 1;
            }
        }
        changed
    }};
}

/// What a change of a year's form did to the forms of that year.
fn rechecked(changed: usize) -> String {
    match changed {
        0 => String::new(),
        1 => "; 1 scheda dell'anno ha cambiato stato (completa o bozza)".into(),
        n => format!("; {n} schede dell'anno hanno cambiato stato (complete o bozze)"),
    }
}

/// Stores the form of a year, from the version the person saw (`None` for
/// a year with no stored form), and checks that year's forms again by it,
/// in one transaction. A form stored meanwhile is a [`StoreError::Conflict`].
pub async fn save_variant(
    db: &Db,
    actor: &Actor,
    spec: &zona_core::soc26::Soc26Spec,
    expected: Option<i64>,
) -> Result<()> {
    let year = i64::from(spec.year);
    let data = serde_json::to_string_pretty(spec)
        .map_err(|e| StoreError::Refused(format!("modulo non scrivibile: {e}")))?;
    let data = data.as_str();
    let before = variants(db).await?.into_iter().find(|v| v.year == year);
    let json = |s: &str| {
        serde_json::from_str::<serde_json::Value>(s)
            .unwrap_or(serde_json::Value::String(s.to_string()))
    };
    let t = now();
    audited!(db, actor, |tx| {
        let entry = match (&before, expected) {
            (None, None) => {
                sqlx::query(
                    "INSERT INTO soc26_variants (year, data, updated_at) VALUES ($1, $2, $3)",
                )
                .bind(year)
                .bind(data)
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    match StoreError::from_unique(
                        e,
                        &[
                            ("soc26_variants_pkey", "year"),
                            ("soc26_variants_year_uq", "year"),
                        ],
                    ) {
                        StoreError::Duplicate { .. } => StoreError::Conflict,
                        other => other,
                    }
                })?;
                AuditEntry::new(action::CREATE, entity::SOC26_VARIANT, Some(year))
                    .after(&json(data))
            }
            (Some(b), Some(v)) if b.version == v => {
                let n = sqlx::query(
                    "UPDATE soc26_variants SET data = $1, version = version + 1, updated_at = $2 \
                     WHERE year = $3 AND version = $4",
                )
                .bind(data)
                .bind(t)
                .bind(year)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                updated(n)?;
                AuditEntry::new(action::UPDATE, entity::SOC26_VARIANT, Some(year))
                    .before(&json(&b.data))
                    .after(&json(data))
            }
            _ => {
                tx.rollback().await?;
                return Err(StoreError::Conflict);
            }
        };
        let changed = recheck!(tx, spec);
        (
            (),
            entry.summary(format!("Modulo SOC26 del {year}{}", rechecked(changed))),
        )
    })
}

/// Removes the stored form of a year, from the version the person saw; the
/// year's forms are checked again by `shipped`, the form zona ships for that
/// year. Without one, the variant is removed only while no form of the year
/// exists ([`StoreError::Refused`] otherwise).
pub async fn delete_variant(
    db: &Db,
    actor: &Actor,
    year: i64,
    expected: i64,
    shipped: Option<&zona_core::soc26::Soc26Spec>,
) -> Result<()> {
    let before = variants(db)
        .await?
        .into_iter()
        .find(|v| v.year == year)
        .ok_or(StoreError::NotFound)?;
    audited!(db, actor, |tx| {
        let n = sqlx::query("DELETE FROM soc26_variants WHERE year = $1 AND version = $2")
            .bind(year)
            .bind(expected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict);
        }
        let changed = match shipped {
            Some(spec) => recheck!(tx, spec),
            None => {
                let forms: i64 =
                    sqlx::query_scalar("SELECT count(*) FROM soc26_forms WHERE year = $1")
                        .bind(year)
                        .fetch_one(&mut *tx)
                        .await?;
                if forms > 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Refused(format!(
                        "Ci sono schede SOC26 del {year} compilate con questo modulo e zona non ne ha un altro per quell'anno: il modulo non si può togliere."
                    )));
                }
                0
            }
        };
        let data = serde_json::from_str::<serde_json::Value>(&before.data)
            .unwrap_or(serde_json::Value::String(before.data.clone()));
        (
            (),
            AuditEntry::new(action::DELETE, entity::SOC26_VARIANT, Some(year))
                .before(&data)
                .summary(format!("Modulo SOC26 del {year}{}", rechecked(changed))),
        )
    })
}
