//! Write inputs: `<Name>CreateInput` / `<Name>UpdateInput` per object and the composites'
//! `<Composite>CreateInput` / `<Composite>UpdateInput`. Read-only fields never appear here.

use super::GraphqlError;
use super::registry::{Fields, Types};
use super::shape::{self, Shape};
use crate::model::{Body, COMPOSITES, CompositeType, Object, Schema};
use async_graphql::dynamic::{InputObject, InputValue, TypeRef};

/// Registers the composites' create and update inputs (every writable sub-field, optional).
pub(super) fn register_shared(types: &mut Types) -> Result<(), GraphqlError> {
    for composite in &COMPOSITES {
        for name in [
            shape::composite_create_input(composite),
            shape::composite_update_input(composite),
        ] {
            types.add(
                format!("composite type {}", composite.field_type),
                composite_input(composite, &name),
            )?;
        }
    }
    Ok(())
}

fn composite_input(composite: &CompositeType, name: &str) -> InputObject {
    composite.sub_fields.iter().filter(|s| !s.read_only).fold(
        InputObject::new(name),
        |input, sub| {
            let ty = shape::sub_field_type(composite, sub.name, sub.field_type);
            input.field(InputValue::new(sub.name, TypeRef::named(ty)))
        },
    )
}

/// Which of the two write inputs is being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
}

/// Registers `<Name>CreateInput` and `<Name>UpdateInput`.
pub(super) fn register(
    types: &mut Types,
    schema: &Schema,
    object: &Object,
) -> Result<(), GraphqlError> {
    for write in [Write::Create, Write::Update] {
        let input = write_input(schema, object, write)?;
        types.add(shape::object_origin(object), input)?;
    }
    Ok(())
}

/// Create: the fields the model requires are non-null. Update: everything optional.
fn write_input(
    schema: &Schema,
    object: &Object,
    write: Write,
) -> Result<InputObject, GraphqlError> {
    let name = match write {
        Write::Create => shape::create_input(object),
        Write::Update => shape::update_input(object),
    };
    let mut fields = Fields::of(&name);
    let mut input = InputObject::new(&name);
    // Which fields an input carries and which it must: the model's rule (`in_body`), as
    // for the OpenAPI schemas, both SDKs and the write engine.
    let body = match write {
        Write::Create => Body::Create,
        Write::Update => Body::Update,
    };
    for field in &object.fields {
        let Some(presence) = field.in_body(body) else {
            continue;
        };
        let required = presence.required;
        let named = |ty: &str| {
            if required {
                TypeRef::named_nn(ty)
            } else {
                TypeRef::named(ty)
            }
        };
        let (field_name, ty) = match shape::shape(schema, object, field)? {
            Shape::Scalar(scalar) => (field.name.clone(), named(scalar)),
            Shape::StringList => (field.name.clone(), list(TypeRef::STRING, required)),
            Shape::Enum(enum_name) => (field.name.clone(), named(&enum_name)),
            Shape::EnumList(enum_name) => (field.name.clone(), list(&enum_name, required)),
            Shape::Composite(composite) => {
                let composite_input = match write {
                    Write::Create => shape::composite_create_input(composite),
                    Write::Update => shape::composite_update_input(composite),
                };
                (field.name.clone(), named(&composite_input))
            }
            Shape::ManyToOne(_) => (format!("{}Id", field.name), named("UUID")),
            Shape::OneToMany(_) => continue,
        };
        fields.claim(&field_name, shape::field_origin(object, field))?;
        input = input.field(InputValue::new(field_name, ty));
    }
    Ok(input)
}

fn list(item: &str, required: bool) -> TypeRef {
    if required {
        TypeRef::named_nn_list_nn(item)
    } else {
        TypeRef::named_nn_list(item)
    }
}
