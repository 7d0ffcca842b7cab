//! Projects and their cards (what the project is, the service delivered,
//! duration, resources, actions, own targets), the one-page PDF of a card,
//! and the PNRR investments with the zone's projects under each.

use super::common::{require, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, values_of, version_of, Field, FieldKind, FormValues, Saved};
use super::network::{send_table, with_all, zone_name, BASE as NETWORK};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{
    form_status, CellView, ConfirmPage, FormPage, ListPage, RowAction, Section, SectionForm,
    SectionRow,
};
use super::{AppError, AppState};
use crate::network as nw;
use crate::usecase::projects as usecase;
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format::thousands;
use zona_core::projects::{euro, pnrr_investment, ProjectStatus};
use zona_core::FieldErrors;
use zona_store::organisations as orgs;
use zona_store::projects::{self as store, Project};
use zona_store::territory::ListQuery;
use zona_store::Page;

const BASE: &str = "/servizi/progetti";
const PUBLIC_BASE: &str = "/progetti";

mod card;
mod form;
mod input;

use card::*;
use form::*;
use input::{ActionForm, ProjectForm, TargetForm};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(&format!("{BASE}/nuovo"), get(new_form).post(create))
        .route(&format!("{BASE}/{{id}}"), get(card))
        .route(&format!("{BASE}/{{id}}/scheda.pdf"), get(card_pdf))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(&format!("{BASE}/{{id}}/azioni"), post(add_action))
        .route(
            &format!("{BASE}/{{id}}/azioni/{{n}}/togli"),
            post(remove_action),
        )
        .route(&format!("{BASE}/{{id}}/obiettivi"), post(add_target))
        .route(
            &format!("{BASE}/{{id}}/obiettivi/{{n}}/togli"),
            post(remove_target),
        )
        .route(
            &format!("{BASE}/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(&format!("{NETWORK}/pnrr"), get(pnrr))
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/{{id}}"), get(public_card))
        .route(
            &format!("{PUBLIC_BASE}/{{id}}/scheda.pdf"),
            get(public_card_pdf),
        )
}

fn crumbs(page: PageCtx) -> PageCtx {
    page.crumb("Servizi", NETWORK).crumb("Progetti", BASE)
}

fn pnrr_options() -> Vec<(String, String)> {
    zona_core::projects::PNRR_CATALOGUE
        .iter()
        .map(|i| (i.code.to_string(), format!("{} – {}", i.short(), i.title)))
        .collect()
}

fn status_options() -> Vec<(String, String)> {
    ProjectStatus::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect()
}

fn filtered(all: Vec<Project>, q: &HashMap<String, String>) -> Vec<Project> {
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let text = pick("q").map(str::to_lowercase);
    all.into_iter()
        .filter(|p| {
            pick("pnrr").is_none_or(|c| {
                p.row
                    .pnrr_code
                    .as_deref()
                    .is_some_and(|x| x == c || x.starts_with(&format!("{c}.")))
            })
        })
        .filter(|p| pick("stato").is_none_or(|s| p.row.status.code() == s))
        .filter(|p| {
            text.as_ref().is_none_or(|t| {
                p.row.title.to_lowercase().contains(t)
                    || p.row
                        .cup
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(t)
                    || p.row.summary.to_lowercase().contains(t)
            })
        })
        .collect()
}

fn pnrr_label(code: Option<&str>) -> String {
    code.map(|c| pnrr_investment(c).map_or(c.to_string(), |i| i.short()))
        .unwrap_or_default()
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let rows = filtered(store::list_projects(&state.db, zone_id).await?, &q);
    let values: FormValues = q.clone().into_iter().collect();
    let no = FieldErrors::new();
    let counter = match rows.len() {
        0 => "Nessun progetto trovato.".to_string(),
        1 => "1 progetto.".to_string(),
        n => format!("{n} progetti."),
    };
    let query = super::common::query_string(&q);
    let office = ctx.allows(Action::Administer { zone_id });
    Ok(render_page(&ListPage {
        page: PageCtx::new(&ctx, "Progetti").crumb("Servizi", NETWORK),
        heading: "Progetti".into(),
        intro: "I progetti della zona con la loro scheda: che cosa sono, il servizio erogato, durata, risorse, azioni e obiettivi. Ogni scheda si stampa su una pagina.".into(),
        base_path: BASE.into(),
        new_link: office.then(|| ("Nuovo progetto".to_string(), format!("{BASE}/nuovo"))),
        filters: vec![
            Field::text("q", "Cerca nel titolo, nella descrizione e nel CUP").bind(&values, &no),
            Field::select("pnrr", "Investimento PNRR", with_all("Tutti", pnrr_options()))
                .bind(&values, &no),
            Field::select("stato", "Stato", with_all("Tutti gli stati", status_options()))
                .bind(&values, &no),
        ],
        headers: vec!["Progetto", "PNRR", "CUP", "Ente responsabile", "Durata", "Risorse", "Stato"],
        rows: rows
            .iter()
            .map(|p| {
                vec![
                    CellView::link(p.row.title.clone(), format!("{BASE}/{}", p.row.id)),
                    CellView::text(pnrr_label(p.row.pnrr_code.as_deref())),
                    CellView::text(p.row.cup.clone().unwrap_or_default()),
                    CellView::text(p.row.responsible_name.clone().unwrap_or_default()),
                    CellView::text(p.row.duration_text.clone()),
                    CellView::text(p.resources().map(euro).unwrap_or_default()),
                    CellView::text(p.status().label()),
                ]
            })
            .collect(),
        counter,
        empty_message: "Nessun progetto corrisponde ai filtri scelti.".into(),
        export_path: format!("{BASE}/esporta"),
        export_query: Some(if query.is_empty() {
            String::new()
        } else {
            format!("{query}&")
        }),
        current: 1,
        pages: 1,
        prev_href: None,
        next_href: None,
    }))
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let rows = filtered(store::list_projects(&state.db, zone_id).await?, &q);
    send_table(
        &nw::projects_table(&rows),
        q.get("format").map(String::as_str),
        &zone_name(&ctx),
        &[4, 1, 2, 3, 3, 2, 2, 2, 1, 1, 1],
    )
}

// ---------------------------------------------------------------- PNRR

pub struct PnrrProject {
    pub id: i64,
    pub title: String,
    pub cup: String,
    pub responsible: String,
    pub duration: String,
    pub status: &'static str,
    pub resources: String,
    pub progress: String,
}

pub struct InvestmentView {
    pub short: String,
    pub title: String,
    pub child: bool,
    pub targets: Vec<String>,
    pub projects: Vec<PnrrProject>,
}

#[derive(Template)]
#[template(path = "pnrr.html")]
struct PnrrPage {
    page: PageCtx,
    components: Vec<(String, String, Vec<InvestmentView>)>,
}

async fn pnrr(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let (investments, targets) = store::investments(&state.db).await?;
    let projects = store::list_projects(&state.db, zone_id).await?;
    let mut components = Vec::new();
    for (code, title) in zona_core::projects::PNRR_COMPONENTS {
        let mission = zona_core::projects::PNRR_MISSIONS
            .iter()
            .find(|(m, _)| code.starts_with(m))
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let list = investments
            .iter()
            .filter(|i| i.component == *code)
            .map(|i| InvestmentView {
                short: i.code.replacen('-', " ", 1),
                title: i.title.clone(),
                child: i.parent.is_some(),
                targets: targets
                    .iter()
                    .filter(|t| t.investment_code == i.code)
                    .map(|t| match t.year {
                        Some(y) => format!("{y} – {}", t.description),
                        None => t.description.clone(),
                    })
                    .collect(),
                projects: projects
                    .iter()
                    .filter(|p| p.row.pnrr_code.as_deref() == Some(i.code.as_str()))
                    .map(|p| {
                        let progress = target_views(p)
                            .into_iter()
                            .map(|t| match t.percent {
                                Some(pc) => format!(
                                    "{}: {} su {} ({pc} %)",
                                    t.description, t.achieved, t.target
                                ),
                                None => {
                                    format!("{}: {} su {}", t.description, t.achieved, t.target)
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        PnrrProject {
                            id: p.row.id,
                            title: p.row.title.clone(),
                            cup: p.row.cup.clone().unwrap_or_default(),
                            responsible: p.row.responsible_name.clone().unwrap_or_default(),
                            duration: p.row.duration_text.clone(),
                            status: p.status().label(),
                            resources: p.resources().map(euro).unwrap_or_default(),
                            progress,
                        }
                    })
                    .collect(),
            })
            .collect();
        components.push((format!("{mission} – {code}"), title.to_string(), list));
    }
    Ok(render_page(&PnrrPage {
        page: PageCtx::new(&ctx, "PNRR").crumb("Servizi", NETWORK),
        components,
    }))
}
