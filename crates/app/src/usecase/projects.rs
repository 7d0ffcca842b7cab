//! Projects (PNRR and others) and their cards: what the project is, its
//! actions with their amounts, its own targets, and the POA activity sheets
//! it funds.
//!
//! Internal roles of a zone read its projects; its planning office changes
//! them. A project refers only to an organisation and activity sheets of its
//! own zone. Each change saves the whole project from the version the
//! person saw, so two people adding an action at once do not lose one.

use super::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::projects::{self as store, Project, ProjectAction, ProjectInput, ProjectTarget};
use zona_store::{codesign, organisations, Db};

/// Another project of the zone has this title.
const PROJECT_TAKEN: &str = "Esiste già un progetto con questo titolo.";

/// A project as typed. The zone, the actions, the targets and the activity
/// ids of `project` are the use case's: the sheets are named by code.
pub struct ProjectDraft {
    pub project: ProjectInput,
    pub activity_codes: Vec<String>,
}

/// The caller's zone, for its planning office.
fn office_zone(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// A project of the caller's zone, for its internal readers.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<Project, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let p = store::get_project(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(p.row.zone_id)?;
    Ok(p)
}

/// A project of the caller's zone, for its planning office.
pub async fn open_for_office(db: &Db, caller: &Caller, id: i64) -> Result<Project, Error> {
    office_zone(caller)?;
    open(db, caller, id).await
}

/// The draft placed in the zone: its organisation must be the zone's and
/// its activity sheets are found by code among the zone's.
async fn in_zone(
    db: &Db,
    zone_id: i64,
    draft: ProjectDraft,
    current: Option<&Project>,
) -> Result<ProjectInput, Error> {
    let mut e = FieldErrors::new();
    if let Some(o) = draft.project.responsible_organisation_id {
        let ours = organisations::get_organisation(db, o)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ours {
            e.add(
                "responsible_organisation_id",
                "Ente non valido per questa zona.",
            );
        }
    }
    let found = codesign::activity_ids(db, zone_id, &draft.activity_codes).await?;
    let missing: Vec<&str> = draft
        .activity_codes
        .iter()
        .filter(|c| !found.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        e.add(
            "activity_codes",
            format!("Scheda attività non trovata: {}.", missing.join(", ")),
        );
    }
    e.into_result(()).map_err(Error::Invalid)?;
    let mut activity_ids: Vec<i64> = Vec::new();
    for c in &draft.activity_codes {
        if !activity_ids.contains(&found[c]) {
            activity_ids.push(found[c]);
        }
    }
    Ok(ProjectInput {
        zone_id,
        actions: current.map(|p| p.actions.clone()).unwrap_or_default(),
        targets: current.map(|p| p.targets.clone()).unwrap_or_default(),
        activity_ids,
        ..draft.project
    })
}

/// Registers a project of the caller's zone; returns its id and the CUP's
/// warning, if any.
pub async fn create(
    db: &Db,
    caller: &Caller,
    input: Input<ProjectDraft>,
) -> Result<(i64, Option<String>), Error> {
    let zone_id = office_zone(caller)?;
    let p = in_zone(db, zone_id, input?, None).await?;
    let id = store::create_project(db, &caller.actor, &p)
        .await
        .map_err(super::taken_as(PROJECT_TAKEN))?;
    Ok((id, p.cup_warning))
}

/// Changes a project's card, keeping its actions and targets; returns the
/// CUP's warning, if any.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<ProjectDraft>,
) -> Result<Option<String>, Error> {
    let current = open_for_office(db, caller, id).await?;
    let p = in_zone(db, current.row.zone_id, input?, Some(&current)).await?;
    store::update_project(db, &caller.actor, id, version, &p)
        .await
        .map_err(super::taken_as(PROJECT_TAKEN))?;
    Ok(p.cup_warning)
}

/// Saves the project with one change made to its actions or targets.
async fn change(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    edit: impl FnOnce(&mut ProjectInput) -> Result<(), Error>,
) -> Result<(), Error> {
    let p = open_for_office(db, caller, id).await?;
    let mut input = p.snapshot();
    edit(&mut input)?;
    Ok(store::update_project(db, &caller.actor, id, version, &input).await?)
}

/// The position `n` (from 1) of a list of `len`.
fn index(n: usize, len: usize) -> Result<usize, Error> {
    if n == 0 || n > len {
        Err(Error::NotFound)
    } else {
        Ok(n - 1)
    }
}

pub async fn add_action(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<ProjectAction>,
) -> Result<(), Error> {
    office_zone(caller)?;
    let action = input?;
    change(db, caller, id, version, |p| {
        p.actions.push(action);
        Ok(())
    })
    .await
}

/// Removes the `n`-th action (from 1).
pub async fn remove_action(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    n: usize,
) -> Result<(), Error> {
    change(db, caller, id, version, |p| {
        p.actions.remove(index(n, p.actions.len())?);
        Ok(())
    })
    .await
}

/// Adds a target, or updates the one with the same description (whatever
/// its case). Returns whether one was updated.
pub async fn save_target(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<ProjectTarget>,
) -> Result<bool, Error> {
    office_zone(caller)?;
    let target = input?;
    let mut updated = false;
    change(db, caller, id, version, |p| {
        match p
            .targets
            .iter_mut()
            .find(|x| x.description.eq_ignore_ascii_case(&target.description))
        {
            Some(existing) => {
                *existing = target;
                updated = true;
            }
            None => p.targets.push(target),
        }
        Ok(())
    })
    .await?;
    Ok(updated)
}

/// Removes the `n`-th target (from 1).
pub async fn remove_target(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    n: usize,
) -> Result<(), Error> {
    change(db, caller, id, version, |p| {
        p.targets.remove(index(n, p.targets.len())?);
        Ok(())
    })
    .await
}

/// Deletes a project from the version the caller confirmed.
pub async fn delete(db: &Db, caller: &Caller, id: i64, version: i64) -> Result<(), Error> {
    open_for_office(db, caller, id).await?;
    Ok(store::delete_project(db, &caller.actor, id, version).await?)
}
