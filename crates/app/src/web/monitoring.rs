//! Monitoring and evaluation of an annual plan: the state of implementation
//! of each sheet, rolled up to programmes and health objectives; indicators
//! reached; bulk export and import; the monitoring form of one sheet.

use super::common::{require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::poa::PoaData;
use crate::usecase::monitoring as usecase;
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{
    parse_decimal_it, parse_progress, reached, roll_up, Monitoring, Vocabulary, Weighting,
};
use zona_core::validation::optional_text;
use zona_core::{Cents, FieldErrors};
use zona_reports::charts::{grouped_bars, Series};
use zona_reports::ExportFormat;
use zona_store::sheets::{self, SheetQuery};
use zona_store::{vocabularies, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione/poa/{year}/monitoraggio", get(overview))
        .route(
            "/pianificazione/poa/{year}/monitoraggio/esporta",
            get(export),
        )
        .route(
            "/pianificazione/poa/{year}/monitoraggio/importa",
            post(import),
        )
        .route(
            "/pianificazione/attivita/{id}/monitoraggio",
            get(sheet_form).post(sheet_save),
        )
}

struct Row {
    level: u8,
    label: String,
    progress: String,
    surveyed: String,
    reached: usize,
    missed: usize,
    unmeasured: usize,
}

#[derive(Template)]
#[template(path = "planning_monitoring.html")]
struct OverviewPage {
    page: PageCtx,
    year: i64,
    budget_weights: bool,
    rows: Vec<Row>,
    chart: String,
    office: bool,
    errors: Vec<String>,
}

fn pct(d: Option<rust_decimal::Decimal>) -> String {
    d.map_or_else(|| "—".into(), format::percent)
}

async fn plan_id_of(state: &AppState, ctx: &Ctx, year: i64) -> Result<(i64, i64), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let plan = zona_store::planning::annual_plan_id(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((zone_id, plan))
}

/// One row of the overview: the progress of `mine` (the sheets of the
/// plan, an objective or a programme), how many were surveyed, and their
/// indicators reached, missed and not measured. Also the progress alone,
/// for the chart.
fn summarise(
    level: u8,
    label: String,
    mine: Vec<&zona_store::sheets::SheetSummary>,
    indicators: &[(i64, zona_core::planning::Indicator)],
    weighting: Weighting,
) -> (Row, Option<rust_decimal::Decimal>) {
    let items: Vec<(Option<i64>, Cents)> = mine.iter().map(|s| (s.progress, s.total())).collect();
    let progress = roll_up(&items, weighting);
    let (mut reached_n, mut missed, mut unmeasured) = (0, 0, 0);
    for s in &mine {
        for (_, i) in indicators.iter().filter(|(a, _)| *a == s.id) {
            match reached(i) {
                Some(true) => reached_n += 1,
                Some(false) => missed += 1,
                None => unmeasured += 1,
            }
        }
    }
    let surveyed = mine.iter().filter(|s| s.progress.is_some()).count();
    (
        Row {
            level,
            label,
            progress: pct(progress),
            surveyed: format!("{surveyed} su {}", mine.len()),
            reached: reached_n,
            missed,
            unmeasured,
        },
        progress,
    )
}

async fn overview_page(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    weighting: Weighting,
    errors: Vec<String>,
) -> PageResult {
    let (zone_id, plan) = plan_id_of(state, ctx, year).await?;
    let (rows, _) =
        sheets::list_sheets(&state.db, plan, &SheetQuery::default(), Page::all()).await?;
    let indicators = sheets::plan_indicators(&state.db, plan).await?;
    let mut out = Vec::new();
    let mut chart_labels = Vec::new();
    let mut chart_values = Vec::new();
    let mut objectives: Vec<i64> = Vec::new();
    for r in &rows {
        if !objectives.contains(&r.objective_id) {
            objectives.push(r.objective_id);
        }
    }
    let summarise = |level, label, mine| summarise(level, label, mine, &indicators, weighting);
    for o in objectives {
        let mine: Vec<_> = rows.iter().filter(|s| s.objective_id == o).collect();
        let title = mine[0].objective.clone();
        let (row, progress) = summarise(1, title.clone(), mine.clone());
        out.push(row);
        chart_labels.push(title);
        chart_values.push(progress.map_or(0, |p| p.round().try_into().unwrap_or(0u64)));
        let mut programmes: Vec<i64> = Vec::new();
        for s in &mine {
            if !programmes.contains(&s.programme_id) {
                programmes.push(s.programme_id);
            }
        }
        for p in programmes {
            let of_p: Vec<_> = mine
                .iter()
                .copied()
                .filter(|s| s.programme_id == p)
                .collect();
            let title = of_p[0].programme.clone();
            out.push(summarise(2, title, of_p).0);
        }
    }
    let all: Vec<_> = rows.iter().collect();
    out.insert(0, summarise(0, format!("POA {year}"), all).0);
    let chart = grouped_bars(
        "chart-progress",
        &format!("Avanzamento del POA {year} per obiettivo di salute"),
        "Percentuale di avanzamento di ciascun obiettivo di salute; le cifre sono nella tabella.",
        &chart_labels,
        &[Series {
            label: "Avanzamento %",
            colour: "#0066cc",
            values: chart_values,
        }],
    );
    let mut r = render_page(&OverviewPage {
        page: PageCtx::new(ctx, format!("Monitoraggio del POA {year}"))
            .crumb("Pianificazione", "/pianificazione")
            .crumb(format!("POA {year}"), format!("/pianificazione/poa/{year}")),
        year,
        budget_weights: weighting == Weighting::Budget,
        rows: out,
        chart,
        office: ctx.allows(Action::Administer { zone_id }),
        errors: errors.clone(),
    });
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

fn weighting_of(q: &HashMap<String, String>) -> Result<Weighting, AppError> {
    match q.get("peso").map(String::as_str) {
        None | Some("") | Some("risorse") => Ok(Weighting::Budget),
        Some("uguale") => Ok(Weighting::Equal),
        Some(_) => Err(AppError::BadRequest(
            "Peso non valido: «risorse» o «uguale».".into(),
        )),
    }
}

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    overview_page(&state, &ctx, year, weighting_of(&q)?, Vec::new()).await
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, _) = plan_id_of(&state, &ctx, year).await?;
    let format = match q.get("format").map(String::as_str) {
        Some("csv") => ExportFormat::Csv,
        Some("xlsx") => ExportFormat::Xlsx,
        _ => {
            return Err(AppError::BadRequest(
                "Formato non valido: scegliere CSV o Excel.".into(),
            ))
        }
    };
    let data = PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let table = crate::monitoring::export_table(&state.db, &data).await?;
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, time::OffsetDateTime::now_utc().date());
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

/// The planning office loads a monitoring file: all of it, or nothing.
async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let (zone_id, plan) = plan_id_of(&state, &ctx, year).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let file = super::forms::Upload::read(multipart)
        .await?
        .non_empty_file();
    let errors = |m: &str| vec![m.to_string()];
    let Some((name, bytes)) = file.map(|(n, b)| (n.to_lowercase(), b)) else {
        return overview_page(
            &state,
            &ctx,
            year,
            Weighting::Budget,
            errors("Scegliere un file CSV o Excel."),
        )
        .await;
    };
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") {
        return overview_page(
            &state,
            &ctx,
            year,
            Weighting::Budget,
            errors("Il file deve essere un CSV (.csv) o un foglio Excel (.xlsx)."),
        )
        .await;
    }
    match crate::monitoring::parse_import(&state.db, plan, &bytes, xlsx).await? {
        Err(problems) => overview_page(&state, &ctx, year, Weighting::Budget, problems).await,
        Ok(items) => {
            let n = items.len();
            usecase::save_import(&state.db, &ctx.caller(), &items).await?;
            Ok(with_flash(
                Redirect::to(&format!("/pianificazione/poa/{year}/monitoraggio")),
                FlashKind::Success,
                &format!(
                    "Monitoraggio aggiornato: {n} {}.",
                    if n == 1 { "scheda" } else { "schede" }
                ),
            ))
        }
    }
}

// ------------------------------------------------------------------ one sheet

struct IndicatorField {
    index: usize,
    name: String,
    unit: String,
    target: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "planning_sheet_monitoring.html")]
struct SheetMonitoringPage {
    page: PageCtx,
    id: i64,
    version: i64,
    progress: String,
    survey_date: String,
    notes: String,
    indicators: Vec<IndicatorField>,
    errors: FieldErrors,
    errors_summary: Option<String>,
}

/// A sheet's monitoring as sent: one `actual` per indicator, in order.
#[derive(Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct MonitoringForm {
    progress: String,
    survey_date: String,
    notes: String,
    actual: Vec<String>,
    version: String,
}

/// The error field of the `i`-th indicator's value.
fn actual_field(i: usize) -> String {
    format!("actual_{i}")
}

impl MonitoringForm {
    fn of(s: &zona_store::sheets::Sheet) -> MonitoringForm {
        MonitoringForm {
            progress: s.row.progress.map(|p| p.to_string()).unwrap_or_default(),
            survey_date: s.row.survey_date.map(format::date).unwrap_or_default(),
            notes: s.row.monitoring_notes.clone().unwrap_or_default(),
            actual: s
                .content
                .indicators
                .iter()
                .map(|ind| {
                    ind.actual
                        .map(|d| d.to_string().replace('.', ","))
                        .unwrap_or_default()
                })
                .collect(),
            version: s.row.version.to_string(),
        }
    }

    fn parse(&self) -> Result<Monitoring, FieldErrors> {
        let mut e = FieldErrors::new();
        let progress = e
            .check("progress", parse_progress(&self.progress))
            .flatten();
        let survey_date = match self.survey_date.trim() {
            "" => None,
            d => e.check("survey_date", format::parse_date(d)),
        };
        let notes = e
            .check("notes", optional_text(&self.notes, 10_000))
            .flatten();
        let actuals = self
            .actual
            .iter()
            .enumerate()
            .map(|(i, v)| match v.trim() {
                "" => None,
                v => e.check(&actual_field(i), parse_decimal_it(v)),
            })
            .collect();
        e.into_result(Monitoring {
            progress,
            survey_date,
            notes,
            actuals,
        })
    }
}

fn monitoring_page(
    ctx: &Ctx,
    s: &zona_store::sheets::Sheet,
    units: &zona_core::planning::Vocabularies,
    form: &MonitoringForm,
    errors: FieldErrors,
) -> SheetMonitoringPage {
    let n = errors.len();
    SheetMonitoringPage {
        page: PageCtx::new(ctx, format!("Monitoraggio della scheda {}", s.row.code))
            .crumb("Pianificazione", "/pianificazione")
            .crumb(
                format!("POA {}", s.row.year),
                format!("/pianificazione/poa/{}", s.row.year),
            )
            .crumb(
                s.row.code.clone(),
                format!("/pianificazione/attivita/{}", s.row.id),
            ),
        id: s.row.id,
        version: form.version.trim().parse().unwrap_or(s.row.version),
        progress: form.progress.clone(),
        survey_date: form.survey_date.clone(),
        notes: form.notes.clone(),
        indicators: s
            .content
            .indicators
            .iter()
            .enumerate()
            .map(|(index, i)| IndicatorField {
                index,
                name: i.name.clone(),
                unit: units.label(Vocabulary::IndicatorUnit, &i.unit).to_string(),
                target: i.target.map_or_else(|| "—".into(), format::decimal),
                value: form.actual.get(index).cloned().unwrap_or_default(),
                error: errors.get(&actual_field(index)).map(str::to_string),
            })
            .collect(),
        errors_summary: (n > 0).then(|| {
            format!(
                "Il monitoraggio non è stato salvato: {n} {} da correggere.",
                if n == 1 { "campo" } else { "campi" }
            )
        }),
        errors,
    }
}

async fn sheet_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let s = usecase::open_sheet(&state.db, &ctx.caller(), id).await?;
    let units = vocabularies::all_labels(&state.db).await?;
    let form = MonitoringForm::of(&s);
    Ok(render_page(&monitoring_page(
        &ctx,
        &s,
        &units,
        &form,
        FieldErrors::new(),
    )))
}

async fn sheet_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<MonitoringForm>,
) -> PageResult {
    let caller = ctx.caller();
    let version = super::forms::version_of(&form.version);
    let outcome = usecase::save_sheet(&state.db, &caller, id, version, form.parse()).await;
    let (errors, status) = match outcome {
        Ok(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/pianificazione/attivita/{id}")),
                FlashKind::Success,
                "Monitoraggio salvato.",
            ))
        }
        Err(Error::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Error::Conflict) => {
            let mut errors = FieldErrors::new();
            errors.add("progress", "La scheda è stata cambiata da un'altra persona dopo che hai aperto questa pagina: ricarica la pagina e ripeti il monitoraggio.");
            (errors, StatusCode::CONFLICT)
        }
        Err(e) => return Err(e.into()),
    };
    let s = usecase::open_sheet(&state.db, &caller, id).await?;
    let units = vocabularies::all_labels(&state.db).await?;
    let mut r = render_page(&monitoring_page(&ctx, &s, &units, &form, errors));
    *r.status_mut() = status;
    Ok(r)
}
