//! The benchmark behind `cargo xtask bench`: seeds a fresh store, starts the release
//! server and the floor (a minimal axum + sqlx handler) as processes on 127.0.0.1, drives
//! them with a load generator and reports req/s, p50, p99, the ratio to the floor and the
//! server's peak RSS against the targets. Knows the server only through HTTP, its binary
//! and its store.

pub mod floor;
pub mod load;
pub mod models;
pub mod process;
pub mod report;
pub mod run;
pub mod seed;
pub mod webhooks;
