//! Group-by and aggregates, computed by the database: one statement groups the live
//! records matching the filter by the requested dimensions (a field, a composite's
//! sub-field, a join column, or a date truncated to a granularity in a time zone) and
//! computes Twenty's aggregates (`codegen::model::aggregates`) per group; a second
//! statement, only when asked, reads a sample of each returned group's records (at most
//! [`RECORDS_PER_GROUP`], ordered, with a window function).
//!
//! Both transports parse their arguments (Twenty's JSON shapes: `[{"stage": true},
//! {"createdAt": {"granularity": "MONTH", "timeZone": "Europe/Paris"}}]`) with the
//! functions here, so REST and GraphQL accept and refuse the same requests.

use super::QueryError;
use super::ast::{Direction, Filter, OrderBy};
use super::exec::{Target, fetch_rows};
use super::record;
use super::sql::{self, Param, Sql};
use super::validate::{self, Kind};
use serde_json::{Map, Value};
use twenty_codegen::emit::sql::{Dialect, quote};
use twenty_codegen::model::{
    Aggregate, AggregateOp, AggregateValue, Column, ColumnType, FieldType, Object, RelationKind,
    Schema, composite_column_name, is_groupable, is_groupable_sub_field,
};

/// Most groups one request answers (REST's `limit`; Twenty's `QUERY_MAX_RECORDS`).
pub const MAX_GROUPS: u32 = 200;
/// Groups answered when no `limit` is given (Twenty's `DEFAULT_NUMBER_OF_GROUPS_LIMIT`).
pub const DEFAULT_GROUPS: u32 = 50;
/// Records sampled per group (Twenty's `RECORDS_PER_GROUP_LIMIT`).
pub const RECORDS_PER_GROUP: u32 = 10;

/// How a date is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    DayOfTheWeek,
    MonthOfTheYear,
    QuarterOfTheYear,
}

impl Granularity {
    const ALL: [(&'static str, Option<Granularity>); 9] = [
        ("NONE", None),
        ("DAY", Some(Granularity::Day)),
        ("WEEK", Some(Granularity::Week)),
        ("MONTH", Some(Granularity::Month)),
        ("QUARTER", Some(Granularity::Quarter)),
        ("YEAR", Some(Granularity::Year)),
        ("DAY_OF_THE_WEEK", Some(Granularity::DayOfTheWeek)),
        ("MONTH_OF_THE_YEAR", Some(Granularity::MonthOfTheYear)),
        ("QUARTER_OF_THE_YEAR", Some(Granularity::QuarterOfTheYear)),
    ];

    /// The spellings, for messages.
    pub fn names() -> String {
        Granularity::ALL.map(|(n, _)| n).join(", ")
    }

    /// Whether the value is a period's first day (which depends on the time zone).
    fn is_period(self) -> bool {
        matches!(
            self,
            Granularity::Day
                | Granularity::Week
                | Granularity::Month
                | Granularity::Quarter
                | Granularity::Year
        )
    }
}

/// The first day of a week (`weekStartDay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WeekStart {
    #[default]
    Monday,
    Sunday,
    Saturday,
}

/// One dimension of the grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The column grouped on (a field's, a sub-field's or a join column).
    pub column: Column,
    /// How the client named it (`address.addressCity`), for messages and ordering.
    pub label: String,
    pub granularity: Option<Granularity>,
    /// An IANA name (`Europe/Paris`), `UTC` or a fixed offset (`+02:00`).
    pub time_zone: Option<String>,
    pub week_start: WeekStart,
    /// The many-to-one relations crossed to reach the column (`{"company": {"name":
    /// true}}`), from the grouped object on: each a join column and the related table.
    pub via: Vec<Hop>,
}

/// One many-to-one relation a dimension crosses.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// The join column, on the previous table.
    pub fk: String,
    /// The related object's table name.
    pub table: String,
}

/// Most relations a dimension crosses.
const MAX_HOPS: usize = 3;

/// The alias of the table a dimension's column is read from: `t`, or its last hop's.
fn dimension_alias(index: usize, d: &Dimension) -> String {
    match d.via.len() {
        0 => "t".to_owned(),
        n => format!("g{index}_{}", n - 1),
    }
}

/// The `LEFT JOIN`s the dimensions' relations need (live related records only).
fn joins(dimensions: &[Dimension], dialect: Dialect, pg_schema: &str) -> String {
    let mut out = String::new();
    for (i, d) in dimensions.iter().enumerate() {
        for (k, hop) in d.via.iter().enumerate() {
            let alias = format!("g{i}_{k}");
            let previous = if k == 0 {
                "t".to_owned()
            } else {
                format!("g{i}_{}", k - 1)
            };
            let table = match dialect {
                Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(&hop.table)),
                Dialect::Sqlite => quote(&hop.table),
            };
            out.push_str(&format!(
                " LEFT JOIN {table} {alias} ON {alias}.\"id\" = {previous}.{} AND {alias}.\"deletedAt\" IS NULL",
                quote(&hop.fk)
            ));
        }
    }
    out
}

/// How the groups are ordered.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupOrder {
    /// By the dimension at this index.
    Dimension(usize, Direction),
    /// By an aggregate.
    Aggregate(Aggregate, Direction),
}

/// A group-by request.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBy {
    pub dimensions: Vec<Dimension>,
    /// The aggregates answered per group, in order.
    pub aggregates: Vec<Aggregate>,
    pub filter: Option<Filter>,
    pub with_deleted: bool,
    /// Empty: by the dimensions, ascending, nulls first.
    pub order: Vec<GroupOrder>,
    pub limit: u32,
    /// A sample of each group's records, ordered so (`id` last), when asked for.
    pub records: Option<Vec<OrderBy>>,
    /// Records of each group skipped before the sample (GraphQL's `offsetForRecords`).
    pub records_offset: u32,
}

/// One group of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// One value per dimension (null is a group of its own).
    pub dimensions: Vec<Value>,
    /// The aggregates, named, in the requested order.
    pub aggregates: Map<String, Value>,
    /// The sampled records (depth 0), when asked for.
    pub records: Option<Vec<Value>>,
}

fn invalid(reason: impl Into<String>) -> QueryError {
    QueryError::InvalidGroupBy(reason.into())
}

/// The dimensions of a `group_by` list: `[{"stage": true}, {"address": {"addressCity":
/// true}}, {"createdAt": {"granularity": "DAY", "timeZone": "UTC", "weekStartDay":
/// "MONDAY"}}, {"companyId": true}]`.
pub fn dimensions(
    schema: &Schema,
    object: &Object,
    value: &Value,
) -> Result<Vec<Dimension>, QueryError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            "`group_by` is a list of objects such as [{\"stage\": true}, {\"address\": {\"addressCity\": true}}, {\"createdAt\": {\"granularity\": \"DAY\", \"timeZone\": \"UTC\"}}]",
        ));
    };
    if items.len() > 8 {
        return Err(invalid("at most 8 dimensions per group-by"));
    }
    items
        .iter()
        .map(|item| dimension(schema, object, item, 0))
        .collect()
}

fn single(value: &Value) -> Result<(&String, &Value), QueryError> {
    match value {
        Value::Object(map) if map.len() == 1 => {
            Ok(map.iter().next().unwrap_or_else(|| unreachable!()))
        }
        _ => Err(invalid(format!(
            "{value} must name exactly one field, such as {{\"stage\": true}}; give several dimensions as several items"
        ))),
    }
}

fn dimension(
    schema: &Schema,
    object: &Object,
    item: &Value,
    hops: usize,
) -> Result<Dimension, QueryError> {
    let (name, spec) = single(item)?;
    let columns = object.columns(schema);
    let column = |name: &str| columns.iter().find(|c| c.name == name).cloned();
    let plain = |column: Column, label: String| Dimension {
        column,
        label,
        granularity: None,
        time_zone: None,
        week_start: WeekStart::Monday,
        via: Vec::new(),
    };
    let expect_true = |label: &str| match spec {
        Value::Bool(true) => Ok(()),
        other => Err(invalid(format!("`{label}`: expected true, got {other}"))),
    };
    // A join column (`companyId`).
    if object
        .many_to_one()
        .any(|(f, _)| f.join_column().as_deref() == Some(name.as_str()))
    {
        expect_true(name)?;
        let c = column(name).ok_or_else(|| invalid(format!("`{name}` has no column")))?;
        return Ok(plain(c, name.clone()));
    }
    let Some(field) = object.field(name) else {
        return Err(QueryError::UnknownField {
            object: object.name_singular.clone(),
            field: name.clone(),
        });
    };
    if let Some(relation) = &field.relation {
        // A related record's field: `{"company": {"name": true}}`.
        if relation.kind == RelationKind::ManyToOne
            && spec.is_object()
            && let (Some(fk), Some(target)) = (field.join_column(), schema.object(&relation.target))
        {
            if hops + 1 > MAX_HOPS {
                return Err(invalid(format!(
                    "`{name}`: a dimension crosses at most {MAX_HOPS} relations"
                )));
            }
            let mut inner = dimension(schema, target, spec, hops + 1)?;
            inner.label = format!("{name}.{}", inner.label);
            inner.via.insert(
                0,
                Hop {
                    fk,
                    table: target.table_name(),
                },
            );
            return Ok(inner);
        }
        return Err(invalid(match relation.kind {
            RelationKind::ManyToOne => format!(
                "`{name}`: group by a field of the related record ({{\"{name}\": {{\"name\": true}}}}) or by its id ({{\"{name}Id\": true}})"
            ),
            RelationKind::OneToMany => {
                format!("`{name}` is a one-to-many relation and cannot be grouped by")
            }
        }));
    }
    if let Some(composite) = field.field_type.composite() {
        let (sub, flag) = single(spec).map_err(|_| {
            invalid(format!(
                "`{name}` is grouped by one of its sub-fields: {{\"{name}\": {{\"{}\": true}}}}",
                composite.sub_fields[0].name
            ))
        })?;
        let label = format!("{name}.{sub}");
        if !composite.sub_fields.iter().any(|s| s.name == sub) {
            return Err(QueryError::UnknownSubField {
                object: object.name_singular.clone(),
                field: name.clone(),
                sub_field: sub.clone(),
            });
        }
        if flag != &Value::Bool(true) {
            return Err(invalid(format!("`{label}`: expected true, got {flag}")));
        }
        let c = column(&composite_column_name(name, sub))
            .ok_or_else(|| invalid(format!("`{label}` has no column")))?;
        let groupable = composite
            .sub_fields
            .iter()
            .any(|s| s.name == sub && is_groupable_sub_field(s));
        if !groupable {
            return Err(invalid(format!(
                "`{label}` holds a JSON list and cannot be grouped by"
            )));
        }
        return Ok(plain(c, label));
    }
    if !is_groupable(field) {
        return Err(invalid(format!(
            "`{name}` is a {} field and cannot be grouped by",
            field.field_type.as_str()
        )));
    }
    let c = column(name).ok_or_else(|| invalid(format!("`{name}` has no column")))?;
    let is_date = matches!(field.field_type, FieldType::Date | FieldType::DateTime);
    match spec {
        Value::Bool(true) => Ok(plain(c, name.clone())),
        Value::Object(options) if is_date => {
            let mut dimension = plain(c, name.clone());
            for (key, value) in options {
                match (key.as_str(), value) {
                    ("granularity", Value::String(g)) => {
                        dimension.granularity = Granularity::ALL
                            .iter()
                            .find(|(n, _)| n == g)
                            .ok_or_else(|| {
                                invalid(format!(
                                    "`{name}`: unknown granularity `{g}`; expected {}",
                                    Granularity::names()
                                ))
                            })?
                            .1;
                    }
                    ("timeZone", Value::String(z)) => dimension.time_zone = Some(z.clone()),
                    ("weekStartDay", Value::String(d)) => {
                        dimension.week_start = match d.as_str() {
                            "MONDAY" => WeekStart::Monday,
                            "SUNDAY" => WeekStart::Sunday,
                            "SATURDAY" => WeekStart::Saturday,
                            other => {
                                return Err(invalid(format!(
                                    "`{name}`: weekStartDay `{other}` is not MONDAY, SUNDAY or SATURDAY"
                                )));
                            }
                        };
                    }
                    ("timeZone" | "weekStartDay", Value::Null) => {}
                    (key, value) => {
                        return Err(invalid(format!(
                            "`{name}`: unknown option `{key}` ({value}); a date takes granularity, timeZone and weekStartDay"
                        )));
                    }
                }
            }
            let needs_zone = field.field_type == FieldType::DateTime
                && dimension.granularity.is_some_and(Granularity::is_period);
            if needs_zone && dimension.time_zone.is_none() {
                return Err(invalid(format!(
                    "`{name}`: a date-time grouped by DAY, WEEK, MONTH, QUARTER or YEAR needs a `timeZone` (\"UTC\", \"Europe/Paris\", \"+02:00\")"
                )));
            }
            Ok(dimension)
        }
        other => Err(invalid(format!(
            "`{name}`: expected true{}, got {other}",
            if is_date {
                " or {\"granularity\": \"DAY\", \"timeZone\": \"UTC\"}"
            } else {
                ""
            }
        ))),
    }
}

/// The aggregates named in an `aggregate` list (`countAll` — also spelled `totalCount` —,
/// `countEmptyName`, `maxAmountAmountMicros`, …).
pub fn aggregates(object: &Object, value: &Value) -> Result<Vec<Aggregate>, QueryError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            "`aggregate` is a list of aggregate names such as [\"countAll\", \"sumEmployees\"]",
        ));
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(name) => aggregate(object, name),
            other => Err(invalid(format!("{other} is not an aggregate name"))),
        })
        .collect()
}

/// The aggregate `name` of `object` (`totalCount` is `countAll`, answered by that name).
pub fn aggregate(object: &Object, name: &str) -> Result<Aggregate, QueryError> {
    let lookup = if name == "totalCount" {
        "countAll"
    } else {
        name
    };
    let mut found = twenty_codegen::model::aggregate(object, lookup).ok_or_else(|| {
        invalid(format!(
            "`{name}` is not an aggregate of {} (countAll, countEmpty<Field>, countNotEmpty<Field>, countUniqueValues<Field>, percentageEmpty<Field>, percentageNotEmpty<Field>, countTrue / countFalse<Field>, min / max<Field> of dates and numbers, avg / sum<Field> of numbers)",
            object.name_singular
        ))
    })?;
    found.name = name.to_owned();
    Ok(found)
}

/// The group ordering of an `order_by` list: `[{"stage": "AscNullsFirst"}, {"address":
/// {"addressCity": "DescNullsLast"}}, {"createdAt": {"orderBy": "AscNullsFirst",
/// "granularity": "MONTH"}}, {"aggregate": {"avgEmployees": "DescNullsLast"}}]`; each
/// names a dimension of the request or an aggregate.
pub fn order(
    object: &Object,
    dimensions: &[Dimension],
    value: &Value,
) -> Result<Vec<GroupOrder>, QueryError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            "the group-by `order_by` is a list such as [{\"stage\": \"AscNullsFirst\"}, {\"aggregate\": {\"countAll\": \"DescNullsLast\"}}]",
        ));
    };
    let direction = |label: &str, v: &Value| match v {
        Value::String(s) => Direction::from_name(s)
            .ok_or_else(|| invalid(format!("`{label}`: `{s}` is not {}", Direction::EXPECTED))),
        other => Err(invalid(format!(
            "`{label}`: expected {}, got {other}",
            Direction::EXPECTED
        ))),
    };
    items
        .iter()
        .map(|item| {
            let (name, spec) = single(item)?;
            if name == "aggregate" {
                let (aggregate_name, dir) = single(spec)?;
                return Ok(GroupOrder::Aggregate(
                    aggregate(object, aggregate_name)?,
                    direction(aggregate_name, dir)?,
                ));
            }
            let (label, granularity, dir) = match spec {
                Value::String(_) => (name.clone(), None, spec),
                Value::Object(map) if map.contains_key("orderBy") => {
                    let granularity = match map.get("granularity") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(g)) => Granularity::ALL
                            .iter()
                            .find(|(n, _)| n == g)
                            .map(|(_, g)| *g)
                            .ok_or_else(|| invalid(format!("`{name}`: unknown granularity `{g}`")))?,
                        Some(other) => return Err(invalid(format!("`{name}`: granularity {other}"))),
                    };
                    (name.clone(), granularity, &map["orderBy"])
                }
                Value::Object(_) => {
                    let (sub, dir) = single(spec)?;
                    (format!("{name}.{sub}"), None, dir)
                }
                other => return Err(invalid(format!("`{name}`: {other} is not a direction"))),
            };
            let index = dimensions
                .iter()
                .position(|d| d.label == label && (granularity.is_none() || d.granularity == granularity))
                .ok_or_else(|| {
                    invalid(format!(
                        "cannot order by `{label}`: it is neither a dimension of the group-by nor an aggregate"
                    ))
                })?;
            Ok(GroupOrder::Dimension(index, direction(&label, dir)?))
        })
        .collect()
}

/// A time zone as Postgres takes it, or as a fixed offset in minutes for SQLite (which
/// knows no zone names): `UTC` / `Etc/UTC` / `GMT` are 0, `+02:00` is 120.
fn offset_minutes(zone: &str) -> Option<i64> {
    if matches!(zone, "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Z") {
        return Some(0);
    }
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60 && rest.len() <= 5).then_some(sign * (h * 60 + m))
}

/// The SQL of one dimension over table alias `t`, binding its time zone.
fn dimension_expr(s: &mut Sql, d: &Dimension, alias: &str) -> Result<String, QueryError> {
    let dialect = s.dialect;
    let c = format!("{alias}.{}", quote(&d.column.name));
    let Some(granularity) = d.granularity else {
        let expr = record::column_expr(&d.column, alias, dialect);
        let text = matches!(Kind::of_column(d.column.column_type), Kind::Text);
        return Ok(if text && dialect == Dialect::Postgres {
            // Grouped and ordered byte-wise, as SQLite does (and as lists order).
            format!("({expr}) COLLATE \"C\"")
        } else {
            expr
        });
    };
    let datetime = d.column.column_type == ColumnType::TimestampTz;
    Ok(match dialect {
        Dialect::Postgres => {
            let local = match (&d.time_zone, datetime) {
                // A fixed offset as an interval: as text Postgres reads `+02:00` the
                // POSIX way, west of Greenwich.
                (Some(zone), true) => match offset_minutes(zone) {
                    Some(minutes) => {
                        let p = s.bind(Param::Text(format!("{minutes} minutes")));
                        format!("({c} AT TIME ZONE {p}::interval)")
                    }
                    None => {
                        let p = s.bind(Param::Text(zone.clone()));
                        format!("({c} AT TIME ZONE {p})")
                    }
                },
                (None, true) => format!("({c} AT TIME ZONE 'UTC')"),
                (_, false) => format!("({c}::timestamp)"),
            };
            let day = |expr: &str| format!("to_char({expr}, 'YYYY-MM-DD')");
            match granularity {
                Granularity::Day => day(&format!("date_trunc('day', {local})")),
                Granularity::Month => day(&format!("date_trunc('month', {local})")),
                Granularity::Quarter => day(&format!("date_trunc('quarter', {local})")),
                Granularity::Year => day(&format!("date_trunc('year', {local})")),
                Granularity::Week => {
                    let shift = match d.week_start {
                        WeekStart::Monday => 0,
                        WeekStart::Sunday => 1,
                        WeekStart::Saturday => 2,
                    };
                    day(&format!(
                        "(date_trunc('week', {local} + interval '{shift} day') - interval '{shift} day')"
                    ))
                }
                Granularity::DayOfTheWeek => format!("to_char({local}, 'FMDay')"),
                Granularity::MonthOfTheYear => format!("to_char({local}, 'FMMonth')"),
                Granularity::QuarterOfTheYear => format!("to_char({local}, '\"Q\"Q')"),
            }
        }
        Dialect::Sqlite => {
            let local = match (&d.time_zone, datetime) {
                (Some(zone), true) => {
                    let minutes = offset_minutes(zone).ok_or_else(|| {
                        invalid(format!(
                            "time zone `{zone}`: the SQLite backend groups dates in UTC or at a fixed offset such as \"+02:00\"; named time zones need the Postgres backend"
                        ))
                    })?;
                    let p = s.bind(Param::Text(format!("{minutes:+} minutes")));
                    format!("datetime({c}, {p})")
                }
                (None, _) | (_, false) => format!("datetime({c})"),
            };
            let month = format!("CAST(strftime('%m', {local}) AS INTEGER)");
            let weekday = format!("CAST(strftime('%w', {local}) AS INTEGER)");
            match granularity {
                Granularity::Day => format!("date({local})"),
                Granularity::Month => format!("strftime('%Y-%m-01', {local})"),
                Granularity::Year => format!("strftime('%Y-01-01', {local})"),
                Granularity::Quarter => format!(
                    "strftime('%Y-', {local}) || printf('%02d', (({month} - 1) / 3) * 3 + 1) || '-01'"
                ),
                Granularity::Week => {
                    // Days back to the week's first day (strftime's %w: Sunday is 0).
                    let back = match d.week_start {
                        WeekStart::Monday => format!("(({weekday} + 6) % 7)"),
                        WeekStart::Sunday => weekday.clone(),
                        WeekStart::Saturday => format!("(({weekday} + 1) % 7)"),
                    };
                    format!("date({local}, '-' || {back} || ' days')")
                }
                Granularity::DayOfTheWeek => format!(
                    "CASE strftime('%w', {local}) WHEN '0' THEN 'Sunday' WHEN '1' THEN 'Monday' WHEN '2' THEN 'Tuesday' WHEN '3' THEN 'Wednesday' WHEN '4' THEN 'Thursday' WHEN '5' THEN 'Friday' WHEN '6' THEN 'Saturday' END"
                ),
                Granularity::MonthOfTheYear => format!(
                    "CASE {month} WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March' WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July' WHEN 8 THEN 'August' WHEN 9 THEN 'September' WHEN 10 THEN 'October' WHEN 11 THEN 'November' WHEN 12 THEN 'December' END"
                ),
                Granularity::QuarterOfTheYear => format!("'Q' || (({month} + 2) / 3)"),
            }
        }
    })
}

/// How a dimension's value is decoded: as its column, or as text once truncated.
fn dimension_column(d: &Dimension) -> Column {
    let mut column = d.column.clone();
    if d.granularity.is_some() {
        column.column_type = ColumnType::Text;
    }
    column
}

/// The SQL of an aggregate over table alias `t`, as text (decoded by its value type).
fn aggregate_expr(dialect: Dialect, object: &Object, schema: &Schema, a: &Aggregate) -> String {
    let columns = object.columns(schema);
    let kind = |name: &str| {
        columns
            .iter()
            .find(|c| c.name == name)
            .map_or(Kind::Text, |c| Kind::of_column(c.column_type))
    };
    let col = |name: &str| format!("t.{}", quote(name));
    // A column's value as text, "" when empty (null, "", an empty list).
    let text = |name: &str| match (dialect, kind(name)) {
        (Dialect::Postgres, Kind::Array | Kind::MultiSelect(_)) => {
            format!("COALESCE(array_to_string({}, ','), '')", col(name))
        }
        (Dialect::Postgres, _) => format!("COALESCE({}::text, '')", col(name)),
        (Dialect::Sqlite, Kind::Array | Kind::MultiSelect(_) | Kind::Json) => format!(
            "CASE WHEN {c} IS NULL OR {c} IN ('[]', 'null') THEN '' ELSE {c} END",
            c = col(name)
        ),
        (Dialect::Sqlite, _) => format!("COALESCE(CAST({} AS TEXT), '')", col(name)),
    };
    let present = || {
        let parts: Vec<String> = a.columns.iter().map(|c| text(c)).collect();
        match dialect {
            Dialect::Postgres => format!("NULLIF(CONCAT({}), '')", parts.join(", ")),
            Dialect::Sqlite => format!("NULLIF({}, '')", parts.join(" || ")),
        }
    };
    let real = match dialect {
        Dialect::Postgres => "float8",
        Dialect::Sqlite => "REAL",
    };
    let first = || a.columns.first().map(|c| col(c)).unwrap_or_default();
    let truth = |value: bool| match dialect {
        Dialect::Postgres => format!("COUNT(CASE WHEN {} = {value} THEN 1 END)", first()),
        Dialect::Sqlite => format!(
            "COUNT(CASE WHEN {} = {} THEN 1 END)",
            first(),
            i64::from(value)
        ),
    };
    let expr = match a.op {
        AggregateOp::CountAll => "COUNT(*)".to_owned(),
        AggregateOp::CountNotEmpty => format!("COUNT({})", present()),
        AggregateOp::CountEmpty => format!("COUNT(*) - COUNT({})", present()),
        AggregateOp::CountUniqueValues => format!("COUNT(DISTINCT {})", present()),
        AggregateOp::PercentageEmpty => format!(
            "CAST(COUNT(*) - COUNT({}) AS {real}) / NULLIF(COUNT(*), 0)",
            present()
        ),
        AggregateOp::PercentageNotEmpty => {
            format!("CAST(COUNT({}) AS {real}) / NULLIF(COUNT(*), 0)", present())
        }
        AggregateOp::CountTrue => truth(true),
        AggregateOp::CountFalse => truth(false),
        AggregateOp::Min | AggregateOp::Max | AggregateOp::Avg | AggregateOp::Sum => {
            let function = match a.op {
                AggregateOp::Min => "MIN",
                AggregateOp::Max => "MAX",
                AggregateOp::Avg => "AVG",
                _ => "SUM",
            };
            let value = format!("{function}({})", first());
            return match (dialect, a.value) {
                (Dialect::Postgres, AggregateValue::DateTime) => format!(
                    "to_char({value} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                ),
                (Dialect::Postgres, AggregateValue::Date) => format!("({value})::text"),
                (Dialect::Sqlite, AggregateValue::DateTime | AggregateValue::Date) => value,
                (Dialect::Postgres, _) => format!("({value})::float8"),
                (Dialect::Sqlite, _) => format!("CAST({value} AS REAL)"),
            };
        }
    };
    // A double, so that groups order by it numerically and both backends decode it alike.
    match dialect {
        Dialect::Postgres => format!("({expr})::float8"),
        Dialect::Sqlite => format!("CAST({expr} AS REAL)"),
    }
}

/// The column an aggregate's value is decoded as: a double (counts included; an integral
/// value is answered as an integer), or the text of a date.
fn aggregate_column(a: &Aggregate) -> Column {
    record::computed_column(
        &a.name,
        match a.value {
            AggregateValue::Int | AggregateValue::Float => ColumnType::Double,
            AggregateValue::DateTime | AggregateValue::Date => ColumnType::Text,
        },
    )
}

/// Runs `request` on `object`: the groups, and the number of statements issued.
pub async fn group_by(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    request: &GroupBy,
) -> Result<(Vec<Group>, usize), QueryError> {
    let object = validate::object(schema, object)?;
    if let Some(f) = &request.filter {
        super::check_filter(f)?;
    }
    if request.limit > MAX_GROUPS {
        return Err(QueryError::LimitExceeded {
            requested: request.limit,
            max: MAX_GROUPS,
        });
    }
    let dialect = target.dialect();

    // The groups: dimensions, the requested aggregates, then those only ordered by.
    let mut s = Sql::new(dialect);
    let mut dims = Vec::with_capacity(request.dimensions.len());
    for (i, d) in request.dimensions.iter().enumerate() {
        dims.push(dimension_expr(&mut s, d, &dimension_alias(i, d))?);
    }
    let mut computed: Vec<Aggregate> = request.aggregates.clone();
    for o in &request.order {
        if let GroupOrder::Aggregate(a, _) = o
            && !computed.iter().any(|c| c.name == a.name)
        {
            computed.push(a.clone());
        }
    }
    let mut select: Vec<String> = dims
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} AS d{i}"))
        .collect();
    select.extend(
        computed
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{} AS a{i}", aggregate_expr(dialect, object, schema, a))),
    );
    if select.is_empty() {
        select.push("COUNT(*) AS a0".to_owned());
    }
    s.push("SELECT ").push(&select.join(", "));
    from_where(&mut s, &target, schema, object, request)?;
    if !dims.is_empty() {
        let ordinals: Vec<String> = (1..=dims.len()).map(|i| i.to_string()).collect();
        s.push(" GROUP BY ").push(&ordinals.join(", "));
    }
    let mut keys: Vec<String> = request
        .order
        .iter()
        .map(|o| {
            let (position, dir) = match o {
                GroupOrder::Dimension(i, dir) => (i + 1, *dir),
                GroupOrder::Aggregate(a, dir) => (
                    dims.len() + computed.iter().position(|c| c.name == a.name).unwrap_or(0) + 1,
                    *dir,
                ),
            };
            order_key(position, dir)
        })
        .collect();
    for i in 0..dims.len() {
        let ordered = request
            .order
            .iter()
            .any(|o| matches!(o, GroupOrder::Dimension(j, _) if *j == i));
        if !ordered {
            keys.push(order_key(i + 1, Direction::AscNullsFirst));
        }
    }
    if !keys.is_empty() {
        s.push(" ORDER BY ").push(&keys.join(", "));
    }
    let limit = s.bind(Param::Int(i64::from(request.limit)));
    s.push(" LIMIT ").push(&limit);

    let rows = fetch_rows(&target, &s).await.map_err(zone_error)?;
    let dim_columns: Vec<Column> = request.dimensions.iter().map(dimension_column).collect();
    let mut groups = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut dimensions = Vec::with_capacity(dim_columns.len());
        for (i, column) in dim_columns.iter().enumerate() {
            dimensions.push(row.value(i, column)?);
        }
        let mut aggregates = Map::new();
        for (i, a) in request.aggregates.iter().enumerate() {
            let value = row.value(dims.len() + i, &aggregate_column(a))?;
            aggregates.insert(a.name.clone(), value);
        }
        groups.push(Group {
            dimensions,
            aggregates,
            records: None,
        });
    }
    let mut statements = 1;
    if let Some(order) = &request.records
        && !groups.is_empty()
    {
        sample(&target, schema, object, request, order, &mut groups).await?;
        statements += 1;
    }
    Ok((groups, statements))
}

/// ` FROM <table> t <the dimensions' joins> WHERE <live> AND <filter>`: the rows both
/// statements of a group-by read.
fn from_where(
    s: &mut Sql,
    target: &Target<'_>,
    schema: &Schema,
    object: &Object,
    request: &GroupBy,
) -> Result<(), QueryError> {
    let dialect = s.dialect;
    s.push(" FROM ")
        .push(&sql::table(object, dialect, target.pg_schema()))
        .push(" t")
        .push(&joins(&request.dimensions, dialect, target.pg_schema()))
        .push(if request.with_deleted {
            " WHERE 1=1"
        } else {
            " WHERE t.\"deletedAt\" IS NULL"
        });
    if let Some(f) = &request.filter {
        s.push(" AND ");
        let model = sql::Model {
            schema,
            pg_schema: target.pg_schema(),
        };
        sql::filter(s, model, object, f)?;
    }
    Ok(())
}

fn order_key(position: usize, dir: Direction) -> String {
    format!(
        "{position} {} NULLS {}",
        if dir.is_asc() { "ASC" } else { "DESC" },
        if dir.nulls_first() { "FIRST" } else { "LAST" }
    )
}

/// A time zone Postgres does not know is the client's mistake.
fn zone_error(e: QueryError) -> QueryError {
    if let QueryError::Database(sqlx::Error::Database(db)) = &e
        && db.message().contains("time zone")
    {
        return invalid(format!(
            "{}: use an IANA name such as \"Europe/Paris\", \"UTC\" or an offset such as \"+02:00\"",
            db.message()
        ));
    }
    e
}

/// Reads up to [`RECORDS_PER_GROUP`] records of each group (depth 0), ordered by
/// `order` then `id`, and puts them in their groups.
async fn sample(
    target: &Target<'_>,
    schema: &Schema,
    object: &Object,
    request: &GroupBy,
    order: &[OrderBy],
    groups: &mut [Group],
) -> Result<(), QueryError> {
    let dialect = target.dialect();
    let mut s = Sql::new(dialect);
    let mut dims = Vec::with_capacity(request.dimensions.len());
    for (i, d) in request.dimensions.iter().enumerate() {
        dims.push(dimension_expr(&mut s, d, &dimension_alias(i, d))?);
    }
    let columns = record::read_columns(object, schema);
    let mut keys = Vec::with_capacity(order.len() + 1);
    for o in order {
        let col = validate::column(object, &o.field, o.sub_field.as_deref())?;
        if !col.kind.orderable() {
            return Err(QueryError::InvalidOrder {
                field: col.label.clone(),
                reason: "this kind of field cannot be ordered by".to_owned(),
            });
        }
        keys.push((col, o.direction));
    }
    keys.push((
        validate::column(object, "id", None)?,
        Direction::AscNullsLast,
    ));
    let mut inner = columns
        .iter()
        .map(|c| record::select_expr(c, "t", dialect))
        .collect::<Vec<_>>();
    inner.extend(dims.iter().enumerate().map(|(i, e)| format!("{e} AS d{i}")));
    s.push("SELECT * FROM (SELECT ").push(&inner.join(", "));
    s.push(", ROW_NUMBER() OVER (");
    if !dims.is_empty() {
        s.push("PARTITION BY ").push(&dims.join(", "));
    }
    sql::order_by(&mut s, &keys);
    s.push(") AS rn");
    from_where(&mut s, target, schema, object, request)?;
    let from = s.bind(Param::Int(i64::from(request.records_offset)));
    let to = s.bind(Param::Int(
        i64::from(request.records_offset) + i64::from(RECORDS_PER_GROUP),
    ));
    s.push(&format!(
        ") r WHERE r.rn > {from} AND r.rn <= {to} ORDER BY r.rn"
    ));
    let rows = fetch_rows(target, &s).await.map_err(zone_error)?;
    let dim_columns: Vec<Column> = request.dimensions.iter().map(dimension_column).collect();
    for group in groups.iter_mut() {
        group.records = Some(Vec::new());
    }
    for row in &rows {
        let mut key = Vec::with_capacity(dim_columns.len());
        for (i, column) in dim_columns.iter().enumerate() {
            key.push(row.value(columns.len() + i, column)?);
        }
        let Some(group) = groups.iter_mut().find(|g| g.dimensions == key) else {
            continue;
        };
        let record = record::from_row(row, &columns, None)?;
        if let Some(records) = &mut group.records {
            records.push(Value::Object(record));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_offsets_and_utc_are_minutes() {
        for (zone, minutes) in [
            ("UTC", Some(0)),
            ("+02:00", Some(120)),
            ("-05:30", Some(-330)),
            ("+5", Some(300)),
            ("Europe/Paris", None),
            ("+99:00", None),
        ] {
            assert_eq!(offset_minutes(zone), minutes, "{zone}");
        }
    }
}
