//! The activity sheet: its page, its form (new, edit, amendment), the
//! workflow steps, and its history from the audit log.

use super::common::{require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::page::{render_page, with_status, PageCtx, PageResult};
use super::views::Conflict;
use super::{AppError, AppState};
use crate::usecase::sheets::{self as usecase, ActForm, Choices, EditMode};
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{
    self as rules, PlanStatus, SheetContent, SheetEvent, SheetForm, SheetStatus, Vocabularies,
    Vocabulary,
};
use zona_core::FieldErrors;
use zona_store::audit::{self, AuditQuery};
use zona_store::planning;
use zona_store::sheets::{self, Sheet};
use zona_store::territory::{self, ListQuery};
use zona_store::{vocabularies, Page};

mod form;

use form::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione/attivita/{id}", get(view))
        .route(
            "/pianificazione/attivita/{id}/modifica",
            get(edit_form).post(edit),
        )
        .route("/pianificazione/attivita/{id}/stato", post(event))
        .route(
            "/pianificazione/poa/{year}/nuova-scheda",
            get(new_form).post(create),
        )
}

type Pairs = Vec<(String, String)>;

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<Sheet, AppError> {
    Ok(usecase::open(&state.db, &ctx.caller(), id).await?)
}

// ------------------------------------------------------------------ view

struct HistoryEntry {
    when: String,
    who: String,
    what: &'static str,
    summary: String,
    details: Vec<String>,
    audit_href: Option<String>,
}

/// What an audit entry changed, in a few readable lines.
fn describe(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let text = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "—".into(),
        Some(other) => other.to_string(),
    };
    if a.contains_key("stato") {
        let mut out = vec![format!(
            "Stato: {} → {}",
            text(b.get("stato")),
            text(a.get("stato"))
        )];
        if let Some(serde_json::Value::String(c)) = a.get("osservazioni") {
            out.push(format!("Osservazioni: {c}"));
        }
        return out;
    }
    if b.is_empty() {
        return Vec::new();
    }
    let changed: Vec<String> = a
        .keys()
        .filter(|k| !zona_core::audit::same(b.get(*k), a.get(*k)))
        .map(|k| zona_core::audit::field_label(k))
        .collect();
    if changed.is_empty() {
        vec!["Nessun campo cambiato.".into()]
    } else {
        vec![format!("Campi modificati: {}.", changed.join(", "))]
    }
}

async fn history(state: &AppState, ctx: &Ctx, s: &Sheet) -> Result<Vec<HistoryEntry>, AppError> {
    let q = AuditQuery {
        entity: Some(audit::entity::ACTIVITY.into()),
        entity_id: Some(s.row.id),
        ..Default::default()
    };
    let (entries, _) = audit::list(&state.db, &q, Page::first(200)).await?;
    let audit_reader = ctx.allows(Action::ReadAudit {
        zone_id: s.row.zone_id,
    });
    // People by their names, as they know each other.
    let mut people: HashMap<i64, String> = HashMap::new();
    for id in entries.iter().filter_map(|e| e.actor_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = people.entry(id) {
            if let Some(u) = zona_store::users::get_user(&state.db, id).await? {
                v.insert(u.full_name);
            }
        }
    }
    Ok(entries
        .into_iter()
        .map(|e| HistoryEntry {
            when: format::datetime(e.at),
            who: e
                .actor_id
                .and_then(|id| people.get(&id).cloned())
                .unwrap_or_else(|| e.actor.clone()),
            what: audit::action::label(&e.action),
            summary: e.summary.clone(),
            details: describe(e.before_json.as_deref(), e.after_json.as_deref()),
            audit_href: audit_reader.then(|| format!("/admin/registro/{}", e.id)),
        })
        .collect())
}

struct FundingView {
    source: String,
    year: i64,
    amount: String,
}

struct IndicatorView {
    name: String,
    unit: String,
    baseline: String,
    target: String,
    actual: String,
}

struct WorkflowAction {
    event: &'static str,
    label: &'static str,
    needs_comment: bool,
    primary: bool,
}

#[derive(Template)]
#[template(path = "planning_sheet.html")]
struct SheetPage {
    page: PageCtx,
    s: Sheet,
    status: SheetStatus,
    plan_status: PlanStatus,
    sector: String,
    kind: String,
    areas: String,
    /// The matter of the zone's agreements, when the sheet belongs to one.
    matter: Option<String>,
    municipalities: String,
    period: String,
    funding: Vec<FundingView>,
    total: String,
    indicators: Vec<IndicatorView>,
    blocking: Vec<&'static str>,
    reminders: Vec<&'static str>,
    edit_href: Option<String>,
    edit_label: &'static str,
    actions: Vec<WorkflowAction>,
    history: Vec<HistoryEntry>,
    show_internal: bool,
    monitor_href: Option<String>,
    progress: String,
    survey_date: String,
    /// The critical issues of the health profile the sheet answers.
    answers: Vec<zona_store::profile::Answered>,
}

fn opt_dec(d: Option<rust_decimal::Decimal>) -> String {
    d.map(format::decimal).unwrap_or_else(|| "—".into())
}

/// The names of the sheet's municipalities, "—" for none.
async fn municipality_names(
    state: &AppState,
    zone_id: i64,
    ids: &[i64],
) -> Result<String, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (all, _) = territory::list_municipalities(&state.db, &q, Page::all()).await?;
    let names: Vec<&str> = all
        .iter()
        .filter(|m| ids.contains(&m.id))
        .map(|m| m.name.as_str())
        .collect();
    Ok(if names.is_empty() {
        "—".into()
    } else {
        names.join(", ")
    })
}

/// The workflow's buttons the caller sees: the unit's editor submits a
/// sheet to fill or returned; the office accepts a submitted one or returns
/// it (or an accepted one) with its comments. None once the plan is approved.
fn workflow_actions(
    plan: PlanStatus,
    status: SheetStatus,
    editor: bool,
    office: bool,
) -> Vec<WorkflowAction> {
    let action = |event, label, needs_comment, primary| WorkflowAction {
        event,
        label,
        needs_comment,
        primary,
    };
    let mut actions = Vec::new();
    if plan != PlanStatus::Open {
        return actions;
    }
    if editor && matches!(status, SheetStatus::ToFill | SheetStatus::Returned) {
        actions.push(action("submit", "Invia all'Ufficio di Piano", false, true));
    }
    if office && status == SheetStatus::Submitted {
        actions.push(action("accept", "Accetta la scheda", false, true));
    }
    if office && matches!(status, SheetStatus::Submitted | SheetStatus::Accepted) {
        actions.push(action(
            "return",
            "Restituisci con osservazioni",
            true,
            false,
        ));
    }
    actions
}

fn funding_views(c: &SheetContent, labels: &Vocabularies) -> Vec<FundingView> {
    c.funding
        .iter()
        .map(|f| FundingView {
            source: labels.label(Vocabulary::FundingSource, &f.source).into(),
            year: f.year,
            amount: f.amount.to_string(),
        })
        .collect()
}

fn indicator_views(c: &SheetContent, labels: &Vocabularies) -> Vec<IndicatorView> {
    c.indicators
        .iter()
        .map(|i| IndicatorView {
            name: i.name.clone(),
            unit: labels.label(Vocabulary::IndicatorUnit, &i.unit).into(),
            baseline: opt_dec(i.baseline),
            target: opt_dec(i.target),
            actual: opt_dec(i.actual),
        })
        .collect()
}

/// A sheet's period in words.
fn period_text(start: Option<time::Date>, end: Option<time::Date>) -> String {
    match (start, end) {
        (Some(a), Some(b)) => format!("dal {} al {}", format::date(a), format::date(b)),
        (Some(a), None) => format!("dal {}", format::date(a)),
        (None, Some(b)) => format!("fino al {}", format::date(b)),
        (None, None) => "—".into(),
    }
}

async fn view(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let s = load(&state, &ctx, id).await?;
    let labels = vocabularies::all_labels(&state.db).await?;
    let zone_id = s.row.zone_id;
    let c = &s.content;
    let status = s.row.status();
    let plan_status = s.row.plan_status();
    let caller = ctx.caller();
    let office = usecase::is_office(&caller, zone_id);
    let editor = usecase::may_edit(&caller, zone_id, c.unit_id);
    let municipalities = municipality_names(&state, zone_id, &c.municipality_ids).await?;
    let (edit_href, edit_label) = match plan_status {
        PlanStatus::Open if editor && rules::can_edit(plan_status, status, office).is_ok() => (
            Some(format!("/pianificazione/attivita/{id}/modifica")),
            "Modifica la scheda",
        ),
        PlanStatus::Approved if office => (
            Some(format!("/pianificazione/attivita/{id}/modifica")),
            "Registra una variazione",
        ),
        _ => (None, ""),
    };
    let actions = workflow_actions(plan_status, status, editor, office);
    let (blocking, reminders) = rules::missing(c);
    let label = |v: Vocabulary, code: &Option<String>| {
        code.as_deref()
            .map(|x| labels.label(v, x).to_string())
            .unwrap_or_else(|| "—".into())
    };
    let page = PageCtx::new(&ctx, format!("{} {}", s.row.code, c.title))
        .crumb("Pianificazione", "/pianificazione")
        .crumb(
            format!("POA {}", s.row.year),
            format!("/pianificazione/poa/{}", s.row.year),
        );
    let history = history(&state, &ctx, &s).await?;
    let matter = match &c.integrated_matter {
        Some(code) => Some(
            zona_store::governance::agreements(&state.db, zone_id)
                .await?
                .into_iter()
                .flat_map(|a| a.matters)
                .find(|m| &m.code == code)
                .map_or_else(|| code.clone(), |m| m.label),
        ),
        None => None,
    };
    let answers = zona_store::profile::answered_by(&state.db, s.row.id, true).await?;
    Ok(render_page(&SheetPage {
        answers,
        matter,
        page,
        status,
        plan_status,
        sector: label(Vocabulary::Sector, &c.sector),
        kind: label(Vocabulary::InterventionKind, &c.kind),
        areas: if c.target_areas.is_empty() {
            "—".into()
        } else {
            c.target_areas
                .iter()
                .map(|a| labels.label(Vocabulary::TargetArea, a))
                .collect::<Vec<_>>()
                .join(", ")
        },
        municipalities,
        period: period_text(c.start_date, c.end_date),
        funding: funding_views(c, &labels),
        total: c.total().to_string(),
        indicators: indicator_views(c, &labels),
        blocking,
        reminders,
        edit_href,
        edit_label,
        actions,
        history,
        show_internal: ctx.allows(Action::ReadAdministration { zone_id }) || editor,
        monitor_href: editor.then(|| format!("/pianificazione/attivita/{id}/monitoraggio")),
        progress: s.row.progress.map_or_else(
            || "non rilevato".into(),
            |p| zona_core::format::percent(rust_decimal::Decimal::from(p)),
        ),
        survey_date: s.row.survey_date.map_or_else(|| "—".into(), format::date),
        s,
    }))
}

// ------------------------------------------------------------------ workflow

/// A workflow action on a sheet as sent.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct EventForm {
    event: String,
    comment: String,
    version: String,
}

impl EventForm {
    fn parse(&self) -> Result<(SheetEvent, i64), FieldErrors> {
        let mut e = FieldErrors::new();
        let event = match self.event.as_str() {
            "submit" => Some(SheetEvent::Submit),
            "return" => Some(SheetEvent::Return),
            "accept" => Some(SheetEvent::Accept),
            _ => None,
        };
        if event.is_none() {
            e.add("event", "Azione non riconosciuta.");
        }
        let version = self.version.trim().parse::<i64>().ok();
        if version.is_none() {
            e.add("version", "Versione della scheda mancante.");
        }
        match (event, version) {
            (Some(event), Some(version)) => Ok((event, version)),
            _ => Err(e),
        }
    }
}

async fn event(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<EventForm>,
) -> PageResult {
    let caller = ctx.caller();
    let outcome = usecase::apply_event(&state.db, &caller, id, form.parse(), &form.comment).await;
    let back = Redirect::to(&format!("/pianificazione/attivita/{id}"));
    match outcome {
        Ok(to) => {
            let done = form.parse().map(|(e, _)| e.label()).unwrap_or_default();
            let msg = format!("{done}: la scheda ora è «{}».", to.label());
            Ok(with_flash(back, FlashKind::Success, &msg))
        }
        // A form the page never sends: a damaged request.
        Err(Error::Invalid(e)) => Err(AppError::BadRequest(
            e.iter().next().map_or(String::new(), |(_, m)| m.to_string()),
        )),
        Err(Error::Conflict) => Ok(with_flash(
            back,
            FlashKind::Warning,
            "La scheda è stata cambiata da un'altra persona mentre la guardavi: controlla la versione attuale e ripeti l'azione.",
        )),
        Err(Error::Refused(m)) => Ok(with_flash(back, FlashKind::Danger, &m)),
        Err(e) => Err(e.into()),
    }
}
