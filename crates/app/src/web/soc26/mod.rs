//! The SOC26 service-objectives forms of the zone's municipalities: the zone
//! view, the form laid out as the official one, live computation with htmx,
//! drafts that keep whatever was typed, and the computed form as JSON.

use super::common::{require, same_zone, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::forms::FormValues;
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::usecase::soc26 as usecase;
use crate::usecase::Error;
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

mod variants;
mod zone;

pub(super) use zone::asked_year;
use zone::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/obiettivi-servizio", get(zone_view))
        .route("/obiettivi-servizio/personale", post(save_permanent_staff))
        .route("/moduli-soc26", get(variants::list).post(variants::save))
        .route("/moduli-soc26/{year}", get(variants::download))
        .route(
            "/moduli-soc26/{year}/elimina",
            get(variants::confirm_delete).post(variants::delete),
        )
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

async fn spec_for(state: &AppState, year: i32) -> Result<Soc26Spec, AppError> {
    Ok(usecase::form_of_year(&state.db, year).await?)
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
                    z.lead_organisation
                        .clone()
                        .unwrap_or_default()
                        .to_uppercase(),
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

/// The form's inputs outside the tables of rows: the identifier, the
/// municipality's figures and the staff (by their codes on the form).
const SINGLE_FIELDS: [&str; 20] = [
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
];

/// The first problem of each field, the one shown beside it.
fn first_problem_by_field(problems: &[Problem]) -> HashMap<String, String> {
    problems
        .iter()
        .rev()
        .map(|p| (field_of(p), p.message.clone()))
        .collect()
}

/// The inputs of the third table: number, method and spending of each
/// objective R10-R14.
fn quadro3_fields() -> impl Iterator<Item = String> {
    ["R10", "R11", "R12", "R13", "R14"]
        .into_iter()
        .flat_map(|code| {
            ["number", "method", "spending"]
                .into_iter()
                .map(move |part| format!("q3.{code}.{part}"))
        })
}

impl Loaded {
    /// Where the form stands, as the page says it.
    fn status(&self) -> &'static str {
        match self.complete {
            None => "Non ancora compilata",
            Some(false) => "Bozza (contiene errori)",
            Some(true) => "Completa",
        }
    }
}

fn build_page(
    ctx: &Ctx,
    spec: &Soc26Spec,
    loaded: &Loaded,
    values: &FormValues,
    can_edit: bool,
) -> FormPage {
    let (input, result, problems) = evaluate(spec, &loaded.municipality, values);
    let errors = first_problem_by_field(&problems);
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
    for name in SINGLE_FIELDS
        .iter()
        .map(|n| n.to_string())
        .chain(quadro3_fields())
    {
        add(name);
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
        status: loaded.status(),
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
    let spec = spec_for(&state, year).await?;
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
    let spec = spec_for(&state, year).await?;
    let caller = ctx.caller();
    let m = usecase::open_municipality(&state.db, &caller, municipality_id).await?;
    let json = form_to_json(&spec, &m.name.to_uppercase(), &values);
    let expected = values.get("version").and_then(|v| v.parse::<i64>().ok());
    match usecase::save(&state.db, &caller, (m.id, &spec), expected, &json).await {
        Ok(problems) => {
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
        Err(Error::Conflict) => {
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
    let spec = spec_for(&state, year).await?;
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
    let spec = spec_for(&state, year).await?;
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
