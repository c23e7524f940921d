//! Filters through relations on both backends, REST and GraphQL: many-to-one paths (one to
//! three hops, into composites), some / none over one-to-many relations, combined with the
//! rest of the grammar and used by reads, group-by and writes.
use super::support::{Api, assert_error, enc};
use crate::both;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

/// Companies PathCo (two people, one opportunity) and OtherCo (one person), EmptyCo
/// (nobody).
async fn seed(api: &Api) {
    let mut ids = std::collections::HashMap::new();
    for (name, city) in [("PathCo", "Lyon"), ("OtherCo", "Nice"), ("EmptyCo", "Nice")] {
        let (status, body) = api
            .send(
                Method::POST,
                "/rest/companies",
                &json!({"name": name, "address": {"addressCity": city}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        ids.insert(
            name,
            body["data"]["createCompany"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/batch/people",
            &json!([
                {"name": {"firstName": "Path A"}, "companyId": ids["PathCo"]},
                {"name": {"firstName": "Path B"}, "companyId": ids["PathCo"]},
                {"name": {"firstName": "Path C"}, "companyId": ids["OtherCo"]},
                {"name": {"firstName": "Path D"}},
            ]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let contact = body["data"]["createPeople"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/opportunities",
            &json!({"name": "Path deal", "pointOfContactId": contact}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

fn names(body: &Value, plural: &str, path: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = body["data"][plural]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|r| {
            path.iter()
                .fold(r, |v, k| &v[*k])
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    out.sort();
    out
}

async fn rest_filters_cross_relations(backend: Backend) {
    let Some(api) = Api::start(backend, "restrelpaths").await else {
        return;
    };
    seed(&api).await;
    let people = |filter: &str| {
        let api = &api;
        let path = format!("/rest/people?depth=0&filter={}", enc(filter));
        async move { api.get(&path).await }
    };
    let (status, body) = people("company.name[eq]:\"PathCo\"").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        names(&body, "people", &["name", "firstName"]),
        ["Path A", "Path B"]
    );
    // Into a composite of the related record, combined with the rest of the grammar.
    let (_, body) =
        people("company.address.addressCity[eq]:\"Nice\",name.firstName[startsWith]:\"Path\"")
            .await;
    assert_eq!(names(&body, "people", &["name", "firstName"]), ["Path C"]);
    let (_, body) = people("or(company.name[eq]:\"OtherCo\",name.firstName[eq]:\"Path D\")").await;
    assert_eq!(
        names(&body, "people", &["name", "firstName"]),
        ["Path C", "Path D"]
    );
    // Two hops: the opportunity's contact's company.
    let (status, body) = api
        .get(&format!(
            "/rest/opportunities?filter={}",
            enc("pointOfContact.company.name[eq]:\"PathCo\"")
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body, "opportunities", &["name"]), ["Path deal"]);
    // Some / none of a one-to-many relation.
    let companies = |filter: &str| {
        let api = &api;
        let path = format!(
            "/rest/companies?filter={}",
            enc(&format!(
                "name[in]:[\"PathCo\",\"OtherCo\",\"EmptyCo\"],{filter}"
            ))
        );
        async move { api.get(&path).await }
    };
    let (status, body) = companies("people[some]:(name.firstName[eq]:\"Path B\")").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body, "companies", &["name"]), ["PathCo"]);
    let (_, body) = companies("people[none]:(name.firstName[startsWith]:\"Path\")").await;
    assert_eq!(names(&body, "companies", &["name"]), ["EmptyCo"]);
    let (_, body) =
        companies("people[some]:(pointOfContactForOpportunities[some]:(name[eq]:\"Path deal\"))")
            .await;
    assert_eq!(names(&body, "companies", &["name"]), ["PathCo"]);
    // Soft-deleted related records do not count.
    let (_, body) = people("name.firstName[eq]:\"Path C\"").await;
    let c = body["data"]["people"][0]["id"].as_str().unwrap().to_owned();
    api.call(
        Method::DELETE,
        &format!("/rest/people/{c}?soft_delete=true"),
        &api.key,
        None,
    )
    .await;
    let (_, body) = companies("people[some]:(name.firstName[startsWith]:\"Path\")").await;
    assert_eq!(names(&body, "companies", &["name"]), ["PathCo"]);
    // Group-by and many-record writes take the same filters.
    let (status, body) = api
        .get(&format!(
            "/rest/people/groupBy?group_by={}&aggregate={}&filter={}",
            enc("[]"),
            enc("[\"countAll\"]"),
            enc("company.name[eq]:\"PathCo\"")
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["countAll"], 2);
    let (status, body) = api
        .send(
            Method::PATCH,
            &format!("/rest/people?filter={}", enc("company.name[eq]:\"PathCo\"")),
            &json!({"jobTitle": "Pathfinder"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["updatePeople"].as_array().unwrap().len(), 2);

    for (filter, code) in [
        ("company.nope[eq]:\"x\"", "UNKNOWN_FIELD"),
        ("people[some]:(name[eq]:\"x\")", "INVALID_FILTER"),
        ("company[some]:(name[eq]:\"x\")", "INVALID_FILTER"),
        ("name[some]:(name[eq]:\"x\")", "INVALID_FILTER"),
    ] {
        let path = if filter.starts_with("people") || filter.starts_with("name[some]") {
            format!("/rest/companies?filter={}", enc(filter))
        } else {
            format!("/rest/people?filter={}", enc(filter))
        };
        assert_error(&api.get(&path).await, 400, code);
    }
}
both!(rest_filters_cross_relations);

async fn graphql_filters_cross_relations(backend: Backend) {
    let Some(api) = Api::start(backend, "gqlrelpaths").await else {
        return;
    };
    seed(&api).await;
    let (status, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": "{ people(filter: {company: {name: {eq: \"PathCo\"}}}) { edges { node { name { firstName } } } } \
                              companies(filter: {people: {some: {name: {firstName: {eq: \"Path C\"}}}}}) { edges { node { name } } } \
                              none: companies(filter: {name: {in: [\"PathCo\", \"EmptyCo\"]}, people: {none: {name: {firstName: {startsWith: \"Path\"}}}}}) { edges { node { name } } } }"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let firsts: Vec<&str> = body["data"]["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"]["firstName"].as_str().unwrap())
        .collect();
    let mut firsts = firsts;
    firsts.sort_unstable();
    assert_eq!(firsts, ["Path A", "Path B"]);
    assert_eq!(
        body["data"]["companies"]["edges"],
        json!([{"node": {"name": "OtherCo"}}])
    );
    assert_eq!(
        body["data"]["none"]["edges"],
        json!([{"node": {"name": "EmptyCo"}}])
    );
    let (_, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": "mutation { deletePeople(filter: {company: {name: {eq: \"OtherCo\"}}}) { name { firstName } } }"}),
        )
        .await;
    assert_eq!(
        body["data"]["deletePeople"],
        json!([{"name": {"firstName": "Path C"}}]),
        "{body}"
    );
}
both!(graphql_filters_cross_relations);

/// Every page of `path` (a list with `limit=1`), following `endCursor`: the first names.
async fn pages(api: &Api, path: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..10 {
        let url = match &after {
            Some(a) => format!("{path}&starting_after={}", enc(a)),
            None => path.to_owned(),
        };
        let (status, body) = api.get(&url).await;
        assert_eq!(status, 200, "{body}");
        for p in body["data"]["people"].as_array().unwrap() {
            seen.push(p["name"]["firstName"].as_str().unwrap().to_owned());
        }
        if body["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = body["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    seen
}

async fn lists_order_by_related_fields_with_exact_cursors(backend: Backend) {
    let Some(api) = Api::start(backend, "restrelorder").await else {
        return;
    };
    seed(&api).await;
    let filter = enc("name.firstName[startsWith]:\"Path\"");
    let asc = pages(
        &api,
        &format!(
            "/rest/people?depth=0&limit=1&filter={filter}&order_by={}",
            enc("company.name[AscNullsLast],name.firstName")
        ),
    )
    .await;
    assert_eq!(asc, ["Path C", "Path A", "Path B", "Path D"]);
    let desc = pages(
        &api,
        &format!(
            "/rest/people?depth=0&limit=1&filter={filter}&order_by={}",
            enc("company.name[DescNullsFirst],name.firstName[DescNullsLast]")
        ),
    )
    .await;
    assert_eq!(desc, ["Path D", "Path B", "Path A", "Path C"]);
    // Into a composite of the related record; two hops.
    let by_city = pages(
        &api,
        &format!(
            "/rest/people?depth=0&limit=2&filter={filter}&order_by={}",
            enc("company.address.addressCity[AscNullsLast],name.firstName")
        ),
    )
    .await;
    assert_eq!(by_city, ["Path A", "Path B", "Path C", "Path D"]);
    let (status, body) = api
        .get(&format!(
            "/rest/opportunities?order_by={}&limit=1",
            enc("pointOfContact.company.name[AscNullsFirst]")
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_error(
        &api.get(&format!("/rest/companies?order_by={}", enc("people.name")))
            .await,
        400,
        "INVALID_ORDER",
    );
    assert_error(
        &api.get(&format!("/rest/people?order_by={}", enc("company.nope")))
            .await,
        400,
        "UNKNOWN_FIELD",
    );

    // GraphQL: the same ordering, and its cursor.
    let query = "query($after: String) { people(filter: {name: {firstName: {startsWith: \"Path\"}}}, orderBy: [{company: {name: AscNullsLast}}, {name: {firstName: AscNullsFirst}}], first: 2, after: $after) { edges { node { name { firstName } } } pageInfo { hasNextPage endCursor } } }";
    let (_, body) = api
        .send(Method::POST, "/graphql", &json!({"query": query}))
        .await;
    let first: Vec<&str> = body["data"]["people"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["name"]["firstName"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["Path C", "Path A"]);
    let after = body["data"]["people"]["pageInfo"]["endCursor"].clone();
    let (_, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": query, "variables": {"after": after}}),
        )
        .await;
    let second: Vec<&str> = body["data"]["people"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["name"]["firstName"].as_str().unwrap())
        .collect();
    assert_eq!(second, ["Path B", "Path D"]);
}
both!(lists_order_by_related_fields_with_exact_cursors);

async fn groups_by_related_records_fields(backend: Backend) {
    let Some(api) = Api::start(backend, "restrelgroup").await else {
        return;
    };
    seed(&api).await;
    let groups = |group_by: &str, order_by: &str| {
        let api = &api;
        let path = format!(
            "/rest/people/groupBy?group_by={}&aggregate={}&order_by={}&filter={}",
            enc(group_by),
            enc("[\"countAll\"]"),
            enc(order_by),
            enc("name.firstName[startsWith]:\"Path\"")
        );
        async move { api.get(&path).await }
    };
    let (status, body) = groups(
        r#"[{"company":{"name":true}}]"#,
        r#"[{"company":{"name":"AscNullsLast"}}]"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!([
            {"countAll": 1, "groupByDimensionValues": ["OtherCo"]},
            {"countAll": 2, "groupByDimensionValues": ["PathCo"]},
            {"countAll": 1, "groupByDimensionValues": [null]},
        ])
    );
    let (status, body) = groups(
        r#"[{"company":{"address":{"addressCity":true}}},{"company":{"name":true}}]"#,
        "[]",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let dims: Vec<Value> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["groupByDimensionValues"].clone())
        .collect();
    assert_eq!(
        dims,
        [
            json!([null, null]),
            json!(["Lyon", "PathCo"]),
            json!(["Nice", "OtherCo"])
        ]
    );
    assert_error(
        &groups(r#"[{"company":{"people":true}}]"#, "[]").await,
        400,
        "INVALID_GROUP_BY",
    );

    let (status, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": "{ peopleGroupBy(groupBy: [{company: {name: true}}], filter: {name: {firstName: {startsWith: \"Path\"}}}, orderBy: [{aggregate: {totalCount: DescNullsLast}}]) { groupByDimensionValues totalCount } }"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["peopleGroupBy"][0],
        json!({"groupByDimensionValues": ["PathCo"], "totalCount": 2}),
        "{body}"
    );
}
both!(groups_by_related_records_fields);
