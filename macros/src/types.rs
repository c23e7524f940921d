//! Which field type a Rust type declares (`String` → TEXT, `Option<T>` → nullable, …) and
//! the field type vocabulary mirrored from `twenty_codegen::model` (a test keeps them equal).

use syn::{GenericArgument, PathArguments, Type};

/// One `twenty_codegen::model::FieldType` variant: its Rust name and its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldType {
    pub(crate) variant: &'static str,
    pub(crate) wire: &'static str,
}

const fn t(variant: &'static str, wire: &'static str) -> FieldType {
    FieldType { variant, wire }
}

pub(crate) const UUID: FieldType = t("Uuid", "UUID");
pub(crate) const TEXT: FieldType = t("Text", "TEXT");
pub(crate) const NUMBER: FieldType = t("Number", "NUMBER");
pub(crate) const NUMERIC: FieldType = t("Numeric", "NUMERIC");
pub(crate) const BOOLEAN: FieldType = t("Boolean", "BOOLEAN");
pub(crate) const DATE_TIME: FieldType = t("DateTime", "DATE_TIME");
pub(crate) const DATE: FieldType = t("Date", "DATE");
pub(crate) const SELECT: FieldType = t("Select", "SELECT");
pub(crate) const MULTI_SELECT: FieldType = t("MultiSelect", "MULTI_SELECT");
pub(crate) const RATING: FieldType = t("Rating", "RATING");
pub(crate) const POSITION: FieldType = t("Position", "POSITION");
pub(crate) const RAW_JSON: FieldType = t("RawJson", "RAW_JSON");
pub(crate) const ARRAY: FieldType = t("Array", "ARRAY");
pub(crate) const RICH_TEXT_V2: FieldType = t("RichTextV2", "RICH_TEXT_V2");
pub(crate) const FULL_NAME: FieldType = t("FullName", "FULL_NAME");
pub(crate) const CURRENCY: FieldType = t("Currency", "CURRENCY");
pub(crate) const ADDRESS: FieldType = t("Address", "ADDRESS");
pub(crate) const LINKS: FieldType = t("Links", "LINKS");
pub(crate) const EMAILS: FieldType = t("Emails", "EMAILS");
pub(crate) const PHONES: FieldType = t("Phones", "PHONES");
pub(crate) const ACTOR: FieldType = t("Actor", "ACTOR");
pub(crate) const RELATION: FieldType = t("Relation", "RELATION");
pub(crate) const TS_VECTOR: FieldType = t("TsVector", "TS_VECTOR");

/// Every field type, in the model's order.
pub(crate) const ALL: [FieldType; 23] = [
    UUID,
    TEXT,
    NUMBER,
    NUMERIC,
    BOOLEAN,
    DATE_TIME,
    DATE,
    SELECT,
    MULTI_SELECT,
    RATING,
    POSITION,
    RAW_JSON,
    ARRAY,
    RICH_TEXT_V2,
    FULL_NAME,
    CURRENCY,
    ADDRESS,
    LINKS,
    EMAILS,
    PHONES,
    ACTOR,
    RELATION,
    TS_VECTOR,
];

/// The types stored as several columns, whose default is a JSON object.
pub(crate) const COMPOSITES: [FieldType; 8] = [
    FULL_NAME,
    CURRENCY,
    ADDRESS,
    LINKS,
    EMAILS,
    PHONES,
    ACTOR,
    RICH_TEXT_V2,
];

/// The option colors of the model (`twenty_codegen::model::OPTION_COLORS`).
pub(crate) const OPTION_COLORS: [&str; 10] = [
    "red",
    "purple",
    "sky",
    "turquoise",
    "yellow",
    "green",
    "gray",
    "pink",
    "orange",
    "blue",
];

/// Field names every object gets from `Schema::new` (`model::SYSTEM_FIELD_NAMES`).
pub(crate) const SYSTEM_FIELD_NAMES: [&str; 8] = [
    "id",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "position",
    "createdBy",
    "updatedBy",
    "searchVector",
];

/// `^[a-z][a-zA-Z0-9]*$`, as `model::is_valid_name`: object and field names.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `^[A-Z][A-Z0-9_]*$`: an option value is a GraphQL enum value.
pub(crate) fn is_valid_option_value(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The field type with this wire name (`type = "RATING"`).
pub(crate) fn parse_wire(name: &str) -> Option<FieldType> {
    ALL.into_iter().find(|t| t.wire == name)
}

impl FieldType {
    /// Whether values come from the field's declared options.
    pub(crate) fn takes_options(self) -> bool {
        self == SELECT || self == MULTI_SELECT
    }

    /// Whether the field is stored as several columns.
    pub(crate) fn is_composite(self) -> bool {
        COMPOSITES.contains(&self)
    }
}

/// The Rust types a `#[field]` may have, by the name the user writes.
const SCALARS: [(&str, FieldType); 24] = [
    ("String", TEXT),
    ("bool", BOOLEAN),
    ("f64", NUMBER),
    ("i32", NUMBER),
    ("i64", NUMBER),
    ("Uuid", UUID),
    ("Json", RAW_JSON),
    ("DateTime", DATE_TIME),
    ("Date", DATE),
    ("Numeric", NUMERIC),
    ("Position", POSITION),
    ("Select", SELECT),
    ("MultiSelect", MULTI_SELECT),
    ("Rating", RATING),
    ("RichTextV2", RICH_TEXT_V2),
    ("FullName", FULL_NAME),
    ("Currency", CURRENCY),
    ("Address", ADDRESS),
    ("Links", LINKS),
    ("Emails", EMAILS),
    ("Phones", PHONES),
    ("Actor", ACTOR),
    ("TsVector", TS_VECTOR),
    // `Vec<String>` is matched on its own; listed here for the error message.
    ("Vec<String>", ARRAY),
];

/// What a struct field's Rust type declares, once `Option` is peeled off.
pub(crate) enum Declared<'a> {
    /// A plain field of this type.
    Field(FieldType),
    /// `ManyToOne<T>`: the target type `T`.
    ManyToOne(&'a Type),
    /// `OneToMany<T>`: the target type `T`.
    OneToMany(&'a Type),
    /// Not a type we know; the message says what to write instead.
    Unsupported(String),
}

/// `Option<T>` → (true, T); anything else → (false, itself).
pub(crate) fn peel_option(ty: &Type) -> (bool, &Type) {
    match single_generic(ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, ty),
    }
}

/// What `ty` (already without `Option`) declares.
pub(crate) fn classify(ty: &Type) -> Declared<'_> {
    if let Some(target) = single_generic(ty, "ManyToOne") {
        return Declared::ManyToOne(target);
    }
    if let Some(target) = single_generic(ty, "OneToMany") {
        return Declared::OneToMany(target);
    }
    if let Some(item) = single_generic(ty, "Vec") {
        return match last_ident(item) {
            Some((name, false)) if name == "String" => Declared::Field(ARRAY),
            _ => Declared::Unsupported(
                "only `Vec<String>` (an ARRAY field) is supported as a list".to_owned(),
            ),
        };
    }
    if single_generic(ty, "Option").is_some() {
        return Declared::Unsupported("`Option<Option<_>>` is not a field type".to_owned());
    }
    if let Some((name, false)) = last_ident(ty)
        && let Some((_, field_type)) = SCALARS.iter().find(|(rust, _)| *rust == name.as_str())
    {
        return Declared::Field(*field_type);
    }
    let known: Vec<&str> = SCALARS.iter().map(|(rust, _)| *rust).collect();
    Declared::Unsupported(format!(
        "unsupported field type `{}`: use one of {}, ManyToOne<T> or OneToMany<T> \
         (optionally in Option<_>), or name the field type with `type = \"…\"`",
        quote::ToTokens::to_token_stream(ty)
            .to_string()
            .replace(' ', ""),
        known.join(", ")
    ))
}

/// The last path segment's name of a plain path type, and whether it has generic arguments.
fn last_ident(ty: &Type) -> Option<(String, bool)> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let generic = !matches!(segment.arguments, PathArguments::None);
    Some((segment.ident.to_string(), generic))
}

/// `Name<T>` (any path ending in `Name` with exactly one type argument) → `T`.
fn single_generic<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twenty_codegen::model;

    #[test]
    fn field_types_mirror_the_model() {
        let ours: Vec<(String, &str)> =
            ALL.iter().map(|t| (t.variant.to_owned(), t.wire)).collect();
        let model: Vec<(String, &str)> = model::FieldType::ALL
            .iter()
            .map(|t| (format!("{t:?}"), t.as_str()))
            .collect();
        assert_eq!(ours, model);
    }

    #[test]
    fn composites_mirror_the_model() {
        let ours: Vec<&str> = COMPOSITES.iter().map(|t| t.wire).collect();
        let model: Vec<&str> = model::COMPOSITES
            .iter()
            .map(|c| c.field_type.as_str())
            .collect();
        assert_eq!(ours, model);
    }

    #[test]
    fn option_colors_and_system_names_mirror_the_model() {
        assert_eq!(OPTION_COLORS, model::OPTION_COLORS);
        assert_eq!(SYSTEM_FIELD_NAMES, model::SYSTEM_FIELD_NAMES);
    }

    #[test]
    fn name_rule_mirrors_the_model() {
        for name in [
            "company",
            "domainName",
            "x1",
            "Company",
            "domain_name",
            "1x",
            "",
            "é",
        ] {
            assert_eq!(is_valid_name(name), model::is_valid_name(name), "{name}");
        }
    }

    fn declared(source: &str) -> String {
        let ty: Type = syn::parse_str(source).unwrap();
        let (nullable, inner) = peel_option(&ty);
        let what = match classify(inner) {
            Declared::Field(t) => t.wire.to_owned(),
            Declared::ManyToOne(_) => "MANY_TO_ONE".to_owned(),
            Declared::OneToMany(_) => "ONE_TO_MANY".to_owned(),
            Declared::Unsupported(_) => "unsupported".to_owned(),
        };
        format!("{what}{}", if nullable { "?" } else { "" })
    }

    #[test]
    fn rust_types_map_to_field_types() {
        assert_eq!(declared("String"), "TEXT");
        assert_eq!(declared("Option<String>"), "TEXT?");
        assert_eq!(declared("std::option::Option<bool>"), "BOOLEAN?");
        assert_eq!(declared("i64"), "NUMBER");
        assert_eq!(declared("Vec<String>"), "ARRAY");
        assert_eq!(declared("types::Currency"), "CURRENCY");
        assert_eq!(declared("Option<ManyToOne<Company>>"), "MANY_TO_ONE?");
        assert_eq!(declared("OneToMany<Person>"), "ONE_TO_MANY");
        assert_eq!(declared("Vec<i32>"), "unsupported");
        assert_eq!(declared("u8"), "unsupported");
        assert_eq!(declared("Option<Option<String>>"), "unsupported?");
        assert_eq!(declared("String<X>"), "unsupported");
    }
}
