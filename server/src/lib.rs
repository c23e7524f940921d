//! The Twenty server: configuration, storage of workspaces and API keys, authentication,
//! and the HTTP application. The binary (`main.rs`) is a thin CLI over this library.
pub mod api_docs;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod conn;
pub mod count_cache;
pub mod document;
pub mod error;
pub mod graphql;
pub mod graphql_http;
pub mod http;
pub mod key_cache;
pub mod metadata;
pub mod metadata_http;
pub mod metrics;
pub mod models;
#[cfg(test)]
mod properties;
pub mod query;
pub mod rate;
pub mod rest;
pub mod sdk_out;
pub mod secret;
pub mod server;
pub mod state;
pub mod store;
pub mod webhooks;
pub mod webhooks_http;

pub use auth::Auth;
pub use config::{Config, Database};
pub use error::ApiError;
pub use http::app;
pub use server::{Server, ServerError, serve};
pub use state::AppState;
pub use store::{Scope, SqliteDb, Store, WorkspaceDb};
