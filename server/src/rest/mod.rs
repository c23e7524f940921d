//! The REST transport: Twenty's `/rest/{namePlural}` routes over the query engine — paths,
//! query parameters, bodies, envelopes and errors. No SQL here: every read and write goes
//! through `crate::query`.
mod duplicates;
mod filter;
mod group_by;
mod order;
mod params;
mod reads;
mod search;
pub(crate) mod writes;

use crate::error::ApiError;
use crate::query::{QueryError, Target};
use crate::state::AppState;
use crate::store::WorkspaceDb;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use twenty_codegen::model::{Object, Schema};

/// The REST routes over the objects (the OpenAPI route lives in `http`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/rest/{plural}",
            get(reads::find_many)
                .post(writes::create_one)
                .patch(writes::update_many)
                .delete(writes::delete_many),
        )
        .route(
            "/rest/{plural}/{id}",
            get(reads::find_one)
                .patch(writes::update_one)
                .put(writes::update_one)
                .delete(writes::delete_one),
        )
        .route("/rest/{plural}/groupBy", get(group_by::group_by))
        .route(
            "/rest/{plural}/duplicates",
            post(duplicates::find_duplicates),
        )
        .route("/rest/search", get(search::search))
        .route("/rest/batch/{plural}", post(writes::create_many))
        .route("/rest/{plural}/restore", patch(writes::restore_many))
        .route("/rest/{plural}/merge", patch(writes::merge))
        .route("/rest/{plural}/{id}/restore", patch(writes::restore_one))
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
        StatusCode::NOT_FOUND,
        "UNKNOWN_OBJECT",
        format!("no object named `{plural}` in this workspace{hint}"),
    ))
}

/// A record id from a path: a UUID in its canonical form (36 characters, hyphenated; any
/// case), else a 400. Braced, `urn:uuid:` and unhyphenated forms name the same record
/// but would give one record several URLs.
fn record_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    let canonical = raw.len() == 36 && raw.bytes().filter(|&b| b == b'-').count() == 4;
    uuid::Uuid::parse_str(raw)
        .ok()
        .filter(|_| canonical)
        .ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_ID",
                format!("`{raw}` is not a UUID such as 7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11"),
            )
        })
}

/// The engine's view of a workspace's database.
fn target(db: &WorkspaceDb) -> Target<'_> {
    Target::from(db)
}

/// An engine error as an API error: a client's mistake keeps the engine's code and status
/// (400, 404 `NOT_FOUND`, 409 `UNIQUE_VIOLATION` / `STILL_REFERENCED`); the database's is a 500.
fn query_error(e: QueryError) -> ApiError {
    let status = match e {
        QueryError::UnknownObject(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    };
    if status.is_server_error() {
        return ApiError::failure(e);
    }
    ApiError::new(status, e.code(), e.to_string())
}

/// `{data: {<key>: value}}`, with `value` moved in (`json!` would copy it through the
/// serializer: a page of records twice).
fn data(
    key: impl Into<String>,
    value: serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let mut inner = serde_json::Map::new();
    inner.insert(key.into(), value);
    let mut outer = serde_json::Map::new();
    outer.insert("data".to_owned(), serde_json::Value::Object(inner));
    outer
}

/// `person` → `Person` (for `createPerson`, `updatePeople`, …).
fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::query;
    use twenty_codegen::emit::openapi;

    #[test]
    fn the_limits_served_are_the_limits_documented() {
        assert_eq!(query::DEFAULT_LIMIT, openapi::DEFAULT_LIMIT);
        assert_eq!(query::MAX_LIMIT, openapi::MAX_LIMIT);
        assert_eq!(query::MAX_MUTATION_RECORDS, openapi::MAX_MUTATION_RECORDS);
    }
}
