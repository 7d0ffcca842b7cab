//! The create / edit / deactivate cycle shared by every administered record.
//! A record type describes its fields, parsing and storage in [`Entity`]; the
//! handlers here do the rest the same way for all: authorisation, zone check,
//! validation with the input kept, duplicate names, optimistic concurrency,
//! confirmation before deactivating, audit (in the store), flash messages.

use super::super::views::{FormPage, Section, Toggle};
use super::*;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Form;
use std::future::Future;
use zona_store::Actor;

pub trait Entity: Send + Sync + 'static {
    type Record: Send + Sync;
    type Input: Send + Sync;
    /// Select options and anything else the form needs from the database.
    type Options: Send + Sync;
    /// The form as sent: each field the input of the same name, as text.
    type Form: serde::de::DeserializeOwned + serde::Serialize + Default + Send + Sync + 'static;

    const LIST: ListName;
    const KIND: Deactivatable;
    /// Audit entity code.
    const ENTITY: &'static str;
    const NEW_TITLE: &'static str;
    const CREATED: &'static str;
    const DUPLICATES: &'static [(&'static str, &'static str)];

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

    fn load(
        state: &AppState,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self::Record>, StoreError>> + Send;
    fn create(
        state: &AppState,
        actor: &Actor,
        input: &Self::Input,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn update(
        state: &AppState,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &Self::Input,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The zone a record belongs to; `None` for records above zones (regions).
    fn zone_of(r: &Self::Record) -> Option<i64>;
    fn title(r: &Self::Record) -> String;
    fn active(r: &Self::Record) -> bool;
    /// `l'ente «Comune di Livorno»`: how confirmations and messages name it.
    fn label(r: &Self::Record) -> String;
    fn deactivate_text(_r: &Self::Record) -> String {
        "Un elemento disattivato non è più proposto nelle scelte; i dati storici restano.".into()
    }
    /// Who may edit this record (default: the planning office of its zone).
    fn edit_action(ctx: &Ctx, r: &Self::Record) -> Action {
        Action::Administer {
            zone_id: Self::zone_of(r).or(ctx.zone_id()).unwrap_or(-1),
        }
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

fn administer(ctx: &Ctx) -> Result<i64, AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::Administer { zone_id })?;
    Ok(zone_id)
}

async fn load<E: Entity>(state: &AppState, ctx: &Ctx, id: i64) -> Result<E::Record, AppError> {
    let r = E::load(state, id).await?.ok_or(AppError::NotFound)?;
    if let Some(z) = E::zone_of(&r) {
        same_zone(ctx, z)?;
    }
    Ok(r)
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
    p.can_edit = ctx.allows(E::edit_action(ctx, r));
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
    administer(&ctx)?;
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
    administer(&ctx)?;
    let opts = E::options(&state, &ctx).await?;
    let values = forms::values_of(&form);
    let errors = match E::parse(&opts, &ctx, &form) {
        Ok(input) => match E::create(&state, &ctx.actor(), &input).await {
            Ok(id) => {
                let to = format!("{}/{id}", E::base());
                return Ok(with_flash(
                    Redirect::to(&to),
                    FlashKind::Success,
                    E::CREATED,
                ));
            }
            Err(e) => save_error(e, E::DUPLICATES)?,
        },
        Err(e) => e,
    };
    Ok(with_status(
        &new_page::<E>(&ctx, &opts, &values, &errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn edit_form<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    require(&ctx, E::LIST.action(zone_of(&ctx)?))?;
    let r = load::<E>(&state, &ctx, id).await?;
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
    zone_of(&ctx)?;
    let r = load::<E>(&state, &ctx, id).await?;
    require(&ctx, E::edit_action(&ctx, &r))?;
    let opts = E::options(&state, &ctx).await?;
    let values = forms::values_of(&form);
    let errors = match E::parse(&opts, &ctx, &form) {
        Ok(input) => {
            match E::update(&state, &ctx.actor(), id, forms::version(&values), &input).await {
                Ok(()) => {
                    let to = format!("{}/{id}", E::base());
                    return Ok(with_flash(
                        Redirect::to(&to),
                        FlashKind::Success,
                        "Modifiche salvate.",
                    ));
                }
                Err(StoreError::Conflict) => {
                    let current = load::<E>(&state, &ctx, id).await?;
                    let theirs = forms::values_of(&E::form_of(&current));
                    let mut p = edit_page::<E>(
                        &state,
                        &ctx,
                        &opts,
                        &current,
                        id,
                        &theirs,
                        &FieldErrors::new(),
                    )
                    .await?;
                    let by = last_editor(&state, E::ENTITY, id).await;
                    p.conflict = Some(conflict_view(&p.fields, &values, &theirs, by));
                    return Ok(with_status(&p, StatusCode::CONFLICT));
                }
                Err(e) => save_error(e, E::DUPLICATES)?,
            }
        }
        Err(e) => e,
    };
    let p = edit_page::<E>(&state, &ctx, &opts, &r, id, &values, &errors).await?;
    Ok(with_status(&p, StatusCode::UNPROCESSABLE_ENTITY))
}

fn toggle_spec<E: Entity>(r: &E::Record, id: i64) -> ToggleSpec {
    ToggleSpec {
        what: E::KIND,
        id,
        active: E::active(r),
        zone_id: E::zone_of(r),
        label: E::label(r),
        back: format!("{}/{id}", E::base()),
    }
}

async fn confirm<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    administer(&ctx)?;
    let r = load::<E>(&state, &ctx, id).await?;
    require(&ctx, E::edit_action(&ctx, &r))?;
    confirm_toggle(&ctx, &toggle_spec::<E>(&r, id))
}

async fn toggle<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    administer(&ctx)?;
    let r = load::<E>(&state, &ctx, id).await?;
    require(&ctx, E::edit_action(&ctx, &r))?;
    if E::KIND == Deactivatable::User {
        if let Some(p) = &ctx.principal {
            if p.user_id == id && E::active(&r) {
                return Ok(with_flash(
                    Redirect::to(&format!("{}/{id}", E::base())),
                    FlashKind::Danger,
                    "Non puoi disattivare il tuo stesso account.",
                ));
            }
        }
    }
    do_toggle(&state, &ctx, toggle_spec::<E>(&r, id))
        .await
        .map(IntoResponse::into_response)
}
