//! The integrated health plan (PIS): its frame and knowledge section, the
//! links of its health objectives, its acts. Every internal role of the
//! zone reads a plan; its planning office changes it.
//!
//! A plan's frame is a regional plan (PSSIR) of the zone's region; an
//! objective links only to that frame's objectives and to the plan's own
//! strategic lines.

use super::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_core::planning::ActKind;
use zona_store::pis::{self, HealthPlanDetail, KnowledgeInput};
use zona_store::sheets::ActInput;
use zona_store::{territory, Db};

/// A plan of the caller's zone, for its internal readers.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<HealthPlanDetail, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let p = pis::get_health_plan(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(p.zone_id)?;
    Ok(p)
}

/// A plan of the caller's zone, for its planning office.
pub async fn open_for_office(db: &Db, caller: &Caller, id: i64) -> Result<HealthPlanDetail, Error> {
    let p = open(db, caller, id).await?;
    caller.require(Action::Administer { zone_id: p.zone_id })?;
    Ok(p)
}

/// The region of a zone.
pub async fn region_of(db: &Db, zone_id: i64) -> Result<i64, Error> {
    Ok(territory::get_zone(db, zone_id)
        .await?
        .ok_or(Error::NotFound)?
        .region_id)
}

/// Saves the plan's status, frame and knowledge section. The frame must be
/// a regional plan of the zone's region.
pub async fn save_knowledge(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<KnowledgeInput>,
) -> Result<(), Error> {
    let p = open_for_office(db, caller, id).await?;
    let input = input?;
    if let Some(rid) = input.regional_plan_id {
        let region = region_of(db, p.zone_id).await?;
        let ours = pis::regional_plans(db, region)
            .await?
            .iter()
            .any(|(rp, _)| rp.id == rid);
        if !ours {
            return Err(Error::Refused("Piano regionale non valido.".into()));
        }
    }
    pis::update_knowledge(db, &caller.actor, id, version, &input).await?;
    Ok(())
}

/// Sets what a health objective of the plan contributes to: objectives of
/// the plan's regional frame and the plan's strategic lines.
pub async fn set_links(
    db: &Db,
    caller: &Caller,
    (id, objective): (i64, i64),
    regional: &[i64],
    lines: &[i64],
) -> Result<(), Error> {
    let p = open_for_office(db, caller, id).await?;
    if !pis::health_objectives(db, id)
        .await?
        .iter()
        .any(|o| o.id == objective)
    {
        return Err(Error::NotFound);
    }
    let region = region_of(db, p.zone_id).await?;
    let frame: Vec<i64> = pis::regional_plans(db, region)
        .await?
        .into_iter()
        .filter(|(r, _)| Some(r.id) == p.regional_plan_id)
        .flat_map(|(_, o)| o.into_iter().map(|o| o.id))
        .collect();
    let own_lines: Vec<i64> = pis::strategic_lines(db, id)
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    let allowed =
        regional.iter().all(|r| frame.contains(r)) && lines.iter().all(|l| own_lines.contains(l));
    if !allowed {
        return Err(Error::Refused("Collegamento non valido.".into()));
    }
    pis::set_objective_links(db, &caller.actor, p.zone_id, objective, regional, lines).await?;
    Ok(())
}

/// Records an act of the plan (its initiation or its approval; a plan's
/// amendments are recorded on the annual plans).
pub async fn add_act(db: &Db, caller: &Caller, id: i64, act: Input<ActInput>) -> Result<(), Error> {
    open_for_office(db, caller, id).await?;
    let act = act?;
    if act.kind == ActKind::Amendment {
        return Err(Error::Refused("Tipo di atto non valido.".into()));
    }
    pis::add_act(db, &caller.actor, id, &act).await?;
    Ok(())
}
