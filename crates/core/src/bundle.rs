//! The cells of a zone bundle: how each kind of value is written in a bundle
//! file and read back. A bundle is meant to be opened and edited in Excel or
//! LibreOffice in Italy, so numbers are written the Italian way (`1234,56`)
//! and read by the one Italian number reader ([`crate::number`]); dates are
//! `gg/mm/aaaa`; yes/no is `Sì`/`No`. Whatever is written reads back to the
//! same value, so a bundle dumped, loaded and dumped again is the same file.
//!
//! What a file holds and how its rows find each other is the store's
//! concern (`zona_store::bundle`); this module only says what a cell means.

use crate::number;
use rust_decimal::Decimal;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// The version of the bundle format this build writes and reads. A bundle
/// of another version is refused with a message that names both.
pub const FORMAT_VERSION: i64 = 1;

/// A value as the database holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Date(Date),
    Instant(OffsetDateTime),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// The allowed codes of a closed list, with their Italian labels.
pub type Codes = fn() -> Vec<(&'static str, &'static str)>;

/// What a column of a bundle file holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Free text of at most this many characters.
    Text(usize),
    /// A whole number within the bounds (a year, a count, a position).
    Whole { min: i64, max: i64 },
    /// A euro amount, kept in cents: `1234,56`.
    Amount,
    /// A decimal kept in hundredths (staff in full-time equivalents): `1,50`.
    Hundredths,
    /// An exact decimal kept as text (an indicator's value): `12,5`.
    Decimal,
    /// A calendar day: `31/12/2024`.
    Date,
    /// An instant, in UTC: `2025-03-29T10:15:00Z`.
    Instant,
    /// Yes or no: `Sì` or `No`.
    Flag,
    /// One code of a closed list (the file holds the code; the label is
    /// accepted too).
    Code(Codes),
    /// One code of a controlled vocabulary (`vocabolari.csv` or the database).
    Term(&'static str),
    /// The key of a row of another file (a single-column key).
    KeyOf(&'static str),
    /// The code of a row of another file, in lower case like a vocabulary's
    /// (a matter of the zone's agreements): the last column of its key.
    CodeOf(&'static str),
    /// A JSON document of at most this many characters.
    Json(usize),
    /// A text with its own rule (a patron day `22/05`): the rule reads the
    /// cell into the text stored, or says why it cannot; the description
    /// names the form.
    Checked(fn(&str) -> Result<String, String>, &'static str),
}

impl Kind {
    /// The kind in Italian, for the data dictionary.
    pub fn describe(&self) -> String {
        match self {
            Kind::Text(max) => format!("testo, al più {max} caratteri"),
            Kind::Whole { min, max } => format!("numero intero da {min} a {max}"),
            Kind::Amount => "importo in euro, due decimali con la virgola (1234,56)".into(),
            Kind::Hundredths => "numero con al più due decimali, con la virgola (1,50)".into(),
            Kind::Decimal => "numero decimale con la virgola (12,5)".into(),
            Kind::Date => "data gg/mm/aaaa".into(),
            Kind::Instant => "istante UTC, ISO 8601 (2025-03-29T10:15:00Z)".into(),
            Kind::Flag => "Sì oppure No".into(),
            Kind::Code(codes) => format!(
                "codice: {}",
                codes()
                    .iter()
                    .map(|(c, l)| format!("`{c}` ({l})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Kind::Term(v) => format!("codice del vocabolario `{v}` (vocabolari.csv)"),
            Kind::KeyOf(f) => format!("chiave di una riga di {f}.csv"),
            Kind::CodeOf(f) => format!("codice di una riga di {f}.csv"),
            Kind::Json(max) => format!("documento JSON, al più {max} caratteri"),
            Kind::Checked(_, form) => (*form).to_string(),
        }
    }

    /// The cell for a value. A value that does not fit the kind (a bug of the
    /// caller, never of the data) is written as it is, so nothing is lost.
    pub fn write(&self, v: &Value) -> String {
        match (self, v) {
            (_, Value::Null) => String::new(),
            (Kind::Amount, Value::Int(n)) => fixed2(*n),
            (Kind::Hundredths, Value::Int(n)) => fixed2(*n),
            (Kind::Decimal, Value::Text(s)) => s.replace('.', ","),
            (_, Value::Int(n)) => n.to_string(),
            (_, Value::Text(s)) => s.clone(),
            (_, Value::Bool(b)) => if *b { "Sì" } else { "No" }.into(),
            (_, Value::Date(d)) => crate::format::date(*d),
            (_, Value::Instant(t)) => t
                .to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .unwrap_or_default(),
        }
    }

    /// The value of a cell, or why it cannot be one, in Italian. An empty
    /// cell is [`Value::Null`]; whether it may be empty is the column's rule.
    pub fn read(&self, cell: &str) -> Result<Value, String> {
        let s = cell.trim();
        if s.is_empty() {
            return Ok(Value::Null);
        }
        Ok(match self {
            Kind::Text(max) | Kind::Json(max) => {
                // A document is kept exactly as written (its last line
                // break too); a text is trimmed, as the forms trim it.
                let s = if let Kind::Json(_) = self { cell } else { s };
                let n = s.chars().count();
                if n > *max {
                    return Err(format!("testo di {n} caratteri: al più {max}"));
                }
                // The forms' rule: no control characters but line breaks
                // and tabs (a stray one breaks documents and exports).
                if s.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
                {
                    return Err("contiene caratteri di controllo non ammessi".into());
                }
                if let Kind::Json(_) = self {
                    serde_json::from_str::<serde_json::Value>(s)
                        .map_err(|e| format!("JSON non valido ({e})"))?;
                }
                Value::Text(s.to_string())
            }
            Kind::Whole { min, max } => {
                let n = number::read_whole(s).map_err(|e| e.to_string())?;
                if n < *min || n > *max {
                    return Err(format!("«{s}» non è tra {min} e {max}"));
                }
                Value::Int(n)
            }
            Kind::Amount => {
                let d = number::read_amount(s).map_err(|e| e.to_string())?;
                Value::Int(hundredths(d, s)?)
            }
            Kind::Hundredths => {
                let d = number::read_decimal(s, 2).map_err(|e| e.to_string())?;
                Value::Int(hundredths(d, s)?)
            }
            Kind::Decimal => {
                let d = number::read_decimal(s, 10).map_err(|e| e.to_string())?;
                Value::Text(d.to_string())
            }
            Kind::Date => Value::Date(crate::format::parse_date(s)?),
            Kind::Instant => {
                Value::Instant(OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
                    format!("«{s}» non è un istante ISO 8601 (2025-03-29T10:15:00Z)")
                })?)
            }
            Kind::Flag => match s.to_lowercase().as_str() {
                "sì" | "si" => Value::Bool(true),
                "no" => Value::Bool(false),
                _ => return Err(format!("«{s}»: scrivere Sì oppure No")),
            },
            Kind::Code(codes) => {
                let codes = codes();
                let lower = s.to_lowercase();
                match codes
                    .iter()
                    .find(|(c, l)| *c == s || l.to_lowercase() == lower)
                {
                    Some((c, _)) => Value::Text(c.to_string()),
                    None => {
                        return Err(format!(
                            "«{s}» non è tra i valori ammessi ({})",
                            codes.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
                        ))
                    }
                }
            }
            // Vocabulary codes are lower case wherever they are stored: a
            // spreadsheet's capital is read back to the code, never stored.
            Kind::Term(_) | Kind::CodeOf(_) => Value::Text(crate::planning::parse_term_code(s)?),
            Kind::KeyOf(_) => Value::Text(s.to_string()),
            Kind::Checked(rule, _) => Value::Text(rule(s)?),
        })
    }
}

/// `123456` hundredths as `1234,56`.
fn fixed2(n: i64) -> String {
    let d = Decimal::new(n, 2);
    d.to_string().replace('.', ",")
}

fn hundredths(d: Decimal, shown: &str) -> Result<i64, String> {
    let too_large = || format!("«{shown}» è troppo grande");
    let n = d.checked_mul(Decimal::from(100)).ok_or_else(too_large)?;
    i64::try_from(n.trunc()).map_err(|_| too_large())
}

/// A closed list's codes and labels, for [`Kind::Code`].
#[macro_export]
macro_rules! codes_of {
    ($t:ty) => {
        || <$t>::ALL.iter().map(|v| (v.code(), v.label())).collect()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(kind: Kind, cell: &str) -> String {
        kind.write(&kind.read(cell).unwrap())
    }

    #[test]
    fn amounts_are_read_and_written_the_italian_way() {
        let k = Kind::Amount;
        assert_eq!(k.read("1.234,56"), Ok(Value::Int(123_456)));
        assert_eq!(k.read("153.000"), Ok(Value::Int(15_300_000)));
        assert_eq!(k.read("0,5"), Ok(Value::Int(50)));
        assert_eq!(k.write(&Value::Int(123_456)), "1234,56");
        assert_eq!(k.write(&Value::Int(5)), "0,05");
        assert_eq!(k.write(&Value::Int(-5)), "-0,05");
        assert_eq!(round_trip(k, "1.234,5"), "1234,50");
        assert!(k.read("1,234").is_err(), "three decimals are refused");
        assert!(k.read("12.5").is_err(), "a dot for decimals is refused");
    }

    #[test]
    fn whole_numbers_keep_their_bounds() {
        let k = Kind::Whole {
            min: 0,
            max: 10_000_000,
        };
        assert_eq!(k.read("153.154"), Ok(Value::Int(153_154)));
        assert_eq!(k.write(&Value::Int(153_154)), "153154");
        assert!(k.read("-1").is_err());
        assert!(k.read("153,5").is_err());
        assert!(k.read("10.000.001").is_err());
        assert!(
            Kind::Amount.read("10000000000000000000000000000").is_err(),
            "too large, not a panic"
        );
        assert_eq!(
            Kind::Term("sector").read("Fondo_Poverta"),
            Ok(Value::Text("fondo_poverta".into()))
        );
        assert!(Kind::Term("sector").read("fondo povertà").is_err());
        assert_eq!(k.read("  "), Ok(Value::Null));
    }

    #[test]
    fn decimals_dates_flags_and_instants_read_back() {
        assert_eq!(Kind::Decimal.read("12,50"), Ok(Value::Text("12.50".into())));
        assert_eq!(round_trip(Kind::Decimal, "12,50"), "12,50");
        assert_eq!(round_trip(Kind::Hundredths, "1,5"), "1,50");
        assert_eq!(round_trip(Kind::Date, "1/2/2025"), "01/02/2025");
        assert!(Kind::Date.read("31/02/2025").is_err());
        assert_eq!(Kind::Flag.read("si"), Ok(Value::Bool(true)));
        assert_eq!(Kind::Flag.write(&Value::Bool(false)), "No");
        assert!(Kind::Flag.read("forse").is_err());
        assert_eq!(
            round_trip(Kind::Instant, "2025-03-29T11:15:00+01:00"),
            "2025-03-29T10:15:00Z"
        );
    }

    #[test]
    fn codes_accept_the_code_or_the_label() {
        let k = Kind::Code(codes_of!(crate::org::OrganisationKind));
        assert_eq!(
            k.read("municipality"),
            Ok(Value::Text("municipality".into()))
        );
        let label = crate::org::OrganisationKind::Municipality
            .label()
            .to_uppercase();
        assert_eq!(k.read(&label), Ok(Value::Text("municipality".into())));
        let e = k.read("banca").unwrap_err();
        assert!(e.contains("municipality"), "{e}");
    }

    #[test]
    fn text_and_json_are_bounded() {
        assert!(Kind::Text(3).read("abcd").is_err());
        assert_eq!(Kind::Text(3).read(" àbc "), Ok(Value::Text("àbc".into())));
        assert!(Kind::Json(100).read("{\"a\":").is_err());
        assert!(Kind::Text(100).read("a\u{7}b").is_err());
        assert_eq!(
            Kind::Text(100).read("a\r\nb"),
            Ok(Value::Text("a\r\nb".into()))
        );
    }
}
