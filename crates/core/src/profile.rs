//! The health profile's indicators: what a value is (an indicator, a
//! territory at a geography level, a period, a breakdown by sex and age), how
//! a row of the long import format is read, and when the zone differs from
//! the region.
//!
//! The long format (`docs/health-profile.md`) has one value per row, so that
//! a new year of values is one file: `indicatore;livello;territorio;periodo;
//! sesso;eta;valore;numeratore;denominatore;ic_inf;ic_sup;dimostrativo`.

use crate::number::read_decimal;
use crate::org::labelled_enum;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

labelled_enum! {
    /// Where a value is measured.
    GeoLevel {
        Municipality = "comune", "Comune";
        Zone = "zona", "Zona distretto";
        HealthAuthority = "asl", "Azienda USL";
        Region = "regione", "Regione";
    }
}

labelled_enum! {
    /// Which direction of an indicator is good news.
    Polarity {
        HigherBetter = "alto_meglio", "Un valore più alto è migliore";
        LowerBetter = "basso_meglio", "Un valore più basso è migliore";
        Neutral = "neutro", "Né migliore né peggiore";
    }
}

labelled_enum! {
    /// The sex a value is for: both, males or females.
    Sex {
        All = "T", "Totale";
        Male = "M", "Maschi";
        Female = "F", "Femmine";
    }
}

labelled_enum! {
    /// What a line of a theme of the profile says: a critical issue, or a
    /// strength (the columns NODI CRITICI and ASPETTI POSITIVI of seed 000).
    FindingKind {
        Critical = "nodo_critico", "Nodo critico";
        Strength = "aspetto_positivo", "Aspetto positivo";
    }
}

/// The most decimals a value, a numerator or a bound keeps.
pub const MAX_DECIMALS: u32 = 6;
/// The years a period may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// The years a value covers: one year (`2023`) or several, as the sources
/// give pooled rates (`2019-2023`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

impl Period {
    pub fn parse(s: &str) -> Result<Period, String> {
        let t = s.trim();
        // A year is four digits, read by the one number reader (so that
        // «2.023» or «23» is refused rather than guessed).
        let year = |y: &str| -> Result<i32, String> {
            let y = y.trim();
            match crate::number::read_whole(y).map(i32::try_from) {
                Ok(Ok(n)) if YEARS.contains(&n) && y.len() == 4 => Ok(n),
                _ => Err(format!(
                    "«{t}» non è un periodo: scrivere un anno (2023) o due anni separati dal trattino (2019-2023)."
                )),
            }
        };
        let (from, to) = match t.split_once('-') {
            Some((a, b)) => (year(a)?, year(b)?),
            None => {
                let y = year(t)?;
                (y, y)
            }
        };
        if to < from {
            return Err(format!(
                "Nel periodo «{t}» il secondo anno precede il primo."
            ));
        }
        Ok(Period { from, to })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// A problem of a row: the column to blame and why.
pub type Problem = (&'static str, String);

/// The longest indicator code.
pub const CODE_MAX: usize = 40;

/// An indicator's code: letters, digits, `.`, `-`, `_`, at most
/// [`CODE_MAX`]; it names the indicator's page, so it is kept as written.
pub fn parse_indicator_code(s: &str) -> Result<String, String> {
    let code = s.trim();
    if code.is_empty() || code.chars().count() > CODE_MAX {
        return Err(format!(
            "Il codice dell'indicatore va da 1 a {CODE_MAX} caratteri."
        ));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "«{code}»: il codice usa solo lettere, cifre, punto, trattino e trattino basso."
        ));
    }
    Ok(code.to_string())
}

/// One value of an indicator, as read from a row of the long format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueRow {
    /// The indicator's code.
    pub indicator: String,
    pub level: GeoLevel,
    /// The territory's code: the ISTAT code of a municipality, the code of a
    /// zone, of a health authority or of a region.
    pub territory: String,
    pub period: Period,
    pub sex: Sex,
    /// The age band, `65+`, `0-14`; empty for every age.
    pub age_band: String,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    /// The confidence interval, when the source gives it.
    pub interval: Option<(Decimal, Decimal)>,
    /// A value made up for the demo, marked wherever it is shown.
    pub demo: bool,
}

/// The columns of the long format, in order.
pub const COLUMNS: [&str; 12] = [
    "indicatore",
    "livello",
    "territorio",
    "periodo",
    "sesso",
    "eta",
    "valore",
    "numeratore",
    "denominatore",
    "ic_inf",
    "ic_sup",
    "dimostrativo",
];

/// Reads one row of the long format, given its cells by column name (a
/// missing column reads as empty). Every problem is reported with its
/// column, so that an import can say line and column of each.
pub fn read_value_row(
    cell: impl Fn(&str) -> String,
) -> Result<ValueRow, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let text = |col: &'static str, max: usize, errors: &mut Vec<(&'static str, String)>| {
        let v = cell(col).trim().to_string();
        if v.chars().count() > max {
            errors.push((col, format!("Al massimo {max} caratteri.")));
        }
        v
    };
    let indicator = text("indicatore", 40, &mut errors);
    if indicator.is_empty() {
        errors.push(("indicatore", "Indicare il codice dell'indicatore.".into()));
    } else if let Err(m) = parse_indicator_code(&indicator) {
        errors.push(("indicatore", m));
    }
    let level_text = text("livello", 20, &mut errors);
    let level = GeoLevel::from_code(&level_text.to_lowercase());
    if level.is_none() {
        errors.push((
            "livello",
            format!("«{level_text}»: scrivere comune, zona, asl o regione."),
        ));
    }
    let territory = text("territorio", 40, &mut errors);
    match (level, territory.as_str()) {
        (_, "") => errors.push(("territorio", "Indicare il codice del territorio.".into())),
        (Some(GeoLevel::Municipality), t)
            if !(t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())) =>
        {
            errors.push((
                "territorio",
                format!("«{t}»: il codice ISTAT di un comune è di 6 cifre (per esempio 049009)."),
            ))
        }
        _ => {}
    }
    let period = Period::parse(&cell("periodo"))
        .map_err(|m| errors.push(("periodo", m)))
        .ok();
    let sex_text = text("sesso", 10, &mut errors);
    let sex = match sex_text.to_uppercase().as_str() {
        "" | "T" => Some(Sex::All),
        s => Sex::from_code(s),
    };
    if sex.is_none() {
        errors.push(("sesso", format!("«{sex_text}»: scrivere T, M o F.")));
    }
    let age_band = text("eta", 20, &mut errors);
    let number = |col: &'static str, errors: &mut Vec<(&'static str, String)>| {
        let v = cell(col);
        if v.trim().is_empty() {
            return None;
        }
        read_decimal(&v, MAX_DECIMALS)
            .map_err(|e| errors.push((col, e.to_string())))
            .ok()
    };
    let value = number("valore", &mut errors);
    if value.is_none() && cell("valore").trim().is_empty() {
        errors.push(("valore", "Indicare il valore.".into()));
    }
    let numerator = number("numeratore", &mut errors);
    let denominator = number("denominatore", &mut errors);
    let low = number("ic_inf", &mut errors);
    let high = number("ic_sup", &mut errors);
    let interval = check_figures(value, denominator, low, high)
        .map_err(|problems| errors.extend(problems))
        .ok()
        .flatten();
    let demo = match cell("dimostrativo").trim().to_lowercase().as_str() {
        "" | "no" => false,
        "sì" | "si" => true,
        other => {
            errors.push(("dimostrativo", format!("«{other}»: scrivere Sì o No.")));
            false
        }
    };
    match (level, period, sex, value) {
        (Some(level), Some(period), Some(sex), Some(value)) if errors.is_empty() => Ok(ValueRow {
            indicator,
            level,
            territory,
            period,
            sex,
            age_band,
            value,
            numerator,
            denominator,
            interval,
            demo,
        }),
        _ => Err(errors),
    }
}

/// The rules across a value's figures, wherever the value is read from (the
/// long format, a zone bundle): a denominator is never zero, an interval has
/// both bounds, the lower first, and holds the value. Returns the interval,
/// or every problem with its column.
pub fn check_figures(
    value: Option<Decimal>,
    denominator: Option<Decimal>,
    low: Option<Decimal>,
    high: Option<Decimal>,
) -> Result<Option<(Decimal, Decimal)>, Vec<Problem>> {
    let mut errors: Vec<Problem> = Vec::new();
    if denominator.is_some_and(|d| d.is_zero()) {
        errors.push((
            "denominatore",
            "Il denominatore non può essere zero.".into(),
        ));
    }
    let interval = match (low, high) {
        (Some(l), Some(h)) if l <= h => Some((l, h)),
        (Some(_), Some(_)) => {
            errors.push((
                "ic_sup",
                "Il limite superiore dell'intervallo precede quello inferiore.".into(),
            ));
            None
        }
        (None, None) => None,
        (Some(_), None) => {
            errors.push((
                "ic_sup",
                "Indicare anche il limite superiore dell'intervallo.".into(),
            ));
            None
        }
        (None, Some(_)) => {
            errors.push((
                "ic_inf",
                "Indicare anche il limite inferiore dell'intervallo.".into(),
            ));
            None
        }
    };
    if let (Some(v), Some((l, h))) = (value, interval) {
        if v < l || v > h {
            errors.push((
                "valore",
                "Il valore è fuori dal suo intervallo di confidenza.".into(),
            ));
        }
    }
    if errors.is_empty() {
        Ok(interval)
    } else {
        Err(errors)
    }
}

/// An indicator's definition, as the region's health agency publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub code: String,
    pub name: String,
    /// The theme of the profile it belongs to (Demografia, Prevenzione…).
    pub theme: String,
    pub definition: String,
    /// What is counted above and below the line, and by how much the ratio
    /// is multiplied (1 for a plain ratio, 100 for a percentage, 1.000 or
    /// 100.000 for a rate).
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub multiplier: Option<u64>,
    /// The unit values are read in (`%`, `per 1.000 abitanti`, `anni`).
    pub unit: String,
    pub polarity: Polarity,
    pub source: String,
    pub licence: Option<String>,
    /// A definition made up for the demo.
    pub demo: bool,
}

/// The columns of the definitions file, in order.
pub const DEFINITION_COLUMNS: [&str; 12] = [
    "codice",
    "nome",
    "tema",
    "definizione",
    "numeratore",
    "denominatore",
    "moltiplicatore",
    "unita",
    "polarita",
    "fonte",
    "licenza",
    "dimostrativo",
];

/// Reads one row of the definitions file (cells by column name).
pub fn read_definition_row(
    cell: impl Fn(&str) -> String,
) -> Result<Definition, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut text = |col: &'static str, max: usize, required: bool| -> String {
        let v = cell(col).trim().to_string();
        if required && v.is_empty() {
            errors.push((col, "Campo obbligatorio.".into()));
        } else if v.chars().count() > max {
            errors.push((col, format!("Al massimo {max} caratteri.")));
        }
        v
    };
    let code = text("codice", 40, true);
    let name = text("nome", 300, true);
    let theme = text("tema", 200, true);
    let definition = text("definizione", 4000, true);
    let numerator = text("numeratore", 1000, false);
    let denominator = text("denominatore", 1000, false);
    let multiplier_text = text("moltiplicatore", 20, false);
    let unit = text("unita", 100, true);
    let polarity_text = text("polarita", 20, true);
    let source = text("fonte", 1000, true);
    let licence = text("licenza", 300, false);
    let demo_text = text("dimostrativo", 5, false);
    if !code.is_empty() {
        if let Err(m) = parse_indicator_code(&code) {
            errors.push(("codice", m));
        }
    }
    let multiplier = match multiplier_text.as_str() {
        "" => None,
        m => match crate::number::read_count(m, 1_000_000_000) {
            Ok(0) => {
                errors.push((
                    "moltiplicatore",
                    "Il moltiplicatore non può essere zero.".into(),
                ));
                None
            }
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(("moltiplicatore", e.to_string()));
                None
            }
        },
    };
    let polarity = Polarity::from_code(&polarity_text.to_lowercase());
    if polarity.is_none() && !polarity_text.is_empty() {
        errors.push((
            "polarita",
            format!("«{polarity_text}»: scrivere alto_meglio, basso_meglio o neutro."),
        ));
    }
    let demo = match demo_text.to_lowercase().as_str() {
        "" | "no" => false,
        "sì" | "si" => true,
        other => {
            errors.push(("dimostrativo", format!("«{other}»: scrivere Sì o No.")));
            false
        }
    };
    match polarity {
        Some(polarity) if errors.is_empty() => Ok(Definition {
            code,
            name,
            theme,
            definition,
            numerator: Some(numerator).filter(|s| !s.is_empty()),
            denominator: Some(denominator).filter(|s| !s.is_empty()),
            multiplier,
            unit,
            polarity,
            source,
            licence: Some(licence).filter(|s| !s.is_empty()),
            demo,
        }),
        _ => Err(errors),
    }
}

/// Whether the zone differs from the region beyond chance: only where both
/// values come with their confidence intervals, and then when the intervals
/// do not overlap. Not overlapping is a conservative test (two intervals may
/// overlap a little and still differ at the same level); it is the one a
/// reader can check on the published figures. `None` without intervals.
pub fn differs(
    zone: Option<(Decimal, Decimal)>,
    region: Option<(Decimal, Decimal)>,
) -> Option<bool> {
    let ((zl, zh), (rl, rh)) = (zone?, region?);
    Some(zh < rl || rh < zl)
}

/// Which way an indicator moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    Up,
    Down,
    Steady,
}

/// How an indicator moved between two periods: its direction, the change in
/// per cent of the earlier value (one decimal, half away from zero; none
/// when the earlier value is zero), and whether that is good news by the
/// indicator's polarity (none when steady or neutral).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trend {
    pub direction: Direction,
    pub change: Option<Decimal>,
    pub better: Option<bool>,
}

/// A change that rounds to less than this share of the earlier value, in
/// per cent, is
/// read as steady: the published profiles round their figures, and a
/// fraction of a per cent is within their rounding.
pub const STEADY_PERCENT: Decimal = Decimal::ONE;

/// How the value moved from `earlier` to `later` (docs/health-profile.md).
pub fn trend(earlier: Decimal, later: Decimal, polarity: Polarity) -> Trend {
    let change = (!earlier.is_zero()).then(|| {
        ((later - earlier) / earlier.abs() * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    });
    let direction = match change {
        Some(c) if c.abs() < STEADY_PERCENT => Direction::Steady,
        _ if later > earlier => Direction::Up,
        _ if later < earlier => Direction::Down,
        _ => Direction::Steady,
    };
    let better = match (direction, polarity) {
        (Direction::Steady, _) | (_, Polarity::Neutral) => None,
        (Direction::Up, Polarity::HigherBetter) | (Direction::Down, Polarity::LowerBetter) => {
            Some(true)
        }
        _ => Some(false),
    };
    Trend {
        direction,
        change,
        better,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row(cells: &[(&str, &str)]) -> Result<ValueRow, Vec<(&'static str, String)>> {
        let m: HashMap<String, String> = cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        read_value_row(|c| m.get(c).cloned().unwrap_or_default())
    }

    #[test]
    fn a_value_row_is_read_the_italian_way() {
        let r = row(&[
            ("indicatore", "vecchiaia"),
            ("livello", "Zona"),
            ("territorio", "ZD-LIV"),
            ("periodo", "2023"),
            ("valore", "252,3"),
            ("numeratore", "41.912"),
            ("denominatore", "16.611"),
            ("ic_inf", "248,1"),
            ("ic_sup", "256,6"),
        ])
        .unwrap();
        assert_eq!(r.level, GeoLevel::Zone);
        assert_eq!(
            r.period,
            Period {
                from: 2023,
                to: 2023
            }
        );
        assert_eq!(r.sex, Sex::All);
        assert_eq!(r.value, Decimal::new(2523, 1));
        assert_eq!(r.numerator, Some(Decimal::new(41912, 0)));
        assert_eq!(
            r.interval,
            Some((Decimal::new(2481, 1), Decimal::new(2566, 1)))
        );
        assert!(!r.demo);
        let r = row(&[
            ("indicatore", "mort_evitabile"),
            ("livello", "comune"),
            ("territorio", "049009"),
            ("periodo", "2019-2023"),
            ("sesso", "f"),
            ("eta", "0-74"),
            ("valore", "-0,5"),
            ("dimostrativo", "Sì"),
        ])
        .unwrap();
        assert_eq!(r.period.to_string(), "2019-2023");
        assert_eq!(r.sex, Sex::Female);
        assert!(r.demo);
    }

    #[test]
    fn every_problem_of_a_row_names_its_column() {
        let e = row(&[
            ("indicatore", "vecchiaia index"),
            ("livello", "provincia"),
            ("territorio", "49009"),
            ("periodo", "2023-2019"),
            ("sesso", "X"),
            ("valore", "1.5"),
            ("denominatore", "0"),
            ("ic_inf", "3"),
            ("dimostrativo", "forse"),
        ])
        .unwrap_err();
        let cols: Vec<&str> = e.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            cols,
            vec![
                "indicatore",
                "livello",
                "periodo",
                "sesso",
                "valore",
                "denominatore",
                "ic_sup",
                "dimostrativo"
            ],
            "{e:?}"
        );
        // «153.000» is a number; «1.5» is refused, never read as 15 or 1,5.
        assert!(e[4].1.contains("usare la virgola per i decimali"), "{e:?}");
        let e = row(&[
            ("livello", "comune"),
            ("territorio", "49009"),
            ("periodo", "23"),
        ])
        .unwrap_err();
        assert!(
            e.iter()
                .any(|(c, m)| *c == "territorio" && m.contains("6 cifre")),
            "{e:?}"
        );
        assert!(e.iter().any(|(c, _)| *c == "indicatore"));
        assert!(e
            .iter()
            .any(|(c, m)| *c == "valore" && m == "Indicare il valore."));
        // A value outside its own interval is refused.
        let e = row(&[
            ("indicatore", "x"),
            ("livello", "regione"),
            ("territorio", "RT"),
            ("periodo", "2023"),
            ("valore", "10"),
            ("ic_inf", "1"),
            ("ic_sup", "2"),
        ])
        .unwrap_err();
        assert_eq!(
            e,
            vec![(
                "valore",
                "Il valore è fuori dal suo intervallo di confidenza.".to_string()
            )]
        );
    }

    #[test]
    fn the_zone_differs_from_the_region_only_when_intervals_part() {
        // Bounds in tenths.
        let i = |a: i64, b: i64| Some((Decimal::new(a, 1), Decimal::new(b, 1)));
        assert_eq!(differs(i(100, 120), i(125, 130)), Some(true));
        assert_eq!(differs(i(100, 120), i(110, 130)), Some(false));
        assert_eq!(differs(i(100, 120), i(120, 130)), Some(false));
        assert_eq!(differs(i(140, 150), i(120, 130)), Some(true));
        assert_eq!(differs(None, i(120, 130)), None);
    }

    #[test]
    fn a_definition_row_is_read_with_its_formula() {
        let cells: HashMap<&str, &str> = HashMap::from([
            ("codice", "vecchiaia"),
            ("nome", "Indice di vecchiaia"),
            ("tema", "Demografia"),
            (
                "definizione",
                "Rapporto tra la popolazione di 65 anni e più e quella di 0-14 anni.",
            ),
            ("numeratore", "Residenti di 65 anni e più"),
            ("denominatore", "Residenti di 0-14 anni"),
            ("moltiplicatore", "100"),
            ("unita", "anziani ogni 100 giovani"),
            ("polarita", "neutro"),
            ("fonte", "ISTAT, popolazione residente al 1° gennaio"),
            ("licenza", "CC BY 3.0 IT"),
        ]);
        let d = read_definition_row(|c| cells.get(c).map(|s| s.to_string()).unwrap_or_default())
            .unwrap();
        assert_eq!(d.multiplier, Some(100));
        assert_eq!(d.polarity, Polarity::Neutral);
        assert!(!d.demo);
        let mut bad = cells.clone();
        bad.insert("moltiplicatore", "1.000,5");
        bad.insert("polarita", "su");
        bad.insert("nome", "");
        let e = read_definition_row(|c| bad.get(c).map(|s| s.to_string()).unwrap_or_default())
            .unwrap_err();
        let cols: Vec<&str> = e.iter().map(|(c, _)| *c).collect();
        assert_eq!(cols, vec!["nome", "moltiplicatore", "polarita"], "{e:?}");
        // «1.000» is one thousand.
        let mut thousand = cells.clone();
        thousand.insert("moltiplicatore", "1.000");
        let d = read_definition_row(|c| thousand.get(c).map(|s| s.to_string()).unwrap_or_default())
            .unwrap();
        assert_eq!(d.multiplier, Some(1000));
    }

    #[test]
    fn periods_are_one_year_or_a_span() {
        assert_eq!(
            Period::parse(" 2019-2023 ").unwrap(),
            Period {
                from: 2019,
                to: 2023
            }
        );
        assert!(Period::parse("23").is_err());
        assert!(Period::parse("2023/24").is_err());
        assert!(Period::parse("2.023").is_err());
        assert!(Period::parse("1899").is_err());
        assert_eq!(
            Period::parse("2023-2019").unwrap_err(),
            "Nel periodo «2023-2019» il secondo anno precede il primo."
        );
    }

    #[test]
    fn a_trend_reads_the_change_against_the_earlier_value_and_the_polarity() {
        let t = trend(
            Decimal::new(417, 0),
            Decimal::new(4362, 1),
            Polarity::Neutral,
        );
        assert_eq!(t.direction, Direction::Up);
        assert_eq!(t.change, Some(Decimal::new(46, 1)));
        assert_eq!(t.better, None);
        // Lower is better: a fall is good news.
        let t = trend(
            Decimal::new(100, 1),
            Decimal::new(90, 1),
            Polarity::LowerBetter,
        );
        assert_eq!(
            (t.direction, t.change, t.better),
            (Direction::Down, Some(Decimal::new(-100, 1)), Some(true))
        );
        let t = trend(
            Decimal::new(60, 0),
            Decimal::new(66, 0),
            Polarity::HigherBetter,
        );
        assert_eq!(t.better, Some(true));
        let t = trend(
            Decimal::new(60, 0),
            Decimal::new(54, 0),
            Polarity::HigherBetter,
        );
        assert_eq!(t.better, Some(false));
        // Under 1 % of the earlier value is steady; exactly 1 % is a change.
        let t = trend(
            Decimal::new(200, 0),
            Decimal::new(2018, 1),
            Polarity::HigherBetter,
        );
        assert_eq!(
            (t.direction, t.change, t.better),
            (Direction::Steady, Some(Decimal::new(9, 1)), None)
        );
        let t = trend(
            Decimal::new(200, 0),
            Decimal::new(202, 0),
            Polarity::HigherBetter,
        );
        assert_eq!(
            (t.direction, t.change),
            (Direction::Up, Some(Decimal::new(10, 1)))
        );
        // Half away from zero: 0.95 % rounds to 1.0 % and counts.
        let t = trend(
            Decimal::new(1000, 0),
            Decimal::new(10095, 1),
            Polarity::Neutral,
        );
        assert_eq!(
            (t.direction, t.change),
            (Direction::Up, Some(Decimal::new(10, 1)))
        );
        let t = trend(
            Decimal::new(1000, 0),
            Decimal::new(9906, 1),
            Polarity::Neutral,
        );
        assert_eq!(
            (t.direction, t.change),
            (Direction::Steady, Some(Decimal::new(-9, 1)))
        );
        let t = trend(
            Decimal::new(1000, 0),
            Decimal::new(9905, 1),
            Polarity::Neutral,
        );
        assert_eq!(
            (t.direction, t.change),
            (Direction::Down, Some(Decimal::new(-10, 1)))
        );
        // From zero there is no percentage, only a direction.
        let t = trend(
            Decimal::new(0, 0),
            Decimal::new(3, 0),
            Polarity::LowerBetter,
        );
        assert_eq!(
            (t.direction, t.change, t.better),
            (Direction::Up, None, Some(false))
        );
        let t = trend(
            Decimal::new(0, 0),
            Decimal::new(0, 0),
            Polarity::LowerBetter,
        );
        assert_eq!(
            (t.direction, t.change, t.better),
            (Direction::Steady, None, None)
        );
        // A negative earlier value (a balance) is read by its size.
        let t = trend(
            Decimal::new(-4, 0),
            Decimal::new(-2, 0),
            Polarity::HigherBetter,
        );
        assert_eq!(
            (t.direction, t.change, t.better),
            (Direction::Up, Some(Decimal::new(500, 1)), Some(true))
        );
    }
}
