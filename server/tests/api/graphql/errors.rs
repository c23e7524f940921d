//! Errors in GraphQL form: keys, scopes, tenant isolation, bad input and limits, each with
//! `extensions.code` and our `extensions.twentyCode`.
use super::support::{Gql, first_error};
use crate::both;
use crate::support::Backend;
use serde_json::json;
use twenty_server::Scope;

async fn keys_scopes_and_workspaces_are_enforced(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlauth").await else {
        return;
    };
    let ids = gql.companies(&["Mine"]).await;
    let (status, body) = gql
        .post_as(None, "{ companies { totalCount } }", json!({}))
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(first_error(&body).0, "UNAUTHENTICATED");
    let unknown = twenty_server::secret::generate_secret().unwrap();
    let (status, body) = gql
        .post_as(Some(&unknown), "{ companies { totalCount } }", json!({}))
        .await;
    assert_eq!(status, 401);
    assert_eq!(first_error(&body).2, "unknown API key");

    let store = &gql.server.state.store;
    let workspace = gql.server.first_workspace.as_ref().unwrap().0.id;
    let reader = store
        .create_api_key(workspace, "reader", Scope::ReadOnly, None)
        .await
        .unwrap();
    let (_, body) = gql
        .post_as(
            Some(&reader.secret),
            "{ companies { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["companies"]["totalCount"], 1, "{body}");
    let (status, body) = gql
        .post_as(
            Some(&reader.secret),
            "mutation { createCompany(data: {name: \"No\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (code, _, message) = first_error(&body);
    assert_eq!(code, "FORBIDDEN");
    assert!(message.contains("read-only"), "{message}");

    let (_, other) = store.create_workspace("Other").await.unwrap();
    let (_, body) = gql
        .post_as(
            Some(&other.secret),
            "{ companies { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["companies"]["totalCount"], 0, "{body}");
    let (_, body) = gql
        .post_as(
            Some(&other.secret),
            "mutation($id: UUID!) { updateCompany(id: $id, data: {name: \"Stolen\"}) { id } }",
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(first_error(&body).0, "NOT_FOUND");
    let data = gql
        .data("{ companies { edges { node { name } } } }", json!({}))
        .await;
    assert_eq!(data["companies"]["edges"][0]["node"]["name"], "Mine");
    gql.stop().await;
}
both!(keys_scopes_and_workspaces_are_enforced);

/// An Authorization header is read by one function for REST and GraphQL: the same
/// malformed header gets the same 401 message on `/rest`, `/graphql` and its SDL.
async fn a_malformed_authorization_header_is_refused_alike_everywhere(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlbadheader").await else {
        return;
    };
    let client = reqwest::Client::new();
    for header in [&b"Bearer \xff"[..], b"Basic abc"] {
        let value = reqwest::header::HeaderValue::from_bytes(header).unwrap();
        let rest = client
            .get(gql.url("/rest/companies"))
            .header("authorization", value.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(rest.status().as_u16(), 401);
        let rest: serde_json::Value = rest.json().await.unwrap();
        let message = rest["messages"][0].as_str().unwrap_or_default().to_owned();
        assert!(
            message.starts_with("malformed Authorization header"),
            "{rest}"
        );
        let graphql = client
            .post(gql.url("/graphql"))
            .header("authorization", value.clone())
            .json(&json!({ "query": "{ companies { totalCount } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(graphql.status().as_u16(), 401);
        let (code, twenty_code, graphql_message) = first_error(&graphql.json().await.unwrap());
        assert_eq!(
            (code.as_str(), twenty_code.as_str()),
            ("UNAUTHENTICATED", "UNAUTHENTICATED")
        );
        assert_eq!(graphql_message, message);
        let sdl = client
            .get(gql.url("/graphql/schema.graphql"))
            .header("authorization", value)
            .send()
            .await
            .unwrap();
        assert_eq!(sdl.status().as_u16(), 401);
        let sdl: serde_json::Value = sdl.json().await.unwrap();
        assert_eq!(sdl, rest);
    }
    gql.stop().await;
}
both!(a_malformed_authorization_header_is_refused_alike_everywhere);

async fn client_mistakes_are_coded_and_never_internal(backend: Backend) {
    let Some(gql) = Gql::start(backend, "gqlbad").await else {
        return;
    };
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "{ companies { edges { node { id } }",
            "GRAPHQL_PARSE_FAILED",
            "INVALID_QUERY",
        ),
        (
            "{ companies { nope } }",
            "GRAPHQL_VALIDATION_FAILED",
            "INVALID_QUERY",
        ),
        (
            "{ companies(filter: {nope: {eq: 1}}) { totalCount } }",
            "GRAPHQL_VALIDATION_FAILED",
            "INVALID_QUERY",
        ),
        (
            "{ companies(first: 201) { totalCount } }",
            "BAD_USER_INPUT",
            "LIMIT_EXCEEDED",
        ),
        (
            "{ companies(first: -1) { totalCount } }",
            "BAD_USER_INPUT",
            "INVALID_PAGE",
        ),
        (
            "{ companies(first: 1, last: 1) { totalCount } }",
            "BAD_USER_INPUT",
            "INVALID_PAGE",
        ),
        (
            "{ companies(after: \"zz\") { totalCount } }",
            "BAD_USER_INPUT",
            "INVALID_CURSOR",
        ),
        (
            "{ companies(filter: {createdAt: {gt: \"yesterday\"}}) { totalCount } }",
            "BAD_USER_INPUT",
            "INVALID_VALUE",
        ),
        // RawJsonFilter has only `is` (the model's comparators for JSON), so the schema
        // refuses `like` before the engine sees it.
        (
            "{ people(filter: {emails: {additionalEmails: {like: \"%a\"}}}) { totalCount } }",
            "GRAPHQL_VALIDATION_FAILED",
            "INVALID_QUERY",
        ),
        (
            "mutation { updateCompany(id: \"00000000-0000-4000-8000-000000000009\", data: {name: \"x\"}) { id } }",
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "mutation { createPerson(data: {companyId: \"00000000-0000-4000-8000-000000000009\"}) { id } }",
            "BAD_USER_INPUT",
            "INVALID_RELATION",
        ),
        (
            "mutation { createCompany(data: {name: \"x\", domainName: {primaryLinkUrl: \"javascript:alert(1)\"}}) { id } }",
            "BAD_USER_INPUT",
            "INVALID_VALUE",
        ),
    ];
    for (query, code, twenty) in cases {
        let (status, body) = gql.post(query, json!({})).await;
        assert_eq!(status, 200, "{query}: {body}");
        let (got_code, got_twenty, message) = first_error(&body);
        assert_eq!(
            (got_code.as_str(), got_twenty.as_str()),
            (code, twenty),
            "{query}: {message}"
        );
        assert!(!message.is_empty());
    }
    let response = reqwest::Client::new()
        .post(gql.url("/graphql"))
        .header("authorization", format!("Bearer {}", gql.key))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(first_error(&body).1, "INVALID_BODY");
    gql.stop().await;
}
both!(client_mistakes_are_coded_and_never_internal);

#[tokio::test]
async fn limits_refuse_operations_with_a_clear_error() {
    let Some(gql) = Gql::start(Backend::Sqlite, "gqllimits").await else {
        return;
    };
    // 16 levels: one more than the default maximum.
    let deep = "{ companies { edges { node { people { edges { node { company { people { edges { node { company { people { edges { node { name { firstName } } } } } } } } } } } } } } } }";
    let (code, twenty, message) = gql.error(deep, json!({})).await;
    assert_eq!(
        (code.as_str(), twenty.as_str()),
        ("BAD_USER_INPUT", "QUERY_TOO_DEEP")
    );
    assert!(message.starts_with("Query too complex"), "{message}");

    let roots: Vec<String> = (0..21)
        .map(|i| format!("c{i}: companies {{ totalCount }}"))
        .collect();
    let (_, twenty, message) = gql
        .error(&format!("{{ {} }}", roots.join(" ")), json!({}))
        .await;
    assert_eq!(twenty, "TOO_MANY_ROOT_FIELDS", "{message}");
    assert!(
        message.contains("21") && message.contains("20"),
        "{message}"
    );

    let many: Vec<String> = (0..2001).map(|i| format!("f{i}: id")).collect();
    let (_, twenty, _) = gql
        .error(
            &format!(
                "{{ companies {{ edges {{ node {{ {} }} }} }} }}",
                many.join(" ")
            ),
            json!({}),
        )
        .await;
    assert_eq!(twenty, "TOO_MANY_FIELDS");

    let aliases: Vec<String> = (0..51).map(|i| format!("a{i}: id")).collect();
    let (_, twenty, _) = gql
        .error(
            &format!(
                "{{ companies {{ edges {{ node {{ {} }} }} }} }}",
                aliases.join(" ")
            ),
            json!({}),
        )
        .await;
    assert_eq!(twenty, "TOO_MANY_ALIASES");

    let records: Vec<serde_json::Value> = (0..101)
        .map(|i| json!({ "name": format!("C{i}") }))
        .collect();
    let (code, twenty, _) = gql
        .error(
            "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
            json!({ "d": records }),
        )
        .await;
    assert_eq!(
        (code.as_str(), twenty.as_str()),
        ("BAD_USER_INPUT", "TOO_MANY_RECORDS")
    );
    gql.stop().await;
}
