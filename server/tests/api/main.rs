//! The server's integration tests: a real HTTP server on 127.0.0.1 over a temporary SQLite
//! store and over a fresh Postgres database, plus the CLI binary. One binary links once.
mod support;

mod abuse;
mod auth;
mod browser;
mod cli;
mod connections;
mod graphql;
mod health;
mod metadata;
mod metadata_api;
mod migrations;
mod ops;
mod query;
mod readback;
mod rest;
mod schema_cli;
mod webhooks;
