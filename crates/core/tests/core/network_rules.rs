//! The DM 77/2022 network rules that the facilities feed: what each measure
//! counts, the defaults as the decree gives them, the hours of a Casa della
//! Comunità and the verdict. Expected values are worked out by hand.

use rust_decimal::Decimal;
use std::str::FromStr;
use zona_core::network::*;

fn facility(
    kind: FacilityKind,
    hub: Option<HubSpoke>,
    status: FacilityStatus,
    beds: u64,
) -> CountedFacility {
    CountedFacility {
        kind,
        hub_spoke: hub,
        status,
        beds,
    }
}

fn network() -> Vec<CountedFacility> {
    use FacilityKind::*;
    use FacilityStatus::*;
    vec![
        facility(CommunityHouse, Some(HubSpoke::Hub), Open, 0),
        facility(CommunityHouse, Some(HubSpoke::Hub), UnderWorks, 0),
        facility(CommunityHouse, Some(HubSpoke::Hub), Planned, 0),
        facility(CommunityHouse, Some(HubSpoke::Spoke), Open, 0),
        facility(CommunityHouse, None, Open, 0),
        facility(CommunityHospital, None, Open, 20),
        facility(CommunityHospital, None, Planned, 15),
        facility(OperationsCentre, None, Open, 0),
        facility(OperationsCentre, None, Planned, 0),
        facility(FamilyClinic, None, Open, 0),
        facility(FamilyClinic, None, Open, 0),
        facility(FamilyClinic, None, UnderWorks, 0),
        facility(Hospice, None, Open, 8),
        facility(Hospice, None, UnderWorks, 3),
        // Beds of another kind never count as community-hospital or hospice beds.
        facility(IntermediateCare, None, Open, 40),
        facility(Other, None, Open, 99),
    ]
}

fn counted(open: u64, planned: u64) -> Option<Counted> {
    Some(Counted { open, planned })
}

#[test]
fn each_measure_counts_its_own_facilities_by_status() {
    let n = network();
    assert_eq!(count(Measure::HubCommunityHouses, &n), counted(1, 2));
    assert_eq!(count(Measure::CommunityHospitalBeds, &n), counted(20, 15));
    assert_eq!(count(Measure::OperationsCentres, &n), counted(1, 1));
    assert_eq!(count(Measure::FamilyClinics, &n), counted(2, 1));
    assert_eq!(count(Measure::HospiceBeds, &n), counted(8, 3));
    assert_eq!(count(Measure::Manual, &n), None);
    assert_eq!(count(Measure::HubCommunityHouses, &[]), counted(0, 0));
    assert_eq!(count(Measure::Manual, &[]), None);
}

#[test]
fn counted_adds_open_and_the_rest_apart() {
    let mut c = Counted::default();
    c.add(FacilityStatus::Open, 3);
    c.add(FacilityStatus::Open, 2);
    c.add(FacilityStatus::Planned, 4);
    c.add(FacilityStatus::UnderWorks, 1);
    assert_eq!(
        c,
        Counted {
            open: 5,
            planned: 5
        }
    );
}

/// Code, measure, minimum (amount, per), maximum, unit, inner-areas rate.
type DefaultRow<'a> = (
    &'a str,
    Measure,
    u64,
    u64,
    Option<(u64, u64)>,
    Unit,
    Option<(u64, u64)>,
);

#[test]
fn the_defaults_are_the_decrees_rates() {
    let all = dm77_defaults();
    let got: Vec<DefaultRow> = all
        .iter()
        .map(|s| {
            (
                s.code.as_str(),
                s.measure,
                s.min.amount,
                s.min.per,
                s.max.map(|r| (r.amount, r.per)),
                s.unit,
                s.inner_rate.map(|r| (r.amount, r.per)),
            )
        })
        .collect();
    use Measure::*;
    assert_eq!(
        got,
        vec![
            (
                "community_house_hub",
                HubCommunityHouses,
                1,
                50_000,
                Some((1, 40_000)),
                Unit::Count,
                None
            ),
            ("family_nurses", Manual, 1, 3_000, None, Unit::Count, None),
            (
                "continuity_doctors",
                Manual,
                1,
                100_000,
                None,
                Unit::Fte,
                None
            ),
            (
                "continuity_nurses",
                Manual,
                1,
                100_000,
                None,
                Unit::Fte,
                None
            ),
            (
                "operations_centres",
                OperationsCentres,
                1,
                100_000,
                None,
                Unit::Count,
                None
            ),
            (
                "community_hospital_beds",
                CommunityHospitalBeds,
                20,
                100_000,
                None,
                Unit::Count,
                None
            ),
            (
                "hospice_beds",
                HospiceBeds,
                8,
                100_000,
                Some((10, 100_000)),
                Unit::Count,
                None
            ),
            (
                "palliative_home_units",
                Manual,
                1,
                100_000,
                None,
                Unit::Count,
                None
            ),
            (
                "family_clinics",
                FamilyClinics,
                1,
                20_000,
                None,
                Unit::Count,
                Some((1, 10_000))
            ),
        ]
    );
    for s in &all {
        assert!(s.source.starts_with("DM 77/2022, All. 1, "), "{}", s.source);
        assert!(!s.label.is_empty());
    }
}

#[test]
fn a_check_reports_the_gap_to_the_minimum() {
    let hub = dm77_defaults().into_iter().next().unwrap();
    // 169.931 inhabitants: at least 169.931 ÷ 50.000 → 4, at most ÷ 40.000 → 5.
    assert_eq!(
        check(&hub, 169_931, 1),
        Check {
            required_min: 4,
            required_max: Some(5),
            existing: 1,
            gap: 3
        }
    );
    assert_eq!(check(&hub, 169_931, 4).gap, 0);
    assert_eq!(
        check(&hub, 169_931, 9).gap,
        0,
        "more than required is no gap"
    );
}

#[test]
fn outcomes_compare_with_the_minimum_included() {
    let d = |s| Decimal::from_str(s).unwrap();
    assert_eq!(outcome(d("1.70"), Some(d("1.70"))), Outcome::Met);
    assert_eq!(outcome(d("1.70"), Some(d("1.69"))), Outcome::NotMet);
    assert_eq!(outcome(d("1.70"), None), Outcome::Unknown);
}

#[test]
fn presence_is_bounded_and_covers_on_both_axes() {
    assert_eq!(
        Presence::new(0, 7).unwrap_err(),
        "Le ore al giorno vanno da 1 a 24."
    );
    assert_eq!(
        Presence::new(25, 7).unwrap_err(),
        "Le ore al giorno vanno da 1 a 24."
    );
    assert_eq!(
        Presence::new(12, 0).unwrap_err(),
        "I giorni a settimana vanno da 1 a 7."
    );
    assert_eq!(
        Presence::new(12, 8).unwrap_err(),
        "I giorni a settimana vanno da 1 a 7."
    );
    let p = Presence::new(24, 7).unwrap();
    assert_eq!(p.to_string(), "H24 7/7");
    assert_eq!(Presence::new(1, 1).unwrap().to_string(), "H1 1/7");
    let h12_6 = Presence::new(12, 6).unwrap();
    assert!(h12_6.covers(h12_6));
    assert!(!h12_6.covers(Presence::new(13, 6).unwrap()));
    assert!(!h12_6.covers(Presence::new(12, 7).unwrap()));
    assert!(p.covers(h12_6));
}

#[test]
fn house_hours_against_hub_and_spoke() {
    let p = |h, d| Some(Presence::new(h, d).unwrap());
    let hub_ok = HouseHours {
        doctors: p(24, 7),
        nurses: p(12, 7),
    };
    assert_eq!(check_hours(HubSpoke::Hub, hub_ok), (Outcome::Met, vec![]));
    let hub_short = HouseHours {
        doctors: p(12, 7),
        nurses: p(12, 6),
    };
    assert_eq!(
        check_hours(HubSpoke::Hub, hub_short),
        (
            Outcome::NotMet,
            vec![
                "presenza medica H12 7/7 invece di H24 7/7".to_string(),
                "presenza infermieristica H12 6/7 invece di H12 7/7".to_string()
            ]
        )
    );
    let spoke_half = HouseHours {
        doctors: p(12, 6),
        nurses: None,
    };
    assert_eq!(
        check_hours(HubSpoke::Spoke, spoke_half),
        (Outcome::Unknown, vec![])
    );
    // Short on one side and unknown on the other is not met.
    let spoke_short = HouseHours {
        doctors: p(8, 6),
        nurses: None,
    };
    assert_eq!(check_hours(HubSpoke::Spoke, spoke_short).0, Outcome::NotMet);
}

#[test]
fn the_verdict_in_words() {
    use Outcome::*;
    assert_eq!(
        Verdict::new(&[Met, Met], &[Met]).text(),
        "Tutti gli standard sono rispettati."
    );
    assert!(Verdict::new(&[Met], &[]).all_met());
    assert_eq!(
        Verdict::new(&[NotMet, Met, Unknown], &[NotMet, Unknown]).text(),
        "1 standard non rispettato su 3; 1 Casa della Comunità con orari sotto lo standard; 2 verifiche non possibili per dati mancanti."
    );
    assert_eq!(
        Verdict::new(&[NotMet, NotMet], &[NotMet, NotMet]).text(),
        "2 standard non rispettati su 2; 2 Case della Comunità con orari sotto lo standard."
    );
    assert_eq!(
        Verdict::new(&[Met, Unknown], &[]).text(),
        "Nessuno standard non rispettato su 2; 1 verifica non possibile per dati mancanti."
    );
    assert!(!Verdict::new(&[Met], &[Unknown]).all_met());
}

#[test]
fn inner_areas_are_d_e_f() {
    use InnerAreaClass::*;
    let inner: Vec<bool> = [
        Pole,
        InterPole,
        Belt,
        Intermediate,
        Peripheral,
        UltraPeripheral,
    ]
    .iter()
    .map(|c| c.is_inner())
    .collect();
    assert_eq!(inner, [false, false, false, true, true, true]);
}

#[test]
fn rates_print_in_italian() {
    assert_eq!(
        Rate {
            amount: 20,
            per: 100_000
        }
        .to_string(),
        "20 ogni 100.000 abitanti"
    );
}

#[test]
fn rates_multiply_the_amount() {
    let d = |s| Decimal::from_str(s).unwrap();
    let two_per_hundred_thousand = Rate {
        amount: 2,
        per: 100_000,
    };
    // 150.000 × 2 ÷ 100.000 = 3.
    assert_eq!(two_per_hundred_thousand.required_fte(150_000), d("3.00"));
    assert_eq!(two_per_hundred_thousand.share(150_000), d("3"));
    assert_eq!(two_per_hundred_thousand.required(150_000), 3);
    // 20 beds every 100.000: 169.931 → 33,9862 → 34.
    let beds = Rate {
        amount: 20,
        per: 100_000,
    };
    assert_eq!(beds.share(169_931), d("33.9862"));
    assert_eq!(beds.required(169_931), 34);
    assert_eq!(beds.required_fte(169_931), d("33.99"));
    // No rate, nothing required.
    let none = Rate { amount: 1, per: 0 };
    assert_eq!(none.required(1_000), 0);
    assert_eq!(none.required_fte(1_000), d("0.00"));
    assert_eq!(none.share(1_000), d("0"));
}
