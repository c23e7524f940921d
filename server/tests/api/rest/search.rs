//! Search across objects on both backends, REST and GraphQL: words as prefixes over each
//! searchable object's document, ranked by the database, with labels, images, object
//! choice, a filter and a keyset cursor.
use super::support::{Api, assert_error, enc};
use crate::both;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

async fn seed(api: &Api) {
    for (path, body) in [
        (
            "/rest/companies",
            json!({"name": "Zebracorp Industries", "domainName": {"primaryLinkUrl": "https://www.zebracorp.example/about"}}),
        ),
        ("/rest/companies", json!({"name": "Zebracorp Holdings"})),
        (
            "/rest/people",
            json!({"name": {"firstName": "Zed", "lastName": "Zebracorpson"}, "jobTitle": "Zebracorp liaison", "avatarUrl": "https://img.example/zed.png"}),
        ),
    ] {
        let (status, body) = api.send(Method::POST, path, &body).await;
        assert_eq!(status, 201, "{body}");
    }
}

fn labels(nodes: &Value) -> Vec<String> {
    let mut out: Vec<String> = nodes
        .as_array()
        .unwrap_or_else(|| panic!("{nodes}"))
        .iter()
        .map(|n| {
            format!(
                "{}:{}",
                n["objectNameSingular"].as_str().unwrap(),
                n["label"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

async fn search_finds_records_of_every_searchable_object(backend: Backend) {
    let Some(api) = Api::start(backend, "restsearch").await else {
        return;
    };
    seed(&api).await;
    let (status, body) = api.get("/rest/search?searchInput=zebraco").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        labels(&body["data"]["search"]),
        [
            "company:Zebracorp Holdings",
            "company:Zebracorp Industries",
            "person:Zed Zebracorpson"
        ]
    );
    let nodes = body["data"]["search"].as_array().unwrap();
    // Ranked: every result has its rank, best first.
    let ranks: Vec<f64> = nodes
        .iter()
        .map(|n| n["tsRankCD"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    let image = |label: &str| {
        nodes
            .iter()
            .find(|n| n["label"] == label)
            .map(|n| n["imageUrl"].clone())
            .unwrap()
    };
    assert_eq!(
        image("Zebracorp Industries"),
        "https://twenty-icons.com/zebracorp.example"
    );
    assert_eq!(image("Zed Zebracorpson"), "https://img.example/zed.png");
    assert_eq!(image("Zebracorp Holdings"), Value::Null);

    // Every word must match (as a prefix).
    let (_, body) = api
        .get(&format!(
            "/rest/search?searchInput={}",
            enc("zebracorp indus")
        ))
        .await;
    assert_eq!(
        labels(&body["data"]["search"]),
        ["company:Zebracorp Industries"]
    );
    // Choosing objects.
    let (_, body) = api
        .get("/rest/search?searchInput=zebracorp&includedObjectNameSingulars=person")
        .await;
    assert_eq!(labels(&body["data"]["search"]), ["person:Zed Zebracorpson"]);
    let (_, body) = api
        .get("/rest/search?searchInput=zebracorp&excludedObjectNameSingulars=person")
        .await;
    assert_eq!(body["data"]["search"].as_array().unwrap().len(), 2);
    // Paging with the cursor visits every result once.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!(
                "/rest/search?searchInput=zebracorp&limit=1&after={}",
                enc(a)
            ),
            None => "/rest/search?searchInput=zebracorp&limit=1".to_owned(),
        };
        let (status, body) = api.get(&path).await;
        assert_eq!(status, 200, "{body}");
        seen.extend(labels(&body["data"]["search"]));
        if body["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = body["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    seen.sort();
    assert_eq!(seen.len(), 3, "{seen:?}");
    // A filter on the fields every object has; soft-deleted records are not found.
    let (_, body) = api
        .get(&format!(
            "/rest/search?searchInput=zebracorp&filter={}",
            enc("createdAt[lt]:\"2000-01-01T00:00:00Z\"")
        ))
        .await;
    assert_eq!(body["data"]["search"], json!([]));
    let (_, body) = api.get("/rest/search?searchInput=holdings").await;
    let id = body["data"]["search"][0]["recordId"]
        .as_str()
        .unwrap()
        .to_owned();
    api.call(
        Method::DELETE,
        &format!("/rest/companies/{id}?soft_delete=true"),
        &api.key,
        None,
    )
    .await;
    let (_, body) = api.get("/rest/search?searchInput=holdings").await;
    assert_eq!(body["data"]["search"], json!([]));
    // Punctuation only: nothing to look for.
    let (status, body) = api
        .get(&format!("/rest/search?searchInput={}", enc("*** ()")))
        .await;
    assert_eq!((status, body["data"]["search"].clone()), (200, json!([])));

    assert_error(&api.get("/rest/search").await, 400, "INVALID_PARAMETER");
    assert_error(
        &api.get("/rest/search?searchInput=x&includedObjectNameSingulars=unicorn")
            .await,
        400,
        "INVALID_VALUE",
    );
    assert_error(
        &api.get("/rest/search?searchInput=x&after=nope").await,
        400,
        "INVALID_CURSOR",
    );
    assert_error(
        &api.get("/rest/search?searchInput=x&limit=500").await,
        400,
        "LIMIT_EXCEEDED",
    );
}
both!(search_finds_records_of_every_searchable_object);

async fn graphql_search_answers_twentys_connection(backend: Backend) {
    let Some(api) = Api::start(backend, "gqlsearch").await else {
        return;
    };
    seed(&api).await;
    let (status, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({
                "query": "query($in: [String!]) { search(searchInput: \"zebracorp\", limit: 2, includedObjectNameSingulars: $in, filter: {createdAt: {is: NOT_NULL}}) { edges { node { recordId objectNameSingular label imageUrl tsRankCD tsRank } cursor } pageInfo { hasNextPage endCursor } } }",
                "variables": {"in": ["company", "person"]},
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let search = &body["data"]["search"];
    assert_eq!(search["edges"].as_array().unwrap().len(), 2);
    assert_eq!(search["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        search["pageInfo"]["endCursor"],
        search["edges"][1]["cursor"]
    );
    let after = search["pageInfo"]["endCursor"].as_str().unwrap();
    let (_, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": format!("{{ search(searchInput: \"zebracorp\", limit: 2, after: \"{after}\") {{ edges {{ node {{ label }} }} pageInfo {{ hasNextPage }} }} }}")}),
        )
        .await;
    assert_eq!(
        body["data"]["search"]["edges"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    assert_eq!(body["data"]["search"]["pageInfo"]["hasNextPage"], false);
}
both!(graphql_search_answers_twentys_connection);
