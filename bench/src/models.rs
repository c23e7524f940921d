//! The runtime-model scenarios' data and measurements: a custom object seeded like
//! `person` (its list is compared with person's), many workspaces each with custom objects
//! of their own (a list spread over all of them, and the server's memory), and a workspace
//! of many custom objects whose model is changed while the server runs (the time until
//! REST and GraphQL serve the change). Objects are created through the server's metadata
//! engine (the library, before the server starts) or its metadata API (while it runs).

use serde_json::{Value, json};
use sqlx::AssertSqlSafe;
use std::time::{Duration, Instant};
use twenty_server::metadata::change;
use twenty_server::{Store, WorkspaceDb};
use uuid::Uuid;

/// The custom object seeded like `person`, and its plural.
pub const CUSTOM_OBJECT: &str = "lead";
pub const CUSTOM_PLURAL: &str = "leads";
/// Workspaces of the many-workspaces scenario (by default), their custom objects and
/// people.
pub const WORKSPACES: usize = 100;
pub const OBJECTS_PER_WORKSPACE: usize = 10;
pub const PEOPLE_PER_WORKSPACE: usize = 20;
/// The model-change scenario: custom objects of the workspace (by default), fields of
/// each, changes.
pub const MODEL_OBJECTS: usize = 50;
pub const FIELDS_PER_OBJECT: usize = 10;
pub const CHANGES: usize = 20;

/// Applies one edit of `workspace`'s model through the server's metadata engine.
async fn apply<F>(store: &Store, workspace: Uuid, edit: F) -> Result<(), String>
where
    F: FnOnce(
        &twenty_server::store::metadata::Catalog,
        twenty_codegen::emit::sql::Dialect,
    ) -> Result<change::Edit, twenty_server::ApiError>,
{
    twenty_server::metadata::apply(store, workspace, edit)
        .await
        .map(|_| ())
        .map_err(|e| format!("a change of the model failed: {}", e.message))
}

/// Creates the custom object `singular` / `plural` with text fields `fields` (beside its
/// `name`) and composite / text fields named as `person`'s when `like_person`.
async fn create_object(
    store: &Store,
    workspace: Uuid,
    singular: &str,
    plural: &str,
    fields: &[String],
    like_person: bool,
) -> Result<(), String> {
    let object: change::CreateObject = serde_json::from_value(json!({
        "nameSingular": singular, "namePlural": plural,
        "labelSingular": singular, "labelPlural": plural,
    }))
    .map_err(|e| e.to_string())?;
    let id = Uuid::new_v4();
    let mut object = object;
    object.id = Some(id);
    apply(store, workspace, |from, _| {
        change::create_object(from, object)
    })
    .await?;
    let mut specs: Vec<(String, &str)> = fields.iter().map(|f| (f.clone(), "TEXT")).collect();
    if like_person {
        for (name, kind) in [
            ("fullName", "FULL_NAME"),
            ("emails", "EMAILS"),
            ("linkedinLink", "LINKS"),
            ("xLink", "LINKS"),
            ("jobTitle", "TEXT"),
            ("phones", "PHONES"),
            ("city", "TEXT"),
            ("avatarUrl", "TEXT"),
        ] {
            specs.push((name.to_owned(), kind));
        }
    }
    for (name, kind) in specs {
        let field: change::CreateField = serde_json::from_value(json!({
            "objectMetadataId": id, "name": name, "label": name, "type": kind,
        }))
        .map_err(|e| e.to_string())?;
        apply(store, workspace, |from, dialect| {
            change::create_field(from, field, dialect)
        })
        .await?;
    }
    Ok(())
}

/// Runs `sql` (with `{t}` standing for the qualified table `table`) in the workspace.
async fn run_sql(store: &Store, workspace: Uuid, table: &str, sql: &str) -> Result<(), String> {
    let db = store
        .workspace_db(workspace)
        .await
        .map_err(|e| format!("cannot open the workspace: {e}"))?;
    match db {
        WorkspaceDb::Sqlite(db) => {
            let sql = sql.replace("{t}", &format!("\"{table}\""));
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&db.pool)
                .await
                .map(|_| ())
        }
        WorkspaceDb::Postgres { pool, schema, .. } => {
            let sql = sql.replace("{t}", &format!("\"{schema}\".\"{table}\""));
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .map(|_| ())
        }
    }
    .map_err(|e| format!("cannot insert the records: {e}"))
}

/// The rows `1..=n` as SQL: `SELECT … FROM` a series, in either dialect.
fn series(store: &Store, n: usize) -> (String, String) {
    match store.dialect() {
        twenty_codegen::emit::sql::Dialect::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) "
            ),
            "FROM n".to_owned(),
        ),
        twenty_codegen::emit::sql::Dialect::Postgres => {
            (String::new(), format!("FROM generate_series(1, {n}) i"))
        }
    }
}

/// The time `i` seconds after 2026-01-01, in the dialect's column type.
fn time(store: &Store) -> &'static str {
    match store.dialect() {
        twenty_codegen::emit::sql::Dialect::Sqlite => {
            "strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01 00:00:00', '+' || i || ' seconds')"
        }
        twenty_codegen::emit::sql::Dialect::Postgres => {
            "timestamptz '2026-01-01 00:00:00Z' + i * interval '1 second'"
        }
    }
}

/// The custom object `lead`, with person's fields, and `rows` leads inserted as the
/// people are (one second apart).
pub async fn seed_custom(store: &Store, workspace: Uuid, rows: u32) -> Result<(), String> {
    create_object(store, workspace, CUSTOM_OBJECT, CUSTOM_PLURAL, &[], true).await?;
    let (with, from) = series(store, rows as usize);
    let time = time(store);
    let sql = format!(
        "{with}INSERT INTO {{t}} (\"name\", \"fullNameFirstName\", \"fullNameLastName\", \"emailsPrimaryEmail\", \
           \"jobTitle\", \"city\", \"createdAt\", \"updatedAt\", \"position\") \
         SELECT 'Lead ' || i, 'First' || i, 'Last' || i, 'lead' || i || '@example.com', 'Engineer', 'Paris', \
           {time}, {time}, i {from}"
    );
    run_sql(store, workspace, &format!("_{CUSTOM_OBJECT}"), &sql).await
}

/// `count` workspaces, each with [`OBJECTS_PER_WORKSPACE`] custom objects of its own (so
/// each has a model of its own) and [`PEOPLE_PER_WORKSPACE`] people; answers their admin
/// keys.
pub async fn seed_workspaces(
    store: &Store,
    count: usize,
    progress: impl Fn(&str),
) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    let started = Instant::now();
    for w in 0..count {
        let (workspace, key) = store
            .create_workspace(&format!("Bench {w}"))
            .await
            .map_err(|e| format!("cannot create a workspace: {e}"))?;
        for o in 0..OBJECTS_PER_WORKSPACE {
            create_object(
                store,
                workspace.id,
                &format!("thing{o}"),
                &format!("things{o}"),
                &["label".to_owned()],
                false,
            )
            .await?;
        }
        let (with, from) = series(store, PEOPLE_PER_WORKSPACE);
        let time = time(store);
        let sql = format!(
            "{with}INSERT INTO {{t}} (\"nameFirstName\", \"nameLastName\", \"emailsPrimaryEmail\", \
               \"jobTitle\", \"city\", \"createdAt\", \"updatedAt\", \"position\") \
             SELECT 'First' || i, 'Last' || i, 'person' || i || '@example.com', 'Engineer', 'Paris', \
               {time}, {time}, i {from}"
        );
        run_sql(store, workspace.id, "person", &sql).await?;
        keys.push(key.secret);
        if (w + 1) % 20 == 0 {
            progress(&format!(
                "  {} workspaces with {OBJECTS_PER_WORKSPACE} custom objects each, {:.1} s",
                w + 1,
                started.elapsed().as_secs_f64()
            ));
        }
    }
    Ok(keys)
}

/// A workspace of `objects` custom objects of [`FIELDS_PER_OBJECT`] fields each (a `name`
/// and text fields); answers its admin key.
pub async fn seed_model_workspace(store: &Store, objects: usize) -> Result<String, String> {
    let (workspace, key) = store
        .create_workspace("Model bench")
        .await
        .map_err(|e| format!("cannot create a workspace: {e}"))?;
    let fields: Vec<String> = (1..FIELDS_PER_OBJECT)
        .map(|f| format!("field{f}"))
        .collect();
    for o in 0..objects {
        create_object(
            store,
            workspace.id,
            &format!("model{o}"),
            &format!("models{o}"),
            &fields,
            false,
        )
        .await?;
    }
    Ok(key.secret)
}

/// Adds a field to one of the model workspace's `objects` objects, [`CHANGES`] times, each time
/// through `POST /rest/metadata/fields` and then until both REST (a filter on the field)
/// and GraphQL (a query selecting it) serve it: answers each change's time.
pub async fn measure_changes(
    server_url: &str,
    key: &str,
    objects: usize,
) -> Result<Vec<Duration>, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let listed: Value = client
        .get(format!("{server_url}/rest/metadata/objects?isCustom=true"))
        .bearer_auth(key)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let ids: Vec<(String, String)> = listed["data"]["objects"]
        .as_array()
        .ok_or_else(|| format!("no objects: {listed}"))?
        .iter()
        .filter_map(|o| {
            Some((
                o["id"].as_str()?.to_owned(),
                o["namePlural"].as_str()?.to_owned(),
            ))
        })
        .collect();
    if ids.len() != objects {
        return Err(format!("{} custom objects instead of {objects}", ids.len()));
    }
    let mut times = Vec::new();
    for change in 0..CHANGES {
        let (object, plural) = &ids[change % ids.len()];
        let name = format!("added{change}");
        let start = Instant::now();
        let created = client
            .post(format!("{server_url}/rest/metadata/fields"))
            .bearer_auth(key)
            .json(&json!({"objectMetadataId": object, "name": name, "label": name, "type": "TEXT"}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if created.status().as_u16() != 201 {
            return Err(format!(
                "adding a field answered {}: {}",
                created.status(),
                created.text().await.unwrap_or_default()
            ));
        }
        let rest = format!("{server_url}/rest/{plural}?limit=1&filter={name}%5Bis%5D:NULL");
        let graphql = json!({"query": format!("{{ {plural}(first: 1) {{ edges {{ node {{ {name} }} }} }} }}")});
        loop {
            let rest_ok = client
                .get(&rest)
                .bearer_auth(key)
                .send()
                .await
                .map_err(|e| e.to_string())?
                .status()
                .is_success();
            let graphql_ok = rest_ok && {
                let body: Value = client
                    .post(format!("{server_url}/graphql"))
                    .bearer_auth(key)
                    .json(&graphql)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .json()
                    .await
                    .map_err(|e| e.to_string())?;
                body.get("errors").is_none()
            };
            if graphql_ok {
                break;
            }
            if start.elapsed() > Duration::from_secs(10) {
                return Err(format!("{plural}.{name} was not served within 10 s"));
            }
        }
        times.push(start.elapsed());
    }
    Ok(times)
}
