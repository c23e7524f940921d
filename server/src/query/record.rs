//! Rows to JSON records: the SELECT expression of each column per dialect (so both decode
//! alike), decoding, composites re-nested and the `fields` selection applied.
//! Also the date and date-time text forms shared with SQLite storage.

use super::validate::Kind;
use serde_json::{Map, Number, Value};
use sqlx::Row;
use twenty_codegen::emit::sql::{Dialect, quote};
use twenty_codegen::model::{Column, Object, Schema};

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` from an ISO 8601 date-time in UTC (`Z`, `+00:00` or none),
/// or a bare date (midnight): the form SQLite stores, which sorts chronologically.
pub fn normalize_datetime(s: &str) -> Option<String> {
    let (date, rest) = match s.split_once(['T', ' ']) {
        Some((d, r)) => (d, r),
        None => (s, "00:00:00"),
    };
    let date = normalize_date(date)?;
    let time = rest
        .strip_suffix('Z')
        .or_else(|| rest.strip_suffix("+00:00"))
        .unwrap_or(rest);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let number = |p: &str, max: u32| -> Option<u32> {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (number(h, 23)?, number(m, 59)?, 0),
        [h, m, s] => (number(h, 23)?, number(m, 59)?, number(s, 59)?),
        _ => return None,
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    // Milliseconds (how records show time), or microseconds (Postgres' precision, which
    // cursors carry) when more digits are given.
    let digits = if frac.len() > 3 { 6 } else { 3 };
    let frac = format!("{frac:0<6}");
    Some(format!(
        "{date}T{h:02}:{m:02}:{sec:02}.{}Z",
        &frac[..digits]
    ))
}

/// `YYYY-MM-DD` when `s` is a valid calendar date in that form.
pub fn normalize_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u32 = s[..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..].parse().ok()?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (d >= 1 && d <= days && s[..4].bytes().all(|c| c.is_ascii_digit())).then(|| s.to_owned())
}

/// The SELECT expression of a column of table alias `alias`, aliased to the column name.
pub fn select_expr(column: &Column, alias: &str, dialect: Dialect) -> String {
    format!(
        "{} AS {}",
        column_expr(column, alias, dialect),
        quote(&column.name)
    )
}

/// The expression reading a column of table alias `alias` as [`DbRow::value`] decodes it.
pub fn column_expr(column: &Column, alias: &str, dialect: Dialect) -> String {
    value_expr(
        &format!("{alias}.{}", quote(&column.name)),
        column.column_type,
        dialect,
    )
}

/// An expression of a column's type (`c`), read as [`DbRow::value`] decodes that type.
pub fn value_expr(
    c: &str,
    column_type: twenty_codegen::model::ColumnType,
    dialect: Dialect,
) -> String {
    let c = c.to_owned();
    match (Kind::of_column(column_type), dialect) {
        (Kind::Uuid | Kind::Date | Kind::Json, Dialect::Postgres) => format!("{c}::text"),
        (Kind::Numeric, Dialect::Postgres) => format!("{c}::text"),
        (Kind::Numeric, Dialect::Sqlite) => format!("CAST({c} AS TEXT)"),
        (Kind::DateTime, Dialect::Postgres) => pg_datetime_text(&c),
        (Kind::Array, Dialect::Postgres) => format!("array_to_json({c})::text"),
        _ => c,
    }
}

/// A `timestamptz` as the text records show (`YYYY-MM-DDTHH:MM:SS.mmmZ`), on Postgres.
fn pg_datetime_text(c: &str) -> String {
    format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
}

/// A Postgres expression building the JSON record (`jsonb`) of the row of table alias
/// `alias` from its `columns`: the record [`record`] builds in Rust from the row as
/// [`select_expr`] reads it, for every value the API writes (composites nested, numerics
/// with their trailing zeros trimmed, integral doubles as integers, NaN and infinities as
/// null). The event log uses it to log a created record with the INSERT that creates it.
pub fn pg_json_expr(columns: &[Column], alias: &str) -> String {
    let value = |column: &Column| {
        let c = format!("{alias}.{}", quote(&column.name));
        match Kind::of_column(column.column_type) {
            Kind::Double => format!(
                "CASE WHEN {c} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE to_jsonb({c}) END"
            ),
            Kind::Numeric => {
                format!("CASE WHEN {c} = 'NaN' THEN NULL ELSE to_jsonb(trim_scale({c})) END")
            }
            Kind::Bool | Kind::Array => format!("to_jsonb({c})"),
            Kind::Json => format!("{c}::jsonb"),
            Kind::DateTime => format!("to_jsonb({})", pg_datetime_text(&c)),
            Kind::Uuid | Kind::Date => format!("to_jsonb({c}::text)"),
            Kind::Text | Kind::Select(_) | Kind::MultiSelect(_) => format!("to_jsonb({c})"),
        }
    };
    let text = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let entries = entries(columns, None, |_, column| {
        Ok::<_, std::convert::Infallible>(value(column))
    });
    let pairs: Vec<String> = match entries {
        Ok(entries) => entries
            .into_iter()
            .map(|(key, v)| match v {
                Entry::Value(expr) => format!("{}, {expr}", text(&key)),
                Entry::Composite(subs) => format!(
                    "{}, {}",
                    text(&key),
                    pg_object(
                        &subs
                            .into_iter()
                            .map(|(sub, expr)| format!("{}, {expr}", text(&sub)))
                            .collect::<Vec<_>>()
                    )
                ),
            })
            .collect(),
        Err(never) => match never {},
    };
    pg_object(&pairs)
}

/// `jsonb_build_object` of `key, value` pairs, in calls of at most 50 pairs joined by
/// `||` (a function takes at most 100 arguments).
fn pg_object(pairs: &[String]) -> String {
    if pairs.is_empty() {
        return "'{}'::jsonb".to_owned();
    }
    pairs
        .chunks(50)
        .map(|chunk| format!("jsonb_build_object({})", chunk.join(", ")))
        .collect::<Vec<_>>()
        .join(" || ")
}

/// A column the engine computes in a statement (an aggregate, a value read through a
/// relation, a search result's member), decoded as `column_type` under `name`.
pub fn computed_column(name: &str, column_type: twenty_codegen::model::ColumnType) -> Column {
    Column {
        name: name.to_owned(),
        field_id: twenty_codegen::model::Uuid::nil(),
        field_name: name.to_owned(),
        sub_field: None,
        column_type,
        nullable: true,
        default: None,
        primary_key: false,
        references: None,
    }
}

/// The stored columns of an object that are read (not the search document).
pub fn read_columns(object: &Object, schema: &Schema) -> Vec<Column> {
    object
        .columns(schema)
        .into_iter()
        .filter(|c| c.column_type != twenty_codegen::model::ColumnType::TsVector)
        .collect()
}

/// One row's columns decoded to JSON, keyed by column name.
pub type Flat = Map<String, Value>;

/// Largest integer a double holds exactly (2^53).
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A stored double as JSON: integral values as integers (`100`, as Twenty answers, not
/// `100.0`), others as floats; NaN and infinities (never written by the API) as none.
pub fn double_number(f: f64) -> Option<Number> {
    if f.fract() == 0.0 && f.abs() <= EXACT_INTEGER {
        // Exact: the value is an integer within the range a double represents exactly.
        return Some(Number::from(f as i64));
    }
    Number::from_f64(f)
}

/// A decimal's text as JSON: `100.00` → `100`, `1.50` → `1.5` (integers stay integers).
fn text_number(s: &str) -> Value {
    let s = match s.contains('.') && !s.contains(['e', 'E']) {
        true => s.trim_end_matches('0').trim_end_matches('.'),
        false => s,
    };
    s.parse::<Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A row read from either database; its values are decoded by position (the order of the
/// SELECT list), which costs no lookup of the column's name.
pub enum DbRow {
    Postgres(sqlx::postgres::PgRow),
    Sqlite(sqlx::sqlite::SqliteRow),
}

impl DbRow {
    /// The value of the `index`-th selected column, read as `column`.
    pub fn value(&self, index: usize, column: &Column) -> Result<Value, sqlx::Error> {
        match self {
            DbRow::Postgres(row) => decode(row, index, column),
            DbRow::Sqlite(row) => decode(row, index, column),
        }
    }
}

fn decode<R: Row>(row: &R, index: usize, column: &Column) -> Result<Value, sqlx::Error>
where
    for<'r> Option<&'r str>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(match Kind::of_column(column.column_type) {
        Kind::Double => row
            .try_get::<Option<f64>, _>(index)?
            .and_then(double_number)
            .map_or(Value::Null, Value::Number),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(index)?
            .map_or(Value::Null, Value::Bool),
        Kind::Numeric => row
            .try_get::<Option<&str>, _>(index)?
            .map_or(Value::Null, text_number),
        Kind::Json | Kind::Array | Kind::MultiSelect(_) => row
            .try_get::<Option<&str>, _>(index)?
            .map_or(Value::Null, |s| {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()))
            }),
        _ => row
            .try_get::<Option<&str>, _>(index)?
            .map_or(Value::Null, |s| Value::String(s.to_owned())),
    })
}

/// Decodes every column of a row (`columns` in the order they were selected).
pub fn flat(row: &DbRow, columns: &[Column]) -> Result<Flat, sqlx::Error> {
    let mut map = Map::new();
    for (index, column) in columns.iter().enumerate() {
        map.insert(column.name.clone(), row.value(index, column)?);
    }
    Ok(map)
}

/// The JSON record of a row: composite sub-fields nested under their field, join columns
/// kept (`companyId`), restricted to `fields` (plus `id`) when given. Built from the row
/// directly, without an intermediate map; `columns` are the first columns selected.
pub fn from_row(
    row: &DbRow,
    columns: &[Column],
    fields: Option<&[String]>,
) -> Result<Map<String, Value>, sqlx::Error> {
    build(columns, fields, |index, column| row.value(index, column))
}

/// A record from the value of each column (`value(index, column)`).
fn build<E>(
    columns: &[Column],
    fields: Option<&[String]>,
    value: impl FnMut(usize, &Column) -> Result<Value, E>,
) -> Result<Map<String, Value>, E> {
    // Collected and then built in one go (sorted once), rather than inserted key by key.
    Ok(entries(columns, fields, value)?
        .into_iter()
        .map(|(name, entry)| match entry {
            Entry::Value(v) => (name, v),
            Entry::Composite(subs) => (name, Value::Object(subs.into_iter().collect())),
        })
        .collect())
}

/// A record's entry: a plain field's (or join column's) value, or a composite's
/// sub-fields.
enum Entry<T> {
    Value(T),
    Composite(Vec<(String, T)>),
}

/// A record's entries, in column order, from the value of each column: composite
/// sub-fields grouped under their field, restricted to `fields` (see [`wanted`]).
fn entries<T, E>(
    columns: &[Column],
    fields: Option<&[String]>,
    mut value: impl FnMut(usize, &Column) -> Result<T, E>,
) -> Result<Vec<(String, Entry<T>)>, E> {
    let mut entries: Vec<(String, Entry<T>)> = Vec::with_capacity(columns.len());
    for (index, column) in columns.iter().enumerate() {
        if !wanted(fields, column) {
            continue;
        }
        let value = value(index, column)?;
        let Some(sub) = column.sub_field else {
            entries.push((column.name.clone(), Entry::Value(value)));
            continue;
        };
        // A composite's columns are adjacent; sub-fields of a field whose columns were
        // not join the entry already there.
        let found = entries
            .iter_mut()
            .rev()
            .find(|(name, _)| *name == column.field_name)
            .and_then(|(_, e)| match e {
                Entry::Composite(subs) => Some(subs),
                Entry::Value(_) => None,
            });
        match found {
            Some(subs) => subs.push((sub.to_owned(), value)),
            None => entries.push((
                column.field_name.clone(),
                Entry::Composite(vec![(sub.to_owned(), value)]),
            )),
        }
    }
    Ok(entries)
}

/// Whether a record restricted to `fields` (every field when `None`) shows `column`: `id`
/// always, a field's columns when the field or the column is named.
pub fn wanted(fields: Option<&[String]>, column: &Column) -> bool {
    fields.is_none_or(|f| {
        column.field_name == "id"
            || f.iter()
                .any(|w| *w == column.field_name || *w == column.name)
    })
}

/// The JSON record of a decoded row (its [`flat`] form): see [`from_row`].
pub fn record(flat: &Flat, columns: &[Column], fields: Option<&[String]>) -> Map<String, Value> {
    let value = |_: usize, column: &Column| {
        Ok::<_, std::convert::Infallible>(flat.get(&column.name).cloned().unwrap_or(Value::Null))
    };
    match build(columns, fields, value) {
        Ok(record) => record,
        Err(never) => match never {},
    }
}
