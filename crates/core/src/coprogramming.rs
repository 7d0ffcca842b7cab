//! Participation meetings and the co-programming procedure (art. 55 D.lgs
//! 117/2017; art. 9, 13, 14 LR Toscana 65/2020; art. 15 LR 40/2005): the
//! kinds of meeting, the stages of a procedure and the legal rules that
//! decide what may happen at each one.

use crate::org::labelled_enum;
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
    /// is directly connected and essential to the notice (art. 13 LR 65/2020).
    ApplicantKind {
        ThirdSector = "third_sector", "Ente del Terzo Settore";
        Other = "other", "Altro soggetto (apporto connesso ed essenziale)";
    }
}

labelled_enum! {
    /// The final report on the path (*relazione conclusiva*).
    ReportStatus {
        Draft = "draft", "Bozza";
        Approved = "approved", "Approvata";
    }
}

/// A notice stays published at least this many days (art. 13 c. 1 lett. c
/// LR Toscana 65/2020: "per un termine congruo e, comunque, non inferiore a 20 gg").
pub const MIN_NOTICE_DAYS: i64 = 20;

/// The days a notice is open: from its publication to its deadline. The day
/// of publication is not counted (art. 2963 c.c., *dies a quo non computatur*):
/// published on 1 January with a deadline of 21 January is 20 days.
pub fn notice_days(opens: Date, closes: Date) -> i64 {
    (closes - opens).whole_days()
}

/// The window of a notice, checked against the law.
pub fn check_notice_window(opens: Date, closes: Date) -> Result<(), String> {
    let days = notice_days(opens, closes);
    if days < MIN_NOTICE_DAYS {
        return Err(format!(
            "L'avviso resterebbe pubblicato {days} giorni: la legge chiede un termine non inferiore a {MIN_NOTICE_DAYS} giorni (art. 13, comma 1, lettera c, LR Toscana 65/2020). Spostare la scadenza almeno al {}.",
            crate::format::date(opens + time::Duration::days(MIN_NOTICE_DAYS))
        ));
    }
    Ok(())
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
    /// Opening and closing day of a published notice.
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

/// A notice can be published only after the initiation act (art. 13 c. 1
/// lett. a-b LR 65/2020) and with a lawful window.
pub fn can_publish_notice(initiated: bool, opens: Date, closes: Date) -> Result<(), String> {
    if !initiated {
        return Err("Prima di pubblicare l'avviso va registrato l'atto di avvio del procedimento (art. 13, comma 1, lettere a e b, LR Toscana 65/2020).".into());
    }
    check_notice_window(opens, closes)
}

/// An application is accepted only while the notice is open.
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
/// directly connected and essential to the notice (art. 13 c. 1 lett. b LR 65/2020).
pub fn check_applicant(kind: ApplicantKind, justification: &str) -> Result<(), String> {
    if kind == ApplicantKind::Other && justification.trim().chars().count() < 20 {
        return Err("Per un soggetto diverso da un ente del Terzo Settore va motivato (almeno 20 caratteri) perché il suo apporto è direttamente connesso ed essenziale alle finalità dell'avviso.".into());
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
    fn nothing_is_published_before_the_initiation_act() {
        let e =
            can_publish_notice(false, date!(2025 - 11 - 03), date!(2025 - 12 - 31)).unwrap_err();
        assert!(e.contains("atto di avvio"));
        assert!(can_publish_notice(true, date!(2025 - 11 - 03), date!(2025 - 12 - 31)).is_ok());
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
