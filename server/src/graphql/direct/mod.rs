//! The direct executor of queries: once async-graphql has parsed and validated a document,
//! a query whose root fields are reads (`people`, `person`, …, `__typename`) is answered
//! here in one pass — the engine's records written straight to JSON text — instead of by
//! a resolver call and a value copy per field. Mutations and introspection stay with
//! async-graphql's executor over `resolvers`; both share the reads and `nested`.
//!
//! The answer is the one async-graphql gives (a differential test holds them equal).

mod collect;
mod write;

use super::args::Args;
use super::call::Call;
use super::errors::{fill_codes, server_error};
use super::resolvers;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::registry::Registry;
use async_graphql::{Response, ServerError, Variables};
use collect::{Field, Operation as Collected};
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use twenty_codegen::emit::graphql::Operation;
use twenty_codegen::model::Schema;
use write::Writer;

/// The read root fields of a schema: field name → (object, operation).
#[derive(Debug, Default)]
pub struct Roots(HashMap<String, (String, Operation)>);

impl Roots {
    /// The `Query` fields of `model`.
    pub fn new(model: &Schema) -> Roots {
        let mut roots = HashMap::new();
        for object in &model.objects {
            for op in Operation::QUERIES {
                roots.insert(op.field_name(object), (object.name_singular.clone(), op));
            }
        }
        Roots(roots)
    }
}

/// The operation of `document` a request runs, as async-graphql picks it.
fn operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), None) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// Whether a request can be answered here: its operation is a query and no root field
/// (through fragments) is introspection (`__schema`, `__type`).
pub fn eligible(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    fn introspects<'d>(
        document: &'d ExecutableDocument,
        set: &'d SelectionSet,
        seen: &mut HashSet<&'d str>,
    ) -> bool {
        set.items.iter().any(|selection| match &selection.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type")
            }
            Selection::InlineFragment(inline) => {
                introspects(document, &inline.node.selection_set.node, seen)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                // A cycle (refused by validation later) is walked once.
                seen.insert(name)
                    && document
                        .fragments
                        .get(name)
                        .is_some_and(|f| introspects(document, &f.node.selection_set.node, seen))
            }
        })
    }
    operation(document, operation_name).is_some_and(|op| {
        op.ty == OperationType::Query
            && !introspects(document, &op.selection_set.node, &mut HashSet::new())
    })
}

/// Set (in a request's data) by [`Gate`] when the request passed validation: then
/// async-graphql's execution is skipped and [`run`] answers.
#[derive(Debug, Clone, Default)]
pub struct Validated(Arc<AtomicBool>);

impl Validated {
    /// Whether the request passed validation.
    pub fn passed(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The schema extension that stops a request carrying [`Validated`] after validation.
pub struct Gate;

impl ExtensionFactory for Gate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Gate)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Gate {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match ctx.data_opt::<Validated>() {
            Some(validated) => {
                validated.0.store(true, Ordering::Release);
                Response::default()
            }
            None => next.run(ctx, operation_name).await,
        }
    }
}

/// What a root field resolved to.
enum Root {
    TypeName,
    Value(Json),
    Error(ServerError),
}

async fn resolve_root(call: &Call, roots: &Roots, field: &Field<'_>) -> Option<Root> {
    if field.name == "__typename" {
        return Some(Root::TypeName);
    }
    if field.name == twenty_codegen::emit::graphql::CURRENT_WORKSPACE {
        return Some(match call.current_workspace().await {
            Ok(json) => Root::Value(json),
            Err(e) => Root::Error(e.into_server_error(field.pos())),
        });
    }
    if field.name == twenty_codegen::emit::graphql::SEARCH {
        let args = match field.resolved_arguments() {
            Ok(args) => Args(args),
            Err(e) => return Some(Root::Error(e)),
        };
        return Some(match resolvers::search(call, &args).await {
            Ok(json) => Root::Value(json),
            Err(e) => Root::Error(e.into_server_error(field.pos())),
        });
    }
    let (object, op) = roots.0.get(field.name)?;
    let args = match field.resolved_arguments() {
        Ok(args) => Args(args),
        Err(e) => return Some(Root::Error(e)),
    };
    let result = match op {
        Operation::FindMany => resolvers::find_many(call, object, &args, &field).await,
        Operation::FindOne => resolvers::find_one(call, object, &args, &field).await,
        Operation::GroupBy => resolvers::group_by(call, object, &args, &field).await,
        Operation::FindDuplicates => resolvers::find_duplicates(call, object, &args, &field).await,
        _ => return None,
    };
    Some(match result {
        Ok(json) => Root::Value(json),
        Err(e) => Root::Error(e.into_server_error(field.pos())),
    })
}

/// Answers a validated query (see [`eligible`]) as the JSON body `{"data", "errors"?}`.
pub async fn run(
    registry: &Registry,
    roots: &Roots,
    call: &Call,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Vec<u8> {
    let (Some(op), Some(query)) = (
        operation(document, operation_name),
        registry.types.get(&registry.query_type),
    ) else {
        return internal("the operation to run was not found after validation");
    };
    let collected = Collected {
        registry,
        document,
        operation: op,
        variables,
    };
    let fields = collect::collect(&collected, query, &[&op.selection_set.node]);
    let results = async_graphql::futures_util::future::join_all(
        fields.iter().map(|field| resolve_root(call, roots, field)),
    )
    .await;
    let mut writer = Writer::default();
    writer.out.extend_from_slice(b"{\"data\":");
    let mark = writer.open();
    for (field, result) in fields.iter().zip(results) {
        match result {
            None => {}
            Some(Root::Error(e)) => {
                writer.errors.push(e);
                // A nullable root field answers `null` beside its error (see the
                // resolvers' `root`).
                if !field.ty.ends_with('!') {
                    let start = writer.key(mark, field.key);
                    writer.out.extend_from_slice(b"null");
                    writer.member_done(start, true);
                }
            }
            Some(Root::TypeName) => {
                let start = writer.key(mark, field.key);
                writer.string(query.name());
                writer.member_done(start, true);
            }
            Some(Root::Value(json)) => {
                let start = writer.key(mark, field.key);
                let written = writer.value(field, field.ty, Some(&json));
                writer.member_done(start, written);
            }
        }
    }
    writer.close(mark);
    let mut out = writer.out;
    if !writer.errors.is_empty() {
        fill_codes(&mut writer.errors);
        out.extend_from_slice(b",\"errors\":");
        // Serializing errors into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &writer.errors);
    }
    out.push(b'}');
    out
}

fn internal(message: &str) -> Vec<u8> {
    let error = server_error("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR", message);
    serde_json::to_vec(&Response::from_errors(vec![error])).unwrap_or_default()
}
