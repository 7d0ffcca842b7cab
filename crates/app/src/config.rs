//! Run-time configuration. Defaults, then the command line or `ZONA_*`
//! environment variables (clap reads both).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use time::Duration;

/// Today's date, for the rules that depend on it (a notice's window, the
/// stage of a procedure): the Italian civil date, or a date set by the tests
/// that walk a procedure through its calendar. Clones share the date.
#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<AtomicI32>);

impl Clock {
    /// A clock that reads the system's time; `set` fixes it.
    pub fn system() -> Clock {
        Clock::default()
    }

    pub fn fixed(d: time::Date) -> Clock {
        let c = Clock::default();
        c.set(d);
        c
    }

    /// Fixes the date (0 in the cell means "the system's").
    pub fn set(&self, d: time::Date) {
        self.0.store(d.to_julian_day(), Ordering::Relaxed);
    }

    pub fn today(&self) -> time::Date {
        match self.0.load(Ordering::Relaxed) {
            0 => zona_core::format::to_italian_time(time::OffsetDateTime::now_utc()).date(),
            jd => time::Date::from_julian_day(jd).expect("a date that was set"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    /// Send cookies with `Secure` (set when zona is served over HTTPS, as it
    /// must be in production; off for the local demo on plain HTTP).
    pub secure_cookies: bool,
    /// A session ends after this long without requests.
    pub session_idle: Duration,
    /// Largest request body accepted: a form with files (`multipart`),
    /// room for a 10 MB attachment and the other fields.
    pub max_body_bytes: usize,
    /// Largest body of any other request (forms without files).
    pub max_form_bytes: usize,
    /// A request that takes longer is answered with an error.
    pub request_timeout: std::time::Duration,
    /// The zone shown on public pages (its code); the first zone when unset.
    pub public_zone: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` gives the client's address
    /// (the login throttle counts per client address).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Today's date for the rules (the system's, unless a test sets it).
    pub clock: Clock,
    /// E-mail: off unless a mail server is given.
    pub mail: Option<MailConfig>,
    /// How often the notifier looks for due reminders and e-mails.
    pub notifier_interval: std::time::Duration,
    /// Whether published pages are kept rendered between changes
    /// (`web/published.rs`); off only to measure what it saves.
    pub keep_published_pages: bool,
}

impl Config {
    /// The address people open zona at, for links that leave the browser
    /// (e-mails, calendar feeds): `--public-url`, or the listening address.
    pub fn public_url(&self) -> String {
        match &self.mail {
            Some(m) => m.public_url.clone(),
            None => format!("http://{}", self.bind),
        }
    }
}

/// Where and how e-mails go (`--smtp-url`).
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on the same network),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`.
    pub smtp_url: String,
    /// The sender, `Nome <indirizzo>`.
    pub from: String,
    /// The address people open zona at, for the links in the messages.
    pub public_url: String,
    /// The wait before the first retry of an e-mail the server did not
    /// take; it doubles at each failure, up to an hour.
    pub retry_after: std::time::Duration,
    /// The hour (Italian time) from which the daily digests go out, with
    /// what arrived before it.
    pub digest_hour: u8,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".parse().expect("valid address"),
            secure_cookies: false,
            session_idle: Duration::hours(8),
            max_body_bytes: 11 * 1024 * 1024,
            max_form_bytes: 1024 * 1024,
            request_timeout: std::time::Duration::from_secs(30),
            public_zone: None,
            trusted_proxies: Vec::new(),
            clock: Clock::system(),
            mail: None,
            notifier_interval: std::time::Duration::from_secs(30),
            keep_published_pages: true,
        }
    }
}
