//! Settings of a server process (database, listen address, data dir) resolved from flags
//! and environment, each validated with an error naming the setting. No I/O beyond env.
use crate::graphql::Limits;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// Embedded SQLite under a directory: `core.sqlite` and `workspaces/<id>.sqlite`.
    Sqlite { data_dir: PathBuf },
    /// A Postgres server: core tables in schema `core`, one schema per workspace;
    /// `pool_size` connections at most.
    Postgres { url: String, pool_size: u32 },
}

/// A validated server configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The storage backend.
    pub database: Database,
    /// The address `serve` listens on.
    pub listen: SocketAddr,
    /// When true, `serve` refuses to start with pending migrations instead of applying them.
    pub no_migrate: bool,
    /// The limits of a GraphQL operation.
    pub graphql: Limits,
}

/// A setting that cannot be used; the message names it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// An unparsable listen address.
    #[error(
        "invalid TWENTY_LISTEN (--listen) {value:?}: expected HOST:PORT such as 127.0.0.1:3000 ({reason})"
    )]
    Listen { value: String, reason: String },
    /// A database URL that is not a Postgres URL.
    #[error(
        "invalid {name} {value:?}: expected a postgres:// or postgresql:// URL (or leave it unset for the embedded SQLite store)"
    )]
    DatabaseUrl { name: &'static str, value: String },
    /// An empty data directory.
    #[error("invalid TWENTY_DATA_DIR (--data-dir): it must not be empty")]
    DataDir,
    /// A GraphQL limit that is not a positive integer.
    #[error("invalid {name} {value:?}: expected a whole number from 1 to 100000")]
    GraphqlLimit { name: &'static str, value: String },
    /// A Postgres pool size that is not a whole number from 1 to 1000.
    #[error("invalid TWENTY_PG_POOL_SIZE {value:?}: expected a whole number from 1 to 1000")]
    PgPoolSize { value: String },
}

/// The raw settings as given by flags or environment, before validation.
#[derive(Debug, Clone, Default)]
pub struct RawSettings {
    /// `--database-url` / `DATABASE_URL`.
    pub database_url: Option<String>,
    /// `PG_DATABASE_URL`, Twenty's name, used when `DATABASE_URL` is absent.
    pub pg_database_url: Option<String>,
    /// `--listen` / `TWENTY_LISTEN`.
    pub listen: Option<String>,
    /// `--data-dir` / `TWENTY_DATA_DIR`.
    pub data_dir: Option<String>,
    /// `--no-migrate`.
    pub no_migrate: bool,
    /// `TWENTY_GRAPHQL_MAX_DEPTH`, `_MAX_FIELDS`, `_MAX_ROOT_FIELDS`, `_MAX_ALIASES`.
    pub graphql_max_depth: Option<String>,
    pub graphql_max_fields: Option<String>,
    pub graphql_max_root_fields: Option<String>,
    pub graphql_max_aliases: Option<String>,
    /// `TWENTY_PG_POOL_SIZE`: the Postgres pool's connections (default: see
    /// [`crate::store::pg_pool_size`]).
    pub pg_pool_size: Option<String>,
}

/// A limit setting: unset keeps `default`; otherwise 1 to 100000.
fn limit(name: &'static str, value: Option<String>, default: usize) -> Result<usize, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(ConfigError::GraphqlLimit { name, value }),
    }
}

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// The default embedded data directory.
pub const DEFAULT_DATA_DIR: &str = "./.twenty";

impl RawSettings {
    /// Validates the settings into a [`Config`].
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let listen_text = self.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text
            .parse::<SocketAddr>()
            .map_err(|e| ConfigError::Listen {
                value: listen_text.clone(),
                reason: e.to_string(),
            })?;
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let url = match non_empty(self.database_url) {
            Some(url) => Some(("DATABASE_URL", url)),
            None => non_empty(self.pg_database_url).map(|url| ("PG_DATABASE_URL", url)),
        };
        // Checked also when unused (on SQLite): a bad value is an error wherever it is set.
        let pool_size = match non_empty(self.pg_pool_size) {
            None => crate::store::pg_pool_size(),
            Some(value) => match value.trim().parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => return Err(ConfigError::PgPoolSize { value }),
            },
        };
        let database = match url {
            Some((name, url)) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(ConfigError::DatabaseUrl { name, value: url });
                }
                Database::Postgres { url, pool_size }
            }
            None => {
                let dir = self.data_dir.unwrap_or_else(|| DEFAULT_DATA_DIR.to_owned());
                if dir.trim().is_empty() {
                    return Err(ConfigError::DataDir);
                }
                Database::Sqlite {
                    data_dir: PathBuf::from(dir),
                }
            }
        };
        let defaults = Limits::default();
        let graphql = Limits {
            max_depth: limit(
                "TWENTY_GRAPHQL_MAX_DEPTH",
                self.graphql_max_depth,
                defaults.max_depth,
            )?,
            max_fields: limit(
                "TWENTY_GRAPHQL_MAX_FIELDS",
                self.graphql_max_fields,
                defaults.max_fields,
            )?,
            max_root_fields: limit(
                "TWENTY_GRAPHQL_MAX_ROOT_FIELDS",
                self.graphql_max_root_fields,
                defaults.max_root_fields,
            )?,
            max_aliases: limit(
                "TWENTY_GRAPHQL_MAX_ALIASES",
                self.graphql_max_aliases,
                defaults.max_aliases,
            )?,
        };
        Ok(Config {
            database,
            listen,
            no_migrate: self.no_migrate,
            graphql,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite_under_dot_twenty_on_port_3000() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(
            config.database,
            Database::Sqlite {
                data_dir: PathBuf::from("./.twenty")
            }
        );
    }

    #[test]
    fn pg_database_url_is_used_when_database_url_is_absent() {
        let raw = RawSettings {
            pg_database_url: Some("postgres://u@h/db".into()),
            ..Default::default()
        };
        assert_eq!(
            raw.resolve().unwrap().database,
            Database::Postgres {
                url: "postgres://u@h/db".into(),
                pool_size: crate::store::pg_pool_size(),
            }
        );
    }

    #[test]
    fn the_postgres_pool_size_defaults_to_the_cores_and_is_validated() {
        let url = Some("postgres://u@h/db".to_owned());
        let raw = RawSettings {
            database_url: url.clone(),
            pg_pool_size: Some("25".into()),
            ..Default::default()
        };
        assert_eq!(
            raw.resolve().unwrap().database,
            Database::Postgres {
                url: "postgres://u@h/db".into(),
                pool_size: 25,
            }
        );
        for bad in ["0", "1001", "ten", "-3"] {
            let raw = RawSettings {
                database_url: url.clone(),
                pg_pool_size: Some(bad.into()),
                ..Default::default()
            };
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains("TWENTY_PG_POOL_SIZE"), "{message}");
            assert!(message.contains(bad), "{message}");
        }
        assert!(crate::store::pg_pool_size() >= 4);
    }

    #[test]
    fn a_bad_listen_address_names_the_setting() {
        let raw = RawSettings {
            listen: Some("localhost".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(message.contains("TWENTY_LISTEN"), "{message}");
    }

    #[test]
    fn graphql_limits_default_and_are_validated() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.graphql, Limits::default());
        let raw = RawSettings {
            graphql_max_depth: Some("8".into()),
            ..Default::default()
        };
        assert_eq!(raw.resolve().unwrap().graphql.max_depth, 8);
        let raw = RawSettings {
            graphql_max_aliases: Some("0".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(
            message.starts_with("invalid TWENTY_GRAPHQL_MAX_ALIASES \"0\""),
            "{message}"
        );
    }

    #[test]
    fn a_non_postgres_url_names_the_setting() {
        let raw = RawSettings {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(message.starts_with("invalid DATABASE_URL"), "{message}");
    }
}
