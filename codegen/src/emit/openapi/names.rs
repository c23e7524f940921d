//! The names the document gives to what it derives from an object: component schemas,
//! operation ids, envelope keys and `$ref` locations. Naming only; no schema content.

use crate::model::{Object, upper_first};
use utoipa::openapi::Ref;

/// The create body: `Company`.
pub(super) fn create_schema(object: &Object) -> String {
    object.type_name()
}

/// The update body, every property optional: `CompanyForUpdate`.
pub(super) fn update_schema(object: &Object) -> String {
    format!("{}ForUpdate", object.type_name())
}

/// A record as the API returns it: `CompanyForResponse`.
pub(super) fn response_schema(object: &Object) -> String {
    response_schema_of(&object.name_singular)
}

/// The response schema of the object with this `nameSingular` (a relation's target).
pub(super) fn response_schema_of(name_singular: &str) -> String {
    format!("{}ForResponse", upper_first(name_singular))
}

/// The tag of an object's webhooks: `company webhooks`. Not the object's own tag, or client
/// generators that write one file per tag write the object's twice and keep the webhooks'.
pub(super) fn webhook_tag(object: &Object) -> String {
    format!("{} webhooks", object.name_singular)
}

/// `#/components/schemas/<name>`.
pub(super) fn schema_ref(name: &str) -> Ref {
    Ref::from_schema_name(name)
}

/// `#/components/parameters/<name>`.
pub(super) fn parameter_ref(name: &str) -> Ref {
    Ref::new(format!("#/components/parameters/{name}"))
}

/// `#/components/responses/<name>`.
pub(super) fn response_ref(name: &str) -> Ref {
    Ref::from_response_name(name)
}

/// `#/components/headers/<name>`.
pub(super) fn header_ref(name: &str) -> Ref {
    Ref::new(format!("#/components/headers/{name}"))
}
