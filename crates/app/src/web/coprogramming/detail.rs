//! A procedure's page: its calendar, the act, the notice, the applications,
//! the working tables with their contributions and the final report, each
//! with the form of whoever may change it.

use super::input::OBJECTIVE_BOX;
use super::items::{application_fields, contribution_fields, form_of, Choices, DEFAULT_KINDS};
use super::{crumbs, usecase, Failed, Viewer, BASE};
use askama::Template;
use axum::extract::{Path, State};
use time::Date;
use zona_core::coprogramming::{self as rules, ReportStatus, Stage};
use zona_core::format;
use zona_store::participation::{self as store, Application, Contribution, Procedure};

use super::super::ctx::Ctx;
use super::super::forms::{self, Field, FieldKind, FormValues};
use super::super::page::{form_page, PageCtx, PageResult};
use super::super::{AppError, AppState};

pub struct TableView {
    pub name: String,
    pub contributions: Vec<ContributionView>,
}

pub struct ContributionView {
    pub id: i64,
    pub kind: &'static str,
    pub content: String,
    pub who: String,
    pub editable: bool,
}

pub struct ApplicationView {
    pub app: Application,
    pub kind: &'static str,
    pub decision: &'static str,
    /// The application's page, for who may open it (the office, the body).
    pub href: Option<String>,
}

pub struct TimelineItem {
    pub date: String,
    pub what: String,
    pub href: Option<String>,
    pub public: bool,
}

#[derive(Template)]
#[template(path = "coprogramming_detail.html")]
struct DetailPage {
    page: PageCtx,
    p: Procedure,
    stage: &'static str,
    office: bool,
    body_view: bool,
    /// The path month by month, like the seed's calendar; only months with
    /// steps.
    timeline: Vec<(String, Vec<TimelineItem>)>,
    act_fields: Option<Vec<Field>>,
    notice_fields: Option<Vec<Field>>,
    notice: Option<NoticeView>,
    can_apply: Result<(), String>,
    apply_fields: Option<Vec<Field>>,
    applications: Vec<ApplicationView>,
    tables: Vec<TableView>,
    contribution_fields: Option<Vec<Field>>,
    report_fields: Option<Vec<Field>>,
    /// What the report would lack, shown before it is approved.
    report_gaps: Vec<String>,
    objectives: Vec<(i64, String, bool)>,
    failed: Option<(String, String)>,
}

impl DetailPage {
    fn fmt_date(&self, d: &Date) -> String {
        format::date(*d)
    }
    fn fmt_opt(&self, d: &Option<Date>) -> String {
        d.map(format::date).unwrap_or_default()
    }
    fn failed_in(&self, section: &str) -> Option<&str> {
        self.failed
            .as_ref()
            .filter(|(s, _)| *s == section)
            .map(|(_, m)| m.as_str())
    }
}

/// The dates of a published notice and its amendments, for the office's
/// page and the public one (`_notice_dates.html`).
pub struct NoticeView {
    pub published_on: String,
    pub opens: String,
    pub closes: String,
    pub days: i64,
    /// Why the term runs past the written deadline, when it does.
    pub extension: Option<String>,
    pub external: Option<String>,
    pub amendments: Vec<AmendmentView>,
}

pub struct AmendmentView {
    pub on: String,
    pub changes: String,
    pub reason: String,
    /// "dal 21/12/2026 al 11/01/2027" when the deadline moved.
    pub deadline: Option<String>,
}

pub async fn notice_view(state: &AppState, p: &Procedure) -> Result<Option<NoticeView>, AppError> {
    let Some(n) = p.published_notice() else {
        return Ok(None);
    };
    let amendments = store::notice_amendments(&state.db, p.id).await?;
    let deadline = zona_core::calendar::Deadline::recorded(n.terms.closes, n.runs_to);
    Ok(Some(NoticeView {
        published_on: format::date(n.published_on),
        opens: format::date(n.terms.opens),
        closes: format::date(n.terms.closes),
        days: rules::notice_days(n.terms.opens, n.terms.closes),
        extension: deadline.explanation(),
        external: n
            .terms
            .external
            .as_ref()
            .map(|x| format!("{}, del {}", x.reference, format::date(x.on))),
        amendments: amendments
            .into_iter()
            .map(|a| AmendmentView {
                on: format::date(a.amended_on),
                deadline: (a.closes_before != a.closes_after).then(|| {
                    format!(
                        "scadenza dal {} al {}",
                        format::date(a.closes_before),
                        format::date(a.closes_after)
                    )
                }),
                changes: a.changes,
                reason: a.reason,
            })
            .collect(),
    }))
}

fn date_value(d: Option<Date>) -> String {
    d.map(format::date).unwrap_or_default()
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &ctx, id, None).await
}

pub async fn detail_page(state: &AppState, ctx: &Ctx, id: i64, failed: Failed<'_>) -> PageResult {
    let (viewer, p) = usecase::open(&state.db, &ctx.caller(), id).await?;
    let today = state.today();
    let stage = rules::stage(p.facts(), today);
    let office = viewer.office();
    let own = viewer.own();
    let body_view = own.is_some();
    let meetings = store::meetings(&state.db, p.zone_id, Some(p.id), body_view).await?;
    let timeline = timeline(&p, &meetings, &viewer);

    let can_apply = rules::can_apply(p.notice(), today);
    let choices = Choices::load(state, &viewer, &p).await?;
    let apply_fields = (can_apply.is_ok() && (office || body_view)).then(|| {
        let none = FormValues::new();
        let (v, e) = form_of(failed, "domanda", &none);
        application_fields(&choices.bodies, &DEFAULT_KINDS, v, &e, true)
    });
    let applications = store::applications(&state.db, p.id, own)
        .await?
        .into_iter()
        .map(|a| ApplicationView {
            kind: a.applicant_kind.label(),
            decision: a.decision.label(),
            href: viewer
                .may_act_for(Some(a.organisation_id))
                .then(|| format!("{BASE}/{}/domande/{}", p.id, a.id)),
            app: a,
        })
        .collect();
    let contributing = !matches!(stage, Stage::Draft | Stage::Initiated | Stage::Concluded);
    let tables = store::working_tables(&state.db, p.id).await?;
    let contributions = store::contributions(&state.db, p.id, None).await?;
    let contribution_fields = (contributing && (office || body_view)).then(|| {
        let none = FormValues::new();
        let (v, e) = form_of(failed, "contributo", &none);
        contribution_fields(&choices, office, v, &e)
    });
    let report_open = p.report_status != Some(ReportStatus::Approved);
    let page = DetailPage {
        page: crumbs(ctx, p.subject.clone()),
        stage: stage.label(),
        office,
        body_view,
        timeline,
        act_fields: office.then(|| act_fields(&p, failed)),
        notice: notice_view(state, &p).await?,
        notice_fields: notice_fields(&p, office, failed, today),
        can_apply,
        apply_fields,
        applications,
        tables: table_views(&tables, &contributions, &viewer, contributing),
        contribution_fields,
        report_fields: (office && report_open && stage != Stage::Draft)
            .then(|| report_fields(&p, failed)),
        report_gaps: if office && p.report_status == Some(ReportStatus::Draft) {
            usecase::report_gaps(&state.db, &p).await?
        } else {
            Vec::new()
        },
        objectives: objectives(state, &p, failed).await?,
        failed: failed.map(|(s, _, e)| {
            let summary = forms::summary(e);
            (
                s.to_string(),
                summary.unwrap_or_else(|| "Controlla i dati inseriti.".into()),
            )
        }),
        p,
    };
    Ok(form_page(failed.is_some(), &page))
}

/// The path's calendar: the act, the notice, the meetings (public ones only
/// for a body's representative) and the report's approval.
fn timeline(
    p: &Procedure,
    meetings: &[store::Meeting],
    viewer: &Viewer,
) -> Vec<(String, Vec<TimelineItem>)> {
    let body = matches!(viewer, Viewer::Body(_));
    let item = |d: Date, what: String| {
        (
            d,
            TimelineItem {
                date: format::date(d),
                what,
                href: None,
                public: true,
            },
        )
    };
    let mut items: Vec<(Date, TimelineItem)> = Vec::new();
    if let Some(d) = p.act_date {
        let number = p.act_number.as_ref().map(|n| format!(", n. {n}"));
        let act_issuer = p.act_issuer.clone().unwrap_or_default();
        items.push(item(
            d,
            format!("Atto di avvio: {act_issuer}{}", number.unwrap_or_default()),
        ));
    }
    if let Some((o, c)) = p.notice() {
        items.push(item(o, "Pubblicazione dell'avviso".into()));
        items.push(item(c, "Chiusura dell'avviso pubblico".into()));
    }
    for m in meetings {
        let kind = m.kind.label();
        let place = m.place.as_ref().map(|pl| format!(" ({pl})"));
        // A path's meeting kinds have a code ("IR – Incontro di
        // restituzione…"): the code says the kind, the subject the rest.
        let what = match kind.split_once(" – ") {
            Some((code, _)) => format!("{code} – {}", m.subject),
            None => format!("{kind} – {}", m.subject),
        };
        let (d, mut t) = item(m.held_on, format!("{what}{}", place.unwrap_or_default()));
        t.href = (!body).then(|| format!("/partecipazione/incontri/{}", m.id));
        t.public = m.public;
        items.push((d, t));
    }
    if let Some(d) = p.report_approved_on {
        items.push(item(d, "Approvazione della relazione conclusiva".into()));
    }
    items.sort_by_key(|(d, _)| *d);
    items.retain(|(_, t)| t.public || !body);
    format::by_month(items)
}

fn act_fields(p: &Procedure, failed: Failed<'_>) -> Vec<Field> {
    let stored = FormValues::from([
        (
            "act_issuer".into(),
            p.act_issuer.clone().unwrap_or_default(),
        ),
        (
            "act_number".into(),
            p.act_number.clone().unwrap_or_default(),
        ),
        ("act_date".into(), date_value(p.act_date)),
        (
            "strategic_lines".into(),
            p.strategic_lines.clone().unwrap_or_default(),
        ),
        ("version".into(), p.version.to_string()),
    ]);
    let (v, e) = form_of(failed, "atto", &stored);
    vec![
        Field::text("act_issuer", "Organo che adotta l'atto")
            .required()
            .hint("Per esempio: Conferenza zonale dei Sindaci integrata.")
            .bind(v, &e),
        Field::text("act_number", "Numero dell'atto").bind(v, &e),
        Field::new("act_date", "Data dell'atto", FieldKind::Date)
            .required()
            .bind(v, &e),
        Field::new(
            "strategic_lines",
            "Oggetto e linee strategiche",
            FieldKind::Textarea,
        )
        .required()
        .bind(v, &e),
        Field::new("version", "", FieldKind::Hidden).bind(v, &e),
    ]
}

/// The notice's form, for the office until the term has run: after it a
/// notice can no longer change, and a form that can only fail is not shown
/// (a refused save still shows the form with its messages).
fn notice_fields(
    p: &Procedure,
    office: bool,
    failed: Failed<'_>,
    today: Date,
) -> Option<Vec<Field>> {
    let published = p.published_notice();
    let refused = matches!(failed, Some(("avviso", _, _)));
    let open_to_change = published.as_ref().is_none_or(|n| today <= n.runs_to) || refused;
    if !office || !open_to_change {
        return None;
    }
    let external = published.as_ref().and_then(|n| n.terms.external.clone());
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let stored = FormValues::from([
        ("purpose".into(), text(&p.notice_purpose)),
        ("subject".into(), text(&p.notice_subject)),
        ("requirements".into(), text(&p.notice_requirements)),
        ("terms".into(), text(&p.notice_terms)),
        ("participation".into(), text(&p.notice_participation)),
        ("opens".into(), date_value(p.notice_opens)),
        ("closes".into(), date_value(p.notice_closes)),
        (
            "external_ref".into(),
            external
                .as_ref()
                .map(|x| x.reference.clone())
                .unwrap_or_default(),
        ),
        ("external_on".into(), date_value(external.map(|x| x.on))),
        ("version".into(), p.version.to_string()),
    ]);
    let (v, e) = form_of(failed, "avviso", &stored);
    let area = |name, label| Field::new(name, label, FieldKind::Textarea).required();
    let mut fields = vec![
        area("purpose", "Finalità").bind(v, &e),
        area("subject", "Oggetto").bind(v, &e),
        area("requirements", "Requisiti di partecipazione").hint("Anche per i soggetti diversi dagli enti del Terzo Settore, il cui apporto deve essere direttamente connesso ed essenziale (art. 10, comma 1, lettera b, LR Toscana 65/2020).").bind(v, &e),
        area("terms", "Termini").bind(v, &e),
        area("participation", "Modalità di partecipazione").hint("Come gli enti del Terzo Settore partecipano al procedimento (art. 10, comma 1, lettera d, LR Toscana 65/2020).").bind(v, &e),
        Field::new("opens", "Apertura delle domande", FieldKind::Date).required().hint("Non prima del giorno in cui l'avviso è pubblico: oggi, o il giorno della pubblicazione all'albo pretorio indicata qui sotto.").bind(v, &e),
        Field::new("closes", "Scadenza per le domande", FieldKind::Date).required().hint("Almeno 20 giorni dopo l'apertura, che non si conta (art. 10, comma 1, lettera c, LR Toscana 65/2020). Se cade in un giorno festivo, il termine slitta al primo giorno non festivo (art. 2963, comma 3, c.c.). Dopo la pubblicazione si può solo prorogare.").bind(v, &e),
        Field::text("external_ref", "Pubblicazione all'albo pretorio o in altro sito: estremi").hint("Facoltativa. Per esempio: Albo pretorio del Comune di Livorno n. 1234/2026.").bind(v, &e),
        Field::new("external_on", "Data di quella pubblicazione", FieldKind::Date).bind(v, &e),
    ];
    if published.is_some() {
        fields.push(
            area("reason", "Motivo della rettifica")
                .hint("Almeno 20 caratteri. Resta nel registro delle modifiche ed è pubblicato accanto all'avviso.")
                .bind(v, &e),
        );
    }
    fields.push(Field::new("version", "", FieldKind::Hidden).bind(v, &e));
    Some(fields)
}

/// The working tables with the contributions the viewer sees: all of them
/// for internal roles, their own body's for a representative.
fn table_views(
    tables: &[store::WorkingTable],
    contributions: &[Contribution],
    viewer: &Viewer,
    contributing: bool,
) -> Vec<TableView> {
    let own = viewer.own();
    let mine = |c: &Contribution| {
        own.is_none_or(|ids| c.organisation_id.is_some_and(|o| ids.contains(&o)))
    };
    let view = |c: &Contribution| ContributionView {
        id: c.id,
        kind: c.kind.label(),
        content: c.content.clone(),
        who: format!(
            "{}{}",
            c.organisation_name.as_deref().unwrap_or("Facilitatore"),
            c.meeting_on
                .map(|d| format!(", incontro del {}", format::date(d)))
                .unwrap_or_default()
        ),
        editable: contributing && (viewer.office() || (own.is_some() && mine(c))),
    };
    tables
        .iter()
        .map(|t| TableView {
            name: t.name.clone(),
            contributions: contributions
                .iter()
                .filter(|c| c.working_table_id == t.id && mine(c))
                .map(view)
                .collect(),
        })
        .collect()
}

fn report_fields(p: &Procedure, failed: Failed<'_>) -> Vec<Field> {
    let text = p
        .report_text
        .clone()
        .unwrap_or_else(|| "Sintesi del percorso ed esiti: ".into());
    let stored = FormValues::from([
        ("report_text".into(), text),
        ("version".into(), p.version.to_string()),
    ]);
    let (v, e) = form_of(failed, "relazione", &stored);
    vec![
        Field::new(
            "report_text",
            "Sintesi ed esiti (testo della relazione)",
            FieldKind::Textarea,
        )
        .required()
        .bind(v, &e),
        Field::new("version", "", FieldKind::Hidden).bind(v, &e),
    ]
}

/// The objectives of the procedure's plan, ticked when the report informed
/// them (or as the person ticked them in a refused form).
async fn objectives(
    state: &AppState,
    p: &Procedure,
    failed: Failed<'_>,
) -> Result<Vec<(i64, String, bool)>, AppError> {
    let Some(h) = p.health_plan_id else {
        return Ok(Vec::new());
    };
    let linked = store::linked_objectives(&state.db, p.id).await?;
    Ok(zona_store::pis::health_objectives(&state.db, h)
        .await?
        .into_iter()
        .map(|o| {
            let checked = match failed {
                Some(("relazione", v, _)) => {
                    forms::value(v, &format!("{OBJECTIVE_BOX}{}", o.id)) == "si"
                }
                _ => linked.iter().any(|(l, _)| *l == o.id),
            };
            (o.id, o.title, checked)
        })
        .collect())
}
