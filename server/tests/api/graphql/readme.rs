//! The README's "GraphQL API" examples, run as written on both backends.
use crate::both;
use crate::support::Backend;

async fn the_readme_graphql_examples_answer_as_documented(backend: Backend) {
    crate::rest::readme::run_section(backend, "GraphQL API", "gqlreadme").await;
}
both!(the_readme_graphql_examples_answer_as_documented);
