//! The SOC26 service-objectives forms of the zone's municipalities: the zone
//! view, the form laid out as the official one, live computation with htmx,
//! drafts that keep whatever was typed, and the computed form as JSON.

use super::common::{require, same_zone, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::FormValues;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::collections::HashMap;
use zona_core::authz::Action;
use zona_core::format;
use zona_core::soc26::{self as rules, Problem, Soc26Input, Soc26Result, Soc26Spec};
use zona_core::soc26_json;
use zona_store::soc26 as store;
use zona_store::territory::{self, Municipality};
use zona_store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/obiettivi-servizio", get(zone_view))
        .route("/obiettivi-servizio/personale", post(save_permanent_staff))
        .route(
            "/obiettivi-servizio/{municipality}/{year}",
            get(form).post(save),
        )
        .route(
            "/obiettivi-servizio/{municipality}/{year}/calcola",
            post(preview),
        )
        .route(
            "/obiettivi-servizio/{municipality}/{year}/scheda.json",
            get(computed_json),
        )
        .route(
            "/obiettivi-servizio/{municipality}/{year}/scheda.pdf",
            get(pdf),
        )
        .route(
            "/obiettivi-servizio/{municipality}/{year}/confronto",
            get(comparison),
        )
}

/// HTML field name prefixes and the JSON sections they fill.
const SECTIONS: [(&str, &str); 4] = [
    ("ref.", "reference_year"),
    ("cur.", "current_year"),
    ("hrs.", "hours"),
    ("q3.", "quadro3"),
];

/// The posted form as the JSON of docs/soc26.md, keeping what was typed.
pub fn form_to_json(spec: &Soc26Spec, name: &str, values: &FormValues) -> Value {
    let mut root = Map::new();
    root.insert("form".into(), "SOC26".into());
    root.insert("year".into(), spec.year.into());
    root.insert("name".into(), name.into());
    let identifier = values.get("identifier").map(|s| s.trim()).unwrap_or("");
    root.insert("identifier".into(), identifier.into());
    for (prefix, section) in SECTIONS {
        let mut m = Map::new();
        let mut keys: Vec<&String> = values.keys().filter(|k| k.starts_with(prefix)).collect();
        keys.sort();
        for k in keys {
            let v = values[k].trim();
            if v.is_empty() {
                continue;
            }
            let code = &k[prefix.len()..];
            if section == "quadro3" {
                let (obj, part) = code.split_once('.').unwrap_or((code, "spending"));
                let entry = m
                    .entry(obj.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(o) = entry {
                    o.insert(part.to_string(), v.into());
                }
            } else {
                m.insert(code.to_string(), v.into());
            }
        }
        root.insert(section.into(), Value::Object(m));
    }
    Value::Object(root)
}

/// The stored JSON back into form fields.
fn json_to_form(data: &Value) -> FormValues {
    let mut out = FormValues::new();
    if let Some(Value::String(id)) = data.get("identifier") {
        out.insert("identifier".into(), id.clone());
    }
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    for (prefix, section) in SECTIONS {
        if let Some(Value::Object(m)) = data.get(section) {
            for (code, v) in m {
                if let Value::Object(parts) = v {
                    for (part, pv) in parts {
                        out.insert(format!("{prefix}{code}.{part}"), text(pv));
                    }
                } else {
                    out.insert(format!("{prefix}{code}"), text(v));
                }
            }
        }
    }
    out
}

/// The form field a problem belongs to.
fn field_of(p: &Problem) -> String {
    match p.field.split_once('.') {
        Some(("reference_year", code)) => format!("ref.{code}"),
        Some(("current_year", code)) => format!("cur.{code}"),
        Some(("hours", code)) => format!("hrs.{code}"),
        Some(("quadro3", code)) => format!("q3.{code}.spending"),
        _ if ["R10", "R11", "R12", "R13", "R14"].contains(&p.field.as_str()) => {
            format!("q3.{}.spending", p.field)
        }
        _ => format!("cur.{}", p.field),
    }
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub id: String,
    pub value: String,
    pub error: Option<String>,
}

impl Input {
    pub fn described_by(&self) -> String {
        if self.error.is_some() {
            format!("{}-error", self.id)
        } else {
            String::new()
        }
    }
}

pub struct RowView {
    pub code: String,
    pub label: String,
    pub reference: Input,
    pub current: Input,
    pub hours: Option<Input>,
    pub average: String,
}

pub struct Computed {
    pub rob_reference: String,
    pub rob_current: String,
    pub averages: Vec<(String, String)>,
    pub r01b: String,
    pub r01b_sentence: String,
    pub staffing_sentence: String,
    pub r04: String,
    pub service_sentence: String,
    pub quadro2_sentence: String,
    pub quadro3: String,
    pub r15: String,
    pub useful_r10: String,
    pub warnings: Vec<String>,
    pub r16_count: String,
}

fn computed(spec: &Soc26Spec, f: &Soc26Input, r: &Soc26Result) -> Computed {
    let avg = |d: Option<Decimal>| d.map(format::decimal).unwrap_or_default();
    Computed {
        rob_reference: format::thousands(r.rob_reference),
        rob_current: format::thousands(r.rob_current),
        averages: r
            .average_hours
            .iter()
            .map(|(k, v)| (k.clone(), avg(*v)))
            .collect(),
        r01b: r.r01b.map(format::decimal).unwrap_or_else(|| "—".into()),
        r01b_sentence: r.r01b_sentence.clone(),
        staffing_sentence: r.staffing_sentence.clone(),
        r04: format::decimal(r.r04),
        service_sentence: r.service_level_sentence.clone(),
        quadro2_sentence: r.quadro2_sentence.clone(),
        quadro3: if r.quadro3_required {
            "Il Quadro 3 è da compilare.".into()
        } else {
            "Il Quadro 3 non è da compilare.".into()
        },
        r15: r.r15.format_plain(),
        useful_r10: format::decimal(r.useful_additional_social_workers),
        warnings: r.warnings.clone(),
        r16_count: format!(
            "{} caratteri su {}",
            format::thousands(f.r16.chars().count() as u64),
            format::thousands(spec.r16_max_chars as u64)
        ),
    }
}

#[derive(Template)]
#[template(path = "soc26_form.html")]
struct FormPage {
    page: PageCtx,
    municipality: String,
    municipality_id: i64,
    istat: String,
    year: i32,
    reference_year: i32,
    staff_year: i32,
    spending_years: (i32, i32),
    action: String,
    json_href: String,
    pdf_href: String,
    version: String,
    status: &'static str,
    last_change: String,
    can_edit: bool,
    services: Vec<RowView>,
    contributions: Vec<RowView>,
    structures: Vec<RowView>,
    i: HashMap<String, Input>,
    c: Computed,
    lep_note: &'static str,
    problems: Vec<(String, String, String)>,
}

impl FormPage {
    /// The input named `name` (template helper).
    fn f<S: AsRef<str>>(&self, name: S) -> Input {
        let name = name.as_ref();
        self.i.get(name).cloned().unwrap_or_else(|| Input {
            name: name.into(),
            id: format!("f-{}", name.replace('.', "-")),
            value: String::new(),
            error: None,
        })
    }
}

/// The computed elements alone, each marked for an htmx out-of-band swap.
#[derive(Template)]
#[template(path = "soc26_computed.html")]
struct ComputedFragment {
    c: Computed,
    problems: Vec<(String, String, String)>,
}

struct Loaded {
    municipality: Municipality,
    values: FormValues,
    version: Option<i64>,
    complete: Option<bool>,
    last_change: Option<String>,
}

fn spec_for(year: i32) -> Result<Soc26Spec, AppError> {
    Soc26Spec::for_year(year).ok_or(AppError::NotFound)
}

async fn load(
    state: &AppState,
    ctx: &Ctx,
    municipality_id: i64,
    year: i32,
) -> Result<Loaded, AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let municipality = territory::get_municipality(&state.db, municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, municipality.zone_id)?;
    let stored = store::get(&state.db, municipality_id, i64::from(year)).await?;
    Ok(match stored {
        Some(f) => Loaded {
            municipality,
            values: json_to_form(&serde_json::from_str(&f.data).unwrap_or(Value::Null)),
            version: Some(f.version),
            complete: Some(f.complete),
            last_change: Some(format::datetime(f.updated_at)),
        },
        None => {
            // A new form starts from what zona already knows: the ATS and the population.
            let mut values = FormValues::new();
            if let Some(z) = &ctx.zone {
                values.insert("cur.R0C".into(), z.name.to_uppercase());
                values.insert(
                    "cur.R0D".into(),
                    z.lead_body.clone().unwrap_or_default().to_uppercase(),
                );
            }
            let pops = territory::populations(&state.db, municipality_id).await?;
            if let Some(p) = pops.iter().find(|p| p.year == i64::from(year) - 1) {
                values.insert("cur.R03".into(), p.population.to_string());
            }
            Loaded {
                municipality,
                values,
                version: None,
                complete: None,
                last_change: None,
            }
        }
    })
}

/// Reads the form values as the rules see them: best effort plus problems.
fn evaluate(
    spec: &Soc26Spec,
    m: &Municipality,
    values: &FormValues,
) -> (Soc26Input, Soc26Result, Vec<Problem>) {
    let json = form_to_json(spec, &m.name.to_uppercase(), values);
    let (input, problems) =
        soc26_json::read(spec, &json.to_string()).unwrap_or_else(|p| (Soc26Input::default(), p));
    let result = rules::compute(spec, &input);
    (input, result, problems)
}

fn problem_list(problems: &[Problem]) -> Vec<(String, String, String)> {
    problems
        .iter()
        .map(|p| {
            let field = field_of(p);
            let id = format!("f-{}", field.replace('.', "-"));
            (
                p.field.split('.').next_back().unwrap_or("").to_string(),
                p.message.clone(),
                id,
            )
        })
        .collect()
}

fn build_page(
    ctx: &Ctx,
    spec: &Soc26Spec,
    loaded: &Loaded,
    values: &FormValues,
    can_edit: bool,
) -> FormPage {
    let (input, result, problems) = evaluate(spec, &loaded.municipality, values);
    let mut errors: HashMap<String, String> = HashMap::new();
    for p in &problems {
        errors
            .entry(field_of(p))
            .or_insert_with(|| p.message.clone());
    }
    let mut i = HashMap::new();
    let mut add = |name: String| {
        let input = Input {
            id: format!("f-{}", name.replace('.', "-")),
            value: values.get(&name).cloned().unwrap_or_default(),
            error: errors.get(&name).cloned(),
            name: name.clone(),
        };
        i.insert(name, input.clone());
        input
    };
    let c = computed(spec, &input, &result);
    let mut rows = |kind: rules::RowKind| -> Vec<RowView> {
        spec.rows
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| RowView {
                code: r.code.clone(),
                label: r.label.clone(),
                reference: add(format!("ref.{}", r.code)),
                current: add(format!("cur.{}", r.code)),
                hours: (spec.has_hours(r) && !r.multi_user).then(|| add(format!("hrs.{}", r.code))),
                average: c
                    .averages
                    .iter()
                    .find(|(k, _)| *k == r.code)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            })
            .collect()
    };
    let services = rows(rules::RowKind::Service);
    let contributions = rows(rules::RowKind::Contribution);
    let structures = rows(rules::RowKind::Structure);
    for name in [
        "identifier",
        "cur.R0C",
        "cur.R0D",
        "cur.R0E",
        "ref.R01",
        "cur.R01",
        "cur.R01A",
        "ref.R02",
        "cur.R02",
        "cur.R02X",
        "cur.R02Y",
        "cur.R02A",
        "cur.R03",
        "cur.R05",
        "cur.R06",
        "ref.R07",
        "cur.R07",
        "cur.R08",
        "cur.R09",
        "cur.R16",
    ] {
        add(name.to_string());
    }
    for code in ["R10", "R11", "R12", "R13", "R14"] {
        for part in ["number", "method", "spending"] {
            add(format!("q3.{code}.{part}"));
        }
    }
    let m = &loaded.municipality;
    let base = format!("/obiettivi-servizio/{}/{}", m.id, spec.year);
    FormPage {
        page: PageCtx::new(ctx, format!("SOC26 {} — Comune di {}", spec.year, m.name))
            .crumb("Obiettivi di servizio", "/obiettivi-servizio"),
        municipality: m.name.clone(),
        municipality_id: m.id,
        istat: m.istat_code.clone(),
        year: spec.year,
        reference_year: spec.reference_year,
        staff_year: spec.staff_reference_year,
        spending_years: spec.spending_years,
        action: base.clone(),
        json_href: format!("{base}/scheda.json"),
        pdf_href: format!("{base}/scheda.pdf"),
        version: loaded.version.map(|v| v.to_string()).unwrap_or_default(),
        status: match loaded.complete {
            None => "Non ancora compilata",
            Some(false) => "Bozza (contiene errori)",
            Some(true) => "Completa",
        },
        last_change: loaded.last_change.clone().unwrap_or_else(|| "—".into()),
        can_edit,
        services,
        contributions,
        structures,
        i,
        c,
        lep_note: rules::lep_note(),
        problems: problem_list(&problems),
    }
}

async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(year)?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    let can_edit = ctx.allows(Action::Administer {
        zone_id: loaded.municipality.zone_id,
    });
    let values = loaded.values.clone();
    Ok(render_page(&build_page(
        &ctx, &spec, &loaded, &values, can_edit,
    )))
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let spec = spec_for(year)?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    require(
        &ctx,
        Action::Administer {
            zone_id: loaded.municipality.zone_id,
        },
    )?;
    let m = &loaded.municipality;
    let (_, _, problems) = evaluate(&spec, m, &values);
    let json = form_to_json(&spec, &m.name.to_uppercase(), &values);
    let expected = values.get("version").and_then(|v| v.parse::<i64>().ok());
    match store::save(
        &state.db,
        &ctx.actor(),
        m.id,
        i64::from(year),
        &json.to_string(),
        problems.is_empty(),
        expected,
    )
    .await
    {
        Ok(_) => {
            let to = format!("/obiettivi-servizio/{}/{year}", m.id);
            Ok(if problems.is_empty() {
                with_flash(
                    Redirect::to(&to),
                    FlashKind::Success,
                    "Scheda salvata: tutti i controlli sono superati.",
                )
            } else {
                let n = problems.len();
                with_flash(
                    Redirect::to(&to),
                    FlashKind::Warning,
                    &format!("Bozza salvata. La scheda contiene {n} {} da correggere, indicati accanto ai campi.", if n == 1 { "errore" } else { "errori" }),
                )
            })
        }
        Err(StoreError::Conflict) => {
            let current = load(&state, &ctx, municipality_id, year).await?;
            let mut page = build_page(&ctx, &spec, &current, &current.values.clone(), true);
            page.problems.insert(
                0,
                (
                    String::new(),
                    "La scheda è stata salvata da un'altra persona dopo che l'hai aperta: le tue modifiche non sono state salvate. Qui sotto la versione attuale; riporta le tue modifiche e salva di nuovo.".into(),
                    "f-version".into(),
                ),
            );
            let mut r = render_page(&page);
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// htmx: the computed values for what is typed, nothing saved.
async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let spec = spec_for(year)?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    let (input, result, problems) = evaluate(&spec, &loaded.municipality, &values);
    Ok(render_page(&ComputedFragment {
        c: computed(&spec, &input, &result),
        problems: problem_list(&problems),
    }))
}

async fn computed_json(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(year)?;
    let loaded = load(&state, &ctx, municipality_id, year).await?;
    let m = &loaded.municipality;
    let json = form_to_json(&spec, &m.name.to_uppercase(), &loaded.values);
    let body = match soc26_json::compute_json(&spec, &json.to_string()) {
        Ok(v) => v,
        Err(problems) => serde_json::json!({ "complete": false, "problems": problems }),
    };
    let mut r = serde_json::to_string_pretty(&body)
        .map_err(anyhow::Error::from)?
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let name = format!(
        "attachment; filename=\"soc26-{year}-{}.json\"",
        m.istat_code
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).map_err(anyhow::Error::from)?,
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "soc26_zone.html")]
struct ZonePage {
    page: PageCtx,
    year: i32,
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
struct PermanentStaffView {
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

struct ZoneRow {
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

async fn zone_view(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    zone_page(&state, &ctx, None).await
}

/// A permanent-staff form that failed: what was typed and the messages.
type StaffFailure<'a> = Option<(&'a FormValues, &'a HashMap<String, String>)>;

/// The field of an entry: `fte_ambito` for the ATS, `fte_<id>` for a municipality.
fn staff_field(municipality_id: Option<i64>) -> String {
    municipality_id.map_or("fte_ambito".into(), |id| format!("fte_{id}"))
}

async fn zone_page(state: &AppState, ctx: &Ctx, failed: StaffFailure<'_>) -> PageResult {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let spec = Soc26Spec::latest();
    let municipalities = territory::zone_municipalities(&state.db, zone_id).await?;
    let forms = store::list(&state.db, zone_id, i64::from(spec.year)).await?;
    let mut rows = Vec::new();
    let (mut pop, mut rob, mut workers) = (0u64, 0u64, Decimal::ZERO);
    let (mut r01_total, mut r01a_total, mut r01a_count) = (Decimal::ZERO, Decimal::ZERO, 0);
    for m in &municipalities {
        let href = format!("/obiettivi-servizio/{}/{}", m.id, spec.year);
        let stored = forms.iter().find(|f| f.municipality_id == m.id);
        let Some(f) = stored else {
            rows.push(ZoneRow {
                href,
                name: m.name.clone(),
                status: "Non compilata",
                population: m
                    .population
                    .map(format::integer)
                    .unwrap_or_else(|| "—".into()),
                rob: "—".into(),
                r04: "—".into(),
                r05: "—".into(),
                social_workers: "—".into(),
                r01b: "—".into(),
                quadro3: "—",
            });
            continue;
        };
        let values = json_to_form(&serde_json::from_str(&f.data).unwrap_or(Value::Null));
        let (input, r, _) = evaluate(&spec, m, &values);
        pop += input.r03;
        rob += r.rob_current;
        workers += input.r01 + input.r01a;
        r01_total += input.r01;
        r01a_total += input.r01a;
        r01a_count += usize::from(!input.r01a.is_zero());
        rows.push(ZoneRow {
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
        });
    }
    let ratio = rules::inhabitants_per_social_worker(pop, workers, Decimal::ZERO);
    let level = rules::staffing_level(&spec, pop, workers);
    let ats_sentence = match rules::inhabitants_per_worker_shown(pop, workers) {
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
    };
    let indicative = rules::ats_contribution(&spec, pop, workers);
    let staff = permanent_staff_view(state, ctx, &spec, &municipalities, failed).await?;
    let totals = ZoneRow {
        href: String::new(),
        name: "Totale zona (schede compilate)".into(),
        status: "",
        population: format::thousands(pop),
        rob: format::thousands(rob),
        r04: if pop > 0 {
            format::decimal(rules::service_level(rob, pop))
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
        rows,
        totals,
        ats_sentence,
        indicative_contribution: indicative.to_string(),
        r01_total: format::decimal(r01_total),
        r01a_total: format::decimal(r01a_total),
        r01a_shared: r01a_count > 1,
        staff,
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

/// The population the c. 797 thresholds are measured on: the residents at
/// 1 January of the year (ISTAT, 31 December of the year before), the same
/// day as the forms' R03, summed over the zone's municipalities.
async fn permanent_staff_view(
    state: &AppState,
    ctx: &Ctx,
    spec: &Soc26Spec,
    municipalities: &[Municipality],
    failed: StaffFailure<'_>,
) -> Result<PermanentStaffView, AppError> {
    let zone_id = zone_of(ctx)?;
    let year = i64::from(spec.year);
    let (entries, version) = store::permanent_staff(&state.db, zone_id, year).await?;
    let recorded_populations = territory::zone_populations(&state.db, zone_id, year - 1).await?;
    let mut population = 0u64;
    let mut missing_population = Vec::new();
    for m in municipalities {
        match recorded_populations.iter().find(|(id, _)| *id == m.id) {
            Some((_, p)) => population += (*p).max(0) as u64,
            None => missing_population.push(m.name.clone()),
        }
    }
    let stored = |id: Option<i64>| {
        entries
            .iter()
            .find(|e| e.municipality_id == id)
            .and_then(|e| e.fte_hundredths)
            .map(|h| format::decimal(Decimal::new(h, 2)))
            .unwrap_or_default()
    };
    let mut rows: Vec<(String, String, String, Option<String>)> = municipalities
        .iter()
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
    let mut version = version;
    if let Some((typed, errors)) = failed {
        for r in &mut rows {
            r.2 = typed.get(&r.0).cloned().unwrap_or_default();
            r.3 = errors.get(&r.0).cloned();
        }
        // The version the person started from, so that a save made
        // meanwhile by someone else is still a conflict.
        version = super::forms::version(typed);
    }
    // Only the entries the form shows: the ATS and the active municipalities.
    let recorded: Vec<i64> = entries
        .iter()
        .filter(|e| {
            e.municipality_id
                .is_none_or(|id| municipalities.iter().any(|m| m.id == id))
        })
        .filter_map(|e| e.fte_hundredths)
        .collect();
    let total: Decimal = recorded.iter().map(|h| Decimal::new(*h, 2)).sum();
    let ratio = rules::inhabitants_per_worker_shown(population, total);
    let complete = missing_population.is_empty();
    Ok(PermanentStaffView {
        office: ctx.allows(Action::Administer { zone_id }),
        population_day: format!("1° gennaio {}", spec.year),
        population: format::thousands(population),
        missing_population,
        total: format::decimal(total),
        ratio: ratio.map(format::decimal).unwrap_or_else(|| "—".into()),
        // With a population missing the thresholds would be too low: no
        // amount rather than a wrong one.
        contribution: (!recorded.is_empty() && complete)
            .then(|| rules::ats_contribution(spec, population, total).to_string()),
        rows,
        version,
        error: failed.map(|_| "Controlla i valori segnalati: nulla è stato salvato.".to_string()),
    })
}

/// Saves the permanent social workers of the zone's municipalities and ATS.
async fn save_permanent_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let spec = Soc26Spec::latest();
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
        return zone_page(&state, &ctx, Some((&v, &errors))).await;
    }
    let version = super::forms::version(&v);
    match store::set_permanent_staff(&state.db, &ctx.actor(), zone_id, i64::from(spec.year), version, &entries).await {
        Ok(()) => Ok(with_flash(
            Redirect::to("/obiettivi-servizio#personale"),
            FlashKind::Success,
            "Assistenti sociali a tempo indeterminato salvati: il contributo è ricalcolato.",
        )),
        Err(StoreError::Conflict) => Ok(with_flash(
            Redirect::to("/obiettivi-servizio#personale"),
            FlashKind::Danger,
            "Gli assistenti sociali sono stati modificati da un'altra persona mentre compilavi: ricarica e ripeti la modifica.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// The form as a PDF laid out as the official one. A draft prints too, with
/// its problems as warnings, so that it can be reviewed on paper.
async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(year)?;
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
struct ComparisonPage {
    page: PageCtx,
    municipality: String,
    year: i32,
    reference_year: i32,
    form_href: String,
    rows: Vec<(String, String, String, String, String)>,
    totals: (String, String, String, String),
    chart: String,
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", format::integer(n))
    } else {
        format::integer(n)
    }
}

fn percent(p: Option<Decimal>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p > Decimal::ZERO => format!("+{} %", format::decimal(p)),
        Some(p) => format!("{} %", format::decimal(p)),
    }
}

/// Users per area, reference year against the current year, table and chart.
async fn comparison(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((municipality_id, year)): Path<(i64, i32)>,
) -> PageResult {
    let spec = spec_for(year)?;
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
