//! The organisation model: territory (region, zone, municipality), bodies and
//! their units, and the value types that guard their fields.

use serde::{Deserialize, Serialize};
use std::fmt;

/// ISTAT municipality code: six digits, the first three the province
/// (e.g. `049009` Livorno). Source: ISTAT, "Codici statistici delle unità
/// amministrative territoriali".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IstatCode(String);

impl IstatCode {
    pub fn parse(s: &str) -> Result<IstatCode, String> {
        let s = s.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && s != "000000" {
            Ok(IstatCode(s.to_string()))
        } else {
            Err("Il codice ISTAT del comune è formato da 6 cifre (esempio: 049009).".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IstatCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short code for regions and zones (e.g. `RT`, `ZD-LIV`): upper-case letters,
/// digits and dashes, 2 to 20 characters. Codes appear in exports and URLs.
pub fn parse_code(s: &str) -> Result<String, String> {
    let s = s.trim().to_uppercase();
    let ok = (2..=20).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s)
    } else {
        Err("Da 2 a 20 caratteri: lettere, cifre e trattini (esempio: ZD-LIV).".into())
    }
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        /// In JSON (exports, the audit log) a value is its stored code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stable code stored in the database and used in exports and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Italian label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        /// A stored code read back: one that names no value is an error,
        /// never a silent default.
        impl TryFrom<String> for $name {
            type Error = $crate::validation::UnknownCode;
            fn try_from(code: String) -> Result<$name, Self::Error> {
                $name::from_code(&code).ok_or($crate::validation::UnknownCode {
                    kind: stringify!($name),
                    code,
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        $crate::text_column!($name);
    };
}
pub(crate) use labelled_enum;

labelled_enum! {
    /// What kind of body an organisation is.
    OrganisationKind {
        HealthAuthority = "health_authority", "Azienda sanitaria";
        Municipality = "municipality", "Comune";
        ThirdSectorBody = "third_sector_body", "Ente del Terzo Settore";
        OtherPublicBody = "other_public_body", "Altro ente pubblico";
    }
}

impl OrganisationKind {
    /// The Italian name of its units: a health authority has functional units,
    /// a municipality has services.
    pub fn unit_label(self) -> &'static str {
        match self {
            OrganisationKind::HealthAuthority => "Unità funzionale",
            OrganisationKind::Municipality => "Servizio comunale",
            _ => "Unità organizzativa",
        }
    }
}

labelled_enum! {
    /// Legal form of a Third Sector body (D.lgs 117/2017, Titles IV-V;
    /// D.lgs 112/2017 for social enterprises; L. 381/1991 for social co-operatives).
    LegalForm {
        Odv = "odv", "Organizzazione di volontariato (ODV)";
        Aps = "aps", "Associazione di promozione sociale (APS)";
        SocialCooperative = "social_cooperative", "Cooperativa sociale";
        FoundationEts = "foundation_ets", "Fondazione ETS";
        SocialEnterprise = "social_enterprise", "Impresa sociale";
        Consortium = "consortium", "Consorzio";
        Other = "other", "Altra forma";
    }
}

labelled_enum! {
    /// Section of the national Third Sector register (RUNTS, art. 46 D.lgs 117/2017).
    RuntsSection {
        A = "a", "a) Organizzazioni di volontariato";
        B = "b", "b) Associazioni di promozione sociale";
        C = "c", "c) Enti filantropici";
        D = "d", "d) Imprese sociali, incluse le cooperative sociali";
        E = "e", "e) Reti associative";
        F = "f", "f) Società di mutuo soccorso";
        G = "g", "g) Altri enti del Terzo settore";
    }
}

/// RUNTS registration number ("numero di repertorio"): 1 to 10 digits.
pub fn parse_runts_number(s: &str) -> Result<String, String> {
    let s = s.trim();
    if (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(
            "Il numero di iscrizione al RUNTS (repertorio) è formato da cifre, al massimo 10."
                .into(),
        )
    }
}

/// Tax code of an organisation: an 11-digit number (partita IVA, or the
/// numeric codice fiscale of a body) or a 16-character personal codice
/// fiscale, each with its check character verified (DM 23/12/1976; DPR 633/1972 art. 35).
pub fn parse_tax_code(s: &str) -> Result<String, String> {
    let s: String = s
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let ok = match s.len() {
        11 => s.bytes().all(|b| b.is_ascii_digit()) && vat_check_digit_ok(&s),
        16 => s.bytes().all(|b| b.is_ascii_alphanumeric()) && personal_code_check_ok(&s),
        _ => false,
    };
    if ok {
        Ok(s)
    } else {
        Err("Codice fiscale o partita IVA non valido: controlla le cifre (11 cifre, oppure 16 caratteri).".into())
    }
}

fn vat_check_digit_ok(s: &str) -> bool {
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut sum = 0;
    for (i, v) in d[..10].iter().enumerate() {
        if i % 2 == 0 {
            sum += v;
        } else {
            let x = v * 2;
            sum += if x > 9 { x - 9 } else { x };
        }
    }
    (10 - sum % 10) % 10 == d[10]
}

fn personal_code_check_ok(s: &str) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let b = s.as_bytes();
    let mut sum = 0;
    for (i, &c) in b[..15].iter().enumerate() {
        let idx = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A')
        };
        sum += if i.is_multiple_of(2) {
            ODD[idx as usize]
        } else {
            idx
        };
    }
    b[15].is_ascii_uppercase() && u32::from(b[15] - b'A') == sum % 26
}

/// Resident population of a municipality at 31 December of a year.
pub fn parse_population(s: &str) -> Result<i64, String> {
    crate::validation::int_in_range(s, 0, 100_000_000)
}

/// A reference year (population, plans). The range keeps typos out.
pub fn parse_year(s: &str) -> Result<i32, String> {
    crate::validation::int_in_range(s, 1990, 2100)
        .map(|y| y as i32)
        .map_err(|_| "Anno non valido (esempio: 2024).".to_string())
}

/// Login name: 3 to 40 characters, lower-case letters, digits, `.`, `_`, `-`.
pub fn parse_username(s: &str) -> Result<String, String> {
    let s = s.trim().to_lowercase();
    let ok = (3..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && s.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(s)
    } else {
        Err("Da 3 a 40 caratteri: lettere minuscole, cifre, punto, trattino o trattino basso; deve iniziare con una lettera o una cifra.".into())
    }
}

/// Minimum password policy (AgID / NIST SP 800-63B: length over composition).
pub const MIN_PASSWORD_CHARS: usize = 12;

pub fn check_new_password(password: &str, username: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "La password deve avere almeno {MIN_PASSWORD_CHARS} caratteri."
        ));
    }
    if n > 128 {
        return Err("La password può avere al massimo 128 caratteri.".into());
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err("La password non può contenere il nome utente.".into());
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Err("La password è troppo semplice.".into());
    }
    // Length alone lets `123456789012` through: estimate how many guesses it
    // takes (zxcvbn: common passwords, names, sequences, keyboard patterns,
    // dates, repetitions) and ask for at least 10^10, the estimator's
    // "safely unguessable" level (score 3 of 4).
    let words = [
        username,
        "zona",
        "livorno",
        "livornese",
        "toscana",
        "password",
    ];
    let strength = zxcvbn::zxcvbn(password, &words);
    if (strength.score() as u8) < MIN_PASSWORD_SCORE {
        return Err("La password è troppo facile da indovinare (sequenze, ripetizioni, date, parole o password comuni): scegli una frase di più parole, ad esempio tre o quattro parole non legate tra loro.".into());
    }
    Ok(())
}

/// The least zxcvbn score (0–4) of a new password: 3, at least 10^10 guesses.
pub const MIN_PASSWORD_SCORE: u8 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_common_passwords_are_refused() {
        for weak in [
            "123456789012",
            "passwordpassword",
            "qwertyuiopasdf",
            "abcdefghijklmno",
            "Password2026!",
            "19901990199019",
        ] {
            let e = check_new_password(weak, "mario.rossi")
                .err()
                .unwrap_or_else(|| panic!("{weak} accepted"));
            assert!(
                e.contains("troppo facile") || e.contains("troppo semplice"),
                "{weak}: {e}"
            );
        }
        for strong in [
            "una password robusta",
            "cavallo batteria graffetta corretta",
            "Tramonto-sul-porto-di-Livorno!",
        ] {
            assert_eq!(
                check_new_password(strong, "mario.rossi"),
                Ok(()),
                "{strong}"
            );
        }
    }

    #[test]
    fn istat_codes() {
        assert_eq!(IstatCode::parse(" 049009 ").unwrap().as_str(), "049009");
        for bad in ["49009", "0490090", "04900A", "000000", ""] {
            assert!(IstatCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tax_codes_check_their_last_character() {
        assert_eq!(parse_tax_code(" 00104330493 ").unwrap(), "00104330493");
        assert!(parse_tax_code("00104330494").is_err());
        assert_eq!(
            parse_tax_code("rssmra85t10a562s").unwrap(),
            "RSSMRA85T10A562S"
        );
        assert!(parse_tax_code("RSSMRA85T10A562T").is_err());
        assert!(parse_tax_code("123").is_err());
    }

    #[test]
    fn third_sector_fields() {
        assert_eq!(LegalForm::from_code("aps"), Some(LegalForm::Aps));
        assert_eq!(
            RuntsSection::D.label(),
            "d) Imprese sociali, incluse le cooperative sociali"
        );
        assert_eq!(parse_runts_number(" 12345 ").unwrap(), "12345");
        assert!(parse_runts_number("12A").is_err());
        assert!(parse_runts_number("").is_err());
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code("zd-liv").unwrap(), "ZD-LIV");
        assert!(parse_code("-X").is_err());
        assert!(parse_code("A").is_err());
        assert!(parse_code("ZONA LIV").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(OrganisationKind::from_code("x"), None);
        assert_eq!(
            OrganisationKind::HealthAuthority.unit_label(),
            "Unità funzionale"
        );
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(parse_username(" Mario.Rossi ").unwrap(), "mario.rossi");
        assert!(parse_username("_x1").is_err());
        assert!(parse_username("ab").is_err());
        assert!(parse_username("mario rossi").is_err());
        assert!(check_new_password("corta", "u").is_err());
        assert!(check_new_password("mario.rossi-2026!", "mario.rossi").is_err());
        assert!(check_new_password("aaaaaaaaaaaaaa", "u").is_err());
        assert!(check_new_password("Libeccio sul porto 7", "mario").is_ok());
    }

    #[test]
    fn populations_are_not_negative() {
        assert_eq!(parse_population("153154").unwrap(), 153154);
        assert!(parse_population("-3").is_err());
        assert!(parse_year("24").is_err());
        assert_eq!(parse_year("2024").unwrap(), 2024);
    }
}
