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
use zona_store::{sessions, users, Actor};

pub const SESSION_COOKIE: &str = "zona_session";
pub const ANON_CSRF_COOKIE: &str = "zona_csrf";
pub const FLASH_COOKIE: &str = "zona_flash";

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
}

impl Ctx {
    pub fn allows(&self, action: Action) -> bool {
        allows(self.principal.as_ref(), action)
    }

    pub fn zone_id(&self) -> Option<i64> {
        self.zone.as_ref().map(|z| z.id)
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

/// The client's address: the connection's peer, or, when the peer is a
/// trusted reverse proxy, the last address in `X-Forwarded-For` that is not
/// itself a trusted proxy (the ones before it could be written by anyone).
/// An entry that does not parse stops the walk: what lies before it cannot
/// be told from what the client wrote, so the proxy's own address is used.
/// IPv4-mapped IPv6 addresses are read as IPv4.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let canonical = |a: std::net::IpAddr| a.to_canonical();
    let peer = canonical(peer);
    let is_trusted = |a: std::net::IpAddr| trusted.iter().any(|t| canonical(*t) == a);
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.into_iter().rev() {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(a) if is_trusted(canonical(a)) => continue,
            Ok(a) => return canonical(a),
            Err(_) => return peer,
        }
    }
    peer
}

/// The key the login throttle counts a client under: its IPv4 address, or
/// the /64 network of an IPv6 address (one subscriber usually holds a whole
/// /64, so counting single addresses would give a guesser 2^64 fresh starts).
pub fn throttle_key(a: std::net::IpAddr) -> String {
    match a.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Builds the [`Ctx`], runs the request, then finishes the response: error
/// pages rendered with the layout, the flash consumed, the anonymous CSRF
/// cookie set.
pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = peer
        .map(|p| client_address(p, req.headers(), &state.config.trusted_proxies))
        .map(|a| a.to_string());
    let path = req.uri().path().to_string();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(req).await;
    }

    let mut principal = None;
    let mut session_token = None;
    let mut csrf = None;
    let mut must_change_password = false;
    let mut user_zone = None;
    let mut clear_session_cookie = false;
    if let Some(c) = jar.get(SESSION_COOKIE) {
        match sessions::find(&state.db, c.value(), state.config.session_idle).await {
            Ok(Some(s)) => match load_principal(&state, s.user_id).await {
                Ok(Some((p, must_change, zone_id))) => {
                    principal = Some(p);
                    session_token = Some(c.value().to_string());
                    csrf = Some(s.csrf_token);
                    must_change_password = must_change;
                    user_zone = Some(zone_id);
                }
                Ok(None) => clear_session_cookie = true,
                Err(e) => return super::AppError::Internal(e).into_response(),
            },
            Ok(None) => clear_session_cookie = true,
            Err(e) => return super::AppError::from(e).into_response(),
        }
    }

    let mut new_anon_csrf = None;
    let csrf = match csrf {
        Some(t) => t,
        None => match jar.get(ANON_CSRF_COOKIE) {
            Some(c) if c.value().len() == 64 => c.value().to_string(),
            _ => {
                let t = sessions::random_token();
                new_anon_csrf = Some(t.clone());
                t
            }
        },
    };

    let zone = match user_zone {
        Some(id) => territory::get_zone(&state.db, id).await.ok().flatten(),
        None => public_zone(&state).await,
    };

    let flash = jar.get(FLASH_COOKIE).and_then(|c| {
        let (kind, msg) = c.value().split_once(':')?;
        Some(Flash {
            kind: FlashKind::from_code(kind)?,
            message: urldecode(msg),
        })
    });
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
        set.push(
            Cookie::build((ANON_CSRF_COOKIE, t))
                .path("/")
                .http_only(true)
                .secure(state.config.secure_cookies)
                .same_site(SameSite::Strict)
                .build(),
        );
    }
    for c in set {
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if state.config.secure_cookies {
        secure_every_cookie(resp.headers_mut());
    }
    resp
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
    let Some(u) = users::get_user(&state.db, user_id).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let grants = users::roles(&state.db, user_id)
        .await?
        .iter()
        .filter_map(|r| r.grant())
        .collect();
    Ok(Some((
        Principal {
            user_id: u.id,
            username: u.username,
            full_name: u.full_name,
            grants,
        },
        u.must_change_password,
        u.zone_id,
    )))
}

/// The answer to a confirmed deletion: back to the list when done, back to
/// the record with the reason when someone changed it in the meantime.
pub fn after_delete(
    result: zona_store::Result<()>,
    list: &str,
    record: &str,
    done: &str,
    changed: &str,
) -> Result<Response, super::AppError> {
    match result {
        Ok(()) => Ok(with_flash(Redirect::to(list), FlashKind::Success, done)),
        Err(zona_store::StoreError::Conflict) => {
            Ok(with_flash(Redirect::to(record), FlashKind::Danger, changed))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use axum::http::{HeaderMap, HeaderValue};
    use std::net::IpAddr;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.2"),
        );
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The peer is not a proxy: the header is anyone's word.
        assert_eq!(
            client_address(ip("198.51.100.4"), &h, &proxies),
            ip("198.51.100.4")
        );
        // Behind the proxies: the last hop they did not write.
        assert_eq!(
            client_address(ip("10.0.0.1"), &h, &proxies),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &proxies),
            ip("10.0.0.1")
        );
        // An entry the proxy could not have written stops the walk.
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9:4711"),
        );
        assert_eq!(client_address(ip("10.0.0.1"), &h, &proxies), ip("10.0.0.1"));
        // An IPv4-mapped peer is the IPv4 proxy.
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert_eq!(
            client_address(ip("::ffff:10.0.0.1"), &h, &proxies),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        use super::throttle_key;
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(throttle_key(ip("192.0.2.7")), "192.0.2.7");
        assert_eq!(throttle_key(ip("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_eq!(throttle_key(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
    }
}
