//! The one reader of numbers that people type, the Italian way.
//!
//! Every form field, every cell of an imported CSV or XLSX file, every number
//! given as a string in a JSON file and every number on the command line is
//! read here, so that `153.000` means the same thing everywhere: one hundred
//! fifty-three thousand.
//!
//! The grammar (rules and examples in `docs/domain.md`, "Numbers"):
//!
//! - digits, optionally grouped by thousands with `.` — a dot is a thousands
//!   separator only between groups of exactly three digits (`1.153.000`);
//! - optionally `,` and the decimals (`1.234,56`);
//! - optionally a leading `-` where the value may be negative;
//! - amounts may carry the euro sign before or after (`€ 1.234,56`).
//!
//! A value that could be read two ways is refused, never guessed: `1.5` and
//! `1234.56` are written with a dot where Italians write a comma, so the
//! reader asks for the comma instead of choosing a meaning.

use rust_decimal::Decimal;
use std::str::FromStr;

/// The most characters a typed number may have; longer input is refused
/// before any work is done on it.
pub const MAX_CHARS: usize = 40;

/// Why a typed number was refused. The messages are Italian: they are shown
/// to people, next to the field or with the file's line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("Campo obbligatorio.")]
    Empty,
    #[error("«{0}» non è un numero: scrivere le cifre, con il punto per le migliaia e la virgola per i decimali (esempio 1.234,56).")]
    NotANumber(String),
    #[error("«{0}» non è un numero intero: indicare un numero intero, senza decimali (esempio 153.000).")]
    WholeExpected(String),
    #[error("«{0}»: usare la virgola per i decimali (esempio 1234,56); il punto separa solo le migliaia, a gruppi di tre cifre.")]
    DotForDecimals(String),
    #[error("«{value}»: al massimo {max} decimali.")]
    TooManyDecimals { value: String, max: u32 },
    #[error("Il numero non può essere negativo.")]
    Negative,
    #[error("Il numero non può essere superiore a {0}.")]
    TooLarge(String),
}

/// A typed number split into its parts, before its type is chosen.
struct Parts<'a> {
    negative: bool,
    /// The digits of the whole part, without separators.
    whole: String,
    /// The digits after the comma (`None` without a comma).
    decimals: Option<&'a str>,
}

/// Shortens what is echoed back in a message: the input can be anything.
fn shown(s: &str) -> String {
    if s.chars().count() <= 24 {
        s.to_string()
    } else {
        s.chars().take(24).collect::<String>() + "…"
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The whole part as digits: plain (`153000`) or grouped by thousands with
/// dots (`153.000`, `1.153.000`). `None` if it is neither.
fn whole_digits(s: &str) -> Option<String> {
    if is_digits(s) {
        return Some(s.to_string());
    }
    let mut groups = s.split('.');
    let first = groups.next()?;
    if !is_digits(first) || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    let mut any = false;
    for g in groups {
        if g.len() != 3 || !is_digits(g) {
            return None;
        }
        out.push_str(g);
        any = true;
    }
    any.then_some(out)
}

/// Does the text look like a number written with a decimal point
/// (`1.5`, `1234.56`, `1,234.56`)? Used only to choose the message.
fn looks_like_dot_decimal(s: &str) -> bool {
    match s.rsplit_once('.') {
        Some((int, frac)) => {
            is_digits(frac)
                && !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        }
        None => false,
    }
}

fn split(input: &str, euro: bool) -> Result<Parts<'_>, NumberError> {
    let mut s = input.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if s.chars().count() > MAX_CHARS {
        return Err(NumberError::NotANumber(shown(s)));
    }
    if euro {
        s = s.trim_start_matches('€').trim_end_matches('€').trim();
    }
    let (negative, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    if euro && !negative {
        // "€ -5" is as clear as "-5 €"; nothing else may follow the sign.
        if let Some(rest) = body.strip_prefix('€') {
            return split(rest, false).map(|p| Parts { negative, ..p });
        }
    }
    let (int, dec) = match body.split_once(',') {
        Some((i, d)) => (i, Some(d)),
        None => (body, None),
    };
    let whole = match whole_digits(int) {
        Some(w) => w,
        None if dec.is_none() && looks_like_dot_decimal(body) => {
            return Err(NumberError::DotForDecimals(shown(input.trim())))
        }
        None => return Err(NumberError::NotANumber(shown(input.trim()))),
    };
    if let Some(d) = dec {
        if !is_digits(d) {
            return Err(if looks_like_dot_decimal(body) {
                NumberError::DotForDecimals(shown(input.trim()))
            } else {
                NumberError::NotANumber(shown(input.trim()))
            });
        }
    }
    Ok(Parts {
        negative,
        whole,
        decimals: dec,
    })
}

/// The sign and digits of a whole number, or why it is not one.
fn whole_parts(input: &str) -> Result<(bool, String), NumberError> {
    let p = match split(input, false) {
        // "0.5", "28.45": whatever was meant, it is not a whole number.
        Err(NumberError::DotForDecimals(s)) => return Err(NumberError::WholeExpected(s)),
        other => other?,
    };
    if p.decimals.is_some() {
        return Err(NumberError::WholeExpected(shown(input.trim())));
    }
    Ok((p.negative, p.whole))
}

/// A whole number that may be negative: `-2.071`, `153.000`.
pub fn read_whole(input: &str) -> Result<i64, NumberError> {
    let (negative, digits) = whole_parts(input)?;
    let too_large = || NumberError::TooLarge(crate::format::integer(i64::MAX));
    let n: i64 = digits.parse().map_err(|_| too_large())?;
    Ok(if negative { -n } else { n })
}

/// A count (people, beds, hours, inhabitants): a whole number, not negative,
/// at most `max`.
pub fn read_count(input: &str, max: u64) -> Result<u64, NumberError> {
    let (negative, digits) = whole_parts(input)?;
    let too_large = || NumberError::TooLarge(crate::format::thousands(max));
    let n: u64 = digits.parse().map_err(|_| too_large())?;
    if negative && n > 0 {
        return Err(NumberError::Negative);
    }
    if n > max {
        return Err(too_large());
    }
    Ok(n)
}

/// A decimal (a rate, a staff count in full-time equivalents, a measure) with
/// at most `max_decimals` decimals: `12,5`, `1.234,56`, `-3`.
pub fn read_decimal(input: &str, max_decimals: u32) -> Result<Decimal, NumberError> {
    decimal_from(split(input, false)?, input, max_decimals)
}

/// A euro amount: `1.234,56`, `1234,56`, `1234`, `€ 1.234,56`, `1.234,56 €`,
/// at most two decimals. (`Cents::parse_it` gives it as cents.)
pub fn read_amount(input: &str) -> Result<Decimal, NumberError> {
    decimal_from(split(input, true)?, input, 2)
}

fn decimal_from(p: Parts<'_>, input: &str, max_decimals: u32) -> Result<Decimal, NumberError> {
    let dec = p.decimals.unwrap_or("");
    if dec.len() > max_decimals as usize {
        return Err(NumberError::TooManyDecimals {
            value: shown(input.trim()),
            max: max_decimals,
        });
    }
    let text = if dec.is_empty() {
        p.whole
    } else {
        format!("{}.{dec}", p.whole)
    };
    let d = Decimal::from_str_exact(&text)
        .map_err(|_| NumberError::TooLarge(crate::format::decimal(Decimal::MAX)))?;
    Ok(if p.negative && !d.is_zero() { -d } else { d })
}

/// Checks a decimal that is already a number (a JSON number, a spreadsheet
/// cell) against the same rules as a typed one: its decimals.
pub fn check_decimals(d: Decimal, max_decimals: u32) -> Result<Decimal, NumberError> {
    if d.normalize().scale() > max_decimals {
        return Err(NumberError::TooManyDecimals {
            value: crate::format::decimal(d),
            max: max_decimals,
        });
    }
    Ok(d)
}

/// Checks a decimal that is already a number for being whole, not negative
/// and at most `max`.
pub fn check_count(d: Decimal, max: u64) -> Result<u64, NumberError> {
    if d.fract() != Decimal::ZERO {
        return Err(NumberError::WholeExpected(crate::format::decimal(d)));
    }
    if d.is_sign_negative() && !d.is_zero() {
        return Err(NumberError::Negative);
    }
    match u64::try_from(d) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(NumberError::TooLarge(crate::format::thousands(max))),
    }
}

/// A JSON number as an exact decimal (`68`, `68.5`, `1e3`).
fn json_number(n: &serde_json::Number) -> Result<Decimal, NumberError> {
    let t = n.to_string();
    Decimal::from_str(&t)
        .or_else(|_| Decimal::from_scientific(&t))
        .map_err(|_| NumberError::TooLarge(crate::format::decimal(Decimal::MAX)))
}

/// A count given in a JSON file: a JSON number stays a JSON number (with
/// JSON's dot), a string is read the Italian way (`"153.000"`).
pub fn json_count(v: &serde_json::Value, max: u64) -> Result<u64, NumberError> {
    match v {
        serde_json::Value::Number(n) => check_count(json_number(n)?, max),
        serde_json::Value::String(s) => read_count(s, max),
        other => Err(NumberError::WholeExpected(shown(&other.to_string()))),
    }
}

/// A decimal given in a JSON file, as [`json_count`] reads a count.
pub fn json_decimal(v: &serde_json::Value, max_decimals: u32) -> Result<Decimal, NumberError> {
    match v {
        serde_json::Value::Number(n) => check_decimals(json_number(n)?, max_decimals),
        serde_json::Value::String(s) => read_decimal(s, max_decimals),
        other => Err(NumberError::NotANumber(shown(&other.to_string()))),
    }
}

/// A euro amount given in a JSON file, as [`json_count`] reads a count.
pub fn json_amount(v: &serde_json::Value) -> Result<Decimal, NumberError> {
    match v {
        serde_json::Value::String(s) => read_amount(s),
        other => json_decimal(other, 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn counts_the_italian_way() {
        for (typed, n) in [
            ("153000", 153_000),
            ("153.000", 153_000),
            ("1.153.000", 1_153_000),
            (" 34 ", 34),
            ("28.450", 28_450),
            ("0", 0),
            ("007", 7),
        ] {
            assert_eq!(read_count(typed, u64::MAX), Ok(n), "{typed}");
        }
    }

    #[test]
    fn a_count_with_decimals_is_refused_as_not_whole() {
        for typed in ["0.5", "1.5", "28.45", "1,5", "153,0", "1.234,5", "153.5"] {
            let e = read_count(typed, u64::MAX).unwrap_err();
            assert!(matches!(e, NumberError::WholeExpected(_)), "{typed}: {e:?}");
            assert!(e.to_string().contains("numero intero"), "{typed}");
        }
    }

    #[test]
    fn misplaced_dots_and_garbage_are_refused() {
        for typed in [
            "1.53.000",
            "1234.567",
            ".123",
            "-",
            "€",
            "0,",
            "1.234.56",
            "15.30",
            "1.0000",
            ".5",
            "5.",
            "1..000",
            "12 persone",
            "tre",
            "+5",
            "1 000",
            "1,000.5",
            "0x10",
            "1e3",
            "",
            "   ",
            ",5",
            "5,",
            "--5",
            "€5",
        ] {
            assert!(read_count(typed, u64::MAX).is_err(), "{typed}");
        }
        assert_eq!(read_count("", 10), Err(NumberError::Empty));
    }

    #[test]
    fn counts_are_bounded_and_not_negative() {
        assert_eq!(read_count("-3", 10), Err(NumberError::Negative));
        assert_eq!(
            read_count("11", 10),
            Err(NumberError::TooLarge("10".into()))
        );
        assert!(matches!(
            read_count("18446744073709551616", u64::MAX),
            Err(NumberError::TooLarge(_))
        ));
        assert!(matches!(
            read_count(&"9".repeat(41), u64::MAX),
            Err(NumberError::NotANumber(_))
        ));
    }

    #[test]
    fn amounts_the_italian_way() {
        for (typed, v) in [
            ("1.234,56", "1234.56"),
            ("1234,56", "1234.56"),
            ("1234", "1234"),
            ("€ 1.234,56", "1234.56"),
            ("1.234,56 €", "1234.56"),
            ("€1.234,5", "1234.5"),
            ("-1.234,56", "-1234.56"),
            ("€ -5", "-5"),
            ("1.234", "1234"),
        ] {
            assert_eq!(read_amount(typed), Ok(d(v)), "{typed}");
        }
    }

    #[test]
    fn a_decimal_point_is_refused_with_the_comma_asked_for() {
        for typed in ["1234.56", "1.5", "0.5", "1,234.56", "28.45"] {
            let e = read_amount(typed).unwrap_err();
            assert!(
                matches!(e, NumberError::DotForDecimals(_)),
                "{typed}: {e:?}"
            );
            assert!(e.to_string().contains("virgola"), "{typed}");
            assert!(read_decimal(typed, 4).is_err(), "{typed}");
        }
    }

    #[test]
    fn money_has_at_most_two_decimals() {
        assert!(matches!(
            read_amount("1,234"),
            Err(NumberError::TooManyDecimals { max: 2, .. })
        ));
        assert_eq!(read_decimal("12,345", 3), Ok(d("12.345")));
        assert_eq!(read_decimal("0,50", 2), Ok(d("0.50")));
        assert_eq!(read_decimal("-0", 2), Ok(d("0")));
        assert_eq!(read_decimal("1.234", 2), Ok(d("1234")));
    }

    #[test]
    fn json_numbers_stay_json_numbers() {
        use serde_json::json;
        assert_eq!(json_count(&json!(153000), 200_000), Ok(153_000));
        assert_eq!(json_count(&json!("153.000"), 200_000), Ok(153_000));
        assert!(json_count(&json!(153.5), 200_000).is_err());
        assert!(json_count(&json!("153.5"), 200_000).is_err());
        assert!(json_count(&json!(true), 200_000).is_err());
        assert_eq!(json_amount(&json!(1234.56)), Ok(d("1234.56")));
        assert_eq!(json_amount(&json!("1.234,56 €")), Ok(d("1234.56")));
        assert!(json_amount(&json!("1234.56")).is_err());
        assert!(json_amount(&json!(1234.567)).is_err());
        assert_eq!(json_decimal(&json!(1e3), 2), Ok(d("1000")));
    }

    #[test]
    fn numbers_that_are_already_numbers() {
        assert_eq!(check_count(d("153000"), 200_000), Ok(153_000));
        assert_eq!(check_count(d("153000.0"), 200_000), Ok(153_000));
        assert!(matches!(
            check_count(d("153.5"), 200_000),
            Err(NumberError::WholeExpected(_))
        ));
        assert_eq!(check_count(d("-1"), 10), Err(NumberError::Negative));
        assert!(check_decimals(d("1.005"), 2).is_err());
        assert_eq!(check_decimals(d("1.500"), 2), Ok(d("1.500")));
    }
}
