//! `GET /graphql`: the GraphiQL IDE, vendored (`server/assets/graphiql/`, see its README)
//! and served from the binary under `/graphql/assets/…`, so it works without internet.
//! Paste the API key into the headers tab as `{"Authorization": "Bearer twk_…"}`.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Twenty GraphQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
  <script src="/graphql/assets/react.production.min.js"></script>
  <script src="/graphql/assets/react-dom.production.min.js"></script>
  <script src="/graphql/assets/graphiql.min.js"></script>
</head>
<body>
  <a href="/rest/docs" style="position: fixed; right: 1em; bottom: .6em; z-index: 10; font: 13px sans-serif;">REST API reference</a>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    // The page serves both APIs: records at /graphql, the model at /metadata.
    const metadata = window.location.pathname.startsWith('/metadata');
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + (metadata ? '/metadata' : '/graphql') });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultHeaders: '{"Authorization": "Bearer <your API key>"}',
        headerEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultQuery: metadata
          ? '{\n  objects(paging: {first: 50}, filter: {isCustom: {is: true}}) {\n    edges { node { id nameSingular fieldsList { name type } } }\n  }\n}\n'
          : '{\n  companies(first: 5) {\n    totalCount\n    edges { node { id name } }\n  }\n}\n',
      }),
    );
  </script>
</body>
</html>
"#;

/// The vendored files: name, content type, bytes.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
];

/// The GraphiQL page (no key needed to load it; queries need one).
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

/// `GET /graphql/assets/{file}`: one vendored file, cacheable for a day.
pub async fn asset(Path(file): Path<String>, headers: axum::http::HeaderMap) -> Response {
    static FILES: crate::document::Assets = crate::document::Assets::new("GraphiQL", &ASSETS);
    FILES.respond(&file, &headers)
}
