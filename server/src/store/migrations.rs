//! The migration files embedded at build time (see build.rs), their checksums, and the
//! decision of what is pending for a workspace. Applying them is the backends' job.
use super::StoreError;
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// One checked-in migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// File name, e.g. `0001_initial.sql`; the order key.
    pub name: &'static str,
    /// The file's text.
    pub sql: &'static str,
}

impl Migration {
    /// Hex sha256 of the text, recorded when applied.
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }

    /// Whether the file's header asks for `PRAGMA foreign_keys = OFF` (SQLite table rebuilds).
    pub fn needs_foreign_keys_off(&self) -> bool {
        self.sql
            .lines()
            .take_while(|line| line.starts_with("--"))
            .any(|line| line.contains("PRAGMA foreign_keys = OFF"))
    }
}

fn list(files: &'static [(&'static str, &'static str)]) -> Vec<Migration> {
    files
        .iter()
        .map(|&(name, sql)| Migration { name, sql })
        .collect()
}

/// The Postgres migrations, in order.
pub fn postgres() -> Vec<Migration> {
    list(embedded::POSTGRES)
}

/// The SQLite migrations, in order.
pub fn sqlite() -> Vec<Migration> {
    list(embedded::SQLITE)
}

/// The migrations of `all` not yet in `applied` (name, checksum); an applied file whose
/// checksum changed, or that this binary does not know, is an error.
pub fn pending(
    workspace: &str,
    all: &[Migration],
    applied: &[(String, String)],
) -> Result<Vec<Migration>, StoreError> {
    for (name, checksum) in applied {
        match all.iter().find(|m| m.name == name) {
            Some(m) if &m.checksum() == checksum => {}
            Some(_) => {
                return Err(StoreError::ChecksumMismatch {
                    workspace: workspace.to_owned(),
                    migration: name.clone(),
                });
            }
            None => {
                return Err(StoreError::UnknownMigration {
                    workspace: workspace.to_owned(),
                    migration: name.clone(),
                });
            }
        }
    }
    Ok(all
        .iter()
        .filter(|m| !applied.iter().any(|(name, _)| name == m.name))
        .copied()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_embed_the_same_file_names_in_order() {
        let pg: Vec<_> = postgres().iter().map(|m| m.name).collect();
        let lite: Vec<_> = sqlite().iter().map(|m| m.name).collect();
        assert!(!pg.is_empty());
        assert_eq!(pg, lite);
        let mut sorted = pg.clone();
        sorted.sort();
        assert_eq!(pg, sorted);
    }

    #[test]
    fn a_changed_checksum_is_refused() {
        let all = sqlite();
        let applied = vec![(all[0].name.to_owned(), "0".repeat(64))];
        let err = pending("w", &all, &applied).unwrap_err();
        assert!(matches!(err, StoreError::ChecksumMismatch { .. }), "{err}");
    }

    #[test]
    fn applied_files_are_not_pending() {
        let all = sqlite();
        let applied = vec![(all[0].name.to_owned(), all[0].checksum())];
        assert_eq!(pending("w", &all, &applied).unwrap(), all[1..].to_vec());
        assert_eq!(pending("w", &all, &[]).unwrap(), all);
    }

    #[test]
    fn the_rebuild_header_asks_for_foreign_keys_off() {
        let rebuild = Migration {
            name: "0002_x.sql",
            sql: "-- Generated\n-- Rebuilds tables: run with PRAGMA foreign_keys = OFF (set before BEGIN), then PRAGMA foreign_key_check.\nCREATE TABLE x (a INT);\n",
        };
        assert!(rebuild.needs_foreign_keys_off());
        assert!(!sqlite()[0].needs_foreign_keys_off());
    }
}
