//! One co-design agreement: its card, its entry form, its removal, and
//! the import of the registry.

use super::*;
use crate::usecase::codesign::{self as usecase, AgreementDraft};
use crate::web::forms::{values_of, version_of, Saved};

// ---------------------------------------------------------------- one agreement

/// An agreement as sent. Its fields are the registry's columns
/// (`crate::codesign::COLUMNS`), so that a form and an imported row are read
/// by the same rules, with the note on the status and the publication.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub(super) struct AgreementForm {
    #[serde(rename = "titolare")]
    holder: String,
    #[serde(rename = "oggetto")]
    subject: String,
    #[serde(rename = "soggetti")]
    partners: String,
    #[serde(rename = "stato")]
    status: String,
    #[serde(rename = "nota_stato")]
    status_note: String,
    #[serde(rename = "periodo")]
    period: String,
    cup: String,
    cig: String,
    #[serde(rename = "codice_locale")]
    local_code: String,
    #[serde(rename = "risorse")]
    resources: String,
    #[serde(rename = "attivita_poa")]
    activity_codes: String,
    #[serde(rename = "pubblicata")]
    published: String,
    version: String,
}

impl AgreementForm {
    fn new() -> AgreementForm {
        AgreementForm {
            published: "si".into(),
            ..AgreementForm::default()
        }
    }

    /// The form as the stored agreement fills it. Codes found in the subject
    /// are found again on saving, so only the others are listed.
    fn of(a: &Agreement) -> AgreementForm {
        let lines = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join("\n");
        let not_in_subject = |code: &String| !a.row.subject.contains(code.as_str());
        AgreementForm {
            holder: a.row.holder_text.clone(),
            subject: a.row.subject.clone(),
            partners: a.partners_lines().join("\n"),
            status: a.status().label().to_string(),
            status_note: a.row.status_note.clone().unwrap_or_default(),
            period: a.period_text(),
            cup: lines(&mut a.cups().map(|c| c.code.clone()).filter(not_in_subject)),
            cig: lines(&mut a.cigs().map(|c| c.code.clone()).filter(not_in_subject)),
            local_code: a.row.local_code.clone().unwrap_or_default(),
            resources: a.resources().map(|c| c.format_plain()).unwrap_or_default(),
            activity_codes: lines(&mut a.activities.iter().map(|x| x.code.clone())),
            published: if a.row.published { "si" } else { "no" }.into(),
            version: a.row.version.to_string(),
        }
    }

    /// The registry row the form stands for; the note follows the status as
    /// it does in the registry.
    fn parse(&self) -> Result<AgreementDraft, FieldErrors> {
        let note = self.status_note.trim();
        let status = if note.is_empty() {
            self.status.clone()
        } else {
            format!("{} {note}", self.status)
        };
        let row = cd::Row::from([
            ("titolare".into(), self.holder.clone()),
            ("oggetto".into(), self.subject.clone()),
            ("soggetti".into(), self.partners.clone()),
            ("stato".into(), status),
            ("periodo".into(), self.period.clone()),
            ("cup".into(), self.cup.clone()),
            ("cig".into(), self.cig.clone()),
            ("codice_locale".into(), self.local_code.clone()),
            ("risorse".into(), self.resources.clone()),
            ("attivita_poa".into(), self.activity_codes.clone()),
        ]);
        Ok(AgreementDraft {
            row,
            published: self.published.trim() != "no",
        })
    }
}

#[derive(Template)]
#[template(path = "codesign_detail.html")]
pub(super) struct DetailPage {
    page: PageCtx,
    row: RowView,
    holder_kind: &'static str,
    partners: Vec<(i64, String, String)>,
    partners_note: String,
    office: bool,
}

pub(super) async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let a = usecase::open(&state.db, &ctx.caller(), id).await?;
    let zone_id = a.row.zone_id;
    Ok(render_page(&DetailPage {
        page: PageCtx::new(&ctx, "Procedura di co-progettazione")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        row: RowView::of(&a, state.today(), true),
        holder_kind: a.holder_kind().label(),
        partners: a
            .partners
            .iter()
            .map(|p| {
                (
                    p.organisation_id,
                    p.written_name.clone(),
                    p.organisation_name.clone(),
                )
            })
            .collect(),
        partners_note: a.row.partners_note.clone().unwrap_or_default(),
        office: ctx.allows(Action::Administer { zone_id }),
    }))
}

pub(super) async fn holder_options(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let zone_name = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let together = format!(
        "Comuni della {}",
        zone_name
            .strip_prefix("Zona Distretto ")
            .map_or(zone_name.clone(), |s| format!("Zona {s}"))
    );
    let mut v = vec![
        (String::new(), "Scegli il soggetto titolare".to_string()),
        (together.clone(), together),
    ];
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    v.extend(
        all.into_iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    zona_core::org::OrganisationKind::Municipality
                        | zona_core::org::OrganisationKind::HealthAuthority
                )
            })
            .map(|o| (o.name.clone(), o.name)),
    );
    Ok(v)
}

pub(super) fn fields(
    holders: Vec<(String, String)>,
    values: &FormValues,
    errors: &FieldErrors,
) -> Vec<Field> {
    let mut status = vec![(String::new(), "Scegli lo stato".to_string())];
    status.extend(
        AgreementStatus::ALL
            .iter()
            .map(|s| (s.label().to_string(), s.label().to_string())),
    );
    vec![
        Field::select("titolare", "Soggetto titolare", holders)
            .required()
            .bind(values, errors),
        Field::new("oggetto", "Attività oggetto di co-progettazione", FieldKind::Textarea)
            .required()
            .hint("Come nell'atto. I codici scritti nel testo («CUP J71H22000140006», «Rif. CIG ZFA3D7718E») sono riconosciuti e controllati.")
            .bind(values, errors),
        Field::new("soggetti", "Soggetti coinvolti", FieldKind::Textarea)
            .hint("Un ente per riga, come scritto nell'atto: ogni ente deve essere nel registro degli enti (per nome o per uno dei suoi «altri nomi»). Scrivere «Da individuare» o «ETS» se non ancora scelti; una nota tra parentesi quadre.")
            .bind(values, errors),
        Field::select("stato", "Stato", status)
            .required()
            .bind(values, errors),
        Field::text("nota_stato", "Nota sullo stato")
            .hint("Facoltativa, per esempio «salva ammissione a finanziamento del progetto».")
            .bind(values, errors),
        Field::text("periodo", "Data/periodo")
            .hint("Con la precisione nota: 01/01/2023 – 31/12/2023, agosto 2020 – giugno 2022, 2023-2024.")
            .bind(values, errors),
        Field::new("cup", "CUP", FieldKind::Textarea)
            .hint("Uno per riga, oltre a quelli scritti nel testo: 15 caratteri.")
            .bind(values, errors),
        Field::new("cig", "CIG", FieldKind::Textarea)
            .hint("Uno per riga, oltre a quelli scritti nel testo: 10 caratteri.")
            .bind(values, errors),
        Field::text("codice_locale", "Codice locale progetto").bind(values, errors),
        Field::text("risorse", "Risorse (€)")
            .hint("Importo in euro, per esempio 356.240,00.")
            .bind(values, errors),
        Field::new("attivita_poa", "Attività POA collegate", FieldKind::Textarea)
            .hint("Codici delle schede attività, uno per riga (per esempio 2024-02-003).")
            .bind(values, errors),
        Field::select(
            "pubblicata",
            "Pubblicazione",
            vec![
                ("si".into(), "Pubblicata nell'elenco per i cittadini".into()),
                ("no".into(), "Solo interna".into()),
            ],
        )
        .bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]
}

/// The entry form: a new agreement (`id` none) or the edit of one.
pub(super) async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    id: Option<i64>,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
) -> PageResult {
    let (heading, action) = match id {
        None => (
            "Nuova procedura di co-progettazione".to_string(),
            format!("{BASE}/nuova"),
        ),
        Some(id) => (
            "Modifica della procedura di co-progettazione".to_string(),
            format!("{BASE}/{id}/modifica"),
        ),
    };
    let mut holders = holder_options(state, ctx, zone_id).await?;
    // A holder written otherwise in the source ("AUSL …") stays selectable.
    let current = forms::value(values, "titolare");
    if !current.is_empty() && !holders.iter().any(|(v, _)| v == current) {
        holders.push((current.to_string(), current.to_string()));
    }
    Ok(EntryPage {
        page: PageCtx::new(ctx, heading.clone())
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        heading,
        action,
        cancel_href: BASE.to_string(),
        fields: fields(holders, values, errors),
        errors_summary: forms::summary(errors),
        conflict,
    }
    .respond())
}

pub(super) fn saved_message(what: &str, warnings: &[String]) -> (FlashKind, String) {
    if warnings.is_empty() {
        (FlashKind::Success, what.to_string())
    } else {
        (
            FlashKind::Warning,
            format!("{what} Da verificare: {}", warnings.join(" ")),
        )
    }
}

pub(super) async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = values_of(&AgreementForm::new());
    form_page(
        &state,
        &ctx,
        zone_id,
        None,
        &values,
        &FieldErrors::new(),
        false,
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AgreementForm>,
) -> PageResult {
    let outcome = usecase::create(&state.db, &ctx.caller(), form.parse()).await;
    match forms::saved(outcome)? {
        Saved::Done((id, warnings)) => {
            let (kind, msg) = saved_message("Procedura registrata.", &warnings);
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}")),
                kind,
                &msg,
            ))
        }
        Saved::Again { errors, conflict } => {
            let zone_id = zone_of(&ctx)?;
            let values = values_of(&form);
            form_page(&state, &ctx, zone_id, None, &values, &errors, conflict).await
        }
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let a = usecase::open_for_office(&state.db, &ctx.caller(), id).await?;
    let values = values_of(&AgreementForm::of(&a));
    let none = FieldErrors::new();
    form_page(&state, &ctx, a.row.zone_id, Some(id), &values, &none, false).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<AgreementForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::update(&state.db, &ctx.caller(), id, version, form.parse()).await;
    match forms::saved(outcome)? {
        Saved::Done(warnings) => {
            let (kind, msg) = saved_message("Procedura aggiornata.", &warnings);
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}")),
                kind,
                &msg,
            ))
        }
        Saved::Again { errors, conflict } => {
            let zone_id = zone_of(&ctx)?;
            let values = values_of(&form);
            form_page(&state, &ctx, zone_id, Some(id), &values, &errors, conflict).await
        }
    }
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let a = usecase::open_for_office(&state.db, &ctx.caller(), id).await?;
    let short: String = a.row.subject.chars().take(120).collect();
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Eliminare la procedura?")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        heading: "Eliminare la procedura?".into(),
        text: format!(
            "La procedura «{short}» sarà tolta dal registro e dall'elenco pubblico. Usare solo per una riga inserita per errore: il registro delle modifiche ne conserva il contenuto."
        ),
        action: format!("{BASE}/{id}/elimina?versione={}", a.row.version),
        confirm_label: "Elimina la procedura",
        cancel_href: format!("{BASE}/{id}"),
        destructive: true,
    }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let version = forms::query_version(&q);
    after_delete(
        usecase::delete(&state.db, &ctx.caller(), id, version).await,
        BASE,
        &format!("{BASE}/{id}"),
        "Procedura eliminata.",
        "La procedura è stata modificata da un'altra persona: controllarla e riprovare.",
    )
}

// ---------------------------------------------------------------- import

#[derive(Template)]
#[template(path = "codesign_import.html")]
pub(super) struct ImportPage {
    page: PageCtx,
    errors: Vec<String>,
}

pub(super) async fn import_page(ctx: &Ctx, errors: Vec<String>) -> PageResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        page: PageCtx::new(ctx, "Importa procedure di co-progettazione")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        errors,
    };
    Ok((status, render_page(&page)).into_response())
}

pub(super) async fn import_form(ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    import_page(&ctx, Vec::new()).await
}

pub(super) async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let upload = forms::Upload::read(multipart).await?;
    let published = forms::value(&upload.fields, "published") != "no";
    let file = upload.non_empty_file().map(|(n, b)| (n.to_lowercase(), b));
    let Some((name, bytes)) = file else {
        return import_page(&ctx, vec!["Scegliere un file CSV o Excel.".into()]).await;
    };
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") {
        return import_page(
            &ctx,
            vec!["Il file deve essere un CSV (;) o un Excel (.xlsx).".into()],
        )
        .await;
    }
    match usecase::import(&state.db, &ctx.caller(), &bytes, xlsx, published).await? {
        Err(errors) => import_page(&ctx, errors).await,
        Ok((n, warnings)) => {
            let what = if n == 1 {
                "1 procedura importata.".to_string()
            } else {
                format!("{n} procedure importate.")
            };
            let (kind, msg) = saved_message(&what, &warnings);
            Ok(with_flash(Redirect::to(BASE), kind, &msg))
        }
    }
}
