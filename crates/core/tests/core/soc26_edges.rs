//! The SOC26 rules at their edges: every refusal with its field and message,
//! and the warnings exactly at their thresholds. Expected values are worked
//! out by hand from the form's rules (docs/soc26.md).

use crate::common::{d, livorno};
use rust_decimal::Decimal;
use zona_core::soc26::*;
use zona_core::Cents;

/// The problems of a form, as (field, message).
fn problems(f: &Soc26Input) -> Vec<(String, String)> {
    validate(&Soc26Spec::form_2025(), f)
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect()
}

fn one(field: &str, message: &str) -> Vec<(String, String)> {
    vec![(field.to_string(), message.to_string())]
}

#[test]
fn the_livorno_form_is_valid() {
    assert_eq!(problems(&livorno()), vec![]);
}

#[test]
fn staff_numbers_are_not_negative_nor_over_precise_nor_too_large() {
    type Set = fn(&mut Soc26Input, Decimal);
    let fields: [(&str, Set); 8] = [
        ("R01", |f, v| f.r01_reference = v),
        ("R01", |f, v| f.r01 = v),
        ("R01A", |f, v| f.r01a = v),
        ("R02", |f, v| f.r02_reference = v),
        ("R02", |f, v| f.r02 = v),
        ("R02X", |f, v| f.r02x = v),
        ("R02Y", |f, v| f.r02y = v),
        ("R02A", |f, v| f.r02a = v),
    ];
    // R02 large enough for its "di cui" R02X and R02Y.
    let base = || {
        let mut f = livorno();
        f.r02 = d("100000");
        f.r02x = d("0");
        f.r02y = d("0");
        f
    };
    for (code, set) in fields {
        let mut f = base();
        set(&mut f, d("-0.01"));
        assert!(
            problems(&f).contains(&(code.into(), "Il numero non può essere negativo.".into())),
            "{code}: {:?}",
            problems(&f)
        );
        let mut f = base();
        set(&mut f, d("1.234"));
        assert_eq!(problems(&f), one(code, "Al massimo 2 decimali."), "{code}");
        // Trailing zeros are not decimals.
        let mut f = base();
        set(&mut f, d("1.2300"));
        assert_eq!(problems(&f), vec![], "{code}");
        let mut f = base();
        set(&mut f, d("100000"));
        assert_eq!(problems(&f), vec![], "{code} at the maximum");
        set(&mut f, d("100000.01"));
        assert!(
            problems(&f).contains(&(
                code.into(),
                format!("Il valore di {code} non può essere superiore a 100.000.")
            )),
            "{code}: {:?}",
            problems(&f)
        );
    }
    // A negative zero is zero.
    let mut f = livorno();
    f.r02a = d("-0");
    assert_eq!(problems(&f), vec![]);
}

#[test]
fn the_reference_service_level_is_a_percentage() {
    let mut f = livorno();
    f.r05 = d("-0.01");
    assert_eq!(
        problems(&f),
        one(
            "R05",
            "Il livello di servizio di riferimento non può essere negativo."
        )
    );
    f.r05 = d("0");
    assert_eq!(problems(&f), vec![]);
    f.r05 = d("100");
    assert_eq!(problems(&f), vec![]);
    f.r05 = d("100.01");
    assert_eq!(
        problems(&f),
        one("R05", "Il valore di R05 non può essere superiore a 100.")
    );
}

#[test]
fn amounts_are_not_negative_nor_beyond_a_hundred_billion() {
    type Set = fn(&mut Soc26Input, Cents);
    let fields: [(&str, Set); 5] = [
        ("R06", |f, v| f.r06 = v),
        ("R07", |f, v| f.r07_first = v),
        ("R07", |f, v| f.r07_latest = v),
        ("R08", |f, v| f.r08 = v),
        ("R09", |f, v| f.r09 = v),
    ];
    for (code, set) in fields {
        let mut f = livorno();
        set(&mut f, Cents(-1));
        assert_eq!(
            problems(&f),
            one(code, "L'importo non può essere negativo."),
            "{code}"
        );
        set(&mut f, Cents(0));
        assert_eq!(problems(&f), vec![], "{code}");
        set(&mut f, Cents(10_000_000_000_000));
        assert_eq!(problems(&f), vec![], "{code} at 100 billion euros");
        set(&mut f, Cents(10_000_000_000_001));
        assert_eq!(
            problems(&f),
            one(
                code,
                &format!("Il valore di {code} non può essere superiore a 100.000.000.000,00 €.")
            ),
            "{code}"
        );
    }
}

#[test]
fn quadro3_objectives_are_checked_one_by_one() {
    type Get = fn(&mut Soc26Input) -> &mut Objective;
    let objectives: [(&str, Get); 5] = [
        ("R10", |f| &mut f.r10),
        ("R11", |f| &mut f.r11),
        ("R12", |f| &mut f.r12),
        ("R13", |f| &mut f.r13),
        ("R14", |f| &mut f.r14),
    ];
    for (code, get) in objectives {
        let mut f = livorno();
        get(&mut f).spending = Cents(-1);
        assert_eq!(
            problems(&f),
            one(code, "La spesa aggiuntiva non può essere negativa."),
            "{code}"
        );
        get(&mut f).spending = Cents(10_000_000_000_000);
        assert!(problems(&f).is_empty(), "{code} at the ceiling");
        get(&mut f).spending = Cents(10_000_000_000_001);
        assert_eq!(
            problems(&f),
            one(
                code,
                &format!("Il valore di {code} non può essere superiore a 100.000.000.000,00 €.")
            ),
            "{code}"
        );
        let mut f = livorno();
        get(&mut f).number = Some(d("-1"));
        assert_eq!(
            problems(&f),
            one(code, "Il numero non può essere negativo."),
            "{code}"
        );
        get(&mut f).number = Some(d("100000"));
        assert_eq!(problems(&f), vec![], "{code}");
        get(&mut f).number = Some(d("100000.01"));
        assert_eq!(
            problems(&f),
            one(
                code,
                &format!("Il valore di {code} non può essere superiore a 100.000.")
            ),
            "{code}"
        );
        get(&mut f).number = Some(d("1.234"));
        assert_eq!(problems(&f), one(code, "Al massimo 2 decimali."), "{code}");
    }
}

#[test]
fn r01_zero_with_ats_staff_is_a_ratio() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    f.r01 = d("0");
    f.r01a = d("10");
    assert_eq!(problems(&f), vec![]);
    let r = compute(&spec, &f);
    // 153.154 ÷ 10 = 15.315,4 → 15.315.
    assert_eq!(r.r01b, Some(d("15315")));
    assert_eq!(
        r.r01b_sentence,
        "Nel 2025 per il Comune il numero di assistenti sociali in rapporto alla popolazione è risultato pari a 1 ogni 15315 abitanti."
    );
    // Equal staff of the municipality and of the ATS is staff, not zero.
    f.r01 = d("10");
    assert_eq!(problems(&f), vec![]);
    f.r01 = d("0");
    f.r01a = d("0");
    assert_eq!(
        problems(&f),
        one("R01A", "R01 + R01A = 0: senza assistenti sociali il rapporto R01B con la popolazione non è calcolabile. Indicare gli assistenti sociali del Comune (R01) o forniti dall'ambito (R01A).")
    );
}

/// A form whose spending is below R06 with `r09` to report.
fn quadro3_due(r09: i64) -> Soc26Input {
    let mut f = livorno();
    f.r07_latest = Cents(f.r06.0 - 1);
    f.r09 = Cents(r09);
    f
}

#[test]
fn what_remains_to_report_is_r09_minus_r15() {
    let spec = Soc26Spec::form_2025();
    let mut f = quadro3_due(500_000);
    f.r12.spending = Cents(200_000);
    f.r13.spending = Cents(50_000);
    let r = compute(&spec, &f);
    assert!(r.quadro3_required);
    assert_eq!(r.r15, Cents(250_000));
    assert_eq!(r.still_to_report, Some(Cents(250_000)));
    assert_eq!(
        r.warnings,
        vec!["Il totale degli obiettivi di servizio (R15, 2.500,00 €) è inferiore alle risorse da rendicontare (R09, 5.000,00 €): restano da rendicontare 2.500,00 €.".to_string()]
    );
    // R15 equal to R09: nothing left, no warning.
    f.r14.spending = Cents(250_000);
    let r = compute(&spec, &f);
    assert_eq!(r.r15, Cents(500_000));
    assert_eq!(r.still_to_report, None);
    assert_eq!(r.warnings, Vec::<String>::new());
}

#[test]
fn r10_is_warned_beyond_the_useful_social_workers_only() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    // Capraia-like: 6.501 inhabitants need 1,01 workers (rounded up); with none
    // on record 1,01 are useful.
    f.r03 = 6_501;
    f.r01 = d("0");
    f.r01a = d("0.5");
    assert_eq!(
        useful_additional_social_workers(&spec, 6_501, d("0"), d("0.5")),
        d("0.51")
    );
    f.r10.number = Some(d("0.51"));
    assert!(compute(&spec, &f)
        .warnings
        .iter()
        .all(|w| !w.starts_with("R10")));
    f.r10.number = Some(d("0.52"));
    assert!(
        compute(&spec, &f).warnings.contains(&"R10 indica 0,52 assistenti sociali aggiuntivi, oltre i 0,51 utili a raggiungere la soglia di 1 ogni 6.500 abitanti.".to_string()),
        "{:?}",
        compute(&spec, &f).warnings
    );
    // Never below zero.
    assert_eq!(
        useful_additional_social_workers(&spec, 6_500, d("2"), d("0")),
        d("0.00")
    );
}

#[test]
fn amounts_in_a_quadro3_not_due_are_flagged() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    assert!(!compute(&spec, &f).quadro3_required);
    f.r11.spending = Cents(1);
    assert_eq!(
        compute(&spec, &f).warnings,
        vec!["Il Quadro 3 non è richiesto: gli importi inseriti nel Quadro 3 non saranno considerati.".to_string()]
    );
    // Below the threshold of R09 Quadro 3 is not due either.
    let mut f = quadro3_due(99_999);
    f.r11.spending = Cents(1);
    let r = compute(&spec, &f);
    assert!(!r.quadro3_required);
    assert!(r.warnings.contains(
        &"Il Quadro 3 non è richiesto: gli importi inseriti nel Quadro 3 non saranno considerati."
            .to_string()
    ));
}

#[test]
fn the_lep_note_is_the_forms_paragraph() {
    assert_eq!(
        lep_note(),
        "Va segnalato che nei servizi sociali è attualmente definito un LEP relativo al numero di assistenti sociali in rapporto alla popolazione in ogni ambito territoriale sociale (ATS), in ragione di un assistente sociale ogni 5.000 abitanti, nella prospettiva di raggiungere un più avanzato obiettivo di servizio, pari a un assistente ogni 4.000 abitanti (L.178/2020)."
    );
}

#[test]
fn the_zone_ratio_shows_two_decimals() {
    assert_eq!(
        inhabitants_per_worker_shown(170_013, d("34")),
        Some(d("5000.38"))
    );
    assert_eq!(
        inhabitants_per_worker_shown(170_000, d("34")),
        Some(d("5000.00"))
    );
    // 1 ÷ 8 = 0,125 → 0,13 (half away from zero).
    assert_eq!(inhabitants_per_worker_shown(1, d("8")), Some(d("0.13")));
    assert_eq!(inhabitants_per_worker_shown(1, d("0")), None);
    assert_eq!(inhabitants_per_worker_shown(1, d("-1")), None);
}

#[test]
fn users_hours_and_inhabitants_have_a_ceiling() {
    let mut f = livorno();
    f.users_reference.insert("M12".into(), 10_000_000);
    f.users_current.insert("M12".into(), 10_000_000);
    f.hours_current.insert("M12".into(), 100_000_000);
    assert_eq!(problems(&f), vec![], "at the ceilings");
    f.users_reference.insert("M12".into(), 10_000_001);
    assert_eq!(
        problems(&f),
        one(
            "M12",
            "Il valore di M12 non può essere superiore a 10.000.000."
        )
    );
    let mut f = livorno();
    f.users_current.insert("M15".into(), 10_000_001);
    assert_eq!(
        problems(&f),
        one(
            "M15",
            "Il valore di M15 non può essere superiore a 10.000.000."
        )
    );
    let mut f = livorno();
    f.hours_current.insert("M15".into(), 100_000_001);
    assert_eq!(
        problems(&f),
        one(
            "M15",
            "Il valore di M15 non può essere superiore a 100.000.000."
        )
    );
    // Inhabitants, of the municipality or per social worker of the ATS: each alone.
    let mut f = livorno();
    f.r03 = 10_000_000;
    f.r0e_ats_inhabitants_per_social_worker = Some(10_000_000);
    assert_eq!(problems(&f), vec![]);
    f.r03 = 10_000_001;
    assert_eq!(
        problems(&f),
        one(
            "R03",
            "Il valore di R03 non può essere superiore a 10.000.000."
        )
    );
    f.r03 = 153_154;
    f.r0e_ats_inhabitants_per_social_worker = Some(10_000_001);
    assert_eq!(
        problems(&f),
        one(
            "R03",
            "Il valore di R03 non può essere superiore a 10.000.000."
        )
    );
}

#[test]
fn the_staffing_level_counts_municipal_and_ats_staff_together() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    // 10.000 inhabitants, 1 + 1 social workers: exactly 1 every 5.000.
    f.r03 = 10_000;
    f.r01 = d("1");
    f.r01a = d("1");
    let r = compute(&spec, &f);
    assert_eq!(r.staffing, StaffingLevel::Lep);
    assert_eq!(
        r.staffing_sentence,
        "Il rapporto raggiunge il LEP di 1 assistente sociale ogni 5.000 abitanti, non ancora l'obiettivo di 1 ogni 4.000."
    );
    f.r01a = d("1.5");
    assert_eq!(compute(&spec, &f).staffing, StaffingLevel::Target);
}

#[test]
fn permanent_staff_is_read_in_hundredths() {
    assert_eq!(read_permanent_fte(""), Ok(None));
    assert_eq!(read_permanent_fte("  "), Ok(None));
    assert_eq!(read_permanent_fte("12,50"), Ok(Some(1250)));
    assert_eq!(read_permanent_fte("5"), Ok(Some(500)));
    assert_eq!(read_permanent_fte("0"), Ok(Some(0)));
    assert_eq!(read_permanent_fte("100.000"), Ok(Some(10_000_000)));
    assert_eq!(
        read_permanent_fte("-1"),
        Err("Il numero di assistenti non può essere negativo.".into())
    );
    assert_eq!(
        read_permanent_fte("100.000,01"),
        Err("Al massimo 100.000 assistenti.".into())
    );
    assert_eq!(
        read_permanent_fte("1,234"),
        Err("«1,234»: al massimo 2 decimali.".into())
    );
    assert_eq!(
        read_permanent_fte("1.5"),
        Err("«1.5»: usare la virgola per i decimali (esempio 1234,56); il punto separa solo le migliaia, a gruppi di tre cifre.".into())
    );
}

/// A form variant the region writes is checked before it is used: the
/// shipped 2025 form passes; disordered thresholds, a repeated row and a
/// reference year after the form's own are refused, each with its message.
#[test]
fn a_form_variant_is_checked_before_use() {
    let shipped = serde_json::to_string(&Soc26Spec::form_2025()).unwrap();
    assert_eq!(
        Soc26Spec::from_json(&shipped).unwrap(),
        Soc26Spec::form_2025()
    );
    let mut v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    v["year"] = 2026.into();
    v["reference_year"] = 2027.into();
    v["social_worker_lep"] = 7000.into();
    let first = v["rows"][0].clone();
    v["rows"].as_array_mut().unwrap().push(first);
    let problems = Soc26Spec::from_json(&v.to_string()).unwrap_err();
    assert_eq!(
        problems,
        vec![
            "L'anno di riferimento del confronto degli utenti deve precedere l'anno del modulo.",
            "Il codice di rigo M12 compare più di una volta.",
            "Le soglie di abitanti per assistente sociale vanno dalla più alta alla più bassa: soglia minima, LEP, obiettivo di servizio (6.500, 5.000, 4.000 nella L. 178/2020).",
        ]
    );
    assert!(Soc26Spec::from_json("{\"year\": 2026}").unwrap_err()[0]
        .starts_with("Il file non descrive un modulo SOC26"));
}

/// The forms in use: a stored variant takes the shipped one's place for its
/// year, a new year is added, and the latest is the newest year.
#[test]
fn stored_variants_replace_or_add_to_the_shipped_forms() {
    let mut corrected = Soc26Spec::form_2025();
    corrected.contribution_to_target = Cents(2_500_000);
    let mut next = Soc26Spec::form_2025();
    next.year = 2026;
    next.reference_year = 2020;
    let forms = Soc26Forms::with(vec![corrected.clone(), next.clone()]);
    assert_eq!(forms.for_year(2025), Some(&corrected));
    assert_eq!(forms.latest(), &next);
    assert_eq!(forms.all().len(), Soc26Spec::all().len() + 1);
    assert_eq!(Soc26Forms::with(Vec::new()), Soc26Forms::shipped());
}
