//! Validation of a whole schema: every rule that keeps the emitters' output valid SQL,
//! GraphQL, OpenAPI and TypeScript. Reports every problem at once, each naming its place.

use super::{
    ACTOR_SOURCES, DefaultValue, Field, FieldType, OPTION_COLORS, Object, RelationKind,
    SYSTEM_FIELD_NAMES, Schema,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What kind of rule a schema broke (stable, for tests and API error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    DuplicateName,
    DuplicateId,
    ReservedName,
    InvalidName,
    RelationTarget,
    RelationInverse,
    LabelIdentifier,
    InvalidOption,
    DuplicateOption,
    DefaultType,
    InvalidField,
}

/// One broken rule, with the object (and field) it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub kind: ErrorKind,
    pub object: String,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}.{}: {}", self.object, field, self.message),
            None => write!(f, "{}: {}", self.object, self.message),
        }
    }
}

/// Every problem found in a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "the schema is invalid ({} problems):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

/// Longest identifier Postgres keeps without truncating.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// Object names that would collide with API routes, GraphQL built-in and shared types,
/// or TypeScript / JavaScript globals once turned into type names.
const RESERVED_OBJECT_NAMES: &[&str] = &[
    // API surface and metadata vocabulary
    "query",
    "mutation",
    "subscription",
    "schema",
    "object",
    "objects",
    "field",
    "fields",
    "relation",
    "relations",
    "index",
    "indexes",
    "metadata",
    "webhook",
    "webhooks",
    "apiKey",
    "apiKeys",
    "workspace",
    "workspaces",
    "user",
    "users",
    "batch",
    "search",
    "docs",
    "openApi",
    "graphql",
    "rest",
    "core",
    "event",
    "events",
    "type",
    "types",
    "enum",
    "input",
    "scalar",
    "interface",
    "union",
    "directive",
    // GraphQL scalars and shared types
    "string",
    "int",
    "float",
    "boolean",
    "id",
    "uuid",
    "dateTime",
    "date",
    "json",
    "bigFloat",
    "bigInt",
    "position",
    "cursor",
    "pageInfo",
    "tsVector",
    "orderByDirection",
    "filterIs",
    "fullName",
    "currency",
    "address",
    "links",
    "emails",
    "phones",
    "actor",
    "richTextV2",
    // TypeScript / JavaScript globals
    "array",
    "promise",
    "map",
    "set",
    "error",
    "symbol",
    "function",
    "record",
    "number",
    "bigint",
    "partial",
    "readonly",
];

/// Type-name suffixes the emitters derive per object (`CompanyConnection`, …): an object
/// named with one of them would collide with another object's derived types.
const RESERVED_OBJECT_SUFFIXES: &[&str] = &[
    "Connection",
    "Edge",
    "FilterInput",
    "OrderByInput",
    "CreateInput",
    "UpdateInput",
    "Enum",
    "Filter",
    // OpenAPI component schemas (`CompanyForUpdate`, `CompanyForResponse`).
    "ForUpdate",
    "ForResponse",
];

/// Field names taken by the filter grammar (`and`, `or`, `not`) or by GraphQL itself.
const RESERVED_FIELD_NAMES: &[&str] = &["and", "or", "not", "edges", "node", "cursor"];

struct Report {
    errors: Vec<ValidationError>,
}

impl Report {
    fn object(&mut self, kind: ErrorKind, object: &str, message: impl Into<String>) {
        self.errors.push(ValidationError {
            kind,
            object: object.to_owned(),
            field: None,
            message: message.into(),
        });
    }

    fn field(&mut self, kind: ErrorKind, object: &str, field: &str, message: impl Into<String>) {
        self.errors.push(ValidationError {
            kind,
            object: object.to_owned(),
            field: Some(field.to_owned()),
            message: message.into(),
        });
    }
}

/// `^[a-z][a-zA-Z0-9]*$`: valid in GraphQL, TypeScript and (quoted) SQL alike.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `^[A-Z][A-Z0-9_]*$`: an option value is a GraphQL enum value.
fn is_valid_option_value(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn validate(schema: &Schema) -> Result<(), ValidationErrors> {
    let mut report = Report { errors: Vec::new() };
    check_object_names(schema, &mut report);
    check_ids(schema, &mut report);
    for object in &schema.objects {
        check_fields(schema, object, &mut report);
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(report.errors))
    }
}

fn check_object_names(schema: &Schema, report: &mut Report) {
    // Singular and plural names share one namespace (GraphQL root fields, REST paths).
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for object in &schema.objects {
        let owner = object.name_singular.as_str();
        for (what, name) in [
            ("nameSingular", &object.name_singular),
            ("namePlural", &object.name_plural),
        ] {
            if !is_valid_name(name) {
                report.object(
                    ErrorKind::InvalidName,
                    owner,
                    format!(
                        "{what} `{name}` is not a valid name: use camelCase letters and digits, starting with a lowercase letter"
                    ),
                );
                continue;
            }
            let longest_table = name.len() + usize::from(object.is_custom);
            if longest_table > MAX_IDENTIFIER_BYTES {
                report.object(
                    ErrorKind::InvalidName,
                    owner,
                    format!("{what} `{name}` is longer than {MAX_IDENTIFIER_BYTES} bytes"),
                );
            }
            if RESERVED_OBJECT_NAMES
                .iter()
                .any(|r| r.eq_ignore_ascii_case(name))
            {
                report.object(
                    ErrorKind::ReservedName,
                    owner,
                    format!("{what} `{name}` is reserved"),
                );
            }
            if let Some(suffix) = RESERVED_OBJECT_SUFFIXES
                .iter()
                .find(|s| name.len() > s.len() && name.ends_with(*s))
            {
                report.object(
                    ErrorKind::ReservedName,
                    owner,
                    format!(
                        "{what} `{name}` ends with `{suffix}`, which the generated type names reserve"
                    ),
                );
            }
            match seen.get(name.as_str()) {
                Some(other) => report.object(
                    ErrorKind::DuplicateName,
                    owner,
                    format!("{what} `{name}` is already used by object `{other}`"),
                ),
                None => {
                    seen.insert(name, owner);
                }
            }
        }
        if object.label_singular.trim().is_empty() || object.label_plural.trim().is_empty() {
            report.object(
                ErrorKind::InvalidName,
                owner,
                "labelSingular and labelPlural must not be empty",
            );
        }
    }
}

fn check_ids(schema: &Schema, report: &mut Report) {
    let mut objects: BTreeMap<Uuid, &str> = BTreeMap::new();
    let mut fields: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut options: BTreeMap<Uuid, String> = BTreeMap::new();
    for object in &schema.objects {
        let name = &object.name_singular;
        if let Some(other) = objects.insert(object.id, name) {
            report.object(
                ErrorKind::DuplicateId,
                name,
                format!("id {} is also the id of object `{other}`", object.id),
            );
        }
        for field in &object.fields {
            let place = format!("{name}.{}", field.name);
            if let Some(other) = fields.insert(field.id, place.clone()) {
                report.field(
                    ErrorKind::DuplicateId,
                    name,
                    &field.name,
                    format!("id {} is also the id of field `{other}`", field.id),
                );
            }
            for option in &field.options {
                let option_place = format!("{place} option {}", option.value);
                if let Some(other) = options.insert(option.id, option_place) {
                    report.field(
                        ErrorKind::DuplicateId,
                        name,
                        &field.name,
                        format!(
                            "option `{}` has id {}, also the id of {other}",
                            option.value, option.id
                        ),
                    );
                }
            }
        }
    }
}

fn check_fields(schema: &Schema, object: &Object, report: &mut Report) {
    let owner = object.name_singular.as_str();
    let mut names = BTreeSet::new();
    for field in &object.fields {
        let name = field.name.as_str();
        if !is_valid_name(name) {
            report.field(
                ErrorKind::InvalidName,
                owner,
                name,
                "not a valid field name: use camelCase letters and digits, starting with a lowercase letter",
            );
        }
        if RESERVED_FIELD_NAMES.contains(&name) {
            report.field(
                ErrorKind::ReservedName,
                owner,
                name,
                format!("`{name}` is reserved by the filter grammar and the GraphQL shapes"),
            );
        }
        if !field.is_system && SYSTEM_FIELD_NAMES.contains(&name) {
            report.field(
                ErrorKind::ReservedName,
                owner,
                name,
                format!("`{name}` is a system field every object already has"),
            );
        } else if !names.insert(name) {
            report.field(
                ErrorKind::DuplicateName,
                owner,
                name,
                "two fields have this name",
            );
        }
        if field.label.trim().is_empty() {
            report.field(
                ErrorKind::InvalidField,
                owner,
                name,
                "the label must not be empty",
            );
        }
        check_relation(schema, object, field, report);
        check_options(object, field, report);
        check_default(object, field, report);
        check_unique(object, field, report);
    }

    // Column names after composite flattening and foreign keys.
    let mut columns: BTreeMap<String, &str> = BTreeMap::new();
    for column in object.columns(schema) {
        if column.name.len() > MAX_IDENTIFIER_BYTES {
            report.field(
                ErrorKind::InvalidName,
                owner,
                &column.field_name,
                format!(
                    "column `{}` is longer than {MAX_IDENTIFIER_BYTES} bytes",
                    column.name
                ),
            );
        }
        if let Some(other) = columns.get(&column.name) {
            if *other != column.field_name {
                report.field(
                    ErrorKind::DuplicateName,
                    owner,
                    &column.field_name,
                    format!(
                        "its column `{}` is also a column of field `{other}`",
                        column.name
                    ),
                );
            }
        } else {
            let field_name = object
                .fields
                .iter()
                .find(|f| f.id == column.field_id)
                .map_or("", |f| f.name.as_str());
            columns.insert(column.name.clone(), field_name);
        }
    }

    match object.field(&object.label_identifier) {
        None => report.object(
            ErrorKind::LabelIdentifier,
            owner,
            format!(
                "the label identifier `{}` is not a field of the object",
                object.label_identifier
            ),
        ),
        Some(field)
            if !matches!(
                field.field_type,
                FieldType::Text | FieldType::FullName | FieldType::Uuid | FieldType::Number
            ) =>
        {
            report.field(
                ErrorKind::LabelIdentifier,
                owner,
                &field.name,
                format!(
                    "a {} field cannot label records: use a TEXT, FULL_NAME, UUID or NUMBER field",
                    field.field_type
                ),
            );
        }
        Some(_) => {}
    }

    for criterion in &object.duplicate_criteria {
        if criterion.is_empty() {
            report.object(
                ErrorKind::InvalidField,
                owner,
                "a duplicate criterion names no field".to_owned(),
            );
        }
        for path in criterion {
            if let Err(reason) = duplicate_path(object, path) {
                report.object(
                    ErrorKind::InvalidField,
                    owner,
                    format!("duplicate criterion `{path}`: {reason}"),
                );
            }
        }
    }

    let mut search = BTreeSet::new();
    for name in &object.search_fields {
        match object.field(name) {
            None => report.object(
                ErrorKind::InvalidField,
                owner,
                format!("search field `{name}` is not a field of the object"),
            ),
            Some(field)
                if !matches!(
                    field.field_type,
                    FieldType::Text
                        | FieldType::FullName
                        | FieldType::Emails
                        | FieldType::Phones
                        | FieldType::Links
                        | FieldType::RichTextV2
                ) =>
            {
                report.field(
                    ErrorKind::InvalidField,
                    owner,
                    name,
                    format!("a {} field cannot be searched", field.field_type),
                );
            }
            Some(_) => {}
        }
        if !search.insert(name) {
            report.object(
                ErrorKind::DuplicateName,
                owner,
                format!("search field `{name}` is listed twice"),
            );
        }
    }
}

fn check_relation(schema: &Schema, object: &Object, field: &Field, report: &mut Report) {
    let owner = object.name_singular.as_str();
    let name = field.name.as_str();
    let relation = match (&field.relation, field.field_type) {
        (Some(r), FieldType::Relation) => r,
        (None, FieldType::Relation) => {
            return report.field(
                ErrorKind::InvalidField,
                owner,
                name,
                "a RELATION field needs its relation (target, inverse, kind)",
            );
        }
        (Some(_), other) => {
            return report.field(
                ErrorKind::InvalidField,
                owner,
                name,
                format!("a {other} field cannot carry a relation"),
            );
        }
        (None, _) => return,
    };
    match relation.kind {
        RelationKind::ManyToOne => match relation.on_delete {
            None => report.field(
                ErrorKind::InvalidField,
                owner,
                name,
                "a many-to-one relation needs an onDelete action",
            ),
            Some(super::OnDelete::SetNull) if !field.is_nullable => report.field(
                ErrorKind::InvalidField,
                owner,
                name,
                "onDelete SET_NULL needs a nullable relation",
            ),
            Some(_) => {}
        },
        RelationKind::OneToMany => {
            if relation.on_delete.is_some() {
                report.field(
                    ErrorKind::InvalidField,
                    owner,
                    name,
                    "onDelete belongs on the many-to-one side, not on a one-to-many field",
                );
            }
        }
    }
    let Some(target) = schema.object(&relation.target) else {
        return report.field(
            ErrorKind::RelationTarget,
            owner,
            name,
            format!("relation target `{}` is not an object", relation.target),
        );
    };
    let Some(inverse) = target.field(&relation.inverse) else {
        return report.field(
            ErrorKind::RelationInverse,
            owner,
            name,
            format!(
                "inverse field `{}.{}` does not exist",
                relation.target, relation.inverse
            ),
        );
    };
    let expected_kind = match relation.kind {
        RelationKind::ManyToOne => RelationKind::OneToMany,
        RelationKind::OneToMany => RelationKind::ManyToOne,
    };
    let matches = inverse.relation.as_ref().is_some_and(|r| {
        r.kind == expected_kind && r.target == object.name_singular && r.inverse == field.name
    });
    if !matches {
        report.field(
            ErrorKind::RelationInverse,
            owner,
            name,
            format!(
                "inverse field `{}.{}` must be a {} relation to `{}` whose inverse is `{}`",
                relation.target,
                relation.inverse,
                match expected_kind {
                    RelationKind::ManyToOne => "many-to-one",
                    RelationKind::OneToMany => "one-to-many",
                },
                object.name_singular,
                field.name
            ),
        );
    }
}

fn check_options(object: &Object, field: &Field, report: &mut Report) {
    let owner = object.name_singular.as_str();
    let name = field.name.as_str();
    let wants_options = matches!(field.field_type, FieldType::Select | FieldType::MultiSelect);
    if !wants_options {
        if !field.options.is_empty() {
            report.field(
                ErrorKind::InvalidOption,
                owner,
                name,
                format!("a {} field cannot have options", field.field_type),
            );
        }
        return;
    }
    if field.options.is_empty() {
        report.field(
            ErrorKind::InvalidOption,
            owner,
            name,
            format!("a {} field needs at least one option", field.field_type),
        );
    }
    let mut values = BTreeSet::new();
    let mut positions = BTreeSet::new();
    for option in &field.options {
        if !is_valid_option_value(&option.value) {
            report.field(
                ErrorKind::InvalidOption,
                owner,
                name,
                format!(
                    "option value `{}` is invalid: use UPPER_SNAKE_CASE starting with a letter",
                    option.value
                ),
            );
        }
        if !values.insert(option.value.as_str()) {
            report.field(
                ErrorKind::DuplicateOption,
                owner,
                name,
                format!("option value `{}` appears twice", option.value),
            );
        }
        if !positions.insert(option.position) {
            report.field(
                ErrorKind::DuplicateOption,
                owner,
                name,
                format!(
                    "option `{}` has position {}, which another option has",
                    option.value, option.position
                ),
            );
        }
        if option.label.trim().is_empty() {
            report.field(
                ErrorKind::InvalidOption,
                owner,
                name,
                format!("option `{}` has an empty label", option.value),
            );
        }
        if !OPTION_COLORS.contains(&option.color.as_str()) {
            report.field(
                ErrorKind::InvalidOption,
                owner,
                name,
                format!(
                    "option `{}` has color `{}`; use one of {}",
                    option.value,
                    option.color,
                    OPTION_COLORS.join(", ")
                ),
            );
        }
    }
}

/// Whether `value` is a constant of `field_type`; `options` are the allowed values of
/// a SELECT / MULTI_SELECT / RATING.
fn value_fits(field_type: FieldType, value: &Value, options: &[&str]) -> bool {
    let is_uuid = |v: &Value| v.as_str().is_some_and(|s| Uuid::parse_str(s).is_ok());
    let is_date = |s: &str| {
        let b = s.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    match field_type {
        FieldType::Text => value.is_string(),
        FieldType::Uuid => is_uuid(value),
        FieldType::Number | FieldType::Position => value.is_number(),
        FieldType::Numeric => {
            value.is_number() || value.as_str().is_some_and(|s| s.parse::<f64>().is_ok())
        }
        FieldType::Boolean => value.is_boolean(),
        FieldType::Date => value.as_str().is_some_and(is_date),
        FieldType::DateTime => value
            .as_str()
            .is_some_and(|s| s.len() > 10 && is_date(&s[..10]) && s.as_bytes()[10] == b'T'),
        FieldType::Select | FieldType::Rating => {
            value.as_str().is_some_and(|s| options.contains(&s))
        }
        FieldType::MultiSelect => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| options.contains(&s)))
        }),
        FieldType::Array => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        FieldType::RawJson => true,
        FieldType::Relation | FieldType::TsVector => false,
        composite => {
            let Some(composite) = composite.composite() else {
                return false;
            };
            let Some(map) = value.as_object() else {
                return false;
            };
            map.iter().all(|(key, v)| {
                composite
                    .sub_fields
                    .iter()
                    .find(|s| s.name == key)
                    .is_some_and(|sub| {
                        v.is_null()
                            || if composite.field_type == FieldType::Actor && sub.name == "source" {
                                v.as_str().is_some_and(|s| ACTOR_SOURCES.contains(&s))
                            } else {
                                value_fits(sub.field_type, v, &[])
                            }
                    })
            })
        }
    }
}

fn check_default(object: &Object, field: &Field, report: &mut Report) {
    let Some(default) = &field.default else {
        return;
    };
    let fits = match default {
        DefaultValue::Now => field.field_type == FieldType::DateTime,
        DefaultValue::Uuid => field.field_type == FieldType::Uuid,
        DefaultValue::Value(Value::Null) => {
            field.is_nullable && field.field_type != FieldType::Relation
        }
        DefaultValue::Value(value) => value_fits(field.field_type, value, &field.option_values()),
    };
    if !fits {
        let shown = match default {
            DefaultValue::Now => "now".to_owned(),
            DefaultValue::Uuid => "uuid".to_owned(),
            DefaultValue::Value(v) => v.to_string(),
        };
        let hint = if field.field_type.has_options() {
            format!(" (allowed values: {})", field.option_values().join(", "))
        } else {
            String::new()
        };
        report.field(
            ErrorKind::DefaultType,
            &object.name_singular,
            &field.name,
            format!(
                "default {shown} is not a valid {} value{hint}",
                field.field_type
            ),
        );
    }
}

fn check_unique(object: &Object, field: &Field, report: &mut Report) {
    if !field.is_unique {
        return;
    }
    let allowed = match field.field_type.composite() {
        Some(composite) => composite.sub_fields.iter().any(|s| s.unique_key),
        None => matches!(
            field.field_type,
            FieldType::Text
                | FieldType::Uuid
                | FieldType::Number
                | FieldType::Numeric
                | FieldType::Date
                | FieldType::DateTime
        ),
    };
    if !allowed {
        report.field(
            ErrorKind::InvalidField,
            &object.name_singular,
            &field.name,
            format!("a {} field cannot be unique", field.field_type),
        );
    }
}

/// Checks one path of a duplicate criterion: a scalar field (`name`) or a composite's
/// scalar sub-field (`emails.primaryEmail`), compared by equality.
fn duplicate_path(object: &Object, path: &str) -> Result<(), String> {
    let (name, sub) = match path.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (path, None),
    };
    let field = object
        .field(name)
        .ok_or_else(|| format!("`{name}` is not a field of the object"))?;
    if field.relation.is_some() {
        return Err("a relation cannot be compared; name its join column's field".to_owned());
    }
    let comparable = |t: FieldType| {
        !matches!(
            t,
            FieldType::RawJson | FieldType::TsVector | FieldType::Array | FieldType::MultiSelect
        )
    };
    match (field.field_type.composite(), sub) {
        (Some(composite), Some(sub)) => match composite.sub_fields.iter().find(|s| s.name == sub) {
            Some(s) if comparable(s.field_type) => Ok(()),
            Some(_) => Err(format!(
                "`{sub}` of a {} cannot be compared",
                field.field_type
            )),
            None => Err(format!(
                "`{sub}` is not a sub-field of a {}",
                field.field_type
            )),
        },
        (Some(_), None) => Err(format!(
            "a {} is compared by one of its sub-fields (`{name}.…`)",
            field.field_type
        )),
        (None, Some(_)) => Err(format!("`{name}` has no sub-fields")),
        (None, None) if comparable(field.field_type) => Ok(()),
        (None, None) => Err(format!("a {} field cannot be compared", field.field_type)),
    }
}
