//! The query string of a REST request: only the parameters a route documents, each at most
//! once, with typed accessors that answer a 400 naming the parameter.
use crate::error::ApiError;
use crate::query::{MAX_LIMIT, OrderBy};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The parameters of one request.
#[derive(Debug, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

fn invalid(name: &str, why: String) -> ApiError {
    ApiError::bad_request("INVALID_PARAMETER", format!("invalid `{name}`: {why}"))
}

/// `limit:3` with no `=` (how Twenty's Zapier connector writes `limit=3`) read as `limit=3`
/// when the name before the colon is a parameter of the route; anything else is unchanged.
fn colon_spelling<'a>(
    name: Cow<'a, str>,
    value: Cow<'a, str>,
    allowed: &[&str],
) -> (Cow<'a, str>, Cow<'a, str>) {
    if value.is_empty()
        && let Some((key, given)) = name.split_once(':')
        && allowed.contains(&key)
    {
        return (Cow::Owned(key.to_owned()), Cow::Owned(given.to_owned()));
    }
    (name, value)
}

impl Params {
    /// Parses `raw` (percent-decoded, `+` as space), refusing parameters not in `allowed`
    /// and repeated ones.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut values = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (name, value) = colon_spelling(name, value, allowed);
            if !allowed.contains(&name.as_ref()) {
                let hint = if allowed.is_empty() {
                    "this route takes no query parameters".to_owned()
                } else {
                    format!("this route takes {}", allowed.join(", "))
                };
                return Err(ApiError::bad_request(
                    "UNKNOWN_PARAMETER",
                    format!("unknown query parameter `{name}`: {hint}"),
                ));
            }
            if values
                .insert(name.to_string(), value.into_owned())
                .is_some()
            {
                return Err(invalid(&name, "given more than once".to_owned()));
            }
        }
        Ok(Params { values })
    }

    /// The raw value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// `true` / `false` (absent: false).
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(invalid(name, format!("`{other}` is not true or false"))),
        }
    }

    /// `depth`: 0 or 1, default 1.
    pub fn depth(&self) -> Result<u8, ApiError> {
        match self.get("depth") {
            None | Some("1") => Ok(1),
            Some("0") => Ok(0),
            Some(other) => Err(invalid("depth", format!("`{other}` is not 0 or 1"))),
        }
    }

    /// `limit`: an integer from 0 to the maximum.
    pub fn limit(&self) -> Result<Option<u32>, ApiError> {
        let Some(raw) = self.get("limit") else {
            return Ok(None);
        };
        let n: u64 = raw.trim().parse().map_err(|_| {
            invalid(
                "limit",
                format!("`{raw}` is not an integer from 0 to {MAX_LIMIT}"),
            )
        })?;
        if n > u64::from(MAX_LIMIT) {
            return Err(ApiError::bad_request(
                "LIMIT_EXCEEDED",
                format!("limit {n} exceeds the maximum of {MAX_LIMIT}"),
            ));
        }
        Ok(Some(n as u32))
    }

    /// `fields`: a comma list of names.
    pub fn fields(&self) -> Result<Option<Vec<String>>, ApiError> {
        let Some(raw) = self.get("fields") else {
            return Ok(None);
        };
        raw.split(',')
            .map(|f| {
                let f = f.trim();
                if f.is_empty() {
                    Err(invalid("fields", "an empty field name".to_owned()))
                } else {
                    Ok(f.to_owned())
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// `filter`, parsed; `None` when absent.
    pub fn filter(&self) -> Result<Option<crate::query::Filter>, ApiError> {
        self.get("filter").map(super::filter::parse).transpose()
    }

    /// `order_by`, parsed (empty when absent).
    pub fn order_by(&self) -> Result<Vec<OrderBy>, ApiError> {
        self.get("order_by")
            .map_or(Ok(Vec::new()), super::order::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let e = Params::parse(Some("limit=1&lmit=2"), &["limit"]).unwrap_err();
        assert_eq!(e.code, "UNKNOWN_PARAMETER");
        assert!(e.message.contains("`lmit`"), "{}", e.message);
        let e = Params::parse(Some("limit=1&limit=2"), &["limit"]).unwrap_err();
        assert_eq!(e.code, "INVALID_PARAMETER");
    }

    #[test]
    fn a_parameter_written_with_a_colon_is_read_as_with_an_equals_sign() {
        let p = Params::parse(Some("limit:3"), &["limit", "filter"]).unwrap();
        assert_eq!(p.limit().unwrap(), Some(3));
        let e = Params::parse(Some("limt:3"), &["limit"]).unwrap_err();
        assert_eq!(e.code, "UNKNOWN_PARAMETER");
        let e = Params::parse(Some("limit:3&limit=4"), &["limit"]).unwrap_err();
        assert_eq!(e.code, "INVALID_PARAMETER");
        let p = Params::parse(Some("filter=name%5Beq%5D%3A%22a%22"), &["filter"]).unwrap();
        assert_eq!(p.get("filter"), Some("name[eq]:\"a\""));
    }

    #[test]
    fn typed_values_are_checked() {
        let p = Params::parse(Some("limit=201&depth=2"), &["limit", "depth"]).unwrap();
        assert_eq!(p.limit().unwrap_err().code, "LIMIT_EXCEEDED");
        assert_eq!(p.depth().unwrap_err().code, "INVALID_PARAMETER");
        let p = Params::parse(Some("limit=-1"), &["limit"]).unwrap();
        assert_eq!(p.limit().unwrap_err().code, "INVALID_PARAMETER");
        let p = Params::parse(Some("filter=name%5Beq%5D%3A%22a+b%22"), &["filter"]).unwrap();
        assert_eq!(p.get("filter"), Some("name[eq]:\"a b\""));
    }
}
