//! The audit log, read-only: browse, filter, open one entry with the values
//! before and after.

use super::super::views::CellView;
use super::*;
use axum::extract::Path;
use zona_store::audit::{self, action, entity};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/registro", get(list))
        .route("/admin/registro/{id}", get(detail))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::AuditLog;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = audit::list(&state.db, &f.audit_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|e| {
            vec![
                CellView::link(
                    zona_core::format::datetime(e.at),
                    format!("/admin/registro/{}", e.id),
                ),
                CellView::text(e.actor),
                CellView::text(action::label(&e.action)),
                CellView::text(entity::label(&e.entity)),
                CellView::text(e.summary),
            ]
        })
        .collect();
    let values: FormValues = q.clone().into_iter().collect();
    let no = FieldErrors::new();
    let mut actions = vec![(String::new(), "Tutte le azioni".to_string())];
    actions.extend(
        action::ALL
            .iter()
            .map(|a| (a.to_string(), action::label(a).to_string())),
    );
    let mut entities = vec![(String::new(), "Tutti gli oggetti".to_string())];
    entities.extend(
        entity::ALL
            .iter()
            .map(|a| (a.to_string(), entity::label(a).to_string())),
    );
    let spec = ListSpec {
        list: l,
        intro: "Ogni modifica, accesso e tentativo di accesso, con chi l'ha fatto e quando. Il registro non si può modificare.".into(),
        headers: vec!["Data e ora", "Utente", "Azione", "Oggetto", "Descrizione"],
        filters: vec![
            search_filter(&q, "Cerca nella descrizione"),
            Field::text("utente", "Nome utente").bind(&values, &no),
            Field::select("azione", "Azione", actions).bind(&values, &no),
            Field::select("oggetto", "Oggetto", entities).bind(&values, &no),
            Field::new("dal", "Dal", forms::FieldKind::Date).bind(&values, &no),
            Field::new("al", "Al (compreso)", forms::FieldKind::Date).bind(&values, &no),
        ],
        new_link: None,
        empty_message: "Nessuna voce del registro corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}

#[derive(Template)]
#[template(path = "audit_detail.html")]
struct Detail {
    page: PageCtx,
    when: String,
    actor: String,
    action: &'static str,
    entity: &'static str,
    entity_id: String,
    summary: String,
    ip: String,
    changes: Vec<(String, String, String)>,
    before: String,
    after: String,
}

fn pretty(s: &Option<String>) -> String {
    s.as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadAudit { zone_id })?;
    let e = audit::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    // Entries of other zones do not exist for this office; zone-less ones
    // (logins) are visible when they concern one of its users, as in the list.
    match (e.zone_id, e.actor_id) {
        (Some(z), _) => same_zone(&ctx, z)?,
        (None, Some(uid)) => {
            let u = zona_store::users::get_user(&state.db, uid)
                .await?
                .ok_or(AppError::NotFound)?;
            same_zone(&ctx, u.zone_id)?;
        }
        (None, None) => {}
    }
    let title = format!("Voce n. {} del registro", e.id);
    let names = crate::audit_view::names_of_zone(&state.db, zone_id).await?;
    let actor = match e.actor_id {
        Some(uid) => zona_store::users::get_user(&state.db, uid)
            .await?
            .map(|u| format!("{} ({})", u.full_name, e.actor)),
        None => None,
    }
    .unwrap_or_else(|| e.actor.clone());
    Ok(render_page(&Detail {
        page: PageCtx::new(&ctx, title)
            .crumb("Amministrazione", "/admin")
            .crumb("Registro delle modifiche", "/admin/registro"),
        when: zona_core::format::datetime(e.at),
        actor,
        action: action::label(&e.action),
        entity: entity::label(&e.entity),
        entity_id: e
            .entity_id
            .map(|i| i.to_string())
            .unwrap_or_else(|| "—".into()),
        summary: e.summary.clone(),
        ip: e.ip.clone().unwrap_or_else(|| "—".into()),
        changes: zona_core::audit::changes(
            e.before_json.as_deref(),
            e.after_json.as_deref(),
            &names,
        ),
        before: pretty(&e.before_json),
        after: pretty(&e.after_json),
    }))
}
