//! One export handler for every list: `/admin/{list}/export?format=csv|xlsx|json`
//! with the same filters as the page.

use super::common::{filters_of, require, zone_of};
use super::ctx::Ctx;
use super::{AppError, AppState};
use crate::lists::{self, ListName};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use zona_reports::ExportFormat;

/// The export route of every list, `/admin/{slug}/export`.
pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for &list in ListName::ALL {
        r = r.route(
            &list.export_path(),
            get(
                move |s: State<AppState>, c: Ctx, q: Query<HashMap<String, String>>| {
                    export(s, c, list, q)
                },
            ),
        );
    }
    r
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    list: ListName,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, list.action(zone_id))?;
    let format = q
        .get("format")
        .and_then(|f| ExportFormat::parse(f))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Formato di esportazione non valido: scegliere CSV, Excel o JSON.".into(),
            )
        })?;
    let filters = filters_of(&ctx, list, &q)?;
    let table = lists::table(&state.db, list, &filters).await?;
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, time::OffsetDateTime::now_utc().date());
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

/// A file response: its bytes, content type and disposition.
pub fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    disposition: &str,
) -> Result<Response, AppError> {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(disposition).map_err(anyhow::Error::from)?,
    );
    Ok(r)
}
