//! Integration tests of the read query engine on real SQLite and Postgres databases
//! holding the standard set.

mod filters;
mod paging;
mod seed;
mod support;
