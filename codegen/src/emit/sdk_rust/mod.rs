//! The Rust SDK's generated part (`sdk-rust/src/generated.rs`): the composites, and per
//! object its record, create input, update input, typed filter fields, order-by fields and
//! the names the runtime needs. Pure: the model in, `(path relative to sdk-rust/, contents)` out.
//!
//! Our own emitter rather than typify over `openapi/core.json`: typify cannot express what
//! the SDK needs beyond the schemas (the filter builder, the order fields, the envelope keys,
//! `Patch<T>` for "clear" versus "leave unchanged"), so the types would be emitted twice
//! from two sources. The wire decisions are the OpenAPI emitter's (and the TypeScript SDK's):
//! nullable values, composites, `<field>Id` foreign keys, relations only at `depth=1`.

use crate::emit::openapi::schemas::composite_description;
use crate::emit::sdk_ts::filter::order_fields;
use crate::emit::sdk_ts::objects::envelope_keys;
use crate::model::{
    ACTOR_SOURCES, Body, COMPOSITES, Field, FieldType, Object, Presence, RelationKind, Schema,
    SubField, ValueKind,
};
use crate::model::{Items, upper_first};
use std::fmt::Write;

/// Where the SDK lives, relative to the repository root.
pub const CRATE_DIR: &str = "sdk-rust";

/// Every generated file of the SDK: `(path relative to sdk-rust/, contents)`.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    vec![("src/generated.rs".to_owned(), generated(schema))]
}

fn generated(schema: &Schema) -> String {
    let mut out = String::new();
    out.push_str("use crate::filter::{\n    ArrayField, BooleanField, DateField, DateTimeField, JsonField, MultiSelectField, NumberField,\n    SelectField, TextField, UuidField,\n};\n");
    out.push_str("use crate::client::{Client, Objects};\n");
    out.push_str("use crate::object::{Keys, Object, OrderField, SelectValue};\n");
    out.push_str("use crate::patch::Patch;\n");
    out.push_str("use crate::types::{LinkItem, PhoneItem};\n");
    out.push_str("use serde::{Deserialize, Serialize};\n");
    out.push_str("use std::marker::PhantomData;\n");
    out.push_str("use uuid::Uuid;\n\n");
    out.push_str(&select_enum(
        "ActorSource",
        "Where a change came from (the `source` of an `Actor`).",
        &ACTOR_SOURCES,
    ));
    out.push_str(&error_code_enum());
    out.push_str(&composites());
    for object in &schema.objects {
        for field in &object.fields {
            if field.relation.is_none() && field.field_type.has_options() {
                out.push_str(&select_enum(
                    &enum_name(object, field),
                    &format!("The values of {} `{}`.", object.label_singular, field.name),
                    &field.option_values(),
                ));
            }
        }
        out.push_str(&record(object));
        out.push_str(&create(object));
        out.push_str(&update(object));
        out.push_str(&order(object));
        out.push_str(&object_impl(object));
    }
    out.push_str(&filters());
    out.push_str(&filter_comparators());
    out.push_str(&accessors(schema));
    out.push_str(&client_accessors(schema));
    let trimmed = out.trim_end().to_owned();
    trimmed + "\n"
}

const KEYWORDS: [&str; 38] = [
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "box", "try", "gen",
];

/// `domainName` → `domain_name` (a raw identifier for a keyword).
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if KEYWORDS.contains(&out.as_str()) {
        format!("r#{out}")
    } else {
        out
    }
}

/// `name.firstName` → `NameFirstName`.
fn variant(path: &str) -> String {
    path.split('.').map(upper_first).collect()
}

fn doc(indent: &str, text: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines() {
        let _ = writeln!(out, "{indent}/// {}", line.trim_end());
    }
    out
}

fn literal(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn sub_field_type(sub: &SubField) -> String {
    match (sub.items, sub.name) {
        (Some(Items::Strings), _) => "Vec<String>".to_owned(),
        (Some(Items::Records { type_name, .. }), _) => format!("Vec<{type_name}>"),
        (None, "context") => "serde_json::Map<String, serde_json::Value>".to_owned(),
        (None, _) if sub.field_type == FieldType::Select => "ActorSource".to_owned(),
        (None, _) => scalar_type(sub.field_type).to_owned(),
    }
}

/// The Rust type of a non-composite, non-relation value.
fn scalar_type(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Uuid => "Uuid",
        FieldType::Number | FieldType::Position | FieldType::Numeric => "f64",
        FieldType::Boolean => "bool",
        FieldType::MultiSelect | FieldType::Array => "Vec<String>",
        FieldType::RawJson => "serde_json::Value",
        _ => "String",
    }
}

/// The composites: every sub-field optional (records carry nulls there, inputs omit them).
fn composites() -> String {
    let mut out = String::new();
    for composite in &COMPOSITES {
        out.push_str(&doc("", composite_description(composite.field_type)));
        out.push_str("///\n/// Every sub-field is optional: `None` is `null` in a record and left out of an input.\n");
        out.push_str("#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]\n");
        let _ = writeln!(out, "pub struct {} {{", composite.type_name);
        for sub in composite.sub_fields {
            if sub.read_only {
                out.push_str("    /// Filled in by the server; an input leaves it out.\n");
            }
            let _ = writeln!(
                out,
                "    #[serde(rename = {}, default, skip_serializing_if = \"Option::is_none\")]",
                literal(sub.name)
            );
            let _ = writeln!(
                out,
                "    pub {}: Option<{}>,",
                snake(sub.name),
                sub_field_type(sub)
            );
        }
        out.push_str("}\n\n");
    }
    out
}

fn join_column(field: &Field) -> String {
    field
        .join_column()
        .unwrap_or_else(|| format!("{}Id", field.name))
}

fn field_doc(field: &Field) -> String {
    doc("    ", field.description.as_deref().unwrap_or(&field.label))
}

fn rename(name: &str, extra: &str) -> String {
    format!("    #[serde(rename = {}{extra})]\n", literal(name))
}

/// The value type of a non-relation field (without the nullability).
fn value_type(object: &Object, field: &Field) -> String {
    match field.field_type {
        FieldType::Select | FieldType::Rating => return enum_name(object, field),
        FieldType::MultiSelect => return format!("Vec<{}>", enum_name(object, field)),
        _ => {}
    }
    match field.field_type.composite() {
        Some(composite) => composite.type_name.to_owned(),
        None => scalar_type(field.field_type).to_owned(),
    }
}

/// The enum of a select field's values: `OpportunityStage`.
fn enum_name(object: &Object, field: &Field) -> String {
    format!("{}{}", object.type_name(), upper_first(&field.name))
}

/// `RATING_1` → `Rating1`, `NEW` → `New` (a leading digit gets a `V`).
fn value_variant(value: &str) -> String {
    let mut out = String::new();
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// An enum of select values, serialized as the values themselves, with a catch-all
/// variant for a value this SDK does not know (an option added to the model after it was
/// generated): a record holding one still reads.
fn select_enum(name: &str, summary: &str, values: &[&str]) -> String {
    let variants: Vec<String> = values.iter().map(|v| value_variant(v)).collect();
    let unknown = (0..)
        .map(|n| match n {
            0 => "UnknownValue".to_owned(),
            n => format!("UnknownValue{n}"),
        })
        .find(|candidate| !variants.contains(candidate))
        .unwrap_or_default();
    let mut out = doc("", summary);
    out.push_str(
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
",
    );
    let _ = writeln!(out, "pub enum {name} {{");
    for (value, variant) in values.iter().zip(&variants) {
        let _ = writeln!(out, "    #[serde(rename = {})]", literal(value));
        let _ = writeln!(out, "    {variant},");
    }
    out.push_str(
        "    /// A value this SDK does not know (an option added after it was generated): the\n    /// record still reads; sent back, the server refuses it.\n    #[serde(other)]\n",
    );
    let _ = writeln!(out, "    {unknown},");
    out.push_str("}\n\n");
    let _ = writeln!(out, "impl SelectValue for {name} {{");
    out.push_str("    fn as_str(&self) -> &'static str {\n        match self {\n");
    for (value, variant) in values.iter().zip(&variants) {
        let _ = writeln!(out, "            Self::{variant} => {},", literal(value));
    }
    let _ = writeln!(out, "            Self::{unknown} => {:?},", unknown);
    out.push_str("        }\n    }\n}\n\n");
    out
}

/// The server's documented error codes as an enum, with a variant for a code this SDK does
/// not know.
fn error_code_enum() -> String {
    let codes = crate::model::client_codes();
    let variant = |code: &str| {
        code.split('_')
            .map(|w| {
                let mut chars = w.chars();
                chars.next().map_or(String::new(), |c| {
                    c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                })
            })
            .collect::<String>()
    };
    let mut out = doc(
        "",
        "A documented error code of the server's API (`ApiError::error_code`); a code newer than this SDK is `Unknown`.",
    );
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum ErrorCode {\n");
    for (code, when) in &codes {
        let _ = writeln!(out, "    /// {when}");
        let _ = writeln!(out, "    {},", variant(code));
    }
    out.push_str("    /// A code this SDK does not know, as the server sent it.\n    Unknown(String),\n}\n\n");
    out.push_str("impl ErrorCode {\n    /// The code of `text`.\n    pub fn parse(text: &str) -> ErrorCode {\n        match text {\n");
    for (code, _) in &codes {
        let _ = writeln!(out, "            {code:?} => ErrorCode::{},", variant(code));
    }
    out.push_str(
        "            other => ErrorCode::Unknown(other.to_owned()),\n        }\n    }\n\n",
    );
    out.push_str("    /// The code as the server writes it.\n    pub fn as_str(&self) -> &str {\n        match self {\n");
    for (code, _) in &codes {
        let _ = writeln!(out, "            ErrorCode::{} => {code:?},", variant(code));
    }
    out.push_str("            ErrorCode::Unknown(code) => code,\n        }\n    }\n}\n\n");
    out
}

fn record(object: &Object) -> String {
    let name = object.type_name();
    let mut out = doc(
        "",
        &format!(
            "A {} as the API returns it. Relations are present only at depth 1 (the server's default).",
            object.label_singular
        ),
    );
    out.push_str("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n");
    let _ = writeln!(out, "pub struct {name} {{");
    for field in &object.fields {
        let Some(presence) = field.in_body(Body::Response) else {
            continue;
        };
        if let Some(relation) = &field.relation {
            let target = upper_first(&relation.target);
            match relation.kind {
                RelationKind::ManyToOne => {
                    let join = join_column(field);
                    out.push_str(&doc(
                        "    ",
                        &format!("Id of the related {} (`{}`).", relation.target, field.name),
                    ));
                    let ty = if presence.nullable {
                        out.push_str(&rename(&join, ", default"));
                        "Option<Uuid>"
                    } else {
                        out.push_str(&rename(&join, ""));
                        "Uuid"
                    };
                    let _ = writeln!(out, "    pub {}: {ty},", snake(&join));
                    out.push_str(&field_doc(field));
                    out.push_str(&rename(
                        &field.name,
                        ", default, skip_serializing_if = \"Option::is_none\"",
                    ));
                    let _ = writeln!(
                        out,
                        "    pub {}: Option<Box<{target}>>,",
                        snake(&field.name)
                    );
                }
                RelationKind::OneToMany => {
                    out.push_str(&field_doc(field));
                    out.push_str(&rename(
                        &field.name,
                        ", default, skip_serializing_if = \"Option::is_none\"",
                    ));
                    let _ = writeln!(
                        out,
                        "    pub {}: Option<Vec<{target}>>,",
                        snake(&field.name)
                    );
                }
            }
            continue;
        }
        out.push_str(&field_doc(field));
        let value = value_type(object, field);
        let ty = if field.field_type.composite().is_some() {
            out.push_str(&rename(
                &field.name,
                ", default, deserialize_with = \"crate::types::null_as_default\"",
            ));
            value
        } else if field.field_type == FieldType::RawJson {
            out.push_str(&rename(&field.name, ", default"));
            value
        } else if presence.nullable {
            out.push_str(&rename(&field.name, ", default"));
            format!("Option<{value}>")
        } else {
            out.push_str(&rename(&field.name, ""));
            value
        };
        let _ = writeln!(out, "    pub {}: {ty},", snake(&field.name));
    }
    out.push_str("}\n\n");
    out
}

/// The fields a `body` input carries: `(field, how it appears, wire name, Rust type of
/// the value)`.
fn input_fields(object: &Object, body: Body) -> Vec<(&Field, Presence, String, String)> {
    let mut fields = Vec::new();
    for field in &object.fields {
        let Some(presence) = field.in_body(body) else {
            continue;
        };
        if field.relation.is_some() {
            // Only a many-to-one relation is an input: as its join column.
            fields.push((field, presence, join_column(field), "Uuid".to_owned()));
            continue;
        }
        fields.push((
            field,
            presence,
            field.name.clone(),
            value_type(object, field),
        ));
    }
    fields
}

fn create(object: &Object) -> String {
    let name = object.type_name();
    let mut out = doc(
        "",
        &format!(
            "A {} to create. `None` fields take their default; the others are NOT NULL without a default.",
            object.label_singular
        ),
    );
    out.push_str("#[derive(Debug, Clone, Default, PartialEq, Serialize)]\n");
    let _ = writeln!(out, "pub struct {name}Create {{");
    for (field, presence, wire, value) in input_fields(object, Body::Create) {
        out.push_str(&field_doc(field));
        if presence.required {
            out.push_str(&rename(&wire, ""));
            let _ = writeln!(out, "    pub {}: {value},", snake(&wire));
        } else {
            out.push_str(&rename(
                &wire,
                ", skip_serializing_if = \"Option::is_none\"",
            ));
            let _ = writeln!(out, "    pub {}: Option<{value}>,", snake(&wire));
        }
    }
    out.push_str("}\n\n");
    out
}

fn update(object: &Object) -> String {
    let name = object.type_name();
    let mut out = doc(
        "",
        &format!(
            "The fields of a {} to change. Unset fields are left as they are; `Patch::Null` clears a nullable one.",
            object.label_singular
        ),
    );
    out.push_str("#[derive(Debug, Clone, Default, PartialEq, Serialize)]\n");
    let _ = writeln!(out, "pub struct {name}Update {{");
    for (field, presence, wire, value) in input_fields(object, Body::Update) {
        out.push_str(&field_doc(field));
        if presence.nullable {
            out.push_str(&rename(
                &wire,
                ", skip_serializing_if = \"Patch::is_unchanged\"",
            ));
            let _ = writeln!(out, "    pub {}: Patch<{value}>,", snake(&wire));
        } else {
            out.push_str(&rename(
                &wire,
                ", skip_serializing_if = \"Option::is_none\"",
            ));
            let _ = writeln!(out, "    pub {}: Option<{value}>,", snake(&wire));
        }
    }
    out.push_str("}\n\n");
    out
}

fn order(object: &Object) -> String {
    let name = object.type_name();
    let paths = order_fields(object);
    let mut out = doc(
        "",
        &format!("What {} can be sorted by.", object.label_plural),
    );
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n");
    let _ = writeln!(out, "pub enum {name}OrderField {{");
    for path in &paths {
        let _ = writeln!(out, "    /// `{path}`");
        let _ = writeln!(out, "    {},", variant(path));
    }
    out.push_str("}\n\n");
    let _ = writeln!(out, "impl OrderField for {name}OrderField {{");
    out.push_str("    fn as_str(&self) -> &'static str {\n        match self {\n");
    for path in &paths {
        let _ = writeln!(
            out,
            "            Self::{} => {},",
            variant(path),
            literal(path)
        );
    }
    out.push_str("        }\n    }\n}\n\n");
    out
}

fn object_impl(object: &Object) -> String {
    let name = object.type_name();
    let mut out = String::new();
    let _ = writeln!(out, "impl Object for {name} {{");
    let _ = writeln!(out, "    type Create = {name}Create;");
    let _ = writeln!(out, "    type Update = {name}Update;");
    let _ = writeln!(out, "    type OrderField = {name}OrderField;");
    let _ = writeln!(
        out,
        "    const NAME_PLURAL: &'static str = {};",
        literal(&object.name_plural)
    );
    out.push_str("    const KEYS: Keys = Keys {\n");
    for (operation, key) in envelope_keys(object) {
        let _ = writeln!(out, "        {}: {},", snake(operation), literal(&key));
    }
    out.push_str("    };\n");
    let _ = writeln!(
        out,
        "    fn id(record: &Self) -> Uuid {{\n        record.id\n    }}"
    );
    out.push_str("}\n\n");
    out
}

/// The SDK's filter field type (in `filter.rs`) for a kind of value.
fn kind_filter(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Text => "TextField",
        ValueKind::Uuid => "UuidField",
        ValueKind::Number | ValueKind::Numeric => "NumberField",
        ValueKind::Boolean => "BooleanField",
        ValueKind::DateTime => "DateTimeField",
        ValueKind::Date => "DateField",
        ValueKind::Select => "SelectField",
        ValueKind::MultiSelect => "MultiSelectField",
        ValueKind::Array => "ArrayField",
        ValueKind::Json => "JsonField",
    }
}

/// The filter field of a sub-field.
fn sub_field_filter(sub: &SubField) -> &'static str {
    kind_filter(ValueKind::of_type(sub.field_type).unwrap_or(ValueKind::Text))
}

/// Per kind of value, its filter field type and the comparators the server accepts (the
/// model's table). The hand-written field types in `filter.rs` are tested against it, so
/// the SDK offers exactly the server's comparators.
fn filter_comparators() -> String {
    let mut out = doc(
        "",
        "Per kind of value, the SDK's filter field type and the comparators the server accepts on it; `filter.rs`'s tests check its field types against this table.",
    );
    out.push_str(
        "#[cfg(test)]
pub(crate) const FILTER_COMPARATORS: &[(&str, &[&str])] = &[
",
    );
    for kind in ValueKind::ALL {
        let names: Vec<String> = kind
            .comparators()
            .iter()
            .map(|c| format!("{:?}", c.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "    ({:?}, &[{}]),",
            kind_filter(kind),
            names.join(", ")
        );
    }
    out.push_str(
        "];
",
    );
    out
}

/// The filter field type of an object's field (`None` when it cannot be compared).
fn field_filter(object: &Object, field: &Field) -> Option<(String, String)> {
    if let Some(relation) = &field.relation {
        return match relation.kind {
            RelationKind::ManyToOne => Some((join_column(field), "UuidField<O>".to_owned())),
            RelationKind::OneToMany => None,
        };
    }
    if let Some(composite) = field.field_type.composite() {
        return Some((
            field.name.clone(),
            format!("{}Filter<O>", composite.type_name),
        ));
    }
    let kind = ValueKind::of_type(field.field_type)?;
    let filter = kind_filter(kind);
    let ty = match kind {
        ValueKind::Select | ValueKind::MultiSelect => {
            format!("{filter}<O, {}>", enum_name(object, field))
        }
        _ => format!("{filter}<O>"),
    };
    Some((field.name.clone(), ty))
}

/// The composites' filters: one comparable field per sub-field.
fn filters() -> String {
    let mut out = String::new();
    for composite in &COMPOSITES {
        let name = format!("{}Filter", composite.type_name);
        out.push_str(&doc(
            "",
            &format!(
                "Compares a `{}` through its sub-fields.",
                composite.type_name
            ),
        ));
        out.push_str("#[derive(Debug, Clone)]\n");
        let _ = writeln!(
            out,
            "pub struct {name}<O> {{\n    field: &'static str,\n    object: PhantomData<fn() -> O>,\n}}\n"
        );
        let _ = writeln!(out, "impl<O> {name}<O> {{");
        out.push_str("    /// The filter of the composite field with this wire name.\n");
        out.push_str("    pub const fn new(field: &'static str) -> Self {\n        Self { field, object: PhantomData }\n    }\n");
        for sub in composite.sub_fields {
            let _ = writeln!(out, "    /// `<field>.{}`", sub.name);
            let kind = sub_field_filter(sub);
            let params = if sub.field_type == FieldType::Select {
                "<O, ActorSource>"
            } else {
                "<O>"
            };
            let _ = writeln!(
                out,
                "    pub fn {}(&self) -> {kind}{params} {{\n        {kind}::sub(self.field, {})\n    }}",
                snake(sub.name),
                literal(sub.name)
            );
        }
        out.push_str("}\n\n");
    }
    out
}

/// Per object a module of filter fields (`filters::person::city()`).
fn accessors(schema: &Schema) -> String {
    let mut out = String::new();
    out.push_str(
        "/// The typed filter fields of each object: `filters::person::city().eq(\"Paris\")`.\n",
    );
    out.push_str("pub mod filters {\n");
    for object in &schema.objects {
        let name = object.type_name();
        out.push_str(&doc(
            "    ",
            &format!("The fields {} can be filtered on.", object.label_plural),
        ));
        let _ = writeln!(out, "    pub mod {} {{", snake(&object.name_singular));
        out.push_str("        #[allow(unused_imports)]\n        use super::super::*;\n");
        let _ = writeln!(out, "        type O = {name};");
        for field in &object.fields {
            let Some((key, ty)) = field_filter(object, field) else {
                continue;
            };
            out.push_str(&doc(
                "        ",
                field.description.as_deref().unwrap_or(&field.label),
            ));
            let constructor = ty.split('<').next().unwrap_or_default();
            let _ = writeln!(
                out,
                "        pub fn {}() -> {ty} {{\n            {constructor}::new({})\n        }}",
                snake(&key),
                literal(&key)
            );
        }
        out.push_str("    }\n\n");
    }
    let trimmed = out.trim_end().to_owned();
    trimmed + "\n}\n"
}

/// `client.people()`, … on the client.
fn client_accessors(schema: &Schema) -> String {
    let mut out = String::from("\nimpl Client {\n");
    for object in &schema.objects {
        out.push_str(&doc(
            "    ",
            &format!("{} (`/rest/{}`).", object.label_plural, object.name_plural),
        ));
        let _ = writeln!(
            out,
            "    pub fn {}(&self) -> Objects<'_, {}> {{\n        self.object()\n    }}",
            snake(&object.name_plural),
            object.type_name()
        );
    }
    out.push_str("}\n");
    out
}
