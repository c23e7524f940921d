//! `AppState`: what every handler shares (the store, the workspace models, the caches, the
//! GraphQL API, the rate limiter, the body timeout). Built once per serving process; no routes here.
use crate::config::{ConnLimits, RateLimits};
use crate::count_cache::CountCache;
use crate::error::ApiError;
use crate::models::{DEFAULT_BUDGET_BYTES, Models, Versions, WorkspaceModel};
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
    /// Each workspace's metadata version as last read.
    pub versions: Arc<Versions>,
    /// Changes of workspaces' models, one at a time per workspace.
    pub metadata: Arc<crate::metadata::Metadata>,
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
    /// The browser origins allowed to call the API.
    pub cors: crate::config::CorsOrigins,
    /// Requests, deliveries and the rest `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Wake-ups of this process's webhook worker (raised by writes, through `counts`,
    /// and by changes of webhooks).
    pub webhook_signals: Arc<crate::webhooks::Signals>,
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
        let webhook_signals = Arc::new(crate::webhooks::Signals::default());
        AppState {
            store,
            models: Arc::new(Models::new(Arc::new(standard), DEFAULT_BUDGET_BYTES)),
            versions: Arc::default(),
            metadata: Arc::default(),
            counts: Arc::new(CountCache::with_signals(webhook_signals.clone())),
            keys: Arc::new(crate::key_cache::KeyCache::default()),
            graphql: Arc::new(crate::graphql::Api::new(limits)),
            rate: Arc::new(RateLimiter::new(RateLimits::default())),
            body_timeout: ConnLimits::default().body_timeout,
            min_free_disk: crate::config::DEFAULT_MIN_FREE_DISK,
            cors: crate::config::CorsOrigins::Off,
            metrics: Arc::default(),
            webhook_signals,
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

    /// The same state, answering browsers of these origins.
    pub fn with_cors(mut self, cors: crate::config::CorsOrigins) -> Self {
        self.cors = cors;
        self
    }

    /// The same state, ready only with `bytes` free on the embedded store's disk.
    pub fn with_min_free_disk(mut self, bytes: u64) -> Self {
        self.min_free_disk = bytes;
        self
    }

    /// The GraphQL schema of `workspace`'s `model` (built on its first use, then counted
    /// in the cache's budget).
    pub async fn graphql_of(
        &self,
        workspace: Uuid,
        model: &Arc<WorkspaceModel>,
    ) -> Result<Arc<crate::graphql::Built>, ApiError> {
        let built = model.graphql().await.map_err(ApiError::failure)?;
        self.models.resize(workspace, model);
        Ok(built)
    }

    /// The model of an authenticated caller's workspace at its current metadata version
    /// (read from the store at most every [`crate::models::VERSION_CHECK_INTERVAL`]):
    /// the shared standard model at version 0 (no change made yet), else the workspace's
    /// own, built once per version by the cache.
    pub async fn model(&self, workspace: Uuid) -> Result<Arc<WorkspaceModel>, ApiError> {
        let version = match self.versions.fresh(workspace) {
            Some(version) => version,
            None => {
                let version = self
                    .store
                    .metadata_version(workspace)
                    .await
                    .map_err(ApiError::failure)?;
                self.versions.set(workspace, version);
                version
            }
        };
        let store = self.store.clone();
        let model = self
            .models
            .get(workspace, version, || async move {
                let catalog = store.catalog(workspace).await.map_err(|e| e.to_string())?;
                if catalog.version == 0 {
                    return Ok(None);
                }
                let model = catalog.active().map_err(|e| e.to_string())?;
                Ok(Some((catalog.version, model)))
            })
            .await
            .map_err(ApiError::failure)?;
        if model.version > version {
            self.versions.set(workspace, model.version);
        }
        Ok(model)
    }
}
