//! Group commit for the writers of one SQLite file (a workspace).
//!
//! SQLite has one writer per file, so a workspace's writers write one at a time. A
//! transaction of its own for each write costs a `BEGIN`, a `COMMIT` and the commit's
//! fsync, each a hop to the connection's thread. Writers here take turns on one open
//! transaction instead: each runs inside a `SAVEPOINT` of it, and when its work is done it
//! either commits the transaction, when no other writer is waiting (or the group is
//! full), or hands the turn on and waits for the group's `COMMIT`. A writer answers only
//! once the transaction holding its work has committed, and learns if that failed.
//!
//! Handing the turn on costs no hop of its own: releasing the writer's savepoint and
//! opening the next one's (`RELEASE a; SAVEPOINT b`) run in the same call as the next
//! writer's first statement ([`Turn::statement`]). Savepoints alternate between two
//! names, so should that call fail before the new savepoint exists, undoing "this
//! writer's work" (`ROLLBACK TO b`) fails too, and the group ends in a rollback that
//! every writer of it learns of, rather than undoing an earlier writer's kept work.
//!
//! A writer's event-log rows ([`Turn::log`]) are kept with the group and inserted by one
//! statement just before its `COMMIT`, in the writers' order: one statement per group
//! instead of one per writer, in the same transaction as the changes.
//!
//! A writer that fails (or is cancelled) rolls back to its savepoint, and its events are
//! dropped; the work of the writers before it in the group stays and is committed. If the
//! database rolled the whole transaction back (a full disk, an I/O error), the `COMMIT`
//! fails and every writer of the group gets that error: nothing is reported written that
//! is not.
//!
//! After a group commits, the file's WAL is checkpointed (copied into the database file)
//! by a task of the group's own, a moment later and mostly beside the writers, rather than
//! by the committing connection every 1,000 pages (SQLite's default), which made the
//! whole queue wait for each copy.
//!
//! (Postgres needs none of this: its writers run side by side, and its own group commit
//! shares WAL flushes.)

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Sqlite, SqliteConnection, SqlitePool};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};
use twenty_codegen::emit::sql::Dialect;

/// Most writers whose work one `COMMIT` carries: a long group makes its first writers
/// wait for the last.
const MAX_GROUP: usize = 16;

/// How long after a commit the WAL is checkpointed: the commits of that time share one
/// checkpoint, and the writers wait for its end (the part done with the turn held) once
/// per such time. (Measured on 2 cores under a steady stream of creates: every 250 ms the
/// pauses showed in the p99 latency; every second they did not, and the WAL, started over
/// each time, held about a second of writes.)
const CHECKPOINT_DELAY: Duration = Duration::from_secs(1);

/// Why a group's `COMMIT` (or its start) failed, as given to each writer of the group.
pub type GroupError = Arc<sqlx::Error>;

/// The writers of one workspace: the turn (a fair, first-come lock) and the open group.
#[derive(Debug, Clone)]
pub struct WriteGroup {
    state: Arc<Mutex<State>>,
    /// Writers waiting for the turn: while there are some, a finished writer leaves the
    /// commit to them.
    queued: Arc<AtomicUsize>,
    /// Ends the checkpoint task with the group's last handle.
    _checkpoints: Arc<StopCheckpoints>,
}

#[derive(Debug)]
struct State {
    /// The connection of the open transaction, when one is open.
    open: Option<PoolConnection<Sqlite>>,
    /// Writers whose released savepoints the open transaction holds, waiting for its end.
    members: Vec<oneshot::Sender<Result<(), GroupError>>>,
    /// The members' event-log rows (JSON objects), in order, inserted just before the
    /// `COMMIT`.
    events: Vec<String>,
    /// The open transaction's savepoint (the current writer's, or the last one's).
    savepoint: Savepoint,
    /// The last writer kept the work of `savepoint` and handed the turn on: the next
    /// statement releases it and opens the other one first.
    handed_over: bool,
    /// Told of each commit; dropped with the last handle of the group.
    checkpoints: Arc<Checkpoints>,
}

/// The two names savepoints alternate between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Savepoint {
    A,
    B,
}

impl Savepoint {
    fn other(self) -> Savepoint {
        match self {
            Savepoint::A => Savepoint::B,
            Savepoint::B => Savepoint::A,
        }
    }

    /// Undoes this savepoint's work (it stays open).
    fn rollback(self) -> &'static str {
        match self {
            Savepoint::A => "ROLLBACK TO a",
            Savepoint::B => "ROLLBACK TO b",
        }
    }

    /// Keeps this savepoint's work and opens the other one.
    fn hand_over(self) -> &'static str {
        match self {
            Savepoint::A => "RELEASE a; SAVEPOINT b; ",
            Savepoint::B => "RELEASE b; SAVEPOINT a; ",
        }
    }
}

/// The file's checkpoint task's signal: woken by each commit, and to stop.
#[derive(Debug, Default)]
struct Checkpoints {
    wake: Notify,
    stopped: AtomicBool,
}

/// Stops the checkpoint task once the group's last handle is gone.
#[derive(Debug)]
struct StopCheckpoints(Arc<Checkpoints>);

impl Drop for StopCheckpoints {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.wake.notify_one();
    }
}

/// Checkpoints `pool`'s file a moment after each commit, until told to stop or the pool
/// closes. First beside the writers (`PASSIVE`: it copies what no reader still needs, and
/// never waits for, nor blocks, readers or writers), which copies the bulk; then the rest
/// with the turn held (`state`), so that the WAL is wholly copied when the next writer
/// begins, which then starts it over from its beginning. (A checkpoint that is never
/// complete when a writer begins, under a steady stream of writes, would leave the WAL
/// growing without end.)
async fn checkpoint(pool: SqlitePool, state: Arc<Mutex<State>>, signal: Arc<Checkpoints>) {
    async fn run(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(conn)
            .await
            .map(|_| ())
    }
    loop {
        signal.wake.notified().await;
        if signal.stopped.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(CHECKPOINT_DELAY).await;
        if signal.stopped.load(Ordering::SeqCst) || pool.is_closed() {
            return;
        }
        // The connection is taken before the turn: the writers never wait for a reader
        // connection to come free.
        let checkpointed = async {
            let mut conn = pool.acquire().await?;
            run(&mut conn).await?;
            let mut guard = state.clone().lock_owned().await;
            // A group left open by writers that gave up their turn: commit it (as its
            // last writer would have).
            if guard.open.is_some() {
                let _ = finish(&mut guard, true).await;
            }
            run(&mut conn).await
        };
        if let Err(e) = checkpointed.await {
            tracing::warn!(error = %e, "checkpointing a workspace file failed; retried after its next commit");
        }
    }
}

/// Counts a writer as queued until it gets the turn (also when it is cancelled first).
struct Queued(Arc<AtomicUsize>);

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WriteGroup {
    /// The writers of the SQLite file of `pool`, and its checkpoint task (none outside a
    /// Tokio runtime: the file's connections then checkpoint it as they close).
    pub fn sqlite(pool: &SqlitePool) -> Self {
        let checkpoints = Arc::new(Checkpoints::default());
        let state = Arc::new(Mutex::new(State {
            open: None,
            members: Vec::new(),
            events: Vec::new(),
            savepoint: Savepoint::A,
            handed_over: false,
            checkpoints: checkpoints.clone(),
        }));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(checkpoint(pool.clone(), state.clone(), checkpoints.clone()));
        }
        WriteGroup {
            state,
            queued: Arc::default(),
            _checkpoints: Arc::new(StopCheckpoints(checkpoints)),
        }
    }

    /// Waits for the turn and starts this writer's savepoint (and the group's transaction
    /// when none is open). Starting a transaction runs on a task of its own, so a caller
    /// that gives up halfway cannot leave a transaction begun on a pooled connection: the
    /// turn it would have got ends like a dropped one.
    pub async fn begin(&self, pool: &SqlitePool) -> Result<Turn, sqlx::Error> {
        let (state, queued) = (self.state.clone(), self.queued.clone());
        let guard = self.turn().await;
        // An open group already has this writer's savepoint: the previous writer opened
        // it when it handed the turn on.
        if guard.open.is_some() {
            return Ok(Turn {
                guard: Some(guard),
                state,
                queued,
                events: Vec::new(),
            });
        }
        let pool = pool.clone();
        let start = async move {
            let mut guard = guard;
            let mut conn = pool.acquire().await?;
            // `BEGIN IMMEDIATE`: a writer never fails upgrading a read lock.
            let start = sqlx::query("BEGIN IMMEDIATE; SAVEPOINT a")
                .execute(&mut *conn)
                .await;
            guard.open = Some(conn);
            guard.savepoint = Savepoint::A;
            guard.handed_over = false;
            if let Err(e) = start {
                let _ = finish(&mut guard, false).await;
                return Err(e);
            }
            Ok(Turn {
                guard: Some(guard),
                state,
                queued,
                events: Vec::new(),
            })
        };
        tokio::spawn(start).await.map_err(task_failed)?
    }

    /// Waits for the turn, counted as queued meanwhile.
    fn turn(&self) -> impl Future<Output = OwnedMutexGuard<State>> + Send + 'static {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let queued = Queued(self.queued.clone());
        let state = self.state.clone();
        async move {
            let _queued = queued;
            state.lock_owned().await
        }
    }

    /// Waits for the turn and keeps it: no writer of this workspace runs until it is dropped.
    pub async fn hold(&self) -> Held {
        Held(self.turn().await)
    }

    /// Waits for the turn, commits the group's open transaction if there is one (its
    /// writers learn the outcome as usual), and keeps the turn: the holder then has the
    /// file to itself for a transaction of its own, such as a change of the model.
    pub async fn hold_committed(&self) -> Result<Held, GroupError> {
        let mut guard = self.turn().await;
        if guard.open.is_some() {
            finish(&mut guard, true).await?;
        }
        Ok(Held(guard))
    }
}

/// The turn, held (see [`WriteGroup::hold`]).
#[derive(Debug)]
pub struct Held(#[allow(dead_code)] OwnedMutexGuard<State>);

/// One writer's turn: its savepoint in the group's open transaction. Dropped without
/// [`Turn::commit`], its savepoint is rolled back (on a task of its own: a drop cannot
/// wait) and the group goes on.
#[derive(Debug)]
pub struct Turn {
    guard: Option<OwnedMutexGuard<State>>,
    state: Arc<Mutex<State>>,
    queued: Arc<AtomicUsize>,
    /// This writer's event-log rows, handed to the group when it keeps its work.
    events: Vec<String>,
}

impl Turn {
    /// The connection to run this writer's next statement on, and the text to put before
    /// that statement, to run in the same call: the previous writer's hand-over (see the
    /// module's text) before this writer's first statement, else nothing.
    pub fn statement(&mut self) -> (&'static str, &mut SqliteConnection) {
        let state = &mut **self.guard.as_mut().expect("a turn is held until it ends");
        let before = match state.handed_over {
            true => {
                state.handed_over = false;
                let hand_over = state.savepoint.hand_over();
                state.savepoint = state.savepoint.other();
                hand_over
            }
            false => "",
        };
        let conn = state
            .open
            .as_mut()
            .expect("a turn holds an open transaction");
        (before, conn)
    }

    /// Logs this writer's events (rows of [`super::events`]' insert): they are
    /// inserted with the group's, just before its `COMMIT`, and dropped if this writer's
    /// work is undone.
    pub fn log(&mut self, events: impl IntoIterator<Item = String>) {
        self.events.extend(events);
    }

    /// Keeps this writer's work: releases its savepoint, then commits the group when no
    /// writer is waiting or the group is full, else hands the turn on and waits for the
    /// group's commit. Ok once the work is durable. Runs on a task of its own, so a caller
    /// that gives up halfway cannot cut a `COMMIT` short.
    pub async fn commit(self) -> Result<(), GroupError> {
        tokio::spawn(self.keep())
            .await
            .map_err(|e| Arc::new(task_failed(e)))?
    }

    async fn keep(mut self) -> Result<(), GroupError> {
        let mut guard = self.guard.take().expect("a turn is held until it ends");
        guard.events.append(&mut self.events);
        let others_wait = self.queued.load(Ordering::SeqCst) > 0;
        if !(others_wait && guard.members.len() + 1 < MAX_GROUP) {
            return finish(&mut guard, true).await;
        }
        // This writer's work is kept by the next writer's first statement.
        guard.handed_over = true;
        let (done, mut wait) = oneshot::channel();
        guard.members.push(done);
        drop(guard);
        let ended = || {
            Err(Arc::new(sqlx::Error::Protocol(
                "the write group ended without committing".to_owned(),
            )))
        };
        // Normally a later writer of the group commits it. Should the writers the turn
        // went to give up before taking it, this one gets the turn back with its group
        // still open (its own outcome not yet sent), and commits the group itself.
        tokio::select! {
            biased;
            outcome = &mut wait => outcome.unwrap_or_else(|_| ended()),
            mut guard = self.state.clone().lock_owned() => match wait.try_recv() {
                Ok(outcome) => outcome,
                Err(oneshot::error::TryRecvError::Empty) => {
                    let _ = finish(&mut guard, true).await;
                    wait.await.unwrap_or_else(|_| ended())
                }
                Err(oneshot::error::TryRecvError::Closed) => ended(),
            },
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        // The turn stays held by the task until the savepoint is undone: no other writer
        // runs on top of this one's partial work.
        let cleanup = async move {
            rollback_savepoint(&mut guard).await;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(cleanup);
            }
            // No runtime (the process is ending): the connection is dropped with the
            // guard, and the database rolls the transaction back when it closes.
            Err(_) => drop(cleanup),
        }
    }
}

/// Inserts the group's events, then commits (the open savepoint's work included, kept or
/// handed over).
async fn commit(conn: &mut SqliteConnection, events: Vec<String>) -> Result<(), sqlx::Error> {
    if !events.is_empty() {
        let insert = super::events::insert_rows_sql(Dialect::Sqlite, "", &events);
        super::statement::sqlite_query(&insert)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("COMMIT").execute(conn).await.map(|_| ())
}

fn task_failed(e: tokio::task::JoinError) -> sqlx::Error {
    sqlx::Error::Protocol(format!("the write group's task failed: {e}"))
}

/// Undoes the current writer's work (back to its savepoint, which stays open for the next
/// writer); if that fails the transaction is unusable and ends (the group's writers learn
/// it failed). With no writer left waiting on the group, its transaction ends too, so the
/// write lock is not held idle.
async fn rollback_savepoint(guard: &mut State) {
    let Some(conn) = guard.open.as_mut() else {
        return;
    };
    // A writer that ran no statement has nothing to undo, and the hand-over to it waits
    // for the next writer.
    let undone = guard.handed_over
        || sqlx::raw_sql(guard.savepoint.rollback())
            .execute(&mut **conn)
            .await
            .is_ok();
    if !undone || guard.members.is_empty() {
        let _ = finish(guard, undone).await;
    }
}

/// Ends the open transaction: `COMMIT` when `keep`, else
/// `ROLLBACK`; tells every waiting member the outcome (a rollback is a failure for them)
/// and returns it. The connection goes back to its pool only outside a transaction.
async fn finish(guard: &mut State, keep: bool) -> Result<(), GroupError> {
    let members = std::mem::take(&mut guard.members);
    let events = std::mem::take(&mut guard.events);
    let Some(mut conn) = guard.open.take() else {
        return Ok(());
    };
    let committed = match keep {
        true => commit(&mut conn, events).await,
        false => Err(sqlx::Error::Protocol(
            "the write group's transaction was rolled back".to_owned(),
        )),
    };
    let outcome = match committed {
        Ok(()) => {
            guard.checkpoints.wake.notify_one();
            Ok(())
        }
        Err(e) => {
            // Not committed: make sure the transaction is gone. A failed ROLLBACK leaves
            // the connection in an unknown state: close it instead of pooling it.
            if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
                let _ = conn.detach().close().await;
            }
            Err(Arc::new(e))
        }
    };
    for member in members {
        let _ = member.send(outcome.clone());
    }
    outcome
}
