//! Administration: the territory frame, organisations, units, users and roles,
//! the audit log. Every handler checks its action with `require` first.

mod audit_log;
mod crud;
mod municipalities;
mod organisations;
pub use organisations::{
    contact_fields as organisation_contact_fields, parse_contacts as parse_organisation_contacts,
};
mod regions;
mod units;
mod users;
mod vocabularies;
mod zones;

use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::{self, Field, FormValues, Saved};
// The use cases of administration, which every page here calls.
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::lists::{Filters, ListName};
use crate::usecase::admin;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
// The submodules take the shared page helpers from here (`use super::*`).
use super::common::*;
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::territory;
use zona_store::Page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .merge(super::export::routes())
        .merge(regions::routes())
        .merge(zones::routes())
        .merge(municipalities::routes())
        .merge(organisations::routes())
        .merge(units::routes())
        .merge(users::routes())
        .merge(audit_log::routes())
        .merge(vocabularies::routes())
}

#[derive(Template)]
#[template(path = "admin_index.html")]
struct AdminIndex {
    page: PageCtx,
    cards: Vec<(&'static str, String, &'static str, String)>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadAdministration { zone_id })?;
    let mut cards = Vec::new();
    let describe = |l: ListName| match l {
        ListName::Regions => "Le regioni e i loro codici.",
        ListName::Zones => "Le zone distretto / ambiti territoriali sociali.",
        ListName::Municipalities => {
            "I comuni della zona, con codice ISTAT e popolazione residente per anno."
        }
        ListName::Organisations => {
            "Azienda sanitaria, comuni, enti del Terzo Settore e altri enti pubblici."
        }
        ListName::Units => "Unità funzionali dell'azienda sanitaria e servizi comunali.",
        ListName::Users => "Gli account delle persone e i loro ruoli.",
        ListName::AuditLog => "Chi ha modificato cosa, quando, con i valori prima e dopo.",
        ListName::Soc26 => "",
    };
    for l in ListName::ALL.iter().filter(|l| l.is_administration()) {
        if !ctx.allows(l.action(zone_id)) {
            continue;
        }
        let count = count(&state, &ctx, *l).await?;
        cards.push((
            l.title(),
            format!("/admin/{}", l.slug()),
            describe(*l),
            count,
        ));
    }
    cards.push((
        "Elenchi controllati",
        "/admin/elenchi".to_string(),
        "Settori, aree di intervento, fonti di finanziamento e gli altri elenchi delle schede attività.",
        format!("{} elenchi", zona_core::planning::Vocabulary::ALL.len()),
    ));
    Ok(render_page(&AdminIndex {
        page: PageCtx::new(&ctx, "Amministrazione"),
        cards,
    }))
}

async fn count(state: &AppState, ctx: &Ctx, l: ListName) -> Result<String, AppError> {
    let f = scoped(ctx, l, Filters::default());
    let one = Page::first(1);
    let db = &state.db;
    let n = match l {
        ListName::Regions => territory::list_regions(db, &f.list_query(), one).await?.1,
        ListName::Zones => territory::list_zones(db, &f.list_query(), one).await?.1,
        ListName::Municipalities => {
            territory::list_municipalities(db, &f.list_query(), one)
                .await?
                .1
        }
        ListName::Organisations => {
            zona_store::organisations::list_organisations(db, &f.list_query(), one)
                .await?
                .1
        }
        ListName::Units => {
            zona_store::organisations::list_units(db, &f.list_query(), one)
                .await?
                .1
        }
        ListName::Users => {
            zona_store::users::list_users(db, &f.user_query(), one)
                .await?
                .1
        }
        ListName::AuditLog => zona_store::audit::list(db, &f.audit_query(), one).await?.1,
        ListName::Soc26 => 0,
    };
    Ok(match n {
        1 => "1 elemento".to_string(),
        n => format!("{} elementi", zona_core::format::integer(n)),
    })
}
