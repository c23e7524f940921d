//! How one column is spelled per dialect: type, default and the full definition line.
//! Owns the storage decisions listed in the parent module's doc; nothing else.

use super::{Dialect, literal, quote};
use crate::model::{Column, ColumnDefault, ColumnType};

/// A version-4 UUID as lowercase hyphenated text, from SQLite's `randomblob`: the third
/// group starts with `4`, the fourth with one of `8 9 a b` (the RFC 4122 variant).
const SQLITE_UUID_V4: &str = "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) \
|| '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) \
|| substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

/// The current time as ISO 8601 UTC with milliseconds and `Z`.
const SQLITE_NOW: &str = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

/// The column type.
pub fn type_sql(column_type: ColumnType, dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => match column_type {
            ColumnType::Uuid => "uuid",
            ColumnType::Text => "text",
            ColumnType::Double => "double precision",
            ColumnType::Numeric => "numeric",
            ColumnType::Boolean => "boolean",
            ColumnType::TimestampTz => "timestamptz",
            ColumnType::Date => "date",
            ColumnType::Json => "jsonb",
            ColumnType::TextArray => "text[]",
            ColumnType::TsVector => "tsvector",
        },
        Dialect::Sqlite => match column_type {
            ColumnType::Uuid
            | ColumnType::Text
            | ColumnType::TimestampTz
            | ColumnType::Date
            | ColumnType::Json
            | ColumnType::TextArray
            | ColumnType::TsVector => "TEXT",
            ColumnType::Double => "REAL",
            ColumnType::Numeric => "NUMERIC",
            ColumnType::Boolean => "INTEGER",
        },
    }
}

/// The default as an SQL expression of the column's type.
pub fn default_sql(default: &ColumnDefault, dialect: Dialect) -> String {
    match (default, dialect) {
        (ColumnDefault::Now, Dialect::Postgres) => "now()".to_owned(),
        (ColumnDefault::Now, Dialect::Sqlite) => SQLITE_NOW.to_owned(),
        (ColumnDefault::Uuid, Dialect::Postgres) => "gen_random_uuid()".to_owned(),
        (ColumnDefault::Uuid, Dialect::Sqlite) => SQLITE_UUID_V4.to_owned(),
        (ColumnDefault::Text(text), _) => literal(text),
        (ColumnDefault::Number(n), _) => n.to_string(),
        (ColumnDefault::Bool(b), Dialect::Postgres) => b.to_string(),
        (ColumnDefault::Bool(b), Dialect::Sqlite) => u8::from(*b).to_string(),
        (ColumnDefault::Json(json), Dialect::Postgres) => format!("{}::jsonb", literal(json)),
        (ColumnDefault::Json(json), Dialect::Sqlite) => literal(json),
        (ColumnDefault::TextArray(items), Dialect::Postgres) => {
            let items: Vec<String> = items.iter().map(|i| literal(i)).collect();
            format!("ARRAY[{}]::text[]", items.join(", "))
        }
        (ColumnDefault::TextArray(items), Dialect::Sqlite) => {
            literal(&serde_json::Value::from(items.clone()).to_string())
        }
    }
}

/// `"name" type [NOT NULL] [DEFAULT …]`, plus on SQLite an inline `REFERENCES`.
/// The generated search vector is spelled by `search`, not here.
pub fn column_definition(column: &Column, dialect: Dialect) -> String {
    let mut sql = format!(
        "{} {}",
        quote(&column.name),
        type_sql(column.column_type, dialect)
    );
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_sql(default, dialect));
    }
    if let (Some(fk), Dialect::Sqlite) = (&column.references, dialect) {
        sql.push_str(&format!(
            " REFERENCES {} (\"id\") ON DELETE {}",
            quote(&fk.table),
            fk.on_delete.sql()
        ));
    }
    sql
}
