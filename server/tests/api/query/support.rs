//! Test databases for the query engine: the standard set created on a fresh SQLite file or
//! in a dedicated schema of a fresh Postgres database, plus seeding with SQL literals.

use crate::support::{PgDb, fresh_postgres};
use sqlx::{AssertSqlSafe, postgres::PgPoolOptions, sqlite::SqlitePoolOptions};
use twenty_codegen::emit::sql::{Dialect, create_schema};
use twenty_codegen::model::Schema;
use twenty_server::query::Target;
use twenty_server::store::events;

/// The Postgres schema the workspace tables live in (queries must qualify it).
pub const PG_SCHEMA: &str = "workspace_1";

pub fn schema() -> Schema {
    twenty_standard_objects::schema()
}

pub enum Db {
    Postgres {
        pool: sqlx::PgPool,
        /// The schema holding the tables ([`PG_SCHEMA`], or a server workspace's).
        schema: String,
        /// Dropped after the pool: drops the database (none for a server's workspace).
        _db: Option<PgDb>,
    },
    Sqlite {
        db: twenty_server::SqliteDb,
        _dir: Option<tempfile::TempDir>,
    },
}

impl Db {
    /// A running server's workspace, to seed the same fixtures through SQL.
    pub fn of_workspace(db: twenty_server::WorkspaceDb) -> Db {
        match db {
            twenty_server::WorkspaceDb::Postgres { pool, schema, .. } => Db::Postgres {
                pool,
                schema,
                _db: None,
            },
            twenty_server::WorkspaceDb::Sqlite(db) => Db::Sqlite { db, _dir: None },
        }
    }
}

/// A fresh SQLite file holding the standard set.
pub async fn sqlite() -> Db {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("workspace.sqlite"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("open the SQLite file");
    let ddl = format!(
        "{};\n{}",
        create_schema(&schema(), Dialect::Sqlite),
        events::create_table_sql(Dialect::Sqlite, "")
    );
    sqlx::raw_sql(AssertSqlSafe(ddl))
        .execute(&pool)
        .await
        .expect("create the standard set on SQLite");
    Db::Sqlite {
        db: twenty_server::SqliteDb::new(pool),
        _dir: Some(dir),
    }
}

/// A fresh Postgres database with the standard set in [`PG_SCHEMA`], or `None` (after
/// printing why) when Postgres is unreachable outside CI; in CI that fails the test.
pub async fn postgres(test: &str) -> Option<Db> {
    let db = fresh_postgres(test).await?;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&db.url)
        .await
        .expect("connect to the test database");
    let ddl = format!(
        "CREATE SCHEMA \"{PG_SCHEMA}\"; SET LOCAL search_path TO \"{PG_SCHEMA}\";\n{};\n{}",
        create_schema(&schema(), Dialect::Postgres),
        events::create_table_sql(Dialect::Postgres, PG_SCHEMA)
    );
    let mut tx = pool.begin().await.expect("begin");
    sqlx::raw_sql(AssertSqlSafe(ddl))
        .execute(&mut *tx)
        .await
        .expect("create the standard set on Postgres");
    tx.commit().await.expect("commit the schema");
    Some(Db::Postgres {
        pool,
        schema: PG_SCHEMA.to_owned(),
        _db: Some(db),
    })
}

/// A literal value for seeding.
#[derive(Debug, Clone)]
pub enum Lit {
    Null,
    Text(String),
    Num(f64),
    Bool(bool),
    Uuid(String),
    Time(String),
    List(Vec<String>),
}

pub fn t(s: &str) -> Lit {
    Lit::Text(s.to_owned())
}

impl Db {
    pub fn target(&self) -> Target<'_> {
        match self {
            Db::Postgres { pool, schema, .. } => Target::Postgres {
                pool,
                writes: pool,
                schema,
            },
            Db::Sqlite { db, .. } => Target::Sqlite { db },
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.target().dialect()
    }

    fn lit(&self, value: &Lit) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let pg = self.dialect() == Dialect::Postgres;
        match value {
            Lit::Null => "NULL".to_owned(),
            Lit::Text(s) => q(s),
            Lit::Num(n) => n.to_string(),
            Lit::Bool(b) if pg => b.to_string(),
            Lit::Bool(b) => u8::from(*b).to_string(),
            Lit::Uuid(s) if pg => format!("{}::uuid", q(s)),
            Lit::Time(s) if pg => format!("{}::timestamptz", q(s)),
            Lit::Uuid(s) | Lit::Time(s) => q(s),
            Lit::List(items) if pg => {
                let items: Vec<String> = items.iter().map(|i| q(i)).collect();
                format!("ARRAY[{}]::text[]", items.join(", "))
            }
            Lit::List(items) => q(&serde_json::to_string(items).unwrap_or_default()),
        }
    }

    /// Inserts one row.
    pub async fn insert(&self, table: &str, values: &[(&str, Lit)]) {
        let columns: Vec<String> = values.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let literals: Vec<String> = values.iter().map(|(_, v)| self.lit(v)).collect();
        let table = match self {
            Db::Postgres { schema, .. } => format!("\"{schema}\".\"{table}\""),
            Db::Sqlite { .. } => format!("\"{table}\""),
        };
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            literals.join(", ")
        );
        self.exec(&sql).await;
    }

    pub async fn exec(&self, sql: &str) {
        let text = AssertSqlSafe(sql.to_owned());
        match self {
            Db::Postgres { pool, .. } => sqlx::raw_sql(text).execute(pool).await.map(|_| ()),
            Db::Sqlite { db, .. } => sqlx::raw_sql(text).execute(&db.pool).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// Runs a test body on SQLite and, when reachable, on Postgres.
#[macro_export]
macro_rules! query_on_both {
    ($body:path, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $body($crate::query::support::sqlite().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(db) = $crate::query::support::postgres(stringify!($postgres)).await {
                $body(db).await;
            }
        }
    };
}
