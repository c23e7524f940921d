//! Compares two models object by object and field by field (matched by stable id) and
//! emits the steps of a [`Plan`], sorted into phases. Owns the matching, not the SQL.

use super::{Change, Plan, Step};
use crate::emit::sql::{Table, foreign_key_name};
use crate::model::{
    Column, DefaultValue, Field, FieldType, ForeignKey, Object, RelationKind, Schema, Uuid,
};
use std::collections::BTreeMap;

/// A column's identity across renames: its field's stable id and its sub-field.
type ColumnKey = (Uuid, Option<&'static str>);

/// The plan that turns a database built for `old` into one built for `new`.
pub fn diff(old: &Schema, new: &Schema) -> Plan {
    let mut builder = Builder {
        old,
        new,
        steps: Vec::new(),
        changes: Vec::new(),
        tables: BTreeMap::new(),
    };
    for object in &new.objects {
        match old.object_by_id(object.id) {
            // Nothing of its table can differ: a runtime change of one field of a model of
            // many objects plans only the objects it touches.
            Some(before) if unchanged(before, object, old, new) => {}
            Some(before) => builder.alter_object(before, object),
            None => builder.create_object(object),
        }
    }
    for object in &old.objects {
        if new.object_by_id(object.id).is_none() {
            builder.drop_object(object);
        }
    }
    // A stable sort keeps the model's order within each phase.
    builder.steps.sort_by_key(Step::phase);
    Plan {
        steps: builder.steps,
        changes: builder.changes,
        tables: builder.tables,
        initial: old.objects.is_empty(),
    }
}

/// Whether `object`'s table is the same in both models: the object is, and so are the
/// table names of the objects its relations point at (its foreign keys name them).
fn unchanged(before: &Object, after: &Object, old: &Schema, new: &Schema) -> bool {
    before == after
        && after
            .fields
            .iter()
            .filter_map(|f| f.relation.as_ref())
            .all(|r| {
                old.object(&r.target).map(Object::table_name)
                    == new.object(&r.target).map(Object::table_name)
            })
}

struct Builder<'a> {
    old: &'a Schema,
    new: &'a Schema,
    steps: Vec<Step>,
    changes: Vec<Change>,
    tables: BTreeMap<String, Table>,
}

impl Builder<'_> {
    fn create_object(&mut self, object: &Object) {
        let table = Table::of(object, self.new);
        self.changes
            .push(Change::CreateObject(object.name_singular.clone()));
        for column in &table.columns {
            if let Some(references) = &column.references {
                self.steps.push(Step::AddForeignKey {
                    table: table.name.clone(),
                    column: column.name.clone(),
                    name: foreign_key_name(&table.name, &column.name),
                    references: references.clone(),
                    new_column: true,
                });
            }
        }
        for index in &table.indexes {
            self.steps.push(Step::CreateIndex {
                index: index.clone(),
            });
        }
        if let Some(gin_index) = &table.search_index {
            self.steps.push(Step::CreateSearch {
                table: table.name.clone(),
                columns: table.search_columns.clone(),
                gin_index: gin_index.clone(),
            });
        }
        self.steps.push(Step::CreateTable {
            object: object.name_singular.clone(),
            table,
        });
    }

    fn drop_object(&mut self, object: &Object) {
        let table = Table::of(object, self.old);
        self.changes
            .push(Change::DropObject(object.name_singular.clone()));
        if table.search_index.is_some() {
            self.steps.push(Step::DropSearch {
                table: table.name.clone(),
                with_table: true,
            });
        }
        // Dropped first so that tables referencing each other can go in any order.
        for column in table.columns.iter().filter(|c| c.references.is_some()) {
            self.steps.push(Step::DropForeignKey {
                table: table.name.clone(),
                column: column.name.clone(),
                name: foreign_key_name(&table.name, &column.name),
            });
        }
        self.steps.push(Step::DropTable {
            object: object.name_singular.clone(),
            table: table.name,
        });
    }

    /// The new name of a table of the old model (its object matched by id).
    fn renamed_table(&self, old_table: &str) -> Option<String> {
        let object = self
            .old
            .objects
            .iter()
            .find(|o| o.table_name() == old_table)?;
        self.new.object_by_id(object.id).map(Object::table_name)
    }

    fn alter_object(&mut self, before: &Object, after: &Object) {
        let old = Table::of(before, self.old);
        let new = Table::of(after, self.new);
        let object = after.name_singular.clone();
        if old.name != new.name {
            self.changes
                .push(Change::RenameObject(before.name_singular.clone()));
            self.steps.push(Step::RenameTable {
                object: object.clone(),
                from: old.name.clone(),
                to: new.name.clone(),
            });
            self.steps.push(Step::RenameConstraint {
                table: new.name.clone(),
                from: old.primary_key_name.clone(),
                to: new.primary_key_name.clone(),
            });
        }
        self.field_changes(before, after);

        // Columns of the old table that survive with the same storage type, by key.
        let new_by_key: BTreeMap<ColumnKey, &Column> =
            new.columns.iter().map(|c| (key(c), c)).collect();
        let mut kept: BTreeMap<String, &Column> = BTreeMap::new(); // old name → new column
        for column in &old.columns {
            let field = before.field_by_id(column.field_id);
            let field_name = field.map_or(column.field_name.clone(), |f| f.name.clone());
            match new_by_key.get(&key(column)) {
                Some(next) if next.column_type == column.column_type => {
                    kept.insert(column.name.clone(), next);
                    self.alter_column(&object, &old, &new, column, next);
                }
                next => {
                    if column.references.is_some() {
                        self.steps.push(Step::DropForeignKey {
                            table: old.name.clone(),
                            column: column.name.clone(),
                            name: foreign_key_name(&old.name, &column.name),
                        });
                    }
                    self.steps.push(Step::DropColumn {
                        object: object.clone(),
                        field: field_name,
                        table: new.name.clone(),
                        column: column.name.clone(),
                        has_foreign_key: column.references.is_some(),
                        reason: next.map(|_| "changes its storage type".to_owned()),
                    });
                }
            }
        }
        let kept_new: Vec<&str> = kept.values().map(|c| c.name.as_str()).collect();
        for column in &new.columns {
            if kept_new.contains(&column.name.as_str()) {
                continue;
            }
            self.steps.push(Step::AddColumn {
                object: object.clone(),
                field: column.field_name.clone(),
                table: new.name.clone(),
                column: column.clone(),
            });
            if let Some(references) = &column.references {
                self.steps.push(Step::AddForeignKey {
                    table: new.name.clone(),
                    column: column.name.clone(),
                    name: foreign_key_name(&new.name, &column.name),
                    references: references.clone(),
                    new_column: true,
                });
            }
        }
        self.checks(&old, &new, &kept);
        self.options(before, after, &new);
        self.indexes(&old, &new, &kept);
        self.search(&old, &new, &kept);
        self.tables.insert(new.name.clone(), new);
    }

    /// Logical field changes, for the plan's slug.
    fn field_changes(&mut self, before: &Object, after: &Object) {
        let object = &after.name_singular;
        let start = self.changes.len();
        // The search vector is derived: its appearance is a search change, not a field;
        // a one-to-many side stores nothing and moves with its many-to-one side.
        let stored = |f: &&Field| {
            f.field_type != FieldType::TsVector
                && f.relation
                    .as_ref()
                    .is_none_or(|r| r.kind == RelationKind::ManyToOne)
        };
        // The search vector is derived: its appearance is a search change, not a field.
        for field in after.fields.iter().filter(stored) {
            let Some(old) = before.field_by_id(field.id) else {
                self.changes
                    .push(Change::AddField(object.clone(), field.name.clone()));
                continue;
            };
            if old.name != field.name {
                self.changes
                    .push(Change::RenameField(object.clone(), old.name.clone()));
            } else if old.options != field.options {
                self.changes
                    .push(Change::Options(object.clone(), field.name.clone()));
            } else if old.field_type != field.field_type
                || old.is_nullable != field.is_nullable
                || old.default != field.default
                || old.is_unique != field.is_unique
                || old.is_indexed != field.is_indexed
                || old.is_sort_key != field.is_sort_key
                || !self.same_relation(old, field)
            {
                self.changes
                    .push(Change::AlterField(object.clone(), field.name.clone()));
            }
        }
        for field in before.fields.iter().filter(stored) {
            if after.field_by_id(field.id).is_none() {
                self.changes
                    .push(Change::DropField(object.clone(), field.name.clone()));
            }
        }
        if before.search_fields != after.search_fields && self.changes.len() == start {
            self.changes.push(Change::Search(object.clone()));
        }
    }

    /// Whether two versions of a field are the same relation: same kind, action and
    /// target object (by id: a renamed target is still the same relation).
    fn same_relation(&self, before: &Field, after: &Field) -> bool {
        match (&before.relation, &after.relation) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let target = |schema: &Schema, name: &str| schema.object(name).map(|o| o.id);
                a.kind == b.kind
                    && a.on_delete == b.on_delete
                    && target(self.old, &a.target) == target(self.new, &b.target)
            }
            _ => false,
        }
    }

    fn alter_column(
        &mut self,
        object: &str,
        old: &Table,
        new: &Table,
        before: &Column,
        after: &Column,
    ) {
        if before.name != after.name {
            self.steps.push(Step::RenameColumn {
                object: object.to_owned(),
                field: after.field_name.clone(),
                table: new.name.clone(),
                from: before.name.clone(),
                to: after.name.clone(),
            });
        }
        if before.nullable != after.nullable || before.default != after.default {
            self.steps.push(Step::AlterColumn {
                object: object.to_owned(),
                field: after.field_name.clone(),
                table: new.name.clone(),
                column: after.clone(),
                old_nullable: before.nullable,
                old_default: before.default.clone(),
            });
        }
        let old_references = before.references.as_ref().map(|r| ForeignKey {
            table: self.renamed_table(&r.table).unwrap_or_default(),
            on_delete: r.on_delete,
        });
        let old_name = foreign_key_name(&old.name, &before.name);
        let new_name = foreign_key_name(&new.name, &after.name);
        if old_references == after.references {
            if before.references.is_some() && old_name != new_name {
                self.steps.push(Step::RenameConstraint {
                    table: new.name.clone(),
                    from: old_name,
                    to: new_name,
                });
            }
            return;
        }
        if before.references.is_some() {
            self.steps.push(Step::DropForeignKey {
                table: old.name.clone(),
                column: before.name.clone(),
                name: old_name,
            });
        }
        if let Some(references) = &after.references {
            self.steps.push(Step::AddForeignKey {
                table: new.name.clone(),
                column: after.name.clone(),
                name: new_name,
                references: references.clone(),
                new_column: false,
            });
        }
    }

    /// Allowed-value CHECKs, matched by column: renamed, or dropped and re-added when
    /// their values change (so data rewrites run between the two).
    fn checks(&mut self, old: &Table, new: &Table, kept: &BTreeMap<String, &Column>) {
        for check in &old.checks {
            let next = kept
                .get(&check.column)
                .and_then(|c| new.checks.iter().find(|n| n.column == c.name));
            match next {
                Some(next) if next.values == check.values && next.multi == check.multi => {
                    if next.name != check.name {
                        self.steps.push(Step::RenameConstraint {
                            table: new.name.clone(),
                            from: check.name.clone(),
                            to: next.name.clone(),
                        });
                    }
                }
                _ => self.steps.push(Step::DropCheck {
                    table: old.name.clone(),
                    name: check.name.clone(),
                }),
            }
        }
        for check in &new.checks {
            let unchanged = old.checks.iter().any(|c| {
                kept.get(&c.column).is_some_and(|k| k.name == check.column)
                    && c.values == check.values
                    && c.multi == check.multi
            });
            if !unchanged {
                self.steps.push(Step::AddCheck {
                    table: new.name.clone(),
                    check: check.clone(),
                });
            }
        }
    }

    /// Stored values of renamed and removed select options.
    fn options(&mut self, before: &Object, after: &Object, new: &Table) {
        for field in &after.fields {
            let multi = match field.field_type {
                FieldType::Select => false,
                FieldType::MultiSelect => true,
                _ => continue,
            };
            let Some(old) = before.field_by_id(field.id) else {
                continue;
            };
            if old.field_type != field.field_type {
                continue;
            }
            let values = field.option_values();
            let mut renames = Vec::new();
            let mut removed = Vec::new();
            for option in &old.options {
                match field.options.iter().find(|o| o.id == option.id) {
                    Some(next) if next.value != option.value => {
                        renames.push((option.value.clone(), next.value.clone()));
                    }
                    Some(_) => {}
                    None if values.contains(&option.value.as_str()) => {}
                    None => removed.push(option.value.clone()),
                }
            }
            if renames.is_empty() && removed.is_empty() {
                continue;
            }
            let replacement = if multi || field.is_nullable {
                None
            } else {
                match &field.default {
                    Some(DefaultValue::Value(serde_json::Value::String(v))) => Some(v.clone()),
                    _ => values.first().map(|v| (*v).to_owned()),
                }
            };
            self.steps.push(Step::RewriteOptions {
                object: after.name_singular.clone(),
                field: field.name.clone(),
                table: new.name.clone(),
                column: field.name.clone(),
                multi,
                renames,
                removed,
                replacement,
            });
        }
    }

    /// B-tree indexes, matched by their (renamed) columns and kind.
    fn indexes(&mut self, old: &Table, new: &Table, kept: &BTreeMap<String, &Column>) {
        let mut matched = Vec::new();
        for index in &old.indexes {
            let columns: Option<Vec<String>> = index
                .columns
                .iter()
                .map(|c| kept.get(c).map(|k| k.name.clone()))
                .collect();
            let next = columns.and_then(|columns| {
                new.indexes.iter().find(|n| {
                    n.columns == columns
                        && n.unique == index.unique
                        && n.only_live_rows == index.only_live_rows
                        && n.leading_nulls_first == index.leading_nulls_first
                })
            });
            match next {
                Some(next) => {
                    matched.push(next.name.clone());
                    if next.name != index.name {
                        self.steps.push(Step::RenameIndex {
                            from: index.name.clone(),
                            index: next.clone(),
                        });
                    }
                }
                None => self.steps.push(Step::DropIndex {
                    index: index.clone(),
                }),
            }
        }
        for index in &new.indexes {
            if !matched.contains(&index.name) {
                self.steps.push(Step::CreateIndex {
                    index: index.clone(),
                });
            }
        }
    }

    /// The search document: kept when its columns keep their names, moved with a renamed
    /// table, rebuilt otherwise (it is derived data, so nothing is lost).
    fn search(&mut self, old: &Table, new: &Table, kept: &BTreeMap<String, &Column>) {
        let same_columns = old.search_columns.len() == new.search_columns.len()
            && old
                .search_columns
                .iter()
                .zip(&new.search_columns)
                .all(|(o, n)| o == n && kept.get(o).is_some_and(|k| &k.name == n));
        match (&old.search_index, &new.search_index) {
            (Some(from_index), Some(to_index)) if same_columns => {
                if old.name != new.name {
                    self.steps.push(Step::RenameSearch {
                        from: old.name.clone(),
                        to: new.name.clone(),
                        columns: new.search_columns.clone(),
                        from_index: from_index.clone(),
                        to_index: to_index.clone(),
                    });
                }
            }
            (before, after) => {
                if before.is_some() {
                    self.steps.push(Step::DropSearch {
                        table: old.name.clone(),
                        with_table: false,
                    });
                }
                if let Some(gin_index) = after {
                    self.steps.push(Step::CreateSearch {
                        table: new.name.clone(),
                        columns: new.search_columns.clone(),
                        gin_index: gin_index.clone(),
                    });
                }
            }
        }
    }
}

fn key(column: &Column) -> ColumnKey {
    (column.field_id, column.sub_field)
}
