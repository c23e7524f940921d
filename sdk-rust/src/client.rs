//! The client: `Client::new(url)?.api_key(…)`, one accessor per object (`client.people()`),
//! HTTP with retries on 429 / 503 (honouring `Retry-After`), and each object's operations.

use crate::error::{self, Error};
use crate::filter::Filter;
use crate::object::{Depth, Direction, Object, OrderField};
use futures_core::Stream;
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// How 429 (too many requests) and 503 (unavailable) responses are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Retries after the first attempt (0 disables).
    pub retries: u32,
    /// The first backoff delay, doubled on each retry.
    pub min_delay: Duration,
    /// The longest wait, backoff or `Retry-After`; a longer `Retry-After` is not waited for.
    pub max_delay: Duration,
}

impl Default for Retry {
    /// 3 retries, 500 ms doubling, at most 30 s.
    fn default() -> Self {
        Retry {
            retries: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// A client of a Twenty server's REST API. Cheap to clone (one connection pool).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
    retry: Retry,
    timeout: Option<Duration>,
}

/// How long one attempt of a request may take by default, body included: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Client {
    /// A client of the server at `url` (e.g. `https://crm.example.com`). The API key is
    /// `TWENTY_API_KEY` from the environment until [`Client::api_key`] sets one.
    pub fn new(url: &str) -> Result<Client, Error> {
        let http = reqwest::Client::builder().build().map_err(Error::Network)?;
        Client::with_http_client(url, http)
    }

    /// A client of the server at `url` sending its requests through `http`, the caller's
    /// own `reqwest::Client` (its proxy, TLS roots, connection pool; this client's
    /// timeout still applies per request, see [`Client::timeout`]).
    pub fn with_http_client(url: &str, http: reqwest::Client) -> Result<Client, Error> {
        let base = Url::parse(url).map_err(|e| {
            Error::InvalidInput(format!(
                "the server URL {url:?} is not an absolute URL such as http://127.0.0.1:3000: {e}"
            ))
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::InvalidInput(format!(
                "the server URL {url:?} must be http(s)"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::InvalidInput(format!(
                "the server URL {url:?} must not have a query string or fragment"
            )));
        }
        let token = std::env::var("TWENTY_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        Ok(Client {
            http,
            base,
            token,
            retry: Retry::default(),
            timeout: Some(DEFAULT_TIMEOUT),
        })
    }

    /// Each attempt of a request may take this long, body included (default
    /// [`DEFAULT_TIMEOUT`]); past it the call fails with an [`Error::Network`] whose
    /// `is_timeout()` is true. `None`: no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Client {
        self.timeout = timeout;
        self
    }

    /// Authenticates with this API key (instead of `TWENTY_API_KEY`).
    pub fn api_key(mut self, key: impl Into<String>) -> Client {
        self.token = Some(key.into());
        self
    }

    /// Retries 429 and 503 responses this way.
    pub fn retry(mut self, retry: Retry) -> Client {
        self.retry = retry;
        self
    }

    /// The operations of object `O` (the generated accessors, `client.people()`, call this).
    pub fn object<O: Object>(&self) -> Objects<'_, O> {
        Objects {
            client: self,
            object: PhantomData,
        }
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        url
    }

    /// Runs a GraphQL operation (`POST /graphql`) and returns its `data`. A response with
    /// `errors` is an [`Error::Api`] with the first error's `extensions.code` (`BAD_USER_INPUT`,
    /// `FORBIDDEN`, `NOT_FOUND`, …) and every error's message.
    pub async fn graphql(&self, query: &str, variables: Option<Value>) -> Result<Value, Error> {
        let mut body = serde_json::Map::new();
        body.insert("query".to_owned(), Value::String(query.to_owned()));
        if let Some(variables) = variables {
            body.insert("variables".to_owned(), variables);
        }
        let (response, request_id) = self
            .send(Method::POST, "/graphql", &[], Some(Value::Object(body)))
            .await?;
        let Value::Object(mut response) = response else {
            return Err(Error::InvalidResponse {
                status: 200,
                message: "the GraphQL response is not an object".to_owned(),
            });
        };
        if response
            .get("errors")
            .and_then(Value::as_array)
            .is_some_and(|errors| !errors.is_empty())
        {
            return Err(error::from_graphql(200, &response, request_id));
        }
        response
            .remove("data")
            .ok_or_else(|| Error::InvalidResponse {
                status: 200,
                message: "the GraphQL response has no data".to_owned(),
            })
    }

    /// Sends a request and returns the JSON body of a 2xx response.
    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Value, Error> {
        self.send(method, path, query, body)
            .await
            .map(|(body, _request_id)| body)
    }

    /// Sends a request and returns the JSON body of a 2xx response with its `x-request-id`.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<(Value, Option<String>), Error> {
        let mut url = self.url(path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut attempt = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header("accept", "application/json");
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(Error::Network)?;
            let status = response.status();
            if (status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE)
                && attempt < self.retry.retries
            {
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let Some(delay) = delay(&self.retry, attempt, retry_after.as_deref()) {
                    drop(response);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
            }
            let request_id = response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let text = response.text().await.map_err(Error::Network)?;
            if !status.is_success() {
                return Err(error::from_response(status.as_u16(), &text, request_id));
            }
            return serde_json::from_str(&text)
                .map(|body| (body, request_id))
                .map_err(|e| Error::InvalidResponse {
                    status: status.as_u16(),
                    message: format!("the body is not JSON ({e}): {:.200}", text),
                });
        }
    }
}

/// The wait a `Retry-After` header asks for: seconds or an HTTP date.
pub fn retry_after(header: &str, now: SystemTime) -> Option<Duration> {
    let trimmed = header.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed.parse().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(trimmed).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// How long to wait before retry `attempt + 1`; `None` when `Retry-After` asks for longer
/// than allowed (the response is returned as an error instead).
fn delay(retry: &Retry, attempt: u32, retry_after_header: Option<&str>) -> Option<Duration> {
    if let Some(asked) = retry_after_header.and_then(|h| retry_after(h, SystemTime::now())) {
        return (asked <= retry.max_delay).then_some(asked);
    }
    let backoff = retry
        .min_delay
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(retry.max_delay);
    // Equal jitter: at least half the backoff, so clients that failed together spread out.
    // A fresh `RandomState` is seeded per instance: a random fraction in [0, 1) without a
    // dependency (a clock's sub-second digits are coarse on some platforms).
    let random =
        std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), attempt);
    let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
    Some(backoff / 2 + backoff.mul_f64(fraction / 2.0))
}

/// Where a page stands in the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// The cursor of the first record (for `ending_before`); `None` on an empty page.
    pub start_cursor: Option<String>,
    /// The cursor of the last record (for `starting_after`); `None` on an empty page.
    pub end_cursor: Option<String>,
}

/// One page of records.
#[derive(Debug, Clone)]
pub struct Page<R> {
    pub records: Vec<R>,
    /// How many records match the filter, over all pages.
    pub total_count: u64,
    pub page_info: PageInfo,
}

fn invalid(what: &str) -> Error {
    Error::InvalidResponse {
        status: 200,
        message: format!("the response has no {what}"),
    }
}

fn envelope<T: DeserializeOwned>(mut body: Value, key: &str) -> Result<T, Error> {
    let value = body
        .get_mut("data")
        .and_then(|d| d.get_mut(key))
        .map(Value::take)
        .ok_or_else(|| invalid(&format!("data.{key}")))?;
    serde_json::from_value(value).map_err(|e| Error::InvalidResponse {
        status: 200,
        message: format!("data.{key} does not match the SDK's types: {e}"),
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidInput(e.to_string()))
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The REST operations of object `O` (`client.people()`).
#[derive(Debug)]
pub struct Objects<'a, O> {
    client: &'a Client,
    object: PhantomData<fn() -> O>,
}

impl<O> Clone for Objects<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for Objects<'_, O> {}

impl<'a, O: Object> Objects<'a, O> {
    fn path(&self) -> String {
        format!("/rest/{}", O::NAME_PLURAL)
    }

    fn record_path(&self, id: Uuid) -> String {
        format!("/rest/{}/{id}", O::NAME_PLURAL)
    }

    /// The records matching a filter, one page (`.await`) or all of them (`.stream()`).
    pub fn find_many(&self) -> FindMany<'a, O> {
        FindMany {
            objects: *self,
            filter: None,
            order_by: Vec::new(),
            limit: None,
            starting_after: None,
            ending_before: None,
            depth: None,
        }
    }

    /// The record with this id (a 404 error when there is none); `.depth(…)` to choose.
    pub fn find_one(&self, id: Uuid) -> FindOne<'a, O> {
        FindOne {
            objects: *self,
            id,
            depth: None,
        }
    }

    /// Creates a record; `.upsert(true)` updates the one with the same id or unique value instead.
    pub fn create(&self, data: O::Create) -> Create<'a, O> {
        Create {
            objects: *self,
            data,
            upsert: false,
        }
    }

    /// Creates several records in one request (all or none).
    pub fn create_many(&self, data: Vec<O::Create>) -> CreateMany<'a, O> {
        CreateMany {
            objects: *self,
            data,
            upsert: false,
        }
    }

    /// Changes the set fields of a record.
    pub async fn update(&self, id: Uuid, data: &O::Update) -> Result<O, Error> {
        let body = self
            .client
            .request(
                Method::PATCH,
                &self.record_path(id),
                &[],
                Some(to_json(data)?),
            )
            .await?;
        envelope(body, O::KEYS.update)
    }

    /// Changes the set fields of every record matching `filter`.
    pub async fn update_many(&self, filter: &Filter<O>, data: &O::Update) -> Result<Vec<O>, Error> {
        let filter = filter.to_query().map_err(Error::InvalidInput)?;
        let body = self
            .client
            .request(
                Method::PATCH,
                &self.path(),
                &[("filter", filter)],
                Some(to_json(data)?),
            )
            .await?;
        envelope(body, O::KEYS.update_many)
    }

    /// Soft-deletes a record: it can be restored.
    pub async fn delete(&self, id: Uuid) -> Result<O, Error> {
        let body = self
            .client
            .request(
                Method::DELETE,
                &self.record_path(id),
                &[("soft_delete", "true".to_owned())],
                None,
            )
            .await?;
        envelope(body, O::KEYS.delete)
    }

    /// Deletes a record for good.
    pub async fn destroy(&self, id: Uuid) -> Result<O, Error> {
        let body = self
            .client
            .request(Method::DELETE, &self.record_path(id), &[], None)
            .await?;
        envelope(body, O::KEYS.delete)
    }

    /// Restores a soft-deleted record.
    pub async fn restore(&self, id: Uuid) -> Result<O, Error> {
        let path = format!("{}/restore", self.record_path(id));
        let body = self.client.request(Method::PATCH, &path, &[], None).await?;
        envelope(body, O::KEYS.restore)
    }
}

/// A findMany request: set what you need, then `.await` one page or `.stream()` them all.
#[derive(Debug)]
pub struct FindMany<'a, O: Object> {
    objects: Objects<'a, O>,
    filter: Option<Filter<O>>,
    order_by: Vec<(O::OrderField, Direction)>,
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    depth: Option<Depth>,
}

impl<O: Object> Clone for FindMany<'_, O> {
    fn clone(&self) -> Self {
        FindMany {
            objects: self.objects,
            filter: self.filter.clone(),
            order_by: self.order_by.clone(),
            limit: self.limit,
            starting_after: self.starting_after.clone(),
            ending_before: self.ending_before.clone(),
            depth: self.depth,
        }
    }
}

impl<'a, O: Object> FindMany<'a, O> {
    /// Keeps the records matching this filter (a second call combines both with `and`).
    pub fn filter(mut self, filter: Filter<O>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(filter),
            None => filter,
        });
        self
    }

    /// Sorts by this field, after the sort keys given before (`id` is the last tiebreaker).
    pub fn order_by(mut self, field: O::OrderField, direction: Direction) -> Self {
        self.order_by.push((field, direction));
        self
    }

    /// The page size: 0 to 200 (the server's default is 60); with `.stream()`, records per request.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after this cursor (the previous page's `end_cursor`).
    pub fn starting_after(mut self, cursor: impl Into<String>) -> Self {
        self.starting_after = Some(cursor.into());
        self
    }

    /// The page before this cursor (the current page's `start_cursor`).
    pub fn ending_before(mut self, cursor: impl Into<String>) -> Self {
        self.ending_before = Some(cursor.into());
        self
    }

    /// How deep the records go (default: related records too).
    pub fn depth(mut self, depth: Depth) -> Self {
        self.depth = Some(depth);
        self
    }

    fn query(&self) -> Result<Vec<(&'static str, String)>, Error> {
        let mut query = Vec::new();
        if let Some(filter) = &self.filter {
            query.push(("filter", filter.to_query().map_err(Error::InvalidInput)?));
        }
        if !self.order_by.is_empty() {
            let keys: Vec<String> = self
                .order_by
                .iter()
                .map(|(field, direction)| format!("{}[{}]", field.as_str(), direction.as_str()))
                .collect();
            query.push(("order_by", keys.join(",")));
        }
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.starting_after {
            query.push(("starting_after", cursor.clone()));
        }
        if let Some(cursor) = &self.ending_before {
            query.push(("ending_before", cursor.clone()));
        }
        if let Some(depth) = self.depth {
            query.push(("depth", depth.as_str().to_owned()));
        }
        Ok(query)
    }

    /// Sends the request: one page.
    pub async fn send(&self) -> Result<Page<O>, Error> {
        self.page(None).await
    }

    /// One page of only these fields (and `id`; a relation brings its `…Id` column), each
    /// record read as `R` — a struct of yours with those fields (`#[serde(rename_all =
    /// "camelCase")]`).
    pub async fn select<R: DeserializeOwned>(&self, fields: &[&str]) -> Result<Page<R>, Error> {
        self.page(Some(fields)).await
    }

    async fn page<R: DeserializeOwned>(&self, fields: Option<&[&str]>) -> Result<Page<R>, Error> {
        let mut query = self.query()?;
        if let Some(fields) = fields {
            query.push(("fields", fields_param(fields)?));
        }
        let body = self
            .objects
            .client
            .request(Method::GET, &self.objects.path(), &query, None)
            .await?;
        let total_count = body
            .get("totalCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| invalid("totalCount"))?;
        let page_info: PageInfo = serde_json::from_value(
            body.get("pageInfo")
                .cloned()
                .ok_or_else(|| invalid("pageInfo"))?,
        )
        .map_err(|e| Error::InvalidResponse {
            status: 200,
            message: format!("pageInfo: {e}"),
        })?;
        let records = envelope(body, O::KEYS.find_many)?;
        Ok(Page {
            records,
            total_count,
            page_info,
        })
    }

    /// Every matching record, page after page from the given cursor (or the start), each
    /// exactly once (cursors, not offsets). `limit` is the page size (default 200).
    /// A page size of 0 or an `ending_before` cursor (the stream pages forwards) is
    /// refused: the stream yields that one error.
    pub fn stream(self) -> impl Stream<Item = Result<O, Error>> + Send + 'a {
        let mut request = self;
        let refused = match (request.limit, &request.ending_before) {
            (Some(0), _) => Some("stream: the page size (`limit`) must be at least 1"),
            (_, Some(_)) => {
                Some("stream: pages forwards from `starting_after`; `ending_before` is not allowed")
            }
            _ => None,
        };
        if request.limit.is_none() {
            request.limit = Some(200);
        }
        let state = (request, Vec::<O>::new().into_iter(), false, refused);
        futures_util::stream::unfold(
            state,
            |(mut request, mut buffered, mut done, refused)| async move {
                if let Some(why) = refused {
                    return Some((
                        Err(Error::InvalidInput(why.to_owned())),
                        (request, buffered, true, None),
                    ));
                }
                loop {
                    if let Some(record) = buffered.next() {
                        return Some((Ok(record), (request, buffered, done, None)));
                    }
                    if done {
                        return None;
                    }
                    match request.send().await {
                        Err(error) => return Some((Err(error), (request, buffered, true, None))),
                        Ok(page) => {
                            match page.page_info.end_cursor {
                                Some(cursor)
                                    if page.page_info.has_next_page && !page.records.is_empty() =>
                                {
                                    request.starting_after = Some(cursor);
                                }
                                _ => done = true,
                            }
                            buffered = page.records.into_iter();
                        }
                    }
                }
            },
        )
    }
}

impl<'a, O: Object> IntoFuture for FindMany<'a, O> {
    type Output = Result<Page<O>, Error>;
    type IntoFuture = BoxFuture<'a, Page<O>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.send().await })
    }
}

/// A findOne request: `.await` it, after `.depth(…)` if needed.
#[derive(Debug)]
pub struct FindOne<'a, O> {
    objects: Objects<'a, O>,
    id: Uuid,
    depth: Option<Depth>,
}

impl<O: Object> FindOne<'_, O> {
    /// How deep the record goes (default: related records too).
    pub fn depth(mut self, depth: Depth) -> Self {
        self.depth = Some(depth);
        self
    }

    /// Only these fields (and `id`), the record read as `R` — a struct of yours with them.
    pub async fn select<R: DeserializeOwned>(self, fields: &[&str]) -> Result<R, Error> {
        self.get(Some(fields)).await
    }

    async fn get<R: DeserializeOwned>(self, fields: Option<&[&str]>) -> Result<R, Error> {
        let mut query: Vec<(&str, String)> = self
            .depth
            .map(|d| vec![("depth", d.as_str().to_owned())])
            .unwrap_or_default();
        if let Some(fields) = fields {
            query.push(("fields", fields_param(fields)?));
        }
        let body = self
            .objects
            .client
            .request(
                Method::GET,
                &self.objects.record_path(self.id),
                &query,
                None,
            )
            .await?;
        envelope(body, O::KEYS.find_one)
    }
}

/// The `fields` parameter of a selection.
fn fields_param(fields: &[&str]) -> Result<String, Error> {
    if fields.iter().any(|f| f.is_empty() || f.contains(',')) {
        return Err(Error::InvalidInput(format!(
            "fields: field names, without commas (got {fields:?})"
        )));
    }
    Ok(if fields.is_empty() {
        "id".to_owned()
    } else {
        fields.join(",")
    })
}

impl<'a, O: Object> IntoFuture for FindOne<'a, O> {
    type Output = Result<O, Error>;
    type IntoFuture = BoxFuture<'a, O>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.get(None).await })
    }
}

/// A create request: `.await` it, after `.upsert(true)` if needed.
#[derive(Debug)]
pub struct Create<'a, O: Object> {
    objects: Objects<'a, O>,
    data: O::Create,
    upsert: bool,
}

/// A createMany request: `.await` it, after `.upsert(true)` if needed.
#[derive(Debug)]
pub struct CreateMany<'a, O: Object> {
    objects: Objects<'a, O>,
    data: Vec<O::Create>,
    upsert: bool,
}

fn upsert_query(upsert: bool) -> Vec<(&'static str, String)> {
    if upsert {
        vec![("upsert", "true".to_owned())]
    } else {
        Vec::new()
    }
}

impl<O: Object> Create<'_, O> {
    /// Updates the record with the same id (or unique value) instead of failing.
    pub fn upsert(mut self, upsert: bool) -> Self {
        self.upsert = upsert;
        self
    }
}

impl<O: Object> CreateMany<'_, O> {
    /// Updates the records with the same id (or unique value) instead of failing.
    pub fn upsert(mut self, upsert: bool) -> Self {
        self.upsert = upsert;
        self
    }
}

impl<'a, O: Object> IntoFuture for Create<'a, O> {
    type Output = Result<O, Error>;
    type IntoFuture = BoxFuture<'a, O>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let body = to_json(&self.data)?;
            let response = self
                .objects
                .client
                .request(
                    Method::POST,
                    &self.objects.path(),
                    &upsert_query(self.upsert),
                    Some(body),
                )
                .await?;
            envelope(response, O::KEYS.create)
        })
    }
}

impl<'a, O: Object> IntoFuture for CreateMany<'a, O> {
    type Output = Result<Vec<O>, Error>;
    type IntoFuture = BoxFuture<'a, Vec<O>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let body = to_json(&self.data)?;
            let path = format!("/rest/batch/{}", O::NAME_PLURAL);
            let response = self
                .objects
                .client
                .request(Method::POST, &path, &upsert_query(self.upsert), Some(body))
                .await?;
            envelope(response, O::KEYS.create_many)
        })
    }
}
