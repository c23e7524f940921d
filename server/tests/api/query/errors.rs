//! Each kind of bad input gives its stable code and a message naming the problem, before
//! any statement runs.

use crate::query::seed;
use crate::query::support::{Db, schema};
use serde_json::json;
use twenty_server::query::{Comparator::*, Direction, Filter, OrderBy, Query, find_many};

fn filtered(object: &str, filter: Filter) -> Query {
    let mut q = Query::new(object);
    q.filter = Some(filter);
    q
}

fn cases() -> Vec<(Query, &'static str, &'static str)> {
    let mut list = vec![
        (Query::new("spaceship"), "UNKNOWN_OBJECT", "spaceship"),
        (
            filtered("company", Filter::cmp("nmae", Eq, json!("x"))),
            "UNKNOWN_FIELD",
            "nmae",
        ),
        (
            filtered("company", Filter::sub("address", "planet", Eq, json!("x"))),
            "UNKNOWN_SUB_FIELD",
            "planet",
        ),
        (
            filtered("company", Filter::sub("name", "first", Eq, json!("x"))),
            "UNKNOWN_SUB_FIELD",
            "first",
        ),
        (
            filtered("company", Filter::cmp("address", Eq, json!("x"))),
            "INVALID_FILTER",
            "addressCity",
        ),
        (
            filtered("company", Filter::cmp("people", Eq, json!("x"))),
            "INVALID_FILTER",
            "people",
        ),
        (
            filtered(
                "company",
                Filter::cmp("idealCustomerProfile", Gt, json!(true)),
            ),
            "INVALID_FILTER",
            "gt",
        ),
        (
            filtered("company", Filter::cmp("employees", Like, json!("1%"))),
            "INVALID_FILTER",
            "like",
        ),
        (
            filtered("workflow", Filter::cmp("statuses", Eq, json!("DRAFT"))),
            "INVALID_FILTER",
            "statuses",
        ),
        (
            filtered("company", Filter::cmp("employees", Eq, json!("many"))),
            "INVALID_VALUE",
            "many",
        ),
        (
            filtered("company", Filter::cmp("employees", Eq, json!(true))),
            "INVALID_VALUE",
            "employees",
        ),
        (
            filtered("company", Filter::cmp("name", Eq, json!(5))),
            "INVALID_VALUE",
            "name",
        ),
        (
            filtered("company", Filter::cmp("id", Eq, json!("not-a-uuid"))),
            "INVALID_VALUE",
            "not-a-uuid",
        ),
        (
            filtered("person", Filter::cmp("companyId", In, json!(["x"]))),
            "INVALID_VALUE",
            "companyId",
        ),
        (
            filtered("company", Filter::cmp("createdAt", Gt, json!("2024-13-01"))),
            "INVALID_VALUE",
            "2024-13-01",
        ),
        (
            filtered(
                "company",
                Filter::cmp("createdAt", Gt, json!("2024-02-30T00:00:00Z")),
            ),
            "INVALID_VALUE",
            "createdAt",
        ),
        (
            filtered("company", Filter::cmp("createdAt", Gt, json!("yesterday"))),
            "INVALID_VALUE",
            "yesterday",
        ),
        (
            filtered("opportunity", Filter::cmp("stage", Eq, json!("WON"))),
            "INVALID_VALUE",
            "WON",
        ),
        (
            filtered(
                "workflow",
                Filter::cmp("statuses", ContainsAny, json!(["LIVE"])),
            ),
            "INVALID_VALUE",
            "LIVE",
        ),
        (
            filtered(
                "company",
                Filter::sub("createdBy", "source", Eq, json!("ROBOT")),
            ),
            "INVALID_VALUE",
            "ROBOT",
        ),
        (
            filtered("company", Filter::cmp("name", In, json!("Acme"))),
            "INVALID_VALUE",
            "list",
        ),
        (
            filtered("company", Filter::cmp("name", Is, json!("EMPTY"))),
            "INVALID_VALUE",
            "NULL or NOT_NULL",
        ),
        (
            filtered(
                "company",
                Filter::Not(Box::new(Filter::cmp("name", Ilike, json!(3)))),
            ),
            "INVALID_VALUE",
            "pattern",
        ),
    ];
    let mut q = Query::new("company");
    q.page.first = Some(201);
    list.push((q, "LIMIT_EXCEEDED", "200"));
    let mut q = Query::new("company");
    q.page.last = Some(500);
    list.push((q, "LIMIT_EXCEEDED", "500"));
    let mut q = Query::new("company");
    q.page.after = Some("%%%".to_owned());
    list.push((q, "INVALID_CURSOR", "base64"));
    let mut q = Query::new("company");
    q.page.before = Some("bm90IGpzb24".to_owned());
    list.push((q, "INVALID_CURSOR", "JSON"));
    let mut q = Query::new("company");
    q.page.first = Some(1);
    q.page.last = Some(1);
    list.push((q, "INVALID_PAGE", "first"));
    let mut q = Query::new("company");
    q.depth = 2;
    list.push((q, "INVALID_PAGE", "depth"));
    let mut q = Query::new("company");
    q.fields = Some(vec!["name".to_owned(), "colour".to_owned()]);
    list.push((q, "UNKNOWN_FIELD", "colour"));
    let mut q = Query::new("workflow");
    q.order_by = vec![OrderBy::new("statuses", Direction::AscNullsFirst)];
    list.push((q, "INVALID_ORDER", "statuses"));
    let mut q = Query::new("company");
    q.order_by = vec![OrderBy::new("size", Direction::AscNullsFirst)];
    list.push((q, "UNKNOWN_FIELD", "size"));
    list
}

pub async fn codes(db: Db) {
    let s = schema();
    for (query, code, needle) in cases() {
        match find_many(db.target(), &s, &query).await {
            Ok(_) => panic!("{query:?} was accepted"),
            Err(e) => {
                assert_eq!(e.code(), code, "{query:?}: {e}");
                assert!(e.is_client_error());
                assert!(
                    e.to_string().contains(needle),
                    "`{e}` does not name `{needle}`"
                );
            }
        }
    }
    let mut ok = Query::new("company");
    ok.page.first = Some(200);
    assert!(
        find_many(db.target(), &s, &ok).await.is_ok(),
        "200 is allowed"
    );
}

/// A cursor of one ordering is refused by another; a tampered value is refused too.
pub async fn foreign_cursor(db: Db) {
    seed::standard(&db).await;
    let s = schema();
    let mut q = Query::new("company");
    q.order_by = vec![OrderBy::new("name", Direction::AscNullsFirst)];
    q.page.first = Some(2);
    let page = find_many(db.target(), &s, &q).await.expect("page");
    let cursor = page.page_info.end_cursor.expect("a cursor");
    let mut other = Query::new("company");
    other.order_by = vec![OrderBy::new("employees", Direction::AscNullsFirst)];
    other.page.after = Some(cursor);
    let e = find_many(db.target(), &s, &other)
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "INVALID_CURSOR");
    assert!(e.to_string().contains("employees"), "{e}");

    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!({"name": "Acme", "id": "nope"}).to_string());
    q.page.after = Some(forged);
    let e = find_many(db.target(), &s, &q).await.expect_err("refused");
    assert_eq!(e.code(), "INVALID_CURSOR");
}

crate::query_on_both!(codes, codes_sqlite, codes_postgres);
crate::query_on_both!(
    foreign_cursor,
    foreign_cursor_sqlite,
    foreign_cursor_postgres
);
