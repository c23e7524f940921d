//! Group-by and aggregates in GraphQL, as Twenty names them: the aggregate fields of
//! `<Name>Connection` (`sumEmployees`, `percentageEmptyName`, …, from the model's table
//! `aggregates`), and the root `<plural>GroupBy(groupBy, filter, orderBy,
//! orderByForRecords, limit, offsetForRecords)` answering `[<Name>GroupByConnection!]!`, with its inputs:
//! `<Name>GroupByInput`, `<Name>OrderByWithGroupByInput`, `<Name>AggregateOrderByInput`,
//! and the shared date granularity types.

use super::GraphqlError;
use super::registry::{Fields, Types};
use super::resolvers::Resolvers;
use super::shape::{self, Shape};
use crate::model::{
    AggregateOp, AggregateValue, COMPOSITES, FieldType, Object, Schema, aggregates, is_groupable,
    is_groupable_sub_field,
};
use async_graphql::dynamic::{Enum, Field, InputObject, InputValue, Object as ObjectType, TypeRef};

const DIRECTION: &str = "OrderByDirection";
/// The date granularities (Twenty's `ObjectRecordGroupByDateGranularity`).
pub const GRANULARITY: &str = "ObjectRecordGroupByDateGranularity";
const GRANULARITIES: [&str; 9] = [
    "NONE",
    "DAY",
    "WEEK",
    "MONTH",
    "QUARTER",
    "YEAR",
    "DAY_OF_THE_WEEK",
    "MONTH_OF_THE_YEAR",
    "QUARTER_OF_THE_YEAR",
];
const WEEK_START: &str = "WeekStartDay";
const DATE_GROUP_BY: &str = "GroupByDateGranularityInput";
const DATE_ORDER_BY: &str = "DateOrderByWithGroupByInput";

/// The name an aggregate has in GraphQL: the model's, but `countAll` is `totalCount`.
pub fn graphql_name(name: &str) -> &str {
    if name == AggregateOp::CountAll.prefix() {
        "totalCount"
    } else {
        name
    }
}

/// The scalar of an aggregate's value.
fn value_type(value: AggregateValue) -> &'static str {
    match value {
        AggregateValue::Int => TypeRef::INT,
        AggregateValue::Float => TypeRef::FLOAT,
        AggregateValue::DateTime => "DateTime",
        AggregateValue::Date => "Date",
    }
}

/// Registers the shared types: the granularity and week-start enums, the date inputs and
/// each composite's `<Composite>GroupByInput`.
pub(super) fn register_shared(types: &mut Types) -> Result<(), GraphqlError> {
    let origin = || "the shared group-by types".to_owned();
    types.add(origin(), Enum::new(GRANULARITY).items(GRANULARITIES))?;
    types.add(
        origin(),
        Enum::new(WEEK_START).items(["MONDAY", "SUNDAY", "SATURDAY"]),
    )?;
    types.add(
        origin(),
        InputObject::new(DATE_GROUP_BY)
            .description("A date grouped by a granularity; DAY, WEEK, MONTH, QUARTER and YEAR of a date-time need `timeZone`.")
            .field(InputValue::new("granularity", TypeRef::named(GRANULARITY)))
            .field(InputValue::new("timeZone", TypeRef::named(TypeRef::STRING)))
            .field(InputValue::new("weekStartDay", TypeRef::named(WEEK_START))),
    )?;
    types.add(
        origin(),
        InputObject::new(DATE_ORDER_BY)
            .field(InputValue::new("orderBy", TypeRef::named(DIRECTION)))
            .field(InputValue::new("granularity", TypeRef::named(GRANULARITY))),
    )?;
    for composite in &COMPOSITES {
        let input = composite
            .sub_fields
            .iter()
            .filter(|s| is_groupable_sub_field(s))
            .fold(
                InputObject::new(shape::composite_group_by(composite)),
                |input, sub| {
                    input.field(InputValue::new(sub.name, TypeRef::named(TypeRef::BOOLEAN)))
                },
            );
        types.add(format!("composite type {}", composite.field_type), input)?;
    }
    Ok(())
}

/// The aggregate fields of a connection of `object` (`totalCount` is the connection's own).
pub(super) fn aggregate_fields(
    object: &Object,
    owner: &str,
    resolvers: &impl Resolvers,
) -> Vec<Field> {
    aggregates(object)
        .into_iter()
        .filter(|a| a.op != AggregateOp::CountAll)
        .map(|a| {
            Field::new(
                &a.name,
                TypeRef::named(value_type(a.value)),
                resolvers.value(owner, &a.name),
            )
        })
        .collect()
}

/// Registers `<Name>GroupByInput`, `<Name>OrderByWithGroupByInput`,
/// `<Name>AggregateOrderByInput` and `<Name>GroupByConnection`.
pub(super) fn register(
    types: &mut Types,
    schema: &Schema,
    object: &Object,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    let origin = shape::object_origin(object);
    let group_name = shape::group_by_input(object);
    let order_name = shape::order_by_with_group_by(object);
    let mut group_fields = Fields::of(&group_name);
    let mut group = InputObject::new(&group_name);
    let mut order = InputObject::new(&order_name);
    for field in &object.fields {
        let (name, group_ty, order_ty) = match shape::shape(schema, object, field)? {
            Shape::ManyToOne(target) => {
                // A related record's field: `{company: {name: true}}`.
                group_fields.claim(&field.name, shape::field_origin(object, field))?;
                group = group.field(InputValue::new(
                    &field.name,
                    TypeRef::named(shape::group_by_input(target)),
                ));
                order = order.field(InputValue::new(
                    &field.name,
                    TypeRef::named(shape::order_by_input(target)),
                ));
                (
                    format!("{}Id", field.name),
                    TypeRef::BOOLEAN.to_owned(),
                    DIRECTION.to_owned(),
                )
            }
            _ if !is_groupable(field) => continue,
            Shape::Composite(composite) => (
                field.name.clone(),
                shape::composite_group_by(composite),
                shape::composite_order_by(composite),
            ),
            _ if matches!(field.field_type, FieldType::Date | FieldType::DateTime) => (
                field.name.clone(),
                DATE_GROUP_BY.to_owned(),
                DATE_ORDER_BY.to_owned(),
            ),
            Shape::OneToMany(_) => continue,
            _ => (
                field.name.clone(),
                TypeRef::BOOLEAN.to_owned(),
                DIRECTION.to_owned(),
            ),
        };
        group_fields.claim(&name, shape::field_origin(object, field))?;
        group = group.field(InputValue::new(&name, TypeRef::named(group_ty)));
        order = order.field(InputValue::new(&name, TypeRef::named(order_ty)));
    }
    let aggregate_order_name = shape::aggregate_order_by(object);
    order = order.field(InputValue::new(
        "aggregate",
        TypeRef::named(&aggregate_order_name),
    ));
    let aggregate_order =
        aggregates(object)
            .into_iter()
            .fold(InputObject::new(&aggregate_order_name), |input, a| {
                input.field(InputValue::new(
                    graphql_name(&a.name),
                    TypeRef::named(DIRECTION),
                ))
            });
    types.add(origin.clone(), group)?;
    types.add(origin.clone(), order)?;
    types.add(origin.clone(), aggregate_order)?;

    let connection_name = shape::group_by_connection(object);
    let field =
        |name: &str, ty: TypeRef| Field::new(name, ty, resolvers.value(&connection_name, name));
    let mut connection = ObjectType::new(&connection_name)
        .description(format!(
            "A group of {} records: its dimension values, its aggregates and, when `edges` is selected, up to 10 of its records.",
            object.name_singular
        ))
        .field(field(
            "groupByDimensionValues",
            TypeRef::named_list_nn("JSON"),
        ))
        .field(field("totalCount", TypeRef::named_nn(TypeRef::INT)))
        .field(field(
            "edges",
            TypeRef::named_nn_list_nn(shape::edge(object)),
        ))
        .field(field("pageInfo", TypeRef::named_nn("PageInfo")));
    for aggregate in aggregate_fields(object, &connection_name, resolvers) {
        connection = connection.field(aggregate);
    }
    types.add(origin, connection)
}

/// The arguments of `<plural>GroupBy`.
pub(super) fn arguments(object: &Object) -> Vec<InputValue> {
    vec![
        InputValue::new(
            "groupBy",
            TypeRef::named_nn_list_nn(shape::group_by_input(object)),
        ),
        InputValue::new("filter", TypeRef::named(shape::filter_input(object))),
        InputValue::new(
            "orderBy",
            TypeRef::named_nn_list(shape::order_by_with_group_by(object)),
        ),
        InputValue::new(
            "orderByForRecords",
            TypeRef::named_nn_list(shape::order_by_input(object)),
        ),
        InputValue::new("limit", TypeRef::named(TypeRef::INT)),
        InputValue::new("offsetForRecords", TypeRef::named(TypeRef::INT)),
    ]
}
