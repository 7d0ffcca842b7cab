//! A project's entry form, its actions and targets, and its removal.

use super::*;

// ---------------------------------------------------------------- form

pub(super) async fn organisation_options(
    state: &AppState,
    zone_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (all, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    Ok(with_all(
        "Scegli l'ente",
        all.into_iter()
            .map(|o| (o.id.to_string(), o.name))
            .collect(),
    ))
}

pub(super) fn fields(
    organisations: Vec<(String, String)>,
    values: &FormValues,
    errors: &FieldErrors,
) -> Vec<Field> {
    vec![
        Field::text("title", "Titolo del progetto").required().bind(values, errors),
        Field::new("summary", "Che cos'è", FieldKind::Textarea).required().bind(values, errors),
        Field::new("service", "Servizio erogato", FieldKind::Textarea).bind(values, errors),
        Field::new("zone_note", "Nella zona", FieldKind::Textarea)
            .hint("Facoltativo: che cosa il progetto rappresenta per la zona (per esempio «È uno dei 16 su 28 Ambiti toscani…»).")
            .bind(values, errors),
        Field::text("duration", "Durata")
            .required()
            .hint("Come scritta nell'atto: «Dal 1 gennaio 2024 al 30 giugno 2026», «36 mesi dalla sottoscrizione della convenzione».")
            .bind(values, errors),
        Field::new("start_date", "Data di inizio", FieldKind::Date).bind(values, errors),
        Field::new("end_date", "Data di fine", FieldKind::Date).bind(values, errors),
        Field::text("resources", "Risorse (€)")
            .hint("Importo in euro, per esempio 356.240,00.")
            .bind(values, errors),
        Field::text("funding", "Fonte di finanziamento")
            .hint("Per esempio «FSE+ 2021-2027» o «PNRR – NextGenerationEU».")
            .bind(values, errors),
        Field::select("pnrr_code", "Investimento PNRR", with_all("Nessuno", pnrr_options()))
            .bind(values, errors),
        Field::text("cup", "CUP")
            .hint("15 caratteri, per esempio J44H22000250006.")
            .bind(values, errors),
        Field::select("responsible_organisation_id", "Ente responsabile", organisations).bind(values, errors),
        Field::select("status", "Stato", status_options()).required().bind(values, errors),
        Field::new("activity_codes", "Attività POA collegate", FieldKind::Textarea)
            .hint("Codici delle schede attività, uno per riga (per esempio 2024-02-003).")
            .bind(values, errors),
        Field::select(
            "published",
            "Pubblicazione",
            vec![
                ("si".into(), "Pubblicato".into()),
                ("no".into(), "Solo interno".into()),
            ],
        )
        .bind(values, errors),
        Field::new("version", "", FieldKind::Hidden).bind(values, errors),
    ]
}

/// A section form that failed, to show again with its values and errors.
pub(super) type Failed<'a> = Option<(&'static str, &'a FormValues, &'a FieldErrors)>;

pub(super) fn child_sections(p: &Project, failed: Failed) -> Vec<Section> {
    let empty = FormValues::new();
    let none = FieldErrors::new();
    let pick = |s: &str| match failed {
        Some((k, v, e)) if k == s => (v, e),
        _ => (&empty, &none),
    };
    let version = FormValues::from([("version".into(), p.row.version.to_string())]);
    let (av, ae) = pick("azioni");
    let (tv, te) = pick("obiettivi");
    let hidden = |values: &FormValues| {
        Field::new("version", "", FieldKind::Hidden).bind(
            if values.contains_key("version") {
                values
            } else {
                &version
            },
            &none,
        )
    };
    vec![
        actions_section(p, (av, ae), hidden(av)),
        targets_section(p, (tv, te), hidden(tv)),
    ]
}

/// The project's actions, each with its removal, and the form to add one.
fn actions_section(p: &Project, (av, ae): (&FormValues, &FieldErrors), version: Field) -> Section {
    let id = p.row.id;
    Section {
        id: "azioni",
        heading: "Azioni",
        text: "Le azioni della scheda con il loro importo o intervallo di importi.".into(),
        headers: vec!["Azione", "Descrizione", "Importo"],
        rows: p
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| SectionRow {
                cells: vec![
                    a.title.clone(),
                    a.description.clone().unwrap_or_default(),
                    nw::action_amount(a),
                ],
                action: Some(RowAction {
                    label: "Togli",
                    href: format!(
                        "{BASE}/{id}/azioni/{}/togli?versione={}",
                        i + 1,
                        p.row.version
                    ),
                    confirm: format!("Togliere l'azione «{}»?", a.title),
                }),
            })
            .collect(),
        has_actions: true,
        empty: "Nessuna azione.",
        form: Some(SectionForm {
            heading: "Aggiungi un'azione",
            action: format!("{BASE}/{id}/azioni"),
            fields: vec![
                Field::text("action_title", "Azione")
                    .required()
                    .bind(av, ae),
                Field::new("action_description", "Descrizione", FieldKind::Textarea).bind(av, ae),
                Field::text("action_min", "Importo (€) o minimo dell'intervallo").bind(av, ae),
                Field::text("action_max", "Massimo dell'intervallo (€)")
                    .hint("Vuoto per un importo solo.")
                    .bind(av, ae),
                Field::text("action_basis", "Riferimento dell'importo")
                    .hint("Per esempio «al mese, in base all'ISEE» o «per Piano individualizzato».")
                    .bind(av, ae),
                version,
            ],
            submit_label: "Aggiungi l'azione",
            errors_summary: forms::summary(ae),
        }),
    }
}

/// The project's own targets, each with its removal, and the form to add or
/// update one.
fn targets_section(p: &Project, (tv, te): (&FormValues, &FieldErrors), version: Field) -> Section {
    let id = p.row.id;
    Section {
        id: "obiettivi",
        heading: "Obiettivi del progetto",
        text: "I traguardi del progetto e quanto è stato raggiunto. Per aggiornare il valore raggiunto, inserire di nuovo l'obiettivo con la stessa descrizione.".into(),
        headers: vec!["Obiettivo", "Atteso", "Raggiunto", "Entro"],
        rows: target_views(p)
            .into_iter()
            .enumerate()
            .map(|(i, t)| SectionRow {
                action: Some(RowAction {
                    label: "Togli",
                    href: format!("{BASE}/{id}/obiettivi/{}/togli?versione={}", i + 1, p.row.version),
                    confirm: format!("Togliere l'obiettivo «{}»?", t.description),
                }),
                cells: vec![t.description, t.target, t.achieved, t.due],
            })
            .collect(),
        has_actions: true,
        empty: "Nessun obiettivo.",
        form: Some(SectionForm {
            heading: "Aggiungi o aggiorna un obiettivo",
            action: format!("{BASE}/{id}/obiettivi"),
            fields: vec![
                Field::text("target_description", "Obiettivo").required().bind(tv, te),
                Field::new("target_value", "Valore atteso", FieldKind::Number)
                    .required()
                    .bind(tv, te),
                Field::new("target_achieved", "Valore raggiunto", FieldKind::Number)
                    .hint("Vuoto se non ancora rilevato.")
                    .bind(tv, te),
                Field::new("target_due", "Entro il", FieldKind::Date).bind(tv, te),
                version,
            ],
            submit_label: "Salva l'obiettivo",
            errors_summary: forms::summary(te),
        }),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    zone_id: i64,
    project: Option<&Project>,
    values: &FormValues,
    errors: &FieldErrors,
    conflict: bool,
    failed: Failed<'_>,
) -> PageResult {
    let (heading, action, cancel) = match project {
        None => (
            "Nuovo progetto".to_string(),
            format!("{BASE}/nuovo"),
            BASE.to_string(),
        ),
        Some(p) => (
            format!("Modifica: {}", p.row.title),
            format!("{BASE}/{}/modifica", p.row.id),
            format!("{BASE}/{}", p.row.id),
        ),
    };
    let mut page = FormPage::new(
        crumbs(PageCtx::new(ctx, heading.clone())),
        heading,
        action,
        fields(organisation_options(state, zone_id).await?, values, errors),
    );
    page.cancel_href = cancel;
    page.errors_summary = if conflict {
        Some("Il progetto è stato modificato da un'altra persona mentre lo compilavi: i tuoi dati sono qui sotto; apri la versione salvata in un'altra scheda, confronta e salva di nuovo.".into())
    } else {
        forms::summary(errors)
    };
    if let Some(p) = project {
        page.sections = child_sections(p, failed);
    }
    let status = form_status(conflict, !errors.is_empty() || failed.is_some());
    Ok((status, render_page(&page)).into_response())
}

pub(super) fn saved(id: i64, what: &str, warning: Option<&str>) -> Response {
    match warning {
        None => with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Success,
            what,
        ),
        Some(w) => with_flash(
            Redirect::to(&format!("{BASE}/{id}")),
            FlashKind::Warning,
            &format!("{what} Da verificare: {w}"),
        ),
    }
}

pub(super) async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let values = values_of(&ProjectForm::new());
    form_page(
        &state,
        &ctx,
        zone_id,
        None,
        &values,
        &FieldErrors::new(),
        false,
        None,
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    let outcome = usecase::create(&state.db, &ctx.caller(), form.parse()).await;
    match forms::saved(outcome)? {
        Saved::Done((id, warning)) => Ok(saved(id, "Progetto registrato.", warning.as_deref())),
        Saved::Again { errors, conflict } => {
            let zone_id = zone_of(&ctx)?;
            let values = values_of(&form);
            form_page(
                &state, &ctx, zone_id, None, &values, &errors, conflict, None,
            )
            .await
        }
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let p = usecase::open_for_office(&state.db, &ctx.caller(), id).await?;
    let values = values_of(&ProjectForm::of(&p));
    let none = FieldErrors::new();
    form_page(
        &state,
        &ctx,
        p.row.zone_id,
        Some(&p),
        &values,
        &none,
        false,
        None,
    )
    .await
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    let caller = ctx.caller();
    let version = version_of(&form.version);
    let outcome = usecase::update(&state.db, &caller, id, version, form.parse()).await;
    match forms::saved(outcome)? {
        Saved::Done(warning) => Ok(saved(id, "Progetto aggiornato.", warning.as_deref())),
        Saved::Again { errors, conflict } => {
            let p = usecase::open_for_office(&state.db, &caller, id).await?;
            let values = values_of(&form);
            let zone_id = p.row.zone_id;
            form_page(
                &state,
                &ctx,
                zone_id,
                Some(&p),
                &values,
                &errors,
                conflict,
                None,
            )
            .await
        }
    }
}

/// Answers a change to the actions or targets: back to the form, or the
/// form again with the section's errors.
async fn child_saved<T, F: serde::Serialize>(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    outcome: Result<T, Error>,
    section: &'static str,
    form: &F,
    what: impl FnOnce(T) -> &'static str,
) -> PageResult {
    let back =
        |kind, msg: &str| with_flash(Redirect::to(&format!("{BASE}/{id}/modifica")), kind, msg);
    match forms::saved(outcome)? {
        Saved::Done(done) => Ok(back(FlashKind::Success, what(done))),
        Saved::Again { conflict: true, .. } => Ok(back(
            FlashKind::Danger,
            "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
        )),
        Saved::Again { errors, .. } => {
            let p = usecase::open_for_office(&state.db, &ctx.caller(), id).await?;
            let values = values_of(&ProjectForm::of(&p));
            let failed = Some((section, &values_of(form), &errors));
            let none = FieldErrors::new();
            form_page(
                state,
                ctx,
                p.row.zone_id,
                Some(&p),
                &values,
                &none,
                false,
                failed,
            )
            .await
        }
    }
}

pub(super) async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::add_action(&state.db, &ctx.caller(), id, version, form.parse()).await;
    child_saved(&state, &ctx, id, outcome, "azioni", &form, |()| {
        "Azione aggiunta."
    })
    .await
}

pub(super) async fn remove_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let version = forms::query_version(&q);
    let outcome = usecase::remove_action(&state.db, &ctx.caller(), id, version, n).await;
    child_saved(&state, &ctx, id, outcome, "azioni", &(), |()| {
        "Azione tolta."
    })
    .await
}

pub(super) async fn add_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    let version = version_of(&form.version);
    let outcome = usecase::save_target(&state.db, &ctx.caller(), id, version, form.parse()).await;
    child_saved(&state, &ctx, id, outcome, "obiettivi", &form, |updated| {
        if updated {
            "Obiettivo aggiornato."
        } else {
            "Obiettivo aggiunto."
        }
    })
    .await
}

pub(super) async fn remove_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let version = forms::query_version(&q);
    let outcome = usecase::remove_target(&state.db, &ctx.caller(), id, version, n).await;
    child_saved(&state, &ctx, id, outcome, "obiettivi", &(), |()| {
        "Obiettivo tolto."
    })
    .await
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let p = usecase::open_for_office(&state.db, &ctx.caller(), id).await?;
    Ok(render_page(&ConfirmPage {
        page: crumbs(PageCtx::new(&ctx, "Eliminare il progetto?")),
        heading: "Eliminare il progetto?".into(),
        text: format!(
            "Il progetto «{}» sarà tolto con le sue azioni e i suoi obiettivi; le strutture che finanzia perdono il collegamento. Il registro delle modifiche ne conserva il contenuto.",
            p.row.title
        ),
        action: format!("{BASE}/{id}/elimina?versione={}", p.row.version),
        confirm_label: "Elimina il progetto",
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
        "Progetto eliminato.",
        "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
    )
}
