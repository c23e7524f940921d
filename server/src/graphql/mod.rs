//! The GraphQL transport: Twenty's schema (built by the codegen emitter with resolvers
//! over the query engine), its limits, and [`execute`] of one request for a caller. No
//! SQL and no HTTP here: `crate::graphql_http` serves it.
mod args;
mod call;
mod direct;
mod errors;
pub mod graphiql;
mod limits;
mod nested;
mod resolvers;

pub use call::Call;
pub use errors::coded;
pub use limits::{LimitError, Limits};
pub use resolvers::EngineResolvers;

use async_graphql::ServerError;
use async_graphql::parser::types::ExecutableDocument;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use twenty_codegen::emit::graphql::{GraphqlError, build, print};
use twenty_codegen::model::Schema;

/// A workspace model's executable schema, its SDL and the direct executor's roots, built
/// once per model (held by the workspace's entry in `crate::models`).
pub struct Built {
    /// The executable schema.
    pub schema: async_graphql::dynamic::Schema,
    /// Its SDL, as `graphql/core.graphql` holds it for the standard set.
    pub sdl: String,
    /// The model it was built from.
    pub model: Arc<Schema>,
    /// The read root fields the direct executor answers.
    roots: direct::Roots,
    /// The SDL as `GET /graphql/schema.graphql` answers it (made on its first request).
    sdl_document: std::sync::OnceLock<crate::document::Document>,
}

impl Built {
    /// Builds the schema of `model` with the engine's resolvers.
    pub fn new(model: Arc<Schema>) -> Result<Built, GraphqlError> {
        let schema = build(&model, EngineResolvers)?;
        let sdl = print(&schema);
        Ok(Built {
            roots: direct::Roots::new(&model),
            schema,
            sdl,
            model,
            sdl_document: std::sync::OnceLock::new(),
        })
    }

    /// The SDL as a document with its ETag.
    pub fn sdl_document(&self) -> crate::document::Document {
        self.sdl_document
            .get_or_init(|| {
                crate::document::Document::new(
                    self.sdl.clone(),
                    "application/graphql; charset=utf-8",
                )
            })
            .clone()
    }
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built").finish_non_exhaustive()
    }
}

/// The GraphQL API's state shared by every workspace: the limits and the parsed
/// documents (each workspace's schema is its model's, [`Built`]).
#[derive(Debug)]
pub struct Api {
    /// The operation limits.
    pub limits: Limits,
    /// Parsed documents by query text: clients repeat the same few operations, and
    /// parsing costs more than copying the parsed tree.
    documents: Mutex<HashMap<String, Arc<ExecutableDocument>>>,
}

/// Parsed documents kept at most; past this the cache starts over.
const MAX_DOCUMENTS: usize = 256;
/// Longer query texts are not kept.
const MAX_DOCUMENT_BYTES: usize = 16 * 1024;

impl Api {
    /// The API with `limits`.
    pub fn new(limits: Limits) -> Api {
        Api {
            limits,
            documents: Mutex::new(HashMap::new()),
        }
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

    /// Whether the body holds `text`.
    pub fn contains(&self, text: &str) -> bool {
        memchr::memmem::find(&self.0, text.as_bytes()).is_some()
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
    let document = match admit(api, &mut request) {
        Ok(document) => document,
        Err(reply) => return reply,
    };
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
                &built.roots,
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

/// Runs one request on another schema (the metadata API's) under the same limits, with
/// `data` for its resolvers. Every error carries `extensions.code`.
pub async fn execute_on(
    api: &Api,
    schema: &async_graphql::dynamic::Schema,
    mut request: async_graphql::Request,
    data: impl std::any::Any + Send + Sync,
) -> Reply {
    if let Err(reply) = admit(api, &mut request) {
        return reply;
    }
    let mut response = schema.execute(request.data(data)).await;
    errors::fill_codes(&mut response.errors);
    Reply::from_response(&response)
}

/// Checks `request` against the limits and parses it (through the document cache): its
/// document, or the reply refusing it. The text is checked before parsing: the parser and
/// every visitor after it recurse once per level.
fn admit(
    api: &Api,
    request: &mut async_graphql::Request,
) -> Result<Arc<ExecutableDocument>, Reply> {
    limits::check_text(&request.query, &api.limits)
        .and_then(|()| limits::check_variables(&request.variables))
        .map_err(|e| limit_reply(&e))?;
    let document = api.parse(request).map_err(|e| {
        Reply::from_response(&async_graphql::Response::from_errors(vec![
            errors::server_error("GRAPHQL_PARSE_FAILED", "INVALID_QUERY", e.message),
        ]))
    })?;
    limits::check(&document, &api.limits).map_err(|e| limit_reply(&e))?;
    Ok(document)
}

/// The answer to an operation over a limit.
fn limit_reply(e: &LimitError) -> Reply {
    Reply::from_response(&async_graphql::Response::from_errors(vec![
        errors::server_error("BAD_USER_INPUT", e.code(), e.to_string()),
    ]))
}
