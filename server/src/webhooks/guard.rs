//! The SSRF guard: a delivery may not reach loopback, private, link-local (cloud
//! metadata), shared, multicast or unspecified addresses unless
//! `TWENTY_WEBHOOK_ALLOWED_HOSTS` allows the host by name or the address by range. The
//! check runs when the connection is made, on every address the name resolves to at that
//! moment (a name that resolves to a public address when the webhook is created and to a
//! private one later is refused then), and the connection uses only the checked
//! addresses. Redirects are not followed, so none can lead elsewhere.
use crate::config::AllowedHost;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Why an address is refused, or `None` when it is a public unicast address.
pub fn private_kind(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_kind(v4),
            None => v6_kind(v6),
        },
    }
}

fn v4_kind(a: Ipv4Addr) -> Option<&'static str> {
    let [b0, b1, ..] = a.octets();
    if a.is_loopback() {
        Some("a loopback address")
    } else if a.is_private() {
        Some("a private address")
    } else if a.is_link_local() {
        Some("a link-local address (cloud metadata lives there)")
    } else if a.is_unspecified() || b0 == 0 {
        Some("an unspecified address")
    } else if b0 == 100 && (64..128).contains(&b1) {
        Some("a shared (carrier-grade NAT) address")
    } else if a.is_multicast() || a.is_broadcast() || b0 >= 240 {
        Some("a multicast or reserved address")
    } else {
        None
    }
}

fn v6_kind(a: Ipv6Addr) -> Option<&'static str> {
    let first = a.segments()[0];
    if a.is_loopback() {
        Some("a loopback address")
    } else if a.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private (unique local) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if a.is_multicast() {
        Some("a multicast address")
    } else {
        None
    }
}

/// The guard of one process: what `TWENTY_WEBHOOK_ALLOWED_HOSTS` allows.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allowed: Arc<Vec<AllowedHost>>,
}

impl Guard {
    pub fn new(allowed: Vec<AllowedHost>) -> Guard {
        Guard {
            allowed: Arc::new(allowed),
        }
    }

    /// Whether the host name is allowed as such (every address it resolves to).
    fn allows_name(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allowed
            .iter()
            .any(|a| matches!(a, AllowedHost::Name(n) if *n == host))
    }

    /// Why `addr` of `host` is refused, if it is.
    pub fn refusal(&self, host: &str, addr: IpAddr) -> Option<String> {
        let kind = private_kind(addr)?;
        if self.allows_name(host) || self.allowed.iter().any(|a| a.contains(addr)) {
            return None;
        }
        Some(format!(
            "refused: {host} resolves to {addr}, {kind}; allow it with TWENTY_WEBHOOK_ALLOWED_HOSTS"
        ))
    }

    /// Why a URL's host, when it is an address literal, is refused (a name is checked
    /// when it resolves, see [`resolve`]).
    pub fn refusal_of_literal(&self, url: &url::Url) -> Option<String> {
        let host = url.host_str()?;
        let addr: IpAddr = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()?;
        self.refusal(&addr.to_string(), addr)
    }
}

/// Resolves `host` with the system's resolver, then checks every address (see the
/// module's text): the addresses to connect to, or why not.
pub async fn resolve(guard: &Guard, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} resolves to no address"));
    }
    if let Some(refusal) = addrs.iter().find_map(|a| guard.refusal(host, a.ip())) {
        return Err(refusal);
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let guard = Guard::default();
        for addr in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            let addr: IpAddr = addr.parse().unwrap();
            assert!(guard.refusal("h", addr).is_some(), "{addr} passed");
        }
        for addr in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(
                guard.refusal("h", addr.parse().unwrap()).is_none(),
                "{addr}"
            );
        }
        let allowed = Guard::new(vec![
            AllowedHost::Range("127.0.0.0".parse().unwrap(), 8),
            AllowedHost::Name("internal.example".into()),
        ]);
        assert!(allowed.refusal("x", "127.0.0.2".parse().unwrap()).is_none());
        assert!(
            allowed
                .refusal("x", "::ffff:127.0.0.2".parse().unwrap())
                .is_none()
        );
        assert!(allowed.refusal("x", "10.0.0.1".parse().unwrap()).is_some());
        assert!(
            allowed
                .refusal("Internal.Example", "10.0.0.1".parse().unwrap())
                .is_none()
        );
    }
}
