//! What the pages share: the access checks every handler starts with, list
//! pages with their filters and pagination, the conflict view of a stale
//! save, and the deactivate / reactivate confirmation.

use super::ctx::Ctx;
use super::forms::{self, Field, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{CellView, ConfirmPage, Conflict, ListPage};
use super::{AppError, AppState};
use crate::lists::{Filters, ListName};
use axum::extract::Query;
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::Page;

/// Deny by default: anonymous visitors are sent to the login page, signed-in
/// users without the right get a 403.
pub fn require(ctx: &Ctx, action: Action) -> Result<(), AppError> {
    Ok(ctx.caller().require(action)?)
}

/// The zone the signed-in user administers; anonymous visitors have none.
pub fn zone_of(ctx: &Ctx) -> Result<i64, AppError> {
    Ok(ctx.caller().zone()?)
}

/// A record of another zone is, for this user, a record that does not exist.
pub fn same_zone(ctx: &Ctx, zone_id: i64) -> Result<(), AppError> {
    Ok(ctx.caller().same_zone(zone_id)?)
}

/// Restricts a list to the user's zone where the list is zone-bound; the
/// zones list (and its export) shows a planning office its own zone only.
pub fn scoped(ctx: &Ctx, l: ListName, mut f: Filters) -> Filters {
    if !matches!(l, ListName::Regions) {
        f.zone_id = ctx.zone_id();
    }
    f
}

/// Parses the filters of a list page, refusing malformed ones with a 400.
pub fn filters_of(
    ctx: &Ctx,
    l: ListName,
    q: &HashMap<String, String>,
) -> Result<Filters, AppError> {
    let f = Filters::from_query(q).map_err(AppError::BadRequest)?;
    Ok(scoped(ctx, l, f))
}

pub fn page_number(q: &HashMap<String, String>) -> Page {
    let n = q.get("pagina").and_then(|p| p.parse().ok()).unwrap_or(1);
    Page::new(n, Page::DEFAULT_SIZE)
}

/// The query string without `pagina` and `format`, as `k=v&` pairs.
fn query_prefix(q: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = q
        .iter()
        .filter(|(k, v)| k.as_str() != "pagina" && k.as_str() != "format" && !v.is_empty())
        .collect();
    pairs.sort();
    let s = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if s.is_empty() {
        s
    } else {
        format!("{s}&")
    }
}

pub struct ListSpec {
    pub list: ListName,
    pub intro: String,
    pub headers: Vec<&'static str>,
    pub filters: Vec<Field>,
    pub new_link: Option<(String, String)>,
    pub empty_message: &'static str,
}

/// The filter for active / deactivated records, offered on every list.
pub fn status_filter(q: &HashMap<String, String>) -> Field {
    Field::select(
        "stato",
        "Stato",
        vec![
            ("".into(), "Tutti".into()),
            ("attivi".into(), "Solo attivi".into()),
            ("disattivati".into(), "Solo disattivati".into()),
        ],
    )
    .bind(&q.clone().into_iter().collect(), &FieldErrors::new())
}

pub fn search_filter(q: &HashMap<String, String>, label: &'static str) -> Field {
    Field::text("q", label).bind(&q.clone().into_iter().collect(), &FieldErrors::new())
}

pub fn render_list(
    ctx: &Ctx,
    spec: ListSpec,
    q: &HashMap<String, String>,
    page: Page,
    total: i64,
    rows: Vec<Vec<CellView>>,
) -> PageResult {
    let base = format!("/admin/{}", spec.list.slug());
    let prefix = query_prefix(q);
    let pages = ((total + page.size - 1) / page.size).max(1);
    let href = |n: i64| format!("{base}?{prefix}pagina={n}");
    let first = page.offset() + 1;
    let last = (page.offset() + rows.len() as i64).min(total);
    let counter = match total {
        0 => "Nessun elemento trovato.".to_string(),
        1 => "1 elemento.".to_string(),
        n => format!(
            "{} elementi; mostrati da {} a {}.",
            zona_core::format::integer(n),
            zona_core::format::integer(first),
            zona_core::format::integer(last)
        ),
    };
    let view = ListPage {
        page: PageCtx::new(ctx, spec.list.title()).crumb("Amministrazione", "/admin"),
        heading: spec.list.title().to_string(),
        intro: spec.intro,
        base_path: base.clone(),
        new_link: spec.new_link,
        filters: spec.filters,
        headers: spec.headers,
        rows,
        counter,
        empty_message: spec.empty_message.to_string(),
        export_path: spec.list.export_path(),
        export_query: (total > 0).then_some(prefix.clone()),
        current: page.number,
        pages,
        prev_href: (page.number > 1).then(|| href(page.number - 1)),
        next_href: (page.number < pages).then(|| href(page.number + 1)),
    };
    Ok(render_page(&view))
}

pub fn yes_no(active: bool) -> Option<&'static str> {
    (!active).then_some("disattivato")
}

/// Turns a store error of a save into form errors, or passes it on.
/// The side-by-side view of a conflicting save: what the person typed and
/// what is now stored.
pub fn conflict_view(
    fields: &[Field],
    mine: &FormValues,
    theirs: &FormValues,
    by: String,
) -> Conflict {
    let show = |f: &Field, v: &str| -> String {
        if f.is_select() {
            f.options
                .iter()
                .find(|(k, _)| k == v)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| v.to_string())
        } else if v.is_empty() {
            "—".into()
        } else {
            v.to_string()
        }
    };
    let rows = fields
        .iter()
        .filter(|f| !f.is_hidden())
        .filter_map(|f| {
            let a = forms::value(mine, f.name);
            let b = forms::value(theirs, f.name);
            (a != b).then(|| (f.label.to_string(), show(f, a), show(f, b)))
        })
        .collect();
    Conflict { by, rows }
}

/// Who saved a record last, from the audit log.
pub async fn last_editor(state: &AppState, entity: &str, id: i64) -> String {
    let q = zona_store::audit::AuditQuery {
        entity: Some(entity.to_string()),
        entity_id: Some(id),
        ..Default::default()
    };
    match zona_store::audit::list(&state.db, &q, Page::first(1)).await {
        Ok((entries, _)) if !entries.is_empty() => format!(
            "l'utente «{}» (il {})",
            entries[0].actor,
            zona_core::format::datetime(entries[0].at)
        ),
        _ => "un altro utente".to_string(),
    }
}

pub struct ToggleSpec {
    pub active: bool,
    pub label: String,
    pub back: String,
}

/// The confirmation page before deactivating or reactivating.
pub fn confirm_toggle(ctx: &Ctx, t: &ToggleSpec) -> PageResult {
    let (heading, text, label, destructive) = if t.active {
        (
            format!("Disattivare {}?", t.label),
            format!(
                "{} non comparirà più tra le scelte disponibili e le persone collegate non potranno più usarlo. \
                 I dati storici restano consultabili e l'operazione si può annullare riattivandolo.",
                t.label
            ),
            "Sì, disattiva",
            true,
        )
    } else {
        (
            format!("Riattivare {}?", t.label),
            format!("{} tornerà disponibile.", t.label),
            "Sì, riattiva",
            false,
        )
    };
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(ctx, heading.clone()).crumb("Amministrazione", "/admin"),
        heading,
        text,
        action: format!("{}/stato", t.back),
        confirm_label: label,
        cancel_href: t.back.clone(),
        destructive,
    }))
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub type QueryMap = Query<HashMap<String, String>>;

/// A list's filters as a query string for its links (page and export
/// links), in a stable order, without the page and the format.
pub fn query_string(q: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = q
        .iter()
        .filter(|(k, v)| k.as_str() != "pagina" && k.as_str() != "format" && !v.is_empty())
        .collect();
    pairs.sort();
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}
