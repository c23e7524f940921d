//! How a model field appears in GraphQL: its shape, and every type name derived from an
//! object, a field or a composite. The one place names are spelled; builders only ask.

use super::GraphqlError;
use crate::model::{CompositeType, Field, FieldType, Object, RelationKind, Schema, upper_first};

/// What a field of an object is in GraphQL.
pub(super) enum Shape<'s> {
    /// A scalar (built-in or ours), by type name.
    Scalar(&'static str),
    /// ARRAY: a list of strings.
    StringList,
    /// SELECT / RATING: one value of the field's own enum.
    Enum(String),
    /// MULTI_SELECT: several values of the field's own enum.
    EnumList(String),
    /// A composite, exposed as its shared object type.
    Composite(&'static CompositeType),
    /// The many-to-one side of a relation: the target record plus the `<field>Id` key.
    ManyToOne(&'s Object),
    /// The one-to-many side of a relation: a connection of target records.
    OneToMany(&'s Object),
}

/// The scalar a non-composite, non-option field type maps to.
pub(super) fn scalar_name(field_type: FieldType) -> Option<&'static str> {
    Some(match field_type {
        FieldType::Uuid => "UUID",
        FieldType::Text => "String",
        FieldType::Number => "Float",
        FieldType::Numeric => "BigFloat",
        FieldType::Boolean => "Boolean",
        FieldType::DateTime => "DateTime",
        FieldType::Date => "Date",
        FieldType::Position => "Position",
        FieldType::RawJson => "JSON",
        FieldType::TsVector => "TSVector",
        _ => return None,
    })
}

/// The shape of `field` of `object`.
pub(super) fn shape<'s>(
    schema: &'s Schema,
    object: &Object,
    field: &Field,
) -> Result<Shape<'s>, GraphqlError> {
    if let Some(relation) = &field.relation {
        let target =
            schema
                .object(&relation.target)
                .ok_or_else(|| GraphqlError::UnknownTarget {
                    object: object.name_singular.clone(),
                    field: field.name.clone(),
                    target: relation.target.clone(),
                })?;
        return Ok(match relation.kind {
            RelationKind::ManyToOne => Shape::ManyToOne(target),
            RelationKind::OneToMany => Shape::OneToMany(target),
        });
    }
    if let Some(composite) = field.field_type.composite() {
        return Ok(Shape::Composite(composite));
    }
    Ok(match field.field_type {
        FieldType::Select | FieldType::Rating => Shape::Enum(enum_type(object, field)),
        FieldType::MultiSelect => Shape::EnumList(enum_type(object, field)),
        FieldType::Array => Shape::StringList,
        other => match scalar_name(other) {
            Some(name) => Shape::Scalar(name),
            // Every type is either a composite, a relation, an option type or a scalar.
            None => Shape::Scalar("JSON"),
        },
    })
}

/// `company` + `tier` → `CompanyTierEnum`.
pub(super) fn enum_type(object: &Object, field: &Field) -> String {
    format!("{}{}Enum", object.type_name(), upper_first(&field.name))
}

/// `Actor` + `source` → `ActorSourceEnum`: the enum of a composite's SELECT sub-field.
pub(super) fn composite_enum_type(composite: &CompositeType, sub_field: &str) -> String {
    format!("{}{}Enum", composite.type_name, upper_first(sub_field))
}

/// `CompanyTierEnum` → `CompanyTierEnumFilter` (eq, neq, in, is).
pub(super) fn enum_filter(enum_type: &str) -> String {
    format!("{enum_type}Filter")
}

/// `PersonInterestsEnum` → `PersonInterestsEnumListFilter` (containsAny, is).
pub(super) fn enum_list_filter(enum_type: &str) -> String {
    format!("{enum_type}ListFilter")
}

/// `Company` → `CompanyConnection`.
pub(super) fn connection(object: &Object) -> String {
    format!("{}Connection", object.type_name())
}

/// `Company` → `CompanyGroupByConnection`.
pub(super) fn group_by_connection(object: &Object) -> String {
    format!("{}GroupByConnection", object.type_name())
}

/// `Company` → `CompanyGroupByInput`.
pub(super) fn group_by_input(object: &Object) -> String {
    format!("{}GroupByInput", object.type_name())
}

/// `Company` → `CompanyOrderByWithGroupByInput`.
pub(super) fn order_by_with_group_by(object: &Object) -> String {
    format!("{}OrderByWithGroupByInput", object.type_name())
}

/// `Company` → `CompanyAggregateOrderByInput`.
pub(super) fn aggregate_order_by(object: &Object) -> String {
    format!("{}AggregateOrderByInput", object.type_name())
}

/// `FullName` → `FullNameGroupByInput`.
pub(super) fn composite_group_by(composite: &CompositeType) -> String {
    format!("{}GroupByInput", composite.type_name)
}

/// `Company` → `CompanyEdge`.
pub(super) fn edge(object: &Object) -> String {
    format!("{}Edge", object.type_name())
}

/// `Company` → `CompanyFilterInput`.
pub(super) fn filter_input(object: &Object) -> String {
    format!("{}FilterInput", object.type_name())
}

/// `Company` → `CompanyOrderByInput`.
pub(super) fn order_by_input(object: &Object) -> String {
    format!("{}OrderByInput", object.type_name())
}

/// `Company` → `CompanyCreateInput`.
pub(super) fn create_input(object: &Object) -> String {
    format!("{}CreateInput", object.type_name())
}

/// `Company` → `CompanyUpdateInput`.
pub(super) fn update_input(object: &Object) -> String {
    format!("{}UpdateInput", object.type_name())
}

/// `FullName` → `FullNameFilter`.
pub(super) fn composite_filter(composite: &CompositeType) -> String {
    format!("{}Filter", composite.type_name)
}

/// `FullName` → `FullNameOrderByInput`.
pub(super) fn composite_order_by(composite: &CompositeType) -> String {
    format!("{}OrderByInput", composite.type_name)
}

/// `FullName` → `FullNameCreateInput`.
pub(super) fn composite_create_input(composite: &CompositeType) -> String {
    format!("{}CreateInput", composite.type_name)
}

/// `FullName` → `FullNameUpdateInput`.
pub(super) fn composite_update_input(composite: &CompositeType) -> String {
    format!("{}UpdateInput", composite.type_name)
}

/// The GraphQL type of a composite's sub-field (never a composite itself).
pub(super) fn sub_field_type(composite: &CompositeType, sub_name: &str, ft: FieldType) -> String {
    match ft {
        FieldType::Select => composite_enum_type(composite, sub_name),
        other => scalar_name(other).unwrap_or("JSON").to_owned(),
    }
}

/// `field `company.tier``: where a generated name came from, for error messages.
pub(super) fn field_origin(object: &Object, field: &Field) -> String {
    format!("field `{}.{}`", object.name_singular, field.name)
}

/// `object `company``.
pub(super) fn object_origin(object: &Object) -> String {
    format!("object `{}`", object.name_singular)
}

/// A model description made safe for an SDL block string (async-graphql writes it
/// verbatim between `"""`): line breaks normalised to LF, `"""` escaped, and control
/// characters, which GraphQL source text cannot hold, dropped.
pub(super) fn description(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .replace("\"\"\"", "\\\"\"\"")
}
