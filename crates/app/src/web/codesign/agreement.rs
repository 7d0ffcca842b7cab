//! One co-design agreement: its card, its entry form, its removal, and
//! the import of the registry.

use super::*;

// ---------------------------------------------------------------- one agreement

pub(super) async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(i64, Agreement), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::ReadInternal { zone_id })?;
    let a = store::get_agreement(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, a.row.zone_id)?;
    Ok((zone_id, a))
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
    let (zone_id, a) = load(&state, &ctx, id).await?;
    Ok(render_page(&DetailPage {
        page: PageCtx::new(&ctx, "Procedura di co-progettazione")
            .crumb("Partecipazione", "/partecipazione")
            .crumb("Co-progettazione", BASE),
        row: RowView::of(&a, state.today()),
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

pub(super) fn values_of(a: &Agreement) -> FormValues {
    let lines = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join("\n");
    FormValues::from([
        ("titolare".into(), a.row.holder_text.clone()),
        ("oggetto".into(), a.row.subject.clone()),
        ("soggetti".into(), a.partners_lines().join("\n")),
        ("stato".into(), a.status().label().to_string()),
        (
            "nota_stato".into(),
            a.row.status_note.clone().unwrap_or_default(),
        ),
        ("periodo".into(), a.period_text()),
        // Codes found in the subject are found again on saving.
        (
            "cup".into(),
            lines(
                &mut a
                    .cups()
                    .filter(|c| !a.row.subject.contains(&c.code))
                    .map(|c| c.code.clone()),
            ),
        ),
        (
            "cig".into(),
            lines(
                &mut a
                    .cigs()
                    .filter(|c| !a.row.subject.contains(&c.code))
                    .map(|c| c.code.clone()),
            ),
        ),
        (
            "codice_locale".into(),
            a.row.local_code.clone().unwrap_or_default(),
        ),
        (
            "risorse".into(),
            a.resources().map(|c| c.format_plain()).unwrap_or_default(),
        ),
        (
            "attivita_poa".into(),
            lines(&mut a.activities.iter().map(|x| x.code.clone())),
        ),
        (
            "pubblicata".into(),
            if a.row.published { "si" } else { "no" }.into(),
        ),
        ("version".into(), a.row.version.to_string()),
    ])
}

/// Reads the form through the same rules as an imported row.
pub(super) async fn parse_form(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
) -> Result<Result<(store::AgreementInput, Vec<String>), FieldErrors>, AppError> {
    let mut row = cd::Row::new();
    for (k, _) in COLUMNS {
        row.insert(k.to_string(), forms::value(values, k).to_string());
    }
    let note = forms::value(values, "nota_stato").trim();
    if !note.is_empty() {
        row.insert(
            "stato".into(),
            format!("{} {note}", forms::value(values, "stato")),
        );
    }
    let dir = Directory::load(&state.db, zone_id).await?;
    let activities = store::activity_ids(&state.db, zone_id, &cd::activity_codes(&row)).await?;
    let published = forms::value(values, "pubblicata") != "no";
    Ok(
        cd::read_row(&dir, &activities, &row, zone_id, published).map_err(|es| {
            let mut e = FieldErrors::new();
            for (k, m) in es {
                e.add(k, m);
            }
            e
        }),
    )
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
    let values = FormValues::from([("pubblicata".into(), "si".into())]);
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
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values).await? {
        Ok((input, warnings)) => {
            let id = store::create_agreement(&state.db, &ctx.actor(), &input).await?;
            let (kind, msg) = saved_message("Procedura registrata.", &warnings);
            Ok(with_flash(
                Redirect::to(&format!("{BASE}/{id}")),
                kind,
                &msg,
            ))
        }
        Err(e) => form_page(&state, &ctx, zone_id, None, &values, &e, false).await,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, a) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(id),
        &values_of(&a),
        &FieldErrors::new(),
        false,
    )
    .await
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values).await? {
        Ok((input, warnings)) => {
            match store::update_agreement(
                &state.db,
                &ctx.actor(),
                id,
                forms::version(&values),
                &input,
            )
            .await
            {
                Ok(()) => {
                    let (kind, msg) = saved_message("Procedura aggiornata.", &warnings);
                    Ok(with_flash(
                        Redirect::to(&format!("{BASE}/{id}")),
                        kind,
                        &msg,
                    ))
                }
                Err(StoreError::Conflict) => {
                    form_page(
                        &state,
                        &ctx,
                        zone_id,
                        Some(id),
                        &values,
                        &FieldErrors::new(),
                        true,
                    )
                    .await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => form_page(&state, &ctx, zone_id, Some(id), &values, &e, false).await,
    }
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, a) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
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
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let version = forms::query_version(&q);
    after_delete(
        store::delete_agreement(&state.db, &ctx.actor(), id, version).await,
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
    let published = forms::value(&upload.fields, "pubblicate") != "no";
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
    match cd::parse_import(&state.db, zone_id, &bytes, xlsx, published).await? {
        Err(errors) => import_page(&ctx, errors).await,
        Ok(imported) => {
            let n = imported.inputs.len();
            store::create_agreements(&state.db, &ctx.actor(), &imported.inputs).await?;
            let what = if n == 1 {
                "1 procedura importata.".to_string()
            } else {
                format!("{n} procedure importate.")
            };
            let (kind, msg) = saved_message(&what, &imported.warnings);
            Ok(with_flash(Redirect::to(BASE), kind, &msg))
        }
    }
}
