//! SQL DDL for Postgres and SQLite: the table shapes derived from the model and their
//! spelling per dialect. Owns no diffing (that is `migrate`) and no I/O.
//!
//! Every identifier is double-quoted and nothing is schema-qualified: the server runs the
//! text inside a transaction that has set `search_path` (Postgres) or on the workspace's
//! own database file (SQLite).
//!
//! # Postgres
//! uuid, text, double precision, numeric, boolean, timestamptz, date, jsonb and text[];
//! defaults `now()` and `gen_random_uuid()` (built in since Postgres 13). Foreign keys are
//! added after every table exists (`ALTER TABLE … ADD CONSTRAINT`), so cycles are fine.
//! SELECT and RATING columns are text with a named CHECK listing the allowed values,
//! MULTI_SELECT columns text[] with a `<@ ARRAY[…]` CHECK: an option change is a drop and
//! re-add of that one constraint. Searchable objects get a stored generated `searchVector`
//! tsvector over [`Object::search_columns`] and a GIN index. Constraint names are
//! deterministic hashes of table and column (like index names), so the migration planner
//! can rename them when a table or column is renamed.
//!
//! # SQLite
//! - uuid, timestamps and dates are TEXT: lowercase hyphenated UUIDs, ISO 8601 UTC with
//!   milliseconds and `Z` (`2024-05-01T12:00:00.000Z`), `YYYY-MM-DD` dates. Text in that
//!   shape sorts chronologically, so comparisons work without conversion.
//! - booleans are INTEGER 0/1; NUMBER and POSITION are REAL.
//! - NUMERIC is the NUMERIC affinity: integers (currency micros) are stored exactly up to
//!   2^63 and compare numerically; a fractional value beyond 15 significant digits is
//!   rounded to a double. We prefer correct ordering and filtering over exactness there.
//! - JSON and text arrays (ARRAY, MULTI_SELECT) are TEXT holding JSON (`["A","B"]`).
//! - the uuid default is an expression building a version-4 UUID from `randomblob`.
//! - foreign keys are inline in CREATE TABLE (SQLite resolves forward references).
//! - select values have no CHECK: SQLite cannot change a constraint without rebuilding the
//!   table, so an option change would rewrite every row; the server validates values.
//! - full-text search: no `searchVector` column. Its equivalent is an FTS5 external-content
//!   table `<table>_fts` over the same search columns (tokenizer `unicode61` without
//!   diacritics, like Postgres' `simple` + unaccent), kept in sync by three triggers
//!   `<table>_fts_ai/_ad/_au`. It is keyed by the table's rowid: migrations preserve rowids
//!   when they rebuild a table, and since `VACUUM` may renumber rowids of tables without an
//!   INTEGER PRIMARY KEY, whoever runs `VACUUM` must then run
//!   `INSERT INTO "<table>_fts"("<table>_fts") VALUES ('rebuild')`.

mod column;
mod search;

pub use column::{column_definition, default_sql, type_sql};
pub use search::{fts_table_name, search_create_sql, search_drop_sql, search_triggers_sql};

use crate::model::{
    ACTOR_SOURCES, Column, ColumnType, FieldType, Index, IndexMethod, Object, Schema,
    composite_column_name,
};
use sha2::{Digest, Sha256};

/// The SQL dialect to spell DDL in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        })
    }
}

/// The full DDL of a schema, from scratch: every table, then constraints, indexes and
/// search. The same text a migration from the empty model renders.
pub fn create_schema(schema: &Schema, dialect: Dialect) -> String {
    crate::migrate::diff(
        &crate::model::Schema {
            objects: Vec::new(),
        },
        schema,
    )
    .render(dialect)
}

/// A CHECK constraint restricting a column to a list of values (Postgres only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub column: String,
    pub values: Vec<String>,
    /// A text[] column (MULTI_SELECT): every element must be allowed.
    pub multi: bool,
}

/// The shape of one object's table: what CREATE TABLE and its indexes need.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    /// Stored columns, in field order; the generated `searchVector` is not among them.
    pub columns: Vec<Column>,
    pub primary_key_name: String,
    /// B-tree indexes; the search index belongs to [`Table::search_columns`].
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    /// Columns of the full-text search document; empty when not searchable.
    pub search_columns: Vec<String>,
    /// Name of the Postgres GIN index over the search document.
    pub search_index: Option<String>,
}

impl Table {
    /// The table of `object` within `schema` (which resolves foreign key targets).
    pub fn of(object: &Object, schema: &Schema) -> Table {
        let name = object.table_name();
        let columns: Vec<Column> = object
            .columns(schema)
            .into_iter()
            .filter(|c| c.column_type != ColumnType::TsVector)
            .collect();
        let mut checks = Vec::new();
        for field in &object.fields {
            if field.field_type.has_options() {
                checks.push(Check {
                    name: check_name(&name, &field.name),
                    column: field.name.clone(),
                    values: field
                        .option_values()
                        .iter()
                        .map(|v| (*v).to_owned())
                        .collect(),
                    multi: field.field_type == FieldType::MultiSelect,
                });
            }
            if let Some(composite) = field.field_type.composite() {
                // The ACTOR `source` sub-field is a select with a fixed value list.
                for sub in composite.sub_fields.iter() {
                    if sub.field_type == FieldType::Select {
                        let column = composite_column_name(&field.name, sub.name);
                        checks.push(Check {
                            name: check_name(&name, &column),
                            column,
                            values: ACTOR_SOURCES.iter().map(|v| (*v).to_owned()).collect(),
                            multi: false,
                        });
                    }
                }
            }
        }
        let (indexes, search): (Vec<Index>, Vec<Index>) = object
            .indexes()
            .into_iter()
            .partition(|i| i.method == IndexMethod::Btree);
        Table {
            primary_key_name: primary_key_name(&name),
            indexes,
            search_index: search.into_iter().next().map(|i| i.name),
            checks,
            search_columns: object.search_columns(),
            columns,
            name,
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// `"name"`, with embedded quotes doubled.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// `'text'`, with embedded quotes doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `PREFIX_` + 27 hex digits of a sha256 over the parts: short enough for Postgres' 63
/// bytes whatever the table name, and stable for the same table and column.
fn hashed_name(prefix: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prefix.as_bytes());
    for part in parts {
        hasher.update(b"/");
        hasher.update(part.as_bytes());
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{prefix}_{}", &hex[..27])
}

/// Name of the primary key constraint of a table.
pub fn primary_key_name(table: &str) -> String {
    hashed_name("PK", &[table])
}

/// Name of the foreign key constraint held by a column.
pub fn foreign_key_name(table: &str, column: &str) -> String {
    hashed_name("FK", &[table, column])
}

/// Name of the allowed-values CHECK of a column.
pub fn check_name(table: &str, column: &str) -> String {
    hashed_name("CHK", &[table, column])
}

/// The allowed-values condition of a CHECK (Postgres).
pub fn check_condition(check: &Check) -> String {
    let values: Vec<String> = check.values.iter().map(|v| literal(v)).collect();
    if check.multi {
        format!(
            "{} <@ ARRAY[{}]::text[]",
            quote(&check.column),
            values.join(", ")
        )
    } else {
        format!("{} IN ({})", quote(&check.column), values.join(", "))
    }
}

/// `CREATE [UNIQUE] INDEX …` for a B-tree index (partial when it only covers live rows).
pub fn create_index_sql(index: &Index, dialect: Dialect) -> String {
    let columns: Vec<String> = index
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match dialect {
            Dialect::Postgres if i == 0 && index.leading_nulls_first => {
                format!("{} ASC NULLS FIRST", quote(c))
            }
            _ => quote(c),
        })
        .collect();
    format!(
        "CREATE {}INDEX {} ON {} ({}){};\n",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.name),
        quote(&index.table),
        columns.join(", "),
        if index.only_live_rows {
            format!(" WHERE {}", crate::model::LIVE_ROWS_PREDICATE)
        } else {
            String::new()
        }
    )
}

/// `CREATE TABLE` with its columns, primary key and, per dialect, inline constraints:
/// CHECKs on Postgres, foreign keys on SQLite. `name` overrides the table's own name
/// (SQLite rebuilds create the new shape under a temporary name).
pub fn create_table_sql(table: &Table, name: &str, dialect: Dialect) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("  {}", column_definition(c, dialect)))
        .collect();
    let key: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| quote(&c.name))
        .collect();
    // SQLite never shows constraint names and cannot rename them: leave them unnamed there.
    match (key.is_empty(), dialect) {
        (true, _) => {}
        (false, Dialect::Postgres) => lines.push(format!(
            "  CONSTRAINT {} PRIMARY KEY ({})",
            quote(&table.primary_key_name),
            key.join(", ")
        )),
        (false, Dialect::Sqlite) => lines.push(format!("  PRIMARY KEY ({})", key.join(", "))),
    }
    if dialect == Dialect::Postgres {
        for check in &table.checks {
            lines.push(format!(
                "  CONSTRAINT {} CHECK ({})",
                quote(&check.name),
                check_condition(check)
            ));
        }
    }
    format!(
        "CREATE TABLE {} (\n{}\n);\n",
        quote(name),
        lines.join(",\n")
    )
}
