//! The typed filter and order-by: the comparator types of each kind of value (the REST
//! grammar's rules: which comparators apply to which field type), the composites' filters,
//! and per object its filter (`and` / `or` / `not` and one entry per field) and order-by.

use super::{doc, union_of};
use crate::model::{
    COMPOSITES, Comparator, Direction, Field, FieldType, Object, RelationKind, SubField, ValueKind,
};
use std::fmt::Write;

/// How values of one kind are compared: the filter type's name, the TypeScript type of
/// an operand, and the model's kind, whose comparators apply.
struct Kind {
    name: &'static str,
    generic: bool,
    operand: &'static str,
    value: ValueKind,
}

impl Kind {
    fn comparators(&self) -> &'static [Comparator] {
        self.value.comparators()
    }
}

use Comparator::*;

const TEXT: Kind = Kind {
    name: "TextFilter",
    generic: false,
    operand: "string",
    value: ValueKind::Text,
};
const UUID: Kind = Kind {
    name: "UuidFilter",
    generic: false,
    operand: "string",
    value: ValueKind::Uuid,
};
const NUMBER: Kind = Kind {
    name: "NumberFilter",
    generic: false,
    operand: "number",
    value: ValueKind::Number,
};
const BOOLEAN: Kind = Kind {
    name: "BooleanFilter",
    generic: false,
    operand: "boolean",
    value: ValueKind::Boolean,
};
const DATE_TIME: Kind = Kind {
    name: "DateTimeFilter",
    generic: false,
    operand: "string | Date",
    value: ValueKind::DateTime,
};
const DATE: Kind = Kind {
    name: "DateFilter",
    generic: false,
    operand: "string",
    value: ValueKind::Date,
};
const SELECT: Kind = Kind {
    name: "SelectFilter",
    generic: true,
    operand: "T",
    value: ValueKind::Select,
};
const MULTI_SELECT: Kind = Kind {
    name: "MultiSelectFilter",
    generic: true,
    operand: "T",
    value: ValueKind::MultiSelect,
};
const ARRAY: Kind = Kind {
    name: "ArrayFilter",
    generic: false,
    operand: "string",
    value: ValueKind::Array,
};
const JSON: Kind = Kind {
    name: "JsonFilter",
    generic: false,
    operand: "unknown",
    value: ValueKind::Json,
};

const KINDS: [&Kind; 10] = [
    &TEXT,
    &UUID,
    &NUMBER,
    &BOOLEAN,
    &DATE_TIME,
    &DATE,
    &SELECT,
    &MULTI_SELECT,
    &ARRAY,
    &JSON,
];

/// `filters.ts`: the comparator types, the composites' filters and the order directions.
pub(super) fn comparator_types() -> String {
    let mut out = String::new();
    out.push_str("import type { ActorSource } from \"./composites.js\";\n\n");
    out.push_str(&doc("", "The operand of `is`."));
    out.push_str("export type NullCheck = \"NULL\" | \"NOT_NULL\";\n\n");
    out.push_str(&doc(
        "",
        &format!(
            "A sort direction; `{}` is the server's default.",
            Direction::default().as_str()
        ),
    ));
    let directions: Vec<&str> = Direction::ALL.iter().map(|d| d.as_str()).collect();
    let _ = writeln!(
        out,
        "export type OrderDirection = {};\n",
        union_of(&directions)
    );
    for kind in KINDS {
        let head = if kind.generic {
            format!("{}<T extends string>", kind.name)
        } else {
            kind.name.to_owned()
        };
        out.push_str(&doc(
            "",
            "The comparators that apply to this kind of value; several in one object must all hold.",
        ));
        let _ = writeln!(out, "export interface {head} {{");
        for comparator in kind.comparators() {
            let operand = match comparator {
                Is => "NullCheck".to_owned(),
                In | ContainsAny if kind.operand.contains('|') => {
                    format!("readonly ({})[]", kind.operand)
                }
                In | ContainsAny => format!("readonly {}[]", kind.operand),
                _ => kind.operand.to_owned(),
            };
            out.push_str(&doc("  ", comparator.doc()));
            let _ = writeln!(out, "  {}?: {operand};", comparator.as_str());
        }
        out.push_str("}\n\n");
    }
    for composite in &COMPOSITES {
        out.push_str(&doc(
            "",
            &format!(
                "Compares a `{}` through its sub-fields.",
                composite.type_name
            ),
        ));
        let _ = writeln!(out, "export interface {}Filter {{", composite.type_name);
        for sub in composite.sub_fields {
            let _ = writeln!(out, "  {}?: {};", sub.name, sub_field_filter(sub));
        }
        out.push_str("}\n\n");
    }
    out
}

fn sub_field_filter(sub: &SubField) -> String {
    let kind = sub_kind(sub);
    if kind.generic {
        format!("{}<ActorSource>", kind.name)
    } else {
        kind.name.to_owned()
    }
}

/// The filter type of a kind of value (NUMBER and NUMERIC share `NumberFilter`).
fn filter_kind(value: ValueKind) -> &'static Kind {
    match value {
        ValueKind::Text => &TEXT,
        ValueKind::Uuid => &UUID,
        ValueKind::Number | ValueKind::Numeric => &NUMBER,
        ValueKind::Boolean => &BOOLEAN,
        ValueKind::DateTime => &DATE_TIME,
        ValueKind::Date => &DATE,
        ValueKind::Select => &SELECT,
        ValueKind::MultiSelect => &MULTI_SELECT,
        ValueKind::Array => &ARRAY,
        ValueKind::Json => &JSON,
    }
}

/// How a composite's sub-field is compared.
fn sub_kind(sub: &SubField) -> &'static Kind {
    filter_kind(ValueKind::of_type(sub.field_type).unwrap_or(ValueKind::Text))
}

/// How a scalar field (not a relation, not a composite) is compared; `None`: it cannot be.
fn scalar_kind(field_type: FieldType) -> Option<&'static Kind> {
    ValueKind::of_type(field_type).map(filter_kind)
}

/// The names `types.ts` imports from `filters.ts`.
pub(super) fn imported_names() -> Vec<String> {
    let mut names = vec!["OrderDirection".to_owned()];
    names.extend(KINDS.iter().map(|k| k.name.to_owned()));
    names.extend(COMPOSITES.iter().map(|c| format!("{}Filter", c.type_name)));
    names
}

/// The filter key of a field and its filter type; `None` when the field cannot be compared.
pub(super) fn field_filter(field: &Field) -> Option<(String, String)> {
    if let Some(relation) = &field.relation {
        return match relation.kind {
            RelationKind::ManyToOne => Some((
                field
                    .join_column()
                    .unwrap_or_else(|| format!("{}Id", field.name)),
                UUID.name.to_owned(),
            )),
            RelationKind::OneToMany => None,
        };
    }
    if let Some(composite) = field.field_type.composite() {
        return Some((field.name.clone(), format!("{}Filter", composite.type_name)));
    }
    let kind = scalar_kind(field.field_type)?;
    let filter = if kind.generic {
        format!("{}<{}>", kind.name, union_of(&field.option_values()))
    } else {
        kind.name.to_owned()
    };
    Some((field.name.clone(), filter))
}

/// The keys of an object's filter whose value is a composite's filter (sub-field keys).
pub(crate) fn composite_keys(object: &Object) -> Vec<String> {
    object
        .fields
        .iter()
        .filter(|f| f.relation.is_none() && f.field_type.composite().is_some())
        .map(|f| f.name.clone())
        .collect()
}

/// The names an object can be ordered by: orderable fields, `<field>Id` of a many-to-one
/// relation, and `field.subField` for a composite's orderable sub-fields.
pub(crate) fn order_fields(object: &Object) -> Vec<String> {
    let mut names = Vec::new();
    for field in &object.fields {
        if let Some(relation) = &field.relation {
            if relation.kind == RelationKind::ManyToOne
                && let Some(join) = field.join_column()
            {
                names.push(join);
            }
            continue;
        }
        if let Some(composite) = field.field_type.composite() {
            for sub in composite.sub_fields {
                if ValueKind::of_type(sub.field_type).is_some_and(ValueKind::orderable) {
                    names.push(format!("{}.{}", field.name, sub.name));
                }
            }
            continue;
        }
        if ValueKind::of_type(field.field_type).is_some_and(ValueKind::orderable) {
            names.push(field.name.clone());
        }
    }
    names
}

/// An object's filter and order-by types.
pub(super) fn object_filter_types(object: &Object) -> String {
    let name = object.type_name();
    let mut out = doc(
        "",
        &format!(
            "Which {} to keep: every entry must hold (and `and`, `or`, `not` combine filters).",
            object.label_plural
        ),
    );
    let _ = writeln!(out, "export interface {name}Filter {{");
    let _ = writeln!(out, "  and?: readonly {name}Filter[];");
    let _ = writeln!(out, "  or?: readonly {name}Filter[];");
    let _ = writeln!(out, "  not?: {name}Filter;");
    for field in &object.fields {
        if let Some((key, filter)) = field_filter(field) {
            let _ = writeln!(out, "  {key}?: {filter};");
        }
    }
    out.push_str("}\n\n");
    out.push_str(&doc(
        "",
        &format!("What {} can be sorted by.", object.label_plural),
    ));
    let fields = order_fields(object);
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "export type {name}OrderField = {};\n",
        union_of(&fields)
    );
    out.push_str(&doc(
        "",
        "A sort key: a field (ascending, nulls first), or `{ field: direction }`.",
    ));
    let _ = writeln!(
        out,
        "export type {name}OrderBy = {name}OrderField | {{ readonly [K in {name}OrderField]?: OrderDirection }};"
    );
    out
}

/// `test/generated/comparator-cases.ts`: for the first field (or sub-field) of each kind of
/// value in the model, a sample operand, the comparators the SDK's types allow and the ones
/// they leave out. The live test sends each to the server: allowed ones must be accepted,
/// the others refused, so the types and the server's rules cannot drift apart.
pub(super) fn comparator_cases(schema: &crate::model::Schema) -> String {
    let all = Comparator::ALL;
    let mut seen: Vec<String> = Vec::new();
    let mut cases = Vec::new();
    for object in &schema.objects {
        for field in &object.fields {
            // (label of the kind, path, kind, sample operand)
            let mut candidates: Vec<(String, String, &'static Kind, String)> = Vec::new();
            if let Some(relation) = &field.relation {
                if relation.kind == RelationKind::ManyToOne
                    && let Some(join) = field.join_column()
                {
                    candidates.push((
                        "relation id".to_owned(),
                        join,
                        &UUID,
                        "\"00000000-0000-4000-8000-000000000000\"".to_owned(),
                    ));
                }
            } else if let Some(composite) = field.field_type.composite() {
                for sub in composite.sub_fields {
                    let kind = sub_kind(sub);
                    let sample = match sub.field_type {
                        FieldType::Select => super::literal(crate::model::ACTOR_SOURCES[0]),
                        _ => sample(kind, &[]),
                    };
                    candidates.push((
                        format!("{} sub-field", kind.name),
                        format!("{}.{}", field.name, sub.name),
                        kind,
                        sample,
                    ));
                }
            } else if let Some(kind) = scalar_kind(field.field_type) {
                candidates.push((
                    format!("{} field", kind.name),
                    field.name.clone(),
                    kind,
                    sample(kind, &field.option_values()),
                ));
            }
            for (label, path, kind, operand) in candidates {
                if seen.contains(&label) {
                    continue;
                }
                seen.push(label.clone());
                let accepted: Vec<&str> = kind.comparators().iter().map(|c| c.as_str()).collect();
                let refused: Vec<&str> = all
                    .iter()
                    .filter(|c| !kind.value.accepts(**c))
                    .map(|c| c.as_str())
                    .collect();
                let list = |names: &[&str]| {
                    names
                        .iter()
                        .map(|n| super::literal(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                cases.push(format!(
                    "  {{\n    kind: {},\n    object: {},\n    path: {},\n    operand: {operand},\n    accepted: [{}],\n    refused: [{}],\n  }},\n",
                    super::literal(&label),
                    super::literal(&object.name_plural),
                    super::literal(&path),
                    list(&accepted),
                    list(&refused),
                ));
            }
        }
    }
    let mut out = String::from(
        "/** One kind of value: a field (or sub-field) of that kind, an operand, the comparators the types allow and the others. */\n\
         export interface ComparatorCase {\n  kind: string;\n  object: string;\n  path: string;\n  operand: string | number | boolean;\n  accepted: readonly string[];\n  refused: readonly string[];\n}\n\n\
         export const COMPARATOR_CASES: readonly ComparatorCase[] = [\n",
    );
    for case in cases {
        out.push_str(&case);
    }
    out.push_str("];\n");
    out
}

/// A valid operand of a kind (for a select: its first option).
fn sample(kind: &Kind, options: &[&str]) -> String {
    match kind.name {
        "UuidFilter" => "\"00000000-0000-4000-8000-000000000000\"".to_owned(),
        "NumberFilter" => "1".to_owned(),
        "BooleanFilter" => "true".to_owned(),
        "DateTimeFilter" => "\"2025-01-01T00:00:00.000Z\"".to_owned(),
        "DateFilter" => "\"2025-01-01\"".to_owned(),
        "SelectFilter" | "MultiSelectFilter" => {
            super::literal(options.first().copied().unwrap_or("x"))
        }
        _ => "\"x\"".to_owned(),
    }
}
