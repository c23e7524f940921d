//! The delivery worker: one task per workspace that has an active webhook, which
//! dispatches the workspace's new events into deliveries, claims due deliveries, sends
//! them (at most `TWENTY_WEBHOOK_CONCURRENCY` at once, each on a task of its own) and
//! records each attempt; and a supervisor that starts those tasks, and trims the logs
//! once an hour. Run by `serve` (unless `--no-worker`) and by `twenty-server worker`;
//! several processes may share one Postgres database (see `crate::store::webhooks`).
//!
//! A workspace's task wakes when this process writes to the workspace ([`Signals`]),
//! when an attempt ends, and every `TWENTY_WEBHOOK_POLL_INTERVAL` for what other
//! processes wrote and for retries falling due. No database transaction is open while a
//! request is sent.
use super::client::Client;
use super::guard::Guard;
use super::{Signals, body_of, delivered_as, sign};
use crate::config::WebhookSettings;
use crate::store::webhooks::{AttemptOutcome, Claimed, DeliveryStatus, NewDelivery, Webhook};
use crate::store::{Store, StoreError, WorkspaceDb, now_ms};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use twenty_codegen::model::Schema;
use uuid::Uuid;

/// Events read per dispatch transaction.
const DISPATCH_BATCH: u32 = 500;
/// Events read per dispatch transaction while yielding to a stream of writes (see
/// [`YIELD_PACE`]): each becomes a row per matching webhook, written in the transaction the
/// stream's writes wait for on SQLite.
const YIELD_DISPATCH_BATCH: u32 = 100;
/// How often the supervisor looks for workspaces whose webhooks another process created.
const RESCAN: Duration = Duration::from_secs(2);
/// How often the logs are trimmed (the first time one period after start).
const TRIM_EVERY: Duration = Duration::from_secs(3600);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);
/// The pause between rounds that found work (see [`Worker::serve`]): with
/// `TWENTY_WEBHOOK_CONCURRENCY` 128, at most 5,120 deliveries a second per workspace and
/// process, in at most 40 transactions a second.
const ROUND_PACE: Duration = Duration::from_millis(25);
/// The pause between rounds while the workspace takes a stream of writes (more than
/// [`WRITE_STREAM`] a second over at least [`RATE_WINDOW`]): the API's writes go first, each
/// round carries less, and deliveries catch up when the stream ends (at most `concurrency`
/// a second meanwhile).
const YIELD_PACE: Duration = Duration::from_millis(1000);
/// Writes a second from which a workspace's delivery task yields to them.
const WRITE_STREAM: f64 = 500.0;
/// The shortest time over which the write rate is measured.
const RATE_WINDOW: Duration = Duration::from_millis(250);
/// Events dispatched and deliveries claimed after which the delivery table's planner
/// statistics are refreshed (see [`Store::analyze_deliveries`]).
const ANALYZE_AFTER: usize = 10_000;
/// How long a task waits after a database error before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// The worker of one process.
#[derive(Debug)]
pub struct Worker {
    store: Arc<Store>,
    settings: WebhookSettings,
    signals: Arc<Signals>,
    client: Client,
    metrics: Arc<crate::metrics::Metrics>,
}

impl Worker {
    /// A worker over `store`; `signals` are the ones this process's writes raise.
    pub fn new(
        store: Arc<Store>,
        settings: WebhookSettings,
        signals: Arc<Signals>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Result<Worker, String> {
        let client = Client::new(
            Guard::new(settings.allowed_hosts.clone()),
            settings.timeout,
            settings.concurrency,
        )
        .map_err(|e| format!("cannot build the webhook HTTP client: {e}"))?;
        Ok(Worker {
            store,
            settings,
            signals,
            client,
            metrics,
        })
    }

    /// Starts the supervisor; it stops when `stop` turns true (tasks then end their
    /// current round; an attempt cut short is made again after its lease).
    pub fn spawn(self: Arc<Self>, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(self.supervise(stop))
    }

    async fn supervise(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut running: HashMap<Uuid, JoinHandle<()>> = HashMap::new();
        let mut next_trim = Instant::now() + TRIM_EVERY;
        tracing::info!("webhook worker started");
        loop {
            match self.store.workspaces_with_webhooks().await {
                Ok(ids) => {
                    for id in ids {
                        if running.get(&id).is_none_or(JoinHandle::is_finished) {
                            let task = tokio::spawn(self.clone().serve(id, stop.clone()));
                            running.insert(id, task);
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "webhooks: cannot list workspaces"),
            }
            running.retain(|_, task| !task.is_finished());
            if Instant::now() >= next_trim {
                next_trim = Instant::now() + TRIM_EVERY;
                let now = now_ms();
                match trim(&self.store, self.settings.retention, now).await {
                    Ok(t) => tracing::info!(
                        events = t.events,
                        deliveries = t.deliveries,
                        attempts = t.attempts,
                        "webhooks: trimmed the logs"
                    ),
                    Err(e) => tracing::warn!(error = %e, "webhooks: cannot trim the logs"),
                }
            }
            tokio::select! {
                () = self.signals.changed.notified() => {}
                () = tokio::time::sleep(RESCAN) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
        for (_, task) in running {
            let _ = task.await;
        }
    }

    /// Serves one workspace until it has no active webhook and nothing in flight.
    async fn serve(self: Arc<Self>, workspace: Uuid, mut stop: watch::Receiver<bool>) {
        let wake = self.signals.register(workspace);
        let mut writes = (wake.writes(), Instant::now());
        let (sent, mut results) = mpsc::unbounded_channel::<AttemptOutcome>();
        let mut state = Serving {
            workspace,
            in_flight: 0,
            since_analyze: 0,
            yielding: false,
            finished: Vec::new(),
            model: None,
            hooks: Vec::new(),
        };
        loop {
            while let Ok(done) = results.try_recv() {
                state.finished.push(done);
            }
            let round = self.round(&mut state, &sent).await;
            let busy = match round {
                Ok(Round::Stop) => break,
                Ok(Round::Busy) => true,
                Ok(Round::Idle) => false,
                Err(e) => {
                    tracing::warn!(%workspace, error = %e, "webhooks: delivery round failed");
                    tokio::time::sleep(ERROR_PAUSE).await;
                    false
                }
            };
            if *stop.borrow() {
                break;
            }
            if busy {
                // Go on after a short pause, in which more events and ended attempts
                // gather: each round is a write transaction of the workspace (on SQLite
                // a commit of its file, which its writers wait for), so fewer, fuller
                // rounds leave more of the file to them; a longer one while the workspace
                // takes a stream of writes, its rate measured over at least RATE_WINDOW (a
                // few writes close together are not a stream).
                let (count, at) = (wake.writes(), Instant::now());
                let window = at.duration_since(writes.1);
                if window >= RATE_WINDOW {
                    state.yielding =
                        (count - writes.0) as f64 / window.as_secs_f64() > WRITE_STREAM;
                    writes = (count, at);
                }
                let pace = if state.yielding {
                    YIELD_PACE
                } else {
                    ROUND_PACE
                };
                tokio::time::sleep(pace).await;
                continue;
            }
            // Nothing to do: no stream to yield to.
            state.yielding = false;
            tokio::select! {
                () = wake.notified() => {}
                Some(done) = results.recv() => state.finished.push(done),
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                _ = stop.changed() => {}
            }
        }
        // What is still in flight is recorded if it ends soon; otherwise its lease ends
        // and it is sent again.
        let deadline = tokio::time::sleep(self.settings.timeout + Duration::from_secs(1));
        tokio::pin!(deadline);
        while state.in_flight > state.finished.len() {
            tokio::select! {
                Some(done) = results.recv() => state.finished.push(done),
                () = &mut deadline => break,
            }
        }
        if let Err(e) = self.record(&mut state).await {
            tracing::warn!(%workspace, error = %e, "webhooks: cannot record attempts");
        }
        self.signals.unregister(workspace);
    }

    /// One round: record finished attempts, dispatch new events, claim and send due
    /// deliveries.
    async fn round(
        &self,
        state: &mut Serving,
        sent: &mpsc::UnboundedSender<AttemptOutcome>,
    ) -> Result<Round, StoreError> {
        let hooks: Vec<Webhook> = self
            .store
            .webhooks(state.workspace)
            .await?
            .into_iter()
            .filter(Webhook::is_active)
            .collect();
        state.hooks = hooks.clone();
        if hooks.is_empty() {
            self.record(state).await?;
            return Ok(match state.in_flight {
                0 => Round::Stop,
                _ => Round::Idle,
            });
        }
        let db = self.store.workspace_db(state.workspace).await?;
        let now = now_ms();
        if state.finished.is_empty() && !self.store.webhook_work(&db, now).await? {
            return Ok(Round::Idle);
        }
        let schema = self.schema(state).await?;
        let ids: Vec<String> = hooks.iter().map(|h| h.id.to_string()).collect();
        let lease = self.settings.timeout * 2 + Duration::from_secs(5);
        // What this round records stops counting as in flight.
        let free = self
            .settings
            .concurrency
            .saturating_sub(state.in_flight - state.finished.len());
        let finished = std::mem::take(&mut state.finished);
        let mut missing = false;
        let round = self
            .store
            .webhook_round(
                &db,
                &finished,
                if state.yielding {
                    YIELD_DISPATCH_BATCH
                } else {
                    DISPATCH_BATCH
                },
                |events| plan(events, &hooks, &schema, now, &mut missing),
                &ids,
                now,
                now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX),
                u32::try_from(free).unwrap_or(u32::MAX),
            )
            .await;
        let (read, claimed) = match round {
            Ok(done) => done,
            Err(e) => {
                state.finished = finished;
                return Err(e);
            }
        };
        state.in_flight -= finished.len();
        self.note_outcomes(state, &finished).await?;
        let schema = match missing {
            // An object this worker's model did not know: read the model again.
            true => {
                state.model = None;
                self.schema(state).await?
            }
            false => schema,
        };
        let busy = !finished.is_empty() || read > 0 || !claimed.is_empty();
        state.since_analyze += read + claimed.len();
        for delivery in claimed {
            let Some(hook) = hooks
                .iter()
                .find(|h| h.id.to_string() == delivery.webhook_id)
            else {
                continue;
            };
            state.in_flight += 1;
            let (attempt, sent) = (
                Attempt {
                    client: self.client.clone(),
                    schema: schema.clone(),
                    schedule: self.settings.retry_schedule.clone(),
                    hook: hook.clone(),
                    delivery,
                },
                sent.clone(),
            );
            tokio::spawn(async move {
                let _ = sent.send(attempt.run().await);
            });
        }
        // After the sends have started, and not failing the round: the statistics only
        // speed up later claims.
        if state.since_analyze >= ANALYZE_AFTER {
            state.since_analyze = 0;
            if let Err(e) = self.store.analyze_deliveries(&db).await {
                tracing::warn!(workspace = %state.workspace, error = %e, "webhooks: cannot refresh the delivery statistics");
            }
        }
        Ok(if busy { Round::Busy } else { Round::Idle })
    }

    /// The workspace's model, read when the last round found it stale.
    async fn schema(&self, state: &mut Serving) -> Result<Arc<Schema>, StoreError> {
        if state.model.is_none() {
            let (_, schema) = self.store.workspace_model(state.workspace).await?;
            state.model = Some(Arc::new(schema));
        }
        Ok(state.model.clone().expect("set above"))
    }

    /// Records the finished attempts in a transaction of their own, and notes each
    /// webhook's outcomes.
    async fn record(&self, state: &mut Serving) -> Result<(), StoreError> {
        if state.finished.is_empty() {
            return Ok(());
        }
        let db = self.store.workspace_db(state.workspace).await?;
        self.store.record_attempts(&db, &state.finished).await?;
        let done = std::mem::take(&mut state.finished);
        state.in_flight -= done.len();
        self.note_outcomes(state, &done).await
    }

    /// Notes each webhook's outcomes in `done` (a success ends its failure streak; a
    /// streak longer than `TWENTY_WEBHOOK_DISABLE_AFTER` disables it).
    async fn note_outcomes(
        &self,
        state: &Serving,
        done: &[AttemptOutcome],
    ) -> Result<(), StoreError> {
        let mut by_hook: HashMap<&str, (bool, Option<&AttemptOutcome>)> = HashMap::new();
        for o in done {
            self.metrics.delivery(match o.status {
                DeliveryStatus::Delivered => "delivered",
                DeliveryStatus::Pending => "retrying",
                DeliveryStatus::DeadLettered => "dead_lettered",
                DeliveryStatus::Cancelled => "cancelled",
            });
            let entry = by_hook.entry(o.webhook_id.as_str()).or_default();
            if o.status == DeliveryStatus::Delivered {
                entry.0 = true;
            } else {
                entry.1 = Some(o);
            }
        }
        let disable_after =
            i64::try_from(self.settings.disable_after.as_millis()).unwrap_or(i64::MAX);
        let now = now_ms();
        for (hook, (success, failure)) in by_hook {
            // Nothing to note when the stored state already says it: a success noted in
            // the last minute with no failure since, or a streak not yet long enough.
            let known = state.hooks.iter().find(|h| h.id.to_string() == hook);
            let unchanged = known.is_some_and(|h| match (success, h.failing_since) {
                (true, None) => h.last_success_at.is_some_and(|t| now - t < 60_000),
                (false, Some(since)) => now - since < disable_after,
                _ => false,
            });
            if unchanged {
                continue;
            }
            let reason = failure.map_or(String::new(), |f| {
                format!(
                    "failing for longer than {} without a success; last attempt: {}",
                    humantime::format_duration(self.settings.disable_after),
                    f.error
                        .clone()
                        .unwrap_or_else(|| format!("HTTP {}", f.status_code.unwrap_or_default()))
                )
            });
            if self
                .store
                .note_webhook_outcome(hook, success, now, disable_after, &reason)
                .await?
            {
                tracing::warn!(workspace = %state.workspace, webhook = hook, %reason, "webhook disabled");
                self.signals.changed();
            }
        }
        Ok(())
    }
}

/// What a workspace's task keeps between rounds.
struct Serving {
    workspace: Uuid,
    /// Attempts started and not yet recorded.
    in_flight: usize,
    /// Events dispatched and deliveries claimed since the last statistics refresh.
    since_analyze: usize,
    /// Whether the workspace takes a stream of writes (rounds paced by [`YIELD_PACE`]).
    yielding: bool,
    /// Attempts ended, to record.
    finished: Vec<AttemptOutcome>,
    model: Option<Arc<Schema>>,
    /// The active webhooks as the last round read them.
    hooks: Vec<Webhook>,
}

enum Round {
    /// Something was done: go again at once.
    Busy,
    /// Nothing to do: wait for a wake-up.
    Idle,
    /// No active webhook and nothing in flight: the task ends.
    Stop,
}

/// The deliveries of `events`: one per event and subscribed active webhook created before
/// the event. Sets `missing` when an event's object is not in `schema`.
fn plan(
    events: &[crate::store::events::Event],
    hooks: &[Webhook],
    schema: &Schema,
    now: i64,
    missing: &mut bool,
) -> Vec<NewDelivery> {
    let created: Vec<String> = hooks
        .iter()
        .map(|h| crate::query::time::format_ms(h.created_at))
        .collect();
    let mut out = Vec::new();
    for event in events {
        *missing |= schema.object(&event.object).is_none();
        for (hook, since) in hooks.iter().zip(&created) {
            if event.created_at < *since {
                continue;
            }
            let Some(action) = delivered_as(hook, event) else {
                continue;
            };
            out.push(NewDelivery {
                id: super::delivery_id(&event.id, &hook.id.to_string()),
                event_seq: Some(event.position.seq),
                payload: None,
                webhook_id: hook.id.to_string(),
                event_id: event.id.clone(),
                event_name: format!("{}.{action}", event.object),
                record_id: event.record_id.clone(),
                next_attempt_at: now,
                created_at: now,
            });
        }
    }
    out
}

/// One attempt of one delivery.
struct Attempt {
    client: Client,
    /// The workspace's model: the body's object metadata id.
    schema: Arc<Schema>,
    schedule: Vec<Duration>,
    hook: Webhook,
    delivery: Claimed,
}

impl Attempt {
    async fn run(self) -> AttemptOutcome {
        let at = now_ms();
        let started = Instant::now();
        let answer = self.post().await;
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let (status_code, response, error, retry_after, success) = match answer {
            Ok(a) => (
                Some(i64::from(a.status)),
                Some(a.excerpt),
                (!(200..300).contains(&a.status)).then(|| format!("HTTP {}", a.status)),
                a.retry_after,
                (200..300).contains(&a.status),
            ),
            Err(e) => (None, None, Some(e), None, false),
        };
        let step = usize::try_from(self.delivery.step).unwrap_or(usize::MAX);
        let (status, next_attempt_at) = match (success, self.schedule.get(step)) {
            (true, _) => (DeliveryStatus::Delivered, at),
            (false, None) => (DeliveryStatus::DeadLettered, at),
            (false, Some(delay)) => {
                let delay =
                    jitter(*delay).max(retry_after.unwrap_or_default().min(MAX_RETRY_AFTER));
                (
                    DeliveryStatus::Pending,
                    now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
                )
            }
        };
        AttemptOutcome {
            delivery_id: self.delivery.id,
            webhook_id: self.delivery.webhook_id,
            at,
            status_code,
            latency_ms,
            response,
            error,
            status,
            next_attempt_at,
        }
    }

    async fn post(&self) -> Result<super::client::Answer, String> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| format!("cannot make a nonce: {e}"))?;
        let d = &self.delivery;
        let body = body_of(
            &d.event_name,
            &d.id,
            d.event.as_ref(),
            d.payload.as_deref(),
            &self.hook,
            &self.schema,
        )
        .ok_or_else(|| {
            "its event is no longer in the event log (trimmed after TWENTY_WEBHOOK_RETENTION)"
                .to_owned()
        })?;
        let headers = sign::headers(
            &self.hook.secret,
            &d.id,
            &body,
            now_ms(),
            &hex::encode(nonce),
        );
        self.client
            .post(&self.hook.target_url, &headers, body)
            .await
    }
}

/// `delay` spread by ±20 % so that retries of many deliveries do not arrive together.
fn jitter(delay: Duration) -> Duration {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    let unit = f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX);
    delay.mul_f64(0.8 + 0.4 * unit)
}

/// Trims every workspace's event log and delivery log of what is older than `retention`
/// (at `now`) and done with; a workspace with no active webhook first moves its dispatch
/// position to the end (nothing of its log will be delivered). Nothing pending, nor any
/// event not yet dispatched, is removed.
pub async fn trim(
    store: &Store,
    retention: Duration,
    now: i64,
) -> Result<crate::store::webhooks::Trimmed, StoreError> {
    let before = now - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let iso = crate::query::time::format_ms(before);
    let active = store.workspaces_with_webhooks().await?;
    let mut total = crate::store::webhooks::Trimmed::default();
    for workspace in store.list_workspaces().await? {
        let db: WorkspaceDb = store.workspace_db(workspace.id).await?;
        if !active.contains(&workspace.id) {
            store.skip_dispatched(&db).await?;
        }
        let t = store.trim_webhook_logs(&db, before, &iso).await?;
        total.events += t.events;
        total.deliveries += t.deliveries;
        total.attempts += t.attempts;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_fifth() {
        for _ in 0..100 {
            let d = jitter(Duration::from_secs(100));
            assert!(
                d >= Duration::from_secs(80) && d <= Duration::from_secs(120),
                "{d:?}"
            );
        }
    }
}
