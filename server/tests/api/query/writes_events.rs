//! The event log: one event per changed record with before / after / updatedFields and
//! the actor, in the write's transaction (a failed write logs nothing), read in order.

use crate::both;
use crate::query::support::{Db, schema};
use crate::query::writes::{actor, create_one, rec};
use crate::support::{Backend, TestDb};
use serde_json::{Value, json};
use twenty_server::query::{
    Action, Comparator, Event, Filter, Selector, Target, create, delete, destroy, events_after,
    find_one, restore, update,
};
use twenty_server::store::WorkspaceDb;

async fn log(db: &Db) -> Vec<Event> {
    events_after(db.target(), 0, 1000).await.expect("events")
}

fn selector(record: &Value) -> Selector {
    Selector::Id(uuid::Uuid::parse_str(record["id"].as_str().unwrap()).unwrap())
}

async fn every_write_logs_its_changes(db: Db) {
    let s = schema();
    let acme = create_one(&db, "company", json!({"name": "Acme", "employees": 5}))
        .await
        .expect("create");
    let events = log(&db).await;
    assert_eq!(events.len(), 1);
    let created = &events[0];
    assert_eq!(created.action, Action::Created);
    assert_eq!(created.object, "company");
    assert_eq!(created.record_id, acme["id"].as_str().unwrap());
    assert_eq!(created.before, None);
    assert_eq!(created.after.as_ref(), Some(&acme));
    assert!(created.updated_fields.is_empty());
    assert_eq!(
        created.actor,
        json!({"source": "API", "name": "Zapier key", "workspaceMemberId": null, "apiKeyId": "6f1c2a4e-0000-4000-8000-000000000001"})
    );
    assert_eq!(created.created_at, acme["createdAt"].as_str().unwrap());
    assert!(uuid::Uuid::parse_str(&created.id).is_ok());

    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    let updated = update(
        db.target(),
        &s,
        "company",
        &selector(&acme),
        &rec(json!({"name": "Acme Inc", "employees": 5})),
        &actor(),
    )
    .await
    .expect("update");
    let deleted = delete(db.target(), &s, "company", &selector(&acme), &actor())
        .await
        .expect("delete");
    let restored = restore(db.target(), &s, "company", &selector(&acme), &actor())
        .await
        .expect("restore");
    let destroyed = destroy(db.target(), &s, "company", &selector(&acme), &actor())
        .await
        .expect("destroy");
    let events = log(&db).await;
    let actions: Vec<Action> = events.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            Action::Created,
            Action::Updated,
            Action::Deleted,
            Action::Restored,
            Action::Destroyed
        ]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    let e = &events[1];
    assert_eq!(e.before.as_ref(), Some(&acme));
    assert_eq!(e.after.as_ref(), Some(&updated[0]));
    assert_eq!(
        e.updated_fields,
        ["name"],
        "employees did not change; updatedAt is bookkeeping"
    );
    let e = &events[2];
    assert_eq!(e.before.as_ref(), Some(&updated[0]));
    assert_eq!(e.after.as_ref(), Some(&deleted[0]));
    assert_eq!(e.updated_fields, ["deletedAt"]);
    let e = &events[3];
    assert_eq!(e.before.as_ref(), Some(&deleted[0]));
    assert_eq!(e.after.as_ref(), Some(&restored[0]));
    assert_eq!(e.updated_fields, ["deletedAt"]);
    let e = &events[4];
    assert_eq!(e.before.as_ref(), Some(&destroyed[0]));
    assert_eq!(e.after, None);

    // Reading on from a position, with a limit.
    let rest = events_after(db.target(), seqs[1], 2).await.expect("after");
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), &seqs[2..4]);
}

async fn an_upsert_that_updates_logs_updated(db: Db) {
    let ada = create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "ada@acme.com"}}),
    )
    .await
    .expect("create");
    let batch = vec![
        rec(json!({"emails": {"primaryEmail": "ada@acme.com"}, "jobTitle": "CTO"})),
        rec(json!({"emails": {"primaryEmail": "alan@acme.com"}})),
    ];
    let written = create(db.target(), &schema(), "person", batch, true, &actor())
        .await
        .expect("upsert");
    let events = log(&db).await;
    assert_eq!(events.len(), 3);
    assert_eq!(events[1].action, Action::Updated);
    assert_eq!(events[1].record_id, ada["id"].as_str().unwrap());
    assert_eq!(events[1].before.as_ref(), Some(&ada));
    assert_eq!(events[1].after.as_ref(), Some(&written[0]));
    assert_eq!(events[1].updated_fields, ["jobTitle"]);
    assert_eq!(events[2].action, Action::Created);
    assert_eq!(events[2].after.as_ref(), Some(&written[1]));
}

async fn a_write_by_filter_logs_one_event_per_record(db: Db) {
    let s = schema();
    let batch = vec![rec(json!({"name": "same"})); 3];
    create(db.target(), &s, "company", batch, false, &actor())
        .await
        .expect("create");
    let same = Selector::Filter(Filter::cmp("name", Comparator::Eq, json!("same")));
    let deleted = delete(db.target(), &s, "company", &same, &actor())
        .await
        .expect("delete");
    assert_eq!(deleted.len(), 3);
    let events = log(&db).await;
    let deletions: Vec<&Event> = events
        .iter()
        .filter(|e| e.action == Action::Deleted)
        .collect();
    assert_eq!(deletions.len(), 3);
    let mut ids: Vec<&str> = deletions.iter().map(|e| e.record_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

async fn a_failed_write_logs_nothing(db: Db) {
    let s = schema();
    let acme = create_one(
        &db,
        "company",
        json!({"name": "Acme", "domainName": {"primaryLinkUrl": "acme.com"}}),
    )
    .await
    .expect("create");
    let before = log(&db).await;
    let batch = vec![
        rec(json!({"name": "fine"})),
        rec(json!({"name": "taken", "domainName": {"primaryLinkUrl": "acme.com"}})),
    ];
    let err = create(db.target(), &s, "company", batch, false, &actor())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "UNIQUE_VIOLATION");
    let other = create_one(&db, "company", json!({"name": "Beta"}))
        .await
        .expect("beta");
    let err = update(
        db.target(),
        &s,
        "company",
        &selector(&other),
        &rec(json!({"domainName": {"primaryLinkUrl": "acme.com"}})),
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "UNIQUE_VIOLATION", "{err}");
    let after = log(&db).await;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "only Beta's creation is logged"
    );
    assert_eq!(
        after.last().unwrap().record_id,
        other["id"].as_str().unwrap()
    );
    assert_ne!(acme["id"], other["id"]);
}

async fn a_destroy_logs_what_its_foreign_keys_change(db: Db) {
    let s = schema();
    let acme = create_one(&db, "company", json!({"name": "Acme"}))
        .await
        .expect("company");
    let ada = create_one(
        &db,
        "person",
        json!({"companyId": acme["id"], "jobTitle": "CEO"}),
    )
    .await
    .expect("person");
    let note = create_one(&db, "note", json!({"title": "Call"}))
        .await
        .expect("note");
    let target = create_one(
        &db,
        "noteTarget",
        json!({"noteId": note["id"], "companyId": acme["id"]}),
    )
    .await
    .expect("note target");
    let seen = log(&db).await.last().unwrap().seq;
    destroy(db.target(), &s, "company", &selector(&acme), &actor())
        .await
        .expect("destroy");
    let events = events_after(db.target(), seen, 100).await.expect("events");
    let summary: Vec<(&str, Action, &str)> = events
        .iter()
        .map(|e| (e.object.as_str(), e.action, e.record_id.as_str()))
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert!(
        summary.contains(&("person", Action::Updated, ada["id"].as_str().unwrap())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&(
            "noteTarget",
            Action::Destroyed,
            target["id"].as_str().unwrap()
        )),
        "{summary:?}"
    );
    assert_eq!(
        summary[2],
        ("company", Action::Destroyed, acme["id"].as_str().unwrap()),
        "the company last"
    );
    let person = events.iter().find(|e| e.object == "person").unwrap();
    assert_eq!(person.updated_fields, ["companyId"]);
    assert_eq!(person.after.as_ref().unwrap()["companyId"], Value::Null);
    assert_eq!(person.after.as_ref().unwrap()["jobTitle"], json!("CEO"));
    let notes = crate::query::writes::all(&db, "note", false).await;
    assert_eq!(notes.len(), 1, "the note itself stays");
    assert!(
        crate::query::writes::all(&db, "noteTarget", true)
            .await
            .is_empty()
    );
}

async fn concurrent_writes_all_land_in_the_log(db: Db) {
    let (a, b, c, d) = tokio::join!(
        create_one(&db, "company", json!({"name": "a"})),
        create_one(&db, "company", json!({"name": "b"})),
        create_one(&db, "person", json!({"jobTitle": "c"})),
        create_one(&db, "company", json!({"name": "d"})),
    );
    for r in [a, b, c, d] {
        r.expect("each concurrent write commits");
    }
    let events = log(&db).await;
    assert_eq!(events.len(), 4);
    let mut seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), 4);
}

/// Workspaces the store creates have the event log, and `migrate` gives it back to a
/// workspace that lacks it (one created before it existed).
async fn the_store_creates_the_event_log(backend: Backend) {
    let Some(db) = TestDb::new(backend, "eventlog").await else {
        return;
    };
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("Acme").await.unwrap();
    let data = store.workspace_db(workspace.id).await.unwrap();
    let read = |data: WorkspaceDb| async move {
        match &data {
            WorkspaceDb::Sqlite(db) => events_after(Target::Sqlite { db }, 0, 10).await,
            WorkspaceDb::Postgres {
                pool,
                schema,
                writers,
            } => {
                events_after(
                    Target::Postgres {
                        pool,
                        schema,
                        writers,
                    },
                    0,
                    10,
                )
                .await
            }
        }
        .map(|e| e.len())
    };
    assert_eq!(read(data.clone()).await.expect("the table exists"), 0);
    let drop = match &data {
        WorkspaceDb::Sqlite(db) => sqlx::raw_sql(r#"DROP TABLE "_twenty_event""#)
            .execute(&db.pool)
            .await
            .map(|_| ()),
        WorkspaceDb::Postgres { pool, schema, .. } => sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            r#"DROP TABLE "{schema}"."_twenty_event""#
        )))
        .execute(pool)
        .await
        .map(|_| ()),
    };
    drop.expect("drop the log");
    assert!(read(data.clone()).await.is_err());
    if backend == Backend::Postgres {
        let pending = store.pending_migrations(workspace.id).await.unwrap();
        assert!(
            pending.iter().any(|p| p.contains("_twenty_event")),
            "{pending:?}"
        );
    }
    store
        .migrate_workspace(workspace.id)
        .await
        .expect("migrate");
    assert_eq!(read(data).await.expect("the table is back"), 0);
}

crate::query_on_both!(
    every_write_logs_its_changes,
    every_write_logs_its_changes_sqlite,
    every_write_logs_its_changes_postgres
);
crate::query_on_both!(
    an_upsert_that_updates_logs_updated,
    upsert_logs_updated_sqlite,
    upsert_logs_updated_postgres
);
crate::query_on_both!(
    a_write_by_filter_logs_one_event_per_record,
    filter_write_events_sqlite,
    filter_write_events_postgres
);
crate::query_on_both!(
    a_failed_write_logs_nothing,
    a_failed_write_logs_nothing_sqlite,
    a_failed_write_logs_nothing_postgres
);
crate::query_on_both!(
    concurrent_writes_all_land_in_the_log,
    concurrent_writes_sqlite,
    concurrent_writes_postgres
);
crate::query_on_both!(
    a_destroy_logs_what_its_foreign_keys_change,
    destroy_cascade_events_sqlite,
    destroy_cascade_events_postgres
);
both!(the_store_creates_the_event_log);

/// SQLite writers of one file queue on its write turn (instead of sleeping in SQLite's
/// busy handler): while a turn is held, a write waits, and goes ahead once it is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_take_turns() {
    let db = crate::query::support::sqlite().await;
    let Db::Sqlite { db: file, .. } = &db else {
        unreachable!("a SQLite database")
    };
    let turn = file.writers.hold().await;
    let write = create_one(&db, "company", json!({"name": "queued"}));
    tokio::pin!(write);
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), &mut write).await;
    assert!(
        early.is_err(),
        "the write went ahead while another writer held the turn: {early:?}"
    );
    assert!(log(&db).await.is_empty(), "nothing is written yet");
    drop(turn);
    write
        .await
        .expect("the queued write commits once the turn is free");
    assert_eq!(log(&db).await.len(), 1);
}

/// Writers queued together commit as one group: each in a savepoint, so a writer that
/// fails (a taken unique value) leaves nothing of its own, and the others' records and
/// events all land, with one event each and increasing `seq`.
async fn a_write_group_keeps_all_but_its_failed_writers(db: Db) {
    let db = std::sync::Arc::new(db);
    create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "taken@acme.com"}}),
    )
    .await
    .expect("the first person");
    // Queue every writer behind a held turn, so they run as one group once it is free.
    let turn: Box<dyn std::any::Any + Send> = match &*db {
        Db::Sqlite { db: file, .. } => Box::new(file.writers.hold().await),
        Db::Postgres { writers, .. } => Box::new(writers.hold().await),
    };
    let writes: Vec<_> = (0..12)
        .map(|i| {
            let email = match i % 4 {
                3 => "taken@acme.com".to_owned(),
                _ => format!("p{i}@acme.com"),
            };
            let db = db.clone();
            tokio::spawn(async move {
                create_one(&db, "person", json!({"emails": {"primaryEmail": email}})).await
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    drop(turn);
    let mut landed = Vec::new();
    for (i, write) in writes.into_iter().enumerate() {
        match (i % 4, write.await.expect("the task")) {
            (3, Err(e)) => assert_eq!(e.code(), "UNIQUE_VIOLATION", "{e}"),
            (3, Ok(r)) => panic!("writer {i} reused a taken email: {r}"),
            (_, Ok(r)) => landed.push(r["id"].as_str().unwrap().to_owned()),
            (_, Err(e)) => panic!("writer {i} failed: {e}"),
        }
    }
    assert_eq!(landed.len(), 9);
    let events = log(&db).await;
    assert_eq!(events.len(), 10, "the first person and the 9 that landed");
    for id in &landed {
        assert_eq!(events.iter().filter(|e| &e.record_id == id).count(), 1);
        let found = find_one(db.target(), &schema(), "person", id, 0, None)
            .await
            .expect("read");
        assert!(
            found.is_some(),
            "person {id} was answered written but is not"
        );
    }
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
}

crate::query_on_both!(
    a_write_group_keeps_all_but_its_failed_writers,
    a_write_group_keeps_its_writers_sqlite,
    a_write_group_keeps_its_writers_postgres
);

/// A writer that gives up in its turn (dropped without committing) undoes only its own
/// work: the writer before it, waiting for the group's commit, still commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_writer_undoes_only_its_own_work() {
    let db = crate::query::support::sqlite().await;
    let Db::Sqlite { db: file, .. } = &db else {
        unreachable!("a SQLite database")
    };
    sqlx::raw_sql("CREATE TABLE t (v TEXT)")
        .execute(&file.pool)
        .await
        .unwrap();
    let insert = |v: &'static str| sqlx::query("INSERT INTO t (v) VALUES (?)").bind(v);
    let mut first = file.writers.begin(&file.pool).await.expect("first turn");
    insert("kept").execute(first.conn()).await.unwrap();
    let (writers, pool) = (file.writers.clone(), file.pool.clone());
    let second = tokio::spawn(async move { writers.begin(&pool).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // A writer is queued: the first leaves its work to the group and waits for its commit.
    let committed = tokio::spawn(first.commit());
    let mut second = second.await.unwrap().expect("second turn");
    insert("undone").execute(second.conn()).await.unwrap();
    drop(second);
    committed
        .await
        .unwrap()
        .expect("the first writer's group commits");
    let rows: Vec<String> = sqlx::query_scalar("SELECT v FROM t")
        .fetch_all(&file.pool)
        .await
        .unwrap();
    assert_eq!(rows, ["kept"]);
    // The file is free for the next writer (no transaction left open).
    let mut third = file.writers.begin(&file.pool).await.expect("third turn");
    insert("later").execute(third.conn()).await.unwrap();
    third.commit().await.expect("commit");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&file.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

/// On Postgres, logging takes the workspace's event-log lock (so `seq` follows commit
/// order across server processes too): while another session holds it, a write waits,
/// and goes ahead once it is released.
#[tokio::test]
async fn a_postgres_write_waits_for_the_event_log_lock() {
    let Some(db) = crate::query::support::postgres("event_log_lock").await else {
        return;
    };
    let Db::Postgres { pool, schema, .. } = &db else {
        unreachable!("a Postgres database")
    };
    let mut other = pool.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(hashtext($1))")
        .bind(format!("{schema}._twenty_event"))
        .execute(&mut *other)
        .await
        .unwrap();
    let write = create_one(&db, "company", json!({"name": "waits"}));
    tokio::pin!(write);
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), &mut write).await;
    assert!(
        early.is_err(),
        "the write logged while the lock was held: {early:?}"
    );
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
        .bind(format!("{schema}._twenty_event"))
        .execute(&mut *other)
        .await
        .unwrap();
    write
        .await
        .expect("the write commits once the lock is free");
    assert_eq!(log(&db).await.len(), 1);
}
