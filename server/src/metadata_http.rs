//! The metadata API's HTTP faces, in Twenty's shapes: REST `/rest/metadata/objects[/{id}]`
//! and `/rest/metadata/fields[/{id}]` (GET / POST / PATCH / DELETE), GraphQL `POST /metadata`
//! (`objects`, `object`, `fields`, `field`, `currentWorkspace` and the six mutations;
//! GraphiQL at `GET /metadata`) and `GET /rest/open-api/metadata`. Reading needs any key;
//! changing the model needs the `admin` scope. The work is `crate::metadata`'s.
use crate::auth::Auth;
use crate::document::Document;
use crate::error::ApiError;
use crate::metadata::change::{self, CreateField, CreateObject, UpdateField, UpdateObject};
use crate::metadata::{Applied, shape};
use crate::state::AppState;
use crate::store::metadata::Catalog;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

mod graphql;
mod openapi;
mod webhooks_gql;

/// The routes of the metadata API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/rest/metadata/objects",
            get(list_objects).post(create_object),
        )
        .route(
            "/rest/metadata/objects/{id}",
            get(get_object)
                .patch(update_object)
                .put(update_object)
                .delete(delete_object),
        )
        .route("/rest/metadata/fields", get(list_fields).post(create_field))
        .route(
            "/rest/metadata/fields/{id}",
            get(get_field)
                .patch(update_field)
                .put(update_field)
                .delete(delete_field),
        )
        .route("/rest/open-api/metadata", get(openapi::document))
        .route(
            "/metadata",
            get(crate::graphql::graphiql::page).post(graphql::post),
        )
        .route("/metadata/schema.graphql", get(metadata_sdl))
}

/// `GET /metadata/schema.graphql`: the metadata API's SDL (the same for every workspace).
async fn metadata_sdl(headers: axum::http::HeaderMap) -> Response {
    static SDL: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
    SDL.get_or_init(|| Document::new(graphql::sdl(), "application/graphql; charset=utf-8"))
        .respond(&headers)
}

/// Most items a metadata list answers per page (and its default).
pub const MAX_PAGE: usize = 1000;

/// The body as a `T`: unknown keys, wrong types and missing keys are a 400 naming them.
pub(crate) fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    let value = crate::rest::writes::json_body(bytes)?;
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("INVALID_BODY", format!("invalid body: {e}")))
}

pub(crate) fn id(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| {
        ApiError::bad_request(
            "INVALID_ID",
            format!("{text:?} is not a valid {what} id (a UUID)"),
        )
    })
}

/// `limit` and `starting_after` of a list (and the list's own equality filters); any
/// other parameter is a 400.
pub(crate) fn list_params(
    query: Option<&str>,
    filters: &[&str],
) -> Result<(usize, Option<String>, shape::Filter), ApiError> {
    let mut limit = MAX_PAGE;
    let mut after = None;
    let mut filter = Vec::new();
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|l| (1..=MAX_PAGE).contains(l))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "INVALID_PARAMETER",
                            format!("limit must be an integer from 1 to {MAX_PAGE}, not {value:?}"),
                        )
                    })?;
            }
            "starting_after" => after = Some(value.into_owned()),
            key if filters.contains(&key) => {
                let v = match value.as_ref() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::String(other.to_owned()),
                };
                filter.push((key.to_owned(), v));
            }
            other => {
                return Err(ApiError::bad_request(
                    "UNKNOWN_PARAMETER",
                    format!(
                        "unknown query parameter {other:?}: this route takes limit, starting_after{}",
                        filters.iter().map(|f| format!(", {f}")).collect::<String>()
                    ),
                ));
            }
        }
    }
    Ok((limit, after, filter))
}

async fn catalog(state: &AppState, auth: &Auth) -> Result<Catalog, ApiError> {
    state
        .store
        .catalog(auth.workspace_id)
        .await
        .map_err(ApiError::failure)
}

/// A list in Twenty's REST envelope.
pub(crate) fn list_response(
    key: &str,
    (items, more, total): (Vec<Value>, bool, usize),
) -> Response {
    let id = |v: Option<&Value>| v.and_then(|v| v.get("id")).cloned().unwrap_or(Value::Null);
    let body = json!({
        "data": { key: items },
        "pageInfo": {
            "hasNextPage": more,
            "startCursor": id(items.first()),
            "endCursor": id(items.last()),
        },
        "totalCount": total,
    });
    axum::Json(body).into_response()
}

pub(crate) fn one(key: &str, value: Value, status: StatusCode) -> Response {
    (status, axum::Json(json!({ "data": { key: value } }))).into_response()
}

const OBJECT_FILTERS: [&str; 4] = ["id", "isActive", "isCustom", "isSystem"];
const FIELD_FILTERS: [&str; 6] = [
    "id",
    "isActive",
    "isCustom",
    "isSystem",
    "objectMetadataId",
    "type",
];

async fn list_objects(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (limit, after, filter) = list_params(query.as_deref(), &OBJECT_FILTERS)?;
    let catalog = catalog(&state, &auth).await?;
    let page = shape::page(shape::objects(&catalog), &filter, limit, after.as_deref())?;
    Ok(list_response("objects", page))
}

async fn get_object(
    State(state): State<AppState>,
    auth: Auth,
    Path(object): Path<String>,
) -> Result<Response, ApiError> {
    let object = id(&object, "object")?;
    let catalog = catalog(&state, &auth).await?;
    Ok(one(
        "object",
        shape::object_by_id(&catalog, object)?,
        StatusCode::OK,
    ))
}

async fn create_object(
    State(state): State<AppState>,
    auth: Auth,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let input: CreateObject = body(&bytes)?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, _| {
            change::create_object(from, input)
        })
        .await?;
    Ok(one(
        "createOneObject",
        object_of(&applied)?,
        StatusCode::CREATED,
    ))
}

async fn update_object(
    State(state): State<AppState>,
    auth: Auth,
    Path(object): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let object = id(&object, "object")?;
    let update: UpdateObject = body(&bytes)?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, _| {
            change::update_object(from, object, update)
        })
        .await?;
    Ok(one("updateOneObject", object_of(&applied)?, StatusCode::OK))
}

async fn delete_object(
    State(state): State<AppState>,
    auth: Auth,
    Path(object): Path<String>,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let object = id(&object, "object")?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, _| {
            change::delete_object(from, object)
        })
        .await?;
    Ok(one(
        "deleteOneObject",
        json!({ "id": applied.subject }),
        StatusCode::OK,
    ))
}

async fn list_fields(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (limit, after, filter) = list_params(query.as_deref(), &FIELD_FILTERS)?;
    let catalog = catalog(&state, &auth).await?;
    let page = shape::page(shape::fields(&catalog), &filter, limit, after.as_deref())?;
    Ok(list_response("fields", page))
}

async fn get_field(
    State(state): State<AppState>,
    auth: Auth,
    Path(field): Path<String>,
) -> Result<Response, ApiError> {
    let field = id(&field, "field")?;
    let catalog = catalog(&state, &auth).await?;
    Ok(one(
        "field",
        shape::field_by_id(&catalog, field)?,
        StatusCode::OK,
    ))
}

async fn create_field(
    State(state): State<AppState>,
    auth: Auth,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let input: CreateField = body(&bytes)?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, dialect| {
            change::create_field(from, input, dialect)
        })
        .await?;
    Ok(one(
        "createOneField",
        field_of(&applied)?,
        StatusCode::CREATED,
    ))
}

async fn update_field(
    State(state): State<AppState>,
    auth: Auth,
    Path(field): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let field = id(&field, "field")?;
    let update: UpdateField = body(&bytes)?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, dialect| {
            change::update_field(from, field, update, dialect)
        })
        .await?;
    Ok(one("updateOneField", field_of(&applied)?, StatusCode::OK))
}

async fn delete_field(
    State(state): State<AppState>,
    auth: Auth,
    Path(field): Path<String>,
) -> Result<Response, ApiError> {
    auth.require_admin()?;
    let field = id(&field, "field")?;
    let applied = state
        .metadata
        .apply(&state, auth.workspace_id, |from, _| {
            change::delete_field(from, field)
        })
        .await?;
    Ok(one(
        "deleteOneField",
        json!({ "id": applied.subject }),
        StatusCode::OK,
    ))
}

/// The object a change was about, as it is after the change.
pub(crate) fn object_of(applied: &Applied) -> Result<Value, ApiError> {
    shape::object_by_id(&applied.catalog, applied.subject)
}

/// The field a change was about, as it is after the change.
pub(crate) fn field_of(applied: &Applied) -> Result<Value, ApiError> {
    shape::field_by_id(&applied.catalog, applied.subject)
}
