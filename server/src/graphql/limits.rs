//! The limits of a GraphQL operation (depth, selected fields, root fields, aliases),
//! checked on the parsed document before anything runs. Page sizes and many-row
//! mutations are bounded by the query engine (`MAX_LIMIT`, `MAX_MUTATION_RECORDS`).
//!
//! Introspection (`__schema`, `__type` and what they select) never counts towards the
//! depth: the standard introspection query nests `ofType` deeper than any data query needs.

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use std::collections::HashMap;

/// The configurable limits of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of selections (`companies { edges { node { name } } }` is 4).
    pub max_depth: usize,
    /// Most fields selected, fragments expanded (Twenty's `GRAPHQL_MAX_FIELDS`).
    pub max_fields: usize,
    /// Most root fields (Twenty's `GRAPHQL_MAX_ROOT_RESOLVERS`).
    pub max_root_fields: usize,
    /// Most aliased fields.
    pub max_aliases: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 15,
            max_fields: 2000,
            max_root_fields: 20,
            max_aliases: 50,
        }
    }
}

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
}

impl LimitError {
    /// A stable code per limit.
    pub fn code(&self) -> &'static str {
        match self {
            LimitError::Depth { .. } => "QUERY_TOO_DEEP",
            LimitError::Fields { .. } => "TOO_MANY_FIELDS",
            LimitError::RootFields { .. } => "TOO_MANY_ROOT_FIELDS",
            LimitError::Aliases { .. } => "TOO_MANY_ALIASES",
        }
    }
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
    fn walk(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        introspection: bool,
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
                    let name = field.name.node.as_str();
                    let introspection = introspection || name == "__schema" || name == "__type";
                    if !introspection {
                        self.tally.depth = self.tally.depth.max(depth);
                        if depth > self.limits.max_depth {
                            return Err(LimitError::Depth {
                                depth,
                                max: self.limits.max_depth,
                            });
                        }
                    }
                    self.walk(&field.selection_set.node, depth + 1, introspection)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if self.active.contains(&name) {
                        continue;
                    }
                    if let Some(fragment) = self.fragments.get(name) {
                        self.active.push(name);
                        self.walk(&fragment.node.selection_set.node, depth, introspection)?;
                        self.active.pop();
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.walk(&inline.node.selection_set.node, depth, introspection)?;
                }
            }
        }
        Ok(())
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
    let mut walker = Walker {
        fragments,
        limits,
        tally: Tally::default(),
        active: Vec::new(),
    };
    walker.walk(&operation.selection_set.node, 1, false)?;
    if walker.tally.aliases > limits.max_aliases {
        return Err(LimitError::Aliases {
            count: walker.tally.aliases,
            max: limits.max_aliases,
        });
    }
    Ok(())
}

/// Checks every operation of `document` (only one runs, but which one is chosen later).
pub fn check(document: &ExecutableDocument, limits: &Limits) -> Result<(), LimitError> {
    for (_, operation) in document.operations.iter() {
        check_operation(&operation.node, &document.fragments, limits)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check_text(query: &str, limits: Limits) -> Result<(), LimitError> {
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
            check_text(query, limits),
            Err(LimitError::Depth { depth: 5, max: 4 })
        );
        assert!(
            check_text(
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
            check_text(query, tight(|l| l.max_root_fields = 2)),
            Err(LimitError::RootFields { count: 3, max: 2 })
        );
        assert_eq!(
            check_text(query, tight(|l| l.max_fields = 5)),
            Err(LimitError::Fields { count: 6, max: 5 })
        );
        assert_eq!(
            check_text(query, tight(|l| l.max_aliases = 2)),
            Err(LimitError::Aliases { count: 3, max: 2 })
        );
        assert!(check_text(query, Limits::default()).is_ok());
    }

    #[test]
    fn introspection_does_not_count_towards_depth() {
        let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }";
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(check_text(deep, limits).is_ok());
    }
}
