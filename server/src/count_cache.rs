//! Cached `totalCount`s: a COUNT(*) per list request would cost more than the list itself,
//! so counts are kept per (workspace, object, filter) and invalidated by the workspace's
//! write version, which every write bumps after its transaction commits.
//!
//! Per workspace rather than per object: destroying a company changes the people whose
//! `companyId` a filter may look at. The cache assumes it sees every write (one server
//! process per database); entries also expire after [`MAX_AGE`] so a second process
//! writing to the same database is only ever seen late, never wrongly forever.
use crate::query::Query;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a count may be reused without a write in between.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Entries kept at most; past this the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// What a count is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountKey {
    pub workspace: Uuid,
    /// The object's `nameSingular`.
    pub object: String,
    /// A canonical rendering of the filter (and whether soft-deleted rows are included).
    pub filter: String,
}

impl CountKey {
    /// The key of `query`'s count in `workspace`: its object, filter and whether it reads
    /// soft-deleted records (what the count depends on; ordering and page do not count).
    pub fn for_query(workspace: Uuid, query: &Query) -> CountKey {
        CountKey {
            workspace,
            object: query.object.clone(),
            filter: format!("{}:{:?}", query.with_deleted, query.filter),
        }
    }
}

/// The version a cache miss was observed at: store the count computed after it under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

#[derive(Debug, Default)]
struct Inner {
    versions: HashMap<Uuid, u64>,
    counts: HashMap<CountKey, (u64, Instant, i64)>,
}

/// The cache, shared by every transport.
#[derive(Debug, Default)]
pub struct CountCache {
    inner: Mutex<Inner>,
    /// Told of every write too: the webhook worker of this process wakes on them.
    signals: Option<std::sync::Arc<crate::webhooks::Signals>>,
}

impl CountCache {
    /// A cache that also tells `signals` of every write it is told of.
    pub fn with_signals(signals: std::sync::Arc<crate::webhooks::Signals>) -> CountCache {
        CountCache {
            inner: Mutex::default(),
            signals: Some(signals),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached count, or a ticket to store a freshly computed one with. Take the ticket
    /// before counting: a write committing meanwhile then makes the stored count stale.
    pub fn lookup(&self, key: &CountKey) -> Result<i64, Ticket> {
        let inner = self.lock();
        let version = inner.versions.get(&key.workspace).copied().unwrap_or(0);
        match inner.counts.get(key) {
            Some(&(v, at, n)) if v == version && at.elapsed() < MAX_AGE => Ok(n),
            _ => Err(Ticket(version)),
        }
    }

    /// Stores a count computed after `ticket` was taken.
    pub fn store(&self, key: CountKey, ticket: Ticket, count: i64) {
        let mut inner = self.lock();
        let version = inner.versions.get(&key.workspace).copied().unwrap_or(0);
        if version != ticket.0 {
            return;
        }
        if inner.counts.len() >= MAX_ENTRIES {
            inner.counts.clear();
        }
        inner.counts.insert(key, (ticket.0, Instant::now(), count));
    }

    /// Invalidates every count of a workspace: call after a write commits (or fails).
    pub fn bump(&self, workspace: Uuid) {
        {
            let mut inner = self.lock();
            *inner.versions.entry(workspace).or_insert(0) += 1;
            inner.counts.retain(|k, _| k.workspace != workspace);
        }
        if let Some(signals) = &self.signals {
            signals.written(workspace);
        }
    }

    /// A guard that bumps `workspace` when dropped. Take it before a write starts: a
    /// request cancelled after its write committed (the client went away) still bumps.
    pub fn bump_on_drop(&self, workspace: Uuid) -> BumpOnDrop<'_> {
        BumpOnDrop {
            cache: self,
            workspace,
        }
    }
}

/// Bumps its workspace's count version when dropped (see [`CountCache::bump_on_drop`]).
#[must_use = "the bump happens when the guard is dropped: hold it across the write"]
#[derive(Debug)]
pub struct BumpOnDrop<'c> {
    cache: &'c CountCache,
    workspace: Uuid,
}

impl Drop for BumpOnDrop<'_> {
    fn drop(&mut self) {
        self.cache.bump(self.workspace);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    fn key(workspace: Uuid, filter: &str) -> CountKey {
        CountKey {
            workspace,
            object: "person".into(),
            filter: filter.into(),
        }
    }

    #[test]
    fn a_stored_count_is_reused_until_its_workspace_is_written() {
        let cache = CountCache::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let ticket = cache.lookup(&key(a, "f")).unwrap_err();
        cache.store(key(a, "f"), ticket, 7);
        let ticket = cache.lookup(&key(b, "f")).unwrap_err();
        cache.store(key(b, "f"), ticket, 3);
        assert_eq!(cache.lookup(&key(a, "f")), Ok(7));
        assert!(cache.lookup(&key(a, "g")).is_err());
        cache.bump(a);
        assert!(cache.lookup(&key(a, "f")).is_err());
        assert_eq!(cache.lookup(&key(b, "f")), Ok(3));
    }

    #[test]
    fn a_query_is_keyed_by_object_filter_and_deleted_records_not_by_page() {
        use crate::query::{Comparator, Filter, OrderBy};
        let a = Uuid::new_v4();
        let mut paris = Query::new("person");
        paris.set_filter(Some(Filter::cmp("city", Comparator::Eq, "Paris".into())));
        let mut next_page = paris.clone();
        next_page.page.after = Some("cursor".into());
        next_page.order_by = vec![OrderBy::new("createdAt", Default::default())];
        assert_eq!(
            CountKey::for_query(a, &paris),
            CountKey::for_query(a, &next_page)
        );
        let mut with_deleted = paris.clone();
        with_deleted.with_deleted = true;
        let mut company = paris.clone();
        company.object = "company".into();
        for other in [Query::new("person"), with_deleted, company] {
            assert_ne!(
                CountKey::for_query(a, &paris),
                CountKey::for_query(a, &other)
            );
        }
        assert_ne!(
            CountKey::for_query(a, &paris),
            CountKey::for_query(Uuid::new_v4(), &paris)
        );
    }

    #[test]
    fn dropping_the_write_guard_bumps_its_workspace() {
        let cache = CountCache::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        for workspace in [a, b] {
            let ticket = cache.lookup(&key(workspace, "f")).unwrap_err();
            cache.store(key(workspace, "f"), ticket, 7);
        }
        let guard = cache.bump_on_drop(a);
        assert_eq!(cache.lookup(&key(a, "f")), Ok(7), "not before the drop");
        drop(guard);
        assert!(cache.lookup(&key(a, "f")).is_err());
        assert_eq!(cache.lookup(&key(b, "f")), Ok(7));
    }

    #[test]
    fn a_write_future_dropped_mid_way_still_bumps() {
        let cache = CountCache::default();
        let a = Uuid::new_v4();
        let ticket = cache.lookup(&key(a, "f")).unwrap_err();
        cache.store(key(a, "f"), ticket, 7);
        // As a handler is dropped when its client disconnects: the write never finishes.
        let write = async {
            let _bump = cache.bump_on_drop(a);
            std::future::pending::<()>().await;
        };
        let mut write = Box::pin(write);
        let waker = std::task::Waker::noop();
        let polled = write
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker));
        assert!(polled.is_pending());
        assert_eq!(cache.lookup(&key(a, "f")), Ok(7), "the write is under way");
        drop(write);
        assert!(cache.lookup(&key(a, "f")).is_err());
    }

    #[test]
    fn a_count_computed_across_a_write_is_not_stored() {
        let cache = CountCache::default();
        let a = Uuid::new_v4();
        let ticket = cache.lookup(&key(a, "f")).unwrap_err();
        cache.bump(a);
        cache.store(key(a, "f"), ticket, 7);
        assert!(cache.lookup(&key(a, "f")).is_err());
    }
}
