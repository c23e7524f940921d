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
    let c = format!("{alias}.{}", quote(&column.name));
    let expr = match (Kind::of_column(column.column_type), dialect) {
        (Kind::Uuid | Kind::Date | Kind::Json, Dialect::Postgres) => format!("{c}::text"),
        (Kind::Numeric, Dialect::Postgres) => format!("{c}::text"),
        (Kind::Numeric, Dialect::Sqlite) => format!("CAST({c} AS TEXT)"),
        (Kind::DateTime, Dialect::Postgres) => {
            format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
        }
        (Kind::Array, Dialect::Postgres) => format!("array_to_json({c})::text"),
        _ => c,
    };
    format!("{expr} AS {}", quote(&column.name))
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

fn decode<R: Row>(row: &R, column: &Column) -> Result<Value, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
{
    let name = column.name.as_str();
    Ok(match Kind::of_column(column.column_type) {
        Kind::Double => row
            .try_get::<Option<f64>, _>(name)?
            .and_then(double_number)
            .map_or(Value::Null, Value::Number),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(name)?
            .map_or(Value::Null, Value::Bool),
        Kind::Numeric => row
            .try_get::<Option<String>, _>(name)?
            .map_or(Value::Null, |s| text_number(&s)),
        Kind::Json | Kind::Array | Kind::MultiSelect(_) => row
            .try_get::<Option<String>, _>(name)?
            .map_or(Value::Null, |s| {
                serde_json::from_str(&s).unwrap_or(Value::String(s))
            }),
        _ => row
            .try_get::<Option<String>, _>(name)?
            .map_or(Value::Null, Value::String),
    })
}

/// Decodes every column of a row.
pub fn flat<R: Row>(row: &R, columns: &[Column]) -> Result<Flat, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
{
    let mut map = Map::new();
    for column in columns {
        map.insert(column.name.clone(), decode(row, column)?);
    }
    Ok(map)
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

/// The JSON record of a row that is still needed: see [`into_record`].
pub fn record(flat: &Flat, columns: &[Column], fields: Option<&[String]>) -> Map<String, Value> {
    into_record(flat.clone(), columns, fields)
}

/// The JSON record: composite sub-fields nested under their field, join columns kept
/// (`companyId`), restricted to `fields` (plus `id`) when given. The row's values and
/// column names move into the record: a page of records is built without copying them.
pub fn into_record(
    mut flat: Flat,
    columns: &[Column],
    fields: Option<&[String]>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for column in columns {
        if !wanted(fields, column) {
            continue;
        }
        let (name, value) = flat
            .remove_entry(&column.name)
            .unwrap_or_else(|| (column.name.clone(), Value::Null));
        match column.sub_field {
            Some(sub) => {
                let entry = out
                    .entry(column.field_name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.insert(sub.to_owned(), value);
                }
            }
            None => {
                out.insert(name, value);
            }
        }
    }
    out
}
