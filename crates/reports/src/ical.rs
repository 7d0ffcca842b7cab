//! A calendar as iCalendar (RFC 5545), for the calendar programs people
//! subscribe with: one all-day event per entry.

use icalendar::{Calendar, Component, EventLike, Property};
use time::Date;

/// One entry: a stable `uid` (so that a program updates rather than
/// duplicates it), its day, its text and the path of zona it links to.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub uid: &'a str,
    pub on: Date,
    pub summary: String,
    pub link: &'a str,
}

/// The calendar named `name`; links are made absolute with `base_url`.
pub fn calendar(name: &str, base_url: &str, entries: &[Entry<'_>]) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split('/')
        .next()
        .unwrap_or("zona");
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//zona//Scadenze e incontri//IT"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(name);
    for e in entries {
        let day = chrono::NaiveDate::from_ymd_opt(
            e.on.year(),
            u32::from(u8::from(e.on.month())),
            u32::from(e.on.day()),
        )
        .expect("a calendar date is a valid date");
        let url = format!("{base_url}{}", e.link);
        cal.push(
            icalendar::Event::new()
                .uid(&format!("{}@{host}", e.uid))
                .summary(&e.summary)
                // An all-day event ends, exclusively, on the next day
                // (RFC 5545, 3.6.1).
                .starts(day)
                .ends(day.succ_opt().expect("a day after"))
                .url(&url)
                .description(&url)
                .done(),
        );
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_entry_is_an_all_day_event_with_its_link() {
        let ics = calendar(
            "zona",
            "https://zona.example.it",
            &[Entry {
                uid: "deadline-7",
                on: date!(2026 - 06 - 30),
                summary: "Scadenza: Monitoraggio al 30 giugno, primo semestre (POA 2026)".into(),
                link: "/pianificazione/poa/2026/monitoraggio",
            }],
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
        assert!(ics.contains("UID:deadline-7@zona.example.it\r\n"), "{ics}");
        assert!(ics.contains("DTSTART;VALUE=DATE:20260630\r\n"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20260701\r\n"), "{ics}");
        assert!(
            ics.contains("PRODID:-//zona//Scadenze e incontri//IT\r\n"),
            "{ics}"
        );
        // A comma is escaped in a text value (RFC 5545, 3.3.11).
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(
                "SUMMARY:Scadenza: Monitoraggio al 30 giugno\\, primo semestre (POA 2026)"
            ),
            "{ics}"
        );
        assert!(
            unfolded.contains("URL:https://zona.example.it/pianificazione/poa/2026/monitoraggio"),
            "{ics}"
        );
        // No line is longer than 75 octets.
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "{ics}");
    }
}
