//! The planning office's health profile: the themes of each year with
//! their critical issues and strengths, what answers each critical issue,
//! the indicators each line rests on, and the indicators' files.

use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::choice_id;
use super::page::{render_page, PageCtx, PageResult};
use super::views::ConfirmPage;
use super::{AppError, AppState};
use crate::usecase::profile::{self as usecase, Editor};
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::validation::FieldErrors;
use zona_store::profile::{AnswerTarget, Choice, IndicatorRecord, Line, Theme};

const HOME: &str = "/pianificazione/profilo";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(HOME, get(page))
        .route("/pianificazione/profilo/anni", post(new_year))
        .route("/pianificazione/profilo/indicatori", post(import))
        .route("/pianificazione/profilo/{year}/temi", post(add_theme))
        .route("/pianificazione/profilo/temi/{id}", post(edit_theme))
        .route(
            "/pianificazione/profilo/temi/{id}/elimina",
            get(confirm_delete_theme).post(delete_theme),
        )
        .route("/pianificazione/profilo/temi/{id}/voci", post(add_finding))
        .route("/pianificazione/profilo/voci/{id}", post(edit_finding))
        .route(
            "/pianificazione/profilo/voci/{id}/elimina",
            get(confirm_delete_finding).post(delete_finding),
        )
        .route(
            "/pianificazione/profilo/voci/{id}/risposte",
            post(add_answer),
        )
        .route(
            "/pianificazione/profilo/risposte/{id}/elimina",
            get(confirm_delete_answer).post(delete_answer),
        )
}

#[derive(Template)]
#[template(path = "profile_editor.html")]
struct EditorPage {
    page: PageCtx,
    years: Vec<i64>,
    year: Option<i64>,
    themes: Vec<Theme>,
    /// The indicators by theme, for the lines to rest on.
    indicators: Vec<(String, Vec<IndicatorRecord>)>,
    /// What may answer a critical issue, by plan.
    choices: Vec<(String, Vec<Choice>)>,
    office: bool,
    /// The region: it imports the indicators every zone reads.
    frame: bool,
    /// Why a file of indicators was refused: a heading, then one line per
    /// problem with its line and column.
    problems: Vec<String>,
}

impl EditorPage {
    fn is_year(&self, y: &i64) -> bool {
        self.year == Some(*y)
    }

    /// A theme's two columns: heading, whether they are critical issues,
    /// their lines.
    fn sections<'t>(&self, t: &'t Theme) -> [(&'static str, bool, &'t Vec<Line>); 2] {
        [
            ("Nodi critici", true, &t.critical),
            ("Aspetti positivi", false, &t.strengths),
        ]
    }

    fn rests_on(&self, line: &Line, code: &str) -> bool {
        line.indicators.iter().any(|(c, _)| c == code)
    }

    fn indicator_count(&self) -> String {
        let n: usize = self.indicators.iter().map(|(_, l)| l.len()).sum();
        zona_core::format::count(
            i64::try_from(n).unwrap_or(i64::MAX),
            "indicatore",
            "indicatori",
        )
    }
}

fn grouped<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<(String, Vec<T>)> {
    let mut out: Vec<(String, Vec<T>)> = Vec::new();
    for item in items {
        let k = key(&item);
        match out.iter_mut().find(|(g, _)| *g == k) {
            Some((_, list)) => list.push(item),
            None => out.push((k, vec![item])),
        }
    }
    out
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let year = match q.get("anno").map(String::as_str) {
        None | Some("") => None,
        Some(y) => Some(zona_core::number::read_whole(y).map_err(|_| AppError::NotFound)?),
    };
    editor(&state, &ctx, year, Vec::new()).await
}

/// The page of a year, with the problems of a refused file if any.
async fn editor(
    state: &AppState,
    ctx: &Ctx,
    year: Option<i64>,
    problems: Vec<String>,
) -> PageResult {
    let Editor {
        years,
        year,
        themes,
        indicators,
        choices,
        office,
        frame,
    } = usecase::editor(&state.db, &ctx.caller(), year).await?;
    let mut indicators = grouped(indicators, |d| d.theme.clone());
    indicators.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(render_page(&EditorPage {
        page: PageCtx::new(ctx, "Profilo di salute: temi e collegamenti")
            .crumb("Pianificazione", "/pianificazione"),
        problems,
        years,
        year,
        themes,
        indicators,
        choices: grouped(choices, |c| c.plan.clone()),
        office,
        frame,
    }))
}

/// Where a change of a year's profile returns, at its theme.
fn back(year: i64, anchor: &str) -> String {
    format!("{HOME}?anno={year}#{anchor}")
}

/// The outcome of a change: a message in the page it returns to. A refused
/// change says why; nothing else was written.
fn outcome<T>(
    result: Result<T, Error>,
    to: impl FnOnce(Option<&T>) -> String,
    done: impl FnOnce(&T) -> String,
    failed: &str,
) -> PageResult {
    match result {
        Ok(v) => Ok(with_flash(
            Redirect::to(&to(Some(&v))),
            FlashKind::Success,
            &done(&v),
        )),
        Err(Error::Invalid(e)) => {
            let m: Vec<String> = e.iter().map(|(_, m)| m.to_string()).collect();
            Ok(with_flash(
                Redirect::to(&to(None)),
                FlashKind::Danger,
                &format!("{failed} {}", m.join(" ")),
            ))
        }
        Err(Error::Refused(m)) => Ok(with_flash(
            Redirect::to(&to(None)),
            FlashKind::Danger,
            &format!("{failed} {m}"),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct YearForm {
    year: String,
    copy_from: String,
    name: String,
}

async fn new_year(State(state): State<AppState>, ctx: Ctx, Form(f): Form<YearForm>) -> PageResult {
    let mut errors = FieldErrors::new();
    let copy_from = choice_id(&f.copy_from, "copy_from", &mut errors);
    let r = if errors.is_empty() {
        usecase::new_year(&state.db, &ctx.caller(), &f.year, copy_from, &f.name).await
    } else {
        Err(Error::Invalid(errors))
    };
    outcome(
        r,
        |y| match y {
            Some(y) => format!("{HOME}?anno={y}"),
            None => format!("{HOME}#nuovo-anno"),
        },
        |y| format!("Profilo di salute {y} aperto."),
        "Anno non aperto.",
    )
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ThemeForm {
    name: String,
    position: String,
}

async fn add_theme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(f): Form<ThemeForm>,
) -> PageResult {
    let r = usecase::add_theme(&state.db, &ctx.caller(), year, &f.name).await;
    outcome(
        r,
        |_| back(year, "nuovo-tema"),
        |name| format!("Tema «{name}» aggiunto."),
        "Tema non aggiunto.",
    )
}

async fn edit_theme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ThemeForm>,
) -> PageResult {
    let caller = ctx.caller();
    let theme = usecase::theme_to_delete(&state.db, &caller, id).await?;
    let r = usecase::edit_theme(&state.db, &caller, id, &f.name, &f.position).await;
    outcome(
        r,
        |_| back(theme.year, &format!("tema-{id}")),
        |_| "Tema salvato.".to_string(),
        "Tema non salvato.",
    )
}

async fn confirm_delete_theme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let t = usecase::theme_to_delete(&state.db, &ctx.caller(), id).await?;
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Elimina il tema")
            .crumb("Pianificazione", "/pianificazione")
            .crumb("Profilo di salute", HOME),
        heading: format!("Elimina il tema «{}»", t.name),
        text: format!(
            "Il tema «{}» del profilo {} sarà eliminato con i suoi nodi critici e aspetti positivi, le loro risposte e i loro indicatori.",
            t.name, t.year
        ),
        action: format!("{HOME}/temi/{id}/elimina"),
        confirm_label: "Elimina il tema",
        cancel_href: back(t.year, &format!("tema-{id}")),
        destructive: true,
    }))
}

async fn delete_theme(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let t = usecase::delete_theme(&state.db, &ctx.caller(), id).await?;
    Ok(with_flash(
        Redirect::to(&format!("{HOME}?anno={}", t.year)),
        FlashKind::Success,
        &format!("Tema «{}» eliminato.", t.name),
    ))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct FindingForm {
    kind: String,
    text: String,
    indicator: Vec<String>,
}

async fn add_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<FindingForm>,
) -> PageResult {
    let caller = ctx.caller();
    let theme = usecase::theme_to_delete(&state.db, &caller, id).await?;
    let r = usecase::add_finding(&state.db, &caller, id, &f.kind, &f.text).await;
    outcome(
        r,
        |_| back(theme.year, &format!("tema-{id}")),
        |_| "Voce aggiunta.".to_string(),
        "Voce non aggiunta.",
    )
}

async fn edit_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum_extra::extract::Form(f): axum_extra::extract::Form<FindingForm>,
) -> PageResult {
    let caller = ctx.caller();
    let line = usecase::finding_to_delete(&state.db, &caller, id).await?;
    let r = usecase::edit_finding(&state.db, &caller, id, &f.text, &f.indicator).await;
    outcome(
        r,
        |_| back(line.year, &format!("voce-{id}")),
        |_| "Voce salvata.".to_string(),
        "Voce non salvata.",
    )
}

async fn confirm_delete_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let f = usecase::finding_to_delete(&state.db, &ctx.caller(), id).await?;
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Elimina la voce")
            .crumb("Pianificazione", "/pianificazione")
            .crumb("Profilo di salute", HOME),
        heading: format!("Elimina: {}", f.kind.label().to_lowercase()),
        text: format!(
            "«{}» ({}, profilo {}) sarà eliminato con le sue risposte e i suoi indicatori.",
            f.text, f.theme, f.year
        ),
        action: format!("{HOME}/voci/{id}/elimina"),
        confirm_label: "Elimina",
        cancel_href: back(f.year, &format!("voce-{id}")),
        destructive: true,
    }))
}

async fn delete_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let f = usecase::delete_finding(&state.db, &ctx.caller(), id).await?;
    Ok(with_flash(
        Redirect::to(&back(f.year, &format!("tema-{}", f.theme_id))),
        FlashKind::Success,
        &format!("«{}» eliminato.", f.text),
    ))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct AnswerForm {
    target: String,
    sheet: String,
    evidence: String,
}

async fn add_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let caller = ctx.caller();
    let line = usecase::finding_to_delete(&state.db, &caller, id).await?;
    // The list's value names the kind of record and its id.
    let mut errors = FieldErrors::new();
    let target = match f.target.split_once(':') {
        None if f.target.trim().is_empty() => None,
        Some(("obiettivo", n)) => choice_id(n, "target", &mut errors).map(AnswerTarget::Objective),
        Some(("programma", n)) => choice_id(n, "target", &mut errors).map(AnswerTarget::Programme),
        _ => {
            errors.add("target", "Valore non valido: scegliere dall'elenco.");
            None
        }
    };
    let r = if errors.is_empty() {
        usecase::add_answer(&state.db, &caller, id, target, &f.sheet, &f.evidence).await
    } else {
        Err(Error::Invalid(errors))
    };
    outcome(
        r,
        |_| back(line.year, &format!("voce-{id}")),
        |(_, what)| format!("Risposta collegata: «{what}»."),
        "Risposta non collegata.",
    )
}

async fn confirm_delete_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (a, f) = usecase::answer_to_delete(&state.db, &ctx.caller(), id).await?;
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Scollega la risposta")
            .crumb("Pianificazione", "/pianificazione")
            .crumb("Profilo di salute", HOME),
        heading: "Scollega la risposta".into(),
        text: format!(
            "«{}» ({}, {}) non risponderà più al nodo critico «{}». La scheda, il programma o l'obiettivo restano come sono.",
            a.what,
            a.kind_label(),
            a.plan_label(),
            f.text
        ),
        action: format!("{HOME}/risposte/{id}/elimina"),
        confirm_label: "Scollega",
        cancel_href: back(f.year, &format!("voce-{}", f.id)),
        destructive: true,
    }))
}

async fn delete_answer(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (a, f) = usecase::delete_answer(&state.db, &ctx.caller(), id).await?;
    Ok(with_flash(
        Redirect::to(&back(f.year, &format!("voce-{}", f.id))),
        FlashKind::Success,
        &format!("Risposta «{}» scollegata.", a.what),
    ))
}

/// The office or the region loads a file of indicators: definitions, or
/// values of its territories; all of it or nothing.
async fn import(State(state): State<AppState>, ctx: Ctx, multipart: Multipart) -> PageResult {
    let to = format!("{HOME}#indicatori");
    // Whose file it is matters before it is read.
    usecase::require_importer(&ctx.caller())?;
    let file = super::forms::Upload::read(multipart)
        .await?
        .non_empty_file();
    let refused = |m: &str| {
        Ok(with_flash(
            Redirect::to(&to),
            FlashKind::Danger,
            &format!("File non importato. {m}"),
        ))
    };
    let Some((name, bytes)) = file.map(|(n, b)| (n.to_lowercase(), b)) else {
        return refused("Scegliere un file CSV o Excel.");
    };
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") {
        return refused("Il file deve essere un CSV (.csv) o un foglio Excel (.xlsx).");
    }
    match usecase::import_by(&state.db, &ctx.caller(), &bytes, xlsx).await {
        Ok(done) => Ok(with_flash(
            Redirect::to(&to),
            FlashKind::Success,
            &format!("{}.", done.describe()),
        )),
        Err(Error::Refused(m)) => {
            editor(&state, &ctx, None, m.lines().map(str::to_string).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}
