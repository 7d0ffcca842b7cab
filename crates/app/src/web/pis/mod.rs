//! The integrated health plan (PIS) and its regional frame (PSSIR): the four
//! sections of the plan, the links of its health objectives, its acts and
//! timeline. Reading is for every internal role; the planning office edits.

mod input;

use super::common::{require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::usecase::pis as usecase;
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use input::{
    ActForm, KnowledgeForm, LineForm, LinksForm, MilestoneForm, PeriodForm, RegionalPlanForm,
    TitleForm,
};
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{ActKind, HealthPlanStatus};
use zona_store::pis::{
    self, HealthPlanDetail, Milestone, RegionalObjective, RegionalPlan, StrategicLine,
};
use zona_store::planning;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione/pis", get(list))
        .route("/pianificazione/pis/nuovo", post(create_plan))
        .route("/pianificazione/pis/{id}/obiettivi", post(add_objective))
        .route("/pianificazione/pssir/nuovo", post(create_regional))
        .route("/pianificazione/pis/{id}", get(detail))
        .route("/pianificazione/pis/{id}/conoscitiva", post(save_knowledge))
        .route("/pianificazione/pis/{id}/linee", post(add_line))
        .route(
            "/pianificazione/pis/{id}/obiettivi/{objective}/collegamenti",
            post(save_links),
        )
        .route("/pianificazione/pis/{id}/tappe", post(add_milestone))
        .route("/pianificazione/pis/{id}/atti", post(add_act))
        .route("/pianificazione/pssir", get(regional))
        .route(
            "/pianificazione/pssir/{id}/obiettivi",
            post(add_regional_objective),
        )
}

async fn region_of(state: &AppState, zone_id: i64) -> Result<i64, AppError> {
    Ok(usecase::region_of(&state.db, zone_id).await?)
}

#[derive(Template)]
#[template(path = "pis_list.html")]
struct ListPage {
    page: PageCtx,
    plans: Vec<(HealthPlanDetail, &'static str)>,
    office: bool,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let plans = pis::health_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .map(|p| {
            let label = p.status.label();
            (p, label)
        })
        .collect();
    Ok(render_page(&ListPage {
        page: PageCtx::new(&ctx, "Piani Integrati di Salute")
            .crumb("Pianificazione", "/pianificazione"),
        plans,
        office: ctx.allows(Action::Administer { zone_id }),
    }))
}

struct ObjectiveView {
    id: i64,
    title: String,
    regional: Vec<(i64, String, bool)>,
    lines: Vec<(i64, String, bool)>,
    /// The health profile's critical issues it answers, itself or through
    /// its programmes and their sheets.
    answers: Vec<zona_store::profile::Answered>,
}

#[derive(Template)]
#[template(path = "pis_detail.html")]
struct DetailPage {
    page: PageCtx,
    p: HealthPlanDetail,
    status: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    regional_plans: Vec<(RegionalPlan, Vec<RegionalObjective>)>,
    frame: Option<RegionalPlan>,
    lines: Vec<StrategicLine>,
    objectives: Vec<ObjectiveView>,
    annual_plans: Vec<(i64, &'static str)>,
    timeline: Vec<(String, String, bool)>,
    act_kinds: Vec<(&'static str, &'static str)>,
    office: bool,
    /// The health profile the plan's knowledge section rests on: the
    /// latest year before the plan starts (or its first), with its themes.
    profile: Option<(i64, Vec<zona_store::profile::Theme>)>,
}

impl DetailPage {
    fn is_frame(&self, id: &i64) -> bool {
        self.p.regional_plan_id == Some(*id)
    }
}

fn period(m: &Milestone) -> String {
    match m.ends_on {
        Some(e) if e != m.starts_on => {
            format!("dal {} al {}", format::date(m.starts_on), format::date(e))
        }
        _ => format::date(m.starts_on),
    }
}

async fn load_plan(state: &AppState, ctx: &Ctx, id: i64) -> Result<HealthPlanDetail, AppError> {
    Ok(usecase::open(&state.db, &ctx.caller(), id).await?)
}

/// The plan's health objectives, each with the regional objectives and the
/// strategic lines it may link to, ticked where it does.
async fn objective_views(
    state: &AppState,
    id: i64,
    frame_objectives: &[RegionalObjective],
    lines: &[StrategicLine],
) -> Result<Vec<ObjectiveView>, AppError> {
    let links = pis::objective_links(&state.db, id).await?;
    let mut answers = zona_store::profile::answered_by_objectives(&state.db, id).await?;
    Ok(pis::health_objectives(&state.db, id)
        .await?
        .into_iter()
        .map(|o| ObjectiveView {
            regional: frame_objectives
                .iter()
                .map(|r| {
                    (
                        r.id,
                        r.title.clone(),
                        links.iter().any(|l| l.0 == o.id && l.1 == Some(r.id)),
                    )
                })
                .collect(),
            lines: lines
                .iter()
                .map(|l| {
                    (
                        l.id,
                        l.title.clone(),
                        links.iter().any(|k| k.0 == o.id && k.2 == Some(l.id)),
                    )
                })
                .collect(),
            answers: answers.remove(&o.id).unwrap_or_default(),
            id: o.id,
            title: o.title,
        })
        .collect())
}

/// The plan's milestones and acts, in the order of their dates: when, what,
/// and whether the public sees it.
async fn timeline(state: &AppState, id: i64) -> Result<Vec<(String, String, bool)>, AppError> {
    // Milestones and acts, in the order of their dates.
    let mut dated: Vec<(time::Date, String, String, bool)> = pis::milestones(&state.db, id)
        .await?
        .iter()
        .map(|m| (m.starts_on, period(m), m.label.clone(), m.public))
        .collect();
    for a in pis::acts(&state.db, id).await? {
        dated.push((
            a.act_date,
            a.date_label(),
            format!("{}: {}, n. {}", a.kind_label(), a.issuer, a.number),
            true,
        ));
    }
    dated.sort_by_key(|d| d.0);
    Ok(dated
        .into_iter()
        .map(|(_, when, what, public)| (when, what, public))
        .collect())
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let p = load_plan(&state, &ctx, id).await?;
    let regional_plans =
        pis::regional_plans(&state.db, region_of(&state, p.zone_id).await?).await?;
    let frame = regional_plans
        .iter()
        .find(|(r, _)| Some(r.id) == p.regional_plan_id)
        .map(|(r, _)| r.clone());
    let frame_objectives: Vec<RegionalObjective> = regional_plans
        .iter()
        .find(|(r, _)| Some(r.id) == p.regional_plan_id)
        .map(|(_, o)| o.clone())
        .unwrap_or_default();
    let lines = pis::strategic_lines(&state.db, id).await?;
    let objectives = objective_views(&state, id, &frame_objectives, &lines).await?;
    let annual_plans = planning::annual_plans(&state.db, p.zone_id)
        .await?
        .into_iter()
        .filter(|a| a.health_plan_title == p.title)
        .map(|a| {
            let label = a.status_label();
            (a.year, label)
        })
        .collect();
    let timeline = timeline(&state, id).await?;
    let status = p.status.label();
    let profile_year = zona_store::profile::years(&state.db, p.zone_id)
        .await?
        .into_iter()
        .find(|y| *y <= p.period_start);
    let profile = match profile_year {
        Some(y) => Some((
            y,
            zona_store::profile::themes(&state.db, p.zone_id, y).await?,
        )),
        None => None,
    };
    Ok(render_page(&DetailPage {
        profile,
        page: PageCtx::new(&ctx, p.title.clone())
            .crumb("Pianificazione", "/pianificazione")
            .crumb("Piani Integrati di Salute", "/pianificazione/pis"),
        status,
        statuses: HealthPlanStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        regional_plans,
        frame,
        lines,
        objectives,
        annual_plans,
        timeline,
        act_kinds: [ActKind::Start, ActKind::Approval]
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        office: ctx.allows(Action::Administer { zone_id: p.zone_id }),
        p,
    }))
}

/// The planning office's forms come back to the plan's page with a message.
fn back(id: i64, kind: FlashKind, message: &str) -> Response {
    with_flash(Redirect::to(&plan_url(id)), kind, message)
}

/// The list of the zone's plans, and the page of the regional plans.
const PLANS: &str = "/pianificazione/pis";
const REGIONAL: &str = "/pianificazione/pssir";

fn plan_url(id: i64) -> String {
    format!("{PLANS}/{id}")
}

/// The answer to a change on the plan's page: a message on the page.
fn answer(id: i64, outcome: Result<(), Error>, saved: &str) -> PageResult {
    answer_to(&plan_url(id), outcome, |()| saved.to_string())
}

/// The answer to a small form: back to the page `to` with what was done, or
/// with why not (the first error of the form, a rule's refusal, a conflict).
fn answer_to<T>(to: &str, outcome: Result<T, Error>, done: impl FnOnce(T) -> String) -> PageResult {
    let back = |kind, msg: &str| Ok(with_flash(Redirect::to(to), kind, msg));
    match outcome {
        Ok(v) => back(FlashKind::Success, &done(v)),
        Err(Error::Refused(m)) => back(FlashKind::Danger, &m),
        Err(Error::Invalid(e)) => {
            let m = e.iter().next().map_or(String::new(), |(_, m)| m.to_string());
            back(FlashKind::Danger, &m)
        }
        Err(Error::Conflict) => back(
            FlashKind::Warning,
            "Il piano è stato modificato da un'altra persona dopo che hai aperto la pagina: le tue modifiche non sono state salvate. Ricontrolla e salva di nuovo.",
        ),
        Err(e) => Err(e.into()),
    }
}

async fn save_knowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<KnowledgeForm>,
) -> PageResult {
    let version: i64 = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Versione del piano mancante.".into()))?;
    let outcome =
        usecase::save_knowledge(&state.db, &ctx.caller(), id, version, form.parse()).await;
    answer(
        id,
        outcome,
        "Sezione conoscitiva e quadro del piano salvati.",
    )
}

async fn add_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<LineForm>,
) -> PageResult {
    let outcome = usecase::add_line(&state.db, &ctx.caller(), id, form.parse()).await;
    answer_to(&plan_url(id), outcome, |title| {
        format!("Linea strategica «{title}» aggiunta.")
    })
}

async fn save_links(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, objective)): Path<(i64, i64)>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<LinksForm>,
) -> PageResult {
    let (regional, lines) = form
        .parse()
        .ok_or_else(|| AppError::BadRequest("Collegamento non valido.".into()))?;
    let caller = ctx.caller();
    match usecase::set_links(&state.db, &caller, (id, objective), &regional, &lines).await {
        Ok(()) => Ok(back(
            id,
            FlashKind::Success,
            "Collegamenti dell'obiettivo di salute salvati.",
        )),
        Err(Error::Refused(m)) => Err(AppError::BadRequest(m)),
        Err(e) => Err(e.into()),
    }
}

async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<MilestoneForm>,
) -> PageResult {
    let outcome = usecase::add_milestone(&state.db, &ctx.caller(), id, form.parse()).await;
    answer_to(&plan_url(id), outcome, |label| {
        format!("Tappa «{label}» aggiunta al cronoprogramma.")
    })
}

async fn add_act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> PageResult {
    let outcome = usecase::add_act(&state.db, &ctx.caller(), id, form.parse()).await;
    answer(id, outcome, "Atto registrato.")
}

#[derive(Template)]
#[template(path = "pis_regional.html")]
struct RegionalPage {
    page: PageCtx,
    plans: Vec<(RegionalPlan, Vec<RegionalObjective>)>,
    office: bool,
}

async fn regional(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    Ok(render_page(&RegionalPage {
        page: PageCtx::new(&ctx, "Piano sanitario e sociale integrato regionale")
            .crumb("Pianificazione", "/pianificazione"),
        plans: pis::regional_plans(&state.db, region_of(&state, zone_id).await?).await?,
        office: ctx.edits_frame(),
    }))
}

async fn add_regional_objective(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TitleForm>,
) -> PageResult {
    let title = form.parse("Obiettivo regionale");
    let outcome = usecase::add_regional_objective(&state.db, &ctx.caller(), id, title).await;
    answer_to(REGIONAL, outcome, |title| {
        format!("Obiettivo «{title}» aggiunto.")
    })
}

async fn create_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PeriodForm>,
) -> PageResult {
    match usecase::create_plan(&state.db, &ctx.caller(), form.parse()).await {
        Ok((id, title)) => Ok(back(
            id,
            FlashKind::Success,
            &format!("{title} creato, in preparazione."),
        )),
        outcome => answer_to(PLANS, outcome, |_| String::new()),
    }
}

async fn add_objective(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TitleForm>,
) -> PageResult {
    let title = form.parse("Obiettivo di salute");
    let outcome = usecase::add_objective(&state.db, &ctx.caller(), id, title).await;
    answer_to(&plan_url(id), outcome, |title| {
        format!("Obiettivo di salute «{title}» aggiunto.")
    })
}

async fn create_regional(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RegionalPlanForm>,
) -> PageResult {
    let count = form
        .objectives
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let outcome = usecase::create_regional(&state.db, &ctx.caller(), form.parse()).await;
    answer_to(REGIONAL, outcome, |title| {
        format!("{title} registrato con {count} obiettivi.")
    })
}
