//! Tenant isolation: a key of another workspace never sees or changes this one's records.
use super::support::{Api, assert_error, labels};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;
use reqwest::Method;

async fn another_workspaces_key_reads_nothing_of_this_one(backend: Backend) {
    let Some(api) = Api::start(backend, "restisoread").await else {
        return;
    };
    let (status, body) = api
        .call(Method::GET, "/rest/companies", &api.other, None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(labels(&body, "companies"), "");
    assert_eq!(body["totalCount"], 0);
    let response = api
        .call(
            Method::GET,
            &format!("/rest/companies/{}", id("c1")),
            &api.other,
            None,
        )
        .await;
    assert_error(&response, 404, "NOT_FOUND");
    // The seeded workspace still sees it (and its count was not mixed up with the other's).
    let body = api.ok("/rest/companies").await;
    assert_eq!(body["totalCount"], 7);
}
both!(another_workspaces_key_reads_nothing_of_this_one);
