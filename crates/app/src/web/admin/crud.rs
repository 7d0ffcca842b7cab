//! The create / edit / deactivate cycle shared by every administered record.
//! A record type describes its fields, parsing and storage in [`Entity`]; the
//! handlers here do the rest the same way for all: authorisation, zone check,
//! validation with the input kept, duplicate names, optimistic concurrency,
//! confirmation before deactivating, audit (in the store), flash messages.

use super::super::views::{FormPage, Section, Toggle};
use super::*;
use crate::usecase::{self, admin::Administered};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Form;
use std::future::Future;

pub trait Entity: Administered {
    /// Select options and anything else the form needs from the database.
    type Options: Send + Sync;
    /// The form as sent: each field the input of the same name, as text.
    type Form: serde::de::DeserializeOwned + serde::Serialize + Default + Send + Sync + 'static;

    const LIST: ListName;
    const NEW_TITLE: &'static str;
    const CREATED: &'static str;

    fn base() -> String {
        format!("/admin/{}", Self::LIST.slug())
    }

    fn options(
        state: &AppState,
        ctx: &Ctx,
    ) -> impl Future<Output = Result<Self::Options, AppError>> + Send;
    fn fields(
        opts: &Self::Options,
        values: &FormValues,
        errors: &FieldErrors,
        editing: bool,
    ) -> Vec<Field>;
    fn parse(
        opts: &Self::Options,
        ctx: &Ctx,
        form: &Self::Form,
    ) -> Result<Self::Input, FieldErrors>;
    /// The form as the stored record fills it.
    fn form_of(r: &Self::Record) -> Self::Form;

    fn title(r: &Self::Record) -> String;
    fn deactivate_text(_r: &Self::Record) -> String {
        "Un elemento disattivato non è più proposto nelle scelte; i dati storici restano.".into()
    }
    /// Tables under the form (populations, roles).
    fn sections(
        _state: &AppState,
        _ctx: &Ctx,
        _r: &Self::Record,
    ) -> impl Future<Output = Result<Vec<Section>, AppError>> + Send {
        async { Ok(Vec::new()) }
    }
    fn intro(_r: Option<&Self::Record>) -> String {
        String::new()
    }
}

pub fn routes<E: Entity>() -> Router<AppState> {
    let base = E::base();
    Router::new()
        .route(
            &format!("{base}/nuovo"),
            get(new_form::<E>).post(create::<E>),
        )
        .route(
            &format!("{base}/{{id}}"),
            get(edit_form::<E>).post(update::<E>),
        )
        .route(
            &format!("{base}/{{id}}/stato"),
            get(confirm::<E>).post(toggle::<E>),
        )
}

fn new_page<E: Entity>(
    ctx: &Ctx,
    opts: &E::Options,
    values: &FormValues,
    errors: &FieldErrors,
) -> FormPage {
    let base = E::base();
    let mut p = FormPage::new(
        PageCtx::new(ctx, E::NEW_TITLE)
            .crumb("Amministrazione", "/admin")
            .crumb(E::LIST.title(), base.clone()),
        E::NEW_TITLE,
        format!("{base}/nuovo"),
        E::fields(opts, values, errors, false),
    );
    p.intro = E::intro(None);
    p.errors_summary = forms::summary(errors);
    p.cancel_href = base;
    p
}

pub(super) async fn edit_page<E: Entity>(
    state: &AppState,
    ctx: &Ctx,
    opts: &E::Options,
    r: &E::Record,
    id: i64,
    values: &FormValues,
    errors: &FieldErrors,
) -> Result<FormPage, AppError> {
    let base = E::base();
    let title = E::title(r);
    let mut p = FormPage::new(
        PageCtx::new(ctx, title.clone())
            .crumb("Amministrazione", "/admin")
            .crumb(E::LIST.title(), base.clone()),
        title,
        format!("{base}/{id}"),
        E::fields(opts, values, errors, true),
    );
    p.intro = E::intro(Some(r));
    p.errors_summary = forms::summary(errors);
    p.cancel_href = base.clone();
    p.can_edit = ctx.allows(E::edit_action(ctx.zone_id(), r));
    let active = E::active(r);
    p.active = active;
    p.status_badge = Some(if active { "Attivo" } else { "Disattivato" });
    if p.can_edit {
        p.toggle = Some(Toggle {
            heading: if active {
                "Disattivazione"
            } else {
                "Riattivazione"
            },
            text: if active {
                E::deactivate_text(r)
            } else {
                "L'elemento è disattivato: riattivandolo torna disponibile.".into()
            },
            label: if active {
                "Disattiva…"
            } else {
                "Riattiva…"
            },
            href: format!("{base}/{id}/stato"),
            destructive: active,
        });
    }
    p.sections = E::sections(state, ctx, r).await?;
    Ok(p)
}

pub(super) fn with_status(p: &FormPage, status: StatusCode) -> axum::response::Response {
    let mut r = render_page(p);
    *r.status_mut() = status;
    r
}

async fn new_form<E: Entity>(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    admin::creatable::<E>(&state.db, &ctx.caller()).await?;
    let opts = E::options(&state, &ctx).await?;
    Ok(render_page(&new_page::<E>(
        &ctx,
        &opts,
        &FormValues::new(),
        &FieldErrors::new(),
    )))
}

async fn create<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<E::Form>,
) -> PageResult {
    let caller = ctx.caller();
    admin::creatable::<E>(&state.db, &caller).await?;
    let opts = E::options(&state, &ctx).await?;
    let input = E::parse(&opts, &ctx, &form);
    let errors = match forms::saved(admin::create::<E>(&state.db, &caller, input).await)? {
        Saved::Done(id) => {
            let to = format!("{}/{id}", E::base());
            return Ok(with_flash(
                Redirect::to(&to),
                FlashKind::Success,
                E::CREATED,
            ));
        }
        Saved::Again { errors, .. } => errors,
    };
    Ok(with_status(
        &new_page::<E>(&ctx, &opts, &forms::values_of(&form), &errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn edit_form<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    require(&ctx, E::LIST.action(zone_of(&ctx)?))?;
    let r = admin::read::<E>(&state.db, &ctx.caller(), id).await?;
    let opts = E::options(&state, &ctx).await?;
    let p = edit_page::<E>(
        &state,
        &ctx,
        &opts,
        &r,
        id,
        &forms::values_of(&E::form_of(&r)),
        &FieldErrors::new(),
    )
    .await?;
    Ok(render_page(&p))
}

async fn update<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<E::Form>,
) -> PageResult {
    let caller = ctx.caller();
    let opts = E::options(&state, &ctx).await?;
    let values = forms::values_of(&form);
    let input = E::parse(&opts, &ctx, &form);
    // The use case reads the record and checks who may edit it; the page
    // reads it again only to show the form once more.
    let outcome = admin::update::<E>(&state.db, &caller, id, forms::version(&values), input).await;
    let errors = match forms::saved(outcome)? {
        Saved::Done(()) => {
            let to = format!("{}/{id}", E::base());
            return Ok(with_flash(
                Redirect::to(&to),
                FlashKind::Success,
                "Modifiche salvate.",
            ));
        }
        Saved::Again { conflict: true, .. } => {
            return conflict_page::<E>(&state, &ctx, &opts, id, &values).await
        }
        Saved::Again { errors, .. } => errors,
    };
    let r = admin::read::<E>(&state.db, &caller, id).await?;
    let p = edit_page::<E>(&state, &ctx, &opts, &r, id, &values, &errors).await?;
    Ok(with_status(&p, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The record as it is now, with what the person typed beside it.
async fn conflict_page<E: Entity>(
    state: &AppState,
    ctx: &Ctx,
    opts: &E::Options,
    id: i64,
    values: &FormValues,
) -> PageResult {
    let current = admin::read::<E>(&state.db, &ctx.caller(), id).await?;
    let theirs = forms::values_of(&E::form_of(&current));
    let mut p =
        edit_page::<E>(state, ctx, opts, &current, id, &theirs, &FieldErrors::new()).await?;
    let by = last_editor(state, E::ENTITY, id).await;
    p.conflict = Some(conflict_view(&p.fields, values, &theirs, by));
    Ok(with_status(&p, StatusCode::CONFLICT))
}

async fn confirm<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let r = admin::open_toggle::<E>(&state.db, &ctx.caller(), id).await?;
    confirm_toggle(
        &ctx,
        &ToggleSpec {
            active: E::active(&r),
            label: E::label(&r),
            back: format!("{}/{id}", E::base()),
        },
    )
}

async fn toggle<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let back = format!("{}/{id}", E::base());
    let r = match admin::toggle::<E>(&state.db, &ctx.caller(), id).await {
        Ok(r) => r,
        Err(usecase::Error::Refused(m)) => {
            return Ok(with_flash(Redirect::to(&back), FlashKind::Danger, &m));
        }
        Err(e) => return Err(e.into()),
    };
    let label = capitalise(&E::label(&r));
    let msg = if E::active(&r) {
        format!("{label} è stato disattivato.")
    } else {
        format!("{label} è stato riattivato.")
    };
    Ok(with_flash(Redirect::to(&back), FlashKind::Success, &msg))
}
