//! The engine's bounds on what a client sends: how deep a structure nests and how many
//! terms one filter holds, checked without recursion before anything recurses over the
//! input or builds SQL from it. Transports check their own syntax against the same numbers.

use super::QueryError;
use super::ast::Filter;
use serde_json::Value;

/// Deepest nesting of a client-controlled structure: a JSON body or GraphQL value (each
/// object or list is one level) and a filter's `and` / `or` / `not` groups.
pub const MAX_NESTING: usize = 32;

/// Most terms in one filter: each comparison, each `and` / `or` / `not` group and each
/// value of an `in` / `containsAny` list counts one. The same on both backends; SQLite's
/// expression depth (1,000) is the bound it keeps far from.
pub const MAX_FILTER_TERMS: usize = 500;

/// How deep `value` nests: a scalar is 0, `{}` and `[]` are 1, `{"a": [1]}` is 2.
pub fn json_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        let depth = depth + 1;
        deepest = deepest.max(depth);
        stack.extend(children.map(|child| (child, depth)));
    }
    deepest
}

/// Refuses a JSON value nested deeper than [`MAX_NESTING`]; `what` names it in the message.
pub fn check_json(what: &str, value: &Value) -> Result<(), QueryError> {
    if json_depth(value) > MAX_NESTING {
        return Err(QueryError::NestingTooDeep {
            what: what.to_owned(),
            max: MAX_NESTING,
        });
    }
    Ok(())
}

/// Refuses a filter whose groups nest deeper than [`MAX_NESTING`] (the implicit group
/// around a top-level list not counted) or that holds more than [`MAX_FILTER_TERMS`] terms.
pub fn check_filter(filter: &Filter) -> Result<(), QueryError> {
    let mut terms = 0usize;
    let mut deepest = 0usize;
    let mut stack = vec![(filter, 0usize)];
    while let Some((f, depth)) = stack.pop() {
        match f {
            Filter::And(items) | Filter::Or(items) => {
                terms += 1;
                deepest = deepest.max(depth + 1);
                stack.extend(items.iter().map(|item| (item, depth + 1)));
            }
            Filter::Not(inner) | Filter::Related { filter: inner, .. } => {
                terms += 1;
                deepest = deepest.max(depth + 1);
                stack.push((inner, depth + 1));
            }
            Filter::Compare { value, .. } => {
                terms += match value {
                    Value::Array(items) => items.len().max(1),
                    _ => 1,
                };
            }
        }
        if deepest > MAX_NESTING + 1 {
            return Err(QueryError::NestingTooDeep {
                what: "filter".to_owned(),
                max: MAX_NESTING,
            });
        }
        if terms > MAX_FILTER_TERMS {
            return Err(QueryError::FilterTooLarge {
                max: MAX_FILTER_TERMS,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Comparator;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut v = json!(1);
        for i in 0..levels {
            v = if i % 2 == 0 {
                json!([v])
            } else {
                json!({ "a": v })
            };
        }
        v
    }

    #[test]
    fn json_depth_counts_objects_and_lists() {
        assert_eq!(json_depth(&json!(1)), 0);
        assert_eq!(json_depth(&json!({})), 1);
        assert_eq!(json_depth(&json!({"a": [1], "b": 2})), 2);
        assert_eq!(json_depth(&nested(1_000)), 1_000);
        assert!(check_json("body", &nested(MAX_NESTING)).is_ok());
        let e = check_json("body", &nested(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(e.code(), "NESTING_TOO_DEEP");
        assert!(e.to_string().contains("body"), "{e}");
    }

    fn leaf() -> Filter {
        Filter::cmp("name", Comparator::Eq, json!("a"))
    }

    #[test]
    fn filters_are_bounded_in_depth_and_terms() {
        let mut deep = leaf();
        for _ in 0..MAX_NESTING {
            deep = Filter::Not(Box::new(deep));
        }
        assert!(check_filter(&Filter::And(vec![deep.clone(), leaf()])).is_ok());
        let mut deeper = deep;
        for _ in 0..100_000 {
            deeper = Filter::Not(Box::new(deeper));
        }
        assert_eq!(
            check_filter(&deeper).unwrap_err().code(),
            "NESTING_TOO_DEEP"
        );
        // Dropping a tree this deep would recurse: take it apart in a loop.
        while let Filter::Not(inner) = deeper {
            deeper = *inner;
        }

        let wide = Filter::Or(vec![leaf(); MAX_FILTER_TERMS - 1]);
        assert!(check_filter(&wide).is_ok());
        let wider = Filter::Or(vec![leaf(); MAX_FILTER_TERMS]);
        assert_eq!(check_filter(&wider).unwrap_err().code(), "FILTER_TOO_LARGE");
        let values: Vec<Value> = (0..MAX_FILTER_TERMS)
            .map(|i| json!(i.to_string()))
            .collect();
        let listed = Filter::cmp("name", Comparator::In, Value::Array(values));
        assert!(check_filter(&listed).is_ok());
        let listed = Filter::And(vec![listed, leaf()]);
        assert_eq!(
            check_filter(&listed).unwrap_err().code(),
            "FILTER_TOO_LARGE"
        );
    }
}
