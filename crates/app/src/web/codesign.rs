//! The co-design registry: list with filters and warnings, entry and edit
//! (the planning office), deletion with confirmation, import of the POA
//! chapter's table, exports (CSV, XLSX, JSON, the chapter as PDF) and the
//! public list of what is published.

use super::common::{require, same_zone, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::planning::query_string;
use super::views::{ConfirmPage, EntryPage};
use super::{AppError, AppState};
use crate::codesign::{self as cd, Directory, COLUMNS};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use time::Date;
use zona_core::authz::Action;
use zona_core::codesign::{AgreementStatus, HolderKind};
use zona_core::FieldErrors;
use zona_reports::ExportFormat;
use zona_store::codesign::{self as store, Agreement, AgreementQuery};
use zona_store::organisations as orgs;
use zona_store::territory::ListQuery;
use zona_store::{Page, StoreError};

const BASE: &str = "/partecipazione/co-progettazione";
const PUBLIC_BASE: &str = "/co-progettazione";
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(&format!("{BASE}/nuova"), get(new_form).post(create))
        .route(&format!("{BASE}/importa"), get(import_form).post(import))
        .route(&format!("{BASE}/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(
            &format!("{BASE}/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/esporta"), get(public_export))
}

/// One row of the registry as the pages show it.
pub struct RowView {
    pub id: i64,
    pub holder: String,
    pub subject: String,
    pub partners: String,
    pub status: String,
    pub period: String,
    pub cups: Vec<String>,
    pub cigs: Vec<String>,
    pub local_code: String,
    pub activities: Vec<(i64, String)>,
    pub resources: String,
    pub warnings: Vec<String>,
    pub published: bool,
}

impl RowView {
    fn of(a: &Agreement, today: Date) -> RowView {
        RowView {
            id: a.row.id,
            holder: a.row.holder_text.clone(),
            subject: a.row.subject.clone(),
            partners: a.partners_text(),
            status: a.status_text(),
            period: a.period_text(),
            cups: a.cups().map(|c| c.code.clone()).collect(),
            cigs: a.cigs().map(|c| c.code.clone()).collect(),
            local_code: a.row.local_code.clone().unwrap_or_default(),
            activities: a
                .activities
                .iter()
                .map(|x| (x.activity_id, format!("{} – {}", x.code, x.title)))
                .collect(),
            resources: a.resources().map(|c| c.to_string()).unwrap_or_default(),
            warnings: cd::warnings(a, today),
            published: a.row.published,
        }
    }
}

pub struct Choice {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(String, String)>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "codesign_list.html")]
struct ListPage {
    page: PageCtx,
    public: bool,
    base: &'static str,
    text: String,
    filters: Vec<Choice>,
    rows: Vec<RowView>,
    counter: String,
    query: String,
    office: bool,
    warning_count: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
    current: i64,
    pages: i64,
}

fn query_of(q: &HashMap<String, String>, published_only: bool) -> Result<AgreementQuery, AppError> {
    let bad = |m: &str| AppError::BadRequest(m.to_string());
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    Ok(AgreementQuery {
        status: pick("stato")
            .map(|s| AgreementStatus::from_code(s).ok_or_else(|| bad("Stato non valido.")))
            .transpose()?,
        holder_kind: pick("titolare")
            .map(|s| HolderKind::from_code(s).ok_or_else(|| bad("Soggetto titolare non valido.")))
            .transpose()?,
        partner_id: pick("ente")
            .map(|s| s.parse::<i64>().map_err(|_| bad("Ente non valido.")))
            .transpose()?,
        text: pick("q").map(str::to_string),
        published_only,
    })
}

async fn partner_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let counts = store::partner_counts(&state.db, zone_id).await?;
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    let mut v = vec![(String::new(), "Tutti gli enti".to_string())];
    v.extend(
        all.into_iter()
            .filter(|o| counts.contains_key(&o.id))
            .map(|o| (o.id.to_string(), o.name)),
    );
    Ok(v)
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    q: &HashMap<String, String>,
    public: bool,
) -> PageResult {
    let aq = query_of(q, public)?;
    let all = store::list_agreements(&state.db, zone_id, &aq).await?;
    let today = state.today();
    let warning_count = all
        .iter()
        .filter(|a| !cd::warnings(a, today).is_empty())
        .count();
    let count = all.len() as i64;
    let page = Page::new(
        q.get("pagina").and_then(|p| p.parse().ok()).unwrap_or(1),
        PAGE_SIZE,
    );
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let base = if public { PUBLIC_BASE } else { BASE };
    let query = query_string(q);
    let href = |n: i64| {
        if query.is_empty() {
            format!("{base}?pagina={n}")
        } else {
            format!("{base}?{query}&pagina={n}")
        }
    };
    let rows: Vec<RowView> = all
        .iter()
        .skip(page.offset() as usize)
        .take(PAGE_SIZE as usize)
        .map(|a| RowView::of(a, today))
        .collect();
    let counter = match count {
        0 => "Nessuna procedura trovata.".to_string(),
        1 => "1 procedura.".to_string(),
        n if n <= PAGE_SIZE => format!("{n} procedure."),
        n => format!(
            "{n} procedure; mostrate da {} a {}.",
            page.offset() + 1,
            (page.offset() + rows.len() as i64).min(n)
        ),
    };
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let mut status_opts = vec![(String::new(), "Tutti gli stati".to_string())];
    status_opts.extend(
        AgreementStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let mut holder_opts = vec![(String::new(), "Tutti i titolari".to_string())];
    holder_opts.extend(
        HolderKind::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let mut filters = vec![
        Choice {
            name: "stato",
            label: "Stato",
            options: status_opts,
            value: value("stato"),
        },
        Choice {
            name: "titolare",
            label: "Soggetto titolare",
            options: holder_opts,
            value: value("titolare"),
        },
    ];
    if !public {
        filters.push(Choice {
            name: "ente",
            label: "Ente coinvolto",
            options: partner_options(state, zone_id).await?,
            value: value("ente"),
        });
    }
    let title = "Co-progettazione";
    let page_ctx = if public {
        PageCtx::new(ctx, title)
    } else {
        PageCtx::new(ctx, title).crumb("Partecipazione", "/partecipazione")
    };
    let prev_href = (page.number > 1).then(|| href(page.number - 1));
    let next_href = (page.number < pages).then(|| href(page.number + 1));
    Ok(render_page(&ListPage {
        page: page_ctx,
        public,
        base,
        text: value("q"),
        filters,
        rows,
        counter,
        query: query.clone(),
        office: !public && ctx.allows(Action::Administer { zone_id }),
        warning_count: if public { 0 } else { warning_count },
        prev_href,
        next_href,
        current: page.number,
        pages,
    }))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    list_page(&state, &ctx, zone_id, &q, false).await
}

/// The public pages show the zone of the visitor's context (the installation's
/// public zone for anonymous visitors).
fn public_zone(ctx: &Ctx) -> Result<i64, AppError> {
    ctx.zone_id().ok_or(AppError::NotFound)
}

async fn public_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = public_zone(&ctx)?;
    list_page(&state, &ctx, zone_id, &q, true).await
}

async fn export_response(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    q: &HashMap<String, String>,
    public: bool,
) -> Result<Response, AppError> {
    let aq = query_of(q, public)?;
    let rows = store::list_agreements(&state.db, zone_id, &aq).await?;
    let today = state.today();
    let stem = "co-progettazione";
    if q.get("format").map(String::as_str) == Some("pdf") {
        let zone_name = ctx
            .zone
            .as_ref()
            .map(|z| z.name.clone())
            .unwrap_or_else(|| "Zona".into());
        let bytes = cd::pdf(&rows, &zone_name, today)?;
        return download(
            bytes,
            "application/pdf",
            &format!("attachment; filename=\"{stem}-{today}.pdf\""),
        );
    }
    let format = q
        .get("format")
        .and_then(|f| ExportFormat::parse(f))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Formato di esportazione non valido: scegliere CSV, Excel, JSON o PDF.".into(),
            )
        })?;
    let table = cd::export_table(&rows, "Co-progettazione");
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today);
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    export_response(&state, &ctx, zone_id, &q, false).await
}

async fn public_export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = public_zone(&ctx)?;
    export_response(&state, &ctx, zone_id, &q, true).await
}

// ---------------------------------------------------------------- one agreement

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(i64, Agreement), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let a = store::get_agreement(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, a.row.zone_id)?;
    Ok((zone_id, a))
}

#[derive(Template)]
#[template(path = "codesign_detail.html")]
struct DetailPage {
    page: PageCtx,
    row: RowView,
    holder_kind: &'static str,
    partners: Vec<(i64, String, String)>,
    partners_note: String,
    office: bool,
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, a) = load(&state, &ctx, id).await?;
    Ok(render_page(&DetailPage {
        page: PageCtx::new(&ctx, "Procedura di co-progettazione")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        row: RowView::of(&a, state.today()),
        holder_kind: a.holder_kind().label(),
        partners: a
            .partners
            .iter()
            .map(|p| {
                (
                    p.organisation_id,
                    p.written_name.clone(),
                    p.organisation_name.clone(),
                )
            })
            .collect(),
        partners_note: a.row.partners_note.clone().unwrap_or_default(),
        office: ctx.allows(Action::Administer { zone_id }),
    }))
}

async fn holder_options(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let zone_name = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let together = format!(
        "Comuni della {}",
        zone_name
            .strip_prefix("Zona Distretto ")
            .map_or(zone_name.clone(), |s| format!("Zona {s}"))
    );
    let mut v = vec![
        (String::new(), "Scegli il soggetto titolare".to_string()),
        (together.clone(), together),
    ];
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    v.extend(
        all.into_iter()
            .filter(|o| o.kind == "municipality" || o.kind == "health_authority")
            .map(|o| (o.name.clone(), o.name)),
    );
    Ok(v)
}

fn fields(holders: Vec<(String, String)>, values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    let mut status = vec![(String::new(), "Scegli lo stato".to_string())];
    status.extend(
        AgreementStatus::ALL
            .iter()
            .map(|s| (s.label().to_string(), s.label().to_string())),
    );
    vec![
        Field::select("titolare", "Soggetto titolare", holders)
            .required()
            .bind(values, errors),
        Field::new("oggetto", "Attività oggetto di co-progettazione", FieldKind::Textarea)
            .required()
            .hint("Come nell'atto. I codici scritti nel testo («CUP J71H22000140006», «Rif. CIG ZFA3D7718E») sono riconosciuti e controllati.")
            .bind(values, errors),
        Field::new("soggetti", "Soggetti coinvolti", FieldKind::Textarea)
            .hint("Un ente per riga, come scritto nell'atto: ogni ente deve essere nel registro degli enti (per nome o per uno dei suoi «altri nomi»). Scrivere «Da individuare» o «ETS» se non ancora scelti; una nota tra parentesi quadre.")
            .bind(values, errors),
        Field::select("stato", "Stato", status)
            .required()
            .bind(values, errors),
        Field::text("nota_stato", "Nota sullo stato")
            .hint("Facoltativa, per esempio «salva ammissione a finanziamento del progetto».")
            .bind(values, errors),
        Field::text("periodo", "Data/periodo")
            .hint("Con la precisione nota: 01/01/2023 – 31/12/2023, agosto 2020 – giugno 2022, 2023-2024.")
            .bind(values, errors),
        Field::new("cup", "CUP", FieldKind::Textarea)
            .hint("Uno per riga, oltre a quelli scritti nel testo: 15 caratteri.")
            .bind(values, errors),
        Field::new("cig", "CIG", FieldKind::Textarea)
            .hint("Uno per riga, oltre a quelli scritti nel testo: 10 caratteri.")
            .bind(values, errors),
        Field::text("codice_locale", "Codice locale progetto").bind(values, errors),
        Field::text("risorse", "Risorse (€)")
            .hint("Importo in euro, per esempio 356.240,00.")
            .bind(values, errors),
        Field::new("attivita_poa", "Attività POA collegate", FieldKind::Textarea)
            .hint("Codici delle schede attività, uno per riga (per esempio 2024-02-003).")
            .bind(values, errors),
        Field::select(
            "pubblicata",
            "Pubblicazione",
            vec![
                ("si".into(), "Pubblicata nell'elenco per i cittadini".into()),
                ("no".into(), "Solo interna".into()),
            ],
        )
        .bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]
}

fn values_of(a: &Agreement) -> FormValues {
    let lines = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join("\n");
    FormValues::from([
        ("titolare".into(), a.row.holder_text.clone()),
        ("oggetto".into(), a.row.subject.clone()),
        ("soggetti".into(), a.partners_lines().join("\n")),
        ("stato".into(), a.status().label().to_string()),
        (
            "nota_stato".into(),
            a.row.status_note.clone().unwrap_or_default(),
        ),
        ("periodo".into(), a.period_text()),
        // Codes found in the subject are found again on saving.
        (
            "cup".into(),
            lines(
                &mut a
                    .cups()
                    .filter(|c| !a.row.subject.contains(&c.code))
                    .map(|c| c.code.clone()),
            ),
        ),
        (
            "cig".into(),
            lines(
                &mut a
                    .cigs()
                    .filter(|c| !a.row.subject.contains(&c.code))
                    .map(|c| c.code.clone()),
            ),
        ),
        (
            "codice_locale".into(),
            a.row.local_code.clone().unwrap_or_default(),
        ),
        (
            "risorse".into(),
            a.resources().map(|c| c.format_plain()).unwrap_or_default(),
        ),
        (
            "attivita_poa".into(),
            lines(&mut a.activities.iter().map(|x| x.code.clone())),
        ),
        (
            "pubblicata".into(),
            if a.row.published { "si" } else { "no" }.into(),
        ),
        ("version".into(), a.row.version.to_string()),
    ])
}

/// Reads the form through the same rules as an imported row.
async fn parse_form(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
) -> Result<Result<(store::AgreementInput, Vec<String>), FieldErrors>, AppError> {
    let mut row = cd::Row::new();
    for (k, _) in COLUMNS {
        row.insert(k.to_string(), forms::value(values, k).to_string());
    }
    let note = forms::value(values, "nota_stato").trim();
    if !note.is_empty() {
        row.insert(
            "stato".into(),
            format!("{} {note}", forms::value(values, "stato")),
        );
    }
    let dir = Directory::load(&state.db, zone_id).await?;
    let activities = store::activity_ids(&state.db, zone_id, &cd::activity_codes(&row)).await?;
    let published = forms::value(values, "pubblicata") != "no";
    Ok(
        cd::read_row(&dir, &activities, &row, zone_id, published).map_err(|es| {
            let mut e = FieldErrors::new();
            for (k, m) in es {
                e.add(k, m);
            }
            e
        }),
    )
}

/// The entry form: a new agreement (`id` none) or the edit of one.
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    id: Option<i64>,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let (heading, action) = match id {
        None => (
            "Nuova procedura di co-progettazione".to_string(),
            format!("{BASE}/nuova"),
        ),
        Some(id) => (
            "Modifica della procedura di co-progettazione".to_string(),
            format!("{BASE}/{id}/modifica"),
        ),
    };
    let mut holders = holder_options(state, ctx, zone_id).await?;
    // A holder written otherwise in the source ("AUSL …") stays selectable.
    let current = forms::value(values, "titolare");
    if !current.is_empty() && !holders.iter().any(|(v, _)| v == current) {
        holders.push((current.to_string(), current.to_string()));
    }
    Ok(EntryPage {
        page: PageCtx::new(ctx, heading.clone())
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        heading,
        action,
        cancel_href: BASE.to_string(),
        fields: fields(holders, values, errors),
        errors_summary: forms::summary(errors),
        conflict,
    }
    .respond())
}

fn saved_message(what: &str, warnings: &[String]) -> (FlashKind, String) {
    if warnings.is_empty() {
        (FlashKind::Success, what.to_string())
    } else {
        (
            FlashKind::Warning,
            format!("{what} Da verificare: {}", warnings.join(" ")),
        )
    }
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = FormValues::from([("pubblicata".into(), "si".into())]);
    form_page(
        &state,
        &ctx,
        zone_id,
        None,
        &values,
        &FieldErrors::new(),
        false,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values).await? {
        Ok((input, warnings)) => {
            let id = store::create_agreement(&state.db, &ctx.actor(), &input).await?;
            let (kind, msg) = saved_message("Procedura registrata.", &warnings);
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}")),
                kind,
                &msg,
            ))
        }
        Err(e) => form_page(&state, &ctx, zone_id, None, &values, &e, false).await,
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, a) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(id),
        &values_of(&a),
        &FieldErrors::new(),
        false,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values).await? {
        Ok((input, warnings)) => {
            match store::update_agreement(
                &state.db,
                &ctx.actor(),
                id,
                forms::version(&values),
                &input,
            )
            .await
            {
                Ok(()) => {
                    let (kind, msg) = saved_message("Procedura aggiornata.", &warnings);
                    Ok(with_flash(
                        Redirect::to(&format!("{BASE}/{id}")),
                        kind,
                        &msg,
                    ))
                }
                Err(StoreError::Conflict) => {
                    form_page(
                        &state,
                        &ctx,
                        zone_id,
                        Some(id),
                        &values,
                        &FieldErrors::new(),
                        true,
                    )
                    .await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => form_page(&state, &ctx, zone_id, Some(id), &values, &e, false).await,
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, a) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let short: String = a.row.subject.chars().take(120).collect();
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Eliminare la procedura?")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        heading: "Eliminare la procedura?".into(),
        text: format!(
            "La procedura «{short}» sarà tolta dal registro e dall'elenco pubblico. Usare solo per una riga inserita per errore: il registro delle modifiche ne conserva il contenuto."
        ),
        action: format!("{BASE}/{id}/elimina?versione={}", a.row.version),
        confirm_label: "Elimina la procedura",
        cancel_href: format!("{BASE}/{id}"),
        destructive: true,
    }))
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let version = forms::query_version(&q);
    after_delete(
        store::delete_agreement(&state.db, &ctx.actor(), id, version).await,
        BASE,
        &format!("{BASE}/{id}"),
        "Procedura eliminata.",
        "La procedura è stata modificata da un'altra persona: controllarla e riprovare.",
    )
}

// ---------------------------------------------------------------- import

#[derive(Template)]
#[template(path = "codesign_import.html")]
struct ImportPage {
    page: PageCtx,
    errors: Vec<String>,
}

async fn import_page(ctx: &Ctx, errors: Vec<String>) -> PageResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        page: PageCtx::new(ctx, "Importa procedure di co-progettazione")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        errors,
    };
    Ok((status, render_page(&page)).into_response())
}

async fn import_form(ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    import_page(&ctx, Vec::new()).await
}

async fn import(State(state): State<AppState>, ctx: Ctx, multipart: Multipart) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let upload = forms::Upload::read(multipart).await?;
    let published = forms::value(&upload.fields, "pubblicate") != "no";
    let file = upload.non_empty_file().map(|(n, b)| (n.to_lowercase(), b));
    let Some((name, bytes)) = file else {
        return import_page(&ctx, vec!["Scegliere un file CSV o Excel.".into()]).await;
    };
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") {
        return import_page(
            &ctx,
            vec!["Il file deve essere un CSV (;) o un Excel (.xlsx).".into()],
        )
        .await;
    }
    match cd::parse_import(&state.db, zone_id, &bytes, xlsx, published).await? {
        Err(errors) => import_page(&ctx, errors).await,
        Ok(imported) => {
            let n = imported.inputs.len();
            store::create_agreements(&state.db, &ctx.actor(), &imported.inputs).await?;
            let what = if n == 1 {
                "1 procedura importata.".to_string()
            } else {
                format!("{n} procedure importate.")
            };
            let (kind, msg) = saved_message(&what, &imported.warnings);
            Ok(with_flash(Redirect::to(BASE), kind, &msg))
        }
    }
}
