//! Ordering with the four null placements and ties, keyset pages forwards and backwards
//! (also while rows are inserted between pages), and totalCount.

use crate::query::seed::{id, label};
use crate::query::support::{Db, Lit, schema, t};
use std::cmp::Ordering;
use twenty_server::query::{Direction, OrderBy, Query, RecordPage, find_many};

const ROWS: usize = 23;

fn employees(i: usize) -> Option<f64> {
    (!i.is_multiple_of(5)).then_some((i % 4) as f64)
}

fn name(i: usize) -> Option<String> {
    (!i.is_multiple_of(7)).then(|| format!("N{}", i % 3))
}

async fn seed(db: &Db) {
    for i in 1..=ROWS {
        db.insert(
            "company",
            &[
                ("id", Lit::Uuid(id(&format!("c{i}")))),
                ("employees", employees(i).map_or(Lit::Null, Lit::Num)),
                ("name", name(i).map_or(Lit::Null, |n| t(&n))),
            ],
        )
        .await;
    }
}

fn cmp_key<T: PartialOrd>(a: &Option<T>, b: &Option<T>, dir: Direction) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) if dir.nulls_first() => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => cmp_key(b, a, dir).reverse(),
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
            if dir.is_asc() { o } else { o.reverse() }
        }
    }
}

/// Expected labels ordered by employees (`d1`) then name (`d2`), then id.
fn expected(d1: Direction, d2: Direction) -> Vec<String> {
    let mut rows: Vec<usize> = (1..=ROWS).collect();
    rows.sort_by(|a, b| {
        cmp_key(&employees(*a), &employees(*b), d1)
            .then(cmp_key(&name(*a), &name(*b), d2))
            .then(a.cmp(b))
    });
    rows.into_iter().map(|i| format!("c{i}")).collect()
}

fn query(d1: Direction, d2: Direction) -> Query {
    let mut q = Query::new("company");
    q.order_by = vec![OrderBy::new("employees", d1), OrderBy::new("name", d2)];
    q
}

fn labels(page: &RecordPage) -> Vec<String> {
    page.records
        .iter()
        .map(|r| label(r["id"].as_str().unwrap_or_default()))
        .collect()
}

const DIRECTIONS: [Direction; 4] = [
    Direction::AscNullsFirst,
    Direction::AscNullsLast,
    Direction::DescNullsFirst,
    Direction::DescNullsLast,
];

pub async fn ordering(db: Db) {
    seed(&db).await;
    for d1 in DIRECTIONS {
        for d2 in [Direction::AscNullsLast, Direction::DescNullsFirst] {
            let page = find_many(db.target(), &schema(), &query(d1, d2))
                .await
                .expect("list");
            assert_eq!(labels(&page), expected(d1, d2), "{d1:?} {d2:?}");
        }
    }
}

pub async fn forward_and_backward(db: Db) {
    seed(&db).await;
    for d1 in DIRECTIONS {
        let d2 = Direction::AscNullsFirst;
        let want = expected(d1, d2);
        let mut seen = Vec::new();
        let mut q = query(d1, d2);
        q.page.first = Some(4);
        loop {
            let page = find_many(db.target(), &schema(), &q).await.expect("page");
            assert_eq!(page.page_info.has_previous_page, q.page.after.is_some());
            seen.extend(labels(&page));
            if !page.page_info.has_next_page {
                break;
            }
            q.page.after = page.page_info.end_cursor.clone();
        }
        assert_eq!(seen, want, "forward {d1:?}");

        let mut seen: Vec<String> = Vec::new();
        let mut q = query(d1, d2);
        q.page.last = Some(5);
        loop {
            let page = find_many(db.target(), &schema(), &q).await.expect("page");
            let mut chunk = labels(&page);
            chunk.extend(seen);
            seen = chunk;
            if !page.page_info.has_previous_page {
                break;
            }
            q.page.before = page.page_info.start_cursor.clone();
        }
        assert_eq!(seen, want, "backward {d1:?}");
    }
}

pub async fn while_inserting(db: Db) {
    seed(&db).await;
    let mut q = query(Direction::DescNullsLast, Direction::AscNullsFirst);
    q.page.first = Some(3);
    let mut seen = Vec::new();
    let mut inserted = 0;
    loop {
        let page = find_many(db.target(), &schema(), &q).await.expect("page");
        seen.extend(labels(&page));
        // New rows land before, inside and after the part already read.
        inserted += 1;
        let n = 100 + inserted;
        let employees = [None, Some(0.0), Some(2.0), Some(9.0)][inserted % 4];
        db.insert(
            "company",
            &[
                ("id", Lit::Uuid(id(&format!("c{n}")))),
                ("employees", employees.map_or(Lit::Null, Lit::Num)),
            ],
        )
        .await;
        if !page.page_info.has_next_page {
            break;
        }
        q.page.after = page.page_info.end_cursor.clone();
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a row was visited twice: {seen:?}"
    );
    for i in 1..=ROWS {
        assert!(seen.contains(&format!("c{i}")), "c{i} was skipped");
    }
}

pub async fn total_count(db: Db) {
    seed(&db).await;
    let mut q = Query::new("company");
    q.page.first = Some(2);
    let page = find_many(db.target(), &schema(), &q).await.expect("page");
    assert_eq!((page.total_count, page.statements), (None, 1));
    q.count = true;
    q.filter = Some(twenty_server::query::Filter::cmp(
        "employees",
        twenty_server::query::Comparator::Is,
        serde_json::json!("NOT_NULL"),
    ));
    let page = find_many(db.target(), &schema(), &q).await.expect("page");
    let not_null = (1..=ROWS).filter(|i| employees(*i).is_some()).count() as i64;
    assert_eq!((page.total_count, page.statements), (Some(not_null), 2));
    assert_eq!(page.records.len(), 2);
    q.page.first = Some(0);
    let page = find_many(db.target(), &schema(), &q).await.expect("page");
    assert!(page.records.is_empty() && page.page_info.has_next_page);
    assert_eq!(page.total_count, Some(not_null));
}

crate::query_on_both!(ordering, ordering_sqlite, ordering_postgres);
crate::query_on_both!(
    forward_and_backward,
    forward_and_backward_sqlite,
    forward_and_backward_postgres
);
crate::query_on_both!(
    while_inserting,
    while_inserting_sqlite,
    while_inserting_postgres
);
crate::query_on_both!(total_count, total_count_sqlite, total_count_postgres);

/// Rows created within the same millisecond (Postgres keeps microseconds, records show
/// milliseconds): paging by createdAt still visits each exactly once.
pub async fn same_millisecond(db: Db) {
    let sql = match db.dialect() {
        twenty_codegen::emit::sql::Dialect::Postgres => format!(
            "INSERT INTO \"{}\".\"company\" (\"createdAt\") SELECT clock_timestamp() FROM generate_series(1, 30)",
            crate::query::support::PG_SCHEMA
        ),
        twenty_codegen::emit::sql::Dialect::Sqlite => "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) \
             INSERT INTO \"company\" (\"createdAt\") SELECT '2024-01-01T00:00:00.' || printf('%03d', i / 4) || 'Z' FROM n"
            .to_owned(),
    };
    db.exec(&sql).await;
    for direction in DIRECTIONS {
        let mut q = Query::new("company");
        q.order_by = vec![OrderBy::new("createdAt", direction)];
        let all = find_many(db.target(), &schema(), &q).await.expect("all");
        assert_eq!(all.records.len(), 30);
        let want: Vec<&serde_json::Value> = all.records.iter().map(|r| &r["id"]).collect();
        q.page.first = Some(4);
        let mut seen = Vec::new();
        loop {
            let page = find_many(db.target(), &schema(), &q).await.expect("page");
            seen.extend(page.records.iter().map(|r| r["id"].clone()));
            assert!(seen.len() <= 30, "rows revisited ({direction:?})");
            if !page.page_info.has_next_page {
                break;
            }
            q.page.after = page.page_info.end_cursor.clone();
        }
        let seen: Vec<&serde_json::Value> = seen.iter().collect();
        assert_eq!(seen, want, "{direction:?}");
    }
}

crate::query_on_both!(
    same_millisecond,
    same_millisecond_sqlite,
    same_millisecond_postgres
);
