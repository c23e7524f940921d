//! `cargo xtask test`: sets up what the tests need on a fresh machine (PostgreSQL,
//! Chromium, the Node packages, openapi-generator), then runs the drift check, every Rust test, the
//! TypeScript SDK's tests and the Zapier connector's. Under `CI=true` nothing may be
//! skipped, so a missing service is an error instead of a skip.

use std::ffi::OsStr;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Runs every test of the repository.
pub fn run(root: &Path) -> Result<(), String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    step("PostgreSQL");
    ensure_postgres(root, ci)?;
    step("Chromium (the browser tests)");
    ensure_chromium(root, ci)?;
    step("Node packages (tools/spec-check, sdk-ts, zapier)");
    let node = ensure_node_tools(root, ci)?;
    step("openapi-generator (tools/spec-check/.venv)");
    ensure_openapi_generator(root, ci)?;
    step("generated files (cargo xtask codegen --check)");
    crate::codegen::run(
        root,
        crate::codegen::Options {
            check: true,
            allow_destructive: false,
        },
    )?;
    step("packaging (Dockerfile: hadolint; compose.yaml: the compose-spec schema)");
    let python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if python || ci {
        crate::docker::lint(root)?;
    } else {
        println!("skipped: python3 is not installed");
    }
    // The live tests (the Rust SDK's and, below, the TypeScript SDK's) start the real server
    // and the Rust SDK's README example: built once, here, into the target dir.
    step("binaries the live tests start (twenty-server, the Rust SDK's README example)");
    cargo(
        root,
        &["build", "-p", "twenty-server", "--bin", "twenty-server"],
    )?;
    cargo(root, &["build", "-p", "twenty-sdk", "--examples"])?;
    let nextest = Command::new("cargo")
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if nextest {
        // Doc tests first (nextest does not run them), so that the run closes on
        // nextest's summary of the whole suite.
        step("doc tests");
        cargo(root, &["test", "--workspace", "--doc"])?;
        step("Rust tests");
        cargo(root, &["nextest", "run", "--workspace", "--no-fail-fast"])?;
    } else {
        step("Rust tests");
        cargo(root, &["test", "--workspace", "--no-fail-fast"])?;
    }
    // The live scenarios of both packages start the binary built above on both backends.
    let server = crate::target_dir(root)
        .join("debug")
        .join(format!("twenty-server{}", std::env::consts::EXE_SUFFIX));
    let server_env = [("TWENTY_SERVER_BIN", server.as_os_str())];
    step("TypeScript SDK (sdk-ts: tsc, the OpenAPI agreement, node --test, the live server)");
    if node {
        npm_with(&root.join("sdk-ts"), &["test"], &server_env)?;
    } else {
        println!("skipped: node and npm are not installed");
    }
    step(
        "Zapier connector (zapier: zapier-platform-schema validation, the app tester against the live server)",
    );
    if node {
        npm_with(&root.join("zapier"), &["test"], &server_env)?;
    } else {
        println!("skipped: node and npm are not installed");
    }
    Ok(())
}

fn npm(dir: &Path, args: &[&str]) -> Result<(), String> {
    npm_with(dir, args, &[])
}

fn npm_with(dir: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Result<(), String> {
    let status = Command::new("npm")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm {}` failed in {}",
            args.join(" "),
            dir.display()
        ))
    }
}

fn step(what: &str) {
    println!("\n==> {what}");
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed", args.join(" ")))
    }
}

fn postgres_is_up() -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], 5432));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

/// Starts (and, when absent, installs) the local PostgreSQL the tests use, unless the
/// tests were pointed at another server with `TWENTY_TEST_PG_URL`.
pub(crate) fn ensure_postgres(root: &Path, ci: bool) -> Result<(), String> {
    if std::env::var_os("TWENTY_TEST_PG_URL").is_some() {
        println!("using TWENTY_TEST_PG_URL");
        return Ok(());
    }
    if postgres_is_up() {
        println!("PostgreSQL is listening on 127.0.0.1:5432");
        return Ok(());
    }
    let script = root.join("scripts/ensure-postgres.sh");
    let started = Command::new("bash")
        .arg(&script)
        .status()
        .is_ok_and(|s| s.success());
    if started && postgres_is_up() {
        return Ok(());
    }
    let message = format!(
        "PostgreSQL is not reachable on 127.0.0.1:5432 and {} could not start it",
        script.display()
    );
    if ci {
        Err(message)
    } else {
        println!("warning: {message}; the Postgres tests will print `skipped`");
        Ok(())
    }
}

/// Installs Debian's Chromium for the browser tests when absent. Outside CI a failure
/// only makes those tests print `skipped`.
fn ensure_chromium(root: &Path, ci: bool) -> Result<(), String> {
    let installed = || {
        Command::new("chromium")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if installed() {
        println!("Chromium is installed");
        return Ok(());
    }
    let script = root.join("scripts/ensure-chromium.sh");
    let done = Command::new("bash")
        .arg(&script)
        .status()
        .is_ok_and(|s| s.success());
    if done && installed() {
        return Ok(());
    }
    let message = format!("Chromium is not installed and {} failed", script.display());
    if ci {
        Err(message)
    } else {
        println!("warning: {message}; the browser tests will print `skipped`");
        Ok(())
    }
}

/// Where `ensure_openapi_generator` installs openapi-generator's Python wrapper (the jar
/// inside it), relative to the workspace root.
pub(crate) const OPENAPI_GENERATOR: &str = "tools/spec-check/.venv/bin/openapi-generator-cli";

/// Installs the pinned openapi-generator (PyPI `openapi-generator-cli`, hashes checked) into
/// a project-local venv when its requirements changed. Needs `python3` and `java`; outside
/// CI their absence only makes the generator's test print `skipped`.
fn ensure_openapi_generator(root: &Path, ci: bool) -> Result<(), String> {
    let works = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing: Vec<&str> = [("python3", "--version"), ("java", "-version")]
        .into_iter()
        .filter(|(program, arg)| !works(program, arg))
        .map(|(program, _)| program)
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "{} not installed; the openapi-generator check needs them",
            missing.join(" and ")
        );
        return if ci {
            Err(message)
        } else {
            println!("warning: {message}; it will print `skipped`");
            Ok(())
        };
    }
    ensure_venv(root, "tools/spec-check", OPENAPI_GENERATOR)
}

/// Installs `<tool_dir>/requirements.txt` (pinned, hashes checked) into
/// `<tool_dir>/.venv` unless `bin` (relative to the root) exists and the venv was built
/// from the same requirements.
pub(crate) fn ensure_venv(root: &Path, tool_dir: &str, bin: &str) -> Result<(), String> {
    let dir = root.join(tool_dir);
    let venv = dir.join(".venv");
    let requirements = std::fs::read_to_string(dir.join("requirements.txt"))
        .map_err(|e| format!("cannot read {tool_dir}/requirements.txt: {e}"))?;
    // A copy of the requirements the venv was built from: a change rebuilds it.
    let installed = venv.join("installed-requirements.txt");
    if root.join(bin).exists()
        && std::fs::read_to_string(&installed).is_ok_and(|i| i == requirements)
    {
        println!("{tool_dir}/.venv: up to date");
        return Ok(());
    }
    run_command(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        "python3 -m venv",
    )?;
    run_command(
        Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
            ])
            .arg(dir.join("requirements.txt")),
        &format!("pip install -r {tool_dir}/requirements.txt"),
    )?;
    std::fs::write(&installed, requirements)
        .map_err(|e| format!("cannot write {}: {e}", installed.display()))
}

pub(crate) fn run_command(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed"))
    }
}

/// Installs the pinned Node packages (the validators, the SDK's compiler and
/// cross-check) from their lockfiles when needed. `Ok(false)`: no Node here (outside CI).
fn ensure_node_tools(root: &Path, ci: bool) -> Result<bool, String> {
    let has_npm = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_npm {
        let message = "node and npm are not installed; the OpenAPI and GraphQL validation tests and the TypeScript SDK's tests need them";
        return if ci {
            Err(message.to_owned())
        } else {
            println!("warning: {message}; they will print `skipped`");
            Ok(false)
        };
    }
    for package in ["tools/spec-check", "sdk-ts", "zapier"] {
        let dir = root.join(package);
        let installed = dir.join("node_modules/.package-lock.json");
        let lock = dir.join("package-lock.json");
        let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
        if modified(&installed).is_some() && modified(&installed) >= modified(&lock) {
            println!("{package}: up to date");
            continue;
        }
        npm(&dir, &["ci", "--no-audit", "--no-fund"])?;
    }
    Ok(true)
}
