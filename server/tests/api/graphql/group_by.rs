//! GraphQL group-by and aggregates on both backends: `<plural>GroupBy` with Twenty's
//! arguments and result shape (records under `edges` only when selected), and the
//! aggregate fields of root connections.
use super::support::Gql;
use crate::both;
use crate::support::Backend;
use serde_json::{Value, json};

/// Companies `Agg A` … `Agg D` (employees, city, ICP) and two people at `Agg A`.
async fn seed(gql: &Gql) -> Vec<String> {
    let created = gql
        .data(
            "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }",
            json!({"data": [
                {"name": "Agg A", "employees": 10, "idealCustomerProfile": true, "address": {"addressCity": "Paris"}},
                {"name": "Agg B", "employees": 30, "idealCustomerProfile": false, "address": {"addressCity": "Paris"}},
                {"name": "Agg C", "idealCustomerProfile": true, "address": {"addressCity": "Berlin"}},
                {"name": "Agg D", "employees": 5},
            ]}),
        )
        .await;
    let ids: Vec<String> = created["createCompanies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    gql.data(
        "mutation($data: [PersonCreateInput!]!) { createPeople(data: $data) { id } }",
        json!({"data": [
            {"name": {"firstName": "Ada"}, "companyId": ids[0]},
            {"name": {"firstName": "Alan"}, "companyId": ids[0]},
            {"name": {"firstName": "Grace"}, "companyId": ids[1]},
        ]}),
    )
    .await;
    ids
}

async fn companies_group_by_answers_twentys_shape(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlgroupby").await else {
        return;
    };
    seed(&gql).await;
    let data = gql
        .data(
            "query($groupBy: [CompanyGroupByInput!]!, $orderBy: [CompanyOrderByWithGroupByInput!], $limit: Int) {
               companiesGroupBy(groupBy: $groupBy, filter: {name: {startsWith: \"Agg \"}}, orderBy: $orderBy, limit: $limit) {
                 groupByDimensionValues totalCount sumEmployees avgEmployees countTrueIdealCustomerProfile
               } }",
            json!({
                "groupBy": [{"address": {"addressCity": true}}],
                "orderBy": [{"aggregate": {"totalCount": "DescNullsLast"}}, {"address": {"addressCity": "AscNullsFirst"}}],
                "limit": 2,
            }),
        )
        .await;
    assert_eq!(
        data["companiesGroupBy"],
        json!([
            {"groupByDimensionValues": ["Paris"], "totalCount": 2, "sumEmployees": 40, "avgEmployees": 20, "countTrueIdealCustomerProfile": 1},
            {"groupByDimensionValues": [null], "totalCount": 1, "sumEmployees": 5, "avgEmployees": 5, "countTrueIdealCustomerProfile": 0},
        ])
    );
    // Dates by granularity: every record was created this month, in UTC.
    let month = gql
        .data(
            "{ companiesGroupBy(groupBy: [{createdAt: {granularity: MONTH, timeZone: \"UTC\"}}], filter: {name: {startsWith: \"Agg \"}}) { groupByDimensionValues totalCount } }",
            json!({}),
        )
        .await;
    let groups = month["companiesGroupBy"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{month}");
    assert_eq!(groups[0]["totalCount"], 4);
    assert!(
        groups[0]["groupByDimensionValues"][0]
            .as_str()
            .is_some_and(|d| d.len() == 10 && d.ends_with("-01")),
        "{month}"
    );
    gql.stop().await;
}
both!(companies_group_by_answers_twentys_shape);

async fn group_records_come_with_edges_only(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlgroupbyedges").await else {
        return;
    };
    let ids = seed(&gql).await;
    let data = gql
        .data(
            "{ peopleGroupBy(groupBy: [{companyId: true}], orderByForRecords: [{name: {firstName: DescNullsLast}}], orderBy: [{aggregate: {totalCount: DescNullsLast}}]) {
                 groupByDimensionValues totalCount
                 edges { node { name { firstName } company { name } } }
                 pageInfo { hasNextPage }
               } }",
            json!({}),
        )
        .await;
    let groups = data["peopleGroupBy"].as_array().unwrap();
    let first = &groups[0];
    assert_eq!(first["groupByDimensionValues"], json!([ids[0]]));
    assert_eq!(first["totalCount"], 2);
    assert_eq!(
        first["edges"],
        json!([
            {"node": {"name": {"firstName": "Alan"}, "company": {"name": "Agg A"}}},
            {"node": {"name": {"firstName": "Ada"}, "company": {"name": "Agg A"}}},
        ])
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], false);
    // `offsetForRecords` pages inside each group.
    let data = gql
        .data(
            "{ peopleGroupBy(groupBy: [{companyId: true}], orderByForRecords: [{name: {firstName: DescNullsLast}}], orderBy: [{aggregate: {totalCount: DescNullsLast}}], offsetForRecords: 1) {
                 totalCount edges { node { name { firstName } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["peopleGroupBy"][0]["edges"],
        json!([{"node": {"name": {"firstName": "Ada"}}}])
    );
    assert_eq!(data["peopleGroupBy"][0]["totalCount"], 2);
    gql.stop().await;
}
both!(group_records_come_with_edges_only);

async fn root_connections_answer_their_aggregates(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlconnaggs").await else {
        return;
    };
    seed(&gql).await;
    let data = gql
        .data(
            "{ companies(filter: {name: {startsWith: \"Agg \"}}, first: 1) {
                 totalCount sumEmployees minEmployees maxEmployees percentageEmptyEmployees countUniqueValuesAddress
                 edges { node { name } } } }",
            json!({}),
        )
        .await;
    let companies = &data["companies"];
    assert_eq!(companies["totalCount"], 4);
    assert_eq!(companies["sumEmployees"], 45);
    assert_eq!(
        (
            companies["minEmployees"].clone(),
            companies["maxEmployees"].clone()
        ),
        (json!(5), json!(30))
    );
    assert_eq!(companies["percentageEmptyEmployees"], 0.25);
    assert_eq!(companies["countUniqueValuesAddress"], 2);
    assert_eq!(
        companies["edges"].as_array().unwrap().len(),
        1,
        "aggregates ignore the page"
    );

    // Nested connections refuse them rather than answering null.
    let (code, twenty, message) = gql
        .error(
            "{ companies { edges { node { people { countEmptyJobTitle } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (code.as_str(), twenty.as_str()),
        ("BAD_USER_INPUT", "INVALID_GROUP_BY"),
        "{message}"
    );
    assert!(message.contains("peopleGroupBy"), "{message}");
    gql.stop().await;
}
both!(root_connections_answer_their_aggregates);

async fn group_by_mistakes_are_bad_user_input(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlgroupbyerrors").await else {
        return;
    };
    for (query, twenty) in [
        (
            "{ companiesGroupBy(groupBy: [{name: true, employees: true}]) { totalCount } }",
            "INVALID_GROUP_BY",
        ),
        (
            "{ companiesGroupBy(groupBy: [{createdAt: {granularity: DAY}}]) { totalCount } }",
            "INVALID_GROUP_BY",
        ),
        (
            "{ companiesGroupBy(groupBy: [{name: true}], orderBy: [{employees: AscNullsFirst}]) { totalCount } }",
            "INVALID_GROUP_BY",
        ),
        (
            "{ companiesGroupBy(groupBy: [{name: true}], limit: 500) { totalCount } }",
            "LIMIT_EXCEEDED",
        ),
    ] {
        let (code, found, message) = gql.error(query, json!({})).await;
        assert_eq!(
            (code.as_str(), found.as_str()),
            ("BAD_USER_INPUT", twenty),
            "{query}: {message}"
        );
    }
    let (status, body) = gql
        .post(
            "{ companiesGroupBy(groupBy: [{name: true}]) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["companiesGroupBy"], Value::Array(Vec::new()));
    gql.stop().await;
}
both!(group_by_mistakes_are_bad_user_input);
