//! DNS-rebinding protection: which `Host` and `Origin` headers an HTTP transport accepts.

use std::net::IpAddr;

use actix_web::http::header;
use actix_web::HttpRequest;

/// Which `Host` and `Origin` headers a server accepts.
///
/// A page on `evil.example` can make a browser send requests to `127.0.0.1` (DNS rebinding), so a
/// server listening on loopback only accepts requests addressed to a loopback name. Servers on
/// other addresses accept any host unless allow-lists are configured.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostPolicy {
    /// `Some(true)`/`Some(false)` forces the check on or off; `None` checks when bound to loopback
    /// or when an allow-list is configured.
    pub(crate) enforce: Option<bool>,
    /// Extra accepted `Host` values: `name` (any port) or `name:port`.
    pub(crate) allowed_hosts: Vec<String>,
    /// Extra accepted `Origin` values, for example `https://app.example.com`.
    pub(crate) allowed_origins: Vec<String>,
}

impl HostPolicy {
    /// `Err` carries the reason, for a `403 Forbidden`.
    pub(crate) fn check(&self, req: &HttpRequest) -> Result<(), String> {
        let on_loopback = req.app_config().local_addr().ip().is_loopback();
        let enforce = self.enforce.unwrap_or(
            on_loopback || !self.allowed_hosts.is_empty() || !self.allowed_origins.is_empty(),
        );
        if !enforce {
            return Ok(());
        }
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| req.uri().authority().map(|authority| authority.as_str()));
        let Some(host) = host else {
            return Err("the request has no Host header".to_owned());
        };
        let host_ok = (on_loopback && is_loopback_name(hostname(host)))
            || self.allowed_hosts.iter().any(|allowed| {
                allowed.eq_ignore_ascii_case(host) || allowed.eq_ignore_ascii_case(hostname(host))
            });
        if !host_ok {
            return Err(format!(
                "Host `{host}` is not allowed (DNS-rebinding protection); a server on another \
                 name must list it with HttpOptions::allowed_hosts"
            ));
        }
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("<not text>");
            let authority = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            let origin_ok = (on_loopback && is_loopback_name(hostname(authority)))
                || self
                    .allowed_origins
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(origin));
            if !origin_ok {
                return Err(format!(
                    "Origin `{origin}` is not allowed (DNS-rebinding protection); list trusted \
                     web origins with HttpOptions::allowed_origins"
                ));
            }
        }
        Ok(())
    }
}

/// The host part of `host[:port]`, IPv6 brackets kept (`[::1]:80` gives `[::1]`).
fn hostname(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(name, _port)| name)
}

fn is_loopback_name(name: &str) -> bool {
    // The names nearly every local client sends, without parsing an address.
    if name == "127.0.0.1" || name == "localhost" {
        return true;
    }
    let name = name.trim_end_matches('.');
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_and_loopback_names() {
        assert_eq!(hostname("127.0.0.1:8000"), "127.0.0.1");
        assert_eq!(hostname("[::1]:8000"), "[::1]");
        assert_eq!(hostname("[::1]"), "[::1]");
        assert_eq!(hostname("localhost"), "localhost");
        for name in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "localhost.",
        ] {
            assert!(is_loopback_name(name), "{name}");
        }
        for name in [
            "evil.example.com",
            "localhost.evil.com",
            "10.0.0.1",
            "[::2]",
            "",
        ] {
            assert!(!is_loopback_name(name), "{name}");
        }
    }
}
