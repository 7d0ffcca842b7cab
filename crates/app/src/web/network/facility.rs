//! One facility: its card, its entry form and its removal.

use super::input::FacilityForm;
use super::*;
use crate::usecase::network as usecase;
use crate::usecase::Error;
use crate::web::forms::{values_of, version_of};

// ---------------------------------------------------------------- one facility

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(i64, Facility), AppError> {
    let f = usecase::open_facility(&state.db, &ctx.caller(), id).await?;
    Ok((f.row.zone_id, f))
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

pub(super) async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    f: &Facility,
    public: bool,
) -> PageResult {
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

pub(super) async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (_, f) = load(&state, &ctx, id).await?;
    detail_page(&state, &ctx, &f, false).await
}

/// The staff presence of a Casa della Comunità, as DM 77/2022 sets it:
/// hours a day and days a week, of doctors and of nurses.
const PRESENCE_FIELDS: [(&str, &str, &str); 4] = [
    (
        "doctor_hours",
        "Presenza medica: ore al giorno",
        "Solo per le Case della Comunità: da 1 a 24 (standard: hub 24, spoke 12).",
    ),
    (
        "doctor_days",
        "Presenza medica: giorni a settimana",
        "Da 1 a 7 (standard: hub 7, spoke 6).",
    ),
    (
        "nurse_hours",
        "Presenza infermieristica: ore al giorno",
        "Da 1 a 24 (standard: hub e spoke 12).",
    ),
    (
        "nurse_days",
        "Presenza infermieristica: giorni a settimana",
        "Da 1 a 7 (standard: hub 7, spoke 6).",
    ),
];

const BED_FIELDS: [(CareLevel, &str, &str); 5] = [
    (
        CareLevel::LowCare,
        "beds_low_care",
        "Posti letto low care (I livello)",
    ),
    (CareLevel::First, "beds_first", "Posti letto I livello"),
    (CareLevel::Second, "beds_second", "Posti letto II livello"),
    (
        CareLevel::FirstSecond,
        "beds_first_second",
        "Posti letto I e II livello (non distinti)",
    ),
    (CareLevel::Third, "beds_third", "Posti letto III livello"),
];

async fn fields(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
    errors: &FieldErrors,
) -> Result<Vec<Field>, AppError> {
    let projects = zona_store::projects::list_projects(&state.db, zone_id).await?;
    let mut v = vec![
        Field::text("name", "Nome della struttura")
            .required()
            .bind(values, errors),
        Field::select("kind", "Tipo", with_all("Scegli il tipo", kind_options()))
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
        Field::text("opening_hours", "Apertura")
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
        Field::new("catchment", "Utenti di riferimento", FieldKind::Number)
            .hint("Bacino di utenza, un numero intero (per esempio 34.000).")
            .bind(values, errors),
        Field::select(
            "municipality_id",
            "Comune",
            with_all(
                "Scegli il comune",
                municipality_options(state, zone_id).await?,
            ),
        )
        .bind(values, errors),
        Field::text("address", "Indirizzo").bind(values, errors),
        Field::select("status", "Stato", status_options())
            .required()
            .bind(values, errors),
    ]);
    v.extend(capacity_fields(projects, values, errors));
    Ok(v)
}

/// The facility's capacity and use: beds by care level, places, users and
/// accesses, its focus, the project that funds it, notes.
fn capacity_fields(
    projects: Vec<zona_store::projects::Project>,
    values: &FormValues,
    errors: &FieldErrors,
) -> Vec<Field> {
    let mut v = Vec::new();
    for (_, name, label) in BED_FIELDS {
        v.push(
            Field::new(name, label, FieldKind::Number)
                .hint("Numero intero, non negativo; vuoto se non ce ne sono.")
                .bind(values, errors),
        );
    }
    v.extend([
        Field::new("places", "Posti (persone accolte)", FieldKind::Number)
            .hint("Per strutture residenziali come un appartamento «dopo di noi».")
            .bind(values, errors),
        Field::new("focus", "Caratterizzazione", FieldKind::Textarea)
            .hint("Per i consultori: le attività per cui la struttura è punto di riferimento.")
            .bind(values, errors),
        Field::new("users_min", "Utenti all'anno (da)", FieldKind::Number).bind(values, errors),
        Field::new("users_max", "Utenti all'anno (a)", FieldKind::Number)
            .hint("Vuoto se il dato è un numero solo.")
            .bind(values, errors),
        Field::new("accesses", "Accessi all'anno", FieldKind::Number).bind(values, errors),
        Field::select(
            "project_id",
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
        Field::new("notes", "Note", FieldKind::Textarea).bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]);
    v
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

pub(super) async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = values_of(&FacilityForm::new());
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

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<FacilityForm>,
) -> PageResult {
    let caller = ctx.caller();
    let values = values_of(&form);
    match usecase::create_facility(&state.db, &caller, form.parse()).await {
        Ok(id) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/strutture/{id}")),
            FlashKind::Success,
            "Struttura registrata.",
        )),
        Err(Error::Invalid(e)) => {
            form_page(&state, &ctx, caller.zone()?, None, &values, &e, false).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, f) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = values_of(&FacilityForm::of(&f));
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(id),
        &values,
        &FieldErrors::new(),
        false,
    )
    .await
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<FacilityForm>,
) -> PageResult {
    let caller = ctx.caller();
    let version = version_of(&form.version);
    let values = values_of(&form);
    let outcome = usecase::update_facility(&state.db, &caller, id, version, form.parse()).await;
    let (errors, conflict) = match outcome {
        Ok(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("{BASE}/strutture/{id}")),
                FlashKind::Success,
                "Struttura aggiornata.",
            ))
        }
        Err(Error::Conflict) => (FieldErrors::new(), true),
        Err(Error::Invalid(e)) => (e, false),
        Err(e) => return Err(e.into()),
    };
    let zone_id = caller.zone()?;
    form_page(&state, &ctx, zone_id, Some(id), &values, &errors, conflict).await
}

pub(super) async fn confirm_delete(
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

pub(super) async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let version = forms::query_version(&q);
    let outcome = usecase::delete_facility(&state.db, &ctx.caller(), id, version).await;
    after_delete(
        outcome,
        BASE,
        &format!("{BASE}/strutture/{id}"),
        "Struttura eliminata.",
        "La struttura è stata modificata da un'altra persona: controllarla e riprovare.",
    )
}
