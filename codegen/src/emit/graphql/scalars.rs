//! The custom scalars of the core API (UUID, DateTime, Date, JSON, BigFloat, Position,
//! TSVector). Cursors are plain `String`s, as in Twenty, so clients' variables still type-check.

use super::GraphqlError;
use super::registry::Types;
use async_graphql::Value;
use async_graphql::dynamic::Scalar;

/// A value as the scalars' validators look at it: only its JSON kind, and a string's text.
#[derive(Debug, Clone, Copy)]
pub enum ScalarValue<'a> {
    /// A string.
    String(&'a str),
    /// A number.
    Number,
    /// Anything else (null, boolean, list, object).
    Other,
}

impl<'a> From<&'a Value> for ScalarValue<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::String(s) => ScalarValue::String(s),
            Value::Number(_) => ScalarValue::Number,
            _ => ScalarValue::Other,
        }
    }
}

/// Whether custom scalar `name` accepts `value` (the validator async-graphql runs on input
/// and on resolver output; any value for `JSON` and for names that are no custom scalar).
/// The kind is checked here; exact formats (ISO dates, decimal syntax) are checked by
/// the query engine with a clear error.
pub fn accepts(name: &str, value: ScalarValue<'_>) -> bool {
    match (name, value) {
        ("UUID", ScalarValue::String(s)) => uuid::Uuid::parse_str(s).is_ok(),
        ("DateTime" | "Date" | "TSVector", ScalarValue::String(_)) => true,
        ("BigFloat", ScalarValue::String(_) | ScalarValue::Number) => true,
        ("Position", ScalarValue::Number) => true,
        ("Position", ScalarValue::String(s)) => s == "first" || s == "last",
        ("UUID" | "DateTime" | "Date" | "TSVector" | "BigFloat" | "Position", _) => false,
        _ => true,
    }
}

/// Registers every custom scalar.
pub(super) fn register(types: &mut Types) -> Result<(), GraphqlError> {
    let scalar = |name: &'static str, description: &str| {
        Scalar::new(name)
            .description(description)
            .validator(move |v| accepts(name, ScalarValue::from(v)))
    };
    let scalars = [
        scalar(
            "UUID",
            "A UUID, as a string (`00000000-0000-4000-8000-000000000001`).",
        ),
        scalar("DateTime", "An instant, as an ISO 8601 string with offset."),
        scalar("Date", "A calendar day, as a `YYYY-MM-DD` string."),
        Scalar::new("JSON").description("Any JSON value."),
        scalar(
            "BigFloat",
            "An exact decimal, as a string (numbers are accepted on input).",
        ),
        scalar(
            "Position",
            "A record's ordering key: a number, or `\"first\"` / `\"last\"` on input.",
        ),
        scalar("TSVector", "A full-text search document (read-only)."),
    ];
    for scalar in scalars {
        types.add("a scalar of the core API", scalar)?;
    }
    Ok(())
}
