//! The GraphQL API over a real server: schema and tooling, reads, nested relations with
//! a constant number of statements, writes, errors and limits.
pub mod support;

mod direct;
mod errors;
mod group_by;
mod nested;
mod parity;
mod readme;
mod reads;
mod schema;
mod writes;
