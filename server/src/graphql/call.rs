//! One GraphQL request's context: the caller's workspace database, the model, who writes,
//! whether the key may write, and the SQL statements issued so far.

use crate::count_cache::CountCache;
use crate::query::{Actor, Target};
use crate::store::{Store, WorkspaceDb};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use twenty_codegen::model::Schema;
use uuid::Uuid;

/// What the resolvers of one request need (put in the request's data as `Arc<Call>`).
pub struct Call {
    /// The caller's workspace: every read and write is confined to it.
    pub db: WorkspaceDb,
    /// The workspace's model.
    pub schema: Arc<Schema>,
    /// Who writes (`createdBy` / `updatedBy` and events).
    pub actor: Actor,
    /// `None` when the key may write; otherwise why not (a FORBIDDEN message).
    pub read_only: Option<String>,
    /// The shared `totalCount` cache and the workspace's key in it, when used.
    pub counts: Option<(Arc<CountCache>, Uuid)>,
    /// The store and the caller's workspace id, for `currentWorkspace`.
    workspace: Option<(Arc<Store>, Uuid)>,
    statements: AtomicUsize,
}

impl Call {
    /// A request's context.
    pub fn new(
        db: WorkspaceDb,
        schema: Arc<Schema>,
        actor: Actor,
        read_only: Option<String>,
    ) -> Call {
        Call {
            db,
            schema,
            actor,
            read_only,
            counts: None,
            workspace: None,
            statements: AtomicUsize::new(0),
        }
    }

    /// Uses (and, after writes, invalidates) the shared count cache for `workspace`.
    pub fn with_counts(mut self, cache: Arc<CountCache>, workspace: Uuid) -> Call {
        self.counts = Some((cache, workspace));
        self
    }

    /// Answers `currentWorkspace` for `workspace`, read from `store` when asked.
    pub fn with_workspace(mut self, store: Arc<Store>, workspace: Uuid) -> Call {
        self.workspace = Some((store, workspace));
        self
    }

    /// The caller's workspace as `currentWorkspace` answers it: `{id, displayName}`.
    pub async fn current_workspace(&self) -> Result<serde_json::Value, async_graphql::Error> {
        let internal = |message: String| {
            super::errors::coded("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR", message)
        };
        let Some((store, id)) = &self.workspace else {
            return Err(internal(
                "no workspace in this request's context".to_owned(),
            ));
        };
        match store.workspace(*id).await {
            Ok(Some(w)) => Ok(serde_json::json!({"id": w.id, "displayName": w.name})),
            Ok(None) => Err(internal(format!("workspace {id} does not exist"))),
            Err(e) => {
                tracing::error!(error = %e, "cannot read the current workspace");
                Err(internal("internal server error".to_owned()))
            }
        }
    }

    /// The engine's view of the workspace database.
    pub fn target(&self) -> Target<'_> {
        Target::from(&self.db)
    }

    /// Records `n` more SQL statements.
    pub fn count(&self, n: usize) {
        self.statements.fetch_add(n, Ordering::Relaxed);
    }

    /// SQL statements issued by reads so far (writes are not counted).
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::Relaxed)
    }
}
