//! Migrations per workspace: applied and recorded on creation, idempotent on restart,
//! refused when an applied file's checksum changed, and `--no-migrate` with pending files.
use crate::both;
use crate::support::{Backend, TestDb};
use sqlx::AssertSqlSafe;
use twenty_server::store::{SqliteDb, WorkspaceDb, migrations};
use twenty_server::{Server, ServerError};
use uuid::Uuid;

fn embedded(backend: Backend) -> Vec<(String, String)> {
    let all = match backend {
        Backend::Sqlite => migrations::sqlite(),
        Backend::Postgres => migrations::postgres(),
    };
    all.iter()
        .map(|m| (m.name.to_owned(), m.checksum()))
        .collect()
}

/// Runs one statement on a workspace's data (qualified by hand on Postgres).
async fn exec(db: &WorkspaceDb, sqlite: &str, postgres: impl Fn(&str) -> String) {
    match db {
        WorkspaceDb::Sqlite(SqliteDb { pool, .. }) => {
            sqlx::raw_sql(AssertSqlSafe(sqlite.to_owned()))
                .execute(pool)
                .await
                .unwrap();
        }
        WorkspaceDb::Postgres { pool, schema, .. } => {
            sqlx::raw_sql(AssertSqlSafe(postgres(schema)))
                .execute(pool)
                .await
                .unwrap();
        }
    }
}

async fn count_people(db: &WorkspaceDb) -> i64 {
    match db {
        WorkspaceDb::Sqlite(SqliteDb { pool, .. }) => {
            sqlx::query_scalar(r#"SELECT count(*) FROM "person""#)
                .fetch_one(pool)
                .await
                .unwrap()
        }
        WorkspaceDb::Postgres { pool, schema, .. } => sqlx::query_scalar(AssertSqlSafe(format!(
            r#"SELECT count(*) FROM "{schema}"."person""#
        )))
        .fetch_one(pool)
        .await
        .unwrap(),
    }
}

async fn creating_a_workspace_applies_and_records_every_migration(backend: Backend) {
    let Some(db) = TestDb::new(backend, "wsmigrate").await else {
        return;
    };
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("Acme").await.unwrap();
    assert_eq!(
        store.applied_migrations(workspace.id).await.unwrap(),
        embedded(backend)
    );
    assert!(
        store
            .pending_migrations(workspace.id)
            .await
            .unwrap()
            .is_empty()
    );
    // The standard tables exist and are empty.
    assert_eq!(
        count_people(&store.workspace_db(workspace.id).await.unwrap()).await,
        0
    );
    // Migrating again applies nothing.
    assert!(
        store
            .migrate_workspace(workspace.id)
            .await
            .unwrap()
            .applied
            .is_empty()
    );
    store.close().await;
}
both!(creating_a_workspace_applies_and_records_every_migration);

async fn workspaces_are_isolated_in_their_own_file_or_schema(backend: Backend) {
    let Some(db) = TestDb::new(backend, "wsisolated").await else {
        return;
    };
    let store = db.store().await;
    let (a, _) = store.create_workspace("A").await.unwrap();
    let (b, _) = store.create_workspace("B").await.unwrap();
    let a_db = store.workspace_db(a.id).await.unwrap();
    exec(&a_db, r#"INSERT INTO "person" ("id") VALUES ('00000000-0000-4000-8000-000000000001')"#, |s| {
        format!(r#"INSERT INTO "{s}"."person" ("id") VALUES ('00000000-0000-4000-8000-000000000001')"#)
    })
    .await;
    assert_eq!(count_people(&a_db).await, 1);
    assert_eq!(
        count_people(&store.workspace_db(b.id).await.unwrap()).await,
        0
    );
    store.close().await;
}
both!(workspaces_are_isolated_in_their_own_file_or_schema);

async fn a_restart_keeps_the_store_and_creates_no_second_default(backend: Backend) {
    let Some(db) = TestDb::new(backend, "restart").await else {
        return;
    };
    let first = db.start().await;
    let (workspace, key) = first.first_workspace.clone().unwrap();
    first.state.store.close().await;
    first.stop().await.unwrap();
    let second = db.start().await;
    assert!(second.first_workspace.is_none());
    let workspaces = second.state.store.list_workspaces().await.unwrap();
    assert_eq!(workspaces, vec![workspace]);
    let hash = twenty_server::secret::hash_secret(&key.secret);
    assert!(
        second
            .state
            .store
            .api_key_by_hash(&hash)
            .await
            .unwrap()
            .is_some()
    );
    second.stop().await.unwrap();
}
both!(a_restart_keeps_the_store_and_creates_no_second_default);

async fn tamper(db: &TestDb, workspace: Uuid, sqlite: &str, postgres: impl Fn(&str) -> String) {
    let store = db.store().await;
    exec(
        &store.workspace_db(workspace).await.unwrap(),
        sqlite,
        postgres,
    )
    .await;
    store.close().await;
}

async fn an_edited_applied_migration_stops_start_up(backend: Backend) {
    let Some(db) = TestDb::new(backend, "checksum").await else {
        return;
    };
    let server = db.start().await;
    let (workspace, _) = server.first_workspace.clone().unwrap();
    server.state.store.close().await;
    server.stop().await.unwrap();
    tamper(
        &db,
        workspace.id,
        r#"UPDATE "_twenty_migrations" SET "sha256" = 'x'"#,
        |s| format!(r#"UPDATE "{s}"."_twenty_migrations" SET "sha256" = 'x'"#),
    )
    .await;
    let err = Server::start(&db.config()).await.unwrap_err().to_string();
    assert!(
        err.contains("different checksum") && err.contains(&workspace.id.to_string()),
        "{err}"
    );
}
both!(an_edited_applied_migration_stops_start_up);

async fn no_migrate_refuses_pending_migrations_and_points_to_migrate(backend: Backend) {
    let Some(db) = TestDb::new(backend, "nomigrate").await else {
        return;
    };
    let server = db.start().await;
    let (workspace, _) = server.first_workspace.clone().unwrap();
    server.state.store.close().await;
    server.stop().await.unwrap();
    let mut config = db.config();
    config.no_migrate = true;
    // Up to date: starts.
    Server::start(&config).await.unwrap().stop().await.unwrap();
    tamper(
        &db,
        workspace.id,
        r#"DELETE FROM "_twenty_migrations""#,
        |s| format!(r#"DELETE FROM "{s}"."_twenty_migrations""#),
    )
    .await;
    let err = Server::start(&config).await.unwrap_err();
    assert!(matches!(err, ServerError::Pending { .. }), "{err}");
    assert!(err.to_string().contains("twenty-server migrate"), "{err}");
}
both!(no_migrate_refuses_pending_migrations_and_points_to_migrate);

#[tokio::test]
async fn sqlite_workspace_files_use_wal_and_foreign_keys() {
    let Some(db) = TestDb::new(Backend::Sqlite, "pragmas").await else {
        return;
    };
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("A").await.unwrap();
    let WorkspaceDb::Sqlite(SqliteDb { pool, .. }) =
        store.workspace_db(workspace.id).await.unwrap()
    else {
        panic!("a SQLite store gives SQLite workspaces")
    };
    let mut conn = pool.acquire().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
    let twenty_server::Database::Sqlite { data_dir } = &db.database else {
        unreachable!()
    };
    assert!(
        data_dir
            .join("workspaces")
            .join(format!("{}.sqlite", workspace.id))
            .exists()
    );
    assert!(data_dir.join("core.sqlite").exists());
}
