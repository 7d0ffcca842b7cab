//! The network of services: overview per zone, facility cards and their
//! entry, the services matrix as an editable grid, the DM 77/2022 check and
//! its standards, and the public pages of the facilities.

use super::common::{require, same_zone, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{form_status, ConfirmPage, EntryPage};
use super::{AppError, AppState};
use crate::network::{self as nw};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::{BTreeMap, HashMap};
use zona_core::authz::Action;
use zona_core::network::{
    parse_count, CareLevel, FacilityKind, FacilityStatus, HouseHours, HubSpoke, Measure, Presence,
    Rate, Standard,
};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_reports::{ExportFormat, Table};
use zona_store::network::{self as store, Beds, Facility, FacilityInput, ManualCount};
use zona_store::territory::{self, ListQuery};
use zona_store::{Page, StoreError};

pub const BASE: &str = "/servizi";
pub const PUBLIC_BASE: &str = "/strutture";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(overview))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(
            &format!("{BASE}/strutture/nuova"),
            get(new_form).post(create),
        )
        .route(&format!("{BASE}/strutture/{{id}}"), get(detail))
        .route(
            &format!("{BASE}/strutture/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(
            &format!("{BASE}/strutture/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(&format!("{BASE}/matrice"), get(matrix).post(save_matrix))
        .route(&format!("{BASE}/matrice/esporta"), get(export_matrix))
        .route(&format!("{BASE}/dm77"), get(dm77))
        .route(
            &format!("{BASE}/dm77/consultori"),
            axum::routing::post(save_clinic_rate),
        )
        .route(&format!("{BASE}/dm77/esporta"), get(export_dm77))
        .route(
            &format!("{BASE}/dm77/{{code}}"),
            get(standard_form).post(save_standard),
        )
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/{{id}}"), get(public_detail))
}

/// The name of the user's zone, for document subtitles.
pub fn zone_name(ctx: &Ctx) -> String {
    ctx.zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_else(|| "Zona".into())
}

fn crumbs(page: PageCtx) -> PageCtx {
    page.crumb("Servizi", BASE)
}

/// Sends a table in the format asked for (CSV, XLSX, JSON or PDF).
pub fn send_table(
    table: &Table,
    format: Option<&str>,
    subtitle: &str,
    widths: &[u32],
) -> Result<Response, AppError> {
    // The day printed on the export and in its name: the system's.
    let today = crate::Clock::system().today();
    if format == Some("pdf") {
        let bytes = zona_reports::pdf::table_pdf(table, subtitle, widths, today)
            .map_err(anyhow::Error::from)?;
        let name = format!("{}-{today}.pdf", slug(&table.title));
        return download(
            bytes,
            "application/pdf",
            &format!("attachment; filename=\"{name}\""),
        );
    }
    let format = format.and_then(ExportFormat::parse).ok_or_else(|| {
        AppError::BadRequest(
            "Formato di esportazione non valido: scegliere CSV, Excel, JSON o PDF.".into(),
        )
    })?;
    let bytes = table.write(format).map_err(anyhow::Error::from)?;
    let name = table.file_name(format, today);
    download(
        bytes,
        format.content_type(),
        &format!("attachment; filename=\"{name}\""),
    )
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

// ---------------------------------------------------------------- overview

pub struct FacilityView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub hub_spoke: String,
    pub opening_hours: String,
    pub catchment: String,
    pub municipality: String,
    pub status: &'static str,
    pub open: bool,
    pub beds: String,
    pub services: Vec<String>,
}

impl FacilityView {
    fn of(f: &Facility, labels: &HashMap<String, String>) -> FacilityView {
        let r = &f.row;
        FacilityView {
            id: r.id,
            name: r.name.clone(),
            kind: f.kind().label(),
            hub_spoke: f
                .hub_spoke()
                .map(|h| h.label().to_string())
                .unwrap_or_default(),
            opening_hours: r.opening_hours.clone().unwrap_or_default(),
            catchment: nw::range_text(r.catchment, None),
            municipality: r.municipality_name.clone().unwrap_or_default(),
            status: f.status().label(),
            open: f.status() == FacilityStatus::Open,
            beds: nw::beds_text(f),
            services: f
                .services
                .iter()
                .map(|c| labels.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect(),
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
#[template(path = "network_index.html")]
struct OverviewPage {
    page: PageCtx,
    office: bool,
    filters: Vec<Choice>,
    text: String,
    query: String,
    rows: Vec<FacilityView>,
    counter: String,
    /// Kind × municipality: (kind, counts per municipality column, total).
    by_kind: Vec<(&'static str, Vec<usize>, usize)>,
    municipalities: Vec<String>,
    beds: Vec<(String, i64)>,
    beds_total: i64,
    coverage: Vec<(String, usize)>,
    houses: usize,
}

fn filter_facilities<'a>(all: &'a [Facility], q: &HashMap<String, String>) -> Vec<&'a Facility> {
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let text = pick("q").map(|t| t.to_lowercase());
    all.iter()
        .filter(|f| pick("tipo").is_none_or(|k| f.row.kind == k))
        .filter(|f| pick("stato").is_none_or(|s| f.row.status == s))
        .filter(|f| {
            pick("comune")
                .is_none_or(|m| f.row.municipality_id.map(|i| i.to_string()).as_deref() == Some(m))
        })
        .filter(|f| {
            text.as_ref().is_none_or(|t| {
                f.row.name.to_lowercase().contains(t)
                    || f.row
                        .address
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(t)
            })
        })
        .collect()
}

async fn municipality_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let (ms, _) = territory::list_municipalities(&state.db, &q, Page::all()).await?;
    Ok(ms.into_iter().map(|m| (m.id.to_string(), m.name)).collect())
}

/// A select's options with a first "all"/"none" entry.
pub fn with_all(label: &str, options: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), label.to_string())];
    v.extend(options);
    v
}

fn kind_options() -> Vec<(String, String)> {
    FacilityKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

fn status_options() -> Vec<(String, String)> {
    FacilityStatus::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

async fn labels(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(nw::service_terms(&state.db).await?.into_iter().collect())
}

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let terms = nw::service_terms(&state.db).await?;
    let labels: HashMap<String, String> = terms.iter().cloned().collect();
    let ms = municipality_options(&state, zone_id).await?;
    let shown = filter_facilities(&all, &q);
    // Summaries of the whole network, not of the filtered list.
    let mut by_kind = Vec::new();
    for k in FacilityKind::ALL {
        let of_kind: Vec<&Facility> = all.iter().filter(|f| f.kind() == *k).collect();
        if of_kind.is_empty() {
            continue;
        }
        let counts: Vec<usize> = ms
            .iter()
            .map(|(id, _)| {
                of_kind
                    .iter()
                    .filter(|f| f.row.municipality_id.map(|i| i.to_string()).as_deref() == Some(id))
                    .count()
            })
            .collect();
        by_kind.push((k.label(), counts, of_kind.len()));
    }
    let mut beds: BTreeMap<usize, (String, i64)> = BTreeMap::new();
    for f in &all {
        for b in &f.beds {
            let i = CareLevel::ALL
                .iter()
                .position(|l| *l == b.care_level)
                .unwrap_or(0);
            let e = beds
                .entry(i)
                .or_insert_with(|| (b.care_level.label().to_string(), 0));
            e.1 += b.beds;
        }
    }
    let houses: Vec<&Facility> = nw::matrix_facilities(&all, FacilityKind::CommunityHouse);
    let coverage = terms
        .into_iter()
        .map(|(code, label)| {
            let n = houses.iter().filter(|h| h.services.contains(&code)).count();
            (label, n)
        })
        .collect();
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let filters = vec![
        Choice {
            name: "tipo",
            label: "Tipo",
            options: with_all("Tutti i tipi", kind_options()),
            value: value("tipo"),
        },
        Choice {
            name: "comune",
            label: "Comune",
            options: with_all("Tutti i comuni", ms.clone()),
            value: value("comune"),
        },
        Choice {
            name: "stato",
            label: "Stato",
            options: with_all("Tutti gli stati", status_options()),
            value: value("stato"),
        },
    ];
    let counter = match shown.len() {
        0 => "Nessuna struttura trovata.".to_string(),
        1 => "1 struttura.".to_string(),
        n => format!("{n} strutture."),
    };
    let beds_total = beds.values().map(|(_, n)| n).sum();
    Ok(render_page(&OverviewPage {
        page: PageCtx::new(&ctx, "Rete dei servizi"),
        office: ctx.allows(Action::Administer { zone_id }),
        filters,
        text: value("q"),
        query: super::planning::query_string(&q),
        rows: shown.iter().map(|f| FacilityView::of(f, &labels)).collect(),
        counter,
        by_kind,
        municipalities: ms.into_iter().map(|(_, n)| n).collect(),
        beds: beds.into_values().collect(),
        beds_total,
        coverage,
        houses: houses.len(),
    }))
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let shown: Vec<Facility> = filter_facilities(&all, &q).into_iter().cloned().collect();
    send_table(
        &nw::facilities_table(&shown),
        q.get("format").map(String::as_str),
        &zone_name(&ctx),
        &[4, 3, 1, 2, 2, 2, 2, 2, 1, 3, 1, 4, 2, 2, 3],
    )
}

// ---------------------------------------------------------------- one facility

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(i64, Facility), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let f = store::get_facility(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, f.row.zone_id)?;
    Ok((zone_id, f))
}

#[derive(Template)]
#[template(path = "facility_detail.html")]
struct DetailPage {
    page: PageCtx,
    public: bool,
    office: bool,
    f: FacilityView,
    facts: Vec<(&'static str, String)>,
    beds: Vec<(String, i64, String)>,
}

fn facts(f: &Facility) -> Vec<(&'static str, String)> {
    let r = &f.row;
    let mut v: Vec<(&'static str, String)> = vec![("Tipo", f.kind().label().to_string())];
    let mut add = |k: &'static str, val: Option<String>| {
        if let Some(x) = val.filter(|x| !x.is_empty()) {
            v.push((k, x));
        }
    };
    add("Hub o spoke", f.hub_spoke().map(|h| h.label().to_string()));
    add("Apertura", r.opening_hours.clone());
    add(
        "Utenti di riferimento",
        r.catchment
            .map(|c| format!("circa {}", nw::range_text(Some(c), None))),
    );
    add("Comune", r.municipality_name.clone());
    add("Indirizzo", r.address.clone());
    add("Stato", Some(f.status().label().to_string()));
    add("Posti", r.places.map(|p| nw::range_text(Some(p), None)));
    add("Caratterizzazione", r.focus.clone());
    add(
        "Utenti all'anno",
        Some(nw::range_text(r.users_min, r.users_max)),
    );
    add(
        "Accessi all'anno",
        r.accesses.map(|a| nw::range_text(Some(a), None)),
    );
    add("Progetto di finanziamento", r.project_title.clone());
    add("Note", r.notes.clone());
    v
}

async fn detail_page(state: &AppState, ctx: &Ctx, f: &Facility, public: bool) -> PageResult {
    let labels = labels(state).await?;
    let page = PageCtx::new(ctx, f.row.name.clone());
    let page = if public {
        page.crumb("Strutture", PUBLIC_BASE)
    } else {
        crumbs(page)
    };
    let mut facts = facts(f);
    if public {
        facts.retain(|(k, _)| *k != "Note" && *k != "Progetto di finanziamento");
    }
    Ok(render_page(&DetailPage {
        page,
        public,
        office: !public
            && ctx.allows(Action::Administer {
                zone_id: f.row.zone_id,
            }),
        f: FacilityView::of(f, &labels),
        facts,
        beds: f
            .beds
            .iter()
            .map(|b| {
                (
                    b.care_level.label().to_string(),
                    b.beds,
                    b.note.clone().unwrap_or_default(),
                )
            })
            .collect(),
    }))
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (_, f) = load(&state, &ctx, id).await?;
    detail_page(&state, &ctx, &f, false).await
}

/// The staff presence of a Casa della Comunità, as DM 77/2022 sets it:
/// hours a day and days a week, of doctors and of nurses.
const PRESENCE_FIELDS: [(&str, &str, &str); 4] = [
    (
        "medici_ore",
        "Presenza medica: ore al giorno",
        "Solo per le Case della Comunità: da 1 a 24 (standard: hub 24, spoke 12).",
    ),
    (
        "medici_giorni",
        "Presenza medica: giorni a settimana",
        "Da 1 a 7 (standard: hub 7, spoke 6).",
    ),
    (
        "infermieri_ore",
        "Presenza infermieristica: ore al giorno",
        "Da 1 a 24 (standard: hub e spoke 12).",
    ),
    (
        "infermieri_giorni",
        "Presenza infermieristica: giorni a settimana",
        "Da 1 a 7 (standard: hub 7, spoke 6).",
    ),
];

const BED_FIELDS: [(CareLevel, &str, &str); 5] = [
    (
        CareLevel::LowCare,
        "letti_low_care",
        "Posti letto low care (I livello)",
    ),
    (CareLevel::First, "letti_first", "Posti letto I livello"),
    (CareLevel::Second, "letti_second", "Posti letto II livello"),
    (
        CareLevel::FirstSecond,
        "letti_first_second",
        "Posti letto I e II livello (non distinti)",
    ),
    (CareLevel::Third, "letti_third", "Posti letto III livello"),
];

async fn fields(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
    errors: &FieldErrors,
) -> Result<Vec<Field>, AppError> {
    let projects = zona_store::projects::list_projects(&state.db, zone_id).await?;
    let mut v = vec![
        Field::text("nome", "Nome della struttura")
            .required()
            .bind(values, errors),
        Field::select("tipo", "Tipo", with_all("Scegli il tipo", kind_options()))
            .required()
            .bind(values, errors),
        Field::select(
            "hub_spoke",
            "Hub o spoke",
            with_all(
                "Non si applica",
                HubSpoke::ALL
                    .iter()
                    .map(|h| (h.code().to_string(), h.label().to_string()))
                    .collect(),
            ),
        )
        .hint("Solo per le Case della Comunità (DM 77/2022): obbligatorio per queste.")
        .bind(values, errors),
        Field::text("apertura", "Apertura")
            .hint("Per esempio «h24 7 giorni su 7» o «h12 6 giorni su 7».")
            .bind(values, errors),
    ];
    for (name, label, hint) in PRESENCE_FIELDS {
        v.push(
            Field::new(name, label, FieldKind::Number)
                .hint(hint)
                .bind(values, errors),
        );
    }
    v.extend([
        Field::new("utenti", "Utenti di riferimento", FieldKind::Number)
            .hint("Bacino di utenza, un numero intero (per esempio 34.000).")
            .bind(values, errors),
        Field::select(
            "comune",
            "Comune",
            with_all(
                "Scegli il comune",
                municipality_options(state, zone_id).await?,
            ),
        )
        .bind(values, errors),
        Field::text("indirizzo", "Indirizzo").bind(values, errors),
        Field::select("stato", "Stato", status_options())
            .required()
            .bind(values, errors),
    ]);
    for (_, name, label) in BED_FIELDS {
        v.push(
            Field::new(name, label, FieldKind::Number)
                .hint("Numero intero, non negativo; vuoto se non ce ne sono.")
                .bind(values, errors),
        );
    }
    v.extend([
        Field::new("posti", "Posti (persone accolte)", FieldKind::Number)
            .hint("Per strutture residenziali come un appartamento «dopo di noi».")
            .bind(values, errors),
        Field::new(
            "caratterizzazione",
            "Caratterizzazione",
            FieldKind::Textarea,
        )
        .hint("Per i consultori: le attività per cui la struttura è punto di riferimento.")
        .bind(values, errors),
        Field::new("utenti_min", "Utenti all'anno (da)", FieldKind::Number).bind(values, errors),
        Field::new("utenti_max", "Utenti all'anno (a)", FieldKind::Number)
            .hint("Vuoto se il dato è un numero solo.")
            .bind(values, errors),
        Field::new("accessi", "Accessi all'anno", FieldKind::Number).bind(values, errors),
        Field::select(
            "progetto",
            "Progetto di finanziamento",
            with_all(
                "Nessuno",
                projects
                    .into_iter()
                    .map(|p| (p.row.id.to_string(), p.row.title))
                    .collect(),
            ),
        )
        .hint("Per esempio il progetto PNRR che finanzia la struttura.")
        .bind(values, errors),
        Field::new("note", "Note", FieldKind::Textarea).bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]);
    Ok(v)
}

fn values_of(f: &Facility) -> FormValues {
    let r = &f.row;
    let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut v = FormValues::from([
        ("nome".into(), r.name.clone()),
        ("tipo".into(), r.kind.clone()),
        ("hub_spoke".into(), r.hub_spoke.clone().unwrap_or_default()),
        (
            "apertura".into(),
            r.opening_hours.clone().unwrap_or_default(),
        ),
        ("utenti".into(), n(r.catchment)),
        ("comune".into(), n(r.municipality_id)),
        ("indirizzo".into(), r.address.clone().unwrap_or_default()),
        ("stato".into(), r.status.clone()),
        ("posti".into(), n(r.places)),
        (
            "caratterizzazione".into(),
            r.focus.clone().unwrap_or_default(),
        ),
        ("utenti_min".into(), n(r.users_min)),
        ("utenti_max".into(), n(r.users_max)),
        ("accessi".into(), n(r.accesses)),
        ("progetto".into(), n(r.project_id)),
        ("note".into(), r.notes.clone().unwrap_or_default()),
        ("version".into(), r.version.to_string()),
        ("medici_ore".into(), n(r.doctor_hours)),
        ("medici_giorni".into(), n(r.doctor_days)),
        ("infermieri_ore".into(), n(r.nurse_hours)),
        ("infermieri_giorni".into(), n(r.nurse_days)),
    ]);
    for (level, name, _) in BED_FIELDS {
        v.insert(name.into(), n(f.beds_at(level).map(|b| b.beds)));
    }
    v
}

fn optional_count(values: &FormValues, name: &str, e: &mut FieldErrors) -> Option<i64> {
    let s = forms::value(values, name).trim();
    if s.is_empty() {
        return None;
    }
    e.check(name, parse_count(s)).map(i64::from)
}

/// Reads the facility form; every error is reported at once.
async fn parse_form(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
) -> Result<Result<FacilityInput, FieldErrors>, AppError> {
    let mut e = FieldErrors::new();
    let name = e.check("nome", required_text(forms::value(values, "nome"), 200));
    let kind = match FacilityKind::from_code(forms::value(values, "tipo")) {
        Some(k) => Some(k),
        None => {
            e.add("tipo", "Scegliere il tipo di struttura.");
            None
        }
    };
    let hub_spoke = HubSpoke::from_code(forms::value(values, "hub_spoke"));
    match (kind, hub_spoke) {
        (Some(FacilityKind::CommunityHouse), None) => e.add(
            "hub_spoke",
            "Per una Casa della Comunità indicare se è hub o spoke.",
        ),
        (Some(k), Some(_)) if k != FacilityKind::CommunityHouse => e.add(
            "hub_spoke",
            "Hub e spoke si indicano solo per le Case della Comunità.",
        ),
        _ => {}
    }
    let status = FacilityStatus::from_code(forms::value(values, "stato"));
    if status.is_none() {
        e.add("stato", "Scegliere lo stato.");
    }
    let opening = e.check(
        "apertura",
        optional_text(forms::value(values, "apertura"), 60),
    );
    let address = e.check(
        "indirizzo",
        optional_text(forms::value(values, "indirizzo"), 200),
    );
    let focus = e.check(
        "caratterizzazione",
        optional_text(forms::value(values, "caratterizzazione"), 2000),
    );
    let notes = e.check("note", optional_text(forms::value(values, "note"), 2000));
    let catchment = optional_count(values, "utenti", &mut e);
    let places = optional_count(values, "posti", &mut e);
    let users_min = optional_count(values, "utenti_min", &mut e);
    let users_max = optional_count(values, "utenti_max", &mut e);
    let accesses = optional_count(values, "accessi", &mut e);
    if let (Some(a), Some(b)) = (users_min, users_max) {
        if b < a {
            e.add(
                "utenti_max",
                "Il secondo numero non può essere inferiore al primo.",
            );
        }
    }
    if users_max.is_some() && users_min.is_none() {
        e.add("utenti_min", "Indicare il primo numero dell'intervallo.");
    }
    let mut beds = Vec::new();
    for (level, name, _) in BED_FIELDS {
        if let Some(n) = optional_count(values, name, &mut e) {
            beds.push(Beds {
                care_level: level,
                beds: n,
                note: None,
            });
        }
    }
    let presence = |hours: &str, days: &str, e: &mut FieldErrors| -> Option<Presence> {
        let h = optional_count(values, hours, e);
        let d = optional_count(values, days, e);
        match (h, d) {
            (None, None) => None,
            (Some(_), None) => {
                e.add(days, "Indicare anche i giorni a settimana.");
                None
            }
            (None, Some(_)) => {
                e.add(hours, "Indicare anche le ore al giorno.");
                None
            }
            (Some(h), Some(d)) => match Presence::new(h as u64, d as u64) {
                Ok(p) => Some(p),
                Err(m) => {
                    e.add(if (1..=24).contains(&h) { days } else { hours }, m);
                    None
                }
            },
        }
    };
    let hours = HouseHours {
        doctors: presence("medici_ore", "medici_giorni", &mut e),
        nurses: presence("infermieri_ore", "infermieri_giorni", &mut e),
    };
    if hours != HouseHours::default() && kind.is_some_and(|k| k != FacilityKind::CommunityHouse) {
        e.add(
            "medici_ore",
            "La presenza di medici e infermieri si indica solo per le Case della Comunità.",
        );
    }
    let municipality_id = forms::optional_id(values, "comune", &mut e);
    if let Some(m) = municipality_id {
        let ok = territory::get_municipality(&state.db, m)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ok {
            e.add("comune", "Comune non valido per questa zona.");
        }
    }
    let project_id = forms::optional_id(values, "progetto", &mut e);
    if let Some(p) = project_id {
        let ok = zona_store::projects::get_project(&state.db, p)
            .await?
            .is_some_and(|x| x.row.zone_id == zone_id);
        if !ok {
            e.add("progetto", "Progetto non valido per questa zona.");
        }
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    Ok(Ok(FacilityInput {
        zone_id,
        kind: kind.expect("checked"),
        name: name.expect("checked"),
        hub_spoke,
        opening_hours: opening.flatten(),
        catchment,
        address: address.flatten(),
        municipality_id,
        status: status.expect("checked"),
        focus: focus.flatten(),
        users_min,
        users_max,
        accesses,
        places,
        project_id,
        notes: notes.flatten(),
        beds,
        hours,
    }))
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    id: Option<i64>,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let (heading, action, cancel) = match id {
        None => (
            "Nuova struttura".to_string(),
            format!("{BASE}/strutture/nuova"),
            BASE.to_string(),
        ),
        Some(id) => (
            "Modifica della struttura".to_string(),
            format!("{BASE}/strutture/{id}/modifica"),
            format!("{BASE}/strutture/{id}"),
        ),
    };
    Ok(EntryPage {
        page: crumbs(PageCtx::new(ctx, heading.clone())),
        heading,
        action,
        cancel_href: cancel,
        fields: fields(state, zone_id, values, errors).await?,
        errors_summary: forms::summary(errors),
        conflict,
    }
    .respond())
}

fn duplicate_name() -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add(
        "nome",
        "Esiste già una struttura con questo nome nella zona.",
    );
    e
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = FormValues::from([("stato".into(), "planned".into())]);
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
    let input = match parse_form(&state, zone_id, &values).await? {
        Ok(i) => i,
        Err(e) => return form_page(&state, &ctx, zone_id, None, &values, &e, false).await,
    };
    match store::create_facility(&state.db, &ctx.actor(), &input).await {
        Ok(id) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/strutture/{id}")),
            FlashKind::Success,
            "Struttura registrata.",
        )),
        Err(StoreError::Duplicate { .. }) => {
            form_page(
                &state,
                &ctx,
                zone_id,
                None,
                &values,
                &duplicate_name(),
                false,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, f) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(id),
        &values_of(&f),
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
    let input = match parse_form(&state, zone_id, &values).await? {
        Ok(i) => i,
        Err(e) => return form_page(&state, &ctx, zone_id, Some(id), &values, &e, false).await,
    };
    match store::update_facility(&state.db, &ctx.actor(), id, forms::version(&values), &input).await
    {
        Ok(()) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/strutture/{id}")),
            FlashKind::Success,
            "Struttura aggiornata.",
        )),
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
        Err(StoreError::Duplicate { .. }) => {
            form_page(
                &state,
                &ctx,
                zone_id,
                Some(id),
                &values,
                &duplicate_name(),
                false,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, f) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    Ok(render_page(&ConfirmPage {
        page: crumbs(PageCtx::new(&ctx, "Eliminare la struttura?")),
        heading: "Eliminare la struttura?".into(),
        text: format!(
            "La struttura «{}» sarà tolta dalla rete, dalla matrice dei servizi e dalla verifica degli standard. Usare solo per una struttura inserita per errore (per una struttura chiusa, cambiarne lo stato): il registro delle modifiche ne conserva il contenuto.",
            f.row.name
        ),
        action: format!("{BASE}/strutture/{id}/elimina?versione={}", f.row.version),
        confirm_label: "Elimina la struttura",
        cancel_href: format!("{BASE}/strutture/{id}"),
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
        store::delete_facility(&state.db, &ctx.actor(), id, version).await,
        BASE,
        &format!("{BASE}/strutture/{id}"),
        "Struttura eliminata.",
        "La struttura è stata modificata da un'altra persona: controllarla e riprovare.",
    )
}

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

fn matrix_kind(q: &HashMap<String, String>) -> FacilityKind {
    q.get("tipo")
        .and_then(|k| FacilityKind::from_code(k))
        .unwrap_or(FacilityKind::CommunityHouse)
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

async fn matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    matrix_page(&state, &ctx, zone_id, matrix_kind(&q), None).await
}

/// The grid posts `struttura=<id>` and `versione=<id>:<version>` for every
/// column shown and `cella=<id>:<service>` for every ticked cell.
async fn save_matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let kind = pairs
        .iter()
        .find(|(k, _)| k == "tipo")
        .and_then(|(_, v)| FacilityKind::from_code(v))
        .unwrap_or(FacilityKind::CommunityHouse);
    let known: HashMap<String, String> = nw::service_terms(&state.db).await?.into_iter().collect();
    // Facilities of another zone are refused by the store (not found).
    let mut grid: Vec<(i64, Vec<String>)> = Vec::new();
    for (k, v) in &pairs {
        if k == "struttura" {
            let id: i64 = v
                .parse()
                .map_err(|_| AppError::BadRequest("Struttura non valida.".into()))?;
            grid.push((id, Vec::new()));
        }
    }
    for (k, v) in &pairs {
        if k != "cella" {
            continue;
        }
        let (id, code) = v
            .split_once(':')
            .ok_or_else(|| AppError::BadRequest("Cella non valida.".into()))?;
        if !known.contains_key(code) {
            let msg = format!(
                "Servizio sconosciuto: «{code}». Scegliere un servizio del catalogo (Amministrazione › Elenchi › Catalogo dei servizi). Nessuna modifica è stata salvata."
            );
            return matrix_page(&state, &ctx, zone_id, kind, Some(MatrixError::Invalid(msg))).await;
        }
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::BadRequest("Cella non valida.".into()))?;
        match grid.iter_mut().find(|(f, _)| *f == id) {
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
    // The version of each column as read: `versione=<id>:<version>`.
    let versions: HashMap<i64, i64> = pairs
        .iter()
        .filter(|(k, _)| k == "versione")
        .filter_map(|(_, v)| {
            let (id, version) = v.split_once(':')?;
            Some((id.parse().ok()?, version.parse().ok()?))
        })
        .collect();
    let changed = match store::set_services(&state.db, &ctx.actor(), zone_id, &grid, &versions)
        .await
    {
        Ok(n) => n,
        Err(StoreError::Conflict) => {
            let mine = unsaved_changes(&state, zone_id, &grid, &known).await?;
            let msg = format!("Nel frattempo un'altra persona ha modificato i servizi di una o più di queste strutture: per non annullare le sue modifiche, nessuna modifica è stata salvata. La griglia mostra ora i dati aggiornati: ripeti le tue modifiche e salva.{mine}");
            return matrix_page(
                &state,
                &ctx,
                zone_id,
                kind,
                Some(MatrixError::Conflict(msg)),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let msg = match changed {
        0 => "Nessuna modifica.".to_string(),
        1 => "Servizi aggiornati per 1 struttura.".to_string(),
        n => format!("Servizi aggiornati per {n} strutture."),
    };
    Ok(with_flash(
        Redirect::to(&format!("{BASE}/matrice?tipo={}", kind.code())),
        FlashKind::Success,
        &msg,
    ))
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

async fn export_matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let cols = nw::matrix_facilities(&all, matrix_kind(&q));
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

// ---------------------------------------------------------------- DM 77

#[derive(Template)]
#[template(path = "network_dm77.html")]
struct Dm77Page {
    page: PageCtx,
    office: bool,
    population: String,
    check: nw::Dm77Check,
}

async fn dm77(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let check = nw::dm77_check(&state.db, zone_id).await?;
    Ok(render_page(&Dm77Page {
        page: crumbs(PageCtx::new(&ctx, "Standard DM 77/2022")),
        office: ctx.allows(Action::Administer { zone_id }),
        population: zona_core::format::thousands(check.population),
        check,
    }))
}

/// The zone's choice of the higher family-clinic rate in its inner areas.
async fn save_clinic_rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let apply = match forms::value(&values, "aree_interne") {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest("Scelta non valida.".into())),
    };
    let back = Redirect::to(&format!("{BASE}/dm77"));
    match territory::set_family_clinics_inner_rate(
        &state.db,
        &ctx.actor(),
        zone_id,
        forms::version(&values),
        apply,
    )
    .await
    {
        Ok(()) => Ok(with_flash(
            back,
            FlashKind::Success,
            if apply {
                "Consultori: la zona applica 1 ogni 10.000 abitanti nei comuni delle aree interne."
            } else {
                "Consultori: la zona applica 1 ogni 20.000 abitanti in tutti i comuni."
            },
        )),
        Err(StoreError::Conflict) => Ok(with_flash(
            back,
            FlashKind::Danger,
            "La zona è stata modificata da un'altra persona mentre compilavi: la scelta non è stata salvata. Controlla e ripeti.",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn export_dm77(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let c = nw::dm77_check(&state.db, zone_id).await?;
    send_table(
        &nw::dm77_table(&c),
        q.get("format").map(String::as_str),
        &format!(
            "{} – popolazione {} = {} – {}",
            zone_name(&ctx),
            zona_core::format::thousands(c.population),
            c.population_how,
            c.verdict.text()
        ),
        &nw::DM77_WIDTHS,
    )
}

async fn load_standard(state: &AppState, code: &str) -> Result<store::StoredStandard, AppError> {
    store::get_standard(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)
}

fn standard_fields(values: &FormValues, errors: &FieldErrors, manual: bool) -> Vec<Field> {
    let measures = Measure::ALL
        .iter()
        .map(|m| (m.code().to_string(), m.label().to_string()))
        .collect();
    let mut v = vec![
        Field::text("etichetta", "Standard").required().bind(values, errors),
        Field::new("min_quanti", "Almeno (quantità)", FieldKind::Number)
            .required()
            .hint("Per esempio 20 (posti letto) o 1 (struttura).")
            .bind(values, errors),
        Field::new("min_ogni", "ogni … abitanti", FieldKind::Number)
            .required()
            .bind(values, errors),
        Field::new("max_quanti", "Al più (quantità)", FieldKind::Number)
            .hint("Solo se la norma dà un intervallo (per esempio 1 ogni 40.000-50.000: al più 1 ogni 40.000).")
            .bind(values, errors),
        Field::new("max_ogni", "ogni … abitanti (massimo)", FieldKind::Number).bind(values, errors),
        Field::new("interne_quanti", "Nelle aree interne, se la zona lo sceglie (quantità)", FieldKind::Number)
            .hint("Solo se la norma prevede un parametro più alto per le aree interne e rurali (consultori: 1 ogni 10.000).")
            .bind(values, errors),
        Field::new("interne_ogni", "ogni … abitanti (aree interne)", FieldKind::Number).bind(values, errors),
        Field::select("misura", "Come si contano gli esistenti", measures)
            .required()
            .bind(values, errors),
        Field::new("fonte", "Fonte normativa", FieldKind::Textarea)
            .required()
            .bind(values, errors),
    ];
    if manual {
        v.extend([
            Field::new("attivi", "Esistenti nella zona: attivi", FieldKind::Number)
                .hint("Per gli standard contati a mano (personale, équipe). Vuoto se il dato non è disponibile. Per il personale in unità equivalenti a tempo pieno, due decimali: 0,50 è mezzo posto.")
                .bind(values, errors),
            Field::new("programmati", "Esistenti nella zona: programmati", FieldKind::Number)
                .bind(values, errors),
            Field::text("nota", "Nota sul dato (fonte, data)").bind(values, errors),
        ]);
    }
    v.push(Field::new("version", "", FieldKind::Hidden).bind(values, errors));
    v
}

async fn standard_page(
    ctx: &Ctx,
    s: &store::StoredStandard,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let manual = s.standard.measure == Measure::Manual;
    let mut page = super::views::FormPage::new(
        crumbs(PageCtx::new(ctx, s.standard.label.clone()))
            .crumb("Standard DM 77/2022", format!("{BASE}/dm77")),
        format!("Standard: {}", s.standard.label),
        format!("{BASE}/dm77/{}", s.standard.code),
        standard_fields(values, errors, manual),
    );
    page.intro = "Gli standard valgono per tutte le zone: modificarli quando cambia la norma, indicando la nuova fonte. Il dato «esistenti» degli standard contati a mano è invece della zona.".into();
    page.cancel_href = format!("{BASE}/dm77");
    page.errors_summary = forms::summary(errors);
    if conflict {
        page.errors_summary = Some(
            "Lo standard è stato modificato da un'altra persona: ricaricare la pagina e riprovare."
                .into(),
        );
    }
    let status = form_status(conflict, !errors.is_empty());
    Ok((status, render_page(&page)).into_response())
}

async fn standard_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let s = load_standard(&state, &code).await?;
    let st = &s.standard;
    let manual = store::manual_counts(&state.db, zone_id)
        .await?
        .remove(&code);
    let values = FormValues::from([
        ("etichetta".into(), st.label.clone()),
        ("min_quanti".into(), st.min.amount.to_string()),
        ("min_ogni".into(), st.min.per.to_string()),
        (
            "max_quanti".into(),
            st.max.map(|r| r.amount.to_string()).unwrap_or_default(),
        ),
        (
            "max_ogni".into(),
            st.max.map(|r| r.per.to_string()).unwrap_or_default(),
        ),
        ("misura".into(), st.measure.code().to_string()),
        ("fonte".into(), st.source.clone()),
        (
            "interne_quanti".into(),
            st.inner_rate
                .map(|r| r.amount.to_string())
                .unwrap_or_default(),
        ),
        (
            "interne_ogni".into(),
            st.inner_rate.map(|r| r.per.to_string()).unwrap_or_default(),
        ),
        (
            "attivi".into(),
            manual
                .as_ref()
                .map(|m| nw::manual_text(st.unit, m.open_count))
                .unwrap_or_default(),
        ),
        (
            "programmati".into(),
            manual
                .as_ref()
                .map(|m| nw::manual_text(st.unit, m.planned_count))
                .unwrap_or_default(),
        ),
        (
            "nota".into(),
            manual.and_then(|m| m.note).unwrap_or_default(),
        ),
        ("version".into(), s.version.to_string()),
    ]);
    standard_page(&ctx, &s, &values, &FieldErrors::new(), false).await
}

fn read_standard(current: &Standard, values: &FormValues) -> Result<Standard, FieldErrors> {
    let mut e = FieldErrors::new();
    let label = e.check(
        "etichetta",
        required_text(forms::value(values, "etichetta"), 200),
    );
    let source = e.check("fonte", required_text(forms::value(values, "fonte"), 1000));
    let count = |name: &str, e: &mut FieldErrors, required: bool| -> Option<u64> {
        let s = forms::value(values, name).trim();
        if s.is_empty() {
            if required {
                e.add(name, "Campo obbligatorio.");
            }
            return None;
        }
        e.check(name, parse_count(s)).map(u64::from)
    };
    let min_amount = count("min_quanti", &mut e, true);
    let min_per = count("min_ogni", &mut e, true);
    if min_per == Some(0) {
        e.add(
            "min_ogni",
            "Il numero di abitanti deve essere maggiore di zero.",
        );
    }
    // A rate given as two fields: both or neither, and inhabitants above zero.
    let optional_rate = |amount: &str, per: &str, both: &str, e: &mut FieldErrors| match (
        count(amount, e, false),
        count(per, e, false),
    ) {
        (None, None) => None,
        (Some(_), Some(0)) => {
            e.add(per, "Il numero di abitanti deve essere maggiore di zero.");
            None
        }
        (Some(amount), Some(per)) => Some(Rate { amount, per }),
        _ => {
            e.add(per, both);
            None
        }
    };
    let max = optional_rate(
        "max_quanti",
        "max_ogni",
        "Indicare sia la quantità sia gli abitanti del massimo, o nessuno dei due.",
        &mut e,
    );
    let inner_rate = optional_rate(
        "interne_quanti",
        "interne_ogni",
        "Indicare sia la quantità sia gli abitanti, o nessuno dei due.",
        &mut e,
    );
    let measure = Measure::from_code(forms::value(values, "misura"));
    if measure.is_none() {
        e.add("misura", "Scegliere come si contano gli esistenti.");
    }
    if let (Some(a), Some(p)) = (min_amount, min_per) {
        let min = Rate { amount: a, per: p };
        if p > 0 && max.is_some_and(|m| m.required(1_000_000) < min.required(1_000_000)) {
            e.add("max_quanti", "Il massimo dà meno del minimo.");
        }
        if p > 0 && inner_rate.is_some_and(|r| r.required(1_000_000) < min.required(1_000_000)) {
            e.add(
                "interne_quanti",
                "Il parametro delle aree interne dà meno del minimo.",
            );
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Standard {
        code: current.code.clone(),
        unit: current.unit,
        inner_rate,
        label: label.expect("checked"),
        measure: measure.expect("checked"),
        min: Rate {
            amount: min_amount.expect("checked"),
            per: min_per.expect("checked"),
        },
        max,
        source: source.expect("checked"),
    })
}

async fn save_standard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let s = load_standard(&state, &code).await?;
    let standard = match read_standard(&s.standard, &values) {
        Ok(s) => s,
        Err(e) => return standard_page(&ctx, &s, &values, &e, false).await,
    };
    // The counts by hand are read only where the form showed them.
    let mut e = FieldErrors::new();
    let manual = if s.standard.measure == Measure::Manual {
        let unit = s.standard.unit;
        let open = nw::read_manual(unit, &values, "attivi", &mut e);
        let planned = nw::read_manual(unit, &values, "programmati", &mut e);
        let note = e.check("nota", optional_text(forms::value(&values, "nota"), 300));
        if open.is_none() && planned.is_some() {
            e.add("attivi", "Indicare anche gli attivi (0 se nessuno).");
        }
        Some(open.map(|o| ManualCount {
            standard_code: code.clone(),
            open_count: o,
            planned_count: planned.unwrap_or(0),
            note: note.flatten(),
        }))
    } else {
        None
    };
    if !e.is_empty() {
        return standard_page(&ctx, &s, &values, &e, false).await;
    }
    if standard != s.standard {
        match store::update_standard(&state.db, &ctx.actor(), forms::version(&values), &standard)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return standard_page(&ctx, &s, &values, &FieldErrors::new(), true).await
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(count) = manual {
        let before = store::manual_counts(&state.db, zone_id)
            .await?
            .remove(&code);
        if before != count {
            store::set_manual_count(&state.db, &ctx.actor(), zone_id, &code, count.as_ref())
                .await?;
        }
    }
    Ok(with_flash(
        Redirect::to(&format!("{BASE}/dm77")),
        FlashKind::Success,
        "Standard salvato.",
    ))
}

// ---------------------------------------------------------------- public

#[derive(Template)]
#[template(path = "public_facilities.html")]
struct PublicListPage {
    page: PageCtx,
    open: Vec<FacilityView>,
    planned: Vec<FacilityView>,
}

async fn public_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let all = store::list_facilities(&state.db, zone_id).await?;
    let labels = labels(&state).await?;
    let (open, planned): (Vec<&Facility>, Vec<&Facility>) =
        all.iter().partition(|f| f.status() == FacilityStatus::Open);
    Ok(render_page(&PublicListPage {
        page: PageCtx::new(&ctx, "Strutture e servizi del territorio"),
        open: open.iter().map(|f| FacilityView::of(f, &labels)).collect(),
        planned: planned
            .iter()
            .map(|f| FacilityView::of(f, &labels))
            .collect(),
    }))
}

async fn public_detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let f = store::get_facility(&state.db, id)
        .await?
        .filter(|f| Some(f.row.zone_id) == ctx.zone_id())
        .ok_or(AppError::NotFound)?;
    detail_page(&state, &ctx, &f, true).await
}
