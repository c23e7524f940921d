//! Errors in GraphQL form: `extensions.code` from Twenty's vocabulary (BAD_USER_INPUT,
//! UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, GRAPHQL_PARSE_FAILED,
//! GRAPHQL_VALIDATION_FAILED, INTERNAL_SERVER_ERROR) plus our stable engine code as
//! `extensions.twentyCode`. Only a database failure is an INTERNAL_SERVER_ERROR.

use crate::query::QueryError;
use async_graphql::{Error, ErrorExtensions, ServerError};

/// The GraphQL code of an engine error.
pub fn graphql_code(e: &QueryError) -> &'static str {
    match e {
        QueryError::Item { error, .. } => graphql_code(error),
        QueryError::NotFound { .. } => "NOT_FOUND",
        QueryError::UniqueViolation { .. } | QueryError::StillReferenced { .. } => "CONFLICT",
        QueryError::Database(sqlx::Error::PoolTimedOut) => "SERVICE_UNAVAILABLE",
        QueryError::Database(_) => "INTERNAL_SERVER_ERROR",
        _ => "BAD_USER_INPUT",
    }
}

/// An error with a GraphQL code and our code.
pub fn coded(code: &str, twenty_code: &str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        ext.set("twentyCode", twenty_code);
    })
}

/// An engine error as a resolver error; a database failure is logged and answered with a
/// generic message.
pub fn query_error(e: QueryError) -> Error {
    if e.code() == "MODEL_STALE" {
        tracing::info!(error = %e, "a GraphQL request met a changed model");
        return coded(
            "SERVICE_UNAVAILABLE",
            "MODEL_STALE",
            "the workspace's model changed during the request; retry it",
        );
    }
    if e.http_status() == 503 {
        tracing::warn!(error = %e, "database busy in a GraphQL resolver");
        return coded(
            "SERVICE_UNAVAILABLE",
            e.code(),
            "the server is busy: every database connection is in use; retry shortly",
        );
    }
    if !e.is_client_error() {
        tracing::error!(error = %e, "internal error in a GraphQL resolver");
        return coded("INTERNAL_SERVER_ERROR", e.code(), "internal server error");
    }
    let index = e.item_index();
    let error = coded(graphql_code(&e), e.code(), e.to_string());
    match index {
        Some(i) => error.extend_with(|_, ext| ext.set("index", i as u64)),
        None => error,
    }
}

/// A request-level error (no path) with codes.
pub fn server_error(code: &str, twenty_code: &str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    ext.set("twentyCode", twenty_code);
    error.extensions = Some(ext);
    error
}

/// Gives the errors async-graphql produced itself a code: without a path it is the
/// document that is invalid (GRAPHQL_VALIDATION_FAILED); with one, a bug of ours.
pub fn fill_codes(errors: &mut [ServerError]) {
    for error in errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let (code, twenty) = if error.path.is_empty() {
            ("GRAPHQL_VALIDATION_FAILED", "INVALID_QUERY")
        } else {
            ("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR")
        };
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", code);
        ext.set("twentyCode", twenty);
    }
}
