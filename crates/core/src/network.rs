//! The network of territorial services: facilities (Case della Comunità,
//! community hospitals, intermediate-care beds, operations centres, family
//! clinics), and the territorial-care standards of DM 77/2022 against which
//! a zone's network is checked.

use crate::org::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

labelled_enum! {
    /// What a facility is.
    FacilityKind {
        CommunityHouse = "community_house", "Casa della Comunità";
        CommunityHospital = "community_hospital", "Ospedale di Comunità";
        IntermediateCare = "intermediate_care", "Cure intermedie";
        OperationsCentre = "operations_centre", "Centrale Operativa Territoriale (COT)";
        FamilyClinic = "family_clinic", "Consultorio familiare";
        Hospice = "hospice", "Hospice";
        Other = "other", "Altra struttura";
    }
}

labelled_enum! {
    /// The role of a Casa della Comunità in its network (DM 77/2022, § 4).
    HubSpoke {
        Hub = "hub", "Hub";
        Spoke = "spoke", "Spoke";
    }
}

labelled_enum! {
    FacilityStatus {
        Planned = "planned", "Programmata";
        UnderWorks = "under_works", "In costruzione";
        Open = "open", "Attiva";
    }
}

labelled_enum! {
    /// Care level of intermediate-care beds (DGRT 909/2017 for Tuscany).
    CareLevel {
        LowCare = "low_care", "Low care (I livello)";
        First = "first", "I livello";
        Second = "second", "II livello";
        Third = "third", "III livello";
        // The seed gives the 40 beds of the Livorno hospital's pavilion 5
        // jointly for levels I and II, without the split.
        FirstSecond = "first_second", "I e II livello";
    }
}

labelled_enum! {
    /// How the existing count of a standard is found: from the facilities
    /// recorded (by kind, or their beds), or entered by hand for what is
    /// staff rather than buildings (family nurses, care teams).
    Measure {
        HubCommunityHouses = "hub_community_houses", "Case della Comunità hub registrate";
        CommunityHospitalBeds = "community_hospital_beds", "Posti letto degli Ospedali di Comunità registrati";
        OperationsCentres = "operations_centres", "Centrali Operative Territoriali registrate";
        FamilyClinics = "family_clinics", "Consultori familiari registrati";
        HospiceBeds = "hospice_beds", "Posti letto degli hospice registrati";
        Manual = "manual", "Dato inserito a mano";
    }
}

/// How much of the facilities' capacity is active (what exists now) and how
/// much is planned or under works (what exists "a regime").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub open: u64,
    pub planned: u64,
}

impl Counted {
    pub fn add(&mut self, status: FacilityStatus, n: u64) {
        match status {
            FacilityStatus::Open => self.open += n,
            FacilityStatus::Planned | FacilityStatus::UnderWorks => self.planned += n,
        }
    }
}

/// A facility as the standards count it.
#[derive(Debug, Clone, Copy)]
pub struct CountedFacility {
    pub kind: FacilityKind,
    pub hub_spoke: Option<HubSpoke>,
    pub status: FacilityStatus,
    pub beds: u64,
}

/// What a measure counts among the facilities (`None` for a manual measure).
pub fn count(measure: Measure, facilities: &[CountedFacility]) -> Option<Counted> {
    let mut c = Counted::default();
    for f in facilities {
        let n = match measure {
            Measure::HubCommunityHouses => u64::from(
                f.kind == FacilityKind::CommunityHouse && f.hub_spoke == Some(HubSpoke::Hub),
            ),
            Measure::CommunityHospitalBeds if f.kind == FacilityKind::CommunityHospital => f.beds,
            Measure::OperationsCentres => u64::from(f.kind == FacilityKind::OperationsCentre),
            Measure::FamilyClinics => u64::from(f.kind == FacilityKind::FamilyClinic),
            Measure::HospiceBeds if f.kind == FacilityKind::Hospice => f.beds,
            Measure::Manual => return None,
            _ => 0,
        };
        c.add(f.status, n);
    }
    Some(c)
}

/// The largest count of beds, places or people a facility can hold. Ten
/// million is more than any Italian region's population, so no real value
/// is refused and a typo of many digits is.
pub const MAX_COUNT: u64 = 10_000_000;

/// A count of beds, places or people: a whole number, not negative, read by
/// the one number reader (`41.200` is forty-one thousand two hundred).
pub fn parse_count(s: &str) -> Result<u32, String> {
    crate::number::read_count(s, MAX_COUNT)
        .map(|n| n as u32)
        .map_err(|e| e.to_string())
}

/// A rate of a standard: `amount` for every `per` inhabitants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub amount: u64,
    pub per: u64,
}

impl Rate {
    /// What a population requires at this rate, rounded up: a standard of
    /// "1 every N inhabitants" covers everyone, so a remainder needs one more.
    pub fn required(self, population: u64) -> u64 {
        if self.per == 0 {
            return 0;
        }
        (population * self.amount).div_ceil(self.per)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ogni {} abitanti",
            crate::format::thousands(self.amount),
            crate::format::thousands(self.per)
        )
    }
}

/// One standard: what it measures, at least `min`, at most `max` when the
/// law gives a range (the hub Casa della Comunità: one every 40,000-50,000
/// inhabitants reads as at least one every 50,000, at most one every 40,000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub code: String,
    pub label: String,
    pub measure: Measure,
    pub min: Rate,
    pub max: Option<Rate>,
    pub source: String,
}

/// The outcome of one standard for one population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub required_min: u64,
    pub required_max: Option<u64>,
    pub existing: u64,
    /// How many are missing to reach the minimum (0 when it is reached).
    pub gap: u64,
}

pub fn check(standard: &Standard, population: u64, existing: u64) -> Check {
    let required_min = standard.min.required(population);
    Check {
        required_min,
        required_max: standard.max.map(|r| r.required(population)),
        existing,
        gap: required_min.saturating_sub(existing),
    }
}

/// The standards of DM 23 May 2022 n. 77, Annex 1, that concern a zone's
/// network, as loaded into a new installation (the planning office edits
/// them when the rules change).
pub fn dm77_defaults() -> Vec<Standard> {
    let s = |code: &str, label: &str, min: (u64, u64), max: Option<(u64, u64)>, source: &str| {
        let measure = match code {
            "community_house_hub" => Measure::HubCommunityHouses,
            "operations_centres" => Measure::OperationsCentres,
            "community_hospital_beds" => Measure::CommunityHospitalBeds,
            "hospice_beds" => Measure::HospiceBeds,
            "family_clinics" => Measure::FamilyClinics,
            _ => Measure::Manual,
        };
        Standard {
            code: code.into(),
            label: label.into(),
            measure,
            min: Rate {
                amount: min.0,
                per: min.1,
            },
            max: max.map(|(amount, per)| Rate { amount, per }),
            source: source.into(),
        }
    };
    vec![
        s("community_house_hub", "Case della Comunità hub", (1, 50_000), Some((1, 40_000)), "DM 77/2022, All. 1, «Casa della Comunità»: 1 Casa della Comunità hub ogni 40.000-50.000 abitanti"),
        s("family_nurses", "Infermieri di Famiglia o Comunità", (1, 3_000), None, "DM 77/2022, All. 1, «Infermiere di Famiglia o Comunità»: 1 ogni 3.000 abitanti"),
        s("continuity_units", "Unità di Continuità Assistenziale", (1, 100_000), None, "DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti"),
        s("operations_centres", "Centrali Operative Territoriali", (1, 100_000), None, "DM 77/2022, All. 1, «Centrale Operativa Territoriale»: 1 ogni 100.000 abitanti o comunque a valenza distrettuale"),
        s("community_hospital_beds", "Posti letto di Ospedale di Comunità", (20, 100_000), None, "DM 77/2022, All. 1, «Ospedale di Comunità»: 1 Ospedale di Comunità di 20 posti letto ogni 100.000 abitanti"),
        s("hospice_beds", "Posti letto di hospice", (8, 100_000), Some((10, 100_000)), "DM 77/2022, All. 1, «Rete delle cure palliative»: hospice con 8-10 posti letto ogni 100.000 abitanti"),
        s("palliative_home_units", "Unità di Cure Palliative Domiciliari", (1, 100_000), None, "DM 77/2022, All. 1, «Rete delle cure palliative»: 1 Unità di Cure Palliative Domiciliari ogni 100.000 abitanti"),
        s("family_clinics", "Consultori familiari", (1, 20_000), Some((1, 10_000)), "DM 77/2022, All. 1, «Consultorio familiare»: 1 ogni 20.000 abitanti (1 ogni 10.000 nelle aree interne e rurali)"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Livorno 153,154 (SOC26 2025, R03) plus the demo's approximate
    /// Collesalvetti 16,383 and Capraia Isola 394.
    const ZONA_LIVORNESE: u64 = 153_154 + 16_383 + 394;

    fn standard(code: &str) -> Standard {
        dm77_defaults()
            .into_iter()
            .find(|s| s.code == code)
            .unwrap()
    }

    #[test]
    fn rates_round_up() {
        assert_eq!(ZONA_LIVORNESE, 169_931);
        let r = Rate {
            amount: 1,
            per: 3_000,
        };
        assert_eq!(r.required(169_931), 57);
        assert_eq!(r.required(3_000), 1);
        assert_eq!(r.required(3_001), 2);
        assert_eq!(r.required(0), 0);
        assert_eq!(
            Rate {
                amount: 20,
                per: 100_000
            }
            .required(169_931),
            34
        );
        assert_eq!(Rate { amount: 1, per: 0 }.required(10), 0);
        assert_eq!(r.to_string(), "1 ogni 3.000 abitanti");
    }

    #[test]
    fn the_zona_livornese_against_dm77() {
        let hub = check(&standard("community_house_hub"), ZONA_LIVORNESE, 2);
        assert_eq!(
            (hub.required_min, hub.required_max, hub.gap),
            (4, Some(5), 2)
        );
        let beds = check(&standard("community_hospital_beds"), ZONA_LIVORNESE, 20);
        assert_eq!((beds.required_min, beds.gap), (34, 14));
        let cot = check(&standard("operations_centres"), ZONA_LIVORNESE, 2);
        assert_eq!((cot.required_min, cot.gap), (2, 0));
        let clinics = check(&standard("family_clinics"), ZONA_LIVORNESE, 2);
        assert_eq!((clinics.required_min, clinics.required_max), (9, Some(17)));
        // A population change moves the requirement.
        let smaller = check(&standard("community_house_hub"), 150_000, 2);
        assert_eq!(
            (smaller.required_min, smaller.required_max, smaller.gap),
            (3, Some(4), 1)
        );
        let hospice = check(&standard("hospice_beds"), ZONA_LIVORNESE, 0);
        assert_eq!((hospice.required_min, hospice.required_max), (14, Some(17)));
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(parse_count(" 34 ").unwrap(), 34);
        assert_eq!(parse_count("41.200").unwrap(), 41_200);
        assert!(parse_count("-3").unwrap_err().contains("negativo"));
        assert!(parse_count("tre").is_err());
        assert!(parse_count("3,5").is_err());
        assert!(parse_count("0.5").unwrap_err().contains("intero"));
        assert!(parse_count("10.000.001").is_err());
    }

    #[test]
    fn every_standard_names_its_source() {
        for s in dm77_defaults() {
            assert!(s.source.starts_with("DM 77/2022"), "{}", s.code);
            if let Some(max) = s.max {
                assert!(
                    max.required(100_000) >= s.min.required(100_000),
                    "{}",
                    s.code
                );
            }
        }
    }
}
