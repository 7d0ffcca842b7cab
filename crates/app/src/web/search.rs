//! The search page for signed-in people (`usecase::search`).

use super::ctx::Ctx;
use super::page::{render_page, with_status, PageCtx, PageResult};
use super::AppState;
use crate::usecase::search::{self, Group};
use crate::usecase::Error;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cerca", get(page))
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: PageCtx,
    q: String,
    searched: bool,
    error: Option<String>,
    groups: Vec<Group>,
    summary: String,
    /// What the person can search in.
    scope: String,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let caller = ctx.caller();
    caller.zone()?;
    let q: String = params
        .get("q")
        .map(|s| s.chars().take(search::MAX_CHARS * 2).collect())
        .unwrap_or_default();
    let mut view = SearchPage {
        page: PageCtx::new(&ctx, "Cerca"),
        searched: false,
        error: None,
        groups: Vec::new(),
        summary: String::new(),
        q: q.clone(),
        scope: format!(
            "Nei nomi e nelle descrizioni di: {}.",
            search::scope(&caller).join(", ")
        ),
    };
    if !params.contains_key("q") {
        return Ok(render_page(&view));
    }
    match search::search(&state.db, &caller, &q).await {
        Ok(groups) => {
            let n: i64 = groups.iter().map(|g| g.total).sum();
            view.summary = format!(
                "{} per «{}».",
                zona_core::format::count(n, "risultato", "risultati"),
                q.trim()
            );
            view.page.title = format!("Cerca: {}", q.trim());
            view.searched = true;
            view.groups = groups;
            Ok(render_page(&view))
        }
        Err(Error::Invalid(e)) => {
            view.error = e.get("q").map(str::to_string);
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                render_page(&view),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
