//! The POA's sheet list with its filters and exports, the workbook, the
//! document and the integrated budget.

use super::*;

// ------------------------------------------------------------------ sheet list

/// The list's filters from the query string; a malformed one is a 400.
pub(super) fn sheet_query(q: &HashMap<String, String>) -> Result<SheetQuery, AppError> {
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

pub(super) struct Filter {
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    value: String,
}

pub(super) struct SheetRowView {
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
pub(super) struct SheetListPage {
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

pub(super) async fn filter_choices(
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

pub(super) async fn sheet_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, summary) = plan_of(&state, &ctx, year).await?;
    let sq = sheet_query(&q)?;
    let page = crate::web::common::page_number(&q);
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

pub(super) fn export_format(q: &HashMap<String, String>) -> Result<ExportFormat, AppError> {
    q.get("format")
        .and_then(|f| ExportFormat::parse(f))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Formato di esportazione non valido: scegliere CSV, Excel o JSON.".into(),
            )
        })
}

pub(super) async fn poa_data(
    state: &AppState,
    zone_id: i64,
    year: i64,
) -> Result<PoaData, AppError> {
    PoaData::load(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)
}

/// The day in an export's file name: the Italian civil date.
pub(super) fn today() -> time::Date {
    crate::Clock::system().today()
}

pub(super) async fn sheet_export(
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

pub(super) async fn workbook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
    let (zone_id, _) = plan_of(&state, &ctx, year).await?;
    let data = poa_data(&state, zone_id, year).await?;
    let bytes = poa::workbook(&state.db, &data).await?;
    download(
        bytes,
        ExportFormat::Xlsx.content_type(),
        &format!("attachment; filename=\"poa-{year}-{}.xlsx\"", today()),
    )
}

pub(super) async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
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

pub(super) struct BudgetRowView {
    label: String,
    amounts: Vec<String>,
    total: String,
}

#[derive(Template)]
#[template(path = "planning_budget.html")]
pub(super) struct BudgetPage {
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
    /// The rows' totals as a bar chart (SVG); the table is its text.
    chart: String,
    /// The sheets that run over several years, with this year's share.
    multi_year: Vec<crate::poa::MultiYear>,
    /// What the multi-year sheets count in other years.
    other_years: String,
}

pub(super) fn axis_of(q: &HashMap<String, String>) -> Result<BudgetAxis, AppError> {
    match q.get("per").map(String::as_str) {
        None | Some("") => Ok(BudgetAxis::Programme),
        Some(c) => BudgetAxis::from_code(c)
            .ok_or_else(|| AppError::BadRequest("Raggruppamento non valido.".into())),
    }
}

pub(super) async fn budget(
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
    let multi_year = data.multi_year();
    let other_years: Cents = multi_year
        .iter()
        .map(|m| Cents(m.whole.0 - m.share.0))
        .sum();
    let chart = zona_reports::charts::grouped_bars(
        "budget-chart",
        &format!("Risorse del POA {year} per {}", axis.label().to_lowercase()),
        "Totale di ogni riga della tabella precedente, in euro arrotondati all'unità.",
        &b.rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        &[zona_reports::charts::Series {
            label: "Totale (euro)",
            colour: "#0066cc",
            values: b
                .rows
                .iter()
                .map(|r| u64::try_from((r.2 .0 + 50) / 100).unwrap_or(0))
                .collect(),
        }],
    );
    Ok(render_page(&BudgetPage {
        chart,
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
        matches: check == Cents(b.total.0 + other_years.0),
        check: check.to_string(),
        other_years: other_years.to_string(),
        multi_year,
    }))
}

pub(super) async fn budget_export(
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
