//! The REST API over HTTP on both backends: routes, the filter grammar, ordering, paging,
//! errors, key scopes and tenant isolation.
mod duplicates;
mod errors;
mod filters;
mod group_by;
mod isolation;
mod merge;
pub mod readme;
mod reads;
mod relation_paths;
mod search;
pub mod support;
mod twenty_contract;
mod writes;
