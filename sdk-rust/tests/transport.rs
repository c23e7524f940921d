//! The client's HTTP against a scripted local server: retries on 429 / 503 with
//! `Retry-After`, the request it sends (path, query, auth), and its refusals.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use twenty_sdk::filters::person;
use twenty_sdk::{Client, Direction, Error, PersonOrderField, Retry, retry_after};

/// What the server answers, in order (the last one repeats), and what it received.
#[derive(Default)]
struct Script {
    answers: Vec<(u16, Option<&'static str>)>,
    seen: Vec<(Option<String>, Option<String>)>,
}

type Shared = Arc<Mutex<Script>>;

const PAGE: &str = r#"{"data":{"people":[]},"totalCount":0,"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":null,"endCursor":null}}"#;

async fn people(
    State(script): State<Shared>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut script = script.lock().unwrap();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    script.seen.push((query, auth));
    let index = (script.seen.len() - 1).min(script.answers.len() - 1);
    let (status, retry_after) = script.answers[index];
    let status = StatusCode::from_u16(status).unwrap();
    let mut response = if status.is_success() {
        ([("content-type", "application/json")], PAGE).into_response()
    } else {
        (
            status,
            [("content-type", "application/json")],
            r#"{"error":"busy"}"#,
        )
            .into_response()
    };
    *response.status_mut() = status;
    if let Some(value) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", value.parse().unwrap());
    }
    response
}

async fn serve(answers: Vec<(u16, Option<&'static str>)>) -> (String, Shared) {
    let script: Shared = Arc::new(Mutex::new(Script {
        answers,
        seen: Vec::new(),
    }));
    let app = Router::new()
        .route("/rest/people", get(people))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, script)
}

fn fast() -> Retry {
    Retry {
        retries: 2,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn a_429_then_a_503_are_retried_until_the_answer() {
    let (url, script) = serve(vec![(429, Some("0")), (503, None), (200, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k").retry(fast());
    let page = client.people().find_many().await.unwrap();
    assert_eq!(page.total_count, 0);
    assert_eq!(script.lock().unwrap().seen.len(), 3);
}

#[tokio::test]
async fn retries_end_with_the_typed_error() {
    let (url, script) = serve(vec![(503, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k").retry(fast());
    let error = client.people().find_many().await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.code(), Some("SERVICE_UNAVAILABLE"));
    assert_eq!(
        script.lock().unwrap().seen.len(),
        3,
        "the first attempt and 2 retries"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_is_not_waited_for() {
    let (url, script) = serve(vec![(429, Some("3600")), (200, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k").retry(fast());
    let error = client.people().find_many().await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(script.lock().unwrap().seen.len(), 1);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let (url, script) = serve(vec![(400, None), (200, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k").retry(fast());
    let error = client.people().find_many().await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(script.lock().unwrap().seen.len(), 1);
}

#[tokio::test]
async fn the_request_carries_the_key_and_the_encoded_query() {
    let (url, script) = serve(vec![(200, None)]).await;
    let client = Client::new(&url).unwrap().api_key("secret-key");
    client
        .people()
        .find_many()
        .filter(person::city().eq("a&b \"c\""))
        .order_by(PersonOrderField::NameLastName, Direction::DescNullsLast)
        .limit(5)
        .starting_after("cur+sor")
        .await
        .unwrap();
    let (query, auth) = script.lock().unwrap().seen[0].clone();
    assert_eq!(auth.as_deref(), Some("Bearer secret-key"));
    let pairs: Vec<(String, String)> = url_pairs(&query.unwrap());
    assert_eq!(
        pairs,
        [
            ("filter".to_owned(), r#"city[eq]:"a&b \"c\"""#.to_owned()),
            (
                "order_by".to_owned(),
                "name.lastName[DescNullsLast]".to_owned()
            ),
            ("limit".to_owned(), "5".to_owned()),
            ("starting_after".to_owned(), "cur+sor".to_owned()),
        ]
    );
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn an_invalid_filter_is_refused_before_sending() {
    let (url, script) = serve(vec![(200, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k");
    let result = client
        .people()
        .find_many()
        .filter(twenty_sdk::Filter::any([]))
        .await;
    assert!(matches!(result, Err(Error::InvalidInput(_))), "{result:?}");
    assert!(script.lock().unwrap().seen.is_empty());
}

#[test]
fn bad_server_urls_are_refused() {
    for url in ["not a url", "ftp://x", "http://x/?a=b", "http://x/#f"] {
        assert!(
            matches!(Client::new(url), Err(Error::InvalidInput(_))),
            "{url}"
        );
    }
}

#[test]
fn retry_after_is_seconds_or_an_http_date() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
    let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
    assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
    let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
    assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
    assert_eq!(retry_after("soon", now), None);
    assert_eq!(retry_after("-1", now), None);
}

#[tokio::test]
async fn a_stream_refuses_what_it_cannot_page_and_stops_on_an_error() {
    use futures_util::StreamExt;
    let (url, script) = serve(vec![(400, None)]).await;
    let client = Client::new(&url).unwrap().api_key("k");
    for request in [
        client.people().find_many().limit(0),
        client.people().find_many().ending_before("c"),
    ] {
        let items: Vec<_> = request.stream().collect().await;
        assert_eq!(items.len(), 1);
        assert!(
            matches!(items[0], Err(Error::InvalidInput(_))),
            "{:?}",
            items[0]
        );
    }
    assert!(script.lock().unwrap().seen.is_empty());
    let items: Vec<_> = client.people().find_many().stream().collect().await;
    assert_eq!(items.len(), 1, "one error, then the end");
    assert_eq!(items[0].as_ref().unwrap_err().status(), Some(400));
    let seen = script.lock().unwrap().seen.clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        url_pairs(seen[0].0.as_deref().unwrap()),
        [("limit".to_owned(), "200".to_owned())]
    );
}

/// A server answering `/rest/opportunities` after `delay` with one record holding `stage`
/// and only the fields asked for; it notes the query it got and the client's user agent.
async fn opportunities(delay: Duration, stage: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let noted = seen.clone();
    let app = Router::new().route(
        "/rest/opportunities",
        get(move |RawQuery(query): RawQuery, headers: HeaderMap| {
            let noted = noted.clone();
            async move {
                let agent = headers
                    .get("user-agent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                noted
                    .lock()
                    .unwrap()
                    .push(format!("{}&agent={agent}", query.unwrap_or_default()));
                tokio::time::sleep(delay).await;
                let body = format!(
                    r#"{{"data":{{"opportunities":[{{"id":"00000000-0000-4000-8000-000000000001","name":"Deal","stage":"{stage}"}}]}},"totalCount":1,"pageInfo":{{"hasNextPage":false,"hasPreviousPage":false,"startCursor":null,"endCursor":null}}}}"#
                );
                ([("content-type", "application/json")], body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[derive(Debug, serde::Deserialize)]
struct DealName {
    id: uuid::Uuid,
    name: String,
    stage: twenty_sdk::OpportunityStage,
}

#[tokio::test]
async fn select_asks_for_the_fields_and_reads_them_into_the_callers_type() {
    let (url, seen) = opportunities(Duration::ZERO, "MEETING").await;
    let client = Client::new(&url).unwrap().api_key("twk_test");
    let page = client
        .opportunities()
        .find_many()
        .limit(5)
        .select::<DealName>(&["name", "stage"])
        .await
        .unwrap();
    assert_eq!(page.records[0].name, "Deal");
    assert_eq!(page.records[0].stage, twenty_sdk::OpportunityStage::Meeting);
    assert_eq!(
        page.records[0].id.to_string(),
        "00000000-0000-4000-8000-000000000001"
    );
    let query = seen.lock().unwrap()[0].clone();
    assert!(
        url_pairs(&query).contains(&("fields".into(), "name,stage".into())),
        "{query}"
    );
    let refused = client
        .opportunities()
        .find_many()
        .select::<DealName>(&["name,stage"])
        .await;
    assert!(
        matches!(refused, Err(Error::InvalidInput(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_option_newer_than_the_sdk_reads_as_unknown_value() {
    let (url, _) = opportunities(Duration::ZERO, "LOST_TO_A_COMPETITOR").await;
    let client = Client::new(&url).unwrap().api_key("twk_test");
    let page = client
        .opportunities()
        .find_many()
        .select::<DealName>(&["name", "stage"])
        .await
        .expect("the page reads despite the unknown option");
    assert_eq!(
        page.records[0].stage,
        twenty_sdk::OpportunityStage::UnknownValue
    );
}

#[tokio::test]
async fn each_attempt_is_bounded_by_the_timeout_and_a_callers_client_is_used() {
    let (url, seen) = opportunities(Duration::from_millis(600), "NEW").await;
    let http = reqwest::Client::builder()
        .user_agent("the-callers-client")
        .build()
        .unwrap();
    let client = Client::with_http_client(&url, http)
        .unwrap()
        .api_key("twk_test")
        .timeout(Some(Duration::from_millis(100)));
    let started = std::time::Instant::now();
    let error = client
        .opportunities()
        .find_many()
        .select::<DealName>(&["name", "stage"])
        .await
        .unwrap_err();
    let Error::Network(network) = &error else {
        panic!("{error:?}")
    };
    assert!(network.is_timeout(), "{network}");
    assert!(started.elapsed() < Duration::from_millis(550));
    let slow = client.timeout(None);
    let page = slow
        .opportunities()
        .find_many()
        .select::<DealName>(&["name", "stage"])
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|q| q.ends_with("&agent=the-callers-client")),
        "{seen:?}"
    );
}
