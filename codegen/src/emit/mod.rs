//! Emitters: pure functions from the metadata model to generated artifacts.
//! Each submodule owns one artifact; none of them reads or writes files.

pub mod graphql;
