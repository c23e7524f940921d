//! `GET /graphql`: the GraphiQL IDE. The page is served by the binary; its scripts load
//! from the unpkg CDN, so the browser needs internet (the API itself never does).
//! Paste the API key into the headers tab as `{"Authorization": "Bearer twk_…"}`.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Twenty GraphQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">
  <script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL from unpkg.com (the browser needs internet access)…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultHeaders: '{"Authorization": "Bearer <your API key>"}',
        headerEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultQuery: '{\n  companies(first: 5) {\n    totalCount\n    edges { node { id name } }\n  }\n}\n',
      }),
    );
  </script>
</body>
</html>
"#;

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
