//! The typed read query: object, filter tree, ordering, cursor page, fields and depth.
//! Transports (REST filter grammar, GraphQL arguments) parse into these types.

use serde_json::Value;

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
        /// The sub-field of a composite field (`name.firstName`).
        sub_field: Option<String>,
        op: Comparator,
        value: Value,
    },
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
        }
    }
}

/// The comparators of Twenty's filter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    Eq,
    Neq,
    In,
    ContainsAny,
    /// Value `"NULL"` or `"NOT_NULL"`.
    Is,
    Gt,
    Gte,
    Lt,
    Lte,
    StartsWith,
    EndsWith,
    Like,
    Ilike,
}

impl Comparator {
    /// Every comparator, in the order messages list them.
    pub const ALL: [Comparator; 13] = [
        Comparator::Eq,
        Comparator::Neq,
        Comparator::In,
        Comparator::ContainsAny,
        Comparator::Is,
        Comparator::Gt,
        Comparator::Gte,
        Comparator::Lt,
        Comparator::Lte,
        Comparator::StartsWith,
        Comparator::EndsWith,
        Comparator::Like,
        Comparator::Ilike,
    ];

    /// The comparator spelled `name` in the grammar (`containsAny`), if any.
    pub fn from_name(name: &str) -> Option<Comparator> {
        Comparator::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The grammar's spelling (`containsAny`), for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "eq",
            Comparator::Neq => "neq",
            Comparator::In => "in",
            Comparator::ContainsAny => "containsAny",
            Comparator::Is => "is",
            Comparator::Gt => "gt",
            Comparator::Gte => "gte",
            Comparator::Lt => "lt",
            Comparator::Lte => "lte",
            Comparator::StartsWith => "startsWith",
            Comparator::EndsWith => "endsWith",
            Comparator::Like => "like",
            Comparator::Ilike => "ilike",
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

/// Sort direction with the place of NULLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    AscNullsFirst,
    AscNullsLast,
    DescNullsFirst,
    DescNullsLast,
}

impl Direction {
    /// Every direction, in the order messages list them.
    pub const ALL: [Direction; 4] = [
        Direction::AscNullsFirst,
        Direction::AscNullsLast,
        Direction::DescNullsFirst,
        Direction::DescNullsLast,
    ];

    /// What an unknown direction is told to be instead.
    pub const EXPECTED: &str = "AscNullsFirst, AscNullsLast, DescNullsFirst or DescNullsLast";

    /// The direction spelled `name` (`DescNullsLast`), if any.
    pub fn from_name(name: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The API's spelling (`DescNullsLast`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AscNullsFirst => "AscNullsFirst",
            Direction::AscNullsLast => "AscNullsLast",
            Direction::DescNullsFirst => "DescNullsFirst",
            Direction::DescNullsLast => "DescNullsLast",
        }
    }

    /// Whether it sorts ascending.
    pub fn is_asc(self) -> bool {
        matches!(self, Direction::AscNullsFirst | Direction::AscNullsLast)
    }

    /// Whether NULLs come first.
    pub fn nulls_first(self) -> bool {
        matches!(self, Direction::AscNullsFirst | Direction::DescNullsFirst)
    }

    /// The same order read backwards (for `before` / `last` pages).
    pub fn reversed(self) -> Direction {
        match self {
            Direction::AscNullsFirst => Direction::DescNullsLast,
            Direction::AscNullsLast => Direction::DescNullsFirst,
            Direction::DescNullsFirst => Direction::AscNullsLast,
            Direction::DescNullsLast => Direction::AscNullsFirst,
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
