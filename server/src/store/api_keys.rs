//! API keys (the core table `apiKey`): creating, listing, looking up by secret hash,
//! revoking and recording use, on both backends. Only a key's hash is stored.
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Store, StoreError, now_ms, parse_id};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// Keys revoked through any store of this process so far. Caches of verified keys note it
/// when they fetch a key and refetch once it moved, so a revocation made here takes effect
/// at once (one made by another process waits for the cache entry to expire).
static REVOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The count of keys revoked through this process's stores (see [`REVOCATIONS`]).
pub fn revocations() -> u64 {
    REVOCATIONS.load(Ordering::Acquire)
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Reads only.
    ReadOnly,
    /// Reads and writes records.
    ReadWrite,
    /// Reads and writes records, and changes the workspace's model (the metadata API).
    Admin,
}

impl Scope {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadOnly => "read_only",
            Scope::ReadWrite => "read_write",
            Scope::Admin => "admin",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "read_only" => Ok(Scope::ReadOnly),
            "read_write" => Ok(Scope::ReadWrite),
            "admin" => Ok(Scope::Admin),
            other => Err(StoreError::Corrupt(format!(
                "unknown API key scope {other:?}"
            ))),
        }
    }
}

/// An API key's stored record (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Its id.
    pub id: Uuid,
    /// The workspace it opens.
    pub workspace_id: Uuid,
    /// A human name (also the `createdBy` name of what it writes).
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// Expiry, Unix milliseconds.
    #[serde(serialize_with = "super::instant::option")]
    pub expires_at: Option<i64>,
    /// Revocation time, Unix milliseconds.
    #[serde(serialize_with = "super::instant::option")]
    pub revoked_at: Option<i64>,
    /// Last successful use, Unix milliseconds.
    #[serde(serialize_with = "super::instant::option")]
    pub last_used_at: Option<i64>,
    /// Creation time, Unix milliseconds.
    #[serde(serialize_with = "super::instant::serialize")]
    pub created_at: i64,
}

/// The columns of `apiKey` in the order every backend selects them.
pub(crate) const KEY_COLUMNS: &str =
    r#""id", "workspaceId", "name", "scope", "expiresAt", "revokedAt", "lastUsedAt", "createdAt""#;

pub(crate) type KeyRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

impl ApiKey {
    pub(crate) fn from_row(row: KeyRow) -> Result<Self, StoreError> {
        let (id, workspace_id, name, scope, expires_at, revoked_at, last_used_at, created_at) = row;
        Ok(ApiKey {
            id: parse_id(&id)?,
            workspace_id: parse_id(&workspace_id)?,
            name,
            scope: Scope::parse(&scope)?,
            expires_at,
            revoked_at,
            last_used_at,
            created_at,
        })
    }
}

/// A key just created: its record and its secret, which is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct NewApiKey {
    /// The stored record.
    #[serde(flatten)]
    pub key: ApiKey,
    /// The bearer secret.
    pub secret: String,
}

impl Store {
    /// Creates an API key; the secret is returned once, only its hash is stored.
    pub async fn create_api_key(
        &self,
        workspace_id: Uuid,
        name: &str,
        scope: Scope,
        expires_at: Option<i64>,
    ) -> Result<NewApiKey, StoreError> {
        let secret =
            crate::secret::generate_secret().map_err(|e| StoreError::Random(e.to_string()))?;
        let key = ApiKey {
            id: Uuid::new_v4(),
            workspace_id,
            name: name.to_owned(),
            scope,
            expires_at,
            revoked_at: None,
            last_used_at: None,
            created_at: now_ms(),
        };
        let hash = crate::secret::hash_secret(&secret);
        dispatch!(self, s => s.insert_api_key(&key, &hash).await)?;
        Ok(NewApiKey { key, secret })
    }

    /// API keys, of one workspace or all, oldest first.
    pub async fn list_api_keys(&self, workspace: Option<Uuid>) -> Result<Vec<ApiKey>, StoreError> {
        dispatch!(self, s => s.list_api_keys(workspace).await)
    }

    /// Revokes a key; false when no unrevoked key has this id.
    pub async fn revoke_api_key(&self, id: Uuid) -> Result<bool, StoreError> {
        let revoked = dispatch!(self, s => s.revoke_api_key(id, now_ms()).await)?;
        if revoked {
            REVOCATIONS.fetch_add(1, Ordering::AcqRel);
        }
        Ok(revoked)
    }

    /// The key whose secret hashes to `hash`.
    pub async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        dispatch!(self, s => s.api_key_by_hash(hash).await)
    }

    /// Records a successful use of a key.
    pub async fn touch_api_key(&self, id: Uuid) -> Result<(), StoreError> {
        dispatch!(self, s => s.touch_api_key(id, now_ms()).await)
    }
}

impl SqliteStore {
    pub(super) async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "apiKey" ("id", "workspaceId", "name", "keyHash", "scope", "expiresAt", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        )
        .bind(key.id.to_string())
        .bind(key.workspace_id.to_string())
        .bind(&key.name)
        .bind(hash)
        .bind(key.scope.as_str())
        .bind(key.expires_at)
        .bind(key.created_at)
        .execute(&self.core)
        .await?;
        Ok(())
    }

    pub(super) async fn list_api_keys(
        &self,
        workspace: Option<Uuid>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            r#"SELECT {KEY_COLUMNS} FROM "apiKey" WHERE ? IS NULL OR "workspaceId" = ? ORDER BY "createdAt", "id""#
        );
        let ws = workspace.map(|w| w.to_string());
        let rows: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(ws.clone())
            .bind(ws)
            .fetch_all(&self.core)
            .await?;
        rows.into_iter().map(ApiKey::from_row).collect()
    }

    pub(super) async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!(r#"SELECT {KEY_COLUMNS} FROM "apiKey" WHERE "keyHash" = ?"#);
        let row: Option<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(&self.core)
            .await?;
        row.map(ApiKey::from_row).transpose()
    }

    pub(super) async fn revoke_api_key(&self, id: Uuid, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            r#"UPDATE "apiKey" SET "revokedAt" = ? WHERE "id" = ? AND "revokedAt" IS NULL"#,
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.core)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn touch_api_key(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        sqlx::query(r#"UPDATE "apiKey" SET "lastUsedAt" = ? WHERE "id" = ?"#)
            .bind(now)
            .bind(id.to_string())
            .execute(&self.core)
            .await?;
        Ok(())
    }
}

impl PgStore {
    pub(super) async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "core"."apiKey" ("id", "workspaceId", "name", "keyHash", "scope", "expiresAt", "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        )
        .bind(key.id.to_string())
        .bind(key.workspace_id.to_string())
        .bind(&key.name)
        .bind(hash)
        .bind(key.scope.as_str())
        .bind(key.expires_at)
        .bind(key.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn list_api_keys(
        &self,
        workspace: Option<Uuid>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            r#"SELECT {KEY_COLUMNS} FROM "core"."apiKey" WHERE $1::text IS NULL OR "workspaceId" = $1 ORDER BY "createdAt", "id""#
        );
        let rows: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(workspace.map(|w| w.to_string()))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(ApiKey::from_row).collect()
    }

    pub(super) async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!(r#"SELECT {KEY_COLUMNS} FROM "core"."apiKey" WHERE "keyHash" = $1"#);
        let row: Option<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ApiKey::from_row).transpose()
    }

    pub(super) async fn revoke_api_key(&self, id: Uuid, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            r#"UPDATE "core"."apiKey" SET "revokedAt" = $1 WHERE "id" = $2 AND "revokedAt" IS NULL"#,
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn touch_api_key(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        sqlx::query(r#"UPDATE "core"."apiKey" SET "lastUsedAt" = $1 WHERE "id" = $2"#)
            .bind(now)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
