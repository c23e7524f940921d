//! The GraphQL transport: `POST /graphql` (Twenty's schema, built at start-up by the
//! codegen emitter with resolvers over the query engine), `GET /graphql` (GraphiQL) and
//! `GET /graphql/schema.graphql` (the caller's workspace SDL). No SQL here.
mod args;
mod call;
mod direct;
mod errors;
mod graphiql;
mod limits;
mod nested;
mod resolvers;

pub use call::Call;
pub use limits::{LimitError, Limits};
pub use resolvers::EngineResolvers;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::http::AppState;
use crate::query::Actor;
use crate::store::Scope;
use async_graphql::ServerError;
use async_graphql::parser::types::ExecutableDocument;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use twenty_codegen::emit::graphql::{GraphqlError, build, print};
use twenty_codegen::model::Schema;

/// A workspace model's executable schema and its SDL, built once.
pub struct Built {
    /// The executable schema.
    pub schema: async_graphql::dynamic::Schema,
    /// Its SDL, as `graphql/core.graphql` holds it for the standard set.
    pub sdl: String,
    /// The model it was built from.
    pub model: Arc<Schema>,
}

impl Built {
    /// Builds the schema of `model` with the engine's resolvers.
    pub fn new(model: Arc<Schema>) -> Result<Built, GraphqlError> {
        let schema = build(&model, EngineResolvers)?;
        let sdl = print(&schema);
        Ok(Built { schema, sdl, model })
    }
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built").finish_non_exhaustive()
    }
}

/// The GraphQL API's state: the schemas (per workspace model; today every workspace has
/// the standard model, so one schema serves all and nothing is built per request) and
/// the limits.
#[derive(Debug)]
pub struct Api {
    standard: Arc<Built>,
    /// The operation limits.
    pub limits: Limits,
    /// The read root fields the direct executor answers.
    roots: direct::Roots,
    /// Parsed documents by query text: clients repeat the same few operations, and
    /// parsing costs more than copying the parsed tree.
    documents: Mutex<HashMap<String, Arc<ExecutableDocument>>>,
}

/// Parsed documents kept at most; past this the cache starts over.
const MAX_DOCUMENTS: usize = 256;
/// Longer query texts are not kept.
const MAX_DOCUMENT_BYTES: usize = 16 * 1024;

impl Api {
    /// The API over `model` with `limits`.
    pub fn new(model: Arc<Schema>, limits: Limits) -> Result<Api, GraphqlError> {
        Ok(Api {
            roots: direct::Roots::new(&model),
            standard: Arc::new(Built::new(model)?),
            limits,
            documents: Mutex::new(HashMap::new()),
        })
    }

    /// Gives `request` its parsed document from the cache, or parses it and keeps it;
    /// returns the document.
    fn parse(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Arc<ExecutableDocument>, ServerError> {
        let lock = || {
            self.documents
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let cached = lock().get(&request.query).cloned();
        if let Some(document) = cached {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return Ok(document);
        }
        let document = Arc::new(request.parsed_query()?.clone());
        if request.query.len() <= MAX_DOCUMENT_BYTES {
            let mut documents = lock();
            if documents.len() >= MAX_DOCUMENTS {
                documents.clear();
            }
            documents.insert(request.query.clone(), document.clone());
        }
        Ok(document)
    }

    /// The schema of a workspace. When workspaces get custom objects this is where the
    /// cache is keyed by (workspace, metadata version).
    pub fn schema_for(&self, workspace: uuid::Uuid) -> Arc<Built> {
        let _ = workspace;
        self.standard.clone()
    }
}

/// The routes of the GraphQL API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphql", get(graphiql::page).post(post_graphql))
        .route("/graphql/schema.graphql", get(schema_sdl))
        .route("/graphql/assets/{file}", get(graphiql::asset))
}

/// The answer to one GraphQL request: the response body as JSON.
#[derive(Debug)]
pub struct Reply(Vec<u8>);

impl Reply {
    fn from_response(response: &async_graphql::Response) -> Reply {
        // A response (values and errors) always serializes.
        Reply(serde_json::to_vec(response).unwrap_or_default())
    }

    /// The body, `{"data", "errors"?}`.
    pub fn into_body(self) -> Vec<u8> {
        self.0
    }

    /// The body as a JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0).unwrap_or_default()
    }
}

/// Which executor answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Executor {
    /// Queries of reads by the direct executor, the rest by async-graphql's (the default).
    Direct,
    /// Everything by async-graphql's executor over the resolvers (the reference the
    /// direct executor is tested against).
    Resolvers,
}

/// Runs one GraphQL request for a caller: parses it, checks the limits, executes it.
/// Every error carries `extensions.code` and `extensions.twentyCode`.
pub async fn execute(
    api: &Api,
    built: &Built,
    call: Arc<Call>,
    request: async_graphql::Request,
) -> Reply {
    execute_with(api, built, call, request, Executor::Direct).await
}

/// [`execute`] with a chosen executor.
pub async fn execute_with(
    api: &Api,
    built: &Built,
    call: Arc<Call>,
    mut request: async_graphql::Request,
    executor: Executor,
) -> Reply {
    // Before parsing: the parser and every visitor after it recurse once per level.
    let nesting = limits::check_text(&request.query, &api.limits)
        .and_then(|()| limits::check_variables(&request.variables));
    if let Err(e) = nesting {
        return limit_reply(&e);
    }
    let document = match api.parse(&mut request) {
        Ok(document) => document,
        Err(e) => {
            return Reply::from_response(&async_graphql::Response::from_errors(vec![
                errors::server_error("GRAPHQL_PARSE_FAILED", "INVALID_QUERY", e.message),
            ]));
        }
    };
    if let Err(e) = limits::check(&document, &api.limits) {
        return limit_reply(&e);
    }
    let operation_name = request.operation_name.clone();
    if executor == Executor::Direct && direct::eligible(&document, operation_name.as_deref()) {
        let variables = request.variables.clone();
        let validated = direct::Validated::default();
        let mut response = built.schema.execute(request.data(validated.clone())).await;
        if !validated.passed() {
            errors::fill_codes(&mut response.errors);
            return Reply::from_response(&response);
        }
        return Reply(
            direct::run(
                built.schema.registry(),
                &api.roots,
                &call,
                &document,
                operation_name.as_deref(),
                &variables,
            )
            .await,
        );
    }
    let mut response = built.schema.execute(request.data(call)).await;
    errors::fill_codes(&mut response.errors);
    Reply::from_response(&response)
}

/// The answer to an operation over a limit.
fn limit_reply(e: &LimitError) -> Reply {
    Reply::from_response(&async_graphql::Response::from_errors(vec![
        errors::server_error("BAD_USER_INPUT", e.code(), e.to_string()),
    ]))
}

/// A GraphQL error response outside execution (no key, bad body).
fn error_response(status: StatusCode, code: &str, twenty_code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": message,
            "extensions": { "code": code, "twentyCode": twenty_code },
        }],
    });
    (status, axum::Json(body)).into_response()
}

fn auth_error(e: &ApiError) -> Response {
    let mut response = error_response(e.status, e.code, e.code, &e.message);
    e.add_retry_after(&mut response);
    response
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
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        // serde_json stops at 128 levels: deep variables are a nesting error.
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
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
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "INVALID_BODY",
                &format!(
                    "the body must be a JSON object {{\"query\": …, \"variables\": …, \"operationName\": …}}: {e}"
                ),
            );
        }
    };
    let db = match state.store.workspace_db(auth.workspace_id).await {
        Ok(db) => db,
        Err(e) => {
            return auth_error(&ApiError::failure(e));
        }
    };
    let built = state.graphql.schema_for(auth.workspace_id);
    let read_only = match auth.scope {
        Scope::ReadWrite => None,
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
    .with_counts(state.counts.clone(), auth.workspace_id);
    let reply = execute(&state.graphql, &built, Arc::new(call), request).await;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        reply.into_body(),
    )
        .into_response()
}

/// `GET /graphql/schema.graphql`: the SDL of the caller's workspace.
async fn schema_sdl(State(state): State<AppState>, auth: Auth) -> Response {
    let built = state.graphql.schema_for(auth.workspace_id);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/graphql; charset=utf-8"),
        )],
        built.sdl.clone(),
    )
        .into_response()
}
