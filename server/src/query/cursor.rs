//! Opaque cursors: base64 of a JSON object holding the ordering columns' values and the
//! id of a record. Decoding re-checks every value like a filter value.

use super::QueryError;
use super::ast::Direction;
use super::validate::{self, Col, Scalar};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The name a column's full-precision value is read under for cursors.
pub fn exact_name(column: &str) -> String {
    format!("__exact_{column}")
}

/// The cursor of a row for the ordering `keys` (the last key is `id`), from the row's
/// values of those keys, in their order.
pub fn encode(keys: &[(Col, Direction)], values: Vec<Value>) -> String {
    let map: Map<String, Value> = keys
        .iter()
        .map(|(col, _)| col.name.clone())
        .zip(values)
        .collect();
    URL_SAFE_NO_PAD.encode(Value::Object(map).to_string())
}

/// The ordering values a cursor holds, in the order of `keys`.
pub fn decode(keys: &[(Col, Direction)], cursor: &str) -> Result<Vec<Option<Scalar>>, QueryError> {
    let bad = |why: &str| QueryError::InvalidCursor(why.to_owned());
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| bad("not base64"))?;
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(bad("not a JSON object"));
    };
    keys.iter()
        .map(|(col, _)| match map.get(&col.name) {
            None => Err(QueryError::InvalidCursor(format!(
                "it has no value for `{}`: it belongs to another ordering",
                col.label
            ))),
            Some(Value::Null) if col.name == "id" => Err(bad("its id is null")),
            Some(Value::Null) => Ok(None),
            Some(v) => validate::scalar(col, v)
                .map(Some)
                .map_err(|e| QueryError::InvalidCursor(e.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Vec<(Col, Direction)> {
        let company = crate::properties::STANDARD
            .object("company")
            .expect("company");
        ["name", "createdAt", "employees", "id"]
            .iter()
            .map(|f| {
                let col = validate::column(company, f, None).expect("a column");
                (col, Direction::AscNullsFirst)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(crate::properties::config())]

        /// Any string is the values of a cursor or a 400 `INVALID_CURSOR`.
        #[test]
        fn any_text_is_a_cursor_or_a_client_error(text in any::<String>()) {
            if let Err(e) = decode(&keys(), &text) {
                prop_assert_eq!(e.code(), "INVALID_CURSOR");
            }
        }

        /// Any JSON, encoded as a cursor is, decodes or is a 400 `INVALID_CURSOR`.
        #[test]
        fn any_encoded_json_is_a_cursor_or_a_client_error(
            value in crate::properties::json(3, &["name", "createdAt", "employees", "id", "x"])
        ) {
            let cursor = URL_SAFE_NO_PAD.encode(value.to_string());
            if let Err(e) = decode(&keys(), &cursor) {
                prop_assert_eq!(e.code(), "INVALID_CURSOR");
            }
        }
    }

    #[test]
    fn a_cursor_round_trips() {
        let values = vec![
            Value::from("Acme"),
            Value::from("2024-05-01T12:00:00.000Z"),
            Value::from(12),
            Value::from("7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11"),
        ];
        let decoded = decode(&keys(), &encode(&keys(), values)).expect("decodes");
        assert_eq!(decoded.len(), 4);
        assert!(decoded.iter().all(Option::is_some));
    }
}
