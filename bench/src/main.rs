//! `twenty-bench run …` (what `cargo xtask bench` calls after building the release
//! binaries) and `twenty-bench floor …` (the floor server, started by `run`).

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use twenty_bench::load::Load;
use twenty_bench::report::{self, Machine};
use twenty_bench::run::{self, Options};
use twenty_bench::seed::{Backend, FloorSource};

/// The floor (and the load generator) allocate with what the server allocates with
/// (mimalloc, see `server/src/main.rs`): the ratio to the floor then measures the server's
/// code, not its choice of allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "twenty-bench",
    about = "Benchmarks twenty-server against a minimal floor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Backends {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Subcommand)]
enum Command {
    /// Seeds, starts the server and the floor, runs every scenario, prints the report.
    Run {
        /// The twenty-server binary to measure.
        #[arg(long)]
        server_bin: PathBuf,
        #[arg(long, value_enum, default_value = "both")]
        backend: Backends,
        /// Measured time per scenario.
        #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
        duration: Duration,
        /// Unmeasured time before it.
        #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
        warmup: Duration,
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
        connections: u16,
        /// Only these scenarios (comma-separated, e.g. `rest-list-20,graphql-nested`);
        /// the floor always runs.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// People seeded per backend.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(20..))]
        people: u32,
        /// Workspaces of the many-workspaces scenario (each with 10 custom objects).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        workspaces: u32,
        /// Custom objects (of 10 fields) of the model-change scenario's workspace.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        model_objects: u32,
        /// Postgres admin URL; a fresh database is created beside it and dropped after.
        #[arg(
            long,
            env = "TWENTY_BENCH_PG_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        pg_url: String,
        /// Where to write the Markdown report.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Where to write the figures as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// The floor server (started by `run`).
    Floor {
        #[arg(long)]
        listen: SocketAddr,
        #[arg(long, conflicts_with_all = ["postgres_url", "schema"])]
        sqlite_file: Option<PathBuf>,
        #[arg(long, requires = "schema")]
        postgres_url: Option<String>,
        #[arg(long)]
        schema: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Floor {
                listen,
                sqlite_file,
                postgres_url,
                schema,
            } => {
                let source = match (sqlite_file, postgres_url, schema) {
                    (Some(file), None, None) => FloorSource::Sqlite { file },
                    (None, Some(url), Some(schema)) => FloorSource::Postgres { url, schema },
                    _ => return Err("give --sqlite-file, or --postgres-url and --schema".into()),
                };
                twenty_bench::floor::serve(source, listen).await
            }
            Command::Run {
                server_bin,
                backend,
                duration,
                warmup,
                connections,
                people,
                workspaces,
                model_objects,
                only,
                pg_url,
                report,
                json,
            } => {
                let options = Options {
                    backends: match backend {
                        Backends::Sqlite => vec![Backend::Sqlite],
                        Backends::Postgres => vec![Backend::Postgres],
                        Backends::Both => vec![Backend::Postgres, Backend::Sqlite],
                    },
                    load: Load {
                        connections: usize::from(connections),
                        warmup,
                        duration,
                    },
                    people,
                    only,
                    server_bin,
                    pg_admin_url: pg_url,
                    workspaces: workspaces as usize,
                    model_objects: model_objects as usize,
                };
                // Ctrl-C drops the run: its guards kill the processes and drop the data.
                tokio::select! {
                    result = bench(options, report, json) => result,
                    _ = tokio::signal::ctrl_c() => Err("interrupted; the processes are stopped and the data removed".into()),
                }
            }
        }
    });
    // Dropping the runtime here, after the guards ran, ends the floor's and clients' tasks.
    drop(runtime);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn bench(
    options: Options,
    report_path: Option<PathBuf>,
    json_path: Option<PathBuf>,
) -> Result<(), String> {
    if !options.server_bin.is_file() {
        return Err(format!(
            "the server binary {} does not exist",
            options.server_bin.display()
        ));
    }
    let known = run::scenario_ids();
    if let Some(unknown) = options.only.iter().find(|o| !known.contains(o)) {
        return Err(format!(
            "unknown scenario `{unknown}` in --only (scenarios: {})",
            known.join(", ")
        ));
    }
    let load_before = report::load_average();
    let when = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let runs = run::run(&options).await?;
    let machine = Machine {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_before,
        load_after: report::load_average(),
    };
    let markdown = report::markdown(&runs, &options, &machine, &when);
    println!("\n{markdown}");
    let write = |path: &PathBuf, text: String| -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = &report_path {
        write(path, markdown)?;
        println!("report written to {}", path.display());
    }
    if let Some(path) = &json_path {
        write(path, format!("{:#}\n", report::json(&runs)))?;
    }
    let failures = report::failures(&runs);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the measurement is not valid:\n  {}",
            failures.join("\n  ")
        ))
    }
}
