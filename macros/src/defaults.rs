//! Reads a field's `default = …` / `default_json = "…"` into a JSON value, `now` or `uuid`,
//! and rejects defaults that cannot fit the field's type. Emission lives in `emit.rs`.

use crate::attr::strip_groups;
use crate::errors::Errors;
use crate::types::{self, FieldType};
use serde_json::Value;
use syn::{Expr, Lit, LitStr, UnOp};

/// A field's default, as declared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DefaultDef {
    /// `default = now`: the insert time.
    Now,
    /// `default = uuid`: a fresh random UUID.
    Uuid,
    /// A constant.
    Value(Value),
}

const RATING_VALUES: [&str; 5] = ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"];

/// Reads `default = <expr>` for a field of `field_type` whose options have these values.
pub(crate) fn parse_default(
    expr: &Expr,
    field_type: FieldType,
    options: &[String],
    errors: &mut Errors,
) -> Option<DefaultDef> {
    if field_type.is_composite() {
        errors.spanned(
            expr,
            format!(
                "a {} field takes its default as a JSON object keyed by sub-field: \
                 `default_json = r#\"{{…}}\"#`",
                field_type.wire
            ),
        );
        return None;
    }
    let default = match read(expr) {
        Ok(default) => default,
        Err(message) => {
            errors.spanned(expr, message);
            return None;
        }
    };
    if let Err(message) = fits(&default, field_type, options) {
        errors.spanned(expr, message);
        return None;
    }
    Some(default)
}

/// Reads `default_json = "<json>"`: a composite's (or RAW_JSON's) default.
pub(crate) fn parse_default_json(
    lit: &LitStr,
    field_type: FieldType,
    errors: &mut Errors,
) -> Option<DefaultDef> {
    if !field_type.is_composite() && field_type != types::RAW_JSON {
        errors.spanned(
            lit,
            format!(
                "`default_json` is for composite and RAW_JSON fields; this {} field takes \
                 `default = …`",
                field_type.wire
            ),
        );
        return None;
    }
    let value: Value = match serde_json::from_str(&lit.value()) {
        Ok(value) => value,
        Err(error) => {
            errors.spanned(lit, format!("`default_json` is not valid JSON: {error}"));
            return None;
        }
    };
    if field_type.is_composite() && !value.is_object() {
        errors.spanned(
            lit,
            format!(
                "the default of a {} field must be a JSON object keyed by its sub-field \
                 names: `{{\"<subField>\": …}}`",
                field_type.wire
            ),
        );
        return None;
    }
    Some(DefaultDef::Value(value))
}

fn read(expr: &Expr) -> Result<DefaultDef, String> {
    let expected = "expected a literal (string, number, boolean), a list of string literals, \
                    `now` or `uuid`";
    match strip_groups(expr) {
        Expr::Path(path) if path.path.is_ident("now") => Ok(DefaultDef::Now),
        Expr::Path(path) if path.path.is_ident("uuid") => Ok(DefaultDef::Uuid),
        Expr::Lit(lit) => literal(&lit.lit, false).map(DefaultDef::Value),
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match strip_groups(&unary.expr) {
            Expr::Lit(lit) if matches!(lit.lit, Lit::Int(_) | Lit::Float(_)) => {
                literal(&lit.lit, true).map(DefaultDef::Value)
            }
            _ => Err(expected.to_owned()),
        },
        Expr::Array(array) => array
            .elems
            .iter()
            .map(|item| match strip_groups(item) {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => Ok(Value::String(s.value())),
                _ => Err("a list default holds string literals only".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| DefaultDef::Value(Value::Array(items))),
        _ => Err(expected.to_owned()),
    }
}

fn literal(lit: &Lit, negative: bool) -> Result<Value, String> {
    let sign = if negative { "-" } else { "" };
    match lit {
        Lit::Str(s) => Ok(Value::String(s.value())),
        Lit::Bool(b) => Ok(Value::Bool(b.value)),
        Lit::Int(i) => format!("{sign}{}", i.base10_digits())
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "this number does not fit in an i64".to_owned()),
        Lit::Float(f) => format!("{sign}{}", f.base10_digits())
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "this number is not a finite f64".to_owned()),
        _ => Err("expected a string, number or boolean literal".to_owned()),
    }
}

/// Whether `default` is a value of `field_type`; the error says what would be.
fn fits(default: &DefaultDef, field_type: FieldType, options: &[String]) -> Result<(), String> {
    let wire = field_type.wire;
    let value = match default {
        DefaultDef::Now if field_type == types::DATE_TIME => return Ok(()),
        DefaultDef::Now => return Err(format!("`now` is a DATE_TIME default, not a {wire} one")),
        DefaultDef::Uuid if field_type == types::UUID => return Ok(()),
        DefaultDef::Uuid => return Err(format!("`uuid` is a UUID default, not a {wire} one")),
        DefaultDef::Value(value) => value,
    };
    let one_of = |allowed: &[&str], s: &str| {
        if allowed.contains(&s) {
            Ok(())
        } else {
            Err(format!(
                "default `{s}` is not a value of this {wire} field; use one of: {}",
                allowed.join(", ")
            ))
        }
    };
    let option_values: Vec<&str> = options.iter().map(String::as_str).collect();
    let expected = match field_type {
        t if t == types::TEXT || t == types::DATE || t == types::DATE_TIME => {
            value.is_string().then_some(()).ok_or("a string literal")
        }
        t if t == types::UUID => value
            .as_str()
            .is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
            .then_some(())
            .ok_or("a UUID string literal or `uuid`"),
        t if t == types::NUMBER || t == types::POSITION => {
            value.is_number().then_some(()).ok_or("a number literal")
        }
        t if t == types::NUMERIC => (value.is_number() || value.is_string())
            .then_some(())
            .ok_or("a number or a decimal string literal"),
        t if t == types::BOOLEAN => value.is_boolean().then_some(()).ok_or("`true` or `false`"),
        t if t == types::ARRAY => value.is_array().then_some(()).ok_or("a list of strings"),
        t if t == types::SELECT => match value.as_str() {
            Some(s) => return one_of(&option_values, s),
            None => Err("one of the option values, as a string literal"),
        },
        t if t == types::RATING => match value.as_str() {
            Some(s) => return one_of(&RATING_VALUES, s),
            None => Err("one of RATING_1 … RATING_5, as a string literal"),
        },
        t if t == types::MULTI_SELECT => match value.as_array() {
            Some(items) => {
                for item in items.iter().filter_map(Value::as_str) {
                    one_of(&option_values, item)?;
                }
                return Ok(());
            }
            None => Err("a list of option values"),
        },
        t if t == types::RAW_JSON => Ok(()),
        _ => return Err(format!("a {wire} field cannot have a default")),
    };
    expected.map_err(|expected| format!("a {wire} field's default must be {expected}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default(source: &str, field_type: FieldType) -> Result<DefaultDef, String> {
        let expr: Expr = syn::parse_str(source).unwrap();
        let options = ["NEW".to_owned(), "DONE".to_owned()];
        let mut errors = Errors::default();
        match (
            parse_default(&expr, field_type, &options, &mut errors),
            errors.finish(),
        ) {
            (Some(default), None) => Ok(default),
            (_, Some(error)) => Err(error.to_string()),
            (None, None) => panic!("rejected without an error"),
        }
    }

    fn value(source: &str, field_type: FieldType) -> Value {
        match default(source, field_type) {
            Ok(DefaultDef::Value(value)) => value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn literals_become_json_values() {
        assert_eq!(value("\"x\"", types::TEXT), Value::from("x"));
        assert_eq!(value("-7", types::NUMBER), Value::from(-7));
        assert_eq!(value("-1.5", types::NUMBER), Value::from(-1.5));
        assert_eq!(value("true", types::BOOLEAN), Value::from(true));
        assert_eq!(value("[\"a\"]", types::ARRAY), serde_json::json!(["a"]));
        assert_eq!(
            value("\"RATING_2\"", types::RATING),
            Value::from("RATING_2")
        );
        assert_eq!(
            value("[\"NEW\", \"DONE\"]", types::MULTI_SELECT),
            serde_json::json!(["NEW", "DONE"])
        );
    }

    #[test]
    fn now_and_uuid_only_fit_their_types() {
        assert_eq!(default("now", types::DATE_TIME), Ok(DefaultDef::Now));
        assert_eq!(default("uuid", types::UUID), Ok(DefaultDef::Uuid));
        assert!(
            default("now", types::TEXT)
                .unwrap_err()
                .contains("DATE_TIME")
        );
        assert!(default("uuid", types::TEXT).unwrap_err().contains("UUID"));
    }

    #[test]
    fn mismatched_defaults_say_what_fits() {
        let error = default("1", types::BOOLEAN).unwrap_err();
        assert_eq!(error, "a BOOLEAN field's default must be `true` or `false`");
        let error = default("[\"NEW\", \"LATER\"]", types::MULTI_SELECT).unwrap_err();
        assert!(
            error.contains("`LATER`") && error.contains("NEW, DONE"),
            "{error}"
        );
        assert!(
            default("\"x\"", types::CURRENCY)
                .unwrap_err()
                .contains("default_json")
        );
        assert!(
            default("1 + 1", types::NUMBER)
                .unwrap_err()
                .contains("expected a literal")
        );
    }

    #[test]
    fn default_json_must_be_an_object_for_composites() {
        let lit: LitStr = syn::parse_str(r#""[1]""#).unwrap();
        let mut errors = Errors::default();
        assert_eq!(parse_default_json(&lit, types::LINKS, &mut errors), None);
        assert!(errors.finish().is_some());
        let lit: LitStr = syn::parse_str(r#""[1]""#).unwrap();
        let mut errors = Errors::default();
        assert_eq!(
            parse_default_json(&lit, types::RAW_JSON, &mut errors),
            Some(DefaultDef::Value(serde_json::json!([1])))
        );
    }
}
