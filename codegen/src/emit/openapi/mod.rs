//! The OpenAPI 3.1 document of the REST API, built from the model with utoipa's builders.
//! Owns the document's frame (info, servers, security, tags) and its serialization.
//!
//! The document is a pure function of the model: no host names (the server is the relative
//! `/rest`), no timestamps, maps sorted, so the bytes checked into the repository, the bytes
//! the server serves at `/rest/open-api/core` and the bytes of any rebuild are identical.

mod names;
mod parameters;
mod paths;
mod responses;
pub(crate) mod schemas;
mod webhooks;

pub use parameters::{DEFAULT_LIMIT, MAX_LIMIT, MAX_MUTATION_RECORDS};
pub use paths::OPEN_API_PATH;

use crate::model::Schema;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    Components, ComponentsBuilder, Info, InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder,
    SecurityRequirement, Server, Tag,
};

/// Base path of the REST API, relative so the document is the same on every host.
pub const SERVER_URL: &str = "/rest";

/// Name of the bearer security scheme, required by every operation but `/open-api/core`
/// and the webhooks.
pub const SECURITY_SCHEME: &str = "bearerAuth";

const OPEN_API_TAG: &str = "open-api";

/// The OpenAPI document of the REST API over `schema`'s objects.
pub fn document(schema: &Schema) -> OpenApi {
    OpenApiBuilder::new()
        .info(info())
        .servers(Some([Server::new(SERVER_URL)]))
        .paths(paths::paths(schema))
        .webhooks(Some(webhooks::webhooks(schema)))
        .components(Some(components(schema)))
        .security(Some([SecurityRequirement::new(
            SECURITY_SCHEME,
            Vec::<String>::new(),
        )]))
        .tags(Some(tags(schema)))
        .build()
}

/// [`document`] as pretty JSON with a trailing newline: the exact bytes to check in and serve.
pub fn to_json(schema: &Schema) -> String {
    // Serializing cannot fail: every map key in the document is a string. Maps are
    // BTreeMaps (no `preserve_order` in the workspace) and every `Extensions` (a HashMap)
    // holds a single key, so the output order is fixed.
    let mut json = serde_json::to_string_pretty(&document(schema))
        .expect("an OpenAPI document serializes to JSON");
    json.push('\n');
    json
}

fn info() -> Info {
    InfoBuilder::new()
        .title("Twenty Api")
        .version("v0.1")
        .description(Some(
            "The REST API of the workspace's records: one set of routes per object. \
             Authenticate with `Authorization: Bearer <API key>`.",
        ))
        .license(Some(
            LicenseBuilder::new()
                .name("AGPL-3.0")
                .identifier(Some("AGPL-3.0-only"))
                .build(),
        ))
        .build()
}

fn components(schema: &Schema) -> Components {
    let bearer = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .description(Some(
            "An API key of the workspace, sent as `Authorization: Bearer <key>`.",
        ))
        .build();
    let mut builder = ComponentsBuilder::new()
        .schemas_from_iter(responses::shared_schemas())
        .schemas_from_iter(schemas::component_schemas(schema))
        .responses_from_iter(responses::error_responses())
        .security_scheme(SECURITY_SCHEME, SecurityScheme::Http(bearer));
    for (name, header) in responses::shared_headers() {
        builder = builder.header(name, header);
    }
    for (name, parameter) in parameters::component_parameters(schema)
        .into_iter()
        .chain(webhooks::component_parameters())
    {
        builder = builder.parameter(name, parameter);
    }
    builder.build()
}

/// One tag per object (its `namePlural`, as Twenty names them), sorted, then one per object
/// for its webhooks, then the document's own.
fn tags(schema: &Schema) -> Vec<Tag> {
    let mut objects: Vec<_> = schema.objects.iter().collect();
    objects.sort_by(|a, b| a.name_plural.cmp(&b.name_plural));
    let tag = |name: String, description: String| {
        let mut tag = Tag::new(name);
        tag.description = Some(description);
        tag
    };
    let mut tags: Vec<Tag> = objects
        .iter()
        .map(|o| {
            tag(
                o.name_plural.clone(),
                o.description
                    .clone()
                    .unwrap_or_else(|| format!("{} records.", o.label_singular)),
            )
        })
        .collect();
    tags.extend(objects.iter().map(|o| {
        tag(
            names::webhook_tag(o),
            format!(
                "The deliveries a webhook subscribed to `{}.*` events receives.",
                o.name_singular
            ),
        )
    }));
    tags.push(tag(OPEN_API_TAG.to_owned(), "This document.".to_owned()));
    tags
}
