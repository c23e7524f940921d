//! The whole expansion: parse, check, emit; on errors, the item is kept (helper attributes
//! removed) next to the errors so follow-on errors stay sane. Pure token-to-token function.

use crate::emit;
use crate::errors::Errors;
use crate::parse;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Item, ItemStruct};

/// Expands `#[workspace_entity(<attr>)] <item>`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = match syn::parse2::<Item>(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = error.to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut item = match item {
        Item::Struct(item) => item,
        other => {
            let error = syn::Error::new_spanned(
                item_keyword(&other),
                "#[workspace_entity] applies to a struct with named fields, one per object field",
            )
            .to_compile_error();
            return quote!(#error #other);
        }
    };

    let mut errors = Errors::default();
    let entity = parse::entity(attr.clone(), &item, &mut errors);
    strip_helpers(&mut item);
    match (entity, errors.finish()) {
        (Some(entity), None) => {
            let entity_impl = emit::entity_impl(&entity);
            quote! {
                #[allow(dead_code)]
                #item
                #entity_impl
            }
        }
        (_, error) => {
            let error = error
                .unwrap_or_else(|| {
                    // `parse::entity` reports every reason it gives up; this is a safety net.
                    syn::Error::new_spanned(&item.ident, "invalid #[workspace_entity] declaration")
                })
                .to_compile_error();
            let placeholder = if item.generics.params.is_empty() {
                emit::placeholder_impl(&item.ident, name_singular(attr).as_deref())
            } else {
                TokenStream::new()
            };
            quote! {
                #error
                #[allow(dead_code)]
                #item
                #placeholder
            }
        }
    }
}

/// Removes `#[field]` / `#[relation]`, which are not real attributes for rustc.
fn strip_helpers(item: &mut ItemStruct) {
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !parse::is_helper(a));
    }
}

/// The `name_singular` of a (possibly broken) declaration, for the placeholder impl.
fn name_singular(attr: TokenStream) -> Option<String> {
    let mut ignored = Errors::default();
    let args = crate::attr::Args::parse(
        "",
        TokenStream::new(),
        attr,
        &["name_singular"],
        &[],
        &mut ignored,
    );
    // Other keys are "unknown" here; only `name_singular` matters and it parsed or not.
    args.str("name_singular", &mut ignored).map(|s| s.value())
}

/// The token naming what kind of item this is (`enum`, `fn`, …), to point errors at.
fn item_keyword(item: &Item) -> TokenStream {
    match item {
        Item::Enum(e) => {
            let (keyword, ident) = (&e.enum_token, &e.ident);
            quote!(#keyword #ident)
        }
        _ => quote!(#item),
    }
}
