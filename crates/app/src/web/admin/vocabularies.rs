//! The controlled vocabularies (sectors, target areas, funding sources,
//! kinds of intervention, indicator units, services catalogue). They are
//! shared by every zone, so that sheets compare across zones and years; a
//! term's code never changes, a term no longer used is deactivated.

use super::{admin, conflict_view, last_editor, require, zone_of};
use crate::web::ctx::{with_flash, Ctx, FlashKind};
use crate::web::forms::Saved;
use crate::web::forms::{self, Field, FieldKind, FormValues};
use crate::web::page::{render_page, PageCtx, PageResult};
use crate::web::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Form, Router};
use zona_core::authz::Action;
use zona_core::planning::{parse_term_code, Vocabulary};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::audit::entity;
use zona_store::vocabularies::{self, Term, TermInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/elenchi", get(index))
        .route(
            "/admin/elenchi/{vocabulary}/nuova",
            get(new_form).post(create),
        )
        .route("/admin/elenchi/voce/{id}", get(edit_form).post(update))
}

#[derive(Template)]
#[template(path = "vocabularies.html")]
struct IndexPage {
    page: PageCtx,
    lists: Vec<(Vocabulary, Vec<Term>)>,
    office: bool,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadAdministration { zone_id })?;
    let mut lists = Vec::new();
    for v in Vocabulary::ALL {
        lists.push((*v, vocabularies::terms(&state.db, *v).await?));
    }
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Elenchi controllati").crumb("Amministrazione", "/admin"),
        lists,
        office: ctx.edits_frame(),
    }))
}

#[derive(Template)]
#[template(path = "vocabulary_form.html")]
struct FormPage {
    page: PageCtx,
    heading: String,
    action: String,
    fields: Vec<Field>,
    errors_summary: Option<String>,
    conflict: Option<super::super::views::Conflict>,
}

fn vocabulary(code: &str) -> Result<Vocabulary, AppError> {
    Vocabulary::from_code(code).ok_or(AppError::NotFound)
}

fn fields(new: bool, values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    let mut f = Vec::new();
    if new {
        f.push(
            Field::text("code", "Codice")
                .required()
                .hint("Lettere minuscole, cifre e trattino basso; non si potrà più cambiare."),
        );
    }
    f.push(Field::text("label", "Nome").required());
    f.push(Field::new(
        "description",
        "Descrizione",
        FieldKind::Textarea,
    ));
    if !new {
        f.push(Field::new("version", "", FieldKind::Hidden));
        f.push(Field::select(
            "active",
            "Stato",
            vec![
                ("1".into(), "Attiva: si può scegliere nelle schede".into()),
                (
                    "0".into(),
                    "Disattivata: resta sulle schede che la usano".into(),
                ),
            ],
        ));
    }
    f.into_iter().map(|x| x.bind(values, errors)).collect()
}

fn page(
    ctx: &Ctx,
    heading: String,
    action: String,
    fields: Vec<Field>,
    errors: &FieldErrors,
) -> FormPage {
    FormPage {
        page: PageCtx::new(ctx, heading.clone())
            .crumb("Amministrazione", "/admin")
            .crumb("Elenchi controllati", "/admin/elenchi"),
        heading,
        action,
        fields,
        errors_summary: forms::summary(errors),
        conflict: None,
    }
}

/// Only the region edits the vocabularies every zone shares.
fn office(ctx: &Ctx) -> Result<(), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadAdministration { zone_id })?;
    if ctx.edits_frame() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn new_form(ctx: Ctx, Path(code): Path<String>) -> PageResult {
    office(&ctx)?;
    let v = vocabulary(&code)?;
    let e = FieldErrors::new();
    Ok(render_page(&page(
        &ctx,
        format!("Nuova voce: {}", v.label()),
        format!("/admin/elenchi/{code}/nuova"),
        fields(true, &FormValues::new(), &e),
        &e,
    )))
}

/// A term of a vocabulary as sent: its code only when it is created, its
/// state (`active`, `1` or `0`) only when it is edited.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TermForm {
    pub code: String,
    pub label: String,
    pub description: String,
    pub active: String,
    pub version: String,
}

impl TermForm {
    /// The form as the stored term fills it.
    fn of(t: &Term) -> TermForm {
        TermForm {
            code: String::new(),
            label: t.label.clone(),
            description: t.description.clone().unwrap_or_default(),
            active: if t.active { "1" } else { "0" }.into(),
            version: t.version.to_string(),
        }
    }
}

fn read(form: &TermForm, errors: &mut FieldErrors) -> (Option<String>, Option<String>) {
    let label = errors.check("label", required_text(&form.label, 200));
    let description = errors
        .check("description", optional_text(&form.description, 2000))
        .flatten();
    (label, description)
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(form): Form<TermForm>,
) -> PageResult {
    office(&ctx)?;
    let v = vocabulary(&code)?;
    let mut errors = FieldErrors::new();
    let term_code = errors.check("code", parse_term_code(form.code.trim()));
    let (label, description) = read(&form, &mut errors);
    let input = match (term_code, label) {
        (Some(code), Some(label)) => Ok(TermInput {
            code,
            label,
            description,
            active: true,
        }),
        _ => Err(errors),
    };
    let label = input.as_ref().map(|t| t.label.clone()).unwrap_or_default();
    let outcome = admin::vocabularies::add_term(&state.db, &ctx.caller(), v, input).await;
    let errors = match forms::saved(outcome)? {
        Saved::Done(_) => {
            return Ok(with_flash(
                Redirect::to("/admin/elenchi"),
                FlashKind::Success,
                &format!("Voce «{label}» aggiunta a «{}».", v.label()),
            ))
        }
        Saved::Again { errors, .. } => errors,
    };
    let values = forms::values_of(&form);
    let mut r = render_page(&page(
        &ctx,
        format!("Nuova voce: {}", v.label()),
        format!("/admin/elenchi/{code}/nuova"),
        fields(true, &values, &errors),
        &errors,
    ));
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

async fn term(state: &AppState, id: i64) -> Result<Term, AppError> {
    Ok(admin::vocabularies::term(&state.db, id).await?.1)
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    office(&ctx)?;
    let t = term(&state, id).await?;
    let values = forms::values_of(&TermForm::of(&t));
    let e = FieldErrors::new();
    Ok(render_page(&page(
        &ctx,
        format!("Voce «{}» ({})", t.label, t.code),
        format!("/admin/elenchi/voce/{id}"),
        fields(false, &values, &e),
        &e,
    )))
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TermForm>,
) -> PageResult {
    office(&ctx)?;
    let values = forms::values_of(&form);
    let mut errors = FieldErrors::new();
    let (label, description) = read(&form, &mut errors);
    let active = match form.active.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => {
            errors.add("active", "Scegliere lo stato.");
            None
        }
    };
    let input = match (label, active) {
        (Some(label), Some(active)) if errors.is_empty() => Ok(TermInput {
            // A term's code never changes: the use case keeps the stored one.
            code: String::new(),
            label,
            description,
            active,
        }),
        _ => Err(errors),
    };
    let outcome = admin::vocabularies::update_term(
        &state.db,
        &ctx.caller(),
        id,
        forms::version(&values),
        input,
    )
    .await;
    let (status, errors, conflict) = match forms::saved(outcome)? {
        Saved::Done(()) => {
            return Ok(with_flash(
                Redirect::to("/admin/elenchi"),
                FlashKind::Success,
                "Voce salvata.",
            ))
        }
        // The term as it is now, with what the person typed beside it.
        Saved::Again { conflict: true, .. } => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Saved::Again { errors, .. } => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
    };
    let shown = term(&state, id).await?;
    let conflict = conflict.then(|| forms::values_of(&TermForm::of(&shown)));
    let form_values = conflict.as_ref().unwrap_or(&values);
    let mut p = page(
        &ctx,
        format!("Voce «{}» ({})", shown.label, shown.code),
        format!("/admin/elenchi/voce/{id}"),
        fields(false, form_values, &errors),
        &errors,
    );
    if let Some(theirs) = &conflict {
        let by = last_editor(&state, entity::VOCABULARY_TERM, id).await;
        p.conflict = Some(conflict_view(&p.fields, &values, theirs, by));
    }
    let mut r = render_page(&p);
    *r.status_mut() = status;
    Ok(r)
}
