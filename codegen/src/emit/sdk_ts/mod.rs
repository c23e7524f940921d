//! The TypeScript SDK's generated part (`sdk-ts/src/generated/`): per object the record,
//! create and update types, a typed filter and order-by, and the names the runtime needs.
//! Pure: the model in, `(path relative to sdk-ts/, contents)` out; the runtime is hand-written.
//!
//! The types follow the OpenAPI emitter's wire decisions (nullable values, composites,
//! `<field>Id` foreign keys, relations present only at `depth=1`); `agreement` emits the
//! type-level test that holds them to what openapi-typescript makes of `openapi/core.json`.

mod agreement;
pub(crate) mod filter;
pub(crate) mod objects;
mod types;

use crate::model::Schema;

/// Where the SDK lives, relative to the repository root.
pub const PACKAGE_DIR: &str = "sdk-ts";

/// Every generated file of the SDK: `(path relative to sdk-ts/, contents)`, in a stable order.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    vec![
        (
            "src/generated/composites.ts".to_owned(),
            finished(&types::composites()),
        ),
        (
            "src/generated/filters.ts".to_owned(),
            finished(&filter::comparator_types()),
        ),
        (
            "src/generated/types.ts".to_owned(),
            finished(&types::object_types(schema)),
        ),
        (
            "src/generated/objects.ts".to_owned(),
            finished(&objects::objects(schema)),
        ),
        (
            "src/generated/errors.ts".to_owned(),
            finished(&error_codes()),
        ),
        (
            "test/generated/openapi-agreement.ts".to_owned(),
            finished(&agreement::agreement(schema)),
        ),
        (
            "test/generated/record-keys.ts".to_owned(),
            finished(&types::record_keys(schema)),
        ),
        (
            "test/generated/comparator-cases.ts".to_owned(),
            finished(&filter::comparator_cases(schema)),
        ),
    ]
}

/// The server's documented error codes (`model::ERROR_CODES`) as a union type and a list.
fn error_codes() -> String {
    use std::fmt::Write as _;
    let codes = crate::model::client_codes();
    let mut out = String::from(
        "/** Every `code` the server's API answers with (GraphQL: `twentyCode`), as its documentation lists them. */\nexport type ServerErrorCode =\n",
    );
    for (i, (code, when)) in codes.iter().enumerate() {
        let end = if i + 1 == codes.len() { ";" } else { "" };
        let _ = writeln!(
            out,
            "  /** {} */\n  | {code:?}{end}",
            when.replace("*/", "* /")
        );
    }
    out.push_str("\n/** The same codes, for checks at run time. */\nexport const SERVER_ERROR_CODES: readonly ServerErrorCode[] = [\n");
    for (code, _) in &codes {
        let _ = writeln!(out, "  {code:?},");
    }
    out.push_str("];\n");
    out
}

/// `body` with one trailing newline (`cargo xtask codegen` gives the file its header).
fn finished(body: &str) -> String {
    let mut text = String::with_capacity(body.len() + 1);
    text.push_str(body.trim_end());
    text.push('\n');
    text
}

/// A TypeScript string literal (JSON's escaping is valid TypeScript).
fn literal(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `"A" | "B"`; `never` when empty.
fn union_of(values: &[&str]) -> String {
    if values.is_empty() {
        return "never".to_owned();
    }
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A JSDoc line (`*/` cannot end it early).
fn doc(indent: &str, text: &str) -> String {
    let text = text.replace("*/", "*\\/").replace('\n', " ");
    format!("{indent}/** {} */\n", text.trim())
}
