//! The metadata API's engine: a change of a workspace's model (create, update or delete an
//! object or a field, in Twenty's shapes) is an edit of its catalog ([`change`]), planned
//! by the migration planner that writes the checked-in migrations (the diff of the two
//! models), and applied in one transaction with its DDL, its rows and the version bump.
//! Changes of one workspace take turns; other workspaces never wait. [`shape`] renders
//! objects and fields as both transports answer them. No HTTP here.
pub mod change;
pub mod schema_file;
pub mod shape;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::metadata::{Catalog, MetadataChange};
use crate::store::{Store, StoreError};
use axum::http::StatusCode;
use change::Edit;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::migrate::diff;
use uuid::Uuid;

/// The turns of each workspace's changes (within this process; the store serializes
/// processes), and the catalogs of the workspaces last changed here: reading a catalog of
/// many objects back costs more than the change itself, so a change starts from the one
/// kept when the store's version (one small read) says it is still current.
#[derive(Debug, Default)]
pub struct Metadata {
    turns: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    catalogs: Mutex<HashMap<Uuid, Arc<Catalog>>>,
}

/// Catalogs kept at most; past this the map starts over.
const MAX_CATALOGS: usize = 64;

/// What a change answers: the catalog after it (at its new version), the id of the
/// object or field it was about, whether anything changed and the plan that was applied.
#[derive(Debug)]
pub struct Applied {
    pub catalog: Catalog,
    pub subject: Uuid,
    pub changed: bool,
    /// One line per DDL step of the plan applied.
    pub summary: Vec<String>,
}

impl Metadata {
    fn turn(&self, workspace: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        // Turns nobody holds nor waits for are dropped as the map grows.
        if turns.len() > 1024 {
            turns.retain(|_, t| Arc::strong_count(t) > 1);
        }
        turns.entry(workspace).or_default().clone()
    }

    /// Applies the edit `edit` makes of `workspace`'s current catalog (see [`apply`]),
    /// after this process's earlier changes of the workspace, and makes this process serve
    /// the new model at once.
    pub async fn apply<F>(
        &self,
        state: &AppState,
        workspace: Uuid,
        edit: F,
    ) -> Result<Applied, ApiError>
    where
        F: FnOnce(&Catalog, Dialect) -> Result<Edit, ApiError>,
    {
        let turn = self.turn(workspace);
        let _turn = turn.lock().await;
        let kept = self
            .catalogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&workspace)
            .cloned();
        let current = match kept {
            Some(kept)
                if state
                    .store
                    .metadata_version(workspace)
                    .await
                    .map_err(ApiError::failure)?
                    == kept.version =>
            {
                kept
            }
            _ => Arc::new(
                state
                    .store
                    .catalog(workspace)
                    .await
                    .map_err(ApiError::failure)?,
            ),
        };
        let applied = match apply_from(&state.store, workspace, &current, edit).await {
            Ok(applied) => applied,
            Err(e) => {
                // Whatever happened, the next change reads the catalog again.
                self.forget(workspace);
                return Err(e);
            }
        };
        if applied.changed {
            let mut catalogs = self.catalogs.lock().unwrap_or_else(PoisonError::into_inner);
            if catalogs.len() >= MAX_CATALOGS {
                catalogs.clear();
            }
            catalogs.insert(workspace, Arc::new(applied.catalog.clone()));
            drop(catalogs);
            // The next request is served the new model without reading it again; its
            // GraphQL schema is built now, beside the answer and the next REST request.
            if let Ok(model) = applied.catalog.active() {
                let entry = state.models.put(
                    workspace,
                    crate::models::WorkspaceModel::new(Arc::new(model), applied.catalog.version),
                );
                let models = state.models.clone();
                tokio::spawn(async move {
                    if entry.graphql().await.is_ok() {
                        models.resize(workspace, &entry);
                    }
                });
            }
            state.versions.set(workspace, applied.catalog.version);
            // Counts cached under the old model (an object's rows, a renamed field's
            // filters) are dropped with it.
            state.counts.bump(workspace);
        }
        Ok(applied)
    }
}

impl Metadata {
    /// Drops the kept catalog of `workspace`.
    fn forget(&self, workspace: Uuid) {
        self.catalogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace);
    }
}

/// The plan of an edit, for a person: one line per DDL step, then one per object or
/// field whose metadata alone changes (labels, icons, activity, …).
pub fn describe(from: &Catalog, to: &Catalog) -> Vec<String> {
    let mut lines = diff(&from.all, &to.all).summary();
    for object in &to.all.objects {
        let Some(old) = from.all.object_by_id(object.id) else {
            continue;
        };
        let mut same = old.clone();
        same.fields.clear();
        let mut now = object.clone();
        now.fields.clear();
        if json(&same) != json(&now) || from.is_active(object.id) != to.is_active(object.id) {
            lines.push(format!("update object {} (metadata)", object.name_singular));
        }
        for field in &object.fields {
            let Some(old) = old.field_by_id(field.id) else {
                continue;
            };
            if json(old) != json(field) || from.is_active(field.id) != to.is_active(field.id) {
                lines.push(format!(
                    "update field {}.{} (metadata)",
                    object.name_singular, field.name
                ));
            }
        }
    }
    lines
}

/// A part of the model as JSON text, to compare two versions of it.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Applies the edit `edit` makes of `workspace`'s current catalog: plans it (the diff of
/// the two models), refuses a plan that would lose data unless the edit drops data on
/// purpose, and runs its checks, DDL, rows and version bump in one transaction. An edit
/// that changes nothing changes nothing (not even the version). Used by the API (through
/// [`Metadata::apply`]) and by `twenty-server schema apply`.
pub async fn apply<F>(store: &Store, workspace: Uuid, edit: F) -> Result<Applied, ApiError>
where
    F: FnOnce(&Catalog, Dialect) -> Result<Edit, ApiError>,
{
    let from = store.catalog(workspace).await.map_err(ApiError::failure)?;
    apply_from(store, workspace, &from, edit).await
}

/// [`apply`] of the edit of `from`, the workspace's catalog as read (the transaction
/// refuses it, with `MODEL_CHANGED`, if it is no longer the current one).
async fn apply_from<F>(
    store: &Store,
    workspace: Uuid,
    from: &Catalog,
    edit: F,
) -> Result<Applied, ApiError>
where
    F: FnOnce(&Catalog, Dialect) -> Result<Edit, ApiError>,
{
    let started = std::time::Instant::now();
    let dialect = store.dialect();
    let edit = edit(from, dialect)?;
    let edited = started.elapsed();
    if edit.to.all == from.all && edit.to.inactive == from.inactive {
        return Ok(Applied {
            catalog: from.clone(),
            subject: edit.subject,
            changed: false,
            summary: Vec::new(),
        });
    }
    let plan = diff(&from.all, &edit.to.all);
    if !edit.drops_data
        && let Err(losses) = plan.check(false)
    {
        return Err(change::refused(format!(
            "this change would lose data, so it was not made: {}",
            losses.losses.join("; ")
        )));
    }
    // The plan's steps; the objects and fields whose metadata alone changed are added
    // where a person reads the plan (`schema apply`), not on the API's path.
    let summary = plan.summary();
    let ddl = if plan.is_empty() {
        String::new()
    } else {
        plan.render(dialect)
    };
    let planned = started.elapsed();
    let change = MetadataChange {
        from,
        to: &edit.to,
        ddl,
        foreign_keys_off: dialect == Dialect::Sqlite && plan.sqlite_needs_foreign_keys_off(),
        checks: edit.checks,
        rewrites: edit.rewrites,
    };
    let applied = store
        .apply_metadata(workspace, &change)
        .await
        .map_err(|e| match e {
            StoreError::ModelChanged => ApiError::new(
                StatusCode::CONFLICT,
                "MODEL_CHANGED",
                "the workspace's model was changed by another request meanwhile; retry",
            ),
            StoreError::Refused(message) => change::refused(message),
            other => ApiError::failure(other),
        })?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    tracing::info!(
        %workspace,
        version = applied.version,
        steps = plan.steps.len(),
        ms = ms(started.elapsed()),
        edit_ms = ms(edited),
        plan_ms = ms(planned - edited),
        "workspace model changed"
    );
    // The catalog as the store now holds it: the edit's, at the new version, with the
    // times of the rows written.
    let mut catalog = edit.to;
    catalog.version = applied.version;
    for id in &applied.written {
        if let Ok(id) = Uuid::parse_str(id) {
            let created = catalog.times.get(&id).map_or(applied.at, |t| t.0);
            catalog.times.insert(id, (created, applied.at));
        }
    }
    Ok(Applied {
        catalog,
        subject: edit.subject,
        changed: true,
        summary,
    })
}
