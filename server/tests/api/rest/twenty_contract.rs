//! Where Twenty's clients and tests expect Twenty's exact answers: `fields` on every write,
//! the one-record DELETE's envelope, an update body carrying its own id, a create setting
//! `createdBy.source`, and the `error` names of error bodies.
use super::support::{Api, assert_error};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

async fn fields_restricts_what_every_write_answers(backend: Backend) {
    let Some(api) = Api::start(backend, "restwritefields").await else {
        return;
    };
    // Create: only `id` and the named fields; a named relation is embedded.
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people?fields=jobTitle,company",
            &json!({"jobTitle": "Poet", "companyId": id("c1")}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let person = &body["data"]["createPerson"];
    assert_eq!(
        keys(person),
        ["company", "companyId", "id", "jobTitle"],
        "{body}"
    );
    assert_eq!(person["company"]["name"], "Acme");
    let new_id = person["id"].as_str().unwrap().to_owned();

    // depth=0 with fields: the named scalar fields only, no relation read.
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/batch/people?depth=0&fields=name",
            &json!([{"name": {"firstName": "Ada"}}, {"name": {"firstName": "Alan"}}]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    for person in body["data"]["createPeople"].as_array().unwrap() {
        assert_eq!(keys(person), ["id", "name"], "{body}");
    }

    let (status, body) = api
        .send(
            Method::PATCH,
            &format!("/rest/people/{new_id}?fields=city"),
            &json!({"city": "Paris"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["updatePerson"],
        json!({"id": new_id, "city": "Paris"})
    );

    let (status, body) = api
        .send(
            Method::PATCH,
            "/rest/people?filter=city[eq]:\"Paris\"&fields=city",
            &json!({"city": "Lyon"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["updatePeople"],
        json!([{"id": new_id, "city": "Lyon"}])
    );

    api.call(
        Method::DELETE,
        &format!("/rest/people/{new_id}?soft_delete=true"),
        &api.key,
        None,
    )
    .await;
    let (status, body) = api
        .call(
            Method::PATCH,
            &format!("/rest/people/{new_id}/restore?fields=deletedAt"),
            &api.key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["restorePerson"],
        json!({"id": new_id, "deletedAt": null})
    );

    // An unknown name is a 400 before anything is written.
    let before = api.ok("/rest/people?limit=0").await["totalCount"].clone();
    let refused = api
        .send(
            Method::POST,
            "/rest/people?fields=nope",
            &json!({"jobTitle": "Ghost"}),
        )
        .await;
    assert_error(&refused, 400, "UNKNOWN_FIELD");
    assert_eq!(api.ok("/rest/people?limit=0").await["totalCount"], before);
}
both!(fields_restricts_what_every_write_answers);

async fn delete_one_answers_under_delete_either_way(backend: Backend) {
    let Some(api) = Api::start(backend, "restdeletekey").await else {
        return;
    };
    for (person, query) in [("p4", "?soft_delete=true"), ("p5", "")] {
        let (status, body) = api
            .call(
                Method::DELETE,
                &format!("/rest/people/{}{query}", id(person)),
                &api.key,
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body["data"]), ["deletePerson"], "{body}");
        assert_eq!(body["data"]["deletePerson"]["id"], id(person));
    }
    // p5 was destroyed: not even a soft-deleted record is left.
    let left = api
        .ok(&format!(
            "/rest/people?filter=deletedAt[is]:NOT_NULL,id[eq]:\"{}\"",
            id("p5")
        ))
        .await;
    assert_eq!(left["totalCount"], 0, "{left}");
}
both!(delete_one_answers_under_delete_either_way);

async fn an_update_body_may_carry_its_own_id(backend: Backend) {
    let Some(api) = Api::start(backend, "restupdateid").await else {
        return;
    };
    let path = format!("/rest/people/{}", id("p1"));
    let (status, body) = api
        .send(
            Method::PATCH,
            &path,
            &json!({"id": id("p1").to_uppercase(), "city": "Oslo"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["updatePerson"]["city"], "Oslo");
    let refused = api
        .send(
            Method::PATCH,
            &path,
            &json!({"id": id("p2"), "city": "Rome"}),
        )
        .await;
    assert_error(&refused, 400, "READ_ONLY_FIELD");
    assert!(
        refused.1["messages"][0].as_str().unwrap().contains("path"),
        "{}",
        refused.1
    );
    assert_eq!(api.ok(&path).await["data"]["person"]["city"], "Oslo");
}
both!(an_update_body_may_carry_its_own_id);

async fn a_create_may_set_the_source_of_created_by(backend: Backend) {
    let Some(api) = Api::start(backend, "restcreatedby").await else {
        return;
    };
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies",
            &json!({"name": "Imported", "createdBy": {"source": "IMPORT"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let created_by = &body["data"]["createCompany"]["createdBy"];
    assert_eq!(created_by["source"], "IMPORT", "{body}");
    // The server fills the rest, and `updatedBy` is the key's.
    assert_eq!(created_by["name"], "Default key", "{body}");
    assert_eq!(body["data"]["createCompany"]["updatedBy"]["source"], "API");

    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies",
            &json!({"name": "Plain", "createdBy": null}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["createCompany"]["createdBy"]["source"], "API");

    for (body, code) in [
        (
            json!({"name": "X", "createdBy": {"source": "ALIENS"}}),
            "INVALID_VALUE",
        ),
        (
            json!({"name": "X", "createdBy": {"name": "Someone else"}}),
            "READ_ONLY_FIELD",
        ),
        (
            json!({"name": "X", "updatedBy": {"source": "IMPORT"}}),
            "READ_ONLY_FIELD",
        ),
    ] {
        assert_error(
            &api.send(Method::POST, "/rest/companies", &body).await,
            400,
            code,
        );
    }
    // An update cannot rewrite who created a record.
    let id = id("c1");
    let refused = api
        .send(
            Method::PATCH,
            &format!("/rest/companies/{id}"),
            &json!({"createdBy": {"source": "IMPORT"}}),
        )
        .await;
    assert_error(&refused, 400, "READ_ONLY_FIELD");
}
both!(a_create_may_set_the_source_of_created_by);

async fn error_bodies_carry_twentys_names(backend: Backend) {
    let Some(api) = Api::start(backend, "resterrornames").await else {
        return;
    };
    let missing = api
        .get("/rest/people/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(missing.1["error"], "NotFoundException", "{}", missing.1);
    let bad = api.get("/rest/people?limit=nope").await;
    assert_eq!(bad.1["error"], "BadRequestException", "{}", bad.1);
    let unauthenticated = api.call(Method::GET, "/rest/people", "nope", None).await;
    assert_eq!(unauthenticated.0, 401);
    assert_eq!(
        unauthenticated.1["error"], "UNAUTHENTICATED",
        "{}",
        unauthenticated.1
    );
    let forbidden = api
        .call(
            Method::POST,
            "/rest/people",
            &api.read_only,
            Some(&json!({"jobTitle": "x"})),
        )
        .await;
    assert_eq!(forbidden.0, 403);
    assert_eq!(
        forbidden.1["error"], "ForbiddenException",
        "{}",
        forbidden.1
    );
}
both!(error_bodies_carry_twentys_names);

async fn emails_and_links_are_stored_in_one_spelling(backend: Backend) {
    let Some(api) = Api::start(backend, "restnormalize").await else {
        return;
    };
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/people",
            &json!({"emails": {
                "primaryEmail": " Ada@Example.COM. ",
                "additionalEmails": ["X@B\u{fc}cher\u{3002}DE."]
            }}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let emails = &body["data"]["createPerson"]["emails"];
    assert_eq!(emails["primaryEmail"], "ada@example.com", "{body}");
    assert_eq!(emails["additionalEmails"], json!(["x@xn--bcher-kva.de"]));
    // A filter finds it in any spelling.
    let found = api
        .ok("/rest/people?filter=emails.primaryEmail[eq]:\"ADA@example.com\"&depth=0")
        .await;
    assert_eq!(found["totalCount"], 1, "{found}");

    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies",
            &json!({"name": "Initech", "domainName": {
                "primaryLinkUrl": "HTTPS://Initech.COM/About/",
                "secondaryLinks": [{"url": "Initech.IO/", "label": "IO"}]
            }}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let links = &body["data"]["createCompany"]["domainName"];
    assert_eq!(
        links["primaryLinkUrl"], "https://initech.com/About",
        "{body}"
    );
    assert_eq!(links["secondaryLinks"][0]["url"], "initech.io");
    // The unique check and the upsert compare the stored spelling.
    let (status, body) = api
        .send(
            Method::POST,
            "/rest/companies?upsert=true",
            &json!({"name": "Initech 2", "domainName": {"primaryLinkUrl": "https://INITECH.com/About"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let found = api
        .ok("/rest/companies?filter=domainName.primaryLinkUrl[in]:[\"https://initech.COM/About/\"]")
        .await;
    assert_eq!(found["totalCount"], 1, "{found}");
    assert_eq!(found["data"]["companies"][0]["name"], "Initech 2");
}
both!(emails_and_links_are_stored_in_one_spelling);
