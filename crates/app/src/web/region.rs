//! The region's index, for everyone: its zones with their municipalities and
//! population, and the way into each zone's pages. Choosing a zone sets the
//! zone the visitor sees; a regional reader opens any zone of its regions
//! the same way.

use super::ctx::{Ctx, ZONE_COOKIE};
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use std::collections::BTreeMap;
use zona_core::format;
use zona_store::territory::{self, ListQuery};
use zona_store::Page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regione", get(index))
        .route("/regione/zone/{code}", get(choose))
}

/// A zone as the index lists it.
struct ZoneRow {
    code: String,
    name: String,
    health_authority: String,
    municipalities: usize,
    population: String,
    /// The zone the visitor is in now.
    current: bool,
}

/// The zones of one region.
struct RegionRows {
    name: String,
    zones: Vec<ZoneRow>,
    municipalities: usize,
    population: String,
}

#[derive(Template)]
#[template(path = "region.html")]
struct RegionPage {
    page: PageCtx,
    regions: Vec<RegionRows>,
    /// The reader reads the zones' internal pages (the regional role).
    internal: bool,
    /// The reader may choose a zone: the public and the region; a person
    /// who works in one zone stays in it.
    choose: bool,
    q: String,
}

#[derive(Deserialize, Default)]
struct IndexQuery {
    #[serde(default)]
    q: String,
}

/// A municipality's latest population and its year, when recorded.
type Figure = (Option<i64>, Option<i64>);

/// The latest population of a set of municipalities: the sum of each one's
/// latest figure, with its year, or the span of years when they differ.
fn population(figures: &[Figure]) -> String {
    let known: Vec<(i64, i64)> = figures
        .iter()
        .filter_map(|(p, y)| Some(((*p)?, (*y)?)))
        .collect();
    if known.is_empty() {
        return "non registrata".into();
    }
    let total: i64 = known.iter().map(|(p, _)| p).sum();
    let first = known.iter().map(|(_, y)| *y).min().unwrap_or_default();
    let last = known.iter().map(|(_, y)| *y).max().unwrap_or_default();
    let mut text = format::thousands(total.max(0) as u64);
    if first == last {
        text.push_str(&format!(" (al 31/12/{last})"));
    } else {
        text.push_str(&format!(" (dati dal {first} al {last})"));
    }
    if known.len() < figures.len() {
        text.push_str(&format!(
            "; {} comuni senza dato",
            figures.len() - known.len()
        ));
    }
    text
}

async fn index(State(state): State<AppState>, ctx: Ctx, Query(q): Query<IndexQuery>) -> PageResult {
    let active = ListQuery {
        active: Some(true),
        text: q.q.trim().chars().take(100).collect(),
        ..Default::default()
    };
    let (zones, _) = territory::list_zones(&state.db, &active, Page::all()).await?;
    let every = ListQuery {
        active: Some(true),
        ..Default::default()
    };
    let (municipalities, _) =
        territory::list_municipalities(&state.db, &every, Page::all()).await?;
    let mut by_zone: BTreeMap<i64, Vec<Figure>> = BTreeMap::new();
    for m in &municipalities {
        by_zone
            .entry(m.zone_id)
            .or_default()
            .push((m.population, m.population_year));
    }
    let mut regions: Vec<RegionRows> = Vec::new();
    let mut figures: BTreeMap<String, Vec<Figure>> = BTreeMap::new();
    for z in zones {
        let theirs = by_zone.remove(&z.id).unwrap_or_default();
        figures
            .entry(z.region_name.clone())
            .or_default()
            .extend(theirs.iter().copied());
        let row = ZoneRow {
            current: ctx.zone_id() == Some(z.id),
            municipalities: theirs.len(),
            population: population(&theirs),
            health_authority: z.health_authority_code.clone().unwrap_or_default(),
            code: z.code,
            name: z.name,
        };
        match regions.iter_mut().find(|r| r.name == z.region_name) {
            Some(r) => r.zones.push(row),
            None => regions.push(RegionRows {
                name: z.region_name,
                zones: vec![row],
                municipalities: 0,
                population: String::new(),
            }),
        }
    }
    for r in &mut regions {
        r.municipalities = r.zones.iter().map(|z| z.municipalities).sum();
        r.population = population(figures.get(&r.name).map_or(&[][..], Vec::as_slice));
    }
    let internal = ctx
        .principal
        .as_ref()
        .is_some_and(|p| !p.region_zones.is_empty());
    Ok(render_page(&RegionPage {
        page: PageCtx::new(&ctx, "Le zone distretto"),
        regions,
        internal,
        choose: internal || ctx.principal.is_none(),
        q: q.q,
    }))
}

#[derive(Deserialize, Default)]
struct ChooseQuery {
    #[serde(default)]
    pagina: String,
}

/// The pages a chosen zone can be opened at.
const PAGES: [&str; 6] = [
    "zona",
    "piani",
    "profilo-di-salute",
    "partecipa",
    "strutture",
    "progetti",
];

/// Chooses the zone to see, then opens its home or one of its public pages.
/// The choice is a preference kept in a cookie, not a change of data.
async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<ChooseQuery>,
) -> Result<Response, AppError> {
    let zone = territory::get_zone_by_code(&state.db, &code)
        .await?
        .filter(|z| z.active)
        .ok_or(AppError::NotFound)?;
    // A person who works in one zone stays in it: only the region and the
    // public choose.
    if let Some(p) = &ctx.principal {
        if !p.region_zones.contains(&zone.id) {
            return Err(AppError::Forbidden);
        }
    }
    let to = match q.pagina.as_str() {
        "" => "/".to_string(),
        p if PAGES.contains(&p) => format!("/{p}"),
        _ => return Err(AppError::BadRequest("Pagina non valida.".into())),
    };
    let cookie = Cookie::build((ZONE_COOKIE, zone.code))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .build();
    let mut r = Redirect::to(&to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
