//! A meeting's page: what was decided, who attended, the attachments; and
//! the office's changes to attendance and attachments.

use super::input::{AttendanceForm, ATTENDANCE_FIELDS};
use super::{crumbs, usecase, BASE};
use crate::usecase::Error;
use crate::web::ctx::{with_flash, Ctx, FlashKind};
use crate::web::export::download;
use crate::web::forms::{self, saved, values_of, Field, FieldKind, FormValues, Saved};
use crate::web::page::{render_page, PageCtx, PageResult};
use crate::web::{AppError, AppState};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::FieldErrors;
use zona_store::participation::{self as store, Meeting};

#[derive(Template)]
#[template(path = "meeting_detail.html")]
struct DetailPage {
    page: PageCtx,
    m: Meeting,
    kind: &'static str,
    date: String,
    attendance: Vec<(String, Vec<String>)>,
    attachments: Vec<(i64, String, String)>,
    office: bool,
    attendance_boxes: Vec<(String, Vec<Field>)>,
    attendance_errors: Option<String>,
    upload_error: Option<String>,
}

/// Who attended, by box: the plenary, then each working table. Each box has
/// its heading, the attendees as shown, and the lines of the attendance
/// form (a body by name, a person without a body in square brackets).
fn attendance_by_box(
    att: &[store::Attendance],
    tables: &[store::WorkingTable],
) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut boxes = vec![("In plenaria".to_string(), Vec::new(), Vec::new())];
    boxes.extend(
        tables
            .iter()
            .map(|t| (t.name.clone(), Vec::new(), Vec::new())),
    );
    for a in att {
        let i = a
            .working_table_id
            .and_then(|t| tables.iter().position(|x| x.id == t).map(|p| p + 1))
            .unwrap_or(0);
        boxes[i].1.push(a.who());
        boxes[i]
            .2
            .push(match (&a.organisation_name, &a.person_name) {
                (Some(o), _) => o.clone(),
                (None, Some(p)) => format!("[{p}]"),
                _ => String::new(),
            });
    }
    boxes
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    failed: Option<(&FormValues, &FieldErrors)>,
    upload_error: Option<String>,
) -> PageResult {
    let m = usecase::open(&state.db, &ctx.caller(), id).await?;
    let office = ctx.allows(Action::Administer { zone_id: m.zone_id });
    let att = store::attendance(&state.db, id).await?;
    let tables = match m.procedure_id {
        Some(p) => store::working_tables(&state.db, p).await?,
        None => Vec::new(),
    };
    let boxes = attendance_by_box(&att, &tables);
    let mut defaults = FormValues::new();
    for (name, (_, _, lines)) in ATTENDANCE_FIELDS.iter().zip(&boxes) {
        defaults.insert(name.to_string(), lines.join("\n"));
    }
    let groups: Vec<(String, Vec<String>)> =
        boxes.into_iter().map(|(h, shown, _)| (h, shown)).collect();
    let no_errors = FieldErrors::new();
    let (v, e) = failed.unwrap_or((&defaults, &no_errors));
    // One box for the plenary and one per table (at most nine tables).
    let attendance_boxes: Vec<(String, Vec<Field>)> = groups
        .iter()
        .zip(ATTENDANCE_FIELDS)
        .map(|((heading, _), name)| {
            let f = Field::new(name, "Presenti", FieldKind::Textarea)
                .hint("Un ente per riga, come nel registro degli enti; una persona senza ente tra parentesi quadre.")
                .bind(v, e);
            (heading.clone(), vec![f])
        })
        .collect();
    let attachments = store::attachments(&state.db, id)
        .await?
        .into_iter()
        .map(|a| {
            let size = format!("{} kB", (a.size_bytes + 1023) / 1024);
            (a.id, a.file_name, size)
        })
        .collect();
    let page = DetailPage {
        page: crumbs(ctx, m.subject.clone()),
        kind: m.kind.label(),
        date: format::date(m.held_on),
        attendance: groups.into_iter().filter(|(_, n)| !n.is_empty()).collect(),
        attachments,
        office,
        attendance_boxes,
        attendance_errors: forms::summary(e),
        upload_error,
        m,
    };
    let status = if failed.is_some() || page.upload_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

pub(super) async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    detail_page(&state, &ctx, id, None, None).await
}

pub(super) async fn save_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<AttendanceForm>,
) -> PageResult {
    let outcome = usecase::set_attendance(&state.db, &ctx.caller(), id, &form.boxes()).await;
    match saved(outcome)? {
        Saved::Done(n) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#presenze")),
            FlashKind::Success,
            &format!("Presenze registrate: {n}."),
        )),
        Saved::Again { errors, .. } => {
            detail_page(&state, &ctx, id, Some((&values_of(&form), &errors)), None).await
        }
    }
}

pub(super) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let file = forms::Upload::read(multipart).await?.file;
    match usecase::add_attachment(&state.db, &ctx.caller(), id, file).await {
        Ok(name) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#allegati")),
            FlashKind::Success,
            &format!("Allegato «{name}» caricato."),
        )),
        Err(Error::Refused(m)) => detail_page(&state, &ctx, id, None, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

/// An attachment: internal roles always; anyone when its meeting is public
/// and its minutes are published.
pub async fn attachment_response(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    public: bool,
) -> Result<Response, AppError> {
    let (a, content) = usecase::attachment(&state.db, &ctx.caller(), id, public).await?;
    let safe: String = a
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Only the types accepted on upload are served, each with its own type.
    let ctype = zona_core::attachment::served_type(&a.content_type);
    download(content, ctype, &format!("attachment; filename=\"{safe}\""))
}

pub(super) async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    attachment_response(&state, &ctx, id, false).await
}

pub(super) async fn delete_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let a = usecase::delete_attachment(&state.db, &ctx.caller(), id).await?;
    Ok(with_flash(
        Redirect::to(&format!("{BASE}/{}#allegati", a.meeting_id)),
        FlashKind::Success,
        &format!("Allegato «{}» tolto.", a.file_name),
    ))
}
