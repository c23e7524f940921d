//! The steps of a migration plan: what each does, which phase it runs in, what it loses.
//! Owns no SQL (that is `render.rs`) and no diffing (`diff.rs`).

use crate::emit::sql::{Check, Table};
use crate::model::{Column, ColumnDefault, ForeignKey, Index};

/// One change to the database. Table and column names are the ones current when the step
/// runs: drops in the first phase use old names, everything after the renames new ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Removes a search document (Postgres: the generated column and its index; SQLite:
    /// the FTS table and triggers). `with_table`: the table itself is dropped later.
    DropSearch {
        table: String,
        with_table: bool,
    },
    DropForeignKey {
        table: String,
        column: String,
        name: String,
    },
    DropCheck {
        table: String,
        name: String,
    },
    DropIndex {
        index: Index,
    },
    RenameTable {
        object: String,
        from: String,
        to: String,
    },
    RenameColumn {
        object: String,
        field: String,
        table: String,
        from: String,
        to: String,
    },
    RenameIndex {
        from: String,
        index: Index,
    },
    /// Renames a named constraint (Postgres; SQLite's are unnamed).
    RenameConstraint {
        table: String,
        from: String,
        to: String,
    },
    /// Moves a table's search document to its new table name (SQLite's FTS table is named
    /// after and bound to the table; Postgres only renames the GIN index).
    RenameSearch {
        from: String,
        to: String,
        columns: Vec<String>,
        from_index: String,
        to_index: String,
    },
    /// Rewrites stored select values: renamed options (same option id, new value) and
    /// removed ones (to `replacement`, NULL when `None`; taken out of arrays when `multi`).
    RewriteOptions {
        object: String,
        field: String,
        table: String,
        column: String,
        multi: bool,
        renames: Vec<(String, String)>,
        removed: Vec<String>,
        replacement: Option<String>,
    },
    DropColumn {
        object: String,
        field: String,
        table: String,
        column: String,
        has_foreign_key: bool,
        /// Why the column goes when its field stays (a changed storage type).
        reason: Option<String>,
    },
    DropTable {
        object: String,
        table: String,
    },
    CreateTable {
        object: String,
        table: Table,
    },
    AddColumn {
        object: String,
        field: String,
        table: String,
        column: Column,
    },
    /// Changes a column's nullability and/or default (`column` is the new shape).
    AlterColumn {
        object: String,
        field: String,
        table: String,
        column: Column,
        old_nullable: bool,
        old_default: Option<ColumnDefault>,
    },
    AddCheck {
        table: String,
        check: Check,
    },
    CreateIndex {
        index: Index,
    },
    /// `new_column`: the column is created by this plan, so SQLite declared it inline.
    AddForeignKey {
        table: String,
        column: String,
        name: String,
        references: ForeignKey,
        new_column: bool,
    },
    CreateSearch {
        table: String,
        columns: Vec<String>,
        gin_index: String,
    },
}

impl Step {
    /// Steps run phase by phase; this is the phase of the step. Drops of dependent things
    /// come first, renames before data rewrites, tables before what hangs on them.
    pub(super) fn phase(&self) -> u8 {
        match self {
            Step::DropSearch { .. }
            | Step::DropForeignKey { .. }
            | Step::DropCheck { .. }
            | Step::DropIndex { .. } => 0,
            Step::RenameTable { .. } => 1,
            Step::RenameColumn { .. } => 2,
            Step::RenameIndex { .. } | Step::RenameConstraint { .. } => 3,
            Step::RenameSearch { .. } => 4,
            Step::RewriteOptions { .. } => 5,
            Step::DropColumn { .. } => 6,
            Step::DropTable { .. } => 7,
            Step::CreateTable { .. } => 8,
            Step::AddColumn { .. } => 9,
            Step::AlterColumn { .. } => 10,
            Step::AddCheck { .. }
            | Step::CreateIndex { .. }
            | Step::AddForeignKey { .. }
            | Step::CreateSearch { .. } => 11,
        }
    }

    /// The first phase that builds on final table shapes (SQLite rebuilds run before it).
    pub(super) const FINAL_PHASE: u8 = 11;

    /// What the step loses, naming object and field; `None` when it loses nothing.
    pub fn loss(&self) -> Option<String> {
        match self {
            Step::DropTable { object, table } => Some(format!(
                "object `{object}` is dropped: table \"{table}\" and every record in it"
            )),
            Step::DropColumn {
                object,
                field,
                column,
                reason,
                ..
            } => Some(match reason {
                Some(reason) => format!(
                    "field `{object}.{field}` {reason}: the values of column \"{column}\" are dropped"
                ),
                None => format!(
                    "field `{object}.{field}` is dropped: the values of column \"{column}\" are lost"
                ),
            }),
            Step::RewriteOptions {
                object,
                field,
                removed,
                replacement,
                multi,
                ..
            } if !removed.is_empty() => {
                let fate = match (multi, replacement) {
                    (true, _) => "are removed from every record's list".to_owned(),
                    (false, Some(value)) => format!("are replaced by `{value}`"),
                    (false, None) => "are cleared (set to null)".to_owned(),
                };
                Some(format!(
                    "field `{object}.{field}` loses option(s) {}: records holding them {fate}",
                    removed.join(", ")
                ))
            }
            _ => None,
        }
    }

    /// One human-readable line.
    pub fn describe(&self) -> String {
        match self {
            Step::DropSearch { table, .. } => format!("drop the search document of {table}"),
            Step::DropForeignKey { table, column, .. } => {
                format!("drop the foreign key of {table}.{column}")
            }
            Step::DropCheck { table, name } => format!("drop check {name} on {table}"),
            Step::DropIndex { index } => {
                format!("drop index {} on {}", index.name, index.table)
            }
            Step::RenameTable { object, from, to } => {
                format!("rename table {from} to {to} (object {object})")
            }
            Step::RenameColumn {
                table, from, to, ..
            } => format!("rename column {table}.{from} to {to}"),
            Step::RenameIndex { from, index } => format!("rename index {from} to {}", index.name),
            Step::RenameConstraint { table, from, to } => {
                format!("rename constraint {from} on {table} to {to}")
            }
            Step::RenameSearch { from, to, .. } => {
                format!("move the search document of {from} to {to}")
            }
            Step::RewriteOptions {
                table,
                column,
                renames,
                removed,
                ..
            } => {
                let mut parts: Vec<String> =
                    renames.iter().map(|(a, b)| format!("{a} → {b}")).collect();
                parts.extend(removed.iter().map(|r| format!("{r} removed")));
                format!(
                    "rewrite option values of {table}.{column}: {}",
                    parts.join(", ")
                )
            }
            Step::DropColumn { table, column, .. } => {
                format!("drop column {table}.{column} (destructive)")
            }
            Step::DropTable { table, .. } => format!("drop table {table} (destructive)"),
            Step::CreateTable { table, .. } => format!("create table {}", table.name),
            Step::AddColumn { table, column, .. } => {
                let warning = if !column.nullable && column.default.is_none() {
                    " (required without a default: fails if the table has rows)"
                } else {
                    ""
                };
                format!("add column {table}.{}{warning}", column.name)
            }
            Step::AlterColumn {
                table,
                column,
                old_nullable,
                old_default,
                ..
            } => {
                let mut parts = Vec::new();
                if *old_nullable != column.nullable {
                    parts.push(if column.nullable {
                        "nullable"
                    } else {
                        "not null"
                    });
                }
                if *old_default != column.default {
                    parts.push(if column.default.is_some() {
                        "new default"
                    } else {
                        "no default"
                    });
                }
                format!("alter column {table}.{}: {}", column.name, parts.join(", "))
            }
            Step::AddCheck { table, check } => {
                format!(
                    "add check on {table}.{} ({})",
                    check.column,
                    check.values.join(", ")
                )
            }
            Step::CreateIndex { index } => format!(
                "create {}index {} on {} ({})",
                if index.unique { "unique " } else { "" },
                index.name,
                index.table,
                index.columns.join(", ")
            ),
            Step::AddForeignKey {
                table,
                column,
                references,
                ..
            } => format!(
                "add foreign key {table}.{column} → {} on delete {}",
                references.table,
                references.on_delete.sql().to_lowercase()
            ),
            Step::CreateSearch { table, columns, .. } => {
                format!(
                    "create the search document of {table} over {}",
                    columns.join(", ")
                )
            }
        }
    }
}
