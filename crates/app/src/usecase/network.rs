//! The network of services (DM 77/2022): the zone's facilities, their
//! services, the zone's choice for family clinics in inner areas, and the
//! standards with the zone's counts made by hand.
//!
//! Internal roles of a zone read its network; its planning office changes
//! it. A facility refers only to a municipality and a project of its own
//! zone. The standards are the same for every zone.

use super::{Caller, Error, Input};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::network::Standard;
use zona_store::network::{self as store, Facility, FacilityInput, ManualCount};
use zona_store::{projects, territory, Db, StoreError};

/// A facility of the caller's zone, for its internal readers.
pub async fn open_facility(db: &Db, caller: &Caller, id: i64) -> Result<Facility, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let f = store::get_facility(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(f.row.zone_id)?;
    Ok(f)
}

/// The caller's zone, for its planning office.
fn office_zone(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// A facility as typed, placed in the caller's zone: its municipality and
/// project must be of that zone.
async fn in_zone(db: &Db, zone_id: i64, input: FacilityInput) -> Result<FacilityInput, Error> {
    let mut e = zona_core::FieldErrors::new();
    if let Some(m) = input.municipality_id {
        let ours = territory::get_municipality(db, m)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ours {
            e.add("municipality_id", "Comune non valido per questa zona.");
        }
    }
    if let Some(p) = input.project_id {
        let ours = projects::get_project(db, p)
            .await?
            .is_some_and(|x| x.row.zone_id == zone_id);
        if !ours {
            e.add("project_id", "Progetto non valido per questa zona.");
        }
    }
    e.into_result(FacilityInput { zone_id, ..input })
        .map_err(Error::Invalid)
}

fn duplicate_name(err: StoreError) -> Error {
    match err {
        StoreError::Duplicate { .. } => {
            let mut e = zona_core::FieldErrors::new();
            e.add(
                "name",
                "Esiste già una struttura con questo nome nella zona.",
            );
            Error::Invalid(e)
        }
        other => other.into(),
    }
}

/// Adds a facility to the caller's zone. The input's zone is ignored.
pub async fn create_facility(
    db: &Db,
    caller: &Caller,
    input: Input<FacilityInput>,
) -> Result<i64, Error> {
    let zone_id = office_zone(caller)?;
    let input = in_zone(db, zone_id, input?).await?;
    store::create_facility(db, &caller.actor, &input)
        .await
        .map_err(duplicate_name)
}

pub async fn update_facility(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<FacilityInput>,
) -> Result<(), Error> {
    open_facility(db, caller, id).await?;
    let zone_id = office_zone(caller)?;
    let input = in_zone(db, zone_id, input?).await?;
    store::update_facility(db, &caller.actor, id, version, &input)
        .await
        .map_err(duplicate_name)
}

pub async fn delete_facility(db: &Db, caller: &Caller, id: i64, version: i64) -> Result<(), Error> {
    open_facility(db, caller, id).await?;
    office_zone(caller)?;
    Ok(store::delete_facility(db, &caller.actor, id, version).await?)
}

/// The services matrix as sent: for each facility column, the services
/// ticked; and the version each column was read at.
pub struct ServiceGrid {
    pub columns: Vec<(i64, Vec<String>)>,
    pub versions: HashMap<i64, i64>,
}

/// Saves the services matrix of the caller's zone; every service must be of
/// the catalogue (`known`). Returns how many facilities changed. A column
/// of another zone's facility is refused by the store as not found.
pub async fn set_services(
    db: &Db,
    caller: &Caller,
    grid: &ServiceGrid,
    known: &HashMap<String, String>,
) -> Result<usize, Error> {
    let zone_id = office_zone(caller)?;
    let unknown = grid
        .columns
        .iter()
        .flat_map(|(_, services)| services)
        .find(|code| !known.contains_key(code.as_str()));
    if let Some(code) = unknown {
        return Err(Error::Refused(format!(
            "Servizio sconosciuto: «{code}». Scegliere un servizio del catalogo (Amministrazione › Elenchi › Catalogo dei servizi). Nessuna modifica è stata salvata."
        )));
    }
    Ok(store::set_services(db, &caller.actor, zone_id, &grid.columns, &grid.versions).await?)
}

/// The zone's choice of the higher family-clinic rate (1 per 10,000
/// inhabitants) in the municipalities of its inner areas.
pub async fn set_clinic_rate(
    db: &Db,
    caller: &Caller,
    version: i64,
    inner_rate: bool,
) -> Result<(), Error> {
    let zone_id = office_zone(caller)?;
    territory::set_family_clinics_inner_rate(db, &caller.actor, zone_id, version, inner_rate)
        .await?;
    Ok(())
}

/// A standard of the DM 77/2022 check, for whoever edits part of it: the
/// region its rates and source, the zone's planning office its count by hand.
pub async fn open_standard(
    db: &Db,
    caller: &Caller,
    code: &str,
) -> Result<(store::StoredStandard, Option<ManualCount>), Error> {
    let zone_id = caller.zone()?;
    let office = caller.allows(Action::Administer { zone_id });
    if !office {
        caller.regional_frame(db).await?;
    }
    let s = store::get_standard(db, code)
        .await?
        .ok_or(Error::NotFound)?;
    // The office has nothing to change in a standard counted from records.
    if office && s.standard.measure != zona_core::network::Measure::Manual {
        caller.regional_frame(db).await?;
    }
    let count = store::manual_counts(db, zone_id).await?.remove(code);
    Ok((s, count))
}

/// A standard as edited, and, for a standard counted by hand, the zone's
/// count (`None`: no figure available).
pub struct StandardEdit {
    pub standard: Standard,
    pub count: Option<Option<ManualCount>>,
}

/// Saves a standard, when it changed, and the zone's count by hand, when it
/// changed. The standard is read at `version`; the count is the zone's own.
pub async fn save_standard(
    db: &Db,
    caller: &Caller,
    code: &str,
    version: i64,
    edit: Input<StandardEdit>,
) -> Result<(), Error> {
    let (stored, count_before) = open_standard(db, caller, code).await?;
    let zone_id = caller.zone()?;
    let edit = edit?;
    // One transaction: the standard, versioned, and the zone's count.
    let standard = (edit.standard != stored.standard).then_some(&edit.standard);
    let count = edit
        .count
        .filter(|c| *c != count_before)
        .map(|c| (zone_id, c));
    if standard.is_some() {
        caller.regional_frame(db).await?;
    }
    if count.is_some() {
        caller.require(Action::Administer { zone_id })?;
    }
    if standard.is_none() && count.is_none() {
        return Ok(());
    }
    store::save_standard(
        db,
        &caller.actor,
        (code, version),
        standard,
        count.as_ref().map(|(z, c)| (*z, c.as_ref())),
    )
    .await?;
    Ok(())
}
