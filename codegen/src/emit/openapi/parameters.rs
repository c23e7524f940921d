//! The reusable query and path parameters of the REST API (`components.parameters`), with
//! the filter and order grammars described for users. Paths refer to them by name only.

use super::schemas::{typed, uuid_schema};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::Type;
use utoipa::openapi::{RefOr, Required, Schema};

/// Component names (also the `$ref` targets the paths use).
pub(super) const FILTER: &str = "filter";
pub(super) const ORDER_BY: &str = "order_by";
pub(super) const LIMIT: &str = "limit";
pub(super) const STARTING_AFTER: &str = "starting_after";
pub(super) const ENDING_BEFORE: &str = "ending_before";
pub(super) const DEPTH: &str = "depth";
pub(super) const ID_PATH: &str = "idPath";
pub(super) const SOFT_DELETE: &str = "soft_delete";
pub(super) const UPSERT: &str = "upsert";
pub(super) const FIELDS: &str = "fields";

/// Default page size of list routes (Twenty's `QUERY_DEFAULT_LIMIT_RECORDS`).
pub const DEFAULT_LIMIT: u32 = 60;
/// Largest page size; a larger `limit` is a 400, never silently clamped.
pub const MAX_LIMIT: u32 = 200;
/// Most records one batch creates or one many-record write may match (Twenty's
/// `MUTATION_MAXIMUM_AFFECTED_RECORDS`); the server refuses more.
pub const MAX_MUTATION_RECORDS: usize = 100;

const FILTER_DESCRIPTION: &str = "\
Keeps the records matching a filter: `field[comparator]:value`.

- A comma-separated list is a conjunction; `and(…)`, `or(…)` and `not(…)` (exactly one \
argument) combine filters, and the root is an implicit `and(…)`.
- A composite's sub-field is `field.subField[comparator]:value`.
- Comparators: `eq`, `neq`, `in`, `containsAny`, `is`, `gt`, `gte`, `lt`, `lte`, \
`startsWith`, `endsWith`, `like`, `ilike`.
- Strings and dates are quoted (single or double quotes); numbers and booleans are bare; \
`in` and `containsAny` take a list `[v1,v2]`; `is` takes `NULL` or `NOT_NULL`; `like` and \
`ilike` use `%` as the wildcard.
- An unknown field or comparator is a 400 naming it.

Examples:
- `name[eq]:\"Acme\"`
- `employees[gte]:100,idealCustomerProfile[eq]:true`
- `or(name[ilike]:\"%acme%\",domainName.primaryLinkUrl[startsWith]:\"https://acme\")`
- `and(createdAt[gte]:\"2025-01-01T00:00:00Z\",not(deletedAt[is]:NULL))`
- `tier[in]:[\"SMALL\",\"LARGE\"]`";

const ORDER_BY_DESCRIPTION: &str = "\
Sorts the records: comma-separated field names, each optionally followed by a direction in \
brackets: `AscNullsFirst` (the default), `AscNullsLast`, `DescNullsFirst` or \
`DescNullsLast`. A composite's sub-field is `field.subField`. `id` is always appended as the \
tiebreaker, so pages are stable. An unknown field is a 400.

Examples: `createdAt[DescNullsLast]`, `name,employees[DescNullsFirst]`, \
`name.lastName[AscNullsLast]`.";

/// Every reusable parameter, keyed by component name.
pub(super) fn component_parameters() -> Vec<(String, RefOr<Parameter>)> {
    let string = || -> RefOr<Schema> { typed(Type::String, false).into() };
    let flag = || -> RefOr<Schema> {
        typed(Type::Boolean, false)
            .default(Some(false.into()))
            .into()
    };
    let parameters = [
        (
            FILTER,
            query(FILTER, FILTER_DESCRIPTION, string())
                .example(Some("name[eq]:\"Acme\"".into())),
        ),
        (
            ORDER_BY,
            query(ORDER_BY, ORDER_BY_DESCRIPTION, string())
                .example(Some("createdAt[DescNullsLast]".into())),
        ),
        (
            LIMIT,
            query(
                LIMIT,
                "How many records to return at most. A value above the maximum is a 400.",
                typed(Type::Integer, false)
                    .default(Some(DEFAULT_LIMIT.into()))
                    .minimum(Some(0))
                    .maximum(Some(MAX_LIMIT))
                    .into(),
            ),
        ),
        (
            STARTING_AFTER,
            query(
                STARTING_AFTER,
                "Returns the records after this cursor: the `pageInfo.endCursor` of the previous page.",
                string(),
            ),
        ),
        (
            ENDING_BEFORE,
            query(
                ENDING_BEFORE,
                "Returns the records before this cursor: the `pageInfo.startCursor` of the current page, to page backwards.",
                string(),
            ),
        ),
        (
            DEPTH,
            query(
                DEPTH,
                "How deep related records are embedded. `0`: the record's own fields (a many-to-one relation as its `<field>Id`). `1`: also the directly related records, without further nesting.",
                typed(Type::Integer, false)
                    .enum_values(Some([0, 1]))
                    .default(Some(1.into()))
                    .into(),
            ),
        ),
        (
            ID_PATH,
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(
                    "The record's id. Anything but a UUID is a 400.",
                ))
                .schema(Some(uuid_schema(false))),
        ),
        (
            SOFT_DELETE,
            query(
                SOFT_DELETE,
                "`true` soft-deletes: sets `deletedAt`, and the records can be restored. Otherwise the records are destroyed for good.",
                flag(),
            ),
        ),
        (
            UPSERT,
            query(
                UPSERT,
                "`true` updates the existing record with the same `id` or unique field value instead of failing with a conflict.",
                flag(),
            ),
        ),
        (
            FIELDS,
            query(
                FIELDS,
                "Comma-separated names of the fields to return (`id` is always returned). An unknown or unreadable name is a 400.",
                string(),
            )
            .example(Some("id,name,createdAt".into())),
        ),
    ];
    parameters
        .into_iter()
        .map(|(name, parameter)| (name.to_owned(), RefOr::T(parameter.build())))
        .collect()
}

fn query(name: &str, description: &str, schema: RefOr<Schema>) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
}
