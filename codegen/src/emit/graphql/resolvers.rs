//! The seam between the schema builder and whoever answers queries: the server plugs its
//! resolvers in here; `sdl()` plugs in [`NoResolvers`]. Owns no query logic.

use crate::model::{Field, Object, upper_first};
use async_graphql::dynamic::{FieldFuture, FieldValue, ResolverContext, SchemaBuilder};
use async_graphql::{Error, Value};

/// A field resolver, as async-graphql's dynamic `Field` runs it.
pub type Resolver = Box<dyn for<'a> Fn(ResolverContext<'a>) -> FieldFuture<'a> + Send + Sync>;

/// One root field of an object: a Query (find) or a Mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    FindMany,
    FindOne,
    /// `<plural>GroupBy`: groups and their aggregates.
    GroupBy,
    /// `<singular>Duplicates`: each given record's duplicates.
    FindDuplicates,
    CreateOne,
    CreateMany,
    UpdateOne,
    UpdateMany,
    DeleteOne,
    DeleteMany,
    DestroyOne,
    DestroyMany,
    RestoreOne,
    RestoreMany,
    /// `merge<Plural>`: duplicates merged into one record.
    MergeMany,
}

impl Operation {
    /// The Query fields of an object, in schema order.
    pub const QUERIES: [Operation; 4] = [
        Operation::FindMany,
        Operation::FindOne,
        Operation::GroupBy,
        Operation::FindDuplicates,
    ];

    /// The Mutation fields of an object, in schema order.
    pub const MUTATIONS: [Operation; 11] = [
        Operation::CreateOne,
        Operation::CreateMany,
        Operation::UpdateOne,
        Operation::UpdateMany,
        Operation::DeleteOne,
        Operation::DeleteMany,
        Operation::DestroyOne,
        Operation::DestroyMany,
        Operation::RestoreOne,
        Operation::RestoreMany,
        Operation::MergeMany,
    ];

    /// Whether the operation acts on many records (its name uses the plural).
    pub fn is_many(self) -> bool {
        matches!(
            self,
            Operation::FindMany
                | Operation::CreateMany
                | Operation::UpdateMany
                | Operation::DeleteMany
                | Operation::DestroyMany
                | Operation::RestoreMany
                | Operation::MergeMany
        )
    }

    /// The root field name, as Twenty's `getResolverName` spells it (`companies`,
    /// `company`, `createCompany`, `updateCompanies`, …).
    pub fn field_name(self, object: &Object) -> String {
        match self {
            Operation::GroupBy => return format!("{}GroupBy", object.name_plural),
            Operation::FindDuplicates => return format!("{}Duplicates", object.name_singular),
            _ => {}
        }
        let verb = match self {
            Operation::FindMany
            | Operation::FindOne
            | Operation::GroupBy
            | Operation::FindDuplicates => "",
            Operation::CreateOne | Operation::CreateMany => "create",
            Operation::UpdateOne | Operation::UpdateMany => "update",
            Operation::DeleteOne | Operation::DeleteMany => "delete",
            Operation::DestroyOne | Operation::DestroyMany => "destroy",
            Operation::RestoreOne | Operation::RestoreMany => "restore",
            Operation::MergeMany => "merge",
        };
        let name = if self.is_many() {
            &object.name_plural
        } else {
            &object.name_singular
        };
        if verb.is_empty() {
            name.clone()
        } else {
            format!("{verb}{}", upper_first(name))
        }
    }
}

/// Supplies the resolver of every field of the schema [`super::build`] makes.
///
/// Types, inputs and names never depend on the resolvers, so a schema built with real
/// resolvers has exactly the SDL of one built with [`NoResolvers`].
pub trait Resolvers {
    /// The root field `operation` of `object` (on Query or Mutation).
    fn root(&self, object: &Object, operation: Operation) -> Resolver;

    /// A relation field (many-to-one or one-to-many) of a record of `object`.
    fn relation(&self, object: &Object, field: &Field) -> Resolver;

    /// The root field `currentWorkspace`, answering `{id, displayName}`. By default it
    /// has no answer.
    fn current_workspace(&self) -> Resolver {
        unavailable(super::root::CURRENT_WORKSPACE.to_owned())
    }

    /// The root field `search`, answering a `SearchResultConnection`. By default it has
    /// no answer.
    fn search(&self) -> Resolver {
        unavailable(super::root::SEARCH.to_owned())
    }

    /// Any other output field: plain and foreign-key fields of records, composite
    /// sub-fields, connection, edge and page-info fields. By default it reads
    /// `field_name` from the parent when the parent is a [`Value::Object`].
    fn value(&self, type_name: &str, field_name: &str) -> Resolver {
        let _ = type_name;
        parent_value(field_name)
    }

    /// Adds what the executor needs besides resolvers (extensions, data) to the schema
    /// before it is finished. Never types or names.
    fn finish(&self, builder: SchemaBuilder) -> SchemaBuilder {
        builder
    }
}

/// Resolves a field by reading `field_name` from a parent [`Value::Object`]; a missing key,
/// a null (or a parent of another kind) resolves to null.
pub fn parent_value(field_name: &str) -> Resolver {
    let name = async_graphql::Name::new(field_name);
    Box::new(move |ctx: ResolverContext<'_>| {
        let value = match ctx.parent_value.as_value() {
            Some(Value::Object(map)) => map
                .get(&name)
                .filter(|v| !matches!(v, Value::Null))
                .cloned(),
            _ => None,
        };
        FieldFuture::Value(value.map(FieldValue::value))
    })
}

/// Resolvers for a schema that is only printed (`sdl()`): root and relation fields fail
/// with an error naming the field; other fields read their parent value.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoResolvers;

impl Resolvers for NoResolvers {
    fn root(&self, object: &Object, operation: Operation) -> Resolver {
        unavailable(operation.field_name(object))
    }

    fn relation(&self, object: &Object, field: &Field) -> Resolver {
        unavailable(format!("{}.{}", object.type_name(), field.name))
    }
}

fn unavailable(what: String) -> Resolver {
    Box::new(move |_ctx: ResolverContext<'_>| {
        let message = format!("`{what}` has no resolver in this schema (it is only printed)");
        FieldFuture::new(async move { Err::<Option<FieldValue<'_>>, _>(Error::new(message)) })
    })
}
