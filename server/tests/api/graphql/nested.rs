//! Nested relations through the library entry point, with the engine's statement counter:
//! the number of statements depends on the query's shape, not on the number of rows.
use crate::query::seed::id;
use crate::query::support::{Db, Lit, PG_SCHEMA, schema, t};
use serde_json::{Value, json};
use std::sync::Arc;
use twenty_server::graphql::{Api, Built, Call, Executor, Limits, execute_with};
use twenty_server::query::Actor;
use twenty_server::store::WorkspaceDb;

pub(super) async fn companies_with_people(db: &Db, from: usize, to: usize, people: usize) {
    for c in from..=to {
        let company = id(&format!("c{c}"));
        db.insert(
            "company",
            &[
                ("id", Lit::Uuid(company.clone())),
                ("name", t(&format!("C{c:02}"))),
            ],
        )
        .await;
        for p in 1..=people {
            db.insert(
                "person",
                &[
                    ("id", Lit::Uuid(id(&format!("p{}", c * 1000 + p)))),
                    ("nameFirstName", t(&format!("P{p:02}"))),
                    ("companyId", Lit::Uuid(company.clone())),
                ],
            )
            .await;
        }
    }
}

pub(super) fn workspace(db: &Db) -> WorkspaceDb {
    match db {
        Db::Sqlite { db, .. } => WorkspaceDb::Sqlite(db.clone()),
        Db::Postgres { pool, .. } => WorkspaceDb::Postgres {
            pool: pool.clone(),
            writes: pool.clone(),
            schema: PG_SCHEMA.to_owned(),
        },
    }
}

/// Runs `request` through `executor` on a fresh API over `db`: the response body and the
/// statements the request issued.
pub(super) async fn execute_on(
    db: &Db,
    executor: Executor,
    request: async_graphql::Request,
) -> (Value, usize) {
    let api = Api::new(Limits::default());
    let built = Built::new(Arc::new(schema())).expect("the schema builds");
    let call = Arc::new(Call::new(
        workspace(db),
        built.model.clone(),
        Actor::api_key("test", "k"),
        None,
    ));
    let reply = execute_with(&api, &built, call.clone(), request, executor).await;
    (reply.json(), call.statements())
}

/// Runs `query`; returns its data and the statements it issued.
async fn run(db: &Db, query: &str) -> (Value, usize) {
    let (body, statements) =
        execute_on(db, Executor::Direct, async_graphql::Request::new(query)).await;
    assert!(body.get("errors").is_none(), "{body}");
    (body["data"].clone(), statements)
}

const NESTED: &str = r#"{
  companies(first: 50, orderBy: {name: AscNullsFirst}) {
    totalCount
    edges { node {
      id name
      accountOwner { id }
      people(first: 5, orderBy: {name: {firstName: DescNullsLast}}) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id companyId name { firstName }
          company { id name people(first: 1) { edges { node { id } } } }
          pointOfContactForOpportunities { totalCount edges { node { id } } }
        } }
      }
    } }
  }
}"#;

async fn nested_relations_take_a_constant_number_of_statements(db: Db) {
    companies_with_people(&db, 1, 3, 2).await;
    let (small, small_statements) = run(&db, NESTED).await;
    assert_eq!(small["companies"]["totalCount"], 3);
    companies_with_people(&db, 4, 20, 10).await;
    let (large, large_statements) = run(&db, NESTED).await;
    assert_eq!(
        small_statements, large_statements,
        "the statements grow with the rows"
    );
    // companies page + count, people + grouped count, people's company, its people,
    // opportunities + grouped count (accountOwner has no key to look up).
    assert_eq!(large_statements, 8);
    let companies = &large["companies"];
    assert_eq!(companies["totalCount"], 20);
    let edges = companies["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 20);
    for edge in &edges[3..] {
        let company = &edge["node"];
        assert_eq!(company["accountOwner"], Value::Null);
        let people = &company["people"];
        assert_eq!(people["totalCount"], 10, "{}", company["name"]);
        assert_eq!(people["pageInfo"]["hasNextPage"], true);
        let first_names: Vec<&Value> = people["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"]["name"]["firstName"])
            .collect();
        assert_eq!(
            first_names,
            [
                json!("P10"),
                json!("P09"),
                json!("P08"),
                json!("P07"),
                json!("P06")
            ]
            .iter()
            .collect::<Vec<_>>()
        );
        for person in people["edges"].as_array().unwrap() {
            let node = &person["node"];
            assert_eq!(node["companyId"], company["id"]);
            assert_eq!(node["company"]["id"], company["id"]);
            assert_eq!(
                node["company"]["people"]["edges"].as_array().unwrap().len(),
                1
            );
            assert_eq!(node["pointOfContactForOpportunities"]["totalCount"], 0);
        }
    }
    // The page after a nested cursor continues that company's list.
    let first = &edges[5]["node"];
    let after = first["people"]["pageInfo"]["endCursor"].as_str().unwrap();
    let query = format!(
        r#"{{ company(filter: {{id: {{eq: "{}"}}}}) {{ people(first: 10, after: "{after}", orderBy: {{name: {{firstName: DescNullsLast}}}}) {{ edges {{ node {{ name {{ firstName }} }} }} pageInfo {{ hasNextPage hasPreviousPage }} }} }} }}"#,
        first["id"].as_str().unwrap()
    );
    let (next, _) = run(&db, &query).await;
    let people = &next["company"]["people"];
    assert_eq!(people["edges"].as_array().unwrap().len(), 5);
    assert_eq!(people["edges"][0]["node"]["name"]["firstName"], "P05");
    assert_eq!(people["pageInfo"]["hasNextPage"], false);
    assert_eq!(people["pageInfo"]["hasPreviousPage"], true);
}
crate::query_on_both!(
    nested_relations_take_a_constant_number_of_statements,
    nested_statements_sqlite,
    nested_statements_postgres
);

async fn total_count_is_computed_only_when_selected(db: Db) {
    companies_with_people(&db, 1, 4, 3).await;
    let (_, without) = run(
        &db,
        "{ companies { edges { node { id people { edges { node { id } } } } } } }",
    )
    .await;
    let (data, with) = run(
        &db,
        "{ companies { totalCount edges { node { id people { totalCount } } } } }",
    )
    .await;
    assert_eq!(without, 2);
    assert_eq!(with, 4);
    assert_eq!(data["companies"]["totalCount"], 4);
    assert_eq!(
        data["companies"]["edges"][0]["node"]["people"]["totalCount"],
        3
    );
}
crate::query_on_both!(
    total_count_is_computed_only_when_selected,
    total_count_sqlite,
    total_count_postgres
);

async fn aliases_and_fragments_of_one_relation_keep_their_own_arguments(db: Db) {
    companies_with_people(&db, 1, 2, 4).await;
    let (data, statements) = run(
        &db,
        r#"{ companies(orderBy: {name: AscNullsFirst}) { edges { node {
              one: people(first: 1, orderBy: {name: {firstName: AscNullsFirst}}) { edges { node { name { firstName } } } }
              two: people(first: 2, orderBy: {name: {firstName: DescNullsLast}}) { totalCount edges { node { name { firstName } } } }
              ...Everyone
            } } } }
            fragment Everyone on Company { people { edges { node { id } } } }"#,
    )
    .await;
    // The page, then one statement per selection (plus the count of `two`).
    assert_eq!(statements, 5);
    let names = |connection: &Value| -> Vec<Value> {
        connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"]["firstName"].clone())
            .collect()
    };
    for edge in data["companies"]["edges"].as_array().unwrap() {
        let company = &edge["node"];
        assert_eq!(names(&company["one"]), vec![json!("P01")]);
        assert_eq!(names(&company["two"]), vec![json!("P04"), json!("P03")]);
        assert_eq!(company["two"]["totalCount"], 4);
        assert_eq!(company["people"]["edges"].as_array().unwrap().len(), 4);
    }
}
crate::query_on_both!(
    aliases_and_fragments_of_one_relation_keep_their_own_arguments,
    aliases_sqlite,
    aliases_postgres
);
