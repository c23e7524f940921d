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
    pub fn is_asc(self) -> bool {
        matches!(self, Direction::AscNullsFirst | Direction::AscNullsLast)
    }

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
