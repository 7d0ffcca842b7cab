//! The region's comparison of its zones' activity sheets: the amounts of one
//! year's plans by a controlled vocabulary (sector, target area, funding
//! source), per zone, in total and per inhabitant (docs/region.md).

use crate::money::Cents;
use crate::planning::{split_cents, year_share};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use time::Date;

/// The vocabulary the amounts are compared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Sector,
    TargetArea,
    FundingSource,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::Sector, Axis::TargetArea, Axis::FundingSource];

    pub fn code(self) -> &'static str {
        match self {
            Axis::Sector => "settore",
            Axis::TargetArea => "area",
            Axis::FundingSource => "fonte",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Axis::Sector => "Settore",
            Axis::TargetArea => "Area di intervento",
            Axis::FundingSource => "Fonte di finanziamento",
        }
    }

    pub fn from_code(code: &str) -> Option<Axis> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One funding line of a zone's plan, with what the comparison reads of its
/// sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub zone_id: i64,
    pub sector: Option<String>,
    /// The sheet's target areas, in their order; possibly none.
    pub areas: Vec<String>,
    pub source: String,
    pub amount: Cents,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// The key of the amounts with no term: a sheet with no sector, or no
/// target area.
pub const NONE: &str = "";

/// The amounts of `year` by zone and term of `axis`. A line counts for the
/// share of its sheet's days that fall in the year, as in each zone's
/// integrated budget (`year_share`). By target area, a sheet's amount is
/// shared equally among its areas, in whole cents by the largest remainder,
/// so that each zone's areas add up to its total; a sheet with no sector or
/// no area counts under [`NONE`].
pub fn amounts(lines: &[Line], axis: Axis, year: i32) -> BTreeMap<(i64, String), Cents> {
    let mut out: BTreeMap<(i64, String), Cents> = BTreeMap::new();
    let mut add = |zone: i64, term: &str, c: Cents| {
        let cell = out.entry((zone, term.to_string())).or_insert(Cents::ZERO);
        *cell = Cents(cell.0 + c.0);
    };
    for l in lines {
        let amount = year_share(l.amount, l.start, l.end, year);
        match axis {
            Axis::Sector => add(l.zone_id, l.sector.as_deref().unwrap_or(NONE), amount),
            Axis::FundingSource => add(l.zone_id, &l.source, amount),
            Axis::TargetArea if l.areas.is_empty() => add(l.zone_id, NONE, amount),
            Axis::TargetArea => {
                let shares = split_cents(amount, &vec![1; l.areas.len()]);
                for (area, share) in l.areas.iter().zip(shares) {
                    add(l.zone_id, area, share);
                }
            }
        }
    }
    out
}

/// An amount per inhabitant, rounded to the cent half away from zero;
/// `None` without a population above zero.
pub fn per_inhabitant(amount: Cents, population: i64) -> Option<Cents> {
    if population <= 0 {
        return None;
    }
    Cents::from_decimal(amount.to_decimal() / Decimal::from(population))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn line(zone: i64, sector: Option<&str>, areas: &[&str], source: &str, cents: i64) -> Line {
        Line {
            zone_id: zone,
            sector: sector.map(str::to_string),
            areas: areas.iter().map(|a| a.to_string()).collect(),
            source: source.into(),
            amount: Cents(cents),
            start: None,
            end: None,
        }
    }

    #[test]
    fn amounts_add_up_by_zone_and_term() {
        let lines = vec![
            line(1, Some("sociale"), &["anziani"], "fsr", 10000),
            line(1, Some("sociale"), &["anziani", "disabili"], "fnps", 5001),
            line(1, None, &[], "fsr", 700),
            line(2, Some("sanitario"), &["disabili"], "fsr", 3000),
        ];
        let by_sector = amounts(&lines, Axis::Sector, 2025);
        assert_eq!(by_sector[&(1, "sociale".into())], Cents(15001));
        assert_eq!(by_sector[&(1, NONE.into())], Cents(700));
        assert_eq!(by_sector[&(2, "sanitario".into())], Cents(3000));
        let by_source = amounts(&lines, Axis::FundingSource, 2025);
        assert_eq!(by_source[&(1, "fsr".into())], Cents(10700));
        assert_eq!(by_source[&(1, "fnps".into())], Cents(5001));
        // Two areas share 50,01 €: 25,01 and 25,00, the odd cent to the first.
        let by_area = amounts(&lines, Axis::TargetArea, 2025);
        assert_eq!(by_area[&(1, "anziani".into())], Cents(12501));
        assert_eq!(by_area[&(1, "disabili".into())], Cents(2500));
        assert_eq!(by_area[&(1, NONE.into())], Cents(700));
        // Every axis gives each zone the same total.
        for axis in Axis::ALL {
            let total: i64 = amounts(&lines, axis, 2025)
                .iter()
                .filter(|((z, _), _)| *z == 1)
                .map(|(_, c)| c.0)
                .sum();
            assert_eq!(total, 15701, "{axis:?}");
        }
    }

    #[test]
    fn a_multi_year_sheet_counts_for_its_days_in_the_year() {
        // Pronto Badante: 293.481,58 € from 1/7/2023 to 30/6/2026 counts
        // 98.005,71 € in 2024, as in the zone's own budget.
        let mut l = line(1, Some("sociale"), &[], "fsr", 29348158);
        l.start = Some(date!(2023 - 07 - 01));
        l.end = Some(date!(2026 - 06 - 30));
        let a = amounts(&[l], Axis::Sector, 2024);
        assert_eq!(a[&(1, "sociale".into())], Cents(9800571));
    }

    #[test]
    fn per_inhabitant_rounds_half_away_from_zero() {
        assert_eq!(per_inhabitant(Cents(10000), 3), Some(Cents(3333)));
        assert_eq!(per_inhabitant(Cents(20000), 3), Some(Cents(6667)));
        // 0,125 € rounds up to 0,13 €.
        assert_eq!(per_inhabitant(Cents(100), 8), Some(Cents(13)));
        assert_eq!(per_inhabitant(Cents(0), 5), Some(Cents(0)));
        assert_eq!(per_inhabitant(Cents(1000), 0), None);
        assert_eq!(per_inhabitant(Cents(1000), -1), None);
    }
}
