//! The query engine: typed reads ([`find_many`], [`find_one`]) and writes ([`create`],
//! [`update`], [`delete`], [`destroy`], [`restore`]) validated against the model, compiled
//! to SQL with bound parameters per dialect, and records as JSON; every write logs one
//! [`Event`] per changed record in its own transaction ([`events_after`] reads them).
//!
//! No HTTP here: the REST and GraphQL layers parse their own syntax into these calls and
//! map [`QueryError::code`] / [`QueryError::http_status`] to their responses.

mod ast;
mod cursor;
pub mod duplicates;
mod error;
pub mod events;
mod exec;
pub mod group_by;
mod limits;
mod record;
mod relations;
pub mod search;
pub(crate) mod sql;
pub mod time;
mod validate;
mod write;

pub use ast::{Comparator, Direction, Filter, OrderBy, Page, Quantifier, Query};
pub use error::QueryError;
pub use events::{Action, Event, LogPosition, events_after};
pub use exec::{PageInfo, RecordPage, Target, find_many, find_one};
pub use limits::{MAX_FILTER_TERMS, MAX_NESTING, check_filter, check_json, json_depth};
pub use relations::{Children, check_fields, embed_written, find_by_ids, find_children, restrict};
pub use write::{
    Actor, MAX_MERGE_RECORDS, MAX_MUTATION_RECORDS, Selector, create, delete, destroy, is_email,
    is_link, merge, restore, update,
};

/// Default page size when neither `first` nor `last` is given.
pub const DEFAULT_LIMIT: u32 = 60;
/// Largest page a client may ask for; more is an error, never silently clamped.
pub const MAX_LIMIT: u32 = 200;
/// Records embedded per parent in a one-to-many list at depth 1.
pub const RELATION_LIMIT: u32 = 60;
