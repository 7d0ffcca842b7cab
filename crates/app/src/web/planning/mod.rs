//! Planning: the annual operating plans (POA) of the zone, their tree, the
//! list of sheets, the integrated budget, the approval, and a unit's sheets.

use super::common::{query_string, require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::poa::{self, PoaData};
use crate::usecase::planning as usecase;
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{BudgetAxis, PlanStatus, SheetStatus, Vocabularies, Vocabulary};
use zona_core::validation::{optional_text, required_text};
use zona_core::{Cents, FieldErrors};
use zona_reports::ExportFormat;
use zona_store::planning::{self, AnnualPlanSummary, ObjectiveNode};
use zona_store::sheets::{self, PlanAct, SheetQuery, SheetSummary};
use zona_store::territory::ListQuery;
use zona_store::{organisations, vocabularies, Page};

mod approval;
mod lists;
mod rollover;

use approval::*;
use lists::*;
use rollover::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione", get(index))
        .route("/pianificazione/mie-schede", get(my_sheets))
        .route("/pianificazione/poa/{year}", get(tree))
        .route("/pianificazione/poa/{year}/schede", get(sheet_list))
        .route(
            "/pianificazione/poa/{year}/schede/esporta",
            get(sheet_export),
        )
        .route("/pianificazione/poa/{year}/bilancio", get(budget))
        .route("/pianificazione/poa/{year}/scadenze", post(add_deadline))
        .route(
            "/pianificazione/poa/{year}/scadenze/{id}/elimina",
            get(confirm_delete_deadline).post(delete_deadline),
        )
        .route(
            "/pianificazione/poa/{year}/bilancio/esporta",
            get(budget_export),
        )
        .route("/pianificazione/poa/{year}/esporta", get(workbook))
        .route("/pianificazione/poa/{year}/documento.pdf", get(document))
        .route(
            "/pianificazione/poa/{year}/approvazione",
            get(approve_form).post(approve),
        )
        .route("/pianificazione/poa/{year}/confronto", get(compare))
        .route(
            "/pianificazione/poa/{year}/programmi",
            axum::routing::post(add_programme),
        )
        .route(
            "/pianificazione/nuovo-anno",
            get(rollover_form).post(rollover),
        )
        .merge(super::sheets::routes())
}

#[derive(Template)]
#[template(path = "planning_index.html")]
struct IndexPage {
    page: PageCtx,
    plans: Vec<AnnualPlanSummary>,
    has_units: bool,
    next_year: Option<i64>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let plans = planning::annual_plans(&state.db, zone_id).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Pianificazione"),
        has_units: ctx
            .principal
            .as_ref()
            .is_some_and(|p| !p.unit_ids().is_empty()),
        next_year: ctx
            .allows(Action::Administer { zone_id })
            .then(|| plans.iter().map(|p| p.year).max().map(|y| y + 1))
            .flatten(),
        plans,
    }))
}

/// The plan of a year in the user's zone, for readers of internal data.
async fn plan_of(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(i64, AnnualPlanSummary), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let summary = planning::annual_plan(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((zone_id, summary))
}

fn plan_crumbs(ctx: &Ctx, title: String, year: i64) -> PageCtx {
    PageCtx::new(ctx, title)
        .crumb("Pianificazione", "/pianificazione")
        .crumb(format!("POA {year}"), format!("/pianificazione/poa/{year}"))
}

struct UnitProgress {
    name: String,
    total: usize,
    accepted: usize,
    submitted: usize,
    open: usize,
}

#[derive(Template)]
#[template(path = "planning_tree.html")]
struct TreePage {
    page: PageCtx,
    year: i64,
    summary: AnnualPlanSummary,
    plan_status: PlanStatus,
    objectives: Vec<ObjectiveNode>,
    counts: Vec<(SheetStatus, i64)>,
    units: Vec<UnitProgress>,
    acts: Vec<PlanAct>,
    total: String,
    office: bool,
    /// The PIS's health objectives, for a new programme.
    pis_objectives: Vec<zona_store::pis::ObjectiveRef>,
    /// Whether the zone has the previous year's plan to compare with.
    has_previous: bool,
    /// The critical issues of the health profile each programme answers.
    answers: std::collections::HashMap<i64, Vec<zona_store::profile::Answered>>,
    /// The plan's deadlines, each with whether it has passed.
    deadlines: Vec<(zona_store::deadlines::Deadline, bool)>,
}

async fn tree(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let summary_id = summary.id;
    let objectives = planning::tree(&state.db, summary.id).await?;
    let info = sheets::plan_info(&state.db, summary.id).await?;
    let counts = sheets::status_counts(&state.db, summary.id).await?;
    let (rows, _) =
        sheets::list_sheets(&state.db, summary.id, &SheetQuery::default(), Page::all()).await?;
    let mut units: Vec<UnitProgress> = Vec::new();
    for r in &rows {
        let name = r
            .unit_name
            .clone()
            .or_else(|| r.organisation_name.clone())
            .unwrap_or_else(|| "Non assegnate".into());
        let i = match units.iter().position(|u| u.name == name) {
            Some(i) => i,
            None => {
                units.push(UnitProgress {
                    name,
                    total: 0,
                    accepted: 0,
                    submitted: 0,
                    open: 0,
                });
                units.len() - 1
            }
        };
        let u = &mut units[i];
        u.total += 1;
        match r.status {
            SheetStatus::Accepted => u.accepted += 1,
            SheetStatus::Submitted => u.submitted += 1,
            SheetStatus::ToFill | SheetStatus::Returned => u.open += 1,
        }
    }
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let total: Cents = rows.iter().map(SheetSummary::total).sum();
    Ok(render_page(&TreePage {
        page: PageCtx::new(&ctx, format!("Programmazione Operativa Annuale {year}"))
            .crumb("Pianificazione", "/pianificazione"),
        year,
        plan_status: info.status(),
        acts: sheets::acts(&state.db, summary.id).await?,
        summary,
        objectives,
        counts,
        units,
        total: total.to_string(),
        office: ctx.allows(Action::Administer { zone_id }),
        pis_objectives: zona_store::pis::health_objectives(&state.db, info.health_plan_id).await?,
        has_previous: planning::annual_plan_id(&state.db, zone_id, year - 1)
            .await?
            .is_some(),
        answers: zona_store::profile::answered_in_plan(&state.db, summary_id).await?,
        deadlines: crate::usecase::deadlines::of_plan(&state.db, &ctx.caller(), year)
            .await?
            .into_iter()
            .map(|d| {
                let past = d.due_on < state.today();
                (d, past)
            })
            .collect(),
    }))
}

/// A new deadline of the plan, as sent.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct DeadlineForm {
    kind: String,
    label: String,
    due_on: String,
}

async fn add_deadline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(form): Form<DeadlineForm>,
) -> PageResult {
    let input = zona_core::planning::DeadlineInput::parse(&form.kind, &form.label, &form.due_on);
    let done = input.as_ref().ok().map(|d| {
        format!(
            "Scadenza «{}» fissata al {}.",
            d.label,
            zona_core::format::date(d.due_on)
        )
    });
    let back = format!("/pianificazione/poa/{year}#deadlines-heading");
    let refused = |m: String| {
        Ok(with_flash(
            Redirect::to(&back),
            FlashKind::Danger,
            &format!("Scadenza non aggiunta. {m}"),
        ))
    };
    match crate::usecase::deadlines::add(&state.db, &ctx.caller(), year, input).await {
        Ok(_) => Ok(with_flash(
            Redirect::to(&back),
            FlashKind::Success,
            &done.unwrap_or_default(),
        )),
        Err(Error::Invalid(e)) => refused(
            e.iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Err(Error::Refused(m)) => refused(m),
        Err(e) => Err(e.into()),
    }
}

/// A new programme of an open plan, as sent.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ProgrammeForm {
    objective_id: String,
    title: String,
}

impl ProgrammeForm {
    fn parse(&self) -> Result<usecase::NewProgramme, FieldErrors> {
        let mut e = FieldErrors::new();
        let objective =
            super::forms::choice_id(&self.objective_id, "objective_id", &mut FieldErrors::new());
        if objective.is_none() {
            e.add(
                "objective_id",
                "Programma: scegliere l'obiettivo di salute.",
            );
        }
        let title = e.check(
            "title",
            required_text(&self.title, 300).map_err(|m| format!("Programma: {m}")),
        );
        match (objective, title) {
            (Some(health_objective_id), Some(title)) => Ok(usecase::NewProgramme {
                health_objective_id,
                title,
            }),
            _ => Err(e),
        }
    }
}

/// A new programme of an open plan, under one of its PIS's health objectives.
async fn add_programme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(form): Form<ProgrammeForm>,
) -> PageResult {
    let outcome = usecase::add_programme(&state.db, &ctx.caller(), year, form.parse()).await;
    let to = |kind, m: &str| {
        Ok(with_flash(
            Redirect::to(&format!("/pianificazione/poa/{year}")),
            kind,
            m,
        ))
    };
    match outcome {
        Ok(title) => to(
            FlashKind::Success,
            &format!("Programma «{title}» aggiunto."),
        ),
        Err(Error::Refused(m)) => to(FlashKind::Danger, &m),
        Err(Error::Invalid(e)) => {
            let m = e
                .iter()
                .next()
                .map_or(String::new(), |(_, m)| m.to_string());
            to(FlashKind::Danger, &m)
        }
        Err(e) => Err(e.into()),
    }
}

async fn confirm_delete_deadline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, id)): Path<(i64, i64)>,
) -> PageResult {
    let d = crate::usecase::deadlines::of_plan(&state.db, &ctx.caller(), year)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound)?;
    if !ctx.allows(Action::Administer { zone_id: d.zone_id }) {
        return Err(AppError::Forbidden);
    }
    Ok(render_page(&super::views::ConfirmPage {
        page: PageCtx::new(&ctx, "Elimina la scadenza")
            .crumb("Pianificazione", "/pianificazione")
            .crumb(format!("POA {year}"), format!("/pianificazione/poa/{year}")),
        heading: "Elimina la scadenza".into(),
        text: format!(
            "La scadenza «{}» del {} sarà eliminata e non comparirà più nei calendari e nei promemoria.",
            d.label,
            zona_core::format::date(d.due_on)
        ),
        action: format!("/pianificazione/poa/{year}/scadenze/{id}/elimina"),
        confirm_label: "Elimina",
        cancel_href: format!("/pianificazione/poa/{year}#deadlines-heading"),
        destructive: true,
    }))
}

async fn delete_deadline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, id)): Path<(i64, i64)>,
) -> PageResult {
    let d = crate::usecase::deadlines::delete(&state.db, &ctx.caller(), id).await?;
    Ok(with_flash(
        Redirect::to(&format!("/pianificazione/poa/{year}#deadlines-heading")),
        FlashKind::Success,
        &format!("Scadenza «{}» eliminata.", d.label),
    ))
}
