//! The municipalities' SOC26 forms (service objectives for social work):
//! one form a municipality a year, saved as the official JSON, complete or
//! as a draft with its problems; and the zone's permanent social workers,
//! on which the contribution is computed.
//!
//! Internal roles of a zone read its municipalities' forms; its planning
//! office fills them in. The form's fields are the official form's codes,
//! set by the year's specification (`zona_core::soc26::Soc26Spec`).

use super::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_core::soc26::{Problem, Soc26Spec};
use zona_core::soc26_json;
use zona_store::territory::{self, Municipality};
use zona_store::{soc26 as store, Db};

/// A municipality of the caller's zone, for its internal readers.
pub async fn open_municipality(db: &Db, caller: &Caller, id: i64) -> Result<Municipality, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let m = territory::get_municipality(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    caller.same_zone(m.zone_id)?;
    Ok(m)
}

/// Saves a municipality's form of the year, from the version the caller
/// saw (none for a first save): complete when the official rules find no
/// problem, a draft otherwise. Returns the problems.
pub async fn save(
    db: &Db,
    caller: &Caller,
    (municipality_id, spec): (i64, &Soc26Spec),
    expected_version: Option<i64>,
    json: &serde_json::Value,
) -> Result<Vec<Problem>, Error> {
    let m = open_municipality(db, caller, municipality_id).await?;
    caller.require(Action::Administer { zone_id: m.zone_id })?;
    let text = json.to_string();
    let problems = match soc26_json::read(spec, &text) {
        Ok((_, problems)) => problems,
        Err(problems) => problems,
    };
    let year = i64::from(spec.year);
    let complete = problems.is_empty();
    store::save(
        db,
        &caller.actor,
        m.id,
        year,
        &text,
        complete,
        expected_version,
    )
    .await?;
    Ok(problems)
}

/// Sets the permanent social workers, in hundredths of full-time
/// equivalents, of each municipality of the caller's zone and of the zone's
/// own service (`None`), from the version the caller saw.
pub async fn set_permanent_staff(
    db: &Db,
    caller: &Caller,
    spec: &Soc26Spec,
    version: i64,
    entries: Input<Vec<(Option<i64>, Option<i64>)>>,
) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    let entries = entries?;
    let ours: Vec<i64> = territory::zone_municipalities(db, zone_id)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    if entries
        .iter()
        .any(|(m, _)| m.is_some_and(|m| !ours.contains(&m)))
    {
        return Err(Error::NotFound);
    }
    let year = i64::from(spec.year);
    Ok(store::set_permanent_staff(db, &caller.actor, zone_id, year, version, &entries).await?)
}
