//! Merging duplicates on both backends, REST and GraphQL: Twenty's cases (emails gathered
//! once, the priority index, a dry run), relations re-pointed to the kept record, the
//! others destroyed, and the refusals.
use super::support::{Api, assert_error};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

/// John and Jane, their emails marked with `tag` (primary emails are unique).
async fn two_people(api: &Api, tag: &str) -> (String, String) {
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/batch/people",
            &json!([
                {"name": {"firstName": "John", "lastName": "Merge"}, "city": "Paris",
                 "emails": {"primaryEmail": format!("john{tag}@example.com"), "additionalEmails": ["shared@example.com", "john.work@example.com"]}},
                {"name": {"firstName": "Jane", "lastName": "Merge"}, "jobTitle": "CTO", "companyId": id("c1"),
                 "emails": {"primaryEmail": format!("jane{tag}@example.com"), "additionalEmails": ["shared@example.com", "jane.alt@example.com"]}},
            ]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = |i: usize| {
        body["data"]["createPeople"][i]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id(0), id(1))
}

async fn merge_keeps_the_priority_record_and_repoints_relations(backend: Backend) {
    let Some(api) = Api::start(backend, "restmerge").await else {
        return;
    };
    let (john, jane) = two_people(&api, "").await;
    // An opportunity whose point of contact is Jane follows the merge.
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/opportunities",
            &json!({"name": "Deal", "pointOfContactId": jane}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let deal = body["data"]["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A dry run writes nothing.
    let (status, body) = api
        .send(
            Method::PATCH,
            "/rest/people/merge",
            &json!({"ids": [john, jane], "conflictPriorityIndex": 0, "dryRun": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let preview = &body["data"]["mergePerson"];
    assert_ne!(preview["id"], json!(john));
    assert!(preview["deletedAt"].is_string(), "{body}");
    assert_eq!(preview["emails"]["primaryEmail"], "john@example.com");
    assert_eq!(api.get(&format!("/rest/people/{jane}")).await.0, 200);

    let (status, body) = api
        .send(
            Method::PATCH,
            "/rest/people/merge?depth=1",
            &json!({"ids": [john, jane], "conflictPriorityIndex": 0}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let merged = &body["data"]["mergePerson"];
    assert_eq!(merged["id"], json!(john));
    assert_eq!(merged["name"]["firstName"], "John");
    assert_eq!(merged["city"], "Paris");
    // Values only the other record had are taken; its relation too.
    assert_eq!(merged["jobTitle"], "CTO");
    assert_eq!(merged["companyId"], id("c1"));
    assert_eq!(merged["company"]["name"], "Acme");
    assert_eq!(
        merged["emails"],
        json!({"primaryEmail": "john@example.com", "additionalEmails": [
            "shared@example.com", "john.work@example.com", "jane@example.com", "jane.alt@example.com"]})
    );
    assert_error(
        &api.get(&format!("/rest/people/{jane}")).await,
        404,
        "NOT_FOUND",
    );
    let deal = api.ok(&format!("/rest/opportunities/{deal}?depth=0")).await;
    assert_eq!(deal["data"]["opportunity"]["pointOfContactId"], json!(john));

    // The refusals, with Twenty's messages; nothing written.
    let (a, b) = two_people(&api, "2").await;
    for (body, status, code, text) in [
        (
            json!({"ids": [a], "conflictPriorityIndex": 0}),
            400,
            "INVALID_VALUE",
            "At least 2",
        ),
        (
            json!({"ids": [a, b], "conflictPriorityIndex": 2}),
            400,
            "INVALID_VALUE",
            "Valid options for 2 records: 0-1",
        ),
        (
            json!({"ids": [a, a], "conflictPriorityIndex": 0}),
            400,
            "INVALID_VALUE",
            "twice",
        ),
        (
            json!({"ids": (0..10).map(|_| a.clone()).collect::<Vec<_>>(), "conflictPriorityIndex": 0}),
            400,
            "INVALID_VALUE",
            "Maximum 9",
        ),
        (
            json!({"ids": [a, "00000000-0000-4000-8000-000000000000"], "conflictPriorityIndex": 0}),
            404,
            "NOT_FOUND",
            "00000000",
        ),
        (
            json!({"ids": [a, b]}),
            400,
            "INVALID_BODY",
            "conflictPriorityIndex",
        ),
        (
            json!({"ids": [a, b], "conflictPriorityIndex": 0, "keep": true}),
            400,
            "INVALID_BODY",
            "keep",
        ),
    ] {
        let answer = api.send(Method::PATCH, "/rest/people/merge", &body).await;
        assert_error(&answer, status, code);
        assert!(
            answer.1["messages"][0].as_str().unwrap().contains(text),
            "{}",
            answer.1
        );
    }
    assert_eq!(api.get(&format!("/rest/people/{b}")).await.0, 200);
    // Only objects with duplicate criteria merge.
    let refused = api
        .send(
            Method::PATCH,
            "/rest/opportunities/merge",
            &json!({"ids": [id("o1"), id("o2")], "conflictPriorityIndex": 0}),
        )
        .await;
    assert_error(&refused, 400, "INVALID_VALUE");
    assert!(
        refused.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("duplicate criteria"),
        "{}",
        refused.1
    );
    // A read-only key cannot merge.
    let forbidden = api
        .call(
            Method::PATCH,
            "/rest/people/merge",
            &api.read_only,
            Some(&json!({"ids": [a, b], "conflictPriorityIndex": 0})),
        )
        .await;
    assert_eq!(forbidden.0, 403);
}
both!(merge_keeps_the_priority_record_and_repoints_relations);

async fn graphql_merge_takes_the_priority_index(backend: Backend) {
    let Some(api) = Api::start(backend, "gqlmerge").await else {
        return;
    };
    let (john, jane) = two_people(&api, "").await;
    let (status, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({
                "query": "mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 1) { id name { firstName } emails { primaryEmail additionalEmails } company { name } } }",
                "variables": {"ids": [john, jane]},
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let merged = &body["data"]["mergePeople"];
    assert_eq!(merged["id"], json!(jane));
    assert_eq!(merged["name"]["firstName"], "Jane");
    assert_eq!(merged["emails"]["primaryEmail"], "jane@example.com");
    assert_eq!(merged["company"]["name"], "Acme");
    let additional: Vec<Value> = merged["emails"]["additionalEmails"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(additional.len(), 4, "{body}");
    assert!(additional.contains(&json!("john@example.com")));
    let (_, body) = api
        .send(
            Method::POST,
            "/graphql",
            &json!({"query": format!("mutation {{ mergePeople(ids: [\"{jane}\"], conflictPriorityIndex: 0) {{ id }} }}")}),
        )
        .await;
    assert_eq!(body["data"], json!({"mergePeople": null}), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}
both!(graphql_merge_takes_the_priority_index);
