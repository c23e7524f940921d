//! `twenty-bench run` end to end on a tiny run (SQLite, 2 connections, about a second per
//! scenario) against a real `twenty-server` process, so the command cannot rot: every
//! request must succeed and return the records the scenario expects.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `twenty-server` binary, built by the cargo running this test. It builds what
/// `cargo test --workspace` / `cargo nextest run --workspace` build (same features, so
/// under `cargo xtask test` this is a no-op) and reads the path from cargo's JSON
/// messages, which name every artifact, fresh or not.
fn server_binary() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["test", "--workspace", "--no-run", "--message-format=json"])
        .current_dir(root)
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "cargo test --workspace --no-run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        // The binary itself, not its unit-test harness (`profile.test`).
        .filter(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["name"] == "twenty-server"
                && m["profile"]["test"] == false
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported no twenty-server executable")
}

#[test]
fn a_tiny_sqlite_run_measures_every_scenario_with_only_successful_requests() {
    let server = server_binary();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = dir.path().join("report.md");
    let json = dir.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_twenty-bench"))
        .args([
            "run",
            "--backend",
            "sqlite",
            "--duration",
            "1s",
            "--warmup",
            "200ms",
        ])
        .args(["--connections", "2", "--people", "200"])
        .args(["--workspaces", "3", "--model-objects", "3", "--server-bin"])
        .arg(&server)
        .arg("--report")
        .arg(&report)
        .arg("--json")
        .arg(&json)
        .output()
        .expect("run twenty-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "twenty-bench failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains("[sqlite] seeding 200 people"), "{stdout}");

    let figures: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON report"))
            .expect("JSON");
    let backends = figures["backends"].as_array().expect("backends");
    assert_eq!(backends.len(), 1);
    assert_eq!(backends[0]["backend"], "sqlite");
    assert!(
        backends[0]["serverPeakRssKib"]
            .as_u64()
            .is_some_and(|k| k > 1000)
    );
    let scenarios = backends[0]["scenarios"].as_array().expect("scenarios");
    let names: Vec<String> = scenarios
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["target"].as_str().unwrap_or("?"),
                s["name"].as_str().unwrap_or("?")
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "floor list-20",
            "floor nested",
            "REST list-20",
            "REST get-by-id",
            "REST list-filter",
            "GraphQL list-20",
            "GraphQL nested",
            "GraphQL get-by-id",
            "REST create",
            "GraphQL create",
            "REST list-20-custom",
            "REST list-20-workspaces",
            "REST add-field",
            "REST create-3-webhooks",
            "REST webhook-deliveries",
            "REST webhook-latency"
        ],
    );
    // 20 changes of the model, each timed until REST and GraphQL served it.
    let changes = scenarios
        .iter()
        .find(|s| s["name"] == "add-field")
        .expect("add-field");
    assert_eq!(changes["requests"], 20, "{changes}");
    for s in scenarios {
        assert!(s["requests"].as_u64().is_some_and(|n| n > 0), "{s}");
        assert_eq!(s["errors"], 0, "{s}");
        assert_eq!(s["rows"], s["expectedRows"], "{s}");
        // Deliveries a second are counted, not timed one by one.
        if s["name"] != "webhook-deliveries" {
            assert!(s["p99Ms"].as_f64().is_some_and(|p| p > 0.0), "{s}");
        }
        assert!(
            s["serverPeakRssKib"].as_u64().is_some_and(|k| k > 1000),
            "{s}"
        );
    }

    let markdown = std::fs::read_to_string(&report).expect("the Markdown report");
    assert!(markdown.contains("## sqlite"), "{markdown}");
    assert!(
        markdown.contains("| floor list-20 | `GET /people` |"),
        "{markdown}"
    );
    assert!(markdown.contains("server peak RSS < 50 MB"), "{markdown}");
    assert!(
        markdown.contains("REST list-20 over 3 workspaces with models of their own"),
        "{markdown}"
    );
    assert!(
        markdown.contains("a new field served by REST and GraphQL: p99 < 50 ms"),
        "{markdown}"
    );
    assert!(
        markdown.contains("GraphQL list-20 ≥ 75 % of REST list-20's req/s"),
        "{markdown}"
    );
    for target in [
        "webhook deliveries ≥ 1000 a second, sustained",
        "request to delivery p99 < 500 ms at 200 writes a second",
        "REST create with 3 webhooks ≥ 90 % of create without",
    ] {
        assert!(
            markdown.contains(target),
            "{target} missing from {markdown}"
        );
    }
    // Measured, whatever the verdict on this run's tiny load.
    let verdicts = markdown.split("## Targets").nth(1).unwrap_or_default();
    for line in verdicts.lines().filter(|l| l.contains("webhook")) {
        assert!(!line.contains("not measured"), "{line}");
    }
    eprintln!("{markdown}");
}
