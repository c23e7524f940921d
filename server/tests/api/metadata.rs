//! Each workspace's model as rows of the store: a new workspace is seeded from the compiled
//! standard model (same ids) and reads back as exactly that model; an existing workspace
//! without rows gets them from `migrate`; seeding twice changes nothing.
use crate::both;
use crate::support::{Backend, TestDb};
use sqlx::{AssertSqlSafe, Connection};
use twenty_server::config::Database;

async fn a_new_workspace_reads_back_the_standard_model(backend: Backend) {
    let Some(db) = TestDb::new(backend, "metaseed").await else {
        return;
    };
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("Acme").await.expect("a workspace");
    let (version, model) = store
        .workspace_model(workspace.id)
        .await
        .expect("its model");
    assert_eq!(version, 0);
    assert_eq!(model, twenty_standard_objects::schema());
    // Seeding again (as every start does) adds nothing and changes nothing.
    store.seed_metadata(workspace.id).await.expect("seeds");
    let (_, again) = store
        .workspace_model(workspace.id)
        .await
        .expect("its model");
    assert_eq!(again, model);
    store.close().await;
}
both!(a_new_workspace_reads_back_the_standard_model);

/// Runs `sql` where the metadata tables are: the workspace's file on SQLite, the core
/// schema on Postgres.
async fn core_sql(db: &TestDb, workspace: uuid::Uuid, sqlite: &str, postgres: &str) {
    match &db.config().database {
        Database::Sqlite { data_dir } => {
            let url = format!(
                "sqlite://{}",
                data_dir
                    .join("workspaces")
                    .join(format!("{workspace}.sqlite"))
                    .display()
            );
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("the workspace file");
            sqlx::raw_sql(AssertSqlSafe(sqlite.to_owned()))
                .execute(&mut conn)
                .await
                .expect("runs");
        }
        Database::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("Postgres");
            sqlx::raw_sql(AssertSqlSafe(postgres.to_owned()))
                .execute(&mut conn)
                .await
                .expect("runs");
        }
    }
}

async fn migrate_gives_an_existing_workspace_the_rows_it_lacks(backend: Backend) {
    let Some(db) = TestDb::new(backend, "metamigrate").await else {
        return;
    };
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("Old").await.expect("a workspace");
    store.close().await;
    // As if made before metadata was stored: no rows at all, or some missing.
    core_sql(
        &db,
        workspace.id,
        r#"DELETE FROM "fieldMetadata"; DELETE FROM "objectMetadata"; DELETE FROM "metadataVersion";"#,
        r#"DELETE FROM "core"."fieldMetadata"; DELETE FROM "core"."objectMetadata"; DELETE FROM "core"."metadataVersion";"#,
    )
    .await;
    let store = db.store().await;
    let (_, empty) = store.workspace_model(workspace.id).await.expect("no rows");
    assert!(empty.objects.is_empty());
    store
        .migrate_workspace(workspace.id)
        .await
        .expect("migrates");
    let (version, model) = store.workspace_model(workspace.id).await.expect("rows");
    assert_eq!((version, model), (0, twenty_standard_objects::schema()));

    let person = twenty_standard_objects::schema()
        .object("person")
        .expect("person")
        .field("avatarUrl")
        .expect("avatarUrl")
        .id;
    core_sql(
        &db,
        workspace.id,
        &format!(r#"DELETE FROM "fieldMetadata" WHERE "id" = '{person}'"#),
        &format!(r#"DELETE FROM "core"."fieldMetadata" WHERE "id" = '{person}'"#),
    )
    .await;
    let (_, without) = store.workspace_model(workspace.id).await.expect("rows");
    assert!(
        without
            .object("person")
            .unwrap()
            .field("avatarUrl")
            .is_none()
    );
    store
        .migrate_workspace(workspace.id)
        .await
        .expect("migrates");
    let (_, model) = store.workspace_model(workspace.id).await.expect("rows");
    assert_eq!(model, twenty_standard_objects::schema());
    store.close().await;
}
both!(migrate_gives_an_existing_workspace_the_rows_it_lacks);
