//! Managing webhooks over REST and `/metadata`: Twenty's shapes, refusals that name what
//! is wrong, scopes, the legacy path, secrets, disabling by hand and after failing, and
//! `upserted`.
use super::{Api, Mode, Receiver, wait_for};
use crate::both;
use crate::support::{Backend, TestDb};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use twenty_server::Scope;

async fn start(backend: Backend, test: &str) -> Option<(TestDb, twenty_server::Server, Api)> {
    let db = TestDb::new(backend, test).await?;
    let server = db.start().await;
    let (_, key) = server.first_workspace.clone().expect("a first workspace");
    let api = Api::new(server.addr, &key.secret);
    Some((db, server, api))
}

fn message(body: &Value) -> String {
    body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| body.to_string())
}

async fn refused(
    api: &Api,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
    code: &str,
    words: &[&str],
) {
    let (got, answer) = api.call(method, path, Some(body)).await;
    assert_eq!(
        (got, answer["code"].as_str()),
        (status, Some(code)),
        "{answer}"
    );
    let text = message(&answer);
    for w in words {
        assert!(text.contains(w), "{w:?} missing from {text:?}");
    }
}

async fn webhooks_are_managed_with_clear_refusals(backend: Backend) {
    let Some((db, server, api)) = start(backend, "webhooks_manage").await else {
        return;
    };
    let path = "/rest/metadata/webhooks";
    for (body, words) in [
        (
            json!({"targetUrl": "ftp://example.com/x"}),
            vec!["http or https", "ftp"],
        ),
        (json!({"targetUrl": "not a url"}), vec!["not a URL"]),
        (
            json!({"targetUrl": "https://example.com", "operations": ["starship.created"]}),
            vec!["unknown object", "starship"],
        ),
        (
            json!({"targetUrl": "https://example.com", "operations": ["person.exploded"]}),
            vec!["unknown action", "exploded", "upserted"],
        ),
        (
            json!({"targetUrl": "https://example.com", "operations": ["person"]}),
            vec!["<nameSingular>.<action>"],
        ),
        (
            json!({"targetUrl": "https://example.com", "operations": []}),
            vec!["at least one"],
        ),
        (
            json!({"targetUrl": "https://user:pw@example.com"}),
            vec!["credentials"],
        ),
    ] {
        refused(
            &api,
            Method::POST,
            path,
            body,
            400,
            "INVALID_WEBHOOK",
            &words,
        )
        .await;
    }
    refused(
        &api,
        Method::POST,
        path,
        json!({"targetUrl": "https://example.com", "colour": "red"}),
        400,
        "INVALID_BODY",
        &["colour"],
    )
    .await;
    refused(
        &api,
        Method::POST,
        path,
        json!({}),
        400,
        "INVALID_BODY",
        &["targetUrl"],
    )
    .await;

    // Defaults: every operation, a generated secret; Twenty's keys and ours.
    let hook = api.webhook("https://example.com/in", &["*.*"]).await;
    let id = hook["id"].as_str().unwrap().to_owned();
    assert_eq!(hook["operations"], json!(["*.*"]));
    assert_eq!(hook["isActive"], true);
    assert!(hook["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(
        hook["secret"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_hexdigit())
    );
    assert!(
        hook["standardWebhooksSecret"]
            .as_str()
            .unwrap()
            .starts_with("whsec_")
    );
    // An empty secret (what Twenty's Zapier connector sends): unsigned.
    let unsigned = api
        .expect(
            Method::POST,
            path,
            Some(json!({"targetUrl": "https://example.com/z", "operations": ["company.created"], "secret": ""})),
            201,
        )
        .await["data"]["createOneWebhook"]
        .clone();
    assert_eq!(unsigned["secret"], "");
    assert!(unsigned["standardWebhooksSecret"].is_null());

    // Read, update, list.
    let one = api
        .expect(Method::GET, &format!("{path}/{id}"), None, 200)
        .await;
    assert_eq!(one["data"]["webhook"]["id"], id.as_str());
    let updated = api
        .expect(
            Method::PATCH,
            &format!("{path}/{id}"),
            Some(json!({"operations": ["person.created", "person.created", "company.*"], "description": "CRM sync"})),
            200,
        )
        .await;
    let updated = &updated["data"]["updateOneWebhook"];
    assert_eq!(
        updated["operations"],
        json!(["person.created", "company.*"])
    );
    assert_eq!(updated["description"], "CRM sync");
    refused(
        &api,
        Method::PATCH,
        &format!("{path}/{id}"),
        json!({"operations": ["nope.created"]}),
        400,
        "INVALID_WEBHOOK",
        &["nope"],
    )
    .await;
    let list = api.expect(Method::GET, path, None, 200).await;
    assert_eq!(list["data"]["webhooks"].as_array().unwrap().len(), 2);
    assert_eq!(list["totalCount"], 2);

    // Twenty's older path answers too, marked deprecated with its successor.
    let response = reqwest::Client::new()
        .get(crate::support::url(server.addr, "/rest/webhooks"))
        .bearer_auth(&api.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["deprecation"], "@1786320000");
    assert!(
        response.headers()["link"]
            .to_str()
            .unwrap()
            .contains("/rest/metadata/webhooks")
    );

    // Ids: malformed, unknown.
    let (status, body) = api.call(Method::GET, &format!("{path}/nope"), None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_ID")),
        "{body}"
    );
    let unknown = uuid::Uuid::new_v4();
    let (status, body) = api
        .call(Method::DELETE, &format!("{path}/{unknown}"), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("NOT_FOUND")),
        "{body}"
    );

    // Only an admin key manages webhooks (they carry a secret and the workspace's data).
    let store = db.store().await;
    let workspace = store.list_workspaces().await.unwrap()[0].id;
    let writer = store
        .create_api_key(workspace, "writer", Scope::ReadWrite, None)
        .await
        .unwrap();
    let writer = Api::new(server.addr, &writer.secret);
    for (method, p) in [
        (Method::GET, path.to_owned()),
        (Method::DELETE, format!("{path}/{id}")),
    ] {
        let (status, body) = writer.call(method, &p, None).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("FORBIDDEN")),
            "{body}"
        );
        assert!(message(&body).contains("manage webhooks"), "{body}");
    }

    // Delete.
    let deleted = api
        .expect(Method::DELETE, &format!("{path}/{id}"), None, 200)
        .await;
    assert_eq!(deleted["data"]["deleteOneWebhook"]["id"], id.as_str());
    let (status, _) = api.call(Method::GET, &format!("{path}/{id}"), None).await;
    assert_eq!(status, 404);
}
both!(webhooks_are_managed_with_clear_refusals);

async fn metadata_graphql_manages_webhooks_in_twentys_shapes(backend: Backend) {
    let Some((_db, _server, api)) = start(backend, "webhooks_gql").await else {
        return;
    };
    let gql = |query: &str, variables: Value| {
        let api = api.clone();
        let query = query.to_owned();
        async move {
            api.expect(
                Method::POST,
                "/metadata",
                Some(json!({"query": query, "variables": variables})),
                200,
            )
            .await
        }
    };
    // What Twenty's Zapier connector sends.
    let created = gql(
        "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id targetUrl operations secret isActive } }",
        json!({"input": {"targetUrl": "https://hooks.zapier.com/x", "operations": ["company.created"], "secret": ""}}),
    )
    .await;
    let hook = &created["data"]["createWebhook"];
    assert_eq!(hook["operations"], json!(["company.created"]), "{created}");
    assert_eq!(hook["secret"], "");
    let id = hook["id"].as_str().unwrap().to_owned();
    let by_id = gql(
        "query($id: UUID!) { webhook(input: {id: $id}) { id operations } alias: webhook(id: $id) { id } webhooks { id } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        by_id["data"]["webhook"]["operations"][0], "company.created",
        "{by_id}"
    );
    assert_eq!(by_id["data"]["alias"]["id"], id.as_str());
    assert_eq!(by_id["data"]["webhooks"][0]["id"], id.as_str());
    let updated = gql(
        "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id operations description } }",
        json!({"input": {"id": id, "operations": ["company.*"], "description": "zap"}}),
    )
    .await;
    assert_eq!(
        updated["data"]["updateWebhook"]["operations"],
        json!(["company.*"]),
        "{updated}"
    );
    let bad = gql(
        "mutation { createWebhook(input: {targetUrl: \"https://x.example\", operations: [\"ghost.created\"]}) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["twentyCode"], "INVALID_WEBHOOK",
        "{bad}"
    );
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ghost")
    );
    let log = gql(
        "query($id: UUID!) { webhookDeliveries(webhookId: $id, first: 10) { edges { node { id status } } pageInfo { hasNextPage } } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        log["data"]["webhookDeliveries"]["edges"],
        json!([]),
        "{log}"
    );
    let deleted = gql(
        "mutation($id: UUID!) { deleteWebhook(id: $id) }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(deleted["data"]["deleteWebhook"], true, "{deleted}");
    let again = gql(
        "mutation($id: UUID!) { deleteWebhook(id: $id) }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        again["errors"][0]["extensions"]["twentyCode"], "NOT_FOUND",
        "{again}"
    );
    let gone = gql(
        "query($id: UUID!) { webhook(id: $id) { id } }",
        json!({"id": id}),
    )
    .await;
    assert!(gone["data"]["webhook"].is_null(), "{gone}");
    // Twenty's earlier spelling, `deleteWebhook(input: {id})`, which its Zapier connector sends.
    let other = gql(
        "mutation { createWebhook(input: {targetUrl: \"https://example.com/z\", operations: [\"company.created\"], secret: \"\"}) { id secret } }",
        json!({}),
    )
    .await;
    let other_id = other["data"]["createWebhook"]["id"].as_str().unwrap();
    assert_eq!(other["data"]["createWebhook"]["secret"], "", "{other}");
    let both = gql(
        "mutation($id: UUID!) { deleteWebhook(id: $id, input: {id: $id}) }",
        json!({"id": other_id}),
    )
    .await;
    assert_eq!(
        both["errors"][0]["extensions"]["twentyCode"], "INVALID_BODY",
        "{both}"
    );
    // Exactly what Twenty's connector sends: a literal id, nothing selected.
    let deleted = gql(
        &format!("mutation deleteWebhook {{deleteWebhook(input: {{id: \"{other_id}\"}})}}"),
        json!({}),
    )
    .await;
    assert_eq!(deleted["data"]["deleteWebhook"], true, "{deleted}");
}
both!(metadata_graphql_manages_webhooks_in_twentys_shapes);

async fn upserts_go_to_upserted_subscribers(backend: Backend) {
    let Some((_db, _server, api)) = start(backend, "webhooks_upsert").await else {
        return;
    };
    let receiver = Receiver::start().await;
    let upserted = api.webhook(&receiver.url(), &["person.upserted"]).await;
    let created = api.webhook(&receiver.url(), &["*.created"]).await;
    let body = json!({"name": {"firstName": "Ada"}, "emails": {"primaryEmail": "ada@example.com"}});
    api.expect(
        Method::POST,
        "/rest/people?upsert=true",
        Some(body.clone()),
        201,
    )
    .await;
    let mut again = body;
    again["jobTitle"] = json!("Countess");
    api.expect(Method::POST, "/rest/people?upsert=true", Some(again), 201)
        .await;
    assert!(wait_for(Duration::from_secs(30), || receiver.all().len() >= 3).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = receiver.all();
    let names = |hook: &Value| -> Vec<String> {
        got.iter()
            .filter(|r| r.webhook_id() == hook["id"].as_str().unwrap())
            .map(|r| r.event_name().to_owned())
            .collect()
    };
    assert_eq!(names(&upserted), ["person.upserted", "person.upserted"]);
    assert_eq!(names(&created), ["person.created"]);
    let last = got
        .iter()
        .rfind(|r| r.event_name() == "person.upserted")
        .unwrap();
    assert_eq!(last.json["record"]["jobTitle"], "Countess");
    assert_eq!(last.json["updatedFields"], json!(["jobTitle"]));
}
both!(upserts_go_to_upserted_subscribers);

async fn a_failing_webhook_is_disabled_then_enabled_again(backend: Backend) {
    let Some(db) = TestDb::new(backend, "webhooks_disable").await else {
        return;
    };
    let mut config = db.config();
    config.webhooks.disable_after = Duration::from_secs(1);
    let server = twenty_server::Server::start(&config).await.unwrap();
    let (_, key) = server.first_workspace.clone().unwrap();
    let api = Api::new(server.addr, &key.secret);
    let receiver = Receiver::start().await;
    receiver.set(Mode::Fail(500));
    let hook = api.webhook(&receiver.url(), &["company.created"]).await;
    let id = hook["id"].as_str().unwrap().to_owned();
    api.create("companies", json!({"name": "Failing"})).await;
    let path = format!("/rest/metadata/webhooks/{id}");
    let mut state = Value::Null;
    for _ in 0..300 {
        state = api.expect(Method::GET, &path, None, 200).await["data"]["webhook"].clone();
        if state["isActive"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state["isActive"], false, "{state}");
    let reason = state["disabledReason"].as_str().unwrap();
    assert!(
        reason.contains("without a success") && reason.contains("HTTP 500"),
        "{reason}"
    );
    assert!(state["failingSince"].as_str().is_some());
    // Disabled: nothing more is sent.
    let sent = receiver.all().len();
    api.create("companies", json!({"name": "Unsent"})).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(receiver.all().len(), sent);
    // Enabled again, it delivers what happens from then on.
    receiver.set(Mode::Ok);
    let enabled = api
        .expect(Method::PATCH, &path, Some(json!({"isActive": true})), 200)
        .await;
    assert_eq!(enabled["data"]["updateOneWebhook"]["isActive"], true);
    assert!(enabled["data"]["updateOneWebhook"]["disabledReason"].is_null());
    api.create("companies", json!({"name": "Sent"})).await;
    assert!(
        wait_for(Duration::from_secs(30), || receiver
            .all()
            .iter()
            .any(|r| r.json["record"]["name"] == "Sent"))
        .await
    );
}
both!(a_failing_webhook_is_disabled_then_enabled_again);
