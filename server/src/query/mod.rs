//! The read query engine: a typed query validated against the model, compiled to SQL with
//! bound parameters per dialect, executed, and its rows turned into JSON records.
//!
//! No HTTP here: the REST and GraphQL layers parse their own syntax into [`Query`].

mod ast;
mod cursor;
mod error;
mod exec;
mod record;
mod relations;
mod sql;
mod validate;

pub use ast::{Comparator, Direction, Filter, OrderBy, Page, Query};
pub use error::QueryError;
pub use exec::{PageInfo, RecordPage, Target, find_many, find_one};

/// Default page size when neither `first` nor `last` is given.
pub const DEFAULT_LIMIT: u32 = 60;
/// Largest page a client may ask for; more is an error, never silently clamped.
pub const MAX_LIMIT: u32 = 200;
/// Records embedded per parent in a one-to-many list at depth 1.
pub const RELATION_LIMIT: u32 = 60;
