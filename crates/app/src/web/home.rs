//! Home page (public or personal), health check, and a third-sector body's
//! own record.

use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::{self, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::views::FormPage;
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use zona_core::authz::{Action, Role};
use zona_core::FieldErrors;
use zona_store::audit::{self, action};
use zona_store::organisations as orgs;
use zona_store::territory::{self, ListQuery};
use zona_store::{Db, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/ente", get(my_organisations))
        .route(
            "/ente/{id}",
            get(my_organisation).post(save_my_organisation),
        )
}

/// `GET /healthz`: 200 when the database answers. `GET /healthz?deep=1`:
/// 200 only when the database can be read through (`Db::check_integrity`),
/// for monitoring that must notice a damaged file.
async fn healthz(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> impl IntoResponse {
    if q.contains_key("deep") {
        return match state.db.check_integrity().await {
            Ok(()) => (StatusCode::OK, "ok".to_string()),
            Err(e) => {
                tracing::error!("deep health check: {e}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database damaged".to_string(),
                )
            }
        };
    }
    if state.db.ping().await {
        (StatusCode::OK, "ok".to_string())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable".to_string(),
        )
    }
}

#[derive(Template)]
#[template(path = "home_public.html")]
struct PublicHome {
    page: PageCtx,
    municipalities: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: PageCtx,
    full_name: String,
    roles: String,
    stats: Vec<(&'static str, String, &'static str)>,
    units: Vec<(String, String)>,
    organisations: Vec<(i64, String)>,
    recent: Vec<(String, String, &'static str, String, String)>,
    /// The work areas this person may open: label, link, what it holds.
    areas: Vec<(&'static str, &'static str, &'static str)>,
    /// Co-programming notices open today: id, subject, deadline.
    notices: Vec<(i64, String, String)>,
    /// What is waiting for this person, first (`usecase::queue`).
    queue: Vec<crate::usecase::queue::Section>,
}

/// The home of an anonymous visitor: the zone's municipalities.
async fn public_home(db: &Db, ctx: &Ctx) -> PageResult {
    let q = ListQuery {
        zone_id: ctx.zone_id(),
        active: Some(true),
        ..Default::default()
    };
    let municipalities = match ctx.zone_id() {
        Some(_) => territory::list_municipalities(db, &q, Page::all()).await?.0,
        None => Vec::new(),
    };
    Ok(render_page(&PublicHome {
        page: PageCtx::new(ctx, "Home"),
        municipalities: municipalities
            .into_iter()
            .map(|m| {
                let pop = match (m.population, m.population_year) {
                    (Some(n), Some(y)) => {
                        format!("{} (al 31/12/{y})", zona_core::format::integer(n))
                    }
                    _ => "—".into(),
                };
                (m.name, m.istat_code, pop)
            })
            .collect(),
    }))
}

/// The zone's figures, for whoever reads its administration.
async fn stats(
    db: &Db,
    zone_id: i64,
) -> Result<Vec<(&'static str, String, &'static str)>, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let one = Page::first(1);
    let municipalities = territory::list_municipalities(db, &q, Page::all()).await?.0;
    let population: i64 = municipalities.iter().filter_map(|m| m.population).sum();
    Ok(vec![
        ("Comuni", municipalities.len().to_string(), "/admin/comuni"),
        (
            "Abitanti",
            zona_core::format::integer(population),
            "/admin/comuni",
        ),
        (
            "Enti",
            orgs::list_organisations(db, &q, one).await?.1.to_string(),
            "/admin/enti",
        ),
        (
            "Unità",
            orgs::list_units(db, &q, one).await?.1.to_string(),
            "/admin/unita",
        ),
    ])
}

/// The last five changes in the zone's audit log.
async fn recent(
    db: &Db,
    zone_id: i64,
) -> Result<Vec<(String, String, &'static str, String, String)>, AppError> {
    // Changes, not the sign-ins and sign-outs.
    let kinds: Vec<&'static str> = audit::entity::ALL
        .iter()
        .copied()
        .filter(|e| *e != audit::entity::SESSION)
        .collect();
    Ok(audit::latest_of(db, zone_id, &kinds, false, 5)
        .await?
        .into_iter()
        .map(|e| {
            (
                zona_core::format::datetime(e.at),
                e.actor,
                action::label(&e.action),
                e.summary,
                format!("/admin/registro/{}", e.id),
            )
        })
        .collect())
}

/// The work areas a person may open.
fn areas(internal: bool, body: bool) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut areas = Vec::new();
    if internal {
        areas.extend([
            ("Pianificazione", "/pianificazione", "PIS, Programmazioni Operative Annuali, schede attività, budget integrato, monitoraggio."),
            ("Partecipazione", "/partecipazione", "Incontri, co-programmazione, co-progettazione, enti del Terzo Settore."),
            ("Servizi", "/servizi", "Case della Comunità e strutture, matrice dei servizi, standard DM 77/2022, PNRR e schede progetto."),
            ("Obiettivi di servizio", "/obiettivi-servizio", "Le schede SOC26 dei comuni."),
        ]);
    }
    if body {
        areas.push((
            "Co-programmazione",
            "/partecipazione/co-programmazione",
            "Gli avvisi, le domande e i contributi del tuo ente.",
        ));
    }
    areas.push((
        "Partecipa",
        "/partecipa",
        "Ciò che è pubblicato per i cittadini: avvisi, incontri, verbali, relazioni.",
    ));
    areas
}

/// The co-programming notices open today: id, subject, deadline.
async fn open_notices(
    db: &Db,
    zone_id: i64,
    today: time::Date,
) -> Result<Vec<(i64, String, String)>, AppError> {
    use zona_core::coprogramming::{stage, Stage};
    Ok(zona_store::participation::procedures(db, zone_id)
        .await?
        .into_iter()
        .filter(|x| stage(x.facts(), today) == Stage::NoticeOpen)
        .map(|x| {
            let closes = x.notice_closes.map(zona_core::format::date);
            (x.id, x.subject, closes.unwrap_or_default())
        })
        .collect())
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let db = &state.db;
    let Some(p) = &ctx.principal else {
        return public_home(db, &ctx).await;
    };
    let zone_id = ctx.zone_id().unwrap_or(-1);
    let stats = match ctx.allows(Action::ReadAdministration { zone_id }) {
        true => stats(db, zone_id).await?,
        false => Vec::new(),
    };
    let mut units = Vec::new();
    for uid in p.unit_ids() {
        if let Some(u) = orgs::get_unit(db, uid).await? {
            units.push((u.name, u.organisation_name));
        }
    }
    let mut organisations = Vec::new();
    for oid in p.organisation_ids() {
        if let Some(o) = orgs::get_organisation(db, oid).await? {
            organisations.push((o.id, o.name));
        }
    }
    let recent = match ctx.allows(Action::ReadAudit { zone_id }) {
        true => recent(db, zone_id).await?,
        false => Vec::new(),
    };
    let internal = ctx.allows(Action::ReadInternal { zone_id });
    let roles: Vec<&str> = p.roles().iter().map(|r: &Role| r.label()).collect();
    Ok(render_page(&Home {
        areas: areas(internal, !p.organisation_ids().is_empty()),
        // The office follows the paths in its queue, a body its notices.
        notices: match internal && !ctx.allows(Action::Administer { zone_id }) {
            true => open_notices(db, zone_id, state.today()).await?,
            false => Vec::new(),
        },
        page: PageCtx::new(&ctx, "Home"),
        full_name: p.full_name.clone(),
        roles: roles.join(", "),
        stats,
        units,
        organisations,
        recent,
        queue: crate::usecase::queue::queue(db, &ctx.caller(), state.today()).await?,
    }))
}

async fn my_organisations(ctx: Ctx) -> PageResult {
    let p = ctx.principal.as_ref().ok_or(AppError::LoginRequired)?;
    match p.organisation_ids().first() {
        Some(id) => Ok(Redirect::to(&format!("/ente/{id}")).into_response()),
        None => Err(AppError::Forbidden),
    }
}

async fn load_own(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<zona_store::organisations::Organisation, AppError> {
    Ok(crate::usecase::admin::organisations::open_own(&state.db, &ctx.caller(), id).await?)
}

fn own_page(
    ctx: &Ctx,
    o: &zona_store::organisations::Organisation,
    values: &FormValues,
    errors: &FieldErrors,
) -> FormPage {
    let mut fields = super::admin::organisation_contact_fields(values, errors);
    fields.push(forms::Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors));
    let mut p = FormPage::new(
        PageCtx::new(ctx, o.name.clone()),
        o.name.clone(),
        format!("/ente/{}", o.id),
        fields,
    );
    let kind = o.kind.label();
    p.intro = format!(
        "{kind}{}. Qui aggiorni i recapiti del tuo ente; per cambiare denominazione o codice fiscale rivolgiti all'Ufficio di Piano.",
        o.tax_code.as_ref().map(|t| format!(", codice fiscale {t}")).unwrap_or_default()
    );
    p.cancel_href = "/".into();
    p.submit_label = "Salva i recapiti";
    p.errors_summary = forms::summary(errors);
    p
}

/// A body's own contacts as sent by its representative.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct ContactsForm {
    email: String,
    phone: String,
    address: String,
    version: String,
}

fn own_values(o: &zona_store::organisations::Organisation) -> FormValues {
    forms::values_of(&ContactsForm {
        email: o.email.clone().unwrap_or_default(),
        phone: o.phone.clone().unwrap_or_default(),
        address: o.address.clone().unwrap_or_default(),
        version: o.version.to_string(),
    })
}

/// What the body's page shows beside its contacts: its registry data, and
/// its applications, co-design agreements and meetings (the sections of its
/// home's queue, `usecase::queue`).
async fn own_sections(
    state: &AppState,
    ctx: &Ctx,
    o: &zona_store::organisations::Organisation,
) -> Result<Vec<super::views::Section>, AppError> {
    use super::views::{Section, SectionRow};
    let row = |cells: Vec<String>| SectionRow {
        cells,
        action: None,
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let mut sections = vec![Section {
        id: "registro",
        heading: "Dati del registro",
        text: "Li aggiorna l'Ufficio di Piano.".into(),
        headers: vec!["Dato", "Valore"],
        rows: vec![
            row(vec![
                "Forma giuridica".into(),
                o.legal_form
                    .as_deref()
                    .and_then(zona_core::org::LegalForm::from_code)
                    .map_or_else(|| dash(&o.legal_form), |f| f.label().to_string()),
            ]),
            row(vec!["Numero RUNTS".into(), dash(&o.runts_number)]),
            row(vec![
                "Sezione RUNTS".into(),
                o.runts_section
                    .as_deref()
                    .and_then(zona_core::org::RuntsSection::from_code)
                    .map_or_else(|| dash(&o.runts_section), |r| r.label().to_string()),
            ]),
            row(vec!["Codice fiscale".into(), dash(&o.tax_code)]),
        ],
        has_actions: false,
        empty: "",
        form: None,
    }];
    let queue = crate::usecase::queue::queue(&state.db, &ctx.caller(), state.today()).await?;
    for (id, heading, headers, empty) in [
        (
            "domande",
            "Le domande di partecipazione",
            vec!["Percorso e ente", "Esito"],
            "Il tuo ente non ha presentato domande di partecipazione.",
        ),
        (
            "coprogettazioni",
            "Le co-progettazioni con il tuo ente",
            vec!["Oggetto", "Stato"],
            "Nessuna co-progettazione pubblicata con il tuo ente.",
        ),
        (
            "incontri",
            "Gli incontri in programma",
            vec!["Incontro", "Quando"],
            "Nessun incontro in programma per il tuo ente.",
        ),
    ] {
        let items = queue
            .iter()
            .find(|q| q.id == id)
            .map(|q| q.items.clone())
            .unwrap_or_default();
        sections.push(Section {
            id,
            heading,
            text: String::new(),
            headers,
            rows: items
                .into_iter()
                .map(|i| row(vec![i.what, i.note]))
                .collect(),
            has_actions: false,
            empty,
            form: None,
        });
    }
    Ok(sections)
}

async fn my_organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let o = load_own(&state, &ctx, id).await?;
    let mut page = own_page(&ctx, &o, &own_values(&o), &FieldErrors::new());
    page.sections = own_sections(&state, &ctx, &o).await?;
    Ok(render_page(&page))
}

async fn save_my_organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ContactsForm>,
) -> PageResult {
    use super::forms::Saved;
    use crate::usecase::admin::organisations::{save_own_contacts, Contacts};
    let values = forms::values_of(&form);
    let o = load_own(&state, &ctx, id).await?;
    let mut e = FieldErrors::new();
    let contacts = super::admin::parse_organisation_contacts(
        [&form.email, &form.phone, &form.address],
        &mut e,
    )
    .map(|(email, phone, address)| Contacts {
        email,
        phone,
        address,
    })
    .ok_or(e);
    let outcome = save_own_contacts(
        &state.db,
        &ctx.caller(),
        id,
        forms::version(&values),
        contacts,
    )
    .await;
    let (status, page) = match forms::saved(outcome)? {
        Saved::Done(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/ente/{id}")),
                FlashKind::Success,
                "Recapiti aggiornati.",
            ))
        }
        Saved::Again { conflict: true, .. } => {
            // The body as it is now, with what the person typed beside it.
            let current = load_own(&state, &ctx, id).await?;
            let theirs = own_values(&current);
            let mut p = own_page(&ctx, &current, &theirs, &FieldErrors::new());
            let by =
                super::common::last_editor(&state, zona_store::audit::entity::ORGANISATION, id)
                    .await;
            p.conflict = Some(super::common::conflict_view(
                &p.fields, &values, &theirs, by,
            ));
            (StatusCode::CONFLICT, p)
        }
        Saved::Again { errors, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            own_page(&ctx, &o, &values, &errors),
        ),
    };
    let mut r = render_page(&page);
    *r.status_mut() = status;
    Ok(r)
}
