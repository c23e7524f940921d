//! The model of each workspace, as both transports see it: one cache entry per workspace
//! holding its merged model (standard + custom), its GraphQL schema with the direct
//! executor's roots, its OpenAPI document (rendered on first use) and its metadata
//! version. Bounded in bytes (the least recently used workspaces go first), built once per
//! version (concurrent requests for a missing entry wait for one build). Knows nothing of
//! HTTP; the transports get an entry through the authenticated request.
//!
//! Workspaces without custom objects share the standard entry, built once at start-up and
//! never counted against the budget: a thousand plain workspaces cost one model.

use crate::document::Document;
use crate::graphql::Built;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use twenty_codegen::emit::graphql::GraphqlError;
use twenty_codegen::model::Schema;
use uuid::Uuid;

/// The default budget of the cache, in (estimated) bytes.
pub const DEFAULT_BUDGET_BYTES: usize = 128 * 1024 * 1024;

/// One workspace's model and everything built from it.
#[derive(Debug)]
pub struct WorkspaceModel {
    /// The metadata version it was built from (0: the standard model, never changed).
    pub version: u64,
    /// The merged model.
    pub schema: Arc<Schema>,
    /// The executable GraphQL schema, its SDL and the direct executor's roots: built on
    /// the first GraphQL request (REST needs only the model), once.
    graphql: tokio::sync::OnceCell<Arc<Built>>,
    openapi: OnceLock<Document>,
    /// What the entry is estimated to hold, in bytes (grows when the GraphQL schema or
    /// the OpenAPI document is built).
    size: AtomicUsize,
}

/// The registry behind a GraphQL schema takes about 16 times its SDL, measured on the
/// standard model.
const GRAPHQL_BYTES_PER_SDL_BYTE: usize = 16;
/// What a model holds in memory per object and per field, about: the benchmark's server
/// held 100 models of 28 objects and about 350 fields each in under 20 MB above its own
/// footprint (README, "Benchmark"), about 600 bytes a field.
const MODEL_BYTES_PER_OBJECT: usize = 2 * 1024;
const MODEL_BYTES_PER_FIELD: usize = 800;

impl WorkspaceModel {
    /// The entry of `schema`; its GraphQL schema and OpenAPI document are built on first
    /// use.
    pub fn new(schema: Arc<Schema>, version: u64) -> WorkspaceModel {
        let size = schema.objects.len() * MODEL_BYTES_PER_OBJECT
            + schema.field_count() * MODEL_BYTES_PER_FIELD;
        WorkspaceModel {
            version,
            schema,
            graphql: tokio::sync::OnceCell::new(),
            openapi: OnceLock::new(),
            size: AtomicUsize::new(size),
        }
    }

    /// The entry of `schema` with its GraphQL schema built now (the standard model's, at
    /// start-up; tests).
    pub fn build(schema: Arc<Schema>, version: u64) -> Result<WorkspaceModel, GraphqlError> {
        let model = WorkspaceModel::new(schema.clone(), version);
        let built = Arc::new(Built::new(schema)?);
        model.grow(built.sdl.len() * GRAPHQL_BYTES_PER_SDL_BYTE);
        let _ = model.graphql.set(built);
        Ok(model)
    }

    fn grow(&self, bytes: usize) {
        self.size.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The executable GraphQL schema, built on first use (off the request workers; the
    /// requests that arrive meanwhile wait for that one build).
    pub async fn graphql(&self) -> Result<Arc<Built>, ModelError> {
        self.graphql
            .get_or_try_init(|| async {
                let schema = self.schema.clone();
                let started = std::time::Instant::now();
                let built = tokio::task::spawn_blocking(move || Built::new(schema))
                    .await
                    .map_err(|e| ModelError::Build(e.to_string()))?
                    .map_err(|e| ModelError::Build(e.to_string()))?;
                tracing::debug!(
                    objects = self.schema.objects.len(),
                    ms = started.elapsed().as_secs_f64() * 1000.0,
                    "GraphQL schema built"
                );
                self.grow(built.sdl.len() * GRAPHQL_BYTES_PER_SDL_BYTE);
                Ok(Arc::new(built))
            })
            .await
            .cloned()
    }

    /// The workspace's OpenAPI document, rendered once.
    pub fn openapi(&self) -> Document {
        self.openapi
            .get_or_init(|| {
                let json = twenty_codegen::emit::openapi::to_json(&self.schema);
                self.grow(json.len());
                Document::new(json, "application/json")
            })
            .clone()
    }

    /// The entry's estimated size in bytes.
    pub fn size(&self) -> usize {
        self.size.load(Ordering::Relaxed)
    }
}

/// Why a workspace's model could not be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelError {
    /// Its metadata could not be read.
    #[error("cannot read the workspace's model: {0}")]
    Load(String),
    /// Its model does not make a valid GraphQL schema.
    #[error("the workspace's model does not build: {0}")]
    Build(String),
}

/// What the loader of a workspace's model answers: its custom model at its version, or
/// `None` for the standard model.
pub type Loaded = Option<(u64, Schema)>;

#[derive(Debug, Default)]
struct Entries {
    /// By workspace: the entry, when it was last used (a tick of `clock`) and the size it
    /// was counted at.
    map: HashMap<Uuid, (Arc<WorkspaceModel>, u64, usize)>,
    /// The sum of the entries' sizes.
    bytes: usize,
    clock: u64,
}

/// A build in progress, awaited by every request that needs it.
type Building = Arc<tokio::sync::OnceCell<Result<Arc<WorkspaceModel>, ModelError>>>;

/// The cache of workspace models.
#[derive(Debug)]
pub struct Models {
    standard: Arc<WorkspaceModel>,
    budget: usize,
    entries: Mutex<Entries>,
    building: Mutex<HashMap<(Uuid, u64), Building>>,
}

impl Models {
    /// A cache over the standard model, holding custom models up to `budget` bytes.
    pub fn new(standard: Arc<WorkspaceModel>, budget: usize) -> Models {
        Models {
            standard,
            budget,
            entries: Mutex::default(),
            building: Mutex::default(),
        }
    }

    /// The standard model's entry.
    pub fn standard(&self) -> Arc<WorkspaceModel> {
        self.standard.clone()
    }

    /// The bytes the custom entries hold, and how many there are.
    pub fn usage(&self) -> (usize, usize) {
        let entries = self.lock_entries();
        (entries.bytes, entries.map.len())
    }

    fn lock_entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The model of `workspace` at metadata `version` (0: the standard model): the cached
    /// entry, or one built from what `load` answers. Concurrent callers for the same
    /// version wait for one build.
    pub async fn get<F, Fut>(
        &self,
        workspace: Uuid,
        version: u64,
        load: F,
    ) -> Result<Arc<WorkspaceModel>, ModelError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Loaded, String>>,
    {
        if version == 0 {
            return Ok(self.standard());
        }
        if let Some(entry) = self.cached(workspace, version) {
            return Ok(entry);
        }
        let building = {
            let mut building = self.building.lock().unwrap_or_else(PoisonError::into_inner);
            building.entry((workspace, version)).or_default().clone()
        };
        let result = building
            .get_or_init(|| async {
                let loaded = load().await.map_err(ModelError::Load)?;
                let Some((version, schema)) = loaded else {
                    return Ok(self.standard());
                };
                let entry = Arc::new(WorkspaceModel::new(Arc::new(schema), version));
                self.insert(workspace, entry.clone());
                Ok(entry)
            })
            .await
            .clone();
        self.building
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(workspace, version));
        result
    }

    /// The cached entry of `workspace` if it has `version`, marked as just used.
    fn cached(&self, workspace: Uuid, version: u64) -> Option<Arc<WorkspaceModel>> {
        let mut entries = self.lock_entries();
        entries.clock += 1;
        let tick = entries.clock;
        let (entry, used, _) = entries.map.get_mut(&workspace)?;
        if entry.version != version {
            return None;
        }
        *used = tick;
        Some(entry.clone())
    }

    /// Keeps `entry` as `workspace`'s model (a change made here: its next request needs no
    /// load).
    pub fn put(&self, workspace: Uuid, entry: WorkspaceModel) -> Arc<WorkspaceModel> {
        let entry = Arc::new(entry);
        self.insert(workspace, entry.clone());
        entry
    }

    /// Counts `entry` (of `workspace`) at its size now, after it built its GraphQL schema
    /// or document, dropping the least recently used entries past the budget.
    pub fn resize(&self, workspace: Uuid, entry: &Arc<WorkspaceModel>) {
        let mut entries = self.lock_entries();
        let Some((cached, _, counted)) = entries.map.get_mut(&workspace) else {
            return;
        };
        if !Arc::ptr_eq(cached, entry) {
            return;
        }
        let now = entry.size();
        let before = std::mem::replace(counted, now);
        entries.bytes = entries.bytes - before + now;
        Self::evict(&mut entries, self.budget, workspace);
    }

    /// Drops the least recently used entries (never `keep`'s) until `entries` fit `budget`.
    fn evict(entries: &mut Entries, budget: usize, keep: Uuid) {
        while entries.bytes > budget && entries.map.len() > 1 {
            let oldest = entries
                .map
                .iter()
                .filter(|(id, _)| **id != keep)
                .min_by_key(|(_, (_, used, _))| *used)
                .map(|(id, _)| *id);
            let Some(oldest) = oldest else { break };
            if let Some((_, _, counted)) = entries.map.remove(&oldest) {
                entries.bytes -= counted;
            }
        }
    }

    /// Keeps `entry` as `workspace`'s, dropping the least recently used entries past the
    /// budget (never the one just built).
    fn insert(&self, workspace: Uuid, entry: Arc<WorkspaceModel>) {
        if Arc::ptr_eq(&entry, &self.standard) {
            return;
        }
        let mut entries = self.lock_entries();
        entries.clock += 1;
        let tick = entries.clock;
        let size = entry.size();
        if let Some((_, _, counted)) = entries.map.insert(workspace, (entry, tick, size)) {
            entries.bytes -= counted;
        }
        entries.bytes += size;
        Self::evict(&mut entries, self.budget, workspace);
    }
}

/// How long a workspace's metadata version read from the store is trusted before it is
/// read again: another server process's change of the model is served within this time
/// (this process's own changes at once).
pub const VERSION_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// The metadata version last read for each workspace, and when.
#[derive(Debug, Default)]
pub struct Versions {
    map: Mutex<HashMap<Uuid, (u64, std::time::Instant)>>,
}

/// Versions kept at most; past this the map starts over (each is read again on next use).
const MAX_VERSIONS: usize = 100_000;

impl Versions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (u64, std::time::Instant)>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The version of `workspace` if it was read less than [`VERSION_CHECK_INTERVAL`] ago.
    pub fn fresh(&self, workspace: Uuid) -> Option<u64> {
        let map = self.lock();
        let (version, read) = map.get(&workspace)?;
        (read.elapsed() < VERSION_CHECK_INTERVAL).then_some(*version)
    }

    /// The version of `workspace` as last read, however long ago (`None`: never read).
    pub fn last(&self, workspace: Uuid) -> Option<u64> {
        self.lock().get(&workspace).map(|(version, _)| *version)
    }

    /// Records `version` as `workspace`'s, read now (never lowering a newer one still
    /// fresh: a change made here is newer than a read that started before it).
    pub fn set(&self, workspace: Uuid, version: u64) {
        let mut map = self.lock();
        if map.len() >= MAX_VERSIONS {
            map.clear();
        }
        let now = std::time::Instant::now();
        let entry = map.entry(workspace).or_insert((version, now));
        if version >= entry.0 || entry.1.elapsed() >= VERSION_CHECK_INTERVAL {
            *entry = (version, now);
        }
    }

    /// Forgets every version: the next request of each workspace reads it again.
    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use twenty_codegen::model::{Field, FieldType, Object, Uuid as ModelUuid};

    /// The standard model plus one custom object named `name`.
    fn custom(name: &str, id: u128) -> Schema {
        let mut objects = twenty_standard_objects::schema().objects;
        objects.push(
            Object::new(
                ModelUuid::from_u128(id),
                name,
                &format!("{name}s"),
                "Custom",
                "Customs",
            )
            .with_field(Field::new(
                ModelUuid::from_u128(id + 1),
                "label",
                FieldType::Text,
                "Label",
            )),
        );
        Schema::new(objects).expect("a valid model")
    }

    fn models(budget: usize) -> Models {
        let standard = WorkspaceModel::build(Arc::new(twenty_standard_objects::schema()), 0)
            .expect("the standard model builds");
        Models::new(Arc::new(standard), budget)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_wait_for_one_build_per_version() {
        let models = Arc::new(models(DEFAULT_BUDGET_BYTES));
        let loads = Arc::new(AtomicUsize::new(0));
        let workspace = Uuid::new_v4();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let models = models.clone();
                let loads = loads.clone();
                tokio::spawn(async move {
                    models
                        .get(workspace, 1, || async move {
                            loads.fetch_add(1, Ordering::SeqCst);
                            Ok(Some((1, custom("pet", 1_000))))
                        })
                        .await
                        .expect("builds")
                })
            })
            .collect();
        let mut built = Vec::new();
        for task in tasks {
            built.push(task.await.expect("the task"));
        }
        assert_eq!(
            loads.load(Ordering::SeqCst),
            1,
            "one build for eight requests"
        );
        assert!(built.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
        assert!(built[0].schema.object("pet").is_some());
        let graphql = built[0].graphql().await.expect("its GraphQL schema");
        assert!(graphql.sdl.contains("type Pet"));
        // A new version is built anew; the old one is no longer served.
        let v2 = models
            .get(workspace, 2, || async {
                Ok(Some((2, custom("dog", 2_000))))
            })
            .await
            .expect("builds");
        assert!(v2.schema.object("dog").is_some());
        assert_eq!(models.usage().1, 1, "one entry per workspace");
        // Version 0 is the shared standard entry, never loaded.
        let standard = models
            .get(Uuid::new_v4(), 0, || async { panic!("not loaded") })
            .await
            .expect("standard");
        assert!(Arc::ptr_eq(&standard, &models.standard()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_least_recently_used_workspaces_go_past_the_budget() {
        // As the cache builds it: the GraphQL schema comes on first use.
        let one = WorkspaceModel::new(Arc::new(custom("pet", 1_000)), 1).size();
        // Room for two entries, not three.
        let models = models(one * 2 + one / 2);
        let [a, b, c] = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        let load = |n: u128| move || async move { Ok(Some((1, custom("pet", n)))) };
        models.get(a, 1, load(1_000)).await.expect("a");
        models.get(b, 1, load(2_000)).await.expect("b");
        // `a` is used again: `b` is now the least recently used.
        models
            .get(a, 1, || async { panic!("a is cached") })
            .await
            .expect("a");
        models.get(c, 1, load(3_000)).await.expect("c");
        let (bytes, count) = models.usage();
        assert_eq!(count, 2);
        assert!(bytes <= one * 2 + one / 2, "{bytes}");
        models
            .get(a, 1, || async { panic!("a is still cached") })
            .await
            .expect("a");
        let reloads = AtomicUsize::new(0);
        models
            .get(b, 1, || async {
                reloads.fetch_add(1, Ordering::SeqCst);
                Ok(Some((1, custom("pet", 2_000))))
            })
            .await
            .expect("b");
        assert_eq!(
            reloads.load(Ordering::SeqCst),
            1,
            "b was evicted and is built again"
        );
    }

    #[tokio::test]
    async fn a_failed_load_is_an_error_and_is_tried_again() {
        let models = models(DEFAULT_BUDGET_BYTES);
        let workspace = Uuid::new_v4();
        let e = models
            .get(workspace, 3, || async { Err("database down".to_owned()) })
            .await
            .unwrap_err();
        assert!(e.to_string().contains("database down"), "{e}");
        let ok = models
            .get(workspace, 3, || async {
                Ok(Some((3, custom("pet", 1_000))))
            })
            .await
            .expect("builds the second time");
        assert_eq!(ok.version, 3);
    }

    #[tokio::test]
    async fn the_graphql_schema_is_built_on_first_use_and_counted() {
        let models = models(DEFAULT_BUDGET_BYTES);
        let workspace = Uuid::new_v4();
        let entry = models
            .get(workspace, 1, || async {
                Ok(Some((1, custom("pet", 1_000))))
            })
            .await
            .expect("builds");
        let (before, _) = models.usage();
        assert_eq!(before, entry.size());
        let built = entry.graphql().await.expect("builds");
        assert!(built.sdl.contains("type Pet"));
        assert!(Arc::ptr_eq(&built, &entry.graphql().await.expect("cached")));
        models.resize(workspace, &entry);
        let (after, _) = models.usage();
        assert!(after > before * 2, "{before} → {after}");
    }

    #[test]
    fn the_openapi_document_is_rendered_once_on_first_use() {
        let model = WorkspaceModel::build(Arc::new(custom("pet", 1_000)), 1).expect("builds");
        let first = model.openapi();
        assert!(
            std::str::from_utf8(&first.bytes)
                .unwrap()
                .contains("\"/pets\"")
        );
        assert_eq!(first.bytes.as_ptr(), model.openapi().bytes.as_ptr());
    }
}
