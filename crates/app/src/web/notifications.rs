//! The bell's page, a person's e-mail preference, the calendar of their
//! deadlines and its private iCalendar feed.

use super::ctx::{with_flash, Ctx, FlashKind};
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::usecase::deadlines::{self, CalendarItem};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::format;
use zona_store::notifications::{self, Notification};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifiche", get(list))
        .route("/notifiche/{id}", get(open))
        .route("/account/avvisi", post(set_digest))
        .route(
            "/account/calendario",
            get(|| async { Redirect::to("/account#calendario") }).post(new_feed),
        )
        .route("/scadenze", get(calendar))
        .route("/calendario/{token}", get(feed))
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<Notification>,
    total: i64,
    current: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// A person's notifications, newest first; the ones shown are marked read
/// (they are shown as new this once).
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let page = super::common::page_number(&q);
    let (items, total) = notifications::list(&state.db, p.user_id, &page).await?;
    let unread: Vec<i64> = items
        .iter()
        .filter(|n| n.read_at.is_none())
        .map(|n| n.id)
        .collect();
    notifications::mark_read(&state.db, p.user_id, &unread).await?;
    let mut view = PageCtx::new(&ctx, "Notifiche");
    // The bell counts what is still unread after this page.
    view.unread = (view.unread - unread.len() as i64).max(0);
    let pages = ((total + page.size - 1) / page.size).max(1);
    let href = |n: i64| format!("/notifiche?pagina={n}");
    Ok(render_page(&ListPage {
        page: view,
        items,
        total,
        current: page.number,
        pages,
        prev_href: (page.number > 1).then(|| href(page.number - 1)),
        next_href: (page.number < pages).then(|| href(page.number + 1)),
    }))
}

/// Opens what a notification is about, and marks it read.
async fn open(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let n = notifications::get(&state.db, p.user_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    notifications::mark_read(&state.db, p.user_id, &[n.id]).await?;
    // Links are always paths of zona (see `usecase::notify`).
    let to = if n.link.starts_with('/') && !n.link.starts_with("//") {
        n.link
    } else {
        "/notifiche".into()
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct DigestForm {
    digest: String,
}

async fn set_digest(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<DigestForm>,
) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let digest = form.digest == "1";
    notifications::set_digest(&state.db, &ctx.actor(), p.user_id, digest).await?;
    Ok(with_flash(
        Redirect::to("/account#avvisi"),
        FlashKind::Success,
        if digest {
            "Riceverai un solo riepilogo al giorno, dalle 7."
        } else {
            "Riceverai un messaggio per ogni avviso."
        },
    ))
}

/// Makes a new private address of the person's calendar. It is shown once,
/// in the message of the profile page it returns to (only its hash is
/// kept); the address before stops working.
async fn new_feed(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    let token = notifications::new_calendar_token(&state.db, &ctx.actor(), p.user_id).await?;
    let base = state.config.public_url();
    Ok(with_flash(
        Redirect::to("/account#calendario"),
        FlashKind::Success,
        &format!(
            "Nuovo indirizzo del calendario: {base}/calendario/{token} — copialo ora nel tuo programma di calendario (Outlook, Thunderbird, il telefono), come «calendario da Internet»: non sarà mostrato di nuovo. Chi lo conosce vede le tue scadenze e i tuoi incontri; se lo perdi o lo hai condiviso, creane uno nuovo."
        ),
    ))
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    page: PageCtx,
    months: Vec<(String, Vec<CalendarItem>)>,
}

/// The person's calendar from today on.
async fn calendar(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let items = deadlines::calendar(&state.db, &ctx.caller(), state.config.clock.today()).await?;
    Ok(render_page(&CalendarPage {
        page: PageCtx::new(&ctx, "Scadenze e incontri"),
        months: format::by_month(items.into_iter().map(|i| (i.on, i))),
    }))
}

/// The calendar as iCalendar (RFC 5545), for a calendar program: from a
/// month ago on, at the person's private address.
async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let token = token.trim_end_matches(".ics");
    let user_id = notifications::calendar_owner(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let caller = crate::usecase::sessions::caller_of(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = state.config.clock.today() - time::Duration::days(31);
    let items = deadlines::calendar(&state.db, &caller, from).await?;
    let base = state.config.public_url();
    let body = zona_reports::ical::calendar("zona: scadenze e incontri", &base, &items_of(&items));
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}

fn items_of(items: &[CalendarItem]) -> Vec<zona_reports::ical::Entry<'_>> {
    items
        .iter()
        .map(|i| zona_reports::ical::Entry {
            uid: &i.uid,
            on: i.on,
            summary: format!("{}: {}", i.kind, i.title),
            link: &i.link,
        })
        .collect()
}
