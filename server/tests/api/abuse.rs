//! What no request may do: nest its input deeper than the limit, send filters too large
//! for the database, amplify introspection, reach the database with values it refuses,
//! store composite items that break reads, get a refusal without a JSON body. Each case is
//! answered with a 4xx and a stable code, and the server keeps serving.
use crate::both;
use crate::graphql::support::{Gql, first_error};
use crate::rest::support::{Api, assert_error, enc};
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Ten times the nesting limit (32).
const DEEP: usize = 320;

/// The GraphQL shapes that overflowed a worker's stack, each `levels` deep.
fn deep_operations(levels: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "and",
            format!(
                "{{ people(filter: {}{{id: {{is: NULL}}}}{}) {{ totalCount }} }}",
                "{and: [".repeat(levels),
                "]}".repeat(levels)
            ),
        ),
        (
            "not",
            format!(
                "{{ people(filter: {}{{id: {{is: NULL}}}}{}) {{ totalCount }} }}",
                "{not: ".repeat(levels),
                "}".repeat(levels)
            ),
        ),
        (
            "list",
            format!(
                "{{ people(filter: {{id: {{in: {}1{}}}}}) {{ totalCount }} }}",
                "[".repeat(levels),
                "]".repeat(levels)
            ),
        ),
        (
            "data",
            format!(
                "mutation {{ createCompany(data: {{name: \"x\", tagline: {}1{}}}) {{ id }} }}",
                "{a: ".repeat(levels),
                "}".repeat(levels)
            ),
        ),
    ]
}

async fn deep_graphql_input_is_refused_and_the_server_keeps_serving(backend: Backend) {
    let Some(gql) = Gql::start(backend, "deepgql").await else {
        return;
    };
    // Ten times the limit, and the depths that aborted the process before.
    for levels in [DEEP, 2_000] {
        for (shape, query) in deep_operations(levels) {
            let (status, body) = gql.post(&query, json!({})).await;
            assert!(status < 500, "{shape} × {levels}: {status} {body}");
            let (_, twenty, message) = first_error(&body);
            assert_eq!(twenty, "NESTING_TOO_DEEP", "{shape} × {levels}: {message}");
        }
    }
    // Just over the limit, past the text check: the parsed value is measured.
    let over = "{ people(filter: {id: {in: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}) { totalCount } }";
    let (_, twenty, message) = first_error(&gql.post(over, json!({})).await.1);
    assert_eq!(twenty, "NESTING_TOO_DEEP", "{message}");
    assert!(message.contains("argument `filter`"), "{message}");

    // Variables: past serde_json's own 128 levels, and below it.
    for levels in [DEEP, 100] {
        let mut filter = json!({"id": {"is": "NULL"}});
        for _ in 0..levels / 2 {
            filter = json!({ "and": [filter] });
        }
        let (status, body) = gql
            .post(
                "query($f: PersonFilterInput) { people(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await;
        assert!(status < 500, "{status} {body}");
        let (_, twenty, message) = first_error(&body);
        assert_eq!(twenty, "NESTING_TOO_DEEP", "{levels}: {message}");
    }
    // A chain of fragments nests without brackets.
    let mut chain = String::from("{ ...F0 }");
    for i in 0..DEEP {
        chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
    }
    chain.push_str(&format!(" fragment F{DEEP} on Query {{ __typename }}"));
    let (status, body) = gql.post(&chain, json!({})).await;
    assert!(status < 500, "{status} {body}");
    assert!(body["errors"].is_array(), "{body}");

    let data = gql
        .data(
            "{ people(filter: {and: [{id: {is: NULL}}]}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["people"]["totalCount"], 0);
    gql.stop().await;
}
both!(deep_graphql_input_is_refused_and_the_server_keeps_serving);

async fn deep_rest_input_is_refused_and_the_server_keeps_serving(backend: Backend) {
    let Some(api) = Api::start(backend, "deeprest").await else {
        return;
    };
    for levels in [33, DEEP, 2_000] {
        let filter = format!(
            "{}name[eq]:\"x\"{}",
            "not(".repeat(levels),
            ")".repeat(levels)
        );
        let reply = api
            .get(&format!("/rest/companies?filter={}", enc(&filter)))
            .await;
        assert_error(&reply, 400, "NESTING_TOO_DEEP");
    }
    for levels in [33, DEEP] {
        let mut value = json!(1);
        for _ in 0..levels {
            value = json!([value]);
        }
        let body = json!({ "name": "Deep", "tagline": value });
        let reply = api
            .call(Method::POST, "/rest/companies", &api.key, Some(&body))
            .await;
        assert_error(&reply, 400, "NESTING_TOO_DEEP");
    }
    let (status, _) = api.get("/rest/companies?limit=1").await;
    assert_eq!(status, 200);
    api.server.stop().await.expect("stops");
}
both!(deep_rest_input_is_refused_and_the_server_keeps_serving);

async fn filters_past_the_term_limit_are_refused_before_any_sql(backend: Backend) {
    let Some(api) = Api::start(backend, "bigfilter").await else {
        return;
    };
    let terms = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("name[eq]:\"n{i}\""))
            .collect::<Vec<_>>()
    };
    // Just under the limit (the `or` group is one term) works on both backends.
    let under = format!("or({})", terms(499).join(","));
    let (status, body) = api
        .get(&format!("/rest/companies?filter={}", enc(&under)))
        .await;
    assert_eq!(status, 200, "{body}");
    for filter in [
        format!("or({})", terms(998).join(",")),
        terms(1_000).join(","),
        format!(
            "id[in]:[{}]",
            (0..1_000)
                .map(|_| uuid::Uuid::new_v4().to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    ] {
        let reply = api
            .get(&format!("/rest/companies?filter={}", enc(&filter)))
            .await;
        assert_error(&reply, 400, "FILTER_TOO_LARGE");
    }
    // The same through GraphQL, as values and as `in`.
    let key = api.key.clone();
    let post = |query: String| {
        let url = api.url("/graphql");
        let key = key.clone();
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .bearer_auth(key)
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("answered");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("JSON"))
        }
    };
    let ors: Vec<String> = (0..1_000)
        .map(|i| format!("{{name: {{eq: \"n{i}\"}}}}"))
        .collect();
    let ins: Vec<String> = (0..1_000).map(|i| format!("\"n{i}\"")).collect();
    for query in [
        format!(
            "{{ companies(filter: {{or: [{}]}}) {{ totalCount }} }}",
            ors.join(",")
        ),
        format!(
            "{{ companies(filter: {{name: {{in: [{}]}}}}) {{ totalCount }} }}",
            ins.join(",")
        ),
    ] {
        let (status, body) = post(query).await;
        assert_eq!(status, 200, "{body}");
        let (_, twenty, message) = first_error(&body);
        assert_eq!(twenty, "FILTER_TOO_LARGE", "{message}");
    }
    api.server.stop().await.expect("stops");
}
both!(filters_past_the_term_limit_are_refused_before_any_sql);

#[tokio::test]
async fn introspection_cannot_be_amplified_and_graphiqls_query_works() {
    let Some(gql) = Gql::start(Backend::Sqlite, "introspect").await else {
        return;
    };
    // GraphiQL's own query (graphql-js, every option on) is answered whole.
    let standard = include_str!("fixtures/graphiql-introspection.graphql");
    let data = gql.data(standard, json!({})).await;
    assert!(
        data["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 100),
        "{data}"
    );
    // Aliased copies of the schema, the attack's shape, are refused.
    let copies: Vec<String> = (0..40)
        .map(|i| {
            format!("s{i}: __schema {{ types {{ fields {{ type {{ fields {{ name }} }} }} }} }}")
        })
        .collect();
    let (_, twenty, message) = gql
        .error(&format!("{{ {} }}", copies.join(" ")), json!({}))
        .await;
    assert_eq!(twenty, "INTROSPECTION_TOO_COMPLEX", "{message}");
    // The largest introspection the rules allow stays the size of the schema.
    let widest = "{ __schema { types { name fields { name args { name } type { name fields { name args { name } type { name } } inputFields { name } } } } } }";
    let response = reqwest::Client::new()
        .post(gql.url("/graphql"))
        .bearer_auth(&gql.key)
        .json(&json!({ "query": widest }))
        .send()
        .await
        .expect("answered");
    let bytes = response.bytes().await.expect("a body");
    assert!(
        bytes.len() < 8 * 1024 * 1024,
        "{} bytes for one introspection",
        bytes.len()
    );
    let thrice =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (_, twenty, _) = gql.error(thrice, json!({})).await;
    assert_eq!(twenty, "INTROSPECTION_TOO_COMPLEX");
    gql.stop().await;
}

async fn values_the_database_refuses_are_400_alike_on_both_backends(backend: Backend) {
    let Some(api) = Api::start(backend, "badvalues").await else {
        return;
    };
    for filter in [
        "name[eq]:\"a\u{0}b\"",
        "name[like]:\"%\u{0}\"",
        "name[like]:\"abc\\\\\"",
        "name[ilike]:\"abc\\\\\"",
        "annualRecurringRevenue.amountMicros[gt]:9223372036854775808",
    ] {
        let reply = api
            .get(&format!("/rest/companies?filter={}", enc(filter)))
            .await;
        assert_error(&reply, 400, "INVALID_VALUE");
    }
    let huge = json!({
        "name": "Huge",
        "annualRecurringRevenue": {"amountMicros": 9_223_372_036_854_775_808u64, "currencyCode": "USD"}
    });
    let reply = api
        .call(Method::POST, "/rest/companies", &api.key, Some(&huge))
        .await;
    assert_error(&reply, 400, "INVALID_VALUE");
    assert!(
        reply.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("amountMicros"),
        "{}",
        reply.1
    );
    let largest = json!({
        "name": "Largest",
        "annualRecurringRevenue": {"amountMicros": 9_223_372_036_854_775_807i64, "currencyCode": "USD"}
    });
    let (status, body) = api
        .call(Method::POST, "/rest/companies", &api.key, Some(&largest))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["data"]["createCompany"]["annualRecurringRevenue"]["amountMicros"],
        json!(9_223_372_036_854_775_807i64)
    );
    // The escape rule: `\%` is a literal percent sign, `\\` a backslash.
    for name in ["100% sure", "100 sure", "back\\slash"] {
        let (status, body) = api
            .call(
                Method::POST,
                "/rest/companies",
                &api.key,
                Some(&json!({ "name": name })),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    for (pattern, expected) in [
        ("100\\\\%%", vec!["100% sure"]),
        ("100%", vec!["100 sure", "100% sure"]),
        ("%\\\\\\\\%", vec!["back\\slash"]),
    ] {
        let filter = format!("name[like]:\"{pattern}\"");
        let (status, body) = api
            .get(&format!("/rest/companies?depth=0&filter={}", enc(&filter)))
            .await;
        assert_eq!(status, 200, "{filter}: {body}");
        let mut names: Vec<&str> = body["data"]["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, expected, "{filter}");
    }
    api.server.stop().await.expect("stops");
}
both!(values_the_database_refuses_are_400_alike_on_both_backends);

async fn additional_phones_items_are_checked(backend: Backend) {
    let Some(api) = Api::start(backend, "phones").await else {
        return;
    };
    for item in [
        json!({"number": {}, "callingCode": 5}),
        json!("0612345678"),
        json!({"number": "06 12", "callingCode": "33"}),
        json!({"number": "06 12", "countryCode": "France"}),
        json!({"number": "06 12", "extension": "12"}),
    ] {
        let body =
            json!({"phones": {"primaryPhoneNumber": "0612345678", "additionalPhones": [item]}});
        let reply = api
            .call(Method::POST, "/rest/people", &api.key, Some(&body))
            .await;
        assert_error(&reply, 400, "INVALID_VALUE");
        assert!(
            reply.1["messages"][0]
                .as_str()
                .unwrap()
                .contains("additionalPhones[0]"),
            "{}",
            reply.1
        );
    }
    let good = json!({"phones": {"additionalPhones": [{"number": "+33 6 12", "callingCode": "+33", "countryCode": "FR"}, {"number": "555", "callingCode": null}]}});
    let (status, body) = api
        .call(Method::POST, "/rest/people", &api.key, Some(&good))
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["data"]["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = api.ok(&format!("/rest/people/{id}")).await;
    assert_eq!(
        read["data"]["person"]["phones"]["additionalPhones"],
        good["phones"]["additionalPhones"]
    );
    api.server.stop().await.expect("stops");
}
both!(additional_phones_items_are_checked);

/// Sends `request` raw and reads the answer until the server closes or `wait` passes.
fn raw(addr: std::net::SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(wait)).expect("timeout");
    // The server may answer (and close) before the whole request is written.
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framework_refusals_have_a_json_body_and_a_code() {
    let Some(api) = Api::start(Backend::Sqlite, "refusals").await else {
        return;
    };
    let addr = api.server.addr;
    let cases = tokio::task::spawn_blocking(move || {
        let long_uri = format!(
            "GET /rest/companies?filter={} HTTP/1.1\r\nhost: x\r\n\r\n",
            "a".repeat(100_000)
        );
        let huge_uri = format!(
            "GET /rest/companies?starting_after={} HTTP/1.1\r\nhost: x\r\n\r\n",
            "a".repeat(1_000_000)
        );
        let big_header = format!(
            "GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
            "a".repeat(200_000)
        );
        vec![
            (
                raw(addr, long_uri.as_bytes(), Duration::from_secs(5)),
                "414",
                "URI_TOO_LONG",
            ),
            (
                raw(addr, huge_uri.as_bytes(), Duration::from_secs(5)),
                "431",
                "HEADERS_TOO_LARGE",
            ),
            (
                raw(addr, big_header.as_bytes(), Duration::from_secs(5)),
                "431",
                "HEADERS_TOO_LARGE",
            ),
            (
                raw(
                    addr,
                    b"GET / HTTP/1.1\r\nbad header\r\n\r\n",
                    Duration::from_secs(5),
                ),
                "400",
                "INVALID_REQUEST",
            ),
        ]
    })
    .await
    .expect("the raw requests");
    for (answer, status, code) in cases {
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{answer}"
        );
        assert!(
            answer.contains("content-type: application/json"),
            "{answer}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{answer}"));
        assert_eq!(body["code"], code, "{answer}");
        assert_eq!(body["statusCode"].to_string(), status, "{answer}");
    }
    let (status, _) = api.get("/rest/companies?limit=1").await;
    assert_eq!(status, 200);
    api.server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_ids_are_canonical_uuids_and_a_null_id_is_refused() {
    let Some(api) = Api::start(Backend::Sqlite, "pathids").await else {
        return;
    };
    let (status, body) = api
        .call(
            Method::POST,
            "/rest/companies",
            &api.key,
            Some(&json!({"id": "7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11", "name": "Acme"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let upper = "/rest/companies/7B0CBB7E-2A4D-4D3C-9D39-3C2B8F0D1A11";
    assert_eq!(api.get(upper).await.0, 200);
    for other in [
        "{7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11}",
        "urn:uuid:7b0cbb7e-2a4d-4d3c-9d39-3c2b8f0d1a11",
        "7b0cbb7e2a4d4d3c9d393c2b8f0d1a11",
    ] {
        let reply = api.get(&format!("/rest/companies/{}", enc(other))).await;
        assert_error(&reply, 400, "INVALID_ID");
    }
    let reply = api
        .call(
            Method::POST,
            "/rest/companies",
            &api.key,
            Some(&json!({"id": null, "name": "Null"})),
        )
        .await;
    assert_error(&reply, 400, "INVALID_VALUE");
    let reply = api
        .call(
            Method::POST,
            "/rest/batch/companies",
            &api.key,
            Some(&json!([{"name": "Fine"}, {"id": null, "name": "Null"}])),
        )
        .await;
    assert_error(&reply, 400, "INVALID_VALUE");
    assert!(
        reply.1["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("record 1:"),
        "{}",
        reply.1
    );
    api.server.stop().await.expect("stops");
}
