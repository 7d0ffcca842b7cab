//! The DM 77/2022 check of the zone, its export, the zone's choice for
//! family clinics and the standards with the counts made by hand.

use super::*;
use crate::usecase::network as usecase;
use crate::usecase::Error;

// ---------------------------------------------------------------- DM 77

#[derive(Template)]
#[template(path = "network_dm77.html")]
struct Dm77Page {
    page: PageCtx,
    office: bool,
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
        population: zona_core::format::thousands(check.population),
        check,
    }))
}

/// The zone's choice of the higher family-clinic rate in its inner areas.
pub(super) async fn save_clinic_rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let apply = match forms::value(&values, "aree_interne") {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest("Scelta non valida.".into())),
    };
    let back = Redirect::to(&format!("{BASE}/dm77"));
    match usecase::set_clinic_rate(&state.db, &ctx.caller(), forms::version(&values), apply).await {
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
    let mut page = crate::web::views::FormPage::new(
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

pub(super) async fn standard_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let (s, manual) = usecase::open_standard(&state.db, &ctx.caller(), &code).await?;
    let st = &s.standard;
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

/// The counts by hand, read only where the form showed them: for a
/// standard counted by hand.
fn read_count(
    s: &store::StoredStandard,
    values: &FormValues,
    e: &mut FieldErrors,
) -> Option<Option<ManualCount>> {
    if s.standard.measure != Measure::Manual {
        return None;
    }
    let unit = s.standard.unit;
    let open = nw::read_manual(unit, values, "attivi", e);
    let planned = nw::read_manual(unit, values, "programmati", e);
    let note = e.check("nota", optional_text(forms::value(values, "nota"), 300));
    if open.is_none() && planned.is_some() {
        e.add("attivi", "Indicare anche gli attivi (0 se nessuno).");
    }
    Some(open.map(|o| ManualCount {
        standard_code: s.standard.code.clone(),
        open_count: o,
        planned_count: planned.unwrap_or(0),
        note: note.flatten(),
    }))
}

fn read_edit(
    s: &store::StoredStandard,
    values: &FormValues,
) -> Result<usecase::StandardEdit, FieldErrors> {
    let standard = read_standard(&s.standard, values)?;
    let mut e = FieldErrors::new();
    let count = read_count(s, values, &mut e);
    e.into_result(usecase::StandardEdit { standard, count })
}

pub(super) async fn save_standard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let caller = ctx.caller();
    let (s, _) = usecase::open_standard(&state.db, &caller, &code).await?;
    let version = forms::version(&values);
    let edit = read_edit(&s, &values);
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
