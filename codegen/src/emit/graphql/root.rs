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

/// The root field searching every searchable object (Twenty's `search`).
pub const SEARCH: &str = "search";
/// The filter `search` takes: the fields every object has.
const SEARCH_FILTER: &str = "ObjectRecordFilterInput";

/// Registers `search`'s types: `SearchRecord`, `SearchResultEdge`,
/// `SearchResultPageInfo`, `SearchResultConnection` and `ObjectRecordFilterInput`.
fn register_search(types: &mut Types, resolvers: &impl Resolvers) -> Result<(), GraphqlError> {
    let origin = || "the search types".to_owned();
    let field =
        |owner: &str, name: &str, ty: TypeRef| Field::new(name, ty, resolvers.value(owner, name));
    types.add(
        origin(),
        ObjectType::new("SearchRecord")
            .description("A record found by `search`.")
            .field(field("SearchRecord", "recordId", TypeRef::named_nn("UUID")))
            .field(field(
                "SearchRecord",
                "objectNameSingular",
                TypeRef::named_nn(TypeRef::STRING),
            ))
            .field(field(
                "SearchRecord",
                "label",
                TypeRef::named_nn(TypeRef::STRING),
            ))
            .field(field(
                "SearchRecord",
                "imageUrl",
                TypeRef::named(TypeRef::STRING),
            ))
            .field(field(
                "SearchRecord",
                "tsRankCD",
                TypeRef::named_nn(TypeRef::FLOAT),
            ))
            .field(field(
                "SearchRecord",
                "tsRank",
                TypeRef::named_nn(TypeRef::FLOAT),
            )),
    )?;
    types.add(
        origin(),
        ObjectType::new("SearchResultEdge")
            .field(field(
                "SearchResultEdge",
                "node",
                TypeRef::named_nn("SearchRecord"),
            ))
            .field(field(
                "SearchResultEdge",
                "cursor",
                TypeRef::named_nn(TypeRef::STRING),
            )),
    )?;
    types.add(
        origin(),
        ObjectType::new("SearchResultPageInfo")
            .field(field(
                "SearchResultPageInfo",
                "hasNextPage",
                TypeRef::named_nn(TypeRef::BOOLEAN),
            ))
            .field(field(
                "SearchResultPageInfo",
                "endCursor",
                TypeRef::named(TypeRef::STRING),
            )),
    )?;
    types.add(
        origin(),
        ObjectType::new("SearchResultConnection")
            .field(field(
                "SearchResultConnection",
                "edges",
                TypeRef::named_nn_list_nn("SearchResultEdge"),
            ))
            .field(field(
                "SearchResultConnection",
                "pageInfo",
                TypeRef::named_nn("SearchResultPageInfo"),
            )),
    )?;
    types.add(
        origin(),
        async_graphql::dynamic::InputObject::new(SEARCH_FILTER)
            .description("A filter on the fields every object has.")
            .field(InputValue::new(
                "and",
                TypeRef::named_nn_list(SEARCH_FILTER),
            ))
            .field(InputValue::new("or", TypeRef::named_nn_list(SEARCH_FILTER)))
            .field(InputValue::new("not", TypeRef::named(SEARCH_FILTER)))
            .field(InputValue::new("id", TypeRef::named("UUIDFilter")))
            .field(InputValue::new(
                "createdAt",
                TypeRef::named("DateTimeFilter"),
            ))
            .field(InputValue::new(
                "updatedAt",
                TypeRef::named("DateTimeFilter"),
            ))
            .field(InputValue::new(
                "deletedAt",
                TypeRef::named("DateTimeFilter"),
            )),
    )
}

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
    types.add("the current workspace's type", workspace)?;
    register_search(types, resolvers)
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
            fields.claim(SEARCH, "the search across objects".to_owned())?;
            ty = ty.field(
                [
                    InputValue::new("searchInput", TypeRef::named_nn(TypeRef::STRING)),
                    InputValue::new("limit", TypeRef::named_nn(TypeRef::INT)),
                    InputValue::new("after", TypeRef::named(TypeRef::STRING)),
                    InputValue::new(
                        "excludedObjectNameSingulars",
                        TypeRef::named_nn_list(TypeRef::STRING),
                    ),
                    InputValue::new(
                        "includedObjectNameSingulars",
                        TypeRef::named_nn_list(TypeRef::STRING),
                    ),
                    InputValue::new("filter", TypeRef::named(SEARCH_FILTER)),
                ]
                .into_iter()
                .fold(
                    Field::new(
                        SEARCH,
                        TypeRef::named_nn("SearchResultConnection"),
                        resolvers.search(),
                    ),
                    Field::argument,
                ),
            );
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
