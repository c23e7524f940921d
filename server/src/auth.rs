//! API key secrets (generation, hashing, format), the `Auth` extractor that turns an
//! `Authorization: Bearer` header into a workspace and scope, or a 401, and the short cache
//! of verified keys that spares a request the store lookup.
use crate::error::ApiError;
use crate::http::AppState;
use crate::rate::{QuotaSlot, Verdict};
use crate::store::{self, ApiKey, Scope, now_ms};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The prefix every secret starts with, so leaked keys are recognizable.
pub const SECRET_PREFIX: &str = "twk_";
const SECRET_BYTES: usize = 32;

/// A new random secret: `twk_` + 64 lowercase hex digits.
pub fn generate_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

/// The stored form of a secret: hex sha256.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` has the shape of one of our secrets.
pub fn is_well_formed(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(|hex| {
        hex.len() == SECRET_BYTES * 2 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// An authenticated request: the key's workspace and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The workspace the key opens; every query must be confined to it.
    pub workspace_id: Uuid,
    /// The key's id.
    pub key_id: Uuid,
    /// The key's name (the `createdBy` name of writes).
    pub key_name: String,
    /// What the key may do.
    pub scope: Scope,
}

impl Auth {
    /// 403 `FORBIDDEN` unless the key may write.
    pub fn require_write(&self) -> Result<(), ApiError> {
        match self.scope {
            Scope::ReadWrite => Ok(()),
            Scope::ReadOnly => Err(ApiError::forbidden(format!(
                "API key {:?} is read-only and cannot change data",
                self.key_name
            ))),
        }
    }
}

/// The bearer token of an `Authorization` header value, or why it is unusable.
pub fn bearer_token(header: Option<&str>) -> Result<&str, ApiError> {
    let header = header.ok_or_else(|| {
        ApiError::unauthenticated("missing API key: send it as `Authorization: Bearer <key>`")
    })?;
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthenticated("malformed Authorization header: expected `Bearer <key>`")
        })?;
    if !is_well_formed(token) {
        return Err(ApiError::unauthenticated(format!(
            "malformed API key: expected `{SECRET_PREFIX}` followed by 64 hex digits"
        )));
    }
    Ok(token)
}

/// Checks a stored key is usable now.
pub fn check_usable(key: &ApiKey, now: i64) -> Result<(), ApiError> {
    if key.revoked_at.is_some() {
        return Err(ApiError::unauthenticated("API key has been revoked"));
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::unauthenticated("API key has expired"));
    }
    Ok(())
}

/// How fresh `lastUsedAt` is kept (milliseconds).
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

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
    fn get(&self, hash: &str) -> Option<ApiKey> {
        let entries = self.entries();
        let entry = entries.get(hash)?;
        let fresh = entry.fetched.elapsed() < self.ttl && entry.revocations == store::revocations();
        fresh.then(|| entry.key.clone())
    }

    /// Remembers `key`, read from the store when the revocation count was `revocations`.
    fn put(&self, hash: String, key: ApiKey, revocations: u64) {
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
    fn mark_used(&self, hash: &str, at: i64) {
        if let Some(entry) = self.entries().get_mut(hash) {
            entry.key.last_used_at = Some(at);
        }
    }
}

/// Resolves a header to an [`Auth`], recording the key's use (to the minute).
pub async fn authenticate(state: &AppState, header: Option<&str>) -> Result<Auth, ApiError> {
    let token = bearer_token(header)?;
    let hash = hash_secret(token);
    let now = now_ms();
    let key = match state.keys.get(&hash) {
        Some(key) => key,
        None => {
            let revocations = store::revocations();
            let key = state
                .store
                .api_key_by_hash(&hash)
                .await
                .map_err(ApiError::failure)?
                .ok_or_else(|| ApiError::unauthenticated("unknown API key"))?;
            // Cached even when unusable: the check below refuses it on every request.
            state.keys.put(hash.clone(), key.clone(), revocations);
            key
        }
    };
    check_usable(&key, now)?;
    // `lastUsedAt` is kept to the minute: a write on every request would serialize all
    // requests on SQLite's single writer. A failed bookkeeping write must not fail the request.
    let stale = key
        .last_used_at
        .is_none_or(|used| now - used >= LAST_USED_RESOLUTION_MS);
    if stale {
        if let Err(e) = state.store.touch_api_key(key.id).await {
            tracing::warn!(error = %e, "cannot record API key use");
        }
        state.keys.mark_used(&hash, now);
    }
    tracing::Span::current().record("workspace", tracing::field::display(key.workspace_id));
    Ok(Auth {
        workspace_id: key.workspace_id,
        key_id: key.id,
        key_name: key.name,
        scope: key.scope,
    })
}

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    /// Authenticates the request and counts it against its key's rate limits (and a
    /// failure against its address's): a 429 past either.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if let Some(quota) = state.rate.blocked(peer) {
            return Err(ApiError::rate_limited(
                format!(
                    "too many failed authentications from this address: at most {} per window; retry in {} s",
                    quota.limit,
                    quota.reset_secs()
                ),
                quota.reset_secs(),
            ));
        }
        let header = match parts.headers.get(AUTHORIZATION) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                state.rate.failed(peer);
                ApiError::unauthenticated("malformed Authorization header: not visible ASCII")
            })?),
        };
        let auth = authenticate(&state, header).await.inspect_err(|e| {
            if e.status == axum::http::StatusCode::UNAUTHORIZED {
                state.rate.failed(peer);
            }
        })?;
        let slot = parts.extensions.get::<QuotaSlot>();
        match state.rate.hit_key(auth.key_id) {
            Verdict::Allowed(quota) => {
                if let (Some(quota), Some(slot)) = (quota, slot) {
                    let _ = slot.0.set(quota);
                }
                Ok(auth)
            }
            Verdict::Limited(quota) => {
                if let Some(slot) = slot {
                    let _ = slot.0.set(quota);
                }
                Err(ApiError::rate_limited(
                    format!(
                        "API key {:?} used up its {} requests of this window; retry in {} s",
                        auth.key_name,
                        quota.limit,
                        quota.reset_secs()
                    ),
                    quota.reset_secs(),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_well_formed_and_distinct() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert!(is_well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert_ne!(hash_secret(&a), a);
    }

    #[test]
    fn only_bearer_with_a_well_formed_key_is_accepted() {
        let key = generate_secret().unwrap();
        assert_eq!(bearer_token(Some(&format!("Bearer {key}"))).unwrap(), key);
        for header in [
            format!("Basic {key}"),
            format!("bearer{key}"),
            "Bearer ".to_owned(),
            "Bearer twk_zz".to_owned(),
            format!("Bearer {}", key.to_uppercase()),
        ] {
            let err = bearer_token(Some(&header)).unwrap_err();
            assert_eq!(err.code, "UNAUTHENTICATED", "{header}");
            assert!(
                err.message.starts_with("malformed"),
                "{header}: {}",
                err.message
            );
        }
        assert!(
            bearer_token(None)
                .unwrap_err()
                .message
                .starts_with("missing")
        );
    }

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

    #[test]
    fn a_read_only_key_cannot_write() {
        let auth = Auth {
            workspace_id: Uuid::nil(),
            key_id: Uuid::nil(),
            key_name: "ci".into(),
            scope: Scope::ReadOnly,
        };
        let err = auth.require_write().unwrap_err();
        assert_eq!(err.status.as_u16(), 403);
        assert_eq!(err.code, "FORBIDDEN");
        let writer = Auth {
            scope: Scope::ReadWrite,
            ..auth
        };
        assert!(writer.require_write().is_ok());
    }
}
