//! The Livorno 2025 SOC26 form (seed 003): every printed figure, reproduced.

use zona_core::soc26::*;
use zona_core::Cents;

use crate::common::{d, livorno};

#[test]
fn livorno_2025_reproduces_every_printed_figure() {
    let spec = Soc26Spec::form_2025();
    let f = livorno();
    assert_eq!(validate(&spec, &f), vec![]);
    let r = compute(&spec, &f);
    assert_eq!((r.rob_reference, r.rob_current), (16366, 20967));
    let expected = [
        ("M12", Some("50.22")),
        ("M15", Some("100.39")),
        ("M18", Some("0.00")),
        ("M21", Some("32.82")),
        ("M24", Some("1.00")),
        ("M27", Some("6.95")),
        ("M30", None),
        ("M44", Some("1834.01")),
        ("M47", Some("807.14")),
        ("M50", Some("0.00")),
        ("M53", Some("4888.23")),
        ("M56", Some("4855.56")),
        ("M59", Some("2752.29")),
        ("ROA", None),
    ];
    for (code, value) in expected {
        let got = r
            .average_hours
            .get(code)
            .unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(
            got.map(|v| v.to_string()),
            value.map(str::to_string),
            "{code}"
        );
    }
    assert!(
        !r.average_hours.contains_key("M35"),
        "contributions have no hours"
    );
    assert_eq!(r.r01b, Some(d("1939")));
    assert_eq!(r.r01b_sentence, "Nel 2025 per il Comune il numero di assistenti sociali in rapporto alla popolazione è risultato pari a 1 ogni 1939 abitanti.");
    assert_eq!(r.r04.to_string(), "13.69");
    assert!(r.service_level_not_lower);
    assert_eq!(r.service_level_sentence, "Nel 2025 il livello di servizio effettivo dell'ente locale è risultato non inferiore al livello di servizio di riferimento.");
    assert!(r.quadro2_required);
    assert!(
        r.spending_not_lower,
        "R07 2021 above R06 (R07 2017 is below: the latest year decides)"
    );
    assert_eq!(
        r.quadro2_sentence,
        "La spesa dell'ente locale è risultata non inferiore al livello del fabbisogno standard monetario per la funzione Servizi sociali. Anche il livello dei servizi è risultato non inferiore a quello di riferimento. L'ente non deve compilare il Quadro 3 degli obiettivi di servizio."
    );
    assert!(!r.quadro3_required);
    assert_eq!(r.r15, Cents(0));
    assert_eq!(r.staffing, StaffingLevel::Target);
    assert_eq!(r.useful_additional_social_workers, d("0"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn a_service_level_below_the_reference_changes_the_sentences() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    f.r05 = d("13.70");
    let r = compute(&spec, &f);
    assert!(!r.service_level_not_lower);
    assert!(r.quadro2_required, "Quadro 2 is filled in either case");
    assert_eq!(r.service_level_sentence, "Nel 2025 il livello di servizio effettivo dell'ente locale è risultato inferiore al livello di servizio di riferimento.");
    assert!(r
        .quadro2_sentence
        .contains("Il livello dei servizi è invece risultato inferiore a quello di riferimento."));
    assert!(!r.quadro3_required);
    // Equal counts as not lower.
    f.r05 = d("13.69");
    assert!(compute(&spec, &f).service_level_not_lower);
}

#[test]
fn spending_below_the_standard_need_requires_quadro3_from_1000_euro() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    f.r07_latest = Cents(1_800_000_000);
    f.r09 = Cents(100_000);
    let r = compute(&spec, &f);
    assert!(!r.spending_not_lower);
    assert!(r.quadro3_required, "1.000,00 € included");
    assert!(r.quadro2_sentence.starts_with("La spesa dell'ente locale è risultata inferiore al livello del fabbisogno standard monetario"));
    assert!(r
        .quadro2_sentence
        .ends_with("L'ente deve compilare il Quadro 3 degli obiettivi di servizio."));
    assert_eq!(r.still_to_report, Some(Cents(100_000)));
    assert!(
        r.warnings[0].contains("restano da rendicontare 1.000,00 €"),
        "{:?}",
        r.warnings
    );

    f.r09 = Cents(99_999);
    let r = compute(&spec, &f);
    assert!(!r.quadro3_required);
    assert!(
        r.quadro2_sentence
            .contains("(R09, 999,99 €) sono inferiori a 1.000,00 €"),
        "{}",
        r.quadro2_sentence
    );

    // Both below.
    f.r09 = Cents(5_000_000);
    f.r05 = d("20.00");
    let r = compute(&spec, &f);
    assert!(r
        .quadro2_sentence
        .contains("Anche il livello dei servizi è risultato inferiore a quello di riferimento."));
    // Objectives reported: R15 is their sum; what is missing is a warning.
    f.r10 = Objective {
        number: Some(d("2.00")),
        method: Some("costo medio annuo".into()),
        spending: Cents(8_000_000),
    };
    f.r13 = Objective {
        number: None,
        method: None,
        spending: Cents(1_234_567),
    };
    let r = compute(&spec, &f);
    assert_eq!(r.r15, Cents(9_234_567));
    assert_eq!(r.still_to_report, None, "R15 above R09");
    assert!(
        r.warnings.iter().any(
            |w| w.contains("R10 indica 2,00 assistenti sociali aggiuntivi, oltre i 0,00 utili")
        ),
        "{:?}",
        r.warnings
    );
}

#[test]
fn no_social_workers_means_no_ratio() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    f.r01 = d("0");
    f.r01a = d("0");
    let r = compute(&spec, &f);
    assert_eq!(r.r01b, None);
    assert_eq!(r.staffing, StaffingLevel::None);
    assert!(r.r01b_sentence.contains("non è calcolabile"));
    assert_eq!(
        r.useful_additional_social_workers,
        d("23.57"),
        "153154 / 6500 = 23.562…, rounded up"
    );
}

#[test]
fn invalid_forms_are_explained_field_by_field() {
    let spec = Soc26Spec::form_2025();
    let mut f = livorno();
    f.r02x = d("5");
    f.r03 = 0;
    f.r06 = Cents(-1);
    f.r16 = "x".repeat(6001);
    f.hours_current.insert("M35".into(), 10);
    f.users_current.insert("M99".into(), 1);
    let problems = validate(&spec, &f);
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["M99", "M35", "R02X", "R03", "R06", "R16"],
        "{problems:?}"
    );
    assert!(problems[2]
        .message
        .contains("insieme (117,00) non possono superare R02 (116,00)"));
    assert_eq!(
        problems[5].message,
        "La relazione può avere al massimo 6.000 caratteri: ne ha 6.001."
    );
    // Characters, not bytes.
    f.r16 = "è".repeat(6000);
    assert!(validate(&spec, &f).iter().all(|p| p.field != "R16"));
}

#[test]
fn staffing_thresholds_and_the_ats_contribution() {
    let spec = Soc26Spec::form_2025();
    assert_eq!(staffing_level(&spec, 5001, d("1")), StaffingLevel::BelowLep);
    assert_eq!(staffing_level(&spec, 5000, d("1")), StaffingLevel::Lep);
    assert_eq!(staffing_level(&spec, 4000, d("1")), StaffingLevel::Target);
    assert_eq!(staffing_level(&spec, 4000, d("0")), StaffingLevel::None);
    // 170,013 inhabitants and 34 social workers: 1 every 5,000,38. The
    // ratio prints as 5.000 once rounded, but the LEP is not reached.
    assert_eq!(
        inhabitants_per_social_worker(170_013, d("34"), d("0")),
        Some(d("5000"))
    );
    assert_eq!(
        staffing_level(&spec, 170_013, d("34")),
        StaffingLevel::BelowLep
    );
    assert_eq!(staffing_level(&spec, 170_000, d("34")), StaffingLevel::Lep);
    // Half a post counts: 4,000 × 40,5 = 162,000.
    assert_eq!(
        staffing_level(&spec, 162_000, d("40.50")),
        StaffingLevel::Target
    );
    assert_eq!(
        staffing_level(&spec, 162_001, d("40.50")),
        StaffingLevel::Lep
    );
    // 130,000 inhabitants: floor 20, LEP 26, target 32.5 social workers.
    assert_eq!(ats_contribution(&spec, 130_000, d("20")), Cents(0));
    assert_eq!(
        ats_contribution(&spec, 130_000, d("26")),
        Cents(24_000_000),
        "6 × 40.000 €"
    );
    assert_eq!(
        ats_contribution(&spec, 130_000, d("30")),
        Cents(32_000_000),
        "+ 4 × 20.000 €"
    );
    assert_eq!(
        ats_contribution(&spec, 130_000, d("50")),
        Cents(37_000_000),
        "capped at 1:4,000: 6 × 40.000 + 6,5 × 20.000"
    );
}

#[test]
fn users_by_area_across_services_contributions_and_structures() {
    let spec = Soc26Spec::form_2025();
    let areas = compare_areas(&spec, &livorno());
    let names: Vec<&str> = areas.iter().map(|a| a.area.as_str()).collect();
    assert_eq!(
        names,
        [
            "famiglia e minori",
            "disabili",
            "con dipendenze e salute mentale",
            "anziani",
            "immigrati e nomadi",
            "povertà, disagio adulti e senza dimora",
            "multiutenza"
        ]
    );
    // Famiglia e minori: M12 + M35 + M44.
    assert_eq!(
        (areas[0].reference, areas[0].current),
        (559 + 134 + 121, 2031 + 208 + 247)
    );
    assert_eq!(areas[0].change_percent().unwrap().to_string(), "205.4");
    assert_eq!(areas[2].change_percent(), None, "no users in 2019");
    let total: u64 = areas.iter().map(|a| a.current).sum();
    assert_eq!(total, 20967, "the areas add up to ROB");
}

#[test]
fn the_form_variants_are_data() {
    let all = Soc26Spec::all();
    assert!(!all.is_empty());
    let f = Soc26Spec::form_2025();
    assert_eq!((f.year, f.reference_year, f.rows.len()), (2025, 2019, 21));
    assert_eq!(f.row("M30").unwrap().label, "Utenti Multiutenza");
    assert_eq!(f.quadro3_threshold, Cents(100_000));
    assert_eq!(Soc26Spec::latest().year, all.last().unwrap().year);
    assert!(Soc26Spec::for_year(1999).is_none());
}

#[test]
fn the_spending_readings_are_flagged_where_they_disagree() {
    let spec = Soc26Spec::form_2025();
    // Livorno: 2017 below R06, 2021 above: every admissible reading agrees.
    let mut f = livorno();
    assert_eq!(spending_readings_disagree(&spec, &f), None);
    assert!(!compute(&spec, &f)
        .warnings
        .iter()
        .any(|w| w.contains("maggiore delle due spese")));
    // 2017 at R06 exactly (not lower), 2021 one cent below.
    f.r07_first = f.r06;
    f.r07_latest = Cents(f.r06.0 - 1);
    let w = spending_readings_disagree(&spec, &f).expect("the readings disagree");
    assert_eq!(
        w,
        "La spesa storica 2017 (R07, 19.096.142,52 €) non è inferiore al fabbisogno standard monetario (R06, 19.096.142,52 €), quella 2021 (R07, 19.096.142,51 €) sì. zona confronta R06 con la spesa più recente, quella 2021: la spesa risulta inferiore e il Quadro 3 è dovuto se R09 raggiunge 1.000,00 €. Se la scheda ufficiale considerasse la maggiore delle due spese, la spesa risulterebbe non inferiore e il Quadro 3 non sarebbe dovuto: verificare l'esito con la scheda precompilata prima dell'invio."
    );
    assert!(compute(&spec, &f).warnings.contains(&w));
    // 2017 one cent below R06: no disagreement left to flag.
    f.r07_first = Cents(f.r06.0 - 1);
    assert_eq!(spending_readings_disagree(&spec, &f), None);
    // 2021 at R06: not lower either way.
    f.r07_first = f.r06;
    f.r07_latest = f.r06;
    assert_eq!(spending_readings_disagree(&spec, &f), None);
}
