//! The event log: one event per changed record with before / after / updatedFields and
//! the actor, in the write's transaction (a failed write logs nothing), read in order.

use crate::both;
use crate::query::support::{Db, schema};
use crate::query::writes::{actor, create_member, create_one, rec};
use crate::support::{Backend, TestDb};
use serde_json::{Value, json};
use sqlx::Connection;
use twenty_server::query::{
    Action, Comparator, Event, Filter, LogPosition, Selector, Target, create, delete, destroy,
    events_after, find_one, restore, update,
};
use twenty_server::store::WorkspaceDb;

/// Every event after `after`, once all committed events can be read: on Postgres the log
/// is read only up to the oldest running transaction of the whole server, and tests on
/// other databases run beside this one, so a committed event may show a moment later.
async fn settled(db: &Db, after: LogPosition) -> Vec<Event> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let events = events_after(db.target(), after, 1000)
            .await
            .expect("events");
        let committed: i64 = match db {
            Db::Sqlite { .. } => return events,
            Db::Postgres { pool, schema, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                r#"SELECT COUNT(*) FROM "{schema}"."_twenty_event" WHERE ("xid", "seq") > ($1, $2)"#
            )))
            .bind(after.xid)
            .bind(after.seq)
            .fetch_one(pool)
            .await
            .expect("count"),
        };
        if events.len() as i64 == committed {
            return events;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{committed} events committed, {} readable after 30 s",
            events.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn log(db: &Db) -> Vec<Event> {
    settled(db, LogPosition::START).await
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
    let positions: Vec<LogPosition> = events.iter().map(|e| e.position).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

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
    let rest = events_after(db.target(), positions[1], 2)
        .await
        .expect("after");
    assert_eq!(
        rest.iter().map(|e| e.position).collect::<Vec<_>>(),
        &positions[2..4]
    );
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
    let seen = log(&db).await.last().unwrap().position;
    destroy(db.target(), &s, "company", &selector(&acme), &actor())
        .await
        .expect("destroy");
    let events = settled(&db, seen).await;
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
    let mut positions: Vec<LogPosition> = events.iter().map(|e| e.position).collect();
    positions.dedup();
    assert_eq!(positions.len(), 4);
}

/// `pending_migrations` names the event log (a Postgres workspace lacks it or its column).
async fn log_is_pending(store: &twenty_server::store::Store, workspace: uuid::Uuid) {
    let pending = store.pending_migrations(workspace).await.unwrap();
    assert!(
        pending.iter().any(|p| p.contains("_twenty_event")),
        "{pending:?}"
    );
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
        events_after(Target::from(&data), LogPosition::START, 10)
            .await
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
        log_is_pending(&store, workspace.id).await;
    }
    store
        .migrate_workspace(workspace.id)
        .await
        .expect("migrate");
    assert_eq!(read(data.clone()).await.expect("the table is back"), 0);
    // A Postgres log made before its `xid` column gets the column from `migrate`.
    if let WorkspaceDb::Postgres { pool, schema, .. } = &data {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            r#"ALTER TABLE "{schema}"."_twenty_event" DROP COLUMN "xid""#
        )))
        .execute(pool)
        .await
        .expect("drop the column");
        assert!(read(data.clone()).await.is_err());
        log_is_pending(&store, workspace.id).await;
        store
            .migrate_workspace(workspace.id)
            .await
            .expect("migrate");
        assert_eq!(read(data).await.expect("the column is back"), 0);
    }
}

/// A created record's event carries the record the create returned, for values of every
/// type (on Postgres the INSERT logs the event, with the record built by the database):
/// lone creates with and without a relation to check, and a batch.
async fn a_created_records_event_is_the_record(db: Db) {
    let acme = create_one(
        &db,
        "company",
        json!({
            "name": "O'Brien \"Co\" ünï ☃",
            "employees": 7.5,
            "address": {"addressLat": 48.85, "addressLng": 2, "addressCity": "Paris"},
            "idealCustomerProfile": true,
            "annualRecurringRevenue": {"amountMicros": 1_500_000_000_i64, "currencyCode": "EUR"},
            "domainName": {"primaryLinkUrl": "acme.com", "secondaryLinks": [{"url": "https://acme.dev", "label": "dev"}]},
        }),
    )
    .await
    .expect("company");
    let mut created = vec![acme.clone()];
    for employees in [
        json!(1e20),
        json!(-3),
        json!(0.1),
        json!(123_456_789.123_f64),
    ] {
        created.push(
            create_one(&db, "company", json!({"name": "N", "employees": employees}))
                .await
                .expect("company"),
        );
    }
    created.push(
        create_one(
            &db,
            "opportunity",
            json!({
                "name": "Deal",
                "closeDate": "2024-05-01T14:30:00.123456+02:00",
                "amount": {"amountMicros": 0.5, "currencyCode": "USD"},
                "stage": "MEETING",
                "companyId": acme["id"],
            }),
        )
        .await
        .expect("opportunity"),
    );
    created.push(
        create_one(
            &db,
            "person",
            json!({
                "name": {"firstName": "Ada", "lastName": ""},
                "emails": {"primaryEmail": "ada@acme.com", "additionalEmails": ["ada@home.org"]},
                "phones": {"primaryPhoneNumber": "6 12 34 56 78", "primaryPhoneCountryCode": "FR"},
                "position": 2.25,
            }),
        )
        .await
        .expect("person"),
    );
    created.push(
        create_one(
            &db,
            "workflow",
            json!({"name": "W", "statuses": ["ACTIVE", "DRAFT"]}),
        )
        .await
        .expect("workflow"),
    );
    let member = create_member(&db).await;
    created.push(member.clone());
    created.push(
        create_one(
            &db,
            "connectedAccount",
            json!({
                "provider": "google",
                "accountOwnerId": member["id"],
                "scopes": [],
                "connectionParameters": {"imap": {"port": 993, "ratio": 0.25, "tags": ["a", null], "on": false}},
            }),
        )
        .await
        .expect("connected account"),
    );
    created.extend(
        create(
            db.target(),
            &schema(),
            "note",
            vec![
                rec(json!({"title": "N1", "bodyV2": {"markdown": "# Hi", "blocknote": "[]"}})),
                rec(json!({"title": "N2"})),
                rec(json!({})),
            ],
            false,
            &actor(),
        )
        .await
        .expect("notes"),
    );
    let events = log(&db).await;
    assert_eq!(events.len(), created.len());
    for (event, record) in events.iter().zip(&created) {
        assert_eq!(event.action, Action::Created);
        assert_eq!(event.record_id, record["id"].as_str().unwrap());
        assert_eq!(event.after.as_ref(), Some(record), "{}", event.object);
    }
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
crate::query_on_both!(
    a_created_records_event_is_the_record,
    created_event_record_sqlite,
    created_event_record_postgres
);
both!(the_store_creates_the_event_log);

/// A SQLite store with one workspace, opened as the server opens it: the store's place
/// (dropping it removes the files), the store, the workspace's file and its data.
async fn sqlite_workspace(
    test: &str,
) -> (TestDb, twenty_server::store::Store, std::path::PathBuf, Db) {
    let db = TestDb::new(Backend::Sqlite, test).await.expect("SQLite");
    let twenty_server::config::Database::Sqlite { data_dir } = &db.database else {
        unreachable!("a SQLite store")
    };
    let path = data_dir.join("workspaces");
    let store = db.store().await;
    let (workspace, _) = store.create_workspace("Acme").await.unwrap();
    let WorkspaceDb::Sqlite(file) = store.workspace_db(workspace.id).await.unwrap() else {
        unreachable!("a SQLite workspace")
    };
    let path = path.join(format!("{}.sqlite", workspace.id));
    let data = Db::Sqlite {
        db: file,
        _dir: None,
    };
    (db, store, path, data)
}

/// No connection of a workspace file checkpoints its WAL at commit: the write group does,
/// in the background, after its commits. A copy of the database file alone (without its
/// WAL) soon holds a record just written, though far fewer pages were written than
/// SQLite's own checkpoint waits for (1,000).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writes_reach_the_database_file_in_the_background() {
    let (_db, store, path, data) = sqlite_workspace("checkpoint").await;
    create_one(&data, "company", json!({"name": "Checkpointed"}))
        .await
        .expect("create");
    let copies = tempfile::tempdir().expect("a temporary directory");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for attempt in 0.. {
        let copy = copies.path().join(format!("copy{attempt}.sqlite"));
        std::fs::copy(&path, &copy).expect("copy the database file");
        let mut conn = sqlx::SqliteConnection::connect_with(
            &sqlx::sqlite::SqliteConnectOptions::new().filename(&copy),
        )
        .await
        .expect("open the copy");
        // Until then the file may not even hold the table (the migrations are in the WAL).
        let found: i64 =
            sqlx::query_scalar(r#"SELECT COUNT(*) FROM "company" WHERE "name" = 'Checkpointed'"#)
                .fetch_one(&mut conn)
                .await
                .unwrap_or(0);
        if found == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the record never reached the database file"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    store.close().await;
}

/// Under a steady stream of writes the WAL still starts over from its beginning (its
/// header's checkpoint sequence number grows), rather than growing without end: the
/// background checkpoint finishes with the turn held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_sqlite_file_starts_its_wal_over() {
    let (_db, store, path, data) = sqlite_workspace("wal_restart").await;
    let data = std::sync::Arc::new(data);
    let wal = path.with_extension("sqlite-wal");
    // Bytes 12..16 of the WAL header: the checkpoint sequence number.
    let sequence = || {
        let header = std::fs::read(&wal).expect("the WAL");
        u32::from_be_bytes(header[12..16].try_into().unwrap())
    };
    create_one(&data, "company", json!({"name": "first"}))
        .await
        .expect("create");
    let first = sequence();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (data, stop) = (data.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    create_one(&data, "company", json!({"name": format!("w{w} {n}")}))
                        .await
                        .expect("create");
                    n += 1;
                }
            })
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sequence() == first && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let started_over = sequence() != first;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    assert!(started_over, "the WAL never started over while written to");
    store.close().await;
}

/// A SQLite group's events are inserted by one statement before its `COMMIT`: when that
/// fails, every writer of the group gets the error and none of their records is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_whose_events_fail_writes_nothing() {
    let db = std::sync::Arc::new(crate::query::support::sqlite().await);
    let Db::Sqlite { db: file, .. } = &*db else {
        unreachable!("a SQLite database")
    };
    // Queue three writers behind a held turn, so they run as one group once it is free.
    let turn = file.writers.hold().await;
    let writes: Vec<_> = (0..3)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                create_one(&db, "company", json!({"name": format!("c{i}")})).await
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // The log is gone: the group's event insert will fail.
    sqlx::raw_sql(r#"DROP TABLE "_twenty_event""#)
        .execute(&file.pool)
        .await
        .expect("drop the log");
    drop(turn);
    for write in writes {
        let err = write
            .await
            .expect("the task")
            .expect_err("no writer of the group is answered written");
        assert_eq!(err.code(), "DATABASE", "{err}");
    }
    assert!(
        crate::query::writes::all(&db, "company", true)
            .await
            .is_empty(),
        "no record of the group is written"
    );
}

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

/// Concurrent writers of which some fail (a taken unique value): a failed writer leaves
/// nothing of its own, and the others' records and events all land, with one event each
/// and increasing positions. On SQLite they are queued to commit as one group (each in a
/// savepoint); on Postgres they run side by side, each in its own transaction.
async fn concurrent_writers_keep_all_but_the_failed_ones(db: Db) {
    let db = std::sync::Arc::new(db);
    create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "taken@acme.com"}}),
    )
    .await
    .expect("the first person");
    // On SQLite, queue every writer behind a held turn, so they run as one group once it
    // is free.
    let turn = match &*db {
        Db::Sqlite { db: file, .. } => Some(file.writers.hold().await),
        Db::Postgres { .. } => None,
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
    assert!(events.windows(2).all(|w| w[0].position < w[1].position));
}

crate::query_on_both!(
    concurrent_writers_keep_all_but_the_failed_ones,
    concurrent_writers_keep_all_but_the_failed_ones_sqlite,
    concurrent_writers_keep_all_but_the_failed_ones_postgres
);

/// A writer's statement, after what its turn puts before its first one.
async fn insert(
    turn: &mut twenty_server::store::write_group::Turn,
    v: &'static str,
) -> Result<(), sqlx::Error> {
    let (before, conn) = turn.statement();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{before}INSERT INTO t (v) VALUES (?)"
    )))
    .bind(v)
    .execute(conn)
    .await
    .map(|_| ())
}

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
    let mut first = file.writers.begin(&file.pool).await.expect("first turn");
    insert(&mut first, "kept").await.unwrap();
    let (writers, pool) = (file.writers.clone(), file.pool.clone());
    let second = tokio::spawn(async move { writers.begin(&pool).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // A writer is queued: the first leaves its work to the group and waits for its commit.
    let committed = tokio::spawn(first.commit());
    let mut second = second.await.unwrap().expect("second turn");
    // Its first statement (run with the hand-over of the first writer's work) fails.
    let (before, conn) = second.statement();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "{before}INSERT INTO missing VALUES (1)"
    )))
    .execute(conn)
    .await
    .expect_err("no such table");
    insert(&mut second, "undone").await.unwrap();
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
    insert(&mut third, "later").await.unwrap();
    third.commit().await.expect("commit");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&file.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

/// On Postgres a workspace's writers do not wait for each other, and the log is read in
/// `(xid, seq)` order only up to the oldest running transaction: an event committed while
/// an older transaction that has logged is still open is held back until that one ends,
/// so a reader never moves past an event still to come.
#[tokio::test]
async fn a_postgres_reader_waits_for_older_transactions() {
    let Some(db) = crate::query::support::postgres("event_log_horizon").await else {
        return;
    };
    let Db::Postgres { pool, schema, .. } = &db else {
        unreachable!("a Postgres database")
    };
    // An older transaction that logs an event and stays open.
    let mut older = pool.begin().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        r#"INSERT INTO "{schema}"."_twenty_event" ("id", "objectNameSingular", "action",
           "recordId", "updatedFields", "actor", "createdAt")
           VALUES (gen_random_uuid(), 'company', 'created', gen_random_uuid(), '[]', '{{}}', now())"#
    )))
    .execute(&mut *older)
    .await
    .unwrap();
    let write = create_one(&db, "company", json!({"name": "later"}));
    let later = tokio::time::timeout(std::time::Duration::from_secs(10), write)
        .await
        .expect("a write does not wait for another workspace writer's transaction")
        .expect("the later write commits");
    let early = events_after(db.target(), LogPosition::START, 10)
        .await
        .unwrap();
    assert!(
        early.is_empty(),
        "the later event is held back while an older transaction is open: {early:?}"
    );
    older.commit().await.unwrap();
    let events = log(&db).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].after, None, "the older transaction's event first");
    assert_eq!(events[1].record_id, later["id"].as_str().unwrap());
    assert!(events[0].position < events[1].position);
    // Read on from the first: only the second.
    let rest = events_after(db.target(), events[0].position, 10)
        .await
        .unwrap();
    assert_eq!(rest, events[1..]);
}
