//! Rate limits: fixed windows of requests per API key (a short and a long one) and of
//! failed authentications per client address, in tables bounded in entries. Decides only;
//! the `auth` extractor asks, and `http` writes the `RateLimit-*` headers.

use crate::config::{RateLimits, Window};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Entries a table holds at most; past that, expired ones are dropped and, if none is,
/// newcomers share one entry (so memory stays bounded and they stay limited).
const MAX_ENTRIES: usize = 100_000;

/// Where a caller stands in its tightest window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// The window's limit.
    pub limit: u32,
    /// Requests left in it.
    pub remaining: u32,
    /// Until it starts over.
    pub reset: Duration,
}

impl Quota {
    /// `reset` in whole seconds, rounded up (what `RateLimit-Reset` and `Retry-After` say).
    pub fn reset_secs(&self) -> u64 {
        let secs = self.reset.as_secs();
        if self.reset.subsec_nanos() > 0 {
            secs + 1
        } else {
            secs.max(1)
        }
    }
}

/// A decision on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on; the quota left, when a limit applies.
    Allowed(Option<Quota>),
    /// Refused until the quota's reset.
    Limited(Quota),
}

/// One window's count.
#[derive(Debug, Clone, Copy)]
struct Count {
    started: Instant,
    used: u32,
}

impl Count {
    /// The count as of `now` (a fresh one once the window is over).
    fn current(self, window: Window, now: Instant) -> Count {
        if now.duration_since(self.started) >= window.period {
            Count {
                started: now,
                used: 0,
            }
        } else {
            self
        }
    }

    fn quota(self, window: Window, now: Instant) -> Quota {
        Quota {
            limit: window.limit,
            remaining: window.limit.saturating_sub(self.used),
            reset: (self.started + window.period).saturating_duration_since(now),
        }
    }
}

/// Whose requests an entry counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who<K> {
    One(K),
    /// Everyone who came while the table was full.
    Overflow,
}

/// Counts per caller, for up to two windows.
#[derive(Debug)]
struct Table<K> {
    windows: Vec<Window>,
    entries: HashMap<Who<K>, Vec<Count>>,
}

impl<K: Hash + Eq + Copy> Table<K> {
    fn new(windows: Vec<Window>) -> Self {
        Table {
            windows,
            entries: HashMap::new(),
        }
    }

    /// The entry of `who` in `entries`, making room when the table is full.
    fn entry<'t>(
        entries: &'t mut HashMap<Who<K>, Vec<Count>>,
        windows: &[Window],
        who: K,
        now: Instant,
    ) -> &'t mut Vec<Count> {
        let mut key = Who::One(who);
        if !entries.contains_key(&key) && entries.len() >= MAX_ENTRIES {
            entries.retain(|_, counts| {
                counts
                    .iter()
                    .zip(windows)
                    .any(|(c, w)| now.duration_since(c.started) < w.period)
            });
            if entries.len() >= MAX_ENTRIES {
                key = Who::Overflow;
            }
        }
        entries.entry(key).or_insert_with(|| {
            windows
                .iter()
                .map(|_| Count {
                    started: now,
                    used: 0,
                })
                .collect()
        })
    }

    /// Counts one request of `who` unless a window is used up; the tightest quota.
    fn hit(&mut self, who: K, now: Instant) -> Verdict {
        let Table { windows, entries } = self;
        if windows.is_empty() {
            return Verdict::Allowed(None);
        }
        let counts = Self::entry(entries, windows, who, now);
        for (count, window) in counts.iter_mut().zip(windows.iter()) {
            *count = count.current(*window, now);
        }
        if let Some((count, window)) = counts
            .iter()
            .zip(windows.iter())
            .find(|(c, w)| c.used >= w.limit)
        {
            return Verdict::Limited(count.quota(*window, now));
        }
        for count in counts.iter_mut() {
            count.used += 1;
        }
        let tightest = counts
            .iter()
            .zip(windows.iter())
            .map(|(c, w)| c.quota(*w, now))
            .min_by_key(|q| (q.remaining, q.reset));
        Verdict::Allowed(tightest)
    }

    /// Whether `who` has no request left, without counting one.
    fn exhausted(&self, who: K, now: Instant) -> Option<Quota> {
        let counts = self
            .entries
            .get(&Who::One(who))
            .or_else(|| self.entries.get(&Who::Overflow))?;
        counts
            .iter()
            .zip(&self.windows)
            .map(|(c, w)| c.current(*w, now))
            .zip(&self.windows)
            .find(|(c, w)| c.used >= w.limit)
            .map(|(c, w)| c.quota(*w, now))
    }
}

/// The server's rate limiter.
#[derive(Debug)]
pub struct RateLimiter {
    keys: Mutex<Table<Uuid>>,
    failures: Mutex<Table<IpAddr>>,
    on: bool,
}

/// The address a limit counts: an IPv4 address, or an IPv6 one's /64 (one host usually
/// has a whole /64).
fn client(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl RateLimiter {
    /// A limiter with these limits.
    pub fn new(limits: RateLimits) -> RateLimiter {
        RateLimiter {
            keys: Mutex::new(Table::new(
                [limits.short, limits.long].into_iter().flatten().collect(),
            )),
            failures: Mutex::new(Table::new(limits.auth_failures.into_iter().collect())),
            on: limits != RateLimits::OFF,
        }
    }

    /// Counts a request of API key `key`.
    pub fn hit_key(&self, key: Uuid) -> Verdict {
        if !self.on {
            return Verdict::Allowed(None);
        }
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        keys.hit(key, Instant::now())
    }

    /// Whether `addr` has used up its failed authentications (it is then refused before
    /// its key is looked at).
    pub fn blocked(&self, addr: Option<SocketAddr>) -> Option<Quota> {
        if !self.on {
            return None;
        }
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.exhausted(client(peer(addr)), Instant::now())
    }

    /// Counts a failed authentication from `addr`.
    pub fn failed(&self, addr: Option<SocketAddr>) {
        if !self.on {
            return;
        }
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.hit(client(peer(addr)), Instant::now());
    }
}

/// A request without a known peer (not served by `conn::serve`) counts as the unspecified
/// address.
fn peer(addr: Option<SocketAddr>) -> IpAddr {
    addr.map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |a| a.ip())
}

/// Where the auth extractor leaves a request's quota for the response's headers.
#[derive(Debug, Clone, Default)]
pub struct QuotaSlot(pub Arc<OnceLock<Quota>>);

#[cfg(test)]
mod tests {
    use super::*;

    fn window(limit: u32, secs: u64) -> Window {
        Window {
            limit,
            period: Duration::from_secs(secs),
        }
    }

    #[test]
    fn a_window_refuses_past_its_limit_and_starts_over() {
        let mut table = Table::new(vec![window(2, 1), window(3, 60)]);
        let t0 = Instant::now();
        let key = 7u32;
        let Verdict::Allowed(Some(q)) = table.hit(key, t0) else {
            panic!("first request refused");
        };
        assert_eq!((q.limit, q.remaining), (2, 1));
        assert!(matches!(table.hit(key, t0), Verdict::Allowed(_)));
        let Verdict::Limited(q) = table.hit(key, t0) else {
            panic!("third request in one second allowed");
        };
        assert_eq!((q.limit, q.remaining, q.reset_secs()), (2, 0, 1));
        // The short window starts over; the long one has one request left.
        let t1 = t0 + Duration::from_millis(1100);
        let Verdict::Allowed(Some(q)) = table.hit(key, t1) else {
            panic!("refused after the short window");
        };
        assert_eq!((q.limit, q.remaining), (3, 0));
        assert!(matches!(table.hit(key, t1), Verdict::Limited(q) if q.limit == 3));
        assert!(
            matches!(table.hit(8, t1), Verdict::Allowed(_)),
            "another key"
        );
    }

    #[test]
    fn a_full_table_drops_expired_entries_then_shares_one() {
        let mut table = Table::new(vec![window(1, 1)]);
        let t0 = Instant::now();
        for who in 0..MAX_ENTRIES as u32 {
            table.hit(who, t0);
        }
        assert_eq!(table.entries.len(), MAX_ENTRIES);
        // Everyone is still within the window: newcomers share the overflow entry.
        assert!(matches!(table.hit(u32::MAX, t0), Verdict::Allowed(_)));
        assert!(matches!(table.hit(u32::MAX - 1, t0), Verdict::Limited(_)));
        assert_eq!(table.entries.len(), MAX_ENTRIES + 1);
        // Once the windows are over, room is made.
        let later = t0 + Duration::from_secs(2);
        assert!(matches!(
            table.hit(u32::MAX - 2, later),
            Verdict::Allowed(_)
        ));
        assert!(table.entries.len() <= 2, "{}", table.entries.len());
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client(a), client(b));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(client(mapped), "10.0.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn failed_authentications_block_an_address() {
        let limiter = RateLimiter::new(RateLimits {
            auth_failures: Some(window(2, 60)),
            ..RateLimits::OFF
        });
        let addr = Some(SocketAddr::from(([192, 0, 2, 1], 5000)));
        assert_eq!(limiter.blocked(addr), None);
        limiter.failed(addr);
        assert_eq!(limiter.blocked(addr), None);
        limiter.failed(addr);
        assert!(limiter.blocked(addr).is_some());
        assert_eq!(
            limiter.blocked(Some(SocketAddr::from(([192, 0, 2, 2], 1)))),
            None
        );
        let off = RateLimiter::new(RateLimits::OFF);
        off.failed(addr);
        off.failed(addr);
        off.failed(addr);
        assert_eq!(off.blocked(addr), None);
    }
}
