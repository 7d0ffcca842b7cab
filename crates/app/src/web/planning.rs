//! Planning: the annual operating plans (POA) of the zone and their tree,
//! health objective → programme → activity sheet.

use super::admin::{require, zone_of};
use super::ctx::Ctx;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use zona_core::authz::Action;
use zona_store::planning::{self, Activity, AnnualPlanSummary, ObjectiveNode};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione", get(index))
        .route("/pianificazione/poa/{year}", get(tree))
        .route("/pianificazione/attivita/{id}", get(activity))
}

#[derive(Template)]
#[template(path = "planning_index.html")]
struct IndexPage {
    page: PageCtx,
    plans: Vec<AnnualPlanSummary>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let plans = planning::annual_plans(&state.db, zone_id).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Pianificazione"),
        plans,
    }))
}

#[derive(Template)]
#[template(path = "planning_tree.html")]
struct TreePage {
    page: PageCtx,
    year: i64,
    summary: AnnualPlanSummary,
    objectives: Vec<ObjectiveNode>,
}

async fn tree(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let summary = planning::annual_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .find(|p| p.year == year)
        .ok_or(AppError::NotFound)?;
    let objectives = planning::tree(&state.db, summary.id).await?;
    Ok(render_page(&TreePage {
        page: PageCtx::new(&ctx, format!("Programmazione Operativa Annuale {year}"))
            .crumb("Pianificazione", "/pianificazione"),
        year,
        summary,
        objectives,
    }))
}

#[derive(Template)]
#[template(path = "planning_activity.html")]
struct ActivityPage {
    page: PageCtx,
    a: Activity,
}

/// One activity sheet, read-only for now.
async fn activity(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let a = planning::get_activity(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::admin::same_zone(&ctx, a.zone_id)?;
    let page = PageCtx::new(&ctx, format!("{} {}", a.code, a.title))
        .crumb("Pianificazione", "/pianificazione")
        .crumb(
            format!("POA {}", a.year),
            format!("/pianificazione/poa/{}", a.year),
        );
    Ok(render_page(&ActivityPage { page, a }))
}
