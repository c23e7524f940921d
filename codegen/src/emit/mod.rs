//! The emitters: pure functions from a validated [`crate::model::Schema`] to an artifact.
//! Each emitter reads the model only; none may change it or do I/O.

pub mod openapi;
