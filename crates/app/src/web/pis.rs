//! The integrated health plan (PIS) and its regional frame (PSSIR): the four
//! sections of the plan, the links of its health objectives, its acts and
//! timeline. Reading is for every internal role; the planning office edits.

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
use serde::Deserialize;
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{ActKind, HealthPlanStatus};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::pis::{
    self, HealthPlanDetail, Milestone, RegionalObjective, RegionalPlan, StrategicLine,
};
use zona_store::sheets::ActInput;
use zona_store::{planning, StoreError};

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
    let links = pis::objective_links(&state.db, id).await?;
    let objectives = pis::health_objectives(&state.db, id)
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
            id: o.id,
            title: o.title,
        })
        .collect();
    let annual_plans = planning::annual_plans(&state.db, p.zone_id)
        .await?
        .into_iter()
        .filter(|a| a.health_plan_title == p.title)
        .map(|a| {
            let label = a.status_label();
            (a.year, label)
        })
        .collect();
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
    let timeline = dated
        .into_iter()
        .map(|(_, when, what, public)| (when, what, public))
        .collect();
    let status = p.status.label();
    Ok(render_page(&DetailPage {
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
    with_flash(
        Redirect::to(&format!("/pianificazione/pis/{id}")),
        kind,
        message,
    )
}

async fn office_plan(state: &AppState, ctx: &Ctx, id: i64) -> Result<HealthPlanDetail, AppError> {
    Ok(usecase::open_for_office(&state.db, &ctx.caller(), id).await?)
}

/// The answer to a change on the plan's page: a message on the page.
fn answer(id: i64, outcome: Result<(), Error>, saved: &str) -> PageResult {
    match outcome {
        Ok(()) => Ok(back(id, FlashKind::Success, saved)),
        Err(Error::Refused(m)) => Ok(back(id, FlashKind::Danger, &m)),
        Err(Error::Invalid(e)) => {
            let m = e.iter().next().map_or(String::new(), |(_, m)| m.to_string());
            Ok(back(id, FlashKind::Danger, &m))
        }
        Err(Error::Conflict) => Ok(back(
            id,
            FlashKind::Warning,
            "Il piano è stato modificato da un'altra persona dopo che hai aperto la pagina: le tue modifiche non sono state salvate. Ricontrolla e salva di nuovo.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The plan's frame and knowledge section as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
struct KnowledgeForm {
    status: String,
    regional_plan_id: String,
    health_profile: String,
    services_profile: String,
    documents: String,
    version: String,
}

impl KnowledgeForm {
    fn parse(&self) -> Result<pis::KnowledgeInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let status = HealthPlanStatus::from_code(self.status.trim());
        if status.is_none() {
            e.add("status", "Stato del piano non valido.");
        }
        let regional_plan_id =
            super::forms::choice_id(&self.regional_plan_id, "regional_plan_id", &mut e);
        let mut text = |k: &str, label: &str, v: &str| {
            let r = optional_text(v, 20_000).map_err(|m| format!("{label}: {m}"));
            e.check(k, r).flatten()
        };
        let health_profile = text("health_profile", "Profilo di salute", &self.health_profile);
        let services_profile = text(
            "services_profile",
            "Profilo dei servizi",
            &self.services_profile,
        );
        let documents = text("documents", "Documenti", &self.documents);
        match status {
            Some(status) if e.is_empty() => Ok(pis::KnowledgeInput {
                status,
                regional_plan_id,
                health_profile,
                services_profile,
                documents,
            }),
            _ => Err(e),
        }
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
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    office_plan(&state, &ctx, id).await?;
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let title = match required_text(&get("title"), 300) {
        Ok(t) => t,
        Err(e) => {
            return Ok(back(
                id,
                FlashKind::Danger,
                &format!("Linea strategica: {e}"),
            ))
        }
    };
    let description = optional_text(&get("description"), 5_000).ok().flatten();
    match pis::add_strategic_line(&state.db, &ctx.actor(), id, &title, description.as_deref()).await
    {
        Ok(_) => Ok(back(
            id,
            FlashKind::Success,
            &format!("Linea strategica «{title}» aggiunta."),
        )),
        Err(StoreError::Duplicate { .. }) => Ok(back(
            id,
            FlashKind::Danger,
            &format!("La linea strategica «{title}» esiste già."),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The links of a health objective as sent: `regionale=<id>` and
/// `linea=<id>`, once per ticked box.
async fn save_links(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, objective)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let ids = |key: &str| -> Result<Vec<i64>, AppError> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| {
                v.parse::<i64>()
                    .map_err(|_| AppError::BadRequest("Collegamento non valido.".into()))
            })
            .collect()
    };
    let (regional, lines) = (ids("regionale")?, ids("linea")?);
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
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    office_plan(&state, &ctx, id).await?;
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let label = match required_text(&get("label"), 300) {
        Ok(t) => t,
        Err(e) => return Ok(back(id, FlashKind::Danger, &format!("Tappa: {e}"))),
    };
    let starts = match format::parse_date(&get("starts_on")) {
        Ok(d) => d,
        Err(e) => {
            return Ok(back(
                id,
                FlashKind::Danger,
                &format!("Data di inizio della tappa: {e}"),
            ))
        }
    };
    let ends = match get("ends_on").trim() {
        "" => None,
        s => match format::parse_date(s) {
            Ok(d) if d >= starts => Some(d),
            Ok(_) => {
                return Ok(back(
                    id,
                    FlashKind::Danger,
                    "La fine della tappa non può precedere l'inizio.",
                ))
            }
            Err(e) => {
                return Ok(back(
                    id,
                    FlashKind::Danger,
                    &format!("Data di fine della tappa: {e}"),
                ))
            }
        },
    };
    pis::add_milestone(
        &state.db,
        &ctx.actor(),
        id,
        &label,
        (starts, ends),
        get("public") == "1",
    )
    .await?;
    Ok(back(
        id,
        FlashKind::Success,
        &format!("Tappa «{label}» aggiunta al cronoprogramma."),
    ))
}

/// An act of the plan as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ActForm {
    kind: String,
    issuer: String,
    number: String,
    act_date: String,
    description: String,
}

impl ActForm {
    fn parse(&self) -> Result<ActInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = ActKind::from_code(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Tipo di atto non valido.");
        }
        let issuer = required_text(&self.issuer, 200);
        let number = required_text(&self.number, 50);
        if issuer.is_err() || number.is_err() {
            e.add("issuer", "Indicare l'organo e il numero dell'atto.");
        }
        let date =
            format::parse_date(self.act_date.trim()).map_err(|m| format!("Data dell'atto: {m}"));
        let act_date = e.check("act_date", date);
        let description = optional_text(&self.description, 2_000).ok().flatten();
        match (kind, issuer, number, act_date) {
            (Some(kind), Ok(issuer), Ok(number), Some(act_date)) if e.is_empty() => Ok(ActInput {
                kind,
                issuer,
                number,
                act_date,
                description,
            }),
            _ => Err(e),
        }
    }
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
        office: ctx.allows(Action::Administer { zone_id }),
    }))
}

async fn add_regional_objective(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let region = region_of(&state, zone_id).await?;
    if !pis::regional_plans(&state.db, region)
        .await?
        .iter()
        .any(|(p, _)| p.id == id)
    {
        return Err(AppError::NotFound);
    }
    let to = Redirect::to("/pianificazione/pssir");
    let title = match required_text(v.get("title").map_or("", String::as_str), 300) {
        Ok(t) => t,
        Err(e) => {
            return Ok(with_flash(
                to,
                FlashKind::Danger,
                &format!("Obiettivo regionale: {e}"),
            ))
        }
    };
    match pis::add_regional_objective(&state.db, &ctx.actor(), id, &title).await {
        Ok(_) => Ok(with_flash(
            to,
            FlashKind::Success,
            &format!("Obiettivo «{title}» aggiunto."),
        )),
        Err(StoreError::Duplicate { .. }) => Ok(with_flash(
            to,
            FlashKind::Danger,
            &format!("L'obiettivo «{title}» esiste già."),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A period of years as typed: both years, the end not before the start, at
/// most six years long (a PSSIR or a PIS lasts three).
fn period_of(v: &HashMap<String, String>) -> Result<(i64, i64), String> {
    let year = |k: &str| -> Result<i64, String> {
        match v.get(k).map(|s| zona_core::number::read_whole(s)) {
            Some(Ok(y)) if (2000..=2100).contains(&y) => Ok(y),
            _ => Err("Indicare gli anni di inizio e di fine, ad esempio 2026 e 2028.".into()),
        }
    };
    let (a, b) = (year("period_start")?, year("period_end")?);
    if b < a {
        return Err("L'anno di fine non può precedere quello di inizio.".into());
    }
    if b - a > 5 {
        return Err("Un piano dura al massimo sei anni.".into());
    }
    Ok((a, b))
}

async fn create_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let to_list = |kind, m: &str| with_flash(Redirect::to("/pianificazione/pis"), kind, m);
    let (a, b) = match period_of(&v) {
        Ok(p) => p,
        Err(e) => return Ok(to_list(FlashKind::Danger, &e)),
    };
    let title = format!("Piano Integrato di Salute {a}-{b}");
    let actor = ctx.actor();
    let created = planning::create_health_plan(
        &state.db,
        &actor,
        zone_id,
        &title,
        a,
        b,
        HealthPlanStatus::InPreparation,
    );
    match created.await {
        Ok(id) => Ok(back(
            id,
            FlashKind::Success,
            &format!("{title} creato, in preparazione."),
        )),
        Err(StoreError::Duplicate { .. }) => Ok(to_list(
            FlashKind::Danger,
            &format!("La zona ha già un piano che inizia nel {a}."),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn add_objective(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let p = office_plan(&state, &ctx, id).await?;
    let title = match required_text(v.get("title").map_or("", String::as_str), 300) {
        Ok(t) => t,
        Err(e) => {
            return Ok(back(
                id,
                FlashKind::Danger,
                &format!("Obiettivo di salute: {e}"),
            ))
        }
    };
    let position = pis::health_objectives(&state.db, id).await?.len() as i64 + 1;
    match planning::add_health_objective(&state.db, &ctx.actor(), p.zone_id, id, position, &title)
        .await
    {
        Ok(_) => Ok(back(
            id,
            FlashKind::Success,
            &format!("Obiettivo di salute «{title}» aggiunto."),
        )),
        Err(StoreError::Duplicate { .. }) => Ok(back(
            id,
            FlashKind::Danger,
            &format!("L'obiettivo «{title}» esiste già."),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn create_regional(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let to = |kind, m: &str| with_flash(Redirect::to("/pianificazione/pssir"), kind, m);
    let (a, b) = match period_of(&v) {
        Ok(p) => p,
        Err(e) => return Ok(to(FlashKind::Danger, &e)),
    };
    let objectives: Vec<&str> = v
        .get("objectives")
        .map_or("", String::as_str)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if objectives.is_empty() || objectives.iter().any(|o| o.chars().count() > 300) {
        return Ok(to(
            FlashKind::Danger,
            "Indicare gli obiettivi generali, uno per riga (al massimo 300 caratteri ciascuno).",
        ));
    }
    let title = format!("Piano sanitario e sociale integrato regionale {a}-{b}");
    let region = region_of(&state, zone_id).await?;
    match pis::create_regional_plan(&state.db, &ctx.actor(), region, &title, (a, b), &objectives)
        .await
    {
        Ok(_) => Ok(to(
            FlashKind::Success,
            &format!("{title} registrato con {} obiettivi.", objectives.len()),
        )),
        Err(StoreError::Duplicate {
            field: "period_start",
        }) => Ok(to(
            FlashKind::Danger,
            &format!("Esiste già un piano regionale che inizia nel {a}."),
        )),
        Err(StoreError::Duplicate { .. }) => {
            Ok(to(FlashKind::Danger, "Due obiettivi hanno lo stesso nome."))
        }
        Err(e) => Err(e.into()),
    }
}
