//! What citizens see of planning: the approved annual plans with their tree,
//! their sheets and their document. Nothing internal: no plan in
//! compilation, no internal notes, no review comments, no history.

use super::common::require;
use super::ctx::Ctx;
use super::export::download;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::poa::{self, PoaData};
use askama::Template;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{PlanStatus, Vocabulary};
use zona_store::planning::{self, AnnualPlanSummary, ObjectiveNode};
use zona_store::sheets::{self, PlanAct, Sheet};
use zona_store::vocabularies;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/piani", get(index))
        .route("/piani/poa/{year}", get(plan))
        .route("/piani/poa/{year}/documento.pdf", get(document))
        .route("/piani/scheda/{id}", get(sheet))
        .route("/profilo-di-salute", get(health_profile))
}

#[derive(Template)]
#[template(path = "health_profile.html")]
struct ProfilePage {
    page: PageCtx,
    year: Option<i64>,
    years: Vec<i64>,
    themes: Vec<zona_store::profile::Theme>,
}

impl ProfilePage {
    fn is_year(&self, y: &i64) -> bool {
        self.year == Some(*y)
    }
}

/// The zone's health profile, a year's themes with their critical issues
/// and strengths (`?anno=` picks the year; the latest by default). It is
/// public: the profile is published with the plan it grounds.
async fn health_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let years = zona_store::profile::years(&state.db, zone_id).await?;
    let year = match q.get("anno").map(String::as_str) {
        None | Some("") => years.first().copied(),
        Some(y) => Some(
            y.parse::<i64>()
                .ok()
                .filter(|y| years.contains(y))
                .ok_or(AppError::NotFound)?,
        ),
    };
    let themes = match year {
        Some(y) => zona_store::profile::themes(&state.db, zone_id, y).await?,
        None => Vec::new(),
    };
    let title = match year {
        Some(y) => format!("Profilo di salute {y}"),
        None => "Profilo di salute".to_string(),
    };
    Ok(render_page(&ProfilePage {
        page: PageCtx::new(&ctx, title),
        year,
        years,
        themes,
    }))
}

fn published(p: &AnnualPlanSummary) -> bool {
    p.status == PlanStatus::Approved
}

/// The public zone's approved plans.
async fn approved(state: &AppState, ctx: &Ctx) -> Result<(i64, Vec<AnnualPlanSummary>), AppError> {
    require(ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let plans = planning::annual_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .filter(published)
        .collect();
    Ok((zone_id, plans))
}

#[derive(Template)]
#[template(path = "public_plans.html")]
struct IndexPage {
    page: PageCtx,
    plans: Vec<AnnualPlanSummary>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, plans) = approved(&state, &ctx).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Piani approvati"),
        plans,
    }))
}

#[derive(Template)]
#[template(path = "public_plan.html")]
struct PlanPage {
    page: PageCtx,
    summary: AnnualPlanSummary,
    acts: Vec<PlanAct>,
    objectives: Vec<ObjectiveNode>,
    totals: std::collections::HashMap<i64, String>,
    total: String,
}

impl PlanPage {
    fn total_of(&self, id: &i64) -> String {
        self.totals.get(id).cloned().unwrap_or_default()
    }
}

async fn plan_of(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(i64, AnnualPlanSummary), AppError> {
    let (zone_id, plans) = approved(state, ctx).await?;
    let p = plans
        .into_iter()
        .find(|p| p.year == year)
        .ok_or(AppError::NotFound)?;
    Ok((zone_id, p))
}

async fn plan(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let data = PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut sums: std::collections::HashMap<i64, zona_core::Cents> =
        std::collections::HashMap::new();
    for l in &data.lines {
        sums.entry(l.activity_id).or_default().0 += l.amount.0;
    }
    let total: zona_core::Cents = data.lines.iter().map(|l| l.amount).sum();
    Ok(render_page(&PlanPage {
        page: PageCtx::new(&ctx, format!("Programmazione Operativa Annuale {year}"))
            .crumb("Piani approvati", "/piani"),
        acts: sheets::acts(&state.db, summary.id).await?,
        objectives: planning::tree(&state.db, summary.id).await?,
        totals: sums.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        total: total.to_string(),
        summary,
    }))
}

async fn document(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let data = PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = poa::pdf(&state.db, zone_id, &data).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"poa-{year}.pdf\""),
    )
}

#[derive(Template)]
#[template(path = "public_sheet.html")]
struct SheetPage {
    page: PageCtx,
    s: Sheet,
    sector: String,
    kind: String,
    areas: String,
    period: String,
    funding: Vec<(String, i64, String)>,
    total: String,
}

async fn sheet(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, plans) = approved(&state, &ctx).await?;
    let s = sheets::get_sheet(&state.db, id)
        .await?
        .filter(|s| s.row.zone_id == zone_id && plans.iter().any(|p| p.id == s.row.annual_plan_id))
        .ok_or(AppError::NotFound)?;
    let labels = vocabularies::all_labels(&state.db).await?;
    let c = &s.content;
    let label = |v: Vocabulary, x: &Option<String>| {
        x.as_deref()
            .map_or("—".to_string(), |x| labels.label(v, x).to_string())
    };
    Ok(render_page(&SheetPage {
        page: PageCtx::new(&ctx, c.title.clone())
            .crumb("Piani approvati", "/piani")
            .crumb(
                format!("POA {}", s.row.year),
                format!("/piani/poa/{}", s.row.year),
            ),
        sector: label(Vocabulary::Sector, &c.sector),
        kind: label(Vocabulary::InterventionKind, &c.kind),
        areas: c
            .target_areas
            .iter()
            .map(|a| labels.label(Vocabulary::TargetArea, a))
            .collect::<Vec<_>>()
            .join(", "),
        period: match (c.start_date, c.end_date) {
            (Some(a), Some(b)) => format!("dal {} al {}", format::date(a), format::date(b)),
            _ => "—".into(),
        },
        funding: c
            .funding
            .iter()
            .map(|f| {
                (
                    labels
                        .label(Vocabulary::FundingSource, &f.source)
                        .to_string(),
                    f.year,
                    f.amount.to_string(),
                )
            })
            .collect(),
        total: c.total().to_string(),
        s,
    }))
}
