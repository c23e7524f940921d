//! A client's record (JSON object) checked against the model and turned into column
//! assignments: one value per stored column, composites flattened, relations by join
//! column. The only place write input is trusted into typed form; no SQL here.

use super::super::QueryError;
use super::super::record::normalize_date;
use super::super::time::parse_datetime;
use super::super::validate::{NUL_REFUSED as NUL, NUMERIC_OUT_OF_RANGE, numeric_in_range};
use serde_json::{Map, Number, Value};
use twenty_codegen::model::{
    ACTOR_SOURCES, Column, ColumnType, Field, FieldType, Object, RelationKind, Schema, SubField,
    composite_column_name,
};

/// A checked value for one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Text(String),
    Number(Number),
    Bool(bool),
    /// Any JSON (RAW_JSON columns), stored as JSON text / jsonb.
    Json(Value),
    /// A list of strings (ARRAY, MULTI_SELECT).
    List(Vec<String>),
}

impl Val {
    /// Whether the value identifies a record for an upsert (non-null, non-empty).
    pub fn is_key(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Text(s) => !s.is_empty(),
            _ => true,
        }
    }
}

/// One column set to one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub column: String,
    pub column_type: ColumnType,
    pub value: Val,
}

/// A foreign key value to check against the target's live records.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The join column as the client wrote it (`companyId`).
    pub field: String,
    /// The target object's `nameSingular`.
    pub target: String,
    pub id: String,
}

/// A checked record.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The `id` given on create.
    pub id: Option<String>,
    pub assigns: Vec<Assign>,
    pub references: Vec<Reference>,
}

/// Whether `id` may be given (create) or not (update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update,
}

fn invalid(field: &str, reason: impl Into<String>) -> QueryError {
    QueryError::InvalidValue {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn read_only(object: &Object, field: &str) -> QueryError {
    QueryError::ReadOnlyField {
        object: object.name_singular.clone(),
        field: field.to_owned(),
    }
}

fn required(object: &Object, field: &str) -> QueryError {
    QueryError::RequiredField {
        object: object.name_singular.clone(),
        field: field.to_owned(),
    }
}

/// A lowercase hyphenated UUID.
pub fn uuid(label: &str, value: &Value) -> Result<String, QueryError> {
    let s = value
        .as_str()
        .ok_or_else(|| invalid(label, format!("expected a UUID string, got {value}")))?;
    uuid::Uuid::parse_str(s)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| invalid(label, format!("`{s}` is not a UUID")))
}

fn text(label: &str, value: &Value) -> Result<String, QueryError> {
    let s = value
        .as_str()
        .ok_or_else(|| invalid(label, format!("expected a string, got {value}")))?;
    if s.contains('\0') {
        return Err(invalid(label, NUL));
    }
    Ok(s.to_owned())
}

/// Whether a JSON value holds a NUL character anywhere (Postgres cannot store it).
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn number(label: &str, value: &Value, decimal_text: bool) -> Result<Number, QueryError> {
    match value {
        Value::Number(n) => Ok(n.clone()),
        Value::String(s) if decimal_text => s
            .trim()
            .parse::<Number>()
            .map_err(|_| invalid(label, format!("`{s}` is not a number"))),
        other => Err(invalid(label, format!("expected a number, got {other}"))),
    }
}

fn string_list(label: &str, value: &Value, allowed: Option<&[&str]>) -> Result<Val, QueryError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            label,
            format!("expected a list of strings, got {value}"),
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let s = text(label, item)?;
        if let Some(allowed) = allowed
            && !allowed.contains(&s.as_str())
        {
            return Err(invalid(
                label,
                format!("`{s}` is not one of the options ({})", allowed.join(", ")),
            ));
        }
        out.push(s);
    }
    Ok(Val::List(out))
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && is_domain(domain)
        && domain.contains('.')
}

fn is_domain(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// A link as Twenty accepts it: an `http(s)://` URL with a host, or a bare domain with an
/// optional path (`acme.com`, `www.acme.com/about`). Other schemes are refused.
pub fn is_link(s: &str) -> bool {
    if s.chars().any(char::is_whitespace) {
        return false;
    }
    let (rest, bare) = match s.split_once("://") {
        Some((scheme, rest)) => {
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                return false;
            }
            (rest, false)
        }
        None => (s, true),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() => h,
        _ => host,
    };
    if bare {
        !authority.contains('@') && is_domain(host) && host.contains('.')
    } else {
        is_domain(host) || (host.starts_with('[') && host.ends_with(']'))
    }
}

/// `+` and 1 to 4 digits (`+33`, `+1`).
fn is_calling_code(s: &str) -> bool {
    s.len() >= 2 && s.len() <= 5 && s.starts_with('+') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `n` capital ASCII letters (country and currency codes).
fn is_capitals(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `s` reads as a phone number: digits, spaces and `-` `.` `(` `)` `+`.
fn is_phone_number(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_digit() || " -.()+".contains(c))
}

/// One item of `phones.additionalPhones`: `{number, callingCode?, countryCode?}`, each a
/// string (or null) checked as the primary phone's sub-fields are.
fn additional_phone(label: &str, item: &Value) -> Result<(), QueryError> {
    let expected = || {
        invalid(
            label,
            format!(
                "{item} is not a phone {{\"number\": \"…\", \"callingCode\": \"+33\", \"countryCode\": \"FR\"}}"
            ),
        )
    };
    let Value::Object(map) = item else {
        return Err(expected());
    };
    for (key, value) in map {
        let text = match value {
            Value::Null => continue,
            Value::String(s) if s.contains('\0') => return Err(invalid(label, NUL)),
            Value::String(s) => s.as_str(),
            _ => return Err(expected()),
        };
        let ok = match key.as_str() {
            "number" => is_phone_number(text),
            "callingCode" => text.is_empty() || is_calling_code(text),
            "countryCode" => text.is_empty() || is_capitals(text, 2),
            _ => false,
        };
        if !ok {
            return Err(expected());
        }
    }
    Ok(())
}

/// Checks the content of a composite sub-field beyond its scalar type.
fn check_sub(field: &Field, sub: &SubField, label: &str, v: &Val) -> Result<(), QueryError> {
    let text = match v {
        Val::Text(s) if !s.is_empty() => s.as_str(),
        _ => "",
    };
    match (field.field_type, sub.name) {
        (FieldType::Emails, "primaryEmail") if !text.is_empty() && !is_email(text) => {
            Err(invalid(label, format!("`{text}` is not an email address")))
        }
        (FieldType::Emails, "additionalEmails") => match v {
            Val::Json(Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(e) if is_email(e) => {}
                        _ => {
                            return Err(invalid(label, format!("{item} is not an email address")));
                        }
                    }
                }
                Ok(())
            }
            Val::Null => Ok(()),
            _ => Err(invalid(label, "expected a list of email addresses")),
        },
        (FieldType::Links, "primaryLinkUrl") if !text.is_empty() && !is_link(text) => Err(invalid(
            label,
            format!("`{text}` is not an http(s) URL or a domain name"),
        )),
        (FieldType::Links, "secondaryLinks") => match v {
            Val::Json(Value::Array(items)) => {
                for item in items {
                    let url = item.get("url").and_then(Value::as_str);
                    let label_ok = item
                        .get("label")
                        .is_none_or(|l| l.is_null() || l.is_string());
                    match url {
                        Some(u) if item.is_object() && label_ok && (u.is_empty() || is_link(u)) => {
                        }
                        _ => {
                            return Err(invalid(
                                label,
                                format!(
                                    "{item} is not a link {{\"url\": \"https://…\", \"label\": \"…\"}}"
                                ),
                            ));
                        }
                    }
                }
                Ok(())
            }
            Val::Null => Ok(()),
            _ => Err(invalid(label, "expected a list of links")),
        },
        (FieldType::Phones, "primaryPhoneNumber") if !is_phone_number(text) => Err(invalid(
            label,
            format!("`{text}` is not a phone number (digits, spaces, - . ( ) +)"),
        )),
        (FieldType::Phones, "primaryPhoneCallingCode")
            if !text.is_empty() && !is_calling_code(text) =>
        {
            Err(invalid(
                label,
                format!("`{text}` is not a calling code such as +33"),
            ))
        }
        (FieldType::Phones, "primaryPhoneCountryCode")
            if !text.is_empty() && !is_capitals(text, 2) =>
        {
            Err(invalid(
                label,
                format!("`{text}` is not a two-letter country code such as FR"),
            ))
        }
        (FieldType::Phones, "additionalPhones") => match v {
            Val::Json(Value::Array(items)) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| additional_phone(&format!("{label}[{i}]"), item)),
            Val::Null => Ok(()),
            _ => Err(invalid(label, "expected a list of phone objects")),
        },
        (FieldType::Currency, "currencyCode") if !text.is_empty() && !is_capitals(text, 3) => {
            Err(invalid(
                label,
                format!("`{text}` is not an ISO 4217 currency code such as USD"),
            ))
        }
        _ => Ok(()),
    }
}

/// A scalar of type `field_type` (a field's or a sub-field's); `null` handled by the caller.
fn scalar(
    field: &Field,
    field_type: FieldType,
    label: &str,
    value: &Value,
) -> Result<Val, QueryError> {
    Ok(match field_type {
        FieldType::Uuid => Val::Text(uuid(label, value)?),
        FieldType::Text => Val::Text(text(label, value)?),
        FieldType::Number => Val::Number(number(label, value, false)?),
        FieldType::Position => match value {
            Value::String(s) if s == "first" || s == "last" => Val::Text(s.clone()),
            Value::Number(n) => Val::Number(n.clone()),
            other => {
                return Err(invalid(
                    label,
                    format!("expected a number, \"first\" or \"last\", got {other}"),
                ));
            }
        },
        FieldType::Numeric => {
            let n = number(label, value, true)?;
            if !numeric_in_range(&n) {
                return Err(invalid(label, format!("{NUMERIC_OUT_OF_RANGE}, got {n}")));
            }
            Val::Number(n)
        }
        FieldType::Boolean => match value {
            Value::Bool(b) => Val::Bool(*b),
            other => {
                return Err(invalid(
                    label,
                    format!("expected true or false, got {other}"),
                ));
            }
        },
        FieldType::DateTime => {
            let s = text(label, value)?;
            Val::Text(parse_datetime(&s).ok_or_else(|| {
                invalid(
                    label,
                    format!("`{s}` is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z"),
                )
            })?)
        }
        FieldType::Date => {
            let s = text(label, value)?;
            Val::Text(
                normalize_date(&s)
                    .ok_or_else(|| invalid(label, format!("`{s}` is not a date (YYYY-MM-DD)")))?,
            )
        }
        FieldType::Select | FieldType::Rating => {
            let s = text(label, value)?;
            // An actor's one select sub-field is its source.
            let allowed = if field.field_type == FieldType::Actor {
                ACTOR_SOURCES.to_vec()
            } else {
                field.option_values()
            };
            if !allowed.contains(&s.as_str()) {
                return Err(invalid(
                    label,
                    format!("`{s}` is not one of the options ({})", allowed.join(", ")),
                ));
            }
            Val::Text(s)
        }
        FieldType::MultiSelect => string_list(label, value, Some(&field.option_values()))?,
        FieldType::Array => string_list(label, value, None)?,
        FieldType::RawJson if has_nul(value) => return Err(invalid(label, NUL)),
        FieldType::RawJson => Val::Json(value.clone()),
        other => {
            return Err(invalid(
                label,
                format!("{} values cannot be written", other.as_str()),
            ));
        }
    })
}

/// Checks `input` against `object` and turns it into column assignments.
pub fn convert(
    schema: &Schema,
    object: &Object,
    input: &Map<String, Value>,
    mode: Mode,
) -> Result<Input, QueryError> {
    let columns = object.columns(schema);
    let column = |name: &str| columns.iter().find(|c| c.name == name);
    let mut out = Input::default();
    let assign = |out: &mut Input, c: &Column, value: Val, label: &str| {
        if value == Val::Null && !c.nullable {
            return Err(required(object, label));
        }
        out.assigns.push(Assign {
            column: c.name.clone(),
            column_type: c.column_type,
            value,
        });
        Ok(())
    };
    for (key, value) in input {
        if key == "id" {
            match mode {
                Mode::Create if !value.is_null() => out.id = Some(uuid("id", value)?),
                Mode::Create => {}
                Mode::Update => return Err(read_only(object, "id")),
            }
            continue;
        }
        if let Some((_, relation)) = object
            .many_to_one()
            .find(|(f, _)| f.join_column().as_deref() == Some(key.as_str()))
        {
            let Some(c) = column(key) else {
                continue;
            };
            let val = match value {
                Value::Null => Val::Null,
                v => {
                    let id = uuid(key, v)?;
                    out.references.push(Reference {
                        field: key.clone(),
                        target: relation.target.clone(),
                        id: id.clone(),
                    });
                    Val::Text(id)
                }
            };
            assign(&mut out, c, val, key)?;
            continue;
        }
        let Some(field) = object.field(key) else {
            return Err(QueryError::UnknownField {
                object: object.name_singular.clone(),
                field: key.clone(),
            });
        };
        // The model's rule of which fields an input carries (`Field::in_body`).
        if field.is_server_set() && !(mode == Mode::Create && field.is_set_on_create()) {
            return Err(read_only(object, key));
        }
        if let Some(relation) = &field.relation {
            return Err(invalid(
                key,
                match relation.kind {
                    RelationKind::ManyToOne => format!(
                        "a relation is written through its join column: set `{key}Id` to the id of a {} record",
                        relation.target
                    ),
                    RelationKind::OneToMany => format!(
                        "a one-to-many relation is written from the other side: set `{}Id` on the {} records",
                        relation.inverse, relation.target
                    ),
                },
            ));
        }
        if let Some(composite) = field.field_type.composite() {
            let subs = match value {
                Value::Null => None,
                Value::Object(map) => Some(map),
                other => {
                    return Err(invalid(
                        key,
                        format!(
                            "expected an object with sub-fields {}, got {other}",
                            composite
                                .sub_fields
                                .iter()
                                .map(|s| s.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            };
            let Some(subs) = subs else {
                if field.is_set_on_create() {
                    // `createdBy: null` leaves it to the server.
                    continue;
                }
                for sub in composite.sub_fields {
                    let name = composite_column_name(key, sub.name);
                    if let Some(c) = column(&name) {
                        assign(&mut out, c, Val::Null, &format!("{key}.{}", sub.name))?;
                    }
                }
                continue;
            };
            for (sub_name, sub_value) in subs {
                let label = format!("{key}.{sub_name}");
                let Some(sub) = composite.sub_fields.iter().find(|s| s.name == sub_name) else {
                    return Err(QueryError::UnknownSubField {
                        object: object.name_singular.clone(),
                        field: key.clone(),
                        sub_field: sub_name.clone(),
                    });
                };
                if sub.read_only {
                    return Err(read_only(object, &label));
                }
                let Some(c) = column(&composite_column_name(key, sub.name)) else {
                    continue;
                };
                let mut val = match sub_value {
                    Value::Null => Val::Null,
                    v => scalar(field, sub.field_type, &label, v)?,
                };
                super::normalize::sub_field(field, sub, &mut val);
                check_sub(field, sub, &label, &val)?;
                assign(&mut out, c, val, &label)?;
            }
            continue;
        }
        let Some(c) = column(key) else {
            return Err(read_only(object, key));
        };
        let val = match value {
            Value::Null => Val::Null,
            v => scalar(field, field.field_type, key, v)?,
        };
        assign(&mut out, c, val, key)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use twenty_codegen::model::Uuid;

    /// An object with the types the standard set lacks (DATE, RATING).
    fn schema() -> Schema {
        let object = Object::new(Uuid::from_u128(1), "pet", "pets", "Pet", "Pets")
            .with_field(Field::new(
                Uuid::from_u128(2),
                "birthday",
                FieldType::Date,
                "Birthday",
            ))
            .with_field(Field::new(
                Uuid::from_u128(3),
                "score",
                FieldType::Rating,
                "Score",
            ));
        Schema::new(vec![object]).expect("a valid schema")
    }

    fn convert_one(record: Value) -> Result<Vec<Assign>, QueryError> {
        let schema = schema();
        let object = schema.object("pet").expect("pet");
        let Value::Object(map) = record else {
            panic!("not an object")
        };
        convert(&schema, object, &map, Mode::Create).map(|i| i.assigns)
    }

    #[test]
    fn dates_and_ratings_are_checked() {
        let assigns =
            convert_one(serde_json::json!({"birthday": "2020-02-29", "score": "RATING_3"}))
                .expect("valid");
        let values: Vec<&Val> = assigns.iter().map(|a| &a.value).collect();
        assert_eq!(
            values,
            [
                &Val::Text("2020-02-29".into()),
                &Val::Text("RATING_3".into())
            ]
        );
        for (bad, field) in [
            (serde_json::json!({"birthday": "2021-02-29"}), "birthday"),
            (
                serde_json::json!({"birthday": "2021-02-01T00:00:00Z"}),
                "birthday",
            ),
            (serde_json::json!({"score": "RATING_6"}), "score"),
            (serde_json::json!({"score": 3}), "score"),
        ] {
            let err = convert_one(bad.clone()).unwrap_err();
            assert_eq!(err.code(), "INVALID_VALUE", "{bad}");
            assert!(err.to_string().contains(field), "{err}");
        }
    }

    #[test]
    fn links_are_http_urls_or_bare_domains() {
        for ok in [
            "https://acme.com",
            "http://acme.com/about?x=1",
            "HTTPS://www.acme.co.uk:8443/",
            "acme.com",
            "www.acme.com/team",
            "http://localhost:3000",
        ] {
            assert!(is_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://acme.com",
            "acme",
            "https://",
            "acme .com",
            "mailto:x@acme.com",
        ] {
            assert!(!is_link(bad), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(is_email("jane@acme.com"));
        assert!(is_email("jane.doe+crm@mail.acme.io"));
        for bad in [
            "jane",
            "@acme.com",
            "jane@acme",
            "jane@@acme.com",
            "ja ne@acme.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    use crate::properties::STANDARD;

    const KEYS: &[&str] = &[
        "id",
        "name",
        "employees",
        "address",
        "addressCity",
        "addressStreet1",
        "domainName",
        "primaryLinkUrl",
        "secondaryLinks",
        "url",
        "label",
        "annualRecurringRevenue",
        "amountMicros",
        "currencyCode",
        "idealCustomerProfile",
        "tagline",
        "createdAt",
        "deletedAt",
        "position",
        "companyId",
        "company",
        "people",
        "emails",
        "primaryEmail",
        "additionalEmails",
        "phones",
        "primaryPhoneNumber",
        "additionalPhones",
        "number",
        "callingCode",
        "countryCode",
        "jobTitle",
        "createdBy",
        "source",
        "visaSponsorship",
        "nope",
    ];

    proptest::proptest! {
        #![proptest_config(crate::properties::config())]

        /// Any JSON object is a record's columns or the client's mistake, on create and
        /// on update, for every standard object: never a panic, never a 500.
        #[test]
        fn any_object_converts_or_is_a_client_error(
            json in crate::properties::json(4, KEYS)
        ) {
            let serde_json::Value::Object(map) = json else {
                return Ok(());
            };
            for object in &STANDARD.objects {
                for mode in [Mode::Create, Mode::Update] {
                    if let Err(e) = convert(&STANDARD, object, &map, mode) {
                        proptest::prop_assert!(e.is_client_error(), "{e}");
                    }
                }
            }
        }
    }

    /// The write engine refuses a create that leaves a column NOT NULL without a default
    /// unset; the model's rule says which fields a create requires. They must agree, for
    /// every field a client may write, or the documents would promise what the engine
    /// refuses.
    #[test]
    fn the_columns_a_create_needs_are_the_fields_the_model_requires() {
        use twenty_codegen::model::Body;
        for object in &STANDARD.objects {
            let columns = object.columns(&STANDARD);
            for field in &object.fields {
                let Some(presence) = field.in_body(Body::Create) else {
                    continue;
                };
                let needed = columns
                    .iter()
                    .filter(|c| c.field_id == field.id)
                    .any(|c| !c.nullable && c.default.is_none() && c.name != "position");
                assert_eq!(
                    presence.required, needed,
                    "{}.{}: the model and the engine disagree on whether a create needs it",
                    object.name_singular, field.name
                );
            }
        }
    }
}
