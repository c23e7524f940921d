//! The vocabulary of the filter and ordering grammar that the server's query engine
//! accepts and every emitter describes (OpenAPI, GraphQL, the SDKs): the comparators and
//! the sort directions, with their spellings. One list, so the emitted types and the
//! engine cannot drift apart.

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

    /// What the comparator tests, for generated documentation.
    pub fn doc(self) -> &'static str {
        match self {
            Comparator::Eq => "Equal to.",
            Comparator::Neq => "Not equal to.",
            Comparator::In => "Equal to one of.",
            Comparator::ContainsAny => "Holds at least one of.",
            Comparator::Is => "`NULL`: has no value; `NOT_NULL`: has one.",
            Comparator::Gt => "Greater than.",
            Comparator::Gte => "Greater than or equal to.",
            Comparator::Lt => "Less than.",
            Comparator::Lte => "Less than or equal to.",
            Comparator::StartsWith => "Starts with (case-sensitive).",
            Comparator::EndsWith => "Ends with (case-sensitive).",
            Comparator::Like => "Matches a pattern, `%` standing for any text (case-sensitive).",
            Comparator::Ilike => "Matches a pattern, `%` standing for any text (case-insensitive).",
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
