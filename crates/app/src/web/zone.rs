//! The zone's page, for everyone: its municipalities and how it is governed
//! (the agreements between its bodies, their matters and acts).

use super::common::require;
use super::ctx::Ctx;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::governance::MatterStatus;
use zona_store::governance::{self, Agreement, Matter};
use zona_store::territory::{self, Municipality};

pub fn routes() -> Router<AppState> {
    Router::new().route("/zona", get(page))
}

#[derive(Template)]
#[template(path = "zone.html")]
struct ZonePage {
    page: PageCtx,
    lead_organisation: Option<String>,
    municipalities: Vec<Municipality>,
    total: String,
    agreements: Vec<Agreement>,
}

impl ZonePage {
    fn population(&self, m: &Municipality) -> String {
        match (m.population, m.population_year) {
            (Some(p), Some(y)) => format!("{} (al 31/12/{y})", format::thousands(p as u64)),
            _ => "non registrata".into(),
        }
    }
    fn date(&self, d: &time::Date) -> String {
        format::date(*d)
    }
    fn integrated<'a>(&self, a: &'a Agreement) -> Vec<&'a Matter> {
        a.matters
            .iter()
            .filter(|m| m.status == MatterStatus::Integrated)
            .collect()
    }
    fn foreseen<'a>(&self, a: &'a Agreement) -> Vec<&'a Matter> {
        a.matters
            .iter()
            .filter(|m| m.status == MatterStatus::Foreseen)
            .collect()
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone = ctx.zone.clone().ok_or(AppError::NotFound)?;
    let municipalities: Vec<Municipality> = territory::zone_municipalities(&state.db, zone.id)
        .await?
        .into_iter()
        .filter(|m| m.active)
        .collect();
    let total: i64 = municipalities.iter().filter_map(|m| m.population).sum();
    let agreements = governance::agreements(&state.db, zone.id).await?;
    let title = zone.name.clone();
    Ok(render_page(&ZonePage {
        page: PageCtx::new(&ctx, title),
        lead_organisation: zone.lead_organisation.clone(),
        municipalities,
        total: format::thousands(total.max(0) as u64),
        agreements,
    }))
}
