//! The network of territorial services: facilities (Case della Comunità,
//! community hospitals, intermediate-care beds, operations centres, family
//! clinics), and the territorial-care standards of DM 77/2022 against which
//! a zone's network is checked.

use crate::org::labelled_enum;
use rust_decimal::{Decimal, RoundingStrategy};
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

labelled_enum! {
    /// What a standard counts in: whole things (facilities, beds, people) or
    /// full-time equivalents of staff, with two decimals (DM 77/2022 gives
    /// the continuity units as "1 medico e 1 infermiere", where half a
    /// post present is half a post).
    Unit {
        Count = "count", "Numero";
        Fte = "fte", "Unità di personale equivalenti a tempo pieno";
    }
}

labelled_enum! {
    /// The national inner-areas class of a municipality (Strategia Nazionale
    /// per le Aree Interne, classification of the municipalities by distance
    /// from the poles of essential services). D, E and F are inner areas.
    InnerAreaClass {
        Pole = "A", "A – Polo";
        InterPole = "B", "B – Polo intercomunale";
        Belt = "C", "C – Cintura";
        Intermediate = "D", "D – Intermedio (area interna)";
        Peripheral = "E", "E – Periferico (area interna)";
        UltraPeripheral = "F", "F – Ultraperiferico (area interna)";
    }
}

impl InnerAreaClass {
    /// Intermediate, peripheral and ultra-peripheral municipalities are the
    /// inner areas of the national strategy.
    pub fn is_inner(self) -> bool {
        matches!(
            self,
            InnerAreaClass::Intermediate
                | InnerAreaClass::Peripheral
                | InnerAreaClass::UltraPeripheral
        )
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
    // A manual measure is entered by hand, with or without facilities.
    if measure == Measure::Manual {
        return None;
    }
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

    /// What a population requires at this rate in full-time equivalents,
    /// rounded up to two decimals (170,000 inhabitants at 1 every 100,000:
    /// 1,70; 169,931: 1,70 as well).
    pub fn required_fte(self, population: u64) -> Decimal {
        if self.per == 0 {
            return crate::soc26::two_decimals(Decimal::ZERO);
        }
        let exact =
            Decimal::from(population) * Decimal::from(self.amount) / Decimal::from(self.per);
        let mut d = exact.round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
        d.rescale(2);
        d
    }

    /// The exact share a population requires at this rate, unrounded.
    pub fn share(self, population: u64) -> Decimal {
        if self.per == 0 {
            return Decimal::ZERO;
        }
        Decimal::from(population) * Decimal::from(self.amount) / Decimal::from(self.per)
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
    #[serde(default = "count_unit")]
    pub unit: Unit,
    /// A higher rate the law allows in inner and rural areas, which a zone
    /// may adopt for its inner-area municipalities (family clinics: 1 every
    /// 10,000 instead of 1 every 20,000). Not an obligation.
    #[serde(default)]
    pub inner_rate: Option<Rate>,
}

fn count_unit() -> Unit {
    Unit::Count
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

/// A municipality as the standards see it: its latest population and its
/// inner-areas class, when recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resident {
    pub name: String,
    pub population: u64,
    pub inner_area: Option<InnerAreaClass>,
}

/// One municipality's share of a standard that has an inner-areas rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub name: String,
    pub population: u64,
    pub inner_area: Option<InnerAreaClass>,
    /// The rate applied for the target: the higher one where the zone chose
    /// it and the municipality is an inner area, the minimum elsewhere.
    pub rate: Rate,
    /// Exact shares, two decimals: of the minimum and of the target.
    pub minimum: Decimal,
    pub target: Decimal,
}

/// What a zone requires of one standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The legal minimum: whole for counts, two decimals for FTE.
    pub min: Decimal,
    /// The top of a range the law gives (hub houses 40,000-50,000).
    pub max: Option<Decimal>,
    /// The zone's own target where it chose an inner-areas rate.
    pub target: Option<Decimal>,
    /// Municipality by municipality, for standards with an inner-areas rate.
    pub shares: Vec<Share>,
}

fn whole_up(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, RoundingStrategy::AwayFromZero)
}

/// The requirement of a standard for the municipalities of a zone.
///
/// A rate is applied to the zone's population and rounded up once, at zone
/// level: a standard of "1 every N" covers everyone, and a service such as a
/// family clinic serves the zone, not one municipality (a municipality of 394
/// inhabitants does not need a clinic of its own). A standard in full-time
/// equivalents is rounded up to two decimals. Where the standard has an
/// inner-areas rate, each municipality's exact share is shown, and if the
/// zone chose the higher rate the target adds, for each inner-area
/// municipality, its population at that rate — also rounded up once.
pub fn requirement(standard: &Standard, residents: &[Resident], higher_rate: bool) -> Requirement {
    let population: u64 = residents.iter().map(|r| r.population).sum();
    let (min, max) = match standard.unit {
        Unit::Count => (
            Decimal::from(standard.min.required(population)),
            standard.max.map(|r| Decimal::from(r.required(population))),
        ),
        Unit::Fte => (
            standard.min.required_fte(population),
            standard.max.map(|r| r.required_fte(population)),
        ),
    };
    let Some(inner) = standard.inner_rate else {
        return Requirement {
            min,
            max,
            target: None,
            shares: Vec::new(),
        };
    };
    let two = crate::soc26::two_decimals;
    let shares: Vec<Share> = residents
        .iter()
        .map(|r| {
            let applies = higher_rate && r.inner_area.is_some_and(InnerAreaClass::is_inner);
            let rate = if applies { inner } else { standard.min };
            Share {
                name: r.name.clone(),
                population: r.population,
                inner_area: r.inner_area,
                rate,
                minimum: two(standard.min.share(r.population)),
                target: two(rate.share(r.population)),
            }
        })
        .collect();
    let any_inner = shares.iter().any(|s| s.rate != standard.min);
    let target = any_inner.then(|| {
        let exact: Decimal = residents
            .iter()
            .zip(&shares)
            .map(|(r, s)| s.rate.share(r.population))
            .sum();
        whole_up(exact).max(min)
    });
    Requirement {
        min,
        max,
        target,
        shares,
    }
}

/// How one standard stands with what is active now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// Nothing recorded to compare with (a count entered by hand, not yet).
    Unknown,
}

pub fn outcome(required_min: Decimal, open: Option<Decimal>) -> Outcome {
    match open {
        None => Outcome::Unknown,
        Some(o) if o >= required_min => Outcome::Met,
        Some(_) => Outcome::NotMet,
    }
}

/// A presence of staff in a Casa della Comunità: hours a day, days a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub hours_per_day: u8,
    pub days_per_week: u8,
}

impl fmt::Display for Presence {
    /// `H24 7/7`, as DM 77/2022 writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "H{} {}/7", self.hours_per_day, self.days_per_week)
    }
}

impl Presence {
    /// Hours 1 to 24 a day, days 1 to 7 a week.
    pub fn new(hours_per_day: u64, days_per_week: u64) -> Result<Presence, String> {
        if !(1..=24).contains(&hours_per_day) {
            return Err("Le ore al giorno vanno da 1 a 24.".into());
        }
        if !(1..=7).contains(&days_per_week) {
            return Err("I giorni a settimana vanno da 1 a 7.".into());
        }
        Ok(Presence {
            hours_per_day: hours_per_day as u8,
            days_per_week: days_per_week as u8,
        })
    }

    /// At least as long as `other`, both a day and a week.
    pub fn covers(self, other: Presence) -> bool {
        self.hours_per_day >= other.hours_per_day && self.days_per_week >= other.days_per_week
    }
}

/// The staff presence of a Casa della Comunità, as recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseHours {
    pub doctors: Option<Presence>,
    pub nurses: Option<Presence>,
}

/// DM 77/2022, Annex 1, «Casa della Comunità»: a hub has doctors H24 7/7 and
/// nurses H12 7/7; a spoke has doctors and nurses H12 6/7.
pub fn hours_standard(role: HubSpoke) -> (Presence, Presence) {
    let p = |h, d| Presence {
        hours_per_day: h,
        days_per_week: d,
    };
    match role {
        HubSpoke::Hub => (p(24, 7), p(12, 7)),
        HubSpoke::Spoke => (p(12, 6), p(12, 6)),
    }
}

/// How a house's recorded presence stands against its standard: the
/// outcome and, when below, what falls short.
pub fn check_hours(role: HubSpoke, recorded: HouseHours) -> (Outcome, Vec<String>) {
    let (doctors, nurses) = hours_standard(role);
    let mut short = Vec::new();
    let mut unknown = false;
    for (who, got, need) in [
        ("medica", recorded.doctors, doctors),
        ("infermieristica", recorded.nurses, nurses),
    ] {
        match got {
            None => unknown = true,
            Some(g) if !g.covers(need) => {
                short.push(format!("presenza {who} {g} invece di {need}"))
            }
            Some(_) => {}
        }
    }
    let o = if !short.is_empty() {
        Outcome::NotMet
    } else if unknown {
        Outcome::Unknown
    } else {
        Outcome::Met
    };
    (o, short)
}

/// The overall verdict of a zone's check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub standards: usize,
    pub not_met: usize,
    pub unknown: usize,
    /// Active Case della Comunità whose hours are below their standard, and
    /// those whose hours are not recorded.
    pub houses_below: usize,
    pub houses_unknown: usize,
}

impl Verdict {
    pub fn new(standards: &[Outcome], houses: &[Outcome]) -> Verdict {
        let n = |v: &[Outcome], o: Outcome| v.iter().filter(|x| **x == o).count();
        Verdict {
            standards: standards.len(),
            not_met: n(standards, Outcome::NotMet),
            unknown: n(standards, Outcome::Unknown),
            houses_below: n(houses, Outcome::NotMet),
            houses_unknown: n(houses, Outcome::Unknown),
        }
    }

    /// Every standard met and every house's hours at its standard.
    pub fn all_met(&self) -> bool {
        self.not_met == 0 && self.unknown == 0 && self.houses_below == 0 && self.houses_unknown == 0
    }

    /// One sentence: «Tutti gli standard sono rispettati.» or what is not.
    pub fn text(&self) -> String {
        if self.all_met() {
            return "Tutti gli standard sono rispettati.".into();
        }
        let mut parts = vec![match self.not_met {
            0 => format!("Nessuno standard non rispettato su {}", self.standards),
            1 => format!("1 standard non rispettato su {}", self.standards),
            n => format!("{n} standard non rispettati su {}", self.standards),
        }];
        match self.houses_below {
            0 => {}
            1 => parts.push("1 Casa della Comunità con orari sotto lo standard".into()),
            n => parts.push(format!(
                "{n} Case della Comunità con orari sotto lo standard"
            )),
        }
        let unknown = self.unknown + self.houses_unknown;
        if unknown > 0 {
            parts.push(format!(
                "{unknown} {} per dati mancanti",
                if unknown == 1 {
                    "verifica non possibile"
                } else {
                    "verifiche non possibili"
                }
            ));
        }
        parts.join("; ") + "."
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
            unit: if code.starts_with("continuity_") {
                Unit::Fte
            } else {
                Unit::Count
            },
            inner_rate: (code == "family_clinics").then_some(Rate {
                amount: 1,
                per: 10_000,
            }),
        }
    };
    vec![
        s("community_house_hub", "Case della Comunità hub", (1, 50_000), Some((1, 40_000)), "DM 77/2022, All. 1, «Casa della Comunità»: 1 Casa della Comunità hub ogni 40.000-50.000 abitanti"),
        s("family_nurses", "Infermieri di Famiglia o Comunità", (1, 3_000), None, "DM 77/2022, All. 1, «Infermiere di Famiglia o Comunità»: 1 ogni 3.000 abitanti"),
        s("continuity_doctors", "Unità di Continuità Assistenziale: medici", (1, 100_000), None, "DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti (medici, in unità equivalenti a tempo pieno)"),
        s("continuity_nurses", "Unità di Continuità Assistenziale: infermieri", (1, 100_000), None, "DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti (infermieri, in unità equivalenti a tempo pieno)"),
        s("operations_centres", "Centrali Operative Territoriali", (1, 100_000), None, "DM 77/2022, All. 1, «Centrale Operativa Territoriale»: 1 ogni 100.000 abitanti o comunque a valenza distrettuale"),
        s("community_hospital_beds", "Posti letto di Ospedale di Comunità", (20, 100_000), None, "DM 77/2022, All. 1, «Ospedale di Comunità»: 1 Ospedale di Comunità di 20 posti letto ogni 100.000 abitanti"),
        s("hospice_beds", "Posti letto di hospice", (8, 100_000), Some((10, 100_000)), "DM 77/2022, All. 1, «Rete delle cure palliative»: hospice con 8-10 posti letto ogni 100.000 abitanti"),
        s("palliative_home_units", "Unità di Cure Palliative Domiciliari", (1, 100_000), None, "DM 77/2022, All. 1, «Rete delle cure palliative»: 1 Unità di Cure Palliative Domiciliari ogni 100.000 abitanti"),
        s("family_clinics", "Consultori familiari", (1, 20_000), None, "DM 77/2022, All. 1, § 13 «Servizi per la salute dei minori, delle donne, delle coppie e delle famiglie»: 1 consultorio familiare ogni 20.000 abitanti con la possibilità di 1 ogni 10.000 nelle aree interne e rurali"),
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
        assert_eq!((clinics.required_min, clinics.required_max), (9, None));
        // A population change moves the requirement.
        let smaller = check(&standard("community_house_hub"), 150_000, 2);
        assert_eq!(
            (smaller.required_min, smaller.required_max, smaller.gap),
            (3, Some(4), 1)
        );
        let hospice = check(&standard("hospice_beds"), ZONA_LIVORNESE, 0);
        assert_eq!((hospice.required_min, hospice.required_max), (14, Some(17)));
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn resident(name: &str, population: u64, class: Option<InnerAreaClass>) -> Resident {
        Resident {
            name: name.into(),
            population,
            inner_area: class,
        }
    }

    #[test]
    fn continuity_units_are_doctors_and_nurses_in_fte() {
        let doctors = standard("continuity_doctors");
        let nurses = standard("continuity_nurses");
        assert_eq!((doctors.unit, nurses.unit), (Unit::Fte, Unit::Fte));
        for (population, fte) in [
            (170_000, "1.70"),
            (169_931, "1.70"),
            (100_000, "1.00"),
            (100_001, "1.01"),
            (50_000, "0.50"),
            (0, "0.00"),
        ] {
            let r = requirement(&doctors, &[resident("Z", population, None)], false);
            assert_eq!(r.min, d(fte), "{population}");
            assert_eq!(r.min.to_string(), fte, "two decimals");
        }
        // Half a post present is valid and counts as half.
        let need = requirement(&nurses, &[resident("Z", 50_000, None)], false).min;
        assert_eq!(outcome(need, Some(d("0.50"))), Outcome::Met);
        assert_eq!(outcome(d("1.70"), Some(d("1.69"))), Outcome::NotMet);
        assert_eq!(outcome(d("1.70"), None), Outcome::Unknown);
    }

    #[test]
    fn family_clinics_minimum_everywhere_target_where_chosen() {
        use InnerAreaClass::*;
        let clinics = standard("family_clinics");
        assert_eq!(
            clinics.max, None,
            "1 every 10,000 is not a range for the whole zone"
        );
        let zone = [
            resident("Livorno", 153_154, Some(Pole)),
            resident("Collesalvetti", 16_383, Some(Belt)),
            resident("Capraia Isola", 394, Some(UltraPeripheral)),
        ];
        let r = requirement(&clinics, &zone, false);
        assert_eq!((r.min, r.target), (d("9"), None));
        assert_eq!(r.shares.len(), 3);
        assert_eq!(r.shares[2].minimum, d("0.02"));
        assert_eq!(
            r.shares[2].target,
            d("0.02"),
            "not chosen: the minimum rate"
        );
        let r = requirement(&clinics, &zone, true);
        // 7,6577 + 0,81915 + 0,0394 = 8,516… → 9: the minimum already covers it.
        assert_eq!((r.min, r.target), (d("9"), Some(d("9"))));
        assert_eq!(
            r.shares[2].rate,
            Rate {
                amount: 1,
                per: 10_000
            }
        );
        assert_eq!(r.shares[2].target, d("0.04"));
        assert_eq!(r.shares[0].rate, clinics.min, "a pole keeps the minimum");
        // An inner zone: 30,000 in peripheral municipalities, 10,000 in a pole.
        let inner = [
            resident("Monte", 30_000, Some(Peripheral)),
            resident("Valle", 10_000, Some(Pole)),
        ];
        let r = requirement(&clinics, &inner, true);
        assert_eq!((r.min, r.target), (d("2"), Some(d("4"))));
        // Intermediate counts as inner; a belt or an unknown class does not.
        let r = requirement(
            &clinics,
            &[resident("Mezzo", 20_001, Some(Intermediate))],
            true,
        );
        assert_eq!((r.min, r.target), (d("2"), Some(d("3"))));
        for class in [Some(Belt), Some(InterPole), None] {
            let r = requirement(&clinics, &[resident("X", 20_001, class)], true);
            assert_eq!(r.target, None, "{class:?}");
        }
    }

    #[test]
    fn community_house_hours_against_their_standard() {
        let p = |h, d| Some(Presence::new(h, d).unwrap());
        let full = HouseHours {
            doctors: p(24, 7),
            nurses: p(12, 7),
        };
        assert_eq!(check_hours(HubSpoke::Hub, full).0, Outcome::Met);
        let (o, short) = check_hours(
            HubSpoke::Hub,
            HouseHours {
                doctors: p(12, 7),
                nurses: p(12, 7),
            },
        );
        assert_eq!(o, Outcome::NotMet);
        assert_eq!(short, ["presenza medica H12 7/7 invece di H24 7/7"]);
        let spoke = HouseHours {
            doctors: p(12, 6),
            nurses: p(12, 6),
        };
        assert_eq!(check_hours(HubSpoke::Spoke, spoke).0, Outcome::Met);
        let (o, short) = check_hours(
            HubSpoke::Spoke,
            HouseHours {
                doctors: p(12, 5),
                nurses: p(8, 6),
            },
        );
        assert_eq!(o, Outcome::NotMet);
        assert_eq!(short.len(), 2);
        assert_eq!(
            check_hours(
                HubSpoke::Spoke,
                HouseHours {
                    doctors: p(12, 6),
                    nurses: None
                }
            )
            .0,
            Outcome::Unknown
        );
        assert!(Presence::new(25, 7).is_err() && Presence::new(12, 8).is_err());
        assert!(Presence::new(0, 7).is_err());
    }

    #[test]
    fn the_verdict_says_what_is_not_met() {
        use Outcome::*;
        assert_eq!(
            Verdict::new(&[Met, Met], &[Met]).text(),
            "Tutti gli standard sono rispettati."
        );
        let v = Verdict::new(&[Met, NotMet, NotMet, Unknown], &[NotMet, Met]);
        assert!(!v.all_met());
        assert_eq!(
            v.text(),
            "2 standard non rispettati su 4; 1 Casa della Comunità con orari sotto lo standard; 1 verifica non possibile per dati mancanti."
        );
        assert_eq!(
            Verdict::new(&[Met], &[Unknown, Unknown]).text(),
            "Nessuno standard non rispettato su 1; 2 verifiche non possibili per dati mancanti."
        );
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
