//! Schema as code (`twenty-server schema export` / `schema apply`) and per-workspace SDKs
//! (`twenty-server sdk`), run as the CLI runs them: against the store, beside a running
//! server that then serves the result.
use crate::both;
use crate::support::{Backend, TestDb, url};
use serde_json::{Value, json};
use std::path::Path;
use twenty_server::cli::SchemaCommand;
use twenty_server::commands;
use twenty_server::sdk_out::Lang;

/// Runs `schema …` on `store`; answers its output, or the error's message.
async fn schema(store: &twenty_server::Store, command: SchemaCommand) -> Result<String, String> {
    let mut out = Vec::new();
    commands::schema(store, command, &mut out)
        .await
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).expect("UTF-8"))
}

/// A status of `GET path` on `server` with `key`.
async fn status(addr: std::net::SocketAddr, key: &str, path: &str) -> u16 {
    reqwest::Client::new()
        .get(url(addr, path))
        .bearer_auth(key)
        .send()
        .await
        .expect("answered")
        .status()
        .as_u16()
}

/// Waits (up to 3 s) for `GET path` to answer `expected`.
async fn eventually(addr: std::net::SocketAddr, key: &str, path: &str, expected: u16) {
    let start = std::time::Instant::now();
    loop {
        let got = status(addr, key, path).await;
        if got == expected {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(3),
            "GET {path}: {got}, not {expected}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn a_schema_file_is_planned_applied_once_and_served(backend: Backend) {
    let Some(db) = TestDb::new(backend, "schemafile").await else {
        return;
    };
    let server = db.start().await;
    let (workspace, key) = server.first_workspace.clone().expect("a workspace");
    let ws = workspace.id.to_string();
    // The CLI's own store, as another process would open it.
    let store = db.store().await;
    let dir = tempfile::tempdir().expect("a directory");
    let export = || SchemaCommand::Export {
        workspace: ws.clone(),
    };
    let apply = |file: &Path, dry_run: bool, allow_destructive: bool| SchemaCommand::Apply {
        workspace: ws.clone(),
        file: file.to_owned(),
        dry_run,
        allow_destructive,
    };
    let empty = schema(&store, export()).await.expect("exports");
    let mut file: Value = serde_json::from_str(&empty).expect("JSON");
    assert_eq!(file["objects"], json!([]), "{empty}");
    let empty_path = dir.path().join("empty.json");
    std::fs::write(&empty_path, &empty).expect("written");

    // A custom object, and a custom field on a standard object.
    file["objects"] = json!([{
        "id": "6f0c8f6a-0d7e-4c59-9b0e-2f4b7d1c3a10",
        "nameSingular": "toy", "namePlural": "toys", "labelSingular": "Toy", "labelPlural": "Toys",
        "isCustom": true, "labelIdentifier": "name", "searchFields": ["name"],
        "fields": [{"id": "6f0c8f6a-0d7e-4c59-9b0e-2f4b7d1c3a11", "name": "name", "type": "TEXT", "label": "Name", "isNullable": true}],
    }]);
    file["fields"] = json!({"person": [
        {"id": "6f0c8f6a-0d7e-4c59-9b0e-2f4b7d1c3a12", "name": "nickname", "type": "TEXT", "label": "Nickname", "isNullable": true},
    ]});
    let path = dir.path().join("schema.json");
    std::fs::write(&path, file.to_string()).expect("written");
    let plan = schema(&store, apply(&path, true, false))
        .await
        .expect("a plan");
    assert!(plan.contains("create table _toy"), "{plan}");
    assert!(plan.contains("add column person.nickname"), "{plan}");
    assert_eq!(
        status(server.addr, &key.secret, "/rest/toys").await,
        404,
        "a dry run changes nothing"
    );
    let applied = schema(&store, apply(&path, false, false))
        .await
        .expect("applies");
    assert!(applied.contains("Applied"), "{applied}");
    let again = schema(&store, apply(&path, false, false))
        .await
        .expect("applies");
    assert_eq!(again.trim(), "Nothing to change.");
    // The running server serves it (it reads the version again within a second).
    eventually(server.addr, &key.secret, "/rest/toys", 200).await;
    eventually(
        server.addr,
        &key.secret,
        "/rest/people?filter=nickname%5Bis%5D:NULL",
        200,
    )
    .await;
    // What is exported is what was applied.
    let exported: Value =
        serde_json::from_str(&schema(&store, export()).await.expect("exports")).expect("JSON");
    assert_eq!(exported["objects"][0]["nameSingular"], "toy");
    assert_eq!(exported["fields"]["person"][0]["name"], "nickname");
    // Going back drops data: refused, unless asked for.
    let refused = schema(&store, apply(&empty_path, false, false))
        .await
        .unwrap_err();
    assert!(
        refused.contains("lose data") && refused.contains("toy"),
        "{refused}"
    );
    let dropped = schema(&store, apply(&empty_path, false, true))
        .await
        .expect("applies");
    assert!(dropped.contains("drop table _toy"), "{dropped}");
    eventually(server.addr, &key.secret, "/rest/toys", 404).await;
    // A bad file is named.
    std::fs::write(&path, "{\"objects\": [], \"colour\": 1}").expect("written");
    let bad = schema(&store, apply(&path, false, false))
        .await
        .unwrap_err();
    assert!(bad.contains("colour"), "{bad}");
    store.close().await;
}
both!(a_schema_file_is_planned_applied_once_and_served);

/// The project's copy of `tsc` (installed by `cargo xtask test`), or `None` (skipped
/// outside CI) when it is missing.
fn tsc() -> Option<std::path::PathBuf> {
    let tsc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk-ts/node_modules/.bin/tsc");
    if tsc.exists() {
        return Some(tsc);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "sdk-ts/node_modules is missing: run `cargo xtask test`"
    );
    eprintln!("skipped: sdk-ts/node_modules is missing (run `cargo xtask test`)");
    None
}

fn run(command: &mut std::process::Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The TypeScript SDK of a workspace with a custom object compiles under `tsc --strict`
/// with a typed use of that object, and calls the live server; the Rust SDK passes
/// `cargo check`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_sdk_has_its_custom_objects_and_works() {
    let Some(tsc) = tsc() else {
        return;
    };
    let Some(db) = TestDb::new(Backend::Sqlite, "sdkcli").await else {
        return;
    };
    let server = db.start().await;
    let (workspace, key) = server.first_workspace.clone().expect("a workspace");
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        client
            .post(url(server.addr, path))
            .bearer_auth(&key.secret)
            .json(&body)
            .send()
    };
    let created = post(
        "/rest/metadata/objects",
        json!({"id": "6f0c8f6a-0d7e-4c59-9b0e-2f4b7d1c3a20", "nameSingular": "pet", "namePlural": "pets", "labelSingular": "Pet", "labelPlural": "Pets"}),
    )
    .await
    .expect("answered");
    assert_eq!(created.status().as_u16(), 201);
    let field = post(
        "/rest/metadata/fields",
        json!({"objectMetadataId": "6f0c8f6a-0d7e-4c59-9b0e-2f4b7d1c3a20", "type": "SELECT", "name": "species", "label": "Species",
               "options": [{"value": "DOG", "label": "Dog", "color": "red"}, {"value": "CAT", "label": "Cat", "color": "blue"}]}),
    )
    .await
    .expect("answered");
    assert_eq!(field.status().as_u16(), 201);

    let dir = tempfile::tempdir().expect("a directory");
    let store = db.store().await;
    for (lang, sub) in [(Lang::Ts, "ts"), (Lang::Rust, "rust")] {
        let mut out = Vec::new();
        commands::sdk(
            &store,
            &workspace.id.to_string(),
            lang,
            &dir.path().join(sub),
            &mut out,
        )
        .await
        .expect("writes the SDK");
        assert!(String::from_utf8_lossy(&out).starts_with("Wrote "));
    }
    store.close().await;

    // TypeScript: a typed use of the custom object, compiled strictly, run against the server.
    let ts = dir.path().join("ts");
    std::fs::write(
        ts.join("src/use-pets.ts"),
        r#"import { TwentyClient } from "./index.js";
declare const process: { env: Record<string, string | undefined> };
const client = new TwentyClient({ url: process.env.TWENTY_URL ?? "", apiKey: process.env.TWENTY_KEY ?? "" });
const rex = await client.pets.create({ name: "Rex", species: "DOG" });
const species: "DOG" | "CAT" | null = rex.species;
const page = await client.pets.findMany({ filter: { species: { eq: "DOG" } } });
console.log(JSON.stringify({ species, total: page.totalCount, name: page.records[0]?.name }));
"#,
    )
    .expect("written");
    run(
        std::process::Command::new(&tsc)
            .args(["-p", "tsconfig.json", "--strict"])
            .current_dir(&ts),
        "tsc --strict on the workspace's TypeScript SDK",
    );
    let output = run(
        std::process::Command::new("node")
            .arg("dist/use-pets.js")
            .current_dir(&ts)
            .env("TWENTY_URL", format!("http://{}", server.addr))
            .env("TWENTY_KEY", &key.secret),
        "node on the compiled SDK",
    );
    let answer: Value = serde_json::from_str(output.trim()).expect("JSON");
    assert_eq!(answer, json!({"species": "DOG", "total": 1, "name": "Rex"}));

    // Rust: `cargo check` of the written crate, offline, with this workspace's lock (the
    // same versions) and a target directory of its own under this workspace's.
    let rust = dir.path().join("rust");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::copy(root.join("Cargo.lock"), rust.join("Cargo.lock")).expect("the lock");
    let generated = std::fs::read_to_string(rust.join("src/generated.rs")).expect("generated");
    assert!(
        generated.contains("pub struct Pet "),
        "the crate has the custom object"
    );
    run(
        std::process::Command::new(env!("CARGO"))
            .args(["check", "--offline", "--quiet"])
            .current_dir(&rust)
            .env("CARGO_TARGET_DIR", root.join("target/sdk-check")),
        "cargo check on the workspace's Rust SDK",
    );
}
