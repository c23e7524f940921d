//! The administrative commands (`migrate`, `workspace …`, `api-key …`): run against the
//! store and print for a human or, with `--json`, for a script. Output only to `out`.
use crate::cli::{ApiKeyCommand, KeyScope, SchemaCommand, WorkspaceCommand};
use crate::metadata::schema_file;
use crate::store::{ApiKey, Scope, Store, StoreError, now_ms};
use std::io::Write;
use std::time::{Duration, UNIX_EPOCH};
use uuid::Uuid;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A bad argument.
    #[error("{0}")]
    Usage(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// A change of a workspace's model was refused (the message says why).
    #[error("{0}")]
    Refused(String),
    /// Some workspaces could not be migrated.
    #[error("{failed} of {total} workspaces failed to migrate")]
    MigrateFailed { failed: usize, total: usize },
}

fn parse_uuid(what: &str, text: &str) -> Result<Uuid, CommandError> {
    Uuid::parse_str(text)
        .map_err(|_| CommandError::Usage(format!("invalid {what} {text:?}: expected a UUID")))
}

/// RFC 3339 (seconds) of Unix milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    humantime::format_rfc3339_seconds(time).to_string()
}

/// How `migrate` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct MigrateOptions {
    /// List the pending migrations without applying them.
    pub dry_run: bool,
    /// One JSON object per workspace, a line each: `{"workspace", "name", "status",
    /// "migrations", "error"?}` with status `up_to_date`, `pending`, `applied` or
    /// `failed`.
    pub json: bool,
}

/// `migrate`: each workspace in its own transaction; a failure is reported and the rest go
/// on. With `dry_run`, what each workspace would get, changing nothing.
pub async fn migrate(
    store: &Store,
    options: MigrateOptions,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    let workspaces = store.list_workspaces().await?;
    let total = workspaces.len();
    let mut failed = 0;
    for (i, workspace) in workspaces.iter().enumerate() {
        let prefix = format!(
            "[{}/{total}] workspace {} ({})",
            i + 1,
            workspace.id,
            workspace.name
        );
        let outcome: Result<(&str, Vec<String>), String> = if options.dry_run {
            match store.pending_migrations(workspace.id).await {
                Ok(pending) if pending.is_empty() => Ok(("up_to_date", Vec::new())),
                Ok(pending) => Ok(("pending", pending.iter().map(|p| (*p).to_owned()).collect())),
                Err(e) => Err(e.to_string()),
            }
        } else {
            match store.migrate_workspace(workspace.id).await {
                Ok(report) if report.applied.is_empty() => Ok(("up_to_date", Vec::new())),
                Ok(report) => Ok((
                    "applied",
                    report.applied.iter().map(|p| (*p).to_owned()).collect(),
                )),
                Err(e) => Err(e.to_string()),
            }
        };
        if outcome.is_err() {
            failed += 1;
        }
        if options.json {
            let line = match &outcome {
                Ok((status, migrations)) => serde_json::json!({
                    "workspace": workspace.id, "name": workspace.name,
                    "status": status, "migrations": migrations,
                }),
                Err(e) => serde_json::json!({
                    "workspace": workspace.id, "name": workspace.name,
                    "status": "failed", "migrations": [], "error": e,
                }),
            };
            writeln!(out, "{line}")?;
            continue;
        }
        match outcome {
            Ok(("up_to_date", _)) => writeln!(out, "{prefix}: up to date")?,
            Ok(("pending", names)) => writeln!(out, "{prefix}: would apply {}", names.join(", "))?,
            Ok((_, names)) => writeln!(out, "{prefix}: applied {}", names.join(", "))?,
            Err(e) => writeln!(out, "{prefix}: FAILED: {e}")?,
        }
    }
    if !options.json {
        match options.dry_run {
            true => writeln!(
                out,
                "dry run: nothing was applied ({} of {total} workspaces checked)",
                total - failed
            )?,
            false => writeln!(out, "{} of {total} workspaces up to date", total - failed)?,
        }
    }
    if failed > 0 {
        return Err(CommandError::MigrateFailed { failed, total });
    }
    Ok(())
}

/// `workspace create` / `workspace list`.
pub async fn workspace(
    store: &Store,
    command: WorkspaceCommand,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    match command {
        WorkspaceCommand::Create { name, json } => {
            if name.trim().is_empty() {
                return Err(CommandError::Usage("--name must not be empty".into()));
            }
            let (workspace, key) = store.create_workspace(&name).await?;
            if json {
                let value = serde_json::json!({"workspace": workspace, "apiKey": key});
                writeln!(out, "{value}")?;
            } else {
                writeln!(
                    out,
                    "Created workspace \"{}\" ({}).",
                    workspace.name, workspace.id
                )?;
                writeln!(out, "Its API key (shown once, keep it): {}", key.secret)?;
            }
        }
        WorkspaceCommand::List { json } => {
            let workspaces = store.list_workspaces().await?;
            if json {
                writeln!(out, "{}", serde_json::json!(workspaces))?;
            } else {
                for w in workspaces {
                    writeln!(
                        out,
                        "{}  {}  created {}",
                        w.id,
                        w.name,
                        rfc3339(w.created_at)
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn status(key: &ApiKey, now: i64) -> &'static str {
    if key.revoked_at.is_some() {
        "revoked"
    } else if key.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else {
        "active"
    }
}

/// `api-key create` / `list` / `revoke`.
pub async fn api_key(
    store: &Store,
    command: ApiKeyCommand,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    match command {
        ApiKeyCommand::Create {
            workspace,
            name,
            read_only,
            scope,
            expires_in,
            json,
        } => {
            let workspace_id = parse_uuid("workspace id", &workspace)?;
            if store.workspace(workspace_id).await?.is_none() {
                return Err(CommandError::Usage(format!(
                    "no workspace with id {workspace_id}"
                )));
            }
            let expires_at = match expires_in {
                None => None,
                Some(text) => {
                    let lifetime = humantime::parse_duration(&text).map_err(|e| {
                        CommandError::Usage(format!(
                            "invalid --expires-in {text:?}: {e} (examples: 30d, 12h)"
                        ))
                    })?;
                    // A key born expired is a mistake, not a key.
                    if lifetime < std::time::Duration::from_secs(1) {
                        return Err(CommandError::Usage(format!(
                            "invalid --expires-in {text:?}: a key must live at least 1s (examples: 30d, 12h)"
                        )));
                    }
                    let ms = i64::try_from(lifetime.as_millis()).map_err(|_| {
                        CommandError::Usage(format!("--expires-in {text:?} is too long"))
                    })?;
                    Some(now_ms().saturating_add(ms))
                }
            };
            let scope = match (read_only, scope) {
                (true, _) | (false, KeyScope::ReadOnly) => Scope::ReadOnly,
                (false, KeyScope::ReadWrite) => Scope::ReadWrite,
                (false, KeyScope::Admin) => Scope::Admin,
            };
            let key = store
                .create_api_key(workspace_id, &name, scope, expires_at)
                .await?;
            if json {
                writeln!(out, "{}", serde_json::json!(key))?;
            } else {
                writeln!(
                    out,
                    "Created API key {} ({}, {}).",
                    key.key.id,
                    key.key.name,
                    scope.as_str()
                )?;
                if let Some(at) = expires_at {
                    writeln!(out, "Expires at {}.", rfc3339(at))?;
                }
                writeln!(out, "Secret (shown once, keep it): {}", key.secret)?;
            }
        }
        ApiKeyCommand::List { workspace, json } => {
            let workspace = workspace
                .map(|w| parse_uuid("workspace id", &w))
                .transpose()?;
            let keys = store.list_api_keys(workspace).await?;
            let now = now_ms();
            if json {
                let rows: Vec<_> = keys
                    .iter()
                    .map(|k| {
                        let mut value = serde_json::json!(k);
                        value["status"] = status(k, now).into();
                        value
                    })
                    .collect();
                writeln!(out, "{}", serde_json::Value::Array(rows))?;
            } else {
                for k in keys {
                    let expires = k.expires_at.map_or("never".to_owned(), rfc3339);
                    let used = k.last_used_at.map_or("never".to_owned(), rfc3339);
                    writeln!(
                        out,
                        "{}  workspace {}  {}  {}  {}  expires {expires}  last used {used}",
                        k.id,
                        k.workspace_id,
                        k.name,
                        k.scope.as_str(),
                        status(&k, now)
                    )?;
                }
            }
        }
        ApiKeyCommand::Revoke { id } => {
            let id = parse_uuid("API key id", &id)?;
            if !store.revoke_api_key(id).await? {
                return Err(CommandError::Usage(format!(
                    "no active API key with id {id}"
                )));
            }
            writeln!(out, "Revoked API key {id}.")?;
        }
    }
    Ok(())
}

/// The workspace `text` names, which must exist.
async fn existing_workspace(store: &Store, text: &str) -> Result<Uuid, CommandError> {
    let id = parse_uuid("workspace id", text)?;
    if store.workspace(id).await?.is_none() {
        return Err(CommandError::Usage(format!("no workspace has id {id}")));
    }
    Ok(id)
}

/// `schema export` and `schema apply`.
pub async fn schema(
    store: &Store,
    command: SchemaCommand,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    match command {
        SchemaCommand::Export { workspace } => {
            let id = existing_workspace(store, &workspace).await?;
            let catalog = store.catalog(id).await?;
            writeln!(
                out,
                "{}",
                schema_file::to_json(&schema_file::export(&catalog))
            )?;
        }
        SchemaCommand::Apply {
            workspace,
            file,
            dry_run,
            allow_destructive,
        } => {
            let id = existing_workspace(store, &workspace).await?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CommandError::Usage(format!("cannot read {}: {e}", file.display())))?;
            let wanted = schema_file::parse(&text).map_err(|e| CommandError::Usage(e.message))?;
            let refused = |e: crate::error::ApiError| CommandError::Refused(e.message);
            if dry_run {
                let from = store.catalog(id).await?;
                let edit = schema_file::edit(&from, &wanted, store.dialect(), allow_destructive)
                    .map_err(refused)?;
                let plan = crate::metadata::describe(&from, &edit.to);
                if plan.is_empty() {
                    writeln!(out, "Nothing to change.")?;
                    return Ok(());
                }
                writeln!(out, "Plan (not applied: --dry-run):")?;
                for line in plan {
                    writeln!(out, "  {line}")?;
                }
                return Ok(());
            }
            let mut plan = Vec::new();
            let applied = crate::metadata::apply(store, id, |from, dialect| {
                let edit = schema_file::edit(from, &wanted, dialect, allow_destructive)?;
                plan = crate::metadata::describe(from, &edit.to);
                Ok(edit)
            })
            .await
            .map_err(refused)?;
            if !applied.changed {
                writeln!(out, "Nothing to change.")?;
                return Ok(());
            }
            for line in &plan {
                writeln!(out, "  {line}")?;
            }
            writeln!(
                out,
                "Applied: workspace {id} is at metadata version {} (running servers serve it within a second).",
                applied.catalog.version
            )?;
        }
    }
    Ok(())
}

/// `sdk --workspace ID --lang ts|rust --out DIR`.
pub async fn sdk(
    store: &Store,
    workspace: &str,
    lang: crate::sdk_out::Lang,
    dir: &std::path::Path,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    let id = existing_workspace(store, workspace).await?;
    let (version, model) = store.workspace_model(id).await?;
    let written = crate::sdk_out::write(&model, lang, dir)
        .map_err(|e| CommandError::Usage(format!("cannot write {}: {e}", dir.display())))?;
    writeln!(
        out,
        "Wrote {} files of the {} SDK of workspace {id} (metadata version {version}, {} objects) to {}.",
        written.len(),
        match lang {
            crate::sdk_out::Lang::Ts => "TypeScript",
            crate::sdk_out::Lang::Rust => "Rust",
        },
        model.objects.len(),
        dir.display()
    )?;
    Ok(())
}
