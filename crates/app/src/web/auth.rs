//! Login, logout, the user's own account and password.

use super::ctx::{session_cookie, with_flash, Ctx, FlashKind, SESSION_COOKIE};
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, with_status, PageCtx, PageResult};
use super::views::FormPage;
use super::{AppError, AppState};
use crate::usecase::sessions::{self, LoginRefused};
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authn::safe_next;
use zona_core::FieldErrors;
use zona_store::users;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
        .route(
            "/accesso/invito/{token}",
            get(invitation_form).post(accept_invitation),
        )
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    page: PageCtx,
    token: String,
    username: String,
    full_name: String,
    errors: FieldErrors,
}

/// A link that does not work (unknown, used or expired) says so and what to do.
fn invitation_gone() -> AppError {
    AppError::Gone("Il collegamento di accesso non è valido, è già stato usato o è scaduto. Chiedine uno nuovo all'Ufficio di Piano.".into())
}

async fn invitation_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let user = match sessions::invitation(&state.db, &token).await {
        Ok(u) => u,
        Err(Error::NotFound) => return Err(invitation_gone()),
        Err(e) => return Err(e.into()),
    };
    Ok(render_page(&invitation_page(
        &ctx,
        token,
        user,
        FieldErrors::new(),
    )))
}

fn invitation_page(
    ctx: &Ctx,
    token: String,
    user: users::User,
    errors: FieldErrors,
) -> InvitationPage {
    InvitationPage {
        page: PageCtx::new(ctx, "Imposta la tua password"),
        token,
        username: user.username,
        full_name: user.full_name,
        errors,
    }
}

/// The new password as sent from a sign-in link's page.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct InvitationForm {
    new: String,
    confirm: String,
}

async fn accept_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<InvitationForm>,
) -> PageResult {
    let typed = sessions::NewPassword {
        new: form.new,
        confirm: form.confirm,
    };
    match sessions::accept_invitation(&state.db, &token, typed).await {
        Ok(_) => Ok(with_flash(
            Redirect::to("/login"),
            FlashKind::Success,
            "Password impostata: ora puoi accedere con il tuo nome utente.",
        )),
        Err(Error::Invalid(errors)) => {
            let user = sessions::invitation(&state.db, &token)
                .await
                .map_err(|_| invitation_gone())?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                render_page(&invitation_page(&ctx, token, user, errors)),
            ))
        }
        Err(Error::NotFound) => Err(invitation_gone()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    username: String,
    next: String,
    error: Option<String>,
}

async fn login_form(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> PageResult {
    if ctx.principal.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(render_page(&LoginPage {
        page: PageCtx::new(&ctx, "Accedi"),
        username: String::new(),
        next: safe_next(q.get("next").map(String::as_str)),
        error: None,
    }))
}

/// The login form as sent.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    next: String,
}

fn refusal_text(r: &LoginRefused) -> (String, StatusCode) {
    let wrong = "Nome utente o password non corretti.";
    match r {
        LoginRefused::Incomplete => (
            "Inserisci nome utente e password.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        LoginRefused::Locked { until } => {
            let at = zona_core::format::datetime(*until);
            (format!("Troppi tentativi non riusciti: per sicurezza l'accesso con questo nome utente da questo indirizzo è sospeso fino al {at}. Se hai dimenticato la password, rivolgiti all'Ufficio di Piano, che può assegnartene una nuova."), StatusCode::TOO_MANY_REQUESTS)
        }
        LoginRefused::Wrong {
            locked_until: Some(until),
            attempt,
        } => (
            format!(
                "{wrong} Dopo {attempt} tentativi non riusciti l'accesso con questo nome utente da questo indirizzo è sospeso fino al {}.",
                zona_core::format::datetime(*until)
            ),
            StatusCode::UNAUTHORIZED,
        ),
        LoginRefused::Wrong { .. } => (wrong.into(), StatusCode::UNAUTHORIZED),
    }
}

async fn login(State(state): State<AppState>, ctx: Ctx, Form(form): Form<LoginForm>) -> PageResult {
    let next = safe_next(
        Some(&form.next)
            .filter(|n| !n.is_empty())
            .map(String::as_str),
    );
    let credentials = sessions::Credentials {
        username: form.username.clone(),
        password: form.password,
        ip: ctx.ip.clone(),
    };
    match sessions::login(&state.db, &credentials, state.config.session_idle).await? {
        Ok(signed_in) => {
            let mut r = Redirect::to(&next).into_response();
            let cookie = session_cookie(
                &signed_in.token,
                state.config.secure_cookies,
                state.config.session_idle,
            );
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie.to_string()).map_err(anyhow::Error::from)?,
            );
            Ok(r)
        }
        Err(refused) => {
            let (message, status) = refusal_text(&refused);
            // What is typed is shown again, but never more than a name can be.
            let typed = credentials.username.trim().to_lowercase();
            let page = LoginPage {
                page: PageCtx::new(&ctx, "Accedi"),
                username: typed.chars().take(sessions::MAX_ECHOED_CHARS).collect(),
                next,
                error: Some(message),
            };
            Ok(with_status(status, render_page(&page)))
        }
    }
}

async fn logout(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    if let Some(token) = &ctx.session_token {
        sessions::logout(&state.db, &ctx.caller(), token).await?;
    }
    let mut r = with_flash(
        Redirect::to("/"),
        FlashKind::Info,
        "Sei uscito dall'applicazione.",
    );
    let expired = session_cookie("", state.config.secure_cookies, time::Duration::ZERO);
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&expired.to_string()).map_err(anyhow::Error::from)?,
    );
    let _ = SESSION_COOKIE;
    Ok(r)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
    username: String,
    full_name: String,
    email: String,
    organisation: String,
    roles: Vec<String>,
    last_login: String,
    has_email: bool,
    digest: bool,
    has_feed: bool,
    /// The zone's planning office, who edits users itself.
    office: bool,
}

async fn account(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let u = users::get_user(&state.db, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles = users::roles(&state.db, p.user_id)
        .await?
        .iter()
        .map(|r| r.describe())
        .collect();
    let (digest, has_feed) = zona_store::notifications::preferences(&state.db, p.user_id).await?;
    Ok(render_page(&AccountPage {
        page: PageCtx::new(&ctx, "Il mio profilo"),
        has_email: u.email.as_deref().is_some_and(|e| !e.is_empty()),
        office: ctx.allows(zona_core::authz::Action::Administer { zone_id: u.zone_id }),
        digest,
        has_feed,
        username: u.username,
        full_name: u.full_name,
        email: u.email.unwrap_or_else(|| "—".into()),
        organisation: u.organisation_name.unwrap_or_else(|| "—".into()),
        roles,
        last_login: u
            .last_login_at
            .map(zona_core::format::datetime)
            .unwrap_or_else(|| "—".into()),
    }))
}

fn password_fields(values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new("current", "Password attuale", FieldKind::Password)
            .required()
            .autocomplete("current-password")
            .bind(values, errors),
        Field::new("new", "Nuova password", FieldKind::Password)
            .required()
            .autocomplete("new-password")
            .hint("Almeno 12 caratteri; una frase di più parole è sicura e facile da ricordare.")
            .bind(values, errors),
        Field::new("confirm", "Ripeti la nuova password", FieldKind::Password)
            .required()
            .autocomplete("new-password")
            .bind(values, errors),
    ]
}

fn password_page(ctx: &Ctx, values: &FormValues, errors: &FieldErrors) -> FormPage {
    // Passwords are never sent back to the browser.
    let blank: FormValues = values.keys().map(|k| (k.clone(), String::new())).collect();
    let mut p = FormPage::new(
        PageCtx::new(ctx, "Cambia password"),
        "Cambia password",
        "/account/password",
        password_fields(&blank, errors),
    );
    if ctx.must_change_password {
        p.intro = "La tua password è temporanea: scegline una nuova per continuare.".into();
    }
    p.submit_label = "Cambia password";
    p.cancel_href = "/account".into();
    p.errors_summary = forms::summary(errors);
    p
}

async fn password_form(ctx: Ctx) -> PageResult {
    if ctx.principal.is_none() {
        return Err(AppError::LoginRequired);
    }
    Ok(render_page(&password_page(
        &ctx,
        &FormValues::new(),
        &FieldErrors::new(),
    )))
}

/// The change of one's own password as sent.
#[derive(Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let values = forms::values_of(&form);
    let change = sessions::PasswordChange {
        current: form.current,
        new: form.new,
        confirm: form.confirm,
    };
    let keep = ctx.session_token.as_deref();
    match sessions::change_password(&state.db, &ctx.caller(), Ok(change), keep).await {
        Ok(()) => Ok(with_flash(
            Redirect::to("/account"),
            FlashKind::Success,
            "Password cambiata. Le altre sessioni aperte sono state chiuse.",
        )),
        Err(Error::Invalid(e)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render_page(&password_page(&ctx, &values, &e)),
        )),
        Err(e) => Err(e.into()),
    }
}
