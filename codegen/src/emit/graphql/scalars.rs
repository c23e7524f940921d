//! The custom scalars of the core API (UUID, DateTime, Date, JSON, BigFloat, Position,
//! TSVector). Cursors are plain `String`s, as in Twenty, so clients' variables still type-check.

use super::GraphqlError;
use super::registry::Types;
use async_graphql::Value;
use async_graphql::dynamic::Scalar;

/// Registers every custom scalar.
///
/// The validators only check the JSON kind (they also run on resolver output); exact
/// formats (ISO dates, decimal syntax) are checked by the query engine with a clear error.
pub(super) fn register(types: &mut Types) -> Result<(), GraphqlError> {
    let is_string = |v: &Value| matches!(v, Value::String(_));
    let scalars = [
        Scalar::new("UUID")
            .description("A UUID, as a string (`00000000-0000-4000-8000-000000000001`).")
            .validator(|v| matches!(v, Value::String(s) if uuid::Uuid::parse_str(s).is_ok())),
        Scalar::new("DateTime")
            .description("An instant, as an ISO 8601 string with offset.")
            .validator(is_string),
        Scalar::new("Date")
            .description("A calendar day, as a `YYYY-MM-DD` string.")
            .validator(is_string),
        Scalar::new("JSON").description("Any JSON value."),
        Scalar::new("BigFloat")
            .description("An exact decimal, as a string (numbers are accepted on input).")
            .validator(|v| matches!(v, Value::String(_) | Value::Number(_))),
        Scalar::new("Position")
            .description("A record's ordering key: a number, or `\"first\"` / `\"last\"` on input.")
            .validator(|v| match v {
                Value::Number(_) => true,
                Value::String(s) => s == "first" || s == "last",
                _ => false,
            }),
        Scalar::new("TSVector")
            .description("A full-text search document (read-only).")
            .validator(is_string),
    ];
    for scalar in scalars {
        types.add("a scalar of the core API", scalar)?;
    }
    Ok(())
}
