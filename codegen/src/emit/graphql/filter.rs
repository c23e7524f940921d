//! Filter inputs: `FilterIs`, one filter per scalar, per composite and per option enum, and
//! `<Name>FilterInput` per object with `and` / `or` / `not`. Which operators a filter has is
//! the model's table ([`ValueKind::comparators`]), the one the query engine checks.
//!
//! So Twenty's operators the engine does not implement are absent — `regex` / `iregex`
//! (StringFilter), `like` / `containsJsonb` (RawJsonFilter), `contains` / `not_contains` /
//! `containsIlike` / `isEmptyArray` (ArrayFilter; `containsAny` instead) and the TSVector
//! `search` filter — and BooleanFilter has `neq`: a client using an absent one gets a
//! validation error instead of a filter silently ignored.

use super::GraphqlError;
use super::object_type::composite_enums;
use super::registry::{Fields, Types};
use super::shape::{self, Shape};
use crate::model::{COMPOSITES, Comparator, FieldType, Object, Schema, ValueKind};
use async_graphql::dynamic::{Enum, InputObject, InputValue, TypeRef};

const FILTER_IS: &str = "FilterIs";

/// The order operators are listed in a filter input (Twenty's).
const OPERATOR_ORDER: [Comparator; 13] = [
    Comparator::Eq,
    Comparator::Neq,
    Comparator::Gt,
    Comparator::Gte,
    Comparator::Lt,
    Comparator::Lte,
    Comparator::In,
    Comparator::Like,
    Comparator::Ilike,
    Comparator::StartsWith,
    Comparator::EndsWith,
    Comparator::ContainsAny,
    Comparator::Is,
];

/// A filter input named `name` over values of GraphQL type `value` (the item type of a
/// list kind), with the operators that apply to `kind`.
fn filter(name: &str, kind: ValueKind, value: &str) -> InputObject {
    OPERATOR_ORDER
        .into_iter()
        .filter(|op| kind.accepts(*op))
        .fold(InputObject::new(name), |input, op| {
            let ty = match op {
                Comparator::Is => TypeRef::named(FILTER_IS),
                Comparator::In | Comparator::ContainsAny => TypeRef::named_nn_list(value),
                _ => TypeRef::named(value),
            };
            input.field(InputValue::new(op.as_str(), ty))
        })
}

/// The filter of a scalar type (`None`: not filterable).
fn scalar_filter(scalar: &str) -> Option<&'static str> {
    Some(match scalar {
        "UUID" => "UUIDFilter",
        "String" => "StringFilter",
        // POSITION is a float; `first` / `last` only make sense on input.
        "Float" | "Position" => "FloatFilter",
        "BigFloat" => "BigFloatFilter",
        "Boolean" => "BooleanFilter",
        "DateTime" => "DateTimeFilter",
        "Date" => "DateFilter",
        "JSON" => "RawJsonFilter",
        _ => return None,
    })
}

/// Registers `FilterIs`, the scalar filters, the composite filters and their enum filters.
pub(super) fn register_shared(types: &mut Types) -> Result<(), GraphqlError> {
    let origin = "the shared filter types";
    types.add(origin, Enum::new(FILTER_IS).item("NULL").item("NOT_NULL"))?;
    let shared = [
        filter("UUIDFilter", ValueKind::Uuid, "UUID"),
        filter("StringFilter", ValueKind::Text, TypeRef::STRING),
        filter("FloatFilter", ValueKind::Number, TypeRef::FLOAT),
        filter("BigFloatFilter", ValueKind::Numeric, "BigFloat"),
        filter("BooleanFilter", ValueKind::Boolean, TypeRef::BOOLEAN),
        filter("DateFilter", ValueKind::Date, "Date"),
        filter("DateTimeFilter", ValueKind::DateTime, "DateTime"),
        filter("RawJsonFilter", ValueKind::Json, TypeRef::STRING),
        filter("ArrayFilter", ValueKind::Array, TypeRef::STRING),
    ];
    for input in shared {
        types.add(origin, input)?;
    }
    for (composite, sub) in composite_enums() {
        let enum_name = shape::composite_enum_type(composite, sub.name);
        types.add(
            format!("composite type {}", composite.field_type),
            enum_filter(&enum_name),
        )?;
    }
    for composite in &COMPOSITES {
        let origin = format!("composite type {}", composite.field_type);
        let mut input = InputObject::new(shape::composite_filter(composite));
        for sub in composite.sub_fields {
            let ty = match sub.field_type {
                FieldType::Select => {
                    shape::enum_filter(&shape::composite_enum_type(composite, sub.name))
                }
                other => match shape::scalar_name(other).and_then(scalar_filter) {
                    Some(f) => f.to_owned(),
                    None => continue,
                },
            };
            input = input.field(InputValue::new(sub.name, TypeRef::named(ty)));
        }
        types.add(origin, input)?;
    }
    Ok(())
}

fn enum_filter(enum_name: &str) -> InputObject {
    filter(&shape::enum_filter(enum_name), ValueKind::Select, enum_name)
}

/// Registers the enum filters of `object`'s option fields and `<Name>FilterInput`.
pub(super) fn register(
    types: &mut Types,
    schema: &Schema,
    object: &Object,
) -> Result<(), GraphqlError> {
    let name = shape::filter_input(object);
    let mut fields = Fields::of(&name);
    let mut input = InputObject::new(&name);
    for (logical, ty) in [
        ("and", TypeRef::named_nn_list(&name)),
        ("or", TypeRef::named_nn_list(&name)),
        ("not", TypeRef::named(&name)),
    ] {
        fields.claim(logical, "the filter grammar")?;
        input = input.field(InputValue::new(logical, ty));
    }
    for field in &object.fields {
        let origin = shape::field_origin(object, field);
        let (field_name, filter_type) = match shape::shape(schema, object, field)? {
            Shape::Scalar(scalar) => match scalar_filter(scalar) {
                Some(f) => (field.name.clone(), f.to_owned()),
                None => continue,
            },
            Shape::StringList => (field.name.clone(), "ArrayFilter".to_owned()),
            Shape::Enum(enum_name) => {
                types.add(origin.clone(), enum_filter(&enum_name))?;
                (field.name.clone(), shape::enum_filter(&enum_name))
            }
            Shape::EnumList(enum_name) => {
                let list = shape::enum_list_filter(&enum_name);
                types.add(
                    origin.clone(),
                    filter(&list, ValueKind::MultiSelect, &enum_name),
                )?;
                (field.name.clone(), list)
            }
            Shape::Composite(composite) => (field.name.clone(), shape::composite_filter(composite)),
            Shape::ManyToOne(target) => {
                // The related record's fields: `{company: {name: {eq: "Acme"}}}`.
                fields.claim(&field.name, origin.clone())?;
                input = input.field(InputValue::new(
                    &field.name,
                    TypeRef::named(shape::filter_input(target)),
                ));
                (format!("{}Id", field.name), "UUIDFilter".to_owned())
            }
            // Some / none of the related records: `{people: {some: {…}}}`.
            Shape::OneToMany(target) => (field.name.clone(), relation_filter(target)),
        };
        fields.claim(&field_name, origin)?;
        input = input.field(InputValue::new(field_name, TypeRef::named(filter_type)));
    }
    types.add(shape::object_origin(object), input)?;
    // `<Name>RelationFilter`, for the one-to-many relations pointing at this object.
    let filter = shape::filter_input(object);
    types.add(
        shape::object_origin(object),
        InputObject::new(relation_filter(object))
            .description(format!(
                "A condition on a list of {} records: `some` of them, or `none` of them, match the filter.",
                object.name_singular
            ))
            .field(InputValue::new("some", TypeRef::named(&filter)))
            .field(InputValue::new("none", TypeRef::named(&filter))),
    )
}

/// `Person` → `PersonRelationFilter`.
fn relation_filter(object: &Object) -> String {
    format!("{}RelationFilter", object.type_name())
}
