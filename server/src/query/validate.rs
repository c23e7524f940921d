//! Resolving a query's names against the model (field → column and its value kind) and
//! checking values: the only place a client's input is trusted into typed form.

use super::QueryError;
use super::ast::Comparator;
use serde_json::{Number, Value};
use twenty_codegen::emit::sql::{Dialect, quote};
use twenty_codegen::model::{
    ColumnType, Object, RelationKind, Schema, ValueKind, composite_column_name,
};

/// How a column's values are typed, compared and decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Uuid,
    Double,
    Numeric,
    Bool,
    DateTime,
    Date,
    /// SELECT / RATING: text restricted to these values.
    Select(Vec<String>),
    /// MULTI_SELECT: a text array restricted to these values.
    MultiSelect(Vec<String>),
    /// ARRAY: a text array.
    Array,
    Json,
}

impl Kind {
    /// The kind of a stored column (select options are not known at this level).
    pub fn of_column(column_type: ColumnType) -> Kind {
        match column_type {
            ColumnType::Uuid => Kind::Uuid,
            ColumnType::Text | ColumnType::TsVector => Kind::Text,
            ColumnType::Double => Kind::Double,
            ColumnType::Numeric => Kind::Numeric,
            ColumnType::Boolean => Kind::Bool,
            ColumnType::TimestampTz => Kind::DateTime,
            ColumnType::Date => Kind::Date,
            ColumnType::Json => Kind::Json,
            ColumnType::TextArray => Kind::Array,
        }
    }

    /// The server's kind of a model kind; `options` gives a select's allowed values.
    fn of_value_kind(kind: ValueKind, options: impl FnOnce() -> Vec<String>) -> Kind {
        match kind {
            ValueKind::Text => Kind::Text,
            ValueKind::Uuid => Kind::Uuid,
            ValueKind::Number => Kind::Double,
            ValueKind::Numeric => Kind::Numeric,
            ValueKind::Boolean => Kind::Bool,
            ValueKind::DateTime => Kind::DateTime,
            ValueKind::Date => Kind::Date,
            ValueKind::Select => Kind::Select(options()),
            ValueKind::MultiSelect => Kind::MultiSelect(options()),
            ValueKind::Array => Kind::Array,
            ValueKind::Json => Kind::Json,
        }
    }

    /// The model's kind, whose table says which comparators apply and what orders.
    pub fn value_kind(&self) -> ValueKind {
        match self {
            Kind::Text => ValueKind::Text,
            Kind::Uuid => ValueKind::Uuid,
            Kind::Double => ValueKind::Number,
            Kind::Numeric => ValueKind::Numeric,
            Kind::Bool => ValueKind::Boolean,
            Kind::DateTime => ValueKind::DateTime,
            Kind::Date => ValueKind::Date,
            Kind::Select(_) => ValueKind::Select,
            Kind::MultiSelect(_) => ValueKind::MultiSelect,
            Kind::Array => ValueKind::Array,
            Kind::Json => ValueKind::Json,
        }
    }

    fn comparators(&self) -> &'static [Comparator] {
        self.value_kind().comparators()
    }

    /// Whether rows can be ordered by this kind.
    pub fn orderable(&self) -> bool {
        self.value_kind().orderable()
    }
}

/// A column a filter or an ordering refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub name: String,
    pub kind: Kind,
    /// `name.firstName` as the client wrote it, for messages.
    pub label: String,
    /// A value read through relations (`company.name`): its SQL expression over alias `t`
    /// and its stored column type; `None` for a column of the object itself.
    pub expr: Option<(String, ColumnType)>,
}

/// A checked scalar value, ready to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Text(String),
    Number(Number),
    Bool(bool),
}

pub fn object<'s>(schema: &'s Schema, name: &str) -> Result<&'s Object, QueryError> {
    schema
        .object(name)
        .ok_or_else(|| QueryError::UnknownObject(name.to_owned()))
}

fn options(values: Vec<&str>) -> Vec<String> {
    values.into_iter().map(str::to_owned).collect()
}

/// The column `field` (or `field.sub_field`) is stored in. A many-to-one relation is
/// addressed by its join column (`companyId`) or by its name.
pub fn column(object: &Object, field: &str, sub_field: Option<&str>) -> Result<Col, QueryError> {
    let unknown = || QueryError::UnknownField {
        object: object.name_singular.clone(),
        field: field.to_owned(),
    };
    let found = object.field(field).or_else(|| {
        object
            .many_to_one()
            .find(|(f, _)| f.join_column().as_deref() == Some(field))
            .map(|(f, _)| f)
    });
    let f = found.ok_or_else(unknown)?;
    let label = match sub_field {
        Some(s) => format!("{field}.{s}"),
        None => field.to_owned(),
    };
    if let Some(relation) = &f.relation {
        if relation.kind == RelationKind::OneToMany || sub_field.is_some() {
            return Err(QueryError::InvalidFilter {
                field: label,
                reason: "a one-to-many relation or a relation's sub-field cannot be compared"
                    .to_owned(),
            });
        }
        let name = f.join_column().ok_or_else(unknown)?;
        return Ok(Col {
            name,
            kind: Kind::Uuid,
            label,
            expr: None,
        });
    }
    if let Some(composite) = f.field_type.composite() {
        let Some(sub) = sub_field else {
            return Err(QueryError::InvalidFilter {
                field: label,
                reason: format!(
                    "a {} field is compared through one of its sub-fields ({})",
                    f.field_type.as_str(),
                    composite
                        .sub_fields
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        };
        let s = composite
            .sub_fields
            .iter()
            .find(|s| s.name == sub)
            .ok_or_else(|| QueryError::UnknownSubField {
                object: object.name_singular.clone(),
                field: field.to_owned(),
                sub_field: sub.to_owned(),
            })?;
        // The only select sub-field is the actor's source.
        let kind = Kind::of_value_kind(
            ValueKind::of_type(s.field_type).unwrap_or(ValueKind::Text),
            || options(twenty_codegen::model::ACTOR_SOURCES.to_vec()),
        );
        return Ok(Col {
            name: composite_column_name(field, sub),
            kind,
            label,
            expr: None,
        });
    }
    if let Some(s) = sub_field {
        return Err(QueryError::UnknownSubField {
            object: object.name_singular.clone(),
            field: field.to_owned(),
            sub_field: s.to_owned(),
        });
    }
    let Some(value_kind) = ValueKind::of_type(f.field_type) else {
        return Err(QueryError::InvalidFilter {
            field: label,
            reason: format!("{} fields cannot be compared", f.field_type.as_str()),
        });
    };
    let kind = Kind::of_value_kind(value_kind, || options(f.option_values()));
    Ok(Col {
        name: f.name.clone(),
        kind,
        label,
        expr: None,
    })
}

/// Most relations an ordering key crosses (`pointOfContact.company.name`: two).
pub const MAX_ORDER_HOPS: usize = 3;

/// An ordering key read through many-to-one relations (`company.name`,
/// `pointOfContact.company.address.addressCity`): a correlated scalar subquery per hop over
/// the live related record (null when there is none), aliased `r0`, `r1`, … so that no
/// alias shadows another.
pub fn related_column(
    schema: &Schema,
    dialect: Dialect,
    pg_schema: &str,
    object: &Object,
    field: &str,
    path: &str,
) -> Result<Col, QueryError> {
    let label = format!("{field}.{path}");
    let mut expr_parts: Vec<(String, String)> = Vec::new();
    let (mut current, mut field_name, mut rest) = (object, field.to_owned(), path.to_owned());
    loop {
        let invalid = |reason: String| QueryError::InvalidOrder {
            field: label.clone(),
            reason,
        };
        if expr_parts.len() >= MAX_ORDER_HOPS {
            return Err(invalid(format!(
                "an ordering crosses at most {MAX_ORDER_HOPS} relations"
            )));
        }
        let f = current
            .field(&field_name)
            .ok_or_else(|| QueryError::UnknownField {
                object: current.name_singular.clone(),
                field: field_name.clone(),
            })?;
        let relation = f
            .relation
            .as_ref()
            .filter(|r| r.kind == RelationKind::ManyToOne)
            .ok_or_else(|| {
                invalid(format!(
                    "`{field_name}` is not a many-to-one relation: only their records' fields order"
                ))
            })?;
        let fk = f
            .join_column()
            .ok_or_else(|| invalid("no join column".to_owned()))?;
        let target = schema
            .object(&relation.target)
            .ok_or_else(|| QueryError::UnknownObject(relation.target.clone()))?;
        let alias = format!("r{}", expr_parts.len());
        let outer = if expr_parts.is_empty() {
            "t".to_owned()
        } else {
            format!("r{}", expr_parts.len() - 1)
        };
        let table = match dialect {
            Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(&target.table_name())),
            Dialect::Sqlite => quote(&target.table_name()),
        };
        expr_parts.push((
            "(SELECT ".to_owned(),
            format!(
                " FROM {table} {alias} WHERE {alias}.\"id\" = {outer}.{} AND {alias}.\"deletedAt\" IS NULL)",
                quote(&fk)
            ),
        ));
        let (head, tail) = match rest.split_once('.') {
            Some((h, t)) => (h.to_owned(), Some(t.to_owned())),
            None => (rest.clone(), None),
        };
        let next_is_relation = target
            .field(&head)
            .and_then(|f| f.relation.as_ref())
            .is_some();
        if next_is_relation && let Some(tail) = tail {
            current = target;
            field_name = head;
            rest = tail;
            continue;
        }
        let col = column(target, &head, tail.as_deref())?;
        let column_type = target
            .columns(schema)
            .into_iter()
            .find(|c| c.name == col.name)
            .map_or(ColumnType::Text, |c| c.column_type);
        let mut expr = format!("{alias}.{}", quote(&col.name));
        for (open, close) in expr_parts.iter().rev() {
            expr = format!("{open}{expr}{close}");
        }
        return Ok(Col {
            name: label.clone(),
            kind: col.kind,
            label,
            expr: Some((expr, column_type)),
        });
    }
}

/// Checks that `op` applies to the column's kind.
pub fn comparator(col: &Col, op: Comparator) -> Result<(), QueryError> {
    if col.kind.comparators().contains(&op) {
        return Ok(());
    }
    Err(QueryError::InvalidFilter {
        field: col.label.clone(),
        reason: format!(
            "comparator `{}` does not apply to this field (allowed: {})",
            op.as_str(),
            col.kind
                .comparators()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

fn invalid(col: &Col, reason: String) -> QueryError {
    QueryError::InvalidValue {
        field: col.label.clone(),
        reason,
    }
}

/// Why a text value is refused: Postgres cannot store or compare NUL, so neither backend
/// takes it.
pub const NUL_REFUSED: &str = "text cannot contain the NUL character (\\u0000)";

/// Whether a NUMERIC value is stored exactly alike on both backends: within ±2^63 (SQLite
/// keeps larger integers only as rounded doubles, Postgres exactly).
pub fn numeric_in_range(n: &Number) -> bool {
    n.is_i64()
        || (!n.is_u64()
            && n.as_f64()
                .is_some_and(|f| f.is_finite() && f.abs() < 2f64.powi(63)))
}

/// Why a NUMERIC value is refused.
pub const NUMERIC_OUT_OF_RANGE: &str =
    "a NUMERIC value must lie between -9223372036854775808 and 9223372036854775807";

/// A `like` / `ilike` / `startsWith` / `endsWith` operand: a string without NUL. For
/// `like` / `ilike` (`wildcards`), a backslash makes the next character literal, so the
/// pattern cannot end with a lone one.
pub fn pattern(col: &Col, value: &Value, wildcards: bool) -> Result<String, QueryError> {
    let Value::String(s) = value else {
        return Err(invalid(
            col,
            format!("expected a string pattern, got {value}"),
        ));
    };
    if s.contains('\0') {
        return Err(invalid(col, NUL_REFUSED.to_owned()));
    }
    if wildcards {
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.next().is_none() {
                return Err(invalid(
                    col,
                    "the pattern ends with a lone `\\` (it escapes the next character: write `\\\\` for a backslash)"
                        .to_owned(),
                ));
            }
        }
    }
    Ok(s.clone())
}

/// One element value checked against the column's kind (for arrays: against the element).
pub fn scalar(col: &Col, value: &Value) -> Result<Scalar, QueryError> {
    let text = || match value {
        Value::String(s) if s.contains('\0') => Err(invalid(col, NUL_REFUSED.to_owned())),
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid(col, format!("expected a string, got {other}"))),
    };
    match &col.kind {
        Kind::Text | Kind::Array | Kind::Json => text().map(Scalar::Text),
        Kind::Uuid => {
            let s = text()?;
            uuid::Uuid::parse_str(&s)
                .map(|u| Scalar::Text(u.hyphenated().to_string()))
                .map_err(|_| invalid(col, format!("`{s}` is not a UUID")))
        }
        Kind::Double | Kind::Numeric => {
            let n = match value {
                Value::Number(n) => n.clone(),
                Value::String(s) => s
                    .trim()
                    .parse::<Number>()
                    .map_err(|_| invalid(col, format!("`{s}` is not a number")))?,
                other => return Err(invalid(col, format!("expected a number, got {other}"))),
            };
            if col.kind == Kind::Numeric && !numeric_in_range(&n) {
                return Err(invalid(col, format!("{NUMERIC_OUT_OF_RANGE}, got {n}")));
            }
            Ok(Scalar::Number(n))
        }
        Kind::Bool => match value {
            Value::Bool(b) => Ok(Scalar::Bool(*b)),
            Value::String(s) if s == "true" || s == "false" => Ok(Scalar::Bool(s == "true")),
            other => Err(invalid(col, format!("expected true or false, got {other}"))),
        },
        Kind::DateTime => {
            let s = text()?;
            super::record::normalize_datetime(&s)
                .map(Scalar::Text)
                .ok_or_else(|| invalid(col, format!("`{s}` is not an ISO 8601 UTC date-time")))
        }
        Kind::Date => {
            let s = text()?;
            super::record::normalize_date(&s)
                .map(Scalar::Text)
                .ok_or_else(|| invalid(col, format!("`{s}` is not a date (YYYY-MM-DD)")))
        }
        Kind::Select(allowed) | Kind::MultiSelect(allowed) => {
            let s = text()?;
            if allowed.contains(&s) {
                Ok(Scalar::Text(s))
            } else {
                Err(invalid(
                    col,
                    format!("`{s}` is not one of the options ({})", allowed.join(", ")),
                ))
            }
        }
    }
}

/// A list value (`in`, `containsAny`): an array of checked elements.
pub fn list(col: &Col, value: &Value) -> Result<Vec<Scalar>, QueryError> {
    match value {
        Value::Array(items) => items.iter().map(|v| scalar(col, v)).collect(),
        other => Err(invalid(
            col,
            format!("expected a list [v1, v2], got {other}"),
        )),
    }
}

/// The operand of `is`: true for NULL, false for NOT_NULL.
pub fn is_null(col: &Col, value: &Value) -> Result<bool, QueryError> {
    match value.as_str() {
        Some("NULL") => Ok(true),
        Some("NOT_NULL") => Ok(false),
        _ => Err(invalid(
            col,
            format!("`is` takes NULL or NOT_NULL, got {value}"),
        )),
    }
}
