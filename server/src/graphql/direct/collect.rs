//! The fields an operation selects, as GraphQL's CollectFields makes them: fragments
//! expanded where their type condition holds, `@skip` / `@include` applied, fields of one
//! response key merged, each with its output type from the schema's registry. Reads the
//! parsed document only; resolves nothing.

use crate::graphql::nested::{self, Selected};
use crate::query::QueryError;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field as AstField, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Pos, Positioned, ServerError, Value, Variables};

/// What collecting and resolving arguments read: the schema's types, the document, the
/// operation being run and the request's variables.
pub struct Operation<'d> {
    /// The served schema's types.
    pub registry: &'d Registry,
    /// The parsed (and validated) document.
    pub document: &'d ExecutableDocument,
    /// The operation of the document being run.
    pub operation: &'d OperationDefinition,
    /// The request's variables.
    pub variables: &'d Variables,
}

impl Operation<'_> {
    /// A variable's value: the request's, else its default (null when it is nullable), as
    /// async-graphql's executor reads it.
    fn variable(&self, name: &str, pos: Pos) -> Result<Value, ServerError> {
        self.operation
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == name)
            .and_then(|d| {
                self.variables
                    .get(&d.node.name.node)
                    .or_else(|| d.node.default_value())
            })
            .cloned()
            .ok_or_else(|| ServerError::new(format!("Variable {name} is not defined."), Some(pos)))
    }

    /// Whether `@skip` / `@include` leave a selection out. Like async-graphql, the
    /// condition reads only the given variables: a missing one counts as `false`.
    fn skipped(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|directive| {
            let include = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return false,
            };
            let Some(condition) = directive.node.get_argument("if") else {
                return false;
            };
            let value = condition
                .node
                .clone()
                .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()))
                .unwrap_or_default();
            include != matches!(value, Value::Boolean(true))
        })
    }

    /// Whether a fragment with type condition `condition` applies to objects of `ty`.
    fn applies(&self, condition: Option<&str>, ty: &MetaType) -> bool {
        condition.is_none_or(|c| {
            c == ty.name()
                || self
                    .registry
                    .implements
                    .get(ty.name())
                    .is_some_and(|interfaces| interfaces.contains(c))
        })
    }
}

/// A selected field, its same-key selections merged.
pub struct Field<'d> {
    /// The key it is answered under (its alias, or its name).
    pub key: &'d str,
    /// Its name in the schema (`__typename` included).
    pub name: &'d str,
    /// Its first selection node (arguments, position, identity).
    node: &'d Positioned<AstField>,
    /// Its output type as the schema spells it (`[PersonEdge!]!`); empty for `__typename`.
    pub ty: &'d str,
    /// The named type inside [`Field::ty`].
    pub target: Option<&'d MetaType>,
    /// The fields selected on it (for object types).
    pub fields: Vec<Field<'d>>,
    /// For object types, the hidden key a relation's loaded value has in its parent
    /// record (see `nested::slot`).
    pub slot: Option<String>,
    operation: &'d Operation<'d>,
}

impl<'d> Field<'d> {
    /// Where the field is written in the document.
    pub fn pos(&self) -> Pos {
        self.node.pos
    }

    /// Its arguments with the variables replaced, or the error async-graphql gives for a
    /// variable that is neither given nor has a default.
    pub fn resolved_arguments(&self) -> Result<Vec<(String, Value)>, ServerError> {
        self.node
            .node
            .arguments
            .iter()
            .map(|(name, value)| {
                let pos = value.pos;
                value
                    .node
                    .clone()
                    .into_const_with(|var| self.operation.variable(&var, pos))
                    .map(|v| (name.node.to_string(), v))
            })
            .collect()
    }
}

impl<'d> Selected for &'d Field<'d> {
    fn name(&self) -> &str {
        self.name
    }

    fn node(&self) -> usize {
        self.node.node.name.node.as_ptr() as usize
    }

    fn arguments(&self) -> Result<Vec<(String, Value)>, QueryError> {
        self.resolved_arguments()
            .map_err(|e| QueryError::InvalidFilter {
                field: self.name.to_owned(),
                reason: e.message,
            })
    }

    fn children(&self) -> Vec<Self> {
        self.fields.iter().collect()
    }
}

/// The fields `sets` select on an object of type `ty`, in document order, merged by key.
pub fn collect<'d>(
    operation: &'d Operation<'d>,
    ty: &'d MetaType,
    sets: &[&'d SelectionSet],
) -> Vec<Field<'d>> {
    let mut groups: Vec<(&'d str, Vec<&'d Positioned<AstField>>)> = Vec::new();
    for set in sets {
        gather(operation, ty, set, &mut groups);
    }
    groups
        .into_iter()
        .filter_map(|(key, nodes)| field(operation, ty, key, &nodes))
        .collect()
}

fn gather<'d>(
    operation: &'d Operation<'d>,
    ty: &'d MetaType,
    set: &'d SelectionSet,
    groups: &mut Vec<(&'d str, Vec<&'d Positioned<AstField>>)>,
) {
    for selection in &set.items {
        if operation.skipped(selection.node.directives()) {
            continue;
        }
        match &selection.node {
            Selection::Field(node) => {
                let key = node.node.response_key().node.as_str();
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, nodes)) => nodes.push(node),
                    None => groups.push((key, vec![node])),
                }
            }
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = operation
                    .document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                else {
                    continue;
                };
                let condition = fragment.node.type_condition.node.on.node.as_str();
                if operation.applies(Some(condition), ty) {
                    gather(operation, ty, &fragment.node.selection_set.node, groups);
                }
            }
            Selection::InlineFragment(inline) => {
                let condition = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.as_str());
                if operation.applies(condition, ty) {
                    gather(operation, ty, &inline.node.selection_set.node, groups);
                }
            }
        }
    }
}

/// One merged field, or `None` for a name the type does not have (async-graphql skips
/// those too; validation refuses them before).
fn field<'d>(
    operation: &'d Operation<'d>,
    ty: &'d MetaType,
    key: &'d str,
    nodes: &[&'d Positioned<AstField>],
) -> Option<Field<'d>> {
    let node = nodes[0];
    let name = node.node.name.node.as_str();
    let (field_ty, target) = if name == "__typename" {
        ("", None)
    } else {
        let meta = ty.field_by_name(name)?;
        let target = operation
            .registry
            .types
            .get(MetaTypeName::concrete_typename(&meta.ty));
        (meta.ty.as_str(), target)
    };
    let (fields, slot) = match target {
        Some(target @ MetaType::Object { .. }) => {
            let sets: Vec<&SelectionSet> =
                nodes.iter().map(|n| &n.node.selection_set.node).collect();
            let slot = nested::slot_of(node.node.name.node.as_ptr() as usize);
            (collect(operation, target, &sets), Some(slot))
        }
        _ => (Vec::new(), None),
    };
    Some(Field {
        slot,
        key,
        name,
        node,
        ty: field_ty,
        target,
        fields,
        operation,
    })
}
