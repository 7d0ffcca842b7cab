//! Regions: code and name.

use super::super::views::CellView;
use super::crud::{self, Entity};
use super::*;
use zona_core::org::parse_code;
use zona_core::validation::required_text;
use zona_store::territory::{Region, RegionInput};

pub use crate::usecase::admin::Regions;

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RegionForm {
    pub code: String,
    pub name: String,
    pub version: String,
}

impl Entity for Regions {
    type Form = RegionForm;
    type Options = ();
    const LIST: ListName = ListName::Regions;
    const NEW_TITLE: &'static str = "Nuova regione";
    const CREATED: &'static str = "Regione creata.";

    async fn options(_: &AppState, _: &Ctx) -> Result<(), AppError> {
        Ok(())
    }
    fn fields(_: &(), values: &FormValues, errors: &FieldErrors, _: bool) -> Vec<Field> {
        vec![
            Field::text("code", "Codice")
                .required()
                .hint("Da 2 a 20 caratteri: lettere, cifre e trattini (esempio: RT).")
                .bind(values, errors),
            Field::text("name", "Nome")
                .required()
                .hint("Esempio: Regione Toscana.")
                .bind(values, errors),
            Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors),
        ]
    }
    fn parse(_: &(), _: &Ctx, form: &RegionForm) -> Result<RegionInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = e.check("code", parse_code(form.code.trim()));
        let name = e.check("name", required_text(form.name.trim(), 120));
        match (code, name) {
            (Some(code), Some(name)) => Ok(RegionInput { code, name }),
            _ => Err(e),
        }
    }
    fn form_of(r: &Region) -> RegionForm {
        RegionForm {
            code: r.code.clone(),
            name: r.name.clone(),
            version: r.version.to_string(),
        }
    }
    fn title(r: &Region) -> String {
        r.name.clone()
    }
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Regions>().route("/admin/regioni", get(list))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Regions;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = territory::list_regions(&state.db, &f.list_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                CellView::link(r.name.clone(), format!("/admin/regioni/{}", r.id))
                    .badge(yes_no(r.active)),
                CellView::text(r.code),
            ]
        })
        .collect();
    let spec = ListSpec {
        list: l,
        intro: String::new(),
        headers: vec!["Nome", "Codice"],
        filters: vec![
            search_filter(&q, "Cerca per nome o codice"),
            status_filter(&q),
        ],
        new_link: ctx
            .edits_frame()
            .then(|| ("Nuova regione".into(), "/admin/regioni/nuovo".into())),
        empty_message: "Nessuna regione corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
