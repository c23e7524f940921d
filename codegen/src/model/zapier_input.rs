//! How a value of each field type is entered in a Zapier form: Zapier's field type, whether
//! it is a list, how the connector converts what Zapier sends, where its choices come from,
//! and whether a search can match on it. The one rule of it; the Zapier emitter writes it out
//! (`zapier/src/generated/model.json`) for the connector.

use super::{Comparator, FieldType, Items, RATING_VALUES, SubField, ValueKind};

/// How a value is turned from what Zapier sends (strings, mostly) into what the API takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    String,
    Number,
    Boolean,
    /// An ISO 8601 date-time.
    DateTime,
    /// The date part (`YYYY-MM-DD`) of what Zapier's date picker sends.
    Date,
    /// A JSON document written as text.
    Json,
    /// Each list item a JSON object (its keys may be left unquoted, as Twenty's connector
    /// documented them: `{ url: "…", label: "…" }`).
    JsonObject,
}

impl Convert {
    /// The name the connector knows it by.
    pub fn as_str(self) -> &'static str {
        match self {
            Convert::String => "string",
            Convert::Number => "number",
            Convert::Boolean => "boolean",
            Convert::DateTime => "datetime",
            Convert::Date => "date",
            Convert::Json => "json",
            Convert::JsonObject => "jsonObject",
        }
    }
}

/// Where a field's choices come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choices {
    None,
    /// The field's own options (its metadata's `options`).
    Options,
    /// A fixed list.
    Values(&'static [&'static str]),
}

/// One Zapier input field's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    /// Zapier's field type (`string`, `number`, `boolean`, `datetime`, `text`).
    pub zapier_type: &'static str,
    pub list: bool,
    pub convert: Convert,
    pub choices: Choices,
}

const fn input(zapier_type: &'static str, convert: Convert) -> Input {
    Input {
        zapier_type,
        list: false,
        convert,
        choices: Choices::None,
    }
}

impl Input {
    const fn list(mut self) -> Input {
        self.list = true;
        self
    }

    const fn choices(mut self, choices: Choices) -> Input {
        self.choices = choices;
        self
    }
}

/// The input of a scalar type, by how the model compares its values (composites, relations
/// and the search vector have none).
pub fn scalar_input(field_type: FieldType) -> Option<Input> {
    Some(match ValueKind::of_type(field_type)? {
        ValueKind::Text | ValueKind::Uuid => input("string", Convert::String),
        ValueKind::Number | ValueKind::Numeric => input("number", Convert::Number),
        ValueKind::Boolean => input("boolean", Convert::Boolean),
        ValueKind::DateTime => input("datetime", Convert::DateTime),
        ValueKind::Date => input("datetime", Convert::Date),
        ValueKind::Select if field_type == FieldType::Rating => {
            input("string", Convert::String).choices(Choices::Values(&RATING_VALUES))
        }
        ValueKind::Select => input("string", Convert::String).choices(Choices::Options),
        ValueKind::MultiSelect => input("string", Convert::String)
            .list()
            .choices(Choices::Options),
        ValueKind::Array => input("string", Convert::String).list(),
        ValueKind::Json => input("text", Convert::Json),
    })
}

/// A many-to-one relation's input: the related record's id.
pub const RELATION_INPUT: Input = input("string", Convert::String);

/// The input of a composite's sub-field: a list of strings or of objects for the list
/// sub-fields, else its scalar type's.
pub fn sub_field_input(sub: &SubField) -> Input {
    match sub.items {
        Some(Items::Strings) => input("string", Convert::String).list(),
        Some(Items::Records { .. }) => input("string", Convert::JsonObject).list(),
        None => scalar_input(sub.field_type).expect("a sub-field is a scalar"),
    }
}

/// Whether a search can find records by a value of this type with `eq`.
pub fn lookup(field_type: FieldType) -> bool {
    ValueKind::of_type(field_type).is_some_and(|k| k.accepts(Comparator::Eq))
}
