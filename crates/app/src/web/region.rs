//! The region's index, for everyone: its zones with their municipalities and
//! population, and the way into each zone's pages. Choosing a zone sets the
//! zone the visitor sees; a regional reader opens any zone of its regions
//! the same way.

use super::ctx::{Ctx, ZONE_COOKIE};
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::usecase::region::{self as usecase, Comparison, ZoneRow as Compared};
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
use zona_core::region::Axis;
use zona_core::Cents;
use zona_reports::charts;
use zona_store::territory::{self, ListQuery};
use zona_store::Page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regione", get(index))
        .route("/regione/zone/{code}", get(choose))
        .route("/regione/scegli", get(pick))
        .route("/regione/confronto", get(comparison))
        .route("/regione/confronto/esporta", get(export_comparison))
        .route("/regione/dm77", get(dm77))
        .route("/regione/dm77/esporta", get(export_dm77))
        .route("/regione/profilo", get(profile))
        .route("/regione/profilo/esporta", get(export_profile))
        .route("/regione/obiettivi-servizio", get(soc26))
        .route("/regione/obiettivi-servizio/esporta", get(export_soc26))
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
const PAGES: [&str; 7] = [
    "zona",
    "obiettivi-servizio",
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
    open_zone(&state, &ctx, &code, &q.pagina).await
}

#[derive(Deserialize, Default)]
struct PickQuery {
    #[serde(default)]
    zona: String,
}

/// The header's choice of zone, for the region: a form that sends the
/// zone's code, to open its home.
async fn pick(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PickQuery>,
) -> Result<Response, AppError> {
    if q.zona.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Scegliere una zona dall'elenco.".into(),
        ));
    }
    open_zone(&state, &ctx, q.zona.trim(), "").await
}

async fn open_zone(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    page: &str,
) -> Result<Response, AppError> {
    let zone = territory::get_zone_by_code(&state.db, code)
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
    let to = match page {
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

/// A zone's name as a chart's label: its own name, without the common
/// «Zona Distretto» that would only crowd the labels, cut to the about 34
/// characters the label column holds (the table has the whole name).
fn chart_label(name: &str) -> String {
    let name = name.strip_prefix("Zona Distretto ").unwrap_or(name);
    if name.chars().count() > 34 {
        format!("{}…", name.chars().take(33).collect::<String>())
    } else {
        name.to_string()
    }
}

#[derive(Deserialize, Default)]
struct ComparisonQuery {
    #[serde(default)]
    anno: String,
    #[serde(default)]
    asse: String,
    #[serde(default)]
    misura: String,
    #[serde(default)]
    format: String,
}

impl ComparisonQuery {
    /// The year asked for (`None`: the latest) and the axis.
    fn read(&self) -> Result<(Option<i64>, Axis), AppError> {
        let year = super::soc26::asked_year(&self.anno)?.map(i64::from);
        let axis = match self.asse.as_str() {
            "" => Axis::Sector,
            a => Axis::from_code(a)
                .ok_or_else(|| AppError::BadRequest("Dimensione non valida.".into()))?,
        };
        Ok((year, axis))
    }
}

#[derive(Template)]
#[template(path = "region_comparison.html")]
struct ComparisonPage {
    page: PageCtx,
    c: Comparison,
    axes: Vec<(Axis, bool)>,
    /// Amounts per inhabitant rather than in total.
    per_inhabitant: bool,
    chart: String,
}

impl ComparisonPage {
    fn is_year(&self, y: &i64) -> bool {
        self.c.year == Some(*y)
    }
    /// A cell as the chosen measure shows it.
    fn show(&self, z: &Compared, c: &Cents) -> String {
        if self.per_inhabitant {
            z.per_inhabitant(*c)
                .map_or("n.d.".into(), |v| v.to_string())
        } else {
            c.to_string()
        }
    }
    fn show_region(&self, c: &Cents) -> String {
        if self.per_inhabitant {
            self.c
                .per_inhabitant(*c)
                .map_or("n.d.".into(), |v| v.to_string())
        } else {
            c.to_string()
        }
    }
    fn population(&self, p: &Option<i64>) -> String {
        p.map_or("non registrata".into(), |p| {
            format::thousands(p.max(0) as u64)
        })
    }
    fn plan(&self, z: &Compared) -> &'static str {
        z.plan.map_or("nessun piano", |p| p.label())
    }
    fn query(&self) -> String {
        format!(
            "anno={}&asse={}",
            self.c.year.map(|y| y.to_string()).unwrap_or_default(),
            self.c.axis.code()
        )
    }
}

async fn comparison(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ComparisonQuery>,
) -> PageResult {
    let (year, axis) = q.read()?;
    let per_inhabitant = match q.misura.as_str() {
        "" | "totale" => false,
        "abitante" => true,
        _ => return Err(AppError::BadRequest("Misura non valida.".into())),
    };
    let c = usecase::comparison(&state.db, &ctx.caller(), year, axis).await?;
    // The chart: each zone's total per inhabitant, the figure that compares
    // zones of different size.
    let categories: Vec<String> = c.zones.iter().map(|z| chart_label(&z.name)).collect();
    let values = c
        .zones
        .iter()
        .map(|z| {
            z.per_inhabitant(z.total)
                .map(|v| (v.to_decimal(), v.format_plain()))
        })
        .collect();
    let chart = charts::grouped_bars_labelled(
        "confronto-grafico",
        "Risorse programmate per abitante, zona per zona",
        "Totale di ciascuna zona diviso per la sua popolazione residente, in euro; i valori sono nella tabella.",
        &categories,
        &[charts::LabelledSeries {
            label: "Euro per abitante",
            colour: "#0066cc",
            values,
        }],
    );
    Ok(render_page(&ComparisonPage {
        page: PageCtx::new(&ctx, "Confronto tra le zone").crumb("Le zone distretto", "/regione"),
        axes: Axis::ALL.iter().map(|a| (*a, *a == c.axis)).collect(),
        per_inhabitant,
        chart,
        c,
    }))
}

async fn export_comparison(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ComparisonQuery>,
) -> Result<Response, AppError> {
    let (year, axis) = q.read()?;
    let c = usecase::comparison(&state.db, &ctx.caller(), year, axis).await?;
    send(&usecase::table(&c), &q.format)
}

#[derive(Template)]
#[template(path = "region_dm77.html")]
struct Dm77Page {
    page: PageCtx,
    region: String,
    zones: Vec<usecase::Dm77Zone>,
    /// The standards' labels, in the checks' order.
    standards: Vec<String>,
    /// How many zones meet every standard.
    all_met: usize,
}

impl Dm77Page {
    fn population(&self, z: &usecase::Dm77Zone) -> String {
        format::thousands(z.check.population)
    }
}

async fn dm77(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (region, zones) = usecase::dm77(&state.db, &ctx.caller()).await?;
    let standards = zones
        .first()
        .map(|z| {
            z.check
                .rows
                .iter()
                .map(|r| r.standard.label.clone())
                .collect()
        })
        .unwrap_or_default();
    Ok(render_page(&Dm77Page {
        page: PageCtx::new(&ctx, "Standard DM 77/2022 per zona")
            .crumb("Le zone distretto", "/regione"),
        all_met: zones.iter().filter(|z| z.check.verdict.all_met()).count(),
        region,
        zones,
        standards,
    }))
}

#[derive(Deserialize, Default)]
struct FormatQuery {
    #[serde(default)]
    format: String,
}

async fn export_dm77(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let (_, zones) = usecase::dm77(&state.db, &ctx.caller()).await?;
    send(&usecase::dm77_table(&zones), &q.format)
}

/// A zone's line of the regional SOC26 roll-up, as printed.
struct Soc26Row {
    code: String,
    name: String,
    /// «3 su 3 (2 complete)».
    forms: String,
    population: String,
    missing_population: usize,
    staff: String,
    ratio: String,
    level: &'static str,
    contribution: String,
    form_workers: String,
    indicative: String,
}

#[derive(Template)]
#[template(path = "region_soc26.html")]
struct Soc26Page {
    page: PageCtx,
    year: i32,
    /// Every year zona has a form of, the latest first.
    years: Vec<i32>,
    region: String,
    rows: Vec<Soc26Row>,
    totals: usecase::Soc26Totals,
    zones: usize,
}

impl Soc26Page {
    fn population(&self) -> String {
        format::thousands(self.totals.population)
    }
    fn staff(&self) -> String {
        format::decimal(self.totals.permanent_staff)
    }
    fn workers(&self) -> String {
        format::decimal(self.totals.form_workers)
    }
}

async fn soc26(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ComparisonQuery>,
) -> PageResult {
    let asked = super::soc26::asked_year(&q.anno)?;
    let usecase::Soc26Rollup {
        region,
        spec,
        years,
        zones,
    } = usecase::soc26(&state.db, &ctx.caller(), asked).await?;
    let rows = zones
        .iter()
        .map(|z| {
            let f = &z.forms;
            let (filled, complete) = f.filled();
            let staff = f.permanent_staff();
            let all_missing = f.missing_population.len() == f.lines.len() && !f.lines.is_empty();
            Soc26Row {
                code: z.code.clone(),
                name: z.name.clone(),
                forms: format!("{filled} su {} ({complete} complete)", f.lines.len()),
                population: if all_missing {
                    "non registrata".into()
                } else {
                    format::thousands(f.population)
                },
                missing_population: f.missing_population.len(),
                staff: staff.map_or("non indicati".into(), format::decimal),
                ratio: staff
                    .filter(|_| f.missing_population.is_empty())
                    .and_then(|s| zona_core::soc26::inhabitants_per_worker_shown(f.population, s))
                    .map_or("—".into(), format::decimal),
                level: usecase::staffing_label(f.staffing_level(&spec)),
                contribution: f
                    .contribution(&spec)
                    .map_or("non calcolabile".into(), |c| c.to_string()),
                form_workers: format::decimal(f.form_workers()),
                indicative: f.indicative_contribution(&spec).to_string(),
            }
        })
        .collect();
    Ok(render_page(&Soc26Page {
        page: PageCtx::new(
            &ctx,
            format!("Obiettivi di servizio {} per zona", spec.year),
        )
        .crumb("Le zone distretto", "/regione"),
        year: spec.year,
        years,
        totals: usecase::Soc26Totals::of(&spec, &zones),
        zones: zones.len(),
        region,
        rows,
    }))
}

async fn export_soc26(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ComparisonQuery>,
) -> Result<Response, AppError> {
    let asked = super::soc26::asked_year(&q.anno)?;
    let r = usecase::soc26(&state.db, &ctx.caller(), asked).await?;
    send(
        &usecase::soc26_table(&r.spec, &r.region, &r.zones),
        &q.format,
    )
}

#[derive(Deserialize, Default)]
struct ProfileQuery {
    #[serde(default)]
    indicatore: String,
    #[serde(default)]
    format: String,
}

impl ProfileQuery {
    fn code(&self) -> Option<&str> {
        Some(self.indicatore.trim()).filter(|c| !c.is_empty())
    }
}

#[derive(Template)]
#[template(path = "region_profile.html")]
struct ProfilePage {
    page: PageCtx,
    c: usecase::ProfileComparison,
    chart: String,
}

impl ProfilePage {
    fn chosen(&self, code: &str) -> bool {
        self.c.indicator.as_ref().is_some_and(|i| i.code == code)
    }
    fn code(&self) -> String {
        self.c
            .indicator
            .as_ref()
            .map(|i| i.code.clone())
            .unwrap_or_default()
    }
}

/// One indicator of the health profile, zone by zone.
async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProfileQuery>,
) -> PageResult {
    let c = usecase::profile(&state.db, &ctx.caller(), q.code()).await?;
    let chart = match &c.indicator {
        Some(i) if c.zones.iter().any(|z| z.2.is_some()) => charts::grouped_bars_labelled(
            "profilo-zone",
            &format!("{} per zona", i.name),
            "Valore di ciascuna zona nel periodo più recente; i valori sono nella tabella.",
            &c.zones
                .iter()
                .map(|(_, name, _)| chart_label(name))
                .collect::<Vec<_>>(),
            &[charts::LabelledSeries {
                label: &i.unit,
                colour: "#0066cc",
                values: c
                    .zones
                    .iter()
                    .map(|(_, _, v)| v.as_ref().map(|s| (s.value, s.text.clone())))
                    .collect(),
            }],
        ),
        _ => String::new(),
    };
    Ok(render_page(&ProfilePage {
        page: PageCtx::new(&ctx, "Profilo di salute per zona")
            .crumb("Le zone distretto", "/regione"),
        c,
        chart,
    }))
}

async fn export_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, AppError> {
    let c = usecase::profile(&state.db, &ctx.caller(), q.code()).await?;
    send(&usecase::profile_table(&c), &q.format)
}

/// A regional table as a CSV or XLSX download.
fn send(table: &zona_reports::table::Table, format: &str) -> Result<Response, AppError> {
    match format {
        "csv" | "xlsx" => super::network::send_table(table, Some(format), "", &[]),
        _ => Err(AppError::BadRequest(
            "Formato di esportazione non valido: scegliere CSV o Excel.".into(),
        )),
    }
}
