//! The migration planner: [`diff`] two models into an ordered [`Plan`] of steps, then
//! render it per dialect. Owns steps, their order and safety checks; spelling is `emit::sql`.
//!
//! Renames are found by stable id (objects, fields, options) and done in place (`RENAME`,
//! `RENAME COLUMN` per composite column, renamed indexes and constraints): a rename never
//! drops data. Steps that lose data (dropped objects and fields, a field whose storage type
//! changed, removed select options) are [`Plan::destructive`] and refused by
//! [`Plan::check`] unless the caller passes `--allow-destructive`.
//!
//! Removed select options: a SELECT row holding a removed value is set to NULL, or, when
//! the field is required, to its default (or its first option without one); a removed
//! value is taken out of MULTI_SELECT arrays. A new required field without a default is
//! added as NOT NULL: it applies to an empty table and fails, naming the column, on a
//! table with rows (the summary line says so).

mod diff;
mod lock;
mod render;
mod step;

pub use diff::diff;
pub use lock::{Lock, LockError};
pub use step::Step;

use crate::emit::sql::{Dialect, Table};
use std::collections::BTreeMap;

/// An ordered list of steps that turns one model's database into the next one's.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Logical changes, for the slug.
    changes: Vec<Change>,
    /// Final shape of every altered table (by new name), for SQLite table rebuilds.
    tables: BTreeMap<String, Table>,
    /// Whether the old model was empty.
    initial: bool,
}

/// One logical change between two models (what a person would name the migration by).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    CreateObject(String),
    DropObject(String),
    RenameObject(String),
    AddField(String, String),
    DropField(String, String),
    RenameField(String, String),
    Options(String, String),
    AlterField(String, String),
    Search(String),
}

/// The steps of a plan that would lose data, refused without `--allow-destructive`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DestructiveChanges {
    /// One line per loss, naming the object and field.
    pub losses: Vec<String>,
}

impl std::fmt::Display for DestructiveChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "this migration would lose data:")?;
        for loss in &self.losses {
            writeln!(f, "  - {loss}")?;
        }
        write!(
            f,
            "nothing was applied; pass --allow-destructive to apply it anyway"
        )
    }
}

impl Plan {
    /// Whether the two models need no database change.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The steps that lose data.
    pub fn destructive(&self) -> Vec<&Step> {
        self.steps.iter().filter(|s| s.loss().is_some()).collect()
    }

    /// Refuses a plan that loses data unless `allow_destructive`.
    pub fn check(&self, allow_destructive: bool) -> Result<(), DestructiveChanges> {
        let mut losses: Vec<String> = Vec::new();
        for loss in self.steps.iter().filter_map(Step::loss) {
            if !losses.contains(&loss) {
                losses.push(loss);
            }
        }
        if losses.is_empty() || allow_destructive {
            Ok(())
        } else {
            Err(DestructiveChanges { losses })
        }
    }

    /// The SQL text of the plan in `dialect`; every statement ends with `;\n`.
    pub fn render(&self, dialect: Dialect) -> String {
        render::render(self, dialect)
    }

    /// Whether the SQLite text rebuilds a table, which must run with
    /// `PRAGMA foreign_keys = OFF` set before the transaction starts (the text checks it).
    pub fn sqlite_needs_foreign_keys_off(&self) -> bool {
        !render::sqlite_rebuilds(self).is_empty()
    }

    /// One human-readable line per step.
    pub fn summary(&self) -> Vec<String> {
        self.steps.iter().map(Step::describe).collect()
    }

    /// A short file-name slug: `initial`, `add_company_tier`, `rename_person_job_title`,
    /// … `add_indexes` when it only creates indexes, or `changes` when it does several
    /// things.
    pub fn slug(&self) -> String {
        if self.initial && !self.changes.is_empty() {
            return "initial".to_owned();
        }
        let only_new_indexes = !self.steps.is_empty()
            && self
                .steps
                .iter()
                .all(|s| matches!(s, Step::CreateIndex { .. }));
        if self.changes.len() > 1 && only_new_indexes {
            return "add_indexes".to_owned();
        }
        let [change] = self.changes.as_slice() else {
            return "changes".to_owned();
        };
        let s = snake_case;
        match change {
            Change::CreateObject(o) => format!("create_{}", s(o)),
            Change::DropObject(o) => format!("drop_{}", s(o)),
            Change::RenameObject(o) => format!("rename_{}", s(o)),
            Change::AddField(o, f) => format!("add_{}_{}", s(o), s(f)),
            Change::DropField(o, f) => format!("drop_{}_{}", s(o), s(f)),
            Change::RenameField(o, f) => format!("rename_{}_{}", s(o), s(f)),
            Change::Options(o, f) => format!("change_{}_{}_options", s(o), s(f)),
            Change::AlterField(o, f) => format!("alter_{}_{}", s(o), s(f)),
            Change::Search(o) => format!("change_{}_search", s(o)),
        }
    }
}

/// `jobTitle` → `job_title`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_splits_camel_case_and_trims_underscores() {
        assert_eq!(snake_case("jobTitle"), "job_title");
        assert_eq!(snake_case("person"), "person");
        assert_eq!(snake_case("_pet"), "pet");
    }
}
