//! The Twenty CRM server: reads and writes workspace records over the compiled model.
//! `query` turns typed queries into SQL for Postgres or SQLite and rows into JSON records.

pub mod query;
