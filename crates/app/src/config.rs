//! Run-time configuration. Defaults, then the command line or `ZONA_*`
//! environment variables (clap reads both).

use std::net::SocketAddr;
use time::Duration;

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
        }
    }
}
