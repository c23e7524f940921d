//! One benchmark run: per backend, a fresh store seeded with people, the release server
//! and the floor started as processes on 127.0.0.1, every scenario driven by the load
//! generator, the server's peak RSS read, and everything removed again (also on error).

use crate::load::{self, Load, Outcome, Request, Requests};
use crate::models;
use crate::process::{Cpu, Process, free_address};
use crate::seed::{Backend, FloorSource, Location, Seeded, seed};
use crate::webhooks;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub backends: Vec<Backend>,
    pub load: Load,
    /// People seeded per backend.
    pub people: u32,
    /// Only these scenarios (by `scenario_id`), besides the floor; all when empty.
    pub only: Vec<String>,
    /// The `twenty-server` binary under test.
    pub server_bin: PathBuf,
    /// An admin URL of the Postgres server (ending in `/<database>`).
    pub pg_admin_url: String,
    /// Workspaces of the many-workspaces scenario.
    pub workspaces: usize,
    /// Custom objects of the model-change scenario's workspace.
    pub model_objects: usize,
}

/// Who answers a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Floor,
    Rest,
    Graphql,
}

/// A measured scenario.
#[derive(Debug, Clone)]
pub struct Measured {
    /// A stable short name (`list-20`, `get-by-id`, …).
    pub name: &'static str,
    pub target: Target,
    /// What it sends, for the report.
    pub request: String,
    /// The records each response must hold.
    pub expected_rows: usize,
    pub outcome: Outcome,
    /// The server's peak RSS (KiB) once this scenario ended: the peak so far, so the
    /// scenario where it grows is the one that drove it.
    pub server_peak_kib: Option<u64>,
    /// Where the CPU time of the scenario went (warm-up included).
    pub cpu: Option<Cpu>,
}

/// Everything measured on one backend.
#[derive(Debug, Clone)]
pub struct BackendRun {
    pub backend: Backend,
    pub scenarios: Vec<Measured>,
    /// Peak RSS of the server process, KiB.
    pub server_rss_kib: Option<u64>,
    /// Peak RSS of the floor process, KiB.
    pub floor_rss_kib: Option<u64>,
    /// Workspaces of the many-workspaces scenario, and custom objects of the model-change
    /// scenario's workspace.
    pub workspaces: usize,
    pub model_objects: usize,
}

impl BackendRun {
    /// The measured scenario `name` of `target`.
    pub fn scenario(&self, target: Target, name: &str) -> Option<&Measured> {
        self.scenarios
            .iter()
            .find(|s| s.target == target && s.name == name)
    }
}

/// The REST list scenario's query: the same 20 rows as the floor.
pub const LIST_QUERY: &str = "limit=20&order_by=createdAt[AscNullsFirst]&depth=0";
/// The filtered list: a tenth of the people live in Paris.
pub const FILTER_QUERY: &str =
    "limit=20&order_by=createdAt[AscNullsFirst]&depth=0&filter=city[eq]:Paris";

/// The GraphQL list: the REST list's 20 people, every scalar and composite field, and
/// `totalCount` as REST answers it.
/// Every scalar and composite field of a person, as GraphQL selects them.
macro_rules! person_fields {
    () => {
        "id name { firstName lastName } emails { primaryEmail additionalEmails } linkedinLink { primaryLinkUrl primaryLinkLabel secondaryLinks } xLink { primaryLinkUrl primaryLinkLabel secondaryLinks } jobTitle phones { primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode additionalPhones } city avatarUrl companyId createdAt updatedAt deletedAt position createdBy { source workspaceMemberId name context } updatedBy { source workspaceMemberId name context }"
    };
}
pub const GRAPHQL_LIST: &str = concat!(
    "{ people(first: 20, orderBy: {createdAt: AscNullsFirst}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ",
    person_fields!(),
    " } } } }"
);
/// The nested GraphQL query: 20 companies with 10 people each (and each person's company).
pub const GRAPHQL_NESTED: &str = "{ companies(first: 20, orderBy: {name: AscNullsFirst}) { edges { node { id name people(first: 10, orderBy: {createdAt: AscNullsFirst}) { totalCount edges { node { id name { firstName lastName } city company { id name } } } } } } } }";

/// Runs every backend of `options` in turn.
pub async fn run(options: &Options) -> Result<Vec<BackendRun>, String> {
    let mut runs = Vec::new();
    for backend in &options.backends {
        runs.push(run_backend(*backend, options).await?);
    }
    Ok(runs)
}

fn progress(backend: Backend, message: &str) {
    println!("[{}] {message}", backend.as_str());
}

async fn run_backend(backend: Backend, options: &Options) -> Result<BackendRun, String> {
    let started = Instant::now();
    let location = Location::fresh(backend, &options.pg_admin_url).await?;
    progress(
        backend,
        &format!("seeding {} people through the store…", options.people),
    );
    let seeded = seed(&location, options.people).await?;
    progress(
        backend,
        &format!(
            "seeded workspace {} in {:.1} s",
            seeded.workspace_id,
            started.elapsed().as_secs_f64()
        ),
    );
    // The runtime-model scenarios' data, through the server's metadata engine.
    let wanted = |id: &str| options.only.is_empty() || options.only.iter().any(|o| o == id);
    let store = twenty_server::Store::open(&location.database)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    models::seed_custom(&store, seeded.workspace_id, options.people).await?;
    progress(
        backend,
        &format!(
            "seeded {} {} (a custom object with person's fields)",
            options.people,
            models::CUSTOM_PLURAL
        ),
    );
    let workspace_keys = if wanted("rest-list-20-workspaces") {
        progress(
            backend,
            &format!(
                "seeding {} workspaces with {} custom objects and {} people each…",
                options.workspaces,
                models::OBJECTS_PER_WORKSPACE,
                models::PEOPLE_PER_WORKSPACE
            ),
        );
        models::seed_workspaces(&store, options.workspaces, |m| progress(backend, m)).await?
    } else {
        Vec::new()
    };
    let model_key = if wanted("rest-add-field") {
        let at = Instant::now();
        let key = models::seed_model_workspace(&store, options.model_objects).await?;
        progress(
            backend,
            &format!(
                "seeded a workspace of {} custom objects of {} fields in {:.1} s",
                options.model_objects,
                models::FIELDS_PER_OBJECT,
                at.elapsed().as_secs_f64()
            ),
        );
        Some(key)
    } else {
        None
    };
    store.close().await;
    let logs = tempfile::Builder::new()
        .prefix("twenty-bench-logs-")
        .tempdir()
        .map_err(|e| format!("cannot create a log directory: {e}"))?;

    let server_addr = free_address()?;
    let mut command = Command::new(&options.server_bin);
    command
        .args(["serve", "--listen", &server_addr.to_string()])
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env_remove("TWENTY_DATA_DIR")
        .env_remove("TWENTY_LISTEN")
        // One log line per request would be measured too: warnings only.
        .env("RUST_LOG", "warn")
        // The load comes from one key, thousands of requests a second: a rate limit
        // would measure its own refusals. Its cost (one lookup per request) stays in.
        .env("TWENTY_RATE_LIMIT_SHORT", "1000000/1s")
        .env("TWENTY_RATE_LIMIT_LONG", "off")
        // The webhook scenarios' receiver listens on 127.0.0.1.
        .env("TWENTY_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1/32");
    match &location.database {
        twenty_server::Database::Sqlite { data_dir } => {
            command.env("TWENTY_DATA_DIR", data_dir);
        }
        twenty_server::Database::Postgres { url, .. } => {
            command.env("DATABASE_URL", url);
        }
    }
    let mut server = Process::spawn("twenty-server", command, logs.path())?;
    let server_url = format!("http://{server_addr}");
    server.wait_ready(&format!("{server_url}/healthz")).await?;
    progress(
        backend,
        &format!(
            "server pid {} on {server_addr} ({})",
            server.pid(),
            options.server_bin.display()
        ),
    );

    let floor_addr = free_address()?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut command = Command::new(exe);
    command.args(["floor", "--listen", &floor_addr.to_string()]);
    match &seeded.floor_source {
        FloorSource::Sqlite { file } => {
            command.arg("--sqlite-file").arg(file);
        }
        FloorSource::Postgres { url, schema } => {
            command.args(["--postgres-url", url, "--schema", schema]);
        }
    }
    let mut floor = Process::spawn("floor", command, logs.path())?;
    let floor_url = format!("http://{floor_addr}/people");
    floor.wait_ready(&floor_url).await?;
    progress(
        backend,
        &format!("floor pid {} on {floor_addr}", floor.pid()),
    );

    same_rows(&floor_url, &server_url, &seeded).await?;
    same_nested(&format!("http://{floor_addr}/nested"), &server_url, &seeded).await?;

    let receiver = match WEBHOOK_SCENARIOS
        .iter()
        .any(|n| wanted(&scenario_id(Target::Rest, n)))
    {
        true => Some(webhooks::Receiver::start().await?),
        false => None,
    };
    // The webhooks the create scenario subscribed, and when its load began and ended.
    let mut hooks: Vec<String> = Vec::new();
    let mut hooked_load: Option<(Instant, Instant)> = None;
    let mut scenarios = Vec::new();
    for (target, name, request, expected_rows, requests) in
        scenarios_of(&seeded.ids, &workspace_keys)
    {
        // The floor's list always runs; its nested query with the GraphQL one.
        let wanted = |id: &str| options.only.is_empty() || options.only.iter().any(|o| o == id);
        let selected = match target {
            Target::Floor if name == "nested" => wanted(&scenario_id(Target::Graphql, "nested")),
            Target::Floor => true,
            _ => wanted(&scenario_id(target, name)),
        };
        if !selected {
            continue;
        }
        progress(
            backend,
            &format!(
                "{} {name}: {} connections, warm-up {:.1} s, measuring {:.1} s…",
                target_name(target),
                options.load.connections,
                options.load.warmup.as_secs_f64(),
                options.load.duration.as_secs_f64()
            ),
        );
        if name == ADD_FIELD {
            let Some(key) = &model_key else { continue };
            let at = Instant::now();
            let (times, error) =
                match models::measure_changes(&server_url, key, options.model_objects).await {
                    Ok(times) => (times, None),
                    Err(e) => (Vec::new(), Some(e)),
                };
            let outcome = load::Outcome::measured(&times, at.elapsed(), Some(0), error);
            progress(
                backend,
                &format!(
                    "  {} changes, p50 {:.2} ms, p99 {:.2} ms",
                    outcome.requests,
                    ms(outcome.percentile(50.0)),
                    ms(outcome.percentile(99.0))
                ),
            );
            scenarios.push(Measured {
                name,
                target,
                request,
                expected_rows,
                outcome,
                server_peak_kib: server.peak_rss_kib(),
                cpu: None,
            });
            continue;
        }
        if name == DELIVERIES || name == LATENCY {
            let Some(receiver) = &receiver else { continue };
            let at = Instant::now();
            let outcome = if hooks.is_empty() {
                load::Outcome::counted(
                    0,
                    at.elapsed(),
                    Some(format!("needs the {CREATE_WEBHOOKS} scenario before it")),
                )
            } else if name == DELIVERIES {
                let Some((since, ended)) = hooked_load else {
                    continue;
                };
                receiver
                    .settle(
                        std::time::Duration::from_secs(2),
                        std::time::Duration::from_secs(300),
                    )
                    .await;
                let (count, took, how) =
                    webhooks::delivery_rate(&receiver.arrivals(), since, ended);
                progress(backend, &format!("  measured {how}"));
                load::Outcome::counted(count, took, None)
            } else {
                let (latencies, error) = webhooks::latency(
                    &server_url,
                    &seeded.api_key,
                    receiver,
                    &hooks[0],
                    options.load.duration,
                )
                .await?;
                load::Outcome::measured(&latencies, options.load.duration, Some(0), error)
            };
            progress(
                backend,
                &format!(
                    "  {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
                    outcome.rps(),
                    ms(outcome.percentile(50.0)),
                    ms(outcome.percentile(99.0)),
                    outcome.errors
                ),
            );
            scenarios.push(Measured {
                name,
                target,
                request,
                expected_rows,
                outcome,
                server_peak_kib: server.peak_rss_kib(),
                cpu: None,
            });
            continue;
        }
        if name == CREATE_WEBHOOKS {
            let Some(receiver) = &receiver else { continue };
            hooks = webhooks::subscribe(&server_url, &seeded.api_key, &receiver.url, 3).await?;
        }
        let load_began = Instant::now();
        let bearer = (target != Target::Floor).then(|| seeded.api_key.clone());
        let (addr, measured) = match target {
            Target::Floor => (floor_addr, &floor),
            Target::Rest | Target::Graphql => (server_addr, &server),
        };
        let pid = measured.pid();
        // CPU is read when the warm-up ends and when the window ends.
        let (outcome, before) =
            tokio::join!(load::run(addr, requests, bearer, options.load), async {
                tokio::time::sleep(options.load.warmup).await;
                Cpu::read(pid)
            });
        let cpu = before.and_then(|before| Cpu::read(pid)?.since(&before));
        if name == CREATE_WEBHOOKS {
            hooked_load = Some((load_began, Instant::now()));
        }
        progress(
            backend,
            &format!(
                "  {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
                outcome.rps(),
                ms(outcome.percentile(50.0)),
                ms(outcome.percentile(99.0)),
                outcome.errors
            ),
        );
        if let Some(e) = &outcome.first_error {
            progress(backend, &format!("  first error: {e}"));
        }
        let server_peak_kib = server.peak_rss_kib();
        scenarios.push(Measured {
            name,
            target,
            request,
            expected_rows,
            outcome,
            server_peak_kib,
            cpu,
        });
    }
    let server_rss_kib = server.peak_rss_kib();
    let floor_rss_kib = floor.peak_rss_kib();
    drop(floor);
    drop(server);
    drop(location);
    progress(
        backend,
        &format!("done in {:.1} s", started.elapsed().as_secs_f64()),
    );
    Ok(BackendRun {
        backend,
        scenarios,
        server_rss_kib,
        floor_rss_kib,
        workspaces: options.workspaces,
        model_objects: options.model_objects,
    })
}

pub fn target_name(target: Target) -> &'static str {
    match target {
        Target::Floor => "floor",
        Target::Rest => "REST",
        Target::Graphql => "GraphQL",
    }
}

/// A scenario's name for `--only`: `rest-list-20`, `graphql-nested`, ….
pub fn scenario_id(target: Target, name: &str) -> String {
    format!("{}-{name}", target_name(target).to_lowercase())
}

/// The names `--only` accepts (every scenario but the floor, which always runs).
pub fn scenario_ids() -> Vec<String> {
    scenarios_of(&[], &[])
        .into_iter()
        .filter(|s| s.0 != Target::Floor)
        .map(|s| scenario_id(s.0, s.1))
        .collect()
}

pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

type Scenario = (Target, &'static str, String, usize, Requests);

fn get(path: String) -> Requests {
    Arc::new(move |_| Request {
        method: "GET",
        path: path.clone(),
        body: None,
        bearer: None,
    })
}

/// The floor, then the REST and GraphQL scenarios; creates last, so the reads see the
/// seeded rows. Paths are sent to the floor's or the server's address by target.
fn scenarios_of(ids: &[String], workspace_keys: &[String]) -> Vec<Scenario> {
    let ids: Arc<[String]> = ids.into();
    let gql_ids = ids.clone();
    let by_id: Requests = Arc::new(move |n| Request {
        method: "GET",
        path: match ids.len() {
            0 => "/rest/people".to_owned(),
            len => format!("/rest/people/{}?depth=0", ids[(n as usize) % len]),
        },
        body: None,
        bearer: None,
    });
    // The same creates under another email (a person's email is unique).
    let creates = |email: &'static str| -> Requests {
        Arc::new(move |n| Request {
            method: "POST",
            path: "/rest/people".to_owned(),
            body: Some(format!(
                r#"{{"name":{{"firstName":"Bench","lastName":"Created {n}"}},"emails":{{"primaryEmail":"{email}{n}@example.com"}},"city":"Oslo"}}"#
            )),
            bearer: None,
        })
    };
    let create = creates("created");
    let keys: Arc<[String]> = workspace_keys.into();
    let spread: Requests = Arc::new(move |n| Request {
        method: "GET",
        path: format!("/rest/people?{LIST_QUERY}"),
        body: None,
        bearer: match keys.len() {
            0 => None,
            len => Some(keys[(n as usize) % len].clone()),
        },
    });
    // GraphQL's get-by-id and create: the REST ones' records, every field selected; one
    // document each with variables, as clients send them (the server keeps parsed
    // documents by their text).
    let by_id_query = concat!(
        "query($id: UUID!) { person(filter: {id: {eq: $id}}) { ",
        person_fields!(),
        " } }"
    );
    let graphql_by_id: Requests = Arc::new(move |n| {
        let id = match gql_ids.len() {
            0 => String::new(),
            len => gql_ids[(n as usize) % len].clone(),
        };
        Request {
            method: "POST",
            path: "/graphql".to_owned(),
            body: Some(
                serde_json::json!({ "query": by_id_query, "variables": { "id": id } }).to_string(),
            ),
            bearer: None,
        }
    });
    let create_query = concat!(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { ",
        person_fields!(),
        " } }"
    );
    let graphql_create: Requests = Arc::new(move |n| Request {
        method: "POST",
        path: "/graphql".to_owned(),
        body: Some(
            serde_json::json!({
                "query": create_query,
                "variables": { "data": {
                    "name": { "firstName": "Bench", "lastName": format!("GraphQL {n}") },
                    "emails": { "primaryEmail": format!("gqlcreated{n}@example.com") },
                    "city": "Oslo",
                } },
            })
            .to_string(),
        ),
        bearer: None,
    });
    let graphql = |query: &'static str| -> Requests {
        let body = serde_json::json!({ "query": query }).to_string();
        Arc::new(move |_| Request {
            method: "POST",
            path: "/graphql".to_owned(),
            body: Some(body.clone()),
            bearer: None,
        })
    };
    vec![
        (
            Target::Floor,
            "list-20",
            "GET /people".to_owned(),
            20,
            get("/people".to_owned()),
        ),
        (
            Target::Floor,
            "nested",
            "GET /nested (one statement building the nested query's JSON)".to_owned(),
            20,
            get("/nested".to_owned()),
        ),
        (
            Target::Rest,
            "list-20",
            format!("GET /rest/people?{LIST_QUERY}"),
            20,
            get(format!("/rest/people?{LIST_QUERY}")),
        ),
        (
            Target::Rest,
            "get-by-id",
            "GET /rest/people/{id}?depth=0".to_owned(),
            1,
            by_id,
        ),
        (
            Target::Rest,
            "list-filter",
            format!("GET /rest/people?{FILTER_QUERY}"),
            20,
            get(format!("/rest/people?{FILTER_QUERY}")),
        ),
        (
            Target::Graphql,
            "list-20",
            "POST /graphql people(first: 20)".to_owned(),
            20,
            graphql(GRAPHQL_LIST),
        ),
        (
            Target::Graphql,
            "nested",
            "POST /graphql companies(first: 20) { people(first: 10) { company } }".to_owned(),
            20,
            graphql(GRAPHQL_NESTED),
        ),
        (
            Target::Graphql,
            "get-by-id",
            "POST /graphql person(filter: {id: {eq: $id}}), every field".to_owned(),
            1,
            graphql_by_id,
        ),
        (
            Target::Rest,
            "create",
            "POST /rest/people".to_owned(),
            1,
            create,
        ),
        (
            Target::Graphql,
            "create",
            "POST /graphql createPerson(data: $data), every field".to_owned(),
            1,
            graphql_create,
        ),
        (
            Target::Rest,
            "list-20-custom",
            format!(
                "GET /rest/{}?{LIST_QUERY} (a custom object with person's fields)",
                models::CUSTOM_PLURAL
            ),
            20,
            get(format!("/rest/{}?{LIST_QUERY}", models::CUSTOM_PLURAL)),
        ),
        (
            Target::Rest,
            "list-20-workspaces",
            format!(
                "GET /rest/people?{LIST_QUERY}, spread over {} workspaces of {} custom objects each",
                workspace_keys.len(),
                models::OBJECTS_PER_WORKSPACE
            ),
            20,
            spread,
        ),
        (
            Target::Rest,
            ADD_FIELD,
            format!(
                "POST /rest/metadata/fields on a workspace of many custom objects of {} fields, until REST and GraphQL serve it ({} changes)",
                models::FIELDS_PER_OBJECT,
                models::CHANGES
            ),
            0,
            get(String::new()),
        ),
        (
            Target::Rest,
            CREATE_WEBHOOKS,
            "POST /rest/people with 3 webhooks subscribed to *.* (a receiver on 127.0.0.1)"
                .to_owned(),
            1,
            creates("hooked"),
        ),
        (
            Target::Rest,
            DELIVERIES,
            "deliveries a second to those webhooks, sustained (req/s = deliveries/s)".to_owned(),
            0,
            get(String::new()),
        ),
        (
            Target::Rest,
            LATENCY,
            format!(
                "POST /rest/companies at {}/s (open loop) with the 3 webhooks: request to delivery (p50, p99)",
                webhooks::LATENCY_RATE
            ),
            0,
            get(String::new()),
        ),
    ]
}

/// REST creates with three webhooks subscribed.
pub const CREATE_WEBHOOKS: &str = "create-3-webhooks";
/// Deliveries a second, measured on what the previous scenario left.
pub const DELIVERIES: &str = "webhook-deliveries";
/// Request-to-delivery latency at a steady rate of writes.
pub const LATENCY: &str = "webhook-latency";
/// The webhook scenarios, in their order.
pub const WEBHOOK_SCENARIOS: [&str; 3] = [CREATE_WEBHOOKS, DELIVERIES, LATENCY];

/// The model-change scenario, measured by [`models::measure_changes`] rather than driven.
pub const ADD_FIELD: &str = "add-field";

/// Checks that the nested floor answers the nested GraphQL query's document exactly.
async fn same_nested(floor_url: &str, server_url: &str, seeded: &Seeded) -> Result<(), String> {
    let client = reqwest::Client::new();
    let floor: serde_json::Value = client
        .get(floor_url)
        .send()
        .await
        .map_err(|e| format!("the nested floor failed: {e}"))?
        .json()
        .await
        .map_err(|e| format!("the nested floor's answer is not JSON: {e}"))?;
    let graphql: serde_json::Value = client
        .post(format!("{server_url}/graphql"))
        .bearer_auth(&seeded.api_key)
        .json(&serde_json::json!({ "query": GRAPHQL_NESTED }))
        .send()
        .await
        .map_err(|e| format!("the nested GraphQL query failed: {e}"))?
        .json()
        .await
        .map_err(|e| format!("the nested GraphQL answer is not JSON: {e}"))?;
    if floor != graphql {
        let preview = |v: &serde_json::Value| v.to_string().chars().take(400).collect::<String>();
        return Err(format!(
            "the nested floor does not answer the GraphQL query's document:\n  floor:   {}\n  GraphQL: {}",
            preview(&floor),
            preview(&graphql)
        ));
    }
    Ok(())
}

/// Checks that the REST list and the floor return the same people in the same order.
async fn same_rows(floor_url: &str, server_url: &str, seeded: &Seeded) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let ids = |value: &Value| -> Vec<String> {
        value["data"]["people"]
            .as_array()
            .map(|people| {
                people
                    .iter()
                    .filter_map(|p| p["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let fetch = |request: reqwest::RequestBuilder| async move {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!(
                "{status}: {}",
                text.chars().take(300).collect::<String>()
            ));
        }
        serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())
    };
    let floor = fetch(client.get(floor_url))
        .await
        .map_err(|e| format!("the floor's list failed: {e}"))?;
    let rest = fetch(
        client
            .get(format!("{server_url}/rest/people?{LIST_QUERY}"))
            .bearer_auth(&seeded.api_key),
    )
    .await
    .map_err(|e| format!("the REST list failed: {e}"))?;
    let expected: Vec<String> = seeded.ids.iter().take(20).cloned().collect();
    if ids(&floor) != expected {
        return Err(format!(
            "the floor does not return the 20 oldest people: {:?}",
            ids(&floor)
        ));
    }
    if ids(&rest) != expected {
        return Err(format!(
            "the REST list does not return the floor's 20 people: {:?}",
            ids(&rest)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `bench/scenarios.txt` lists [`super::scenario_ids`], one per line, for
    /// `cargo xtask bench`, which checks `--only` before it builds anything (it does not
    /// depend on this crate, which would build the server into it).
    #[test]
    fn the_scenario_list_names_every_scenario() {
        let listed: Vec<&str> = include_str!("../scenarios.txt").lines().collect();
        assert_eq!(listed, super::scenario_ids());
    }
}
