//! Workspaces (the core table `workspace`): creating and listing them, on both backends.
use super::api_keys::NewApiKey;
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Scope, Store, StoreError, now_ms, parse_id};
use serde::Serialize;
use uuid::Uuid;

/// A workspace (a tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Its id.
    pub id: Uuid,
    /// Its display name.
    pub name: String,
    /// Creation time, Unix milliseconds.
    #[serde(serialize_with = "super::instant::serialize")]
    pub created_at: i64,
}

/// A `workspace` row as both backends read it: id, display name, creation time.
pub(crate) type WorkspaceRow = (String, String, i64);

impl Workspace {
    /// The workspace of a row.
    pub(crate) fn from_row((id, name, created_at): WorkspaceRow) -> Result<Self, StoreError> {
        Ok(Workspace {
            id: parse_id(&id)?,
            name,
            created_at,
        })
    }
}

impl Store {
    /// Creates a workspace with all migrations applied, its metadata seeded from the
    /// standard model, and a first read-write key.
    pub async fn create_workspace(&self, name: &str) -> Result<(Workspace, NewApiKey), StoreError> {
        let workspace = Workspace {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at: now_ms(),
        };
        self.migrate_workspace(workspace.id).await?;
        dispatch!(self, s => s.insert_workspace(&workspace).await)?;
        self.seed_metadata(workspace.id).await?;
        let key = self
            .create_api_key(workspace.id, "Default key", Scope::Admin, None)
            .await?;
        Ok((workspace, key))
    }

    /// Every workspace, oldest first.
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        dispatch!(self, s => s.list_workspaces().await)
    }

    /// One workspace (one row read, not the list: start-up asks it per workspace, and
    /// `currentWorkspace` per request).
    pub async fn workspace(&self, id: Uuid) -> Result<Option<Workspace>, StoreError> {
        dispatch!(self, s => s.workspace(id).await)
    }
}

impl SqliteStore {
    pub(super) async fn insert_workspace(&self, w: &Workspace) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "workspace" ("id", "displayName", "createdAt") VALUES (?, ?, ?)"#,
        )
        .bind(w.id.to_string())
        .bind(&w.name)
        .bind(w.created_at)
        .execute(&self.core)
        .await?;
        Ok(())
    }

    pub(super) async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "workspace" ORDER BY "createdAt", "id""#,
        )
        .fetch_all(&self.core)
        .await?;
        rows.into_iter().map(Workspace::from_row).collect()
    }

    pub(super) async fn workspace(&self, id: Uuid) -> Result<Option<Workspace>, StoreError> {
        let row: Option<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "workspace" WHERE "id" = ?"#,
        )
        .bind(id.to_string())
        .fetch_optional(&self.core)
        .await?;
        row.map(Workspace::from_row).transpose()
    }
}

impl PgStore {
    pub(super) async fn insert_workspace(&self, w: &Workspace) -> Result<(), StoreError> {
        sqlx::query(r#"INSERT INTO "core"."workspace" ("id", "displayName", "createdAt") VALUES ($1, $2, $3)"#)
            .bind(w.id.to_string())
            .bind(&w.name)
            .bind(w.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "core"."workspace" ORDER BY "createdAt", "id""#,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Workspace::from_row).collect()
    }

    pub(super) async fn workspace(&self, id: Uuid) -> Result<Option<Workspace>, StoreError> {
        let row: Option<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "core"."workspace" WHERE "id" = $1"#,
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(Workspace::from_row).transpose()
    }
}
