//! Filter inputs: `FilterIs`, one filter per scalar, per composite and per option enum, and
//! `<Name>FilterInput` per object with `and` / `or` / `not`. Owns the operator vocabulary.
//!
//! Operators are Twenty's (reference §4.2) restricted to what the query engine implements:
//! eq, neq, gt, gte, lt, lte, in, like, ilike, startsWith, endsWith, containsAny, is,
//! isEmptyArray. Twenty's `regex` / `iregex` (StringFilter), `containsJsonb` (RawJsonFilter),
//! `contains` / `not_contains` / `containsIlike` (ArrayFilter, replaced by `containsAny`) and
//! the TSVector `search` filter are deliberately absent: a client using them gets a
//! validation error instead of a filter silently ignored.

use super::GraphqlError;
use super::object_type::composite_enums;
use super::registry::{Fields, Types};
use super::shape::{self, Shape};
use crate::model::{COMPOSITES, FieldType, Object, Schema};
use async_graphql::dynamic::{Enum, InputObject, InputValue, TypeRef};

const FILTER_IS: &str = "FilterIs";

/// Which operators a filter type has, over values of type `value`.
struct Operators<'a> {
    value: &'a str,
    equality: bool,
    order: bool,
    set: bool,
    pattern: bool,
}

const EQUALITY: Operators<'static> = Operators {
    value: "",
    equality: true,
    order: false,
    set: true,
    pattern: false,
};

fn comparable(value: &str) -> Operators<'_> {
    Operators {
        value,
        order: true,
        ..EQUALITY
    }
}

/// A filter input with the operators `ops` (always ending with `is`).
fn filter(name: &str, ops: Operators<'_>) -> InputObject {
    let v = ops.value;
    let mut fields: Vec<(&str, TypeRef)> = Vec::new();
    if ops.equality {
        fields.push(("eq", TypeRef::named(v)));
        fields.push(("neq", TypeRef::named(v)));
    }
    if ops.order {
        for op in ["gt", "gte", "lt", "lte"] {
            fields.push((op, TypeRef::named(v)));
        }
    }
    if ops.set {
        fields.push(("in", TypeRef::named_nn_list(v)));
    }
    if ops.pattern {
        for op in ["like", "ilike", "startsWith", "endsWith"] {
            fields.push((op, TypeRef::named(v)));
        }
    }
    fields.push(("is", TypeRef::named(FILTER_IS)));
    fields
        .into_iter()
        .fold(InputObject::new(name), |input, (op, ty)| {
            input.field(InputValue::new(op, ty))
        })
}

/// A filter over a list column: any-of membership, null check, emptiness.
fn list_filter(name: &str, item: &str) -> InputObject {
    InputObject::new(name)
        .field(InputValue::new("containsAny", TypeRef::named_nn_list(item)))
        .field(InputValue::new("is", TypeRef::named(FILTER_IS)))
        .field(InputValue::new(
            "isEmptyArray",
            TypeRef::named(TypeRef::BOOLEAN),
        ))
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
        filter(
            "UUIDFilter",
            Operators {
                value: "UUID",
                ..EQUALITY
            },
        ),
        filter(
            "StringFilter",
            Operators {
                pattern: true,
                ..comparable(TypeRef::STRING)
            },
        ),
        filter("FloatFilter", comparable(TypeRef::FLOAT)),
        filter("BigFloatFilter", comparable("BigFloat")),
        // `neq` and `in` add nothing over `eq` on two values; Twenty has neither.
        InputObject::new("BooleanFilter")
            .field(InputValue::new("eq", TypeRef::named(TypeRef::BOOLEAN)))
            .field(InputValue::new("is", TypeRef::named(FILTER_IS))),
        filter("DateFilter", comparable("Date")),
        filter("DateTimeFilter", comparable("DateTime")),
        InputObject::new("RawJsonFilter")
            .field(InputValue::new("like", TypeRef::named(TypeRef::STRING)))
            .field(InputValue::new("is", TypeRef::named(FILTER_IS))),
        list_filter("ArrayFilter", TypeRef::STRING),
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
    filter(
        &shape::enum_filter(enum_name),
        Operators {
            value: enum_name,
            ..EQUALITY
        },
    )
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
                types.add(origin.clone(), list_filter(&list, &enum_name))?;
                (field.name.clone(), list)
            }
            Shape::Composite(composite) => (field.name.clone(), shape::composite_filter(composite)),
            Shape::ManyToOne(_) => (format!("{}Id", field.name), "UUIDFilter".to_owned()),
            Shape::OneToMany(_) => continue,
        };
        fields.claim(&field_name, origin)?;
        input = input.field(InputValue::new(field_name, TypeRef::named(filter_type)));
    }
    types.add(shape::object_origin(object), input)
}
