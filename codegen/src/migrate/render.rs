//! Renders a plan's steps as SQL text per dialect, including SQLite's table rebuild for
//! what its ALTER TABLE cannot do. Owns statement text only; the order is the plan's.
//!
//! SQLite cannot change a column's nullability or default, add or drop a foreign key, or
//! add a column that is NOT NULL without a constant default. For those it gets the
//! standard rebuild: create the final shape under a temporary name, copy the rows (rowids
//! included, so the FTS index stays valid), drop the old table, rename the new one, then
//! recreate its indexes and search triggers. Dropping a table that others reference would
//! fire their ON DELETE actions, so a plan with a rebuild must run with
//! `PRAGMA foreign_keys = OFF` (set before the transaction begins, as SQLite requires)
//! and `PRAGMA foreign_key_check` before commit; the text starts with a guard that fails
//! when foreign keys are on, naming the pragma.

use super::{Plan, Step};
use crate::emit::sql::{
    Dialect, Table, check_condition, column_definition, create_index_sql, create_table_sql,
    default_sql, literal, quote, search_create_sql, search_drop_sql, search_triggers_sql,
};
use crate::model::Column;
use std::collections::BTreeSet;

pub(super) fn render(plan: &Plan, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => plan.steps.iter().map(postgres).collect(),
        Dialect::Sqlite => sqlite(plan),
    }
}

fn postgres(step: &Step) -> String {
    match step {
        Step::DropSearch {
            with_table: true, ..
        } => String::new(),
        Step::DropSearch { table, .. } => search_drop_sql(table, Dialect::Postgres),
        Step::DropForeignKey { table, name, .. } | Step::DropCheck { table, name } => {
            format!(
                "ALTER TABLE {} DROP CONSTRAINT {};\n",
                quote(table),
                quote(name)
            )
        }
        Step::DropIndex { index } => format!("DROP INDEX {};\n", quote(&index.name)),
        Step::RenameTable { from, to, .. } => rename_table(from, to),
        Step::RenameColumn {
            table, from, to, ..
        } => rename_column(table, from, to),
        Step::RenameIndex { from, index } => rename_index(from, &index.name),
        Step::RenameConstraint { table, from, to } => format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n",
            quote(table),
            quote(from),
            quote(to)
        ),
        Step::RenameSearch {
            from_index,
            to_index,
            ..
        } => rename_index(from_index, to_index),
        Step::RewriteOptions { .. } => rewrite_options(step, Dialect::Postgres),
        Step::DropColumn { table, column, .. } => drop_column(table, column),
        Step::DropTable { table, .. } => format!("DROP TABLE {};\n", quote(table)),
        Step::CreateTable { table, .. } => create_table_sql(table, &table.name, Dialect::Postgres),
        Step::AddColumn { table, column, .. } => add_column(table, column, Dialect::Postgres),
        Step::AlterColumn {
            table,
            column,
            old_nullable,
            old_default,
            ..
        } => {
            let prefix = format!(
                "ALTER TABLE {} ALTER COLUMN {}",
                quote(table),
                quote(&column.name)
            );
            let mut sql = String::new();
            if *old_default != column.default {
                match &column.default {
                    Some(default) => sql.push_str(&format!(
                        "{prefix} SET DEFAULT {};\n",
                        default_sql(default, Dialect::Postgres)
                    )),
                    None => sql.push_str(&format!("{prefix} DROP DEFAULT;\n")),
                }
            }
            if *old_nullable != column.nullable {
                if column.nullable {
                    sql.push_str(&format!("{prefix} DROP NOT NULL;\n"));
                } else {
                    // Rows without a value get the default, so that NOT NULL can hold.
                    if let Some(default) = &column.default {
                        sql.push_str(&format!(
                            "UPDATE {} SET {} = {} WHERE {} IS NULL;\n",
                            quote(table),
                            quote(&column.name),
                            default_sql(default, Dialect::Postgres),
                            quote(&column.name)
                        ));
                    }
                    sql.push_str(&format!("{prefix} SET NOT NULL;\n"));
                }
            }
            sql
        }
        Step::AddCheck { table, check } => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({});\n",
            quote(table),
            quote(&check.name),
            check_condition(check)
        ),
        Step::CreateIndex { index } => create_index_sql(index, Dialect::Postgres),
        Step::AddForeignKey {
            table,
            column,
            name,
            references,
            ..
        } => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} (\"id\") ON DELETE {};\n",
            quote(table),
            quote(name),
            quote(column),
            quote(&references.table),
            references.on_delete.sql()
        ),
        Step::CreateSearch {
            table,
            columns,
            gin_index,
        } => search_create_sql(table, columns, gin_index, Dialect::Postgres),
    }
}

/// Whether SQLite's `ADD COLUMN` can add this column (else the table is rebuilt).
fn sqlite_can_add(column: &Column) -> bool {
    match &column.default {
        None => column.nullable,
        Some(default) => default.is_constant() && column.references.is_none(),
    }
}

/// The tables (by new name) the SQLite text rebuilds.
pub(super) fn sqlite_rebuilds(plan: &Plan) -> BTreeSet<String> {
    plan.steps
        .iter()
        .filter_map(|step| match step {
            Step::AlterColumn { table, .. } => Some(table),
            Step::AddColumn { table, column, .. } if !sqlite_can_add(column) => Some(table),
            Step::DropColumn {
                table,
                has_foreign_key: true,
                ..
            } => Some(table),
            Step::AddForeignKey {
                table,
                new_column: false,
                ..
            } => Some(table),
            _ => None,
        })
        .cloned()
        .collect()
}

fn sqlite(plan: &Plan) -> String {
    let rebuilds = sqlite_rebuilds(plan);
    let mut sql = String::new();
    if !rebuilds.is_empty() {
        sql.push_str(
            "-- Rebuilds tables: run with PRAGMA foreign_keys = OFF (set before BEGIN), then PRAGMA foreign_key_check.\n\
             CREATE TEMP TABLE \"_migration_guard\" (\"foreignKeys\" INTEGER CONSTRAINT \
             \"run this migration with PRAGMA foreign_keys = OFF\" CHECK (\"foreignKeys\" = 0));\n\
             INSERT INTO \"_migration_guard\" SELECT foreign_keys FROM pragma_foreign_keys;\n\
             DROP TABLE \"_migration_guard\";\n",
        );
    }
    let mut rebuilt = false;
    for step in &plan.steps {
        if !rebuilt && step.phase() >= Step::FINAL_PHASE {
            sql.push_str(&rebuild_all(plan, &rebuilds));
            rebuilt = true;
        }
        sql.push_str(&sqlite_step(step, &rebuilds));
    }
    if !rebuilt {
        sql.push_str(&rebuild_all(plan, &rebuilds));
    }
    sql
}

fn sqlite_step(step: &Step, rebuilds: &BTreeSet<String>) -> String {
    let rebuilt = |table: &str| rebuilds.contains(table);
    match step {
        Step::DropSearch { table, .. } => search_drop_sql(table, Dialect::Sqlite),
        // Constraints are inline and unnamed on SQLite; changed ones come with a rebuild.
        Step::DropForeignKey { .. }
        | Step::DropCheck { .. }
        | Step::RenameConstraint { .. }
        | Step::AddCheck { .. }
        | Step::AddForeignKey { .. }
        | Step::AlterColumn { .. } => String::new(),
        Step::DropIndex { index } => format!("DROP INDEX {};\n", quote(&index.name)),
        Step::RenameTable { from, to, .. } => rename_table(from, to),
        Step::RenameColumn {
            table, from, to, ..
        } => rename_column(table, from, to),
        // SQLite has no ALTER INDEX: an index is cheap to rebuild under its new name.
        Step::RenameIndex { from, index } => {
            format!(
                "DROP INDEX {};\n{}",
                quote(from),
                create_index_sql(index, Dialect::Sqlite)
            )
        }
        Step::RenameSearch {
            from, to, columns, ..
        } => format!(
            "{}{}",
            search_drop_sql(from, Dialect::Sqlite),
            search_create_sql(to, columns, "", Dialect::Sqlite)
        ),
        Step::RewriteOptions { .. } => rewrite_options(step, Dialect::Sqlite),
        Step::DropColumn {
            has_foreign_key: true,
            ..
        } => String::new(),
        Step::DropColumn { table, column, .. } => drop_column(table, column),
        Step::DropTable { table, .. } => format!("DROP TABLE {};\n", quote(table)),
        Step::CreateTable { table, .. } => create_table_sql(table, &table.name, Dialect::Sqlite),
        Step::AddColumn { table, column, .. } if sqlite_can_add(column) => {
            add_column(table, column, Dialect::Sqlite)
        }
        Step::AddColumn { .. } => String::new(),
        Step::CreateIndex { index } if rebuilt(&index.table) => String::new(),
        Step::CreateIndex { index } => create_index_sql(index, Dialect::Sqlite),
        Step::CreateSearch { table, columns, .. } => {
            search_create_sql(table, columns, "", Dialect::Sqlite)
        }
    }
}

fn rebuild_all(plan: &Plan, rebuilds: &BTreeSet<String>) -> String {
    rebuilds
        .iter()
        .filter_map(|name| plan.tables.get(name))
        .map(|table| rebuild(plan, table))
        .collect()
}

/// SQLite's table rebuild into `table`'s final shape.
fn rebuild(plan: &Plan, table: &Table) -> String {
    let name = &table.name;
    let temporary = format!("_rebuild_{name}");
    // Columns the skipped ADD COLUMNs would have created do not exist yet: they start
    // from their defaults.
    let pending: Vec<&str> = plan
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::AddColumn {
                table: t, column, ..
            } if t == name && !sqlite_can_add(column) => Some(column.name.as_str()),
            _ => None,
        })
        .collect();
    let copied: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| !pending.contains(&c.name.as_str()))
        .collect();
    let targets: Vec<String> = copied.iter().map(|c| quote(&c.name)).collect();
    let sources: Vec<String> = copied
        .iter()
        .map(|c| match (&c.default, c.nullable) {
            // A column that became NOT NULL takes its default where it held NULL.
            (Some(default), false) => format!(
                "coalesce({}, {})",
                quote(&c.name),
                default_sql(default, Dialect::Sqlite)
            ),
            _ => quote(&c.name),
        })
        .collect();
    let mut sql = create_table_sql(table, &temporary, Dialect::Sqlite);
    sql.push_str(&format!(
        "INSERT INTO {} (rowid, {}) SELECT rowid, {} FROM {};\n",
        quote(&temporary),
        targets.join(", "),
        sources.join(", "),
        quote(name)
    ));
    sql.push_str(&format!("DROP TABLE {};\n", quote(name)));
    sql.push_str(&rename_table(&temporary, name));
    for index in &table.indexes {
        sql.push_str(&create_index_sql(index, Dialect::Sqlite));
    }
    // The triggers went with the old table; a search step later recreates them itself.
    let search_step_follows = plan.steps.iter().any(|s| match s {
        Step::CreateSearch { table: t, .. } | Step::RenameSearch { to: t, .. } => t == name,
        _ => false,
    });
    if !table.search_columns.is_empty() && !search_step_follows {
        sql.push_str(&search_triggers_sql(name, &table.search_columns));
    }
    sql
}

fn rename_table(from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {};\n", quote(from), quote(to))
}

fn rename_column(table: &str, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {};\n",
        quote(table),
        quote(from),
        quote(to)
    )
}

fn rename_index(from: &str, to: &str) -> String {
    format!("ALTER INDEX {} RENAME TO {};\n", quote(from), quote(to))
}

fn drop_column(table: &str, column: &str) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {};\n",
        quote(table),
        quote(column)
    )
}

fn add_column(table: &str, column: &Column, dialect: Dialect) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {};\n",
        quote(table),
        column_definition(column, dialect)
    )
}

/// One UPDATE rewriting renamed values and clearing removed ones.
fn rewrite_options(step: &Step, dialect: Dialect) -> String {
    let Step::RewriteOptions {
        table,
        column,
        multi,
        renames,
        removed,
        replacement,
        ..
    } = step
    else {
        return String::new();
    };
    let list = |values: &[&String]| {
        values
            .iter()
            .map(|v| literal(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let touched: Vec<&String> = renames
        .iter()
        .map(|(from, _)| from)
        .chain(removed)
        .collect();
    let removed_refs: Vec<&String> = removed.iter().collect();
    let cases = |subject: &str, with_removed: bool| {
        let mut case = format!("CASE {subject}");
        for (from, to) in renames {
            case.push_str(&format!(" WHEN {} THEN {}", literal(from), literal(to)));
        }
        if with_removed {
            let value = replacement.as_deref().map_or("NULL".to_owned(), literal);
            for value_removed in removed {
                case.push_str(&format!(" WHEN {} THEN {value}", literal(value_removed)));
            }
        }
        if !case.contains(" WHEN ") {
            return subject.to_owned();
        }
        case.push_str(&format!(" ELSE {subject} END"));
        case
    };
    let t = quote(table);
    let c = quote(column);
    match (multi, dialect) {
        (false, _) => format!(
            "UPDATE {t} SET {c} = {} WHERE {c} IN ({});\n",
            cases(&c, true),
            list(&touched)
        ),
        (true, Dialect::Postgres) => {
            let keep = if removed.is_empty() {
                String::new()
            } else {
                format!(" WHERE \"v\" NOT IN ({})", list(&removed_refs))
            };
            format!(
                "UPDATE {t} SET {c} = ARRAY(SELECT {} FROM unnest({c}) WITH ORDINALITY AS \"u\"(\"v\", \"n\"){keep} ORDER BY \"n\") WHERE {c} && ARRAY[{}]::text[];\n",
                cases("\"v\"", false),
                list(&touched)
            )
        }
        (true, Dialect::Sqlite) => {
            let keep = if removed.is_empty() {
                String::new()
            } else {
                format!(" WHERE \"value\" NOT IN ({})", list(&removed_refs))
            };
            format!(
                "UPDATE {t} SET {c} = (SELECT json_group_array(\"v\") FROM (SELECT {} AS \"v\" FROM json_each({t}.{c}){keep} ORDER BY \"key\")) WHERE EXISTS (SELECT 1 FROM json_each({t}.{c}) WHERE \"value\" IN ({}));\n",
                cases("\"value\"", false),
                list(&touched)
            )
        }
    }
}
