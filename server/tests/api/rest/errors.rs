//! Errors outside the records: unknown objects and paths, wrong methods, keys, bodies on
//! GET — all in Twenty's error shape with our `code`.
use super::support::{Api, assert_error};
use crate::both;
use crate::support::Backend;
use reqwest::Method;

async fn unknown_objects_and_paths_are_404(backend: Backend) {
    let Some(api) = Api::start(backend, "restunknown").await else {
        return;
    };
    let response = api.get("/rest/unicorns").await;
    assert_error(&response, 404, "UNKNOWN_OBJECT");
    assert!(
        response.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("`unicorns`")
    );
    let response = api.get("/rest/person").await;
    assert_error(&response, 404, "UNKNOWN_OBJECT");
    assert!(
        response.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("/rest/people"),
        "a singular name hints at the plural: {}",
        response.1
    );
    assert_error(&api.get("/rest/people/a/b/c").await, 404, "NOT_FOUND");
    assert_error(&api.get("/rest").await, 404, "NOT_FOUND");
    assert_error(&api.get("/nowhere").await, 404, "NOT_FOUND");
}
both!(unknown_objects_and_paths_are_404);

async fn a_wrong_method_is_405_naming_the_allowed_ones(backend: Backend) {
    let Some(api) = Api::start(backend, "restmethod").await else {
        return;
    };
    let response = api.call(Method::PUT, "/rest/people", &api.key, None).await;
    assert_error(&response, 405, "METHOD_NOT_ALLOWED");
    assert!(
        response.1["messages"][0].as_str().unwrap().contains("GET"),
        "{}",
        response.1
    );
    for (method, path) in [
        (Method::POST, "/rest/open-api/core"),
        (Method::GET, "/rest/batch/people"),
        (
            Method::POST,
            "/rest/people/00000000-0000-4000-8000-000000000001",
        ),
        (Method::GET, "/rest/people/restore"),
        (
            Method::DELETE,
            "/rest/people/00000000-0000-4000-8000-000000000001/restore",
        ),
    ] {
        let response = api.call(method.clone(), path, &api.key, None).await;
        assert_error(&response, 405, "METHOD_NOT_ALLOWED");
    }
}
both!(a_wrong_method_is_405_naming_the_allowed_ones);

async fn reads_need_a_valid_key(backend: Backend) {
    let Some(api) = Api::start(backend, "restkeys").await else {
        return;
    };
    let response = api
        .call(Method::GET, "/rest/people", "twk_nope", None)
        .await;
    assert_error(&response, 401, "UNAUTHENTICATED");
    let status = reqwest::get(api.url("/rest/people"))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
    // A read-only key reads.
    let (status, body) = api
        .call(Method::GET, "/rest/people", &api.read_only, None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["totalCount"], 5);
}
both!(reads_need_a_valid_key);

async fn a_body_on_get_is_ignored(backend: Backend) {
    let Some(api) = Api::start(backend, "restgetbody").await else {
        return;
    };
    let (status, body) = api
        .call(
            Method::GET,
            "/rest/people",
            &api.key,
            Some(&serde_json::json!({"x": 1})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let response = reqwest::Client::new()
        .get(api.url("/rest/people"))
        .bearer_auth(&api.key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
both!(a_body_on_get_is_ignored);
