//! The co-programming forms as sent: one struct per form, each field the
//! input of the same name, all text so that a refused form shows again
//! exactly as typed. `parse` reads the fields into the use case's input or
//! the errors by field; the rules that need the procedure are the use case's.

use super::super::forms::{choice_id, version_of};
use crate::usecase::coprogramming::{
    ApplicationDraft, ContributionDraft, InitiationAct, NewProcedure,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zona_core::coprogramming::{
    check_applicant, AdmissionDecision, ApplicantKind, ContributionKind, ExternalPublication,
    NoticeTerms,
};
use zona_core::format::parse_date;
use zona_core::validation::{optional_email, optional_text, required_text};
use zona_core::FieldErrors;

/// A new procedure.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewProcedureForm {
    pub subject: String,
    pub health_plan_id: String,
    /// One working table per line.
    pub tables: String,
}

impl NewProcedureForm {
    pub fn parse(&self) -> Result<NewProcedure, FieldErrors> {
        let mut e = FieldErrors::new();
        let subject = e.check("subject", required_text(&self.subject, 200));
        let health_plan_id = choice_id(&self.health_plan_id, "health_plan_id", &mut e);
        let tables: Vec<String> = self
            .tables
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if tables.is_empty() {
            e.add("tables", "Indica almeno un tavolo di lavoro.");
        }
        match subject {
            Some(subject) if e.is_empty() => Ok(NewProcedure {
                subject,
                health_plan_id,
                tables,
            }),
            _ => Err(e),
        }
    }
}

/// The initiation act.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActForm {
    pub act_issuer: String,
    pub act_number: String,
    pub act_date: String,
    pub strategic_lines: String,
    pub version: String,
}

impl ActForm {
    pub fn parse(&self) -> Result<InitiationAct, FieldErrors> {
        let mut e = FieldErrors::new();
        let body = e.check("act_issuer", required_text(&self.act_issuer, 200));
        let number = e.check("act_number", optional_text(&self.act_number, 40));
        let date = e.check("act_date", parse_date(self.act_date.trim()));
        let lines = e.check(
            "strategic_lines",
            required_text(&self.strategic_lines, 5000),
        );
        match (body, number, date, lines) {
            (Some(body), Some(number), Some(date), Some(strategic_lines)) if e.is_empty() => {
                Ok(InitiationAct {
                    issuer: body,
                    number,
                    date,
                    strategic_lines,
                })
            }
            _ => Err(e),
        }
    }
}

/// The public notice, or its amendment with the reason.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NoticeForm {
    pub purpose: String,
    pub subject: String,
    pub requirements: String,
    pub terms: String,
    pub participation: String,
    pub opens: String,
    pub closes: String,
    pub external_ref: String,
    pub external_on: String,
    pub reason: String,
    pub version: String,
}

impl NoticeForm {
    /// The notice's terms; the rules on dates are the use case's.
    pub fn parse(&self) -> Result<NoticeTerms, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut text = |k: &str, v: &str| e.check(k, required_text(v, 5000));
        let purpose = text("purpose", &self.purpose);
        let subject = text("subject", &self.subject);
        let requirements = text("requirements", &self.requirements);
        let terms = text("terms", &self.terms);
        let participation = text("participation", &self.participation);
        let opens = e.check("opens", parse_date(self.opens.trim()));
        let closes = e.check("closes", parse_date(self.closes.trim()));
        let external = self.external(&mut e);
        e.check("reason", optional_text(&self.reason, 1000));
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
            ) if e.is_empty() => Ok(NoticeTerms {
                purpose,
                subject,
                requirements,
                terms,
                participation,
                opens,
                closes,
                external,
            }),
            _ => Err(e),
        }
    }

    /// The publication on a notice board or another site: both its
    /// reference and its day, or neither.
    fn external(&self, e: &mut FieldErrors) -> Option<Option<ExternalPublication>> {
        let reference = e.check("external_ref", optional_text(&self.external_ref, 200));
        let on = match self.external_on.trim() {
            "" => Some(None),
            s => e.check("external_on", parse_date(s)).map(Some),
        };
        match (reference, on) {
            (Some(Some(reference)), Some(Some(on))) => {
                Some(Some(ExternalPublication { reference, on }))
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
        }
    }
}

/// An application to take part. `organisation_id` is chosen only when
/// applying.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub organisation_id: String,
    pub applicant_kind: String,
    pub justification: String,
    pub contact_name: String,
    pub contact_email: String,
    pub tables: String,
    pub version: String,
}

impl ApplicationForm {
    /// The application; `new` when the form chooses the body (an
    /// application being changed keeps its own).
    pub fn parse(&self, new: bool) -> Result<ApplicationDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let organisation_id = choice_id(&self.organisation_id, "organisation_id", &mut e);
        if new && organisation_id.is_none() && e.get("organisation_id").is_none() {
            e.add(
                "organisation_id",
                "Campo obbligatorio: scegliere dall'elenco.",
            );
        }
        let kind = ApplicantKind::from_code(self.applicant_kind.trim());
        match kind {
            None => e.add("applicant_kind", "Scegli come partecipa l'ente."),
            Some(k) => {
                if let Err(m) = check_applicant(k, self.justification.trim()) {
                    e.add("justification", m);
                }
            }
        }
        let justification = e.check("justification", optional_text(&self.justification, 2000));
        let contact_name = e.check("contact_name", required_text(&self.contact_name, 200));
        let contact_email = match e.check("contact_email", optional_email(&self.contact_email)) {
            Some(Some(m)) => Some(m),
            Some(None) => {
                e.add("contact_email", "Indica l'e-mail del referente.");
                None
            }
            None => None,
        };
        let tables = e.check("tables", optional_text(&self.tables, 500));
        match (kind, justification, contact_name, contact_email, tables) {
            (
                Some(kind),
                Some(justification),
                Some(contact_name),
                Some(contact_email),
                Some(tables),
            ) if e.is_empty() => Ok(ApplicationDraft {
                organisation_id,
                kind,
                justification,
                contact_name,
                contact_email,
                tables,
            }),
            _ => Err(e),
        }
    }

    pub fn version(&self) -> i64 {
        version_of(&self.version)
    }
}

/// The office's decision on an application.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DecisionForm {
    pub decision: String,
    pub reason: String,
    pub version: String,
}

impl DecisionForm {
    pub fn parse(&self) -> Result<(AdmissionDecision, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let decision = AdmissionDecision::from_code(self.decision.trim());
        if decision.is_none() {
            e.add("decision", "Scegli la decisione.");
        }
        let reason = e.check("reason", optional_text(&self.reason, 1000));
        match (decision, reason) {
            (Some(d), Some(reason)) if e.is_empty() => Ok((d, reason)),
            _ => Err(e),
        }
    }
}

/// A contribution to a working table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ContributionForm {
    /// The table's name, as the select lists them.
    pub table: String,
    pub kind: String,
    pub content: String,
    pub contributor_id: String,
    pub meeting_id: String,
    pub version: String,
}

impl ContributionForm {
    pub fn parse(&self) -> Result<ContributionDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        if self.table.trim().is_empty() {
            e.add("table", "Scegli il tavolo dall'elenco.");
        }
        let kind = ContributionKind::from_code(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Scegli il tipo di contributo.");
        }
        let content = e.check("content", required_text(&self.content, 4000));
        let organisation_id = choice_id(&self.contributor_id, "contributor_id", &mut e);
        let meeting_id = choice_id(&self.meeting_id, "meeting_id", &mut e);
        match (kind, content) {
            (Some(kind), Some(content)) if e.is_empty() => Ok(ContributionDraft {
                table: self.table.trim().to_string(),
                kind,
                content,
                organisation_id,
                meeting_id,
            }),
            _ => Err(e),
        }
    }

    pub fn version(&self) -> i64 {
        version_of(&self.version)
    }
}

/// The prefix of the check boxes of the plan's objectives in the report
/// form: `obiettivo_<id>`, ticked `si`.
pub const OBJECTIVE_BOX: &str = "obiettivo_";

/// The draft of the final report, and the objectives it informed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    pub report_text: String,
    pub version: String,
    #[serde(flatten)]
    pub boxes: BTreeMap<String, String>,
}

impl ReportForm {
    pub fn parse(&self) -> Result<(String, Vec<i64>), FieldErrors> {
        let mut e = FieldErrors::new();
        let text = e.check("report_text", required_text(&self.report_text, 20000));
        let checked = self
            .boxes
            .iter()
            .filter(|(_, v)| v.as_str() == "si")
            .filter_map(|(k, _)| k.strip_prefix(OBJECTIVE_BOX)?.parse().ok())
            .collect();
        match text {
            Some(text) if e.is_empty() => Ok((text, checked)),
            _ => Err(e),
        }
    }
}

/// The approval of the final report: the version the person saw, and
/// whether they approve despite the gaps shown.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApproveReportForm {
    pub version: String,
    pub despite_gaps: String,
}
