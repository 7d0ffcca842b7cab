//! The web application: routes, middleware, pages.
//!
//! A request passes, outside in: timeout and body limit → security headers →
//! context (session, user, zone, flash, error pages) → CSRF check → the route,
//! which asks `zona_core::authz` before reading or changing anything.

mod admin;
mod auth;
mod codesign;
mod common;
mod coprogramming;
pub use coprogramming::DEFAULT_TABLES;
mod csrf;
mod ctx;
mod error;
mod export;
mod forms;
mod home;
mod meetings;
mod monitoring;
mod network;
mod notifications;
mod page;
mod participation;
mod pis;
mod planning;
mod profile;
mod projects;
mod public;
mod public_participation;
mod published;
mod region;
mod search;
mod sheets;
mod soc26;
mod static_files;
mod views;
mod zone;

use crate::Config;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use zona_store::Db;

pub use ctx::Ctx;
pub use error::AppError;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The published pages this instance keeps rendered (`published.rs`).
    pub pages: Arc<published::Pages>,
}

impl AppState {
    pub fn new(db: Db, config: Arc<Config>) -> AppState {
        AppState {
            db,
            config,
            pages: Arc::default(),
        }
    }

    /// Today's Italian date, from the configured clock.
    pub fn today(&self) -> time::Date {
        self.config.clock.today()
    }
}

/// The Content-Security-Policy: everything from our own origin, no inline
/// script or style, no framing.
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'self'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let timeout = state.config.request_timeout;
    let hsts = state
        .config
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    let app = Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(notifications::routes())
        .merge(search::routes())
        .merge(admin::routes())
        .merge(soc26::routes())
        .merge(planning::routes())
        .merge(monitoring::routes())
        .merge(pis::routes())
        .merge(profile::routes())
        .merge(public::routes())
        .merge(zone::routes())
        .merge(region::routes())
        .merge(codesign::routes())
        .merge(coprogramming::routes())
        .merge(meetings::routes())
        .merge(public_participation::routes())
        .merge(participation::routes())
        .merge(network::routes())
        .merge(projects::routes())
        .route("/static/{*path}", get(static_files::serve))
        .fallback(get(|| async { AppError::NotFound }).post(|| async { AppError::NotFound }))
        .layer(axum::middleware::from_fn(csrf::check))
        .layer(axum::middleware::from_fn_with_state(
            (max_body, state.config.max_form_bytes),
            check_request,
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            published::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::load,
        ))
        .with_state(state);
    // The body limits sit inside the security headers, so that a refusal
    // carries them too.
    app.layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Served over HTTPS (`--secure-cookies`): browsers must keep to it.
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| hsts.clone(),
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Checks what a request carries before any handler reads it, answering
/// with the Italian error page:
/// - a body larger than its kind allows is refused: forms with files up to
///   `max_body_bytes`, any other request up to `max_form_bytes` (read to
///   that limit at most, whether or not it declares its length);
/// - a NUL character, in the path, the query or a form's body, is refused: no
///   text of zona contains one, and PostgreSQL cannot store it.
async fn check_request(
    axum::extract::State(limits): axum::extract::State<(usize, usize)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (files, forms) = limits;
    let nul = || {
        AppError::BadRequest(
            "La richiesta contiene un carattere non ammesso (NUL): non è stata eseguita.".into(),
        )
        .into_response()
    };
    if req.uri().query().is_some_and(has_nul) || has_nul(req.uri().path()) {
        return nul();
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if multipart { files } else { forms };
    // The Content-Length header is HTTP's own digits, not a number a person
    // typed; an unreadable one is left to the outer limit.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return AppError::TooLarge(limit).into_response();
    }
    if multipart
        || req.method() == axum::http::Method::GET
        || req.method() == axum::http::Method::HEAD
    {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return AppError::TooLarge(limit).into_response(),
    };
    if bytes.contains(&0) || has_nul(&String::from_utf8_lossy(&bytes)) {
        return nul();
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// A NUL, raw or percent-encoded (`%00`), in URL-encoded text.
fn has_nul(s: &str) -> bool {
    s.contains('\0') || s.contains("%00")
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let purge_db = state.db.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = zona_store::sessions::purge_expired(&purge_db).await {
                tracing::warn!("purging expired sessions failed: {e}");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
    crate::mail::spawn(state.db.clone(), state.config.clone());
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
