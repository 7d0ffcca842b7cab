//! Public holidays and the civil-code rule on terms that end on one.
//!
//! A term that ends on a holiday is extended by law to the next day that is
//! not a holiday (art. 2963, comma 3, c.c.: «Se il termine scade in giorno
//! festivo, è prorogato di diritto al giorno seguente non festivo»). zona
//! applies it to the deadline of a co-programming notice: see
//! `docs/participation.md` for the reading.
//!
//! The holidays are those of L. 27 maggio 1949 n. 260, art. 2, as in force:
//! every Sunday, the national holidays below, and, as local data, the day of
//! the patron saint of the municipality where the office sits. The days that
//! L. 5 marzo 1977 n. 54 took off the civil calendar (San Giuseppe,
//! Ascensione, Corpus Domini, Santi Pietro e Paolo, 4 novembre) are not
//! holidays; the Epiphany came back with D.P.R. 28 dicembre 1985 n. 792, the
//! 2nd of June with L. 20 novembre 2000 n. 336, and the 4th of October is a
//! national holiday from 2026 (L. 151/2025). A Saturday is a
//! working day.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

/// The first year in which the 4th of October is a national holiday.
const SAINT_FRANCIS_FROM: i32 = 2026;

/// The day of a municipality's patron saint, a holiday in that municipality
/// only. A day of the month, without the year; written "dd/mm".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct PatronDay {
    pub month: Month,
    pub day: u8,
}

impl PatronDay {
    /// A day that exists in some year: 29 February is accepted and is a
    /// holiday in leap years only.
    pub fn new(month: u8, day: u8) -> Result<PatronDay, String> {
        let m = Month::try_from(month).map_err(|_| format!("Il mese {month} non esiste."))?;
        if day == 0 || day > m.length(2000) {
            return Err(format!("Il giorno {day}/{month:02} non esiste."));
        }
        Ok(PatronDay { month: m, day })
    }

    /// Reads "gg/mm", as written in Italian ("22/05").
    pub fn parse_it(s: &str) -> Result<PatronDay, String> {
        let msg = || {
            format!(
                "«{}» non è un giorno valido: scrivilo come gg/mm, per esempio 22/05.",
                s.trim()
            )
        };
        let (d, m) = s.trim().split_once('/').ok_or_else(msg)?;
        let read = |p: &str| -> Result<u8, String> {
            if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(msg());
            }
            p.parse().map_err(|_| msg())
        };
        PatronDay::new(read(m)?, read(d)?).map_err(|_| msg())
    }

    fn falls_on(self, d: Date) -> bool {
        d.month() == self.month && d.day() == self.day
    }
}

impl From<PatronDay> for String {
    fn from(d: PatronDay) -> String {
        d.to_string()
    }
}

impl TryFrom<String> for PatronDay {
    type Error = String;
    fn try_from(s: String) -> Result<PatronDay, String> {
        PatronDay::parse_it(&s)
    }
}

crate::text_column!(PatronDay);

impl std::fmt::Display for PatronDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}", self.day, u8::from(self.month))
    }
}

/// Easter Sunday of a year (Gregorian calendar).
pub fn easter(year: i32) -> Date {
    let e = computus::gregorian(year).expect("a Gregorian year has an Easter");
    Date::from_calendar_date(
        year,
        Month::try_from(e.month as u8).expect("Easter falls in March or April"),
        e.day as u8,
    )
    .expect("Easter is a real day")
}

/// The national holiday that falls on a day, by name; Sundays are not named
/// here (see `holiday`).
pub fn national_holiday(d: Date) -> Option<&'static str> {
    use Month::*;
    let name = match (d.month(), d.day()) {
        (January, 1) => "Capodanno",
        (January, 6) => "Epifania",
        (April, 25) => "Festa della Liberazione",
        (May, 1) => "Festa del Lavoro",
        (June, 2) => "Festa della Repubblica",
        (August, 15) => "Assunzione (Ferragosto)",
        (October, 4) if d.year() >= SAINT_FRANCIS_FROM => {
            "Festa di San Francesco d'Assisi, patrono d'Italia"
        }
        (November, 1) => "Ognissanti",
        (December, 8) => "Immacolata Concezione",
        (December, 25) => "Natale",
        (December, 26) => "Santo Stefano",
        _ if d == easter(d.year()) + Duration::days(1) => "Lunedì dell'Angelo",
        _ => return None,
    };
    Some(name)
}

/// Why a day is a holiday, or `None` on a working day.
pub fn holiday(d: Date, patron: Option<PatronDay>) -> Option<&'static str> {
    national_holiday(d)
        .or_else(|| {
            patron
                .filter(|p| p.falls_on(d))
                .map(|_| "festa del santo patrono")
        })
        .or((d.weekday() == Weekday::Sunday).then_some("domenica"))
}

/// The first day from `d` on (itself included) that is not a holiday.
pub fn next_working_day(d: Date, patron: Option<PatronDay>) -> Date {
    let mut day = d;
    // At most a few days in a row are holidays (25-26 December and a Sunday).
    while holiday(day, patron).is_some() {
        day = day.next_day().expect("a date far from the end of time");
    }
    day
}

/// A deadline as set, and as it runs by law.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The day written in the act.
    pub set: Date,
    /// The day the term really ends: `set`, or the next working day when
    /// `set` is a holiday (art. 2963, comma 3, c.c.).
    pub runs_to: Date,
    /// The holiday `set` falls on, when it does.
    pub holiday: Option<&'static str>,
}

impl Deadline {
    pub fn new(set: Date, patron: Option<PatronDay>) -> Deadline {
        Deadline {
            set,
            runs_to: next_working_day(set, patron),
            holiday: holiday(set, patron),
        }
    }

    /// A deadline whose end was worked out when it was set: the holiday is
    /// named again from the national calendar, or is the patron saint's day.
    pub fn recorded(set: Date, runs_to: Date) -> Deadline {
        Deadline {
            set,
            runs_to,
            holiday: (runs_to != set)
                .then(|| holiday(set, None).unwrap_or("festa del santo patrono")),
        }
    }

    pub fn is_extended(&self) -> bool {
        self.runs_to != self.set
    }

    /// The sentence that explains an extension, or `None` when there is none.
    pub fn explanation(&self) -> Option<String> {
        let h = self.holiday?;
        Some(format!(
            "La scadenza del {} cade in un giorno festivo ({h}): per l'art. 2963, comma 3, del codice civile il termine è prorogato di diritto a {}.",
            crate::format::date(self.set),
            weekday_date(self.runs_to)
        ))
    }
}

/// "lunedì 28/12/2026".
pub fn weekday_date(d: Date) -> String {
    let name = match d.weekday() {
        Weekday::Monday => "lunedì",
        Weekday::Tuesday => "martedì",
        Weekday::Wednesday => "mercoledì",
        Weekday::Thursday => "giovedì",
        Weekday::Friday => "venerdì",
        Weekday::Saturday => "sabato",
        Weekday::Sunday => "domenica",
    };
    format!("{name} {}", crate::format::date(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn easter_of_known_years() {
        // Dates from the Roman calendar, computed independently.
        assert_eq!(easter(2024), date!(2024 - 03 - 31));
        assert_eq!(easter(2025), date!(2025 - 04 - 20));
        assert_eq!(easter(2026), date!(2026 - 04 - 05));
        assert_eq!(easter(2027), date!(2027 - 03 - 28));
        assert_eq!(easter(2038), date!(2038 - 04 - 25));
    }

    #[test]
    fn the_national_holidays_of_2026() {
        let all: Vec<Date> = (1..=365)
            .map(|n| Date::from_ordinal_date(2026, n).unwrap())
            .filter(|d| national_holiday(*d).is_some())
            .collect();
        assert_eq!(
            all,
            vec![
                date!(2026 - 01 - 01),
                date!(2026 - 01 - 06),
                date!(2026 - 04 - 06),
                date!(2026 - 04 - 25),
                date!(2026 - 05 - 01),
                date!(2026 - 06 - 02),
                date!(2026 - 08 - 15),
                date!(2026 - 10 - 04),
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 08),
                date!(2026 - 12 - 25),
                date!(2026 - 12 - 26),
            ]
        );
        assert_eq!(
            national_holiday(date!(2026 - 04 - 06)),
            Some("Lunedì dell'Angelo")
        );
        assert_eq!(
            national_holiday(date!(2026 - 04 - 05)),
            None,
            "Easter is a Sunday, not named"
        );
    }

    #[test]
    fn saint_francis_is_a_holiday_from_2026_only() {
        assert_eq!(national_holiday(date!(2025 - 10 - 04)), None);
        assert!(national_holiday(date!(2027 - 10 - 04)).is_some());
    }

    #[test]
    fn days_taken_off_the_calendar_in_1977_are_working_days() {
        for d in [
            date!(2026 - 03 - 19), // San Giuseppe, a Thursday
            date!(2026 - 06 - 29), // Santi Pietro e Paolo, a Monday
            date!(2026 - 11 - 04), // a Wednesday
            date!(2026 - 05 - 14), // Ascension Thursday
        ] {
            assert_eq!(holiday(d, None), None, "{d}");
        }
    }

    #[test]
    fn christmas_2026_runs_to_monday_28() {
        // 25 Friday, 26 Saturday (Santo Stefano), 27 Sunday.
        let d = Deadline::new(date!(2026 - 12 - 25), None);
        assert_eq!(d.runs_to, date!(2026 - 12 - 28));
        assert_eq!(d.holiday, Some("Natale"));
        assert!(d.is_extended());
        assert_eq!(
            d.explanation().unwrap(),
            "La scadenza del 25/12/2026 cade in un giorno festivo (Natale): per l'art. 2963, comma 3, del codice civile il termine è prorogato di diritto a lunedì 28/12/2026."
        );
    }

    #[test]
    fn sundays_move_saturdays_do_not() {
        let sunday = Deadline::new(date!(2026 - 12 - 13), None);
        assert_eq!(sunday.runs_to, date!(2026 - 12 - 14));
        assert_eq!(sunday.holiday, Some("domenica"));
        let saturday = Deadline::new(date!(2026 - 12 - 12), None);
        assert_eq!(saturday.runs_to, date!(2026 - 12 - 12));
        assert!(!saturday.is_extended());
        assert_eq!(saturday.explanation(), None);
    }

    #[test]
    fn easter_monday_and_the_patron_saint_chain() {
        // Easter 2027 is 28 March: a deadline on Sunday 28 runs past Monday 29
        // to Tuesday 30; with a patron on 30/03 it reaches Wednesday 31.
        assert_eq!(
            next_working_day(date!(2027 - 03 - 28), None),
            date!(2027 - 03 - 30)
        );
        let patron = PatronDay::new(3, 30).unwrap();
        assert_eq!(
            next_working_day(date!(2027 - 03 - 28), Some(patron)),
            date!(2027 - 03 - 31)
        );
        assert_eq!(
            holiday(date!(2027 - 03 - 30), Some(patron)),
            Some("festa del santo patrono")
        );
        // Livorno's Santa Giulia, 22 May 2026, a Friday.
        let giulia = PatronDay::parse_it("22/05").unwrap();
        assert_eq!(
            Deadline::new(date!(2026 - 05 - 22), Some(giulia)).runs_to,
            date!(2026 - 05 - 23),
            "a Saturday is a working day"
        );
        assert_eq!(
            Deadline::new(date!(2026 - 05 - 22), None).runs_to,
            date!(2026 - 05 - 22)
        );
    }

    #[test]
    fn patron_days_are_read_strictly() {
        assert_eq!(PatronDay::parse_it(" 22/05 ").unwrap().to_string(), "22/05");
        assert_eq!(PatronDay::parse_it("1/6").unwrap().to_string(), "01/06");
        let leap = PatronDay::parse_it("29/02").unwrap();
        assert_eq!(
            holiday(date!(2028 - 02 - 29), Some(leap)),
            Some("festa del santo patrono")
        );
        assert_eq!(holiday(date!(2027 - 03 - 01), Some(leap)), None);
        for bad in [
            "", "22", "22/13", "31/04", "00/05", "30/02", "22-05", "022/05", "2/+5", "a/05",
        ] {
            assert_eq!(
                PatronDay::parse_it(bad).unwrap_err(),
                format!(
                    "«{}» non è un giorno valido: scrivilo come gg/mm, per esempio 22/05.",
                    bad.trim()
                ),
                "{bad}"
            );
        }
        assert_eq!(PatronDay::new(0, 1).unwrap_err(), "Il mese 0 non esiste.");
        assert_eq!(
            PatronDay::new(4, 31).unwrap_err(),
            "Il giorno 31/04 non esiste."
        );
    }

    #[test]
    fn patron_days_travel_as_dd_mm() {
        let giulia = PatronDay::new(5, 22).unwrap();
        assert_eq!(serde_json::to_string(&giulia).unwrap(), "\"22/05\"");
        assert_eq!(String::from(giulia), "22/05");
        assert_eq!(
            serde_json::from_str::<PatronDay>("\"22/05\"").unwrap(),
            giulia
        );
        assert!(serde_json::from_str::<PatronDay>("\"31/02\"").is_err());
    }

    #[test]
    fn a_recorded_deadline_names_its_holiday_again() {
        let same = Deadline::recorded(date!(2026 - 12 - 21), date!(2026 - 12 - 21));
        assert_eq!(same.holiday, None);
        assert_eq!(same.explanation(), None);
        let christmas = Deadline::recorded(date!(2026 - 12 - 25), date!(2026 - 12 - 28));
        assert_eq!(christmas.holiday, Some("Natale"));
        assert!(christmas.is_extended());
        // A working day moved when recorded: the seat's patron saint.
        let patron = Deadline::recorded(date!(2026 - 05 - 22), date!(2026 - 05 - 23));
        assert_eq!(patron.holiday, Some("festa del santo patrono"));
    }

    #[test]
    fn weekdays_in_italian() {
        let names: Vec<String> = (0..7)
            .map(|i| weekday_date(date!(2026 - 12 - 28) + Duration::days(i)))
            .collect();
        assert_eq!(
            names,
            [
                "lunedì 28/12/2026",
                "martedì 29/12/2026",
                "mercoledì 30/12/2026",
                "giovedì 31/12/2026",
                "venerdì 01/01/2027",
                "sabato 02/01/2027",
                "domenica 03/01/2027"
            ]
        );
    }
}
