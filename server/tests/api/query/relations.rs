//! Depth 1: many-to-one records embedded, one-to-many lists bounded per parent, and a
//! statement count independent of the number of rows.

use crate::query::seed::{self, id};
use crate::query::support::{Db, Lit, schema, t};
use serde_json::{Value, json};
use twenty_server::query::{Query, RecordPage, find_many};

async fn companies_with_people(db: &Db, companies: usize, people: usize) {
    for c in 1..=companies {
        let company = id(&format!("c{c}"));
        db.insert(
            "company",
            &[
                ("id", Lit::Uuid(company.clone())),
                ("name", t(&format!("C{c}"))),
            ],
        )
        .await;
        for p in 1..=people {
            db.insert(
                "person",
                &[
                    ("id", Lit::Uuid(id(&format!("p{}", c * 1000 + p)))),
                    ("nameFirstName", t(&format!("P{p}"))),
                    ("companyId", Lit::Uuid(company.clone())),
                ],
            )
            .await;
        }
    }
}

async fn depth1(db: &Db, object: &str) -> RecordPage {
    let mut q = Query::new(object);
    q.depth = 1;
    q.page.first = Some(200);
    find_many(db.target(), &schema(), &q)
        .await
        .expect("depth 1")
}

pub async fn constant_statements(db: Db) {
    companies_with_people(&db, 3, 2).await;
    let small = depth1(&db, "company").await;
    assert_eq!(small.records.len(), 3);
    companies_with_people_more(&db).await;
    let large = depth1(&db, "company").await;
    assert_eq!(large.records.len(), 20);
    assert_eq!(
        small.statements, large.statements,
        "statements grow with rows"
    );
    // The page plus one per one-to-many relation of company (people, taskTargets,
    // noteTargets, opportunities, favorites, attachments, timelineActivities); the empty
    // accountOwner keys need none.
    let one_to_many = schema()
        .object("company")
        .map(|o| {
            o.fields
                .iter()
                .filter(|f| {
                    f.relation
                        .as_ref()
                        .is_some_and(|r| r.kind == twenty_codegen::model::RelationKind::OneToMany)
                })
                .count()
        })
        .unwrap_or_default();
    assert_eq!(large.statements, 1 + one_to_many);
    for record in &large.records {
        let people = record["people"].as_array().expect("people list");
        assert_eq!(people.len(), 10, "{}", record["name"]);
        assert!(people.iter().all(|p| p["companyId"] == record["id"]));
        assert_eq!(record["accountOwner"], Value::Null);
        assert_eq!(record["opportunities"], json!([]));
    }
    let people = depth1(&db, "person").await;
    assert_eq!(people.records.len(), 200);
    for p in &people.records {
        assert_eq!(p["company"]["id"], p["companyId"]);
        assert!(p["company"]["name"].is_string());
    }
}

async fn companies_with_people_more(db: &Db) {
    for c in 4..=20 {
        let company = id(&format!("c{c}"));
        db.insert(
            "company",
            &[
                ("id", Lit::Uuid(company.clone())),
                ("name", t(&format!("C{c}"))),
            ],
        )
        .await;
    }
    for c in 1..=20 {
        let first = if c <= 3 { 3 } else { 1 };
        for p in first..=10 {
            db.insert(
                "person",
                &[
                    ("id", Lit::Uuid(id(&format!("p{}", c * 1000 + p)))),
                    ("companyId", Lit::Uuid(id(&format!("c{c}")))),
                ],
            )
            .await;
        }
    }
}

pub async fn bounded_lists(db: Db) {
    companies_with_people(&db, 1, 65).await;
    let page = depth1(&db, "company").await;
    let people = page.records[0]["people"].as_array().expect("people");
    assert_eq!(people.len(), 60);
}

pub async fn selected_relations_and_standard_seed(db: Db) {
    seed::standard(&db).await;
    let mut q = Query::new("company");
    q.depth = 1;
    q.fields = Some(vec!["name".to_owned(), "people".to_owned()]);
    let page = find_many(db.target(), &schema(), &q)
        .await
        .expect("depth 1");
    assert_eq!(page.statements, 2, "only the selected relation is loaded");
    let acme = &page.records[0];
    let names: Vec<&Value> = acme["people"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| &p["name"]["firstName"])
        .collect();
    assert_eq!(names, [&json!("Ada"), &json!("Alan")]);
    assert!(acme.get("opportunities").is_none());
}

crate::query_on_both!(
    constant_statements,
    constant_statements_sqlite,
    constant_statements_postgres
);
crate::query_on_both!(bounded_lists, bounded_lists_sqlite, bounded_lists_postgres);
crate::query_on_both!(
    selected_relations_and_standard_seed,
    selected_relations_sqlite,
    selected_relations_postgres
);
