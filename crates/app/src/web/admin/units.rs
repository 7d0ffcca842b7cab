//! Units: the health authority's functional units and the municipalities'
//! services, responsible for the activities of the plan.

use super::super::views::CellView;
use super::crud::{self, Entity};
use super::*;
use zona_core::validation::{optional_email, optional_text, required_text};
use zona_store::organisations::{self as orgs, Unit, UnitInput};

pub use crate::usecase::admin::Units;

pub struct UnitOptions {
    organisations: Vec<(String, String)>,
}

/// The active organisations of the zone, for a select.
pub async fn organisation_options(
    state: &AppState,
    ctx: &Ctx,
    first: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let q = territory::ListQuery {
        zone_id: ctx.zone_id(),
        active: Some(true),
        ..Default::default()
    };
    let (list, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    let mut v = vec![(String::new(), first.to_string())];
    v.extend(list.into_iter().map(|o| (o.id.to_string(), o.name)));
    Ok(v)
}

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct UnitForm {
    pub organisation_id: String,
    pub name: String,
    pub description: String,
    pub email: String,
    pub version: String,
}

impl Entity for Units {
    type Form = UnitForm;
    type Options = UnitOptions;
    const LIST: ListName = ListName::Units;
    const NEW_TITLE: &'static str = "Nuova unità";
    const CREATED: &'static str = "Unità creata.";

    async fn options(state: &AppState, ctx: &Ctx) -> Result<UnitOptions, AppError> {
        Ok(UnitOptions {
            organisations: organisation_options(state, ctx, "Scegli l'ente").await?,
        })
    }
    fn fields(o: &UnitOptions, values: &FormValues, errors: &FieldErrors, _: bool) -> Vec<Field> {
        vec![
            Field::select("organisation_id", "Ente", o.organisations.clone())
                .required()
                .bind(values, errors),
            Field::text("name", "Nome")
                .required()
                .hint("Esempio: UF Salute mentale adulti; Servizio sociale professionale.")
                .bind(values, errors),
            Field::new("description", "Descrizione", forms::FieldKind::Textarea)
                .bind(values, errors),
            Field::new("email", "E-mail", forms::FieldKind::Email)
                .autocomplete("email")
                .bind(values, errors),
            Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors),
        ]
    }
    fn parse(o: &UnitOptions, _: &Ctx, form: &UnitForm) -> Result<UnitInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let organisation_id =
            forms::required_choice(&form.organisation_id, "organisation_id", &mut e);
        if let Some(id) = organisation_id {
            if !o.organisations.iter().any(|(v, _)| *v == id.to_string()) {
                e.add("organisation_id", "Ente non valido: scegliere dall'elenco.");
            }
        }
        let name = e.check("name", required_text(form.name.trim(), 200));
        let description = e.check("description", optional_text(form.description.trim(), 2000));
        let email = e.check("email", optional_email(form.email.trim()));
        match (organisation_id, name, description, email) {
            (Some(organisation_id), Some(name), Some(description), Some(email)) if e.is_empty() => {
                Ok(UnitInput {
                    organisation_id,
                    name,
                    description,
                    email,
                })
            }
            _ => Err(e),
        }
    }
    fn form_of(u: &Unit) -> UnitForm {
        UnitForm {
            organisation_id: u.organisation_id.to_string(),
            name: u.name.clone(),
            description: u.description.clone().unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            version: u.version.to_string(),
        }
    }
    fn title(u: &Unit) -> String {
        u.name.clone()
    }
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Units>().route("/admin/unita", get(list))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Units;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = orgs::list_units(&state.db, &f.list_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|u| {
            let kind = u.organisation_kind;
            vec![
                CellView::link(u.name.clone(), format!("/admin/unita/{}", u.id))
                    .badge(yes_no(u.active)),
                CellView::link(
                    u.organisation_name.clone(),
                    format!("/admin/enti/{}", u.organisation_id),
                ),
                CellView::text(kind.unit_label()),
                CellView::text(u.email.unwrap_or_default()),
            ]
        })
        .collect();
    let values: FormValues = q.clone().into_iter().collect();
    let spec = ListSpec {
        list: l,
        intro: String::new(),
        headers: vec!["Nome", "Ente", "Tipo", "E-mail"],
        filters: vec![
            search_filter(&q, "Cerca per nome, ente, e-mail"),
            Field::select(
                "ente",
                "Ente",
                organisation_options(&state, &ctx, "Tutti gli enti").await?,
            )
            .bind(&values, &FieldErrors::new()),
            status_filter(&q),
        ],
        new_link: ctx
            .allows(Action::Administer { zone_id })
            .then(|| ("Nuova unità".into(), "/admin/unita/nuovo".into())),
        empty_message: "Nessuna unità corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
