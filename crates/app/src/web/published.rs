//! Published pages kept as rendered: the public plans and the health
//! profile change only when the data does, and every change zona makes
//! writes an audit entry. A page is rendered once for an anonymous visitor
//! and served again while the register's newest entry and the day are the
//! same; its ETag lets a browser ask whether it changed (304 if not).
//! Signed-in people, and anyone with a message to show, get a fresh page.
//! Each instance keeps its own copy, checked against the shared database,
//! so several instances behind one address stay correct.

use super::ctx::{FLASH_COOKIE, SESSION_COOKIE};
use super::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use std::collections::HashMap;
use std::sync::Mutex;

/// The paths whose pages depend only on the data and the day.
const PUBLISHED: [&str; 2] = ["/piani", "/profilo-di-salute"];
/// The most pages kept, and the most bytes in all: past either the copies
/// are dropped and built again (a query string makes a page of its own, so
/// a visitor inventing queries only makes this instance render more).
const MAX_PAGES: usize = 256;
const MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// The largest page kept (a plan's PDF is larger and is built each time).
const MAX_BYTES: usize = 512 * 1024;

#[derive(Clone)]
struct Page {
    version: (i64, time::Date),
    etag: HeaderValue,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// The rendered pages of this instance, by path and query.
#[derive(Default)]
pub struct Pages {
    pages: Mutex<HashMap<String, Page>>,
}

fn published(path: &str) -> bool {
    PUBLISHED.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn answer(page: &Page, req_headers: &HeaderMap) -> Response {
    let fresh = req_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == page.etag.as_bytes());
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(page.body.clone()));
        *r.headers_mut() = page.headers.clone();
        r
    };
    r.headers_mut().insert(header::ETAG, page.etag.clone());
    // Browsers keep it but ask each time: a change shows at once.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let anonymous = jar.get(SESSION_COOKIE).is_none() && jar.get(FLASH_COOKIE).is_none();
    if !state.config.keep_published_pages
        || req.method() != Method::GET
        || !anonymous
        || !published(req.uri().path())
    {
        return next.run(req).await;
    }
    let Ok(last) = zona_store::audit::last_id(&state.db).await else {
        return next.run(req).await;
    };
    let version = (last, state.today());
    // The zone chosen on /regione is part of what the page shows. Only a
    // code's characters are kept, so the ETag stays a plain header value.
    let zone: String = jar
        .get(super::ctx::ZONE_COOKIE)
        .map(|c| {
            c.value()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .take(20)
                .collect()
        })
        .unwrap_or_default();
    let key = format!(
        "{zone} {}",
        req.uri()
            .path_and_query()
            .map_or_else(|| req.uri().path(), |p| p.as_str())
    );
    let kept = state
        .pages
        .pages
        .lock()
        .map(|p| p.get(&key).filter(|p| p.version == version).cloned())
        .unwrap_or(None);
    if let Some(page) = kept {
        return answer(&page, req.headers());
    }
    let req_headers = req.headers().clone();
    let response = next.run(req).await;
    // Only a page, whole and small: a document or an error goes as it is.
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let small = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .is_some_and(|n| n <= MAX_BYTES as u64);
    if response.status() != StatusCode::OK || !html || !small {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut headers = parts.headers;
    headers.remove(header::SET_COOKIE);
    let etag = HeaderValue::from_str(&format!(
        "\"{zone}-{}-{}-{:x}\"",
        last,
        version.1,
        body.len()
    ))
    .unwrap_or(HeaderValue::from_static("\"0\""));
    let page = Page {
        version,
        etag,
        headers,
        body,
    };
    if let Ok(mut pages) = state.pages.pages.lock() {
        let total: usize = pages.values().map(|p| p.body.len()).sum();
        if pages.len() >= MAX_PAGES || total + page.body.len() > MAX_TOTAL_BYTES {
            pages.clear();
        }
        pages.insert(key, page.clone());
    }
    answer(&page, &req_headers)
}
