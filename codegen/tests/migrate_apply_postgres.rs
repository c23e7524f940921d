//! The DDL and every kind of migration, applied to real Postgres databases (a fresh
//! database per test, dropped afterwards; skipped with a message when Postgres is down).

mod support;

use support::{fresh_postgres, scenarios};

macro_rules! scenario {
    ($name:ident, one) => {
        #[tokio::test]
        async fn $name() {
            let Some(db) = fresh_postgres(stringify!($name)).await else {
                return;
            };
            scenarios::$name(db).await;
        }
    };
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            let (Some(db), Some(fresh)) = (
                fresh_postgres(stringify!($name)).await,
                fresh_postgres(stringify!($name)).await,
            ) else {
                return;
            };
            scenarios::$name(db, fresh).await;
        }
    };
}

scenario!(fixture_ddl, one);
scenario!(add_fields);
scenario!(required_field_without_default);
scenario!(rename_fields);
scenario!(rename_object);
scenario!(alter_columns);
scenario!(rename_options);
scenario!(remove_options);
scenario!(change_indexes);
scenario!(drop_fields);
scenario!(drop_object);
scenario!(add_object);
scenario!(cascade);
scenario!(history);
