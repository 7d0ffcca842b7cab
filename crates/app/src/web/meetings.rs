//! Meetings: participation meetings with stakeholder groups and the
//! meetings of a co-programming path. Date, place or online link, agenda,
//! attendance (by body, per working table), minutes and attachments (stored
//! in the database, size- and type-checked). The planning office edits;
//! internal roles read.

use super::common::{require, same_zone, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::EntryPage;
use super::{AppError, AppState};
use crate::codesign::Directory;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::codesign::{split_partners, PartnerItem};
use zona_core::coprogramming::MeetingKind;
use zona_core::format::{self, parse_date};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::participation::{self as store, AttendanceInput, Meeting, MeetingInput};
use zona_store::StoreError;

pub const BASE: &str = "/partecipazione/incontri";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/partecipazione/gruppi", post(add_group))
        .route(&format!("{BASE}/nuovo"), get(new_form).post(create))
        .route(&format!("{BASE}/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(&format!("{BASE}/{{id}}/presenze"), post(save_attendance))
        .route(&format!("{BASE}/{{id}}/allegati"), post(upload))
        .route("/partecipazione/allegati/{id}", get(attachment))
        .route(
            "/partecipazione/allegati/{id}/elimina",
            post(delete_attachment),
        )
}

fn crumbs(ctx: &Ctx, title: impl Into<String>) -> PageCtx {
    PageCtx::new(ctx, title)
        .crumb("Partecipazione", "/partecipazione")
        .crumb("Incontri", BASE)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "meetings_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<(i64, String, &'static str, String, String, bool)>,
    groups: Vec<(String, String)>,
    office: bool,
    group_fields: Vec<Field>,
    group_errors: Option<String>,
}

async fn list_page(state: &AppState, ctx: &Ctx, gv: &FormValues, ge: &FieldErrors) -> PageResult {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let meetings = store::meetings(&state.db, zone_id, None, false).await?;
    let groups = store::groups(&state.db, zone_id).await?;
    let page = ListPage {
        page: crumbs(ctx, "Incontri"),
        rows: meetings
            .into_iter()
            .rev()
            .map(|m| {
                let with = m
                    .group_name
                    .clone()
                    .or(m
                        .procedure_subject
                        .clone()
                        .map(|s| format!("Co-programmazione: {s}")))
                    .unwrap_or_default();
                (
                    m.id,
                    format::date(m.held_on),
                    m.kind.label(),
                    m.subject,
                    with,
                    m.public,
                )
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|g| (g.name, g.description.unwrap_or_default()))
            .collect(),
        office: ctx.allows(Action::Administer { zone_id }),
        group_fields: vec![
            Field::text("name", "Nome del gruppo")
                .required()
                .bind(gv, ge),
            Field::text("description", "Descrizione").bind(gv, ge),
        ],
        group_errors: forms::summary(ge),
    };
    let status = if ge.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render_page(&page)).into_response())
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    list_page(&state, &ctx, &FormValues::new(), &FieldErrors::new()).await
}

async fn add_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let name = e.check("name", required_text(forms::value(&v, "name"), 200));
    let description = e.check(
        "description",
        optional_text(forms::value(&v, "description"), 500),
    );
    if let (Some(name), Some(description), true) = (name, description, e.is_empty()) {
        match store::create_group(
            &state.db,
            &ctx.actor(),
            zone_id,
            &name,
            description.as_deref(),
        )
        .await
        {
            Ok(_) => {
                return Ok(with_flash(
                    Redirect::to(BASE),
                    FlashKind::Success,
                    &format!("Gruppo «{name}» creato."),
                ))
            }
            Err(StoreError::Duplicate { .. }) => {
                e.add("name", "Esiste già un gruppo con questo nome.")
            }
            Err(other) => return Err(other.into()),
        }
    }
    list_page(&state, &ctx, &v, &e).await
}

// ---------------------------------------------------------------- form

async fn fields(
    state: &AppState,
    zone_id: i64,
    in_procedure: bool,
    v: &FormValues,
    e: &FieldErrors,
) -> Result<Vec<Field>, AppError> {
    let kinds: Vec<(String, String)> = MeetingKind::ALL
        .iter()
        .filter(|k| in_procedure != (**k == MeetingKind::Participation))
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let mut f = vec![Field::select("kind", "Tipo di incontro", kinds)
        .required()
        .bind(v, e)];
    if !in_procedure {
        let mut groups = vec![(String::new(), "Nessun gruppo".to_string())];
        groups.extend(
            store::groups(&state.db, zone_id)
                .await?
                .into_iter()
                .map(|g| (g.id.to_string(), g.name)),
        );
        f.push(Field::select("group_id", "Gruppo di portatori di interesse", groups).bind(v, e));
    }
    f.extend([
        Field::text("subject", "Oggetto")
            .required()
            .hint("Per esempio: presentazione del percorso POA 2024.")
            .bind(v, e),
        Field::new("held_on", "Data", FieldKind::Date)
            .required()
            .bind(v, e),
        Field::text("starts_at", "Ora di inizio")
            .hint("Per esempio 15:30.")
            .bind(v, e),
        Field::text("place", "Luogo")
            .hint("Indicare il luogo, il collegamento online o entrambi.")
            .bind(v, e),
        Field::text("online_url", "Collegamento online")
            .hint("Indirizzo https:// della riunione, se online.")
            .bind(v, e),
        Field::new("agenda", "Ordine del giorno", FieldKind::Textarea).bind(v, e),
        Field::new("minutes", "Verbale", FieldKind::Textarea).bind(v, e),
        Field::select(
            "public",
            "Incontro",
            vec![
                ("si".into(), "Pubblico (nel calendario pubblico)".into()),
                ("no".into(), "A invito".into()),
            ],
        )
        .bind(v, e),
        Field::select(
            "minutes_published",
            "Verbale",
            vec![
                ("no".into(), "Non pubblicato".into()),
                ("si".into(), "Pubblicato (se l'incontro è pubblico)".into()),
            ],
        )
        .bind(v, e),
        Field::new("procedure_id", "", FieldKind::Hidden).bind(v, e),
        Field::new("version", "", FieldKind::Hidden).bind(v, e),
    ]);
    Ok(f)
}

async fn parse(
    state: &AppState,
    zone_id: i64,
    v: &FormValues,
) -> Result<Result<MeetingInput, FieldErrors>, AppError> {
    let mut e = FieldErrors::new();
    let procedure_id = forms::optional_id(v, "procedure_id", &mut e);
    if let Some(p) = procedure_id {
        let ok = store::get_procedure(&state.db, p)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ok {
            e.add("kind", "Procedimento non valido.");
        }
    }
    let kind = MeetingKind::from_code(forms::value(v, "kind"))
        .filter(|k| procedure_id.is_some() != (*k == MeetingKind::Participation));
    if kind.is_none() {
        e.add("kind", "Scegli il tipo di incontro dall'elenco.");
    }
    let group_id = forms::optional_id(v, "group_id", &mut e);
    if let Some(g) = group_id {
        if !store::groups(&state.db, zone_id)
            .await?
            .iter()
            .any(|x| x.id == g)
        {
            e.add("group_id", "Scegli il gruppo dall'elenco.");
        }
    }
    let subject = e.check("subject", required_text(forms::value(v, "subject"), 300));
    let held_on = e.check("held_on", parse_date(forms::value(v, "held_on")));
    let starts_at = match forms::value(v, "starts_at").trim() {
        "" => Some(None),
        t => {
            let ok = t.len() == 5
                && t.as_bytes()[2] == b':'
                && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
                && t[3..].parse::<u8>().is_ok_and(|m| m < 60);
            if ok {
                Some(Some(t.to_string()))
            } else {
                e.add(
                    "starts_at",
                    "Ora non valida: usare il formato hh:mm, per esempio 15:30.",
                );
                None
            }
        }
    };
    let place = e.check("place", optional_text(forms::value(v, "place"), 300));
    let online_url = e.check(
        "online_url",
        optional_text(forms::value(v, "online_url"), 500),
    );
    if let Some(Some(u)) = &online_url {
        if !u.starts_with("https://") {
            e.add("online_url", "Il collegamento deve iniziare con https://.");
        }
    }
    if matches!((&place, &online_url), (Some(None), Some(None))) {
        e.add(
            "place",
            "Indica il luogo dell'incontro o il collegamento online.",
        );
    }
    let agenda = e.check("agenda", optional_text(forms::value(v, "agenda"), 10000));
    let minutes = e.check("minutes", optional_text(forms::value(v, "minutes"), 50000));
    let public = forms::value(v, "public") != "no";
    let minutes_published = forms::value(v, "minutes_published") == "si";
    Ok(
        match (
            kind, subject, held_on, starts_at, place, online_url, agenda, minutes,
        ) {
            (
                Some(k),
                Some(subject),
                Some(held_on),
                Some(starts_at),
                Some(place),
                Some(online_url),
                Some(agenda),
                Some(minutes),
            ) if e.is_empty() => Ok(MeetingInput {
                zone_id,
                kind: k,
                group_id,
                procedure_id,
                subject,
                held_on,
                starts_at,
                place,
                online_url,
                agenda,
                minutes,
                public,
                minutes_published,
            }),
            _ => Err(e),
        },
    )
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    id: Option<i64>,
    v: &FormValues,
    e: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let in_procedure = !forms::value(v, "procedure_id").is_empty();
    let (heading, action) = match id {
        None => ("Nuovo incontro".to_string(), format!("{BASE}/nuovo")),
        Some(id) => (
            "Modifica dell'incontro".to_string(),
            format!("{BASE}/{id}/modifica"),
        ),
    };
    Ok(EntryPage {
        page: crumbs(ctx, heading.clone()),
        heading,
        action,
        cancel_href: id.map_or(BASE.to_string(), |id| format!("{BASE}/{id}")),
        fields: fields(state, zone_id, in_procedure, v, e).await?,
        errors_summary: forms::summary(e),
        conflict,
    }
    .respond())
}

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut v = FormValues::from([("public".into(), "si".into())]);
    if let Some(p) = q.get("procedimento").and_then(|p| p.parse::<i64>().ok()) {
        let proc_ = store::get_procedure(&state.db, p)
            .await?
            .ok_or(AppError::NotFound)?;
        same_zone(&ctx, proc_.zone_id)?;
        v.insert("procedure_id".into(), p.to_string());
        v.insert("kind".into(), MeetingKind::Needs.code().into());
    }
    form_page(&state, &ctx, zone_id, None, &v, &FieldErrors::new(), false).await
}

async fn create(State(state): State<AppState>, ctx: Ctx, Form(v): Form<FormValues>) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse(&state, zone_id, &v).await? {
        Ok(input) => {
            let id = store::create_meeting(&state.db, &ctx.actor(), &input).await?;
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}")),
                FlashKind::Success,
                "Incontro registrato.",
            ))
        }
        Err(e) => form_page(&state, &ctx, zone_id, None, &v, &e, false).await,
    }
}

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(i64, Meeting), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let m = store::get_meeting(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, m.zone_id)?;
    Ok((zone_id, m))
}

fn values_of(m: &Meeting) -> FormValues {
    FormValues::from([
        ("kind".into(), m.kind.code().to_string()),
        (
            "group_id".into(),
            m.group_id.map(|g| g.to_string()).unwrap_or_default(),
        ),
        (
            "procedure_id".into(),
            m.procedure_id.map(|g| g.to_string()).unwrap_or_default(),
        ),
        ("subject".into(), m.subject.clone()),
        ("held_on".into(), format::date(m.held_on)),
        ("starts_at".into(), m.starts_at.clone().unwrap_or_default()),
        ("place".into(), m.place.clone().unwrap_or_default()),
        (
            "online_url".into(),
            m.online_url.clone().unwrap_or_default(),
        ),
        ("agenda".into(), m.agenda.clone().unwrap_or_default()),
        ("minutes".into(), m.minutes.clone().unwrap_or_default()),
        ("public".into(), if m.public { "si" } else { "no" }.into()),
        (
            "minutes_published".into(),
            if m.minutes_published { "si" } else { "no" }.into(),
        ),
        ("version".into(), m.version.to_string()),
    ])
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, m) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(id),
        &values_of(&m),
        &FieldErrors::new(),
        false,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(mut v): Form<FormValues>,
) -> PageResult {
    let (zone_id, m) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    // The path a meeting belongs to does not change.
    v.insert(
        "procedure_id".into(),
        m.procedure_id.map(|g| g.to_string()).unwrap_or_default(),
    );
    match parse(&state, zone_id, &v).await? {
        Ok(input) => {
            match store::update_meeting(&state.db, &ctx.actor(), id, forms::version(&v), &input)
                .await
            {
                Ok(()) => Ok(with_flash(
                    Redirect::to(&format!("{BASE}/{id}")),
                    FlashKind::Success,
                    "Incontro aggiornato.",
                )),
                Err(StoreError::Conflict) => {
                    form_page(
                        &state,
                        &ctx,
                        zone_id,
                        Some(id),
                        &v,
                        &FieldErrors::new(),
                        true,
                    )
                    .await
                }
                Err(other) => Err(other.into()),
            }
        }
        Err(e) => form_page(&state, &ctx, zone_id, Some(id), &v, &e, false).await,
    }
}

// ---------------------------------------------------------------- detail

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

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    failed: Option<(&FormValues, &FieldErrors)>,
    upload_error: Option<String>,
) -> PageResult {
    let (zone_id, m) = load(state, ctx, id).await?;
    let office = ctx.allows(Action::Administer { zone_id });
    let att = store::attendance(&state.db, id).await?;
    let tables = match m.procedure_id {
        Some(p) => store::working_tables(&state.db, p).await?,
        None => Vec::new(),
    };
    // Attendance grouped: plenary, then each table.
    let mut groups: Vec<(String, Vec<String>)> = vec![("In plenaria".into(), Vec::new())];
    groups.extend(tables.iter().map(|t| (t.name.clone(), Vec::new())));
    for a in &att {
        let i = a
            .working_table_id
            .and_then(|t| tables.iter().position(|x| x.id == t).map(|p| p + 1))
            .unwrap_or(0);
        groups[i].1.push(a.who());
    }
    let mut defaults = FormValues::new();
    for i in 0..groups.len() {
        let lines: Vec<String> = att
            .iter()
            .filter(|a| {
                let at = a
                    .working_table_id
                    .and_then(|t| tables.iter().position(|x| x.id == t).map(|p| p + 1))
                    .unwrap_or(0);
                at == i
            })
            .map(|a| match (&a.organisation_name, &a.person_name) {
                (Some(o), _) => o.clone(),
                (None, Some(p)) => format!("[{p}]"),
                _ => String::new(),
            })
            .collect();
        defaults.insert(format!("presenze_{i}"), lines.join("\n"));
    }
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

/// Field names of the attendance boxes: plenary, then one per table.
const ATTENDANCE_FIELDS: [&str; 10] = [
    "presenze_0",
    "presenze_1",
    "presenze_2",
    "presenze_3",
    "presenze_4",
    "presenze_5",
    "presenze_6",
    "presenze_7",
    "presenze_8",
    "presenze_9",
];

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &ctx, id, None, None).await
}

async fn save_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (zone_id, m) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let tables = match m.procedure_id {
        Some(p) => store::working_tables(&state.db, p).await?,
        None => Vec::new(),
    };
    let dir = Directory::load(&state.db, zone_id).await?;
    let mut e = FieldErrors::new();
    let mut rows: Vec<AttendanceInput> = Vec::new();
    for (i, field) in ATTENDANCE_FIELDS.iter().enumerate().take(tables.len() + 1) {
        let table = if i == 0 { None } else { Some(tables[i - 1].id) };
        for item in split_partners(forms::value(&v, field)) {
            let row = match item {
                PartnerItem::Note(person) => AttendanceInput {
                    organisation_id: None,
                    person_name: Some(person),
                    working_table_id: table,
                },
                PartnerItem::Body(name) => match dir.find(&name) {
                    Some((oid, _, _)) => AttendanceInput {
                        organisation_id: Some(*oid),
                        person_name: None,
                        working_table_id: table,
                    },
                    None => {
                        e.add(field, format!("«{name}» non è nel registro degli enti: aggiungerlo, oppure scrivere una persona tra parentesi quadre."));
                        continue;
                    }
                },
            };
            if rows.contains(&row) {
                e.add(field, "Un ente è scritto due volte.");
            } else {
                rows.push(row);
            }
        }
    }
    if e.is_empty() {
        store::set_attendance(&state.db, &ctx.actor(), id, &rows).await?;
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#presenze")),
            FlashKind::Success,
            &format!("Presenze registrate: {}.", rows.len()),
        ));
    }
    detail_page(&state, &ctx, id, Some((&v, &e)), None).await
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let file = forms::Upload::read(multipart).await?.file;
    let (name, bytes) = file.unwrap_or_default();
    match zona_core::attachment::check(&name, &bytes) {
        Ok((name, ctype)) => {
            store::add_attachment(&state.db, &ctx.actor(), id, &name, ctype, &bytes).await?;
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}#allegati")),
                FlashKind::Success,
                &format!("Allegato «{name}» caricato."),
            ))
        }
        Err(m) => detail_page(&state, &ctx, id, None, Some(m)).await,
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
    // Authorisation before anything is read: a refused person learns nothing.
    if !public {
        let zone_id = zone_of(ctx)?;
        require(ctx, Action::ReadInternal { zone_id })?;
    }
    let (a, content) = store::attachment_content(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = store::get_meeting(&state.db, a.meeting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if public {
        if !(m.public && m.minutes_published) || ctx.zone_id() != Some(m.zone_id) {
            return Err(AppError::NotFound);
        }
    } else {
        same_zone(ctx, m.zone_id)?;
    }
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

async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    attachment_response(&state, &ctx, id, false).await
}

async fn delete_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let (a, _) = store::attachment_content(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = store::get_meeting(&state.db, a.meeting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(&ctx, m.zone_id)?;
    store::delete_attachment(&state.db, &ctx.actor(), id).await?;
    Ok(with_flash(
        Redirect::to(&format!("{BASE}/{}#allegati", m.id)),
        FlashKind::Success,
        &format!("Allegato «{}» tolto.", a.file_name),
    ))
}
