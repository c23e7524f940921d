//! Filter cases run on both backends with the same expected records: every comparator,
//! composite sub-fields, relations by join column, nested and / or / not, NULLs.

use crate::query::seed::{self, id};
use crate::query::support::{Db, schema};
use serde_json::{Value, json};
use twenty_server::query::{Comparator::*, Filter, Query, find_many};

fn f(field: &str, op: twenty_server::query::Comparator, v: Value) -> Filter {
    Filter::cmp(field, op, v)
}

fn s(field: &str, sub: &str, op: twenty_server::query::Comparator, v: Value) -> Filter {
    Filter::sub(field, sub, op, v)
}

/// (object, filter, expected labels) — the expected set is of live records.
fn cases() -> Vec<(&'static str, Filter, &'static str)> {
    vec![
        ("company", f("name", Eq, json!("Acme")), "c1"),
        ("company", f("name", Neq, json!("Acme")), "c2 c3 c4 c6 c8"),
        (
            "company",
            f("name", In, json!(["Acme", "Beta", "Nope"])),
            "c1 c2",
        ),
        ("company", f("name", In, json!([])), ""),
        ("company", f("name", Is, json!("NULL")), "c5"),
        (
            "company",
            f("name", Is, json!("NOT_NULL")),
            "c1 c2 c3 c4 c6 c8",
        ),
        ("company", f("name", Gt, json!("Beta")), "c3 c4 c6 c8"),
        ("company", f("name", Gte, json!("Beta")), "c2 c3 c4 c6 c8"),
        ("company", f("name", Lt, json!("Beta")), "c1"),
        ("company", f("name", Lte, json!("Beta")), "c1 c2"),
        ("company", f("name", StartsWith, json!("Ac")), "c1"),
        ("company", f("name", StartsWith, json!("Gamma_")), "c4"),
        ("company", f("name", StartsWith, json!("Delta%")), "c6"),
        ("company", f("name", EndsWith, json!("labs")), "c3"),
        ("company", f("name", EndsWith, json!("%")), "c6"),
        ("company", f("name", Like, json!("%cme%")), "c1 c3"),
        ("company", f("name", Like, json!("A%")), "c1"),
        ("company", f("name", Like, json!("Gamma\\_X")), "c4"),
        ("company", f("name", Like, json!("G_mma?X")), ""),
        ("company", f("name", Like, json!("%[*]%")), ""),
        ("company", f("name", Ilike, json!("acme%")), "c1 c3"),
        ("company", f("name", Ilike, json!("%Pée")), "c8"),
        ("company", f("employees", Eq, json!(100)), "c1 c5"),
        ("company", f("employees", Eq, json!("100")), "c1 c5"),
        ("company", f("employees", Neq, json!(100)), "c2 c4 c6 c8"),
        ("company", f("employees", Gt, json!(50)), "c1 c5"),
        ("company", f("employees", Gte, json!(50)), "c1 c2 c5"),
        ("company", f("employees", Lt, json!(10)), "c6"),
        ("company", f("employees", Lte, json!(10)), "c4 c6"),
        ("company", f("employees", In, json!([10, 7.5])), "c4 c6"),
        ("company", f("employees", Is, json!("NULL")), "c3"),
        (
            "company",
            f("idealCustomerProfile", Eq, json!(true)),
            "c1 c4 c6",
        ),
        (
            "company",
            f("idealCustomerProfile", Neq, json!(true)),
            "c2 c3 c5 c8",
        ),
        (
            "company",
            f("idealCustomerProfile", Eq, json!("false")),
            "c2 c3 c5 c8",
        ),
        ("company", f("id", Eq, json!(id("c2"))), "c2"),
        (
            "company",
            f("id", Neq, json!(id("c2"))),
            "c1 c3 c4 c5 c6 c8",
        ),
        (
            "company",
            f("id", In, json!([id("c1"), id("c3"), id("c7")])),
            "c1 c3",
        ),
        (
            "company",
            f("createdAt", Gt, json!("2024-04-01T10:00:00Z")),
            "c5 c6 c8",
        ),
        (
            "company",
            f("createdAt", Gte, json!("2024-04-01T10:00:00.000Z")),
            "c4 c5 c6 c8",
        ),
        ("company", f("createdAt", Lte, json!("2024-02-01")), "c1"),
        (
            "company",
            f("createdAt", Lt, json!("2024-03-01T10:00:00.000Z")),
            "c1 c2",
        ),
        (
            "company",
            f("createdAt", Eq, json!("2024-02-01T10:00:00+00:00")),
            "c2",
        ),
        (
            "company",
            f(
                "createdAt",
                In,
                json!(["2024-01-01T10:00:00Z", "2024-08-01T10:00:00Z"]),
            ),
            "c1 c8",
        ),
        ("company", f("position", Gte, json!(6)), "c6 c8"),
        (
            "company",
            s("address", "addressCity", Eq, json!("Paris")),
            "c1 c3 c8",
        ),
        (
            "company",
            s("address", "addressCity", In, json!(["London", "Berlin"])),
            "c2 c5",
        ),
        (
            "company",
            s("address", "addressCity", Is, json!("NULL")),
            "c4",
        ),
        (
            "company",
            s("address", "addressCity", Ilike, json!("berlin")),
            "c5 c6",
        ),
        (
            "company",
            s("address", "addressCity", Like, json!("berlin")),
            "c6",
        ),
        (
            "company",
            s(
                "annualRecurringRevenue",
                "amountMicros",
                Gt,
                json!(500000000),
            ),
            "c1 c4",
        ),
        (
            "company",
            s("annualRecurringRevenue", "amountMicros", Eq, json!(0)),
            "c5",
        ),
        (
            "company",
            s(
                "annualRecurringRevenue",
                "amountMicros",
                In,
                json!([0, 2000000000]),
            ),
            "c4 c5",
        ),
        (
            "company",
            s("annualRecurringRevenue", "currencyCode", Eq, json!("USD")),
            "c1 c4 c5",
        ),
        (
            "company",
            s("domainName", "primaryLinkUrl", EndsWith, json!(".com")),
            "c1 c4",
        ),
        (
            "company",
            s("createdBy", "source", Eq, json!("MANUAL")),
            "c1 c2 c3 c4 c5 c6 c8",
        ),
        (
            "company",
            Filter::And(vec![
                s("address", "addressCity", Eq, json!("Paris")),
                f("employees", Gte, json!(100)),
            ]),
            "c1",
        ),
        (
            "company",
            Filter::Or(vec![
                f("name", Eq, json!("Beta")),
                f("employees", Lt, json!(10)),
            ]),
            "c2 c6",
        ),
        (
            "company",
            Filter::Not(Box::new(s("address", "addressCity", Eq, json!("Paris")))),
            "c2 c5 c6",
        ),
        (
            "company",
            Filter::Not(Box::new(Filter::Or(vec![
                f("idealCustomerProfile", Eq, json!(true)),
                f("name", Is, json!("NULL")),
            ]))),
            "c2 c3 c8",
        ),
        (
            "company",
            Filter::And(vec![
                Filter::Or(vec![
                    s("address", "addressCity", Eq, json!("Paris")),
                    s("address", "addressCity", Eq, json!("London")),
                ]),
                Filter::Not(Box::new(f("name", Like, json!("%labs")))),
            ]),
            "c1 c2 c8",
        ),
        ("company", Filter::And(vec![]), "c1 c2 c3 c4 c5 c6 c8"),
        ("company", Filter::Or(vec![]), ""),
        (
            "company",
            f("accountOwnerId", Is, json!("NULL")),
            "c1 c2 c3 c4 c5 c6 c8",
        ),
        ("person", s("name", "firstName", Eq, json!("Ada")), "p1"),
        (
            "person",
            s("name", "firstName", Ilike, json!("ada")),
            "p1 p4",
        ),
        ("person", s("name", "lastName", Is, json!("NULL")), "p4"),
        (
            "person",
            s("name", "lastName", StartsWith, json!("T")),
            "p2 p5",
        ),
        ("person", f("companyId", Eq, json!(id("c1"))), "p1 p2"),
        ("person", f("company", Eq, json!(id("c1"))), "p1 p2"),
        ("person", f("companyId", Is, json!("NULL")), "p4"),
        (
            "person",
            s("emails", "primaryEmail", Like, json!("%@acme.com")),
            "p1 p2",
        ),
        ("person", f("jobTitle", In, json!(["CEO", "CTO"])), "p1 p2"),
        ("opportunity", f("stage", Eq, json!("CUSTOMER")), "o3 o4"),
        (
            "opportunity",
            f("stage", In, json!(["NEW", "MEETING"])),
            "o1 o2",
        ),
        ("opportunity", f("stage", Neq, json!("NEW")), "o2 o3 o4"),
        (
            "workflow",
            f("statuses", ContainsAny, json!(["ACTIVE"])),
            "w2 w4",
        ),
        (
            "workflow",
            f("statuses", ContainsAny, json!(["DRAFT", "DEACTIVATED"])),
            "w1 w2",
        ),
        ("workflow", f("statuses", ContainsAny, json!([])), ""),
        ("workflow", f("statuses", Is, json!("NULL")), "w3"),
    ]
}

async fn labels(db: &Db, query: &Query) -> String {
    let page = find_many(db.target(), &schema(), query)
        .await
        .unwrap_or_else(|e| panic!("{query:?}: {e}"));
    let mut labels: Vec<String> = page
        .records
        .iter()
        .map(|r| seed::label(r["id"].as_str().unwrap_or_default()))
        .collect();
    labels.sort();
    labels.join(" ")
}

pub async fn every_case(db: Db) {
    seed::standard(&db).await;
    let cases = cases();
    assert!(cases.len() >= 40);
    let mut failures = Vec::new();
    for (object, filter, expected) in cases {
        let mut query = Query::new(object);
        query.filter = Some(filter.clone());
        let got = labels(&db, &query).await;
        if got != expected {
            failures.push(format!(
                "{object} {filter:?}: expected [{expected}], got [{got}]"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{:?}:\n{}",
        db.dialect(),
        failures.join("\n")
    );
}

pub async fn soft_deleted(db: Db) {
    seed::standard(&db).await;
    let mut query = Query::new("company");
    query.filter = Some(f("name", Eq, json!("Zeta")));
    assert_eq!(labels(&db, &query).await, "");
    query.with_deleted = true;
    assert_eq!(labels(&db, &query).await, "c7");
}

crate::query_on_both!(every_case, every_case_sqlite, every_case_postgres);
crate::query_on_both!(soft_deleted, soft_deleted_sqlite, soft_deleted_postgres);
