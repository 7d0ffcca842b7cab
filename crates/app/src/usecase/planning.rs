//! Annual operating plans (POA): a plan of the caller's zone by its year,
//! and its approval by the mayors' conference.
//!
//! A plan is approved once every sheet is accepted
//! (`zona_core::planning::can_approve`); from then on it is read-only and a
//! change is an amendment with its act (`usecase::sheets`).

use super::{Caller, Error, Input};
use time::Date;
use zona_core::authz::Action;
use zona_core::planning::{can_approve, ActKind, PlanStatus, SheetStatus};
use zona_store::planning::{self, AnnualPlanSummary};
use zona_store::sheets::{self, ActInput};
use zona_store::{pis, Db, StoreError};

/// The plan of `year` of the caller's zone, for its internal readers.
pub async fn open_plan(db: &Db, caller: &Caller, year: i64) -> Result<AnnualPlanSummary, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    planning::annual_plan(db, zone_id, year)
        .await?
        .ok_or(Error::NotFound)
}

/// The plan of `year`, for the planning office while it is still open.
pub async fn open_for_approval(
    db: &Db,
    caller: &Caller,
    year: i64,
) -> Result<AnnualPlanSummary, Error> {
    let plan = open_plan(db, caller, year).await?;
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    if plan.status == PlanStatus::Approved {
        return Err(Error::Refused(format!(
            "La Programmazione Operativa Annuale {year} è già approvata."
        )));
    }
    Ok(plan)
}

/// Why the plan cannot be approved yet, in Italian; `None` when it can.
pub async fn approval_block(db: &Db, plan_id: i64) -> Result<Option<String>, Error> {
    let statuses: Vec<SheetStatus> = sheets::status_counts(db, plan_id)
        .await?
        .into_iter()
        .flat_map(|(s, n)| std::iter::repeat_n(s, usize::try_from(n).unwrap_or(0)))
        .collect();
    Ok(can_approve(&statuses).err())
}

/// The act that approves a plan.
#[derive(Clone, Debug)]
pub struct ApprovalAct {
    /// Who issued it, e.g. the mayors' conference.
    pub issuer: String,
    pub number: String,
    pub date: Date,
    pub description: Option<String>,
}

/// Approves the plan of `year` with its act. The store checks again, in
/// its transaction, that the plan is still open and every sheet accepted.
pub async fn approve(
    db: &Db,
    caller: &Caller,
    year: i64,
    act: Input<ApprovalAct>,
) -> Result<(), Error> {
    let plan = open_for_approval(db, caller, year).await?;
    let act = act?;
    if let Some(reason) = approval_block(db, plan.id).await? {
        return Err(Error::Refused(reason));
    }
    let act = ActInput {
        kind: ActKind::Approval,
        issuer: act.issuer,
        number: act.number,
        act_date: act.date,
        description: act.description,
    };
    sheets::approve_plan(db, &caller.actor, plan.id, &act).await?;
    super::notify::tell(db, super::notify::Event::PlanApproved(plan.id)).await;
    Ok(())
}

/// A programme of a plan, under one of its PIS's health objectives.
pub struct NewProgramme {
    pub health_objective_id: i64,
    pub title: String,
}

/// Adds a programme at the end of an open plan's; its objective must be one
/// of the plan's PIS and its title unique in the plan. Returns the title.
pub async fn add_programme(
    db: &Db,
    caller: &Caller,
    year: i64,
    programme: Input<NewProgramme>,
) -> Result<String, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    let plan = open_plan(db, caller, year).await?;
    let info = sheets::plan_info(db, plan.id).await?;
    if info.status() == PlanStatus::Approved {
        return Err(Error::Refused(
            "La programmazione è approvata: non si aggiungono programmi.".into(),
        ));
    }
    let p = programme?;
    let objectives = pis::health_objectives(db, info.health_plan_id).await?;
    if !objectives.iter().any(|o| o.id == p.health_objective_id) {
        return Err(Error::Refused(
            "Programma: scegliere l'obiettivo di salute.".into(),
        ));
    }
    let new = planning::NewProgramme {
        health_objective_id: p.health_objective_id,
        position: planning::programmes(db, plan.id).await?.len() as i64 + 1,
        title: p.title,
        previous_id: None,
    };
    match planning::add_programme(db, &caller.actor, zone_id, plan.id, &new).await {
        Err(StoreError::Duplicate { .. }) => Err(Error::Refused(format!(
            "Il programma «{}» esiste già.",
            new.title
        ))),
        other => {
            other?;
            Ok(new.title)
        }
    }
}

/// The zone's latest plan, the one a new year starts from, for its office.
pub async fn latest_plan(db: &Db, caller: &Caller) -> Result<AnnualPlanSummary, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    planning::annual_plans(db, zone_id)
        .await?
        .into_iter()
        .max_by_key(|p| p.year)
        .ok_or_else(|| {
            Error::Refused("La zona non ha ancora una programmazione da cui partire.".into())
        })
}

/// Opens the plan of the year after the latest, with its programmes and
/// the sheets named in `continuing` carried over, to be filled in again.
/// Returns the latest plan's year and the new one's.
pub async fn roll_over(db: &Db, caller: &Caller, continuing: &[i64]) -> Result<(i64, i64), Error> {
    let from = latest_plan(db, caller).await?;
    let to_year = from.year + 1;
    match sheets::roll_over(db, &caller.actor, from.id, to_year, continuing).await {
        Err(StoreError::Duplicate { .. }) => {
            Err(Error::Refused(format!("Il POA {to_year} esiste già.")))
        }
        other => {
            other?;
            Ok((from.year, to_year))
        }
    }
}

/// The sheets of the open plans the caller has to act on: for the planning
/// office, the sheets sent for its review; for a unit's Referente, its units'
/// sheets, the returned ones first (they carry the office's comments), then
/// those to fill, then those under review and accepted. Each with its plan's
/// year.
pub async fn work_sheets(
    db: &Db,
    caller: &Caller,
) -> Result<Vec<(i64, sheets::SheetSummary)>, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let office = caller.allows(Action::Administer { zone_id });
    let unit_ids = caller
        .principal
        .as_ref()
        .map(|p| p.unit_ids())
        .unwrap_or_default();
    let mut out = Vec::new();
    for plan in planning::annual_plans(db, zone_id).await? {
        if plan.status != PlanStatus::Open {
            continue;
        }
        let queries: Vec<sheets::SheetQuery> = if office {
            vec![sheets::SheetQuery {
                status: Some(SheetStatus::Submitted),
                ..Default::default()
            }]
        } else {
            unit_ids
                .iter()
                .map(|u| sheets::SheetQuery {
                    unit_id: Some(*u),
                    ..Default::default()
                })
                .collect()
        };
        for q in queries {
            let (rows, _) = sheets::list_sheets(db, plan.id, &q, zona_store::Page::all()).await?;
            out.extend(rows.into_iter().map(|r| (plan.year, r)));
        }
    }
    let rank = |s: SheetStatus| match s {
        SheetStatus::Returned => 0,
        SheetStatus::ToFill => 1,
        SheetStatus::Submitted => 2,
        SheetStatus::Accepted => 3,
    };
    out.sort_by_key(|(year, r)| (rank(r.status), *year, r.code.clone()));
    Ok(out)
}
