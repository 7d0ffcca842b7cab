//! The integrated health plan (PIS): its frame and knowledge section, the
//! links of its health objectives, its acts. Every internal role of the
//! zone reads a plan; its planning office changes it.
//!
//! A plan's frame is a regional plan (PSSIR) of the zone's region; an
//! objective links only to that frame's objectives and to the plan's own
//! strategic lines.

use super::{Caller, Error, Input};
use time::Date;
use zona_core::authz::Action;
use zona_core::planning::{ActKind, HealthPlanStatus};
use zona_store::pis::{self, HealthPlanDetail, KnowledgeInput};
use zona_store::sheets::ActInput;
use zona_store::{planning, territory, Db, StoreError};

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
    let taken_message = format!(
        "L'atto n. {} del {} ({}) è già registrato.",
        act.number,
        zona_core::format::date(act.act_date),
        act.kind.label()
    );
    taken(
        pis::add_act(db, &caller.actor, id, &act).await,
        taken_message,
    )?;
    Ok(())
}

/// A period of years: the first and the last.
pub type Period = (i64, i64);

/// The caller's zone, for its planning office.
fn office_zone(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// A store's refusal of a name already taken, as the message `taken`.
fn taken<T>(r: Result<T, StoreError>, taken: String) -> Result<T, Error> {
    match r {
        Err(StoreError::Duplicate { .. }) => Err(Error::Refused(taken)),
        other => Ok(other?),
    }
}

/// Starts a plan of the caller's zone for a period, in preparation; a zone
/// has one plan starting in a year. Returns its id and title.
pub async fn create_plan(
    db: &Db,
    caller: &Caller,
    period: Input<Period>,
) -> Result<(i64, String), Error> {
    let zone_id = office_zone(caller)?;
    let (a, b) = period?;
    let title = format!("Piano Integrato di Salute {a}-{b}");
    let status = HealthPlanStatus::InPreparation;
    let created =
        planning::create_health_plan(db, &caller.actor, zone_id, &title, a, b, status).await;
    let id = taken(
        created,
        format!("La zona ha già un piano che inizia nel {a}."),
    )?;
    Ok((id, title))
}

/// Adds a health objective at the end of the plan's; titles are unique in a
/// plan.
pub async fn add_objective(
    db: &Db,
    caller: &Caller,
    id: i64,
    title: Input<String>,
) -> Result<String, Error> {
    let p = open_for_office(db, caller, id).await?;
    let title = title?;
    let position = pis::health_objectives(db, id).await?.len() as i64 + 1;
    let added =
        planning::add_health_objective(db, &caller.actor, p.zone_id, id, position, &title).await;
    taken(added, format!("L'obiettivo «{title}» esiste già."))?;
    Ok(title)
}

/// A strategic line of the plan.
pub struct NewLine {
    pub title: String,
    pub description: Option<String>,
}

/// Adds a strategic line to the plan; titles are unique in a plan.
pub async fn add_line(
    db: &Db,
    caller: &Caller,
    id: i64,
    line: Input<NewLine>,
) -> Result<String, Error> {
    open_for_office(db, caller, id).await?;
    let l = line?;
    let added =
        pis::add_strategic_line(db, &caller.actor, id, &l.title, l.description.as_deref()).await;
    taken(
        added,
        format!("La linea strategica «{}» esiste già.", l.title),
    )?;
    Ok(l.title)
}

/// A step of the plan's timeline: from a day, to a day or open.
pub struct NewMilestone {
    pub label: String,
    pub dates: (Date, Option<Date>),
    pub public: bool,
}

/// Adds a step to the plan's timeline.
pub async fn add_milestone(
    db: &Db,
    caller: &Caller,
    id: i64,
    milestone: Input<NewMilestone>,
) -> Result<String, Error> {
    open_for_office(db, caller, id).await?;
    let m = milestone?;
    let taken_message = format!(
        "La tappa «{}» che inizia il {} è già nel calendario.",
        m.label,
        zona_core::format::date(m.dates.0)
    );
    let added = pis::add_milestone(db, &caller.actor, id, &m.label, m.dates, m.public).await;
    taken(added, taken_message)?;
    Ok(m.label)
}

/// A regional plan (PSSIR) with its general objectives.
pub struct NewRegionalPlan {
    pub period: Period,
    pub objectives: Vec<String>,
}

/// Records a regional plan of the caller's region; one starts in a year,
/// and its objectives have different titles. Returns its title.
pub async fn create_regional(
    db: &Db,
    caller: &Caller,
    plan: Input<NewRegionalPlan>,
) -> Result<String, Error> {
    let region = caller.regional_frame(db).await?;
    let plan = plan?;
    let (a, b) = plan.period;
    let title = format!("Piano sanitario e sociale integrato regionale {a}-{b}");
    let objectives: Vec<&str> = plan.objectives.iter().map(String::as_str).collect();
    match pis::create_regional_plan(db, &caller.actor, region, &title, (a, b), &objectives).await {
        Ok(_) => Ok(title),
        Err(StoreError::Duplicate {
            field: "period_start",
        }) => Err(Error::Refused(format!(
            "Esiste già un piano regionale che inizia nel {a}."
        ))),
        Err(StoreError::Duplicate { .. }) => {
            Err(Error::Refused("Due obiettivi hanno lo stesso nome.".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a general objective to a regional plan of the caller's region.
pub async fn add_regional_objective(
    db: &Db,
    caller: &Caller,
    id: i64,
    title: Input<String>,
) -> Result<String, Error> {
    let region = caller.regional_frame(db).await?;
    if !pis::regional_plans(db, region)
        .await?
        .iter()
        .any(|(p, _)| p.id == id)
    {
        return Err(Error::NotFound);
    }
    let title = title?;
    let added = pis::add_regional_objective(db, &caller.actor, id, &title).await;
    taken(added, format!("L'obiettivo «{title}» esiste già."))?;
    Ok(title)
}
