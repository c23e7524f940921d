//! Start-up and shutdown of a serving process: open the store, bring workspaces up to date
//! (or refuse), create the first workspace on an empty store, bind, serve until a signal.
use crate::config::{Config, ConfigError};
use crate::http::app;
use crate::state::AppState;
use crate::store::{NewApiKey, Store, StoreError, Workspace};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A bad setting.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Migrations are pending and `--no-migrate` was given.
    #[error(
        "workspace {workspace} has pending migrations ({names}); run `twenty-server migrate` first"
    )]
    Pending { workspace: String, names: String },
    /// A workspace could not be migrated at start-up.
    #[error("cannot migrate workspace {workspace}: {source}; see `twenty-server migrate`")]
    Migrate {
        workspace: String,
        source: StoreError,
    },
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr} (TWENTY_LISTEN): {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The HTTP server failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    /// The bound address (the real port when the config asked for port 0).
    pub addr: SocketAddr,
    /// The application state.
    pub state: AppState,
    /// The workspace and key created because the store was empty, to show once.
    pub first_workspace: Option<(Workspace, NewApiKey)>,
    shutdown: Option<watch::Sender<bool>>,
    task: JoinHandle<std::io::Result<()>>,
    /// The webhook worker, unless `--no-worker`.
    worker: Option<JoinHandle<()>>,
}

/// Applies pending migrations to every workspace, or with `no_migrate` refuses when any are pending.
pub async fn prepare_workspaces(store: &Store, no_migrate: bool) -> Result<(), ServerError> {
    for workspace in store.list_workspaces().await? {
        let id = workspace.id;
        if no_migrate {
            let pending = store.pending_migrations(id).await?;
            if !pending.is_empty() {
                return Err(ServerError::Pending {
                    workspace: id.to_string(),
                    names: pending.join(", "),
                });
            }
        } else {
            let report =
                store
                    .migrate_workspace(id)
                    .await
                    .map_err(|source| ServerError::Migrate {
                        workspace: id.to_string(),
                        source,
                    })?;
            if !report.applied.is_empty() {
                tracing::info!(workspace = %id, applied = ?report.applied, "migrated workspace");
            }
        }
        // A workspace's file is opened again by its first request: a server of many
        // workspaces does not keep them all open from start-up.
        store.release_workspace(id).await;
    }
    Ok(())
}

impl Server {
    /// Opens the store, prepares workspaces, binds `config.listen` and starts serving.
    pub async fn start(config: &Config) -> Result<Server, ServerError> {
        let store = Store::open(&config.database).await?;
        prepare_workspaces(&store, config.no_migrate).await?;
        let first_workspace = if store.list_workspaces().await?.is_empty() {
            Some(store.create_workspace("Default").await?)
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr()?;
        let state = AppState::with_limits(Arc::new(store), config.graphql)
            .with_rate_limits(config.rate)
            .with_body_timeout(config.conn.body_timeout)
            .with_min_free_disk(config.min_free_disk)
            .with_cors(config.cors.clone());
        let (shutdown, stopped) = watch::channel(false);
        let worker = match config.worker {
            true => {
                let worker = crate::webhooks::Worker::new(
                    state.store.clone(),
                    config.webhooks.clone(),
                    state.webhook_signals.clone(),
                    state.metrics.clone(),
                )
                .map_err(|e| ServerError::Io(std::io::Error::other(e)))?;
                Some(Arc::new(worker).spawn(stopped.clone()))
            }
            false => None,
        };
        let router = app(state.clone());
        let task = tokio::spawn(crate::conn::serve(listener, router, config.conn, stopped));
        tracing::info!(%addr, backend = state.store.backend(), "listening");
        Ok(Server {
            addr,
            state,
            first_workspace,
            shutdown: Some(shutdown),
            task,
            worker,
        })
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        let served = (&mut self.task).await;
        if let Some(worker) = self.worker.take() {
            let _ = worker.await;
        }
        match served {
            Ok(result) => Ok(result?),
            Err(e) => Err(ServerError::Io(std::io::Error::other(e))),
        }
    }

    /// Serves until ctrl-c or SIGTERM, then shuts down gracefully.
    pub async fn run_until_signal(self) -> Result<(), ServerError> {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }
}

/// `twenty-server worker`: brings workspaces up to date (or with `no_migrate` refuses
/// pending migrations), then delivers webhooks until a signal.
pub async fn work(config: Config) -> Result<(), ServerError> {
    let store = Arc::new(Store::open(&config.database).await?);
    prepare_workspaces(&store, config.no_migrate).await?;
    let signals = Arc::new(crate::webhooks::Signals::default());
    let worker =
        crate::webhooks::Worker::new(store, config.webhooks.clone(), signals, Arc::default())
            .map_err(|e| ServerError::Io(std::io::Error::other(e)))?;
    let (stop, stopped) = watch::channel(false);
    let task = Arc::new(worker).spawn(stopped);
    println!("Delivering webhooks (stop with Ctrl-C)");
    shutdown_signal().await;
    tracing::info!("shutting down");
    let _ = stop.send(true);
    let _ = task.await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Starts the server, prints the first workspace's key when one was just created, and
/// serves until a signal.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let server = Server::start(&config).await?;
    if let Some((workspace, key)) = &server.first_workspace {
        // Shown on stdout once: the secret is never stored, only its hash.
        println!(
            "Created workspace \"{}\" ({}).\nIts API key (shown once, keep it): {}\nCreate more with `twenty-server api-key create --workspace {} --name <name>`.",
            workspace.name, workspace.id, key.secret, workspace.id
        );
    }
    let base = format!("http://{}", server.addr);
    println!("Listening on {base}");
    println!("  REST API reference: {base}/rest/docs");
    println!("  GraphQL (GraphiQL): {base}/graphql");
    match &config.database {
        crate::config::Database::Sqlite { data_dir } => {
            let shown = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.clone());
            println!("  Data directory:     {}", shown.display());
        }
        crate::config::Database::Postgres { .. } => {
            println!("  Database:           Postgres (DATABASE_URL)");
        }
    }
    server.run_until_signal().await
}
