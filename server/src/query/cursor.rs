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
