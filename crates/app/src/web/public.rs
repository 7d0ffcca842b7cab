//! What citizens see of planning: the approved annual plans with their tree,
//! their sheets and their document. Nothing internal: no plan in
//! compilation, no internal notes, no review comments, no history.

use super::common::require;
use super::ctx::Ctx;
use super::export::download;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::poa::{self, PoaData};
use crate::usecase::profile::IndicatorView;
use askama::Template;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{PlanStatus, Vocabulary};
use zona_store::planning::{self, AnnualPlanSummary, ObjectiveNode};
use zona_store::sheets::{self, PlanAct, Sheet};
use zona_store::vocabularies;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/piani", get(index))
        .route("/piani/poa/{year}", get(plan))
        .route("/piani/poa/{year}/documento.pdf", get(document))
        .route("/piani/scheda/{id}", get(sheet))
        .route("/profilo-di-salute", get(health_profile))
        .route("/profilo-di-salute/documento.pdf", get(profile_document))
        .route(
            "/profilo-di-salute/indicatori/{code}",
            get(health_indicator),
        )
}

#[derive(Template)]
#[template(path = "health_profile.html")]
struct ProfilePage {
    page: PageCtx,
    year: Option<i64>,
    years: Vec<i64>,
    themes: Vec<zona_store::profile::Theme>,
    /// The indicators by theme, the themes of the profile first.
    indicators: Vec<(String, Vec<IndicatorView>)>,
    demo: bool,
    /// The zone's internal readers follow answers to the internal pages;
    /// others to the published plans only.
    internal: bool,
}

impl ProfilePage {
    fn is_year(&self, y: &i64) -> bool {
        self.year == Some(*y)
    }

    fn href(&self, a: &zona_store::profile::Answer) -> Option<String> {
        answer_href(a, self.internal)
    }
}

/// Where an answer to a critical issue is read: the internal pages for the
/// zone's internal readers; the published plan for everyone else, and
/// nowhere while its plan is not public (a PIS has no public page).
pub(crate) fn answer_href(a: &zona_store::profile::Answer, internal: bool) -> Option<String> {
    match (internal, a.health_plan_id, a.activity_id) {
        (true, Some(pis), _) => Some(format!(
            "/pianificazione/pis/{pis}#obj-{}",
            a.objective_id.unwrap_or_default()
        )),
        (true, None, Some(id)) => Some(format!("/pianificazione/attivita/{id}")),
        (true, None, None) => Some(format!("/pianificazione/poa/{}", a.year)),
        (false, None, Some(id)) if a.approved => Some(format!("/piani/scheda/{id}")),
        (false, None, None) if a.approved => Some(format!("/piani/poa/{}", a.year)),
        _ => None,
    }
}

/// The public zone, the years it has a profile for (latest first) and the
/// year asked with `?anno=` (the latest by default; a year without a
/// profile is not found).
async fn profile_year(
    state: &AppState,
    ctx: &Ctx,
    q: &std::collections::HashMap<String, String>,
) -> Result<(i64, Vec<i64>, Option<i64>), AppError> {
    require(ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let years = zona_store::profile::years(&state.db, zone_id).await?;
    let year = match q.get("anno").map(String::as_str) {
        None | Some("") => years.first().copied(),
        Some(y) => Some(
            zona_core::number::read_whole(y)
                .ok()
                .filter(|y| years.contains(y))
                .ok_or(AppError::NotFound)?,
        ),
    };
    Ok((zone_id, years, year))
}

/// The zone's health profile, a year's themes with their critical issues
/// and strengths (`?anno=` picks the year; the latest by default). It is
/// public: the profile is published with the plan it grounds.
async fn health_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    let (zone_id, years, year) = profile_year(&state, &ctx, &q).await?;
    let themes = match year {
        Some(y) => zona_store::profile::themes(&state.db, zone_id, y).await?,
        None => Vec::new(),
    };
    let title = match year {
        Some(y) => format!("Profilo di salute {y}"),
        None => "Profilo di salute".to_string(),
    };
    let views = crate::usecase::profile::views(&state.db, zone_id, None).await?;
    let demo = views.iter().any(IndicatorView::demo);
    let mut indicators: Vec<(String, Vec<IndicatorView>)> = Vec::new();
    let order = |theme: &str| {
        themes
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(theme))
            .unwrap_or(usize::MAX)
    };
    for v in views {
        match indicators
            .iter_mut()
            .find(|(t, _)| *t == v.definition.theme)
        {
            Some((_, list)) => list.push(v),
            None => indicators.push((v.definition.theme.clone(), vec![v])),
        }
    }
    indicators.sort_by_key(|(t, _)| (order(t), t.clone()));
    Ok(render_page(&ProfilePage {
        page: PageCtx::new(&ctx, title),
        year,
        years,
        themes,
        indicators,
        demo,
        internal: ctx.allows(Action::ReadInternal { zone_id }),
    }))
}

#[derive(Template)]
#[template(path = "health_indicator.html")]
struct IndicatorPage {
    page: PageCtx,
    view: IndicatorView,
    chart: String,
    municipal_chart: String,
    sex_chart: String,
    age_chart: String,
}

/// One indicator of the zone's profile: its definition, its values over
/// time for the zone, its health authority and its region, by municipality
/// and by sex; each chart with its table.
async fn health_indicator(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    use zona_reports::charts::{grouped_bars_labelled, LabelledSeries};
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let view = crate::usecase::profile::views(&state.db, zone_id, Some(&code))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let pick =
        |f: fn(&crate::usecase::profile::PeriodRow) -> &Option<crate::usecase::profile::Shown>| {
            view.periods
                .iter()
                .map(|p| f(p).as_ref().map(|s| (s.value, s.text.clone())))
                .collect::<Vec<_>>()
        };
    let chart = grouped_bars_labelled(
        "indicator-chart",
        &format!(
            "{}: zona, Azienda USL e regione per periodo",
            view.definition.name
        ),
        &format!(
            "Valori in {}; gli stessi della tabella che segue.",
            view.definition.unit
        ),
        &view
            .periods
            .iter()
            .map(|p| p.period.clone())
            .collect::<Vec<_>>(),
        &[
            LabelledSeries {
                label: "Zona",
                colour: "#0066cc",
                values: pick(|p| &p.zone),
            },
            LabelledSeries {
                label: "Azienda USL",
                colour: "#5c6f82",
                values: pick(|p| &p.health_authority),
            },
            LabelledSeries {
                label: "Regione",
                colour: "#a66300",
                values: pick(|p| &p.region),
            },
        ],
    );
    let bars = |id: &str,
                by: &str,
                label: &'static str,
                rows: Vec<(String, &crate::usecase::profile::Shown)>| {
        if rows.is_empty() {
            return String::new();
        }
        grouped_bars_labelled(
            id,
            &format!("{} {by}", view.definition.name),
            &format!(
                "Valori in {}; gli stessi della tabella che segue.",
                view.definition.unit
            ),
            &rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            &[LabelledSeries {
                label,
                colour: "#0066cc",
                values: rows
                    .iter()
                    .map(|r| Some((r.1.value, r.1.text.clone())))
                    .collect(),
            }],
        )
    };
    let municipal_chart = bars(
        "municipal-chart",
        "per comune",
        "Comune",
        view.municipalities
            .iter()
            .map(|m| (m.0.clone(), &m.1))
            .collect(),
    );
    let sex_chart = bars(
        "sex-chart",
        "per sesso, nella zona",
        "Zona",
        view.by_sex
            .iter()
            .map(|m| (m.0.to_string(), &m.1))
            .collect(),
    );
    let age_chart = bars(
        "age-chart",
        "per classe di età, nella zona",
        "Zona",
        view.by_age.iter().map(|m| (m.0.clone(), &m.1)).collect(),
    );
    Ok(render_page(&IndicatorPage {
        page: PageCtx::new(&ctx, view.definition.name.clone())
            .crumb("Profilo di salute", "/profilo-di-salute"),
        chart,
        municipal_chart,
        sex_chart,
        age_chart,
        view,
    }))
}

fn published(p: &AnnualPlanSummary) -> bool {
    p.status == PlanStatus::Approved
}

/// The public zone's approved plans.
async fn approved(state: &AppState, ctx: &Ctx) -> Result<(i64, Vec<AnnualPlanSummary>), AppError> {
    require(ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let plans = planning::annual_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .filter(published)
        .collect();
    Ok((zone_id, plans))
}

#[derive(Template)]
#[template(path = "public_plans.html")]
struct IndexPage {
    page: PageCtx,
    plans: Vec<AnnualPlanSummary>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, plans) = approved(&state, &ctx).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Piani approvati"),
        plans,
    }))
}

#[derive(Template)]
#[template(path = "public_plan.html")]
struct PlanPage {
    page: PageCtx,
    summary: AnnualPlanSummary,
    acts: Vec<PlanAct>,
    objectives: Vec<ObjectiveNode>,
    totals: std::collections::HashMap<i64, String>,
    total: String,
}

impl PlanPage {
    fn total_of(&self, id: &i64) -> String {
        self.totals.get(id).cloned().unwrap_or_default()
    }
}

async fn plan_of(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(i64, AnnualPlanSummary), AppError> {
    let (zone_id, plans) = approved(state, ctx).await?;
    let p = plans
        .into_iter()
        .find(|p| p.year == year)
        .ok_or(AppError::NotFound)?;
    Ok((zone_id, p))
}

async fn plan(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let data = PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut sums: std::collections::HashMap<i64, zona_core::Cents> =
        std::collections::HashMap::new();
    for l in &data.lines {
        sums.entry(l.activity_id).or_default().0 += l.amount.0;
    }
    let total: zona_core::Cents = data.lines.iter().map(|l| l.amount).sum();
    Ok(render_page(&PlanPage {
        page: PageCtx::new(&ctx, format!("Programmazione Operativa Annuale {year}"))
            .crumb("Piani approvati", "/piani"),
        acts: sheets::acts(&state.db, summary.id).await?,
        objectives: planning::tree(&state.db, summary.id).await?,
        totals: sums.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        total: total.to_string(),
        summary,
    }))
}

async fn document(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let data = PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = poa::pdf(&state.db, zone_id, &data).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"poa-{year}.pdf\""),
    )
}

#[derive(Template)]
#[template(path = "public_sheet.html")]
struct SheetPage {
    page: PageCtx,
    s: Sheet,
    sector: String,
    kind: String,
    areas: String,
    period: String,
    funding: Vec<(String, i64, String)>,
    total: String,
    answers: Vec<zona_store::profile::Answered>,
}

async fn sheet(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, plans) = approved(&state, &ctx).await?;
    let s = sheets::get_sheet(&state.db, id)
        .await?
        .filter(|s| s.row.zone_id == zone_id && plans.iter().any(|p| p.id == s.row.annual_plan_id))
        .ok_or(AppError::NotFound)?;
    let labels = vocabularies::all_labels(&state.db).await?;
    let c = &s.content;
    let label = |v: Vocabulary, x: &Option<String>| {
        x.as_deref()
            .map_or("—".to_string(), |x| labels.label(v, x).to_string())
    };
    let answers = zona_store::profile::answered_by(&state.db, s.row.id, true).await?;
    Ok(render_page(&SheetPage {
        answers,
        page: PageCtx::new(&ctx, c.title.clone())
            .crumb("Piani approvati", "/piani")
            .crumb(
                format!("POA {}", s.row.year),
                format!("/piani/poa/{}", s.row.year),
            ),
        sector: label(Vocabulary::Sector, &c.sector),
        kind: label(Vocabulary::InterventionKind, &c.kind),
        areas: c
            .target_areas
            .iter()
            .map(|a| labels.label(Vocabulary::TargetArea, a))
            .collect::<Vec<_>>()
            .join(", "),
        period: match (c.start_date, c.end_date) {
            (Some(a), Some(b)) => format!("dal {} al {}", format::date(a), format::date(b)),
            _ => "—".into(),
        },
        funding: c
            .funding
            .iter()
            .map(|f| {
                (
                    labels
                        .label(Vocabulary::FundingSource, &f.source)
                        .to_string(),
                    f.year,
                    f.amount.to_string(),
                )
            })
            .collect(),
        total: c.total().to_string(),
        s,
    }))
}

/// The profile as a PDF for the mayors' conference: the themes table with
/// the answers of the plans, and the indicators (`?anno=` as on the page).
async fn profile_document(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    let (zone_id, _, year) = profile_year(&state, &ctx, &q).await?;
    let year = year.ok_or(AppError::NotFound)?;
    let themes = zona_store::profile::themes(&state.db, zone_id, year).await?;
    let views = crate::usecase::profile::views(&state.db, zone_id, None).await?;
    let zone = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let shown = |s: &Option<crate::usecase::profile::Shown>| match s {
        Some(v) => v.text.clone(),
        None => "n.d.".to_string(),
    };
    let data = serde_json::json!({
        "title": format!("Profilo di salute {year}"),
        "zone": zone,
        "generated": format::date(state.today()),
        "demo": views.iter().any(IndicatorView::demo),
        "themes": themes.iter().map(|t| serde_json::json!({
            "name": t.name,
            "critical": t.critical.iter().map(|c| serde_json::json!({
                "text": c.text,
                "answers": c.answers.iter().map(|a| format!(
                    "{} ({}, {})",
                    a.what,
                    a.kind_label(),
                    a.plan_label()
                )).collect::<Vec<_>>(),
                "indicators": c.indicators.iter().map(|i| i.1.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "strengths": t.strengths.iter().map(|s| s.text.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "indicators": views.iter().map(|v| {
            let latest = v.latest();
            serde_json::json!({
                "name": v.definition.name,
                "unit": v.definition.unit,
                "demo": v.demo(),
                "period": latest.map(|p| p.period.clone()).unwrap_or_default(),
                "zone": latest.map(|p| shown(&p.zone)).unwrap_or_else(|| "n.d.".into()),
                "asl": latest.map(|p| shown(&p.health_authority)).unwrap_or_else(|| "n.d.".into()),
                "region": latest.map(|p| shown(&p.region)).unwrap_or_else(|| "n.d.".into()),
                "differs": match latest.and_then(crate::usecase::profile::PeriodRow::differs) {
                    Some(true) => "Diversa",
                    Some(false) => "Non diversa",
                    None => "—",
                },
            })
        }).collect::<Vec<_>>(),
    });
    let today = state.today();
    let bytes = tokio::task::spawn_blocking(move || {
        zona_reports::pdf::render(zona_reports::pdf::PROFILE_TEMPLATE, &data, today)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"profilo-di-salute-{year}.pdf\""),
    )
}
