//! The GraphQL transport's HTTP face: `POST /graphql` (an authenticated caller's request,
//! run by [`crate::graphql::execute`]), `GET /graphql` (GraphiQL) and
//! `GET /graphql/schema.graphql` (the caller's workspace SDL). Refusals before execution
//! (no key, a rate limit, a bad body) are answered in GraphQL's error shape.
use crate::auth::Auth;
use crate::error::ApiError;
use crate::graphql::{Call, LimitError, execute, graphiql};
use crate::query::Actor;
use crate::state::AppState;
use crate::store::Scope;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

/// The routes of the GraphQL API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphql", get(graphiql::page).post(post_graphql))
        .route("/graphql/schema.graphql", get(schema_sdl))
        .route("/graphql/assets/{file}", get(graphiql::asset))
}

/// A GraphQL error response outside execution (no key, bad body).
pub(crate) fn error_response(
    status: StatusCode,
    code: &str,
    twenty_code: &str,
    message: &str,
) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": message,
            "extensions": { "code": code, "twentyCode": twenty_code },
        }],
    });
    (status, axum::Json(body)).into_response()
}

pub(crate) fn auth_error(e: &ApiError) -> Response {
    let mut response = error_response(e.status, e.code, e.code, &e.message);
    e.add_retry_after(&mut response);
    response
}

/// A GraphQL request's body, `{query, variables?, operationName?}`, or the 400 refusing
/// it in GraphQL's error shape (variables nested past serde_json's 128 levels are a
/// nesting error).
pub(crate) fn parse_body(body: &[u8]) -> Result<async_graphql::Request, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| Box::new(refuse_body(&e)))
}

/// The refusal of a body serde_json could not read.
fn refuse_body(e: &serde_json::Error) -> Response {
    if e.to_string().starts_with("recursion limit exceeded") {
        let e = LimitError::Value {
            what: "the request's variables".to_owned(),
            max: crate::query::MAX_NESTING,
        };
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            e.code(),
            &e.to_string(),
        );
    }
    error_response(
        StatusCode::BAD_REQUEST,
        "BAD_USER_INPUT",
        "INVALID_BODY",
        &format!(
            "the body must be a JSON object {{\"query\": …, \"variables\": …, \"operationName\": …}}: {e}"
        ),
    )
}

/// A GraphQL reply as the HTTP response (always 200, errors in the body).
pub(crate) fn reply_response(reply: crate::graphql::Reply) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        reply.into_body(),
    )
        .into_response()
}

/// `POST /graphql`: `{query, variables?, operationName?}` → `{data, errors?}`.
/// The caller is authenticated as on REST (the `Auth` extractor); its refusal is answered
/// in GraphQL's error shape.
async fn post_graphql(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    body: Bytes,
) -> Response {
    let auth = match auth {
        Ok(auth) => auth,
        Err(e) => return auth_error(&e),
    };
    let request = match parse_body(&body) {
        Ok(request) => request,
        Err(refusal) => return *refusal,
    };
    let mut reply = match run(&state, &auth, request).await {
        Ok(reply) => reply,
        Err(e) => return auth_error(&e),
    };
    // Met a model the workspace no longer has, with nothing done: again, with the current
    // model (see `crate::http::retry_stale`).
    for _ in 1..crate::http::STALE_MODEL_RUNS {
        if !is_stale(&reply) {
            break;
        }
        let Ok(request) = parse_body(&body) else {
            break;
        };
        state.versions.clear();
        reply = match run(&state, &auth, request).await {
            Ok(reply) => reply,
            Err(e) => return auth_error(&e),
        };
    }
    reply_response(reply)
}

/// Runs `request` for `auth` on its workspace's current model.
async fn run(
    state: &AppState,
    auth: &Auth,
    request: async_graphql::Request,
) -> Result<crate::graphql::Reply, ApiError> {
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let model = state.model(auth.workspace_id).await?;
    let built = &state.graphql_of(auth.workspace_id, &model).await?;
    let read_only = match auth.scope {
        Scope::ReadWrite | Scope::Admin => None,
        Scope::ReadOnly => Some(format!(
            "API key {:?} is read-only and cannot change data",
            auth.key_name
        )),
    };
    let call = Call::new(
        db,
        built.model.clone(),
        Actor::api_key(&auth.key_name, &auth.key_id.to_string()),
        read_only,
    )
    .with_counts(state.counts.clone(), auth.workspace_id)
    .with_workspace(state.store.clone(), auth.workspace_id);
    Ok(execute(&state.graphql, built, Arc::new(call), request).await)
}

/// Whether a reply met a changed model and did nothing else: an error coded
/// `MODEL_STALE` and no root field answered.
fn is_stale(reply: &crate::graphql::Reply) -> bool {
    if !reply.contains("\"MODEL_STALE\"") {
        return false;
    }
    match reply.json().get("data") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::Object(fields)) => fields.values().all(serde_json::Value::is_null),
        Some(_) => false,
    }
}

/// `GET /graphql/schema.graphql`: the SDL of the caller's workspace.
async fn schema_sdl(
    State(state): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let built = state.graphql_of(auth.workspace_id, &model).await?;
    Ok(built.sdl_document().respond(&headers))
}
