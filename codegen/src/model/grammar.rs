//! The vocabulary of the filter and ordering grammar that the server's query engine
//! accepts and every emitter describes (OpenAPI, GraphQL, the SDKs): the comparators, the
//! kinds of value and which comparators apply to each, the sort directions, with their
//! spellings. One table, so the emitted types and the engine cannot drift apart.

use super::{Field, FieldType, RelationKind};

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

/// How the values of a field (or of a composite's sub-field) are compared and ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Text,
    /// An id: UUID fields and a many-to-one relation's join column.
    Uuid,
    /// NUMBER and POSITION (a double).
    Number,
    /// NUMERIC (an exact decimal).
    Numeric,
    Boolean,
    DateTime,
    Date,
    /// SELECT and RATING: one of the field's options.
    Select,
    /// MULTI_SELECT: a list of the field's options.
    MultiSelect,
    /// ARRAY: a list of strings.
    Array,
    /// RAW_JSON: any JSON.
    Json,
}

impl ValueKind {
    /// Every kind.
    pub const ALL: [ValueKind; 11] = [
        ValueKind::Text,
        ValueKind::Uuid,
        ValueKind::Number,
        ValueKind::Numeric,
        ValueKind::Boolean,
        ValueKind::DateTime,
        ValueKind::Date,
        ValueKind::Select,
        ValueKind::MultiSelect,
        ValueKind::Array,
        ValueKind::Json,
    ];

    /// The kind of a scalar field type (also a composite's sub-field type); `None` for the
    /// types that are not compared as one value (composites, relations, TS_VECTOR).
    pub fn of_type(field_type: FieldType) -> Option<ValueKind> {
        Some(match field_type {
            FieldType::Uuid => ValueKind::Uuid,
            FieldType::Text => ValueKind::Text,
            FieldType::Number | FieldType::Position => ValueKind::Number,
            FieldType::Numeric => ValueKind::Numeric,
            FieldType::Boolean => ValueKind::Boolean,
            FieldType::DateTime => ValueKind::DateTime,
            FieldType::Date => ValueKind::Date,
            FieldType::Select | FieldType::Rating => ValueKind::Select,
            FieldType::MultiSelect => ValueKind::MultiSelect,
            FieldType::Array => ValueKind::Array,
            FieldType::RawJson => ValueKind::Json,
            FieldType::RichTextV2
            | FieldType::FullName
            | FieldType::Currency
            | FieldType::Address
            | FieldType::Links
            | FieldType::Emails
            | FieldType::Phones
            | FieldType::Actor
            | FieldType::Relation
            | FieldType::TsVector => return None,
        })
    }

    /// The kind a field is compared as (a many-to-one relation: its join column's ids);
    /// `None` for composites (compared through their sub-fields), one-to-many relations and
    /// the search vector.
    pub fn of_field(field: &Field) -> Option<ValueKind> {
        match &field.relation {
            Some(r) if r.kind == RelationKind::ManyToOne => Some(ValueKind::Uuid),
            Some(_) => None,
            None => ValueKind::of_type(field.field_type),
        }
    }

    /// The comparators that apply to values of this kind, in the order messages list them.
    pub fn comparators(self) -> &'static [Comparator] {
        use Comparator::*;
        match self {
            ValueKind::Text => &[
                Eq, Neq, In, Is, Gt, Gte, Lt, Lte, StartsWith, EndsWith, Like, Ilike,
            ],
            ValueKind::Uuid | ValueKind::Select => &[Eq, Neq, In, Is],
            ValueKind::Number | ValueKind::Numeric | ValueKind::DateTime | ValueKind::Date => {
                &[Eq, Neq, In, Is, Gt, Gte, Lt, Lte]
            }
            ValueKind::Boolean => &[Eq, Neq, Is],
            ValueKind::MultiSelect | ValueKind::Array => &[ContainsAny, Is],
            ValueKind::Json => &[Is],
        }
    }

    /// Whether `comparator` applies to values of this kind.
    pub fn accepts(self, comparator: Comparator) -> bool {
        self.comparators().contains(&comparator)
    }

    /// Whether records can be ordered by values of this kind (lists and JSON cannot).
    pub fn orderable(self) -> bool {
        !matches!(
            self,
            ValueKind::MultiSelect | ValueKind::Array | ValueKind::Json
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_accepts_the_null_check() {
        for kind in ValueKind::ALL {
            assert!(kind.accepts(Comparator::Is), "{kind:?}");
        }
    }

    #[test]
    fn every_comparator_applies_to_some_kind() {
        for comparator in Comparator::ALL {
            assert!(
                ValueKind::ALL.iter().any(|k| k.accepts(comparator)),
                "{comparator:?}"
            );
        }
    }

    #[test]
    fn every_composite_sub_field_is_compared_as_one_kind() {
        for composite in &super::super::COMPOSITES {
            for sub in composite.sub_fields {
                assert!(ValueKind::of_type(sub.field_type).is_some(), "{}", sub.name);
            }
        }
    }
}
