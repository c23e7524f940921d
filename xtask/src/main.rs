//! The project's task runner: `cargo xtask codegen [--check] [--allow-destructive]`,
//! `cargo xtask test`, `cargo xtask docker` and `cargo xtask bench`. Owns the I/O around the pure compiler; no
//! emitter logic lives here.

mod bench;
mod codegen;
mod docker;
mod new_object;
mod test;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--allow-destructive]
      Compiles the standard objects into the checked-in files: migrations/{postgres,sqlite}/,
      migrations/schema.lock.json, openapi/core.json, graphql/core.graphql,
      sdk-ts/src/generated/ and sdk-ts/test/generated/ (the TypeScript SDK's types),
      sdk-rust/src/generated.rs (the Rust SDK's types),
      zapier/src/generated/model.json (the Zapier connector's field-type table).
      --check               writes nothing; fails naming every stale file
      --allow-destructive   lets a new migration drop objects, fields or select options
  test
      Sets up what the tests need (PostgreSQL, the Node packages) and runs every test:
      the codegen drift check, the Rust tests (Postgres and SQLite legs), the doc tests and
      the TypeScript SDK's tests (tsc, the OpenAPI agreement, node --test, the live server)
      and the Zapier connector's (schema validation, the app tester against the live server).
  new-object <nameSingular> [--plural <namePlural>]
      Scaffolds a standard object: standard-objects/src/objects/<name>.rs with fresh
      stable ids and a `name` field, registered in objects/mod.rs and lib.rs's list; add
      its fields, then run `cargo xtask codegen`.
  docker
      Checks the packaging: lints the Dockerfile (hadolint) and validates compose.yaml
      (the compose-spec schema), then, where a Docker daemon answers, builds the image and
      runs its binary as the image's non-root user.
  bench [--duration 10s] [--warmup 2s] [--connections 16] [--backend sqlite|postgres|both]
        [--people 10000] [--only rest-list-20,graphql-list-20,…]
      Builds the release server, seeds a fresh store, and measures REST list / get / filter /
      create and a minimal axum + sqlx floor on 127.0.0.1; prints req/s, p50, p99, the ratio
      to the floor and the server's peak RSS against the targets, and writes
      <target dir>/bench/report.md. --only runs the named scenarios (and the floor): those
      of bench/scenarios.txt (rest-list-20, graphql-nested, graphql-get-by-id, rest-create,
      graphql-create, the runtime-model and the webhook scenarios, …).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::Options::parse(&args[1..])
            .and_then(|options| codegen::run(&workspace_root(), options)),
        Some("test") => match args.get(1) {
            None => test::run(&workspace_root()),
            Some(extra) => Err(format!("`test` takes no arguments (got `{extra}`)")),
        },
        Some("new-object") => new_object::Options::parse(&args[1..])
            .and_then(|options| new_object::run(&workspace_root(), &options)),
        Some("docker") => match args.get(1) {
            None => docker::run(&workspace_root()),
            Some(extra) => Err(format!("`docker` takes no arguments (got `{extra}`)")),
        },
        Some("bench") => {
            bench::Options::parse(&args[1..]).and_then(|o| bench::run(&workspace_root(), o))
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Cargo's target directory for commands run from `root`: `CARGO_TARGET_DIR` (a relative
/// one is relative to the root) or `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    resolve_target_dir(root, std::env::var_os("CARGO_TARGET_DIR"))
}

fn resolve_target_dir(root: &Path, configured: Option<OsString>) -> PathBuf {
    match configured {
        // Joining an absolute path replaces the root.
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The repository root (the xtask crate lives one level below it).
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

#[cfg(test)]
mod tests {
    use super::resolve_target_dir;
    use std::path::Path;

    #[test]
    fn the_target_dir_is_cargo_target_dir_against_the_root_or_target() {
        let root = Path::new("/repo");
        assert_eq!(resolve_target_dir(root, None), root.join("target"));
        assert_eq!(
            resolve_target_dir(root, Some("build/t".into())),
            root.join("build/t")
        );
        assert_eq!(
            resolve_target_dir(root, Some("/work/targets/x".into())),
            Path::new("/work/targets/x")
        );
    }
}
