//! `AppState`: what every handler shares (the store, the caches, the GraphQL API, the rate
//! limiter, the body timeout). Built once per serving process; no routes here.
use crate::config::{ConnLimits, RateLimits};
use crate::count_cache::CountCache;
use crate::rate::RateLimiter;
use crate::store::Store;
use axum::body::Bytes;
use std::sync::Arc;
use std::time::Duration;
use twenty_codegen::model::Schema;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// The workspaces' model (today the standard set for every workspace).
    pub schema: Arc<Schema>,
    /// Cached `totalCount`s; every write must bump its workspace's version.
    pub counts: Arc<CountCache>,
    /// Verified API keys, trusted for a few seconds.
    pub keys: Arc<crate::key_cache::KeyCache>,
    /// The GraphQL API (schemas built once, limits).
    pub graphql: Arc<crate::graphql::Api>,
    /// Requests per key and failed authentications per address.
    pub rate: Arc<RateLimiter>,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// The standard OpenAPI document, rendered once.
    pub(crate) openapi: Bytes,
}

impl AppState {
    /// State over a store with the default GraphQL limits; renders the standard OpenAPI
    /// document and builds the GraphQL schema once.
    pub fn new(store: Arc<Store>) -> Self {
        Self::with_limits(store, crate::graphql::Limits::default())
    }

    /// State over a store with these GraphQL limits.
    pub fn with_limits(store: Arc<Store>, limits: crate::graphql::Limits) -> Self {
        let schema = twenty_standard_objects::schema();
        let openapi = Bytes::from(twenty_codegen::emit::openapi::to_json(&schema));
        // The standard model always makes a valid schema: `cargo xtask codegen` builds it.
        let schema = Arc::new(schema);
        let graphql = crate::graphql::Api::new(schema.clone(), limits)
            .unwrap_or_else(|e| panic!("the standard GraphQL schema does not build: {e}"));
        AppState {
            store,
            schema,
            counts: Arc::new(CountCache::default()),
            keys: Arc::new(crate::key_cache::KeyCache::default()),
            graphql: Arc::new(graphql),
            rate: Arc::new(RateLimiter::new(RateLimits::default())),
            body_timeout: ConnLimits::default().body_timeout,
            openapi,
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
}
