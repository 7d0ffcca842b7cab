//! Projects and their cards (what the project is, the service delivered,
//! duration, resources, actions, own targets), the one-page PDF of a card,
//! and the PNRR investments with the zone's projects under each.

use super::common::{require, same_zone, zone_of};
use super::ctx::{after_delete, with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::network::{send_table, with_all, zone_name, BASE as NETWORK};
use super::page::{render_page, PageCtx, PageResult};
use super::views::{
    form_status, CellView, ConfirmPage, FormPage, ListPage, RowAction, Section, SectionForm,
    SectionRow,
};
use super::{AppError, AppState};
use crate::network as nw;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::codesign::{check_cup, CodeCheck};
use zona_core::format::{parse_date, thousands};
use zona_core::projects::{euro, pnrr_investment, AmountRange, ProjectStatus};
use zona_core::validation::{optional_text, required_text};
use zona_core::{Cents, FieldErrors};
use zona_store::organisations as orgs;
use zona_store::projects::{self as store, Project, ProjectAction, ProjectInput, ProjectTarget};
use zona_store::territory::ListQuery;
use zona_store::{Page, StoreError};

const BASE: &str = "/servizi/progetti";
const PUBLIC_BASE: &str = "/progetti";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route(&format!("{BASE}/esporta"), get(export))
        .route(&format!("{BASE}/nuovo"), get(new_form).post(create))
        .route(&format!("{BASE}/{{id}}"), get(card))
        .route(&format!("{BASE}/{{id}}/scheda.pdf"), get(card_pdf))
        .route(
            &format!("{BASE}/{{id}}/modifica"),
            get(edit_form).post(update),
        )
        .route(&format!("{BASE}/{{id}}/azioni"), post(add_action))
        .route(
            &format!("{BASE}/{{id}}/azioni/{{n}}/togli"),
            post(remove_action),
        )
        .route(&format!("{BASE}/{{id}}/obiettivi"), post(add_target))
        .route(
            &format!("{BASE}/{{id}}/obiettivi/{{n}}/togli"),
            post(remove_target),
        )
        .route(
            &format!("{BASE}/{{id}}/elimina"),
            get(confirm_delete).post(delete),
        )
        .route(&format!("{NETWORK}/pnrr"), get(pnrr))
        .route(PUBLIC_BASE, get(public_list))
        .route(&format!("{PUBLIC_BASE}/{{id}}"), get(public_card))
        .route(
            &format!("{PUBLIC_BASE}/{{id}}/scheda.pdf"),
            get(public_card_pdf),
        )
}

fn crumbs(page: PageCtx) -> PageCtx {
    page.crumb("Servizi", NETWORK).crumb("Progetti", BASE)
}

fn pnrr_options() -> Vec<(String, String)> {
    zona_core::projects::PNRR_CATALOGUE
        .iter()
        .map(|i| (i.code.to_string(), format!("{} – {}", i.short(), i.title)))
        .collect()
}

fn status_options() -> Vec<(String, String)> {
    ProjectStatus::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect()
}

fn filtered(all: Vec<Project>, q: &HashMap<String, String>) -> Vec<Project> {
    let pick = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let text = pick("q").map(str::to_lowercase);
    all.into_iter()
        .filter(|p| {
            pick("pnrr").is_none_or(|c| {
                p.row
                    .pnrr_code
                    .as_deref()
                    .is_some_and(|x| x == c || x.starts_with(&format!("{c}.")))
            })
        })
        .filter(|p| pick("stato").is_none_or(|s| p.row.status == s))
        .filter(|p| {
            text.as_ref().is_none_or(|t| {
                p.row.title.to_lowercase().contains(t)
                    || p.row
                        .cup
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(t)
                    || p.row.summary.to_lowercase().contains(t)
            })
        })
        .collect()
}

fn pnrr_label(code: Option<&str>) -> String {
    code.map(|c| pnrr_investment(c).map_or(c.to_string(), |i| i.short()))
        .unwrap_or_default()
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let rows = filtered(store::list_projects(&state.db, zone_id).await?, &q);
    let values: FormValues = q.clone().into_iter().collect();
    let no = FieldErrors::new();
    let counter = match rows.len() {
        0 => "Nessun progetto trovato.".to_string(),
        1 => "1 progetto.".to_string(),
        n => format!("{n} progetti."),
    };
    let query = super::planning::query_string(&q);
    let office = ctx.allows(Action::Administer { zone_id });
    Ok(render_page(&ListPage {
        page: PageCtx::new(&ctx, "Progetti").crumb("Servizi", NETWORK),
        heading: "Progetti".into(),
        intro: "I progetti della zona con la loro scheda: che cosa sono, il servizio erogato, durata, risorse, azioni e obiettivi. Ogni scheda si stampa su una pagina.".into(),
        base_path: BASE.into(),
        new_link: office.then(|| ("Nuovo progetto".to_string(), format!("{BASE}/nuovo"))),
        filters: vec![
            Field::text("q", "Cerca nel titolo, nella descrizione e nel CUP").bind(&values, &no),
            Field::select("pnrr", "Investimento PNRR", with_all("Tutti", pnrr_options()))
                .bind(&values, &no),
            Field::select("stato", "Stato", with_all("Tutti gli stati", status_options()))
                .bind(&values, &no),
        ],
        headers: vec!["Progetto", "PNRR", "CUP", "Ente responsabile", "Durata", "Risorse", "Stato"],
        rows: rows
            .iter()
            .map(|p| {
                vec![
                    CellView::link(p.row.title.clone(), format!("{BASE}/{}", p.row.id)),
                    CellView::text(pnrr_label(p.row.pnrr_code.as_deref())),
                    CellView::text(p.row.cup.clone().unwrap_or_default()),
                    CellView::text(p.row.responsible_name.clone().unwrap_or_default()),
                    CellView::text(p.row.duration_text.clone()),
                    CellView::text(p.resources().map(euro).unwrap_or_default()),
                    CellView::text(p.status().label()),
                ]
            })
            .collect(),
        counter,
        empty_message: "Nessun progetto corrisponde ai filtri scelti.".into(),
        export_path: format!("{BASE}/esporta"),
        export_query: Some(if query.is_empty() {
            String::new()
        } else {
            format!("{query}&")
        }),
        current: 1,
        pages: 1,
        prev_href: None,
        next_href: None,
    }))
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let rows = filtered(store::list_projects(&state.db, zone_id).await?, &q);
    send_table(
        &nw::projects_table(&rows),
        q.get("format").map(String::as_str),
        &zone_name(&ctx),
        &[4, 1, 2, 3, 3, 2, 2, 2, 1, 1, 1],
    )
}

// ---------------------------------------------------------------- card

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(i64, Project), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let p = store::get_project(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, p.row.zone_id)?;
    Ok((zone_id, p))
}

pub struct TargetView {
    pub description: String,
    pub target: String,
    pub achieved: String,
    pub percent: Option<i64>,
    pub due: String,
}

#[derive(Template)]
#[template(path = "project_card.html")]
struct CardPage {
    page: PageCtx,
    public: bool,
    office: bool,
    pdf_href: String,
    id: i64,
    title: String,
    sections: Vec<(String, String)>,
    actions: Vec<(String, String, String)>,
    targets: Vec<TargetView>,
    activities: Vec<(i64, String)>,
    agreements: Vec<(i64, String)>,
    facilities: Vec<(i64, String)>,
    cup_warning: Option<String>,
}

/// The card page; the public one has no internal links and no warnings.
async fn card_page(state: &AppState, ctx: &Ctx, p: &Project, public: bool) -> PageResult {
    let id = p.row.id;
    let facilities = if public {
        Vec::new()
    } else {
        zona_store::network::list_facilities(&state.db, p.row.zone_id)
            .await?
            .into_iter()
            .filter(|f| f.row.project_id == Some(id))
            .map(|f| (f.row.id, f.row.name))
            .collect()
    };
    let page = PageCtx::new(ctx, p.row.title.clone());
    Ok(render_page(&CardPage {
        page: if public {
            page.crumb("Progetti", PUBLIC_BASE)
        } else {
            crumbs(page)
        },
        public,
        office: !public
            && ctx.allows(Action::Administer {
                zone_id: p.row.zone_id,
            }),
        pdf_href: if public {
            format!("{PUBLIC_BASE}/{id}/scheda.pdf")
        } else {
            format!("{BASE}/{id}/scheda.pdf")
        },
        id,
        title: p.row.title.clone(),
        sections: nw::card_sections(p, &zone_name(ctx)),
        actions: p
            .actions
            .iter()
            .map(|a| {
                (
                    a.title.clone(),
                    a.description.clone().unwrap_or_default(),
                    nw::action_amount(a),
                )
            })
            .collect(),
        targets: target_views(p),
        activities: p
            .activities
            .iter()
            .map(|a| {
                (
                    a.activity_id,
                    format!("{} – {} (POA {})", a.code, a.title, a.year),
                )
            })
            .collect(),
        agreements: p
            .agreements
            .iter()
            .map(|a| (a.agreement_id, a.subject.chars().take(160).collect()))
            .collect(),
        facilities,
        cup_warning: if public {
            None
        } else {
            p.row.cup_warning.clone()
        },
    }))
}

async fn card(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (_, p) = load(&state, &ctx, id).await?;
    card_page(&state, &ctx, &p, false).await
}

/// A published project of the visitor's zone, or not found.
async fn load_public(state: &AppState, ctx: &Ctx, id: i64) -> Result<Project, AppError> {
    require(ctx, Action::ReadPublic)?;
    store::get_project(&state.db, id)
        .await?
        .filter(|p| p.row.published && Some(p.row.zone_id) == ctx.zone_id())
        .ok_or(AppError::NotFound)
}

async fn public_card(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let p = load_public(&state, &ctx, id).await?;
    card_page(&state, &ctx, &p, true).await
}

async fn public_card_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = load_public(&state, &ctx, id).await?;
    pdf_response(&p, &zone_name(&ctx))
}

fn pdf_response(p: &Project, zone_name: &str) -> Result<Response, AppError> {
    let bytes = nw::card_pdf(p, zone_name, crate::Clock::system().today())?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"scheda-progetto-{}.pdf\"", p.row.id),
    )
}

#[derive(Template)]
#[template(path = "public_projects.html")]
struct PublicListPage {
    page: PageCtx,
    rows: Vec<(i64, String, String, String, &'static str)>,
}

async fn public_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let rows = store::list_projects(&state.db, zone_id)
        .await?
        .into_iter()
        .filter(|p| p.row.published)
        .map(|p| {
            (
                p.row.id,
                p.row.title.clone(),
                p.row.duration_text.clone(),
                p.resources().map(euro).unwrap_or_default(),
                p.status().label(),
            )
        })
        .collect();
    Ok(render_page(&PublicListPage {
        page: PageCtx::new(&ctx, "Progetti della zona"),
        rows,
    }))
}

pub fn target_views(p: &Project) -> Vec<TargetView> {
    p.targets
        .iter()
        .map(|t| TargetView {
            description: t.description.clone(),
            target: thousands(t.target.max(0) as u64),
            achieved: t
                .achieved
                .map(|a| thousands(a.max(0) as u64))
                .unwrap_or_else(|| "—".into()),
            // Whole percent, rounded down: 100 only when reached.
            percent: t
                .achieved
                .filter(|_| t.target > 0)
                .map(|a| (a * 100 / t.target).min(999)),
            due: t.due_date.map(zona_core::format::date).unwrap_or_default(),
        })
        .collect()
}

async fn card_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, p) = load(&state, &ctx, id).await?;
    pdf_response(&p, &zone_name(&ctx))
}

// ---------------------------------------------------------------- form

async fn organisation_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    Ok(with_all(
        "Scegli l'ente",
        all.into_iter()
            .map(|o| (o.id.to_string(), o.name))
            .collect(),
    ))
}

fn fields(
    organisations: Vec<(String, String)>,
    values: &FormValues,
    errors: &FieldErrors,
) -> Vec<Field> {
    vec![
        Field::text("titolo", "Titolo del progetto").required().bind(values, errors),
        Field::new("sintesi", "Che cos'è", FieldKind::Textarea).required().bind(values, errors),
        Field::new("servizio", "Servizio erogato", FieldKind::Textarea).bind(values, errors),
        Field::new("nota_zona", "Nella zona", FieldKind::Textarea)
            .hint("Facoltativo: che cosa il progetto rappresenta per la zona (per esempio «È uno dei 16 su 28 Ambiti toscani…»).")
            .bind(values, errors),
        Field::text("durata", "Durata")
            .required()
            .hint("Come scritta nell'atto: «Dal 1 gennaio 2024 al 30 giugno 2026», «36 mesi dalla sottoscrizione della convenzione».")
            .bind(values, errors),
        Field::new("inizio", "Data di inizio", FieldKind::Date).bind(values, errors),
        Field::new("fine", "Data di fine", FieldKind::Date).bind(values, errors),
        Field::text("risorse", "Risorse (€)")
            .hint("Importo in euro, per esempio 356.240,00.")
            .bind(values, errors),
        Field::text("finanziamento", "Fonte di finanziamento")
            .hint("Per esempio «FSE+ 2021-2027» o «PNRR – NextGenerationEU».")
            .bind(values, errors),
        Field::select("pnrr", "Investimento PNRR", with_all("Nessuno", pnrr_options()))
            .bind(values, errors),
        Field::text("cup", "CUP")
            .hint("15 caratteri, per esempio J44H22000250006.")
            .bind(values, errors),
        Field::select("ente", "Ente responsabile", organisations).bind(values, errors),
        Field::select("stato", "Stato", status_options()).required().bind(values, errors),
        Field::new("attivita_poa", "Attività POA collegate", FieldKind::Textarea)
            .hint("Codici delle schede attività, uno per riga (per esempio 2024-02-003).")
            .bind(values, errors),
        Field::select(
            "pubblicato",
            "Pubblicazione",
            vec![
                ("si".into(), "Pubblicato".into()),
                ("no".into(), "Solo interno".into()),
            ],
        )
        .bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]
}

fn values_of(p: &Project) -> FormValues {
    let r = &p.row;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    FormValues::from([
        ("titolo".into(), r.title.clone()),
        ("sintesi".into(), r.summary.clone()),
        ("servizio".into(), s(&r.service)),
        ("nota_zona".into(), s(&r.zone_note)),
        ("durata".into(), r.duration_text.clone()),
        (
            "inizio".into(),
            r.start_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "fine".into(),
            r.end_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "risorse".into(),
            p.resources().map(|c| c.format_plain()).unwrap_or_default(),
        ),
        ("finanziamento".into(), s(&r.funding)),
        ("pnrr".into(), s(&r.pnrr_code)),
        ("cup".into(), s(&r.cup)),
        (
            "ente".into(),
            r.responsible_organisation_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        ("stato".into(), r.status.clone()),
        (
            "attivita_poa".into(),
            p.activities
                .iter()
                .map(|a| a.code.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "pubblicato".into(),
            if r.published { "si" } else { "no" }.into(),
        ),
        ("version".into(), r.version.to_string()),
    ])
}

/// Reads the project form; the actions and targets are kept from `current`.
async fn parse_form(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
    current: Option<&Project>,
) -> Result<Result<ProjectInput, FieldErrors>, AppError> {
    let mut e = FieldErrors::new();
    let v = |k: &str| forms::value(values, k);
    let title = e.check("titolo", required_text(v("titolo"), 300));
    let summary = e.check("sintesi", required_text(v("sintesi"), 4000));
    let service = e.check("servizio", optional_text(v("servizio"), 6000));
    let zone_note = e.check("nota_zona", optional_text(v("nota_zona"), 1000));
    let duration = e.check("durata", required_text(v("durata"), 200));
    let date = |k: &str, e: &mut FieldErrors| {
        let s = v(k).trim();
        if s.is_empty() {
            None
        } else {
            e.check(k, parse_date(s))
        }
    };
    let start = date("inizio", &mut e);
    let end = date("fine", &mut e);
    if let (Some(a), Some(b)) = (start, end) {
        if b < a {
            e.add("fine", "La data di fine precede quella di inizio.");
        }
    }
    let resources = if v("risorse").trim().is_empty() {
        None
    } else {
        match Cents::parse_it(v("risorse")) {
            Ok(c) if c.0 < 0 => {
                e.add("risorse", "L'importo non può essere negativo.");
                None
            }
            Ok(c) => Some(c),
            Err(err) => {
                e.add("risorse", err.to_string());
                None
            }
        }
    };
    let funding = e.check("finanziamento", optional_text(v("finanziamento"), 200));
    let pnrr_code = match v("pnrr").trim() {
        "" => None,
        c if pnrr_investment(c).is_some() => Some(c.to_string()),
        _ => {
            e.add("pnrr", "Investimento PNRR sconosciuto.");
            None
        }
    };
    let (cup, cup_warning) = match v("cup").trim() {
        "" => (None, None),
        c => match check_cup(c) {
            Ok(CodeCheck::Valid(code)) => (Some(code), None),
            Ok(CodeCheck::Warning(code, w)) => (Some(code), Some(w)),
            Err(m) => {
                e.add("cup", m);
                (None, None)
            }
        },
    };
    let responsible = forms::optional_id(values, "ente", &mut e);
    if let Some(o) = responsible {
        let ok = orgs::get_organisation(&state.db, o)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ok {
            e.add("ente", "Ente non valido per questa zona.");
        }
    }
    let status = ProjectStatus::from_code(v("stato"));
    if status.is_none() {
        e.add("stato", "Scegliere lo stato.");
    }
    let codes: Vec<String> = v("attivita_poa")
        .split([';', '\n', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let found = zona_store::codesign::activity_ids(&state.db, zone_id, &codes).await?;
    let missing: Vec<&str> = codes
        .iter()
        .filter(|c| !found.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        e.add(
            "attivita_poa",
            format!("Scheda attività non trovata: {}.", missing.join(", ")),
        );
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let mut activity_ids: Vec<i64> = Vec::new();
    for c in &codes {
        if !activity_ids.contains(&found[c]) {
            activity_ids.push(found[c]);
        }
    }
    Ok(Ok(ProjectInput {
        zone_id,
        title: title.expect("checked"),
        summary: summary.expect("checked"),
        service: service.flatten(),
        zone_note: zone_note.flatten(),
        duration_text: duration.expect("checked"),
        start_date: start,
        end_date: end,
        resources,
        funding: funding.flatten(),
        pnrr_code,
        cup,
        cup_warning,
        responsible_organisation_id: responsible,
        status: status.expect("checked"),
        published: v("pubblicato") != "no",
        actions: current.map(|p| p.actions.clone()).unwrap_or_default(),
        targets: current.map(|p| p.targets.clone()).unwrap_or_default(),
        activity_ids,
    }))
}

/// A section form that failed, to show again with its values and errors.
type Failed<'a> = Option<(&'static str, &'a FormValues, &'a FieldErrors)>;

fn child_sections(p: &Project, failed: Failed) -> Vec<Section> {
    let id = p.row.id;
    let empty = FormValues::new();
    let none = FieldErrors::new();
    let pick = |s: &str| match failed {
        Some((k, v, e)) if k == s => (v, e),
        _ => (&empty, &none),
    };
    let version = FormValues::from([("version".into(), p.row.version.to_string())]);
    let (av, ae) = pick("azioni");
    let (tv, te) = pick("obiettivi");
    let hidden = |values: &FormValues| {
        Field::new("version", "", FieldKind::Hidden).bind(
            if values.contains_key("version") {
                values
            } else {
                &version
            },
            &none,
        )
    };
    vec![
        Section {
            id: "azioni",
            heading: "Azioni",
            text: "Le azioni della scheda con il loro importo o intervallo di importi.".into(),
            headers: vec!["Azione", "Descrizione", "Importo"],
            rows: p
                .actions
                .iter()
                .enumerate()
                .map(|(i, a)| SectionRow {
                    cells: vec![
                        a.title.clone(),
                        a.description.clone().unwrap_or_default(),
                        nw::action_amount(a),
                    ],
                    action: Some(RowAction {
                        label: "Togli",
                        href: format!("{BASE}/{id}/azioni/{}/togli?versione={}", i + 1, p.row.version),
                        confirm: format!("Togliere l'azione «{}»?", a.title),
                    }),
                })
                .collect(),
            has_actions: true,
            empty: "Nessuna azione.",
            form: Some(SectionForm {
                heading: "Aggiungi un'azione",
                action: format!("{BASE}/{id}/azioni"),
                fields: vec![
                    Field::text("azione_titolo", "Azione").required().bind(av, ae),
                    Field::new("azione_descrizione", "Descrizione", FieldKind::Textarea).bind(av, ae),
                    Field::text("azione_min", "Importo (€) o minimo dell'intervallo").bind(av, ae),
                    Field::text("azione_max", "Massimo dell'intervallo (€)")
                        .hint("Vuoto per un importo solo.")
                        .bind(av, ae),
                    Field::text("azione_base", "Riferimento dell'importo")
                        .hint("Per esempio «al mese, in base all'ISEE» o «per Piano individualizzato».")
                        .bind(av, ae),
                    hidden(av),
                ],
                submit_label: "Aggiungi l'azione",
                errors_summary: forms::summary(ae),
            }),
        },
        Section {
            id: "obiettivi",
            heading: "Obiettivi del progetto",
            text: "I traguardi del progetto e quanto è stato raggiunto. Per aggiornare il valore raggiunto, inserire di nuovo l'obiettivo con la stessa descrizione.".into(),
            headers: vec!["Obiettivo", "Atteso", "Raggiunto", "Entro"],
            rows: target_views(p)
                .into_iter()
                .enumerate()
                .map(|(i, t)| SectionRow {
                    action: Some(RowAction {
                        label: "Togli",
                        href: format!("{BASE}/{id}/obiettivi/{}/togli?versione={}", i + 1, p.row.version),
                        confirm: format!("Togliere l'obiettivo «{}»?", t.description),
                    }),
                    cells: vec![t.description, t.target, t.achieved, t.due],
                })
                .collect(),
            has_actions: true,
            empty: "Nessun obiettivo.",
            form: Some(SectionForm {
                heading: "Aggiungi o aggiorna un obiettivo",
                action: format!("{BASE}/{id}/obiettivi"),
                fields: vec![
                    Field::text("obiettivo", "Obiettivo").required().bind(tv, te),
                    Field::new("obiettivo_atteso", "Valore atteso", FieldKind::Number)
                        .required()
                        .bind(tv, te),
                    Field::new("obiettivo_raggiunto", "Valore raggiunto", FieldKind::Number)
                        .hint("Vuoto se non ancora rilevato.")
                        .bind(tv, te),
                    Field::new("obiettivo_entro", "Entro il", FieldKind::Date).bind(tv, te),
                    hidden(tv),
                ],
                submit_label: "Salva l'obiettivo",
                errors_summary: forms::summary(te),
            }),
        },
    ]
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    project: Option<&Project>,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
    failed: Failed<'_>,
) -> PageResult {
    let (heading, action, cancel) = match project {
        None => (
            "Nuovo progetto".to_string(),
            format!("{BASE}/nuovo"),
            BASE.to_string(),
        ),
        Some(p) => (
            format!("Modifica: {}", p.row.title),
            format!("{BASE}/{}/modifica", p.row.id),
            format!("{BASE}/{}", p.row.id),
        ),
    };
    let mut page = FormPage::new(
        crumbs(PageCtx::new(ctx, heading.clone())),
        heading,
        action,
        fields(organisation_options(state, zone_id).await?, values, errors),
    );
    page.cancel_href = cancel;
    page.errors_summary = if conflict {
        Some("Il progetto è stato modificato da un'altra persona mentre lo compilavi: i tuoi dati sono qui sotto; apri la versione salvata in un'altra scheda, confronta e salva di nuovo.".into())
    } else {
        forms::summary(errors)
    };
    if let Some(p) = project {
        page.sections = child_sections(p, failed);
    }
    let status = form_status(conflict, !errors.is_empty() || failed.is_some());
    Ok((status, render_page(&page)).into_response())
}

fn saved(id: i64, what: &str, warning: Option<&str>) -> Response {
    match warning {
        None => with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Success,
            what,
        ),
        Some(w) => with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Warning,
            &format!("{what} Da verificare: {w}"),
        ),
    }
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = FormValues::from([
        ("stato".into(), "planned".into()),
        ("pubblicato".into(), "si".into()),
    ]);
    form_page(
        &state,
        &ctx,
        zone_id,
        None,
        &values,
        &FieldErrors::new(),
        false,
        None,
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
    match parse_form(&state, zone_id, &values, None).await? {
        Ok(input) => {
            let id = store::create_project(&state.db, &ctx.actor(), &input).await?;
            Ok(saved(
                id,
                "Progetto registrato.",
                input.cup_warning.as_deref(),
            ))
        }
        Err(e) => form_page(&state, &ctx, zone_id, None, &values, &e, false, None).await,
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(&p),
        &values_of(&p),
        &FieldErrors::new(),
        false,
        None,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values, Some(&p)).await? {
        Ok(input) => {
            match store::update_project(
                &state.db,
                &ctx.actor(),
                id,
                forms::version(&values),
                &input,
            )
            .await
            {
                Ok(()) => Ok(saved(
                    id,
                    "Progetto aggiornato.",
                    input.cup_warning.as_deref(),
                )),
                Err(StoreError::Conflict) => {
                    form_page(
                        &state,
                        &ctx,
                        zone_id,
                        Some(&p),
                        &values,
                        &FieldErrors::new(),
                        true,
                        None,
                    )
                    .await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => form_page(&state, &ctx, zone_id, Some(&p), &values, &e, false, None).await,
    }
}

/// Saves a change to the actions or targets: the whole project, guarded by
/// the version the form was opened with.
async fn save_children(
    state: &AppState,
    ctx: &Ctx,
    p: &Project,
    version: i64,
    input: ProjectInput,
    what: &str,
) -> PageResult {
    match store::update_project(&state.db, &ctx.actor(), p.row.id, version, &input).await {
        Ok(()) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{}/modifica", p.row.id)),
            FlashKind::Success,
            what,
        )),
        Err(StoreError::Conflict) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{}/modifica", p.row.id)),
            FlashKind::Danger,
            "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let title = e.check(
        "azione_titolo",
        required_text(forms::value(&values, "azione_titolo"), 300),
    );
    let description = e.check(
        "azione_descrizione",
        optional_text(forms::value(&values, "azione_descrizione"), 2000),
    );
    let amount = e.check(
        "azione_min",
        AmountRange::read(
            forms::value(&values, "azione_min"),
            forms::value(&values, "azione_max"),
        ),
    );
    let basis = e.check(
        "azione_base",
        optional_text(forms::value(&values, "azione_base"), 200),
    );
    if !e.is_empty() {
        return form_page(
            &state,
            &ctx,
            zone_id,
            Some(&p),
            &values_of(&p),
            &FieldErrors::new(),
            false,
            Some(("azioni", &values, &e)),
        )
        .await;
    }
    let mut input = p.snapshot();
    input.actions.push(ProjectAction {
        title: title.expect("checked"),
        description: description.flatten(),
        amount: amount.flatten(),
        basis: basis.flatten(),
    });
    save_children(
        &state,
        &ctx,
        &p,
        forms::version(&values),
        input,
        "Azione aggiunta.",
    )
    .await
}

fn index(n: usize, len: usize) -> Result<usize, AppError> {
    if n == 0 || n > len {
        Err(AppError::NotFound)
    } else {
        Ok(n - 1)
    }
}

async fn remove_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut input = p.snapshot();
    input.actions.remove(index(n, input.actions.len())?);
    let version = forms::query_version(&q);
    save_children(&state, &ctx, &p, version, input, "Azione tolta.").await
}

async fn add_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let description = e.check(
        "obiettivo",
        required_text(forms::value(&values, "obiettivo"), 500),
    );
    let count = |k: &str, e: &mut FieldErrors, required: bool| {
        let s = forms::value(&values, k).trim();
        if s.is_empty() {
            if required {
                e.add(k, "Campo obbligatorio.");
            }
            None
        } else {
            e.check(k, zona_core::network::parse_count(s))
                .map(i64::from)
        }
    };
    let target = count("obiettivo_atteso", &mut e, true);
    let achieved = count("obiettivo_raggiunto", &mut e, false);
    let due = match forms::value(&values, "obiettivo_entro").trim() {
        "" => None,
        s => e.check("obiettivo_entro", parse_date(s)),
    };
    if !e.is_empty() {
        return form_page(
            &state,
            &ctx,
            zone_id,
            Some(&p),
            &values_of(&p),
            &FieldErrors::new(),
            false,
            Some(("obiettivi", &values, &e)),
        )
        .await;
    }
    let t = ProjectTarget {
        description: description.expect("checked"),
        target: target.expect("checked"),
        achieved,
        due_date: due,
    };
    let mut input = p.snapshot();
    let what = match input
        .targets
        .iter_mut()
        .find(|x| x.description.eq_ignore_ascii_case(&t.description))
    {
        Some(existing) => {
            *existing = t;
            "Obiettivo aggiornato."
        }
        None => {
            input.targets.push(t);
            "Obiettivo aggiunto."
        }
    };
    save_children(&state, &ctx, &p, forms::version(&values), input, what).await
}

async fn remove_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut input = p.snapshot();
    input.targets.remove(index(n, input.targets.len())?);
    let version = forms::query_version(&q);
    save_children(&state, &ctx, &p, version, input, "Obiettivo tolto.").await
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    Ok(render_page(&ConfirmPage {
        page: crumbs(PageCtx::new(&ctx, "Eliminare il progetto?")),
        heading: "Eliminare il progetto?".into(),
        text: format!(
            "Il progetto «{}» sarà tolto con le sue azioni e i suoi obiettivi; le strutture che finanzia perdono il collegamento. Il registro delle modifiche ne conserva il contenuto.",
            p.row.title
        ),
        action: format!("{BASE}/{id}/elimina?versione={}", p.row.version),
        confirm_label: "Elimina il progetto",
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
        store::delete_project(&state.db, &ctx.actor(), id, version).await,
        BASE,
        &format!("{BASE}/{id}"),
        "Progetto eliminato.",
        "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
    )
}

// ---------------------------------------------------------------- PNRR

pub struct PnrrProject {
    pub id: i64,
    pub title: String,
    pub cup: String,
    pub responsible: String,
    pub duration: String,
    pub status: &'static str,
    pub resources: String,
    pub progress: String,
}

pub struct InvestmentView {
    pub short: String,
    pub title: String,
    pub child: bool,
    pub targets: Vec<String>,
    pub projects: Vec<PnrrProject>,
}

#[derive(Template)]
#[template(path = "pnrr.html")]
struct PnrrPage {
    page: PageCtx,
    components: Vec<(String, String, Vec<InvestmentView>)>,
}

async fn pnrr(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let (investments, targets) = store::investments(&state.db).await?;
    let projects = store::list_projects(&state.db, zone_id).await?;
    let mut components = Vec::new();
    for (code, title) in zona_core::projects::PNRR_COMPONENTS {
        let mission = zona_core::projects::PNRR_MISSIONS
            .iter()
            .find(|(m, _)| code.starts_with(m))
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let list = investments
            .iter()
            .filter(|i| i.component == *code)
            .map(|i| InvestmentView {
                short: i.code.replacen('-', " ", 1),
                title: i.title.clone(),
                child: i.parent.is_some(),
                targets: targets
                    .iter()
                    .filter(|t| t.investment_code == i.code)
                    .map(|t| match t.year {
                        Some(y) => format!("{y} – {}", t.description),
                        None => t.description.clone(),
                    })
                    .collect(),
                projects: projects
                    .iter()
                    .filter(|p| p.row.pnrr_code.as_deref() == Some(i.code.as_str()))
                    .map(|p| {
                        let progress = target_views(p)
                            .into_iter()
                            .map(|t| match t.percent {
                                Some(pc) => format!(
                                    "{}: {} su {} ({pc} %)",
                                    t.description, t.achieved, t.target
                                ),
                                None => {
                                    format!("{}: {} su {}", t.description, t.achieved, t.target)
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        PnrrProject {
                            id: p.row.id,
                            title: p.row.title.clone(),
                            cup: p.row.cup.clone().unwrap_or_default(),
                            responsible: p.row.responsible_name.clone().unwrap_or_default(),
                            duration: p.row.duration_text.clone(),
                            status: p.status().label(),
                            resources: p.resources().map(euro).unwrap_or_default(),
                            progress,
                        }
                    })
                    .collect(),
            })
            .collect();
        components.push((format!("{mission} – {code}"), title.to_string(), list));
    }
    Ok(render_page(&PnrrPage {
        page: PageCtx::new(&ctx, "PNRR").crumb("Servizi", NETWORK),
        components,
    }))
}
