//! The meeting forms as sent: one struct per form, each field the input of
//! the same name, all text so that a refused form shows again exactly as
//! typed. `parse` reads the fields; the rules that need the zone are the
//! use case's.

use crate::usecase::meetings::NewGroup;
use serde::{Deserialize, Serialize};
use zona_core::coprogramming::MeetingKind;
use zona_core::format::{self, parse_date};
use zona_core::validation::{optional_text, optional_time, required_text};
use zona_core::FieldErrors;
use zona_store::participation::{Meeting, MeetingInput};

use super::super::forms::choice_id;

/// A new stakeholder group.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupForm {
    pub name: String,
    pub description: String,
}

impl GroupForm {
    pub fn parse(&self) -> Result<NewGroup, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(&self.name, 200));
        let description = e.check("description", optional_text(&self.description, 500));
        match (name, description) {
            (Some(name), Some(description)) if e.is_empty() => Ok(NewGroup { name, description }),
            _ => Err(e),
        }
    }
}

/// A meeting. `public` and `minutes_published` are `si` or `no`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MeetingForm {
    pub kind: String,
    pub group_id: String,
    pub procedure_id: String,
    pub subject: String,
    pub held_on: String,
    pub starts_at: String,
    pub place: String,
    pub online_url: String,
    pub agenda: String,
    pub minutes: String,
    pub public: String,
    pub minutes_published: String,
    pub version: String,
}

fn yes_no(b: bool) -> String {
    if b { "si" } else { "no" }.to_string()
}

fn id_text(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

impl MeetingForm {
    /// A new meeting: public unless said otherwise; of a path when given.
    pub fn new(procedure_id: Option<i64>) -> MeetingForm {
        MeetingForm {
            public: "si".into(),
            procedure_id: id_text(procedure_id),
            kind: if procedure_id.is_some() {
                MeetingKind::Needs.code().into()
            } else {
                String::new()
            },
            ..MeetingForm::default()
        }
    }

    /// The form as the stored meeting fills it.
    pub fn of(m: &Meeting) -> MeetingForm {
        MeetingForm {
            kind: m.kind.code().to_string(),
            group_id: id_text(m.group_id),
            procedure_id: id_text(m.procedure_id),
            subject: m.subject.clone(),
            held_on: format::date(m.held_on),
            starts_at: m.starts_at.clone().unwrap_or_default(),
            place: m.place.clone().unwrap_or_default(),
            online_url: m.online_url.clone().unwrap_or_default(),
            agenda: m.agenda.clone().unwrap_or_default(),
            minutes: m.minutes.clone().unwrap_or_default(),
            public: yes_no(m.public),
            minutes_published: yes_no(m.minutes_published),
            version: m.version.to_string(),
        }
    }

    pub fn parse(&self) -> Result<MeetingInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let procedure_id = choice_id(&self.procedure_id, "procedure_id", &mut e);
        let kind = MeetingKind::from_code(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Scegli il tipo di incontro dall'elenco.");
        }
        let group_id = choice_id(&self.group_id, "group_id", &mut e);
        let subject = e.check("subject", required_text(&self.subject, 300));
        let held_on = e.check("held_on", parse_date(self.held_on.trim()));
        let starts_at = e.check("starts_at", optional_time(&self.starts_at));
        let place = e.check("place", optional_text(&self.place, 300));
        let online_url = e.check("online_url", optional_text(&self.online_url, 500));
        if let Some(Some(u)) = &online_url {
            if !u.starts_with("https://") {
                e.add("online_url", "Il collegamento deve iniziare con https://.");
            }
        }
        if matches!((&place, &online_url), (Some(None), Some(None))) {
            e.add(
                "place",
                "Indica il luogo dell'incontro o il collegamento online.",
            );
        }
        let agenda = e.check("agenda", optional_text(&self.agenda, 10000));
        let minutes = e.check("minutes", optional_text(&self.minutes, 50000));
        match (
            kind, subject, held_on, starts_at, place, online_url, agenda, minutes,
        ) {
            (
                Some(kind),
                Some(subject),
                Some(held_on),
                Some(starts_at),
                Some(place),
                Some(online_url),
                Some(agenda),
                Some(minutes),
            ) if e.is_empty() => Ok(MeetingInput {
                kind,
                group_id,
                procedure_id,
                subject,
                held_on,
                starts_at,
                place,
                online_url,
                agenda,
                minutes,
                public: self.public.trim() != "no",
                minutes_published: self.minutes_published.trim() == "si",
            }),
            _ => Err(e),
        }
    }
}

/// Who attended: the plenary (`attendance_0`), then one box per working
/// table of the path, at most nine.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AttendanceForm {
    pub attendance_0: String,
    pub attendance_1: String,
    pub attendance_2: String,
    pub attendance_3: String,
    pub attendance_4: String,
    pub attendance_5: String,
    pub attendance_6: String,
    pub attendance_7: String,
    pub attendance_8: String,
    pub attendance_9: String,
}

/// The names of the attendance boxes, in order.
pub const ATTENDANCE_FIELDS: [&str; 10] = [
    "attendance_0",
    "attendance_1",
    "attendance_2",
    "attendance_3",
    "attendance_4",
    "attendance_5",
    "attendance_6",
    "attendance_7",
    "attendance_8",
    "attendance_9",
];

impl AttendanceForm {
    /// Each box as (field name, text), in order.
    pub fn boxes(&self) -> [(&'static str, &str); 10] {
        let texts = [
            &self.attendance_0,
            &self.attendance_1,
            &self.attendance_2,
            &self.attendance_3,
            &self.attendance_4,
            &self.attendance_5,
            &self.attendance_6,
            &self.attendance_7,
            &self.attendance_8,
            &self.attendance_9,
        ];
        std::array::from_fn(|i| (ATTENDANCE_FIELDS[i], texts[i].as_str()))
    }
}
