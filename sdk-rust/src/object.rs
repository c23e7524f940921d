//! What the runtime needs of an object: implemented by the generated record types.

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The keys under `data` of each operation's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    pub find_one: &'static str,
    pub find_many: &'static str,
    pub create: &'static str,
    pub create_many: &'static str,
    pub update: &'static str,
    pub update_many: &'static str,
    /// A one-record `DELETE` answers under it whether it soft-deletes or destroys.
    pub delete: &'static str,
    pub restore: &'static str,
}

/// An object of the API (`Person`, `Company`, …): its record type is `Self`.
pub trait Object: DeserializeOwned + Send + Unpin + 'static {
    /// The create input.
    type Create: Serialize + Send + Sync;
    /// The update input.
    type Update: Serialize + Send + Sync;
    /// What records can be sorted by.
    type OrderField: OrderField;
    /// The REST path segment (`people`).
    const NAME_PLURAL: &'static str;
    /// The envelope keys of the responses.
    const KEYS: Keys;
    /// A record's id.
    fn id(record: &Self) -> Uuid;
}

/// A sort key of one object.
pub trait OrderField: Copy + Send + Sync + 'static {
    /// The wire name (`name.firstName`).
    fn as_str(&self) -> &'static str;
}

/// The value of a select field (a generated enum such as `OpportunityStage`).
pub trait SelectValue: Copy + Send + Sync + 'static {
    /// The wire value (`NEW`).
    fn as_str(&self) -> &'static str;
}

/// A sort direction; `AscNullsFirst` is the server's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    #[default]
    AscNullsFirst,
    AscNullsLast,
    DescNullsFirst,
    DescNullsLast,
}

impl Direction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AscNullsFirst => "AscNullsFirst",
            Direction::AscNullsLast => "AscNullsLast",
            Direction::DescNullsFirst => "DescNullsFirst",
            Direction::DescNullsLast => "DescNullsLast",
        }
    }
}

/// How deep a response goes: a record's own fields, or its related records too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Depth {
    /// Own fields only.
    Zero,
    /// Related records too (the server's default).
    #[default]
    One,
}

impl Depth {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Depth::Zero => "0",
            Depth::One => "1",
        }
    }
}
