//! CSRF protection for every state-changing request: a synchronizer token (the
//! session's, or for anonymous forms a random cookie value) must come back in
//! the form field `csrf_token` or the `X-CSRF-Token` header (htmx), and a
//! browser that says the request is cross-site is refused outright.

use super::ctx::Ctx;
use super::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use subtle::ConstantTimeEq;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

pub async fn check(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Arc<Ctx>>().cloned() else {
        return AppError::Csrf.into_response();
    };
    if !same_origin(&req) {
        return AppError::Csrf.into_response();
    }
    let (parts, body) = req.into_parts();
    let mut token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if token.is_none() && is_form {
        // The body limit layer outside has already bounded the size.
        let bytes = match to_bytes(body, usize::MAX).await {
            Ok(b) => b,
            Err(_) => {
                return AppError::BadRequest("Richiesta troppo grande.".into()).into_response()
            }
        };
        token = form_token(&bytes);
        Body::from(bytes)
    } else {
        if token.is_none() {
            token = parts.uri.query().and_then(|q| form_token(q.as_bytes()));
        }
        body
    };
    match token {
        Some(t) if bool::from(t.as_bytes().ct_eq(ctx.csrf.as_bytes())) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => {
            tracing::warn!(path = %parts.uri.path(), "request refused: missing or wrong CSRF token");
            AppError::Csrf.into_response()
        }
    }
}

fn form_token(bytes: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// Browsers send `Sec-Fetch-Site` and `Origin` on POST; when present they must
/// say the request comes from our own pages.
fn same_origin(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or("");
        if origin == "null" || origin_host != host {
            return false;
        }
    }
    true
}
