//! Integration tests of the read query engine on real SQLite and Postgres databases
//! holding the standard set.

mod errors;
mod filters;
mod paging;
mod plan;
mod records;
mod relations;
pub mod seed;
pub mod support;
mod writes;
mod writes_events;
mod writes_values;
