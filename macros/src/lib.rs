//! `#[workspace_entity]`: declares a standard CRM object as a Rust struct and implements
//! `twenty_codegen::WorkspaceEntity` for it. A thin shell: the work happens in `expand`.

mod attr;
mod defaults;
mod emit;
mod errors;
mod expand;
mod parse;
mod types;

use proc_macro::TokenStream;

/// Declares a workspace object; see `/work/prompts/macro-syntax.md` for the syntax.
///
/// Every struct field needs `#[field(...)]` or `#[relation(...)]`. Mistakes are compile
/// errors pointing at the offending token; the struct is kept (helper attributes removed)
/// so code using it does not fail a second time.
#[proc_macro_attribute]
pub fn workspace_entity(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}
