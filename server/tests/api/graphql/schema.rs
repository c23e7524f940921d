//! The served schema is the checked-in SDL, the standard introspection query passes the
//! limits, GraphiQL is served.
use super::support::Gql;
use crate::support::Backend;
use serde_json::json;

/// graphql-js's `getIntrospectionQuery()` (descriptions on, as GraphiQL sends it).
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}
"#;

#[tokio::test]
async fn the_served_sdl_is_the_checked_in_file() {
    let Some(gql) = Gql::start(Backend::Sqlite, "gqlsdl").await else {
        return;
    };
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../graphql/core.graphql"
    ))
    .expect("graphql/core.graphql");
    let client = reqwest::Client::new();
    let response = client
        .get(gql.url("/graphql/schema.graphql"))
        .header("authorization", format!("Bearer {}", gql.key))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/graphql")
    );
    let served = response.text().await.unwrap();
    assert!(
        served == checked_in,
        "the served SDL differs from graphql/core.graphql"
    );

    let anonymous = client
        .get(gql.url("/graphql/schema.graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    gql.stop().await;
}

#[tokio::test]
async fn the_standard_introspection_query_passes_the_limits() {
    let Some(gql) = Gql::start(Backend::Sqlite, "gqlintro").await else {
        return;
    };
    let data = gql.data(INTROSPECTION, json!({})).await;
    let types = data["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "CompanyConnection"));
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    assert_eq!(data["__schema"]["mutationType"]["name"], "Mutation");
    gql.stop().await;
}

#[tokio::test]
async fn graphiql_is_served_at_get_graphql() {
    let Some(gql) = Gql::start(Backend::Sqlite, "gqlide").await else {
        return;
    };
    let response = reqwest::get(gql.url("/graphql")).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("GraphiQL"), "{page}");
    // Every script and style the page loads is served by the server itself.
    let mut assets = 0;
    for part in page.split(['"', '\'']) {
        if !part.starts_with("/graphql/assets/") {
            continue;
        }
        assets += 1;
        let asset = reqwest::get(gql.url(part)).await.unwrap();
        assert_eq!(asset.status().as_u16(), 200, "{part}");
        assert!(asset.bytes().await.unwrap().len() > 1000, "{part}");
    }
    assert_eq!(assets, 4, "{page}");
    assert!(
        !page.contains("https://"),
        "the page loads nothing from the internet"
    );
    let missing = reqwest::get(gql.url("/graphql/assets/nope.js"))
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    gql.stop().await;
}
