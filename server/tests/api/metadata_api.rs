//! The metadata API over HTTP on both backends, as a Twenty client uses it: connect
//! (`currentWorkspace`), list objects and fields, create a custom object with fields of
//! every type and a relation to a standard object, then create, filter, page and update
//! its records over REST and GraphQL at once; renames that keep data; refusals that say
//! why; deactivation; scopes; a second server process following a change.
use crate::both;
use crate::support::{Backend, TestDb, url};
use reqwest::Method;
use serde_json::{Value, json};
use twenty_server::{Scope, Server};

struct Meta {
    server: Server,
    /// The first key (scope admin).
    key: String,
    client: reqwest::Client,
    db: TestDb,
}

impl Meta {
    async fn start(backend: Backend, test: &str) -> Option<Meta> {
        let db = TestDb::new(backend, test).await?;
        let server = db.start().await;
        let (_, key) = server.first_workspace.clone().expect("a first workspace");
        Some(Meta {
            server,
            key: key.secret,
            client: reqwest::Client::new(),
            db,
        })
    }

    async fn call_with(
        &self,
        key: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, url(self.server.addr, path))
            .bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_with(&self.key, method, path, body).await
    }

    /// A REST call that must answer `status`.
    async fn expect(&self, method: Method, path: &str, body: Option<Value>, status: u16) -> Value {
        let what = format!("{method} {path}");
        let (got, body) = self.call(method, path, body).await;
        assert_eq!(got, status, "{what}: {body}");
        body
    }

    /// A GraphQL request on `endpoint` (`/graphql` or `/metadata`); answers the whole body.
    async fn gql_with(&self, key: &str, endpoint: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .call_with(
                key,
                Method::POST,
                endpoint,
                Some(json!({"query": query, "variables": variables})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A GraphQL request that must have no errors; answers `data`.
    async fn gql(&self, endpoint: &str, query: &str, variables: Value) -> Value {
        let body = self.gql_with(&self.key, endpoint, query, variables).await;
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    /// The id of the object named `singular`.
    async fn object_id(&self, singular: &str) -> String {
        let body = self
            .expect(Method::GET, "/rest/metadata/objects", None, 200)
            .await;
        body["data"]["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .find(|o| o["nameSingular"] == singular)
            .unwrap_or_else(|| panic!("no object {singular}"))["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    }

    /// The id of `object.field`.
    async fn field_id(&self, object: &str, field: &str) -> String {
        let id = self.object_id(object).await;
        let body = self
            .expect(
                Method::GET,
                &format!("/rest/metadata/objects/{id}"),
                None,
                200,
            )
            .await;
        body["data"]["object"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == field)
            .unwrap_or_else(|| panic!("no field {object}.{field}"))["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    }

    /// Creates the custom object `pet` through GraphQL, as Twenty's clients do.
    async fn create_pet(&self) -> String {
        let data = self
            .gql(
                "/metadata",
                "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id dataSourceId nameSingular isCustom isActive createdAt updatedAt labelIdentifierFieldMetadataId imageIdentifierFieldMetadataId fieldsList { name type isSystem isUIReadOnly createdAt } } }",
                json!({"input": {"object": {
                    "nameSingular": "pet", "namePlural": "pets",
                    "labelSingular": "Pet", "labelPlural": "Pets", "icon": "IconCat",
                    "description": "A pet", "isLabelSyncedWithName": false,
                }}}),
            )
            .await;
        let object = &data["createOneObject"];
        assert_eq!(object["nameSingular"], "pet");
        let created = object["createdAt"].as_str().expect("createdAt");
        assert!(
            created.starts_with("20") && created.ends_with('Z'),
            "{created}"
        );
        assert_eq!(object["isCustom"], true);
        let names: Vec<&str> = object["fieldsList"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        for name in [
            "id",
            "name",
            "createdAt",
            "updatedAt",
            "deletedAt",
            "position",
            "createdBy",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        object["id"].as_str().expect("an id").to_owned()
    }

    async fn create_field(&self, field: Value) -> Value {
        let data = self
            .gql(
                "/metadata",
                "mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id name type isCustom isNullable defaultValue options relation { type targetObjectMetadata { nameSingular } targetFieldMetadata { name } } } }",
                json!({"input": {"field": field}}),
            )
            .await;
        data["createOneField"].clone()
    }
}

/// Runs the project's spec check `script` (tools/spec-check) on `contents`, written as
/// `name`; skipped outside CI when its packages are not installed.
fn spec_check(script: &str, name: &str, contents: &str) {
    let tools = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/spec-check");
    if !tools.join("node_modules").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tools/spec-check/node_modules is missing: run `cargo xtask test`"
        );
        eprintln!("skipped: tools/spec-check/node_modules is missing");
        return;
    }
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join(name);
    std::fs::write(&file, contents).expect("written");
    let output = std::process::Command::new("node")
        .arg(tools.join(script))
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{name} fails {script}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One field of every type a client can create, on `pet`.
fn every_type(pet: &str) -> Vec<Value> {
    let f = |name: &str, ty: &str, extra: Value| {
        let mut v = json!({"objectMetadataId": pet, "name": name, "label": name, "type": ty});
        if let Value::Object(extra) = extra {
            for (k, x) in extra {
                v[k] = x;
            }
        }
        v
    };
    let options = json!([
        {"value": "DOG", "label": "Dog", "color": "red", "position": 0},
        {"value": "CAT", "label": "Cat", "color": "blue", "position": 1},
        {"value": "FISH", "label": "Fish", "color": "green", "position": 2},
    ]);
    vec![
        f("nickname", "TEXT", json!({"defaultValue": "'Buddy'"})),
        f(
            "age",
            "NUMBER",
            json!({"settings": {"decimals": 0, "type": "number"}}),
        ),
        f("weight", "NUMERIC", json!({})),
        f(
            "vaccinated",
            "BOOLEAN",
            json!({"defaultValue": false, "isNullable": false}),
        ),
        f("bornAt", "DATE_TIME", json!({})),
        f("adopted", "DATE", json!({})),
        f(
            "species",
            "SELECT",
            json!({"options": options, "defaultValue": "'DOG'"}),
        ),
        f(
            "traits",
            "MULTI_SELECT",
            json!({"options": [
                {"value": "CALM", "label": "Calm", "color": "sky", "position": 0},
                {"value": "PLAYFUL", "label": "Playful", "color": "pink", "position": 1},
            ]}),
        ),
        f("stars", "RATING", json!({})),
        f("extra", "RAW_JSON", json!({})),
        f("tags", "ARRAY", json!({})),
        f("notes", "RICH_TEXT_V2", json!({})),
        f("vet", "FULL_NAME", json!({})),
        f(
            "price",
            "CURRENCY",
            json!({"defaultValue": {"amountMicros": null, "currencyCode": "'USD'"}}),
        ),
        f("home", "ADDRESS", json!({})),
        f("site", "LINKS", json!({})),
        f("contactEmails", "EMAILS", json!({})),
        f("contactPhones", "PHONES", json!({})),
        f("chip", "UUID", json!({})),
    ]
}

async fn a_twenty_client_builds_a_custom_object_and_uses_it_at_once(backend: Backend) {
    let Some(m) = Meta::start(backend, "metaclient").await else {
        return;
    };
    // Connect, as Twenty's Zapier connector does, on both endpoints.
    for endpoint in ["/graphql", "/metadata"] {
        let data = m
            .gql(
                endpoint,
                "{ currentWorkspace { id displayName } }",
                json!({}),
            )
            .await;
        assert_eq!(data["currentWorkspace"]["displayName"], "Default");
    }
    // List objects (nestjs-query connection) and a standard object's fields.
    let data = m
        .gql(
            "/metadata",
            "{ objects(paging: {first: 100}, filter: {isActive: {is: true}}) { totalCount edges { node { id nameSingular isCustom fields(paging: {first: 200}) { edges { node { name type } } } } } } }",
            json!({}),
        )
        .await;
    let edges = data["objects"]["edges"].as_array().expect("edges");
    let person = edges
        .iter()
        .find(|e| e["node"]["nameSingular"] == "person")
        .expect("person");
    assert!(
        person["node"]["fields"]["edges"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["node"]["name"] == "emails" && f["node"]["type"] == "EMAILS")
    );
    let person_id = person["node"]["id"].as_str().expect("id").to_owned();

    let pet = m.create_pet().await;
    for field in every_type(&pet) {
        let name = field["name"].as_str().unwrap().to_owned();
        let created = m.create_field(field).await;
        assert_eq!(created["name"], name.as_str());
        assert_eq!(created["isCustom"], true);
    }
    // A relation to a standard object: both sides, in every API.
    let owner = m
        .create_field(json!({
            "objectMetadataId": pet, "name": "owner", "label": "Owner", "type": "RELATION",
            "relationCreationPayload": {"targetObjectMetadataId": person_id, "targetFieldLabel": "Pets", "targetFieldIcon": "IconCat", "type": "MANY_TO_ONE"},
        }))
        .await;
    assert_eq!(owner["relation"]["type"], "MANY_TO_ONE");
    assert_eq!(
        owner["relation"]["targetObjectMetadata"]["nameSingular"],
        "person"
    );
    assert_eq!(owner["relation"]["targetFieldMetadata"]["name"], "pets");
    // A custom field on a standard object, as Twenty's seed adds.
    m.create_field(
        json!({"objectMetadataId": person_id, "name": "intro", "label": "Intro", "type": "TEXT"}),
    )
    .await;

    // REST at once: create (defaults applied), filter, page, update.
    let ann = m
        .expect(
            Method::POST,
            "/rest/people",
            Some(json!({"name": {"firstName": "Ann", "lastName": "Lee"}, "intro": "Hello"})),
            201,
        )
        .await;
    let ann = ann["data"]["createPerson"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rex = m
        .expect(
            Method::POST,
            "/rest/pets",
            Some(json!({
                "name": "Rex", "age": 3, "traits": ["CALM"], "price": {"amountMicros": 5000000},
                "vet": {"firstName": "Jo", "lastName": "Vet"}, "contactEmails": {"primaryEmail": "rex@example.com"},
                "ownerId": ann, "extra": {"a": 1}, "tags": ["x"], "chip": "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11",
            })),
            201,
        )
        .await;
    let rex_record = &rex["data"]["createPet"];
    assert_eq!(rex_record["nickname"], "Buddy", "{rex}");
    assert_eq!(rex_record["species"], "DOG");
    assert_eq!(rex_record["vaccinated"], false);
    assert_eq!(rex_record["price"]["currencyCode"], "USD");
    let rex = rex_record["id"].as_str().expect("id").to_owned();
    for name in ["Tom", "Kit"] {
        m.expect(
            Method::POST,
            "/rest/pets",
            Some(json!({"name": name, "species": "CAT", "age": 5})),
            201,
        )
        .await;
    }
    let cats = m
        .expect(
            Method::GET,
            "/rest/pets?filter=species%5Beq%5D:CAT&limit=1",
            None,
            200,
        )
        .await;
    assert_eq!(cats["totalCount"], 2, "{cats}");
    assert_eq!(cats["pageInfo"]["hasNextPage"], true);
    let after = cats["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let next = m
        .expect(
            Method::GET,
            &format!("/rest/pets?filter=species%5Beq%5D:CAT&limit=1&starting_after={after}"),
            None,
            200,
        )
        .await;
    assert_eq!(next["data"]["pets"].as_array().expect("page").len(), 1);
    let updated = m
        .expect(
            Method::PATCH,
            &format!("/rest/pets/{rex}"),
            Some(json!({"species": "FISH", "traits": ["CALM", "PLAYFUL"]})),
            200,
        )
        .await;
    assert_eq!(updated["data"]["updatePet"]["species"], "FISH");
    let found = m
        .expect(
            Method::GET,
            "/rest/pets?filter=traits%5BcontainsAny%5D:%5BPLAYFUL%5D",
            None,
            200,
        )
        .await;
    assert_eq!(found["totalCount"], 1, "{found}");
    // A MULTI_SELECT option removed with a replacement: each record holds it once.
    let traits = m.field_id("pet", "traits").await;
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{traits}"),
        Some(json!({
            "options": [{"value": "PLAYFUL", "label": "Playful", "color": "pink"}],
            "optionReplacements": {"CALM": "PLAYFUL"},
        })),
        200,
    )
    .await;
    let rex_now = m
        .expect(Method::GET, &format!("/rest/pets/{rex}"), None, 200)
        .await;
    assert_eq!(
        rex_now["data"]["pet"]["traits"],
        json!(["PLAYFUL"]),
        "{rex_now}"
    );

    // Upsert on a unique custom field: the second create with the same value updates.
    m.create_field(json!({"objectMetadataId": pet, "name": "tag", "label": "Tag", "type": "TEXT", "isUnique": true}))
        .await;
    for name in ["Tagged", "Retagged"] {
        m.expect(
            Method::POST,
            "/rest/pets?upsert=true",
            Some(json!({"name": name, "tag": "T-1"})),
            201,
        )
        .await;
    }
    let tagged = m
        .expect(Method::GET, "/rest/pets?filter=tag%5Beq%5D:T-1", None, 200)
        .await;
    assert_eq!(tagged["totalCount"], 1, "{tagged}");
    assert_eq!(tagged["data"]["pets"][0]["name"], "Retagged");
    let (status, body) = m
        .call(
            Method::POST,
            "/rest/pets",
            Some(json!({"name": "Copy", "tag": "T-1"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("UNIQUE_VIOLATION")),
        "{body}"
    );

    // GraphQL at once: filters, nested relations both ways, mutations.
    let data = m
        .gql(
            "/graphql",
            "{ pets(filter: {age: {gte: 3}}, orderBy: [{name: AscNullsFirst}]) { totalCount edges { node { name species owner { name { firstName } intro } } } } people(filter: {intro: {eq: \"Hello\"}}) { edges { node { intro pets { edges { node { name } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["pets"]["totalCount"], 3, "{data}");
    let rex_node = &data["pets"]["edges"][1]["node"];
    assert_eq!(rex_node["name"], "Rex", "{data}");
    assert_eq!(rex_node["owner"]["intro"], "Hello");
    assert_eq!(
        data["people"]["edges"][0]["node"]["pets"]["edges"][0]["node"]["name"],
        "Rex"
    );
    let data = m
        .gql(
            "/graphql",
            "mutation { createPet(data: {name: \"Nemo\", species: FISH}) { id name species nickname } }",
            json!({}),
        )
        .await;
    assert_eq!(data["createPet"]["nickname"], "Buddy");
    // The workspace's OpenAPI document and SDL show the custom object.
    let (status, doc) = m.call(Method::GET, "/rest/open-api/core", None).await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/pets"].is_object());
    let sdl = m
        .client
        .get(url(m.server.addr, "/graphql/schema.graphql"))
        .bearer_auth(&m.key)
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("text");
    assert!(sdl.contains("type Pet "), "{sdl}");
    assert!(sdl.contains("intro: String"), "{sdl}");
    // Both pass the project's spec checks (the OpenAPI 3.1 schema and Redocly; graphql-js).
    let metadata_doc: Value = m
        .client
        .get(url(m.server.addr, "/rest/open-api/metadata"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    spec_check("check-openapi.mjs", "core.json", &doc.to_string());
    spec_check(
        "check-openapi.mjs",
        "metadata.json",
        &metadata_doc.to_string(),
    );
    spec_check("check-graphql.mjs", "core.graphql", &sdl);
    // The standard document without a key does not.
    let plain: Value = m
        .client
        .get(url(m.server.addr, "/rest/open-api/core"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert!(plain["paths"]["/pets"].is_null());
}
both!(a_twenty_client_builds_a_custom_object_and_uses_it_at_once);

async fn renames_keep_data_and_requests_never_fail(backend: Backend) {
    let Some(m) = Meta::start(backend, "metarename").await else {
        return;
    };
    let pet = m.create_pet().await;
    m.create_field(
        json!({"objectMetadataId": pet, "name": "color", "label": "Color", "type": "TEXT"}),
    )
    .await;
    for i in 0..20 {
        m.expect(
            Method::POST,
            "/rest/pets",
            Some(json!({"name": format!("p{i}"), "color": "brown"})),
            201,
        )
        .await;
    }
    // Readers run throughout the changes: none sees an error.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for path in ["/rest/pets?limit=5", "/rest/animals?limit=5"] {
        let (client, addr, key, stop) =
            (m.client.clone(), m.server.addr, m.key.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            let mut served = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let response = client
                    .get(url(addr, path))
                    .bearer_auth(&key)
                    .send()
                    .await
                    .expect("answered");
                let status = response.status().as_u16();
                // Before or after the rename: one of the two names is unknown (404).
                assert!(
                    status == 200 || status == 404,
                    "{path}: {status} {}",
                    response.text().await.unwrap_or_default()
                );
                served += usize::from(status == 200);
            }
            served
        }));
    }
    let color = m.field_id("pet", "color").await;
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{color}"),
        Some(json!({"name": "coat", "label": "Coat"})),
        200,
    )
    .await;
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/objects/{pet}"),
        Some(json!({"nameSingular": "animal", "namePlural": "animals", "labelSingular": "Animal", "labelPlural": "Animals"})),
        200,
    )
    .await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for reader in readers {
        reader.await.expect("the reader did not fail");
    }
    let animals = m
        .expect(
            Method::GET,
            "/rest/animals?filter=coat%5Beq%5D:brown",
            None,
            200,
        )
        .await;
    assert_eq!(animals["totalCount"], 20, "the data is kept: {animals}");
    let (status, body) = m.call(Method::GET, "/rest/pets", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("UNKNOWN_OBJECT")),
        "{body}"
    );
    let data = m
        .gql(
            "/graphql",
            "{ animals(filter: {coat: {eq: \"brown\"}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["animals"]["totalCount"], 20);
}
both!(renames_keep_data_and_requests_never_fail);

async fn changes_the_data_forbids_are_refused_saying_why(backend: Backend) {
    let Some(m) = Meta::start(backend, "metarefuse").await else {
        return;
    };
    let pet = m.create_pet().await;
    for field in every_type(&pet)
        .into_iter()
        .filter(|f| f["name"] == "species" || f["name"] == "age")
    {
        m.create_field(field).await;
    }
    m.expect(
        Method::POST,
        "/rest/pets",
        Some(json!({"name": "Rex", "species": "CAT"})),
        201,
    )
    .await;
    m.expect(
        Method::POST,
        "/rest/pets",
        Some(json!({"name": "Tom", "species": "CAT"})),
        201,
    )
    .await;
    let refusal = |body: &Value, code: &str, words: &[&str]| {
        assert_eq!(body["code"], code, "{body}");
        let message = body["messages"][0].as_str().unwrap_or_default();
        for w in words {
            assert!(message.contains(w), "{w:?} not in {message}");
        }
    };
    // An option in use cannot go; its count is given.
    let species = m.field_id("pet", "species").await;
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{species}"),
            Some(json!({"options": [
                {"value": "DOG", "label": "Dog", "color": "red"},
                {"value": "FISH", "label": "Fish", "color": "green"},
            ]})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(
        &body,
        "METADATA_REFUSED",
        &["pet.species", "2 records", "CAT"],
    );
    // Renaming an option (same id) and adding one are fine, and the data follows.
    let field = m
        .expect(
            Method::GET,
            &format!("/rest/metadata/fields/{species}"),
            None,
            200,
        )
        .await;
    let mut options = field["data"]["field"]["options"]
        .as_array()
        .expect("options")
        .clone();
    for o in options.iter_mut() {
        if o["value"] == "CAT" {
            o["value"] = json!("FELINE");
            o["label"] = json!("Feline");
        }
    }
    options.push(json!({"value": "BIRD", "label": "Bird", "color": "yellow", "position": 3}));
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{species}"),
        Some(json!({"options": options})),
        200,
    )
    .await;
    let felines = m
        .expect(
            Method::GET,
            "/rest/pets?filter=species%5Beq%5D:FELINE",
            None,
            200,
        )
        .await;
    assert_eq!(felines["totalCount"], 2, "{felines}");
    // Removing an option in use with a replacement: its records get the replacement.
    let mut kept: Vec<Value> = options
        .iter()
        .filter(|o| o["value"] != "FELINE")
        .cloned()
        .collect();
    kept.retain(|o| o["value"] != "FELINE");
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{species}"),
            Some(json!({"options": kept, "optionReplacements": {"FELINE": "BIRD"}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let birds = m
        .expect(
            Method::GET,
            "/rest/pets?filter=species%5Beq%5D:BIRD",
            None,
            200,
        )
        .await;
    assert_eq!(birds["totalCount"], 2, "{birds}");
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{species}"),
            Some(json!({"options": kept, "optionReplacements": {"BIRD": "NOPE"}})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_METADATA")),
        "{body}"
    );
    // Required while nulls exist: refused with their count.
    let age = m.field_id("pet", "age").await;
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{age}"),
            Some(json!({"isNullable": false})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(&body, "METADATA_REFUSED", &["pet.age", "2 records"]);
    // A required field without a default on an object with records.
    let (status, body) = m
        .call(
            Method::POST,
            "/rest/metadata/fields",
            Some(json!({"objectMetadataId": pet, "name": "tag", "label": "Tag", "type": "TEXT", "isNullable": false})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(&body, "METADATA_REFUSED", &["pet.tag", "default"]);
    // A type change that would lose data.
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{age}"),
            Some(json!({"type": "TEXT"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(&body, "METADATA_REFUSED", &["lose data", "pet.age"]);
    // A type whose values are options cannot come from another type; the other way the
    // storage stays and so does the data.
    let nickname = m
        .create_field(json!({"objectMetadataId": pet, "name": "nickname", "label": "Nickname", "type": "TEXT"}))
        .await;
    let nickname = nickname["id"].as_str().expect("id").to_owned();
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{nickname}"),
            Some(json!({"type": "SELECT"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(
        &body,
        "METADATA_REFUSED",
        &["pet.nickname", "TEXT", "SELECT"],
    );
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{species}"),
            Some(json!({"type": "TEXT", "options": []})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let kept = m
        .expect(
            Method::GET,
            "/rest/pets?filter=species%5Beq%5D:BIRD",
            None,
            200,
        )
        .await;
    assert_eq!(
        kept["totalCount"], 2,
        "a SELECT made TEXT keeps its values: {kept}"
    );
    // Names as the compiler validates them, naming the place.
    for (input, words) in [
        (
            json!({"objectMetadataId": pet, "name": "Bad Name", "label": "x", "type": "TEXT"}),
            vec!["pet.Bad Name"],
        ),
        (
            json!({"objectMetadataId": pet, "name": "createdAt", "label": "x", "type": "TEXT"}),
            vec!["pet.createdAt"],
        ),
        (
            json!({"objectMetadataId": pet, "name": "age", "label": "x", "type": "TEXT"}),
            vec!["pet.age"],
        ),
        (
            json!({"objectMetadataId": pet, "name": "x", "label": "x", "type": "NOPE"}),
            vec!["NOPE"],
        ),
    ] {
        let (status, body) = m
            .call(Method::POST, "/rest/metadata/fields", Some(input))
            .await;
        assert_eq!(status, 400, "{body}");
        refusal(&body, "INVALID_METADATA", &words);
    }
    let (status, body) = m
        .call(
            Method::POST,
            "/rest/metadata/objects",
            Some(json!({"nameSingular": "person", "namePlural": "persons", "labelSingular": "P", "labelPlural": "Ps"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    refusal(&body, "INVALID_METADATA", &["person"]);
    // Unknown keys are named, not ignored.
    let (status, body) = m
        .call(
            Method::POST,
            "/rest/metadata/objects",
            Some(json!({"nameSingular": "dog", "namePlural": "dogs", "labelSingular": "D", "labelPlural": "Ds", "colour": 1})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_BODY")),
        "{body}"
    );
    // Standard fields cannot be renamed or deleted; an active object cannot be deleted.
    let email = m.field_id("person", "emails").await;
    let (status, body) = m
        .call(
            Method::PATCH,
            &format!("/rest/metadata/fields/{email}"),
            Some(json!({"name": "mails"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = m
        .call(
            Method::DELETE,
            &format!("/rest/metadata/fields/{email}"),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = m
        .call(
            Method::DELETE,
            &format!("/rest/metadata/objects/{pet}"),
            None,
        )
        .await;
    assert_eq!(status, 409, "{body}");
    refusal(&body, "METADATA_REFUSED", &["deactivate"]);
    // GraphQL answers the same refusals in its shape.
    let body = m
        .gql_with(
            &m.key,
            "/metadata",
            "mutation($id: UUID!) { deleteOneObject(input: {id: $id}) { id } }",
            json!({"id": pet}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["twentyCode"],
        "METADATA_REFUSED"
    );
}
both!(changes_the_data_forbids_are_refused_saying_why);

async fn deactivated_objects_and_fields_are_hidden_and_kept(backend: Backend) {
    let Some(m) = Meta::start(backend, "metadeact").await else {
        return;
    };
    let pet = m.create_pet().await;
    m.create_field(
        json!({"objectMetadataId": pet, "name": "color", "label": "Color", "type": "TEXT"}),
    )
    .await;
    m.expect(
        Method::POST,
        "/rest/pets",
        Some(json!({"name": "Rex", "color": "red"})),
        201,
    )
    .await;
    let color = m.field_id("pet", "color").await;
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{color}"),
        Some(json!({"isActive": false})),
        200,
    )
    .await;
    let (status, body) = m
        .call(Method::GET, "/rest/pets?filter=color%5Beq%5D:red", None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("UNKNOWN_FIELD")),
        "{body}"
    );
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{color}"),
        Some(json!({"isActive": true})),
        200,
    )
    .await;
    let back = m
        .expect(
            Method::GET,
            "/rest/pets?filter=color%5Beq%5D:red",
            None,
            200,
        )
        .await;
    assert_eq!(back["totalCount"], 1, "kept while inactive: {back}");

    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/objects/{pet}"),
        Some(json!({"isActive": false})),
        200,
    )
    .await;
    let (status, _) = m.call(Method::GET, "/rest/pets", None).await;
    assert_eq!(status, 404);
    let body = m
        .gql_with(&m.key, "/graphql", "{ pets { totalCount } }", json!({}))
        .await;
    assert!(body["errors"].is_array(), "{body}");
    let listed = m
        .gql(
            "/metadata",
            "{ objects(filter: {isActive: {is: false}}) { edges { node { nameSingular } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["objects"]["edges"][0]["node"]["nameSingular"], "pet");
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/objects/{pet}"),
        Some(json!({"isActive": true})),
        200,
    )
    .await;
    let back = m.expect(Method::GET, "/rest/pets", None, 200).await;
    assert_eq!(back["totalCount"], 1, "kept while inactive: {back}");
    // Deleting: a field, then the deactivated object; both leave every API.
    m.expect(
        Method::DELETE,
        &format!("/rest/metadata/fields/{color}"),
        None,
        200,
    )
    .await;
    let (status, _) = m
        .call(Method::GET, &format!("/rest/metadata/fields/{color}"), None)
        .await;
    assert_eq!(status, 404);
    m.expect(
        Method::PATCH,
        &format!("/rest/metadata/objects/{pet}"),
        Some(json!({"isActive": false})),
        200,
    )
    .await;
    let deleted = m
        .gql(
            "/metadata",
            "mutation($id: UUID!) { deleteOneObject(input: {id: $id}) { id } }",
            json!({"id": pet}),
        )
        .await;
    assert_eq!(deleted["deleteOneObject"]["id"], pet.as_str());
    let (status, _) = m
        .call(Method::GET, &format!("/rest/metadata/objects/{pet}"), None)
        .await;
    assert_eq!(status, 404);
    // The name is free again, for a new table.
    let again = m.create_pet().await;
    assert_ne!(again, pet);
    let empty = m.expect(Method::GET, "/rest/pets", None, 200).await;
    assert_eq!(empty["totalCount"], 0);
}
both!(deactivated_objects_and_fields_are_hidden_and_kept);

async fn changing_the_model_needs_the_admin_scope(backend: Backend) {
    let Some(m) = Meta::start(backend, "metascope").await else {
        return;
    };
    let store = &m.server.state.store;
    let workspace = m.server.first_workspace.as_ref().expect("workspace").0.id;
    let writer = store
        .create_api_key(workspace, "writer", Scope::ReadWrite, None)
        .await
        .expect("a key")
        .secret;
    let reader = store
        .create_api_key(workspace, "reader", Scope::ReadOnly, None)
        .await
        .expect("a key")
        .secret;
    let object = json!({"nameSingular": "pet", "namePlural": "pets", "labelSingular": "Pet", "labelPlural": "Pets"});
    for key in [&writer, &reader] {
        let (status, body) = m
            .call_with(
                key,
                Method::POST,
                "/rest/metadata/objects",
                Some(object.clone()),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("FORBIDDEN")),
            "{body}"
        );
        assert!(
            body["messages"][0]
                .as_str()
                .unwrap_or_default()
                .contains("admin")
        );
        let body = m
            .gql_with(
                key,
                "/metadata",
                "mutation($o: CreateObjectInput!) { createOneObject(input: {object: $o}) { id } }",
                json!({"o": object}),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        // Reading the model is fine.
        let (status, _) = m
            .call_with(key, Method::GET, "/rest/metadata/fields?limit=5", None)
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = m
        .call_with("twk_nope", Method::GET, "/rest/metadata/objects", None)
        .await;
    assert_eq!(status, 401);
}
both!(changing_the_model_needs_the_admin_scope);

async fn a_second_server_process_serves_a_change_within_a_second(backend: Backend) {
    let Some(m) = Meta::start(backend, "metatwo").await else {
        return;
    };
    // A second server over the same database, as a second process would be.
    let other = Server::start(&m.db.config())
        .await
        .expect("a second server");
    let get = |addr| {
        let (client, key) = (m.client.clone(), m.key.clone());
        async move {
            client
                .get(url(addr, "/rest/pets"))
                .bearer_auth(&key)
                .send()
                .await
                .expect("answered")
                .status()
                .as_u16()
        }
    };
    assert_eq!(get(other.addr).await, 404);
    m.create_pet().await;
    let changed = std::time::Instant::now();
    let mut served = None;
    while changed.elapsed() < std::time::Duration::from_secs(5) {
        if get(other.addr).await == 200 {
            served = Some(changed.elapsed());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let served = served.expect("the other server serves the new object");
    eprintln!("the second server served the new model after {served:?}");
    assert!(
        served < std::time::Duration::from_secs(1),
        "served after {served:?}"
    );
    other.stop().await.expect("stops");
}
both!(a_second_server_process_serves_a_change_within_a_second);

async fn the_readme_metadata_examples_answer_as_documented(backend: Backend) {
    crate::rest::readme::run_section(backend, "Metadata API", "metareadme").await;
}
both!(the_readme_metadata_examples_answer_as_documented);

async fn custom_records_are_batched_nested_and_logged(backend: Backend) {
    let Some(m) = Meta::start(backend, "metaevents").await else {
        return;
    };
    let pet = m.create_pet().await;
    let person = m.object_id("person").await;
    m.create_field(json!({
        "objectMetadataId": pet, "name": "owner", "label": "Owner", "type": "RELATION",
        "relationCreationPayload": {"targetObjectMetadataId": person, "targetFieldLabel": "Pets", "type": "MANY_TO_ONE"},
    }))
    .await;
    let ann = m
        .expect(
            Method::POST,
            "/rest/people",
            Some(json!({"name": {"firstName": "Ann"}})),
            201,
        )
        .await;
    let ann = ann["data"]["createPerson"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let batch = m
        .expect(
            Method::POST,
            "/rest/batch/pets",
            Some(json!([
                {"name": "A", "ownerId": ann},
                {"name": "B", "ownerId": ann},
                {"name": "C"},
            ])),
            201,
        )
        .await;
    assert_eq!(
        batch["data"]["createPets"].as_array().map(Vec::len),
        Some(3)
    );
    // Relations both ways at depth 1.
    let owner = m
        .expect(
            Method::GET,
            &format!("/rest/people/{ann}?depth=1"),
            None,
            200,
        )
        .await;
    assert_eq!(
        owner["data"]["person"]["pets"].as_array().map(Vec::len),
        Some(2),
        "{owner}"
    );
    let a = m
        .expect(
            Method::GET,
            "/rest/pets?depth=1&filter=name%5Beq%5D:A",
            None,
            200,
        )
        .await;
    assert_eq!(a["data"]["pets"][0]["owner"]["id"], ann.as_str(), "{a}");
    // Each created pet is in the event log (on Postgres an event shows up once the
    // transactions before it have ended: polled).
    let workspace = m.server.first_workspace.as_ref().expect("workspace").0.id;
    let db = m
        .server
        .state
        .store
        .workspace_db(workspace)
        .await
        .expect("its database");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let events = twenty_server::query::events_after(
            twenty_server::query::Target::from(&db),
            twenty_server::query::LogPosition::START,
            1000,
        )
        .await
        .expect("events");
        let created = events
            .iter()
            .filter(|e| e.object == "pet" && e.action == twenty_server::query::Action::Created)
            .count();
        if created == 3 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{created} pet creations logged"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
both!(custom_records_are_batched_nested_and_logged);
