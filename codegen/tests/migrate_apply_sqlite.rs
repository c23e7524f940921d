//! The DDL and every kind of migration, applied to real SQLite files.

mod support;

use support::{fresh_sqlite, scenarios};

macro_rules! scenario {
    ($name:ident, one) => {
        #[tokio::test]
        async fn $name() {
            scenarios::$name(fresh_sqlite().await).await;
        }
    };
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            scenarios::$name(fresh_sqlite().await, fresh_sqlite().await).await;
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
