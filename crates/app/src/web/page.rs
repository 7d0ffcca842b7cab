//! What every page's layout needs: title, zone, user, navigation, CSRF token,
//! flash, breadcrumbs.

use super::ctx::{Ctx, Flash};
use super::AppError;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use zona_core::authz::Action;

#[derive(Clone, Debug)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

#[derive(Clone, Debug)]
pub struct PageCtx {
    pub title: String,
    pub zone_name: String,
    pub region_name: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    /// Unread notifications of the signed-in person.
    pub unread: i64,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub crumbs: Vec<(String, String)>,
    /// A regional reader's zones, (code, name, the one open now).
    pub zone_choices: Vec<(String, String, bool)>,
}

/// The main menu for the person asking: the areas they may open, the one
/// the page is in marked active. Who does not read the zone's internal
/// pages (the public, a Third Sector body) gets each area's public pages.
fn navigation(ctx: &Ctx) -> Vec<NavItem> {
    let path = ctx.path.as_str();
    let item = |label, href, prefixes: &[&str]| NavItem {
        label,
        href,
        active: prefixes.iter().any(|p| {
            if *p == "/" {
                path == "/"
            } else {
                path == *p || path.starts_with(&format!("{p}/"))
            }
        }),
    };
    let zone_id = ctx.zone_id().unwrap_or(-1);
    let internal = ctx.allows(Action::ReadInternal { zone_id });
    let mut nav = vec![
        item("Home", "/", &["/"]),
        item("La zona", "/zona", &["/zona"]),
    ];
    if internal {
        nav.push(item(
            "Pianificazione",
            "/pianificazione",
            &["/pianificazione"],
        ));
        nav.push(item(
            "Partecipazione",
            "/partecipazione",
            &["/partecipazione"],
        ));
        nav.push(item("Servizi", "/servizi", &["/servizi"]));
        nav.push(item(
            "Obiettivi di servizio",
            "/obiettivi-servizio",
            &["/obiettivi-servizio"],
        ));
    } else {
        nav.push(item("Piani", "/piani", &["/piani", "/profilo-di-salute"]));
        nav.push(item(
            "Partecipazione",
            "/partecipa",
            &[
                "/partecipa",
                "/co-progettazione",
                "/partecipazione/co-programmazione",
            ],
        ));
        nav.push(item("Servizi", "/strutture", &["/strutture", "/progetti"]));
    }
    if ctx.allows(Action::ReadAdministration { zone_id }) {
        nav.push(item("Amministrazione", "/admin", &["/admin"]));
    }
    if ctx
        .principal
        .as_ref()
        .is_some_and(|p| !p.organisation_ids().is_empty())
    {
        nav.push(item("Il mio ente", "/ente", &["/ente"]));
    }
    nav
}

impl PageCtx {
    pub fn new(ctx: &Ctx, title: impl Into<String>) -> PageCtx {
        let nav = navigation(ctx);
        PageCtx {
            title: title.into(),
            zone_name: ctx
                .zone
                .as_ref()
                .map(|z| z.name.clone())
                .unwrap_or_else(|| "zona".into()),
            region_name: ctx
                .zone
                .as_ref()
                .map(|z| z.region_name.clone())
                .unwrap_or_default(),
            user_name: ctx.principal.as_ref().map(|p| p.full_name.clone()),
            user_roles: ctx
                .principal
                .as_ref()
                .map(|p| {
                    p.roles()
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            unread: ctx.unread,
            zone_choices: ctx
                .zone_choices
                .iter()
                .map(|(code, name)| {
                    let open = ctx.zone.as_ref().is_some_and(|z| &z.code == code);
                    (code.clone(), name.clone(), open)
                })
                .collect(),
            nav,
            csrf: ctx.csrf.clone(),
            flash: ctx.flash.clone(),
            crumbs: Vec::new(),
        }
    }

    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.crumbs.push((label.into(), href.into()));
        self
    }
}

/// Renders a template into an HTML response; a template error is a 500.
pub fn render_page<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template error: {e}");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "Errore interno",
            )
                .into_response()
        }
    }
}

/// A response with another status: a form shown again with its errors (422)
/// or with a conflict (409).
pub fn with_status(status: axum::http::StatusCode, mut r: Response) -> Response {
    // A template that failed to render keeps its 500.
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

/// A page with a form: 422 when it shows a refused submission with its
/// errors, 200 otherwise.
pub fn form_page<T: Template>(refused: bool, t: &T) -> Response {
    let status = if refused {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    with_status(status, render_page(t))
}

pub type PageResult = Result<Response, AppError>;
