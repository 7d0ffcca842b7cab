//! The co-design registry: list with filters and warnings, entry and edit
//! (the planning office), deletion with confirmation, import of the POA
//! chapter's table, exports (CSV, XLSX, JSON, the chapter as PDF) and the
//! public list of what is published.

use super::common::query_string;
use super::common::{require, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{ConfirmPage, EntryPage};
use super::{AppError, AppState};
use crate::codesign as cd;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use time::Date;
use zona_core::authz::Action;
use zona_core::codesign::{AgreementStatus, HolderKind};
use zona_core::FieldErrors;
use zona_reports::ExportFormat;
use zona_store::codesign::{self as store, Agreement, AgreementQuery};
use zona_store::organisations as orgs;
use zona_store::territory::ListQuery;
use zona_store::Page;

const BASE: &str = "/partecipazione/co-progettazione";
const PUBLIC_BASE: &str = "/co-progettazione";
const PAGE_SIZE: i64 = 50;

mod agreement;

use agreement::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(&format!("{BASE}/nuova"), get(new_form).post(create))
        .route(&format!("{BASE}/importa"), get(import_form).post(import))
        .route(&format!("{BASE}/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(
            &format!("{BASE}/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/esporta"), get(public_export))
}

/// One row of the registry as the pages show it.
pub struct RowView {
    pub id: i64,
    pub holder: String,
    pub subject: String,
    pub partners: String,
    pub status: String,
    pub period: String,
    pub cups: Vec<String>,
    pub cigs: Vec<String>,
    pub local_code: String,
    pub activities: Vec<(i64, String)>,
    pub resources: String,
    pub warnings: Vec<String>,
    pub published: bool,
}

impl RowView {
    /// A row; with its warnings only where the office reads them (never on
    /// the public list: they ask the office to correct the record).
    fn of(a: &Agreement, today: Date, with_warnings: bool) -> RowView {
        RowView {
            id: a.row.id,
            holder: a.row.holder_text.clone(),
            subject: a.row.subject.clone(),
            partners: a.partners_text(),
            status: a.status_text(),
            period: a.period_text(),
            cups: a.cups().map(|c| c.code.clone()).collect(),
            cigs: a.cigs().map(|c| c.code.clone()).collect(),
            local_code: a.row.local_code.clone().unwrap_or_default(),
            activities: a
                .activities
                .iter()
                .map(|x| (x.activity_id, format!("{} – {}", x.code, x.title)))
                .collect(),
            resources: a.resources().map(|c| c.to_string()).unwrap_or_default(),
            warnings: if with_warnings {
                cd::warnings(a, today)
            } else {
                Vec::new()
            },
            published: a.row.published,
        }
    }
}

pub struct Choice {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(String, String)>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "codesign_list.html")]
struct ListPage {
    page: PageCtx,
    public: bool,
    base: &'static str,
    text: String,
    filters: Vec<Choice>,
    rows: Vec<RowView>,
    counter: String,
    query: String,
    office: bool,
    warning_count: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
    current: i64,
    pages: i64,
}

fn query_of(q: &HashMap<String, String>, published_only: bool) -> Result<AgreementQuery, AppError> {
    let bad = |m: &str| AppError::BadRequest(m.to_string());
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    Ok(AgreementQuery {
        status: pick("stato")
            .map(|s| AgreementStatus::from_code(s).ok_or_else(|| bad("Stato non valido.")))
            .transpose()?,
        holder_kind: pick("titolare")
            .map(|s| HolderKind::from_code(s).ok_or_else(|| bad("Soggetto titolare non valido.")))
            .transpose()?,
        partner_id: pick("ente")
            .map(|s| s.parse::<i64>().map_err(|_| bad("Ente non valido.")))
            .transpose()?,
        text: pick("q").map(str::to_string),
        published_only,
    })
}

async fn partner_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let counts = store::partner_counts(&state.db, zone_id).await?;
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    let mut v = vec![(String::new(), "Tutti gli enti".to_string())];
    v.extend(
        all.into_iter()
            .filter(|o| counts.contains_key(&o.id))
            .map(|o| (o.id.to_string(), o.name)),
    );
    Ok(v)
}

/// The list's filters: status and holder; for the office, also the body
/// involved.
async fn filters(
    state: &AppState,
    zone_id: i64,
    q: &HashMap<String, String>,
    public: bool,
) -> Result<Vec<Choice>, AppError> {
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let mut status_opts = vec![(String::new(), "Tutti gli stati".to_string())];
    status_opts.extend(
        AgreementStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let mut holder_opts = vec![(String::new(), "Tutti i titolari".to_string())];
    holder_opts.extend(
        HolderKind::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let mut filters = vec![
        Choice {
            name: "stato",
            label: "Stato",
            options: status_opts,
            value: value("stato"),
        },
        Choice {
            name: "titolare",
            label: "Soggetto titolare",
            options: holder_opts,
            value: value("titolare"),
        },
    ];
    if !public {
        filters.push(Choice {
            name: "ente",
            label: "Ente coinvolto",
            options: partner_options(state, zone_id).await?,
            value: value("ente"),
        });
    }
    Ok(filters)
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    q: &HashMap<String, String>,
    public: bool,
) -> PageResult {
    let aq = query_of(q, public)?;
    let all = store::list_agreements(&state.db, zone_id, &aq).await?;
    let today = state.today();
    let warning_count = all
        .iter()
        .filter(|a| !cd::warnings(a, today).is_empty())
        .count();
    let count = all.len() as i64;
    let page = Page::new(
        q.get("pagina").and_then(|p| p.parse().ok()).unwrap_or(1),
        PAGE_SIZE,
    );
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let base = if public { PUBLIC_BASE } else { BASE };
    let query = query_string(q);
    let href = |n: i64| {
        if query.is_empty() {
            format!("{base}?pagina={n}")
        } else {
            format!("{base}?{query}&pagina={n}")
        }
    };
    let rows: Vec<RowView> = all
        .iter()
        .skip(page.offset() as usize)
        .take(PAGE_SIZE as usize)
        .map(|a| RowView::of(a, today, !public))
        .collect();
    let counter = match count {
        0 => "Nessuna procedura trovata.".to_string(),
        1 => "1 procedura.".to_string(),
        n if n <= PAGE_SIZE => format!("{n} procedure."),
        n => format!(
            "{n} procedure; mostrate da {} a {}.",
            page.offset() + 1,
            (page.offset() + rows.len() as i64).min(n)
        ),
    };
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let filters = filters(state, zone_id, q, public).await?;
    let title = "Co-progettazione";
    let page_ctx = if public {
        PageCtx::new(ctx, title)
    } else {
        PageCtx::new(ctx, title).crumb("Partecipazione", "/partecipazione")
    };
    let prev_href = (page.number > 1).then(|| href(page.number - 1));
    let next_href = (page.number < pages).then(|| href(page.number + 1));
    Ok(render_page(&ListPage {
        page: page_ctx,
        public,
        base,
        text: value("q"),
        filters,
        rows,
        counter,
        query: query.clone(),
        office: !public && ctx.allows(Action::Administer { zone_id }),
        warning_count: if public { 0 } else { warning_count },
        prev_href,
        next_href,
        current: page.number,
        pages,
    }))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    list_page(&state, &ctx, zone_id, &q, false).await
}

/// The public pages show the zone of the visitor's context (the installation's
/// public zone for anonymous visitors).
fn public_zone(ctx: &Ctx) -> Result<i64, AppError> {
    ctx.zone_id().ok_or(AppError::NotFound)
}

async fn public_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = public_zone(&ctx)?;
    list_page(&state, &ctx, zone_id, &q, true).await
}

async fn export_response(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    q: &HashMap<String, String>,
    public: bool,
) -> Result<Response, AppError> {
    let aq = query_of(q, public)?;
    let rows = store::list_agreements(&state.db, zone_id, &aq).await?;
    let today = state.today();
    let stem = "co-progettazione";
    if q.get("format").map(String::as_str) == Some("pdf") {
        let zone_name = ctx
            .zone
            .as_ref()
            .map(|z| z.name.clone())
            .unwrap_or_else(|| "Zona".into());
        let bytes = cd::pdf(&rows, &zone_name, today)?;
        return download(
            bytes,
            "application/pdf",
            &format!("attachment; filename=\"{stem}-{today}.pdf\""),
        );
    }
    let format = q
        .get("format")
        .and_then(|f| ExportFormat::parse(f))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Formato di esportazione non valido: scegliere CSV, Excel, JSON o PDF.".into(),
            )
        })?;
    let table = cd::export_table(&rows, "Co-progettazione");
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today);
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    export_response(&state, &ctx, zone_id, &q, false).await
}

async fn public_export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = public_zone(&ctx)?;
    export_response(&state, &ctx, zone_id, &q, true).await
}
