//! Reads `#[workspace_entity(...)]` and its struct into an [`Entity`], reporting every
//! mistake at its token; one struct field at a time is `field.rs`'s job. Emits nothing.

use crate::attr::Args;
use crate::entity::Entity;
use crate::errors::Errors;
use crate::field;
use crate::types;
use proc_macro2::TokenStream;
use std::collections::BTreeMap;
use syn::ext::IdentExt;
use syn::{Attribute, Fields, Ident, ItemStruct, LitStr};
use uuid::Uuid;

const OBJECT_KEYS: &[&str] = &[
    "id",
    "name_singular",
    "name_plural",
    "label_singular",
    "label_plural",
    "description",
    "icon",
    "label_identifier",
    "search",
    "duplicates",
    "system",
    "audit_logged",
];
/// The stable ids seen so far, with what they belong to, to report duplicates.
#[derive(Default)]
pub(crate) struct Ids(BTreeMap<Uuid, String>);

impl Ids {
    pub(crate) fn claim(&mut self, id: Uuid, lit: &LitStr, owner: String, errors: &mut Errors) {
        match self.0.get(&id) {
            Some(other) => errors.spanned(
                lit,
                format!("duplicate id {id}: it is already the id of {other}; ids must be unique"),
            ),
            None => {
                self.0.insert(id, owner);
            }
        }
    }
}
/// Reads the whole declaration; `None` when anything is wrong (reported in `errors`).
pub(crate) fn entity(attr: TokenStream, item: &ItemStruct, errors: &mut Errors) -> Option<Entity> {
    let mut ids = Ids::default();
    let args = Args::parse(
        "#[workspace_entity(...)]",
        TokenStream::new(),
        attr,
        OBJECT_KEYS,
        &[],
        errors,
    );
    let id = args.required_uuid("id", errors);
    if let Some((id, lit)) = &id {
        ids.claim(*id, lit, "the object".to_owned(), errors);
    }
    let name_singular = args.required_str("name_singular", errors);
    let name_plural = args.required_str("name_plural", errors);
    for lit in name_singular.iter().chain(&name_plural) {
        if !types::is_valid_name(&lit.value()) {
            errors.spanned(
                lit,
                format!(
                    "`{}` is not a valid object name: use camelCase letters and digits, \
                     starting with a lowercase letter",
                    lit.value()
                ),
            );
        }
    }
    let label_singular = args.required_str("label_singular", errors);
    let label_plural = args.required_str("label_plural", errors);
    let description = args.str("description", errors);
    let icon = args.str("icon", errors);
    let label_identifier = args.str("label_identifier", errors);
    let search = args.str_list("search", errors);
    let duplicates = args.str_list("duplicates", errors);
    let system = args.bool("system", errors).unwrap_or(false);
    let audit_logged = args.bool("audit_logged", errors).unwrap_or(true);

    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.spanned(
            &item.generics,
            "#[workspace_entity] structs cannot be generic: an object has one fixed shape",
        );
        // Its fields would only add errors about the type parameters.
        return None;
    }
    let named = match &item.fields {
        Fields::Named(named) => Some(named),
        Fields::Unnamed(fields) => {
            errors.spanned(
                fields,
                "#[workspace_entity] needs named fields (`struct Company { name: … }`), \
                 not a tuple struct",
            );
            None
        }
        Fields::Unit => {
            errors.spanned(
                &item.ident,
                "#[workspace_entity] needs named fields (`struct Company { name: … }`), \
                 not a unit struct",
            );
            None
        }
    };

    let mut fields = Vec::new();
    // Field names with the token that declared them, to report duplicates at the second.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut all_read = true;
    for field in named.into_iter().flat_map(|n| n.named.iter()) {
        let Some(ident) = &field.ident else { continue };
        let Some((def, name_span)) =
            field::struct_field(ident, &field.ty, &field.attrs, &mut ids, errors)
        else {
            all_read = false;
            continue;
        };
        if !types::is_valid_name(&def.name) {
            errors.at(
                name_span,
                format!(
                    "`{}` is not a valid field name: use camelCase letters and digits, starting \
                     with a lowercase letter (set `name = \"…\"`)",
                    def.name
                ),
            );
        } else if types::SYSTEM_FIELD_NAMES.contains(&def.name.as_str()) {
            errors.at(
                name_span,
                format!(
                    "`{}` is a system field every object already has; rename this field \
                     (or set `name = \"…\"`)",
                    def.name
                ),
            );
        } else if let Some(other) = names.get(&def.name) {
            errors.at(
                name_span,
                format!(
                    "duplicate field name `{}`: `{other}` already has it; rename one \
                     (or set `name = \"…\"`)",
                    def.name
                ),
            );
        } else {
            names.insert(def.name.clone(), ident.to_string());
        }
        fields.push(def);
    }

    // References to fields by name: declared ones or system ones. When a field could not
    // be read its name is unknown, so a reference to it would be a false alarm.
    let known = |name: &str| {
        !all_read || names.contains_key(name) || types::SYSTEM_FIELD_NAMES.contains(&name)
    };
    if let Some(lit) = &label_identifier
        && !known(&lit.value())
    {
        errors.spanned(
            lit,
            format!(
                "label_identifier `{}` is not a field of this object; use a field's \
                 camelCase name",
                lit.value()
            ),
        );
    }
    let mut seen = Vec::new();
    for lit in &search {
        let name = lit.value();
        if !known(&name) {
            errors.spanned(
                lit,
                format!("search field `{name}` is not a field of this object; use a field's camelCase name"),
            );
        } else if seen.contains(&name) {
            errors.spanned(lit, format!("search field `{name}` is listed twice"));
        }
        seen.push(name);
    }

    // Each duplicate criterion: field paths joined by `+` (`name.firstName + name.lastName`);
    // the model's validation checks the sub-fields.
    let mut criteria = Vec::new();
    for lit in &duplicates {
        let paths: Vec<String> = lit
            .value()
            .split('+')
            .map(|p| p.trim().to_owned())
            .collect();
        for path in &paths {
            let name = path.split('.').next().unwrap_or_default();
            if path.is_empty() || !known(name) {
                errors.spanned(
                    lit,
                    format!(
                        "duplicate criterion `{path}` does not name a field of this object; write field paths joined by `+`, such as \"name.firstName + name.lastName\""
                    ),
                );
            }
        }
        criteria.push(paths);
    }

    if !all_read {
        return None;
    }
    Some(Entity {
        ident: item.ident.clone(),
        id: id?.0,
        name_singular: name_singular?.value(),
        name_plural: name_plural?.value(),
        label_singular: label_singular?.value(),
        label_plural: label_plural?.value(),
        description: description.map(|s| s.value()),
        icon: icon.map(|s| s.value()),
        label_identifier: label_identifier.map(|s| s.value()),
        search: search.iter().map(LitStr::value).collect(),
        duplicates: criteria,
        system,
        audit_logged,
        fields,
    })
}

/// Whether an attribute is one of ours on a struct field.
pub(crate) fn is_helper(attr: &Attribute) -> bool {
    attr.path().is_ident("field") || attr.path().is_ident("relation")
}

/// `domain_name` → `domainName` (a raw `r#type` → `type`).
pub(crate) fn camel_case(ident: &Ident) -> String {
    let mut out = String::new();
    for (i, part) in ident
        .unraw()
        .to_string()
        .split('_')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if i == 0 {
            out.push_str(part);
        } else {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}
