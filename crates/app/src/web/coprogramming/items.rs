//! One application and one contribution on their own page, with the forms
//! that change them; and the fields both forms share with the procedure's
//! page.

use super::{crumbs, usecase, Failed, Viewer, BASE};
use askama::Template;
use axum::extract::{Path, State};
use zona_core::coprogramming::{self as rules, AdmissionDecision, ApplicantKind, ContributionKind};
use zona_core::format;
use zona_core::FieldErrors;
use zona_store::participation::{self as store, Application, Contribution, Procedure};

use super::super::ctx::Ctx;
use super::super::forms::{self, Field, FieldKind, FormValues};
use super::super::page::{form_page, PageCtx, PageResult};
use super::super::{AppError, AppState};

/// How a body takes part, as offered in a new application.
pub const DEFAULT_KINDS: [ApplicantKind; 2] = [ApplicantKind::ThirdSector, ApplicantKind::Other];

/// The choices of the application and contribution forms: the bodies the
/// viewer may act for, the procedure's tables and meetings.
pub struct Choices {
    pub bodies: Vec<(String, String)>,
    pub tables: Vec<(String, String)>,
    pub meetings: Vec<(String, String)>,
}

impl Choices {
    pub async fn load(state: &AppState, viewer: &Viewer, p: &Procedure) -> Result<Self, AppError> {
        let mut meetings = vec![(String::new(), "Nessuno in particolare".to_string())];
        meetings.extend(
            store::meetings(&state.db, p.zone_id, Some(p.id), false)
                .await?
                .into_iter()
                .map(|m| {
                    let label = format!("{} – {}", format::date(m.held_on), m.subject);
                    (m.id.to_string(), label)
                }),
        );
        let q = zona_store::territory::ListQuery {
            zone_id: Some(p.zone_id),
            active: Some(true),
            ..Default::default()
        };
        let page = zona_store::Page::all();
        let (all, _) = zona_store::organisations::list_organisations(&state.db, &q, page).await?;
        let own = viewer.own();
        let bodies = all
            .into_iter()
            .filter(|o| own.is_none_or(|ids| ids.contains(&o.id)))
            .map(|o| (o.id.to_string(), o.name))
            .collect();
        let tables = store::working_tables(&state.db, p.id)
            .await?
            .into_iter()
            .map(|t| (t.name.clone(), t.name))
            .collect();
        Ok(Choices {
            bodies,
            tables,
            meetings,
        })
    }
}

pub fn application_fields(
    bodies: &[(String, String)],
    kinds: &[ApplicantKind],
    v: &FormValues,
    e: &FieldErrors,
    new: bool,
) -> Vec<Field> {
    let mut f = Vec::new();
    if new {
        let mut opts = vec![(String::new(), "Scegli l'ente".to_string())];
        opts.extend(bodies.iter().cloned());
        f.push(
            Field::select("organisation_id", "Ente", opts)
                .required()
                .bind(v, e),
        );
    }
    let kinds = kinds
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    f.extend([
        Field::select("applicant_kind", "Partecipa come", kinds).bind(v, e),
        Field::new(
            "justification",
            "Motivazione (per soggetti diversi dagli ETS)",
            FieldKind::Textarea,
        )
        .hint("Perché l'apporto è direttamente connesso ed essenziale alle finalità dell'avviso.")
        .bind(v, e),
        Field::text("contact_name", "Referente")
            .required()
            .bind(v, e),
        Field::new("contact_email", "E-mail del referente", FieldKind::Email)
            .required()
            .bind(v, e),
        Field::text("tables", "Tavoli a cui partecipare")
            .hint("Per esempio: Disabilità; Infanzia e famiglia.")
            .bind(v, e),
    ]);
    if !new {
        f.push(Field::new("version", "", FieldKind::Hidden).bind(v, e));
    }
    f
}

pub fn contribution_fields(
    ch: &Choices,
    office: bool,
    v: &FormValues,
    e: &FieldErrors,
) -> Vec<Field> {
    let none = if office {
        "Facilitatore (nessun ente)"
    } else {
        "Scegli l'ente"
    };
    let mut bodies = vec![(String::new(), none.to_string())];
    bodies.extend(ch.bodies.iter().cloned());
    let kinds = ContributionKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    vec![
        Field::select("table", "Tavolo", ch.tables.clone())
            .required()
            .bind(v, e),
        Field::select("kind", "Tipo di contributo", kinds)
            .required()
            .bind(v, e),
        Field::select(
            "meeting_id",
            "Incontro in cui è emerso",
            ch.meetings.clone(),
        )
        .bind(v, e),
        Field::new("content", "Contributo", FieldKind::Textarea)
            .required()
            .bind(v, e),
        Field::select("contributor_id", "Ente", bodies).bind(v, e),
        Field::new("version", "", FieldKind::Hidden).bind(v, e),
    ]
}

#[derive(Template)]
#[template(path = "coprogramming_item.html")]
struct ItemPage {
    page: PageCtx,
    heading: String,
    back: String,
    facts: Vec<(&'static str, String)>,
    note: Option<String>,
    forms: Vec<ItemForm>,
}

struct ItemForm {
    heading: &'static str,
    action: String,
    fields: Vec<Field>,
    submit: &'static str,
    errors_summary: Option<String>,
}

/// The form of `section` as the person typed it when it was refused, or
/// the stored values.
pub fn form_of<'a>(
    failed: Failed<'a>,
    section: &str,
    stored: &'a FormValues,
) -> (&'a FormValues, FieldErrors) {
    match failed {
        Some((s, v, e)) if s == section => (v, e.clone()),
        _ => (stored, FieldErrors::new()),
    }
}

fn application_facts(p: &Procedure, a: &Application) -> Vec<(&'static str, String)> {
    let or_dash = |t: &Option<String>| t.clone().unwrap_or_else(|| "—".into());
    vec![
        ("Procedimento", p.subject.clone()),
        ("Presentata il", format::date(a.submitted_on)),
        ("Partecipa come", a.applicant_kind.label().to_string()),
        ("Motivazione", or_dash(&a.justification)),
        (
            "Referente",
            format!("{} ({})", a.contact_name, a.contact_email),
        ),
        ("Tavoli", or_dash(&a.tables)),
        ("Esito", a.decision.label().to_string()),
        ("Motivazione dell'esito", or_dash(&a.decision_reason)),
    ]
}

fn decision_form(a: &Application, action: String, failed: Failed<'_>) -> ItemForm {
    let stored = FormValues::from([
        ("decision".into(), a.decision.code().to_string()),
        (
            "reason".into(),
            a.decision_reason.clone().unwrap_or_default(),
        ),
        ("version".into(), a.version.to_string()),
    ]);
    let (v, e) = form_of(failed, "decisione", &stored);
    let decisions = AdmissionDecision::ALL
        .iter()
        .map(|d| (d.code().to_string(), d.label().to_string()))
        .collect();
    ItemForm {
        heading: "Decisione sull'ammissione",
        action,
        fields: vec![
            Field::select("decision", "Decisione", decisions).bind(v, &e),
            Field::text("reason", "Motivazione")
                .hint("Obbligatoria per la non ammissione.")
                .bind(v, &e),
            Field::new("version", "", FieldKind::Hidden).bind(v, &e),
        ],
        submit: "Registra la decisione",
        errors_summary: forms::summary(&e),
    }
}

pub async fn application_form(
    state: &AppState,
    ctx: &Ctx,
    (id, app): (i64, i64),
    failed: Failed<'_>,
) -> PageResult {
    let (viewer, p, a) = usecase::open_application(&state.db, &ctx.caller(), id, app).await?;
    let open = rules::can_apply(p.notice(), state.today());
    let action = format!("{BASE}/{id}/domande/{app}");
    let mut item_forms = Vec::new();
    if open.is_ok() {
        let stored = FormValues::from([
            ("applicant_kind".into(), a.applicant_kind.code().to_string()),
            (
                "justification".into(),
                a.justification.clone().unwrap_or_default(),
            ),
            ("contact_name".into(), a.contact_name.clone()),
            ("contact_email".into(), a.contact_email.clone()),
            ("tables".into(), a.tables.clone().unwrap_or_default()),
            ("version".into(), a.version.to_string()),
        ]);
        let (v, e) = form_of(failed, "domanda", &stored);
        item_forms.push(ItemForm {
            heading: "Modifica la domanda",
            action: action.clone(),
            fields: application_fields(&[], &DEFAULT_KINDS, v, &e, false),
            submit: "Salva la domanda",
            errors_summary: forms::summary(&e),
        });
    }
    if viewer.office() {
        item_forms.push(decision_form(&a, format!("{action}/decisione"), failed));
    }
    let heading = format!("Domanda di {}", a.organisation_name);
    let page = ItemPage {
        page: crumbs(ctx, heading.clone()).crumb(p.subject.clone(), format!("{BASE}/{id}")),
        heading,
        back: format!("{BASE}/{id}#domande"),
        facts: application_facts(&p, &a),
        note: open
            .err()
            .map(|m| format!("{m} La domanda non si modifica più.")),
        forms: item_forms,
    };
    Ok(form_page(failed.is_some(), &page))
}

pub async fn application_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ids): Path<(i64, i64)>,
) -> PageResult {
    application_form(&state, &ctx, ids, None).await
}

fn contribution_values(c: &Contribution) -> FormValues {
    FormValues::from([
        ("table".into(), c.table_name.clone()),
        ("kind".into(), c.kind.code().to_string()),
        ("content".into(), c.content.clone()),
        (
            "contributor_id".into(),
            c.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("version".into(), c.version.to_string()),
    ])
}

pub async fn contribution_form(
    state: &AppState,
    ctx: &Ctx,
    (id, c): (i64, i64),
    failed: Option<(&FormValues, &FieldErrors)>,
) -> PageResult {
    let (viewer, p, existing) = usecase::open_contribution(&state.db, &ctx.caller(), id, c).await?;
    let choices = Choices::load(state, &viewer, &p).await?;
    let stored = contribution_values(&existing);
    let (v, e) = form_of(
        failed.map(|(v, e)| ("contributo", v, e)),
        "contributo",
        &stored,
    );
    let open = usecase::contributions_open(&p, state.today());
    let item_forms = match open {
        Ok(()) => vec![ItemForm {
            heading: "Modifica il contributo",
            action: format!("{BASE}/{id}/contributi/{c}"),
            fields: contribution_fields(&choices, viewer.office(), v, &e),
            submit: "Salva il contributo",
            errors_summary: forms::summary(&e),
        }],
        Err(_) => Vec::new(),
    };
    let page = ItemPage {
        page: crumbs(ctx, "Contributo").crumb(p.subject.clone(), format!("{BASE}/{id}")),
        heading: format!("Contributo al tavolo «{}»", existing.table_name),
        back: format!("{BASE}/{id}#tavoli"),
        facts: vec![
            ("Procedimento", p.subject.clone()),
            (
                "Ente",
                existing
                    .organisation_name
                    .clone()
                    .unwrap_or_else(|| "Facilitatore".into()),
            ),
        ],
        note: open.err(),
        forms: item_forms,
    };
    Ok(form_page(failed.is_some(), &page))
}

pub async fn contribution_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ids): Path<(i64, i64)>,
) -> PageResult {
    contribution_form(&state, &ctx, ids, None).await
}
