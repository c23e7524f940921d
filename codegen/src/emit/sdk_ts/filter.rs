//! The typed filter and order-by: the comparator types of each kind of value (the REST
//! grammar's rules: which comparators apply to which field type), the composites' filters,
//! and per object its filter (`and` / `or` / `not` and one entry per field) and order-by.

use super::{doc, union_of};
use crate::model::{
    COMPOSITES, Comparator, Direction, Field, FieldType, Object, RelationKind, SubField,
};
use std::fmt::Write;

/// How values of one kind are compared: the filter type's name, the TypeScript type of
/// an operand, and the comparators that apply (as the server's query engine checks them).
struct Kind {
    name: &'static str,
    generic: bool,
    operand: &'static str,
    comparators: &'static [Comparator],
}

use Comparator::*;

const TEXT: Kind = Kind {
    name: "TextFilter",
    generic: false,
    operand: "string",
    comparators: &[
        Eq, Neq, In, Is, Gt, Gte, Lt, Lte, StartsWith, EndsWith, Like, Ilike,
    ],
};
const UUID: Kind = Kind {
    name: "UuidFilter",
    generic: false,
    operand: "string",
    comparators: &[Eq, Neq, In, Is],
};
const NUMBER: Kind = Kind {
    name: "NumberFilter",
    generic: false,
    operand: "number",
    comparators: &[Eq, Neq, In, Is, Gt, Gte, Lt, Lte],
};
const BOOLEAN: Kind = Kind {
    name: "BooleanFilter",
    generic: false,
    operand: "boolean",
    comparators: &[Eq, Neq, Is],
};
const DATE_TIME: Kind = Kind {
    name: "DateTimeFilter",
    generic: false,
    operand: "string | Date",
    comparators: &[Eq, Neq, In, Is, Gt, Gte, Lt, Lte],
};
const DATE: Kind = Kind {
    name: "DateFilter",
    generic: false,
    operand: "string",
    comparators: &[Eq, Neq, In, Is, Gt, Gte, Lt, Lte],
};
const SELECT: Kind = Kind {
    name: "SelectFilter",
    generic: true,
    operand: "T",
    comparators: &[Eq, Neq, In, Is],
};
const MULTI_SELECT: Kind = Kind {
    name: "MultiSelectFilter",
    generic: true,
    operand: "T",
    comparators: &[ContainsAny, Is],
};
const ARRAY: Kind = Kind {
    name: "ArrayFilter",
    generic: false,
    operand: "string",
    comparators: &[ContainsAny, Is],
};
const JSON: Kind = Kind {
    name: "JsonFilter",
    generic: false,
    operand: "unknown",
    comparators: &[Is],
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
        for comparator in kind.comparators {
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

/// How a composite's sub-field is compared.
fn sub_kind(sub: &SubField) -> &'static Kind {
    match sub.field_type {
        FieldType::Select => &SELECT,
        FieldType::Numeric => &NUMBER,
        FieldType::Uuid => &UUID,
        FieldType::RawJson => &JSON,
        _ => &TEXT,
    }
}

/// How a scalar field (not a relation, not a composite) is compared; `None`: it cannot be.
fn scalar_kind(field_type: FieldType) -> Option<&'static Kind> {
    Some(match field_type {
        FieldType::Select | FieldType::Rating => &SELECT,
        FieldType::MultiSelect => &MULTI_SELECT,
        FieldType::Uuid => &UUID,
        FieldType::Text => &TEXT,
        FieldType::Number | FieldType::Position | FieldType::Numeric => &NUMBER,
        FieldType::Boolean => &BOOLEAN,
        FieldType::DateTime => &DATE_TIME,
        FieldType::Date => &DATE,
        FieldType::Array => &ARRAY,
        FieldType::RawJson => &JSON,
        _ => return None,
    })
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
                if sub.field_type != FieldType::RawJson {
                    names.push(format!("{}.{}", field.name, sub.name));
                }
            }
            continue;
        }
        if !matches!(
            field.field_type,
            FieldType::MultiSelect | FieldType::Array | FieldType::RawJson | FieldType::TsVector
        ) {
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
                let accepted: Vec<&str> = kind.comparators.iter().map(|c| c.as_str()).collect();
                let refused: Vec<&str> = all
                    .iter()
                    .filter(|c| !kind.comparators.contains(c))
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
