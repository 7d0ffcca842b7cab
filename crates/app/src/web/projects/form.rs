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
        Field::text("titolo", "Titolo del progetto").required().bind(values, errors),
        Field::new("sintesi", "Che cos'è", FieldKind::Textarea).required().bind(values, errors),
        Field::new("servizio", "Servizio erogato", FieldKind::Textarea).bind(values, errors),
        Field::new("nota_zona", "Nella zona", FieldKind::Textarea)
            .hint("Facoltativo: che cosa il progetto rappresenta per la zona (per esempio «È uno dei 16 su 28 Ambiti toscani…»).")
            .bind(values, errors),
        Field::text("durata", "Durata")
            .required()
            .hint("Come scritta nell'atto: «Dal 1 gennaio 2024 al 30 giugno 2026», «36 mesi dalla sottoscrizione della convenzione».")
            .bind(values, errors),
        Field::new("inizio", "Data di inizio", FieldKind::Date).bind(values, errors),
        Field::new("fine", "Data di fine", FieldKind::Date).bind(values, errors),
        Field::text("risorse", "Risorse (€)")
            .hint("Importo in euro, per esempio 356.240,00.")
            .bind(values, errors),
        Field::text("finanziamento", "Fonte di finanziamento")
            .hint("Per esempio «FSE+ 2021-2027» o «PNRR – NextGenerationEU».")
            .bind(values, errors),
        Field::select("pnrr", "Investimento PNRR", with_all("Nessuno", pnrr_options()))
            .bind(values, errors),
        Field::text("cup", "CUP")
            .hint("15 caratteri, per esempio J44H22000250006.")
            .bind(values, errors),
        Field::select("ente", "Ente responsabile", organisations).bind(values, errors),
        Field::select("stato", "Stato", status_options()).required().bind(values, errors),
        Field::new("attivita_poa", "Attività POA collegate", FieldKind::Textarea)
            .hint("Codici delle schede attività, uno per riga (per esempio 2024-02-003).")
            .bind(values, errors),
        Field::select(
            "pubblicato",
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

pub(super) fn values_of(p: &Project) -> FormValues {
    let r = &p.row;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    FormValues::from([
        ("titolo".into(), r.title.clone()),
        ("sintesi".into(), r.summary.clone()),
        ("servizio".into(), s(&r.service)),
        ("nota_zona".into(), s(&r.zone_note)),
        ("durata".into(), r.duration_text.clone()),
        (
            "inizio".into(),
            r.start_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "fine".into(),
            r.end_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "risorse".into(),
            p.resources().map(|c| c.format_plain()).unwrap_or_default(),
        ),
        ("finanziamento".into(), s(&r.funding)),
        ("pnrr".into(), s(&r.pnrr_code)),
        ("cup".into(), s(&r.cup)),
        (
            "ente".into(),
            r.responsible_organisation_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        ("stato".into(), r.status.code().to_string()),
        (
            "attivita_poa".into(),
            p.activities
                .iter()
                .map(|a| a.code.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "pubblicato".into(),
            if r.published { "si" } else { "no" }.into(),
        ),
        ("version".into(), r.version.to_string()),
    ])
}

/// Reads the project form; the actions and targets are kept from `current`.
pub(super) async fn parse_form(
    state: &AppState,
    zone_id: i64,
    values: &FormValues,
    current: Option<&Project>,
) -> Result<Result<ProjectInput, FieldErrors>, AppError> {
    let mut e = FieldErrors::new();
    let v = |k: &str| forms::value(values, k);
    let title = e.check("titolo", required_text(v("titolo"), 300));
    let summary = e.check("sintesi", required_text(v("sintesi"), 4000));
    let service = e.check("servizio", optional_text(v("servizio"), 6000));
    let zone_note = e.check("nota_zona", optional_text(v("nota_zona"), 1000));
    let duration = e.check("durata", required_text(v("durata"), 200));
    let date = |k: &str, e: &mut FieldErrors| {
        let s = v(k).trim();
        if s.is_empty() {
            None
        } else {
            e.check(k, parse_date(s))
        }
    };
    let start = date("inizio", &mut e);
    let end = date("fine", &mut e);
    if let (Some(a), Some(b)) = (start, end) {
        if b < a {
            e.add("fine", "La data di fine precede quella di inizio.");
        }
    }
    let resources = if v("risorse").trim().is_empty() {
        None
    } else {
        match Cents::parse_it(v("risorse")) {
            Ok(c) if c.0 < 0 => {
                e.add("risorse", "L'importo non può essere negativo.");
                None
            }
            Ok(c) => Some(c),
            Err(err) => {
                e.add("risorse", err.to_string());
                None
            }
        }
    };
    let funding = e.check("finanziamento", optional_text(v("finanziamento"), 200));
    let pnrr_code = match v("pnrr").trim() {
        "" => None,
        c if pnrr_investment(c).is_some() => Some(c.to_string()),
        _ => {
            e.add("pnrr", "Investimento PNRR sconosciuto.");
            None
        }
    };
    let (cup, cup_warning) = match v("cup").trim() {
        "" => (None, None),
        c => match check_cup(c) {
            Ok(CodeCheck::Valid(code)) => (Some(code), None),
            Ok(CodeCheck::Warning(code, w)) => (Some(code), Some(w)),
            Err(m) => {
                e.add("cup", m);
                (None, None)
            }
        },
    };
    let responsible = forms::optional_id(values, "ente", &mut e);
    if let Some(o) = responsible {
        let ok = orgs::get_organisation(&state.db, o)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ok {
            e.add("ente", "Ente non valido per questa zona.");
        }
    }
    let status = ProjectStatus::from_code(v("stato"));
    if status.is_none() {
        e.add("stato", "Scegliere lo stato.");
    }
    let codes: Vec<String> = v("attivita_poa")
        .split([';', '\n', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let found = zona_store::codesign::activity_ids(&state.db, zone_id, &codes).await?;
    let missing: Vec<&str> = codes
        .iter()
        .filter(|c| !found.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        e.add(
            "attivita_poa",
            format!("Scheda attività non trovata: {}.", missing.join(", ")),
        );
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let mut activity_ids: Vec<i64> = Vec::new();
    for c in &codes {
        if !activity_ids.contains(&found[c]) {
            activity_ids.push(found[c]);
        }
    }
    Ok(Ok(ProjectInput {
        zone_id,
        title: title.expect("checked"),
        summary: summary.expect("checked"),
        service: service.flatten(),
        zone_note: zone_note.flatten(),
        duration_text: duration.expect("checked"),
        start_date: start,
        end_date: end,
        resources,
        funding: funding.flatten(),
        pnrr_code,
        cup,
        cup_warning,
        responsible_organisation_id: responsible,
        status: status.expect("checked"),
        published: v("pubblicato") != "no",
        actions: current.map(|p| p.actions.clone()).unwrap_or_default(),
        targets: current.map(|p| p.targets.clone()).unwrap_or_default(),
        activity_ids,
    }))
}

/// A section form that failed, to show again with its values and errors.
pub(super) type Failed<'a> = Option<(&'static str, &'a FormValues, &'a FieldErrors)>;

pub(super) fn child_sections(p: &Project, failed: Failed) -> Vec<Section> {
    let id = p.row.id;
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
                        href: format!("{BASE}/{id}/azioni/{}/togli?versione={}", i + 1, p.row.version),
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
                    Field::text("azione_titolo", "Azione").required().bind(av, ae),
                    Field::new("azione_descrizione", "Descrizione", FieldKind::Textarea).bind(av, ae),
                    Field::text("azione_min", "Importo (€) o minimo dell'intervallo").bind(av, ae),
                    Field::text("azione_max", "Massimo dell'intervallo (€)")
                        .hint("Vuoto per un importo solo.")
                        .bind(av, ae),
                    Field::text("azione_base", "Riferimento dell'importo")
                        .hint("Per esempio «al mese, in base all'ISEE» o «per Piano individualizzato».")
                        .bind(av, ae),
                    hidden(av),
                ],
                submit_label: "Aggiungi l'azione",
                errors_summary: forms::summary(ae),
            }),
        },
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
                    Field::text("obiettivo", "Obiettivo").required().bind(tv, te),
                    Field::new("obiettivo_atteso", "Valore atteso", FieldKind::Number)
                        .required()
                        .bind(tv, te),
                    Field::new("obiettivo_raggiunto", "Valore raggiunto", FieldKind::Number)
                        .hint("Vuoto se non ancora rilevato.")
                        .bind(tv, te),
                    Field::new("obiettivo_entro", "Entro il", FieldKind::Date).bind(tv, te),
                    hidden(tv),
                ],
                submit_label: "Salva l'obiettivo",
                errors_summary: forms::summary(te),
            }),
        },
    ]
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
    let values = FormValues::from([
        ("stato".into(), "planned".into()),
        ("pubblicato".into(), "si".into()),
    ]);
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
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values, None).await? {
        Ok(input) => {
            let id = store::create_project(&state.db, &ctx.actor(), &input).await?;
            Ok(saved(
                id,
                "Progetto registrato.",
                input.cup_warning.as_deref(),
            ))
        }
        Err(e) => form_page(&state, &ctx, zone_id, None, &values, &e, false, None).await,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    form_page(
        &state,
        &ctx,
        zone_id,
        Some(&p),
        &values_of(&p),
        &FieldErrors::new(),
        false,
        None,
    )
    .await
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    match parse_form(&state, zone_id, &values, Some(&p)).await? {
        Ok(input) => {
            match store::update_project(
                &state.db,
                &ctx.actor(),
                id,
                forms::version(&values),
                &input,
            )
            .await
            {
                Ok(()) => Ok(saved(
                    id,
                    "Progetto aggiornato.",
                    input.cup_warning.as_deref(),
                )),
                Err(StoreError::Conflict) => {
                    form_page(
                        &state,
                        &ctx,
                        zone_id,
                        Some(&p),
                        &values,
                        &FieldErrors::new(),
                        true,
                        None,
                    )
                    .await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => form_page(&state, &ctx, zone_id, Some(&p), &values, &e, false, None).await,
    }
}

/// Saves a change to the actions or targets: the whole project, guarded by
/// the version the form was opened with.
pub(super) async fn save_children(
    state: &AppState,
    ctx: &Ctx,
    p: &Project,
    version: i64,
    input: ProjectInput,
    what: &str,
) -> PageResult {
    match store::update_project(&state.db, &ctx.actor(), p.row.id, version, &input).await {
        Ok(()) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{}/modifica", p.row.id)),
            FlashKind::Success,
            what,
        )),
        Err(StoreError::Conflict) => Ok(with_flash(
            Redirect::to(&format!("{BASE}/{}/modifica", p.row.id)),
            FlashKind::Danger,
            "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let title = e.check(
        "azione_titolo",
        required_text(forms::value(&values, "azione_titolo"), 300),
    );
    let description = e.check(
        "azione_descrizione",
        optional_text(forms::value(&values, "azione_descrizione"), 2000),
    );
    let amount = e.check(
        "azione_min",
        AmountRange::read(
            forms::value(&values, "azione_min"),
            forms::value(&values, "azione_max"),
        ),
    );
    let basis = e.check(
        "azione_base",
        optional_text(forms::value(&values, "azione_base"), 200),
    );
    if !e.is_empty() {
        return form_page(
            &state,
            &ctx,
            zone_id,
            Some(&p),
            &values_of(&p),
            &FieldErrors::new(),
            false,
            Some(("azioni", &values, &e)),
        )
        .await;
    }
    let mut input = p.snapshot();
    input.actions.push(ProjectAction {
        title: title.expect("checked"),
        description: description.flatten(),
        amount: amount.flatten(),
        basis: basis.flatten(),
    });
    save_children(
        &state,
        &ctx,
        &p,
        forms::version(&values),
        input,
        "Azione aggiunta.",
    )
    .await
}

pub(super) fn index(n: usize, len: usize) -> Result<usize, AppError> {
    if n == 0 || n > len {
        Err(AppError::NotFound)
    } else {
        Ok(n - 1)
    }
}

pub(super) async fn remove_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut input = p.snapshot();
    input.actions.remove(index(n, input.actions.len())?);
    let version = forms::query_version(&q);
    save_children(&state, &ctx, &p, version, input, "Azione tolta.").await
}

pub(super) async fn add_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<FormValues>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let description = e.check(
        "obiettivo",
        required_text(forms::value(&values, "obiettivo"), 500),
    );
    let count = |k: &str, e: &mut FieldErrors, required: bool| {
        let s = forms::value(&values, k).trim();
        if s.is_empty() {
            if required {
                e.add(k, "Campo obbligatorio.");
            }
            None
        } else {
            e.check(k, zona_core::network::parse_count(s))
                .map(i64::from)
        }
    };
    let target = count("obiettivo_atteso", &mut e, true);
    let achieved = count("obiettivo_raggiunto", &mut e, false);
    let due = match forms::value(&values, "obiettivo_entro").trim() {
        "" => None,
        s => e.check("obiettivo_entro", parse_date(s)),
    };
    if !e.is_empty() {
        return form_page(
            &state,
            &ctx,
            zone_id,
            Some(&p),
            &values_of(&p),
            &FieldErrors::new(),
            false,
            Some(("obiettivi", &values, &e)),
        )
        .await;
    }
    let t = ProjectTarget {
        description: description.expect("checked"),
        target: target.expect("checked"),
        achieved,
        due_date: due,
    };
    let mut input = p.snapshot();
    let what = match input
        .targets
        .iter_mut()
        .find(|x| x.description.eq_ignore_ascii_case(&t.description))
    {
        Some(existing) => {
            *existing = t;
            "Obiettivo aggiornato."
        }
        None => {
            input.targets.push(t);
            "Obiettivo aggiunto."
        }
    };
    save_children(&state, &ctx, &p, forms::version(&values), input, what).await
}

pub(super) async fn remove_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, usize)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut input = p.snapshot();
    input.targets.remove(index(n, input.targets.len())?);
    let version = forms::query_version(&q);
    save_children(&state, &ctx, &p, version, input, "Obiettivo tolto.").await
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (zone_id, p) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
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
    let (zone_id, _) = load(&state, &ctx, id).await?;
    require(&ctx, Action::Administer { zone_id })?;
    let version = forms::query_version(&q);
    after_delete(
        store::delete_project(&state.db, &ctx.actor(), id, version).await,
        BASE,
        &format!("{BASE}/{id}"),
        "Progetto eliminato.",
        "Il progetto è stato modificato da un'altra persona: controllarlo e riprovare.",
    )
}
