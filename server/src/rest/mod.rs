//! The REST transport: Twenty's `/rest/{namePlural}` routes over the query engine — paths,
//! query parameters, bodies, envelopes and errors. No SQL here: every read and write goes
//! through `crate::query`.
mod filter;
mod order;
mod params;
mod reads;

use crate::error::ApiError;
use crate::http::AppState;
use crate::query::{QueryError, Target};
use crate::store::WorkspaceDb;
use axum::Router;
use axum::routing::get;
use twenty_codegen::model::{Object, Schema};

/// The REST routes over the objects (the OpenAPI route lives in `http`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/{plural}", get(reads::find_many))
        .route("/rest/{plural}/{id}", get(reads::find_one))
}

/// The object a path's `{namePlural}` names, or a 404 saying so.
fn object<'s>(schema: &'s Schema, plural: &str) -> Result<&'s Object, ApiError> {
    if let Some(object) = schema.object_by_plural(plural) {
        return Ok(object);
    }
    let hint = match schema.object(plural) {
        Some(o) => format!(" (did you mean `/rest/{}`?)", o.name_plural),
        None => String::new(),
    };
    Err(ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "UNKNOWN_OBJECT",
        format!("no object named `{plural}` in this workspace{hint}"),
    ))
}

/// A record id from a path: a UUID, else a 400.
fn record_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::bad_request("INVALID_ID", format!("`{raw}` is not a UUID")))
}

/// The engine's view of a workspace's database.
fn target(db: &WorkspaceDb) -> Target<'_> {
    match db {
        WorkspaceDb::Sqlite(pool) => Target::Sqlite { pool },
        WorkspaceDb::Postgres { pool, schema } => Target::Postgres { pool, schema },
    }
}

/// An engine error as an API error: a client's mistake is a 400 with the engine's code.
fn query_error(e: QueryError) -> ApiError {
    match e {
        QueryError::UnknownObject(_) => ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "UNKNOWN_OBJECT",
            e.to_string(),
        ),
        e if e.is_client_error() => ApiError::bad_request(e.code(), e.to_string()),
        e => ApiError::internal(e),
    }
}
