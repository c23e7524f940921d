//! The report of a run: a Markdown table per backend (req/s, p50, p99, ratio to the
//! floor, errors), the server's peak RSS, the targets with pass / fail, and the same
//! figures as JSON for scripts and the harness's own test.

use crate::run::{BackendRun, Measured, Options, Target, ms, target_name};
use serde_json::{Value, json};
use std::fmt::Write;

/// The targets of the issue, on this 2-core machine.
pub const MIN_FLOOR_RATIO: f64 = 0.60;
/// GraphQL list-20 against REST list-20 in the same run.
pub const MIN_GRAPHQL_RATIO: f64 = 0.75;
pub const MAX_P99_MS: f64 = 10.0;
pub const MAX_RSS_BYTES: u64 = 50_000_000;
/// List-20 on a custom object (person's fields) against list-20 on `person`.
pub const MIN_CUSTOM_RATIO: f64 = 0.90;
/// List-20 spread over many workspaces (each with a model of its own) against one.
pub const MIN_WORKSPACES_RATIO: f64 = 0.85;
/// The server's peak RSS with the many workspaces' models.
pub const MAX_WORKSPACES_RSS_BYTES: u64 = 200_000_000;
/// A field added through the metadata API until REST and GraphQL serve it.
pub const MAX_CHANGE_MS: f64 = 50.0;
/// The runtime-model scenarios: measured by their own targets, not the standard ones.
pub const MODEL_SCENARIOS: [&str; 3] = ["list-20-custom", "list-20-workspaces", "add-field"];
/// Webhook deliveries sustained, a second.
pub const MIN_DELIVERIES_PER_SEC: f64 = 1000.0;
/// Request to delivery at the latency scenario's rate of writes.
pub const MAX_DELIVERY_P99_MS: f64 = 500.0;
/// REST creates with three webhooks subscribed against creates without.
pub const MIN_HOOKED_CREATE_RATIO: f64 = 0.90;
/// The nested GraphQL query against the nested floor (one hand-written statement).
pub const MIN_NESTED_FLOOR_RATIO: f64 = 0.50;
/// The server's CPU per GraphQL get-by-id and create against the same REST call's.
pub const MAX_GRAPHQL_CPU_RATIO: f64 = 1.3;

/// Scenarios with targets of their own (not the standard p99 one).
fn own_targets(name: &str) -> bool {
    MODEL_SCENARIOS.contains(&name) || crate::run::WEBHOOK_SCENARIOS.contains(&name)
}

/// The machine's state around a run.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cores: usize,
    /// `/proc/loadavg`'s 1-minute figure before and after the run.
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
}

/// The 1-minute load average.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// One target's verdict on one backend: `None` when it could not be measured.
pub struct Verdict {
    pub pass: Option<bool>,
    pub detail: String,
}

fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
}

/// The targets, each with its verdict per backend.
pub fn targets(run: &BackendRun, connections: usize) -> Vec<(String, Verdict)> {
    let floor = run.scenario(Target::Floor, "list-20");
    let list = run.scenario(Target::Rest, "list-20");
    let ratio = match (floor, list) {
        (Some(f), Some(l)) if f.outcome.rps() > 0.0 => {
            let r = l.outcome.rps() / f.outcome.rps();
            Verdict {
                pass: Some(r >= MIN_FLOOR_RATIO),
                detail: format!("{:.0} % of the floor", r * 100.0),
            }
        }
        _ => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let graphql = match (list, run.scenario(Target::Graphql, "list-20")) {
        (Some(r), Some(g)) if r.outcome.rps() > 0.0 => {
            let ratio = g.outcome.rps() / r.outcome.rps();
            Verdict {
                pass: Some(ratio >= MIN_GRAPHQL_RATIO),
                detail: format!("{:.0} % of REST list-20", ratio * 100.0),
            }
        }
        _ => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let rest: Vec<_> = run
        .scenarios
        .iter()
        .filter(|s| s.target == Target::Rest && !own_targets(s.name))
        .collect();
    let p99 = if rest.is_empty() {
        Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        }
    } else {
        let worst = rest
            .iter()
            .map(|s| (s.name, ms(s.outcome.percentile(99.0))))
            .fold(("", 0.0_f64), |a, b| if b.1 > a.1 { b } else { a });
        Verdict {
            pass: Some(worst.1 < MAX_P99_MS),
            detail: format!("worst {:.2} ms ({})", worst.1, worst.0),
        }
    };
    // The standard scenarios' peak: the one reached by the last of them (the model
    // scenarios, run after, load many models on purpose).
    let standard_peak = run
        .scenario(Target::Rest, "create")
        .and_then(|s| s.server_peak_kib)
        .or(run.server_rss_kib);
    let rss = match standard_peak {
        Some(kib) => Verdict {
            pass: Some(kib * 1024 < MAX_RSS_BYTES),
            detail: format!("{:.1} MB", mb(kib)),
        },
        None => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let ratio_to = |name: &str, base: Option<&Measured>, min: f64, what: &str| match (
        run.scenario(Target::Rest, name),
        base,
    ) {
        (Some(s), Some(b)) if b.outcome.rps() > 0.0 => {
            let r = s.outcome.rps() / b.outcome.rps();
            Verdict {
                pass: Some(r >= min),
                detail: format!("{:.0} % of {what}", r * 100.0),
            }
        }
        _ => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let custom = ratio_to("list-20-custom", list, MIN_CUSTOM_RATIO, "person's");
    let spread = ratio_to(
        "list-20-workspaces",
        list,
        MIN_WORKSPACES_RATIO,
        "one workspace's",
    );
    let spread_rss = match run
        .scenario(Target::Rest, "list-20-workspaces")
        .and_then(|s| s.server_peak_kib)
    {
        Some(kib) => Verdict {
            pass: Some(kib * 1024 < MAX_WORKSPACES_RSS_BYTES),
            detail: format!("{:.1} MB", mb(kib)),
        },
        None => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let change = match run.scenario(Target::Rest, "add-field") {
        Some(s) if s.outcome.requests > 0 => {
            let (p50, p99) = (
                ms(s.outcome.percentile(50.0)),
                ms(s.outcome.percentile(99.0)),
            );
            Verdict {
                pass: Some(p99 < MAX_CHANGE_MS),
                detail: format!("p50 {p50:.1} ms, p99 {p99:.1} ms"),
            }
        }
        _ => Verdict {
            pass: None,
            detail: "not measured".to_owned(),
        },
    };
    let not_measured = || Verdict {
        pass: None,
        detail: "not measured".to_owned(),
    };
    let deliveries = match run.scenario(Target::Rest, crate::run::DELIVERIES) {
        Some(s) if s.outcome.requests > 0 => Verdict {
            pass: Some(s.outcome.rps() >= MIN_DELIVERIES_PER_SEC),
            detail: format!("{:.0} a second", s.outcome.rps()),
        },
        _ => not_measured(),
    };
    let delivery_p99 = match run.scenario(Target::Rest, crate::run::LATENCY) {
        Some(s) if s.outcome.requests > 0 && s.outcome.first_error.is_none() => {
            let p99 = ms(s.outcome.percentile(99.0));
            Verdict {
                pass: Some(p99 < MAX_DELIVERY_P99_MS),
                detail: format!(
                    "p50 {:.1} ms, p99 {p99:.1} ms",
                    ms(s.outcome.percentile(50.0))
                ),
            }
        }
        _ => not_measured(),
    };
    let nested = match (
        run.scenario(Target::Graphql, "nested"),
        run.scenario(Target::Floor, "nested"),
    ) {
        (Some(g), Some(f)) if f.outcome.rps() > 0.0 => {
            let r = g.outcome.rps() / f.outcome.rps();
            Verdict {
                pass: Some(r >= MIN_NESTED_FLOOR_RATIO),
                detail: format!("{:.0} % of the nested floor", r * 100.0),
            }
        }
        _ => not_measured(),
    };
    // The server's CPU per request of GraphQL's get-by-id and create against REST's.
    let cpu_ratio = |name: &str| {
        let server_cpu = |target| {
            run.scenario(target, name)
                .and_then(cpu_per_request)
                .map(|[t, _, _]| t)
        };
        match (server_cpu(Target::Graphql), server_cpu(Target::Rest)) {
            (Some(g), Some(r)) if r > 0.0 => Verdict {
                pass: Some(g / r <= MAX_GRAPHQL_CPU_RATIO),
                detail: format!("{:.2}× ({g:.0} µs vs {r:.0} µs)", g / r),
            },
            _ => not_measured(),
        }
    };
    let cpu_get = cpu_ratio("get-by-id");
    let cpu_create = cpu_ratio("create");
    let hooked = ratio_to(
        crate::run::CREATE_WEBHOOKS,
        run.scenario(Target::Rest, "create"),
        MIN_HOOKED_CREATE_RATIO,
        "creates without webhooks",
    );
    vec![
        (
            format!(
                "REST list-20 ≥ {:.0} % of the floor's req/s",
                MIN_FLOOR_RATIO * 100.0
            ),
            ratio,
        ),
        (
            format!(
                "GraphQL list-20 ≥ {:.0} % of REST list-20's req/s",
                MIN_GRAPHQL_RATIO * 100.0
            ),
            graphql,
        ),
        (
            format!(
                "GraphQL nested ≥ {:.0} % of the nested floor's req/s",
                MIN_NESTED_FLOOR_RATIO * 100.0
            ),
            nested,
        ),
        (
            format!("GraphQL get-by-id ≤ {MAX_GRAPHQL_CPU_RATIO}× REST's server CPU per request"),
            cpu_get,
        ),
        (
            format!("GraphQL create ≤ {MAX_GRAPHQL_CPU_RATIO}× REST's server CPU per request"),
            cpu_create,
        ),
        (
            format!("p99 < {MAX_P99_MS:.0} ms at {connections} connections (every REST scenario)"),
            p99,
        ),
        (
            format!(
                "server peak RSS < {} MB (standard scenarios)",
                MAX_RSS_BYTES / 1_000_000
            ),
            rss,
        ),
        (
            format!(
                "REST list-20 on a custom object ≥ {:.0} % of list-20 on person",
                MIN_CUSTOM_RATIO * 100.0
            ),
            custom,
        ),
        (
            format!(
                "REST list-20 over {} workspaces with models of their own ≥ {:.0} % of one workspace's",
                run.workspaces,
                MIN_WORKSPACES_RATIO * 100.0
            ),
            spread,
        ),
        (
            format!(
                "server peak RSS with {} workspaces' models < {} MB",
                run.workspaces,
                MAX_WORKSPACES_RSS_BYTES / 1_000_000
            ),
            spread_rss,
        ),
        (
            format!(
                "a new field served by REST and GraphQL: p99 < {MAX_CHANGE_MS:.0} ms ({} objects of {} fields)",
                run.model_objects,
                crate::models::FIELDS_PER_OBJECT
            ),
            change,
        ),
        (
            format!("webhook deliveries ≥ {MIN_DELIVERIES_PER_SEC:.0} a second, sustained"),
            deliveries,
        ),
        (
            format!(
                "request to delivery p99 < {MAX_DELIVERY_P99_MS:.0} ms at {} writes a second",
                crate::webhooks::LATENCY_RATE
            ),
            delivery_p99,
        ),
        (
            format!(
                "REST create with 3 webhooks ≥ {:.0} % of create without",
                MIN_HOOKED_CREATE_RATIO * 100.0
            ),
            hooked,
        ),
    ]
}

/// A percentile of a scenario's latencies, `—` when it measured none.
fn pct(s: &Measured, p: f64) -> String {
    match s.outcome.has_latencies() {
        true => format!("{:.2}", ms(s.outcome.percentile(p))),
        false => "—".to_owned(),
    }
}

fn verdict_text(v: &Verdict) -> String {
    match v.pass {
        Some(true) => format!("PASS ({})", v.detail),
        Some(false) => format!("FAIL ({})", v.detail),
        None => format!("— ({})", v.detail),
    }
}

/// The Markdown report.
pub fn markdown(runs: &[BackendRun], options: &Options, machine: &Machine, when: &str) -> String {
    let mut out = String::new();
    let load = |l: Option<f64>| l.map_or("?".to_owned(), |l| format!("{l:.2}"));
    let _ = writeln!(out, "# twenty-rs benchmark\n");
    let _ = writeln!(
        out,
        "{when}, {} cores, 1-minute load average {} before and {} after the run \
         (load generator, server, floor and database share the cores).\n",
        machine.cores,
        load(machine.load_before),
        load(machine.load_after)
    );
    let _ = writeln!(
        out,
        "{} people seeded per backend; {} keep-alive connections; {:.1} s warm-up, then {:.1} s measured per scenario. Server: `{}`.\n",
        options.people,
        options.load.connections,
        options.load.warmup.as_secs_f64(),
        options.load.duration.as_secs_f64(),
        options.server_bin.display()
    );
    for run in runs {
        let _ = writeln!(out, "## {}\n", run.backend.as_str());
        let _ = writeln!(
            out,
            "| scenario | request | req/s | p50 ms | p99 ms | vs floor | CPU µs/req: target · Postgres · load generator | errors | records | server peak RSS so far |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let floor_rps = run
            .scenario(Target::Floor, "list-20")
            .map(|f| f.outcome.rps())
            .filter(|r| *r > 0.0);
        for s in &run.scenarios {
            let ratio =
                floor_rps.map_or("—".to_owned(), |f| format!("{:.2}", s.outcome.rps() / f));
            let rows = s.outcome.rows.map_or("none".to_owned(), |r| format!("{r}"));
            let _ = writeln!(
                out,
                "| {} {} | `{}` | {:.0} | {} | {} | {} | {} | {} | {} | {} |",
                target_name(s.target),
                s.name,
                s.request,
                s.outcome.rps(),
                pct(s, 50.0),
                pct(s, 99.0),
                ratio,
                cpu_text(s),
                s.outcome.errors,
                rows,
                s.server_peak_kib
                    .map_or("?".to_owned(), |k| format!("{:.1} MB", mb(k)))
            );
        }
        let rss = |kib: Option<u64>| kib.map_or("?".to_owned(), |k| format!("{:.1} MB", mb(k)));
        let _ = writeln!(
            out,
            "\nPeak RSS (VmHWM): server {}, floor {}.\n",
            rss(run.server_rss_kib),
            rss(run.floor_rss_kib)
        );
        for s in run
            .scenarios
            .iter()
            .filter(|s| s.outcome.first_error.is_some())
        {
            let _ = writeln!(
                out,
                "First error of {} {}: {}\n",
                target_name(s.target),
                s.name,
                s.outcome.first_error.as_deref().unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "## Targets\n");
    let mut header = "| target |".to_owned();
    let mut rule = "|---|".to_owned();
    for run in runs {
        header.push_str(&format!(" {} |", run.backend.as_str()));
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let per_backend: Vec<Vec<(String, Verdict)>> = runs
        .iter()
        .map(|r| targets(r, options.load.connections))
        .collect();
    if let Some(first) = per_backend.first() {
        for (i, (label, _)) in first.iter().enumerate() {
            let mut line = format!("| {label} |");
            for verdicts in &per_backend {
                line.push_str(&format!(" {} |", verdict_text(&verdicts[i].1)));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// CPU time per measured response, in µs: the process answering (server or floor), the
/// Postgres processes, the load generator.
fn cpu_per_request(s: &Measured) -> Option<[f64; 3]> {
    let cpu = s.cpu?;
    let n = s.outcome.requests as f64;
    (n > 0.0).then(|| [cpu.target, cpu.database, cpu.generator].map(|d| d.as_secs_f64() * 1e6 / n))
}

fn cpu_text(s: &Measured) -> String {
    cpu_per_request(s).map_or("?".to_owned(), |[t, d, g]| {
        format!("{t:.0} · {d:.0} · {g:.0}")
    })
}

/// The figures as JSON.
pub fn json(runs: &[BackendRun]) -> Value {
    let backends: Vec<Value> = runs
        .iter()
        .map(|run| {
            let scenarios: Vec<Value> = run
                .scenarios
                .iter()
                .map(|s| {
                    json!({
                        "target": target_name(s.target),
                        "name": s.name,
                        "request": s.request,
                        "requests": s.outcome.requests,
                        "errors": s.outcome.errors,
                        "firstError": s.outcome.first_error,
                        "rows": s.outcome.rows,
                        "expectedRows": s.expected_rows,
                        "rps": s.outcome.rps(),
                        "p50Ms": ms(s.outcome.percentile(50.0)),
                        "p99Ms": ms(s.outcome.percentile(99.0)),
                        "serverPeakRssKib": s.server_peak_kib,
                        "cpuMicrosPerRequest": cpu_per_request(s).map(|[t, d, g]| json!({
                            "target": t, "database": d, "loadGenerator": g,
                        })),
                    })
                })
                .collect();
            json!({
                "backend": run.backend.as_str(),
                "serverPeakRssKib": run.server_rss_kib,
                "floorPeakRssKib": run.floor_rss_kib,
                "scenarios": scenarios,
            })
        })
        .collect();
    json!({ "backends": backends })
}

/// Scenarios whose responses were not all 2xx with the expected records.
pub fn failures(runs: &[BackendRun]) -> Vec<String> {
    let mut failures = Vec::new();
    for run in runs {
        for s in &run.scenarios {
            let what = format!(
                "{} {} {}",
                run.backend.as_str(),
                target_name(s.target),
                s.name
            );
            if s.outcome.errors > 0 {
                failures.push(format!(
                    "{what}: {} failed requests (first: {})",
                    s.outcome.errors,
                    s.outcome.first_error.as_deref().unwrap_or("?")
                ));
            }
            if s.outcome.rows != Some(s.expected_rows) {
                failures.push(format!(
                    "{what}: responses held {:?} records instead of {}",
                    s.outcome.rows, s.expected_rows
                ));
            }
            if s.outcome.requests == 0 {
                failures.push(format!("{what}: no response in the measured time"));
            }
        }
    }
    failures
}
