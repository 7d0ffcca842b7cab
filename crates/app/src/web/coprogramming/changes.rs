//! The changes to a procedure: each handler reads its form, calls the use
//! case and answers with the procedure's page, or the form again with its
//! errors.

use super::detail::detail_page;
use super::input::{
    ActForm, ApplicationForm, ApproveReportForm, ContributionForm, DecisionForm, NoticeForm,
    ReportForm,
};
use super::items::{application_form, contribution_form};
use super::{answer, usecase, Answer, PageResult};
use crate::usecase::coprogramming::NoticeSaved;
use axum::extract::{Path, State};
use axum::Form;
use zona_core::coprogramming::NoticeSave;

use super::super::ctx::Ctx;
use super::super::forms::{values_of, version_of};
use super::super::AppState;

pub async fn save_act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::record_act(&state.db, &ctx.caller(), id, version, form.parse()).await;
    match answer(id, "atto", outcome, |()| "Atto di avvio registrato.".into())? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            detail_page(&state, &ctx, id, Some(("atto", &values_of(&form), &e))).await
        }
    }
}

fn notice_saved(done: NoticeSaved) -> String {
    let msg = match done.save {
        NoticeSave::Publication { .. } => {
            "Avviso pubblicato: è visibile nelle pagine pubbliche.".to_string()
        }
        NoticeSave::Amendment { changes } => format!(
            "Rettifica dell'avviso registrata ({}): il motivo è pubblicato accanto all'avviso.",
            changes.join(", ")
        ),
    };
    match done.deadline.explanation() {
        Some(x) => format!("{msg} {x}"),
        None => msg,
    }
}

pub async fn publish_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<NoticeForm>,
) -> PageResult {
    let outcome = usecase::save_notice(
        &state.db,
        &ctx.caller(),
        id,
        version_of(&form.version),
        form.parse(),
        form.reason.trim(),
        state.today(),
    )
    .await;
    match answer(id, "avviso", outcome, notice_saved)? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            detail_page(&state, &ctx, id, Some(("avviso", &values_of(&form), &e))).await
        }
    }
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ApplicationForm>,
) -> PageResult {
    let outcome = usecase::apply(
        &state.db,
        &ctx.caller(),
        id,
        form.parse(true),
        state.today(),
    )
    .await;
    let saved = |_| "Domanda di partecipazione presentata.".into();
    match answer(id, "domande", outcome, saved)? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            detail_page(&state, &ctx, id, Some(("domanda", &values_of(&form), &e))).await
        }
    }
}

pub async fn update_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app)): Path<(i64, i64)>,
    Form(form): Form<ApplicationForm>,
) -> PageResult {
    let outcome = usecase::update_application(
        &state.db,
        &ctx.caller(),
        (id, app),
        form.version(),
        form.parse(false),
        state.today(),
    )
    .await;
    match answer(id, "domande", outcome, |()| "Domanda aggiornata.".into())? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            let v = values_of(&form);
            application_form(&state, &ctx, (id, app), Some(("domanda", &v, &e))).await
        }
    }
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app)): Path<(i64, i64)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    let outcome = usecase::decide(
        &state.db,
        &ctx.caller(),
        (id, app),
        version_of(&form.version),
        form.parse(),
    )
    .await;
    match answer(id, "domande", outcome, |()| "Decisione registrata.".into())? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            let v = values_of(&form);
            application_form(&state, &ctx, (id, app), Some(("decisione", &v, &e))).await
        }
    }
}

pub async fn add_contribution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ContributionForm>,
) -> PageResult {
    let outcome =
        usecase::add_contribution(&state.db, &ctx.caller(), id, form.parse(), state.today()).await;
    match answer(id, "tavoli", outcome, |_| "Contributo registrato.".into())? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            let v = values_of(&form);
            detail_page(&state, &ctx, id, Some(("contributo", &v, &e))).await
        }
    }
}

pub async fn edit_contribution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, c)): Path<(i64, i64)>,
    Form(form): Form<ContributionForm>,
) -> PageResult {
    let outcome = usecase::edit_contribution(
        &state.db,
        &ctx.caller(),
        (id, c),
        form.version(),
        form.parse(),
        state.today(),
    )
    .await;
    match answer(id, "tavoli", outcome, |()| "Contributo aggiornato.".into())? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            contribution_form(&state, &ctx, (id, c), Some((&values_of(&form), &e))).await
        }
    }
}

pub async fn save_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ReportForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::save_report(&state.db, &ctx.caller(), id, version, form.parse()).await;
    let saved = |()| "Bozza della relazione salvata.".into();
    match answer(id, "relazione", outcome, saved)? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            detail_page(&state, &ctx, id, Some(("relazione", &values_of(&form), &e))).await
        }
    }
}

pub async fn approve_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ApproveReportForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::approve_report(
        &state.db,
        &ctx.caller(),
        (id, version),
        form.despite_gaps == "si",
        state.today(),
    )
    .await;
    let saved = |()| "Relazione conclusiva approvata: è pubblicata.".into();
    match answer(id, "relazione", outcome, saved)? {
        Answer::Done(r) => Ok(r),
        Answer::Again(e) => {
            detail_page(&state, &ctx, id, Some(("relazione", &values_of(&form), &e))).await
        }
    }
}
