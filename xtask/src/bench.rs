//! `cargo xtask bench`: builds the release server and the benchmark harness, makes sure
//! Postgres runs when it is measured, then runs `twenty-bench run` (crate `bench/`) with
//! the report written to `<target dir>/bench/report.md` (and `report.json`).

use std::path::Path;
use std::process::Command;

/// The options of `cargo xtask bench`, passed on to `twenty-bench run`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--flag value` pairs, validated by name here and by value by `twenty-bench`.
    pass_on: Vec<(String, String)>,
    backend: Option<String>,
}

/// The scenarios `--only` may name (`twenty-bench` checks that this list is its own).
const SCENARIOS: &str = include_str!("../../bench/scenarios.txt");

const FLAGS: [&str; 8] = [
    "--duration",
    "--only",
    "--warmup",
    "--connections",
    "--backend",
    "--people",
    "--workspaces",
    "--model-objects",
];

impl Options {
    /// Parses `[--duration 10s] [--warmup 2s] [--connections 16]
    /// [--backend sqlite|postgres|both] [--people 10000] [--workspaces 100]
    /// [--model-objects 50] [--only rest-list-20,…]` (also as `--flag=value`).
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, value) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), value.to_owned()),
                None => {
                    let value = args
                        .next()
                        .ok_or_else(|| format!("`{arg}` needs a value"))?;
                    (arg.clone(), value.clone())
                }
            };
            if !FLAGS.contains(&flag.as_str()) {
                return Err(format!(
                    "unknown option `{flag}` for `bench` (options: {})",
                    FLAGS.join(", ")
                ));
            }
            if flag == "--only" {
                let known: Vec<&str> = SCENARIOS.lines().collect();
                if let Some(unknown) = value.split(',').find(|o| !known.contains(o)) {
                    return Err(format!(
                        "unknown scenario `{unknown}` in --only (scenarios: {})",
                        known.join(", ")
                    ));
                }
            }
            if flag == "--backend" {
                if !["sqlite", "postgres", "both"].contains(&value.as_str()) {
                    return Err(format!(
                        "invalid --backend `{value}`: expected sqlite, postgres or both"
                    ));
                }
                options.backend = Some(value.clone());
            }
            if options.pass_on.iter().any(|(f, _)| *f == flag) {
                return Err(format!("`{flag}` is given twice"));
            }
            options.pass_on.push((flag, value));
        }
        Ok(options)
    }
}

/// Builds and runs the benchmark.
pub fn run(root: &Path, options: Options) -> Result<(), String> {
    if options.backend.as_deref() != Some("sqlite") {
        println!("==> PostgreSQL");
        crate::test::ensure_postgres(root, true)?;
    }
    println!("==> building the release server and the benchmark");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "-p",
            "twenty-server",
            "-p",
            "twenty-bench",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("`cargo build --release -p twenty-server -p twenty-bench` failed".into());
    }
    let target = crate::target_dir(root);
    let release = target.join("release");
    let report = target.join("bench").join("report.md");
    let json = target.join("bench").join("report.json");
    println!("==> benchmark");
    let mut command = Command::new(release.join("twenty-bench"));
    command
        .arg("run")
        .arg("--server-bin")
        .arg(release.join("twenty-server"))
        .arg("--report")
        .arg(&report)
        .arg("--json")
        .arg(&json);
    for (flag, value) in &options.pass_on {
        command.arg(flag).arg(value);
    }
    let status = command
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run twenty-bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the benchmark failed (see above)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::Options;

    fn parse(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        Options::parse(&args)
    }

    #[test]
    fn options_are_passed_on_in_both_spellings() {
        let options = parse(&["--duration", "3s", "--backend=sqlite"]).expect("valid");
        assert_eq!(
            options.pass_on,
            vec![
                ("--duration".to_owned(), "3s".to_owned()),
                ("--backend".to_owned(), "sqlite".to_owned())
            ]
        );
        assert_eq!(options.backend.as_deref(), Some("sqlite"));
    }

    #[test]
    fn bad_options_are_refused_with_their_name() {
        assert!(parse(&["--speed", "1"]).unwrap_err().contains("--speed"));
        assert!(
            parse(&["--backend", "mysql"])
                .unwrap_err()
                .contains("mysql")
        );
        assert!(
            parse(&["--duration"])
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse(&["--warmup", "1s", "--warmup", "2s"])
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn only_names_known_scenarios() {
        assert!(parse(&["--only", "rest-create,graphql-nested"]).is_ok());
        let err = parse(&["--only", "rest-create,rest-crate"]).unwrap_err();
        assert!(
            err.contains("`rest-crate`") && err.contains("rest-list-20"),
            "{err}"
        );
    }
}
