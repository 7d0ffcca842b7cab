//! The DM 77/2022 check of the zone, its export, the zone's choice for
//! family clinics and the standards with the counts made by hand.

use super::input::{ClinicRateForm, StandardForm};
use super::*;
use crate::usecase::network as usecase;
use crate::usecase::Error;
use crate::web::forms::{values_of, version_of};

// ---------------------------------------------------------------- DM 77

#[derive(Template)]
#[template(path = "network_dm77.html")]
struct Dm77Page {
    page: PageCtx,
    /// The zone's office: its choices and its counts by hand.
    office: bool,
    /// The region: the standards themselves.
    frame: bool,
    population: String,
    check: nw::Dm77Check,
}

pub(super) async fn dm77(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::ReadInternal { zone_id })?;
    let check = nw::dm77_check(&state.db, zone_id).await?;
    Ok(render_page(&Dm77Page {
        page: crumbs(PageCtx::new(&ctx, "Standard DM 77/2022")),
        office: ctx.allows(Action::Administer { zone_id }),
        frame: ctx.edits_frame(),
        population: zona_core::format::thousands(check.population),
        check,
    }))
}

/// The zone's choice of the higher family-clinic rate in its inner areas.
pub(super) async fn save_clinic_rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ClinicRateForm>,
) -> PageResult {
    let apply = match form.inner_areas.trim() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest("Scelta non valida.".into())),
    };
    let back = Redirect::to(&format!("{BASE}/dm77"));
    match usecase::set_clinic_rate(&state.db, &ctx.caller(), version_of(&form.version), apply).await {
        Ok(()) => Ok(with_flash(
            back,
            FlashKind::Success,
            if apply {
                "Consultori: la zona applica 1 ogni 10.000 abitanti nei comuni delle aree interne."
            } else {
                "Consultori: la zona applica 1 ogni 20.000 abitanti in tutti i comuni."
            },
        )),
        Err(Error::Conflict) => Ok(with_flash(
            back,
            FlashKind::Danger,
            "La zona è stata modificata da un'altra persona mentre compilavi: la scelta non è stata salvata. Controlla e ripeti.",
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn export_dm77(
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

/// Whether the caller is the planning office of the page's zone.
fn office_of(ctx: &Ctx) -> bool {
    ctx.zone_id()
        .is_some_and(|zone_id| ctx.allows(Action::Administer { zone_id }))
}

/// The form's fields: the standard's for the region (`frame`), the zone's
/// count by hand for its office (`count`).
fn standard_fields(
    values: &FormValues,
    errors: &FieldErrors,
    manual: bool,
    frame: bool,
    count: bool,
) -> Vec<Field> {
    let measures = Measure::ALL
        .iter()
        .map(|m| (m.code().to_string(), m.label().to_string()))
        .collect();
    let mut v = Vec::new();
    if frame {
        v.extend([
        Field::text("label", "Standard").required().bind(values, errors),
        Field::new("min_amount", "Almeno (quantità)", FieldKind::Number)
            .required()
            .hint("Per esempio 20 (posti letto) o 1 (struttura).")
            .bind(values, errors),
        Field::new("min_per", "ogni … abitanti", FieldKind::Number)
            .required()
            .bind(values, errors),
        Field::new("max_amount", "Al più (quantità)", FieldKind::Number)
            .hint("Solo se la norma dà un intervallo (per esempio 1 ogni 40.000-50.000: al più 1 ogni 40.000).")
            .bind(values, errors),
        Field::new("max_per", "ogni … abitanti (massimo)", FieldKind::Number).bind(values, errors),
        Field::new("inner_amount", "Nelle aree interne, se la zona lo sceglie (quantità)", FieldKind::Number)
            .hint("Solo se la norma prevede un parametro più alto per le aree interne e rurali (consultori: 1 ogni 10.000).")
            .bind(values, errors),
        Field::new("inner_per", "ogni … abitanti (aree interne)", FieldKind::Number).bind(values, errors),
        Field::select("measure", "Come si contano gli esistenti", measures)
            .required()
            .bind(values, errors),
        Field::new("source", "Fonte normativa", FieldKind::Textarea)
            .required()
            .bind(values, errors),
        ]);
    }
    if manual && count {
        v.extend([
            Field::new("open_count", "Esistenti nella zona: attivi", FieldKind::Number)
                .hint("Per gli standard contati a mano (personale, équipe). Vuoto se il dato non è disponibile. Per il personale in unità equivalenti a tempo pieno, due decimali: 0,50 è mezzo posto.")
                .bind(values, errors),
            Field::new("planned_count", "Esistenti nella zona: programmati", FieldKind::Number)
                .bind(values, errors),
            Field::text("count_note", "Nota sul dato (fonte, data)").bind(values, errors),
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
    let mut page = crate::web::views::FormPage::new(
        crumbs(PageCtx::new(ctx, s.standard.label.clone()))
            .crumb("Standard DM 77/2022", format!("{BASE}/dm77")),
        format!("Standard: {}", s.standard.label),
        format!("{BASE}/dm77/{}", s.standard.code),
        standard_fields(values, errors, manual, ctx.edits_frame(), office_of(ctx)),
    );
    page.intro = match (ctx.edits_frame(), office_of(ctx)) {
        (true, _) => "Gli standard valgono per tutte le zone della regione: modificarli quando cambia la norma, indicando la nuova fonte. Il dato «esistenti» degli standard contati a mano è di ogni zona e lo inserisce il suo Ufficio di Piano.",
        _ => "Lo standard vale per tutte le zone e lo modifica la Regione: qui si inserisce il dato «esistenti» della zona, per gli standard contati a mano.",
    }
    .into();
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

pub(super) async fn standard_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let (s, manual) = usecase::open_standard(&state.db, &ctx.caller(), &code).await?;
    let values = values_of(&StandardForm::of(&s, manual));
    standard_page(&ctx, &s, &values, &FieldErrors::new(), false).await
}

pub(super) async fn save_standard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(form): Form<StandardForm>,
) -> PageResult {
    let caller = ctx.caller();
    let (s, manual) = usecase::open_standard(&state.db, &caller, &code).await?;
    // What the form did not offer this person stays as stored.
    let form = form.keeping(
        StandardForm::of(&s, manual),
        ctx.edits_frame(),
        office_of(&ctx),
    );
    let version = version_of(&form.version);
    let edit = form.parse(&s);
    let values = values_of(&form);
    match usecase::save_standard(&state.db, &caller, &code, version, edit).await {
        Ok(()) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/dm77")),
            FlashKind::Success,
            "Standard salvato.",
        )),
        Err(Error::Invalid(e)) => standard_page(&ctx, &s, &values, &e, false).await,
        Err(Error::Conflict) => standard_page(&ctx, &s, &values, &FieldErrors::new(), true).await,
        Err(e) => Err(e.into()),
    }
}
