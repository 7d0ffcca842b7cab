//! One facility: its card, its entry form and its removal.

use super::*;
use crate::usecase::network as usecase;
use crate::usecase::Error;

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
        ("tipo".into(), r.kind.code().to_string()),
        ("hub_spoke".into(), r.hub_spoke.clone().unwrap_or_default()),
        (
            "apertura".into(),
            r.opening_hours.clone().unwrap_or_default(),
        ),
        ("utenti".into(), n(r.catchment)),
        ("comune".into(), n(r.municipality_id)),
        ("indirizzo".into(), r.address.clone().unwrap_or_default()),
        ("stato".into(), r.status.code().to_string()),
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

/// The kind of facility and, for a Casa della Comunità only, whether it is
/// a hub or a spoke.
fn read_kind(values: &FormValues, e: &mut FieldErrors) -> (Option<FacilityKind>, Option<HubSpoke>) {
    let kind = FacilityKind::from_code(forms::value(values, "tipo"));
    if kind.is_none() {
        e.add("tipo", "Scegliere il tipo di struttura.");
    }
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
    (kind, hub_spoke)
}

/// The users a year: one number, or a range whose second number is not
/// below the first.
fn read_users(values: &FormValues, e: &mut FieldErrors) -> (Option<i64>, Option<i64>) {
    let min = optional_count(values, "utenti_min", e);
    let max = optional_count(values, "utenti_max", e);
    match (min, max) {
        (Some(a), Some(b)) if b < a => e.add(
            "utenti_max",
            "Il secondo numero non può essere inferiore al primo.",
        ),
        (None, Some(_)) => e.add("utenti_min", "Indicare il primo numero dell'intervallo."),
        _ => {}
    }
    (min, max)
}

/// A staff presence as hours a day and days a week: both or neither.
fn read_presence(
    values: &FormValues,
    (hours, days): (&str, &str),
    e: &mut FieldErrors,
) -> Option<Presence> {
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
}

/// Reads the facility form; every error is reported at once. Whether its
/// municipality and project are the zone's is the use case's check.
fn parse_form(values: &FormValues) -> Result<FacilityInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = e.check("nome", required_text(forms::value(values, "nome"), 200));
    let (kind, hub_spoke) = read_kind(values, &mut e);
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
    let (users_min, users_max) = read_users(values, &mut e);
    let accesses = optional_count(values, "accessi", &mut e);
    let beds = BED_FIELDS
        .iter()
        .filter_map(|(level, name, _)| {
            optional_count(values, name, &mut e).map(|n| Beds {
                care_level: *level,
                beds: n,
                note: None,
            })
        })
        .collect();
    let hours = HouseHours {
        doctors: read_presence(values, ("medici_ore", "medici_giorni"), &mut e),
        nurses: read_presence(values, ("infermieri_ore", "infermieri_giorni"), &mut e),
    };
    if hours != HouseHours::default() && kind.is_some_and(|k| k != FacilityKind::CommunityHouse) {
        e.add(
            "medici_ore",
            "La presenza di medici e infermieri si indica solo per le Case della Comunità.",
        );
    }
    let municipality_id = forms::optional_id(values, "comune", &mut e);
    let project_id = forms::optional_id(values, "progetto", &mut e);
    let (Some(kind), Some(name), Some(status), true) = (kind, name, status, e.is_empty()) else {
        return Err(e);
    };
    Ok(FacilityInput {
        // The use case places the facility in the caller's zone.
        zone_id: 0,
        kind,
        name,
        hub_spoke,
        opening_hours: opening.flatten(),
        catchment,
        address: address.flatten(),
        municipality_id,
        status,
        focus: focus.flatten(),
        users_min,
        users_max,
        accesses,
        places,
        project_id,
        notes: notes.flatten(),
        beds,
        hours,
    })
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

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let caller = ctx.caller();
    match usecase::create_facility(&state.db, &caller, parse_form(&values)).await {
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
    let values = values_of(&f);
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
    Form(values): Form<FormValues>,
) -> PageResult {
    let caller = ctx.caller();
    let version = forms::version(&values);
    let outcome =
        usecase::update_facility(&state.db, &caller, id, version, parse_form(&values)).await;
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
