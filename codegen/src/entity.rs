//! What `#[workspace_entity]` implements, and the Rust types a declared field may have.
//! Owns the contract between the macro's output and the model; no metadata logic here.

use crate::model::Object;
use std::marker::PhantomData;

/// A standard object declared in Rust with `#[workspace_entity(...)]`.
pub trait WorkspaceEntity {
    /// The object's `nameSingular` (`company`).
    const NAME_SINGULAR: &'static str;

    /// The object's metadata as declared: its fields without the system fields, which
    /// [`crate::model::Schema::new`] adds.
    fn metadata() -> Object;
}

/// The Rust types a `#[workspace_entity]` struct field may have. They only name a field
/// type for the macro; the struct is a declaration, never instantiated with data.
pub mod types {
    use super::*;

    pub use serde_json::Value as Json;
    pub use uuid::Uuid;

    /// DATE_TIME: an instant, ISO 8601 with offset on the wire.
    pub struct DateTime;
    /// DATE: a calendar day, `YYYY-MM-DD`.
    pub struct Date;
    /// NUMERIC: an exact decimal, a JSON number on the wire (as Twenty sends it).
    pub struct Numeric;
    /// POSITION: a float ordering key.
    pub struct Position;
    /// SELECT: one value from the field's options.
    pub struct Select;
    /// MULTI_SELECT: several values from the field's options.
    pub struct MultiSelect;
    /// RATING: `RATING_1` … `RATING_5`.
    pub struct Rating;
    /// RICH_TEXT_V2: `{ blocknote, markdown }`.
    pub struct RichTextV2;
    /// FULL_NAME: `{ firstName, lastName }`.
    pub struct FullName;
    /// CURRENCY: `{ amountMicros, currencyCode }`.
    pub struct Currency;
    /// ADDRESS: street, city, postcode, state, country, lat, lng.
    pub struct Address;
    /// LINKS: a primary link and secondary links.
    pub struct Links;
    /// EMAILS: a primary email and additional ones.
    pub struct Emails;
    /// PHONES: a primary phone and additional ones.
    pub struct Phones;
    /// ACTOR: who made a record (source, workspace member, name, context).
    pub struct Actor;
    /// TS_VECTOR: a full-text search document.
    pub struct TsVector;

    /// The many-to-one side of a relation to `T`: this object holds `<field>Id`.
    pub struct ManyToOne<T: WorkspaceEntity>(PhantomData<T>);
    /// The one-to-many side of a relation to `T`: the `T` records pointing here.
    pub struct OneToMany<T: WorkspaceEntity>(PhantomData<T>);
}
