//! The approval of a plan by the mayors' conference, and each referent's
//! own sheets.

use super::*;

// ------------------------------------------------------------------ approval

#[derive(Template)]
#[template(path = "planning_approve.html")]
pub(super) struct ApprovePage {
    page: PageCtx,
    year: i64,
    blocked: Option<String>,
    issuer: String,
    number: String,
    date: String,
    description: String,
    errors: FieldErrors,
    errors_summary: Option<String>,
}

pub(super) async fn office_plan(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<AnnualPlanSummary, AppError> {
    let (zone_id, summary) = plan_of(state, ctx, year).await?;
    require(ctx, Action::Administer { zone_id })?;
    if summary.status == PlanStatus::Approved {
        return Err(AppError::BadRequest(format!(
            "La Programmazione Operativa Annuale {year} è già approvata."
        )));
    }
    Ok(summary)
}

pub(super) async fn approval_block(
    state: &AppState,
    plan_id: i64,
) -> Result<Option<String>, AppError> {
    let statuses: Vec<SheetStatus> = sheets::status_counts(&state.db, plan_id)
        .await?
        .into_iter()
        .flat_map(|(s, n)| std::iter::repeat_n(s, n as usize))
        .collect();
    Ok(can_approve(&statuses).err())
}

pub(super) async fn approve_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
    let summary = office_plan(&state, &ctx, year).await?;
    Ok(render_page(&ApprovePage {
        page: plan_crumbs(&ctx, format!("Approvazione del POA {year}"), year),
        year,
        blocked: approval_block(&state, summary.id).await?,
        issuer: "Conferenza Zonale dei Sindaci Integrata".into(),
        number: String::new(),
        date: String::new(),
        description: String::new(),
        errors: FieldErrors::new(),
        errors_summary: None,
    }))
}

pub(super) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> PageResult {
    let summary = office_plan(&state, &ctx, year).await?;
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut errors = FieldErrors::new();
    let issuer = errors.check("issuer", required_text(&get("issuer"), 200));
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
            issuer: get("issuer"),
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
    let (Some(issuer), Some(number), Some(act_date), None) = (issuer, number, date, &blocked)
    else {
        let mut r = render_page(&page(errors, blocked));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    let act = ActInput {
        kind: ActKind::Approval,
        issuer,
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

pub(super) struct MySheet {
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
pub(super) struct MySheetsPage {
    page: PageCtx,
    office: bool,
    sheets: Vec<MySheet>,
}

/// A unit editor's sheets in the open plans, with what is missing; for the
/// planning office, the sheets waiting for its review.
pub(super) async fn my_sheets(State(state): State<AppState>, ctx: Ctx) -> PageResult {
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
        if plan.status != PlanStatus::Open {
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
