//! The network of services: overview per zone, facility cards and their
//! entry, the services matrix as an editable grid, the DM 77/2022 check and
//! its standards, and the public pages of the facilities.

use super::common::{require, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, choice_id, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{form_status, ConfirmPage, EntryPage};
use super::{AppError, AppState};
use crate::network::{self as nw};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use zona_core::authz::Action;
use zona_core::network::{
    parse_count, CareLevel, FacilityKind, FacilityStatus, HouseHours, HubSpoke, Measure, Presence,
    Rate, Standard,
};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_reports::{ExportFormat, Table};
use zona_store::network::{self as store, Beds, Facility, FacilityInput, ManualCount};
use zona_store::territory::{self, ListQuery};
use zona_store::Page;

pub const BASE: &str = "/servizi";
pub const PUBLIC_BASE: &str = "/strutture";

mod dm77;
mod facility;
mod input;
mod matrix;

use dm77::{dm77, export_dm77, save_clinic_rate, save_standard, standard_form};
use facility::{confirm_delete, create, delete, detail, detail_page, edit_form, new_form, update};
use matrix::{export_matrix, matrix, save_matrix};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(overview))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(
            &format!("{BASE}/strutture/nuova"),
            get(new_form).post(create),
        )
        .route(&format!("{BASE}/strutture/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/strutture/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(
            &format!("{BASE}/strutture/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(&format!("{BASE}/matrice"), get(matrix).post(save_matrix))
        .route(&format!("{BASE}/matrice/esporta"), get(export_matrix))
        .route(&format!("{BASE}/dm77"), get(dm77))
        .route(
            &format!("{BASE}/dm77/consultori"),
            axum::routing::post(save_clinic_rate),
        )
        .route(&format!("{BASE}/dm77/esporta"), get(export_dm77))
        .route(
            &format!("{BASE}/dm77/{{code}}"),
            get(standard_form).post(save_standard),
        )
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/{{id}}"), get(public_detail))
}

/// The name of the user's zone, for document subtitles.
pub fn zone_name(ctx: &Ctx) -> String {
    ctx.zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_else(|| "Zona".into())
}

fn crumbs(page: PageCtx) -> PageCtx {
    page.crumb("Servizi", BASE)
}

/// Sends a table in the format asked for (CSV, XLSX, JSON or PDF).
pub fn send_table(
    table: &Table,
    format: Option<&str>,
    subtitle: &str,
    widths: &[u32],
) -> Result<Response, AppError> {
    // The day printed on the export and in its name: the system's.
    let today = crate::Clock::system().today();
    if format == Some("pdf") {
        let bytes = zona_reports::pdf::table_pdf(table, subtitle, widths, today)
            .map_err(anyhow::Error::from)?;
        let name = format!("{}-{today}.pdf", slug(&table.title));
        return download(
            bytes,
            "application/pdf",
            &format!("attachment; filename=\"{name}\""),
        );
    }
    let format = format.and_then(ExportFormat::parse).ok_or_else(|| {
        AppError::BadRequest(
            "Formato di esportazione non valido: scegliere CSV, Excel, JSON o PDF.".into(),
        )
    })?;
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today);
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

// ---------------------------------------------------------------- overview

pub struct FacilityView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub hub_spoke: String,
    pub opening_hours: String,
    pub catchment: String,
    pub municipality: String,
    pub status: &'static str,
    pub open: bool,
    pub beds: String,
    pub services: Vec<String>,
}

impl FacilityView {
    fn of(f: &Facility, labels: &HashMap<String, String>) -> FacilityView {
        let r = &f.row;
        FacilityView {
            id: r.id,
            name: r.name.clone(),
            kind: f.kind().label(),
            hub_spoke: f
                .hub_spoke()
                .map(|h| h.label().to_string())
                .unwrap_or_default(),
            opening_hours: r.opening_hours.clone().unwrap_or_default(),
            catchment: nw::range_text(r.catchment, None),
            municipality: r.municipality_name.clone().unwrap_or_default(),
            status: f.status().label(),
            open: f.status() == FacilityStatus::Open,
            beds: nw::beds_text(f),
            services: f
                .services
                .iter()
                .map(|c| labels.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect(),
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
#[template(path = "network_index.html")]
struct OverviewPage {
    page: PageCtx,
    office: bool,
    filters: Vec<Choice>,
    text: String,
    query: String,
    rows: Vec<FacilityView>,
    counter: String,
    /// Kind × municipality: (kind, counts per municipality column, total).
    by_kind: Vec<(&'static str, Vec<usize>, usize)>,
    municipalities: Vec<String>,
    beds: Vec<(String, i64)>,
    beds_total: i64,
    coverage: Vec<(String, usize)>,
    houses: usize,
}

fn filter_facilities<'a>(all: &'a [Facility], q: &HashMap<String, String>) -> Vec<&'a Facility> {
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let text = pick("q").map(|t| t.to_lowercase());
    all.iter()
        .filter(|f| pick("tipo").is_none_or(|k| f.row.kind.code() == k))
        .filter(|f| pick("stato").is_none_or(|s| f.row.status.code() == s))
        .filter(|f| {
            pick("comune")
                .is_none_or(|m| f.row.municipality_id.map(|i| i.to_string()).as_deref() == Some(m))
        })
        .filter(|f| {
            text.as_ref().is_none_or(|t| {
                f.row.name.to_lowercase().contains(t)
                    || f.row
                        .address
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(t)
            })
        })
        .collect()
}

async fn municipality_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (ms, _) = territory::list_municipalities(&state.db, &q, Page::all()).await?;
    Ok(ms.into_iter().map(|m| (m.id.to_string(), m.name)).collect())
}

/// A select's options with a first "all"/"none" entry.
pub fn with_all(label: &str, options: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), label.to_string())];
    v.extend(options);
    v
}

fn kind_options() -> Vec<(String, String)> {
    FacilityKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

fn status_options() -> Vec<(String, String)> {
    FacilityStatus::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

async fn labels(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(nw::service_terms(&state.db).await?.into_iter().collect())
}

/// Facilities by kind and municipality (in the order of `ms`), with each
/// kind's total; kinds the zone has none of are left out.
fn by_kind(all: &[Facility], ms: &[(String, String)]) -> Vec<(&'static str, Vec<usize>, usize)> {
    let mut by_kind = Vec::new();
    for k in FacilityKind::ALL {
        let of_kind: Vec<&Facility> = all.iter().filter(|f| f.kind() == *k).collect();
        if of_kind.is_empty() {
            continue;
        }
        let counts: Vec<usize> = ms
            .iter()
            .map(|(id, _)| {
                of_kind
                    .iter()
                    .filter(|f| f.row.municipality_id.map(|i| i.to_string()).as_deref() == Some(id))
                    .count()
            })
            .collect();
        by_kind.push((k.label(), counts, of_kind.len()));
    }
    by_kind
}

/// Beds by care level, in the levels' order, with their label.
fn beds_by_level(all: &[Facility]) -> BTreeMap<usize, (String, i64)> {
    let mut beds: BTreeMap<usize, (String, i64)> = BTreeMap::new();
    for f in all {
        for b in &f.beds {
            let i = CareLevel::ALL
                .iter()
                .position(|l| *l == b.care_level)
                .unwrap_or(0);
            let e = beds
                .entry(i)
                .or_insert_with(|| (b.care_level.label().to_string(), 0));
            e.1 += b.beds;
        }
    }
    beds
}

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let terms = nw::service_terms(&state.db).await?;
    let labels: HashMap<String, String> = terms.iter().cloned().collect();
    let ms = municipality_options(&state, zone_id).await?;
    let shown = filter_facilities(&all, &q);
    // Summaries of the whole network, not of the filtered list.
    let by_kind = by_kind(&all, &ms);
    let beds = beds_by_level(&all);
    let houses: Vec<&Facility> = nw::matrix_facilities(&all, FacilityKind::CommunityHouse);
    let coverage = terms
        .into_iter()
        .map(|(code, label)| {
            let n = houses.iter().filter(|h| h.services.contains(&code)).count();
            (label, n)
        })
        .collect();
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let filters = vec![
        Choice {
            name: "tipo",
            label: "Tipo",
            options: with_all("Tutti i tipi", kind_options()),
            value: value("tipo"),
        },
        Choice {
            name: "comune",
            label: "Comune",
            options: with_all("Tutti i comuni", ms.clone()),
            value: value("comune"),
        },
        Choice {
            name: "stato",
            label: "Stato",
            options: with_all("Tutti gli stati", status_options()),
            value: value("stato"),
        },
    ];
    let counter = match shown.len() {
        0 => "Nessuna struttura trovata.".to_string(),
        1 => "1 struttura.".to_string(),
        n => format!("{n} strutture."),
    };
    let beds_total = beds.values().map(|(_, n)| n).sum();
    Ok(render_page(&OverviewPage {
        page: PageCtx::new(&ctx, "Rete dei servizi"),
        office: ctx.allows(Action::Administer { zone_id }),
        filters,
        text: value("q"),
        query: super::common::query_string(&q),
        rows: shown.iter().map(|f| FacilityView::of(f, &labels)).collect(),
        counter,
        by_kind,
        municipalities: ms.into_iter().map(|(_, n)| n).collect(),
        beds: beds.into_values().collect(),
        beds_total,
        coverage,
        houses: houses.len(),
    }))
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let shown: Vec<Facility> = filter_facilities(&all, &q).into_iter().cloned().collect();
    send_table(
        &nw::facilities_table(&shown),
        q.get("format").map(String::as_str),
        &zone_name(&ctx),
        &[4, 3, 1, 2, 2, 2, 2, 2, 1, 3, 1, 4, 2, 2, 3],
    )
}

// ---------------------------------------------------------------- public

#[derive(Template)]
#[template(path = "public_facilities.html")]
struct PublicListPage {
    page: PageCtx,
    open: Vec<FacilityView>,
    planned: Vec<FacilityView>,
}

async fn public_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let labels = labels(&state).await?;
    let (open, planned): (Vec<&Facility>, Vec<&Facility>) =
        all.iter().partition(|f| f.status() == FacilityStatus::Open);
    Ok(render_page(&PublicListPage {
        page: PageCtx::new(&ctx, "Strutture e servizi del territorio"),
        open: open.iter().map(|f| FacilityView::of(f, &labels)).collect(),
        planned: planned
            .iter()
            .map(|f| FacilityView::of(f, &labels))
            .collect(),
    }))
}

async fn public_detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let f = store::get_facility(&state.db, id)
        .await?
        .filter(|f| Some(f.row.zone_id) == ctx.zone_id())
        .ok_or(AppError::NotFound)?;
    detail_page(&state, &ctx, &f, true).await
}
