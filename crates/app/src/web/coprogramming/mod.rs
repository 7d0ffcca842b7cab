//! The co-programming procedure's pages (art. 55 D.lgs 117/2017; art. 9 and
//! 10 LR Toscana 65/2020): initiation act, public notice, applications,
//! working tables and contributions, the path's meetings and the final
//! report. Who may see and change what is decided by
//! `usecase::coprogramming`; these pages read the forms, call it and show
//! the outcome.

mod changes;
mod detail;
mod input;
mod items;

pub use detail::{notice_view, NoticeView};

use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{form_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::usecase::coprogramming::{self as usecase, Viewer};
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use input::NewProcedureForm;
use zona_core::coprogramming as rules;
use zona_core::format;
use zona_core::FieldErrors;
use zona_store::participation::{self as store, Procedure};

pub const BASE: &str = "/partecipazione/co-programmazione";

/// The four working tables of the PIS 2026-2028 path (seed 004), proposed
/// for a new procedure.
pub const DEFAULT_TABLES: [&str; 4] = [
    "Salute mentale e marginalità",
    "Disabilità",
    "Infanzia e famiglia",
    "Riorganizzazione sanità territoriale e integrazione con la rete ospedaliera",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list).post(create))
        .route(&format!("{BASE}/{{id}}"), get(detail::detail))
        .route(&format!("{BASE}/{{id}}/atto"), post(changes::save_act))
        .route(
            &format!("{BASE}/{{id}}/avviso"),
            post(changes::publish_notice),
        )
        .route(&format!("{BASE}/{{id}}/domande"), post(changes::apply))
        .route(
            &format!("{BASE}/{{id}}/domande/{{app}}"),
            get(items::application_page).post(changes::update_application),
        )
        .route(
            &format!("{BASE}/{{id}}/domande/{{app}}/decisione"),
            post(changes::decide),
        )
        .route(
            &format!("{BASE}/{{id}}/contributi"),
            post(changes::add_contribution),
        )
        .route(
            &format!("{BASE}/{{id}}/contributi/{{c}}"),
            get(items::contribution_page).post(changes::edit_contribution),
        )
        .route(
            &format!("{BASE}/{{id}}/relazione"),
            post(changes::save_report),
        )
        .route(
            &format!("{BASE}/{{id}}/relazione/approva"),
            post(changes::approve_report),
        )
        .route(&format!("{BASE}/{{id}}/relazione.pdf"), get(report_pdf))
}

/// The path to a co-programming page: through the zone's internal
/// participation area, or, for a Third Sector body, through the public one
/// (the internal area is closed to it).
fn crumbs(ctx: &Ctx, title: impl Into<String>) -> PageCtx {
    let zone_id = ctx.zone_id().unwrap_or(-1);
    let page = PageCtx::new(ctx, title);
    let page = if ctx.allows(zona_core::authz::Action::ReadInternal { zone_id }) {
        page.crumb("Partecipazione", "/partecipazione")
    } else {
        page.crumb("Partecipa", "/partecipa")
    };
    page.crumb("Co-programmazione", BASE)
}

/// A form that failed: the section it belongs to, what was typed, the errors.
type Failed<'a> = Option<(&'a str, &'a FormValues, &'a FieldErrors)>;

/// What a change answers.
enum Answer {
    /// Back to the procedure: saved, refused by a rule, or changed by
    /// someone else meanwhile, each with its message.
    Done(Response),
    /// The form again, with the errors by field.
    Again(FieldErrors),
}

fn answer<T>(
    id: i64,
    anchor: &str,
    outcome: Result<T, Error>,
    saved: impl FnOnce(T) -> String,
) -> Result<Answer, AppError> {
    let back = |kind, msg: &str| {
        Answer::Done(with_flash(
            Redirect::to(&format!("{BASE}/{id}#{anchor}")),
            kind,
            msg,
        ))
    };
    match outcome {
        Ok(t) => Ok(back(FlashKind::Success, &saved(t))),
        Err(Error::Invalid(e)) => Ok(Answer::Again(e)),
        Err(Error::Refused(m)) => Ok(back(FlashKind::Danger, &m)),
        Err(Error::Conflict) => Ok(Answer::Done(with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Danger,
            "Il procedimento è stato modificato da un'altra persona mentre compilavi: ricarica e ripeti la modifica.",
        ))),
        Err(other) => Err(other.into()),
    }
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "coprogramming_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<(i64, String, &'static str, String)>,
    office: bool,
    fields: Vec<Field>,
    errors_summary: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    values: &FormValues,
    errors: &FieldErrors,
) -> PageResult {
    let caller = ctx.caller();
    let viewer = Viewer::of(&caller)?;
    let zone_id = caller.zone()?;
    let today = state.today();
    let rows = store::procedures(&state.db, zone_id)
        .await?
        .into_iter()
        .map(|p| {
            let notice = p
                .notice()
                .map(|(o, c)| format!("dal {} al {}", format::date(o), format::date(c)))
                .unwrap_or_else(|| "—".into());
            (
                p.id,
                p.subject.clone(),
                rules::stage(p.facts(), today).label(),
                notice,
            )
        })
        .collect();
    let plans = zona_store::pis::health_plans(&state.db, zone_id).await?;
    let mut plan_opts = vec![(String::new(), "Nessuno".to_string())];
    plan_opts.extend(plans.into_iter().map(|p| (p.id.to_string(), p.title)));
    let page = ListPage {
        page: crumbs(ctx, "Co-programmazione"),
        rows,
        office: viewer.office(),
        fields: vec![
            Field::text("subject", "Oggetto del procedimento")
                .required()
                .hint("Per esempio: Piano Integrato di Salute 2026-2028.")
                .bind(values, errors),
            Field::select("health_plan_id", "Piano Integrato di Salute", plan_opts)
                .bind(values, errors),
            Field::new("tables", "Tavoli di lavoro", FieldKind::Textarea)
                .required()
                .hint("Uno per riga.")
                .bind(values, errors),
        ],
        errors_summary: forms::summary(errors),
    };
    Ok(form_page(!errors.is_empty(), &page))
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let values = FormValues::from([("tables".into(), DEFAULT_TABLES.join("\n"))]);
    list_page(&state, &ctx, &values, &FieldErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewProcedureForm>,
) -> PageResult {
    match usecase::create(&state.db, &ctx.caller(), form.parse()).await {
        Ok(id) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Success,
            "Procedimento creato: registra l'atto di avvio.",
        )),
        Err(Error::Invalid(e)) => list_page(&state, &ctx, &forms::values_of(&form), &e).await,
        Err(other) => Err(other.into()),
    }
}

/// The final report as a PDF: a draft for the office while it is written;
/// once approved, anyone reads it (the public pages link it).
pub async fn report_document(
    state: &AppState,
    p: &Procedure,
    zone_name: &str,
) -> Result<Vec<u8>, AppError> {
    let data = crate::participation::report_data(&state.db, p, zone_name).await?;
    Ok(
        zona_reports::pdf::render(zona_reports::pdf::REPORT_TEMPLATE, &data, state.today())
            .map_err(anyhow::Error::from)?,
    )
}

async fn report_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (viewer, p) = usecase::open(&state.db, &ctx.caller(), id).await?;
    if !usecase::may_read_report(&viewer, &p) {
        return Err(AppError::Forbidden);
    }
    let zone_name = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let bytes = report_document(&state, &p, &zone_name).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"relazione-conclusiva-{id}.pdf\""),
    )
}
