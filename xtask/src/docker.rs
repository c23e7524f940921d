//! `cargo xtask docker`: checks the packaging. The `Dockerfile` is linted with hadolint
//! and `compose.yaml` validated against the compose-spec schema (both from
//! `tools/docker-check/.venv`, pinned with hashes); where a Docker daemon answers, the
//! image is also built and its binary run as the image's user. `cargo xtask test` runs the
//! lint part.

use crate::test::{ensure_venv, run_command};
use std::path::Path;
use std::process::Command;

const HADOLINT: &str = "tools/docker-check/.venv/bin/hadolint";
const CHECK_JSONSCHEMA: &str = "tools/docker-check/.venv/bin/check-jsonschema";

/// Lints the Dockerfile and validates compose.yaml (needs python3).
pub fn lint(root: &Path) -> Result<(), String> {
    ensure_venv(root, "tools/docker-check", HADOLINT)?;
    run_command(
        Command::new(root.join(HADOLINT))
            .arg("--failure-threshold")
            .arg("info")
            .arg(root.join("Dockerfile")),
        "hadolint Dockerfile",
    )?;
    println!("Dockerfile: hadolint finds nothing");
    run_command(
        Command::new(root.join(CHECK_JSONSCHEMA))
            .args(["--builtin-schema", "vendor.compose-spec"])
            .arg(root.join("compose.yaml")),
        "check-jsonschema --builtin-schema vendor.compose-spec compose.yaml",
    )?;
    Ok(())
}

/// `cargo xtask docker`: lints both files, then builds and runs the image where Docker
/// can, saying plainly when it cannot.
pub fn run(root: &Path) -> Result<(), String> {
    lint(root)?;
    let daemon = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !daemon {
        println!(
            "no Docker daemon answers here: the Dockerfile and compose.yaml were linted, not built"
        );
        return Ok(());
    }
    run_command(
        Command::new("docker")
            .args(["build", "--tag", "twenty-rs:check", "."])
            .current_dir(root),
        "docker build --tag twenty-rs:check .",
    )?;
    run_command(
        Command::new("docker").args(["run", "--rm", "twenty-rs:check", "--version"]),
        "docker run --rm twenty-rs:check --version",
    )?;
    let user = Command::new("docker")
        .args([
            "image",
            "inspect",
            "--format",
            "{{.Config.User}}",
            "twenty-rs:check",
        ])
        .output()
        .map_err(|e| format!("cannot run docker image inspect: {e}"))?;
    let user = String::from_utf8_lossy(&user.stdout).trim().to_owned();
    if user.is_empty() || user.starts_with("0") || user.starts_with("root") {
        return Err(format!(
            "the image runs as {user:?}, not as a non-root user"
        ));
    }
    println!("image twenty-rs:check built; it runs as user {user}");
    Ok(())
}
