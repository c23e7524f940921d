//! The value types: the composites (`FullName`, `Links`, …) and per object the record as
//! the API returns it, the create input and the update input.

use super::{doc, literal, union_of};
use crate::model::{
    ACTOR_SOURCES, Body, COMPOSITES, CompositeType, Field, FieldType, Items, Object, RelationKind,
    Schema, SubField, upper_first,
};
use std::fmt::Write;

/// Which of the three per-object types a property is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Record,
    Create,
    Update,
}

impl Mode {
    /// The model's body the type is written for.
    fn body(self) -> Body {
        match self {
            Mode::Record => Body::Response,
            Mode::Create => Body::Create,
            Mode::Update => Body::Update,
        }
    }
}

/// `composites.ts`: one type per composite, shared by records and inputs.
pub(super) fn composites() -> String {
    let mut out = String::new();
    out.push_str(&doc(
        "",
        "Where a change came from (the `source` of an `Actor`).",
    ));
    let _ = writeln!(
        out,
        "export type ActorSource = {};\n",
        union_of(&ACTOR_SOURCES)
    );
    for composite in &COMPOSITES {
        out.push_str(&doc("", composite_description(composite)));
        let _ = writeln!(out, "export interface {} {{", composite.type_name);
        for sub in composite.sub_fields {
            let readonly = if sub.read_only { "readonly " } else { "" };
            let _ = writeln!(out, "  {readonly}{}?: {};", sub.name, sub_field_type(sub));
        }
        out.push_str("}\n\n");
    }
    out
}

fn composite_description(composite: &CompositeType) -> &'static str {
    match composite.field_type {
        FieldType::FullName => "A person's first and last name.",
        FieldType::Currency => {
            "An amount in micros (the amount × 1,000,000) and its ISO 4217 currency code."
        }
        FieldType::Address => "A postal address with optional coordinates.",
        FieldType::Links => "A primary link and any number of secondary links.",
        FieldType::Emails => "A primary email address and any number of additional ones.",
        FieldType::Phones => "A primary phone number and any number of additional ones.",
        FieldType::Actor => {
            "Who made a record; `workspaceMemberId` and `name` are filled in by the server."
        }
        FieldType::RichTextV2 => {
            "Rich text: a BlockNote document (JSON, as a string) and its Markdown."
        }
        _ => "A composite value.",
    }
}

/// A sub-field's type; the JSON sub-fields get their precise shapes, as in the OpenAPI document.
fn sub_field_type(sub: &SubField) -> String {
    let base = match (sub.items, sub.name) {
        (Some(Items::Strings), _) => "string[]".to_owned(),
        (Some(Items::Records { keys, .. }), _) => {
            let members: Vec<String> = keys
                .iter()
                .map(|key| format!("{key}?: string | null"))
                .collect();
            format!("{{ {} }}[]", members.join("; "))
        }
        (None, "context") => "{ [key: string]: unknown }".to_owned(),
        (None, _) if sub.field_type == FieldType::Select => "ActorSource".to_owned(),
        (None, _) => scalar_type(sub.field_type, &[]),
    };
    if sub.required {
        base
    } else {
        format!("{base} | null")
    }
}

/// The TypeScript type of a non-composite, non-relation value (without `null`).
fn scalar_type(field_type: FieldType, values: &[&str]) -> String {
    match field_type {
        FieldType::Uuid | FieldType::Text | FieldType::DateTime | FieldType::Date => {
            "string".to_owned()
        }
        FieldType::Number | FieldType::Position | FieldType::Numeric => "number".to_owned(),
        FieldType::Boolean => "boolean".to_owned(),
        FieldType::Select | FieldType::Rating => union_of(values),
        FieldType::MultiSelect => format!("({})[]", union_of(values)),
        FieldType::Array => "string[]".to_owned(),
        _ => "unknown".to_owned(),
    }
}

/// `types.ts`: per object its record, create input and update input.
pub(super) fn object_types(schema: &Schema) -> String {
    let mut out = String::new();
    let composites: Vec<&str> = COMPOSITES.iter().map(|c| c.type_name).collect();
    let _ = writeln!(
        out,
        "import type {{ {} }} from \"./composites.js\";\n",
        composites.join(", ")
    );
    let _ = writeln!(
        out,
        "import type {{ {} }} from \"./filters.js\";\n",
        super::filter::imported_names().join(", ")
    );
    for object in &schema.objects {
        for mode in [Mode::Record, Mode::Create, Mode::Update] {
            out.push_str(&object_type(object, mode));
            out.push('\n');
        }
        out.push_str(&super::filter::object_filter_types(object));
        out.push('\n');
    }
    out
}

/// The type name of an object's record / create input / update input.
pub(super) fn type_name(object: &Object, mode: Mode) -> String {
    type_name_of(&object.name_singular, mode)
}

fn type_name_of(name_singular: &str, mode: Mode) -> String {
    let base = upper_first(name_singular);
    match mode {
        Mode::Record => base,
        Mode::Create => format!("{base}CreateInput"),
        Mode::Update => format!("{base}UpdateInput"),
    }
}

fn object_type(object: &Object, mode: Mode) -> String {
    let label = &object.label_singular;
    let summary = match mode {
        Mode::Record => format!(
            "A {label} as the API returns it. Relations are present only at `depth: 1` (the server's default)."
        ),
        Mode::Create => format!(
            "A {label} to create. Optional fields take their default; the required ones are NOT NULL without a default."
        ),
        Mode::Update => format!(
            "The fields of a {label} to change: omitted fields are left as they are, `null` clears a nullable one."
        ),
    };
    let mut out = doc("", &summary);
    let _ = writeln!(out, "export interface {} {{", type_name(object, mode));
    for field in &object.fields {
        for property in properties(field, mode) {
            out.push_str(&property);
        }
    }
    out.push_str("}\n");
    out
}

/// The property lines one field contributes to a type.
fn properties(field: &Field, mode: Mode) -> Vec<String> {
    let Some(presence) = field.in_body(mode.body()) else {
        return Vec::new();
    };
    let input = mode != Mode::Record;
    // A record carries every field it was read with, so none is optional there.
    let optional = input && !presence.required;
    let mark = if optional { "?" } else { "" };
    let null = if presence.nullable { " | null" } else { "" };
    let comment = doc("  ", field.description.as_deref().unwrap_or(&field.label));

    if let Some(relation) = &field.relation {
        let target = type_name_of(&relation.target, Mode::Record);
        return match relation.kind {
            RelationKind::ManyToOne => {
                let join = field
                    .join_column()
                    .unwrap_or_else(|| format!("{}Id", field.name));
                let mut lines = vec![format!(
                    "{}  {join}{mark}: string{null};\n",
                    doc(
                        "  ",
                        &format!("Id of the related {} (`{}`).", relation.target, field.name)
                    )
                )];
                if mode == Mode::Record {
                    lines.push(format!("{comment}  {}?: {target}{null};\n", field.name));
                }
                lines
            }
            RelationKind::OneToMany if mode == Mode::Record => {
                vec![format!("{comment}  {}?: {target}[];\n", field.name)]
            }
            RelationKind::OneToMany => Vec::new(),
        };
    }

    let value = match field.field_type.composite() {
        Some(composite) => format!("{}{null}", composite.type_name),
        None if field.field_type == FieldType::RawJson => "unknown".to_owned(),
        None => format!(
            "{}{null}",
            scalar_type(field.field_type, &field.option_values())
        ),
    };
    vec![format!("{comment}  {}{mark}: {value};\n", field.name)]
}

/// `"a"` for names the runtime reads as strings.
pub(super) fn names_literal(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| literal(n)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `test/generated/record-keys.ts`: per object (by `namePlural`) the keys of a record read
/// at `depth: 0` (every field, relations as `<field>Id`) and the relation members `depth: 1`
/// adds; the live test compares them with what the server returns.
pub(super) fn record_keys(schema: &Schema) -> String {
    let mut out = String::from(
        "/** The keys of a record at `depth: 0`, and the relations `depth: 1` adds. */\n\
         export const RECORD_KEYS: { readonly [namePlural: string]: { readonly depth0: readonly string[]; readonly relations: readonly string[] } } = {\n",
    );
    for object in &schema.objects {
        let mut own = Vec::new();
        let mut relations = Vec::new();
        for field in &object.fields {
            if field.field_type == FieldType::TsVector {
                continue;
            }
            match &field.relation {
                Some(r) => {
                    if r.kind == RelationKind::ManyToOne
                        && let Some(join) = field.join_column()
                    {
                        own.push(join);
                    }
                    relations.push(field.name.clone());
                }
                None => own.push(field.name.clone()),
            }
        }
        let _ = writeln!(
            out,
            "  {}: {{\n    depth0: {},\n    relations: {},\n  }},",
            object.name_plural,
            names_literal(&own),
            names_literal(&relations)
        );
    }
    out.push_str("};\n");
    out
}
