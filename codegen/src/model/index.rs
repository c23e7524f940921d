//! The indexes an object's table gets, derived from its fields: one per foreign key,
//! partial uniques for unique fields, plain ones for indexed fields, `(field ASC NULLS
//! FIRST, id)` for the fields lists are ordered by by default, GIN for search.

use super::{Object, RelationKind, column::composite_column_name};
use sha2::{Digest, Sha256};

/// How an index is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexMethod {
    Btree,
    /// Postgres GIN, for the search vector (SQLite searches through FTS5 instead).
    Gin,
}

/// One index of an object's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Deterministic: a hash of table, columns and predicate (Twenty's scheme), so that
    /// the same index always has the same name and a changed one a new name.
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// `WHERE "deletedAt" IS NULL`: a soft-deleted row never blocks a unique value.
    pub only_live_rows: bool,
    /// The first column is `ASC NULLS FIRST` (the engine's default `AscNullsFirst`), the
    /// others plain `ASC`: Postgres only reads an index in an `ORDER BY` whose null
    /// placement matches it. SQLite sorts NULLs first anyway and gets a plain index.
    pub leading_nulls_first: bool,
    pub method: IndexMethod,
}

/// The predicate of partial indexes.
pub const LIVE_ROWS_PREDICATE: &str = "\"deletedAt\" IS NULL";

impl Index {
    fn new(table: &str, columns: Vec<String>, unique: bool, method: IndexMethod) -> Index {
        Index::build(table, columns, unique, false, method)
    }

    /// The index a list ordered by `column` (then `id`) reads in order.
    fn sort_key(table: &str, column: &str) -> Index {
        let columns = vec![column.to_owned(), "id".to_owned()];
        Index::build(table, columns, false, true, IndexMethod::Btree)
    }

    fn build(
        table: &str,
        columns: Vec<String>,
        unique: bool,
        leading_nulls_first: bool,
        method: IndexMethod,
    ) -> Index {
        let only_live_rows = unique;
        let mut hasher = Sha256::new();
        hasher.update(table.as_bytes());
        for column in &columns {
            hasher.update(column.as_bytes());
        }
        if only_live_rows {
            hasher.update(LIVE_ROWS_PREDICATE.as_bytes());
        }
        if leading_nulls_first {
            hasher.update(b"NULLS FIRST");
        }
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let prefix = if unique { "IDX_UNIQUE_" } else { "IDX_" };
        Index {
            name: format!("{prefix}{}", &hex[..27]),
            table: table.to_owned(),
            columns,
            unique,
            only_live_rows,
            leading_nulls_first,
            method,
        }
    }
}

impl Object {
    /// Every index of the object's table, in a stable order.
    pub fn indexes(&self) -> Vec<Index> {
        let table = self.table_name();
        let mut indexes = Vec::new();
        for field in &self.fields {
            if let Some(relation) = &field.relation {
                if relation.kind == RelationKind::ManyToOne {
                    indexes.push(Index::new(
                        &table,
                        vec![format!("{}Id", field.name)],
                        false,
                        IndexMethod::Btree,
                    ));
                }
                continue;
            }
            if field.is_sort_key && field.field_type.composite().is_none() {
                indexes.push(Index::sort_key(&table, &field.name));
            }
            if field.is_unique || field.is_indexed {
                let columns: Vec<String> = match field.field_type.composite() {
                    // Uniqueness covers the composite's key column; a plain index covers
                    // the key column too, or every column when the composite has no key.
                    Some(composite) => {
                        let has_key = composite.sub_fields.iter().any(|s| s.unique_key);
                        composite
                            .sub_fields
                            .iter()
                            .filter(|s| s.unique_key || !has_key)
                            .map(|s| composite_column_name(&field.name, s.name))
                            .collect()
                    }
                    None => vec![field.name.clone()],
                };
                if !columns.is_empty() {
                    indexes.push(Index::new(
                        &table,
                        columns,
                        field.is_unique,
                        IndexMethod::Btree,
                    ));
                }
            }
        }
        if self.is_searchable() {
            indexes.push(Index::new(
                &table,
                vec!["searchVector".to_owned()],
                false,
                IndexMethod::Gin,
            ));
        }
        indexes
    }
}
