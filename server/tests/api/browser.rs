//! In a real browser (Debian's Chromium, headless, started by the test): the REST API
//! reference page renders the document's operations, and a page of another origin calls
//! the API through CORS — or is refused when its origin is not allowed. Chromium is
//! installed by `cargo xtask test`; without it these tests print `skipped` (under
//! `CI=true` they fail instead).
use crate::support::{Backend, TestDb, url};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twenty_server::config::{Config, CorsOrigins};

/// Chromium's path (`CHROMIUM`, else `chromium` on the PATH); `None` outside CI when it
/// is absent.
fn chromium() -> Option<PathBuf> {
    let program = std::env::var_os("CHROMIUM").unwrap_or_else(|| "chromium".into());
    let works = std::process::Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(PathBuf::from(program));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "Chromium is required under CI=true (scripts/ensure-chromium.sh installs it)"
    );
    eprintln!("skipped: Chromium is not installed (scripts/ensure-chromium.sh)");
    None
}

/// The DOM of `page` once its scripts have run (network included), as Chromium prints it.
async fn rendered(chromium: &PathBuf, page: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let run = tokio::process::Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=30000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", page])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("Chromium renders the page within 2 minutes")
        .expect("Chromium starts");
    assert!(
        output.status.success(),
        "Chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_renders_the_operations_in_a_browser() {
    let Some(chromium) = chromium() else {
        return;
    };
    let Some(db) = TestDb::new(Backend::Sqlite, "browserdocs").await else {
        return;
    };
    let server = db.start().await;
    let dom = rendered(&chromium, &url(server.addr, "/rest/docs")).await;
    // Swagger UI rendered the document: a section per object, named by its tag.
    for tag in ["companies", "people", "opportunities", "search"] {
        assert!(
            dom.contains(&format!("id=\"operations-tag-{tag}\"")),
            "no section for {tag} in the rendered page:\n{}",
            &dom[..dom.len().min(4000)]
        );
    }
    assert!(dom.contains("the standard document"), "no key given");
    assert!(!dom.contains("Failed to load API definition"), "{dom}");
    server.stop().await.unwrap();
}

/// Serves `page` to every request on a port of its own (another origin than the API's).
async fn serve_page(page: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

/// A page that creates a company and lists companies through the API named by its
/// query (`?api=http://…&key=…`), and writes what happened into `<pre id="out">`.
const CALLING_PAGE: &str = r#"<!doctype html><html><body><pre id="out">pending</pre><script>
const query = new URLSearchParams(window.location.search);
const api = query.get('api');
const headers = { Authorization: 'Bearer ' + query.get('key'), 'Content-Type': 'application/json' };
const out = (text) => { document.getElementById('out').textContent = text; };
(async () => {
  try {
    const created = await fetch(api + '/rest/companies', { method: 'POST', headers, body: JSON.stringify({ name: 'From a browser' }) });
    const list = await fetch(api + '/rest/companies?limit=5', { headers });
    const body = await list.json();
    const names = body.data.companies.map((c) => c.name).join(',');
    out('created ' + created.status + ' listed ' + list.status + ' names ' + names + ' request-id ' + (list.headers.get('x-request-id') ? 'visible' : 'hidden'));
  } catch (e) {
    out('refused ' + e.name);
  }
})();
</script></body></html>"#;

/// The text of `<pre id="out">` in a rendered page.
fn out(dom: &str) -> &str {
    let start = dom.find("<pre id=\"out\">").expect("the page's output") + 14;
    let end = dom[start..].find("</pre>").expect("the end of the output") + start;
    &dom[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_an_allowed_origin_calls_the_api_and_another_is_refused() {
    let Some(chromium) = chromium() else {
        return;
    };
    let Some(db) = TestDb::new(Backend::Sqlite, "browsercors").await else {
        return;
    };
    // Two origins serve the same page; the API allows the first only.
    let allowed = serve_page(CALLING_PAGE).await;
    let refused = serve_page(CALLING_PAGE).await;
    let (server, key) = crate::support::start_keyed(&Config {
        cors: CorsOrigins::List(vec![format!("http://{allowed}")]),
        ..db.config()
    })
    .await;
    let page =
        |origin: SocketAddr| format!("http://{origin}/?api=http://{}&key={key}", server.addr);

    let dom = rendered(&chromium, &page(allowed)).await;
    assert_eq!(
        out(&dom),
        "created 201 listed 200 names From a browser request-id visible"
    );
    let dom = rendered(&chromium, &page(refused)).await;
    assert_eq!(out(&dom), "refused TypeError");
    // The refused page's POST was never sent (its preflight got no grant): one company.
    let response = reqwest::Client::new()
        .get(url(server.addr, "/rest/companies"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["data"]["companies"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    server.stop().await.unwrap();
}
