//! The root types: `Query` (`currentWorkspace`, and find many / find one per object) and
//! `Mutation` (create, update, delete, destroy and restore, one and many, per object), with
//! their arguments; and the `Workspace` type `currentWorkspace` answers.

use super::GraphqlError;
use super::connection;
use super::registry::{Fields, Types};
use super::resolvers::{Operation, Resolvers};
use super::shape;
use crate::model::{Object, Schema};
use async_graphql::dynamic::{Field, InputValue, Object as ObjectType, TypeRef};

/// The name of the query root type.
pub const QUERY: &str = "Query";
/// The name of the mutation root type.
pub const MUTATION: &str = "Mutation";
/// The root field answering the caller's workspace (Twenty's; its Zapier connector asks
/// for it to test a connection).
pub const CURRENT_WORKSPACE: &str = "currentWorkspace";
/// The type of [`CURRENT_WORKSPACE`].
pub const WORKSPACE: &str = "Workspace";

/// Registers the `Workspace` type: `id` and `displayName`.
pub(super) fn register_shared(
    types: &mut Types,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    let field = |name: &str, ty: TypeRef| Field::new(name, ty, resolvers.value(WORKSPACE, name));
    let workspace = ObjectType::new(WORKSPACE)
        .description("The workspace of the API key the request is made with.")
        .field(field("id", TypeRef::named_nn("UUID")))
        .field(field("displayName", TypeRef::named_nn(TypeRef::STRING)));
    types.add("the current workspace's type", workspace)
}

/// The return type and arguments of `operation` on `object`.
fn signature(object: &Object, operation: Operation) -> (TypeRef, Vec<InputValue>) {
    let one = || TypeRef::named(object.type_name());
    // Nullable, as Twenty's: a refused many-record mutation answers `null` plus the error.
    let many = || TypeRef::named_nn_list(object.type_name());
    let filter = || InputValue::new("filter", TypeRef::named_nn(shape::filter_input(object)));
    let id = || InputValue::new("id", TypeRef::named_nn("UUID"));
    let create = shape::create_input(object);
    let update = || InputValue::new("data", TypeRef::named_nn(shape::update_input(object)));
    let upsert = || InputValue::new("upsert", TypeRef::named(TypeRef::BOOLEAN));
    match operation {
        Operation::FindMany => (
            TypeRef::named_nn(shape::connection(object)),
            connection::list_arguments(object),
        ),
        Operation::FindOne => (one(), vec![filter()]),
        Operation::FindDuplicates => (
            TypeRef::named_nn_list_nn(shape::connection(object)),
            vec![
                InputValue::new("ids", TypeRef::named_nn_list("UUID")),
                InputValue::new("data", TypeRef::named_nn_list(create.clone())),
            ],
        ),
        Operation::GroupBy => (
            TypeRef::named_nn_list_nn(shape::group_by_connection(object)),
            super::group_by::arguments(object),
        ),
        Operation::CreateOne => (
            one(),
            vec![InputValue::new("data", TypeRef::named_nn(create)), upsert()],
        ),
        Operation::CreateMany => (
            many(),
            vec![
                InputValue::new("data", TypeRef::named_nn_list_nn(create)),
                upsert(),
            ],
        ),
        Operation::UpdateOne => (one(), vec![id(), update()]),
        Operation::UpdateMany => (many(), vec![filter(), update()]),
        Operation::DeleteOne | Operation::DestroyOne | Operation::RestoreOne => (one(), vec![id()]),
        Operation::DeleteMany | Operation::DestroyMany | Operation::RestoreMany => {
            (many(), vec![filter()])
        }
        Operation::MergeMany => (
            one(),
            vec![
                InputValue::new("ids", TypeRef::named_nn_list_nn("UUID")),
                InputValue::new("conflictPriorityIndex", TypeRef::named_nn(TypeRef::INT)),
                InputValue::new("dryRun", TypeRef::named(TypeRef::BOOLEAN)),
            ],
        ),
    }
}

/// Builds `Query` and `Mutation` (their names are claimed by the caller).
pub(super) fn build(
    schema: &Schema,
    resolvers: &impl Resolvers,
) -> Result<Vec<ObjectType>, GraphqlError> {
    let mut roots = Vec::new();
    for (root, operations) in [
        (QUERY, &Operation::QUERIES[..]),
        (MUTATION, &Operation::MUTATIONS[..]),
    ] {
        let mut fields = Fields::of(root);
        let mut ty = ObjectType::new(root);
        if root == QUERY {
            fields.claim(CURRENT_WORKSPACE, "the current workspace".to_owned())?;
            ty = ty.field(Field::new(
                CURRENT_WORKSPACE,
                TypeRef::named_nn(WORKSPACE),
                resolvers.current_workspace(),
            ));
        }
        for object in &schema.objects {
            for &operation in operations {
                // Only objects with duplicate criteria merge.
                if operation == Operation::MergeMany && object.duplicate_criteria.is_empty() {
                    continue;
                }
                let name = operation.field_name(object);
                fields.claim(
                    &name,
                    format!("a root field of {}", shape::object_origin(object)),
                )?;
                let (returns, arguments) = signature(object, operation);
                let field = arguments.into_iter().fold(
                    Field::new(&name, returns, resolvers.root(object, operation)),
                    Field::argument,
                );
                ty = ty.field(field);
            }
        }
        roots.push(ty);
    }
    Ok(roots)
}
