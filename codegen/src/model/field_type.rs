//! Field types and the composite types' sub-fields, described as data.
//! Owns the type vocabulary only; how a type is stored lives in `column.rs`.

use serde::{Deserialize, Serialize};

/// A field's type, with Twenty's names (`SCREAMING_SNAKE_CASE` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldType {
    Uuid,
    Text,
    Number,
    Numeric,
    Boolean,
    DateTime,
    Date,
    Select,
    MultiSelect,
    Rating,
    Position,
    RawJson,
    Array,
    #[serde(rename = "RICH_TEXT_V2")]
    RichTextV2,
    FullName,
    Currency,
    Address,
    Links,
    Emails,
    Phones,
    Actor,
    Relation,
    TsVector,
}

impl FieldType {
    /// Every field type, in the reference's order.
    pub const ALL: [FieldType; 23] = [
        FieldType::Uuid,
        FieldType::Text,
        FieldType::Number,
        FieldType::Numeric,
        FieldType::Boolean,
        FieldType::DateTime,
        FieldType::Date,
        FieldType::Select,
        FieldType::MultiSelect,
        FieldType::Rating,
        FieldType::Position,
        FieldType::RawJson,
        FieldType::Array,
        FieldType::RichTextV2,
        FieldType::FullName,
        FieldType::Currency,
        FieldType::Address,
        FieldType::Links,
        FieldType::Emails,
        FieldType::Phones,
        FieldType::Actor,
        FieldType::Relation,
        FieldType::TsVector,
    ];

    /// The wire name (`DATE_TIME`, `RICH_TEXT_V2`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Uuid => "UUID",
            FieldType::Text => "TEXT",
            FieldType::Number => "NUMBER",
            FieldType::Numeric => "NUMERIC",
            FieldType::Boolean => "BOOLEAN",
            FieldType::DateTime => "DATE_TIME",
            FieldType::Date => "DATE",
            FieldType::Select => "SELECT",
            FieldType::MultiSelect => "MULTI_SELECT",
            FieldType::Rating => "RATING",
            FieldType::Position => "POSITION",
            FieldType::RawJson => "RAW_JSON",
            FieldType::Array => "ARRAY",
            FieldType::RichTextV2 => "RICH_TEXT_V2",
            FieldType::FullName => "FULL_NAME",
            FieldType::Currency => "CURRENCY",
            FieldType::Address => "ADDRESS",
            FieldType::Links => "LINKS",
            FieldType::Emails => "EMAILS",
            FieldType::Phones => "PHONES",
            FieldType::Actor => "ACTOR",
            FieldType::Relation => "RELATION",
            FieldType::TsVector => "TS_VECTOR",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The composite description when this type is stored as several columns.
    pub fn composite(self) -> Option<&'static CompositeType> {
        COMPOSITES.iter().find(|c| c.field_type == self)
    }

    /// Whether values come from the field's option list.
    pub fn has_options(self) -> bool {
        matches!(
            self,
            FieldType::Select | FieldType::MultiSelect | FieldType::Rating
        )
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A composite type: one logical field stored as one column per sub-field.
#[derive(Debug)]
pub struct CompositeType {
    pub field_type: FieldType,
    /// GraphQL / OpenAPI type name of the composite value (`FullName`, `Links`, …).
    pub type_name: &'static str,
    pub sub_fields: &'static [SubField],
}

/// One sub-field of a composite type.
#[derive(Debug)]
pub struct SubField {
    pub name: &'static str,
    /// Scalar type of the sub-field (never a composite).
    pub field_type: FieldType,
    /// NOT NULL when the parent field is not nullable.
    pub required: bool,
    /// The column a unique constraint on the parent field covers.
    pub unique_key: bool,
    /// Part of the full-text search document when the parent field is searchable.
    pub searchable: bool,
    /// Not writable through the API (filled in by the server).
    pub read_only: bool,
    /// For a RAW_JSON sub-field holding a list: what each item is.
    pub items: Option<Items>,
}

/// The items of a list sub-field (`additionalEmails`, `secondaryLinks`, …), which every
/// emitter types precisely instead of as "any JSON".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    /// Strings (`additionalEmails`).
    Strings,
    /// Objects of optional, nullable strings under these keys; `type_name` is the Rust SDK's
    /// type of one item.
    Records {
        type_name: &'static str,
        keys: &'static [&'static str],
    },
}

const fn sub(name: &'static str, field_type: FieldType) -> SubField {
    SubField {
        name,
        field_type,
        required: false,
        unique_key: false,
        searchable: false,
        read_only: false,
        items: None,
    }
}

const fn list_of(mut s: SubField, items: Items) -> SubField {
    s.items = Some(items);
    s
}

const fn searchable(mut s: SubField) -> SubField {
    s.searchable = true;
    s
}

const fn unique_key(mut s: SubField) -> SubField {
    s.unique_key = true;
    s
}

const fn required(mut s: SubField) -> SubField {
    s.required = true;
    s
}

const fn read_only(mut s: SubField) -> SubField {
    s.read_only = true;
    s
}

/// The values of the ACTOR composite's `source` sub-field.
pub const ACTOR_SOURCES: [&str; 10] = [
    "EMAIL",
    "CALENDAR",
    "WORKFLOW",
    "AGENT",
    "API",
    "IMPORT",
    "MANUAL",
    "SYSTEM",
    "WEBHOOK",
    "APPLICATION",
];

/// The values of a RATING field.
pub const RATING_VALUES: [&str; 5] = ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"];

/// Every composite type with its sub-fields, as in Twenty's composite type registry.
pub static COMPOSITES: [CompositeType; 8] = [
    CompositeType {
        field_type: FieldType::FullName,
        type_name: "FullName",
        sub_fields: &[
            searchable(sub("firstName", FieldType::Text)),
            searchable(sub("lastName", FieldType::Text)),
        ],
    },
    CompositeType {
        field_type: FieldType::Currency,
        type_name: "Currency",
        sub_fields: &[
            sub("amountMicros", FieldType::Numeric),
            sub("currencyCode", FieldType::Text),
        ],
    },
    CompositeType {
        field_type: FieldType::Address,
        type_name: "Address",
        sub_fields: &[
            sub("addressStreet1", FieldType::Text),
            sub("addressStreet2", FieldType::Text),
            sub("addressCity", FieldType::Text),
            sub("addressPostcode", FieldType::Text),
            sub("addressState", FieldType::Text),
            sub("addressCountry", FieldType::Text),
            sub("addressLat", FieldType::Numeric),
            sub("addressLng", FieldType::Numeric),
        ],
    },
    CompositeType {
        field_type: FieldType::Links,
        type_name: "Links",
        sub_fields: &[
            sub("primaryLinkLabel", FieldType::Text),
            searchable(unique_key(sub("primaryLinkUrl", FieldType::Text))),
            list_of(
                sub("secondaryLinks", FieldType::RawJson),
                Items::Records {
                    type_name: "LinkItem",
                    keys: &["label", "url"],
                },
            ),
        ],
    },
    CompositeType {
        field_type: FieldType::Emails,
        type_name: "Emails",
        sub_fields: &[
            searchable(unique_key(sub("primaryEmail", FieldType::Text))),
            list_of(sub("additionalEmails", FieldType::RawJson), Items::Strings),
        ],
    },
    CompositeType {
        field_type: FieldType::Phones,
        type_name: "Phones",
        sub_fields: &[
            searchable(unique_key(sub("primaryPhoneNumber", FieldType::Text))),
            sub("primaryPhoneCountryCode", FieldType::Text),
            sub("primaryPhoneCallingCode", FieldType::Text),
            list_of(
                sub("additionalPhones", FieldType::RawJson),
                Items::Records {
                    type_name: "PhoneItem",
                    keys: &["number", "countryCode", "callingCode"],
                },
            ),
        ],
    },
    CompositeType {
        field_type: FieldType::Actor,
        type_name: "Actor",
        sub_fields: &[
            required(sub("source", FieldType::Select)),
            read_only(sub("workspaceMemberId", FieldType::Uuid)),
            read_only(required(sub("name", FieldType::Text))),
            sub("context", FieldType::RawJson),
        ],
    },
    CompositeType {
        field_type: FieldType::RichTextV2,
        type_name: "RichTextV2",
        sub_fields: &[
            sub("blocknote", FieldType::Text),
            searchable(sub("markdown", FieldType::Text)),
        ],
    },
];

/// `firstName` → `FirstName`: how a sub-field name is appended to its parent's column.
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for t in FieldType::ALL {
            assert_eq!(FieldType::parse(t.as_str()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
    }

    #[test]
    fn composite_types_are_the_reference_ones() {
        let composites: Vec<_> = FieldType::ALL
            .into_iter()
            .filter(|t| t.composite().is_some())
            .map(FieldType::as_str)
            .collect();
        assert_eq!(
            composites,
            [
                "RICH_TEXT_V2",
                "FULL_NAME",
                "CURRENCY",
                "ADDRESS",
                "LINKS",
                "EMAILS",
                "PHONES",
                "ACTOR"
            ]
        );
    }
}
