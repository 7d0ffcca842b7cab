//! Italian number and date formatting, shared by pages, exports and documents.

use time::{Date, OffsetDateTime, UtcOffset};

/// `153154` → `153.154`
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// Signed whole number with Italian thousands separators.
pub fn integer(n: i64) -> String {
    if n < 0 {
        format!("-{}", thousands(n.unsigned_abs()))
    } else {
        thousands(n as u64)
    }
}

/// The noun of a count: `one` for exactly one, `many` otherwise
/// (`1 procedimento`, `0 procedimenti`, `2 procedimenti`). Takes the count
/// or a reference to it, as templates hold it.
pub fn plural<'a>(n: impl std::borrow::Borrow<i64>, one: &'a str, many: &'a str) -> &'a str {
    if *n.borrow() == 1 {
        one
    } else {
        many
    }
}

/// A count with its noun: `1 procedimento`, `1.234 procedimenti`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", integer(n), plural(n, one, many))
}

/// A decimal the Italian way: `1.234,5` (thousands `.`, decimals `,`),
/// keeping the decimals it has.
pub fn decimal(d: rust_decimal::Decimal) -> String {
    let s = d.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int = thousands(int.parse().unwrap_or(0));
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int},{frac}")
    }
}

/// A percentage as monitoring prints it: always one decimal, half away from
/// zero (`70` → `70,0 %`, `46,66…` → `46,7 %`).
pub fn percent(d: rust_decimal::Decimal) -> String {
    let mut r = d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(1);
    format!("{} %", decimal(r))
}

/// First letter upper case: `famiglia e minori` → `Famiglia e minori`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `23/11/2026`
/// Italian month names, lower case as in running text.
pub const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// "ottobre 2025".
pub fn month_year(d: Date) -> String {
    format!("{} {}", MONTHS[d.month() as usize - 1], d.year())
}

/// Dated items grouped by month ("marzo 2026"), in the items' order; a
/// month without items is left out (a calendar that waits months for its
/// next entry lists no empty months).
pub fn by_month<T>(items: impl IntoIterator<Item = (Date, T)>) -> Vec<(String, Vec<T>)> {
    let mut months: Vec<(String, Vec<T>)> = Vec::new();
    for (day, item) in items {
        let label = month_year(day);
        match months.last_mut() {
            Some((l, list)) if *l == label => list.push(item),
            _ => months.push((label, vec![item])),
        }
    }
    months
}

pub fn date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// Italian civil time (CET/CEST) of an instant. The rule is fixed in law
/// (last Sunday of March and of October, at 01:00 UTC), so it is computed
/// rather than read from a time-zone database.
pub fn to_italian_time(t: OffsetDateTime) -> OffsetDateTime {
    let utc = t.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let last_sunday = |month: time::Month| {
        let mut d = Date::from_calendar_date(year, month, 31).expect("valid date");
        while d.weekday() != time::Weekday::Sunday {
            d = d.previous_day().expect("valid date");
        }
        d.with_hms(1, 0, 0).expect("valid time").assume_utc()
    };
    let summer = utc >= last_sunday(time::Month::March) && utc < last_sunday(time::Month::October);
    let offset = UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).expect("valid offset");
    utc.to_offset(offset)
}

/// `23/11/2026 08:25` in Italian civil time.
pub fn datetime(t: OffsetDateTime) -> String {
    let l = to_italian_time(t);
    format!("{} {:02}:{:02}", date(l.date()), l.hour(), l.minute())
}

/// Parses `23/11/2026` or `2026-11-23` (what `<input type="date">` sends).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let msg = || "Data non valida: usare il formato gg/mm/aaaa.".to_string();
    let (y, m, d) = if let Some((y, rest)) = s.split_once('-') {
        let (m, d) = rest.split_once('-').ok_or_else(msg)?;
        (y, m, d)
    } else {
        let mut it = s.split('/');
        let d = it.next().ok_or_else(msg)?;
        let m = it.next().ok_or_else(msg)?;
        let y = it.next().ok_or_else(msg)?;
        if it.next().is_some() {
            return Err(msg());
        }
        (y, m, d)
    };
    let y: i32 = y.parse().map_err(|_| msg())?;
    let m: u8 = m.parse().map_err(|_| msg())?;
    let d: u8 = d.parse().map_err(|_| msg())?;
    if !(1900..=2999).contains(&y) {
        return Err(msg());
    }
    // The right shape, a day that is not in the calendar (31/02, 13/01/…).
    let missing = || format!("La data {d:02}/{m:02}/{y} non esiste.");
    let month = time::Month::try_from(m).map_err(|_| missing())?;
    Date::from_calendar_date(y, month, d).map_err(|_| missing())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(153154), "153.154");
        assert_eq!(thousands(1461245), "1.461.245");
        assert_eq!(integer(-2071), "-2.071");
    }

    #[test]
    fn decimals() {
        use std::str::FromStr;
        let d = |s| rust_decimal::Decimal::from_str(s).unwrap();
        assert_eq!(decimal(d("117.00")), "117,00");
        assert_eq!(decimal(d("1834.01")), "1.834,01");
        assert_eq!(decimal(d("-0.5")), "-0,5");
        assert_eq!(decimal(d("1939")), "1.939");
    }

    #[test]
    fn percentages_have_one_decimal() {
        use std::str::FromStr;
        let d = |s| rust_decimal::Decimal::from_str(s).unwrap();
        assert_eq!(percent(d("70")), "70,0 %");
        assert_eq!(percent(d("100")), "100,0 %");
        assert_eq!(percent(d("0")), "0,0 %");
        assert_eq!(percent(d("46.65")), "46,7 %");
        assert_eq!(percent(d("46.64")), "46,6 %");
        assert_eq!(percent(d("90.0")), "90,0 %");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(0, "procedimento", "procedimenti"), "0 procedimenti");
        assert_eq!(count(1, "procedimento", "procedimenti"), "1 procedimento");
        assert_eq!(count(2, "procedimento", "procedimenti"), "2 procedimenti");
        assert_eq!(count(1234, "scheda", "schede"), "1.234 schede");
        assert_eq!(plural(-1, "ente", "enti"), "enti");
    }

    #[test]
    fn italian_civil_time() {
        assert_eq!(
            datetime(datetime!(2026-11-23 07:25 UTC)),
            "23/11/2026 08:25"
        );
        assert_eq!(
            datetime(datetime!(2026-03-30 09:51 UTC)),
            "30/03/2026 11:51"
        );
        // DST starts 29/03/2026 at 01:00 UTC.
        assert_eq!(
            datetime(datetime!(2026-03-29 00:59 UTC)),
            "29/03/2026 01:59"
        );
        assert_eq!(
            datetime(datetime!(2026-03-29 01:00 UTC)),
            "29/03/2026 03:00"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("31/12/2024").unwrap(), date!(2024 - 12 - 31));
        assert_eq!(parse_date("2024-12-31").unwrap(), date!(2024 - 12 - 31));
        assert_eq!(
            parse_date("31/02/2024").unwrap_err(),
            "La data 31/02/2024 non esiste."
        );
        assert_eq!(
            parse_date("2024-13-01").unwrap_err(),
            "La data 01/13/2024 non esiste."
        );
        assert_eq!(
            parse_date("ieri").unwrap_err(),
            "Data non valida: usare il formato gg/mm/aaaa."
        );
        assert!(parse_date("29/02/2024").is_ok());
        assert!(parse_date("29/02/2025").is_err());
        assert_eq!(date(date!(2024 - 02 - 20)), "20/02/2024");
    }
}
