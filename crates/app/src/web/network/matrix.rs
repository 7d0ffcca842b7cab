//! The services matrix as an editable grid, and its export.

use super::*;
use crate::usecase::network as usecase;
use crate::usecase::Error;

// ---------------------------------------------------------------- matrix

#[derive(Template)]
#[template(path = "network_matrix.html")]
struct MatrixPage {
    page: PageCtx,
    office: bool,
    kind: String,
    kinds: Vec<(String, String)>,
    columns: Vec<(i64, String)>,
    /// Each column's facility and the version it was read at.
    versions: Vec<(i64, i64)>,
    /// (service code, label, per column: offered).
    rows: Vec<(String, String, Vec<bool>)>,
    error: Option<String>,
}

/// The kind of facility a grid shows: Case della Comunità unless the
/// address asks for another; an unknown kind is refused, not replaced.
fn matrix_kind(q: &HashMap<String, String>) -> Result<FacilityKind, AppError> {
    kind_or_default(q.get("tipo").map(String::as_str))
}

fn kind_or_default(kind: Option<&str>) -> Result<FacilityKind, AppError> {
    match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(FacilityKind::CommunityHouse),
        Some(k) => FacilityKind::from_code(k)
            .ok_or_else(|| AppError::BadRequest("Tipo di struttura non valido.".into())),
    }
}

/// Why a grid was not saved.
enum MatrixError {
    /// Something in it is not valid (422).
    Invalid(String),
    /// Someone else changed it since it was read (409).
    Conflict(String),
}

async fn matrix_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    kind: FacilityKind,
    error: Option<MatrixError>,
) -> PageResult {
    let all = store::list_facilities(&state.db, zone_id).await?;
    let cols = nw::matrix_facilities(&all, kind);
    let rows = nw::service_terms(&state.db)
        .await?
        .into_iter()
        .map(|(code, label)| {
            let cells = cols.iter().map(|f| f.services.contains(&code)).collect();
            (code, label, cells)
        })
        .collect();
    let status = match &error {
        Some(MatrixError::Conflict(_)) => StatusCode::CONFLICT,
        Some(MatrixError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let error = error.map(|e| match e {
        MatrixError::Conflict(m) | MatrixError::Invalid(m) => m,
    });
    let page = MatrixPage {
        page: crumbs(PageCtx::new(ctx, "Servizi delle strutture")),
        office: ctx.allows(Action::Administer { zone_id }),
        kind: kind.code().to_string(),
        kinds: kind_options(),
        columns: cols
            .iter()
            .map(|f| (f.row.id, f.row.name.clone()))
            .collect(),
        versions: cols.iter().map(|f| (f.row.id, f.row.version)).collect(),
        rows,
        error,
    };
    Ok((status, render_page(&page)).into_response())
}

pub(super) async fn matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    matrix_page(&state, &ctx, zone_id, matrix_kind(&q)?, None).await
}

/// The grid as sent: the kind of facility shown; every column shown
/// (`facility`, its id) with the version it was read at (`version`,
/// `<id>:<version>`); every ticked cell (`cell`, `<id>:<service>`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct GridForm {
    kind: String,
    facility: Vec<String>,
    version: Vec<String>,
    cell: Vec<String>,
}

impl GridForm {
    fn read(&self) -> Result<usecase::ServiceGrid, AppError> {
        let mut columns: Vec<(i64, Vec<String>)> = Vec::new();
        for v in &self.facility {
            let id: i64 = v
                .parse()
                .map_err(|_| AppError::BadRequest("Struttura non valida.".into()))?;
            columns.push((id, Vec::new()));
        }
        for v in &self.cell {
            let bad = || AppError::BadRequest("Cella non valida.".into());
            let (id, code) = v.split_once(':').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            match columns.iter_mut().find(|(f, _)| *f == id) {
                // A cell sent twice is one tick.
                Some((_, services)) if services.iter().any(|s| s == code) => {}
                Some((_, services)) => services.push(code.to_string()),
                None => {
                    return Err(AppError::BadRequest(
                        "La cella si riferisce a una struttura fuori dalla griglia.".into(),
                    ))
                }
            }
        }
        let versions = self
            .version
            .iter()
            .filter_map(|v| {
                let (id, version) = v.split_once(':')?;
                Some((id.parse().ok()?, version.parse().ok()?))
            })
            .collect();
        Ok(usecase::ServiceGrid { columns, versions })
    }
}

pub(super) async fn save_matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<GridForm>,
) -> PageResult {
    let caller = ctx.caller();
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let kind = kind_or_default(Some(&form.kind))?;
    let known: HashMap<String, String> = nw::service_terms(&state.db).await?.into_iter().collect();
    let grid = form.read()?;
    let refused = match usecase::set_services(&state.db, &caller, &grid, &known).await {
        Ok(changed) => {
            let msg = match changed {
                0 => "Nessuna modifica.".to_string(),
                1 => "Servizi aggiornati per 1 struttura.".to_string(),
                n => format!("Servizi aggiornati per {n} strutture."),
            };
            return Ok(with_flash(
                Redirect::to(&format!("{BASE}/matrice?tipo={}", kind.code())),
                FlashKind::Success,
                &msg,
            ));
        }
        Err(Error::Refused(msg)) => MatrixError::Invalid(msg),
        Err(Error::Conflict) => {
            let mine = unsaved_changes(&state, zone_id, &grid.columns, &known).await?;
            MatrixError::Conflict(format!("Nel frattempo un'altra persona ha modificato i servizi di una o più di queste strutture: per non annullare le sue modifiche, nessuna modifica è stata salvata. La griglia mostra ora i dati aggiornati: ripeti le tue modifiche e salva.{mine}"))
        }
        Err(e) => return Err(e.into()),
    };
    matrix_page(&state, &ctx, zone_id, kind, Some(refused)).await
}

/// What a refused grid would have changed against what is stored now, in
/// words ("Stagno: aggiungere Servizio sociale"), so that nothing the
/// person ticked is lost from sight.
async fn unsaved_changes(
    state: &AppState,
    zone_id: i64,
    grid: &[(i64, Vec<String>)],
    labels: &HashMap<String, String>,
) -> Result<String, AppError> {
    let stored = store::list_facilities(&state.db, zone_id).await?;
    let label = |c: &String| labels.get(c).cloned().unwrap_or_else(|| c.clone());
    let mut lines = Vec::new();
    for (id, mine) in grid {
        let Some(f) = stored.iter().find(|f| f.row.id == *id) else {
            continue;
        };
        let add: Vec<String> = mine
            .iter()
            .filter(|c| !f.services.contains(c))
            .map(label)
            .collect();
        let remove: Vec<String> = f
            .services
            .iter()
            .filter(|c| !mine.contains(c))
            .map(label)
            .collect();
        let mut parts = Vec::new();
        if !add.is_empty() {
            parts.push(format!("aggiungere {}", add.join(", ")));
        }
        if !remove.is_empty() {
            parts.push(format!("togliere {}", remove.join(", ")));
        }
        if !parts.is_empty() {
            lines.push(format!("{}: {}", f.row.name, parts.join("; ")));
        }
    }
    Ok(if lines.is_empty() {
        String::new()
    } else {
        format!(" Le tue modifiche non salvate: {}.", lines.join(" — "))
    })
}

pub(super) async fn export_matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let cols = nw::matrix_facilities(&all, matrix_kind(&q)?);
    let table = nw::matrix_table(&cols, &nw::service_terms(&state.db).await?);
    let mut widths = vec![4];
    widths.extend(std::iter::repeat_n(2, cols.len()));
    send_table(
        &table,
        q.get("format").map(String::as_str),
        &zone_name(&ctx),
        &widths,
    )
}
