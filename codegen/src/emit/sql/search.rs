//! Full-text search DDL: Postgres' generated `searchVector` with its GIN index, SQLite's
//! FTS5 external-content table and sync triggers. Owns nothing but these statements.

use super::{Dialect, literal, quote};

/// The FTS5 table standing in for `searchVector` on SQLite.
pub fn fts_table_name(table: &str) -> String {
    format!("{table}_fts")
}

/// Statements that create the search document of `table` over `columns` and index the
/// rows already there; `gin_index` names the Postgres index.
pub fn search_create_sql(
    table: &str,
    columns: &[String],
    gin_index: &str,
    dialect: Dialect,
) -> String {
    match dialect {
        Dialect::Postgres => {
            let parts: Vec<String> = columns
                .iter()
                .map(|c| format!("coalesce({}, '')", quote(c)))
                .collect();
            format!(
                "ALTER TABLE {} ADD COLUMN \"searchVector\" tsvector GENERATED ALWAYS AS \
                 (to_tsvector('simple'::regconfig, {})) STORED;\n\
                 CREATE INDEX {} ON {} USING GIN (\"searchVector\");\n",
                quote(table),
                parts.join(" || ' ' || "),
                quote(gin_index),
                quote(table),
            )
        }
        Dialect::Sqlite => {
            let fts = fts_table_name(table);
            let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
            format!(
                "CREATE VIRTUAL TABLE {} USING fts5({}, content={}, content_rowid='rowid', \
                 tokenize='unicode61 remove_diacritics 2');\n{}INSERT INTO {}({}) VALUES ('rebuild');\n",
                quote(&fts),
                cols.join(", "),
                literal(table),
                search_triggers_sql(table, columns),
                quote(&fts),
                quote(&fts),
            )
        }
    }
}

/// The three SQLite triggers keeping `<table>_fts` in step with `table`.
pub fn search_triggers_sql(table: &str, columns: &[String]) -> String {
    let fts = quote(&fts_table_name(table));
    let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let cols = cols.join(", ");
    let values = |row: &str| {
        let v: Vec<String> = columns
            .iter()
            .map(|c| format!("{row}.{}", quote(c)))
            .collect();
        v.join(", ")
    };
    let insert = format!(
        "INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {});",
        values("new")
    );
    let delete = format!(
        "INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {});",
        values("old")
    );
    let trigger = |suffix: &str| quote(&format!("{}_{suffix}", fts_table_name(table)));
    let t = quote(table);
    format!(
        "CREATE TRIGGER {} AFTER INSERT ON {t} BEGIN {insert} END;\n\
         CREATE TRIGGER {} AFTER DELETE ON {t} BEGIN {delete} END;\n\
         CREATE TRIGGER {} AFTER UPDATE ON {t} BEGIN {delete} {insert} END;\n",
        trigger("ai"),
        trigger("ad"),
        trigger("au"),
    )
}

/// Statements that remove the search document of `table`.
pub fn search_drop_sql(table: &str, dialect: Dialect) -> String {
    match dialect {
        // Dropping the generated column drops its GIN index with it.
        Dialect::Postgres => format!(
            "ALTER TABLE {} DROP COLUMN \"searchVector\";\n",
            quote(table)
        ),
        Dialect::Sqlite => {
            let fts = fts_table_name(table);
            format!(
                "DROP TRIGGER IF EXISTS {};\nDROP TRIGGER IF EXISTS {};\nDROP TRIGGER IF EXISTS {};\nDROP TABLE {};\n",
                quote(&format!("{fts}_ai")),
                quote(&format!("{fts}_ad")),
                quote(&format!("{fts}_au")),
                quote(&fts),
            )
        }
    }
}
