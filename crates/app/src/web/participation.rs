//! The participation area: the entry page to co-programming, meetings, the
//! co-design registry and the Third Sector bodies of the zone.

use super::common::{require, zone_of};
use super::ctx::Ctx;
use super::page::{render_page, PageCtx, PageResult};
use super::AppState;
use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use zona_core::authz::Action;
use zona_store::codesign::{self as store, AgreementQuery};
use zona_store::organisations as orgs;
use zona_store::territory::ListQuery;
use zona_store::Page;

pub fn routes() -> Router<AppState> {
    Router::new().route("/partecipazione", get(index))
}

#[derive(Template)]
#[template(path = "participation_index.html")]
struct IndexPage {
    page: PageCtx,
    /// Counts with their nouns: "1 procedimento", "2 procedimenti".
    agreements: String,
    ongoing: String,
    with_warnings: usize,
    bodies: String,
    administration: bool,
    procedures: String,
    meetings: String,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_agreements(&state.db, zone_id, &AgreementQuery::default()).await?;
    let today = state.today();
    let count = |n: usize, one, many| zona_core::format::count(n as i64, one, many);
    let q = ListQuery {
        zone_id: Some(zone_id),
        kind: Some("third_sector_body".into()),
        active: Some(true),
        ..Default::default()
    };
    let (_, bodies) = orgs::list_organisations(&state.db, &q, Page::new(1, 1)).await?;
    Ok(render_page(&IndexPage {
        page: PageCtx::new(&ctx, "Partecipazione"),
        agreements: count(all.len(), "procedura", "procedure"),
        ongoing: count(
            all.iter()
                .filter(|a| a.status() == zona_core::codesign::AgreementStatus::Ongoing)
                .count(),
            "in corso",
            "in corso",
        ),
        with_warnings: all
            .iter()
            .filter(|a| !crate::codesign::warnings(a, today).is_empty())
            .count(),
        bodies: zona_core::format::count(bodies, "ente attivo", "enti attivi"),
        administration: ctx.allows(Action::ReadAdministration { zone_id }),
        procedures: count(
            zona_store::participation::procedures(&state.db, zone_id)
                .await?
                .len(),
            "procedimento",
            "procedimenti",
        ),
        meetings: count(
            zona_store::participation::meetings(&state.db, zone_id, None, false)
                .await?
                .len(),
            "incontro registrato",
            "incontri registrati",
        ),
    }))
}
