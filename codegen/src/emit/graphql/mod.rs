//! The GraphQL schema of the core API (Twenty's names and shapes), built with
//! async-graphql's dynamic types. Owns `build` and `sdl`; each GraphQL concern has its module.
//!
//! The server serves a schema made by [`build`] with its own [`Resolvers`]; the checked-in
//! SDL is [`sdl`], the same builder with [`NoResolvers`]. Resolvers never influence types
//! or names, so the two cannot differ.

mod connection;
mod filter;
pub mod group_by;
mod inputs;
mod object_type;
mod order_by;
mod registry;
mod resolvers;
mod root;
mod scalars;
mod shape;

pub use resolvers::{NoResolvers, Operation, Resolver, Resolvers, parent_value};
pub use root::{CURRENT_WORKSPACE, MUTATION, QUERY, SEARCH, WORKSPACE};
pub use scalars::{ScalarValue, accepts};

use crate::model::Schema;
use async_graphql::SDLExportOptions;
use registry::Types;

/// Why the model cannot be turned into a GraphQL schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphqlError {
    /// Two parts of the model produce the same type name.
    #[error(
        "GraphQL type `{name}` would be defined twice: by {first} and by {second}; rename one of them"
    )]
    DuplicateType {
        name: String,
        first: String,
        second: String,
    },
    /// Two parts of the model produce the same field in one type.
    #[error(
        "GraphQL field `{type_name}.{field}` would be defined twice: by {first} and by {second}; rename one of them"
    )]
    DuplicateField {
        type_name: String,
        field: String,
        first: String,
        second: String,
    },
    /// A generated name is not a GraphQL name.
    #[error("`{name}` (from {origin}) is not a valid GraphQL name")]
    InvalidName { name: String, origin: String },
    /// A relation points at an object the schema does not have.
    #[error("field `{object}.{field}` relates to `{target}`, which is not an object of the schema")]
    UnknownTarget {
        object: String,
        field: String,
        target: String,
    },
    /// async-graphql refused the assembled schema.
    #[error("async-graphql rejected the schema: {0}")]
    Schema(String),
}

/// Builds the executable schema of `schema`, answering with `resolvers`.
pub fn build<R: Resolvers>(
    schema: &Schema,
    resolvers: R,
) -> Result<async_graphql::dynamic::Schema, GraphqlError> {
    let mut types = Types::new();
    // Shared types first: on a clash, the error names the object as the second claimant.
    types.claim(QUERY, "the root type".to_owned())?;
    types.claim(MUTATION, "the root type".to_owned())?;
    scalars::register(&mut types)?;
    connection::register_shared(&mut types, &resolvers)?;
    filter::register_shared(&mut types)?;
    order_by::register_shared(&mut types)?;
    group_by::register_shared(&mut types)?;
    inputs::register_shared(&mut types)?;
    object_type::register_composites(&mut types, &resolvers)?;
    root::register_shared(&mut types, &resolvers)?;
    for object in &schema.objects {
        object_type::register(&mut types, schema, object, &resolvers)?;
        connection::register(&mut types, object, &resolvers)?;
        filter::register(&mut types, schema, object)?;
        order_by::register(&mut types, schema, object)?;
        group_by::register(&mut types, schema, object, &resolvers)?;
        inputs::register(&mut types, schema, object)?;
    }
    let roots = root::build(schema, &resolvers)?;
    let builder = async_graphql::dynamic::Schema::build(QUERY, Some(MUTATION), None);
    let builder = roots
        .into_iter()
        .fold(types.register_all(builder), |b, root| b.register(root));
    resolvers
        .finish(builder)
        .finish()
        .map_err(|e| GraphqlError::Schema(e.0))
}

/// The SDL of `schema`, as checked in: [`print()`] of the schema [`build`] makes with
/// [`NoResolvers`].
pub fn sdl(schema: &Schema) -> Result<String, GraphqlError> {
    Ok(print(&build(schema, NoResolvers)?))
}

/// The SDL of a built schema: the types sorted by name (async-graphql keeps them in a
/// `BTreeMap`; fields keep model order), two-space indents, LF line endings and one
/// trailing newline. The server prints its served schema with this too, so the result can
/// be compared byte for byte with the checked-in file (which `cargo xtask codegen` gives a
/// header line of its own).
pub fn print(schema: &async_graphql::dynamic::Schema) -> String {
    let options = SDLExportOptions::new().use_space_ident().indent_width(2);
    let printed = schema.sdl_with_options(options);
    let mut out = String::with_capacity(printed.len() + 1);
    for line in printed.trim().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
