//! Who is asking: the client's address behind trusted proxies, the key the
//! login throttle counts it under, and the page to return to after signing in.

/// Only a same-origin relative path is followed after login (no open
/// redirect): it starts with one `/`, and every character is printable
/// ASCII. Browsers drop tabs and line breaks inside a URL, so `/\t/evil`
/// would become `//evil`, another site; a control character also cannot go
/// in a `Location` header. Anything else leads home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.len() <= 2000
                && n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.contains('\\') =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

/// The client's address: the connection's peer, or, when the peer is a
/// trusted reverse proxy, the last address in `X-Forwarded-For`
/// (`forwarded_for`, its entries in order) that is not itself a trusted proxy (the ones before it could be written by anyone).
/// An entry that does not parse stops the walk: what lies before it cannot
/// be told from what the client wrote, so the proxy's own address is used.
/// IPv4-mapped IPv6 addresses are read as IPv4.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded_for: &[&str],
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let canonical = |a: std::net::IpAddr| a.to_canonical();
    let peer = canonical(peer);
    let is_trusted = |a: std::net::IpAddr| trusted.iter().any(|t| canonical(*t) == a);
    if !is_trusted(peer) {
        return peer;
    }
    for hop in forwarded_for.iter().rev() {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(a) if is_trusted(canonical(a)) => continue,
            Ok(a) => return canonical(a),
            Err(_) => return peer,
        }
    }
    peer
}

/// The key the login throttle counts a client under: its IPv4 address, or
/// the /64 network of an IPv6 address (one subscriber usually holds a whole
/// /64, so counting single addresses would give a guesser 2^64 fresh starts).
pub fn throttle_key(a: std::net::IpAddr) -> String {
    match a.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn only_same_origin_paths_are_followed() {
        let next = |s: &str| safe_next(Some(s));
        assert_eq!(
            next("/pianificazione?anno=2024"),
            "/pianificazione?anno=2024"
        );
        assert_eq!(next("/admin/zone/1#x"), "/admin/zone/1#x");
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\tevil",
            "/\r\nSet-Cookie: x=1",
            "/ /evil",
            "https://evil.example",
            "evil.example",
            "/\u{a0}/evil",
            "",
        ] {
            assert_eq!(next(evil), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(next(&format!("/{}", "a".repeat(2000))), "/");
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let h = ["6.6.6.6", " 203.0.113.9", " 10.0.0.2"];
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The peer is not a proxy: the header is anyone's word.
        assert_eq!(
            client_address(ip("198.51.100.4"), &h, &proxies),
            ip("198.51.100.4")
        );
        // Behind the proxies: the last hop they did not write.
        assert_eq!(
            client_address(ip("10.0.0.1"), &h, &proxies),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &[], &proxies),
            ip("10.0.0.1")
        );
        // An entry the proxy could not have written stops the walk.
        let h = ["6.6.6.6", " 203.0.113.9:4711"];
        assert_eq!(client_address(ip("10.0.0.1"), &h, &proxies), ip("10.0.0.1"));
        // An IPv4-mapped peer is the IPv4 proxy.
        let h = ["203.0.113.9"];
        assert_eq!(
            client_address(ip("::ffff:10.0.0.1"), &h, &proxies),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(throttle_key(ip("192.0.2.7")), "192.0.2.7");
        assert_eq!(throttle_key(ip("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_eq!(throttle_key(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
    }
}
