//! Organisations of the zone: health authority, municipalities, third-sector
//! bodies, other public bodies.

use super::super::views::{CellView, RowAction, Section, SectionForm, SectionRow};
use super::crud::{self, Entity};
use super::*;
use zona_core::org::{
    parse_runts_number, parse_tax_code, LegalForm, OrganisationKind, RuntsSection,
};
use zona_core::validation::{optional_email, optional_text, required_text};
use zona_store::organisations::{self as orgs, Organisation, OrganisationInput};

pub use crate::usecase::admin::Organisations;

/// Select options from `(code, label)` pairs, with an empty first choice.
fn code_options<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    empty: &str,
) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), empty.to_string())];
    v.extend(items.map(|(c, l)| (c.to_string(), l.to_string())));
    v
}

pub fn kind_options(with_any: Option<&str>) -> Vec<(String, String)> {
    code_options(
        OrganisationKind::ALL.iter().map(|k| (k.code(), k.label())),
        with_any.unwrap_or("Scegli il tipo"),
    )
}

/// The contact fields a third-sector body edits on its own record.
pub fn contact_fields(values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new("email", "E-mail", forms::FieldKind::Email)
            .autocomplete("email")
            .bind(values, errors),
        Field::new("phone", "Telefono", forms::FieldKind::Tel)
            .autocomplete("tel")
            .bind(values, errors),
        Field::text("address", "Indirizzo")
            .hint("Via, numero civico, CAP, comune.")
            .bind(values, errors),
    ]
}

/// Parses the contact fields, as typed, into `(email, phone, address)`.
pub fn parse_contacts(
    [email, phone, address]: [&str; 3],
    e: &mut FieldErrors,
) -> Option<(Option<String>, Option<String>, Option<String>)> {
    let email = e.check("email", optional_email(email.trim()));
    let phone = e.check("phone", optional_text(phone.trim(), 40));
    if let Some(Some(p)) = &phone {
        if !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/.()".contains(c))
        {
            e.add(
                "phone",
                "Numero di telefono non valido: usare cifre, spazi e il prefisso + se serve.",
            );
        }
    }
    let address = e.check("address", optional_text(address.trim(), 200));
    match (email, phone, address) {
        (Some(a), Some(b), Some(c)) if e.is_empty() => Some((a, b, c)),
        _ => None,
    }
}

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct OrganisationForm {
    pub name: String,
    pub kind: String,
    pub tax_code: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub legal_form: String,
    pub runts_number: String,
    pub runts_section: String,
    pub version: String,
}

/// A Third Sector body's legal form and its RUNTS number and section, which
/// only such a body has, the number and the section together.
fn third_sector_registry(
    form: &OrganisationForm,
    third_sector: bool,
    e: &mut FieldErrors,
) -> (Option<String>, Option<String>, Option<String>) {
    let legal_form = match form.legal_form.trim() {
        "" if third_sector => {
            e.add(
                "legal_form",
                "Indica la forma giuridica dell'ente del Terzo Settore.",
            );
            None
        }
        "" => None,
        c => match LegalForm::from_code(c) {
            Some(l) if third_sector => Some(l.code().to_string()),
            Some(_) => {
                e.add(
                    "legal_form",
                    "La forma giuridica si indica solo per gli enti del Terzo Settore.",
                );
                None
            }
            None => {
                e.add("legal_form", "Scegli la forma giuridica dall'elenco.");
                None
            }
        },
    };
    let runts_number = match form.runts_number.trim() {
        "" => None,
        _ if !third_sector => {
            e.add(
                "runts_number",
                "L'iscrizione al RUNTS riguarda solo gli enti del Terzo Settore.",
            );
            None
        }
        n => e.check("runts_number", parse_runts_number(n)),
    };
    let runts_section = match form.runts_section.trim() {
        "" => None,
        c => match RuntsSection::from_code(c) {
            Some(r) => Some(r.code().to_string()),
            None => {
                e.add("runts_section", "Scegli la sezione del RUNTS dall'elenco.");
                None
            }
        },
    };
    if runts_number.is_some() != runts_section.is_some() && e.get("runts_number").is_none() {
        e.add(
            "runts_section",
            "Numero e sezione del RUNTS vanno indicati insieme.",
        );
    }
    (legal_form, runts_number, runts_section)
}

impl Entity for Organisations {
    type Form = OrganisationForm;
    type Options = ();
    const LIST: ListName = ListName::Organisations;
    const NEW_TITLE: &'static str = "Nuovo ente";
    const CREATED: &'static str = "Ente creato.";

    async fn options(_: &AppState, _: &Ctx) -> Result<(), AppError> {
        Ok(())
    }
    fn fields(_: &(), values: &FormValues, errors: &FieldErrors, _: bool) -> Vec<Field> {
        let mut f = vec![
            Field::text("name", "Denominazione")
                .required()
                .hint("Esempio: Comune di Collesalvetti.")
                .bind(values, errors),
            Field::select("kind", "Tipo di ente", kind_options(None))
                .required()
                .bind(values, errors),
            Field::text("tax_code", "Codice fiscale o partita IVA")
                .hint("11 cifre (partita IVA o codice fiscale numerico) oppure 16 caratteri.")
                .bind(values, errors),
            Field::select("legal_form", "Forma giuridica (Terzo Settore)", code_options(LegalForm::ALL.iter().map(|l| (l.code(), l.label())), "Non applicabile"))
                .hint("Obbligatoria per gli enti del Terzo Settore.")
                .bind(values, errors),
            Field::text("runts_number", "Numero di iscrizione al RUNTS")
                .hint("Numero di repertorio del Registro unico nazionale del Terzo settore, se iscritto.")
                .bind(values, errors),
            Field::select("runts_section", "Sezione del RUNTS", code_options(RuntsSection::ALL.iter().map(|l| (l.code(), l.label())), "Non iscritto"))
                .bind(values, errors),
        ];
        f.extend(contact_fields(values, errors));
        f.push(Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors));
        f
    }
    fn parse(_: &(), ctx: &Ctx, form: &OrganisationForm) -> Result<OrganisationInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(form.name.trim(), 200));
        let kind = match OrganisationKind::from_code(form.kind.trim()) {
            Some(k) => Some(k),
            None => {
                e.add("kind", "Scegli il tipo di ente dall'elenco.");
                None
            }
        };
        let tax = form.tax_code.trim();
        let tax_code = if tax.is_empty() {
            Some(None)
        } else {
            e.check("tax_code", parse_tax_code(tax)).map(Some)
        };
        let contacts = parse_contacts([&form.email, &form.phone, &form.address], &mut e);
        let third_sector = kind == Some(OrganisationKind::ThirdSectorBody);
        let (legal_form, runts_number, runts_section) =
            third_sector_registry(form, third_sector, &mut e);
        match (name, kind, tax_code, contacts, ctx.zone_id()) {
            (
                Some(name),
                Some(kind),
                Some(tax_code),
                Some((email, phone, address)),
                Some(zone_id),
            ) if e.is_empty() => Ok(OrganisationInput {
                zone_id,
                kind,
                name,
                tax_code,
                email,
                phone,
                address,
                legal_form,
                runts_number,
                runts_section,
            }),
            _ => Err(e),
        }
    }
    fn form_of(o: &Organisation) -> OrganisationForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        OrganisationForm {
            name: o.name.clone(),
            kind: o.kind.code().to_string(),
            tax_code: text(&o.tax_code),
            email: text(&o.email),
            phone: text(&o.phone),
            address: text(&o.address),
            legal_form: text(&o.legal_form),
            runts_number: text(&o.runts_number),
            runts_section: text(&o.runts_section),
            version: o.version.to_string(),
        }
    }
    fn title(o: &Organisation) -> String {
        o.name.clone()
    }
    async fn sections(
        state: &AppState,
        ctx: &Ctx,
        o: &Organisation,
    ) -> Result<Vec<Section>, AppError> {
        organisation_sections(state, ctx, o, None).await
    }
}

/// The tables under an organisation's form: its units, its other names
/// (with the form to add one: `failed` keeps a refused input), the people
/// who act for it and the co-design agreements it takes part in.
async fn organisation_sections(
    state: &AppState,
    ctx: &Ctx,
    o: &Organisation,
    failed: Option<(&FormValues, &FieldErrors)>,
) -> Result<Vec<Section>, AppError> {
    let can_edit = ctx.allows(Action::Administer { zone_id: o.zone_id });
    let mut sections = vec![
        units_section(state, o).await?,
        aliases_section(state, o, can_edit, failed).await?,
    ];
    if o.kind == OrganisationKind::ThirdSectorBody {
        sections.push(representatives_section(state, o).await?);
    }
    sections.push(agreements_section(state, o).await?);
    Ok(sections)
}

async fn units_section(state: &AppState, o: &Organisation) -> Result<Section, AppError> {
    let q = territory::ListQuery {
        organisation_id: Some(o.id),
        ..Default::default()
    };
    let (units, _) = orgs::list_units(&state.db, &q, Page::all()).await?;
    let state_of = |active: bool| if active { "Attiva" } else { "Disattivata" };
    Ok(Section {
        id: "unita",
        heading: "Unità organizzative",
        text: format!("{} di questo ente.", o.kind.unit_label()),
        headers: vec!["Nome", "E-mail", "Stato"],
        rows: units
            .into_iter()
            .map(|u| SectionRow {
                cells: vec![
                    u.name,
                    u.email.unwrap_or_default(),
                    state_of(u.active).into(),
                ],
                action: None,
            })
            .collect(),
        has_actions: false,
        empty: "Nessuna unità registrata per questo ente.",
        form: None,
    })
}

/// The other names of a body, with the form to add one (`failed` keeps a
/// refused input).
async fn aliases_section(
    state: &AppState,
    o: &Organisation,
    can_edit: bool,
    failed: Option<(&FormValues, &FieldErrors)>,
) -> Result<Section, AppError> {
    let aliases: Vec<_> = orgs::aliases(&state.db, o.zone_id)
        .await?
        .into_iter()
        .filter(|a| a.organisation_id == o.id)
        .collect();
    let empty = FormValues::new();
    let no_errors = FieldErrors::new();
    let (av, ae) = failed.unwrap_or((&empty, &no_errors));
    Ok(Section {
        id: "altri-nomi",
        heading: "Altri nomi",
        text: "Come l'ente è scritto in atti e tabelle (per esempio «Fondazione Caritas Livorno»): le importazioni riconoscono questi nomi come lo stesso ente, senza creare doppioni.".into(),
        headers: vec!["Nome"],
        rows: aliases
            .into_iter()
            .map(|a| SectionRow {
                cells: vec![a.alias.clone()],
                action: can_edit.then(|| RowAction {
                    label: "Togli",
                    href: format!("/admin/enti/{}/nomi/{}/togli", o.id, a.id),
                    confirm: format!("Togliere il nome «{}»?", a.alias),
                }),
            })
            .collect(),
        has_actions: can_edit,
        empty: "Nessun altro nome.",
        form: can_edit.then(|| SectionForm {
            heading: "Aggiungi un nome",
            action: format!("/admin/enti/{}/nomi", o.id),
            fields: vec![Field::text("alias", "Altro nome").required().bind(av, ae)],
            submit_label: "Aggiungi il nome",
            errors_summary: forms::summary(ae),
        }),
    })
}

/// The people who act for a Third Sector body.
async fn representatives_section(state: &AppState, o: &Organisation) -> Result<Section, AppError> {
    let people = zona_store::users::representatives(&state.db, o.id).await?;
    let state_of = |active: bool| if active { "Attivo" } else { "Disattivato" };
    Ok(Section {
        id: "referenti",
        heading: "Referenti dell'ente",
        text: "Le persone con il ruolo «Ente del Terzo Settore» per questo ente: vedono e modificano solo i dati dell'ente. Il ruolo si assegna dalla scheda dell'utente.".into(),
        headers: vec!["Nome", "Utente", "E-mail", "Stato"],
        rows: people
            .into_iter()
            .map(|p| SectionRow {
                cells: vec![
                    p.full_name,
                    p.username,
                    p.email.unwrap_or_default(),
                    state_of(p.active).into(),
                ],
                action: None,
            })
            .collect(),
        has_actions: false,
        empty: "Nessun referente: assegnare il ruolo a un utente.",
        form: None,
    })
}

/// The co-design agreements a body takes part in.
async fn agreements_section(state: &AppState, o: &Organisation) -> Result<Section, AppError> {
    let q = zona_store::codesign::AgreementQuery {
        partner_id: Some(o.id),
        ..Default::default()
    };
    let agreements = zona_store::codesign::list_agreements(&state.db, o.zone_id, &q).await?;
    Ok(Section {
        id: "co-progettazione",
        heading: "Procedure di co-progettazione",
        text: "Le procedure del registro a cui l'ente partecipa.".into(),
        headers: vec!["Oggetto", "Stato", "Periodo"],
        rows: agreements
            .iter()
            .map(|a| SectionRow {
                cells: vec![
                    a.row.subject.chars().take(140).collect(),
                    a.status_text(),
                    a.period_text(),
                ],
                action: None,
            })
            .collect(),
        has_actions: false,
        empty: "L'ente non partecipa a procedure di co-progettazione registrate.",
        form: None,
    })
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Organisations>()
        .route("/admin/enti", get(list))
        .route("/admin/enti/{id}/nomi", axum::routing::post(add_alias))
        .route(
            "/admin/enti/{id}/nomi/{alias_id}/togli",
            axum::routing::post(remove_alias),
        )
}

/// Another name of the organisation, as sources write it.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AliasForm {
    pub alias: String,
}

async fn add_alias(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(form): axum::Form<AliasForm>,
) -> PageResult {
    let caller = ctx.caller();
    let mut e = FieldErrors::new();
    let alias = e
        .check("alias", required_text(form.alias.trim(), 200))
        .ok_or(e);
    let name = alias.clone().unwrap_or_default();
    let outcome = admin::organisations::add_alias(&state.db, &caller, id, alias).await;
    let e = match forms::saved(outcome)? {
        Saved::Done(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/admin/enti/{id}")),
                FlashKind::Success,
                &format!("Nome «{name}» aggiunto."),
            ))
        }
        Saved::Again { errors, .. } => errors,
    };
    let o = admin::read::<Organisations>(&state.db, &caller, id).await?;
    let values = forms::values_of(&form);
    let mut page = crud::edit_page::<Organisations>(
        &state,
        &ctx,
        &(),
        &o,
        o.id,
        &forms::values_of(&Organisations::form_of(&o)),
        &FieldErrors::new(),
    )
    .await?;
    page.sections = organisation_sections(&state, &ctx, &o, Some((&values, &e))).await?;
    Ok(crud::with_status(
        &page,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn remove_alias(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path((id, alias_id)): axum::extract::Path<(i64, i64)>,
) -> PageResult {
    admin::organisations::remove_alias(&state.db, &ctx.caller(), id, alias_id).await?;
    Ok(with_flash(
        Redirect::to(&format!("/admin/enti/{id}")),
        FlashKind::Success,
        "Nome tolto.",
    ))
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Organisations;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = orgs::list_organisations(&state.db, &f.list_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|o| {
            vec![
                CellView::link(o.name.clone(), format!("/admin/enti/{}", o.id))
                    .badge(yes_no(o.active)),
                CellView::text(o.kind.label()),
                CellView::text(o.tax_code.unwrap_or_default()),
                CellView::text(o.unit_count.to_string()),
            ]
        })
        .collect();
    let values: FormValues = q.clone().into_iter().collect();
    let spec = ListSpec {
        list: l,
        intro: String::new(),
        headers: vec!["Denominazione", "Tipo", "Codice fiscale / P. IVA", "Unità"],
        filters: vec![
            search_filter(&q, "Cerca per nome, codice fiscale, e-mail"),
            Field::select("tipo", "Tipo di ente", kind_options(Some("Tutti i tipi")))
                .bind(&values, &FieldErrors::new()),
            status_filter(&q),
        ],
        new_link: ctx
            .allows(Action::Administer { zone_id })
            .then(|| ("Nuovo ente".into(), "/admin/enti/nuovo".into())),
        empty_message: "Nessun ente corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
