//! The command line: clap definitions of `serve`, `worker`, `migrate`, `workspace …`, `api-key …`,
//! `schema …` and `sdk`
//! and the global settings. Parsing only; `main.rs` runs the commands.
use crate::config::RawSettings;
use clap::{Args, Parser, Subcommand};

/// The Twenty server.
#[derive(Debug, Parser)]
#[command(name = "twenty-server", version, about, after_help = crate::config::environment_help())]
pub struct Cli {
    /// Global settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Address to listen on, HOST:PORT (`localhost:3000` works) (serving only).
    #[arg(long, env = "TWENTY_LISTEN")]
    pub listen: Option<String>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every command.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Postgres URL; without it the embedded SQLite store is used.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Directory of the embedded SQLite store.
    #[arg(long, global = true, env = "TWENTY_DATA_DIR")]
    pub data_dir: Option<String>,
}

impl SettingsArgs {
    /// The raw settings, with `PG_DATABASE_URL` read from the environment.
    pub fn raw(self, listen: Option<String>, no_migrate: bool, no_worker: bool) -> RawSettings {
        RawSettings {
            database_url: self.database_url,
            pg_database_url: std::env::var("PG_DATABASE_URL").ok(),
            listen,
            data_dir: self.data_dir,
            no_migrate,
            graphql_max_depth: env("TWENTY_GRAPHQL_MAX_DEPTH"),
            graphql_max_fields: env("TWENTY_GRAPHQL_MAX_FIELDS"),
            graphql_max_root_fields: env("TWENTY_GRAPHQL_MAX_ROOT_FIELDS"),
            graphql_max_aliases: env("TWENTY_GRAPHQL_MAX_ALIASES"),
            pg_pool_size: env("TWENTY_PG_POOL_SIZE"),
            header_timeout: env("TWENTY_HEADER_TIMEOUT"),
            body_timeout: env("TWENTY_BODY_TIMEOUT"),
            idle_timeout: env("TWENTY_IDLE_TIMEOUT"),
            max_connections: env("TWENTY_MAX_CONNECTIONS"),
            rate_limit: env("TWENTY_RATE_LIMIT"),
            rate_limit_short: env("TWENTY_RATE_LIMIT_SHORT"),
            rate_limit_long: env("TWENTY_RATE_LIMIT_LONG"),
            auth_failure_limit: env("TWENTY_AUTH_FAILURE_LIMIT"),
            min_free_disk: env("TWENTY_MIN_FREE_DISK"),
            no_worker,
            cors_origins: env("TWENTY_CORS_ORIGINS"),
            webhook_allowed_hosts: env("TWENTY_WEBHOOK_ALLOWED_HOSTS"),
            webhook_timeout: env("TWENTY_WEBHOOK_TIMEOUT"),
            webhook_retry_schedule: env("TWENTY_WEBHOOK_RETRY_SCHEDULE"),
            webhook_retention: env("TWENTY_WEBHOOK_RETENTION"),
            webhook_concurrency: env("TWENTY_WEBHOOK_CONCURRENCY"),
            webhook_disable_after: env("TWENTY_WEBHOOK_DISABLE_AFTER"),
            webhook_poll_interval: env("TWENTY_WEBHOOK_POLL_INTERVAL"),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on, HOST:PORT (`localhost:3000` works).
        #[arg(long, env = "TWENTY_LISTEN")]
        listen: Option<String>,
        /// Refuse to start when migrations are pending instead of applying them.
        #[arg(long)]
        no_migrate: bool,
        /// Serve the API without delivering webhooks (run `twenty-server worker` for
        /// them, in this process's place).
        #[arg(long)]
        no_worker: bool,
    },
    /// Deliver webhooks only (no API): the events every serving process writes, to the
    /// workspaces' webhooks, with retries. Any number of workers and servers may share
    /// one Postgres database.
    Worker,
    /// Bring every workspace up to date with the embedded migrations.
    Migrate {
        /// List each workspace's pending migrations without applying them.
        #[arg(long)]
        dry_run: bool,
        /// Print one JSON object per workspace, a line each.
        #[arg(long)]
        json: bool,
    },
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// A workspace's own objects and fields as code: export them, apply a file.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Write a client SDK for a workspace's model (its custom objects included).
    Sdk {
        /// The workspace id.
        #[arg(long)]
        workspace: String,
        /// The SDK's language.
        #[arg(long, value_enum)]
        lang: crate::sdk_out::Lang,
        /// The directory to write the package into (created when absent).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout,
    /// e.g. `twenty-server completions bash > ~/.local/share/bash-completion/completions/twenty-server`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `schema …`
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the workspace's custom objects, the custom fields of its standard objects and
    /// what is inactive, as JSON.
    Export {
        /// The workspace id.
        #[arg(long)]
        workspace: String,
    },
    /// Make the workspace's custom objects and fields those of FILE (as `export` prints
    /// them): prints the plan, then applies it in one transaction.
    Apply {
        /// The workspace id.
        #[arg(long)]
        workspace: String,
        /// The schema file (JSON).
        file: std::path::PathBuf,
        /// Print the plan only.
        #[arg(long)]
        dry_run: bool,
        /// Apply a plan that drops objects or fields (their data is lost).
        #[arg(long)]
        allow_destructive: bool,
    },
}

/// `workspace …`
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace and a first (read-write) API key.
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List workspaces.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// An API key's scope, as `--scope` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyScope {
    /// Reads only.
    ReadOnly,
    /// Reads and writes records.
    ReadWrite,
    /// Records and the workspace's model.
    Admin,
}

/// `api-key …`
#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; its secret is printed once.
    Create {
        /// The workspace id.
        #[arg(long)]
        workspace: String,
        /// A name for the key.
        #[arg(long)]
        name: String,
        /// Only allow reads (the same as `--scope read-only`).
        #[arg(long, conflicts_with = "scope")]
        read_only: bool,
        /// What the key may do: read-only, read-write (records) or admin (records and
        /// the workspace's model, through the metadata API).
        #[arg(long, value_enum, default_value = "read-write")]
        scope: KeyScope,
        /// Lifetime such as 30d or 12h.
        #[arg(long)]
        expires_in: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List API keys (never their secrets).
    List {
        /// Only this workspace's keys.
        #[arg(long)]
        workspace: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API key.
    Revoke {
        /// The key id.
        id: String,
    },
}
