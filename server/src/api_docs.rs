//! `GET /rest/docs`: the REST API's reference page — Swagger UI, vendored
//! (`server/assets/api-docs/`, see its README) and served from the binary under
//! `/rest/docs/assets/…`, so it works without internet. No key is needed to load it: it
//! shows the standard document; with a key pasted into its bar (kept in the browser's
//! local storage) it shows the workspace's own document, custom objects included, and
//! "Try it out" calls the API with that key.

use crate::document::Assets;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Twenty REST API</title>
  <link rel="stylesheet" href="/rest/docs/assets/swagger-ui.css">
  <style>
    body { margin: 0; font-family: sans-serif; }
    #key-bar { display: flex; gap: .5em; align-items: center; padding: .6em 1em; background: #1f1f1f; color: #eee; font-size: 14px; }
    #key-bar input { flex: 1; max-width: 40em; font-family: monospace; padding: .3em; }
    #key-bar a { color: #9cf; margin-left: auto; }
  </style>
</head>
<body>
  <form id="key-bar">
    <label for="key">API key</label>
    <input id="key" type="password" autocomplete="off" placeholder="twk_… (optional: shows your workspace's own objects)">
    <button type="submit">Use key</button>
    <button type="button" id="forget">Forget key</button>
    <span id="which"></span>
    <a href="/graphql">GraphQL (GraphiQL)</a>
  </form>
  <div id="swagger-ui">Loading the API reference…</div>
  <script src="/rest/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    const STORE = 'twenty-api-key';
    const input = document.getElementById('key');
    function key() { return window.localStorage.getItem(STORE) || ''; }
    function render() {
      const k = key();
      document.getElementById('which').textContent = k ? 'your workspace\u2019s document' : 'the standard document';
      window.ui = SwaggerUIBundle({
        url: window.location.origin + '/rest/open-api/core',
        dom_id: '#swagger-ui',
        deepLinking: true,
        docExpansion: 'none',
        defaultModelsExpandDepth: 0,
        // The key goes with the document's request and with every "Try it out".
        requestInterceptor: (request) => {
          if (k && !request.headers.Authorization) {
            request.headers.Authorization = 'Bearer ' + k;
          }
          return request;
        },
      });
    }
    document.getElementById('key-bar').addEventListener('submit', (event) => {
      event.preventDefault();
      window.localStorage.setItem(STORE, input.value.trim());
      input.value = '';
      render();
    });
    document.getElementById('forget').addEventListener('click', () => {
      window.localStorage.removeItem(STORE);
      render();
    });
    render();
  </script>
</body>
</html>
"#;

/// The vendored files: name, content type, bytes.
const ASSETS: [(&str, &str, &[u8]); 2] = [
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/api-docs/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/api-docs/swagger-ui.css"),
    ),
];

/// The reference page (no key needed to load it).
pub async fn page() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        PAGE,
    )
        .into_response()
}

/// `GET /rest/docs/assets/{file}`: one vendored file, cacheable for a day.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    static FILES: Assets = Assets::new("API reference", &ASSETS);
    FILES.respond(&file, &headers)
}
