//! Reads `#[workspace_entity(...)]` and its struct's `#[field]` / `#[relation]` attributes
//! into an [`Entity`], reporting every mistake at its token. Emits nothing.

use crate::attr::Args;
use crate::defaults::{self, DefaultDef};
use crate::errors::Errors;
use crate::types::{self, Declared, FieldType};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use std::collections::BTreeMap;
use syn::ext::IdentExt;
use syn::{Attribute, Fields, Ident, ItemStruct, LitStr, Meta, Type};
use uuid::Uuid;

/// One object, as declared.
pub(crate) struct Entity {
    pub(crate) ident: Ident,
    pub(crate) id: Uuid,
    pub(crate) name_singular: String,
    pub(crate) name_plural: String,
    pub(crate) label_singular: String,
    pub(crate) label_plural: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) label_identifier: Option<String>,
    pub(crate) search: Vec<String>,
    pub(crate) system: bool,
    pub(crate) audit_logged: bool,
    pub(crate) fields: Vec<FieldDef>,
}

/// One declared field.
pub(crate) struct FieldDef {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) nullable: bool,
    pub(crate) kind: FieldKind,
}

/// What kind of field it is, with what only that kind has.
pub(crate) enum FieldKind {
    Plain {
        field_type: FieldType,
        unique: bool,
        indexed: bool,
        default: Option<DefaultDef>,
        options: Vec<OptionDef>,
    },
    ManyToOne {
        target: Type,
        inverse: String,
        on_delete: OnDelete,
    },
    OneToMany {
        target: Type,
        inverse: String,
    },
}

/// One SELECT / MULTI_SELECT option.
pub(crate) struct OptionDef {
    pub(crate) id: Uuid,
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) color: String,
}

/// `twenty_codegen::model::OnDelete`, by variant name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
    NoAction,
}

impl OnDelete {
    const ALL: [(&'static str, OnDelete); 4] = [
        ("CASCADE", OnDelete::Cascade),
        ("SET_NULL", OnDelete::SetNull),
        ("RESTRICT", OnDelete::Restrict),
        ("NO_ACTION", OnDelete::NoAction),
    ];

    /// The model's variant name.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            OnDelete::Cascade => "Cascade",
            OnDelete::SetNull => "SetNull",
            OnDelete::Restrict => "Restrict",
            OnDelete::NoAction => "NoAction",
        }
    }
}

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
    "system",
    "audit_logged",
];
const FIELD_KEYS: &[&str] = &[
    "id",
    "label",
    "name",
    "description",
    "icon",
    "type",
    "unique",
    "indexed",
    "default",
    "default_json",
    "option",
];
const RELATION_KEYS: &[&str] = &[
    "id",
    "label",
    "name",
    "description",
    "icon",
    "inverse",
    "on_delete",
];
const OPTION_KEYS: &[&str] = &["id", "value", "label", "color"];
const OPTION_EXAMPLE: &str = "id = \"…\", value = \"NEW\", label = \"New\", color = \"red\"";

/// The stable ids seen so far, with what they belong to, to report duplicates.
#[derive(Default)]
struct Ids(BTreeMap<Uuid, String>);

impl Ids {
    fn claim(&mut self, id: Uuid, lit: &LitStr, owner: String, errors: &mut Errors) {
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
        let Some((def, name_span)) = struct_field(ident, &field.ty, &field.attrs, &mut ids, errors)
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

/// Reads one struct field; also returns the span of what set its name (for duplicates).
fn struct_field(
    ident: &Ident,
    ty: &Type,
    attrs: &[Attribute],
    ids: &mut Ids,
    errors: &mut Errors,
) -> Option<(FieldDef, Span)> {
    let mut helpers = attrs.iter().filter(|a| is_helper(a));
    let Some(attr) = helpers.next() else {
        errors.spanned(
            ident,
            format!(
                "field `{ident}` needs #[field(id = \"…\", label = \"…\")] or \
                 #[relation(id = \"…\", label = \"…\", inverse = \"…\")]"
            ),
        );
        return None;
    };
    if let Some(extra) = helpers.next() {
        errors.spanned(
            extra,
            format!("field `{ident}` has more than one #[field] / #[relation]; keep one"),
        );
        return None;
    }
    let is_relation = attr.path().is_ident("relation");
    let (context, keys) = if is_relation {
        ("#[relation(...)]", RELATION_KEYS)
    } else {
        ("#[field(...)]", FIELD_KEYS)
    };
    let tokens = match &attr.meta {
        Meta::List(list) => list.tokens.clone(),
        Meta::Path(_) => TokenStream::new(),
        Meta::NameValue(nv) => {
            errors.spanned(nv, format!("write {context} with parentheses"));
            return None;
        }
    };
    let args = Args::parse(
        context,
        attr.to_token_stream(),
        tokens,
        keys,
        &["option"],
        errors,
    );

    let name_lit = args.str("name", errors);
    let (name, name_span) = match &name_lit {
        Some(lit) => (lit.value(), lit.span()),
        None => (camel_case(ident), ident.span()),
    };
    let id = args.required_uuid("id", errors);
    if let Some((id, lit)) = &id {
        ids.claim(*id, lit, format!("field `{name}`"), errors);
    }
    let label = args.required_str("label", errors);
    let description = args.str("description", errors).map(|s| s.value());
    let icon = args.str("icon", errors).map(|s| s.value());
    let (nullable, inner) = types::peel_option(ty);
    let declared = types::classify(inner);

    let kind = if is_relation {
        let inverse = args.required_str("inverse", errors);
        let on_delete = on_delete(&args, errors);
        match declared {
            Declared::ManyToOne(target) => {
                let on_delete = on_delete.map(|o| o.unwrap_or(OnDelete::SetNull));
                if on_delete == Some(OnDelete::SetNull) && !nullable {
                    let message = "a required (non-Option) many-to-one cannot use on_delete = \
                                   \"SET_NULL\": set on_delete = \"CASCADE\" (or \"RESTRICT\"), \
                                   or make the field an Option<_>";
                    match args.key("on_delete") {
                        Some(key) => errors.spanned(key, message),
                        None => errors.spanned(ty, message),
                    }
                }
                FieldKind::ManyToOne {
                    target: target.clone(),
                    inverse: inverse?.value(),
                    on_delete: on_delete?,
                }
            }
            Declared::OneToMany(target) => {
                if let Some(key) = args.key("on_delete") {
                    errors.spanned(
                        key,
                        "on_delete belongs on the many-to-one side of a relation; remove it \
                         from this one-to-many field",
                    );
                }
                if nullable {
                    errors.spanned(
                        ty,
                        "a one-to-many field is a list, never null: write OneToMany<T> \
                         without Option",
                    );
                }
                FieldKind::OneToMany {
                    target: target.clone(),
                    inverse: inverse?.value(),
                }
            }
            Declared::Field(_) | Declared::Unsupported(_) => {
                errors.spanned(
                    inner,
                    "#[relation] needs a relation type: ManyToOne<Target> or \
                     OneToMany<Target> (optionally in Option<_> for many-to-one)",
                );
                return None;
            }
        }
    } else {
        plain_field(&args, ty, inner, declared, ids, &name, errors)?
    };

    Some((
        FieldDef {
            id: id?.0,
            name,
            label: label?.value(),
            description,
            icon,
            nullable,
            kind,
        },
        name_span,
    ))
}

/// `on_delete = "…"`: `None` when wrong (reported), `Some(None)` when absent.
fn on_delete(args: &Args, errors: &mut Errors) -> Option<Option<OnDelete>> {
    if args.key("on_delete").is_none() {
        return Some(None);
    }
    let lit = args.str("on_delete", errors)?;
    match OnDelete::ALL.iter().find(|(name, _)| *name == lit.value()) {
        Some((_, action)) => Some(Some(*action)),
        None => {
            let names: Vec<&str> = OnDelete::ALL.iter().map(|(n, _)| *n).collect();
            errors.spanned(
                &lit,
                format!(
                    "unknown on_delete action `{}`; use one of: {}",
                    lit.value(),
                    names.join(", ")
                ),
            );
            None
        }
    }
}

fn plain_field(
    args: &Args,
    ty: &Type,
    inner: &Type,
    declared: Declared<'_>,
    ids: &mut Ids,
    name: &str,
    errors: &mut Errors,
) -> Option<FieldKind> {
    let explicit = args.str("type", errors);
    let field_type = match (&explicit, declared) {
        (Some(lit), _) => match types::parse_wire(&lit.value()) {
            Some(t) if t == types::RELATION => {
                errors.spanned(
                    lit,
                    "a RELATION is declared with #[relation(...)] on a ManyToOne<T> or \
                     OneToMany<T> field",
                );
                return None;
            }
            Some(t) => t,
            None => {
                let names: Vec<&str> = types::ALL
                    .iter()
                    .filter(|t| **t != types::RELATION)
                    .map(|t| t.wire)
                    .collect();
                errors.spanned(
                    lit,
                    format!(
                        "unknown field type `{}`; use one of: {}",
                        lit.value(),
                        names.join(", ")
                    ),
                );
                return None;
            }
        },
        (None, Declared::Field(t)) => t,
        (None, Declared::ManyToOne(_) | Declared::OneToMany(_)) => {
            errors.spanned(
                ty,
                "a relation field is declared with #[relation(id = \"…\", label = \"…\", \
                 inverse = \"…\")], not #[field]",
            );
            return None;
        }
        (None, Declared::Unsupported(message)) => {
            errors.spanned(inner, message);
            return None;
        }
    };
    let unique = args.bool("unique", errors).unwrap_or(false);
    let indexed = args.bool("indexed", errors).unwrap_or(false);

    let mut options = Vec::new();
    let lists = args.lists("option", OPTION_EXAMPLE, errors);
    if !lists.is_empty() && !field_type.takes_options() {
        errors.spanned(
            &lists[0].0,
            format!(
                "a {} field cannot have options; only SELECT and MULTI_SELECT fields do",
                field_type.wire
            ),
        );
    } else if lists.is_empty() && field_type.takes_options() {
        errors.spanned(
            ty,
            format!(
                "a {} field needs at least one option({OPTION_EXAMPLE})",
                field_type.wire
            ),
        );
    }
    for (key, tokens) in &lists {
        if let Some(option) = select_option(key, tokens.clone(), ids, name, &options, errors) {
            options.push(option);
        }
    }

    let default = args.raw_expr("default", "\"…\"", errors);
    let default_json = args.str("default_json", errors);
    let default = match (default, default_json) {
        (Some(_), Some(json)) => {
            errors.spanned(&json, "give either `default` or `default_json`, not both");
            None
        }
        (Some((_, expr)), None) => {
            let values: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            defaults::parse_default(&expr, field_type, &values, errors)
        }
        (None, Some(json)) => defaults::parse_default_json(&json, field_type, errors),
        (None, None) => None,
    };

    Some(FieldKind::Plain {
        field_type,
        unique,
        indexed,
        default,
        options,
    })
}

fn select_option(
    key: &Ident,
    tokens: TokenStream,
    ids: &mut Ids,
    field: &str,
    previous: &[OptionDef],
    errors: &mut Errors,
) -> Option<OptionDef> {
    let args = Args::parse(
        "option(...)",
        key.to_token_stream(),
        tokens,
        OPTION_KEYS,
        &[],
        errors,
    );
    let id = args.required_uuid("id", errors);
    let value = args.required_str("value", errors);
    let label = args.required_str("label", errors);
    let color = args.required_str("color", errors);
    if let Some(value) = &value
        && !types::is_valid_option_value(&value.value())
    {
        errors.spanned(
            value,
            format!(
                "option value `{}` is invalid: use UPPER_SNAKE_CASE starting with a letter",
                value.value()
            ),
        );
    } else if let Some(value) = &value
        && previous.iter().any(|o| o.value == value.value())
    {
        errors.spanned(
            value,
            format!("option value `{}` is declared twice", value.value()),
        );
    }
    if let Some(color) = &color
        && !types::OPTION_COLORS.contains(&color.value().as_str())
    {
        errors.spanned(
            color,
            format!(
                "unknown option color `{}`; use one of: {}",
                color.value(),
                types::OPTION_COLORS.join(", ")
            ),
        );
        return None;
    }
    let (id, id_lit) = id?;
    let value = value?.value();
    ids.claim(
        id,
        &id_lit,
        format!("option `{value}` of field `{field}`"),
        errors,
    );
    Some(OptionDef {
        id,
        value,
        label: label?.value(),
        color: color?.value(),
    })
}
