//! Ordering inputs: the `OrderByDirection` enum, `<Composite>OrderByInput` and
//! `<Name>OrderByInput` per object. Lists and JSON values are not orderable.

use super::GraphqlError;
use super::registry::{Fields, Types};
use super::shape::{self, Shape};
use crate::model::{COMPOSITES, Direction, FieldType, Object, Schema};
use async_graphql::dynamic::{Enum, InputObject, InputValue, TypeRef};

const DIRECTION: &str = "OrderByDirection";

/// Whether values of this type have a meaningful order.
fn orderable(field_type: FieldType) -> bool {
    !matches!(
        field_type,
        FieldType::RawJson | FieldType::Array | FieldType::MultiSelect | FieldType::TsVector
    )
}

/// Registers `OrderByDirection` and the composites' order inputs.
pub(super) fn register_shared(types: &mut Types) -> Result<(), GraphqlError> {
    types.add(
        "the shared ordering type",
        Enum::new(DIRECTION).items(Direction::ALL.map(Direction::as_str)),
    )?;
    for composite in &COMPOSITES {
        let input = composite
            .sub_fields
            .iter()
            .filter(|s| orderable(s.field_type))
            .fold(
                InputObject::new(shape::composite_order_by(composite)),
                |input, sub| input.field(InputValue::new(sub.name, TypeRef::named(DIRECTION))),
            );
        types.add(format!("composite type {}", composite.field_type), input)?;
    }
    Ok(())
}

/// Registers `<Name>OrderByInput`: one direction per orderable field.
pub(super) fn register(
    types: &mut Types,
    schema: &Schema,
    object: &Object,
) -> Result<(), GraphqlError> {
    let name = shape::order_by_input(object);
    let mut fields = Fields::of(&name);
    let mut input = InputObject::new(&name);
    for field in &object.fields {
        let (field_name, ty) = match shape::shape(schema, object, field)? {
            Shape::Scalar(_) | Shape::Enum(_) if orderable(field.field_type) => {
                (field.name.clone(), DIRECTION.to_owned())
            }
            Shape::Composite(composite) => {
                (field.name.clone(), shape::composite_order_by(composite))
            }
            Shape::ManyToOne(target) => {
                // By the related record's fields: `{company: {name: AscNullsLast}}`.
                fields.claim(&field.name, shape::field_origin(object, field))?;
                input = input.field(InputValue::new(
                    &field.name,
                    TypeRef::named(shape::order_by_input(target)),
                ));
                (format!("{}Id", field.name), DIRECTION.to_owned())
            }
            _ => continue,
        };
        fields.claim(&field_name, shape::field_origin(object, field))?;
        input = input.field(InputValue::new(field_name, TypeRef::named(ty)));
    }
    types.add(shape::object_origin(object), input)
}
