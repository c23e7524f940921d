//! Duplicates on both backends, REST and GraphQL: Twenty's cases (two "John Doe", one
//! "Phil Collins"), the criteria of the model (people: full name, LinkedIn, email;
//! companies: name, domain), the minimum length, normalised spellings, and the refusals.
use super::support::{Api, assert_error};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

/// Creates people; their ids.
async fn people(api: &Api, records: &Value) -> Vec<String> {
    let (status, body) = api.send(Method::POST, "/rest/batch/people", records).await;
    assert_eq!(status, 201, "{body}");
    body["data"]["createPeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

fn found(body: &Value, index: usize) -> Vec<String> {
    let mut ids: Vec<String> = body["data"][index]["personDuplicates"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn duplicates_follow_the_models_criteria(backend: Backend) {
    let Some(api) = Api::start(backend, "restduplicates").await else {
        return;
    };
    let ids = people(
        &api,
        &json!([
            {"name": {"firstName": "John", "lastName": "Doe"}, "companyId": id("c1"), "emails": {"primaryEmail": "john@doe.example"}},
            {"name": {"firstName": "John", "lastName": "Doe"}},
            {"name": {"firstName": "Phil", "lastName": "Collins"}},
            {"name": {"firstName": "Al", "lastName": "Doe"}},
        ]),
    )
    .await;
    let post = |body: Value, query: &'static str| {
        let api = &api;
        async move {
            api.send(
                Method::POST,
                &format!("/rest/people/duplicates{query}"),
                &body,
            )
            .await
        }
    };
    let (status, body) = post(
        json!({"data": [
            {"name": {"firstName": "John", "lastName": "Doe"}},
            {"name": {"firstName": "Not", "lastName": "Existing"}},
            // A criterion's values must all be 3 characters or more: "Al" checks nothing.
            {"name": {"firstName": "Al", "lastName": "Doe"}},
            // Emails compare in their stored spelling.
            {"emails": {"primaryEmail": " JOHN@Doe.Example "}},
        ]}),
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut johns = vec![ids[0].clone(), ids[1].clone()];
    johns.sort();
    assert_eq!(found(&body, 0), johns);
    assert_eq!(body["data"][0]["totalCount"], 2);
    assert_eq!(body["data"][0]["pageInfo"]["hasNextPage"], false);
    assert_eq!(found(&body, 1), Vec::<String>::new());
    assert_eq!(body["data"][1]["totalCount"], 0);
    assert_eq!(found(&body, 2), Vec::<String>::new());
    assert_eq!(found(&body, 3), vec![ids[0].clone()]);

    // By id: the record is not its own duplicate; depth as in lists.
    let (status, body) = post(json!({"ids": [ids[1]]}), "?depth=1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(found(&body, 0), vec![ids[0].clone()]);
    assert_eq!(body["data"][0]["totalCount"], 1);
    assert_eq!(
        body["data"][0]["personDuplicates"][0]["company"]["name"],
        "Acme"
    );
    let (_, body) = post(json!({"ids": [ids[1]]}), "?depth=0").await;
    let duplicate = &body["data"][0]["personDuplicates"][0];
    assert_eq!(duplicate["companyId"], id("c1"));
    assert!(duplicate.get("company").is_none(), "{body}");

    let (status, body) = post(json!({"ids": []}), "").await;
    assert_eq!((status, body), (200, json!({"data": []})));

    for (body, text) in [
        (json!({"data": []}), "can not be empty"),
        (json!({"data": [], "ids": []}), "cannot provide both"),
        (json!({}), "either"),
    ] {
        let answer = post(body, "").await;
        assert_error(&answer, 400, "INVALID_VALUE");
        assert!(
            answer.1["messages"][0].as_str().unwrap().contains(text),
            "{}",
            answer.1
        );
    }
    assert_error(
        &post(json!({"ids": ["nope"]}), "").await,
        400,
        "INVALID_VALUE",
    );
    assert_error(&post(json!({"rows": []}), "").await, 400, "INVALID_BODY");
    assert_error(
        &post(json!({"ids": [id("p1")]}), "?depth=2").await,
        400,
        "INVALID_PARAMETER",
    );
    assert_error(
        &post(json!({"ids": ["00000000-0000-4000-8000-000000000000"]}), "").await,
        404,
        "NOT_FOUND",
    );

    // Companies: by name or by domain (links compare in their stored spelling).
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies",
            &json!({"name": "Initech", "domainName": {"primaryLinkUrl": "https://initech.example"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies/duplicates",
            &json!({"data": [{"name": "Other", "domainName": {"primaryLinkUrl": "HTTPS://Initech.example/"}}, {"name": "Initech"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for i in 0..2 {
        assert_eq!(
            body["data"][i]["companyDuplicates"][0]["name"], "Initech",
            "{body}"
        );
    }
}
both!(duplicates_follow_the_models_criteria);

async fn graphql_duplicates_are_connections(backend: Backend) {
    let Some(api) = Api::start(backend, "gqlduplicates").await else {
        return;
    };
    let ids = people(
        &api,
        &json!([
            {"name": {"firstName": "Gracie", "lastName": "Hoppington"}, "companyId": id("c1")},
            {"name": {"firstName": "Gracie", "lastName": "Hoppington"}},
        ]),
    )
    .await;
    let (status, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({
                "query": "query($ids: [UUID!]) { personDuplicates(ids: $ids) { totalCount pageInfo { hasNextPage } edges { node { id company { name } } } } \
                          byData: personDuplicates(data: [{name: {firstName: \"Gracie\", lastName: \"Hoppington\"}}]) { totalCount } }",
                "variables": {"ids": [ids[1]]},
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let first = &body["data"]["personDuplicates"][0];
    assert_eq!(first["totalCount"], 1);
    assert_eq!(
        first["edges"][0]["node"],
        json!({"id": ids[0], "company": {"name": "Acme"}})
    );
    assert_eq!(body["data"]["byData"][0]["totalCount"], 2);
    let (_, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": "{ personDuplicates(ids: [], data: []) { totalCount } }"}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}
both!(graphql_duplicates_are_connections);
