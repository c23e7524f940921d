//! Reads one struct field's `#[field(...)]` or `#[relation(...)]` into a [`FieldDef`]:
//! its type from the Rust type, its options and default. Object-wide checks are `parse.rs`'s.

use crate::attr::Args;
use crate::defaults;
use crate::entity::{FieldDef, FieldKind, OnDelete, OptionDef};
use crate::errors::Errors;
use crate::parse::{Ids, camel_case, is_helper};
use crate::types::{self, Declared};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Attribute, Ident, Meta, Type};

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
/// Reads one struct field; also returns the span of what set its name (for duplicates).
pub(crate) fn struct_field(
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
