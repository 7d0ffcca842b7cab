//! What citizens see of participation: open notices with their deadline and
//! how to take part, the calendar of public meetings, published minutes and
//! attachments, approved final reports, and the co-design list (in
//! `codesign`). Nothing internal: no meeting by invitation, no unpublished
//! minutes, no application, no draft report.

use super::common::require;
use super::coprogramming::report_document;
use super::ctx::Ctx;
use super::export::download;
use super::meetings::attachment_response;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use time::Date;
use zona_core::authz::Action;
use zona_core::coprogramming::{self as rules, ReportStatus, Stage};
use zona_core::{calendar, format};
use zona_store::participation::{self as store, Meeting, Procedure};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partecipa", get(index))
        .route("/partecipa/avvisi/{id}", get(notice))
        .route("/partecipa/avvisi/{id}/relazione.pdf", get(report))
        .route("/partecipa/incontri/{id}", get(meeting))
        .route("/partecipa/allegati/{id}", get(attachment))
}

fn zone(ctx: &Ctx) -> Result<i64, AppError> {
    require(ctx, Action::ReadPublic)?;
    ctx.zone_id().ok_or(AppError::NotFound)
}

pub struct NoticeRow {
    pub id: i64,
    pub subject: String,
    pub closes: String,
    pub open: bool,
    pub report: bool,
}

pub struct MeetingRow {
    pub id: i64,
    pub date: String,
    pub kind: &'static str,
    pub subject: String,
    pub place: String,
    pub minutes: bool,
    pub past: bool,
}

#[derive(Template)]
#[template(path = "public_participation.html")]
struct IndexPage {
    page: PageCtx,
    notices: Vec<NoticeRow>,
    upcoming: Vec<MeetingRow>,
    past: Vec<MeetingRow>,
}

fn meeting_row(m: &Meeting, today: Date) -> MeetingRow {
    MeetingRow {
        id: m.id,
        date: format::date(m.held_on),
        kind: m.kind.label(),
        subject: m.subject.clone(),
        place: m.place.clone().unwrap_or_else(|| "Online".into()),
        minutes: m.minutes_published && m.minutes.is_some(),
        past: m.held_on < today,
    }
}

/// A procedure is public once its notice is published.
fn visible(p: &Procedure) -> bool {
    p.notice().is_some()
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone(&ctx)?;
    let today = state.today();
    let notices = store::procedures(&state.db, zone_id)
        .await?
        .into_iter()
        .filter(visible)
        .map(|p| NoticeRow {
            id: p.id,
            closes: p.notice().map(|(_, c)| format::date(c)).unwrap_or_default(),
            open: rules::stage(p.facts(), today) == Stage::NoticeOpen,
            report: p.report_status == Some(ReportStatus::Approved),
            subject: p.subject,
        })
        .collect();
    let meetings = store::meetings(&state.db, zone_id, None, true).await?;
    let (past, upcoming): (Vec<MeetingRow>, Vec<MeetingRow>) = meetings
        .iter()
        .map(|m| meeting_row(m, today))
        .partition(|m| m.past);
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Partecipa"),
        notices,
        upcoming,
        past: past.into_iter().rev().collect(),
    }))
}

async fn public_procedure(state: &AppState, ctx: &Ctx, id: i64) -> Result<Procedure, AppError> {
    let zone_id = zone(ctx)?;
    store::get_procedure(&state.db, id)
        .await?
        .filter(|p| p.zone_id == zone_id && visible(p))
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "public_notice.html")]
struct NoticePage {
    page: PageCtx,
    p: Procedure,
    notice: super::coprogramming::NoticeView,
    /// The last day for applications, as the term really runs.
    runs_to: String,
    open: Result<(), String>,
    tables: Vec<String>,
    meetings: Vec<MeetingRow>,
    report: bool,
}

async fn notice(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let p = public_procedure(&state, &ctx, id).await?;
    let (_, runs_to) = p.notice().ok_or(AppError::NotFound)?;
    let notice = super::coprogramming::notice_view(&state, &p)
        .await?
        .ok_or(AppError::NotFound)?;
    let meetings = store::meetings(&state.db, p.zone_id, Some(p.id), true).await?;
    let tables = store::working_tables(&state.db, p.id).await?;
    Ok(render_page(&NoticePage {
        page: PageCtx::new(&ctx, format!("Avviso di co-programmazione: {}", p.subject))
            .crumb("Partecipa", "/partecipa"),
        notice,
        runs_to: calendar::weekday_date(runs_to),
        open: rules::can_apply(p.notice(), state.today()),
        tables: tables.into_iter().map(|t| t.name).collect(),
        meetings: meetings
            .iter()
            .map(|m| meeting_row(m, state.today()))
            .collect(),
        report: p.report_status == Some(ReportStatus::Approved),
        p,
    }))
}

async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = public_procedure(&state, &ctx, id).await?;
    if p.report_status != Some(ReportStatus::Approved) {
        return Err(AppError::NotFound);
    }
    let zone_name = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let bytes = report_document(&state, &p, &zone_name).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"relazione-conclusiva-{id}.pdf\""),
    )
}

#[derive(Template)]
#[template(path = "public_meeting.html")]
struct MeetingPage {
    page: PageCtx,
    m: Meeting,
    row: MeetingRow,
    minutes: Option<String>,
    attachments: Vec<(i64, String)>,
}

async fn meeting(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let zone_id = zone(&ctx)?;
    let m = store::get_meeting(&state.db, id)
        .await?
        .filter(|m| m.zone_id == zone_id && m.public)
        .ok_or(AppError::NotFound)?;
    let minutes = m.minutes.clone().filter(|_| m.minutes_published);
    let attachments = if m.minutes_published {
        store::attachments(&state.db, id)
            .await?
            .into_iter()
            .map(|a| (a.id, a.file_name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render_page(&MeetingPage {
        page: PageCtx::new(&ctx, m.subject.clone()).crumb("Partecipa", "/partecipa"),
        row: meeting_row(&m, state.today()),
        minutes,
        attachments,
        m,
    }))
}

async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    zone(&ctx)?;
    attachment_response(&state, &ctx, id, true).await
}
