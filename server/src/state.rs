//! `AppState`: what every handler shares (the store, the workspace models, the caches, the
//! GraphQL API, the rate limiter, the body timeout). Built once per serving process; no routes here.
use crate::config::{ConnLimits, RateLimits};
use crate::count_cache::CountCache;
use crate::error::ApiError;
use crate::models::{DEFAULT_BUDGET_BYTES, Models, WorkspaceModel};
use crate::rate::RateLimiter;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// Each workspace's model, GraphQL schema and OpenAPI document.
    pub models: Arc<Models>,
    /// Cached `totalCount`s; every write must bump its workspace's version.
    pub counts: Arc<CountCache>,
    /// Verified API keys, trusted for a few seconds.
    pub keys: Arc<crate::key_cache::KeyCache>,
    /// The GraphQL API's limits and parsed documents.
    pub graphql: Arc<crate::graphql::Api>,
    /// Requests per key and failed authentications per address.
    pub rate: Arc<RateLimiter>,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// Free bytes the embedded store's disk needs for the server to report itself ready.
    pub min_free_disk: u64,
}

impl AppState {
    /// State over a store with the default GraphQL limits; builds the standard model's
    /// GraphQL schema once.
    pub fn new(store: Arc<Store>) -> Self {
        Self::with_limits(store, crate::graphql::Limits::default())
    }

    /// State over a store with these GraphQL limits.
    pub fn with_limits(store: Arc<Store>, limits: crate::graphql::Limits) -> Self {
        // The standard model always makes a valid schema: `cargo xtask codegen` builds it.
        let standard = WorkspaceModel::build(Arc::new(twenty_standard_objects::schema()), 0)
            .unwrap_or_else(|e| panic!("the standard GraphQL schema does not build: {e}"));
        AppState {
            store,
            models: Arc::new(Models::new(Arc::new(standard), DEFAULT_BUDGET_BYTES)),
            counts: Arc::new(CountCache::default()),
            keys: Arc::new(crate::key_cache::KeyCache::default()),
            graphql: Arc::new(crate::graphql::Api::new(limits)),
            rate: Arc::new(RateLimiter::new(RateLimits::default())),
            body_timeout: ConnLimits::default().body_timeout,
            min_free_disk: crate::config::DEFAULT_MIN_FREE_DISK,
        }
    }

    /// The same state with these rate limits.
    pub fn with_rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate = Arc::new(RateLimiter::new(limits));
        self
    }

    /// The same state with this body timeout.
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// The same state, ready only with `bytes` free on the embedded store's disk.
    pub fn with_min_free_disk(mut self, bytes: u64) -> Self {
        self.min_free_disk = bytes;
        self
    }

    /// The model of an authenticated caller's workspace. Every workspace has the
    /// standard model (metadata version 0) until custom objects exist; then this reads
    /// the workspace's version and the cache builds its model once per version.
    pub async fn model(&self, workspace: Uuid) -> Result<Arc<WorkspaceModel>, ApiError> {
        self.models
            .get(workspace, 0, || async { Ok(None) })
            .await
            .map_err(ApiError::failure)
    }
}
