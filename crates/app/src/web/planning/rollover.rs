//! The roll-over of a plan to the next year, and the comparison of two
//! years.

use super::*;

// ------------------------------------------------------------------ roll-over

pub(super) struct RolloverProgramme {
    title: String,
    objective: String,
    sheets: Vec<(i64, String, String, String)>,
}

#[derive(Template)]
#[template(path = "planning_rollover.html")]
pub(super) struct RolloverPage {
    page: PageCtx,
    from_year: i64,
    to_year: i64,
    programmes: Vec<RolloverProgramme>,
    error: Option<String>,
}

/// The latest plan of the zone, which the next year starts from.
pub(super) async fn latest_plan(
    state: &AppState,
    ctx: &Ctx,
) -> Result<AnnualPlanSummary, AppError> {
    Ok(usecase::latest_plan(&state.db, &ctx.caller()).await?)
}

pub(super) async fn rollover_page(
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

pub(super) async fn rollover_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let from = latest_plan(&state, &ctx).await?;
    rollover_page(&state, &ctx, &from, None).await
}

/// The sheets ticked to carry over (`continuing`, once per box).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct RolloverForm {
    continuing: Vec<String>,
}

pub(super) async fn rollover(
    State(state): State<AppState>,
    ctx: Ctx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<RolloverForm>,
) -> PageResult {
    let continuing = form
        .continuing
        .iter()
        .map(|v| v.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| AppError::BadRequest("Scheda non valida.".into()))?;
    match usecase::roll_over(&state.db, &ctx.caller(), &continuing).await {
        Ok((from_year, to_year)) => Ok(with_flash(
            Redirect::to(&format!("/pianificazione/poa/{to_year}/confronto")),
            FlashKind::Success,
            &format!(
                "POA {to_year} aperto: {} schede proseguono dal {from_year}, da compilare.",
                continuing.len(),
            ),
        )),
        Err(Error::Refused(m)) => {
            let from = latest_plan(&state, &ctx).await?;
            rollover_page(&state, &ctx, &from, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "planning_compare.html")]
pub(super) struct ComparePage {
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

pub(super) async fn compare(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
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
