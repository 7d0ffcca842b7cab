//! Participation meetings and the co-programming procedure (art. 55 D.lgs
//! 117/2017; art. 9, 10, 14 LR Toscana 65/2020; art. 15 LR 40/2005): the
//! kinds of meeting, the stages of a procedure and the legal rules that
//! decide what may happen at each one.

use crate::calendar::{self, PatronDay};
use crate::org::labelled_enum;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

labelled_enum! {
    /// Kinds of meeting. The first is a participation meeting with a
    /// stakeholder group; the others are the meetings of a co-programming path
    /// (seed 004).
    MeetingKind {
        Participation = "participation", "Incontro di partecipazione";
        TeamActivation = "team_activation", "Attivazione del team";
        Informative = "if", "IF – Incontro informativo/formativo iniziale";
        Needs = "ibi", "IBi – Incontro di definizione dei bisogni di salute";
        Objectives = "iob", "IOb – Incontro di definizione degli obiettivi di salute";
        Areas = "iac", "IAC – Individuazione delle aree di approfondimento, futura co-progettazione e risorse";
        Restitution = "ir", "IR – Incontro di restituzione degli esiti del percorso";
    }
}

labelled_enum! {
    /// What a contribution to a working table brings.
    ContributionKind {
        Need = "need", "Bisogno";
        Objective = "objective", "Obiettivo";
        Priority = "priority", "Priorità";
    }
}

labelled_enum! {
    /// The decision on an application to take part.
    AdmissionDecision {
        Pending = "pending", "In attesa di decisione";
        Admitted = "admitted", "Ammessa";
        Refused = "refused", "Non ammessa";
    }
}

labelled_enum! {
    /// Who applies: a Third Sector body, or another party whose contribution
    /// is directly connected and essential to the notice's aims and object
    /// (art. 10, comma 1, lettera b, LR Toscana 65/2020).
    ApplicantKind {
        ThirdSector = "third_sector", "Ente del Terzo Settore";
        Other = "other", "Altro soggetto (apporto connesso ed essenziale)";
    }
}

labelled_enum! {
    /// The final report on the path (*relazione conclusiva*), once written.
    ReportStatus {
        Draft = "draft", "Bozza";
        Approved = "approved", "Approvata";
    }
}

/// The law whose art. 10, comma 1, sets the procedure's principles, cited
/// in messages.
pub const LAW: &str = "LR Toscana 65/2020";

/// A notice stays published at least this many days (art. 10, comma 1,
/// lettera c, LR Toscana 65/2020: «per un termine congruo … e, comunque, non
/// inferiore a venti giorni»).
pub const MIN_NOTICE_DAYS: i64 = 20;

/// The shortest reason accepted for a change to a published notice: enough
/// for a sentence that tells the bodies why.
pub const MIN_REASON_CHARS: usize = 20;

/// The days a notice is open: from its opening day to its deadline. The
/// opening day is not counted (art. 2963, comma 2, c.c., *dies a quo non
/// computatur*): opening on 1 January with a deadline of 21 January is 20 days.
pub fn notice_days(opens: Date, closes: Date) -> i64 {
    (closes - opens).whole_days()
}

/// The window of a notice, checked against the law.
pub fn check_notice_window(opens: Date, closes: Date) -> Result<(), String> {
    let days = notice_days(opens, closes);
    if days < MIN_NOTICE_DAYS {
        return Err(format!(
            "L'avviso resterebbe pubblicato {days} giorni: la legge chiede un termine non inferiore a {MIN_NOTICE_DAYS} giorni (art. 10, comma 1, lettera c, {LAW}). Spostare la scadenza almeno al {}.",
            crate::format::date(opens + time::Duration::days(MIN_NOTICE_DAYS))
        ));
    }
    Ok(())
}

/// A publication of the notice outside zona, such as the albo pretorio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExternalPublication {
    /// Where and under which number ("Albo pretorio del Comune di Livorno n. 1234/2026").
    pub reference: String,
    pub on: Date,
}

/// A notice as the office writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeTerms {
    pub purpose: String,
    pub subject: String,
    pub requirements: String,
    pub terms: String,
    pub participation: String,
    pub opens: Date,
    pub closes: Date,
    pub external: Option<ExternalPublication>,
}

impl NoticeTerms {
    /// The parts that differ from `other`, by their Italian names.
    pub fn changes_from(&self, other: &NoticeTerms) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut diff = |changed: bool, name: &'static str| {
            if changed {
                v.push(name)
            }
        };
        diff(self.purpose != other.purpose, "finalità");
        diff(self.subject != other.subject, "oggetto");
        diff(self.requirements != other.requirements, "requisiti");
        diff(self.terms != other.terms, "termini");
        diff(
            self.participation != other.participation,
            "modalità di partecipazione",
        );
        diff(self.opens != other.opens, "apertura");
        diff(self.closes != other.closes, "scadenza");
        diff(self.external != other.external, "pubblicazione esterna");
        v
    }
}

/// A notice already public: its terms, the day it became public in zona and
/// the day its term really ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedNotice {
    pub terms: NoticeTerms,
    /// The day the office published it in zona; an external publication is
    /// part of the terms and may be earlier.
    pub published_on: Date,
    pub runs_to: Date,
}

/// What saving a notice amounts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeSave {
    /// The first publication in zona, today.
    Publication { published_on: Date },
    /// A change to a published notice, with the parts it changes.
    Amendment { changes: Vec<&'static str> },
}

fn lett(l: &str) -> String {
    format!("art. 10, comma 1, lettera {l}, {LAW}")
}

/// Checks a notice the office saves, and says whether it is the first
/// publication or an amendment.
///
/// - There must be an initiation act (lett. a and b).
/// - An external publication lies between the act and today; the notice is
///   not published in zona before its act, nor with its deadline passed.
/// - The notice opens no earlier than it is public: today in zona, or the
///   external publication (lett. c: the twenty days run while it is public).
/// - Once published, the deadline can only be extended, the opening day
///   cannot move after the notice has opened (before, not into the past),
///   nothing changes after the term has ended, and every change has a reason.
pub fn check_notice(
    initiated_on: Option<Date>,
    published: Option<&PublishedNotice>,
    new: &NoticeTerms,
    reason: &str,
    today: Date,
) -> Result<NoticeSave, FieldErrors> {
    let mut e = FieldErrors::new();
    let fmt = crate::format::date;
    let Some(act) = initiated_on else {
        e.add(
            "opens",
            format!("Prima di pubblicare l'avviso va registrato l'atto di avvio del procedimento (art. 10, comma 1, lettere a e b, {LAW})."),
        );
        return Err(e);
    };
    if let Some(x) = &new.external {
        if x.on > today {
            e.add(
                "external_on",
                format!("La pubblicazione esterna del {} non è ancora avvenuta: registrala dal giorno in cui l'avviso è pubblico.", fmt(x.on)),
            );
        } else if x.on < act {
            e.add(
                "external_on",
                format!("La pubblicazione esterna del {} precede l'atto di avvio del {}: l'avviso si pubblica all'esito dell'atto ({}).", fmt(x.on), fmt(act), lett("b")),
            );
        }
    }
    // Public from the day it went up in zona, or from the external
    // publication now recorded if earlier: recomputed on every save, so a
    // corrected or removed albo date cannot leave a backdated opening.
    let in_zona = published.map_or(today, |p| p.published_on);
    if published.is_none() && act > today {
        e.add(
            "opens",
            format!("L'atto di avvio è del {}: l'avviso si pubblica all'esito dell'atto ({}), non prima.", fmt(act), lett("b")),
        );
    }
    let public_from = new.external.as_ref().map_or(in_zona, |x| in_zona.min(x.on));
    if new.opens < public_from {
        e.add(
            "opens",
            format!(
                "L'avviso non può aprire il {}: è pubblico solo dal {}, e i {MIN_NOTICE_DAYS} giorni corrono dalla pubblicazione ({}). Indica un'apertura dal {} in poi, o registra la pubblicazione all'albo pretorio con il suo numero e la sua data.",
                fmt(new.opens),
                fmt(public_from),
                lett("c"),
                fmt(public_from)
            ),
        );
    }
    if let Err(m) = check_notice_window(new.opens, new.closes) {
        e.add("closes", m);
    }
    let Some(p) = published else {
        if new.closes < today {
            e.add(
                "closes",
                format!(
                    "La scadenza del {} è già passata: l'avviso nascerebbe chiuso.",
                    fmt(new.closes)
                ),
            );
        }
        return e.into_result(NoticeSave::Publication {
            published_on: today,
        });
    };
    if today > p.runs_to {
        e.add(
            "reason",
            format!("Il termine dell'avviso è scaduto il {}: l'avviso non si può più modificare. Per raccogliere altre domande serve un nuovo avviso.", fmt(p.runs_to)),
        );
        return Err(e);
    }
    if new.closes < p.terms.closes {
        e.add(
            "closes",
            format!(
                "L'avviso è pubblicato con scadenza {}: la scadenza si può solo prorogare, non anticipare al {} ({}).",
                fmt(p.terms.closes),
                fmt(new.closes),
                lett("c")
            ),
        );
    }
    if new.opens != p.terms.opens && today >= p.terms.opens {
        e.add(
            "opens",
            format!(
                "L'avviso è aperto dal {}: la data di apertura non si può più cambiare.",
                fmt(p.terms.opens)
            ),
        );
    } else if new.opens != p.terms.opens && new.opens < today {
        e.add(
            "opens",
            format!("La nuova apertura del {} è già passata: un avviso non ancora aperto si può spostare solo da oggi in poi.", fmt(new.opens)),
        );
    }
    let changes = new.changes_from(&p.terms);
    if changes.is_empty() {
        e.add(
            "reason",
            "L'avviso non è cambiato: non c'è nulla da rettificare.",
        );
    } else if reason.trim().chars().count() < MIN_REASON_CHARS {
        e.add(
            "reason",
            format!("Indica il motivo della rettifica (almeno {MIN_REASON_CHARS} caratteri): resta nel registro delle modifiche e nella pagina pubblica dell'avviso."),
        );
    }
    e.into_result(NoticeSave::Amendment { changes })
}

/// The day a deadline really ends, with the holidays of the zone's seat.
pub fn runs_to(closes: Date, patron: Option<PatronDay>) -> Date {
    calendar::next_working_day(closes, patron)
}

/// Where a procedure stands, from what has been recorded and today's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// No initiation act yet: nothing can be published.
    Draft,
    /// Initiation act recorded; the notice is being prepared.
    Initiated,
    /// Notice published, before its opening day.
    NoticeScheduled,
    /// Notice open: applications are accepted.
    NoticeOpen,
    /// Notice closed: the path (meetings, tables) runs.
    Path,
    /// The final report is approved: the procedure is concluded.
    Concluded,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "In preparazione (manca l'atto di avvio)",
            Stage::Initiated => "Avviato (avviso da pubblicare)",
            Stage::NoticeScheduled => "Avviso pubblicato, non ancora aperto",
            Stage::NoticeOpen => "Avviso aperto: domande in corso",
            Stage::Path => "Percorso in corso",
            Stage::Concluded => "Concluso (relazione approvata)",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the stage depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageFacts {
    pub initiated: bool,
    /// Opening day of a published notice and the day its term really ends.
    pub notice: Option<(Date, Date)>,
    pub report_approved: bool,
}

pub fn stage(f: StageFacts, today: Date) -> Stage {
    if f.report_approved {
        return Stage::Concluded;
    }
    match (f.initiated, f.notice) {
        (false, _) => Stage::Draft,
        (true, None) => Stage::Initiated,
        (true, Some((opens, _))) if today < opens => Stage::NoticeScheduled,
        (true, Some((_, closes))) if today <= closes => Stage::NoticeOpen,
        (true, Some(_)) => Stage::Path,
    }
}

/// An application is accepted only while the notice is open: from its
/// opening day to the day its term really ends (`runs_to`).
pub fn can_apply(notice: Option<(Date, Date)>, today: Date) -> Result<(), String> {
    match notice {
        None => Err("L'avviso non è pubblicato: non si possono presentare domande.".into()),
        Some((opens, _)) if today < opens => Err(format!(
            "L'avviso apre il {}: la domanda si presenta da quel giorno.",
            crate::format::date(opens)
        )),
        Some((_, closes)) if today > closes => Err(format!(
            "Il termine per partecipare è scaduto il {}: la domanda non può più essere presentata.",
            crate::format::date(closes)
        )),
        Some(_) => Ok(()),
    }
}

/// A party other than a Third Sector body must say why its contribution is
/// directly connected and essential to the notice's aims and object (art. 10,
/// comma 1, lettera b, LR Toscana 65/2020).
pub fn check_applicant(kind: ApplicantKind, justification: &str) -> Result<(), String> {
    if kind == ApplicantKind::Other && justification.trim().chars().count() < 20 {
        return Err(format!("Per un soggetto diverso da un ente del Terzo Settore va motivato (almeno 20 caratteri) perché il suo apporto è direttamente connesso ed essenziale alle finalità e all'oggetto dell'avviso (art. 10, comma 1, lettera b, {LAW})."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_notice_stays_open_at_least_twenty_days() {
        let opens = date!(2025 - 11 - 03);
        assert_eq!(notice_days(opens, date!(2025 - 11 - 22)), 19);
        let e = check_notice_window(opens, date!(2025 - 11 - 22)).unwrap_err();
        assert!(
            e.contains("19 giorni") && e.contains("LR Toscana 65/2020") && e.contains("23/11/2025"),
            "{e}"
        );
        assert!(check_notice_window(opens, date!(2025 - 11 - 23)).is_ok());
        assert!(check_notice_window(opens, opens).is_err());
    }

    #[test]
    fn applications_only_while_the_notice_is_open() {
        let n = Some((date!(2025 - 11 - 03), date!(2025 - 11 - 23)));
        assert!(can_apply(n, date!(2025 - 11 - 03)).is_ok());
        assert!(
            can_apply(n, date!(2025 - 11 - 23)).is_ok(),
            "the deadline day counts"
        );
        assert!(can_apply(n, date!(2025 - 11 - 24))
            .unwrap_err()
            .contains("scaduto il 23/11/2025"));
        assert!(can_apply(n, date!(2025 - 11 - 02))
            .unwrap_err()
            .contains("apre il"));
        assert!(can_apply(None, date!(2025 - 11 - 10)).is_err());
    }

    #[test]
    fn stages_follow_the_record_and_the_calendar() {
        let mut f = StageFacts {
            initiated: false,
            notice: None,
            report_approved: false,
        };
        let d = date!(2025 - 11 - 10);
        assert_eq!(stage(f, d), Stage::Draft);
        f.initiated = true;
        assert_eq!(stage(f, d), Stage::Initiated);
        f.notice = Some((date!(2025 - 11 - 11), date!(2025 - 12 - 01)));
        assert_eq!(stage(f, d), Stage::NoticeScheduled);
        assert_eq!(stage(f, date!(2025 - 12 - 01)), Stage::NoticeOpen);
        assert_eq!(stage(f, date!(2025 - 12 - 02)), Stage::Path);
        f.report_approved = true;
        assert_eq!(stage(f, d), Stage::Concluded);
    }

    #[test]
    fn other_parties_justify_their_part() {
        assert!(check_applicant(ApplicantKind::ThirdSector, "").is_ok());
        assert!(check_applicant(ApplicantKind::Other, "perché sì").is_err());
        assert!(check_applicant(
            ApplicantKind::Other,
            "Gestisce l'unico centro diurno per disabili gravi della zona."
        )
        .is_ok());
    }
}
