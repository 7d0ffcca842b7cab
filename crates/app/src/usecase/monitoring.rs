//! Monitoring of an annual plan: the state of implementation of a sheet,
//! its survey date, notes and the values its indicators reached.
//!
//! A sheet is monitored by the zone's planning office or by the unit
//! responsible for it; the office also loads the monitoring of many sheets
//! from a file.

use super::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_core::planning::Monitoring;
use zona_store::sheets::{self, Sheet};
use zona_store::Db;

/// A sheet of the caller's zone, for whoever monitors it.
pub async fn open_sheet(db: &Db, caller: &Caller, id: i64) -> Result<Sheet, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let s = sheets::get_sheet(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(s.row.zone_id)?;
    let office = caller.allows(Action::Administer { zone_id });
    let unit = s
        .content
        .unit_id
        .is_some_and(|unit_id| caller.allows(Action::EditUnit { zone_id, unit_id }));
    if !office && !unit {
        return Err(Error::Forbidden);
    }
    Ok(s)
}

/// Saves a sheet's monitoring from the version the caller saw. The input
/// must give one value (or none) for each of the sheet's indicators.
pub async fn save_sheet(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<Monitoring>,
) -> Result<(), Error> {
    let s = open_sheet(db, caller, id).await?;
    let m = input?;
    if m.actuals.len() != s.content.indicators.len() {
        return Err(Error::Refused(
            "Il modulo non corrisponde agli indicatori della scheda: ricaricare la pagina.".into(),
        ));
    }
    Ok(sheets::save_monitoring(db, &caller.actor, &[(id, Some(version), m)]).await?)
}

/// Saves the monitoring of many sheets, as read from a file of the plan.
pub async fn save_import(
    db: &Db,
    caller: &Caller,
    items: &[(i64, Option<i64>, Monitoring)],
) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(sheets::save_monitoring(db, &caller.actor, items).await?)
}
