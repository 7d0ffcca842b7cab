//! The approval of a plan by the mayors' conference, and each referent's
//! own sheets.

use super::*;
use serde::{Deserialize, Serialize};

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

/// The approval form as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct ApprovalForm {
    issuer: String,
    number: String,
    date: String,
    description: String,
}

impl ApprovalForm {
    fn parse(&self) -> Result<usecase::ApprovalAct, FieldErrors> {
        let mut e = FieldErrors::new();
        let issuer = e.check("issuer", required_text(&self.issuer, 200));
        let number = e.check("number", required_text(&self.number, 50));
        let date = match self.date.trim() {
            "" => {
                e.add("date", "Indicare la data dell'atto.");
                None
            }
            s => e.check("date", format::parse_date(s)),
        };
        let description = e.check("description", optional_text(&self.description, 2000));
        match (issuer, number, date, description) {
            (Some(issuer), Some(number), Some(date), Some(description)) if e.is_empty() => {
                Ok(usecase::ApprovalAct {
                    issuer,
                    number,
                    date,
                    description,
                })
            }
            _ => Err(e),
        }
    }
}

fn approve_page(
    ctx: &Ctx,
    year: i64,
    form: &ApprovalForm,
    blocked: Option<String>,
    errors: FieldErrors,
) -> ApprovePage {
    let n = errors.len();
    ApprovePage {
        page: plan_crumbs(ctx, format!("Approvazione del POA {year}"), year),
        year,
        blocked,
        issuer: form.issuer.clone(),
        number: form.number.clone(),
        date: form.date.clone(),
        description: form.description.clone(),
        errors_summary: (n > 0).then(|| {
            let fields = if n == 1 { "campo" } else { "campi" };
            format!("L'approvazione non è stata registrata: {n} {fields} da correggere.")
        }),
        errors,
    }
}

pub(super) async fn approve_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
    let plan = usecase::open_for_approval(&state.db, &ctx.caller(), year).await?;
    let form = ApprovalForm {
        issuer: "Conferenza Zonale dei Sindaci Integrata".into(),
        ..Default::default()
    };
    let blocked = usecase::approval_block(&state.db, plan.id).await?;
    let page = approve_page(&ctx, year, &form, blocked, FieldErrors::new());
    Ok(render_page(&page))
}

pub(super) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(form): Form<ApprovalForm>,
) -> PageResult {
    let caller = ctx.caller();
    let (blocked, errors) = match usecase::approve(&state.db, &caller, year, form.parse()).await {
        Ok(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/pianificazione/poa/{year}")),
                FlashKind::Success,
                &format!("Programmazione Operativa Annuale {year} approvata: da ora è in sola lettura; le modifiche si registrano come variazioni."),
            ))
        }
        Err(Error::Refused(m)) => (Some(m), FieldErrors::new()),
        Err(Error::Invalid(e)) => {
            let plan = usecase::open_plan(&state.db, &caller, year).await?;
            (usecase::approval_block(&state.db, plan.id).await?, e)
        }
        Err(e) => return Err(e.into()),
    };
    let page = approve_page(&ctx, year, &form, blocked, errors);
    Ok(crate::web::page::form_page(true, &page))
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

/// What is left to do on a sheet, for its editor or for the office.
fn to_do(r: &SheetSummary, office: bool) -> Vec<&'static str> {
    match r.status {
        SheetStatus::Submitted if office => vec!["da esaminare"],
        SheetStatus::Submitted => vec!["in esame all'Ufficio di Piano"],
        SheetStatus::Accepted => vec!["niente: accettata"],
        SheetStatus::ToFill | SheetStatus::Returned => {
            let general = [r.sector.is_none(), r.kind.is_none()]
                .into_iter()
                .chain([r.start_date.is_none(), r.end_date.is_none()])
                .any(|missing| missing);
            let mut todo = Vec::new();
            if general {
                todo.push("completare i dati generali");
            }
            if r.total_cents == 0 {
                todo.push("indicare le linee di finanziamento");
            }
            if r.indicator_count == 0 {
                todo.push("indicare gli indicatori");
            }
            todo.push("inviare all'Ufficio di Piano");
            todo
        }
    }
}

/// A unit editor's sheets in the open plans, with what is missing; for the
/// planning office, the sheets waiting for its review.
pub(super) async fn my_sheets(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let office = ctx.allows(Action::Administer { zone_id });
    let out = crate::usecase::planning::work_sheets(&state.db, &ctx.caller())
        .await?
        .into_iter()
        .map(|(year, r)| MySheet {
            id: r.id,
            year,
            status: r.status.label(),
            todo: format::capitalise(&to_do(&r, office).join("; ")),
            comment: r.review_comment.clone(),
            code: r.code,
            title: r.title,
            unit: r.unit_name.unwrap_or_default(),
        })
        .collect();
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
