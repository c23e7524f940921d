//! Cursor connections: the shared `PageInfo`, `<Name>Connection` and `<Name>Edge` per object,
//! and the paging arguments every list field takes. Owns no filter or ordering types.

use super::registry::Types;
use super::resolvers::Resolvers;
use super::{GraphqlError, shape};
use crate::model::Object;
use async_graphql::dynamic::{Field, InputValue, Object as ObjectType, TypeRef};

const PAGE_INFO: &str = "PageInfo";

/// Registers `PageInfo`.
pub(super) fn register_shared(
    types: &mut Types,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    let field = |name: &str, ty: TypeRef| Field::new(name, ty, resolvers.value(PAGE_INFO, name));
    let page_info = ObjectType::new(PAGE_INFO)
        .field(field("hasNextPage", TypeRef::named_nn(TypeRef::BOOLEAN)))
        .field(field(
            "hasPreviousPage",
            TypeRef::named_nn(TypeRef::BOOLEAN),
        ))
        .field(field("startCursor", TypeRef::named(TypeRef::STRING)))
        .field(field("endCursor", TypeRef::named(TypeRef::STRING)));
    types.add("the shared connection type", page_info)
}

/// Registers `<Name>Connection` and `<Name>Edge`.
pub(super) fn register(
    types: &mut Types,
    object: &Object,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    let origin = shape::object_origin(object);
    let connection_name = shape::connection(object);
    let edge_name = shape::edge(object);
    let field =
        |owner: &str, name: &str, ty: TypeRef| Field::new(name, ty, resolvers.value(owner, name));
    let connection = ObjectType::new(&connection_name)
        .description(format!("A page of {} records.", object.name_singular))
        .field(field(
            &connection_name,
            "edges",
            TypeRef::named_nn_list_nn(&edge_name),
        ))
        .field(field(
            &connection_name,
            "pageInfo",
            TypeRef::named_nn(PAGE_INFO),
        ))
        .field(field(
            &connection_name,
            "totalCount",
            TypeRef::named_nn(TypeRef::INT),
        ));
    let connection = super::group_by::aggregate_fields(object, &connection_name, resolvers)
        .into_iter()
        .fold(connection, ObjectType::field);
    let edge = ObjectType::new(&edge_name)
        .field(field(
            &edge_name,
            "node",
            TypeRef::named_nn(object.type_name()),
        ))
        .field(field(
            &edge_name,
            "cursor",
            TypeRef::named_nn(TypeRef::STRING),
        ));
    types.add(origin.clone(), connection)?;
    types.add(origin, edge)
}

/// The arguments of a list of `target` records: filter, orderBy and cursor paging
/// (`first`/`after` forward, `last`/`before` backward; no offset).
pub(super) fn list_arguments(target: &Object) -> Vec<InputValue> {
    vec![
        InputValue::new("filter", TypeRef::named(shape::filter_input(target))),
        InputValue::new(
            "orderBy",
            TypeRef::named_list(shape::order_by_input(target)),
        ),
        InputValue::new("first", TypeRef::named(TypeRef::INT)),
        InputValue::new("last", TypeRef::named(TypeRef::INT)),
        InputValue::new("before", TypeRef::named(TypeRef::STRING)),
        InputValue::new("after", TypeRef::named(TypeRef::STRING)),
    ]
}
