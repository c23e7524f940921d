//! The checked-in migrations of the standard set, applied in order to real SQLite and
//! Postgres databases, give the same schema as generating the current model from scratch.

#[path = "../../codegen/tests/support/mod.rs"]
mod support;

use support::{Db, fresh_postgres, fresh_sqlite, scenarios::assert_same_shape};
use twenty_codegen::emit::sql::{Dialect, create_schema};

/// Every migration file of `dialect`, in order.
fn migrations(dialect: Dialect) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(match dialect {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        });
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the migrations directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("a migration file"))
        })
        .collect()
}

/// Sets a SQLite pragma outside any transaction (foreign_keys cannot change inside one).
async fn sqlite_pragma(db: &mut Db, pragma: &str) {
    if let Db::Sqlite(sqlite) = db {
        sqlx::raw_sql(sqlx::AssertSqlSafe(pragma.to_owned()))
            .execute(&mut sqlite.conn)
            .await
            .expect("set the pragma");
    }
}

async fn apply_all(db: &mut Db) {
    for (name, sql) in migrations(db.dialect()) {
        let foreign_keys_off = sql.contains("apply with PRAGMA foreign_keys = OFF");
        if foreign_keys_off {
            sqlite_pragma(db, "PRAGMA foreign_keys = OFF").await;
        }
        if let Err(e) = db.exec(&sql).await {
            panic!("migration {name} failed: {e}");
        }
        if foreign_keys_off {
            sqlite_pragma(db, "PRAGMA foreign_keys = ON").await;
        }
    }
}

async fn migrations_equal_a_fresh_install(mut migrated: Db, mut fresh: Db) {
    apply_all(&mut migrated).await;
    let schema = twenty_standard_objects::schema();
    fresh
        .exec(&create_schema(&schema, fresh.dialect()))
        .await
        .expect("the fresh install applies");
    assert_same_shape(&migrated.shape().await, &fresh.shape().await);

    // The migrated database takes records, its foreign keys and its search work.
    migrated
        .exec(
            r#"INSERT INTO "company" ("id", "name", "domainNamePrimaryLinkUrl") VALUES ('6a2f3c2e-0000-4000-8000-000000000001', 'Acme Rockets', 'acme.example');
               INSERT INTO "person" ("id", "nameFirstName", "nameLastName", "companyId") VALUES ('6a2f3c2e-0000-4000-8000-000000000002', 'Ada', 'Lovelace', '6a2f3c2e-0000-4000-8000-000000000001');"#,
        )
        .await
        .expect("insert a company and a person");
    let found = migrated.search("company", "rockets").await;
    assert_eq!(found.len(), 1, "search finds the company");
    let orphan = migrated
        .exec(r#"INSERT INTO "person" ("id", "companyId") VALUES ('6a2f3c2e-0000-4000-8000-000000000003', '6a2f3c2e-0000-4000-8000-0000000000ff')"#)
        .await;
    assert!(
        orphan.is_err(),
        "a person cannot point at a missing company"
    );
}

#[tokio::test]
async fn sqlite_migrations_in_order_equal_a_fresh_install() {
    migrations_equal_a_fresh_install(fresh_sqlite().await, fresh_sqlite().await).await;
}

#[tokio::test]
async fn postgres_migrations_in_order_equal_a_fresh_install() {
    let Some(migrated) = fresh_postgres("std_migrated").await else {
        return;
    };
    let Some(fresh) = fresh_postgres("std_fresh").await else {
        return;
    };
    migrations_equal_a_fresh_install(migrated, fresh).await;
}
