//! The forms of the plan's page as sent: one struct per form, each field
//! the input of the same name. `parse` reads the fields; the rules that need
//! the plan or the region are the use case's.

use super::super::forms::choice_id;
use crate::usecase::pis::{NewLine, NewMilestone, NewRegionalPlan, Period};
use serde::Deserialize;
use zona_core::format;
use zona_core::planning::{ActKind, HealthPlanStatus};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::pis::KnowledgeInput;
use zona_store::sheets::ActInput;

/// The plan's frame and knowledge section as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct KnowledgeForm {
    pub status: String,
    pub regional_plan_id: String,
    pub health_profile: String,
    pub services_profile: String,
    pub documents: String,
    pub version: String,
}

impl KnowledgeForm {
    pub fn parse(&self) -> Result<KnowledgeInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let status = HealthPlanStatus::from_code(self.status.trim());
        if status.is_none() {
            e.add("status", "Stato del piano non valido.");
        }
        let regional_plan_id = choice_id(&self.regional_plan_id, "regional_plan_id", &mut e);
        let mut text = |k: &str, label: &str, v: &str| {
            let r = optional_text(v, 20_000).map_err(|m| format!("{label}: {m}"));
            e.check(k, r).flatten()
        };
        let health_profile = text("health_profile", "Profilo di salute", &self.health_profile);
        let services_profile = text(
            "services_profile",
            "Profilo dei servizi",
            &self.services_profile,
        );
        let documents = text("documents", "Documenti", &self.documents);
        match status {
            Some(status) if e.is_empty() => Ok(KnowledgeInput {
                status,
                regional_plan_id,
                health_profile,
                services_profile,
                documents,
            }),
            _ => Err(e),
        }
    }
}

/// An act of the plan as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    pub kind: String,
    pub issuer: String,
    pub number: String,
    pub act_date: String,
    pub description: String,
}

impl ActForm {
    pub fn parse(&self) -> Result<ActInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = ActKind::from_code(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Tipo di atto non valido.");
        }
        let issuer = required_text(&self.issuer, 200);
        let number = required_text(&self.number, 50);
        if issuer.is_err() || number.is_err() {
            e.add("issuer", "Indicare l'organo e il numero dell'atto.");
        }
        let date =
            format::parse_date(self.act_date.trim()).map_err(|m| format!("Data dell'atto: {m}"));
        let act_date = e.check("act_date", date);
        let description = optional_text(&self.description, 2_000).ok().flatten();
        match (kind, issuer, number, act_date) {
            (Some(kind), Ok(issuer), Ok(number), Some(act_date)) if e.is_empty() => Ok(ActInput {
                kind,
                issuer,
                number,
                act_date,
                description,
            }),
            _ => Err(e),
        }
    }
}

/// A title alone: a health objective, a regional objective. `what` names it
/// in the message.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct TitleForm {
    pub title: String,
}

impl TitleForm {
    pub fn parse(&self, what: &str) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check(
            "title",
            required_text(&self.title, 300).map_err(|m| format!("{what}: {m}")),
        );
        title.ok_or(e)
    }
}

/// A strategic line of the plan.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LineForm {
    pub title: String,
    pub description: String,
}

impl LineForm {
    pub fn parse(&self) -> Result<NewLine, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check(
            "title",
            required_text(&self.title, 300).map_err(|m| format!("Linea strategica: {m}")),
        );
        let description = e.check(
            "description",
            optional_text(&self.description, 5_000).map_err(|m| format!("Descrizione: {m}")),
        );
        match (title, description) {
            (Some(title), Some(description)) => Ok(NewLine { title, description }),
            _ => Err(e),
        }
    }
}

/// A step of the timeline; `public` is `1` when it is shown to the public.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct MilestoneForm {
    pub label: String,
    pub starts_on: String,
    pub ends_on: String,
    pub public: String,
}

impl MilestoneForm {
    pub fn parse(&self) -> Result<NewMilestone, FieldErrors> {
        let mut e = FieldErrors::new();
        let label = e.check(
            "label",
            required_text(&self.label, 300).map_err(|m| format!("Tappa: {m}")),
        );
        let starts = e.check(
            "starts_on",
            format::parse_date(self.starts_on.trim())
                .map_err(|m| format!("Data di inizio della tappa: {m}")),
        );
        let ends = match self.ends_on.trim() {
            "" => None,
            s => e.check(
                "ends_on",
                format::parse_date(s).map_err(|m| format!("Data di fine della tappa: {m}")),
            ),
        };
        if let (Some(a), Some(b)) = (starts, ends) {
            if b < a {
                e.add("ends_on", "La fine della tappa non può precedere l'inizio.");
            }
        }
        match (label, starts) {
            (Some(label), Some(starts)) if e.is_empty() => Ok(NewMilestone {
                label,
                dates: (starts, ends),
                public: self.public.trim() == "1",
            }),
            _ => Err(e),
        }
    }
}

/// A period of years as typed.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PeriodForm {
    pub period_start: String,
    pub period_end: String,
}

impl PeriodForm {
    /// Both years, the end not before the start, at most six years long (a
    /// PSSIR or a PIS lasts three).
    pub fn parse(&self) -> Result<Period, FieldErrors> {
        let mut e = FieldErrors::new();
        let year = |s: &str| match zona_core::number::read_whole(s) {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => None,
        };
        match (year(&self.period_start), year(&self.period_end)) {
            (Some(a), Some(b)) if b < a => e.add(
                "period_end",
                "L'anno di fine non può precedere quello di inizio.",
            ),
            (Some(a), Some(b)) if b - a > 5 => {
                e.add("period_end", "Un piano dura al massimo sei anni.")
            }
            (Some(a), Some(b)) => return Ok((a, b)),
            _ => e.add(
                "period_start",
                "Indicare gli anni di inizio e di fine, ad esempio 2026 e 2028.",
            ),
        }
        Err(e)
    }
}

/// A regional plan: its period and its general objectives, one per line.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RegionalPlanForm {
    #[serde(flatten)]
    pub period: PeriodForm,
    pub objectives: String,
}

impl RegionalPlanForm {
    pub fn parse(&self) -> Result<NewRegionalPlan, FieldErrors> {
        let period = self.period.parse()?;
        let objectives: Vec<String> = self
            .objectives
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if objectives.is_empty() || objectives.iter().any(|o| o.chars().count() > 300) {
            let mut e = FieldErrors::new();
            e.add(
                "objectives",
                "Indicare gli obiettivi generali, uno per riga (al massimo 300 caratteri ciascuno).",
            );
            return Err(e);
        }
        Ok(NewRegionalPlan { period, objectives })
    }
}

/// The links of a health objective: the ticked objectives of the regional
/// frame and strategic lines of the plan.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LinksForm {
    pub regional_objective_id: Vec<String>,
    pub strategic_line_id: Vec<String>,
}

impl LinksForm {
    /// The ids ticked, regional then lines; a damaged one is refused whole.
    pub fn parse(&self) -> Option<(Vec<i64>, Vec<i64>)> {
        // A ticked box always carries an id: an empty or damaged one
        // refuses the whole form.
        let ids = |v: &[String]| -> Option<Vec<i64>> {
            v.iter()
                .map(|s| choice_id(s, "id", &mut FieldErrors::new()))
                .collect()
        };
        Some((
            ids(&self.regional_objective_id)?,
            ids(&self.strategic_line_id)?,
        ))
    }
}
