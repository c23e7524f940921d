//! The reusable query and path parameters of the REST API (`components.parameters`), with
//! the filter and order grammars described for users. Paths refer to them by name only.
//!
//! `filter`, `order_by` and `fields` are one component per object (`companies.filter`), so
//! that their examples name fields the object really has.

use super::schemas::{typed, uuid_schema};
use crate::model::{FieldType, Object, Schema as Model};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::Type;
use utoipa::openapi::{RefOr, Required, Schema};

/// Parameter names; also the component names (the `$ref` targets the paths use), but for
/// the per-object ones, see [`component_name`].
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
/// The group-by route's parameters (components `groupBy.<name>`, but for `group_by`,
/// `aggregate`, `include_records_sample` and `order_by_for_records`, its own).
pub(super) const GROUP_BY: &str = "group_by";
pub(super) const AGGREGATE: &str = "aggregate";
pub(super) const GROUP_ORDER_BY: &str = "groupBy.order_by";
pub(super) const GROUP_LIMIT: &str = "groupBy.limit";
pub(super) const RECORDS_SAMPLE: &str = "include_records_sample";
pub(super) const RECORDS_ORDER_BY: &str = "order_by_for_records";
/// Groups answered when no `limit` is given, and the most one request answers.
pub const DEFAULT_GROUPS: u32 = 50;

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

Examples (of the grammar; the field names are illustrative):
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

Examples (of the grammar; the field names are illustrative): `createdAt[DescNullsLast]`, `name,employees[DescNullsFirst]`, \
`name.lastName[AscNullsLast]`.";

/// The description of `fields`.
const FIELDS_DESCRIPTION: &str = "Comma-separated names of the fields to return (`id` is always returned). An unknown or unreadable name is a 400.";

/// Every reusable parameter, keyed by component name: the shared ones, then each object's.
pub(super) fn component_parameters(model: &Model) -> Vec<(String, RefOr<Parameter>)> {
    let mut parameters = shared_parameters();
    for object in &model.objects {
        let example = Example::of(object);
        for (name, description, value) in [
            (FILTER, FILTER_DESCRIPTION, example.filter()),
            (ORDER_BY, ORDER_BY_DESCRIPTION, example.order_by()),
            (FIELDS, FIELDS_DESCRIPTION, example.fields()),
        ] {
            let parameter = query(name, description, typed(Type::String, false).into())
                .example(Some(value.into()));
            parameters.push((component_name(object, name), RefOr::T(parameter.build())));
        }
    }
    parameters
}

/// The component of parameter `name` on `object`'s routes: `<namePlural>.<name>` for the
/// per-object ones, else `name`.
pub(super) fn component_name(object: &Object, name: &str) -> String {
    match name {
        FILTER | ORDER_BY | FIELDS => format!("{}.{name}", object.name_plural),
        _ => name.to_owned(),
    }
}

/// What an object's examples name: a text field it has (its label identifier when that is
/// text, or a composite's first text sub-field), else only `createdAt`, which every object has.
struct Example {
    /// The field, for `fields`.
    field: Option<String>,
    /// The field or `field.subField`, for `filter` and `order_by`.
    path: Option<String>,
}

impl Example {
    fn of(object: &Object) -> Example {
        let text = |field: &crate::model::Field| -> Option<String> {
            if field.field_type == FieldType::Text {
                return Some(field.name.clone());
            }
            let sub = field
                .field_type
                .composite()?
                .sub_fields
                .iter()
                .find(|s| s.field_type == FieldType::Text)?;
            Some(format!("{}.{}", field.name, sub.name))
        };
        let label = object
            .field(&object.label_identifier)
            .filter(|f| !f.is_system);
        let chosen = label.and_then(|f| text(f).map(|p| (f, p))).or_else(|| {
            object
                .fields
                .iter()
                .filter(|f| !f.is_system && f.field_type == FieldType::Text)
                .find_map(|f| text(f).map(|p| (f, p)))
        });
        Example {
            field: chosen.as_ref().map(|(f, _)| f.name.clone()),
            path: chosen.map(|(_, p)| p),
        }
    }

    fn filter(&self) -> String {
        match &self.path {
            Some(path) => format!("{path}[ilike]:\"%a%\""),
            None => "createdAt[gte]:\"2025-01-01T00:00:00Z\"".to_owned(),
        }
    }

    fn order_by(&self) -> String {
        match &self.path {
            Some(path) => format!("{path}[AscNullsLast],createdAt[DescNullsLast]"),
            None => "createdAt[DescNullsLast]".to_owned(),
        }
    }

    fn fields(&self) -> String {
        match &self.field {
            Some(field) => format!("id,{field},createdAt"),
            None => "id,createdAt".to_owned(),
        }
    }
}

/// The parameters every object's routes share.
fn shared_parameters() -> Vec<(String, RefOr<Parameter>)> {
    let string = || -> RefOr<Schema> { typed(Type::String, false).into() };
    let flag = || -> RefOr<Schema> {
        typed(Type::Boolean, false)
            .default(Some(false.into()))
            .into()
    };
    let parameters = [
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
                .description(Some("The record's id. Anything but a UUID is a 400."))
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
            GROUP_BY,
            query(
                GROUP_BY,
                "The dimensions to group by, as a JSON list of one-key objects: a field `{\"stage\": true}`, a composite's sub-field `{\"address\": {\"addressCity\": true}}`, a join column `{\"companyId\": true}`, or a date by granularity `{\"createdAt\": {\"granularity\": \"MONTH\", \"timeZone\": \"Europe/Paris\", \"weekStartDay\": \"MONDAY\"}}` (DAY, WEEK, MONTH, QUARTER, YEAR — a date-time needs `timeZone` —, DAY_OF_THE_WEEK, MONTH_OF_THE_YEAR, QUARTER_OF_THE_YEAR). `[]`: one group of every matching record.",
                string(),
            )
            .required(Required::True)
            .example(Some(r#"[{"stage":true}]"#.into())),
        ),
        (
            AGGREGATE,
            query(
                AGGREGATE,
                "The aggregates to compute per group, as a JSON list of Twenty's names: `countAll`, `countEmpty<Field>`, `countNotEmpty<Field>`, `countUniqueValues<Field>`, `percentageEmpty<Field>` / `percentageNotEmpty<Field>` (0 to 1), `countTrue<Field>` / `countFalse<Field>`, `min<Field>` / `max<Field>` of dates and numbers, `avg<Field>` / `sum<Field>` of numbers, and of a currency's amount as `sum<Field>AmountMicros`.",
                string(),
            )
            .example(Some(r#"["countAll"]"#.into())),
        ),
        (
            GROUP_ORDER_BY,
            query(
                ORDER_BY,
                "How the groups are ordered, as a JSON list: a dimension `{\"stage\": \"AscNullsFirst\"}` / `{\"address\": {\"addressCity\": \"DescNullsLast\"}}` / `{\"createdAt\": {\"orderBy\": \"AscNullsFirst\", \"granularity\": \"MONTH\"}}`, or an aggregate `{\"aggregate\": {\"countAll\": \"DescNullsLast\"}}`. Dimensions not named follow, ascending, nulls first.",
                string(),
            ),
        ),
        (
            GROUP_LIMIT,
            query(
                LIMIT,
                "How many groups to return at most. A value above the maximum is a 400.",
                typed(Type::Integer, false)
                    .default(Some(DEFAULT_GROUPS.into()))
                    .minimum(Some(0))
                    .maximum(Some(MAX_LIMIT))
                    .into(),
            ),
        ),
        (
            RECORDS_SAMPLE,
            query(
                RECORDS_SAMPLE,
                "`true` adds to each group up to 10 of its records (depth 0) as `records`.",
                flag(),
            ),
        ),
        (
            RECORDS_ORDER_BY,
            query(
                RECORDS_ORDER_BY,
                "How each group's sampled records are ordered, in the `order_by` grammar of lists (`name[AscNullsFirst]`); `id` breaks ties. Only with `include_records_sample=true`.",
                string(),
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
