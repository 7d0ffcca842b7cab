//! The zone's view of its municipalities' SOC26 forms, the permanent
//! staff, the PDF and the comparison chart.

use super::*;
use crate::usecase::soc26 as usecase;

#[derive(Template)]
#[template(path = "soc26_zone.html")]
pub(super) struct ZonePage {
    page: PageCtx,
    year: i32,
    /// Every year zona has a form of, the latest first.
    years: Vec<i32>,
    rows: Vec<ZoneRow>,
    totals: ZoneRow,
    ats_sentence: String,
    /// The estimate from the forms' R01 + R01A: an indication only.
    indicative_contribution: String,
    /// Σ R01 and Σ R01A, and whether R01A may count the ATS's staff twice.
    r01_total: String,
    r01a_total: String,
    r01a_shared: bool,
    staff: PermanentStaffView,
}

/// The legal base of the c. 797 contribution: the permanent social workers
/// of each municipality and of the ATS, and what follows from them.
pub(super) struct PermanentStaffView {
    office: bool,
    /// The year whose 31 December the staff is counted at, and the
    /// population's reference day.
    population_day: String,
    population: String,
    /// Municipalities without a population for that day.
    missing_population: Vec<String>,
    /// (field name, label, value as typed or stored, error).
    rows: Vec<(String, String, String, Option<String>)>,
    total: String,
    ratio: String,
    contribution: Option<String>,
    version: i64,
    error: Option<String>,
}

pub(super) struct ZoneRow {
    href: String,
    name: String,
    status: &'static str,
    population: String,
    rob: String,
    r04: String,
    r05: String,
    social_workers: String,
    r01b: String,
    quadro3: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct YearQuery {
    #[serde(default)]
    anno: String,
}

/// The year asked for in a query (`anno`), if any.
pub fn asked_year(text: &str) -> Result<Option<i32>, AppError> {
    match text.trim() {
        "" => Ok(None),
        y => zona_core::validation::int_in_range(y, 1900, 2200)
            .map(|y| Some(y as i32))
            .map_err(|m| AppError::BadRequest(format!("Anno non valido: {m}"))),
    }
}

pub(super) async fn zone_view(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> PageResult {
    zone_page(&state, &ctx, asked_year(&q.anno)?, None).await
}

/// A permanent-staff form that failed: what was typed and the messages.
pub(super) type StaffFailure<'a> = Option<(&'a FormValues, &'a HashMap<String, String>)>;

/// The field of an entry: `fte_ambito` for the ATS, `fte_<id>` for a municipality.
pub(super) fn staff_field(municipality_id: Option<i64>) -> String {
    municipality_id.map_or("fte_ambito".into(), |id| format!("fte_{id}"))
}

impl ZoneRow {
    /// A municipality whose form is not filled in yet: its population only.
    fn not_filled(href: String, m: &Municipality) -> ZoneRow {
        let none = || "—".to_string();
        ZoneRow {
            href,
            name: m.name.clone(),
            status: "Non compilata",
            population: m.population.map(format::integer).unwrap_or_else(none),
            rob: none(),
            r04: none(),
            r05: none(),
            social_workers: none(),
            r01b: none(),
            quadro3: "—",
        }
    }
}

/// What the filled-in forms say of the zone's social workers against the
/// LEP and the service objective of L. 178/2020.
fn ats_sentence(spec: &Soc26Spec, pop: u64, workers: Decimal) -> String {
    let level = rules::staffing_level(spec, pop, workers);
    match rules::inhabitants_per_worker_shown(pop, workers) {
        None => "Nessun assistente sociale risulta dalle schede compilate: il rapporto della zona non è calcolabile.".to_string(),
        Some(n) => format!(
            "Nelle schede compilate la zona ha 1 assistente sociale ogni {} abitanti: {}",
            format::decimal(n),
            match level {
                rules::StaffingLevel::Target => "raggiunge il LEP (1 ogni 5.000) e l'obiettivo di servizio (1 ogni 4.000) della L. 178/2020.",
                rules::StaffingLevel::Lep => "raggiunge il LEP (1 ogni 5.000) ma non ancora l'obiettivo di servizio (1 ogni 4.000) della L. 178/2020.",
                _ => "è sotto il LEP di 1 ogni 5.000 abitanti della L. 178/2020.",
            }
        ),
    }
}

pub(super) async fn zone_page(
    state: &AppState,
    ctx: &Ctx,
    asked: Option<i32>,
    failed: StaffFailure<'_>,
) -> PageResult {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let (forms, spec) = usecase::year_shown(
        &state.db,
        zona_store::territory::Within::Zone(zone_id),
        asked,
    )
    .await?;
    let zone = usecase::zone_forms(&state.db, &ctx.caller(), &spec).await?;
    let rows = zone
        .lines
        .iter()
        .map(|l| {
            let m = &l.municipality;
            let href = format!("/obiettivi-servizio/{}/{}", m.id, spec.year);
            let Some(f) = &l.form else {
                return ZoneRow::not_filled(href, m);
            };
            let (input, r) = (&f.input, &f.result);
            ZoneRow {
                href,
                name: m.name.clone(),
                status: if f.complete { "Completa" } else { "Bozza" },
                population: format::thousands(input.r03),
                rob: format::thousands(r.rob_current),
                r04: format::decimal(r.r04),
                r05: format::decimal(input.r05),
                social_workers: format::decimal(input.r01 + input.r01a),
                r01b: r.r01b.map(format::decimal).unwrap_or_else(|| "—".into()),
                quadro3: if r.quadro3_required { "Sì" } else { "No" },
            }
        })
        .collect();
    let (pop, workers) = (zone.r03, zone.form_workers());
    let ratio = rules::inhabitants_per_social_worker(pop, workers, Decimal::ZERO);
    let totals = ZoneRow {
        href: String::new(),
        name: "Totale zona (schede compilate)".into(),
        status: "",
        population: format::thousands(pop),
        rob: format::thousands(zone.rob),
        r04: if pop > 0 {
            format::decimal(rules::service_level(zone.rob, pop))
        } else {
            "—".into()
        },
        r05: String::new(),
        social_workers: format::decimal(workers),
        r01b: ratio.map(format::decimal).unwrap_or_else(|| "—".into()),
        quadro3: "",
    };
    let page = ZonePage {
        page: PageCtx::new(ctx, format!("Obiettivi di servizio {}", spec.year)),
        year: spec.year,
        years: forms.all().iter().rev().map(|s| s.year).collect(),
        rows,
        totals,
        ats_sentence: ats_sentence(&spec, pop, workers),
        indicative_contribution: zone.indicative_contribution(&spec).to_string(),
        r01_total: format::decimal(zone.r01),
        r01a_total: format::decimal(zone.r01a),
        r01a_shared: zone.r01a_forms > 1,
        staff: permanent_staff_view(ctx, &spec, &zone, failed),
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

pub(super) fn permanent_staff_view(
    ctx: &Ctx,
    spec: &Soc26Spec,
    zone: &usecase::ZoneForms,
    failed: StaffFailure<'_>,
) -> PermanentStaffView {
    let stored = |id: Option<i64>| {
        zone.staff
            .iter()
            .find(|e| e.municipality_id == id)
            .and_then(|e| e.fte_hundredths)
            .map(|h| format::decimal(Decimal::new(h, 2)))
            .unwrap_or_default()
    };
    let mut rows: Vec<(String, String, String, Option<String>)> = zone
        .lines
        .iter()
        .map(|l| &l.municipality)
        .map(|m| {
            (
                staff_field(Some(m.id)),
                format!("Assunti dal Comune di {}", m.name),
                stored(Some(m.id)),
            )
        })
        .chain(std::iter::once((
            staff_field(None),
            "Assunti dall'ambito (ente capofila o gestione associata)".to_string(),
            stored(None),
        )))
        .map(|(k, label, v)| (k, label, v, None))
        .collect();
    let mut version = zone.staff_version;
    if let Some((typed, errors)) = failed {
        for r in &mut rows {
            r.2 = typed.get(&r.0).cloned().unwrap_or_default();
            r.3 = errors.get(&r.0).cloned();
        }
        // The version the person started from, so that a save made
        // meanwhile by someone else is still a conflict.
        version = crate::web::forms::version(typed);
    }
    let total = zone.permanent_staff().unwrap_or_default();
    let ratio = rules::inhabitants_per_worker_shown(zone.population, total);
    PermanentStaffView {
        office: ctx.allows(Action::Administer {
            zone_id: zone.zone_id,
        }),
        population_day: format!("1° gennaio {}", spec.year),
        population: format::thousands(zone.population),
        missing_population: zone.missing_population.clone(),
        total: format::decimal(total),
        ratio: ratio.map(format::decimal).unwrap_or_else(|| "—".into()),
        contribution: zone.contribution(spec).map(|c| c.to_string()),
        rows,
        version,
        error: failed.map(|_| "Controlla i valori segnalati: nulla è stato salvato.".to_string()),
    }
}

/// Saves the permanent social workers of the zone's municipalities and ATS.
pub(super) async fn save_permanent_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    // The year of the page the form was on.
    let year = asked_year(v.get("anno").map(String::as_str).unwrap_or(""))?
        .ok_or_else(|| AppError::BadRequest("Anno mancante.".into()))?;
    let spec = usecase::form_of_year(&state.db, year).await?;
    let municipalities = territory::zone_municipalities(&state.db, zone_id).await?;
    let mut errors = HashMap::new();
    let mut entries = Vec::new();
    let keys = municipalities
        .iter()
        .map(|m| Some(m.id))
        .chain(std::iter::once(None));
    for id in keys {
        let field = staff_field(id);
        let typed = v.get(&field).map(String::as_str).unwrap_or("");
        match rules::read_permanent_fte(typed) {
            Ok(hundredths) => entries.push((id, hundredths)),
            Err(m) => {
                errors.insert(field, m);
            }
        }
    }
    if !errors.is_empty() {
        return zone_page(&state, &ctx, Some(year), Some((&v, &errors))).await;
    }
    let version = crate::web::forms::version(&v);
    let outcome =
        usecase::set_permanent_staff(&state.db, &ctx.caller(), &spec, version, Ok(entries)).await;
    let back = format!("/obiettivi-servizio?anno={year}#personale");
    match outcome {
        Ok(()) => Ok(with_flash(
            Redirect::to(&back),
            FlashKind::Success,
            "Assistenti sociali a tempo indeterminato salvati: il contributo è ricalcolato.",
        )),
        Err(crate::usecase::Error::Conflict) => Ok(with_flash(
            Redirect::to(&back),
            FlashKind::Danger,
            "Gli assistenti sociali sono stati modificati da un'altra persona mentre compilavi: ricarica e ripeti la modifica.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// The form as a PDF laid out as the official one. A draft prints too, with
/// its problems as warnings, so that it can be reviewed on paper.
pub(super) async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(&state, year).await?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    let m = &loaded.municipality;
    let stored = store::get(&state.db, municipality_id, i64::from(year)).await?;
    let last_change = stored
        .as_ref()
        .map(|f| format::datetime(f.updated_at))
        .unwrap_or_default();
    let (mut input, result, problems) = evaluate(&spec, m, &loaded.values);
    if input.name.is_empty() {
        input.name = m.name.to_uppercase();
    }
    let mut data = soc26_json::print_data(&spec, &input, &result, &last_change);
    if !problems.is_empty() {
        let mut w: Vec<Value> = problems
            .iter()
            .map(|p| Value::String(format!("Bozza, da correggere: {}", p.message)))
            .collect();
        if let Some(Value::Array(existing)) = data.get("warnings") {
            w.extend(existing.iter().cloned());
        }
        data["warnings"] = Value::Array(w);
    }
    let today = time::OffsetDateTime::now_utc().date();
    let bytes = tokio::task::spawn_blocking(move || {
        zona_reports::pdf::render(zona_reports::pdf::SOC26_TEMPLATE, &data, today)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(anyhow::Error::from)?;
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let name = format!("inline; filename=\"soc26-{year}-{}.pdf\"", m.istat_code);
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).map_err(anyhow::Error::from)?,
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "soc26_comparison.html")]
pub(super) struct ComparisonPage {
    page: PageCtx,
    municipality: String,
    year: i32,
    reference_year: i32,
    form_href: String,
    rows: Vec<(String, String, String, String, String)>,
    totals: (String, String, String, String),
    chart: String,
}

pub(super) fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", format::integer(n))
    } else {
        format::integer(n)
    }
}

pub(super) fn percent(p: Option<Decimal>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p > Decimal::ZERO => format!("+{} %", format::decimal(p)),
        Some(p) => format!("{} %", format::decimal(p)),
    }
}

/// Users per area, reference year against the current year, table and chart.
pub(super) async fn comparison(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(&state, year).await?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    let m = &loaded.municipality;
    let (input, result, _) = evaluate(&spec, m, &loaded.values);
    let areas = rules::compare_areas(&spec, &input);
    let rows = areas
        .iter()
        .map(|a| {
            (
                format::capitalise(&a.area),
                format::thousands(a.reference),
                format::thousands(a.current),
                signed(a.current as i64 - a.reference as i64),
                percent(a.change_percent()),
            )
        })
        .collect();
    let total = rules::AreaComparison {
        area: String::new(),
        reference: result.rob_reference,
        current: result.rob_current,
    };
    let chart = zona_reports::charts::grouped_bars(
        "confronto",
        &format!("Utenti serviti per area, {} e {} – Comune di {}", spec.reference_year, spec.year, m.name),
        "Barre orizzontali: per ogni area, gli utenti del primo anno e dell'anno corrente. Gli stessi valori sono nella tabella.",
        &areas.iter().map(|a| format::capitalise(&a.area)).collect::<Vec<_>>(),
        &[
            zona_reports::charts::Series { label: &spec.reference_year.to_string(), colour: "#5c6f82", values: areas.iter().map(|a| a.reference).collect() },
            zona_reports::charts::Series { label: &spec.year.to_string(), colour: "#0066cc", values: areas.iter().map(|a| a.current).collect() },
        ],
    );
    let base = format!("/obiettivi-servizio/{}/{}", m.id, spec.year);
    Ok(render_page(&ComparisonPage {
        page: PageCtx::new(
            &ctx,
            format!(
                "Confronto {}–{} — Comune di {}",
                spec.reference_year, spec.year, m.name
            ),
        )
        .crumb("Obiettivi di servizio", "/obiettivi-servizio")
        .crumb(
            format!("SOC26 {} — Comune di {}", spec.year, m.name),
            base.clone(),
        ),
        municipality: m.name.clone(),
        year: spec.year,
        reference_year: spec.reference_year,
        form_href: base,
        rows,
        totals: (
            format::thousands(total.reference),
            format::thousands(total.current),
            signed(total.current as i64 - total.reference as i64),
            percent(total.change_percent()),
        ),
        chart,
    }))
}
