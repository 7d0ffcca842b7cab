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
    /// An area that zona will cover but does not yet: shown, not linked.
    pub coming: bool,
}

#[derive(Clone, Debug)]
pub struct PageCtx {
    pub title: String,
    pub zone_name: String,
    pub region_name: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub crumbs: Vec<(String, String)>,
}

/// The main menu for the person asking: the areas they may open, the one
/// the page is in marked active.
fn navigation(ctx: &Ctx) -> Vec<NavItem> {
    let path = ctx.path.as_str();
    let mut nav = vec![NavItem {
        label: "Home",
        href: "/",
        active: path == "/",
        coming: false,
    }];
    nav.push(NavItem {
        label: "La zona",
        href: "/zona",
        active: path == "/zona",
        coming: false,
    });
    let zone_id = ctx.zone_id().unwrap_or(-1);
    let internal = ctx.allows(Action::ReadInternal { zone_id });
    nav.push(NavItem {
        label: "Pianificazione",
        href: "/pianificazione",
        active: path.starts_with("/pianificazione"),
        coming: !internal,
    });
    nav.push(NavItem {
        label: "Partecipazione",
        href: if internal {
            "/partecipazione"
        } else {
            "/co-progettazione"
        },
        active: path.starts_with("/partecipazione") || path.starts_with("/co-progettazione"),
        coming: false,
    });
    nav.push(NavItem {
        label: "Servizi",
        href: if internal { "/servizi" } else { "/strutture" },
        active: path.starts_with("/servizi") || path.starts_with("/strutture"),
        coming: false,
    });
    nav.push(NavItem {
        label: "Obiettivi di servizio",
        href: "/obiettivi-servizio",
        active: path.starts_with("/obiettivi-servizio"),
        coming: !ctx.allows(Action::ReadInternal { zone_id }),
    });
    if ctx.allows(Action::ReadAdministration { zone_id }) {
        nav.push(NavItem {
            label: "Amministrazione",
            href: "/admin",
            active: path.starts_with("/admin"),
            coming: false,
        });
    }
    if let Some(p) = &ctx.principal {
        if !p.organisation_ids().is_empty() {
            nav.push(NavItem {
                label: "Il mio ente",
                href: "/ente",
                active: path.starts_with("/ente"),
                coming: false,
            });
        }
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
