//! Co-design agreements (co-progettazione, art. 55 c. 3 D.lgs 117/2017; art. 11 and 13 LR Toscana 65/2020): their
//! holders and statuses, the public-procurement codes they carry (CUP, CIG),
//! their periods as precise as the source gives them, and the consistency
//! warnings between status and period.

use crate::org::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

labelled_enum! {
    /// Who holds the agreement.
    HolderKind {
        ZoneMunicipalities = "zone_municipalities", "Comuni della Zona";
        Municipality = "municipality", "Comune";
        HealthAuthority = "health_authority", "Azienda sanitaria";
    }
}

labelled_enum! {
    /// Where an agreement stands. The labels are the ones of the POA chapter.
    AgreementStatus {
        Planned = "planned", "In programma";
        ProcurementStarted = "procurement_started", "Avviato iter per l'affidamento";
        Ongoing = "ongoing", "In corso";
        Concluded = "concluded", "Conclusa";
    }
}

impl AgreementStatus {
    /// Reads a status as written in the source tables, where the same state
    /// appears as "Conclusa", "Concluso" or "concluso". Anything written after
    /// the status itself (e.g. "salva ammissione a finanziamento") is returned
    /// as a note.
    pub fn read(s: &str) -> Option<(AgreementStatus, Option<String>)> {
        let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = t.to_lowercase();
        let prefixes: [(&str, AgreementStatus); 5] = [
            (
                "avviato iter per l'affidamento",
                AgreementStatus::ProcurementStarted,
            ),
            ("in programma", AgreementStatus::Planned),
            ("in corso", AgreementStatus::Ongoing),
            ("conclusa", AgreementStatus::Concluded),
            ("concluso", AgreementStatus::Concluded),
        ];
        for (p, status) in prefixes {
            if let Some(rest) = lower.strip_prefix(p) {
                let note = t[t.len() - rest.len()..].trim();
                let note = (!note.is_empty()).then(|| note.to_string());
                return Some((status, note));
            }
        }
        None
    }
}

/// Outcome of checking a code: refused (the field cannot be saved) or
/// accepted, possibly with a warning (newer codes may follow other rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Valid(String),
    Warning(String, String),
}

impl CodeCheck {
    pub fn code(&self) -> &str {
        match self {
            CodeCheck::Valid(c) | CodeCheck::Warning(c, _) => c,
        }
    }
    pub fn warning(&self) -> Option<&str> {
        match self {
            CodeCheck::Valid(_) => None,
            CodeCheck::Warning(_, w) => Some(w),
        }
    }
}

fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

/// CUP (Codice Unico di Progetto, L. 3/2003 art. 11; L. 144/1999 art. 1 c. 5):
/// 15 letters and digits. The codes of the zone all read letter, 2 digits,
/// letter, 11 digits; another shape is accepted with a warning.
pub fn check_cup(s: &str) -> Result<CodeCheck, String> {
    let c = normalise_code(s);
    if c.chars().count() != 15 {
        return Err(format!(
            "Il CUP «{c}» ha {} caratteri: deve averne 15.",
            c.chars().count()
        ));
    }
    if !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "Il CUP «{c}» contiene caratteri non ammessi: solo lettere e cifre."
        ));
    }
    let b = c.as_bytes();
    let shape = b[0].is_ascii_uppercase()
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3].is_ascii_uppercase()
        && b[4..].iter().all(u8::is_ascii_digit);
    Ok(if shape {
        CodeCheck::Valid(c)
    } else {
        let w = format!(
            "Il CUP «{c}» non segue lo schema consueto (lettera, 2 cifre, lettera, 11 cifre): verificarlo sul portale CUP."
        );
        CodeCheck::Warning(c, w)
    })
}

/// CIG (Codice Identificativo Gara, ANAC): 10 letters and digits. Two shapes
/// carry a check: the legacy CIG (7 digits N, then 3 hex digits equal to
/// N×211 mod 4091) and the SmartCIG (X, Y or Z, then 2 hex digits equal to
/// C×211 mod 251, then the 7 hex digits C). Codes of another shape, as issued
/// since 2024, are accepted with a warning.
pub fn check_cig(s: &str) -> Result<CodeCheck, String> {
    let c = normalise_code(s);
    if c.chars().count() != 10 {
        return Err(format!(
            "Il CIG «{c}» ha {} caratteri: deve averne 10.",
            c.chars().count()
        ));
    }
    if !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "Il CIG «{c}» contiene caratteri non ammessi: solo lettere e cifre."
        ));
    }
    let hex = |s: &str| u64::from_str_radix(s, 16).ok();
    let ok = if c[..7].bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = c[..7].parse().unwrap_or(0);
        hex(&c[7..]) == Some((n * 211) % 4091)
    } else if matches!(c.as_bytes()[0], b'X' | b'Y' | b'Z') {
        match (hex(&c[1..3]), hex(&c[3..])) {
            (Some(check), Some(n)) => check == (n * 211) % 251,
            _ => false,
        }
    } else {
        false
    };
    Ok(if ok {
        CodeCheck::Valid(c)
    } else {
        let w = format!(
            "Il CIG «{c}» non supera il controllo del CIG ordinario né dello SmartCIG: verificarlo sul portale ANAC."
        );
        CodeCheck::Warning(c, w)
    })
}

labelled_enum! {
    /// Which code a piece of text carries.
    CodeKind {
        Cup = "cup", "CUP";
        Cig = "cig", "CIG";
    }
}

impl CodeKind {
    pub fn check(self, s: &str) -> Result<CodeCheck, String> {
        match self {
            CodeKind::Cup => check_cup(s),
            CodeKind::Cig => check_cig(s),
        }
    }
}

/// Finds the CUP and CIG codes written inside a text, as the source tables
/// write them: "CUP J71H22000140006", "CUPJ71B20001230001",
/// "2021_CUP J71H22000150001", "Rif. CIG ZFA3D7718E-". The label must be in
/// capitals and not part of a longer word; the code is the run of letters and
/// digits after it, which must hold a digit (so "CUPOLA" is no code).
/// Codes are returned as written, unchecked, in order and without repeats.
pub fn find_codes(text: &str) -> Vec<(CodeKind, String)> {
    let b = text.as_bytes();
    let mut out: Vec<(CodeKind, String)> = Vec::new();
    let mut i = 0;
    while i + 3 <= b.len() {
        let kind = match &b[i..i + 3] {
            b"CUP" => Some(CodeKind::Cup),
            b"CIG" => Some(CodeKind::Cig),
            _ => None,
        };
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphabetic();
        let Some(kind) = kind.filter(|_| starts_word) else {
            i += 1;
            continue;
        };
        let mut j = i + 3;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\n' || b[j] == b':' || b[j] == b'\t') {
            j += 1;
        }
        let start = j;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let code = &text[start..j];
        if code.bytes().any(|c| c.is_ascii_digit()) {
            let pair = (kind, code.to_string());
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
        i = j.max(i + 3);
    }
    out
}

// ---------------------------------------------------------------- periods

/// How precise one end of a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
}

impl Precision {
    pub fn code(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
    pub fn from_code(s: &str) -> Option<Precision> {
        match s {
            "day" => Some(Precision::Day),
            "month" => Some(Precision::Month),
            "year" => Some(Precision::Year),
            _ => None,
        }
    }
}

/// A period: the first and last day it covers, each with the precision the
/// source gives (a month reads 1st to last day of that month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: Date,
    pub start_precision: Precision,
    pub end: Date,
    pub end_precision: Precision,
}

use crate::format::MONTHS;

fn month_of(word: &str) -> Option<Month> {
    let w = word.to_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == w)
        .and_then(|i| Month::try_from(i as u8 + 1).ok())
}

fn last_day(year: i32, month: Month) -> Date {
    let d = month.length(year);
    Date::from_calendar_date(year, month, d).expect("valid last day")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Day(Date),
    Month(Option<i32>, Month),
    Year(i32),
}

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '/' {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn day_bound(t: &str) -> Option<Bound> {
    let parts: Vec<&str> = t.split('/').collect();
    if parts.len() != 3 {
        return None;
    }
    let num = |s: &str| s.parse::<i32>().ok();
    let (d, m, y) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    if !(1900..=2100).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?)
        .ok()
        .map(Bound::Day)
}

impl Period {
    /// Reads a period as written in the source tables: "01/01/2023 – 31/12/2023",
    /// "Dal 23/3/2023 al 31 dicembre 2024", "PERIODO 1°/07/2021 - 30/06/2023",
    /// "Agosto 2020 Giugno 2022", "Novembre- dicembre 2023", "da giugno 2024 a
    /// marzo 2026", "n. 18 mesi da settembre 2024", "2023-2024", "2022".
    pub fn read(text: &str) -> Result<Period, String> {
        let cleaned = text.replace('°', "");
        let toks = tokens(&cleaned);
        let mut bounds: Vec<Bound> = Vec::new();
        let mut months_long: Option<i32> = None;
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i].as_str();
            if t.contains('/') {
                if let Some(b) = day_bound(t) {
                    bounds.push(b);
                } else {
                    return Err(format!("Data non valida: «{t}»."));
                }
            } else if let Some(m) = month_of(t) {
                let year = toks
                    .get(i + 1)
                    .and_then(|y| y.parse::<i32>().ok())
                    .filter(|y| (1900..=2100).contains(y));
                let day = i
                    .checked_sub(1)
                    .and_then(|p| toks[p].parse::<u8>().ok())
                    .filter(|d| (1..=31).contains(d));
                match (day, year) {
                    (Some(d), Some(y)) => {
                        // "31 dicembre 2024": the day was read as a number; drop it.
                        let date = Date::from_calendar_date(y, m, d)
                            .map_err(|_| format!("Data non valida: «{d} {t} {y}»."))?;
                        bounds.push(Bound::Day(date));
                    }
                    _ => bounds.push(Bound::Month(year, m)),
                }
                if year.is_some() {
                    i += 1;
                }
            } else if let Ok(n) = t.parse::<i32>() {
                let next_is_month = toks.get(i + 1).is_some_and(|w| month_of(w).is_some());
                if toks
                    .get(i + 1)
                    .is_some_and(|w| w.eq_ignore_ascii_case("mesi"))
                {
                    months_long = Some(n);
                } else if (1900..=2100).contains(&n) {
                    bounds.push(Bound::Year(n));
                } else if !next_is_month {
                    return Err(format!("Numero non interpretabile come anno: «{t}»."));
                }
            }
            i += 1;
        }
        let invalid = || {
            format!(
                "Periodo non interpretabile: «{}». Scrivere per esempio 01/01/2023 – 31/12/2023, agosto 2020 – giugno 2022 oppure 2023-2024.",
                text.trim()
            )
        };
        // A month without its year takes the year of the end: "novembre- dicembre 2023".
        let end_year = bounds.iter().rev().find_map(|b| match b {
            Bound::Day(d) => Some(d.year()),
            Bound::Month(y, _) => *y,
            Bound::Year(y) => Some(*y),
        });
        let resolve = |b: Bound, is_end: bool| -> Option<(Date, Precision)> {
            Some(match b {
                Bound::Day(d) => (d, Precision::Day),
                Bound::Month(y, m) => {
                    let y = y.or(end_year)?;
                    if is_end {
                        (last_day(y, m), Precision::Month)
                    } else {
                        (Date::from_calendar_date(y, m, 1).ok()?, Precision::Month)
                    }
                }
                Bound::Year(y) => {
                    if is_end {
                        (
                            Date::from_calendar_date(y, Month::December, 31).ok()?,
                            Precision::Year,
                        )
                    } else {
                        (
                            Date::from_calendar_date(y, Month::January, 1).ok()?,
                            Precision::Year,
                        )
                    }
                }
            })
        };
        let (start, end) = match (bounds.as_slice(), months_long) {
            ([b], Some(n)) if n > 0 && n <= 240 => {
                let (s, p) = resolve(*b, false).ok_or_else(invalid)?;
                // n months from the first month: the last month is start + n - 1.
                let idx = s.year() * 12 + (s.month() as i32 - 1) + n - 1;
                let (y, m) = (
                    idx / 12,
                    Month::try_from((idx % 12 + 1) as u8).map_err(|_| invalid())?,
                );
                let e = if p == Precision::Day {
                    s.replace_year(y)
                        .ok()
                        .and_then(|d| d.replace_month(m).ok())
                        .ok_or_else(invalid)?
                } else {
                    last_day(y, m)
                };
                (
                    (s, p),
                    (
                        e,
                        if p == Precision::Day {
                            Precision::Day
                        } else {
                            Precision::Month
                        },
                    ),
                )
            }
            ([b], None) => (
                resolve(*b, false).ok_or_else(invalid)?,
                resolve(*b, true).ok_or_else(invalid)?,
            ),
            ([a, b], None) => (
                resolve(*a, false).ok_or_else(invalid)?,
                resolve(*b, true).ok_or_else(invalid)?,
            ),
            _ => return Err(invalid()),
        };
        if end.0 < start.0 {
            return Err(format!(
                "Il periodo «{}» termina prima di cominciare.",
                text.trim()
            ));
        }
        Ok(Period {
            start: start.0,
            start_precision: start.1,
            end: end.0,
            end_precision: end.1,
        })
    }

    /// The period in a normal form, each end as precise as it was given:
    /// "01/01/2023 – 31/12/2023", "agosto 2020 – giugno 2022", "2023 – 2024", "2022".
    pub fn display(&self) -> String {
        let show = |d: Date, p: Precision| match p {
            Precision::Day => crate::format::date(d),
            Precision::Month => crate::format::month_year(d),
            Precision::Year => d.year().to_string(),
        };
        let a = show(self.start, self.start_precision);
        let b = show(self.end, self.end_precision);
        if a == b {
            a
        } else {
            format!("{a} – {b}")
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Status against period, on a given day: an agreement "In corso" whose
/// period has ended, or "Conclusa" while its period still runs, is flagged.
pub fn consistency_warning(
    status: AgreementStatus,
    period: Option<&Period>,
    today: Date,
) -> Option<String> {
    let p = period?;
    match status {
        AgreementStatus::Ongoing if p.end < today => Some(format!(
            "Risulta «In corso» ma il periodo è terminato ({}): aggiornare lo stato o il periodo.",
            p.display()
        )),
        AgreementStatus::Concluded if p.end >= today => Some(format!(
            "Risulta «Conclusa» ma il periodo è ancora in corso ({}).",
            p.display()
        )),
        _ => None,
    }
}

/// The key under which names of bodies are compared: letters and digits in
/// lower case, everything else a single space ("COOPERATIVA SOCIALE IL
/// SIMBOLO" and "Cooperativa sociale Il Simbolo" are one body).
pub fn name_key(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.to_lowercase());
    }
    out
}

/// One item of a partners cell: a body of the registry, or a note that names
/// no body ("Da individuare", "ETS", or any text in square brackets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerItem {
    Body(String),
    Note(String),
}

/// Words that stand for partners not yet chosen or not named one by one.
pub const GENERIC_PARTNERS: [&str; 3] = ["Da individuare", "ETS", "Enti del Terzo Settore"];

/// Splits a partners cell on semicolons and line breaks.
pub fn split_partners(cell: &str) -> Vec<PartnerItem> {
    cell.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if let Some(inner) = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                PartnerItem::Note(inner.trim().to_string())
            } else if GENERIC_PARTNERS.iter().any(|g| name_key(g) == name_key(s)) {
                PartnerItem::Note(s.to_string())
            } else {
                PartnerItem::Body(s.to_string())
            }
        })
        .collect()
}

/// The local project code written after "Codice Locale Progetto" in a subject.
pub fn find_local_code(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower.find("codice locale progetto")? + "codice locale progetto".len();
    let code: String = text[at..]
        .trim_start_matches([' ', ':', '\n'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let code = code.trim_end_matches('-').to_string();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn cup_length_and_shape() {
        assert_eq!(
            check_cup("J71H22000140006").unwrap(),
            CodeCheck::Valid("J71H22000140006".into())
        );
        assert_eq!(
            check_cup(" j71h 22000140006 ").unwrap().code(),
            "J71H22000140006"
        );
        let e = check_cup("J71H2200014000").unwrap_err();
        assert!(e.contains("14 caratteri") && e.contains("15"), "{e}");
        assert!(check_cup("J71H2200014000!")
            .unwrap_err()
            .contains("non ammessi"));
        let w = check_cup("J71HX2000140006").unwrap();
        assert!(w.warning().unwrap().contains("schema consueto"));
    }

    #[test]
    fn cig_checks() {
        // The SmartCIG of the zone's 2024 agreement.
        assert_eq!(
            check_cig("ZFA3D7718E").unwrap(),
            CodeCheck::Valid("ZFA3D7718E".into())
        );
        // Legacy CIG: 1234567 × 211 mod 4091 = 3303 = 0xCE7.
        assert_eq!((1_234_567u64 * 211) % 4091, 0xCE7);
        assert!(check_cig("1234567CE7").unwrap().warning().is_none());
        assert!(check_cig("1234567CE8").unwrap().warning().is_some());
        assert!(check_cig("ZFB3D7718E")
            .unwrap()
            .warning()
            .unwrap()
            .contains("ANAC"));
        assert!(check_cig("A0123BCDEF").unwrap().warning().is_some());
        assert!(check_cig("ZFA3D7718").unwrap_err().contains("9 caratteri"));
        assert!(check_cig("ZFA3D7718-").unwrap_err().contains("non ammessi"));
    }

    #[test]
    fn codes_inside_subjects() {
        assert_eq!(
            find_codes("PROGETTO REACTEU-467 - CUP J71H22000140006 - Codice Locale"),
            vec![(CodeKind::Cup, "J71H22000140006".into())]
        );
        assert_eq!(
            find_codes("ANNUALITÀ 2020 – CUPJ71B20001230001 E 2021_CUP J71H22000150001"),
            vec![
                (CodeKind::Cup, "J71B20001230001".into()),
                (CodeKind::Cup, "J71H22000150001".into())
            ]
        );
        assert_eq!(
            find_codes("SUES 2024– Rif. CIG ZFA3D7718E- E CUP J71H23000040001 (per"),
            vec![
                (CodeKind::Cig, "ZFA3D7718E".into()),
                (CodeKind::Cup, "J71H23000040001".into())
            ]
        );
        assert_eq!(
            find_codes("(CUP\nJ41B21010060006)"),
            vec![(CodeKind::Cup, "J41B21010060006".into())]
        );
        assert!(find_codes("OCCUPAZIONE E CUPOLA, Cup minuscolo").is_empty());
    }

    fn p(s: &str) -> (Date, Precision, Date, Precision) {
        let p = Period::read(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (p.start, p.start_precision, p.end, p.end_precision)
    }

    #[test]
    fn periods_as_written_in_the_seed() {
        use Precision::*;
        assert_eq!(
            p("01/01/2023 – 31/12/2023"),
            (date!(2023 - 01 - 01), Day, date!(2023 - 12 - 31), Day)
        );
        assert_eq!(
            p("Agosto 2020 Giugno 2022"),
            (date!(2020 - 08 - 01), Month, date!(2022 - 06 - 30), Month)
        );
        assert_eq!(
            p("21/06/2022 al 21/12/2023"),
            (date!(2022 - 06 - 21), Day, date!(2023 - 12 - 21), Day)
        );
        assert_eq!(
            p("da giugno 2024 a marzo 2026"),
            (date!(2024 - 06 - 01), Month, date!(2026 - 03 - 31), Month)
        );
        assert_eq!(
            p("n. 18 mesi da settembre 2024 (salva ammissione a finaziamento del progetto)"),
            (date!(2024 - 09 - 01), Month, date!(2026 - 02 - 28), Month)
        );
        assert_eq!(
            p("2022"),
            (date!(2022 - 01 - 01), Year, date!(2022 - 12 - 31), Year)
        );
        assert_eq!(
            p("Novembre- dicembre 2023"),
            (date!(2023 - 11 - 01), Month, date!(2023 - 12 - 31), Month)
        );
        assert_eq!(
            p("Dal 23/3/2023 al 31 dicembre 2024"),
            (date!(2023 - 03 - 23), Day, date!(2024 - 12 - 31), Day)
        );
        assert_eq!(
            p("PERIODO 1°/07/2021 - 30/06/2023"),
            (date!(2021 - 07 - 01), Day, date!(2023 - 06 - 30), Day)
        );
        assert_eq!(
            p("PERIODO 15/09/2021 – 30/06/2023 –"),
            (date!(2021 - 09 - 15), Day, date!(2023 - 06 - 30), Day)
        );
        assert_eq!(
            p("PERIODO 2023-2024"),
            (date!(2023 - 01 - 01), Year, date!(2024 - 12 - 31), Year)
        );
        assert_eq!(
            p("01/04/2023 31/12/2025"),
            (date!(2023 - 04 - 01), Day, date!(2025 - 12 - 31), Day)
        );
    }

    #[test]
    fn period_display_keeps_precision() {
        assert_eq!(
            Period::read("Agosto 2020 Giugno 2022").unwrap().display(),
            "agosto 2020 – giugno 2022"
        );
        assert_eq!(Period::read("2023-2024").unwrap().display(), "2023 – 2024");
        assert_eq!(Period::read("2024").unwrap().display(), "2024");
        assert_eq!(
            Period::read("1/01/2024 – 30/06/2024").unwrap().display(),
            "01/01/2024 – 30/06/2024"
        );
    }

    #[test]
    fn bad_periods_are_refused() {
        assert!(Period::read("").is_err());
        assert!(Period::read("presto").is_err());
        assert!(Period::read("31/02/2024 – 01/03/2024")
            .unwrap_err()
            .contains("31/02/2024"));
        assert!(Period::read("2025 – 2023")
            .unwrap_err()
            .contains("prima di cominciare"));
        assert!(Period::read("2020 2021 2022").is_err());
    }

    #[test]
    fn statuses_as_written() {
        use AgreementStatus::*;
        assert_eq!(AgreementStatus::read("Conclusa"), Some((Concluded, None)));
        assert_eq!(AgreementStatus::read("concluso"), Some((Concluded, None)));
        assert_eq!(AgreementStatus::read("In corso"), Some((Ongoing, None)));
        assert_eq!(
            AgreementStatus::read("In programma\nsalva ammissione a finaziamento del progetto"),
            Some((
                Planned,
                Some("salva ammissione a finaziamento del progetto".into())
            ))
        );
        assert_eq!(
            AgreementStatus::read("Avviato iter per\nl'affidamento"),
            Some((ProcurementStarted, None))
        );
        assert_eq!(AgreementStatus::read("boh"), None);
    }

    #[test]
    fn status_against_period() {
        let today = date!(2024 - 03 - 01);
        let ended = Period::read("Maggio 2022 Giugno 2023").unwrap();
        let running = Period::read("2024").unwrap();
        assert!(
            consistency_warning(AgreementStatus::Ongoing, Some(&ended), today)
                .unwrap()
                .contains("terminato")
        );
        assert!(consistency_warning(AgreementStatus::Ongoing, Some(&running), today).is_none());
        assert!(
            consistency_warning(AgreementStatus::Concluded, Some(&running), today)
                .unwrap()
                .contains("ancora in corso")
        );
        assert!(consistency_warning(AgreementStatus::Concluded, Some(&ended), today).is_none());
        assert!(consistency_warning(AgreementStatus::Planned, Some(&ended), today).is_none());
        assert!(consistency_warning(AgreementStatus::Ongoing, None, today).is_none());
    }

    #[test]
    fn partners_and_local_codes() {
        assert_eq!(
            name_key("COOPERATIVA  SOCIALE IL SIMBOLO"),
            name_key("Cooperativa sociale Il Simbolo")
        );
        assert_eq!(name_key("Co&So, Consorzio"), "co so consorzio");
        assert_eq!(
            split_partners("Arci Livorno;\nDa individuare; [IN ASSOCIAZIONE a.p.s.]\n ets"),
            vec![
                PartnerItem::Body("Arci Livorno".into()),
                PartnerItem::Note("Da individuare".into()),
                PartnerItem::Note("IN ASSOCIAZIONE a.p.s.".into()),
                PartnerItem::Note("ets".into()),
            ]
        );
        assert_eq!(
            find_local_code(
                "CUP J71H22000140006 - Codice Locale Progetto IT039-PRINS-2022-TOS11-0019"
            ),
            Some("IT039-PRINS-2022-TOS11-0019".into())
        );
        assert_eq!(find_local_code("nessun codice"), None);
    }
}
