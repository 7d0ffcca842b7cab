//! Field-level validation errors, shown next to each field in Italian.

use std::collections::BTreeMap;

/// Errors keyed by form field name. Messages are Italian: they are shown to people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the first error of a field; later ones are dropped so the person
    /// sees one actionable message per field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(value)` when no error was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Collects the error of a parse into this set and returns the parsed value.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }
}

/// A required, trimmed, single-line text of bounded length.
pub fn required_text(value: &str, max_chars: usize) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Campo obbligatorio.".into());
    }
    optional_text(v, max_chars).map(|o| o.unwrap_or_default())
}

/// An optional, trimmed text of bounded length; empty becomes `None`.
pub fn optional_text(value: &str, max_chars: usize) -> Result<Option<String>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max_chars {
        return Err(format!("Al massimo {max_chars} caratteri."));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("Contiene caratteri non ammessi.".into());
    }
    Ok(Some(v.to_string()))
}

/// An optional time of day as `hh:mm` (24 hours); empty is none.
pub fn optional_time(value: &str) -> Result<Option<String>, String> {
    let t = value.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let ok = t.len() == 5
        && t.as_bytes()[2] == b':'
        && t[..2].bytes().all(|b| b.is_ascii_digit())
        && t[3..].bytes().all(|b| b.is_ascii_digit())
        && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && t[3..].parse::<u8>().is_ok_and(|m| m < 60);
    if ok {
        Ok(Some(t.to_string()))
    } else {
        Err("Ora non valida: usare il formato hh:mm, per esempio 15:30.".into())
    }
}

/// A simple e-mail shape check: something@domain.tld, no spaces. Deliverability
/// is not our business; catching typos is.
pub fn optional_email(value: &str) -> Result<Option<String>, String> {
    let Some(v) = optional_text(value, 254)? else {
        return Ok(None);
    };
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        Ok(Some(v.to_lowercase()))
    } else {
        Err("Indirizzo e-mail non valido (esempio: nome@dominio.it).".into())
    }
}

/// A whole number in a range, from a form field, read by the one number
/// reader (`153.154` is one hundred fifty-three thousand and more).
pub fn int_in_range(value: &str, min: i64, max: i64) -> Result<i64, String> {
    let n = crate::number::read_whole(value).map_err(|e| e.to_string())?;
    if n < min {
        return Err(format!(
            "Il valore non può essere inferiore a {}.",
            crate::format::integer(min)
        ));
    }
    if n > max {
        return Err(format!(
            "Il valore non può essere superiore a {}.",
            crate::format::integer(max)
        ));
    }
    Ok(n)
}

/// A code, read from storage or a file, that names no value of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code «{code}»")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_per_field_wins() {
        let mut e = FieldErrors::new();
        e.add("name", "uno");
        e.add("name", "due");
        assert_eq!(e.get("name"), Some("uno"));
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn required_text_trims_and_bounds() {
        assert_eq!(required_text("  Livorno ", 10).unwrap(), "Livorno");
        assert_eq!(required_text("   ", 10).unwrap_err(), "Campo obbligatorio.");
        assert!(required_text("àèìòù12345x", 10).is_err());
        assert!(
            required_text("àèìòù12345", 10).is_ok(),
            "limit counts characters, not bytes"
        );
    }

    #[test]
    fn time_of_day() {
        assert_eq!(optional_time(" ").unwrap(), None);
        assert_eq!(optional_time("00:00").unwrap().unwrap(), "00:00");
        assert_eq!(optional_time(" 23:59 ").unwrap().unwrap(), "23:59");
        for bad in [
            "24:00", "12:60", "9:30", "09.30", "0930", "+9:30", "09:3x", "ore 9",
        ] {
            assert!(optional_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_shape() {
        assert_eq!(optional_email("").unwrap(), None);
        assert_eq!(
            optional_email(" Mario@Comune.Livorno.it ")
                .unwrap()
                .unwrap(),
            "mario@comune.livorno.it"
        );
        for bad in [
            "mario",
            "mario@",
            "@x.it",
            "mario@it",
            "ma rio@x.it",
            "a@b@c.it",
            "a@.it",
        ] {
            assert!(optional_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers() {
        assert_eq!(int_in_range("153.154", 0, i64::MAX).unwrap(), 153154);
        assert!(int_in_range("-1", 0, 10).is_err());
        assert!(int_in_range("1,5", 0, 10).is_err());
        assert!(int_in_range("0.5", 0, 10).unwrap_err().contains("intero"));
        assert_eq!(int_in_range("28.450", 0, 100_000).unwrap(), 28_450);
        assert_eq!(
            int_in_range("2101", 1990, 2100).unwrap_err(),
            "Il valore non può essere superiore a 2.100."
        );
        assert!(int_in_range("", 0, 10).is_err());
    }
}
