//! The project forms as sent: one struct per form, each field the input of
//! the same name, all text so that a refused form shows again exactly as
//! typed. `parse` reads the fields; the rules that need the zone are the
//! use case's.

use super::super::forms::choice_id;
use crate::usecase::projects::ProjectDraft;
use serde::{Deserialize, Serialize};
use zona_core::codesign::{check_cup, CodeCheck};
use zona_core::format::parse_date;
use zona_core::projects::{pnrr_investment, AmountRange, ProjectStatus};
use zona_core::validation::{optional_text, required_text};
use zona_core::{Cents, FieldErrors};
use zona_store::projects::{Project, ProjectAction, ProjectInput, ProjectTarget};

/// A project's card. `published` is `si` or `no`; `activity_codes` holds
/// the codes of the POA activity sheets, one per line.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProjectForm {
    pub title: String,
    pub summary: String,
    pub service: String,
    pub zone_note: String,
    pub duration: String,
    pub start_date: String,
    pub end_date: String,
    pub resources: String,
    pub funding: String,
    pub pnrr_code: String,
    pub cup: String,
    pub responsible_organisation_id: String,
    pub status: String,
    pub activity_codes: String,
    pub published: String,
    pub version: String,
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// An optional date: empty is none.
fn optional_date(field: &str, text: &str, e: &mut FieldErrors) -> Option<time::Date> {
    match text.trim() {
        "" => None,
        s => e.check(field, parse_date(s)),
    }
}

impl ProjectForm {
    /// A new project: planned and published.
    pub fn new() -> ProjectForm {
        ProjectForm {
            status: ProjectStatus::Planned.code().into(),
            published: "si".into(),
            ..ProjectForm::default()
        }
    }

    /// The form as the stored project fills it.
    pub fn of(p: &Project) -> ProjectForm {
        let r = &p.row;
        ProjectForm {
            title: r.title.clone(),
            summary: r.summary.clone(),
            service: text(&r.service),
            zone_note: text(&r.zone_note),
            duration: r.duration_text.clone(),
            start_date: r.start_date.map(|d| d.to_string()).unwrap_or_default(),
            end_date: r.end_date.map(|d| d.to_string()).unwrap_or_default(),
            resources: p.resources().map(|c| c.format_plain()).unwrap_or_default(),
            funding: text(&r.funding),
            pnrr_code: text(&r.pnrr_code),
            cup: text(&r.cup),
            responsible_organisation_id: r
                .responsible_organisation_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            status: r.status.code().to_string(),
            activity_codes: p
                .activities
                .iter()
                .map(|a| a.code.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            published: if r.published { "si" } else { "no" }.into(),
            version: r.version.to_string(),
        }
    }

    fn read_resources(&self, e: &mut FieldErrors) -> Option<Cents> {
        if self.resources.trim().is_empty() {
            return None;
        }
        match Cents::parse_it(&self.resources) {
            Ok(c) if c.0 < 0 => {
                e.add("resources", "L'importo non può essere negativo.");
                None
            }
            Ok(c) => Some(c),
            Err(err) => {
                e.add("resources", err.to_string());
                None
            }
        }
    }

    fn read_pnrr(&self, e: &mut FieldErrors) -> Option<String> {
        match self.pnrr_code.trim() {
            "" => None,
            c if pnrr_investment(c).is_some() => Some(c.to_string()),
            _ => {
                e.add("pnrr_code", "Investimento PNRR sconosciuto.");
                None
            }
        }
    }

    /// The CUP and the warning of a code that is well formed but doubtful.
    fn read_cup(&self, e: &mut FieldErrors) -> (Option<String>, Option<String>) {
        match self.cup.trim() {
            "" => (None, None),
            c => match check_cup(c) {
                Ok(CodeCheck::Valid(code)) => (Some(code), None),
                Ok(CodeCheck::Warning(code, w)) => (Some(code), Some(w)),
                Err(m) => {
                    e.add("cup", m);
                    (None, None)
                }
            },
        }
    }

    pub fn parse(&self) -> Result<ProjectDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_text(&self.title, 300));
        let summary = e.check("summary", required_text(&self.summary, 4000));
        let service = e.check("service", optional_text(&self.service, 6000));
        let zone_note = e.check("zone_note", optional_text(&self.zone_note, 1000));
        let duration = e.check("duration", required_text(&self.duration, 200));
        let start = optional_date("start_date", &self.start_date, &mut e);
        let end = optional_date("end_date", &self.end_date, &mut e);
        if let (Some(a), Some(b)) = (start, end) {
            if b < a {
                e.add("end_date", "La data di fine precede quella di inizio.");
            }
        }
        let resources = self.read_resources(&mut e);
        let funding = e.check("funding", optional_text(&self.funding, 200));
        let pnrr_code = self.read_pnrr(&mut e);
        let (cup, cup_warning) = self.read_cup(&mut e);
        let responsible = choice_id(
            &self.responsible_organisation_id,
            "responsible_organisation_id",
            &mut e,
        );
        let status = ProjectStatus::from_code(self.status.trim());
        if status.is_none() {
            e.add("status", "Scegliere lo stato.");
        }
        let activity_codes: Vec<String> = self
            .activity_codes
            .split([';', '\n', ','])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        match (
            title, summary, service, zone_note, duration, funding, status,
        ) {
            (
                Some(title),
                Some(summary),
                Some(service),
                Some(zone_note),
                Some(duration_text),
                Some(funding),
                Some(status),
            ) if e.is_empty() => Ok(ProjectDraft {
                project: ProjectInput {
                    zone_id: 0,
                    title,
                    summary,
                    service,
                    zone_note,
                    duration_text,
                    start_date: start,
                    end_date: end,
                    resources,
                    funding,
                    pnrr_code,
                    cup,
                    cup_warning,
                    responsible_organisation_id: responsible,
                    status,
                    published: self.published.trim() != "no",
                    actions: Vec::new(),
                    targets: Vec::new(),
                    activity_ids: Vec::new(),
                },
                activity_codes,
            }),
            _ => Err(e),
        }
    }
}

/// An action of the project, with its amount or range of amounts.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActionForm {
    pub action_title: String,
    pub action_description: String,
    pub action_min: String,
    pub action_max: String,
    pub action_basis: String,
    pub version: String,
}

impl ActionForm {
    pub fn parse(&self) -> Result<ProjectAction, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("action_title", required_text(&self.action_title, 300));
        let description = e.check(
            "action_description",
            optional_text(&self.action_description, 2000),
        );
        let amount = e.check(
            "action_min",
            AmountRange::read(&self.action_min, &self.action_max),
        );
        let basis = e.check("action_basis", optional_text(&self.action_basis, 200));
        match (title, description, amount, basis) {
            (Some(title), Some(description), Some(amount), Some(basis)) if e.is_empty() => {
                Ok(ProjectAction {
                    title,
                    description,
                    amount,
                    basis,
                })
            }
            _ => Err(e),
        }
    }
}

/// One of the project's own targets, with how far it has gone.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TargetForm {
    pub target_description: String,
    pub target_value: String,
    pub target_achieved: String,
    pub target_due: String,
    pub version: String,
}

/// A count; empty is none, or an error when `required`.
fn count(field: &str, text: &str, required: bool, e: &mut FieldErrors) -> Option<i64> {
    match text.trim() {
        "" => {
            if required {
                e.add(field, "Campo obbligatorio.");
            }
            None
        }
        s => e
            .check(field, zona_core::network::parse_count(s))
            .map(i64::from),
    }
}

impl TargetForm {
    pub fn parse(&self) -> Result<ProjectTarget, FieldErrors> {
        let mut e = FieldErrors::new();
        let description = e.check(
            "target_description",
            required_text(&self.target_description, 500),
        );
        let target = count("target_value", &self.target_value, true, &mut e);
        let achieved = count("target_achieved", &self.target_achieved, false, &mut e);
        let due_date = optional_date("target_due", &self.target_due, &mut e);
        match (description, target) {
            (Some(description), Some(target)) if e.is_empty() => Ok(ProjectTarget {
                description,
                target,
                achieved,
                due_date,
            }),
            _ => Err(e),
        }
    }
}
