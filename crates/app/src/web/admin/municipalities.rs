//! Municipalities of the zone, with their resident population by year.

use super::super::views::{CellView, Section, SectionForm, SectionRow};
use super::crud::{self, Entity};
use super::*;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Form;
use zona_core::calendar::PatronDay;
use zona_core::network::InnerAreaClass;
use zona_core::org::{parse_population, parse_year, IstatCode};

/// The inner-areas classes for the select, with "not recorded" first.
fn inner_area_options() -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "Non indicata".to_string())];
    v.extend(
        InnerAreaClass::ALL
            .iter()
            .map(|c| (c.code().to_string(), c.label().to_string())),
    );
    v
}
use zona_core::validation::{optional_text, required_text};
use zona_store::territory::{Municipality, MunicipalityInput, Population};

pub use crate::usecase::admin::Municipalities;

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MunicipalityForm {
    pub istat_code: String,
    pub name: String,
    pub inner_area: String,
    pub patron_day: String,
    pub version: String,
}

impl Entity for Municipalities {
    type Form = MunicipalityForm;
    type Options = ();
    const LIST: ListName = ListName::Municipalities;
    const NEW_TITLE: &'static str = "Nuovo comune";
    const CREATED: &'static str = "Comune creato. Ora puoi registrarne la popolazione residente.";

    async fn options(_: &AppState, _: &Ctx) -> Result<(), AppError> {
        Ok(())
    }
    fn fields(_: &(), values: &FormValues, errors: &FieldErrors, _: bool) -> Vec<Field> {
        vec![
            Field::text("istat_code", "Codice ISTAT")
                .required()
                .hint("6 cifre: provincia e comune (esempio: 049009 per Livorno).")
                .bind(values, errors),
            Field::text("name", "Nome")
                .required()
                .hint("Esempio: Livorno.")
                .bind(values, errors),
            Field::select("inner_area", "Classe aree interne (SNAI)", inner_area_options())
                .hint("Classificazione nazionale dei comuni (Mappa delle aree interne 2020, ciclo 2021-2027): D, E e F sono aree interne. Serve alla verifica dei consultori familiari (DM 77/2022).")
                .bind(values, errors),
            Field::text("patron_day", "Festa del santo patrono")
                .hint("Facoltativa, come gg/mm (esempio: 22/05). Se il comune è sede dell'ufficio della zona, una scadenza che cade in quel giorno slitta al primo giorno non festivo (art. 2963, comma 3, c.c.).")
                .bind(values, errors),
            Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors),
        ]
    }
    fn parse(_: &(), ctx: &Ctx, form: &MunicipalityForm) -> Result<MunicipalityInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let istat = e.check("istat_code", IstatCode::parse(form.istat_code.trim()));
        let name = e.check("name", required_text(form.name.trim(), 120));
        let inner_area = match form.inner_area.trim() {
            "" => None,
            code => match InnerAreaClass::from_code(code) {
                Some(c) => Some(c),
                None => {
                    e.add("inner_area", "Scegliere la classe dall'elenco.");
                    None
                }
            },
        };
        let patron_day = match form.patron_day.trim() {
            "" => Some(None),
            d => e.check("patron_day", PatronDay::parse_it(d)).map(Some),
        };
        match (istat, name, ctx.zone_id(), patron_day) {
            (Some(istat), Some(name), Some(zone_id), Some(patron_day)) if e.is_empty() => {
                Ok(MunicipalityInput {
                    zone_id,
                    istat_code: istat.as_str().to_string(),
                    name,
                    inner_area,
                    patron_day,
                })
            }
            _ => Err(e),
        }
    }
    fn form_of(m: &Municipality) -> MunicipalityForm {
        MunicipalityForm {
            istat_code: m.istat_code.clone(),
            name: m.name.clone(),
            inner_area: m
                .inner_area
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            patron_day: m.patron_day.map(String::from).unwrap_or_default(),
            version: m.version.to_string(),
        }
    }
    fn title(m: &Municipality) -> String {
        format!("Comune di {}", m.name)
    }
    async fn sections(
        state: &AppState,
        ctx: &Ctx,
        m: &Municipality,
    ) -> Result<Vec<Section>, AppError> {
        population_section(state, ctx, m, &FormValues::new(), &FieldErrors::new()).await
    }
}

fn population_fields(values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::text("year", "Anno")
            .required()
            .hint("La popolazione è quella residente al 31 dicembre dell'anno.")
            .bind(values, errors),
        Field::new(
            "population",
            "Popolazione residente",
            forms::FieldKind::Number,
        )
        .required()
        .hint("Numero intero, senza decimali: 153.154 o 153154.")
        .bind(values, errors),
        Field::text("source", "Fonte")
            .hint("Esempio: ISTAT, bilancio demografico.")
            .bind(values, errors),
    ]
}

async fn population_section(
    state: &AppState,
    ctx: &Ctx,
    m: &Municipality,
    values: &FormValues,
    errors: &FieldErrors,
) -> Result<Vec<Section>, AppError> {
    let rows = territory::populations(&state.db, m.id)
        .await?
        .into_iter()
        .map(|p| SectionRow {
            cells: vec![
                format!("31/12/{}", p.year),
                zona_core::format::integer(p.population),
                p.source.unwrap_or_default(),
            ],
            action: None,
        })
        .collect();
    let can_edit = ctx.allows(Action::Administer { zone_id: m.zone_id });
    Ok(vec![Section {
        id: "popolazione",
        heading: "Popolazione residente",
        text: String::new(),
        headers: vec!["Al", "Abitanti", "Fonte"],
        rows,
        has_actions: false,
        empty: "Nessun dato di popolazione registrato.",
        form: can_edit.then(|| SectionForm {
            heading: "Registra o correggi la popolazione di un anno",
            action: format!("/admin/comuni/{}/popolazione", m.id),
            fields: population_fields(values, errors),
            submit_label: "Registra la popolazione",
            errors_summary: forms::summary(errors),
        }),
    }])
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Municipalities>()
        .route("/admin/comuni", get(list))
        .route(
            "/admin/comuni/{id}/popolazione",
            axum::routing::post(add_population),
        )
}

/// The resident population at 31 December of a year.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PopulationForm {
    pub year: String,
    pub population: String,
    pub source: String,
}

async fn add_population(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<PopulationForm>,
) -> PageResult {
    let caller = ctx.caller();
    let mut e = FieldErrors::new();
    let year = e.check("year", parse_year(form.year.trim()));
    let population = e.check("population", parse_population(form.population.trim()));
    let source = e.check("source", optional_text(form.source.trim(), 200));
    let input = match (year, population, source) {
        (Some(year), Some(population), Some(source)) => Ok(Population {
            year: i64::from(year),
            population,
            source,
        }),
        _ => Err(e),
    };
    let year = input.as_ref().map(|p| p.year).unwrap_or_default();
    let outcome = admin::territory::set_population(&state.db, &caller, id, input).await;
    let e = match forms::saved(outcome)? {
        Saved::Done(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/admin/comuni/{id}")),
                FlashKind::Success,
                &format!("Popolazione al 31/12/{year} registrata."),
            ))
        }
        Saved::Again { errors, .. } => errors,
    };
    let m = admin::read::<Municipalities>(&state.db, &caller, id).await?;
    let values = forms::values_of(&form);
    let mut page = crud::edit_page::<Municipalities>(
        &state,
        &ctx,
        &(),
        &m,
        id,
        &forms::values_of(&Municipalities::form_of(&m)),
        &FieldErrors::new(),
    )
    .await?;
    page.sections = population_section(&state, &ctx, &m, &values, &e).await?;
    Ok(crud::with_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Municipalities;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = territory::list_municipalities(&state.db, &f.list_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|m| {
            vec![
                CellView::link(m.name.clone(), format!("/admin/comuni/{}", m.id))
                    .badge(yes_no(m.active)),
                CellView::text(m.istat_code),
                CellView::text(
                    m.population
                        .map(zona_core::format::integer)
                        .unwrap_or_else(|| "—".into()),
                ),
                CellView::text(
                    m.population_year
                        .map(|y| format!("31/12/{y}"))
                        .unwrap_or_else(|| "—".into()),
                ),
            ]
        })
        .collect();
    let spec = ListSpec {
        list: l,
        intro: "I comuni della zona, con la popolazione residente più recente.".into(),
        headers: vec!["Nome", "Codice ISTAT", "Popolazione", "Al"],
        filters: vec![
            search_filter(&q, "Cerca per nome o codice ISTAT"),
            status_filter(&q),
        ],
        new_link: ctx
            .allows(Action::Administer { zone_id })
            .then(|| ("Nuovo comune".into(), "/admin/comuni/nuovo".into())),
        empty_message: "Nessun comune corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
