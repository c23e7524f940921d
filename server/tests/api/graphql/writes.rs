//! Mutations with Twenty's names: create / createMany (upsert), update / updateMany,
//! delete / deleteMany (soft), restore / restoreMany, destroy / destroyMany. They return
//! the records, nested relations included.
use super::support::{Gql, ids, node_values};
use crate::both;
use crate::support::Backend;
use serde_json::{Value, json};

async fn the_write_mutations_return_their_records(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlwrites").await else {
        return;
    };
    let company = gql
        .data(
            "mutation { createCompany(data: {name: \"Acme\", employees: 5, address: {addressCity: \"Paris\"}}) { id name employees address { addressCity } createdBy { source name } } }",
            json!({}),
        )
        .await["createCompany"]
        .clone();
    assert_eq!(company["name"], "Acme");
    assert_eq!(company["address"]["addressCity"], "Paris");
    assert_eq!(company["createdBy"]["source"], "API");
    let company_id = company["id"].as_str().unwrap().to_owned();

    let people = gql
        .data(
            "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id name { firstName } company { id name } } }",
            json!({ "d": [
                { "name": { "firstName": "Ann" }, "companyId": company_id },
                { "name": { "firstName": "Bob" }, "companyId": company_id },
            ] }),
        )
        .await["createPeople"]
        .clone();
    assert_eq!(people[1]["company"]["name"], "Acme");
    let person_ids = ids(&people);

    // Upsert by id: the second create updates.
    let upserted = gql
        .data(
            "mutation($id: UUID!) { createCompany(data: {id: $id, name: \"Acme 2\"}, upsert: true) { id name employees } }",
            json!({ "id": company_id }),
        )
        .await;
    assert_eq!(upserted["createCompany"]["name"], "Acme 2");
    assert_eq!(upserted["createCompany"]["employees"], 5);

    let updated = gql
        .data(
            "mutation($id: UUID!) { updateCompany(id: $id, data: {employees: 7}) { employees people { totalCount } } }",
            json!({ "id": company_id }),
        )
        .await;
    assert_eq!(updated["updateCompany"]["employees"], 7);
    assert_eq!(updated["updateCompany"]["people"]["totalCount"], 2);

    let renamed = gql
        .data(
            "mutation($c: UUID!) { updatePeople(filter: {companyId: {eq: $c}}, data: {jobTitle: \"CTO\"}) { id jobTitle } }",
            json!({ "c": company_id }),
        )
        .await;
    assert_eq!(renamed["updatePeople"].as_array().unwrap().len(), 2);
    assert!(
        renamed["updatePeople"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["jobTitle"] == "CTO")
    );

    let deleted = gql
        .data(
            "mutation($id: UUID!) { deletePerson(id: $id) { id deletedAt } }",
            json!({ "id": person_ids[0] }),
        )
        .await;
    assert!(deleted["deletePerson"]["deletedAt"].is_string());
    let live = gql
        .data("{ people { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(
        node_values(&live["people"], "id"),
        vec![json!(person_ids[1])]
    );
    let with_deleted = gql
        .data(
            "{ people(filter: {deletedAt: {is: NOT_NULL}}) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        node_values(&with_deleted["people"], "id"),
        vec![json!(person_ids[0])]
    );

    let restored = gql
        .data(
            "mutation($id: UUID!) { restorePerson(id: $id) { id deletedAt } }",
            json!({ "id": person_ids[0] }),
        )
        .await;
    assert_eq!(restored["restorePerson"]["deletedAt"], Value::Null);

    let deleted_many = gql
        .data(
            "mutation { deletePeople(filter: {jobTitle: {eq: \"CTO\"}}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(deleted_many["deletePeople"].as_array().unwrap().len(), 2);
    let restored_many = gql
        .data(
            "mutation { restorePeople(filter: {jobTitle: {eq: \"CTO\"}}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(restored_many["restorePeople"].as_array().unwrap().len(), 2);

    let destroyed = gql
        .data(
            "mutation { destroyPeople(filter: {id: {is: NOT_NULL}}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(destroyed["destroyPeople"].as_array().unwrap().len(), 2);
    let destroyed = gql
        .data(
            "mutation($id: UUID!) { destroyCompany(id: $id) { id name } }",
            json!({ "id": company_id }),
        )
        .await;
    assert_eq!(destroyed["destroyCompany"]["name"], "Acme 2");
    let left = gql
        .data(
            "{ companies { totalCount } people { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(left["companies"]["totalCount"], 0);
    assert_eq!(left["people"]["totalCount"], 0);
    gql.stop().await;
}
both!(the_write_mutations_return_their_records);

/// A many-record mutation whose filter compares nothing would match every record: it is
/// refused like REST's missing filter, and nothing changes.
async fn a_filter_that_compares_nothing_is_refused(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlemptyfilter").await else {
        return;
    };
    gql.companies(&["Acme", "Globex"]).await;
    for mutation in [
        "mutation { destroyCompanies(filter: {}) { id } }",
        "mutation { deleteCompanies(filter: {id: null}) { id } }",
        "mutation { updateCompanies(filter: {and: [{}, {and: []}]}, data: {employees: 1}) { id } }",
        "mutation { restoreCompanies(filter: {and: []}) { id } }",
        "mutation { deleteCompanies(filter: {or: []}) { id } }",
        "mutation { destroyCompanies(filter: {or: [{}, {name: {eq: \"Acme\"}}]}) { id } }",
    ] {
        let (code, twenty_code, message) = gql.error(mutation, json!({})).await;
        assert_eq!(
            (code.as_str(), twenty_code.as_str()),
            ("BAD_USER_INPUT", "MISSING_FILTER"),
            "{mutation}: {message}"
        );
        assert!(message.contains("`filter`"), "{message}");
    }
    // The refused field is `null` beside the error, as Twenty answers.
    let (status, body) = gql
        .post(
            "mutation { destroyCompanies(filter: {}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"], json!({ "destroyCompanies": null }), "{body}");
    // A query reads `or: []` as no filter too.
    let all = gql
        .data("{ companies(filter: {or: []}) { totalCount } }", json!({}))
        .await;
    assert_eq!(all["companies"]["totalCount"], 2);
    let left = gql
        .data(
            "{ companies { totalCount edges { node { employees } } } }",
            json!({}),
        )
        .await;
    assert_eq!(left["companies"]["totalCount"], 2);
    assert_eq!(
        node_values(&left["companies"], "employees"),
        vec![Value::Null, Value::Null]
    );
    gql.stop().await;
}
both!(a_filter_that_compares_nothing_is_refused);

/// `company(filter: …)` reads soft-deleted records only when the filter looks at
/// `deletedAt`, as the list queries and REST do.
async fn find_one_reaches_a_soft_deleted_record_through_deleted_at(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlfindonedeleted").await else {
        return;
    };
    let id = gql.companies(&["Acme"]).await.remove(0);
    gql.data(
        "mutation($id: UUID!) { deleteCompany(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    let missed = gql
        .data(
            "query($id: UUID!) { company(filter: {id: {eq: $id}}) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(missed["company"], Value::Null);
    let found = gql
        .data(
            "query($id: UUID!) { company(filter: {id: {eq: $id}, deletedAt: {is: NOT_NULL}}) { id name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(found["company"], json!({ "id": id, "name": "Acme" }));
    gql.stop().await;
}
both!(find_one_reaches_a_soft_deleted_record_through_deleted_at);
