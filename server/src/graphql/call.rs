//! One GraphQL request's context: the caller's workspace database, the model, who writes,
//! whether the key may write, and the SQL statements issued so far.

use crate::count_cache::CountCache;
use crate::query::{Actor, Target};
use crate::store::WorkspaceDb;
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
            statements: AtomicUsize::new(0),
        }
    }

    /// Uses (and, after writes, invalidates) the shared count cache for `workspace`.
    pub fn with_counts(mut self, cache: Arc<CountCache>, workspace: Uuid) -> Call {
        self.counts = Some((cache, workspace));
        self
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
