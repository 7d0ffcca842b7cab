//! Euros as exact integer cents.
//!
//! Amounts are stored as `i64` cents on both databases and computed with
//! `rust_decimal`; floating point never touches money. Rounding to the cent is
//! half away from zero ("arrotondamento commerciale"), the rule used by Italian
//! public accounts.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

/// Why a typed amount was refused: the one number reader's reasons.
pub type MoneyError = crate::number::NumberError;

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Parses an amount as people type it in Italy (`1.234,56`, `1234,56`,
    /// `1234`, `€ 1.234,56`), with the one number reader: a `.` is read only
    /// as a thousands separator, so `1.23` is refused rather than guessed.
    pub fn parse_it(input: &str) -> Result<Cents, MoneyError> {
        let d = crate::number::read_amount(input)?;
        Cents::from_decimal(d).ok_or_else(too_large)
    }

    /// The exact decimal value in euros.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Rounds a decimal amount of euros to the cent, half away from zero.
    pub fn from_decimal(d: Decimal) -> Option<Cents> {
        let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let scaled = r.checked_mul(Decimal::ONE_HUNDRED)?;
        i64::try_from(scaled).ok().map(Cents)
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    /// Italian form without the currency sign: `1.234,56`.
    pub fn format_plain(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let euros = crate::format::thousands(abs / 100);
        format!("{}{},{:02}", if neg { "-" } else { "" }, euros, abs % 100)
    }
}

impl fmt::Display for Cents {
    /// `1.234,56 €`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} €", self.format_plain())
    }
}

fn too_large() -> MoneyError {
    MoneyError::TooLarge(Cents(i64::MAX).format_plain())
}

impl std::iter::Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents(iter.map(|c| c.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn parses_italian_amounts() {
        assert_eq!(Cents::parse_it("1.461.245,92").unwrap(), Cents(146_124_592));
        assert_eq!(Cents::parse_it("293.481,58 €").unwrap(), Cents(29_348_158));
        assert_eq!(Cents::parse_it("356240").unwrap(), Cents(35_624_000));
        assert_eq!(Cents::parse_it("0,5").unwrap(), Cents(50));
        assert_eq!(Cents::parse_it("-12,30").unwrap(), Cents(-1230));
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        assert!(matches!(
            Cents::parse_it("1,234").unwrap_err(),
            MoneyError::TooManyDecimals { max: 2, .. }
        ));
        assert!(matches!(
            Cents::parse_it("1.23").unwrap_err(),
            MoneyError::DotForDecimals(_)
        ));
        for bad in ["12.34.567", "abc", "12,"] {
            assert!(
                matches!(Cents::parse_it(bad).unwrap_err(), MoneyError::NotANumber(_)),
                "{bad}"
            );
        }
        assert_eq!(Cents::parse_it("").unwrap_err(), MoneyError::Empty);
        assert!(matches!(
            Cents::parse_it("99999999999999999999").unwrap_err(),
            MoneyError::TooLarge(_)
        ));
    }

    #[test]
    fn formats_italian() {
        assert_eq!(Cents(146_124_592).to_string(), "1.461.245,92 €");
        assert_eq!(Cents(5).to_string(), "0,05 €");
        assert_eq!(Cents(-123_456).format_plain(), "-1.234,56");
    }

    #[test]
    fn zero_has_no_sign() {
        assert_eq!(Cents(0).format_plain(), "0,00");
        assert_eq!(Cents(-1).format_plain(), "-0,01");
        assert_eq!(Cents(1).to_string(), "0,01 €");
    }

    #[test]
    fn sums_are_checked() {
        assert_eq!(Cents(150).checked_add(Cents(-50)), Some(Cents(100)));
        assert_eq!(Cents(i64::MAX).checked_add(Cents(1)), None);
        assert_eq!(Cents(i64::MIN).checked_add(Cents(-1)), None);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(Cents::from_decimal(d("0.005")), Some(Cents(1)));
        assert_eq!(Cents::from_decimal(d("0.0049")), Some(Cents(0)));
        assert_eq!(Cents::from_decimal(d("-0.005")), Some(Cents(-1)));
        assert_eq!(
            Cents::from_decimal(d("19096142.52")),
            Some(Cents(1_909_614_252))
        );
    }

    #[test]
    fn round_trip_through_decimal() {
        for c in [0, 1, 99, 100, 146_124_592, -5] {
            assert_eq!(Cents::from_decimal(Cents(c).to_decimal()), Some(Cents(c)));
        }
    }
}
