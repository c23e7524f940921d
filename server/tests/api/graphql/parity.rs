//! One table of cases run through REST and through GraphQL: the same records in the same
//! order, or the same engine error code (`code` on REST, `extensions.twentyCode` here).
use super::support::{Gql, node_ids};
use crate::both;
use crate::support::Backend;
use serde_json::{Value, json};

struct Case {
    /// REST query parameters of `GET /rest/companies`.
    rest: &'static [(&'static str, &'static str)],
    /// The same read as arguments of `companies(…)`.
    graphql: &'static str,
    /// `Ok(n)`: n records; `Err(code)`: the engine code both must answer.
    expect: Result<usize, &'static str>,
}

const CASES: &[Case] = &[
    Case {
        rest: &[("filter", "name[eq]:\"Acme\"")],
        graphql: "filter: {name: {eq: \"Acme\"}}",
        expect: Ok(1),
    },
    Case {
        rest: &[
            ("filter", "employees[gte]:10"),
            ("order_by", "employees[DescNullsLast],name"),
        ],
        graphql: "filter: {employees: {gte: 10}}, orderBy: [{employees: DescNullsLast}, {name: AscNullsFirst}]",
        expect: Ok(4),
    },
    Case {
        rest: &[("filter", "name[in]:[\"Beta\",\"Echo\"]")],
        graphql: "filter: {name: {in: [\"Beta\", \"Echo\"]}}",
        expect: Ok(2),
    },
    Case {
        rest: &[("filter", "employees[is]:NULL")],
        graphql: "filter: {employees: {is: NULL}}",
        expect: Ok(1),
    },
    Case {
        rest: &[
            ("filter", "or(name[eq]:\"Acme\",employees[lt]:20)"),
            ("order_by", "name[DescNullsFirst]"),
        ],
        graphql: "filter: {or: [{name: {eq: \"Acme\"}}, {employees: {lt: 20}}]}, orderBy: {name: DescNullsFirst}",
        expect: Ok(3),
    },
    Case {
        rest: &[("filter", "not(name[ilike]:\"%E%\")")],
        graphql: "filter: {not: {name: {ilike: \"%E%\"}}}",
        expect: Ok(1),
    },
    Case {
        rest: &[("filter", "name[startsWith]:\"D\",employees[is]:NULL")],
        graphql: "filter: {name: {startsWith: \"D\"}, employees: {is: NULL}}",
        expect: Ok(1),
    },
    Case {
        rest: &[
            ("filter", "address.addressCity[eq]:\"Paris\""),
            ("order_by", "address.addressCity,employees[AscNullsLast]"),
        ],
        graphql: "filter: {address: {addressCity: {eq: \"Paris\"}}}, orderBy: [{address: {addressCity: AscNullsFirst}}, {employees: AscNullsLast}]",
        expect: Ok(2),
    },
    Case {
        rest: &[("limit", "2"), ("order_by", "name[DescNullsLast]")],
        graphql: "first: 2, orderBy: {name: DescNullsLast}",
        expect: Ok(2),
    },
    Case {
        rest: &[("filter", "deletedAt[is]:NOT_NULL")],
        graphql: "filter: {deletedAt: {is: NOT_NULL}}",
        expect: Ok(1),
    },
    Case {
        rest: &[("limit", "201")],
        graphql: "first: 201",
        expect: Err("LIMIT_EXCEEDED"),
    },
    Case {
        rest: &[("starting_after", "zz")],
        graphql: "after: \"zz\"",
        expect: Err("INVALID_CURSOR"),
    },
    Case {
        rest: &[("filter", "createdAt[gt]:\"yesterday\"")],
        graphql: "filter: {createdAt: {gt: \"yesterday\"}}",
        expect: Err("INVALID_VALUE"),
    },
    Case {
        rest: &[("order_by", "createdAt[DescNullsLast]"), ("limit", "3")],
        graphql: "orderBy: {createdAt: DescNullsLast}, first: 3",
        expect: Ok(3),
    },
];

/// REST's answer: the ids, or the error code.
async fn rest(gql: &Gql, params: &[(&str, &str)]) -> Result<Vec<String>, String> {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let response = reqwest::Client::new()
        .get(gql.url(&format!("/rest/companies?{query}")))
        .header("authorization", format!("Bearer {}", gql.key))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    match body["data"]["companies"].as_array() {
        Some(records) => Ok(records
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect()),
        None => Err(body["code"].as_str().unwrap_or("?").to_owned()),
    }
}

/// GraphQL's answer: the ids, or `extensions.twentyCode`.
async fn graphql(gql: &Gql, arguments: &str) -> Result<Vec<String>, String> {
    let (_, body) = gql
        .post(
            &format!("{{ companies({arguments}) {{ edges {{ node {{ id }} }} }} }}"),
            json!({}),
        )
        .await;
    match body["errors"][0]["extensions"]["twentyCode"].as_str() {
        Some(code) => Err(code.to_owned()),
        None => Ok(node_ids(&body["data"]["companies"])),
    }
}

async fn rest_and_graphql_answer_alike(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlparity").await else {
        return;
    };
    let created = gql
        .data(
            "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
            json!({ "d": [
                { "name": "Acme", "employees": 50, "address": { "addressCity": "Paris" } },
                { "name": "Beta", "employees": 10, "address": { "addressCity": "Lyon" } },
                { "name": "Corp", "employees": 200, "address": { "addressCity": "Paris" } },
                { "name": "Delta" },
                { "name": "Echo", "employees": 10 },
                { "name": "Gone", "employees": 1 },
            ] }),
        )
        .await;
    let gone = created["createCompanies"][5]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    gql.data(
        "mutation($id: UUID!) { deleteCompany(id: $id) { id } }",
        json!({ "id": gone }),
    )
    .await;
    for case in CASES {
        let by_rest = rest(&gql, case.rest).await;
        let by_graphql = graphql(&gql, case.graphql).await;
        assert_eq!(by_rest, by_graphql, "{:?} / {}", case.rest, case.graphql);
        match (&case.expect, &by_rest) {
            (Ok(n), Ok(ids)) => assert_eq!(ids.len(), *n, "{:?}", case.rest),
            (Err(code), Err(got)) => assert_eq!(got, code, "{:?}", case.rest),
            (expected, got) => panic!("{:?}: expected {expected:?}, got {got:?}", case.rest),
        }
    }
    gql.stop().await;
}
both!(rest_and_graphql_answer_alike);
