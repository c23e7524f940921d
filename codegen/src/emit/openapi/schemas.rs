//! Component schemas: the composite value types, and per object the create body `<Name>`,
//! the update body `<Name>ForUpdate` and the returned record `<Name>ForResponse`.
//!
//! Wire decisions (shared with the server, which must accept and produce exactly this):
//! - Nullable values use 3.1 type arrays (`["string", "null"]`), or `oneOf` with
//!   `{"type": "null"}` around a `$ref`; never 3.0's `nullable`.
//! - NUMERIC is a JSON number. Postgres renders `numeric` into JSON as a number literal with
//!   all its digits, and Twenty's clients (Zapier, the SDK) send and read numbers, so nothing
//!   is lost on the wire; a client that needs exact decimals parses the number text itself.
//! - TS_VECTOR fields are internal (the search document) and never appear.
//! - Composites are objects whose sub-fields may each be null; a nullable composite field
//!   also accepts `null` on input (clearing every sub-field). Read-only sub-fields (the
//!   actor's `workspaceMemberId` and `name`) are filled in by the server.
//! - Responses require only `id`: `fields` may select a subset, and relations appear only
//!   at `depth=1` (many-to-one as `<Target>ForResponse` or null, one-to-many as arrays).
//! - Input bodies reject unknown properties (`additionalProperties: false`), as the server does.

use super::names;
use crate::model::{
    ACTOR_SOURCES, Body, COMPOSITES, CompositeType, DefaultValue, Field, FieldType, Items, Object,
    RelationKind, Schema as Model, SubField,
};
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Ref, Schema,
    SchemaFormat, SchemaType, Type,
};

/// Every component schema derived from the model: the composites, then three per object.
pub(super) fn component_schemas(model: &Model) -> Vec<(String, RefOr<Schema>)> {
    let mut schemas: Vec<(String, RefOr<Schema>)> = COMPOSITES
        .iter()
        .map(|c| (c.type_name.to_owned(), composite_schema(c)))
        .collect();
    for object in &model.objects {
        schemas.push((
            names::create_schema(object),
            object_schema(object, Body::Create),
        ));
        schemas.push((
            names::update_schema(object),
            object_schema(object, Body::Update),
        ));
        schemas.push((
            names::response_schema(object),
            object_schema(object, Body::Response),
        ));
    }
    schemas
}

fn object_schema(object: &Object, mode: Body) -> RefOr<Schema> {
    let label = &object.label_singular;
    let summary = match mode {
        Body::Create => format!(
            "A {label} to create. Omitted fields take their default; `required` lists the NOT NULL fields without one."
        ),
        Body::Update => {
            format!("The fields of a {label} to change; omitted fields are left as they are.")
        }
        Body::Response => format!(
            "A {label} as the API returns it. `fields` may select a subset of the properties; relations are present only at `depth=1`."
        ),
    };
    let description = match &object.description {
        Some(d) => format!("{d}\n\n{summary}"),
        None => summary,
    };
    let mut builder = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description));
    for field in &object.fields {
        for property in field_properties(field, mode) {
            if property.required {
                builder = builder.required(property.name.clone());
            }
            builder = builder.property(property.name, property.schema);
        }
    }
    if mode != Body::Response {
        builder = builder.additional_properties(Some(AdditionalProperties::FreeForm(false)));
    }
    builder.into()
}

struct Property {
    name: String,
    schema: RefOr<Schema>,
    required: bool,
}

/// The properties one field contributes in `mode` (none, one, or two for a many-to-one
/// relation's response: the foreign key and the related record).
fn field_properties(field: &Field, mode: Body) -> Vec<Property> {
    let Some(presence) = field.in_body(mode) else {
        return Vec::new();
    };
    let required = presence.required;
    let description = field.description.as_deref();

    if let Some(relation) = &field.relation {
        let target = names::response_schema_of(&relation.target);
        return match relation.kind {
            RelationKind::ManyToOne => {
                let join_column = field
                    .join_column()
                    .unwrap_or_else(|| format!("{}Id", field.name));
                let fk_description =
                    format!("Id of the related {} (`{}`).", relation.target, field.name);
                let mut properties = vec![Property {
                    name: join_column,
                    schema: with_description(uuid_schema(field.is_nullable), Some(&fk_description)),
                    required,
                }];
                if mode == Body::Response {
                    let related = format!("The related {} (at `depth=1` only).", relation.target);
                    properties.push(Property {
                        name: field.name.clone(),
                        schema: with_description(
                            nullable_ref(names::schema_ref(&target), field.is_nullable),
                            Some(description.unwrap_or(&related)),
                        ),
                        required: false,
                    });
                }
                properties
            }
            RelationKind::OneToMany if mode == Body::Response => vec![Property {
                name: field.name.clone(),
                schema: with_description(
                    ArrayBuilder::new().items(names::schema_ref(&target)).into(),
                    Some(description.unwrap_or(&format!(
                        "The {} records whose `{}` is this one (at `depth=1` only).",
                        relation.target, relation.inverse
                    ))),
                ),
                required: false,
            }],
            RelationKind::OneToMany => Vec::new(),
        };
    }

    let mut schema = match field.field_type.composite() {
        // A composite in a response is always an object (its sub-fields carry the nulls).
        Some(composite) => nullable_ref(names::schema_ref(composite.type_name), presence.nullable),
        None => scalar_schema(field.field_type, &field.option_values(), presence.nullable),
    };
    if mode == Body::Create
        && let Some(DefaultValue::Value(value)) = &field.default
    {
        schema = with_default(schema, value.clone());
    }
    vec![Property {
        name: field.name.clone(),
        schema: with_description(schema, description),
        required,
    }]
}

/// The JSON Schema of a non-composite, non-relation value. `values` are the accepted
/// option values for SELECT, MULTI_SELECT and RATING.
fn scalar_schema(field_type: FieldType, values: &[&str], nullable: bool) -> RefOr<Schema> {
    match field_type {
        FieldType::Uuid => uuid_schema(nullable),
        FieldType::Text => typed(Type::String, nullable).into(),
        FieldType::Number | FieldType::Position => typed(Type::Number, nullable).into(),
        FieldType::Numeric => typed(Type::Number, nullable)
            .description(Some("An exact decimal, written with all its digits."))
            .into(),
        FieldType::Boolean => typed(Type::Boolean, nullable).into(),
        FieldType::DateTime => typed(Type::String, nullable)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into(),
        FieldType::Date => typed(Type::String, nullable)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .into(),
        FieldType::Select | FieldType::Rating => enum_schema(values, nullable).into(),
        FieldType::MultiSelect => array(enum_schema(values, false).into(), nullable),
        FieldType::Array => array(typed(Type::String, false).into(), nullable),
        // RAW_JSON and anything without a better description: any JSON value, null included.
        _ => ObjectBuilder::new()
            .schema_type(SchemaType::AnyValue)
            .description(Some("Any JSON value."))
            .into(),
    }
}

/// A shared composite schema (`FullName`, `Links`, …), used by all three object schemas.
fn composite_schema(composite: &CompositeType) -> RefOr<Schema> {
    let mut builder = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(composite_description(composite.field_type)));
    for sub in composite.sub_fields {
        builder = builder.property(sub.name, sub_field_schema(sub));
    }
    builder.into()
}

pub(crate) fn composite_description(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::FullName => "A person's first and last name.",
        FieldType::Currency => {
            "An amount in micros (the amount × 1,000,000) and its ISO 4217 currency code."
        }
        FieldType::Address => "A postal address with optional coordinates.",
        FieldType::Links => "A primary link and any number of secondary links.",
        FieldType::Emails => "A primary email address and any number of additional ones.",
        FieldType::Phones => "A primary phone number and any number of additional ones.",
        FieldType::Actor => {
            "Who made a record: where the change came from and, when known, the workspace member. `workspaceMemberId` and `name` are filled in by the server."
        }
        FieldType::RichTextV2 => {
            "Rich text: a BlockNote document (JSON, as a string) and its Markdown."
        }
        _ => "A composite value.",
    }
}

/// A sub-field's schema. The RAW_JSON sub-fields get their precise shapes (as Twenty's SDK
/// types them) rather than "any JSON".
fn sub_field_schema(sub: &SubField) -> RefOr<Schema> {
    let nullable = !sub.required;
    let nullable_string = || -> RefOr<Schema> { typed(Type::String, true).into() };
    let schema: RefOr<Schema> = match (sub.items, sub.name) {
        (Some(Items::Strings), _) => array(typed(Type::String, false).into(), true),
        (Some(Items::Records { keys, .. }), _) => {
            let item = keys
                .iter()
                .fold(ObjectBuilder::new().schema_type(Type::Object), |o, key| {
                    o.property(*key, nullable_string())
                });
            array(item.into(), true)
        }
        (None, "context") => typed(Type::Object, true)
            .description(Some(
                "Where the change came from in more detail (`provider`, `applicationId`, `agentId`, …).",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .into(),
        (None, _) if sub.field_type == FieldType::Select => {
            enum_schema(&ACTOR_SOURCES, nullable).into()
        }
        (None, _) => scalar_schema(sub.field_type, &[], nullable),
    };
    match schema {
        RefOr::T(Schema::Object(mut object)) if sub.read_only => {
            object.read_only = Some(true);
            RefOr::T(Schema::Object(object))
        }
        other => other,
    }
}

/// An object schema of type `t`, or `[t, "null"]` when nullable.
pub(super) fn typed(t: Type, nullable: bool) -> ObjectBuilder {
    let schema_type = if nullable {
        SchemaType::from_iter([t, Type::Null])
    } else {
        SchemaType::new(t)
    };
    ObjectBuilder::new().schema_type(schema_type)
}

/// A UUID string, or null when nullable.
pub(super) fn uuid_schema(nullable: bool) -> RefOr<Schema> {
    typed(Type::String, nullable)
        .format(Some(SchemaFormat::Custom("uuid".to_owned())))
        .into()
}

/// A string restricted to `values` (plus `null` when nullable: JSON Schema's `enum` must
/// list it, or the type array alone would not admit it).
fn enum_schema(values: &[&str], nullable: bool) -> ObjectBuilder {
    let mut accepted: Vec<Value> = values.iter().map(|v| Value::from(*v)).collect();
    if nullable {
        accepted.push(Value::Null);
    }
    typed(Type::String, nullable).enum_values(Some(accepted))
}

/// An array of `items`, or null when nullable.
pub(super) fn array(items: RefOr<Schema>, nullable: bool) -> RefOr<Schema> {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::Array, Type::Null])
    } else {
        SchemaType::new(Type::Array)
    };
    ArrayBuilder::new()
        .schema_type(schema_type)
        .items(items)
        .into()
}

/// A `$ref`, or `oneOf: [$ref, {type: null}]` when nullable (3.1 has no `nullable`).
pub(super) fn nullable_ref(reference: Ref, nullable: bool) -> RefOr<Schema> {
    if nullable {
        OneOfBuilder::new()
            .item(reference)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into()
    } else {
        reference.into()
    }
}

/// Sets the description of any kind of schema (a field's description from the model).
pub(super) fn with_description(schema: RefOr<Schema>, description: Option<&str>) -> RefOr<Schema> {
    let Some(description) = description else {
        return schema;
    };
    match schema {
        RefOr::Ref(mut r) => {
            r.description = description.to_owned();
            RefOr::Ref(r)
        }
        RefOr::T(Schema::Object(mut o)) => {
            o.description = Some(description.to_owned());
            RefOr::T(Schema::Object(o))
        }
        RefOr::T(Schema::Array(mut a)) => {
            a.description = Some(description.to_owned());
            RefOr::T(Schema::Array(a))
        }
        RefOr::T(Schema::OneOf(mut o)) => {
            o.description = Some(description.to_owned());
            RefOr::T(Schema::OneOf(o))
        }
        other => other,
    }
}

/// Sets the default of any kind of schema (a field's constant default from the model).
fn with_default(schema: RefOr<Schema>, value: Value) -> RefOr<Schema> {
    match schema {
        RefOr::Ref(mut r) => {
            r.default = Some(value);
            RefOr::Ref(r)
        }
        RefOr::T(Schema::Object(mut o)) => {
            o.default = Some(value);
            RefOr::T(Schema::Object(o))
        }
        RefOr::T(Schema::Array(mut a)) => {
            a.default = Some(value);
            RefOr::T(Schema::Array(a))
        }
        RefOr::T(Schema::OneOf(mut o)) => {
            o.default = Some(value);
            RefOr::T(Schema::OneOf(o))
        }
        other => other,
    }
}
