//! The README's "REST API" (and "GraphQL API") examples, run as written: every `curl`
//! command of a section's `sh` blocks against a real server (with `TWENTY_URL` and
//! `TWENTY_KEY` set), each answered with the status in the `# NNN` comment under it, and
//! with every `"code":"…"` / `"twentyCode":"…"` the comment shows. The docs cannot rot
//! unnoticed.
use crate::both;
use crate::support::{Backend, TestDb};

/// One documented command and the status its comment promises.
#[derive(Debug)]
struct Example {
    command: String,
    status: u16,
    comment: String,
}

/// The `curl` commands of the `sh` blocks of the README section titled `## {title}`.
fn examples(title: &str) -> Vec<Example> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let start = readme
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("a {title} section"));
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut examples = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<String> = None;
    let mut continued = false;
    for line in section.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if continued {
            let command = pending.as_mut().expect("a command being continued");
            command.push('\n');
            command.push_str(line);
            continued = line.ends_with('\\');
            continue;
        }
        if line.starts_with("curl ") {
            assert!(
                pending.is_none(),
                "a command has no `# NNN` status line: {pending:?}"
            );
            pending = Some(line.to_owned());
            continued = line.ends_with('\\');
        } else if let Some(rest) = line.strip_prefix("# ") {
            let command = pending
                .take()
                .unwrap_or_else(|| panic!("a status with no command: {line}"));
            let status = rest
                .get(..3)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("`{line}` does not start with a status"));
            examples.push(Example {
                command,
                status,
                comment: rest.to_owned(),
            });
        }
    }
    assert!(
        pending.is_none(),
        "the last command has no status: {pending:?}"
    );
    examples
}

/// The `"code":"X"` and `"twentyCode":"X"` fragments of a comment.
fn codes(comment: &str) -> Vec<String> {
    let mut found = Vec::new();
    for key in ["\"code\":\"", "\"twentyCode\":\""] {
        for (i, _) in comment.match_indices(key) {
            let rest = &comment[i + key.len()..];
            if let Some(end) = rest.find('"') {
                found.push(format!("{key}{}\"", &rest[..end]));
            }
        }
    }
    found
}

async fn the_readme_curl_examples_answer_as_documented(backend: Backend) {
    run_section(backend, "REST API", "restreadme").await;
}
both!(the_readme_curl_examples_answer_as_documented);

/// Runs every example of the README section `title` against a fresh server.
pub async fn run_section(backend: Backend, title: &str, test: &str) {
    let examples = examples(title);
    assert!(examples.len() >= 10, "{examples:?}");
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("curl is needed to run the README examples");
        }
        eprintln!("skipped: curl is not installed");
        return;
    }
    let Some(db) = TestDb::new(backend, test).await else {
        return;
    };
    let server = db.start().await;
    let (_, key) = server.first_workspace.clone().expect("a first workspace");
    let base = format!("http://{}", server.addr);
    // Examples may write files (`-o schema.graphql`): they run in a directory of their own.
    let cwd = tempfile::tempdir().expect("a temporary directory");
    for example in examples {
        // The status goes on a line of its own after the body.
        let output = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{} -w '\\n%{{http_code}}'", example.command))
            .current_dir(cwd.path())
            .env("TWENTY_URL", &base)
            .env("TWENTY_KEY", &key.secret)
            .output()
            .await
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (body, status) = stdout.rsplit_once('\n').unwrap_or(("", &stdout));
        assert_eq!(
            status.trim().parse::<u16>().ok(),
            Some(example.status),
            "{}\n→ {body}\n{}",
            example.command,
            String::from_utf8_lossy(&output.stderr)
        );
        if example.status < 300 && example.comment.contains("{\"data\":{") {
            let json: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
            assert!(json["data"].is_object(), "{body}");
        }
        for code in codes(&example.comment) {
            assert!(
                body.contains(&code),
                "{}\n→ {body}\nlacks {code}",
                example.command
            );
        }
    }
}
