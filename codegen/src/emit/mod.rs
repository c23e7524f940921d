//! Emitters: pure functions from the model ([`crate::model::Schema`]) to text.
//! Each submodule owns one output format and reads the model without changing it.

pub mod sql;
