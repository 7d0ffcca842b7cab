//! The request context: who is asking (from the session cookie), in which
//! zone, the CSRF token their forms carry, and the flash message left by the
//! previous request. Built once per request by [`load`].

use super::error::ErrorInfo;
use super::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::net::SocketAddr;
use std::sync::Arc;
use zona_core::authz::{allows, Action, Principal};
use zona_store::territory::{self, Zone};
use zona_store::{sessions, Actor};

pub const SESSION_COOKIE: &str = "zona_session";
pub const ANON_CSRF_COOKIE: &str = "zona_csrf";
pub const FLASH_COOKIE: &str = "zona_flash";
/// The zone a visitor or a regional reader chose on `/regione`: its code.
pub const ZONE_COOKIE: &str = "zona_zona";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Info,
    Warning,
    Danger,
}

impl FlashKind {
    fn code(self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Info => "info",
            FlashKind::Warning => "warning",
            FlashKind::Danger => "danger",
        }
    }
    fn from_code(s: &str) -> Option<FlashKind> {
        Some(match s {
            "success" => FlashKind::Success,
            "info" => FlashKind::Info,
            "warning" => FlashKind::Warning,
            "danger" => FlashKind::Danger,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

impl Flash {
    pub fn css(&self) -> &'static str {
        self.kind.code()
    }
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub principal: Option<Principal>,
    pub session_token: Option<String>,
    pub csrf: String,
    /// The user's zone, or the public zone for anonymous visitors.
    pub zone: Option<Zone>,
    pub flash: Option<Flash>,
    pub ip: Option<String>,
    pub must_change_password: bool,
    pub path: String,
    /// The path with its query, where a sign-in brings the person back.
    pub target: String,
    /// The signed-in person's unread notifications (the bell).
    pub unread: i64,
    /// The zones a regional reader may open, (code, name): the choice in
    /// every page's header. Empty for everyone else.
    pub zone_choices: Vec<(String, String)>,
}

impl Ctx {
    pub fn allows(&self, action: Action) -> bool {
        allows(self.principal.as_ref(), action)
    }

    pub fn zone_id(&self) -> Option<i64> {
        self.zone.as_ref().map(|z| z.id)
    }

    /// Whether the caller edits the shared frame of the zone's region: the
    /// regional plans, the vocabularies, the DM 77/2022 standards.
    pub fn edits_frame(&self) -> bool {
        self.zone.as_ref().is_some_and(|z| {
            self.allows(Action::EditRegionalFrame {
                region_id: z.region_id,
            })
        })
    }

    /// Who is asking, as the use cases see them.
    pub fn caller(&self) -> crate::usecase::Caller {
        crate::usecase::Caller {
            principal: self.principal.clone(),
            zone_id: self.zone_id(),
            actor: self.actor(),
        }
    }

    /// The audit actor of this request.
    pub fn actor(&self) -> Actor {
        match &self.principal {
            Some(p) => Actor::user(p.user_id, &p.username, self.ip.clone()),
            None => Actor {
                user_id: None,
                name: "anonimo".into(),
                ip: self.ip.clone(),
            },
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = super::AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<Ctx>>()
            .map(|c| (**c).clone())
            .ok_or_else(|| super::AppError::Internal(anyhow::anyhow!("request context missing")))
    }
}

/// A response that sets the flash message shown by the next page.
pub fn with_flash(resp: impl IntoResponse, kind: FlashKind, message: &str) -> Response {
    let mut r = resp.into_response();
    let value = format!("{}:{}", kind.code(), urlencode(message));
    let cookie = Cookie::build((FLASH_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("m", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}

fn urldecode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("m={s}"))
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_default()
}

pub fn session_cookie(token: &str, secure: bool, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token.to_string()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .build()
}

fn expired(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::ZERO)
        .build()
}

/// Builds the [`Ctx`], runs the request, then finishes the response: error
/// pages rendered with the layout, the flash consumed, the anonymous CSRF
/// cookie set.
pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let ip = client_ip(&state, &req);
    let path = req.uri().path().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(req).await;
    }

    let signed_in = match signed_in(&state, &jar).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let clear_session_cookie = signed_in.is_none() && jar.get(SESSION_COOKIE).is_some();
    let (principal, session_token, csrf, must_change_password, user_zone) = match signed_in {
        Some(s) => (
            Some(s.principal),
            Some(s.token),
            Some(s.csrf),
            s.must_change_password,
            Some(s.zone_id),
        ),
        None => (None, None, None, false, None),
    };

    let (csrf, new_anon_csrf) = match csrf {
        Some(t) => (t, None),
        None => anonymous_csrf(&jar),
    };

    // Only the public and the region choose a zone: for anyone else the
    // cookie is not even looked up.
    let chooses = principal
        .as_ref()
        .is_none_or(|p| !p.region_zones.is_empty());
    let chosen = match jar.get(ZONE_COOKIE).filter(|_| chooses) {
        Some(c) => territory::get_zone_by_code(&state.db, c.value())
            .await
            .ok()
            .flatten(),
        None => None,
    };
    // A person works in their own zone; the region in the zone it chose
    // among its own; the public in the zone it chose, or the configured one.
    let zone = match (user_zone, &principal) {
        (Some(id), Some(p)) => match chosen {
            Some(z) if p.region_zones.contains(&z.id) => Some(z),
            _ => territory::get_zone(&state.db, id).await.ok().flatten(),
        },
        _ => match chosen {
            Some(z) if z.active => Some(z),
            _ => public_zone(&state).await,
        },
    };

    let unread = match &principal {
        Some(p) => zona_store::notifications::unread(&state.db, p.user_id)
            .await
            .unwrap_or(0),
        None => 0,
    };
    let zone_choices = match &principal {
        Some(p) if !p.region_zones.is_empty() => {
            territory::active_zone_names(&state.db, &p.region_zones)
                .await
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let flash = flash_of(&jar);
    let had_flash = jar.get(FLASH_COOKIE).is_some();

    let ctx = Arc::new(Ctx {
        principal,
        session_token,
        csrf,
        zone,
        flash,
        ip,
        must_change_password,
        path: path.clone(),
        target,
        unread,
        zone_choices,
    });
    req.extensions_mut().insert(ctx.clone());

    // A password set by an administrator must be changed before anything else.
    let exempt = ["/account/password", "/logout"];
    let mut resp = if ctx.must_change_password && !exempt.contains(&path.as_str()) {
        axum::response::Redirect::to("/account/password").into_response()
    } else {
        next.run(req).await
    };

    if let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() {
        resp = super::error::render(&ctx, info, resp.status());
    }
    let mut set = Vec::new();
    if had_flash && !resp.status().is_redirection() {
        set.push(expired(FLASH_COOKIE));
    }
    if clear_session_cookie {
        set.push(expired(SESSION_COOKIE));
    }
    if let Some(t) = new_anon_csrf {
        set.push(anonymous_csrf_cookie(t, state.config.secure_cookies));
    }
    set_cookies(&mut resp, set, state.config.secure_cookies);
    resp
}

/// The client's address: the peer's, or the one a trusted proxy forwards.
fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    let forwarded = forwarded_for(req.headers());
    let trusted = &state.config.trusted_proxies;
    Some(zona_core::authn::client_address(peer, &forwarded, trusted).to_string())
}

/// The message a redirect left for the next page.
fn flash_of(jar: &CookieJar) -> Option<Flash> {
    let c = jar.get(FLASH_COOKIE)?;
    let (kind, msg) = c.value().split_once(':')?;
    Some(Flash {
        kind: FlashKind::from_code(kind)?,
        message: urldecode(msg),
    })
}

/// Adds cookies to a response; over HTTPS every cookie is `Secure`.
fn set_cookies(resp: &mut Response, cookies: Vec<Cookie<'static>>, secure: bool) {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if secure {
        secure_every_cookie(resp.headers_mut());
    }
}

/// The signed-in person of a request, from its session cookie.
struct SignedIn {
    principal: Principal,
    token: String,
    csrf: String,
    must_change_password: bool,
    zone_id: i64,
}

/// The live session named by the request's cookie, if any; `None` for no
/// cookie, or one whose session ended or whose user is gone.
async fn signed_in(state: &AppState, jar: &CookieJar) -> Result<Option<SignedIn>, super::AppError> {
    let Some(c) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(s) = sessions::find(&state.db, c.value(), state.config.session_idle).await? else {
        return Ok(None);
    };
    let loaded = load_principal(state, s.user_id)
        .await
        .map_err(super::AppError::Internal)?;
    Ok(
        loaded.map(|(principal, must_change_password, zone_id)| SignedIn {
            principal,
            token: c.value().to_string(),
            csrf: s.csrf_token,
            must_change_password,
            zone_id,
        }),
    )
}

/// An anonymous visitor's CSRF token: the cookie's, or a new one to set.
fn anonymous_csrf(jar: &CookieJar) -> (String, Option<String>) {
    match jar.get(ANON_CSRF_COOKIE) {
        Some(c) if c.value().len() == 64 => (c.value().to_string(), None),
        _ => {
            let t = sessions::random_token();
            (t.clone(), Some(t))
        }
    }
}

/// The CSRF cookie of an anonymous visitor (the login form's token).
fn anonymous_csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((ANON_CSRF_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// Over HTTPS every cookie zona sets is `Secure`, whichever handler set it
/// (the flash message's too), so none is ever sent over plain HTTP.
fn secure_every_cookie(headers: &mut axum::http::HeaderMap) {
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for c in cookies {
        let secured = match c.to_str() {
            Ok(s)
                if !s
                    .split(';')
                    .any(|a| a.trim().eq_ignore_ascii_case("secure")) =>
            {
                HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(c)
            }
            _ => c,
        };
        headers.append(header::SET_COOKIE, secured);
    }
}

async fn public_zone(state: &AppState) -> Option<Zone> {
    match &state.config.public_zone {
        Some(code) => territory::get_zone_by_code(&state.db, code)
            .await
            .ok()
            .flatten(),
        None => territory::default_zone(&state.db).await.ok().flatten(),
    }
}

/// The signed-in user with their grants; `None` when the user is gone or inactive.
async fn load_principal(
    state: &AppState,
    user_id: i64,
) -> anyhow::Result<Option<(Principal, bool, i64)>> {
    Ok(crate::usecase::sessions::principal_of(&state.db, user_id).await?)
}

/// The answer to a confirmed deletion: back to the list when done, back to
/// the record with the reason when someone changed it in the meantime.
pub fn after_delete<E: Into<crate::usecase::Error>>(
    result: Result<(), E>,
    list: &str,
    record: &str,
    done: &str,
    changed: &str,
) -> Result<Response, super::AppError> {
    match result.map_err(Into::into) {
        Ok(()) => Ok(with_flash(Redirect::to(list), FlashKind::Success, done)),
        Err(crate::usecase::Error::Conflict) => {
            Ok(with_flash(Redirect::to(record), FlashKind::Danger, changed))
        }
        Err(e) => Err(e.into()),
    }
}

/// The `X-Forwarded-For` headers' entries, in order.
fn forwarded_for(headers: &axum::http::HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect()
}
