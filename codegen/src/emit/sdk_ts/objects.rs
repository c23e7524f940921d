//! `objects.ts`: per object the names the runtime needs (REST path, envelope keys, which
//! filter keys are composites), its type map, and the client's per-object properties.

use super::types::names_literal;
use super::{doc, filter, literal};
use crate::model::{Object, Schema};
use std::fmt::Write;

pub(super) fn objects(schema: &Schema) -> String {
    let mut out = String::new();
    out.push_str(
        "import type { ObjectClient, ObjectDescriptor, ObjectTypes } from \"../object-client.js\";\n",
    );
    let mut names = Vec::new();
    for object in &schema.objects {
        let name = object.type_name();
        for suffix in ["", "CreateInput", "UpdateInput", "Filter", "OrderBy"] {
            names.push(format!("{name}{suffix}"));
        }
    }
    let _ = writeln!(
        out,
        "import type {{\n{}\n}} from \"./types.js\";\n",
        names
            .iter()
            .map(|n| format!("  {n},"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    for object in &schema.objects {
        let name = object.type_name();
        out.push_str(&doc(
            "",
            &format!("The types of {} records.", object.label_singular),
        ));
        let _ = writeln!(out, "export interface {name}Types extends ObjectTypes {{");
        let _ = writeln!(out, "  record: {name};");
        let _ = writeln!(out, "  create: {name}CreateInput;");
        let _ = writeln!(out, "  update: {name}UpdateInput;");
        let _ = writeln!(out, "  filter: {name}Filter;");
        let _ = writeln!(out, "  orderBy: {name}OrderBy;");
        let relations: Vec<String> = object
            .fields
            .iter()
            .filter(|f| f.relation.is_some())
            .map(|f| format!("{:?}", f.name))
            .collect();
        let relations = match relations.is_empty() {
            true => "never".to_owned(),
            false => relations.join(" | "),
        };
        let _ = writeln!(out, "  relations: {relations};");
        out.push_str("}\n\n");
    }

    out.push_str(&doc(
        "",
        "The client's per-object properties, keyed by `namePlural`.",
    ));
    out.push_str("export interface TwentyObjects {\n");
    for object in &schema.objects {
        out.push_str(&doc(
            "  ",
            &format!("{} (`/rest/{}`).", object.label_plural, object.name_plural),
        ));
        let _ = writeln!(
            out,
            "  readonly {}: ObjectClient<{}Types>;",
            object.name_plural,
            object.type_name()
        );
    }
    out.push_str("}\n\n");

    out.push_str(&doc(
        "",
        "What the runtime needs of each object: its REST path, envelope keys and composite filter keys.",
    ));
    out.push_str(
        "export const OBJECTS: { readonly [K in keyof TwentyObjects]: ObjectDescriptor } = {\n",
    );
    for object in &schema.objects {
        out.push_str(&descriptor(object));
    }
    out.push_str("};\n");
    out
}

/// The key under `data` of each REST operation's response: `(operation, key)`.
pub(crate) fn envelope_keys(object: &Object) -> [(&'static str, String); 8] {
    let name = object.type_name();
    let plural = object.plural_type_name();
    [
        ("findOne", object.name_singular.clone()),
        ("findMany", object.name_plural.clone()),
        ("create", format!("create{name}")),
        ("createMany", format!("create{plural}")),
        ("update", format!("update{name}")),
        ("updateMany", format!("update{plural}")),
        ("delete", format!("delete{name}")),
        ("restore", format!("restore{name}")),
    ]
}

fn descriptor(object: &Object) -> String {
    let keys = envelope_keys(object);
    let mut out = String::new();
    let _ = writeln!(out, "  {}: {{", object.name_plural);
    let _ = writeln!(out, "    nameSingular: {},", literal(&object.name_singular));
    let _ = writeln!(out, "    namePlural: {},", literal(&object.name_plural));
    out.push_str("    keys: {\n");
    for (operation, key) in keys {
        let _ = writeln!(out, "      {operation}: {},", literal(&key));
    }
    out.push_str("    },\n");
    let _ = writeln!(
        out,
        "    composites: {},",
        names_literal(&filter::composite_keys(object))
    );
    out.push_str("  },\n");
    out
}
