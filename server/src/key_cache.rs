//! The short cache of verified API keys, by secret hash, that spares a request the store
//! lookup; read and filled by the `Auth` extractor, held by `AppState`.
use crate::store::{self, ApiKey};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a verified key is used without asking the store again. A key revoked through
/// this process (the API, or a store in it) stops working at once; one revoked by another
/// process (`twenty-server api-key revoke` beside a running server) within this time.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(2);

/// Entries kept at most; past it, expired entries are dropped (and all, if none expired).
const KEY_CACHE_MAX: usize = 10_000;

/// Verified keys by secret hash, each trusted for [`KEY_CACHE_TTL`] and until a key is
/// revoked in this process. Expiry dates are checked on every request all the same.
#[derive(Debug)]
pub struct KeyCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, CachedKey>>,
}

#[derive(Debug, Clone)]
struct CachedKey {
    key: ApiKey,
    fetched: Instant,
    /// [`store::revocations`] before the key was read.
    revocations: u64,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new(KEY_CACHE_TTL)
    }
}

impl KeyCache {
    /// An empty cache trusting entries for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        KeyCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The entries. A panic while holding the lock leaves plain data behind: keep using
    /// it rather than failing (or silently bypassing the cache on) every later request.
    fn entries(&self) -> MutexGuard<'_, HashMap<String, CachedKey>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached key of `hash`, if still trusted.
    pub(crate) fn get(&self, hash: &str) -> Option<ApiKey> {
        let entries = self.entries();
        let entry = entries.get(hash)?;
        let fresh = entry.fetched.elapsed() < self.ttl && entry.revocations == store::revocations();
        fresh.then(|| entry.key.clone())
    }

    /// Remembers `key`, read from the store when the revocation count was `revocations`.
    pub(crate) fn put(&self, hash: String, key: ApiKey, revocations: u64) {
        let mut entries = self.entries();
        if entries.len() >= KEY_CACHE_MAX {
            entries.retain(|_, e| e.fetched.elapsed() < self.ttl);
            if entries.len() >= KEY_CACHE_MAX {
                entries.clear();
            }
        }
        let fetched = Instant::now();
        entries.insert(
            hash,
            CachedKey {
                key,
                fetched,
                revocations,
            },
        );
    }

    /// Notes that `hash`'s key was recorded as used at `at`.
    pub(crate) fn mark_used(&self, hash: &str, at: i64) {
        if let Some(entry) = self.entries().get_mut(hash) {
            entry.key.last_used_at = Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Scope;
    use uuid::Uuid;

    fn key(name: &str) -> ApiKey {
        ApiKey {
            id: Uuid::new_v4(),
            workspace_id: Uuid::new_v4(),
            name: name.to_owned(),
            scope: Scope::ReadWrite,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
            created_at: 0,
        }
    }

    #[test]
    fn a_cached_key_is_served_until_its_entry_expires() {
        let cache = KeyCache::new(Duration::from_secs(60));
        let k = key("ci");
        cache.put("h".to_owned(), k.clone(), store::revocations());
        assert_eq!(cache.get("h"), Some(k.clone()));
        assert_eq!(cache.get("other"), None);
        cache.mark_used("h", 42);
        assert_eq!(cache.get("h").and_then(|k| k.last_used_at), Some(42));

        let expired = KeyCache::new(Duration::ZERO);
        expired.put("h".to_owned(), k, store::revocations());
        assert_eq!(expired.get("h"), None, "an expired entry is not trusted");
    }

    #[test]
    fn a_poisoned_cache_keeps_serving() {
        let cache = KeyCache::new(Duration::from_secs(60));
        let k = key("ci");
        cache.put("h".to_owned(), k.clone(), store::revocations());
        let poisoned = std::thread::scope(|s| {
            s.spawn(|| {
                let _held = cache.entries.lock();
                panic!("a panic while holding the key cache");
            })
            .join()
        });
        assert!(poisoned.is_err());
        assert!(cache.entries.is_poisoned());
        assert_eq!(cache.get("h"), Some(k.clone()));
        cache.mark_used("h", 42);
        cache.put("other".to_owned(), k, store::revocations());
        assert_eq!(cache.get("h").and_then(|k| k.last_used_at), Some(42));
        assert!(cache.get("other").is_some());
    }

    #[test]
    fn an_entry_read_before_a_revocation_in_this_process_is_not_trusted() {
        let cache = KeyCache::new(Duration::from_secs(60));
        // As if a key had been revoked since this one was read.
        let before = store::revocations().wrapping_sub(1);
        cache.put("h".to_owned(), key("ci"), before);
        assert_eq!(cache.get("h"), None);
    }
}
