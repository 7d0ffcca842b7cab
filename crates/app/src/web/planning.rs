//! Planning: the annual operating plans (POA) of the zone, their tree, the
//! list of sheets, the integrated budget, the approval, and a unit's sheets.

use super::common::{require, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::poa::{self, PoaData};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{
    can_approve, ActKind, BudgetAxis, PlanStatus, SheetStatus, Vocabularies, Vocabulary,
};
use zona_core::validation::{optional_text, required_text};
use zona_core::{Cents, FieldErrors};
use zona_reports::ExportFormat;
use zona_store::planning::{self, AnnualPlanSummary, ObjectiveNode};
use zona_store::sheets::{self, ActInput, PlanAct, SheetQuery, SheetSummary};
use zona_store::territory::ListQuery;
use zona_store::{organisations, vocabularies, Page, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pianificazione", get(index))
        .route("/pianificazione/mie-schede", get(my_sheets))
        .route("/pianificazione/poa/{year}", get(tree))
        .route("/pianificazione/poa/{year}/schede", get(sheet_list))
        .route(
            "/pianificazione/poa/{year}/schede/esporta",
            get(sheet_export),
        )
        .route("/pianificazione/poa/{year}/bilancio", get(budget))
        .route(
            "/pianificazione/poa/{year}/bilancio/esporta",
            get(budget_export),
        )
        .route("/pianificazione/poa/{year}/esporta", get(workbook))
        .route("/pianificazione/poa/{year}/documento.pdf", get(document))
        .route(
            "/pianificazione/poa/{year}/approvazione",
            get(approve_form).post(approve),
        )
        .route("/pianificazione/poa/{year}/confronto", get(compare))
        .route(
            "/pianificazione/poa/{year}/programmi",
            axum::routing::post(add_programme),
        )
        .route(
            "/pianificazione/nuovo-anno",
            get(rollover_form).post(rollover),
        )
        .merge(super::sheets::routes())
}

#[derive(Template)]
#[template(path = "planning_index.html")]
struct IndexPage {
    page: PageCtx,
    plans: Vec<AnnualPlanSummary>,
    has_units: bool,
    next_year: Option<i64>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let plans = planning::annual_plans(&state.db, zone_id).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Pianificazione"),
        has_units: ctx
            .principal
            .as_ref()
            .is_some_and(|p| !p.unit_ids().is_empty()),
        next_year: ctx
            .allows(Action::Administer { zone_id })
            .then(|| plans.iter().map(|p| p.year).max().map(|y| y + 1))
            .flatten(),
        plans,
    }))
}

/// The plan of a year in the user's zone, for readers of internal data.
async fn plan_of(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(i64, AnnualPlanSummary), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let summary = planning::annual_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .find(|p| p.year == year)
        .ok_or(AppError::NotFound)?;
    Ok((zone_id, summary))
}

fn plan_crumbs(ctx: &Ctx, title: String, year: i64) -> PageCtx {
    PageCtx::new(ctx, title)
        .crumb("Pianificazione", "/pianificazione")
        .crumb(format!("POA {year}"), format!("/pianificazione/poa/{year}"))
}

struct UnitProgress {
    name: String,
    total: usize,
    accepted: usize,
    submitted: usize,
    open: usize,
}

#[derive(Template)]
#[template(path = "planning_tree.html")]
struct TreePage {
    page: PageCtx,
    year: i64,
    summary: AnnualPlanSummary,
    plan_status: PlanStatus,
    objectives: Vec<ObjectiveNode>,
    counts: Vec<(SheetStatus, i64)>,
    units: Vec<UnitProgress>,
    acts: Vec<PlanAct>,
    total: String,
    office: bool,
    /// The PIS's health objectives, for a new programme.
    pis_objectives: Vec<zona_store::pis::ObjectiveRef>,
}

async fn tree(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let objectives = planning::tree(&state.db, summary.id).await?;
    let info = sheets::plan_info(&state.db, summary.id).await?;
    let counts = sheets::status_counts(&state.db, summary.id).await?;
    let (rows, _) =
        sheets::list_sheets(&state.db, summary.id, &SheetQuery::default(), Page::all()).await?;
    let mut units: Vec<UnitProgress> = Vec::new();
    for r in &rows {
        let name = r
            .unit_name
            .clone()
            .or_else(|| r.organisation_name.clone())
            .unwrap_or_else(|| "Non assegnate".into());
        let i = match units.iter().position(|u| u.name == name) {
            Some(i) => i,
            None => {
                units.push(UnitProgress {
                    name,
                    total: 0,
                    accepted: 0,
                    submitted: 0,
                    open: 0,
                });
                units.len() - 1
            }
        };
        let u = &mut units[i];
        u.total += 1;
        match r.status {
            SheetStatus::Accepted => u.accepted += 1,
            SheetStatus::Submitted => u.submitted += 1,
            SheetStatus::ToFill | SheetStatus::Returned => u.open += 1,
        }
    }
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let total: Cents = rows.iter().map(SheetSummary::total).sum();
    Ok(render_page(&TreePage {
        page: PageCtx::new(&ctx, format!("Programmazione Operativa Annuale {year}"))
            .crumb("Pianificazione", "/pianificazione"),
        year,
        plan_status: info.status(),
        acts: sheets::acts(&state.db, summary.id).await?,
        summary,
        objectives,
        counts,
        units,
        total: total.to_string(),
        office: ctx.allows(Action::Administer { zone_id }),
        pis_objectives: zona_store::pis::health_objectives(&state.db, info.health_plan_id).await?,
    }))
}

/// A new programme of an open plan, under one of its PIS's health objectives.
async fn add_programme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let info = sheets::plan_info(&state.db, summary.id).await?;
    let to = |kind, m: &str| {
        with_flash(
            Redirect::to(&format!("/pianificazione/poa/{year}")),
            kind,
            m,
        )
    };
    if info.status() == PlanStatus::Approved {
        return Ok(to(
            FlashKind::Danger,
            "La programmazione è approvata: non si aggiungono programmi.",
        ));
    }
    let objectives = zona_store::pis::health_objectives(&state.db, info.health_plan_id).await?;
    let Some(objective) = v
        .get("objective_id")
        .and_then(|o| o.parse::<i64>().ok())
        .filter(|o| objectives.iter().any(|x| x.id == *o))
    else {
        return Ok(to(
            FlashKind::Danger,
            "Programma: scegliere l'obiettivo di salute.",
        ));
    };
    let title = match required_text(v.get("title").map_or("", String::as_str), 300) {
        Ok(t) => t,
        Err(e) => return Ok(to(FlashKind::Danger, &format!("Programma: {e}"))),
    };
    let position = planning::programmes(&state.db, summary.id).await?.len() as i64 + 1;
    let p = planning::NewProgramme {
        health_objective_id: objective,
        position,
        title: title.clone(),
        previous_id: None,
    };
    match planning::add_programme(&state.db, &ctx.actor(), zone_id, summary.id, &p).await {
        Ok(_) => Ok(to(
            FlashKind::Success,
            &format!("Programma «{title}» aggiunto."),
        )),
        Err(StoreError::Duplicate { .. }) => Ok(to(
            FlashKind::Danger,
            &format!("Il programma «{title}» esiste già."),
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ sheet list

/// The list's filters from the query string; a malformed one is a 400.
fn sheet_query(q: &HashMap<String, String>) -> Result<SheetQuery, AppError> {
    let text = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let id = |k: &str| -> Result<Option<i64>, AppError> {
        match text(k) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::BadRequest(format!("Filtro «{k}» non valido."))),
        }
    };
    let status = match text("stato") {
        None => None,
        Some(s) => Some(
            SheetStatus::from_code(&s)
                .ok_or_else(|| AppError::BadRequest("Filtro «stato» non valido.".into()))?,
        ),
    };
    Ok(SheetQuery {
        text: text("q"),
        sector: text("settore"),
        unit_id: id("unita")?,
        funding_source: text("fonte"),
        municipality_id: id("comune")?,
        status,
        objective_id: id("obiettivo")?,
        programme_id: id("programma")?,
    })
}

struct Filter {
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    value: String,
}

struct SheetRowView {
    id: i64,
    code: String,
    title: String,
    demo: bool,
    programme: String,
    unit: String,
    status: &'static str,
    total: String,
}

#[derive(Template)]
#[template(path = "planning_sheets.html")]
struct SheetListPage {
    page: PageCtx,
    year: i64,
    base: String,
    text: String,
    filters: Vec<Filter>,
    rows: Vec<SheetRowView>,
    counter: String,
    total: String,
    query: String,
    current: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

async fn filter_choices(
    state: &AppState,
    zone_id: i64,
    plan_id: i64,
    labels: &Vocabularies,
    q: &HashMap<String, String>,
) -> Result<Vec<Filter>, AppError> {
    let lq = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (units, _) = organisations::list_units(&state.db, &lq, Page::all()).await?;
    let (muns, _) = zona_store::territory::list_municipalities(&state.db, &lq, Page::all()).await?;
    let programmes = planning::programmes(&state.db, plan_id).await?;
    let mut objectives: Vec<(String, String)> = Vec::new();
    for p in &programmes {
        let o = (p.objective_id.to_string(), p.objective.clone());
        if !objectives.contains(&o) {
            objectives.push(o);
        }
    }
    let terms = |v: Vocabulary| labels.terms(v).to_vec();
    let with_all = |mut v: Vec<(String, String)>| {
        v.insert(0, (String::new(), "Tutti".into()));
        v
    };
    let f = |name: &'static str, label: &'static str, options: Vec<(String, String)>| Filter {
        name,
        label,
        options: with_all(options),
        value: q.get(name).cloned().unwrap_or_default(),
    };
    Ok(vec![
        f("obiettivo", "Obiettivo di salute", objectives),
        f(
            "programma",
            "Programma",
            programmes
                .iter()
                .map(|p| (p.id.to_string(), p.title.clone()))
                .collect(),
        ),
        f("settore", "Settore", terms(Vocabulary::Sector)),
        f(
            "unita",
            "Unità responsabile",
            units
                .into_iter()
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} – {}", u.organisation_name, u.name),
                    )
                })
                .collect(),
        ),
        f(
            "fonte",
            "Fonte di finanziamento",
            terms(Vocabulary::FundingSource),
        ),
        f(
            "comune",
            "Comune",
            muns.into_iter()
                .map(|m| (m.id.to_string(), m.name))
                .collect(),
        ),
        f(
            "stato",
            "Stato",
            SheetStatus::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label().to_string()))
                .collect(),
        ),
    ])
}

pub(super) fn query_string(q: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = q
        .iter()
        .filter(|(k, v)| k.as_str() != "pagina" && k.as_str() != "format" && !v.is_empty())
        .collect();
    pairs.sort();
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

async fn sheet_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let sq = sheet_query(&q)?;
    let page = super::common::page_number(&q);
    let (rows, count) = sheets::list_sheets(&state.db, summary.id, &sq, page).await?;
    let (all, _) = sheets::list_sheets(&state.db, summary.id, &sq, Page::all()).await?;
    let total: Cents = all.iter().map(SheetSummary::total).sum();
    let labels = vocabularies::all_labels(&state.db).await?;
    let filters = filter_choices(&state, zone_id, summary.id, &labels, &q).await?;
    let base = format!("/pianificazione/poa/{year}/schede");
    let query = query_string(&q);
    let pages = ((count + page.size - 1) / page.size).max(1);
    let href = |n: i64| {
        if query.is_empty() {
            format!("{base}?pagina={n}")
        } else {
            format!("{base}?{query}&pagina={n}")
        }
    };
    let first = page.offset() + 1;
    let last = (page.offset() + rows.len() as i64).min(count);
    let counter = match count {
        0 => "Nessuna scheda trovata.".to_string(),
        1 => "1 scheda.".to_string(),
        n => format!(
            "{} schede; mostrate da {} a {}.",
            format::integer(n),
            format::integer(first),
            format::integer(last)
        ),
    };
    Ok(render_page(&SheetListPage {
        page: plan_crumbs(&ctx, format!("Schede attività – POA {year}"), year),
        year,
        text: q.get("q").cloned().unwrap_or_default(),
        filters,
        rows: rows
            .into_iter()
            .map(|r| SheetRowView {
                id: r.id,
                status: r.status_label(),
                total: r.total().to_string(),
                code: r.code,
                title: r.title,
                demo: r.demo,
                programme: r.programme,
                unit: r
                    .unit_name
                    .or(r.organisation_name)
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
        counter,
        total: total.to_string(),
        prev_href: (page.number > 1).then(|| href(page.number - 1)),
        next_href: (page.number < pages).then(|| href(page.number + 1)),
        current: page.number,
        pages,
        query,
        base,
    }))
}

fn export_format(q: &HashMap<String, String>) -> Result<ExportFormat, AppError> {
    q.get("format")
        .and_then(|f| ExportFormat::parse(f))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Formato di esportazione non valido: scegliere CSV, Excel o JSON.".into(),
            )
        })
}

async fn poa_data(state: &AppState, zone_id: i64, year: i64) -> Result<PoaData, AppError> {
    PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)
}

/// The day in an export's file name: the Italian civil date.
fn today() -> time::Date {
    crate::Clock::system().today()
}

async fn sheet_export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let format = export_format(&q)?;
    let data = poa_data(&state, zone_id, year).await?;
    let table = poa::sheets_table(&state.db, &data, &sheet_query(&q)?).await?;
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today());
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

async fn workbook(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let data = poa_data(&state, zone_id, year).await?;
    let bytes = poa::workbook(&state.db, &data).await?;
    download(
        bytes,
        ExportFormat::Xlsx.content_type(),
        &format!("attachment; filename=\"poa-{year}-{}.xlsx\"", today()),
    )
}

async fn document(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let data = poa_data(&state, zone_id, year).await?;
    let bytes = poa::pdf(&state.db, zone_id, &data).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"poa-{year}.pdf\""),
    )
}

// ------------------------------------------------------------------ budget

struct BudgetRowView {
    label: String,
    amounts: Vec<String>,
    total: String,
}

#[derive(Template)]
#[template(path = "planning_budget.html")]
struct BudgetPage {
    page: PageCtx,
    year: i64,
    axis: BudgetAxis,
    axes: Vec<(BudgetAxis, bool)>,
    sources: Vec<String>,
    rows: Vec<BudgetRowView>,
    source_totals: Vec<String>,
    total: String,
    /// The database's own sum of every funding line, shown as the check.
    check: String,
    matches: bool,
}

fn axis_of(q: &HashMap<String, String>) -> Result<BudgetAxis, AppError> {
    match q.get("per").map(String::as_str) {
        None | Some("") => Ok(BudgetAxis::Programme),
        Some(c) => BudgetAxis::from_code(c)
            .ok_or_else(|| AppError::BadRequest("Raggruppamento non valido.".into())),
    }
}

async fn budget(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let axis = axis_of(&q)?;
    let data = poa_data(&state, zone_id, year).await?;
    let b = data.budget(axis);
    let check = sheets::plan_total(&state.db, summary.id).await?;
    Ok(render_page(&BudgetPage {
        page: plan_crumbs(&ctx, format!("Bilancio integrato – POA {year}"), year),
        year,
        axis,
        axes: BudgetAxis::ALL.iter().map(|a| (*a, *a == axis)).collect(),
        sources: b.sources.clone(),
        rows: b
            .rows
            .iter()
            .map(|(label, amounts, total)| BudgetRowView {
                label: label.clone(),
                amounts: amounts.iter().map(|a| a.format_plain()).collect(),
                total: total.format_plain(),
            })
            .collect(),
        source_totals: b.source_totals.iter().map(|a| a.format_plain()).collect(),
        total: b.total.format_plain(),
        check: check.to_string(),
        matches: check == b.total,
    }))
}

async fn budget_export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let axis = axis_of(&q)?;
    let format = export_format(&q)?;
    let data = poa_data(&state, zone_id, year).await?;
    let table = poa::budget_export(year, &data.budget(axis));
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today());
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

// ------------------------------------------------------------------ approval

#[derive(Template)]
#[template(path = "planning_approve.html")]
struct ApprovePage {
    page: PageCtx,
    year: i64,
    blocked: Option<String>,
    body: String,
    number: String,
    date: String,
    description: String,
    errors: FieldErrors,
    errors_summary: Option<String>,
}

async fn office_plan(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<AnnualPlanSummary, AppError> {
    let (zone_id, summary) = plan_of(state, ctx, year).await?;
    require(ctx, Action::Administer { zone_id })?;
    if PlanStatus::from_code(&summary.status) == Some(PlanStatus::Approved) {
        return Err(AppError::BadRequest(format!(
            "La Programmazione Operativa Annuale {year} è già approvata."
        )));
    }
    Ok(summary)
}

async fn approval_block(state: &AppState, plan_id: i64) -> Result<Option<String>, AppError> {
    let statuses: Vec<SheetStatus> = sheets::status_counts(&state.db, plan_id)
        .await?
        .into_iter()
        .flat_map(|(s, n)| std::iter::repeat_n(s, n as usize))
        .collect();
    Ok(can_approve(&statuses).err())
}

async fn approve_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
    let summary = office_plan(&state, &ctx, year).await?;
    Ok(render_page(&ApprovePage {
        page: plan_crumbs(&ctx, format!("Approvazione del POA {year}"), year),
        year,
        blocked: approval_block(&state, summary.id).await?,
        body: "Conferenza Zonale dei Sindaci Integrata".into(),
        number: String::new(),
        date: String::new(),
        description: String::new(),
        errors: FieldErrors::new(),
        errors_summary: None,
    }))
}

async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let summary = office_plan(&state, &ctx, year).await?;
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut errors = FieldErrors::new();
    let body = errors.check("body", required_text(&get("body"), 200));
    let number = errors.check("number", required_text(&get("number"), 50));
    let date = match get("date").trim() {
        "" => {
            errors.add("date", "Indicare la data dell'atto.");
            None
        }
        s => errors.check("date", format::parse_date(s)),
    };
    let description = errors
        .check("description", optional_text(&get("description"), 2000))
        .flatten();
    let blocked = approval_block(&state, summary.id).await?;
    let page = |errors: FieldErrors, blocked: Option<String>| {
        let n = errors.len();
        ApprovePage {
            page: plan_crumbs(&ctx, format!("Approvazione del POA {year}"), year),
            year,
            blocked,
            body: get("body"),
            number: get("number"),
            date: get("date"),
            description: get("description"),
            errors_summary: (n > 0).then(|| {
                format!(
                    "L'approvazione non è stata registrata: {n} {} da correggere.",
                    if n == 1 { "campo" } else { "campi" }
                )
            }),
            errors,
        }
    };
    let (Some(body), Some(number), Some(act_date), None) = (body, number, date, &blocked) else {
        let mut r = render_page(&page(errors, blocked));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    let act = ActInput {
        kind: ActKind::Approval,
        body,
        number,
        act_date,
        description,
    };
    match sheets::approve_plan(&state.db, &ctx.actor(), summary.id, &act).await {
        Ok(()) => Ok(with_flash(
            Redirect::to(&format!("/pianificazione/poa/{year}")),
            FlashKind::Success,
            &format!("Programmazione Operativa Annuale {year} approvata: da ora è in sola lettura; le modifiche si registrano come variazioni."),
        )),
        Err(StoreError::Refused(m)) => {
            let mut r = render_page(&page(errors, Some(m)));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ my sheets

struct MySheet {
    id: i64,
    year: i64,
    code: String,
    title: String,
    unit: String,
    status: &'static str,
    todo: String,
    comment: Option<String>,
}

#[derive(Template)]
#[template(path = "planning_my_sheets.html")]
struct MySheetsPage {
    page: PageCtx,
    office: bool,
    sheets: Vec<MySheet>,
}

/// A unit editor's sheets in the open plans, with what is missing; for the
/// planning office, the sheets waiting for its review.
async fn my_sheets(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let office = ctx.allows(Action::Administer { zone_id });
    let unit_ids = ctx
        .principal
        .as_ref()
        .map(|p| p.unit_ids())
        .unwrap_or_default();
    let mut out = Vec::new();
    for plan in planning::annual_plans(&state.db, zone_id).await? {
        if PlanStatus::from_code(&plan.status) != Some(PlanStatus::Open) {
            continue;
        }
        let queries: Vec<SheetQuery> = if office {
            vec![SheetQuery {
                status: Some(SheetStatus::Submitted),
                ..Default::default()
            }]
        } else {
            unit_ids
                .iter()
                .map(|u| SheetQuery {
                    unit_id: Some(*u),
                    ..Default::default()
                })
                .collect()
        };
        for q in queries {
            let (rows, _) = sheets::list_sheets(&state.db, plan.id, &q, Page::all()).await?;
            for r in rows {
                let status = r.status;
                let mut todo = Vec::new();
                match status {
                    SheetStatus::Submitted if office => todo.push("da esaminare".to_string()),
                    SheetStatus::Submitted => todo.push("in esame all'Ufficio di Piano".into()),
                    SheetStatus::Accepted => todo.push("niente: accettata".into()),
                    _ => {
                        if r.sector.is_none()
                            || r.kind.is_none()
                            || r.start_date.is_none()
                            || r.end_date.is_none()
                        {
                            todo.push("completare i dati generali".into());
                        }
                        if r.total_cents == 0 {
                            todo.push("indicare le linee di finanziamento".into());
                        }
                        if r.indicator_count == 0 {
                            todo.push("indicare gli indicatori".into());
                        }
                        todo.push("inviare all'Ufficio di Piano".into());
                    }
                }
                out.push(MySheet {
                    id: r.id,
                    year: plan.year,
                    status: status.label(),
                    todo: format::capitalise(&todo.join("; ")),
                    comment: r.review_comment.clone(),
                    code: r.code,
                    title: r.title,
                    unit: r.unit_name.unwrap_or_default(),
                });
            }
        }
    }
    Ok(render_page(&MySheetsPage {
        page: PageCtx::new(
            &ctx,
            if office {
                "Schede da esaminare"
            } else {
                "Le mie schede"
            },
        )
        .crumb("Pianificazione", "/pianificazione"),
        office,
        sheets: out,
    }))
}

// ------------------------------------------------------------------ roll-over

struct RolloverProgramme {
    title: String,
    objective: String,
    sheets: Vec<(i64, String, String, String)>,
}

#[derive(Template)]
#[template(path = "planning_rollover.html")]
struct RolloverPage {
    page: PageCtx,
    from_year: i64,
    to_year: i64,
    programmes: Vec<RolloverProgramme>,
    error: Option<String>,
}

/// The latest plan of the zone, which the next year starts from.
async fn latest_plan(state: &AppState, ctx: &Ctx) -> Result<AnnualPlanSummary, AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::Administer { zone_id })?;
    planning::annual_plans(&state.db, zone_id)
        .await?
        .into_iter()
        .max_by_key(|p| p.year)
        .ok_or_else(|| {
            AppError::BadRequest("La zona non ha ancora una programmazione da cui partire.".into())
        })
}

async fn rollover_page(
    state: &AppState,
    ctx: &Ctx,
    from: &AnnualPlanSummary,
    error: Option<String>,
) -> PageResult {
    let (rows, _) =
        sheets::list_sheets(&state.db, from.id, &SheetQuery::default(), Page::all()).await?;
    let mut programmes: Vec<RolloverProgramme> = Vec::new();
    for r in rows {
        if programmes.last().map(|p| &p.title) != Some(&r.programme) {
            programmes.push(RolloverProgramme {
                title: r.programme.clone(),
                objective: r.objective.clone(),
                sheets: Vec::new(),
            });
        }
        let total = r.total().to_string();
        if let Some(p) = programmes.last_mut() {
            p.sheets.push((r.id, r.code, r.title, total));
        }
    }
    let to_year = from.year + 1;
    let mut r = render_page(&RolloverPage {
        page: PageCtx::new(ctx, format!("Apertura del POA {to_year}"))
            .crumb("Pianificazione", "/pianificazione"),
        from_year: from.year,
        to_year,
        programmes,
        error: error.clone(),
    });
    if error.is_some() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn rollover_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let from = latest_plan(&state, &ctx).await?;
    rollover_page(&state, &ctx, &from, None).await
}

async fn rollover(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let from = latest_plan(&state, &ctx).await?;
    let mut continuing = Vec::new();
    for (k, v) in &pairs {
        if k == "continua" {
            let id = v
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest("Scheda non valida.".into()))?;
            continuing.push(id);
        }
    }
    let to_year = from.year + 1;
    match sheets::roll_over(&state.db, &ctx.actor(), from.id, to_year, &continuing).await {
        Ok(_) => Ok(with_flash(
            Redirect::to(&format!("/pianificazione/poa/{to_year}/confronto")),
            FlashKind::Success,
            &format!(
                "POA {to_year} aperto: {} schede proseguono dal {}, da compilare.",
                continuing.len(),
                from.year
            ),
        )),
        Err(StoreError::Duplicate { .. }) => {
            rollover_page(
                &state,
                &ctx,
                &from,
                Some(format!("Il POA {to_year} esiste già.")),
            )
            .await
        }
        Err(StoreError::Refused(m)) => rollover_page(&state, &ctx, &from, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "planning_compare.html")]
struct ComparePage {
    page: PageCtx,
    year: i64,
    previous_year: i64,
    diff: Option<zona_core::planning::PlanDiff>,
    delta: String,
}

impl ComparePage {
    fn money(&self, c: &Cents) -> String {
        c.to_string()
    }
    fn change(&self, old: &Cents, new: &Cents) -> String {
        let d = Cents(new.0 - old.0);
        if d.0 > 0 {
            format!("+{d}")
        } else {
            d.to_string()
        }
    }
}

async fn compare(State(state): State<AppState>, ctx: Ctx, Path(year): Path<i64>) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let previous = planning::annual_plan_id(&state.db, zone_id, year - 1).await?;
    let diff = match previous {
        None => None,
        Some(prev) => {
            let (old, old_p) = sheets::lineage(&state.db, prev).await?;
            let (new, new_p) = sheets::lineage(&state.db, summary.id).await?;
            Some(zona_core::planning::plan_diff(&old, &new, &old_p, &new_p))
        }
    };
    let delta = diff
        .as_ref()
        .map(|d| {
            let c = Cents(d.new_total.0 - d.old_total.0);
            if c.0 > 0 {
                format!("+{c}")
            } else {
                c.to_string()
            }
        })
        .unwrap_or_default();
    Ok(render_page(&ComparePage {
        page: plan_crumbs(
            &ctx,
            format!("POA {year} a confronto con il {}", year - 1),
            year,
        ),
        year,
        previous_year: year - 1,
        diff,
        delta,
    }))
}
