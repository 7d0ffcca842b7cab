//! The entry form of an activity sheet: a new sheet and the edit of one.

use super::*;

// ------------------------------------------------------------------ form

pub(super) fn first<'a>(pairs: &'a Pairs, key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub(super) fn all(pairs: &Pairs, key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect()
}

pub(super) fn rows<const N: usize>(
    pairs: &Pairs,
    prefix: &str,
    names: [&str; N],
) -> Vec<[String; N]> {
    let max = pairs
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix(prefix)?
                .split('_')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .max();
    let Some(max) = max else { return Vec::new() };
    (0..=max.min(199))
        .map(|i| names.map(|n| first(pairs, &format!("{prefix}{i}_{n}")).to_string()))
        .collect()
}

pub(super) fn form_of(pairs: &Pairs) -> SheetForm {
    SheetForm {
        title: first(pairs, "title").into(),
        description: first(pairs, "description").into(),
        programme_id: first(pairs, "programme_id").into(),
        sector: first(pairs, "sector").into(),
        kind: first(pairs, "kind").into(),
        target_areas: all(pairs, "target_area"),
        unit_id: first(pairs, "unit_id").into(),
        organisation_id: first(pairs, "organisation_id").into(),
        municipality_ids: all(pairs, "municipality"),
        start_date: first(pairs, "start_date").into(),
        end_date: first(pairs, "end_date").into(),
        funding: rows(pairs, "funding_", ["source", "year", "amount"]),
        indicators: rows(
            pairs,
            "indicator_",
            ["name", "unit", "baseline", "target", "actual"],
        ),
        internal_notes: first(pairs, "internal_notes").into(),
        integrated_matter: first(pairs, "integrated_matter").into(),
    }
}

pub(super) struct Opt {
    value: String,
    label: String,
    selected: bool,
}

pub(super) fn options(
    items: impl IntoIterator<Item = (String, String)>,
    selected: &[String],
    blank: &str,
) -> Vec<Opt> {
    let mut out = Vec::new();
    if !blank.is_empty() {
        out.push(Opt {
            value: String::new(),
            label: blank.into(),
            selected: selected.iter().all(|s| s.is_empty()),
        });
    }
    out.extend(items.into_iter().map(|(value, label)| Opt {
        selected: selected.contains(&value),
        value,
        label,
    }));
    out
}

pub(super) struct RowView<const N: usize> {
    index: usize,
    values: [String; N],
    errors: [Option<String>; N],
}

impl<const N: usize> RowView<N> {
    fn invalid(&self, i: usize) -> bool {
        self.errors[i].is_some()
    }
    fn is(&self, i: usize, v: &str) -> bool {
        self.values[i] == v
    }
}

pub(super) fn row_views<const N: usize>(
    rows: &[[String; N]],
    prefix: &str,
    names: [&str; N],
    errors: &FieldErrors,
    blank: usize,
) -> Vec<RowView<N>> {
    let mut out: Vec<RowView<N>> = rows
        .iter()
        .enumerate()
        .map(|(index, values)| RowView {
            index,
            values: values.clone(),
            errors: names.map(|n| {
                errors
                    .get(&format!("{prefix}{index}_{n}"))
                    .map(str::to_string)
            }),
        })
        .collect();
    for _ in 0..blank {
        out.push(RowView {
            index: out.len(),
            values: std::array::from_fn(|_| String::new()),
            errors: std::array::from_fn(|_| None),
        });
    }
    out
}

#[derive(Template)]
#[template(path = "planning_sheet_form.html")]
pub(super) struct SheetFormPage {
    page: PageCtx,
    heading: String,
    intro: String,
    action: String,
    cancel_href: String,
    version: i64,
    f: SheetForm,
    errors: FieldErrors,
    errors_summary: Option<String>,
    programmes: Vec<Opt>,
    sectors: Vec<Opt>,
    kinds: Vec<Opt>,
    matters: Vec<Opt>,
    areas: Vec<Opt>,
    units: Vec<Opt>,
    organisations: Vec<Opt>,
    municipalities: Vec<Opt>,
    sources: Vec<(String, String)>,
    indicator_units: Vec<(String, String)>,
    funding_rows: Vec<RowView<3>>,
    indicator_rows: Vec<RowView<5>>,
    assignment_locked: bool,
    amendment: Option<ActForm>,
    conflict: Option<Conflict>,
}

pub(super) struct FormSpec {
    heading: String,
    intro: String,
    action: String,
    cancel_href: String,
    version: i64,
    assignment_locked: bool,
    amendment: Option<ActForm>,
    extra_rows: usize,
}

/// Choices as (id, label) for a select.
fn labelled(items: &[(i64, String)]) -> impl Iterator<Item = (String, String)> + '_ {
    items.iter().map(|(id, l)| (id.to_string(), l.clone()))
}

/// The notice above a refused sheet: how many errors, shown by their fields.
fn not_saved(errors: &FieldErrors) -> Option<String> {
    match errors.len() {
        0 => None,
        1 => Some(
            "La scheda non è stata salvata: c'è un errore, indicato accanto al campo.".to_string(),
        ),
        n => Some(format!(
            "La scheda non è stata salvata: ci sono {n} errori, indicati accanto ai campi."
        )),
    }
}

pub(super) fn build_form(
    ctx: &Ctx,
    crumbs: Vec<(String, String)>,
    spec: FormSpec,
    ch: &Choices,
    f: SheetForm,
    errors: FieldErrors,
) -> SheetFormPage {
    let terms = |v: Vocabulary| -> Vec<(String, String)> { ch.vocab.terms(v).to_vec() };
    let one = |s: &String| vec![s.clone()];
    let page = crumbs
        .into_iter()
        .fold(PageCtx::new(ctx, spec.heading.clone()), |p, (l, h)| {
            p.crumb(l, h)
        });
    let errors_summary = not_saved(&errors);
    SheetFormPage {
        page,
        heading: spec.heading,
        intro: spec.intro,
        action: spec.action,
        cancel_href: spec.cancel_href,
        version: spec.version,
        programmes: options(
            ch.programmes
                .iter()
                .map(|p| (p.id.to_string(), format!("{} › {}", p.objective, p.title))),
            &one(&f.programme_id),
            "Scegliere…",
        ),
        sectors: options(terms(Vocabulary::Sector), &one(&f.sector), "Non indicato"),
        kinds: options(
            terms(Vocabulary::InterventionKind),
            &one(&f.kind),
            "Non indicata",
        ),
        matters: options(
            ch.matters.iter().cloned(),
            &one(&f.integrated_matter),
            "Nessuna",
        ),
        areas: options(terms(Vocabulary::TargetArea), &f.target_areas, ""),
        units: options(
            ch.units
                .iter()
                .map(|(id, _, l)| (id.to_string(), l.clone())),
            &one(&f.unit_id),
            "Nessuna unità",
        ),
        organisations: options(
            labelled(&ch.organisations),
            &one(&f.organisation_id),
            "Dall'unità scelta",
        ),
        municipalities: options(labelled(&ch.municipalities), &f.municipality_ids, ""),
        sources: terms(Vocabulary::FundingSource),
        indicator_units: terms(Vocabulary::IndicatorUnit),
        funding_rows: row_views(
            &f.funding,
            "funding_",
            ["source", "year", "amount"],
            &errors,
            spec.extra_rows
                .max(if f.funding.is_empty() { 2 } else { 1 }),
        ),
        indicator_rows: row_views(
            &f.indicators,
            "indicator_",
            ["name", "unit", "baseline", "target", "actual"],
            &errors,
            spec.extra_rows.max(1),
        ),
        assignment_locked: spec.assignment_locked,
        amendment: spec.amendment,
        conflict: None,
        errors_summary,
        errors,
        f,
    }
}

pub(super) fn act_fields(pairs: &Pairs) -> ActForm {
    ActForm {
        issuer: first(pairs, "act_issuer").into(),
        number: first(pairs, "act_number").into(),
        date: first(pairs, "act_date").into(),
        description: first(pairs, "act_description").into(),
    }
}

pub(super) fn sheet_crumbs(s: &Sheet) -> Vec<(String, String)> {
    vec![
        ("Pianificazione".into(), "/pianificazione".into()),
        (
            format!("POA {}", s.row.year),
            format!("/pianificazione/poa/{}", s.row.year),
        ),
        (
            s.row.code.clone(),
            format!("/pianificazione/attivita/{}", s.row.id),
        ),
    ]
}

pub(super) fn edit_spec(
    s: &Sheet,
    office: bool,
    amendment: Option<ActForm>,
    extra_rows: usize,
) -> FormSpec {
    let intro = if amendment.is_some() {
        "La programmazione è approvata: la modifica è una variazione. Indicare l'atto che la dispone; la variazione resta nella cronologia della scheda.".to_string()
    } else if !office {
        "Compila la scheda e salvala; quando è completa, inviala all'Ufficio di Piano dalla pagina della scheda.".to_string()
    } else {
        String::new()
    };
    FormSpec {
        heading: if amendment.is_some() {
            format!("Variazione della scheda {}", s.row.code)
        } else {
            format!("Modifica della scheda {}", s.row.code)
        },
        intro,
        action: format!("/pianificazione/attivita/{}/modifica", s.row.id),
        cancel_href: format!("/pianificazione/attivita/{}", s.row.id),
        version: s.row.version,
        assignment_locked: !office,
        amendment,
        extra_rows,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let caller = ctx.caller();
    let s = usecase::open(&state.db, &caller, id).await?;
    let amendment = usecase::edit_mode(&caller, &s)? == EditMode::Amendment;
    let office = usecase::is_office(&caller, s.row.zone_id);
    let ch = usecase::choices(&state.db, s.row.zone_id, s.row.annual_plan_id).await?;
    let spec = edit_spec(&s, office, amendment.then(ActForm::default), 0);
    let form = build_form(
        &ctx,
        sheet_crumbs(&s),
        spec,
        &ch,
        usecase::form_from(&s.content),
        FieldErrors::new(),
    );
    Ok(render_page(&form))
}

/// The differences between what the person typed and what is stored now.
pub(super) fn compare(
    ch: &Choices,
    mine: &SheetForm,
    theirs: &SheetForm,
) -> Vec<(String, String, String)> {
    let dash = |s: String| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s
        }
    };
    described(ch, mine)
        .into_iter()
        .zip(described(ch, theirs))
        .filter(|((_, a), (_, b))| a.trim() != b.trim())
        .map(|((label, a), (_, b))| (label.to_string(), dash(a), dash(b)))
        .collect()
}

/// A sheet's form in words, field by field, as the comparison shows it.
fn described(ch: &Choices, f: &SheetForm) -> Vec<(&'static str, String)> {
    let name = |list: &[(String, String)], code: &str| -> String {
        match list.iter().find(|(c, _)| c == code) {
            Some((_, l)) => l.clone(),
            None if code.is_empty() => "—".into(),
            None => code.into(),
        }
    };
    let list = |l: &[(String, String)], codes: &[String]| {
        let names: Vec<String> = codes.iter().map(|c| name(l, c)).collect();
        names.join(", ")
    };
    let ids = |v: Vec<(i64, &String)>| -> Vec<(String, String)> {
        v.into_iter()
            .map(|(i, l)| (i.to_string(), l.clone()))
            .collect()
    };
    let progs = ids(ch.programmes.iter().map(|p| (p.id, &p.title)).collect());
    let units = ids(ch.units.iter().map(|(i, _, l)| (*i, l)).collect());
    let muns = ids(ch.municipalities.iter().map(|(i, l)| (*i, l)).collect());
    let filled = |r: &[String]| r.iter().any(|c| !c.trim().is_empty());
    let sources = ch.vocab.terms(Vocabulary::FundingSource);
    let lines: Vec<String> = f
        .funding
        .iter()
        .filter(|r| filled(&r[..]))
        .map(|r| format!("{} {} € {}", name(sources, &r[0]), r[1], r[2]))
        .collect();
    let inds: Vec<String> = f
        .indicators
        .iter()
        .filter(|r| filled(&r[..]))
        .map(|r| format!("{} ({}): {} → {}, {}", r[0], r[1], r[2], r[3], r[4]))
        .collect();
    let terms = |v| ch.vocab.terms(v);
    vec![
        ("Titolo", f.title.clone()),
        ("Descrizione", f.description.clone()),
        ("Programma", name(&progs, &f.programme_id)),
        ("Settore", name(terms(Vocabulary::Sector), &f.sector)),
        (
            "Tipologia",
            name(terms(Vocabulary::InterventionKind), &f.kind),
        ),
        (
            "Aree di intervento",
            list(terms(Vocabulary::TargetArea), &f.target_areas),
        ),
        ("Unità responsabile", name(&units, &f.unit_id)),
        ("Comuni", list(&muns, &f.municipality_ids)),
        ("Inizio", f.start_date.clone()),
        ("Fine", f.end_date.clone()),
        ("Linee di finanziamento", lines.join("; ")),
        ("Indicatori", inds.join("; ")),
        ("Note interne", f.internal_notes.clone()),
        ("Materia integrata", name(&ch.matters, &f.integrated_matter)),
    ]
}

/// Saves the edit form: the use case decides and saves; this renders the
/// form again with its errors, the comparison on a conflict, or the sheet.
pub(super) async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let caller = ctx.caller();
    let s = usecase::open(&state.db, &caller, id).await?;
    let amendment = usecase::edit_mode(&caller, &s)? == EditMode::Amendment;
    let office = usecase::is_office(&caller, s.row.zone_id);
    let ch = usecase::choices(&state.db, s.row.zone_id, s.row.annual_plan_id).await?;
    let mut form = form_of(&pairs);
    usecase::keep_assignment(&caller, &s, &mut form);
    let version: i64 = first(&pairs, "version")
        .parse()
        .map_err(|_| AppError::BadRequest("Versione della scheda mancante.".into()))?;
    let act = amendment.then(|| act_fields(&pairs));
    let again = |sheet: &Sheet, extra_rows, form, errors| {
        let mut spec = edit_spec(sheet, office, act.clone(), extra_rows);
        spec.version = version;
        build_form(&ctx, sheet_crumbs(sheet), spec, &ch, form, errors)
    };
    if first(&pairs, "azione") == "aggiungi_righe" {
        return Ok(render_page(&again(&s, 3, form, FieldErrors::new())));
    }
    let input = usecase::SheetEdit {
        version,
        form: form.clone(),
        act: act.clone(),
    };
    match usecase::edit(&state.db, &caller, id, input).await {
        Ok(done) => Ok(with_flash(
            Redirect::to(&format!("/pianificazione/attivita/{id}")),
            FlashKind::Success,
            if done.amended {
                "Variazione registrata con il suo atto."
            } else {
                "Scheda salvata."
            },
        )),
        Err(Error::Invalid(errors)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render_page(&again(&s, 0, form, errors)),
        )),
        Err(Error::Conflict) => {
            let current = usecase::open(&state.db, &caller, id).await?;
            let by = crate::web::common::last_editor(&state, audit::entity::ACTIVITY, id).await;
            let rows = compare(&ch, &form, &usecase::form_from(&current.content));
            let mut spec = edit_spec(&current, office, act.clone(), 0);
            spec.version = current.row.version;
            let mut page = build_form(
                &ctx,
                sheet_crumbs(&current),
                spec,
                &ch,
                form,
                FieldErrors::new(),
            );
            page.conflict = Some(Conflict { by, rows });
            Ok(with_status(StatusCode::CONFLICT, render_page(&page)))
        }
        Err(Error::Refused(m)) => Ok(with_flash(
            Redirect::to(&format!("/pianificazione/attivita/{id}")),
            FlashKind::Danger,
            &m,
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ new sheet

pub(super) async fn plan_of_year(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(i64, i64), AppError> {
    let zone_id = zone_of(ctx)?;
    require(ctx, Action::Administer { zone_id })?;
    let plan_id = planning::annual_plan_id(&state.db, zone_id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let info = sheets::plan_info(&state.db, plan_id).await?;
    if info.status() == PlanStatus::Approved {
        return Err(AppError::BadRequest(
            "La programmazione è approvata: non si aggiungono schede. Le modifiche si registrano come variazioni delle schede esistenti.".into(),
        ));
    }
    Ok((zone_id, plan_id))
}

pub(super) fn new_spec(year: i64, extra_rows: usize) -> FormSpec {
    FormSpec {
        heading: format!("Nuova scheda attività – POA {year}"),
        intro: "La scheda nasce «da compilare»: assegnala all'unità responsabile, che la completerà e la invierà.".into(),
        action: format!("/pianificazione/poa/{year}/nuova-scheda"),
        cancel_href: format!("/pianificazione/poa/{year}"),
        version: 0,
        assignment_locked: false,
        amendment: None,
        extra_rows,
    }
}

pub(super) fn new_crumbs(year: i64) -> Vec<(String, String)> {
    vec![
        ("Pianificazione".into(), "/pianificazione".into()),
        (format!("POA {year}"), format!("/pianificazione/poa/{year}")),
    ]
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> PageResult {
    let (zone_id, plan_id) = plan_of_year(&state, &ctx, year).await?;
    let ch = usecase::choices(&state.db, zone_id, plan_id).await?;
    let f = SheetForm {
        municipality_ids: ch
            .municipalities
            .iter()
            .map(|(id, _)| id.to_string())
            .collect(),
        start_date: format!("01/01/{year}"),
        end_date: format!("31/12/{year}"),
        ..Default::default()
    };
    Ok(render_page(&build_form(
        &ctx,
        new_crumbs(year),
        new_spec(year, 0),
        &ch,
        f,
        FieldErrors::new(),
    )))
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let (zone_id, plan_id) = plan_of_year(&state, &ctx, year).await?;
    let ch = usecase::choices(&state.db, zone_id, plan_id).await?;
    let f = form_of(&pairs);
    if first(&pairs, "azione") == "aggiungi_righe" {
        return Ok(render_page(&build_form(
            &ctx,
            new_crumbs(year),
            new_spec(year, 3),
            &ch,
            f,
            FieldErrors::new(),
        )));
    }
    match usecase::validate(&ch, year, &f) {
        Ok(content) => {
            let id = sheets::create_sheet(&state.db, &ctx.actor(), plan_id, &content).await?;
            Ok(with_flash(
                Redirect::to(&format!("/pianificazione/attivita/{id}")),
                FlashKind::Success,
                "Scheda creata.",
            ))
        }
        Err(errors) => {
            let mut r = render_page(&build_form(
                &ctx,
                new_crumbs(year),
                new_spec(year, 0),
                &ch,
                f,
                errors,
            ));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}
