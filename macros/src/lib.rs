//! `#[workspace_entity]`: declares a standard CRM object as a Rust struct and implements
//! `twenty_codegen::WorkspaceEntity` for it. A thin shell: the work happens in `expand`.

mod attr;
mod defaults;
mod emit;
mod entity;
mod errors;
mod expand;
mod field;
mod parse;
mod types;

use proc_macro::TokenStream;

/// Declares a workspace object: the struct's fields are the object's fields.
///
/// ```
/// use twenty_codegen::WorkspaceEntity;
/// use twenty_codegen::entity::types::*;
/// use twenty_macros::workspace_entity;
///
/// #[workspace_entity(
///     id = "20202020-b374-4779-a561-80086cb2e17f",
///     name_singular = "company",
///     name_plural = "companies",
///     label_singular = "Company",
///     label_plural = "Companies",
///     label_identifier = "name",
/// )]
/// pub struct Company {
///     // TEXT, nullable because of the Option; the field is named `name`.
///     #[field(id = "20202020-4d99-4e2e-a84c-4a27837b1ece", label = "Name")]
///     pub name: Option<String>,
///     // BOOLEAN NOT NULL DEFAULT false, named `idealCustomerProfile`.
///     #[field(id = "20202020-ba6b-438a-8213-2c5ba28d76a9", label = "ICP", default = false)]
///     pub ideal_customer_profile: bool,
/// }
///
/// let company = Company::metadata();
/// assert_eq!(company.fields[1].name, "idealCustomerProfile");
/// ```
///
/// Object keys: `id`, `name_singular`, `name_plural`, `label_singular`, `label_plural`
/// (required), `description`, `icon`, `label_identifier`, `search = [..]`, `duplicates =
/// ["name.firstName + name.lastName", "emails.primaryEmail"]` (Twenty's duplicate criteria:
/// any one matching is enough; the paths of one must all be equal), `system`,
/// `audit_logged`. `#[field]` keys: `id`, `label` (required), `name`, `description`, `icon`,
/// `type`, `unique`, `indexed`, `default`, `default_json`, `option(id, value, label, color)`.
/// `#[relation]` keys: `id`, `label`, `inverse` (required), `name`, `description`, `icon`,
/// `on_delete` (many-to-one only; `SET_NULL` by default).
///
/// Every struct field needs `#[field(...)]` or `#[relation(...)]`. Mistakes are compile
/// errors pointing at the offending token; the struct is kept (helper attributes removed)
/// so code using it does not fail a second time.
#[proc_macro_attribute]
pub fn workspace_entity(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}
