//! Turns a checked [`Entity`] into the `WorkspaceEntity` impl built from the model's
//! constructors. Assumes the entity is valid: every check happens in `parse.rs`.

use crate::defaults::DefaultDef;
use crate::entity::{Entity, FieldDef, FieldKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::LitInt;
use uuid::Uuid;

/// `impl ::twenty_codegen::WorkspaceEntity for <Entity> { … }`.
pub(crate) fn entity_impl(entity: &Entity) -> TokenStream {
    let ident = &entity.ident;
    let name_singular = &entity.name_singular;
    let id = uuid(entity.id);
    let (name_plural, label_singular, label_plural) = (
        &entity.name_plural,
        &entity.label_singular,
        &entity.label_plural,
    );
    let mut settings = Vec::new();
    if let Some(description) = &entity.description {
        settings.push(
            quote!(object.description = ::core::option::Option::Some(#description.to_owned());),
        );
    }
    if let Some(icon) = &entity.icon {
        settings.push(quote!(object.icon = ::core::option::Option::Some(#icon.to_owned());));
    }
    if entity.system {
        settings.push(quote!(object.is_system = true;));
    }
    if !entity.audit_logged {
        settings.push(quote!(object.is_audit_logged = false;));
    }
    if let Some(label_identifier) = &entity.label_identifier {
        settings.push(quote!(object.label_identifier = #label_identifier.to_owned();));
    }
    if !entity.search.is_empty() {
        let search = &entity.search;
        settings
            .push(quote!(object.search_fields = ::std::vec::Vec::from([#(#search.to_owned()),*]);));
    }
    if !entity.duplicates.is_empty() {
        let criteria = entity
            .duplicates
            .iter()
            .map(|paths| quote!(::std::vec::Vec::from([#(#paths.to_owned()),*])));
        settings.push(quote!(object.duplicate_criteria = ::std::vec::Vec::from([#(#criteria),*]);));
    }
    let fields = entity.fields.iter().map(field);
    quote! {
        impl ::twenty_codegen::WorkspaceEntity for #ident {
            const NAME_SINGULAR: &'static str = #name_singular;

            fn metadata() -> ::twenty_codegen::model::Object {
                let mut object = ::twenty_codegen::model::Object::new(
                    #id,
                    #name_singular,
                    #name_plural,
                    #label_singular,
                    #label_plural,
                );
                #(#settings)*
                object.fields = ::std::vec::Vec::from([#(#fields),*]);
                object
            }
        }
    }
}

/// The impl emitted next to a declaration with errors, so that uses of the type elsewhere
/// (`OneToMany<Company>`, `Company::metadata()`) do not fail a second time.
pub(crate) fn placeholder_impl(ident: &Ident, name_singular: Option<&str>) -> TokenStream {
    let name_singular = name_singular.unwrap_or_default();
    quote! {
        impl ::twenty_codegen::WorkspaceEntity for #ident {
            const NAME_SINGULAR: &'static str = #name_singular;

            fn metadata() -> ::twenty_codegen::model::Object {
                ::core::unreachable!("the #[workspace_entity] declaration has compile errors")
            }
        }
    }
}

fn field(field: &FieldDef) -> TokenStream {
    let model = quote!(::twenty_codegen::model);
    let id = uuid(field.id);
    let (name, label) = (&field.name, &field.label);
    let mut built = match &field.kind {
        FieldKind::Plain {
            field_type,
            unique,
            indexed,
            default,
            options,
        } => {
            let variant = Ident::new(field_type.variant, Span::call_site());
            let mut built =
                quote!(#model::Field::new(#id, #name, #model::FieldType::#variant, #label));
            if !field.nullable {
                built = quote!(#built.required());
            }
            if *unique {
                built = quote!(#built.unique());
            }
            if *indexed {
                built = quote!(#built.indexed());
            }
            if !options.is_empty() {
                let options = options.iter().map(|o| {
                    let (id, value, label, color) = (uuid(o.id), &o.value, &o.label, &o.color);
                    quote!((#id, #value, #label, #color))
                });
                built = quote!(#built.with_options(&[#(#options),*]));
            }
            if let Some(default) = default {
                let default = default_value(default);
                built = quote!(#built.with_default(#default));
            }
            built
        }
        FieldKind::ManyToOne {
            target,
            inverse,
            on_delete,
        } => {
            let on_delete = format_ident!("{}", on_delete.variant());
            let built = quote! {
                #model::Field::many_to_one(
                    #id,
                    #name,
                    #label,
                    <#target as ::twenty_codegen::WorkspaceEntity>::NAME_SINGULAR,
                    #inverse,
                    #model::OnDelete::#on_delete,
                )
            };
            if field.nullable {
                built
            } else {
                quote!(#built.required())
            }
        }
        FieldKind::OneToMany { target, inverse } => quote! {
            #model::Field::one_to_many(
                #id,
                #name,
                #label,
                <#target as ::twenty_codegen::WorkspaceEntity>::NAME_SINGULAR,
                #inverse,
            )
        },
    };
    // The model has no builders for these two; set them on the built value.
    if field.description.is_some() || field.icon.is_some() {
        let description = field
            .description
            .iter()
            .map(|d| quote!(field.description = ::core::option::Option::Some(#d.to_owned());));
        let icon = field
            .icon
            .iter()
            .map(|i| quote!(field.icon = ::core::option::Option::Some(#i.to_owned());));
        built = quote!({
            let mut field = #built;
            #(#description)*
            #(#icon)*
            field
        });
    }
    built
}

fn default_value(default: &DefaultDef) -> TokenStream {
    let model = quote!(::twenty_codegen::model);
    match default {
        DefaultDef::Now => quote!(#model::DefaultValue::Now),
        DefaultDef::Uuid => quote!(#model::DefaultValue::Uuid),
        DefaultDef::Value(value) => {
            let value = json(value);
            quote!(#model::DefaultValue::Value(#value))
        }
    }
}

/// A `serde_json::Value` expression, reached through the re-export `entity::types::Json`
/// so the user's crate needs no serde_json dependency.
fn json(value: &Value) -> TokenStream {
    let ty = quote!(::twenty_codegen::entity::types::Json);
    match value {
        Value::Null => quote!(#ty::Null),
        Value::Bool(b) => quote!(#ty::Bool(#b)),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => quote!(#ty::from(#i)),
            (None, Some(u), _) => quote!(#ty::from(#u)),
            (None, None, Some(f)) => quote!(#ty::from(#f)),
            // serde_json numbers are always one of the three.
            (None, None, None) => quote!(#ty::Null),
        },
        Value::String(s) => quote!(#ty::String(#s.to_owned())),
        Value::Array(items) => {
            let items = items.iter().map(json);
            quote!(#ty::Array(::std::vec::Vec::from([#(#items),*])))
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(key, value)| {
                let value = json(value);
                quote!((#key.to_owned(), #value))
            });
            quote!(#ty::Object(::core::iter::Iterator::collect(
                ::core::iter::IntoIterator::into_iter([#(#entries),*])
            )))
        }
    }
}

/// `Uuid::from_u128(0x20202020_b374_4779_a561_80086cb2e17f)`: readable and const.
fn uuid(id: Uuid) -> TokenStream {
    let hex = id.simple().to_string();
    let literal = format!(
        "0x{}_{}_{}_{}_{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    let literal = LitInt::new(&literal, Span::call_site());
    quote!(::twenty_codegen::model::Uuid::from_u128(#literal))
}
