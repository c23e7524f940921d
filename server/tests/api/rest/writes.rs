//! The write routes over HTTP: statuses, envelopes, upsert, batches (all or nothing),
//! many-record forms (filter required, capped), soft delete / destroy / restore, and
//! `totalCount` following every write.
use super::support::{Api, assert_error, enc, labels};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

impl Api {
    pub async fn send(&self, method: Method, path: &str, body: &Value) -> (u16, Value) {
        self.call(method, path, &self.key, Some(body)).await
    }

    async fn count(&self, path: &str) -> u64 {
        self.ok(path).await["totalCount"]
            .as_u64()
            .expect("a totalCount")
    }
}

async fn create_one_answers_201_with_the_record(backend: Backend) {
    let Some(api) = Api::start(backend, "restcreate").await else {
        return;
    };
    let before = api.count("/rest/people").await;
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people",
            &json!({"name": {"firstName": "Mary", "lastName": "Shelley"}, "companyId": id("c1")}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let person = &body["data"]["createPerson"];
    assert_eq!(person["name"]["firstName"], "Mary");
    assert_eq!(
        person["company"]["name"], "Acme",
        "depth 1 by default: {person}"
    );
    assert_eq!(person["createdBy"]["source"], "API");
    assert_eq!(person["createdBy"]["name"], "Default key");
    let new_id = person["id"].as_str().unwrap().to_owned();
    // The cached count follows the write.
    assert_eq!(api.count("/rest/people").await, before + 1);
    let body = api.ok(&format!("/rest/people/{new_id}")).await;
    assert_eq!(body["data"]["person"]["name"]["lastName"], "Shelley");

    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people?depth=0",
            &json!({"jobTitle": "Poet"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["data"]["createPerson"].get("company").is_none(),
        "{body}"
    );
    assert_eq!(body["data"]["createPerson"]["companyId"], Value::Null);
}
both!(create_one_answers_201_with_the_record);

async fn bad_bodies_are_400_invalid_body(backend: Backend) {
    let Some(api) = Api::start(backend, "restbadbody").await else {
        return;
    };
    let raw = |body: &'static str| {
        reqwest::Client::new()
            .post(api.url("/rest/people"))
            .bearer_auth(&api.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for body in ["", "{not json", "[1,", "\"text\"", "42"] {
        let response = raw(body).await.unwrap();
        let status = response.status().as_u16();
        let json: Value = response.json().await.unwrap();
        assert_error(&(status, json), 400, "INVALID_BODY");
    }
    let response = api.send(Method::POST, "/rest/people", &json!([{}])).await;
    assert_error(&response, 400, "INVALID_BODY");
    assert!(
        response.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("/rest/batch/people")
    );
    let response = api
        .send(Method::POST, "/rest/people", &json!({"nope": 1}))
        .await;
    assert_error(&response, 400, "UNKNOWN_FIELD");
    let response = api
        .send(
            Method::POST,
            "/rest/people",
            &json!({"emails": {"primaryEmail": "not-an-email"}}),
        )
        .await;
    assert_error(&response, 400, "INVALID_VALUE");
    let response = api
        .send(
            Method::POST,
            "/rest/people",
            &json!({"companyId": id("c99")}),
        )
        .await;
    assert_error(&response, 400, "INVALID_RELATION");
    let response = api
        .send(Method::POST, "/rest/people?upsert=maybe", &json!({}))
        .await;
    assert_error(&response, 400, "INVALID_PARAMETER");
    let response = api
        .send(Method::POST, "/rest/people?limit=1", &json!({}))
        .await;
    assert_error(&response, 400, "UNKNOWN_PARAMETER");
    // Past the body limit: 413 in the same shape.
    let big = format!("{{\"jobTitle\":\"{}\"}}", "x".repeat(3 * 1024 * 1024));
    // The server may answer and close before the client has written the whole body; the
    // client then sees a broken pipe instead of the answer. Such a race is retried.
    let mut attempts = 0;
    let response = loop {
        attempts += 1;
        match reqwest::Client::new()
            .post(api.url("/rest/people"))
            .bearer_auth(&api.key)
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
        {
            Ok(response) => break response,
            Err(e) if e.is_request() && attempts < 5 => continue,
            Err(e) => panic!("no answer to an oversized body after {attempts} tries: {e}"),
        }
    };
    let status = response.status().as_u16();
    let json: Value = response.json().await.unwrap();
    assert_error(&(status, json), 413, "PAYLOAD_TOO_LARGE");
}
both!(bad_bodies_are_400_invalid_body);

async fn a_batch_is_all_or_nothing(backend: Backend) {
    let Some(api) = Api::start(backend, "restbatch").await else {
        return;
    };
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/batch/companies",
            &json!([{"name": "One"}, {"name": "Two", "employees": 3}]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let created = body["data"]["createCompanies"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["name"], "One");
    assert_eq!(created[1]["employees"], 3);
    assert_eq!(api.count("/rest/companies").await, 9);

    let response = api
        .send(
            Method::POST,
            "/rest/batch/companies",
            &json!([{"name": "Three"}, {"name": "Four", "employees": "many"}]),
        )
        .await;
    assert_error(&response, 400, "INVALID_VALUE");
    let message = response.1["messages"][0].as_str().unwrap();
    assert!(message.starts_with("record 1:"), "{message}");
    assert_eq!(
        api.count("/rest/companies").await,
        9,
        "nothing of a failed batch is written"
    );

    let too_many: Vec<Value> = (0..101).map(|i| json!({"name": format!("n{i}")})).collect();
    let response = api
        .send(
            Method::POST,
            "/rest/batch/companies",
            &Value::Array(too_many),
        )
        .await;
    assert_error(&response, 400, "TOO_MANY_RECORDS");
    let response = api
        .send(Method::POST, "/rest/batch/companies", &json!({"name": "x"}))
        .await;
    assert_error(&response, 400, "INVALID_BODY");
    let response = api
        .send(
            Method::POST,
            "/rest/batch/companies",
            &json!([{"name": "x"}, 3]),
        )
        .await;
    assert_error(&response, 400, "INVALID_BODY");
    assert_eq!(api.count("/rest/companies").await, 9);
}
both!(a_batch_is_all_or_nothing);

async fn upsert_updates_the_matching_record(backend: Backend) {
    let Some(api) = Api::start(backend, "restupsert").await else {
        return;
    };
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people?upsert=true",
            &json!({"id": id("p1"), "jobTitle": "Countess"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["createPerson"]["id"], id("p1"));
    assert_eq!(body["data"]["createPerson"]["name"]["firstName"], "Ada");
    assert_eq!(body["data"]["createPerson"]["jobTitle"], "Countess");
    assert_eq!(api.count("/rest/people").await, 5);
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/batch/people?upsert=true",
            &json!([
                {"emails": {"primaryEmail": "grace@beta.io"}, "jobTitle": "Admiral"},
                {"emails": {"primaryEmail": "new@x.io"}}
            ]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let people = body["data"]["createPeople"].as_array().unwrap();
    assert_eq!(people[0]["id"], id("p3"));
    assert_eq!(people[0]["jobTitle"], "Admiral");
    assert_eq!(api.count("/rest/people").await, 6);
    // Without upsert, the same id conflicts.
    let response = api
        .send(Method::POST, "/rest/people", &json!({"id": id("p1")}))
        .await;
    assert_error(&response, 409, "UNIQUE_VIOLATION");
}
both!(upsert_updates_the_matching_record);

/// A write answers at depth 1 exactly what a depth-1 read of its records answers right
/// after: a created record (many-to-one embedded, every list empty), an upserted one and
/// an updated one (their lists read).
async fn a_depth_1_write_answers_what_a_depth_1_read_answers(backend: Backend) {
    let Some(api) = Api::start(backend, "restwritedepth").await else {
        return;
    };
    let read = async |path: String| api.ok(&path).await["data"].clone();
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people",
            &json!({"jobTitle": "Clerk", "companyId": id("c1")}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let created = &body["data"]["createPerson"];
    assert_eq!(created["company"]["id"], id("c1"), "{created}");
    let again = read(format!("/rest/people/{}", created["id"].as_str().unwrap())).await;
    assert_eq!(created, &again["person"]);

    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies?upsert=true",
            &json!({"id": id("c1"), "employees": 77}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let upserted = &body["data"]["createCompany"];
    assert!(
        !upserted["people"].as_array().unwrap().is_empty(),
        "an existing company keeps its people: {upserted}"
    );
    let again = read(format!("/rest/companies/{}", id("c1"))).await;
    assert_eq!(upserted, &again["company"]);

    let (status, body) = api
        .send(
            Method::PATCH,
            &format!("/rest/companies/{}", id("c1")),
            &json!({"employees": 78}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let again = read(format!("/rest/companies/{}", id("c1"))).await;
    assert_eq!(body["data"]["updateCompany"], again["company"]);
}
both!(a_depth_1_write_answers_what_a_depth_1_read_answers);

async fn update_one_and_many(backend: Backend) {
    let Some(api) = Api::start(backend, "restupdate").await else {
        return;
    };
    for method in [Method::PATCH, Method::PUT] {
        let (status, body) = api
            .send(
                method.clone(),
                &format!("/rest/people/{}", id("p2")),
                &json!({"name": {"lastName": "T."}}),
            )
            .await;
        assert_eq!(status, 200, "{method}: {body}");
        let person = &body["data"]["updatePerson"];
        assert_eq!(person["name"]["firstName"], "Alan");
        assert_eq!(person["name"]["lastName"], "T.");
        assert_eq!(person["company"]["name"], "Acme");
    }
    let response = api
        .send(
            Method::PATCH,
            &format!("/rest/people/{}", id("p99")),
            &json!({}),
        )
        .await;
    assert_error(&response, 404, "NOT_FOUND");
    let response = api
        .send(Method::PATCH, "/rest/people/not-a-uuid", &json!({}))
        .await;
    assert_error(&response, 400, "INVALID_ID");
    let response = api
        .send(
            Method::PATCH,
            &format!("/rest/people/{}", id("p2")),
            &json!({"createdAt": "2020-01-01"}),
        )
        .await;
    assert_error(&response, 400, "READ_ONLY_FIELD");

    let response = api
        .send(Method::PATCH, "/rest/people", &json!({"jobTitle": "x"}))
        .await;
    assert_error(&response, 400, "MISSING_FILTER");
    let filter = enc(&format!("companyId[eq]:{}", id("c1")));
    let (status, body) = api
        .send(
            Method::PATCH,
            &format!("/rest/people?filter={filter}&depth=0"),
            &json!({"jobTitle": "Founder"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(labels(&body, "updatePeople"), "p1 p2");
    let body = api
        .ok(&format!(
            "/rest/people?filter={}",
            enc("jobTitle[eq]:Founder")
        ))
        .await;
    assert_eq!(labels(&body, "people"), "p1 p2");
    assert_eq!(body["totalCount"], 2);
    // Matching nothing changes nothing.
    let (status, body) = api
        .send(
            Method::PATCH,
            &format!("/rest/people?filter={}", enc("jobTitle[eq]:Nobody")),
            &json!({"jobTitle": "x"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["updatePeople"], json!([]));
}
both!(update_one_and_many);

async fn many_record_writes_are_capped(backend: Backend) {
    let Some(api) = Api::start(backend, "restcap").await else {
        return;
    };
    let batch: Vec<Value> = (0..100)
        .map(|i| json!({"name": format!("bulk{i}")}))
        .collect();
    let (status, body) = api
        .send(Method::POST, "/rest/batch/companies", &Value::Array(batch))
        .await;
    assert_eq!(status, 201, "{body}");
    let all = enc("name[is]:NOT_NULL");
    for (method, path) in [
        (Method::PATCH, format!("/rest/companies?filter={all}")),
        (Method::DELETE, format!("/rest/companies?filter={all}")),
    ] {
        let response = api.send(method, &path, &json!({"employees": 1})).await;
        assert_error(&response, 400, "TOO_MANY_RECORDS");
    }
    assert_eq!(api.count("/rest/companies").await, 107);
    assert_eq!(
        api.count(&format!(
            "/rest/companies?filter={}",
            enc("employees[eq]:1")
        ))
        .await,
        0
    );
}
both!(many_record_writes_are_capped);

async fn delete_destroys_or_soft_deletes_and_restore_brings_back(backend: Backend) {
    let Some(api) = Api::start(backend, "restdelete").await else {
        return;
    };
    let path = format!("/rest/people/{}", id("p5"));
    let (status, body) = api
        .call(
            Method::DELETE,
            &format!("{path}?soft_delete=true"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["deletePerson"]["id"], id("p5"));
    assert!(
        body["data"]["deletePerson"]["deletedAt"].is_string(),
        "{body}"
    );
    assert_error(&api.get(&path).await, 404, "NOT_FOUND");
    assert_eq!(api.count("/rest/people").await, 4);
    let deleted = api
        .ok(&format!(
            "/rest/people?filter={}",
            enc("deletedAt[is]:NOT_NULL")
        ))
        .await;
    assert_eq!(labels(&deleted, "people"), "p5");

    let (status, body) = api
        .call(Method::PATCH, &format!("{path}/restore"), &api.key, None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["restorePerson"]["deletedAt"], Value::Null);
    assert_eq!(body["data"]["restorePerson"]["company"]["name"], "Gamma_X");
    assert_eq!(api.ok(&path).await["data"]["person"]["id"], id("p5"));
    assert_eq!(api.count("/rest/people").await, 5);

    let (status, body) = api.call(Method::DELETE, &path, &api.key, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["deletePerson"]["id"], id("p5"));
    assert_error(&api.get(&path).await, 404, "NOT_FOUND");
    let response = api
        .call(Method::PATCH, &format!("{path}/restore"), &api.key, None)
        .await;
    assert_error(&response, 404, "NOT_FOUND");
    assert_error(
        &api.call(Method::DELETE, &path, &api.key, None).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &api.call(
            Method::DELETE,
            &format!("{path}?soft_delete=yes"),
            &api.key,
            None,
        )
        .await,
        400,
        "INVALID_PARAMETER",
    );
    assert_eq!(api.count("/rest/people").await, 4);
}
both!(delete_destroys_or_soft_deletes_and_restore_brings_back);

async fn delete_and_restore_many_by_filter(backend: Backend) {
    let Some(api) = Api::start(backend, "restdeletemany").await else {
        return;
    };
    assert_error(
        &api.call(Method::DELETE, "/rest/opportunities", &api.key, None)
            .await,
        400,
        "MISSING_FILTER",
    );
    assert_error(
        &api.call(Method::PATCH, "/rest/opportunities/restore", &api.key, None)
            .await,
        400,
        "MISSING_FILTER",
    );
    let customers = enc("stage[eq]:CUSTOMER");
    let (status, body) = api
        .call(
            Method::DELETE,
            &format!("/rest/opportunities?filter={customers}&soft_delete=true"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(labels(&body, "deleteOpportunities"), "o3 o4");
    assert_eq!(api.count("/rest/opportunities").await, 2);

    let (status, body) = api
        .call(
            Method::PATCH,
            &format!("/rest/opportunities/restore?filter={customers}"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(labels(&body, "restoreOpportunities"), "o3 o4");
    assert_eq!(api.count("/rest/opportunities").await, 4);

    let (status, body) = api
        .call(
            Method::DELETE,
            &format!("/rest/opportunities?filter={customers}"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(labels(&body, "destroyOpportunities"), "o3 o4");
    assert_eq!(api.count("/rest/opportunities").await, 2);
    let (status, body) = api
        .call(
            Method::PATCH,
            &format!("/rest/opportunities/restore?filter={customers}"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["restoreOpportunities"], json!([]));
}
both!(delete_and_restore_many_by_filter);

/// Every write route, with a body where it takes one.
fn write_routes() -> Vec<(Method, String, Option<Value>)> {
    let one = id("c1");
    let filter = enc("name[eq]:Acme");
    vec![
        (
            Method::POST,
            "/rest/companies".into(),
            Some(json!({"name": "New"})),
        ),
        (
            Method::POST,
            "/rest/batch/companies".into(),
            Some(json!([{"name": "New"}])),
        ),
        (
            Method::PATCH,
            format!("/rest/companies/{one}"),
            Some(json!({"name": "X"})),
        ),
        (
            Method::PUT,
            format!("/rest/companies/{one}"),
            Some(json!({"name": "X"})),
        ),
        (
            Method::PATCH,
            format!("/rest/companies?filter={filter}"),
            Some(json!({"name": "X"})),
        ),
        (Method::DELETE, format!("/rest/companies/{one}"), None),
        (
            Method::DELETE,
            format!("/rest/companies/{one}?soft_delete=true"),
            None,
        ),
        (
            Method::DELETE,
            format!("/rest/companies?filter={filter}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/rest/companies/{one}/restore"),
            None,
        ),
        (
            Method::PATCH,
            format!("/rest/companies/restore?filter={filter}"),
            None,
        ),
    ]
}

async fn a_read_only_key_gets_403_on_every_write_route(backend: Backend) {
    let Some(api) = Api::start(backend, "restreadonly").await else {
        return;
    };
    for (method, path, body) in write_routes() {
        let response = api
            .call(method.clone(), &path, &api.read_only, body.as_ref())
            .await;
        assert_error(&response, 403, "FORBIDDEN");
        let _ = (method, path);
    }
    let body = api.ok(&format!("/rest/companies/{}", id("c1"))).await;
    assert_eq!(body["data"]["company"]["name"], "Acme");
    assert_eq!(api.count("/rest/companies").await, 7);
}
both!(a_read_only_key_gets_403_on_every_write_route);

async fn another_workspaces_key_changes_nothing_here(backend: Backend) {
    let Some(api) = Api::start(backend, "restisowrite").await else {
        return;
    };
    for (method, path, body) in write_routes() {
        let (status, response) = api
            .call(method.clone(), &path, &api.other, body.as_ref())
            .await;
        let by_id = path.contains(&id("c1"));
        match (method.as_str(), by_id) {
            // By id: the record does not exist in the other workspace.
            (_, true) => assert_error(&(status, response), 404, "NOT_FOUND"),
            // Creates land in the other workspace; many-record forms match nothing there.
            ("POST", _) => assert_eq!(status, 201, "{path}: {response}"),
            _ => {
                assert_eq!(status, 200, "{method} {path}: {response}");
                let list = response["data"]
                    .as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap();
                assert_eq!(list, &json!([]), "{method} {path}");
            }
        }
    }
    let body = api.ok(&format!("/rest/companies/{}", id("c1"))).await;
    assert_eq!(body["data"]["company"]["name"], "Acme");
    assert_eq!(body["data"]["company"]["deletedAt"], Value::Null);
    assert_eq!(api.count("/rest/companies").await, 7);
    let (_, theirs) = api
        .call(Method::GET, "/rest/companies", &api.other, None)
        .await;
    assert_eq!(theirs["totalCount"], 2, "{theirs}");
}
both!(another_workspaces_key_changes_nothing_here);
