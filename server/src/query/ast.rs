//! The typed read query: object, filter tree, ordering, cursor page, fields and depth.
//! Transports (REST filter grammar, GraphQL arguments) parse into these types.

use serde_json::Value;
/// The grammar's comparators and directions are the model's (the emitters describe the
/// same lists).
pub use twenty_codegen::model::{Comparator, Direction};

/// A read of one object's records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// The object's `nameSingular`.
    pub object: String,
    pub filter: Option<Filter>,
    /// Ordering keys; `id` ascending is always appended as the tie-breaker.
    pub order_by: Vec<OrderBy>,
    pub page: Page,
    /// Fields to return (`id` always is); `None` returns every field.
    pub fields: Option<Vec<String>>,
    /// 0: the record's own fields; 1: related records embedded too.
    pub depth: u8,
    /// Include soft-deleted rows.
    pub with_deleted: bool,
    /// Compute `totalCount` (a COUNT over the filter: only when asked for).
    pub count: bool,
}

impl Query {
    /// A query of every live record of `object`, default page and ordering.
    pub fn new(object: &str) -> Query {
        Query {
            object: object.to_owned(),
            ..Query::default()
        }
    }

    /// Sets the filter. One that looks at `deletedAt` reads soft-deleted records too (as
    /// in Twenty), on every transport.
    pub fn set_filter(&mut self, filter: Option<Filter>) {
        self.with_deleted = filter.as_ref().is_some_and(|f| f.mentions("deletedAt"));
        self.filter = filter;
    }
}

/// A filter tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Compare {
        field: String,
        /// The sub-field of a composite field (`name.firstName`); on a many-to-one
        /// relation, the path in the related record (`name`, `accountOwner.name.firstName`).
        sub_field: Option<String>,
        op: Comparator,
        value: Value,
    },
    /// The records related through `field` match `filter`: a many-to-one relation's
    /// record, or (with [`Quantifier::Some`] / [`Quantifier::None`]) some / none of a
    /// one-to-many relation's records. Only live related records count.
    Related {
        field: String,
        quantifier: Quantifier,
        filter: Box<Filter>,
    },
}

/// How a relation filter counts the related records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// The one related record of a many-to-one relation.
    One,
    /// At least one related record of a one-to-many relation.
    Some,
    /// No related record of a one-to-many relation.
    None,
}

impl Filter {
    /// `field[op]:value` on a scalar field.
    pub fn cmp(field: &str, op: Comparator, value: Value) -> Filter {
        Filter::Compare {
            field: field.to_owned(),
            sub_field: None,
            op,
            value,
        }
    }

    /// `field.sub[op]:value` on a composite sub-field.
    pub fn sub(field: &str, sub_field: &str, op: Comparator, value: Value) -> Filter {
        Filter::Compare {
            field: field.to_owned(),
            sub_field: Some(sub_field.to_owned()),
            op,
            value,
        }
    }

    /// Whether the filter compares `field` anywhere (in any branch, negated or not).
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Filter::And(items) | Filter::Or(items) => items.iter().any(|f| f.mentions(field)),
            Filter::Not(inner) => inner.mentions(field),
            Filter::Compare { field: name, .. } => name == field,
            // The related records' fields are theirs, not this object's.
            Filter::Related { .. } => false,
        }
    }
}

/// One ordering key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: String,
    pub sub_field: Option<String>,
    pub direction: Direction,
}

impl OrderBy {
    pub fn new(field: &str, direction: Direction) -> OrderBy {
        OrderBy {
            field: field.to_owned(),
            sub_field: None,
            direction,
        }
    }
}

/// A cursor page: `first`/`after` forwards, `last`/`before` backwards.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub first: Option<u32>,
    pub last: Option<u32>,
    pub after: Option<String>,
    pub before: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_spell_back_to_their_comparator_and_direction() {
        for op in Comparator::ALL {
            assert_eq!(Comparator::from_name(op.as_str()), Some(op));
        }
        for direction in Direction::ALL {
            assert_eq!(Direction::from_name(direction.as_str()), Some(direction));
        }
        assert_eq!(Comparator::from_name("equals"), None);
        assert_eq!(Comparator::from_name("Eq"), None);
        assert_eq!(Direction::from_name("Desc"), None);
    }

    #[test]
    fn a_filter_mentions_a_field_in_any_branch() {
        let deleted = Filter::cmp("deletedAt", Comparator::Is, json!("NOT_NULL"));
        let name = Filter::sub("name", "firstName", Comparator::Eq, json!("Ann"));
        let nested = Filter::Or(vec![
            name.clone(),
            Filter::And(vec![Filter::Not(Box::new(deleted))]),
        ]);
        assert!(nested.mentions("deletedAt"));
        assert!(nested.mentions("name"));
        assert!(!name.mentions("deletedAt"));
        assert!(!name.mentions("firstName"), "a sub-field is not a field");
    }

    #[test]
    fn a_filter_on_deleted_at_reads_soft_deleted_records() {
        let mut query = Query::new("person");
        query.set_filter(Some(Filter::Not(Box::new(Filter::cmp(
            "deletedAt",
            Comparator::Is,
            json!("NULL"),
        )))));
        assert!(query.with_deleted);
        query.set_filter(Some(Filter::cmp("city", Comparator::Eq, json!("Paris"))));
        assert!(!query.with_deleted);
        query.with_deleted = true;
        query.set_filter(None);
        assert!(!query.with_deleted);
    }
}
