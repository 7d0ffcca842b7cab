//! Login, logout, the user's own account and password.

use super::ctx::{session_cookie, with_flash, Ctx, FlashKind, SESSION_COOKIE};
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::FormPage;
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authn::safe_next;
use zona_core::authz::login_lock;
use zona_core::org::{check_new_password, parse_username};
use zona_core::FieldErrors;
use zona_store::audit::{self, action, entity, Actor, AuditEntry};
use zona_store::{sessions, users};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
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

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<FormValues>,
) -> PageResult {
    let username = forms::value(&form, "username").to_lowercase();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str));
    let db = &state.db;
    // What is typed is shown again, but never more than a name can be.
    let typed: String = username.chars().take(MAX_ECHOED_CHARS).collect();
    let refuse = |message: String, status: StatusCode| {
        let mut r = render_page(&LoginPage {
            page: PageCtx::new(&ctx, "Accedi"),
            username: typed.clone(),
            next: next.clone(),
            error: Some(message),
        });
        *r.status_mut() = status;
        r
    };
    if username.is_empty() || password.is_empty() {
        return Ok(refuse(
            "Inserisci nome utente e password.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let wrong = "Nome utente o password non corretti.";
    // A name no user can have, or a password longer than any can be, is
    // refused before anything is checked or counted; the audit keeps a
    // short, bounded trace of it (docs/domain.md, "Login and sessions").
    if parse_username(&username).is_err() || password.chars().count() > MAX_PASSWORD_CHARS {
        audit::record(
            db,
            &Actor {
                user_id: None,
                name: bounded(&username),
                ip: ctx.ip.clone(),
            },
            AuditEntry::new(action::LOGIN_FAILED, entity::SESSION, None).summary(format!(
                "Accesso non riuscito per «{}» (nome utente o password non ammissibili)",
                bounded(&username)
            )),
        )
        .await?;
        return Ok(refuse(wrong.into(), StatusCode::UNAUTHORIZED));
    }
    let anonymous = Actor {
        user_id: None,
        name: username.clone(),
        ip: ctx.ip.clone(),
    };
    let client = ctx
        .ip
        .as_deref()
        .and_then(|a| a.parse().ok())
        .map(zona_core::authn::throttle_key)
        .unwrap_or_else(|| "-".into());

    // The attempt is counted before the password is checked, atomically, so
    // guesses sent in parallel cannot all pass a lock read too early.
    let attempt = match users::admit_login(db, &username, &client, login_lock).await? {
        users::Admission::Refused { failures, until } => {
            audit::record(
                db,
                &anonymous,
                AuditEntry::new(action::LOGIN_FAILED, entity::SESSION, None).summary(format!(
                    "Accesso rifiutato a «{username}»: sospeso per questo indirizzo dopo {failures} tentativi non riusciti",
                )),
            )
            .await?;
            let at = zona_core::format::datetime(until);
            return Ok(refuse(
                format!("Troppi tentativi non riusciti: per sicurezza l'accesso con questo nome utente da questo indirizzo è sospeso fino al {at}. Se hai dimenticato la password, rivolgiti all'Ufficio di Piano, che può assegnartene una nuova."),
                StatusCode::TOO_MANY_REQUESTS,
            ));
        }
        users::Admission::Judge { attempt } => attempt,
    };

    let creds = users::credentials(db, &username).await?;
    let ok =
        crate::passwords::verify(password, creds.as_ref().map(|c| c.password_hash.clone())).await?;
    match creds {
        Some(c) if ok && c.active => {
            users::clear_login_failures(db, &username, &client).await?;
            let (token, _) = sessions::create(db, c.id, state.config.session_idle).await?;
            users::touch_last_login(db, c.id).await?;
            audit::record(
                db,
                &Actor::user(c.id, &c.username, ctx.ip.clone()),
                AuditEntry::new(action::LOGIN, entity::SESSION, Some(c.id))
                    .summary(format!("Accesso di «{}»", c.username)),
            )
            .await?;
            let mut r = Redirect::to(&next).into_response();
            let cookie = session_cookie(
                &token,
                state.config.secure_cookies,
                state.config.session_idle,
            );
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie.to_string()).map_err(anyhow::Error::from)?,
            );
            Ok(r)
        }
        other => {
            let reason = match &other {
                Some(c) if ok && !c.active => "utente disattivato",
                Some(_) => "password errata",
                None => "nome utente inesistente",
            };
            let actor = match &other {
                Some(c) => Actor::user(c.id, &c.username, ctx.ip.clone()),
                None => anonymous,
            };
            audit::record(
                db,
                &actor,
                AuditEntry::new(
                    action::LOGIN_FAILED,
                    entity::SESSION,
                    other.as_ref().map(|c| c.id),
                )
                .summary(format!(
                    "Accesso non riuscito per «{username}» ({reason}), tentativo n. {attempt}"
                )),
            )
            .await?;
            // The same message whether the name exists or not.
            let mut msg = wrong.to_string();
            if let Some(lock) = login_lock(attempt) {
                msg.push_str(&format!(
                    " Dopo {attempt} tentativi non riusciti l'accesso con questo nome utente da questo indirizzo è sospeso fino al {}.",
                    zona_core::format::datetime(zona_store::now() + lock)
                ));
            }
            Ok(refuse(msg, StatusCode::UNAUTHORIZED))
        }
    }
}

/// The most characters of a typed login name shown again or kept in the
/// audit log when it cannot be a name: a real one has at most 40.
const MAX_ECHOED_CHARS: usize = 40;

/// The longest password any account can have (`check_new_password`).
const MAX_PASSWORD_CHARS: usize = 128;

/// A typed name cut to what the audit log keeps of it.
fn bounded(typed: &str) -> String {
    let mut s: String = typed
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ECHOED_CHARS)
        .collect();
    if typed.chars().count() > MAX_ECHOED_CHARS {
        s.push('…');
    }
    s
}

async fn logout(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    if let (Some(token), Some(p)) = (&ctx.session_token, &ctx.principal) {
        sessions::delete(&state.db, token).await?;
        audit::record(
            &state.db,
            &ctx.actor(),
            AuditEntry::new(action::LOGOUT, entity::SESSION, Some(p.user_id))
                .summary(format!("Uscita di «{}»", p.username)),
        )
        .await?;
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
    Ok(render_page(&AccountPage {
        page: PageCtx::new(&ctx, "Il mio profilo"),
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

async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let creds = users::credentials_by_id(&state.db, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let current = values.get("current").cloned().unwrap_or_default();
    let new = values.get("new").cloned().unwrap_or_default();
    let confirm = values.get("confirm").cloned().unwrap_or_default();
    if current.is_empty()
        || !crate::passwords::verify(current.clone(), Some(creds.password_hash.clone())).await?
    {
        e.add("current", "La password attuale non è corretta.");
    }
    if let Err(m) = check_new_password(&new, &p.username) {
        e.add("new", m);
    } else if new == current {
        e.add(
            "new",
            "La nuova password deve essere diversa da quella attuale.",
        );
    } else if new != confirm {
        e.add("confirm", "Le due password non coincidono.");
    }
    if !e.is_empty() {
        let mut r = render_page(&password_page(&ctx, &values, &e));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let hash = crate::passwords::hash(new).await?;
    users::set_password(
        &state.db,
        &ctx.actor(),
        p.user_id,
        &hash,
        false,
        ctx.session_token.as_deref(),
    )
    .await?;
    Ok(with_flash(
        Redirect::to("/account"),
        FlashKind::Success,
        "Password cambiata. Le altre sessioni aperte sono state chiuse.",
    ))
}
