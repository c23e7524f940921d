//! The `filter` query parameter's grammar, parsed into the engine's [`Filter`]:
//! `field[cmp]:value`, comma lists (and), `and(…)`, `or(…)`, `not(…)`, `field.sub[cmp]:v`,
//! paths through many-to-one relations (`company.name[eq]:v`), and `rel[some]:(…)` /
//! `rel[none]:(…)` over one-to-many relations.
//!
//! Syntax only: names and value types are checked by the engine against the model. Values
//! are handed over as strings (bare or quoted alike) or lists of strings; the engine parses
//! them by the field's type.
use crate::error::ApiError;
use crate::query::{Comparator, Filter, MAX_NESTING, Quantifier};

/// Most segments after a field name: three relations and a sub-field.
const MAX_PATH_SEGMENTS: usize = 4;
use serde_json::Value;

/// Parses a whole `filter` value (its root is an implicit `and(…)`).
pub fn parse(input: &str) -> Result<Filter, ApiError> {
    let mut p = Parser {
        chars: input.chars().collect(),
        pos: 0,
    };
    p.skip_ws();
    if p.at_end() {
        return Err(p.error("the filter is empty"));
    }
    let mut items = p.list(0)?;
    p.skip_ws();
    if !p.at_end() {
        return Err(p.error(&format!("unexpected `{}`", p.chars[p.pos])));
    }
    Ok(if items.len() == 1 {
        items.remove(0)
    } else {
        Filter::And(items)
    })
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, what: &str) -> ApiError {
        ApiError::bad_request(
            "INVALID_FILTER",
            format!("invalid filter at character {}: {what}", self.pos + 1),
        )
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char, after: &str) -> Result<(), ApiError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            let found = self
                .peek()
                .map_or("the end".to_owned(), |f| format!("`{f}`"));
            Err(self.error(&format!("expected `{c}` after {after}, found {found}")))
        }
    }

    /// `item (, item)*`, up to a `)` or the end.
    fn list(&mut self, depth: usize) -> Result<Vec<Filter>, ApiError> {
        let mut items = vec![self.item(depth)?];
        loop {
            self.skip_ws();
            if self.peek() == Some(',') {
                self.pos += 1;
                items.push(self.item(depth)?);
            } else {
                return Ok(items);
            }
        }
    }

    fn name(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// A conjunction `and(…)` / `or(…)` / `not(…)` or a predicate `path[cmp]:value`.
    fn item(&mut self, depth: usize) -> Result<Filter, ApiError> {
        self.skip_ws();
        let start = self.pos;
        let name = self.name();
        if name.is_empty() {
            let found = self
                .peek()
                .map_or("the end".to_owned(), |f| format!("`{f}`"));
            return Err(self.error(&format!(
                "expected a field name or and( / or( / not(, found {found}"
            )));
        }
        self.skip_ws();
        if self.peek() == Some('(') {
            let conjunction = name.as_str();
            if !matches!(conjunction, "and" | "or" | "not") {
                self.pos = start;
                return Err(self.error(&format!(
                    "unknown conjunction `{conjunction}` (expected and, or, not)"
                )));
            }
            if depth >= MAX_NESTING {
                return Err(ApiError::bad_request(
                    "NESTING_TOO_DEEP",
                    format!(
                        "invalid filter at character {}: and( / or( / not( nested deeper than {MAX_NESTING} levels; flatten it",
                        self.pos + 1
                    ),
                ));
            }
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(')') {
                return Err(self.error(&format!("`{conjunction}(…)` is empty")));
            }
            let mut items = self.list(depth + 1)?;
            self.expect(')', &format!("the arguments of `{conjunction}(`"))?;
            return match conjunction {
                "and" => Ok(Filter::And(items)),
                "or" => Ok(Filter::Or(items)),
                _ if items.len() == 1 => Ok(Filter::Not(Box::new(items.remove(0)))),
                _ => {
                    self.pos = start;
                    Err(self.error(&format!(
                        "`not(…)` takes exactly one filter, got {}",
                        items.len()
                    )))
                }
            };
        }
        // `field.sub`, or a path through relations: `company.accountOwner.name.firstName`.
        let mut segments: Vec<String> = Vec::new();
        while self.peek() == Some('.') {
            self.pos += 1;
            let sub = self.name();
            if sub.is_empty() {
                return Err(self.error(&format!("expected a sub-field name after `{name}.`")));
            }
            if segments.len() >= MAX_PATH_SEGMENTS {
                return Err(self.error(&format!(
                    "`{name}.{}…` is too long a path",
                    segments.join(".")
                )));
            }
            segments.push(sub);
        }
        let sub_field = (!segments.is_empty()).then(|| segments.join("."));
        let path = match &sub_field {
            Some(s) => format!("{name}.{s}"),
            None => name.clone(),
        };
        self.expect('[', &format!("`{path}` (as in `{path}[eq]:value`)"))?;
        self.skip_ws();
        let cmp_at = self.pos;
        let cmp = self.name();
        let op = Comparator::from_name(&cmp).ok_or_else(|| {
            self.error_at(
                cmp_at,
                &format!(
                    "unknown comparator `{cmp}` on `{path}` (expected one of {}; `some` / `none` on a one-to-many relation)",
                    Comparator::ALL.map(Comparator::as_str).join(", ")
                ),
            )
        });
        if matches!(cmp.as_str(), "some" | "none") {
            // `people[some]:(name.firstName[eq]:"Ada")`: some / none of the related records.
            self.expect(']', &format!("the comparator of `{path}`"))?;
            self.expect(':', &format!("`{path}[{cmp}]`"))?;
            self.expect(
                '(',
                &format!("`{path}[{cmp}]:` (as in `{path}[{cmp}]:(field[eq]:value)`)"),
            )?;
            if depth >= MAX_NESTING {
                return Err(self.error(&format!("filters nested deeper than {MAX_NESTING} levels")));
            }
            let mut items = self.list(depth + 1)?;
            self.expect(')', &format!("the filter of `{path}[{cmp}]`"))?;
            if sub_field.is_some() {
                return Err(self.error_at(
                    cmp_at,
                    &format!("`{cmp}` applies to a one-to-many relation itself, not to `{path}`"),
                ));
            }
            return Ok(Filter::Related {
                field: name,
                quantifier: if cmp == "some" {
                    Quantifier::Some
                } else {
                    Quantifier::None
                },
                filter: Box::new(if items.len() == 1 {
                    items.remove(0)
                } else {
                    Filter::And(items)
                }),
            });
        }
        let op = op?;
        self.expect(']', &format!("the comparator of `{path}`"))?;
        self.expect(':', &format!("`{path}[{cmp}]`"))?;
        self.skip_ws();
        let value = if self.peek() == Some('[') {
            self.pos += 1;
            self.list_value(&path)?
        } else {
            Value::String(self.value(&path, &[',', ')'])?)
        };
        Ok(Filter::Compare {
            field: name,
            sub_field,
            op,
            value,
        })
    }

    fn error_at(&self, pos: usize, what: &str) -> ApiError {
        ApiError::bad_request(
            "INVALID_FILTER",
            format!("invalid filter at character {}: {what}", pos + 1),
        )
    }

    /// `[v1, v2, …]` after its `[`.
    fn list_value(&mut self, path: &str) -> Result<Value, ApiError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(Value::String(self.value(path, &[',', ']'])?));
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => {
                    return Err(
                        self.error(&format!("unterminated list for `{path}`: expected `]`"))
                    );
                }
            }
        }
    }

    /// A quoted string (single or double quotes, backslash escapes) or a bare value running
    /// to one of `stops` (trimmed).
    fn value(&mut self, path: &str, stops: &[char]) -> Result<String, ApiError> {
        self.skip_ws();
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                let start = self.pos;
                self.pos += 1;
                let mut out = String::new();
                loop {
                    match self.peek() {
                        None => {
                            return Err(self.error_at(
                                start,
                                &format!("unterminated quoted value for `{path}`"),
                            ));
                        }
                        Some('\\') => {
                            self.pos += 1;
                            match self.peek() {
                                Some(c) => out.push(c),
                                None => {
                                    return Err(self.error("a backslash ends the filter"));
                                }
                            }
                        }
                        Some(c) if c == q => {
                            self.pos += 1;
                            return Ok(out);
                        }
                        Some(c) => out.push(c),
                    }
                    self.pos += 1;
                }
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| !stops.contains(&c)) {
                    self.pos += 1;
                }
                let raw: String = self.chars[start..self.pos].iter().collect();
                let raw = raw.trim();
                if raw.is_empty() {
                    return Err(self.error_at(start, &format!("missing value for `{path}`")));
                }
                if raw.contains(['"', '\'', '(', '[', ']']) {
                    return Err(self.error_at(
                        start,
                        &format!(
                            "unexpected character in the bare value `{raw}` for `{path}`: quote it"
                        ),
                    ));
                }
                Ok(raw.to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(s: &str) -> Filter {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        let e = parse(s).expect_err(s);
        assert_eq!(e.code, "INVALID_FILTER", "{s}");
        e.message
    }

    #[test]
    fn predicates_lists_and_conjunctions_parse() {
        assert_eq!(
            ok(r#"name.firstName[eq]:"Ann""#),
            Filter::sub("name", "firstName", Comparator::Eq, json!("Ann"))
        );
        assert_eq!(
            ok("employees[gte]:10, idealCustomerProfile[eq]:true"),
            Filter::And(vec![
                Filter::cmp("employees", Comparator::Gte, json!("10")),
                Filter::cmp("idealCustomerProfile", Comparator::Eq, json!("true")),
            ])
        );
        assert_eq!(
            ok(r#"or(a[in]:["x",'y', z ],not(b[is]:NULL))"#),
            Filter::Or(vec![
                Filter::cmp("a", Comparator::In, json!(["x", "y", "z"])),
                Filter::Not(Box::new(Filter::cmp("b", Comparator::Is, json!("NULL")))),
            ])
        );
        assert_eq!(
            ok(r#"name[eq]:"say \"hi\", \\ (ok)""#),
            Filter::cmp("name", Comparator::Eq, json!(r#"say "hi", \ (ok)"#))
        );
        assert_eq!(
            ok("tags[containsAny]:[]"),
            Filter::cmp("tags", Comparator::ContainsAny, json!([]))
        );
    }

    #[test]
    fn malformed_filters_say_where_and_what() {
        assert!(err("").contains("empty"));
        assert!(err("name").contains("expected `[`"));
        assert!(err("name[equals]:1").contains("unknown comparator `equals`"));
        assert!(err("name[eq]1").contains("expected `:`"));
        assert!(err("name[eq]:").contains("missing value"));
        assert!(err(r#"name[eq]:"abc"#).contains("unterminated quoted value"));
        assert!(err("xor(a[eq]:1)").contains("unknown conjunction `xor`"));
        assert!(err("not(a[eq]:1,b[eq]:2)").contains("exactly one"));
        assert!(err("and()").contains("empty"));
        assert!(err("and(a[eq]:1").contains("expected `)`"));
        assert!(err("a[in]:[1,2").contains("unterminated list"));
        assert!(err("a[eq]:1)").contains("unexpected `)`"));
        assert!(err("a.[eq]:1").contains("sub-field"));
    }

    #[test]
    fn groups_nest_at_most_max_nesting_levels() {
        let nest = |n: usize| format!("{}a[eq]:1{}", "not(".repeat(n), ")".repeat(n));
        assert!(parse(&nest(MAX_NESTING)).is_ok());
        let e = parse(&nest(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(e.code, "NESTING_TOO_DEEP");
        assert!(e.message.contains("deeper than 32"), "{}", e.message);
    }

    const TOKENS: &[&str] = &[
        "name",
        "employees",
        "address",
        ".",
        "addressCity",
        "[",
        "]",
        ":",
        ",",
        "(",
        ")",
        "and",
        "or",
        "not",
        "eq",
        "neq",
        "in",
        "is",
        "gt",
        "lte",
        "like",
        "ilike",
        "startsWith",
        "containsAny",
        "\"",
        "'",
        "\\",
        "1",
        "-3.5",
        "x",
        "NULL",
        "NOT_NULL",
        " ",
        "%",
        "_",
        "\u{0}",
        "2024-01-01",
        "id",
        "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11",
        "createdAt",
        "deletedAt",
        "idealCustomerProfile",
        "true",
        "tagline",
        "domainName",
        "primaryLinkUrl",
        "annualRecurringRevenue",
        "amountMicros",
        "99999999999999999999",
        "companyId",
        "people",
    ];

    proptest::proptest! {
        #![proptest_config(crate::properties::config())]

        /// Any text is a filter or a 4xx, and any filter compiles to SQL or is the
        /// client's mistake, on both dialects: never a panic, never a 500.
        #[test]
        fn any_text_is_a_filter_or_a_client_error(
            text in crate::properties::from_tokens(TOKENS, 40)
        ) {
            match parse(&text) {
                Err(e) => proptest::prop_assert!(e.status.is_client_error(), "{e}"),
                Ok(filter) => crate::properties::compiles_or_client_error(&filter)?,
            }
        }
    }
}
