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

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    /// The expansion as formatted Rust, as a reviewer would read it.
    fn expanded(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        let output = expand(attr, item);
        match syn::parse_file(&output.to_string()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(error) => panic!("the expansion is not valid Rust ({error}):\n{output}"),
        }
    }

    #[test]
    fn scalars() {
        insta::assert_snapshot!(expanded(
            quote!(
                id = "20202020-b374-4779-a561-80086cb2e17f",
                name_singular = "note",
                name_plural = "notes",
                label_singular = "Note",
                label_plural = "Notes",
                description = "A note",
                icon = "IconNotes",
                label_identifier = "title",
                search = ["title"],
            ),
            quote! {
                pub struct Note {
                    #[field(id = "20202020-0000-4000-8000-000000000001", label = "Title",
                        icon = "IconH1", description = "The title")]
                    pub title: Option<String>,
                    #[field(id = "20202020-0000-4000-8000-000000000002", label = "Pinned",
                        default = false)]
                    pub pinned: bool,
                    #[field(id = "20202020-0000-4000-8000-000000000003", label = "Weight",
                        default = 1.5, unique, indexed)]
                    pub weight: f64,
                    #[field(id = "20202020-0000-4000-8000-000000000004", label = "Due",
                        default = now)]
                    pub due_at: DateTime,
                    #[field(id = "20202020-0000-4000-8000-000000000005", label = "Tags",
                        default = ["a", "b"])]
                    pub tags: Option<Vec<String>>,
                    #[field(id = "20202020-0000-4000-8000-000000000006", label = "Score",
                        type = "RATING", default = "RATING_3")]
                    pub score: Option<String>,
                    #[field(id = "20202020-0000-4000-8000-000000000007", label = "Type",
                        name = "kind")]
                    pub r#type: Option<String>,
                }
            },
        ));
    }

    #[test]
    fn composites_with_defaults() {
        insta::assert_snapshot!(expanded(
            quote!(
                id = "20202020-0000-4000-8000-000000000010",
                name_singular = "deal",
                name_plural = "deals",
                label_singular = "Deal",
                label_plural = "Deals",
                system,
                audit_logged = false,
            ),
            quote! {
                struct Deal {
                    #[field(id = "20202020-0000-4000-8000-000000000011", label = "Amount",
                        default_json = r#"{"amountMicros": null, "currencyCode": "USD"}"#)]
                    amount: Option<Currency>,
                    #[field(id = "20202020-0000-4000-8000-000000000012", label = "Owner name")]
                    owner_name: FullName,
                    #[field(id = "20202020-0000-4000-8000-000000000013", label = "Created by",
                        default_json = r#"{"source": "MANUAL", "name": ""}"#)]
                    origin: Actor,
                }
            },
        ));
    }

    #[test]
    fn select_options() {
        insta::assert_snapshot!(expanded(
            quote!(
                id = "20202020-0000-4000-8000-000000000020",
                name_singular = "task",
                name_plural = "tasks",
                label_singular = "Task",
                label_plural = "Tasks",
            ),
            quote! {
                pub struct Task {
                    #[field(id = "20202020-0000-4000-8000-000000000021", label = "Status",
                        default = "TODO", indexed,
                        option(id = "20202020-0000-4000-8000-000000000211", value = "TODO",
                            label = "To do", color = "sky"),
                        option(id = "20202020-0000-4000-8000-000000000212", value = "DONE",
                            label = "Done", color = "green"))]
                    pub status: Select,
                    #[field(id = "20202020-0000-4000-8000-000000000022", label = "Channels",
                        default = ["EMAIL"],
                        option(id = "20202020-0000-4000-8000-000000000221", value = "EMAIL",
                            label = "Email", color = "blue"))]
                    pub channels: Option<MultiSelect>,
                }
            },
        ));
    }

    #[test]
    fn relations() {
        insta::assert_snapshot!(expanded(
            quote!(
                id = "20202020-0000-4000-8000-000000000030",
                name_singular = "opportunity",
                name_plural = "opportunities",
                label_singular = "Opportunity",
                label_plural = "Opportunities",
            ),
            quote! {
                pub struct Opportunity {
                    #[relation(id = "20202020-0000-4000-8000-000000000031", label = "Company",
                        inverse = "opportunities", on_delete = "CASCADE")]
                    pub company: ManyToOne<crate::Company>,
                    #[relation(id = "20202020-0000-4000-8000-000000000032",
                        label = "Point of contact", inverse = "pointOfContactForOpportunities")]
                    pub point_of_contact: Option<ManyToOne<Person>>,
                    #[relation(id = "20202020-0000-4000-8000-000000000033", label = "Tasks",
                        inverse = "opportunity", icon = "IconCheckbox")]
                    pub tasks: OneToMany<Task>,
                }
            },
        ));
    }

    #[test]
    fn errors_are_emitted_next_to_the_kept_struct() {
        insta::assert_snapshot!(expanded(
            quote!(
                id = "not-a-uuid",
                name_singular = "broken",
                name_plural = "brokens",
                label_singular = "Broken",
                label_plural = "Brokens",
            ),
            quote! {
                pub struct Broken {
                    #[field(id = "20202020-0000-4000-8000-000000000041", label = 5)]
                    pub name: Option<String>,
                }
            },
        ));
    }
}
