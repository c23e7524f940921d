//! findMany connections (filter, orderBy, cursor paging both ways, totalCount, pageInfo)
//! and findOne by filter.
use super::support::{Gql, node_ids, node_values};
use crate::both;
use crate::support::Backend;
use serde_json::{Value, json};

async fn seed(gql: &Gql) -> Vec<String> {
    let data = json!([
        { "name": "Acme", "employees": 50, "address": { "addressCity": "Paris" } },
        { "name": "Beta", "employees": 10, "address": { "addressCity": "Lyon" } },
        { "name": "Corp", "employees": 200, "address": { "addressCity": "Paris" }, "idealCustomerProfile": true },
        { "name": "Delta" },
        { "name": "Echo", "employees": 10 },
    ]);
    let created = gql
        .data(
            "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id name } }",
            json!({ "data": data }),
        )
        .await;
    super::support::ids(&created["createCompanies"])
}

async fn find_many_filters_orders_and_counts(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlreads").await else {
        return;
    };
    let ids = seed(&gql).await;
    let data = gql
        .data(
            r#"query($f: CompanyFilterInput) {
                companies(filter: $f, orderBy: [{employees: DescNullsLast}, {name: AscNullsFirst}]) {
                    totalCount
                    edges { cursor node { id name employees address { addressCity } } }
                    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                }
            }"#,
            json!({ "f": { "or": [
                { "address": { "addressCity": { "eq": "Paris" } } },
                { "employees": { "lte": 10 } },
            ] } }),
        )
        .await;
    let companies = &data["companies"];
    assert_eq!(companies["totalCount"], 3 + 1);
    assert_eq!(
        node_values(companies, "name"),
        vec![json!("Corp"), json!("Acme"), json!("Beta"), json!("Echo")]
    );
    assert_eq!(companies["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        companies["pageInfo"]["startCursor"],
        companies["edges"][0]["cursor"]
    );
    assert_eq!(
        companies["edges"][0]["node"]["address"]["addressCity"],
        "Paris"
    );
    assert_eq!(node_ids(companies)[0], ids[2]);

    // and / not, an `in` list, `is: NULL`, and a filter with several operators on a field.
    let data = gql
        .data(
            r#"{ a: companies(filter: {employees: {gte: 10, lt: 100}, not: {name: {eq: "Beta"}}}) { edges { node { name } } }
                 b: companies(filter: {name: {in: ["Delta", "Echo"]}}, orderBy: {name: DescNullsLast}) { edges { node { name } } }
                 c: companies(filter: {employees: {is: NULL}}) { edges { node { name } } } }"#,
            json!({}),
        )
        .await;
    let names = |v: &Value| node_values(v, "name");
    let mut a = names(&data["a"]);
    a.sort_by_key(|v| v.to_string());
    assert_eq!(a, vec![json!("Acme"), json!("Echo")]);
    assert_eq!(names(&data["b"]), vec![json!("Echo"), json!("Delta")]);
    assert_eq!(names(&data["c"]), vec![json!("Delta")]);
    gql.stop().await;
}
both!(find_many_filters_orders_and_counts);

async fn cursor_paging_goes_forwards_and_backwards(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlpaging").await else {
        return;
    };
    seed(&gql).await;
    let page = |args: &str| {
        format!(
            "{{ companies({args}, orderBy: {{name: AscNullsFirst}}) {{ edges {{ node {{ name }} }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
        )
    };
    let first = gql.data(&page("first: 2"), json!({})).await;
    let first = &first["companies"];
    assert_eq!(
        node_values(first, "name"),
        vec![json!("Acme"), json!("Beta")]
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let end = first["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let second = gql
        .data(&page(&format!("first: 2, after: \"{end}\"")), json!({}))
        .await;
    let second = &second["companies"];
    assert_eq!(
        node_values(second, "name"),
        vec![json!("Corp"), json!("Delta")]
    );
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
    let start = second["pageInfo"]["startCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = gql
        .data(&page(&format!("last: 1, before: \"{start}\"")), json!({}))
        .await;
    assert_eq!(node_values(&back["companies"], "name"), vec![json!("Beta")]);
    assert_eq!(back["companies"]["pageInfo"]["hasPreviousPage"], true);
    let last = gql.data(&page("last: 2"), json!({})).await;
    assert_eq!(
        node_values(&last["companies"], "name"),
        vec![json!("Delta"), json!("Echo")]
    );
    gql.stop().await;
}
both!(cursor_paging_goes_forwards_and_backwards);

async fn find_one_takes_a_filter_and_misses_with_null(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlone").await else {
        return;
    };
    let ids = seed(&gql).await;
    let data = gql
        .data(
            "query($id: UUID!) { company(filter: {id: {eq: $id}}) { id name employees } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(data["company"]["name"], "Beta");
    assert_eq!(data["company"]["employees"], 10);
    let (status, body) = gql
        .post(
            "{ company(filter: {name: {eq: \"Nobody\"}}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    // Twenty answers a miss with `null` and no error.
    assert_eq!(body, json!({ "data": { "company": null } }));
    gql.stop().await;
}
both!(find_one_takes_a_filter_and_misses_with_null);

async fn current_workspace_answers_the_keys_workspace(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlcurrentws").await else {
        return;
    };
    let (workspace, _) = gql
        .server
        .first_workspace
        .clone()
        .expect("a first workspace");
    // Alone (the direct executor), beside a find, through a fragment and an alias, and
    // beside introspection (async-graphql's executor over the resolvers).
    for query in [
        "{ __schema { queryType { name } } currentWorkspace { id displayName } }",
        "{ currentWorkspace { id displayName } }",
        "{ currentWorkspace { id displayName } companies { totalCount } }",
        "query Q { ws: currentWorkspace { ...W __typename } } fragment W on Workspace { id displayName }",
    ] {
        let data = gql.data(query, json!({})).await;
        let ws = data
            .get("currentWorkspace")
            .or_else(|| data.get("ws"))
            .unwrap_or_else(|| panic!("{query}: {data}"));
        assert_eq!(ws["id"], workspace.id.to_string(), "{query}");
        assert_eq!(ws["displayName"], "Default", "{query}");
    }
    // Another workspace's key answers that workspace.
    let (other, key) = gql
        .server
        .state
        .store
        .create_workspace("Other")
        .await
        .expect("a workspace");
    let (status, body) = gql
        .post_as(
            Some(&key.secret),
            "{ currentWorkspace { id displayName } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["currentWorkspace"],
        json!({"id": other.id.to_string(), "displayName": "Other"})
    );
    gql.stop().await;
}
both!(current_workspace_answers_the_keys_workspace);
