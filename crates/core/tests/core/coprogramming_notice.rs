//! The notice of a co-programming procedure against art. 10, comma 1, LR
//! Toscana 65/2020 and art. 2963 c.c. Expected dates are worked out by hand
//! on the 2026 calendar.

use time::macros::date;
use time::Date;
use zona_core::calendar::PatronDay;
use zona_core::coprogramming::{
    can_apply, check_notice, runs_to, stage, ExternalPublication, NoticeSave, NoticeTerms,
    PublishedNotice, Stage, StageFacts,
};

const ACT: Date = date!(2026 - 11 - 20);
const TODAY: Date = date!(2026 - 12 - 01);

fn terms(opens: Date, closes: Date) -> NoticeTerms {
    NoticeTerms {
        purpose: "Programmare i servizi per la disabilità".into(),
        subject: "Bisogni e risorse".into(),
        requirements: "Iscrizione al RUNTS".into(),
        terms: "Domande entro la scadenza".into(),
        participation: "Tavoli di lavoro".into(),
        opens,
        closes,
        external: None,
    }
}

fn albo(on: Date) -> Option<ExternalPublication> {
    Some(ExternalPublication {
        reference: "Albo pretorio del Comune di Livorno n. 1234/2026".into(),
        on,
    })
}

fn error(r: Result<NoticeSave, zona_core::FieldErrors>, field: &str) -> String {
    let e = r.expect_err("refused");
    e.get(field)
        .unwrap_or_else(|| panic!("no error on {field}: {:?}", e.iter().collect::<Vec<_>>()))
        .to_string()
}

fn published(opens: Date, closes: Date) -> PublishedNotice {
    PublishedNotice {
        terms: terms(opens, closes),
        published_on: opens,
        runs_to: runs_to(closes, None),
    }
}

#[test]
fn a_notice_opens_the_day_it_becomes_public() {
    let ok = check_notice(
        Some(ACT),
        None,
        &terms(TODAY, date!(2026 - 12 - 21)),
        "",
        TODAY,
    );
    assert_eq!(
        ok.unwrap(),
        NoticeSave::Publication {
            published_on: TODAY
        }
    );
    // A later opening is a scheduled notice.
    assert!(check_notice(
        Some(ACT),
        None,
        &terms(date!(2026 - 12 - 10), date!(2026 - 12 - 30)),
        "",
        TODAY
    )
    .is_ok());
}

#[test]
fn a_backdated_notice_is_refused_with_the_article() {
    for (opens, closes) in [
        (date!(2026 - 10 - 20), date!(2026 - 11 - 09)),
        (date!(2026 - 11 - 15), date!(2026 - 12 - 05)),
        (date!(2026 - 11 - 30), date!(2026 - 12 - 21)),
    ] {
        let m = error(
            check_notice(Some(ACT), None, &terms(opens, closes), "", TODAY),
            "opens",
        );
        assert!(
            m.starts_with(&format!(
                "L'avviso non può aprire il {}: è pubblico solo dal 01/12/2026, e i 20 giorni corrono dalla pubblicazione (art. 10, comma 1, lettera c, LR Toscana 65/2020).",
                zona_core::format::date(opens)
            )),
            "{m}"
        );
    }
}

#[test]
fn an_external_publication_dates_the_notice() {
    let mut t = terms(date!(2026 - 11 - 25), date!(2026 - 12 - 15));
    t.external = albo(date!(2026 - 11 - 25));
    assert_eq!(
        check_notice(Some(ACT), None, &t, "", TODAY).unwrap(),
        NoticeSave::Publication {
            published_on: TODAY
        }
    );
    // The day before the albo publication is still too early.
    t.opens = date!(2026 - 11 - 24);
    assert!(error(check_notice(Some(ACT), None, &t, "", TODAY), "opens")
        .contains("è pubblico solo dal 25/11/2026"));
    // An external publication on the act's day and today are both accepted.
    t.opens = ACT;
    t.closes = date!(2026 - 12 - 10);
    t.external = albo(ACT);
    assert!(check_notice(Some(ACT), None, &t, "", TODAY).is_ok());
    t.opens = TODAY;
    t.closes = date!(2026 - 12 - 21);
    t.external = albo(TODAY);
    assert!(check_notice(Some(ACT), None, &t, "", TODAY).is_ok());
}

#[test]
fn an_external_publication_lies_between_the_act_and_today() {
    let mut t = terms(TODAY, date!(2026 - 12 - 21));
    t.external = albo(date!(2026 - 12 - 02));
    assert_eq!(
        error(check_notice(Some(ACT), None, &t, "", TODAY), "external_on"),
        "La pubblicazione esterna del 02/12/2026 non è ancora avvenuta: registrala dal giorno in cui l'avviso è pubblico."
    );
    t.external = albo(date!(2026 - 11 - 19));
    assert_eq!(
        error(check_notice(Some(ACT), None, &t, "", TODAY), "external_on"),
        "La pubblicazione esterna del 19/11/2026 precede l'atto di avvio del 20/11/2026: l'avviso si pubblica all'esito dell'atto (art. 10, comma 1, lettera b, LR Toscana 65/2020)."
    );
}

#[test]
fn twenty_days_at_least() {
    assert!(check_notice(
        Some(ACT),
        None,
        &terms(TODAY, date!(2026 - 12 - 21)),
        "",
        TODAY
    )
    .is_ok());
    assert_eq!(
        error(check_notice(Some(ACT), None, &terms(TODAY, date!(2026 - 12 - 20)), "", TODAY), "closes"),
        "L'avviso resterebbe pubblicato 19 giorni: la legge chiede un termine non inferiore a 20 giorni (art. 10, comma 1, lettera c, LR Toscana 65/2020). Spostare la scadenza almeno al 21/12/2026."
    );
}

#[test]
fn nothing_is_published_before_the_initiation_act() {
    assert_eq!(
        error(check_notice(None, None, &terms(TODAY, date!(2026 - 12 - 21)), "", TODAY), "opens"),
        "Prima di pubblicare l'avviso va registrato l'atto di avvio del procedimento (art. 10, comma 1, lettere a e b, LR Toscana 65/2020)."
    );
}

#[test]
fn a_published_deadline_is_only_extended() {
    let p = published(TODAY, date!(2026 - 12 - 21));
    let shorter = terms(date!(2026 - 11 - 20), date!(2026 - 12 - 10));
    let e = check_notice(
        Some(ACT),
        Some(&p),
        &shorter,
        "Errore materiale nella data",
        date!(2026 - 12 - 02),
    )
    .unwrap_err();
    assert_eq!(
        e.get("closes"),
        Some("L'avviso è pubblicato con scadenza 21/12/2026: la scadenza si può solo prorogare, non anticipare al 10/12/2026 (art. 10, comma 1, lettera c, LR Toscana 65/2020).")
    );
    assert!(e
        .get("opens")
        .unwrap()
        .contains("non può aprire il 20/11/2026"));
    let one_day_less = terms(TODAY, date!(2026 - 12 - 20));
    assert!(error(
        check_notice(
            Some(ACT),
            Some(&p),
            &one_day_less,
            "Errore materiale nella data",
            TODAY
        ),
        "closes"
    )
    .starts_with("L'avviso resterebbe pubblicato 19 giorni"));
    let longer = terms(TODAY, date!(2027 - 01 - 11));
    assert_eq!(
        check_notice(
            Some(ACT),
            Some(&p),
            &longer,
            "Proroga chiesta dai tavoli",
            date!(2026 - 12 - 10)
        )
        .unwrap(),
        NoticeSave::Amendment {
            changes: vec!["scadenza"]
        }
    );
}

#[test]
fn an_amendment_has_a_reason_of_twenty_characters() {
    let p = published(TODAY, date!(2026 - 12 - 21));
    let mut t = terms(TODAY, date!(2026 - 12 - 21));
    t.requirements = "Iscrizione al RUNTS o all'albo regionale".into();
    let twenty = "Aggiunto l'albo reg.";
    assert_eq!(twenty.chars().count(), 20);
    assert_eq!(
        check_notice(Some(ACT), Some(&p), &t, twenty, TODAY).unwrap(),
        NoticeSave::Amendment {
            changes: vec!["requisiti"]
        }
    );
    assert_eq!(
        error(check_notice(Some(ACT), Some(&p), &t, &twenty[1..], TODAY), "reason"),
        "Indica il motivo della rettifica (almeno 20 caratteri): resta nel registro delle modifiche e nella pagina pubblica dell'avviso."
    );
    assert_eq!(
        error(
            check_notice(Some(ACT), Some(&p), &p.terms, twenty, TODAY),
            "reason"
        ),
        "L'avviso non è cambiato: non c'è nulla da rettificare."
    );
}

#[test]
fn the_opening_day_is_fixed_once_open() {
    let p = published(TODAY, date!(2026 - 12 - 21));
    let later = terms(date!(2026 - 12 - 02), date!(2026 - 12 - 22));
    assert_eq!(
        error(
            check_notice(
                Some(ACT),
                Some(&p),
                &later,
                "Apertura spostata di un giorno",
                TODAY
            ),
            "opens"
        ),
        "L'avviso è aperto dal 01/12/2026: la data di apertura non si può più cambiare."
    );
    // A scheduled notice may move its opening, not before its publication.
    let scheduled = PublishedNotice {
        terms: terms(date!(2026 - 12 - 10), date!(2026 - 12 - 30)),
        published_on: TODAY,
        runs_to: date!(2026 - 12 - 30),
    };
    let moved = terms(date!(2026 - 12 - 11), date!(2026 - 12 - 31));
    assert_eq!(
        check_notice(
            Some(ACT),
            Some(&scheduled),
            &moved,
            "Apertura dopo l'assemblea",
            date!(2026 - 12 - 09)
        )
        .unwrap(),
        NoticeSave::Amendment {
            changes: vec!["apertura", "scadenza"]
        }
    );
    let earlier = terms(date!(2026 - 11 - 30), date!(2026 - 12 - 30));
    assert!(error(
        check_notice(
            Some(ACT),
            Some(&scheduled),
            &earlier,
            "Apertura anticipata ai sensi",
            TODAY
        ),
        "opens"
    )
    .contains("è pubblico solo dal 01/12/2026"));
    // On its opening day a notice is open.
    assert_eq!(
        error(
            check_notice(
                Some(ACT),
                Some(&scheduled),
                &moved,
                "Apertura dopo l'assemblea",
                date!(2026 - 12 - 10)
            ),
            "opens"
        ),
        "L'avviso è aperto dal 10/12/2026: la data di apertura non si può più cambiare."
    );
}

#[test]
fn nothing_changes_after_the_term() {
    let p = published(TODAY, date!(2026 - 12 - 25));
    assert_eq!(p.runs_to, date!(2026 - 12 - 28));
    let longer = terms(TODAY, date!(2027 - 01 - 15));
    assert!(check_notice(
        Some(ACT),
        Some(&p),
        &longer,
        "Proroga chiesta dai tavoli",
        date!(2026 - 12 - 28)
    )
    .is_ok());
    assert_eq!(
        error(check_notice(Some(ACT), Some(&p), &longer, "Proroga chiesta dai tavoli", date!(2026 - 12 - 29)), "reason"),
        "Il termine dell'avviso è scaduto il 28/12/2026: l'avviso non si può più modificare. Per raccogliere altre domande serve un nuovo avviso."
    );
}

#[test]
fn a_christmas_deadline_runs_to_the_next_working_day() {
    let r = runs_to(date!(2026 - 12 - 25), None);
    assert_eq!(r, date!(2026 - 12 - 28));
    let window = Some((TODAY, r));
    assert_eq!(can_apply(window, date!(2026 - 12 - 28)), Ok(()));
    assert_eq!(
        can_apply(window, date!(2026 - 12 - 29)),
        Err("Il termine per partecipare è scaduto il 28/12/2026: la domanda non può più essere presentata.".into())
    );
    let facts = StageFacts {
        initiated: true,
        notice: window,
        report_approved: false,
    };
    assert_eq!(stage(facts, date!(2026 - 11 - 30)), Stage::NoticeScheduled);
    assert_eq!(
        stage(facts, TODAY),
        Stage::NoticeOpen,
        "open on its opening day"
    );
    assert_eq!(stage(facts, date!(2026 - 12 - 27)), Stage::NoticeOpen);
    assert_eq!(stage(facts, date!(2026 - 12 - 28)), Stage::NoticeOpen);
    assert_eq!(stage(facts, date!(2026 - 12 - 29)), Stage::Path);
    // Livorno's patron saint on a Friday.
    let giulia = PatronDay::new(5, 22).unwrap();
    assert_eq!(
        runs_to(date!(2026 - 05 - 22), Some(giulia)),
        date!(2026 - 05 - 23)
    );
}

#[test]
fn every_stage_has_its_label() {
    let labels: Vec<String> = [
        Stage::Draft,
        Stage::Initiated,
        Stage::NoticeScheduled,
        Stage::NoticeOpen,
        Stage::Path,
        Stage::Concluded,
    ]
    .iter()
    .map(|s| {
        assert_eq!(s.to_string(), s.label());
        s.to_string()
    })
    .collect();
    assert_eq!(
        labels,
        [
            "In preparazione (manca l'atto di avvio)",
            "Avviato (avviso da pubblicare)",
            "Avviso pubblicato, non ancora aperto",
            "Avviso aperto: domande in corso",
            "Percorso in corso",
            "Concluso (relazione approvata)",
        ]
    );
}

#[test]
fn another_party_justifies_in_twenty_characters() {
    use zona_core::coprogramming::{check_applicant, ApplicantKind};
    let twenty = "Unico centro diurno";
    let twenty = format!("{twenty}.");
    assert_eq!(twenty.chars().count(), 20);
    assert_eq!(check_applicant(ApplicantKind::Other, &twenty), Ok(()));
    assert_eq!(
        check_applicant(ApplicantKind::Other, &format!("  {}  ", &twenty[..19])),
        Err("Per un soggetto diverso da un ente del Terzo Settore va motivato (almeno 20 caratteri) perché il suo apporto è direttamente connesso ed essenziale alle finalità e all'oggetto dell'avviso (art. 10, comma 1, lettera b, LR Toscana 65/2020).".to_string())
    );
    assert_eq!(check_applicant(ApplicantKind::ThirdSector, ""), Ok(()));
}

#[test]
fn a_corrected_albo_date_is_checked_again() {
    // Published in zona on 01/12 with an albo date of 16/11 (a typo for
    // 26/11), opening on 16/11: correcting the albo date leaves the opening
    // before the publication, and is refused.
    let mut terms_typo = terms(date!(2026 - 11 - 21), date!(2026 - 12 - 14));
    terms_typo.external = albo(date!(2026 - 11 - 21));
    let p = PublishedNotice {
        terms: terms_typo.clone(),
        published_on: TODAY,
        runs_to: date!(2026 - 12 - 14),
    };
    let mut corrected = terms_typo.clone();
    corrected.external = albo(date!(2026 - 11 - 26));
    let e = check_notice(
        Some(ACT),
        Some(&p),
        &corrected,
        "Corretta la data dell'albo",
        date!(2026 - 12 - 02),
    )
    .unwrap_err();
    assert!(
        e.get("opens")
            .unwrap()
            .starts_with("L'avviso non può aprire il 21/11/2026: è pubblico solo dal 26/11/2026"),
        "{e:?}"
    );
    let mut removed = terms_typo;
    removed.external = None;
    let e = check_notice(
        Some(ACT),
        Some(&p),
        &removed,
        "Tolta la pubblicazione all'albo",
        date!(2026 - 12 - 02),
    )
    .unwrap_err();
    assert!(
        e.get("opens")
            .unwrap()
            .contains("è pubblico solo dal 01/12/2026"),
        "{e:?}"
    );
}

#[test]
fn no_notice_before_its_act_nor_born_closed() {
    let future_act = date!(2026 - 12 - 05);
    assert_eq!(
        error(check_notice(Some(future_act), None, &terms(date!(2026 - 12 - 05), date!(2026 - 12 - 28)), "", TODAY), "opens"),
        "L'atto di avvio è del 05/12/2026: l'avviso si pubblica all'esito dell'atto (art. 10, comma 1, lettera b, LR Toscana 65/2020), non prima."
    );
    let mut old = terms(date!(2026 - 10 - 01), date!(2026 - 10 - 21));
    old.external = albo(date!(2026 - 10 - 01));
    assert_eq!(
        error(
            check_notice(Some(date!(2026 - 09 - 30)), None, &old, "", TODAY),
            "closes"
        ),
        "La scadenza del 21/10/2026 è già passata: l'avviso nascerebbe chiuso."
    );
}

#[test]
fn an_act_of_today_and_a_deadline_of_today_are_in_time() {
    assert!(check_notice(
        Some(TODAY),
        None,
        &terms(TODAY, date!(2026 - 12 - 21)),
        "",
        TODAY
    )
    .is_ok());
    let mut last_day = terms(date!(2026 - 11 - 11), TODAY);
    last_day.external = albo(date!(2026 - 11 - 11));
    assert_eq!(
        check_notice(Some(date!(2026 - 11 - 10)), None, &last_day, "", TODAY),
        Ok(NoticeSave::Publication {
            published_on: TODAY
        })
    );
}

#[test]
fn a_scheduled_opening_moves_only_forward_from_today() {
    let scheduled = PublishedNotice {
        terms: terms(date!(2026 - 12 - 10), date!(2026 - 12 - 30)),
        published_on: TODAY,
        runs_to: date!(2026 - 12 - 30),
    };
    let back = terms(date!(2026 - 12 - 03), date!(2026 - 12 - 30));
    assert_eq!(
        error(check_notice(Some(ACT), Some(&scheduled), &back, "Apertura anticipata di una settimana", date!(2026 - 12 - 05)), "opens"),
        "La nuova apertura del 03/12/2026 è già passata: un avviso non ancora aperto si può spostare solo da oggi in poi."
    );
    let from_today = terms(date!(2026 - 12 - 05), date!(2026 - 12 - 30));
    assert!(check_notice(
        Some(ACT),
        Some(&scheduled),
        &from_today,
        "Apertura anticipata a oggi",
        date!(2026 - 12 - 05)
    )
    .is_ok());
}
