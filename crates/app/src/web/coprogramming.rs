//! The co-programming procedure (art. 55 D.lgs 117/2017; art. 9 and 10 LR
//! Toscana 65/2020): initiation act, public notice, applications, working tables and
//! contributions, the path's meetings and the final report. The planning
//! office runs it; a Third Sector body's representatives apply and contribute
//! for their own body only, and see only their own applications and
//! contributions.

use super::common::{require, same_zone, zone_of};
use super::ctx::{with_flash, Ctx, FlashKind};
use super::export::download;
use super::forms::{self, Field, FieldKind, FormValues};
use super::page::{render_page, PageCtx, PageResult};
use super::{AppError, AppState};
use crate::participation::NoticeRefused;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use time::{Date, Duration};
use zona_core::authz::{Action, Role};
use zona_core::coprogramming::{
    self as rules, AdmissionDecision, ApplicantKind, ContributionKind, MeetingKind, Stage,
};
use zona_core::format::{self, parse_date};
use zona_core::validation::{optional_email, optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::participation::{
    self as store, Application, ApplicationInput, Contribution, ContributionInput, Procedure,
    ProcedureChange,
};
use zona_store::StoreError;

pub const BASE: &str = "/partecipazione/co-programmazione";

/// The four working tables of the PIS 2026-2028 path (seed 004), proposed
/// for a new procedure.
pub const DEFAULT_TABLES: [&str; 4] = [
    "Salute mentale e marginalità",
    "Disabilità",
    "Infanzia e famiglia",
    "Riorganizzazione sanità territoriale e integrazione con la rete ospedaliera",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list).post(create))
        .route(&format!("{BASE}/{{id}}"), get(detail))
        .route(&format!("{BASE}/{{id}}/atto"), post(save_act))
        .route(&format!("{BASE}/{{id}}/avviso"), post(publish_notice))
        .route(&format!("{BASE}/{{id}}/domande"), post(apply))
        .route(
            &format!("{BASE}/{{id}}/domande/{{app}}"),
            get(application_page).post(update_application),
        )
        .route(
            &format!("{BASE}/{{id}}/domande/{{app}}/decisione"),
            post(decide),
        )
        .route(&format!("{BASE}/{{id}}/contributi"), post(add_contribution))
        .route(
            &format!("{BASE}/{{id}}/contributi/{{c}}"),
            get(contribution_page).post(edit_contribution),
        )
        .route(&format!("{BASE}/{{id}}/relazione"), post(save_report))
        .route(
            &format!("{BASE}/{{id}}/relazione/approva"),
            post(approve_report),
        )
        .route(&format!("{BASE}/{{id}}/relazione.pdf"), get(report_pdf))
}

/// Who may see a procedure: internal roles see everything; a Third Sector
/// representative of the zone sees the notice, the tables and their own
/// body's records.
enum Viewer {
    Office,
    Internal,
    Body(Vec<i64>),
}

impl Viewer {
    fn of(ctx: &Ctx, zone_id: i64) -> Result<Viewer, AppError> {
        if ctx.allows(Action::Administer { zone_id }) {
            return Ok(Viewer::Office);
        }
        if ctx.allows(Action::ReadInternal { zone_id }) {
            return Ok(Viewer::Internal);
        }
        let Some(p) = &ctx.principal else {
            return Err(AppError::LoginRequired);
        };
        let ids: Vec<i64> = p
            .grants
            .iter()
            .filter(|g| g.role == Role::ThirdSector && g.zone_id == zone_id)
            .filter_map(|g| g.organisation_id)
            .collect();
        if ids.is_empty() {
            Err(AppError::Forbidden)
        } else {
            Ok(Viewer::Body(ids))
        }
    }
    fn own(&self) -> Option<&[i64]> {
        match self {
            Viewer::Body(ids) => Some(ids),
            _ => None,
        }
    }
    fn office(&self) -> bool {
        matches!(self, Viewer::Office)
    }
}

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<(Viewer, Procedure), AppError> {
    let zone_id = zone_of(ctx)?;
    let viewer = Viewer::of(ctx, zone_id)?;
    let p = store::get_procedure(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    same_zone(ctx, p.zone_id)?;
    Ok((viewer, p))
}

fn crumbs(ctx: &Ctx, title: impl Into<String>) -> PageCtx {
    PageCtx::new(ctx, title)
        .crumb("Partecipazione", "/partecipazione")
        .crumb("Co-programmazione", BASE)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "coprogramming_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<(i64, String, &'static str, String)>,
    office: bool,
    fields: Vec<Field>,
    errors_summary: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    values: &FormValues,
    errors: &FieldErrors,
) -> PageResult {
    let zone_id = zone_of(ctx)?;
    let viewer = Viewer::of(ctx, zone_id)?;
    let today = state.today();
    let rows = store::procedures(&state.db, zone_id)
        .await?
        .into_iter()
        .map(|p| {
            let notice = p
                .notice()
                .map(|(o, c)| format!("dal {} al {}", format::date(o), format::date(c)))
                .unwrap_or_else(|| "—".into());
            (
                p.id,
                p.subject.clone(),
                rules::stage(p.facts(), today).label(),
                notice,
            )
        })
        .collect();
    let plans = zona_store::pis::health_plans(&state.db, zone_id).await?;
    let mut plan_opts = vec![(String::new(), "Nessuno".to_string())];
    plan_opts.extend(plans.into_iter().map(|p| (p.id.to_string(), p.title)));
    let page = ListPage {
        page: crumbs(ctx, "Co-programmazione"),
        rows,
        office: viewer.office(),
        fields: vec![
            Field::text("subject", "Oggetto del procedimento")
                .required()
                .hint("Per esempio: Piano Integrato di Salute 2026-2028.")
                .bind(values, errors),
            Field::select("health_plan_id", "Piano Integrato di Salute", plan_opts)
                .bind(values, errors),
            Field::new("tables", "Tavoli di lavoro", FieldKind::Textarea)
                .required()
                .hint("Uno per riga.")
                .bind(values, errors),
        ],
        errors_summary: forms::summary(errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render_page(&page)).into_response())
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let values = FormValues::from([("tables".into(), DEFAULT_TABLES.join("\n"))]);
    list_page(&state, &ctx, &values, &FieldErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(values): Form<FormValues>,
) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    require(&ctx, Action::Administer { zone_id })?;
    let mut e = FieldErrors::new();
    let subject = e.check(
        "subject",
        required_text(forms::value(&values, "subject"), 200),
    );
    let plan = forms::optional_id(&values, "health_plan_id", &mut e);
    if let Some(p) = plan {
        let ok = zona_store::pis::get_health_plan(&state.db, p)
            .await?
            .is_some_and(|h| h.zone_id == zone_id);
        if !ok {
            e.add("health_plan_id", "Scegli il piano dall'elenco.");
        }
    }
    let tables: Vec<String> = forms::value(&values, "tables")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if tables.is_empty() {
        e.add("tables", "Indica almeno un tavolo di lavoro.");
    }
    if let (Some(subject), true) = (subject, e.is_empty()) {
        match store::create_procedure(&state.db, &ctx.actor(), zone_id, &subject, plan, &tables)
            .await
        {
            Ok(id) => {
                return Ok(with_flash(
                    Redirect::to(&format!("{BASE}/{id}")),
                    FlashKind::Success,
                    "Procedimento creato: registra l'atto di avvio.",
                ))
            }
            Err(StoreError::Duplicate { field }) => e.add(
                if field == "tables" {
                    "tables"
                } else {
                    "subject"
                },
                if field == "tables" {
                    "Due tavoli hanno lo stesso nome."
                } else {
                    "Esiste già un procedimento con questo oggetto."
                },
            ),
            Err(other) => return Err(other.into()),
        }
    }
    list_page(&state, &ctx, &values, &e).await
}

// ---------------------------------------------------------------- detail

pub struct TableView {
    pub name: String,
    pub contributions: Vec<ContributionView>,
}

pub struct ContributionView {
    pub id: i64,
    pub kind: &'static str,
    pub body: String,
    pub who: String,
    pub editable: bool,
}

pub struct ApplicationView {
    pub app: Application,
    pub kind: &'static str,
    pub decision: &'static str,
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
    /// The path month by month, from its first to its last step, like the
    /// seed's calendar; a month without steps is shown empty.
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

/// A form that failed: the section it belongs to, what was typed, the errors.
type Failed<'a> = Option<(&'a str, &'a FormValues, &'a FieldErrors)>;

fn date_value(d: Option<Date>) -> String {
    d.map(format::date).unwrap_or_default()
}

async fn body_options(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>, AppError> {
    let zone_id = zone_of(ctx)?;
    let q = zona_store::territory::ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (all, _) =
        zona_store::organisations::list_organisations(&state.db, &q, zona_store::Page::all())
            .await?;
    let own = viewer.own();
    Ok(all
        .into_iter()
        .filter(|o| own.is_none_or(|ids| ids.contains(&o.id)))
        .map(|o| (o.id.to_string(), o.name))
        .collect())
}

async fn detail_page(state: &AppState, ctx: &Ctx, id: i64, failed: Failed<'_>) -> PageResult {
    let (viewer, p) = load(state, ctx, id).await?;
    let today = state.today();
    let stage = rules::stage(p.facts(), today);
    let office = viewer.office();
    let none = FormValues::new();
    let no_errors = FieldErrors::new();
    let form_of = |section: &str| match failed {
        Some((s, v, e)) if s == section => (v, e),
        _ => (&none, &no_errors),
    };
    let own = viewer.own();

    // Calendar: the act, the notice, the meetings of the path.
    let meetings = store::meetings(&state.db, p.zone_id, Some(p.id), own.is_some()).await?;
    let mut timeline: Vec<(Date, TimelineItem)> = Vec::new();
    if let Some(d) = p.act_date {
        timeline.push((
            d,
            TimelineItem {
                date: format::date(d),
                what: format!(
                    "Atto di avvio: {}{}",
                    p.act_body.clone().unwrap_or_default(),
                    p.act_number
                        .as_ref()
                        .map(|n| format!(", n. {n}"))
                        .unwrap_or_default()
                ),
                href: None,
                public: true,
            },
        ));
    }
    if let Some((o, c)) = p.notice() {
        timeline.push((
            o,
            TimelineItem {
                date: format::date(o),
                what: "Pubblicazione dell'avviso".into(),
                href: None,
                public: true,
            },
        ));
        timeline.push((
            c,
            TimelineItem {
                date: format::date(c),
                what: "Chiusura dell'avviso pubblico".into(),
                href: None,
                public: true,
            },
        ));
    }
    for m in &meetings {
        let kind = MeetingKind::from_code(&m.kind)
            .map(|k| k.label())
            .unwrap_or("Incontro");
        timeline.push((
            m.held_on,
            TimelineItem {
                date: format::date(m.held_on),
                what: format!(
                    "{kind} – {}{}",
                    m.subject,
                    m.place
                        .as_ref()
                        .map(|pl| format!(" ({pl})"))
                        .unwrap_or_default()
                ),
                href: (!matches!(viewer, Viewer::Body(_)))
                    .then(|| format!("/partecipazione/incontri/{}", m.id)),
                public: m.public,
            },
        ));
    }
    if let Some(d) = p.report_approved_on {
        timeline.push((
            d,
            TimelineItem {
                date: format::date(d),
                what: "Approvazione della relazione conclusiva".into(),
                href: None,
                public: true,
            },
        ));
    }
    timeline.sort_by_key(|(d, _)| *d);

    let act_fields = office.then(|| {
        let (v, e) = form_of("atto");
        let defaults = FormValues::from([
            ("act_body".into(), p.act_body.clone().unwrap_or_default()),
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
        let v = if v.is_empty() { &defaults } else { v };
        vec![
            Field::text("act_body", "Organo che adotta l'atto")
                .required()
                .hint("Per esempio: Conferenza zonale dei Sindaci integrata.")
                .bind(v, e),
            Field::text("act_number", "Numero dell'atto").bind(v, e),
            Field::new("act_date", "Data dell'atto", FieldKind::Date)
                .required()
                .bind(v, e),
            Field::new(
                "strategic_lines",
                "Oggetto e linee strategiche",
                FieldKind::Textarea,
            )
            .required()
            .bind(v, e),
            Field::new("version", "", FieldKind::Hidden).bind(v, e),
        ]
    });
    let published = p.published_notice();
    // After the term a notice can no longer change: no form that can only fail.
    // (A refused save still shows the form with its messages.)
    let notice_open_to_change = published.as_ref().is_none_or(|n| today <= n.runs_to)
        || matches!(failed, Some(("avviso", _, _)));
    let notice_fields = (office && notice_open_to_change).then(|| {
        let (v, e) = form_of("avviso");
        let external = published.as_ref().and_then(|n| n.terms.external.clone());
        let defaults = FormValues::from([
            ("purpose".into(), p.notice_purpose.clone().unwrap_or_default()),
            ("subject".into(), p.notice_subject.clone().unwrap_or_default()),
            ("requirements".into(), p.notice_requirements.clone().unwrap_or_default()),
            ("terms".into(), p.notice_terms.clone().unwrap_or_default()),
            ("participation".into(), p.notice_participation.clone().unwrap_or_default()),
            ("opens".into(), date_value(p.notice_opens)),
            ("closes".into(), date_value(p.notice_closes)),
            ("external_ref".into(), external.as_ref().map(|x| x.reference.clone()).unwrap_or_default()),
            ("external_on".into(), date_value(external.map(|x| x.on))),
            ("version".into(), p.version.to_string()),
        ]);
        let v = if v.is_empty() { &defaults } else { v };
        let mut fields = vec![
            Field::new("purpose", "Finalità", FieldKind::Textarea).required().bind(v, e),
            Field::new("subject", "Oggetto", FieldKind::Textarea).required().bind(v, e),
            Field::new("requirements", "Requisiti di partecipazione", FieldKind::Textarea).required().hint("Anche per i soggetti diversi dagli enti del Terzo Settore, il cui apporto deve essere direttamente connesso ed essenziale (art. 10, comma 1, lettera b, LR Toscana 65/2020).").bind(v, e),
            Field::new("terms", "Termini", FieldKind::Textarea).required().bind(v, e),
            Field::new("participation", "Modalità di partecipazione", FieldKind::Textarea).required().hint("Come gli enti del Terzo Settore partecipano al procedimento (art. 10, comma 1, lettera d, LR Toscana 65/2020).").bind(v, e),
            Field::new("opens", "Apertura delle domande", FieldKind::Date).required().hint("Non prima del giorno in cui l'avviso è pubblico: oggi, o il giorno della pubblicazione all'albo pretorio indicata qui sotto.").bind(v, e),
            Field::new("closes", "Scadenza per le domande", FieldKind::Date).required().hint("Almeno 20 giorni dopo l'apertura, che non si conta (art. 10, comma 1, lettera c, LR Toscana 65/2020). Se cade in un giorno festivo, il termine slitta al primo giorno non festivo (art. 2963, comma 3, c.c.). Dopo la pubblicazione si può solo prorogare.").bind(v, e),
            Field::text("external_ref", "Pubblicazione all'albo pretorio o in altro sito: estremi").hint("Facoltativa. Per esempio: Albo pretorio del Comune di Livorno n. 1234/2026.").bind(v, e),
            Field::new("external_on", "Data di quella pubblicazione", FieldKind::Date).bind(v, e),
        ];
        if published.is_some() {
            fields.push(
                Field::new("reason", "Motivo della rettifica", FieldKind::Textarea)
                    .required()
                    .hint("Almeno 20 caratteri. Resta nel registro delle modifiche ed è pubblicato accanto all'avviso.")
                    .bind(v, e),
            );
        }
        fields.push(Field::new("version", "", FieldKind::Hidden).bind(v, e));
        fields
    });

    let can_apply = rules::can_apply(p.notice(), today);
    let choices = Choices::load(state, ctx, &viewer, &p).await?;
    let apply_fields = (can_apply.is_ok() && (office || own.is_some())).then(|| {
        let (v, e) = form_of("domanda");
        application_fields(&choices.bodies, &DEFAULT_KINDS, v, e, true)
    });
    let tables = store::working_tables(&state.db, p.id).await?;
    let applications = store::applications(&state.db, p.id, own).await?;
    let app_views = applications
        .into_iter()
        .map(|a| ApplicationView {
            kind: ApplicantKind::from_code(&a.applicant_kind)
                .map(|k| k.label())
                .unwrap_or(""),
            decision: AdmissionDecision::from_code(&a.decision)
                .map(|d| d.label())
                .unwrap_or(""),
            app: a,
        })
        .collect();

    let contributions = store::contributions(&state.db, p.id, None).await?;
    let contributing = !matches!(stage, Stage::Draft | Stage::Initiated | Stage::Concluded);
    let table_views = tables
        .iter()
        .map(|t| TableView {
            name: t.name.clone(),
            contributions: contributions
                .iter()
                .filter(|c| c.working_table_id == t.id)
                .filter(|c| {
                    own.is_none_or(|ids| c.organisation_id.is_some_and(|o| ids.contains(&o)))
                })
                .map(|c| ContributionView {
                    id: c.id,
                    kind: ContributionKind::from_code(&c.kind)
                        .map(|k| k.label())
                        .unwrap_or(""),
                    body: c.body.clone(),
                    who: format!(
                        "{}{}",
                        c.organisation_name.as_deref().unwrap_or("Facilitatore"),
                        c.meeting_on
                            .map(|d| format!(", incontro del {}", format::date(d)))
                            .unwrap_or_default()
                    ),
                    editable: contributing
                        && (office
                            || own.is_some_and(|ids| {
                                c.organisation_id.is_some_and(|o| ids.contains(&o))
                            })),
                })
                .collect(),
        })
        .collect();
    let contribution_fields = (contributing && (office || own.is_some())).then(|| {
        let (v, e) = form_of("contributo");
        contribution_fields(&choices, office, v, e)
    });
    let report_open = p.report_status.as_deref() != Some("approved");
    let objectives = match p.health_plan_id {
        Some(h) => zona_store::pis::health_objectives(&state.db, h)
            .await?
            .into_iter()
            .map(|o| (o.id, o.title))
            .collect(),
        None => Vec::new(),
    };
    let linked = store::linked_objectives(&state.db, p.id).await?;
    let report_fields = (office && report_open && stage != Stage::Draft).then(|| {
        let (v, e) = form_of("relazione");
        let text = p
            .report_text
            .clone()
            .unwrap_or_else(|| "Sintesi del percorso ed esiti: ".into());
        let defaults = FormValues::from([
            ("report_text".into(), text),
            ("version".into(), p.version.to_string()),
        ]);
        let v = if v.is_empty() { &defaults } else { v };
        vec![
            Field::new(
                "report_text",
                "Sintesi ed esiti (testo della relazione)",
                FieldKind::Textarea,
            )
            .required()
            .bind(v, e),
            Field::new("version", "", FieldKind::Hidden).bind(v, e),
        ]
    });
    let failed_msg = failed.map(|(s, _, e)| {
        (
            s.to_string(),
            forms::summary(e).unwrap_or_else(|| "Controlla i dati inseriti.".into()),
        )
    });
    let page = DetailPage {
        page: crumbs(ctx, p.subject.clone()),
        stage: stage.label(),
        office,
        body_view: own.is_some(),
        timeline: by_month(
            timeline
                .into_iter()
                .filter(|(_, t)| t.public || !matches!(viewer, Viewer::Body(_)))
                .collect(),
        ),
        act_fields,
        notice: notice_view(state, &p).await?,
        notice_fields,
        can_apply,
        apply_fields,
        applications: app_views,
        tables: table_views,
        contribution_fields,
        report_fields,
        objectives: objectives
            .into_iter()
            .map(|(id, title)| {
                let checked = match failed {
                    Some(("relazione", v, _)) => {
                        forms::value(v, &format!("obiettivo_{id}")) == "si"
                    }
                    _ => linked.iter().any(|(l, _)| *l == id),
                };
                (id, title, checked)
            })
            .collect(),
        failed: failed_msg,
        p,
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

fn by_month(items: Vec<(Date, TimelineItem)>) -> Vec<(String, Vec<TimelineItem>)> {
    let (Some(first), Some(last)) = (items.first().map(|x| x.0), items.last().map(|x| x.0)) else {
        return Vec::new();
    };
    let mut months: Vec<(String, Vec<TimelineItem>)> = Vec::new();
    let mut d = first.replace_day(1).expect("first of month");
    while d <= last {
        months.push((format::month_year(d), Vec::new()));
        d = d
            .checked_add(Duration::days(i64::from(d.month().length(d.year()))))
            .expect("next month");
    }
    for (day, item) in items {
        let label = format::month_year(day);
        if let Some(m) = months.iter_mut().find(|(l, _)| *l == label) {
            m.1.push(item);
        }
    }
    months
}

fn table_options(tables: &[store::WorkingTable]) -> Vec<(String, String)> {
    tables
        .iter()
        .map(|t| (t.name.clone(), t.name.clone()))
        .collect()
}

const DEFAULT_KINDS: [ApplicantKind; 2] = [ApplicantKind::ThirdSector, ApplicantKind::Other];

fn application_fields(
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
    f.extend([
        Field::select(
            "applicant_kind",
            "Partecipa come",
            kinds
                .iter()
                .map(|k| (k.code().to_string(), k.label().to_string()))
                .collect(),
        )
        .bind(v, e),
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

fn contribution_values(c: &Contribution) -> FormValues {
    FormValues::from([
        ("table".into(), c.table_name.clone()),
        ("kind".into(), c.kind.clone()),
        ("body".into(), c.body.clone()),
        (
            "contributor_id".into(),
            c.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("version".into(), c.version.to_string()),
    ])
}

/// The choices of a contribution form: bodies, tables, meetings of the path.
struct Choices {
    bodies: Vec<(String, String)>,
    tables: Vec<(String, String)>,
    meetings: Vec<(String, String)>,
}

impl Choices {
    async fn load(
        state: &AppState,
        ctx: &Ctx,
        viewer: &Viewer,
        p: &Procedure,
    ) -> Result<Choices, AppError> {
        let mut meetings = vec![(String::new(), "Nessuno in particolare".to_string())];
        meetings.extend(
            store::meetings(&state.db, p.zone_id, Some(p.id), false)
                .await?
                .into_iter()
                .map(|m| {
                    (
                        m.id.to_string(),
                        format!("{} – {}", format::date(m.held_on), m.subject),
                    )
                }),
        );
        Ok(Choices {
            bodies: body_options(state, ctx, viewer).await?,
            tables: table_options(&store::working_tables(&state.db, p.id).await?),
            meetings,
        })
    }
}

fn contribution_fields(ch: &Choices, office: bool, v: &FormValues, e: &FieldErrors) -> Vec<Field> {
    let (bodies, tables) = (&ch.bodies, &ch.tables);
    let mut opts = vec![(
        String::new(),
        if office {
            "Facilitatore (nessun ente)".to_string()
        } else {
            "Scegli l'ente".to_string()
        },
    )];
    opts.extend(bodies.iter().cloned());
    vec![
        Field::select("table", "Tavolo", tables.to_vec())
            .required()
            .bind(v, e),
        Field::select(
            "kind",
            "Tipo di contributo",
            ContributionKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.label().to_string()))
                .collect(),
        )
        .required()
        .bind(v, e),
        Field::select(
            "meeting_id",
            "Incontro in cui è emerso",
            ch.meetings.clone(),
        )
        .bind(v, e),
        Field::new("body", "Contributo", FieldKind::Textarea)
            .required()
            .bind(v, e),
        Field::select("contributor_id", "Ente", opts).bind(v, e),
        Field::new("version", "", FieldKind::Hidden).bind(v, e),
    ]
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &ctx, id, None).await
}

fn saved(id: i64, anchor: &str, msg: &str) -> Response {
    with_flash(
        Redirect::to(&format!("{BASE}/{id}#{anchor}")),
        FlashKind::Success,
        msg,
    )
}

/// The answer to a save: back to the procedure with a message, or the
/// conflict message when someone else changed it meanwhile.
fn after_save(id: i64, r: Result<(), StoreError>, anchor: &str, msg: &str) -> PageResult {
    match r {
        Ok(()) => Ok(saved(id, anchor, msg)),
        Err(StoreError::Conflict) => Ok(conflict(id)),
        Err(other) => Err(other.into()),
    }
}

fn conflict(id: i64) -> Response {
    with_flash(
        Redirect::to(&format!("{BASE}/{id}")),
        FlashKind::Danger,
        "Il procedimento è stato modificato da un'altra persona mentre compilavi: ricarica e ripeti la modifica.",
    )
}

async fn save_act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, _) = load(&state, &ctx, id).await?;
    if !viewer.office() {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let body = e.check("act_body", required_text(forms::value(&v, "act_body"), 200));
    let number = e.check(
        "act_number",
        optional_text(forms::value(&v, "act_number"), 40),
    );
    let date = e.check("act_date", parse_date(forms::value(&v, "act_date")));
    let lines = e.check(
        "strategic_lines",
        required_text(forms::value(&v, "strategic_lines"), 5000),
    );
    if let (Some(body), Some(number), Some(date), Some(strategic_lines), true) =
        (body, number, date, lines, e.is_empty())
    {
        let change = ProcedureChange::Act {
            body,
            number,
            date,
            strategic_lines,
        };
        return after_save(
            id,
            store::change_procedure(&state.db, &ctx.actor(), id, forms::version(&v), &change).await,
            "atto",
            "Atto di avvio registrato.",
        );
    }
    detail_page(&state, &ctx, id, Some(("atto", &v, &e))).await
}

async fn publish_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if !viewer.office() {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    if let Some(terms) = parse_notice(&v, &mut e) {
        let reason = forms::value(&v, "reason");
        let today = state.today();
        match crate::participation::save_notice(
            &state.db,
            &ctx.actor(),
            &p,
            forms::version(&v),
            terms,
            reason,
            today,
        )
        .await
        {
            Ok(done) => {
                let mut msg = match done.save {
                    rules::NoticeSave::Publication { .. } => {
                        "Avviso pubblicato: è visibile nelle pagine pubbliche.".to_string()
                    }
                    rules::NoticeSave::Amendment { changes } => format!(
                        "Rettifica dell'avviso registrata ({}): il motivo è pubblicato accanto all'avviso.",
                        changes.join(", ")
                    ),
                };
                if let Some(x) = done.deadline.explanation() {
                    msg = format!("{msg} {x}");
                }
                return Ok(saved(id, "avviso", &msg));
            }
            Err(NoticeRefused::Invalid(errors)) => e = errors,
            Err(NoticeRefused::Store(StoreError::Conflict)) => return Ok(conflict(id)),
            Err(NoticeRefused::Store(other)) => return Err(other.into()),
        }
    }
    detail_page(&state, &ctx, id, Some(("avviso", &v, &e))).await
}

/// Reads the notice form; the rules on dates are checked by the use case.
fn parse_notice(v: &FormValues, e: &mut FieldErrors) -> Option<rules::NoticeTerms> {
    let text = |e: &mut FieldErrors, k: &str| e.check(k, required_text(forms::value(v, k), 5000));
    let purpose = text(e, "purpose");
    let subject = text(e, "subject");
    let requirements = text(e, "requirements");
    let terms = text(e, "terms");
    let participation = text(e, "participation");
    let opens = e.check("opens", parse_date(forms::value(v, "opens")));
    let closes = e.check("closes", parse_date(forms::value(v, "closes")));
    let reference = e.check(
        "external_ref",
        optional_text(forms::value(v, "external_ref"), 200),
    );
    let external_on = match forms::value(v, "external_on").trim() {
        "" => Some(None),
        s => e.check("external_on", parse_date(s)).map(Some),
    };
    let external = match (reference, external_on) {
        (Some(Some(reference)), Some(Some(on))) => {
            Some(Some(rules::ExternalPublication { reference, on }))
        }
        (Some(None), Some(None)) => Some(None),
        (Some(Some(_)), Some(None)) => {
            e.add(
                "external_on",
                "Indica il giorno della pubblicazione esterna.",
            );
            None
        }
        (Some(None), Some(Some(_))) => {
            e.add("external_ref", "Indica dove è stato pubblicato l'avviso e con quale numero (per esempio: Albo pretorio del Comune di Livorno n. 1234/2026).");
            None
        }
        _ => None,
    };
    e.check("reason", optional_text(forms::value(v, "reason"), 1000));
    match (
        purpose,
        subject,
        requirements,
        terms,
        participation,
        opens,
        closes,
        external,
    ) {
        (
            Some(purpose),
            Some(subject),
            Some(requirements),
            Some(terms),
            Some(participation),
            Some(opens),
            Some(closes),
            Some(external),
        ) if e.is_empty() => Some(rules::NoticeTerms {
            purpose,
            subject,
            requirements,
            terms,
            participation,
            opens,
            closes,
            external,
        }),
        _ => None,
    }
}

/// Reads an application form; the body must be one the person may act for.
fn parse_application(
    v: &FormValues,
    viewer: &Viewer,
    e: &mut FieldErrors,
    procedure_id: i64,
    organisation_id: Option<i64>,
    today: Date,
) -> Option<ApplicationInput> {
    let org = organisation_id.or_else(|| forms::required_id(v, "organisation_id", e));
    if let (Some(o), Some(own)) = (org, viewer.own()) {
        if !own.contains(&o) {
            e.add(
                "organisation_id",
                "Puoi presentare domanda solo per il tuo ente.",
            );
        }
    }
    let kind = ApplicantKind::from_code(forms::value(v, "applicant_kind"));
    if kind.is_none() {
        e.add("applicant_kind", "Scegli come partecipa l'ente.");
    }
    let justification = e.check(
        "justification",
        optional_text(forms::value(v, "justification"), 2000),
    );
    if let Some(k) = kind {
        if let Err(m) = rules::check_applicant(k, forms::value(v, "justification")) {
            e.add("justification", m);
        }
    }
    let contact_name = e.check(
        "contact_name",
        required_text(forms::value(v, "contact_name"), 200),
    );
    let contact_email = match e.check(
        "contact_email",
        optional_email(forms::value(v, "contact_email")),
    ) {
        Some(Some(m)) => Some(m),
        Some(None) => {
            e.add("contact_email", "Indica l'e-mail del referente.");
            None
        }
        None => None,
    };
    let tables = e.check("tables", optional_text(forms::value(v, "tables"), 500));
    match (
        org,
        kind,
        justification,
        contact_name,
        contact_email,
        tables,
    ) {
        (
            Some(organisation_id),
            Some(k),
            Some(justification),
            Some(contact_name),
            Some(contact_email),
            Some(tables),
        ) if e.is_empty() => Some(ApplicationInput {
            procedure_id,
            organisation_id,
            applicant_kind: k.code().to_string(),
            justification,
            contact_name,
            contact_email,
            tables,
            submitted_on: today,
        }),
        _ => None,
    }
}

async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if matches!(viewer, Viewer::Internal) {
        return Err(AppError::Forbidden);
    }
    if let Err(m) = rules::can_apply(p.notice(), state.today()) {
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#domande")),
            FlashKind::Danger,
            &m,
        ));
    }
    let mut e = FieldErrors::new();
    if let Some(input) = parse_application(&v, &viewer, &mut e, id, None, state.today()) {
        match store::submit_application(&state.db, &ctx.actor(), &input).await {
            Ok(_) => {
                return Ok(saved(
                    id,
                    "domande",
                    "Domanda di partecipazione presentata.",
                ))
            }
            Err(StoreError::Duplicate { .. }) => e.add(
                "organisation_id",
                "L'ente ha già presentato domanda: modificala qui sotto.",
            ),
            Err(other) => return Err(other.into()),
        }
    }
    detail_page(&state, &ctx, id, Some(("domanda", &v, &e))).await
}

async fn own_application(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    app: i64,
) -> Result<(Viewer, Procedure, Application), AppError> {
    let (viewer, p) = load(state, ctx, id).await?;
    let a = store::get_application(&state.db, app)
        .await?
        .filter(|a| a.procedure_id == p.id)
        .ok_or(AppError::NotFound)?;
    match viewer.own() {
        Some(ids) if !ids.contains(&a.organisation_id) => return Err(AppError::Forbidden),
        None if !viewer.office() => return Err(AppError::Forbidden),
        _ => {}
    }
    Ok((viewer, p, a))
}

async fn update_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app)): Path<(i64, i64)>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p, a) = own_application(&state, &ctx, id, app).await?;
    if let Err(m) = rules::can_apply(p.notice(), state.today()) {
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#domande")),
            FlashKind::Danger,
            &m,
        ));
    }
    let mut e = FieldErrors::new();
    if let Some(input) = parse_application(
        &v,
        &viewer,
        &mut e,
        id,
        Some(a.organisation_id),
        state.today(),
    ) {
        return after_save(
            id,
            store::update_application(&state.db, &ctx.actor(), app, forms::version(&v), &input)
                .await,
            "domande",
            "Domanda aggiornata.",
        );
    }
    application_form(&state, &ctx, id, app, Some(("domanda", &v, &e))).await
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app)): Path<(i64, i64)>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, _, _) = own_application(&state, &ctx, id, app).await?;
    if !viewer.office() {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let decision = AdmissionDecision::from_code(forms::value(&v, "decision"));
    let reason = e.check("reason", optional_text(forms::value(&v, "reason"), 1000));
    match (decision, &reason) {
        (None, _) => e.add("decision", "Scegli la decisione."),
        (Some(AdmissionDecision::Refused), Some(None)) => {
            e.add("reason", "Motiva la non ammissione.")
        }
        _ => {}
    }
    if let (Some(d), Some(reason), true) = (decision, reason, e.is_empty()) {
        return after_save(
            id,
            store::decide_application(
                &state.db,
                &ctx.actor(),
                app,
                forms::version(&v),
                d.code(),
                reason.as_deref(),
            )
            .await,
            "domande",
            "Decisione registrata.",
        );
    }
    application_form(&state, &ctx, id, app, Some(("decisione", &v, &e))).await
}

/// Reads a contribution form. A body's representative contributes for their
/// own body, which must have applied and not been refused.
async fn parse_contribution(
    state: &AppState,
    v: &FormValues,
    viewer: &Viewer,
    p: &Procedure,
    e: &mut FieldErrors,
) -> Result<Option<ContributionInput>, AppError> {
    let tables = store::working_tables(&state.db, p.id).await?;
    let table = tables.iter().find(|t| t.name == forms::value(v, "table"));
    if table.is_none() {
        e.add("table", "Scegli il tavolo dall'elenco.");
    }
    let kind = ContributionKind::from_code(forms::value(v, "kind"));
    if kind.is_none() {
        e.add("kind", "Scegli il tipo di contributo.");
    }
    let body = e.check("body", required_text(forms::value(v, "body"), 4000));
    let org = forms::optional_id(v, "contributor_id", e);
    let meeting_id = forms::optional_id(v, "meeting_id", e);
    if let Some(m) = meeting_id {
        let ok = store::get_meeting(&state.db, m)
            .await?
            .is_some_and(|x| x.procedure_id == Some(p.id));
        if !ok {
            e.add("meeting_id", "Scegli l'incontro dall'elenco.");
        }
    }
    if let Some(own) = viewer.own() {
        match org {
            Some(o) if own.contains(&o) => {
                let apps = store::applications(&state.db, p.id, Some(&[o])).await?;
                if !apps
                    .iter()
                    .any(|a| a.decision != AdmissionDecision::Refused.code())
                {
                    e.add("contributor_id", "L'ente contribuisce dopo aver presentato domanda di partecipazione (e non se non ammesso).");
                }
            }
            _ => e.add("contributor_id", "Scegli il tuo ente."),
        }
    }
    Ok(match (table, kind, body) {
        (Some(t), Some(k), Some(body)) if e.is_empty() => Some(ContributionInput {
            procedure_id: p.id,
            working_table_id: t.id,
            meeting_id,
            organisation_id: org,
            kind: k.code().to_string(),
            body,
        }),
        _ => None,
    })
}

fn contributions_open(p: &Procedure, today: Date) -> Result<(), String> {
    match rules::stage(p.facts(), today) {
        Stage::Draft | Stage::Initiated => {
            Err("I contributi si raccolgono dopo la pubblicazione dell'avviso.".into())
        }
        Stage::Concluded => Err("Il procedimento è concluso: la relazione è approvata.".into()),
        _ => Ok(()),
    }
}

async fn add_contribution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if matches!(viewer, Viewer::Internal) {
        return Err(AppError::Forbidden);
    }
    if let Err(m) = contributions_open(&p, state.today()) {
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#tavoli")),
            FlashKind::Danger,
            &m,
        ));
    }
    let mut e = FieldErrors::new();
    if let Some(input) = parse_contribution(&state, &v, &viewer, &p, &mut e).await? {
        store::add_contribution(&state.db, &ctx.actor(), &input).await?;
        return Ok(saved(id, "tavoli", "Contributo registrato."));
    }
    detail_page(&state, &ctx, id, Some(("contributo", &v, &e))).await
}

async fn edit_contribution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, c)): Path<(i64, i64)>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    let existing = store::get_contribution(&state.db, c)
        .await?
        .filter(|x| x.procedure_id == p.id)
        .ok_or(AppError::NotFound)?;
    match viewer.own() {
        Some(ids) if !existing.organisation_id.is_some_and(|o| ids.contains(&o)) => {
            return Err(AppError::Forbidden)
        }
        None if !viewer.office() => return Err(AppError::Forbidden),
        _ => {}
    }
    if let Err(m) = contributions_open(&p, state.today()) {
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#tavoli")),
            FlashKind::Danger,
            &m,
        ));
    }
    let mut e = FieldErrors::new();
    if let Some(input) = parse_contribution(&state, &v, &viewer, &p, &mut e).await? {
        return after_save(
            id,
            store::update_contribution(&state.db, &ctx.actor(), c, forms::version(&v), &input)
                .await,
            "tavoli",
            "Contributo aggiornato.",
        );
    }
    contribution_form(&state, &ctx, id, c, Some((&v, &e))).await
}

async fn save_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if !viewer.office() {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let text = e.check(
        "report_text",
        required_text(forms::value(&v, "report_text"), 20000),
    );
    let mut objective_ids = Vec::new();
    if let Some(h) = p.health_plan_id {
        for o in zona_store::pis::health_objectives(&state.db, h).await? {
            if forms::value(&v, &format!("obiettivo_{}", o.id)) == "si" {
                objective_ids.push(o.id);
            }
        }
    }
    if p.report_status.as_deref() == Some("approved") {
        return Err(AppError::BadRequest("La relazione è già approvata.".into()));
    }
    if let (Some(text), true) = (text, e.is_empty()) {
        let change = ProcedureChange::Report {
            text,
            objective_ids,
        };
        return after_save(
            id,
            store::change_procedure(&state.db, &ctx.actor(), id, forms::version(&v), &change).await,
            "relazione",
            "Bozza della relazione salvata.",
        );
    }
    detail_page(&state, &ctx, id, Some(("relazione", &v, &e))).await
}

async fn approve_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(v): Form<FormValues>,
) -> PageResult {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if !viewer.office() {
        return Err(AppError::Forbidden);
    }
    if p.report_status.as_deref() != Some("draft") {
        return Ok(with_flash(
            Redirect::to(&format!("{BASE}/{id}#relazione")),
            FlashKind::Danger,
            "Salva prima la bozza della relazione: si approva una bozza.",
        ));
    }
    let change = ProcedureChange::ApproveReport { on: state.today() };
    after_save(
        id,
        store::change_procedure(&state.db, &ctx.actor(), id, forms::version(&v), &change).await,
        "relazione",
        "Relazione conclusiva approvata: è pubblicata.",
    )
}

/// The final report as a PDF: a draft for the office while it is written;
/// once approved, anyone reads it (the public pages link it).
pub async fn report_document(
    state: &AppState,
    p: &Procedure,
    zone_name: &str,
) -> Result<Vec<u8>, AppError> {
    let data = crate::participation::report_data(&state.db, p, zone_name).await?;
    Ok(
        zona_reports::pdf::render(zona_reports::pdf::REPORT_TEMPLATE, &data, state.today())
            .map_err(anyhow::Error::from)?,
    )
}

async fn report_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (viewer, p) = load(&state, &ctx, id).await?;
    if matches!(viewer, Viewer::Body(_)) && p.report_status.as_deref() != Some("approved") {
        return Err(AppError::Forbidden);
    }
    let zone_name = ctx
        .zone
        .as_ref()
        .map(|z| z.name.clone())
        .unwrap_or_default();
    let bytes = report_document(&state, &p, &zone_name).await?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"relazione-conclusiva-{id}.pdf\""),
    )
}

// ---------------------------------------------------------------- one application, one contribution

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

async fn application_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    app: i64,
    failed: Failed<'_>,
) -> PageResult {
    let (viewer, p, a) = own_application(state, ctx, id, app).await?;
    let none = FormValues::new();
    let no_errors = FieldErrors::new();
    let form_of = |section: &str| match failed {
        Some((s, v, e)) if s == section => (v, e),
        _ => (&none, &no_errors),
    };
    let open = rules::can_apply(p.notice(), state.today());
    let mut forms_list = Vec::new();
    if open.is_ok() {
        let defaults = FormValues::from([
            ("applicant_kind".into(), a.applicant_kind.clone()),
            (
                "justification".into(),
                a.justification.clone().unwrap_or_default(),
            ),
            ("contact_name".into(), a.contact_name.clone()),
            ("contact_email".into(), a.contact_email.clone()),
            ("tables".into(), a.tables.clone().unwrap_or_default()),
            ("version".into(), a.version.to_string()),
        ]);
        let (v, e) = form_of("domanda");
        let v = if v.is_empty() { &defaults } else { v };
        forms_list.push(ItemForm {
            heading: "Modifica la domanda",
            action: format!("{BASE}/{id}/domande/{app}"),
            fields: application_fields(&[], &DEFAULT_KINDS, v, e, false),
            submit: "Salva la domanda",
            errors_summary: forms::summary(e),
        });
    }
    if viewer.office() {
        let defaults = FormValues::from([
            ("decision".into(), a.decision.clone()),
            (
                "reason".into(),
                a.decision_reason.clone().unwrap_or_default(),
            ),
            ("version".into(), a.version.to_string()),
        ]);
        let (v, e) = form_of("decisione");
        let v = if v.is_empty() { &defaults } else { v };
        forms_list.push(ItemForm {
            heading: "Decisione sull'ammissione",
            action: format!("{BASE}/{id}/domande/{app}/decisione"),
            fields: vec![
                Field::select(
                    "decision",
                    "Decisione",
                    AdmissionDecision::ALL
                        .iter()
                        .map(|d| (d.code().to_string(), d.label().to_string()))
                        .collect(),
                )
                .bind(v, e),
                Field::text("reason", "Motivazione")
                    .hint("Obbligatoria per la non ammissione.")
                    .bind(v, e),
                Field::new("version", "", FieldKind::Hidden).bind(v, e),
            ],
            submit: "Registra la decisione",
            errors_summary: forms::summary(e),
        });
    }
    let page = ItemPage {
        page: crumbs(ctx, format!("Domanda di {}", a.organisation_name))
            .crumb(p.subject.clone(), format!("{BASE}/{id}")),
        heading: format!("Domanda di {}", a.organisation_name),
        back: format!("{BASE}/{id}#domande"),
        facts: vec![
            ("Procedimento", p.subject.clone()),
            ("Presentata il", format::date(a.submitted_on)),
            (
                "Partecipa come",
                ApplicantKind::from_code(&a.applicant_kind)
                    .map(|k| k.label().to_string())
                    .unwrap_or_default(),
            ),
            (
                "Motivazione",
                a.justification.clone().unwrap_or_else(|| "—".into()),
            ),
            (
                "Referente",
                format!("{} ({})", a.contact_name, a.contact_email),
            ),
            ("Tavoli", a.tables.clone().unwrap_or_else(|| "—".into())),
            (
                "Esito",
                AdmissionDecision::from_code(&a.decision)
                    .map(|d| d.label().to_string())
                    .unwrap_or_default(),
            ),
            (
                "Motivazione dell'esito",
                a.decision_reason.clone().unwrap_or_else(|| "—".into()),
            ),
        ],
        note: open
            .err()
            .map(|m| format!("{m} La domanda non si modifica più.")),
        forms: forms_list,
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

async fn application_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app)): Path<(i64, i64)>,
) -> PageResult {
    application_form(&state, &ctx, id, app, None).await
}

async fn contribution_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    c: i64,
    failed: Option<(&FormValues, &FieldErrors)>,
) -> PageResult {
    let (viewer, p) = load(state, ctx, id).await?;
    let existing = store::get_contribution(&state.db, c)
        .await?
        .filter(|x| x.procedure_id == p.id)
        .ok_or(AppError::NotFound)?;
    match viewer.own() {
        Some(ids) if !existing.organisation_id.is_some_and(|o| ids.contains(&o)) => {
            return Err(AppError::Forbidden)
        }
        None if !viewer.office() => return Err(AppError::Forbidden),
        _ => {}
    }
    let choices = Choices::load(state, ctx, &viewer, &p).await?;
    let defaults = contribution_values(&existing);
    let no_errors = FieldErrors::new();
    let (v, e) = failed.unwrap_or((&defaults, &no_errors));
    let open = contributions_open(&p, state.today());
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
        note: open.as_ref().err().cloned(),
        forms: if open.is_ok() {
            vec![ItemForm {
                heading: "Modifica il contributo",
                action: format!("{BASE}/{id}/contributi/{c}"),
                fields: contribution_fields(&choices, viewer.office(), v, e),
                submit: "Salva il contributo",
                errors_summary: forms::summary(e),
            }]
        } else {
            Vec::new()
        },
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_page(&page)).into_response())
}

async fn contribution_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, c)): Path<(i64, i64)>,
) -> PageResult {
    contribution_form(&state, &ctx, id, c, None).await
}
