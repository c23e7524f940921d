//! The default list ordering is served by an index from the model: on Postgres, a list
//! of people ordered by `createdAt` reads the `(createdAt ASC NULLS FIRST, id)` index
//! instead of scanning and sorting the table (checked through Postgres' own counters).

use super::support::{Db, PG_SCHEMA, postgres, schema};
use sqlx::{AssertSqlSafe, Connection, Row};
use std::time::{Duration, Instant};
use twenty_server::query::{Direction, OrderBy, Query, find_many};

/// The name of `person`'s index over `columns`, as the model derives it.
fn person_index(columns: &[&str]) -> String {
    let person = schema().object("person").cloned().expect("person");
    person
        .indexes()
        .into_iter()
        .find(|i| i.columns == columns)
        .map(|i| i.name)
        .unwrap_or_else(|| panic!("person has no index on {columns:?}"))
}

#[tokio::test]
async fn a_list_ordered_by_created_at_reads_the_index_on_postgres() {
    let Some(db) = postgres("list_reads_index").await else {
        return;
    };
    let Db::Postgres {
        pool,
        _db: Some(_db),
        ..
    } = &db
    else {
        unreachable!("postgres() returns a fresh Postgres database")
    };
    // Enough rows that a sequential scan and sort would be the planner's choice without
    // the index; ANALYZE so the planner knows it.
    db.exec(&format!(
        "INSERT INTO \"{PG_SCHEMA}\".person (\"nameFirstName\", \"createdAt\") \
         SELECT 'P' || i, timestamptz '2026-01-01' + i * interval '1 second' \
         FROM generate_series(1, 10000) i; ANALYZE \"{PG_SCHEMA}\".person"
    ))
    .await;

    let mut query = Query::new("person");
    query.order_by = vec![OrderBy::new("createdAt", Direction::AscNullsFirst)];
    query.page.first = Some(20);
    let page = find_many(db.target(), &schema(), &query)
        .await
        .expect("list people");
    let names: Vec<&str> = page
        .records
        .iter()
        .filter_map(|r| r["name"]["firstName"].as_str())
        .collect();
    let expected: Vec<String> = (1..=20).map(|i| format!("P{i}")).collect();
    assert_eq!(names, expected, "the 20 oldest people, oldest first");

    // A backend reports its scan counters when it exits: close the pool, then read them.
    pool.close().await;
    let index = person_index(&["createdAt", "id"]);
    let mut conn = sqlx::PgConnection::connect(&_db.url)
        .await
        .expect("connect");
    let deadline = Instant::now() + Duration::from_secs(10);
    // Nothing but the list can have scanned this index: the schema was created on empty
    // tables and the seeding only inserted.
    let index_scans = loop {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT coalesce(sum(idx_scan), 0)::bigint, pg_stat_clear_snapshot()::text \
             FROM pg_stat_user_indexes WHERE schemaname = '{PG_SCHEMA}' AND indexrelname = $1"
        )))
        .bind(&index)
        .fetch_one(&mut conn)
        .await
        .expect("read the index's scan counter");
        let scans: i64 = row.get(0);
        if scans > 0 || Instant::now() > deadline {
            break scans;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(index_scans >= 1, "the list did not read index {index}");
}
