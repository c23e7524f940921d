//! Emitters: pure functions from a validated [`crate::model::Schema`] to an artifact.
//! Each submodule owns one output format, reads the model without changing it, and does no I/O.

pub mod graphql;
pub mod openapi;
pub mod sdk_rust;
pub mod sdk_ts;
pub mod sql;
pub mod zapier;
