//! GraphQL arguments to the query engine's types: `<Name>FilterInput` to a [`Filter`],
//! `[<Name>OrderByInput]` to [`OrderBy`] keys, `first` / `last` / `before` / `after` to a
//! [`Page`], write inputs to JSON records. Checks nothing the engine checks itself.

use crate::query::{Comparator, Direction, Filter, OrderBy, Page, Quantifier, QueryError};
use async_graphql::Value;
use serde_json::{Map, Value as Json};
use twenty_codegen::model::{Object, RelationKind, Schema};

/// A field's arguments by name, variables replaced.
#[derive(Debug, Default, Clone)]
pub struct Args(pub Vec<(String, Value)>);

impl Args {
    /// The value of argument `name`, when given.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// An argument value as JSON (enums as their names).
pub fn json(value: &Value) -> Json {
    value.clone().into_json().unwrap_or(Json::Null)
}

fn and(mut items: Vec<Filter>) -> Filter {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Filter::And(items)
    }
}

/// The comparisons of one field's (or sub-field's) operator object, `{gte: 1, lt: 5}`.
fn comparisons(
    field: &str,
    sub_field: Option<&str>,
    ops: &Value,
    out: &mut Vec<Filter>,
) -> Result<(), QueryError> {
    let label = match sub_field {
        Some(s) => format!("{field}.{s}"),
        None => field.to_owned(),
    };
    let Value::Object(ops) = ops else {
        return Err(QueryError::InvalidFilter {
            field: label,
            reason: "expected an object of operators such as `{eq: …}`".to_owned(),
        });
    };
    for (op, value) in ops {
        let Some(comparator) = Comparator::from_name(op.as_str()) else {
            return Err(QueryError::InvalidFilter {
                field: label,
                reason: format!(
                    "the operator `{op}` is not supported; use `is: NULL` or `containsAny` instead"
                ),
            });
        };
        out.push(Filter::Compare {
            field: field.to_owned(),
            sub_field: sub_field.map(str::to_owned),
            op: comparator,
            value: json(value),
        });
    }
    Ok(())
}

/// A `<Name>FilterInput` value as an engine filter (`None` for null).
pub fn filter(
    schema: &Schema,
    object: &Object,
    value: &Value,
) -> Result<Option<Filter>, QueryError> {
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => {
            let mut items = Vec::new();
            for (key, value) in map {
                if matches!(value, Value::Null) {
                    // An explicit null input field is the same as leaving it out.
                    continue;
                }
                match key.as_str() {
                    "and" | "or" => {
                        let Value::List(list) = value else {
                            return Err(QueryError::InvalidFilter {
                                field: key.to_string(),
                                reason: "expected a list of filters".to_owned(),
                            });
                        };
                        let mut parts = Vec::with_capacity(list.len());
                        for item in list {
                            parts.extend(filter(schema, object, item)?);
                        }
                        items.push(if key.as_str() == "and" {
                            Filter::And(parts)
                        } else if parts.is_empty() {
                            // Twenty reads `or: []` as no filter, not as "matches nothing".
                            continue;
                        } else {
                            Filter::Or(parts)
                        });
                    }
                    "not" => {
                        if let Some(inner) = filter(schema, object, value)? {
                            items.push(Filter::Not(Box::new(inner)));
                        }
                    }
                    name if object.field(name).is_some_and(|f| f.relation.is_some()) => {
                        related(schema, object, name, value, &mut items)?;
                    }
                    name => {
                        let composite = object
                            .field(name)
                            .is_some_and(|f| f.field_type.composite().is_some());
                        match (composite, value) {
                            (true, Value::Object(subs)) => {
                                for (sub, ops) in subs {
                                    if !matches!(ops, Value::Null) {
                                        comparisons(name, Some(sub.as_str()), ops, &mut items)?;
                                    }
                                }
                            }
                            _ => comparisons(name, None, value, &mut items)?,
                        }
                    }
                }
            }
            Ok(Some(and(items)))
        }
        _ => Err(QueryError::InvalidFilter {
            field: "filter".to_owned(),
            reason: "expected an object".to_owned(),
        }),
    }
}

/// A relation's filter: the related record's fields (many-to-one), or `some` / `none` of
/// the related records (one-to-many).
fn related(
    schema: &Schema,
    object: &Object,
    name: &str,
    value: &Value,
    items: &mut Vec<Filter>,
) -> Result<(), QueryError> {
    let invalid = |reason: &str| QueryError::InvalidFilter {
        field: name.to_owned(),
        reason: reason.to_owned(),
    };
    let Some(relation) = object.field(name).and_then(|f| f.relation.as_ref()) else {
        return Ok(());
    };
    let target = schema
        .object(&relation.target)
        .ok_or_else(|| QueryError::UnknownObject(relation.target.clone()))?;
    let Value::Object(map) = value else {
        return Err(invalid("expected an object"));
    };
    match relation.kind {
        RelationKind::ManyToOne => {
            if let Some(inner) = filter(schema, target, value)? {
                items.push(Filter::Related {
                    field: name.to_owned(),
                    quantifier: Quantifier::One,
                    filter: Box::new(inner),
                });
            }
        }
        RelationKind::OneToMany => {
            for (key, inner) in map {
                let quantifier = match key.as_str() {
                    "some" => Quantifier::Some,
                    "none" => Quantifier::None,
                    _ => return Err(invalid("expected `some` or `none`")),
                };
                if let Some(inner) = filter(schema, target, inner)? {
                    items.push(Filter::Related {
                        field: name.to_owned(),
                        quantifier,
                        filter: Box::new(inner),
                    });
                }
            }
        }
    }
    Ok(())
}

fn direction(field: &str, value: &Value) -> Result<Direction, QueryError> {
    let name = match value {
        Value::Enum(name) => name.as_str(),
        Value::String(s) => s.as_str(),
        _ => "",
    };
    Direction::from_name(name).ok_or_else(|| QueryError::InvalidOrder {
        field: field.to_owned(),
        reason: format!("expected {}", Direction::EXPECTED),
    })
}

/// `[<Name>OrderByInput]` as ordering keys, in the order given (keys of one input object
/// in their written order).
pub fn order_by(value: &Value) -> Result<Vec<OrderBy>, QueryError> {
    let items: &[Value] = match value {
        Value::Null => return Ok(Vec::new()),
        Value::List(items) => items,
        single => std::slice::from_ref(single),
    };
    let mut keys = Vec::new();
    for item in items {
        let Value::Object(map) = item else {
            continue;
        };
        for (field, value) in map {
            match value {
                Value::Null => {}
                Value::Object(subs) => {
                    // A composite's sub-field, or a path through relations, to any depth
                    // the engine takes: `{company: {address: {addressCity: AscNullsFirst}}}`.
                    let mut stack: Vec<(String, &Value)> =
                        subs.iter().map(|(sub, v)| (sub.to_string(), v)).collect();
                    stack.reverse();
                    while let Some((path, value)) = stack.pop() {
                        match value {
                            Value::Null => {}
                            Value::Object(deeper) if path.split('.').count() < 5 => {
                                let mut more: Vec<(String, &Value)> = deeper
                                    .iter()
                                    .map(|(sub, v)| (format!("{path}.{sub}"), v))
                                    .collect();
                                more.reverse();
                                stack.extend(more);
                            }
                            dir => keys.push(OrderBy {
                                field: field.to_string(),
                                direction: direction(&format!("{field}.{path}"), dir)?,
                                sub_field: Some(path),
                            }),
                        }
                    }
                }
                dir => keys.push(OrderBy::new(field, direction(field, dir)?)),
            }
        }
    }
    Ok(keys)
}

/// A count argument (`first`, `limit`): a non-negative integer, or none.
pub fn count(name: &str, value: Option<&Value>) -> Result<Option<u32>, QueryError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| {
                QueryError::InvalidPage(format!("`{name}` must be a non-negative integer, got {n}"))
            }),
        Some(other) => Err(QueryError::InvalidPage(format!(
            "`{name}` must be an integer, got {other}"
        ))),
    }
}

fn cursor(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// `first` / `last` / `before` / `after` as a page (the engine checks combinations and sizes).
pub fn page(get: impl Fn(&str) -> Option<Value>) -> Result<Page, QueryError> {
    Ok(Page {
        first: count("first", get("first").as_ref())?,
        last: count("last", get("last").as_ref())?,
        before: cursor(get("before").as_ref()),
        after: cursor(get("after").as_ref()),
    })
}

/// A write input object as the JSON record the write engine takes.
pub fn record(value: &Value) -> Result<Map<String, Json>, QueryError> {
    match json(value) {
        Json::Object(map) => Ok(map),
        other => Err(QueryError::InvalidValue {
            field: "data".to_owned(),
            reason: format!("expected an object, got {other}"),
        }),
    }
}

/// A list of write input objects.
pub fn records(value: &Value) -> Result<Vec<Map<String, Json>>, QueryError> {
    match value {
        Value::List(items) => items.iter().map(record).collect(),
        single => Ok(vec![record(single)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::{STANDARD, compiles_or_client_error};

    const KEYS: &[&str] = &[
        "and",
        "or",
        "not",
        "eq",
        "neq",
        "in",
        "is",
        "gt",
        "like",
        "startsWith",
        "containsAny",
        "name",
        "firstName",
        "employees",
        "address",
        "addressCity",
        "id",
        "createdAt",
        "deletedAt",
        "companyId",
        "company",
        "emails",
        "primaryEmail",
        "nope",
        "AscNullsFirst",
    ];

    proptest::proptest! {
        #![proptest_config(crate::properties::config())]

        /// Any argument value is a filter (which compiles or is the client's mistake) or
        /// a client error; the same for an ordering and write inputs.
        #[test]
        fn any_value_is_a_filter_or_a_client_error(
            json in crate::properties::json(5, KEYS)
        ) {
            let value = Value::from_json(json).expect("JSON is a GraphQL value");
            for name in ["company", "person"] {
                let object = STANDARD.object(name).expect("a standard object");
                match filter(&STANDARD, object, &value) {
                    Err(e) => proptest::prop_assert!(e.is_client_error(), "{e}"),
                    Ok(None) => {}
                    Ok(Some(f)) => compiles_or_client_error(&f)?,
                }
            }
            if let Err(e) = order_by(&value) {
                proptest::prop_assert!(e.is_client_error(), "{e}");
            }
            if let Err(e) = records(&value) {
                proptest::prop_assert!(e.is_client_error(), "{e}");
            }
        }
    }
}
