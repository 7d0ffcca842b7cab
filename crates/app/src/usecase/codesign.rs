//! The registry of co-design agreements: one agreement typed in its form,
//! or many read from a file, through the same rules (`crate::codesign`).
//!
//! Internal roles of a zone read its registry; its planning office changes
//! it. An agreement's holder and partners are bodies of the zone's registry
//! of organisations, and its activity sheets are the zone's.

use super::{Caller, Error, Input};
use crate::codesign::{self as cd, Directory};
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::codesign::{self as store, Agreement, AgreementInput};
use zona_store::Db;

/// An agreement as typed: the registry's columns (`crate::codesign::COLUMNS`)
/// and whether it is published.
pub struct AgreementDraft {
    pub row: cd::Row,
    pub published: bool,
}

/// The caller's zone, for its planning office.
fn office_zone(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// An agreement of the caller's zone, for its internal readers.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<Agreement, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let a = store::get_agreement(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(a.row.zone_id)?;
    Ok(a)
}

/// An agreement of the caller's zone, for its planning office.
pub async fn open_for_office(db: &Db, caller: &Caller, id: i64) -> Result<Agreement, Error> {
    office_zone(caller)?;
    open(db, caller, id).await
}

/// Reads the draft by the rules of an imported row, in the zone's registry;
/// returns the agreement and the warnings to show.
async fn read(
    db: &Db,
    zone_id: i64,
    draft: &AgreementDraft,
) -> Result<(AgreementInput, Vec<String>), Error> {
    let dir = Directory::load(db, zone_id).await?;
    let activities = store::activity_ids(db, zone_id, &cd::activity_codes(&draft.row)).await?;
    cd::read_row(&dir, &activities, &draft.row, zone_id, draft.published).map_err(|es| {
        let mut e = FieldErrors::new();
        for (k, m) in es {
            e.add(k, m);
        }
        Error::Invalid(e)
    })
}

/// Registers an agreement; returns its id and the warnings.
pub async fn create(
    db: &Db,
    caller: &Caller,
    draft: Input<AgreementDraft>,
) -> Result<(i64, Vec<String>), Error> {
    let zone_id = office_zone(caller)?;
    let (input, warnings) = read(db, zone_id, &draft?).await?;
    let id = store::create_agreement(db, &caller.actor, &input).await?;
    Ok((id, warnings))
}

/// Changes an agreement from the version the caller saw; returns the
/// warnings.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    draft: Input<AgreementDraft>,
) -> Result<Vec<String>, Error> {
    let a = open_for_office(db, caller, id).await?;
    let (input, warnings) = read(db, a.row.zone_id, &draft?).await?;
    store::update_agreement(db, &caller.actor, id, version, &input).await?;
    Ok(warnings)
}

/// Deletes an agreement from the version the caller confirmed.
pub async fn delete(db: &Db, caller: &Caller, id: i64, version: i64) -> Result<(), Error> {
    open_for_office(db, caller, id).await?;
    Ok(store::delete_agreement(db, &caller.actor, id, version).await?)
}

/// Registers the agreements read from a file, all or none; returns how
/// many and the warnings, or (the inner `Err`) the file's problems by line,
/// with nothing saved.
pub async fn import(
    db: &Db,
    caller: &Caller,
    bytes: &[u8],
    xlsx: bool,
    published: bool,
) -> Result<Result<(usize, Vec<String>), Vec<String>>, Error> {
    let zone_id = office_zone(caller)?;
    match cd::parse_import(db, zone_id, bytes, xlsx, published).await? {
        Err(problems) => Ok(Err(problems)),
        Ok(imported) => {
            store::create_agreements(db, &caller.actor, &imported.inputs).await?;
            Ok(Ok((imported.inputs.len(), imported.warnings)))
        }
    }
}
