//! The `Auth` extractor that turns an `Authorization: Bearer` header into a workspace and
//! scope (or a 401, or a 429 past a rate limit), through the short cache of verified keys
//! (`crate::key_cache`). Secrets themselves are `crate::secret`'s.
use crate::error::ApiError;
use crate::rate::{QuotaSlot, Verdict};
use crate::secret::{SECRET_PREFIX, hash_secret, is_well_formed};
use crate::state::AppState;
use crate::store::{self, ApiKey, Scope, now_ms};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::net::SocketAddr;
use uuid::Uuid;

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
            Scope::ReadWrite | Scope::Admin => Ok(()),
            Scope::ReadOnly => Err(ApiError::forbidden(format!(
                "API key {:?} is read-only and cannot change data",
                self.key_name
            ))),
        }
    }

    /// 403 `FORBIDDEN` unless the key may change the workspace's model.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require_admin_to("change the workspace's model")
    }

    /// A 403 unless the key has the `admin` scope, saying it cannot `what`.
    pub fn require_admin_to(&self, what: &str) -> Result<(), ApiError> {
        match self.scope {
            Scope::Admin => Ok(()),
            Scope::ReadOnly | Scope::ReadWrite => Err(ApiError::forbidden(format!(
                "API key {:?} has scope {} and cannot {what}: that needs a key with scope admin (twenty-server api-key create --scope admin)",
                self.key_name,
                self.scope.as_str()
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
        if let Some(seen) = parts.extensions.get::<crate::metrics::Seen>() {
            seen.workspace(auth.workspace_id);
        }
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
    use crate::secret::generate_secret;

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
