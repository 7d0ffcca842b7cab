//! Zones (Zona Distretto / Ambito Territoriale Sociale): a planning office
//! sees and edits only its own zone; another zone's page answers 404.

use super::super::views::CellView;
use super::crud::{self, Entity};
use super::*;
use zona_core::org::parse_code;
use zona_core::validation::{optional_text, required_text};
use zona_store::territory::{Zone, ZoneInput};

pub use crate::usecase::admin::Zones;

/// Active regions for the select.
pub struct ZoneOptions {
    regions: Vec<(String, String)>,
    /// The municipalities of the office's own zone, for its seat.
    municipalities: Vec<(String, String)>,
}

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ZoneForm {
    pub region_id: String,
    pub code: String,
    pub name: String,
    pub lead_organisation: String,
    pub seat_municipality_id: String,
    pub version: String,
}

impl Entity for Zones {
    type Form = ZoneForm;
    type Options = ZoneOptions;
    const LIST: ListName = ListName::Zones;
    const NEW_TITLE: &'static str = "Nuova zona";
    const CREATED: &'static str = "Zona creata. Per amministrarla, crea con la riga di comando un utente Ufficio di Piano della nuova zona.";

    async fn options(state: &AppState, ctx: &Ctx) -> Result<ZoneOptions, AppError> {
        let q = territory::ListQuery {
            active: Some(true),
            ..Default::default()
        };
        let (regions, _) = territory::list_regions(&state.db, &q, Page::all()).await?;
        let mut options = vec![(String::new(), "Scegli la regione".to_string())];
        options.extend(regions.into_iter().map(|r| (r.id.to_string(), r.name)));
        let mut municipalities = vec![(String::new(), "Non indicato".to_string())];
        if let Some(zone_id) = ctx.zone_id() {
            // Inactive ones too: a seat deactivated later stays selected.
            let q = territory::ListQuery {
                zone_id: Some(zone_id),
                ..Default::default()
            };
            let (all, _) = territory::list_municipalities(&state.db, &q, Page::all()).await?;
            municipalities.extend(all.into_iter().map(|m| (m.id.to_string(), m.name)));
        }
        Ok(ZoneOptions {
            regions: options,
            municipalities,
        })
    }
    fn fields(
        o: &ZoneOptions,
        values: &FormValues,
        errors: &FieldErrors,
        editing: bool,
    ) -> Vec<Field> {
        let mut fields = vec![
            Field::select("region_id", "Regione", o.regions.clone())
                .required()
                .bind(values, errors),
            Field::text("code", "Codice")
                .required()
                .hint("Da 2 a 20 caratteri: lettere, cifre e trattini (esempio: ZD-LIV).")
                .bind(values, errors),
            Field::text("name", "Nome")
                .required()
                .hint("Esempio: Zona Distretto Livornese.")
                .bind(values, errors),
            Field::text("lead_organisation", "Ente capofila dell'ambito")
                .hint("Esempio: Comune di Livorno.")
                .bind(values, errors),
        ];
        // A new zone has no municipalities yet: its seat is chosen once
        // they are recorded.
        if editing {
            fields.push(
                Field::select("seat_municipality_id", "Comune sede dell'ufficio della zona", o.municipalities.clone())
                    .hint("La festa del suo santo patrono conta come giorno festivo per le scadenze degli avvisi della zona.")
                    .bind(values, errors),
            );
        }
        fields.push(Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors));
        fields
    }
    fn parse(o: &ZoneOptions, _: &Ctx, form: &ZoneForm) -> Result<ZoneInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let region_id = forms::required_choice(&form.region_id, "region_id", &mut e);
        if let Some(id) = region_id {
            if !o.regions.iter().any(|(v, _)| *v == id.to_string()) {
                e.add("region_id", "Regione non valida: scegliere dall'elenco.");
            }
        }
        let code = e.check("code", parse_code(form.code.trim()));
        let name = e.check("name", required_text(form.name.trim(), 160));
        let lead_organisation = e.check(
            "lead_organisation",
            optional_text(form.lead_organisation.trim(), 160),
        );
        let seat_municipality_id = match form.seat_municipality_id.trim() {
            "" => None,
            v => match o.municipalities.iter().find(|(id, _)| id == v) {
                Some((id, _)) => id.parse().ok(),
                None => {
                    e.add(
                        "seat_municipality_id",
                        "Comune non valido: scegliere dall'elenco dei comuni della zona.",
                    );
                    None
                }
            },
        };
        match (region_id, code, name, lead_organisation) {
            (Some(region_id), Some(code), Some(name), Some(lead_organisation)) if e.is_empty() => {
                Ok(ZoneInput {
                    region_id,
                    code,
                    name,
                    lead_organisation,
                    seat_municipality_id,
                })
            }
            _ => Err(e),
        }
    }
    fn form_of(z: &Zone) -> ZoneForm {
        ZoneForm {
            region_id: z.region_id.to_string(),
            code: z.code.clone(),
            name: z.name.clone(),
            lead_organisation: z.lead_organisation.clone().unwrap_or_default(),
            seat_municipality_id: z
                .seat_municipality_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            version: z.version.to_string(),
        }
    }
    fn title(z: &Zone) -> String {
        z.name.clone()
    }
    fn intro(z: Option<&Zone>) -> String {
        match z {
            Some(_) => "Ogni Ufficio di Piano modifica soltanto la propria zona.".into(),
            None => String::new(),
        }
    }
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Zones>().route("/admin/zone", get(list))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Zones;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let query = territory::ListQuery {
        zone_id: Some(zone_id),
        ..f.list_query()
    };
    let (rows, total) = territory::list_zones(&state.db, &query, page).await?;
    let rows = rows
        .into_iter()
        .map(|z| {
            vec![
                CellView::link(z.name.clone(), format!("/admin/zone/{}", z.id))
                    .badge(yes_no(z.active)),
                CellView::text(z.code),
                CellView::text(z.region_name),
                CellView::text(z.lead_organisation.unwrap_or_default()),
            ]
        })
        .collect();
    let spec = ListSpec {
        list: l,
        intro: String::new(),
        headers: vec!["Nome", "Codice", "Regione", "Ente capofila"],
        filters: vec![
            search_filter(&q, "Cerca per nome, codice, regione"),
            status_filter(&q),
        ],
        new_link: ctx
            .allows(Action::Administer { zone_id })
            .then(|| ("Nuova zona".into(), "/admin/zone/nuovo".into())),
        empty_message: "Nessuna zona corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
