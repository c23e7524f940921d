//! Property: any record the REST API accepts reads back conforming to the response schema
//! of the OpenAPI document it serves. Bodies are drawn from values of every shape for
//! each field (right and wrong types, composites with odd items); each 201 is read back
//! and checked against `<Name>ForResponse` by a small validator of the JSON Schema subset
//! the document uses.
use crate::rest::support::Api;
use crate::support::Backend;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Map, Value, json};

/// Candidate values per field: most are valid, some are not.
fn candidates(object: &str) -> Vec<(&'static str, Vec<Value>)> {
    let text = vec![json!("CEO"), json!(""), Value::Null, json!(5), json!("é ✓")];
    let links = vec![
        json!({"primaryLinkUrl": "https://acme.com", "secondaryLinks": [{"url": "https://b.co", "label": "b"}]}),
        json!({"secondaryLinks": [{"url": "x.io", "label": null}]}),
        json!({"secondaryLinks": [{"url": 5}]}),
        json!({"secondaryLinks": ["https://c.co"]}),
        json!({"primaryLinkUrl": "ftp://x"}),
        json!({"primaryLinkLabel": null, "primaryLinkUrl": ""}),
        Value::Null,
    ];
    let position = vec![
        json!(1),
        json!(-2.5),
        json!("first"),
        json!("last"),
        json!("middle"),
    ];
    match object {
        "person" => vec![
            (
                "name",
                vec![
                    json!({"firstName": "Ada", "lastName": "Lovelace"}),
                    json!({"firstName": ""}),
                    json!({}),
                    json!({"firstName": 5}),
                    json!({"middleName": "x"}),
                ],
            ),
            (
                "emails",
                vec![
                    json!({"primaryEmail": "a@b.co", "additionalEmails": ["c@d.io"]}),
                    json!({"additionalEmails": null}),
                    json!({"primaryEmail": ""}),
                    json!({"additionalEmails": [5]}),
                    json!({"additionalEmails": [{"email": "a@b.co"}]}),
                    json!({"primaryEmail": "nope"}),
                ],
            ),
            (
                "phones",
                vec![
                    json!({"primaryPhoneNumber": "06 12", "primaryPhoneCallingCode": "+33", "primaryPhoneCountryCode": "FR", "additionalPhones": [{"number": "07", "callingCode": "+1", "countryCode": "US"}]}),
                    json!({"additionalPhones": [{"number": {}, "callingCode": 5}]}),
                    json!({"additionalPhones": [{"number": "1", "countryCode": null}]}),
                    json!({"additionalPhones": []}),
                    json!({"additionalPhones": null}),
                    json!({"additionalPhones": ["0612"]}),
                    json!({"primaryPhoneNumber": "abc"}),
                ],
            ),
            ("linkedinLink", links.clone()),
            ("xLink", links),
            ("jobTitle", text.clone()),
            ("city", text.clone()),
            ("avatarUrl", text),
            ("position", position),
        ],
        _ => vec![
            (
                "name",
                vec![json!("Acme"), json!(""), Value::Null, json!(["x"])],
            ),
            ("domainName", links.clone()),
            ("linkedinLink", links),
            (
                "employees",
                vec![
                    json!(1),
                    json!(-1),
                    json!(1.5),
                    json!("3"),
                    Value::Null,
                    json!(1e300),
                ],
            ),
            (
                "annualRecurringRevenue",
                vec![
                    json!({"amountMicros": 1_000_000, "currencyCode": "USD"}),
                    json!({"amountMicros": "12.5"}),
                    json!({"amountMicros": 9_223_372_036_854_775_807i64}),
                    json!({"amountMicros": 1.5e19}),
                    json!({"currencyCode": "usd"}),
                    json!({"amountMicros": null, "currencyCode": null}),
                ],
            ),
            (
                "address",
                vec![
                    json!({"addressCity": "Paris", "addressLat": 48.8566, "addressLng": 2.3522}),
                    json!({"addressLat": "x"}),
                    json!({"addressPostcode": null, "addressCountry": "France"}),
                    json!({"addressStreet3": "no"}),
                ],
            ),
            (
                "idealCustomerProfile",
                vec![json!(true), json!(false), json!("yes")],
            ),
            ("tagline", vec![json!("Build"), json!("")]),
            ("position", position),
        ],
    }
}

/// A body: some of the object's fields, each with one of its candidate values.
fn body(object: &'static str) -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = candidates(object)
        .into_iter()
        .map(|(name, values)| {
            proptest::option::of(proptest::sample::select(values))
                .prop_map(move |v| v.map(|v| (name.to_owned(), v)))
                .boxed()
        })
        .collect();
    fields
        .prop_map(|pairs| pairs.into_iter().flatten().collect())
        .boxed()
}

/// Whether `value` conforms to `schema` (the subset of JSON Schema the document uses:
/// `$ref`, `type` with null, `enum`, `properties`, `required`, `additionalProperties`,
/// `items`, `oneOf` / `anyOf`, `format: uuid`); the first mismatch otherwise.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return conforms(doc, &doc["components"]["schemas"][name], value, at);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let matching = options
                .iter()
                .filter(|o| conforms(doc, o, value, at).is_ok())
                .count();
            let ok = if key == "oneOf" {
                matching == 1
            } else {
                matching >= 1
            };
            if !ok {
                return Err(format!("{at}: {value} matches {matching} of {key}"));
            }
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let fits = |t: &str| match (t, value) {
            ("null", Value::Null)
            | ("boolean", Value::Bool(_))
            | ("number", Value::Number(_))
            | ("string", Value::String(_))
            | ("array", Value::Array(_))
            | ("object", Value::Object(_)) => true,
            ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
            _ => false,
        };
        if !types.iter().any(|t| fits(t)) {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {options:?}"));
    }
    if schema["format"] == "uuid"
        && let Value::String(s) = value
        && uuid::Uuid::parse_str(s).is_err()
    {
        return Err(format!("{at}: {s} is not a uuid"));
    }
    if let Value::Object(map) = value {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !map.contains_key(name) {
                return Err(format!("{at}: no `{name}`"));
            }
        }
        for (key, v) in map {
            match schema["properties"].get(key) {
                Some(property) => conforms(doc, property, v, &format!("{at}.{key}"))?,
                None if schema["additionalProperties"] == false => {
                    return Err(format!("{at}: `{key}` is not a property"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            conforms(doc, item, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

async fn accepted_records_read_back_as_the_document_says(backend: Backend) {
    let Some(api) = Api::start(backend, "readback").await else {
        return;
    };
    let doc = reqwest::get(api.url("/rest/open-api/core"))
        .await
        .expect("the document")
        .json::<Value>()
        .await
        .expect("JSON");
    let runtime = tokio::runtime::Handle::current();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    for (object, plural, schema) in [
        ("person", "people", "PersonForResponse"),
        ("company", "companies", "CompanyForResponse"),
    ] {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let accepted = std::cell::Cell::new(0u32);
        let result = tokio::task::block_in_place(|| {
            runner.run(&body(object), |record| {
                let (status, created) = runtime.block_on(api.call(
                    Method::POST,
                    &format!("/rest/{plural}"),
                    &api.key,
                    Some(&Value::Object(record.clone())),
                ));
                // 409: a unique value (an email, a domain) drawn twice.
                prop_assert!(
                    matches!(status, 201 | 400 | 409),
                    "{record:?}: {status} {created}"
                );
                if status == 201 {
                    accepted.set(accepted.get() + 1);
                    let id = created["data"][format!("create{}", upper(object))]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    let (status, read) =
                        runtime.block_on(api.get(&format!("/rest/{plural}/{id}?depth=0")));
                    prop_assert_eq!(status, 200, "{}", read);
                    let schema = json!({ "$ref": format!("#/components/schemas/{schema}") });
                    if let Err(why) = conforms(&doc, &schema, &read["data"][object], object) {
                        return Err(TestCaseError::fail(format!("{record:?} read back: {why}")));
                    }
                }
                Ok(())
            })
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        assert!(
            accepted.get() > 0,
            "no {object} body was accepted in {cases} cases"
        );
    }
    api.server.stop().await.expect("stops");
}
crate::both!(accepted_records_read_back_as_the_document_says);

fn upper(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[test]
fn the_validator_finds_a_mismatch() {
    let doc = json!({"components": {"schemas": {"P": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "items": {"type": ["array", "null"], "items": {"type": "object", "properties": {"n": {"type": ["string", "null"]}}}}
        }
    }}}});
    let schema = json!({"$ref": "#/components/schemas/P"});
    let good =
        json!({"id": "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11", "items": [{"n": "x"}, {"n": null}]});
    assert_eq!(conforms(&doc, &schema, &good, "p"), Ok(()));
    let bad = json!({"id": "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11", "items": [{"n": {}}]});
    assert!(
        conforms(&doc, &schema, &bad, "p")
            .unwrap_err()
            .contains("p.items[0].n")
    );
    assert!(conforms(&doc, &schema, &json!({"id": "x"}), "p").is_err());
    assert!(conforms(&doc, &schema, &json!({}), "p").is_err());
}
