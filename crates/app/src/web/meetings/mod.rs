//! Meetings: participation meetings with stakeholder groups and the
//! meetings of a co-programming path. Date, place or online link, agenda,
//! attendance (by body, per working table), minutes and attachments (stored
//! in the database, size- and type-checked). The planning office edits;
//! internal roles read.

mod detail;
mod input;

pub use detail::attachment_response;

use super::common::{require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::{self, saved, values_of, version_of, Field, FieldKind, FormValues, Saved};
use super::page::{render_page, PageCtx, PageResult};
use super::views::EntryPage;
use super::{AppError, AppState};
use crate::usecase::meetings as usecase;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use detail::{attachment, delete_attachment, detail, save_attendance, upload};
use input::{GroupForm, MeetingForm};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::coprogramming::MeetingKind;
use zona_core::format;
use zona_core::FieldErrors;
use zona_store::participation as store;

pub const BASE: &str = "/partecipazione/incontri";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/partecipazione/gruppi", post(add_group))
        .route(&format!("{BASE}/nuovo"), get(new_form).post(create))
        .route(&format!("{BASE}/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(&format!("{BASE}/{{id}}/presenze"), post(save_attendance))
        .route(&format!("{BASE}/{{id}}/allegati"), post(upload))
        .route("/partecipazione/allegati/{id}", get(attachment))
        .route(
            "/partecipazione/allegati/{id}/elimina",
            post(delete_attachment),
        )
}

pub(super) fn crumbs(ctx: &Ctx, title: impl Into<String>) -> PageCtx {
    PageCtx::new(ctx, title)
        .crumb("Partecipazione", "/partecipazione")
        .crumb("Incontri", BASE)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "meetings_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<(i64, String, &'static str, String, String, bool)>,
    groups: Vec<(String, String)>,
    office: bool,
    group_fields: Vec<Field>,
    group_errors: Option<String>,
}

async fn list_page(state: &AppState, ctx: &Ctx, gv: &FormValues, ge: &FieldErrors) -> PageResult {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let meetings = store::meetings(&state.db, zone_id, None, false).await?;
    let groups = store::groups(&state.db, zone_id).await?;
    let page = ListPage {
        page: crumbs(ctx, "Incontri"),
        rows: meetings
            .into_iter()
            .rev()
            .map(|m| {
                let with = m
                    .group_name
                    .clone()
                    .or(m
                        .procedure_subject
                        .clone()
                        .map(|s| format!("Co-programmazione: {s}")))
                    .unwrap_or_default();
                (
                    m.id,
                    format::date(m.held_on),
                    m.kind.label(),
                    m.subject,
                    with,
                    m.public,
                )
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|g| (g.name, g.description.unwrap_or_default()))
            .collect(),
        office: ctx.allows(Action::Administer { zone_id }),
        group_fields: vec![
            Field::text("name", "Nome del gruppo")
                .required()
                .bind(gv, ge),
            Field::text("description", "Descrizione").bind(gv, ge),
        ],
        group_errors: forms::summary(ge),
    };
    let status = if ge.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render_page(&page)).into_response())
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    list_page(&state, &ctx, &FormValues::new(), &FieldErrors::new()).await
}

async fn add_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<GroupForm>,
) -> PageResult {
    let outcome = usecase::add_group(&state.db, &ctx.caller(), form.parse()).await;
    match saved(outcome)? {
        Saved::Done(_) => Ok(with_flash(
            Redirect::to(BASE),
            FlashKind::Success,
            &format!("Gruppo «{}» creato.", form.name.trim()),
        )),
        Saved::Again { errors, .. } => list_page(&state, &ctx, &values_of(&form), &errors).await,
    }
}

// ---------------------------------------------------------------- form

async fn fields(
    state: &AppState,
    zone_id: i64,
    in_procedure: bool,
    v: &FormValues,
    e: &FieldErrors,
) -> Result<Vec<Field>, AppError> {
    let kinds: Vec<(String, String)> = MeetingKind::ALL
        .iter()
        .filter(|k| in_procedure != (**k == MeetingKind::Participation))
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let mut f = vec![Field::select("kind", "Tipo di incontro", kinds)
        .required()
        .bind(v, e)];
    if !in_procedure {
        let mut groups = vec![(String::new(), "Nessun gruppo".to_string())];
        groups.extend(
            store::groups(&state.db, zone_id)
                .await?
                .into_iter()
                .map(|g| (g.id.to_string(), g.name)),
        );
        f.push(Field::select("group_id", "Gruppo di portatori di interesse", groups).bind(v, e));
    }
    f.extend([
        Field::text("subject", "Oggetto")
            .required()
            .hint("Per esempio: presentazione del percorso POA 2024.")
            .bind(v, e),
        Field::new("held_on", "Data", FieldKind::Date)
            .required()
            .bind(v, e),
        Field::text("starts_at", "Ora di inizio")
            .hint("Per esempio 15:30.")
            .bind(v, e),
        Field::text("place", "Luogo")
            .hint("Indicare il luogo, il collegamento online o entrambi.")
            .bind(v, e),
        Field::text("online_url", "Collegamento online")
            .hint("Indirizzo https:// della riunione, se online.")
            .bind(v, e),
        Field::new("agenda", "Ordine del giorno", FieldKind::Textarea).bind(v, e),
        Field::new("minutes", "Verbale", FieldKind::Textarea).bind(v, e),
        Field::select(
            "public",
            "Incontro",
            vec![
                ("si".into(), "Pubblico (nel calendario pubblico)".into()),
                ("no".into(), "A invito".into()),
            ],
        )
        .bind(v, e),
        Field::select(
            "minutes_published",
            "Verbale",
            vec![
                ("no".into(), "Non pubblicato".into()),
                ("si".into(), "Pubblicato (se l'incontro è pubblico)".into()),
            ],
        )
        .bind(v, e),
        Field::new("procedure_id", "", FieldKind::Hidden).bind(v, e),
        Field::new("version", "", FieldKind::Hidden).bind(v, e),
    ]);
    Ok(f)
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    id: Option<i64>,
    form: &MeetingForm,
    e: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let in_procedure = !form.procedure_id.trim().is_empty();
    let v = &values_of(form);
    let (heading, action) = match id {
        None => ("Nuovo incontro".to_string(), format!("{BASE}/nuovo")),
        Some(id) => (
            "Modifica dell'incontro".to_string(),
            format!("{BASE}/{id}/modifica"),
        ),
    };
    Ok(EntryPage {
        page: crumbs(ctx, heading.clone()),
        heading,
        action,
        cancel_href: id.map_or(BASE.to_string(), |id| format!("{BASE}/{id}")),
        fields: fields(state, zone_id, in_procedure, v, e).await?,
        errors_summary: forms::summary(e),
        conflict,
    }
    .respond())
}

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let procedure_id = q
        .get("procedimento")
        .and_then(|p| forms::choice_id(p, "procedimento", &mut FieldErrors::new()));
    if let Some(p) = procedure_id {
        usecase::open_path(&state.db, &ctx.caller(), p).await?;
    }
    let form = MeetingForm::new(procedure_id);
    form_page(
        &state,
        &ctx,
        zone_id,
        None,
        &form,
        &FieldErrors::new(),
        false,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<MeetingForm>,
) -> PageResult {
    let outcome = usecase::create(&state.db, &ctx.caller(), form.parse()).await;
    match saved(outcome)? {
        Saved::Done(id) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Success,
            "Incontro registrato.",
        )),
        Saved::Again { errors, conflict } => {
            let zone_id = zone_of(&ctx)?;
            form_page(&state, &ctx, zone_id, None, &form, &errors, conflict).await
        }
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let m = usecase::open(&state.db, &ctx.caller(), id).await?;
    require(&ctx, Action::Administer { zone_id: m.zone_id })?;
    let form = MeetingForm::of(&m);
    form_page(
        &state,
        &ctx,
        m.zone_id,
        Some(id),
        &form,
        &FieldErrors::new(),
        false,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<MeetingForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::update(&state.db, &ctx.caller(), id, version, form.parse()).await;
    match saved(outcome)? {
        Saved::Done(()) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Success,
            "Incontro aggiornato.",
        )),
        Saved::Again { errors, conflict } => {
            let zone_id = zone_of(&ctx)?;
            form_page(&state, &ctx, zone_id, Some(id), &form, &errors, conflict).await
        }
    }
}
