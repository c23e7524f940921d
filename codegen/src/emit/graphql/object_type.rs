//! Output types: the shared composite types (`FullName`, `Links`, …) and, per object, the
//! record type `<Name>` with its option enums. Filters, inputs and connections live elsewhere.

use super::GraphqlError;
use super::connection;
use super::registry::{Fields, Types};
use super::resolvers::Resolvers;
use super::shape::{self, Shape};
use crate::model::{ACTOR_SOURCES, COMPOSITES, CompositeType, FieldType, Object, Schema, SubField};
use async_graphql::dynamic::{Enum, Field, Object as ObjectType, TypeRef};

/// The values of a composite's SELECT sub-field (only ACTOR's `source` has one).
fn sub_field_values(composite: &CompositeType, sub: &SubField) -> &'static [&'static str] {
    match (composite.field_type, sub.name) {
        (FieldType::Actor, "source") => &ACTOR_SOURCES,
        _ => &[],
    }
}

/// The composites' SELECT sub-fields with their enum values.
pub(super) fn composite_enums() -> impl Iterator<Item = (&'static CompositeType, &'static SubField)>
{
    COMPOSITES.iter().flat_map(|c| {
        c.sub_fields
            .iter()
            .filter(|s| s.field_type == FieldType::Select)
            .map(move |s| (c, s))
    })
}

/// Registers every composite type and the enums of their SELECT sub-fields. Sub-fields
/// are nullable: one type serves nullable and required fields alike.
pub(super) fn register_composites(
    types: &mut Types,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    for (composite, sub) in composite_enums() {
        let name = shape::composite_enum_type(composite, sub.name);
        let values = sub_field_values(composite, sub);
        types.add(
            format!("composite type {}", composite.field_type),
            Enum::new(name).items(values.iter().copied()),
        )?;
    }
    for composite in &COMPOSITES {
        let origin = format!("composite type {}", composite.field_type);
        let mut fields = Fields::of(composite.type_name);
        let mut ty = ObjectType::new(composite.type_name);
        for sub in composite.sub_fields {
            fields.claim(sub.name, origin.clone())?;
            let sub_type = shape::sub_field_type(composite, sub.name, sub.field_type);
            ty = ty.field(Field::new(
                sub.name,
                TypeRef::named(sub_type),
                resolvers.value(composite.type_name, sub.name),
            ));
        }
        types.add(origin, ty)?;
    }
    Ok(())
}

fn named(name: impl Into<String>, nullable: bool) -> TypeRef {
    if nullable {
        TypeRef::named(name)
    } else {
        TypeRef::named_nn(name)
    }
}

/// Registers the record type `<Name>` and the enums of its option fields.
pub(super) fn register(
    types: &mut Types,
    schema: &Schema,
    object: &Object,
    resolvers: &impl Resolvers,
) -> Result<(), GraphqlError> {
    let type_name = object.type_name();
    let mut fields = Fields::of(&type_name);
    let mut ty = ObjectType::new(&type_name);
    if let Some(text) = &object.description {
        ty = ty.description(shape::description(text));
    }
    for field in &object.fields {
        let origin = shape::field_origin(object, field);
        fields.claim(&field.name, origin.clone())?;
        let value = || resolvers.value(&type_name, &field.name);
        let nullable = field.is_nullable;
        let mut output = match shape::shape(schema, object, field)? {
            Shape::Scalar(scalar) => Field::new(&field.name, named(scalar, nullable), value()),
            Shape::StringList => {
                Field::new(&field.name, list_of(TypeRef::STRING, nullable), value())
            }
            Shape::Enum(enum_name) => {
                register_enum(types, object, field, &enum_name)?;
                Field::new(&field.name, named(enum_name, nullable), value())
            }
            Shape::EnumList(enum_name) => {
                register_enum(types, object, field, &enum_name)?;
                Field::new(&field.name, list_of(&enum_name, nullable), value())
            }
            Shape::Composite(composite) => {
                Field::new(&field.name, named(composite.type_name, nullable), value())
            }
            Shape::ManyToOne(target) => {
                // The key is exposed beside the record so clients can read it without a join.
                let key = format!("{}Id", field.name);
                fields.claim(&key, format!("the foreign key of {origin}"))?;
                ty = ty.field(Field::new(
                    &key,
                    named("UUID", nullable),
                    resolvers.value(&type_name, &key),
                ));
                // The target may be soft-deleted or hidden, so the record itself is nullable.
                Field::new(
                    &field.name,
                    TypeRef::named(target.type_name()),
                    resolvers.relation(object, field),
                )
            }
            Shape::OneToMany(target) => {
                let mut list = Field::new(
                    &field.name,
                    TypeRef::named_nn(shape::connection(target)),
                    resolvers.relation(object, field),
                );
                for argument in connection::list_arguments(target) {
                    list = list.argument(argument);
                }
                list
            }
        };
        if let Some(text) = &field.description {
            output = output.description(shape::description(text));
        }
        ty = ty.field(output);
    }
    types.add(shape::object_origin(object), ty)
}

fn list_of(item: &str, nullable: bool) -> TypeRef {
    if nullable {
        TypeRef::named_nn_list(item)
    } else {
        TypeRef::named_nn_list_nn(item)
    }
}

/// The enum of an option field: values only (option labels are UI text, not descriptions).
fn register_enum(
    types: &mut Types,
    object: &Object,
    field: &crate::model::Field,
    enum_name: &str,
) -> Result<(), GraphqlError> {
    let origin = shape::field_origin(object, field);
    let mut values = Fields::of(enum_name);
    for value in field.option_values() {
        values.claim(value, origin.clone())?;
    }
    types.add(origin, Enum::new(enum_name).items(field.option_values()))
}
