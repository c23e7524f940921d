//! The `twenty-server` binary: parses the command line, sets up logging (stderr, so stdout
//! stays for output such as `--json`), and runs the command. Errors end in one message.
use clap::Parser;
use std::process::ExitCode;
use twenty_server::cli::{Cli, Command};
use twenty_server::store::Store;
use twenty_server::{commands, server};

/// mimalloc serves the server's allocations: a request builds and drops many small maps
/// and strings, and with glibc malloc a third of the server's CPU went to malloc / free
/// (README, "Benchmark"). Built with `no_thp` so its arenas are not advised for huge
/// pages: with them, the first arena (committed eagerly) became resident at start-up.
/// C code (SQLite) still allocates with glibc's malloc, hence [`limit_malloc_arenas`].
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The log filter when `RUST_LOG` is unset.
const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

/// Most glibc malloc arenas the process uses (see [`limit_malloc_arenas`]).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_ARENAS: libc::c_int = 2;

/// glibc gives each thread that allocates under contention an arena of its own (up to 8
/// per core), and every arena keeps what was freed in it: with sqlx-sqlite's thread per
/// connection and tokio's workers, the peak resident memory grew with the number of
/// threads rather than with what the server holds. Two arenas keep the two-core machine's
/// workers from contending while the footprint stays that of the live data.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets a parameter of the allocator; it runs before any other
    // thread is started, and a refused value (return 0) leaves glibc's default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    let cli = Cli::parse();
    // Postgres reports every `IF NOT EXISTS` that skipped as a notice: not news.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match std::env::var("TWENTY_LOG_FORMAT").as_deref() {
        // One JSON object a line, the request's span (id, method, path, workspace,
        // trace id) in each.
        Ok("json") => logs.json().with_current_span(true).init(),
        // Colours only for a terminal: a file or a collector gets plain text.
        Ok("text") | Ok("") | Err(_) => {
            use std::io::IsTerminal;
            logs.with_ansi(std::io::stderr().is_terminal()).init();
        }
        Ok(other) => {
            eprintln!("error: invalid TWENTY_LOG_FORMAT {other:?}: expected text or json");
            return ExitCode::FAILURE;
        }
    }
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
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    if let Some(Command::Completions { shell }) = cli.command {
        use clap::CommandFactory;
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "twenty-server",
            &mut std::io::stdout(),
        );
        return Ok(());
    }
    let (listen, no_migrate, no_worker) = match cli.command {
        Some(Command::Serve {
            ref listen,
            no_migrate,
            no_worker,
        }) => (listen.clone().or(cli.listen), no_migrate, no_worker),
        _ => (cli.listen, false, false),
    };
    let config = cli
        .settings
        .raw(listen, no_migrate, no_worker)
        .resolve()
        .map_err(|e| e.to_string())?;
    let command = match cli.command {
        None | Some(Command::Serve { .. }) => {
            return server::serve(config).await.map_err(|e| e.to_string());
        }
        Some(Command::Worker) => return server::work(config).await.map_err(|e| e.to_string()),
        Some(command) => command,
    };
    let store = Store::open(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let result = match command {
        Command::Migrate { dry_run, json } => {
            commands::migrate(&store, commands::MigrateOptions { dry_run, json }, &mut out).await
        }
        Command::Workspace(c) => commands::workspace(&store, c, &mut out).await,
        Command::ApiKey(c) => commands::api_key(&store, c, &mut out).await,
        Command::Schema(c) => commands::schema(&store, c, &mut out).await,
        Command::Sdk {
            workspace,
            lang,
            out: dir,
        } => commands::sdk(&store, &workspace, lang, &dir, &mut out).await,
        Command::Serve { .. } | Command::Worker | Command::Completions { .. } => Ok(()),
    };
    result.map_err(|e| e.to_string())
}
