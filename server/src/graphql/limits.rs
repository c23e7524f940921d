//! The limits of a GraphQL operation: how deep its text nests (checked before parsing, so
//! that no recursive parser or visitor can exhaust a stack), then on the parsed document
//! its depth, selected fields, root fields, aliases, argument and variable values, and
//! introspection. Page sizes and many-row mutations are bounded by the query engine
//! (`MAX_LIMIT`, `MAX_MUTATION_RECORDS`).
//!
//! Introspection counts towards the depth and the fields like any selection (the standard
//! introspection query is 15 deep, the default maximum); within it, aliases are refused and
//! the list fields `fields` / `inputFields` / `interfaces` / `possibleTypes` nest at most
//! twice (graphql-js's rule), so an introspection answer stays the size of the schema.

pub use crate::config::GraphqlLimits as Limits;
use crate::query::MAX_NESTING;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// Most brackets a document's text may nest, whatever the configured depth: far below
/// what overflows a worker's stack in the parser (about 1,200).
const MAX_TEXT_NESTING: usize = 256;

/// Most nested introspection list fields on one path (graphql-js refuses the third).
const MAX_INTROSPECTION_LISTS: usize = 2;

/// An operation over a limit: which one, with the numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error(
        "Query too complex - the operation nests selections {depth} levels deep, more than the maximum of {max}; split it into several queries"
    )]
    Depth { depth: usize, max: usize },
    #[error(
        "Query too complex - the operation selects {count} fields, more than the maximum of {max}; select fewer fields"
    )]
    Fields { count: usize, max: usize },
    #[error(
        "Query too complex - the operation has {count} root fields, more than the maximum of {max}; split it into several requests"
    )]
    RootFields { count: usize, max: usize },
    #[error(
        "Query too complex - the operation has {count} aliased fields, more than the maximum of {max}"
    )]
    Aliases { count: usize, max: usize },
    #[error(
        "Query too complex - the document nests brackets (or fragments) deeper than {max} levels; flatten it"
    )]
    Text { max: usize },
    #[error(
        "Query too complex - the value of {what} nests deeper than the maximum of {max} levels (each object or list is one); flatten it"
    )]
    Value { what: String, max: usize },
    #[error("Query too complex - introspection {reason}")]
    Introspection { reason: &'static str },
}

impl LimitError {
    /// A stable code per limit.
    pub fn code(&self) -> &'static str {
        match self {
            LimitError::Depth { .. } => "QUERY_TOO_DEEP",
            LimitError::Fields { .. } => "TOO_MANY_FIELDS",
            LimitError::RootFields { .. } => "TOO_MANY_ROOT_FIELDS",
            LimitError::Aliases { .. } => "TOO_MANY_ALIASES",
            LimitError::Text { .. } | LimitError::Value { .. } => "NESTING_TOO_DEEP",
            LimitError::Introspection { .. } => "INTROSPECTION_TOO_COMPLEX",
        }
    }
}

/// Refuses a document whose text nests `{`, `[` and `(` deeper than the selections and
/// values it may hold (`max_depth` selections, then arguments of [`MAX_NESTING`] levels),
/// and never deeper than 256. Strings, block strings and comments are skipped. Runs before
/// parsing: the parser recurses once per level.
pub fn check_text(query: &str, limits: &Limits) -> Result<(), LimitError> {
    let max = (limits.max_depth + MAX_NESTING + 2).min(MAX_TEXT_NESTING);
    let bytes = query.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(br#"""""#) => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(br#"""""#) {
                    // `\"""` is an escaped delimiter inside a block string.
                    i += if bytes[i..].starts_with(br#"\""""#) {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return Err(LimitError::Text { max });
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Refuses variables nested deeper than [`MAX_NESTING`] (their JSON stopped at 128).
pub fn check_variables(variables: &async_graphql::Variables) -> Result<(), LimitError> {
    for (name, value) in variables.iter() {
        if const_depth(value) > MAX_NESTING {
            return Err(LimitError::Value {
                what: format!("variable `${name}`"),
                max: MAX_NESTING,
            });
        }
    }
    Ok(())
}

/// How deep a value nests (each object or list one level). The recursion is bounded by
/// [`check_text`], which ran before parsing.
fn value_depth(value: &Value) -> usize {
    match value {
        Value::List(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(value_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// [`value_depth`] of a constant (a variable's value or default).
fn const_depth(value: &ConstValue) -> usize {
    match value {
        ConstValue::List(items) => 1 + items.iter().map(const_depth).max().unwrap_or(0),
        ConstValue::Object(map) => 1 + map.values().map(const_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn check_value(what: impl FnOnce() -> String, value: &Value) -> Result<(), LimitError> {
    if value_depth(value) > MAX_NESTING {
        return Err(LimitError::Value {
            what: what(),
            max: MAX_NESTING,
        });
    }
    Ok(())
}

fn check_directives(directives: &[Positioned<Directive>]) -> Result<(), LimitError> {
    for directive in directives {
        let directive = &directive.node;
        for (argument, value) in &directive.arguments {
            check_value(
                || format!("argument `{}` of @{}", argument.node, directive.name.node),
                &value.node,
            )?;
        }
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    fields: usize,
    aliases: usize,
    depth: usize,
}

struct Walker<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    limits: &'a Limits,
    tally: Tally,
    /// Fragments being expanded (a cycle is a validation error reported later).
    active: Vec<&'a Name>,
}

impl<'a> Walker<'a> {
    /// Walks `set` at `depth`; `lists` is `None` outside introspection, else how many
    /// introspection list fields enclose it.
    fn walk(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        lists: Option<usize>,
    ) -> Result<(), LimitError> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.tally.fields += 1;
                    if field.alias.is_some() {
                        self.tally.aliases += 1;
                    }
                    if self.tally.fields > self.limits.max_fields {
                        return Err(LimitError::Fields {
                            count: self.tally.fields,
                            max: self.limits.max_fields,
                        });
                    }
                    self.tally.depth = self.tally.depth.max(depth);
                    if depth > self.limits.max_depth {
                        return Err(LimitError::Depth {
                            depth,
                            max: self.limits.max_depth,
                        });
                    }
                    for (argument, value) in &field.arguments {
                        check_value(|| format!("argument `{}`", argument.node), &value.node)?;
                    }
                    check_directives(&field.directives)?;
                    let lists = introspection_lists(lists, field.name.node.as_str());
                    if let Some(n) = lists {
                        if field.alias.is_some() {
                            return Err(LimitError::Introspection {
                                reason: "fields cannot be aliased",
                            });
                        }
                        if n > MAX_INTROSPECTION_LISTS {
                            return Err(LimitError::Introspection {
                                reason: "nests fields / inputFields / interfaces / possibleTypes more than twice",
                            });
                        }
                    }
                    self.walk(&field.selection_set.node, depth + 1, lists)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    check_directives(&spread.node.directives)?;
                    if self.active.contains(&name) {
                        continue;
                    }
                    if let Some(fragment) = self.fragments.get(name) {
                        // Fragments spreading each other nest without brackets: bounded
                        // like the text.
                        if self.active.len() >= MAX_TEXT_NESTING {
                            return Err(LimitError::Text {
                                max: MAX_TEXT_NESTING,
                            });
                        }
                        self.active.push(name);
                        self.walk(&fragment.node.selection_set.node, depth, lists)?;
                        self.active.pop();
                    }
                }
                Selection::InlineFragment(inline) => {
                    check_directives(&inline.node.directives)?;
                    self.walk(&inline.node.selection_set.node, depth, lists)?;
                }
            }
        }
        Ok(())
    }
}

/// The introspection list count under a field named `name`, given the one around it.
fn introspection_lists(around: Option<usize>, name: &str) -> Option<usize> {
    match (around, name) {
        (None, "__schema" | "__type") => Some(0),
        (None, _) => None,
        (Some(n), "fields" | "inputFields" | "interfaces" | "possibleTypes") => Some(n + 1),
        (Some(n), _) => Some(n),
    }
}

fn root_fields(
    set: &SelectionSet,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    seen: &mut Vec<Name>,
) -> usize {
    let mut count = 0;
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                if !field.node.name.node.starts_with("__") {
                    count += 1;
                }
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if seen.contains(name) {
                    continue;
                }
                seen.push(name.clone());
                if let Some(fragment) = fragments.get(name) {
                    count += root_fields(&fragment.node.selection_set.node, fragments, seen);
                }
            }
            Selection::InlineFragment(inline) => {
                count += root_fields(&inline.node.selection_set.node, fragments, seen);
            }
        }
    }
    count
}

fn check_operation(
    operation: &OperationDefinition,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    limits: &Limits,
) -> Result<(), LimitError> {
    let roots = root_fields(&operation.selection_set.node, fragments, &mut Vec::new());
    if roots > limits.max_root_fields {
        return Err(LimitError::RootFields {
            count: roots,
            max: limits.max_root_fields,
        });
    }
    for variable in &operation.variable_definitions {
        let variable = &variable.node;
        if let Some(default) = &variable.default_value
            && const_depth(&default.node) > MAX_NESTING
        {
            return Err(LimitError::Value {
                what: format!("the default of `${}`", variable.name.node),
                max: MAX_NESTING,
            });
        }
    }
    check_directives(&operation.directives)?;
    let mut walker = Walker {
        fragments,
        limits,
        tally: Tally::default(),
        active: Vec::new(),
    };
    walker.walk(&operation.selection_set.node, 1, None)?;
    if walker.tally.aliases > limits.max_aliases {
        return Err(LimitError::Aliases {
            count: walker.tally.aliases,
            max: limits.max_aliases,
        });
    }
    Ok(())
}

/// Checks every operation of `document` (only one runs, but which one is chosen later).
/// The document's text must have passed [`check_text`].
pub fn check(document: &ExecutableDocument, limits: &Limits) -> Result<(), LimitError> {
    for (_, operation) in document.operations.iter() {
        check_operation(&operation.node, &document.fragments, limits)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_limit_code_is_documented_for_the_sdks() {
        use twenty_codegen::model::{ERROR_CODES, GRAPHQL_ONLY_CODES};
        let errors = [
            LimitError::Depth { depth: 2, max: 1 },
            LimitError::Fields { count: 2, max: 1 },
            LimitError::RootFields { count: 2, max: 1 },
            LimitError::Aliases { count: 2, max: 1 },
            LimitError::Text { max: 1 },
            LimitError::Introspection { reason: "x" },
        ];
        for error in errors {
            let code = error.code();
            assert!(
                ERROR_CODES.iter().any(|e| e.code == code)
                    || GRAPHQL_ONLY_CODES.iter().any(|(c, _)| *c == code),
                "{code}"
            );
        }
        assert!(
            GRAPHQL_ONLY_CODES
                .iter()
                .any(|(c, _)| *c == "INVALID_QUERY")
        );
    }

    use super::*;
    use async_graphql::parser::parse_query;

    /// The whole check of a query text: its nesting, then the parsed document.
    fn check_query(query: &str, limits: Limits) -> Result<(), LimitError> {
        check_text(query, &limits)?;
        check(&parse_query(query).expect("parses"), &limits)
    }

    #[test]
    fn depth_counts_nested_selections_through_fragments() {
        let query = "query { companies { edges { ...E } } } fragment E on CompanyEdge { node { name { x } } }";
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        assert_eq!(
            check_query(query, limits),
            Err(LimitError::Depth { depth: 5, max: 4 })
        );
        assert!(
            check_query(
                query,
                Limits {
                    max_depth: 5,
                    ..limits
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn root_fields_fields_and_aliases_are_counted() {
        let query =
            "{ a: companies { totalCount } b: people { totalCount } c: notes { totalCount } }";
        let tight = |f: fn(&mut Limits)| {
            let mut l = Limits::default();
            f(&mut l);
            l
        };
        assert_eq!(
            check_query(query, tight(|l| l.max_root_fields = 2)),
            Err(LimitError::RootFields { count: 3, max: 2 })
        );
        assert_eq!(
            check_query(query, tight(|l| l.max_fields = 5)),
            Err(LimitError::Fields { count: 6, max: 5 })
        );
        assert_eq!(
            check_query(query, tight(|l| l.max_aliases = 2)),
            Err(LimitError::Aliases { count: 3, max: 2 })
        );
        assert!(check_query(query, Limits::default()).is_ok());
    }

    #[test]
    fn introspection_counts_towards_depth() {
        let deep = "{ __schema { types { fields { type { ofType { name } } } } } }";
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert_eq!(
            check_query(deep, limits),
            Err(LimitError::Depth { depth: 4, max: 3 })
        );
    }

    #[test]
    fn introspection_refuses_aliases_and_a_third_nested_list() {
        let code = |q: &str| check_query(q, Limits::default()).map_err(|e| e.code());
        assert_eq!(
            code("{ a: __schema { types { name } } }"),
            Err("INTROSPECTION_TOO_COMPLEX")
        );
        assert_eq!(
            code("{ __schema { types { n: name } } }"),
            Err("INTROSPECTION_TOO_COMPLEX")
        );
        assert_eq!(
            code("{ __schema { types { fields { type { fields { name } } } } } }"),
            Ok(())
        );
        assert_eq!(
            code(
                "{ __schema { types { fields { type { fields { type { interfaces { name } } } } } } } }"
            ),
            Err("INTROSPECTION_TOO_COMPLEX")
        );
        assert_eq!(
            code(
                "{ __type(name: \"Person\") { ...F } } fragment F on __Type { fields { type { inputFields { type { possibleTypes { name } } } } } }"
            ),
            Err("INTROSPECTION_TOO_COMPLEX")
        );
        assert_eq!(code("{ __typename a: __typename }"), Ok(()));
    }

    #[test]
    fn argument_values_nest_at_most_max_nesting_levels() {
        let nested = |levels: usize| {
            format!(
                "{{ people(filter: {}{{id: {{eq: 1}}}}{}) {{ totalCount }} }}",
                "{and: [".repeat(levels),
                "]}".repeat(levels)
            )
        };
        // Each {and: [ … ]} is two levels; the innermost {id: {eq: 1}} two more.
        assert!(check_query(&nested(MAX_NESTING / 2 - 1), Limits::default()).is_ok());
        let e = check_query(&nested(MAX_NESTING / 2), Limits::default()).unwrap_err();
        assert_eq!(e.code(), "NESTING_TOO_DEEP");
        assert!(e.to_string().contains("argument `filter`"), "{e}");
    }

    #[test]
    fn the_text_check_skips_strings_and_comments() {
        let limits = Limits::default();
        let brackets = "[".repeat(10_000);
        assert!(check_text(&format!("{{ a(s: \"{brackets}\") }}"), &limits).is_ok());
        assert!(check_text(&format!("{{ a(s: \"\"\"{brackets}\"\"\") }}"), &limits).is_ok());
        assert!(check_text(&format!("{{ a # {brackets}\n }}"), &limits).is_ok());
        assert_eq!(
            check_text(&format!("{{ a(s: {brackets}) }}"), &limits),
            Err(LimitError::Text { max: 49 })
        );
    }
}
