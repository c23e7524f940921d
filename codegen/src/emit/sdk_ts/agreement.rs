//! `test/generated/openapi-agreement.ts`: type-level assertions, compiled by `tsc` in the
//! SDK's tests, that the SDK's types equal what openapi-typescript makes of the OpenAPI
//! document (generated from `openapi/core.json` when the tests run, never checked in).

use super::union_of;
use crate::model::{COMPOSITES, Schema};
use std::fmt::Write;

pub(super) fn agreement(schema: &Schema) -> String {
    let mut out = String::from(
        "// Compiled by `npm test` (sdk-ts) after openapi-typescript wrote ../.openapi/core.ts from\n\
         // openapi/core.json: a type that disagrees with the document fails the build.\n\
         import type { components } from \"../.openapi/core.js\";\n\
         import type * as C from \"../../src/generated/composites.js\";\n\
         import type * as T from \"../../src/generated/types.js\";\n\n\
         export type S = components[\"schemas\"];\n\
         /** Compiles only when `V` is `true`. */\n\
         export type Assert<V extends true> = V;\n\
         /** `true` when `A` and `B` are the same type, property modifiers included. */\n\
         export type Equal<A, B> =\n  (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;\n\
         /** Every property required, recursively: the shape of a record whatever is optional. */\n\
         export type Deep<V> = V extends readonly (infer U)[]\n  ? Deep<U>[]\n  : V extends object\n    ? { [K in keyof V]-?: Deep<V[K]> }\n    : V;\n\
         /** The optional keys of `V`. */\n\
         export type OptionalKeys<V> = { [K in keyof V]-?: {} extends Pick<V, K> ? K : never }[keyof V];\n\n",
    );
    let mut covered: Vec<String> = vec!["Error".to_owned(), "PageInfo".to_owned()];
    out.push_str("export type Composites = [\n");
    for composite in &COMPOSITES {
        let _ = writeln!(
            out,
            "  Assert<Equal<C.{0}, S[\"{0}\"]>>,",
            composite.type_name
        );
        covered.push(composite.type_name.to_owned());
    }
    out.push_str("];\n\n");
    for object in &schema.objects {
        let name = object.type_name();
        let relations: Vec<&str> = object
            .fields
            .iter()
            .filter(|f| f.relation.is_some())
            .map(|f| f.name.as_str())
            .collect();
        let _ = writeln!(out, "export type {name}Agrees = [");
        let _ = writeln!(out, "  Assert<Equal<T.{name}CreateInput, S[\"{name}\"]>>,");
        let _ = writeln!(
            out,
            "  Assert<Equal<T.{name}UpdateInput, S[\"{name}ForUpdate\"]>>,"
        );
        let _ = writeln!(
            out,
            "  Assert<Equal<Deep<T.{name}>, Deep<S[\"{name}ForResponse\"]>>>,"
        );
        let _ = writeln!(
            out,
            "  // A record has every field; only the relations (read with `depth: 1`) may be absent.\n  Assert<Equal<OptionalKeys<T.{name}>, {}>>,",
            union_of(&relations)
        );
        out.push_str("];\n\n");
        for suffix in ["", "ForUpdate", "ForResponse"] {
            covered.push(format!("{name}{suffix}"));
        }
    }
    out.push_str("// Every schema of the document is one of the above.\n");
    let _ = writeln!(
        out,
        "export type Coverage = Assert<\n  Equal<\n    keyof S,\n    {}\n  >\n>;",
        covered
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join("\n    | ")
    );
    out
}
