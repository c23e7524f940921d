//! Strategies shared by the property tests of the parsers and input conversions: inputs
//! built from the grammar's own tokens (so that they get past the first character) and
//! arbitrary JSON. Test-only; the properties live beside the code they check.

use crate::query::Filter;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::model::Schema;

/// The standard model, built once for every case of every property.
pub static STANDARD: std::sync::LazyLock<Schema> =
    std::sync::LazyLock::new(twenty_standard_objects::schema);

/// Passes when `filter` compiles to SQL over company and person on both dialects, or is
/// the client's mistake there (a 4xx): never a panic, never a 500.
pub fn compiles_or_client_error(filter: &Filter) -> Result<(), TestCaseError> {
    for name in ["company", "person"] {
        let object = STANDARD.object(name).expect("a standard object");
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let mut sql = crate::query::sql::Sql::new(dialect);
            let model = crate::query::sql::Model {
                schema: &STANDARD,
                pg_schema: "workspace",
            };
            if let Err(e) = crate::query::sql::filter(&mut sql, model, object, filter) {
                prop_assert!(e.is_client_error(), "{e}");
            }
        }
    }
    Ok(())
}

/// Cases per property: bounded so that `cargo xtask test` stays quick (`PROPTEST_CASES`
/// raises it for a longer hunt).
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A string made of `tokens` (and now and then any character), up to `max` of them.
pub fn from_tokens(tokens: &'static [&'static str], max: usize) -> BoxedStrategy<String> {
    let token = prop_oneof![
        8 => proptest::sample::select(tokens).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(token, 0..max)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// Any JSON value, nested up to `depth` levels, its object keys drawn from `keys`.
pub fn json(depth: u32, keys: &'static [&'static str]) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        proptest::sample::select(
            &[
                "",
                "NULL",
                "NOT_NULL",
                "2024-01-01",
                "2024-05-01T12:00:00Z",
                "first",
                "last",
                "+33",
                "FR",
                "USD",
                "a@b.co",
                "https://acme.com",
                "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11",
                "%a\\",
                "\u{0}",
            ][..]
        )
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(depth, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(keys), inner), 0..6).prop_map(
                |pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
    .boxed()
}
