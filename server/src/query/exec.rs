//! Running a read: validation, the page statement (limit + 1 rows), the optional count,
//! depth-1 relations, cursors and page info. Counts the statements it issues.

use super::ast::{Direction, Filter, Page, Query};
use super::record::{self, DbRow, Flat};
use super::sql::{self, Param, Sql};
use super::validate::{self, Col, Kind, Scalar};
use super::{DEFAULT_LIMIT, MAX_LIMIT, QueryError, cursor, relations};
pub use crate::store::Target;
use serde_json::{Map, Value};
use twenty_codegen::emit::sql::{Dialect, quote};
use twenty_codegen::model::{Column, ColumnType, Object, Schema};

/// Relay-style page information.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// One page of records.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPage {
    pub records: Vec<Value>,
    /// The cursor of each record, in the order of `records`.
    pub cursors: Vec<String>,
    pub page_info: PageInfo,
    /// Records matching the filter, when the query asked for it.
    pub total_count: Option<i64>,
    /// SQL statements issued to answer the query.
    pub statements: usize,
}

/// Runs a statement; its rows, to be decoded by position.
pub(super) async fn fetch_rows(target: &Target<'_>, sql: &Sql) -> Result<Vec<DbRow>, QueryError> {
    Ok(match target {
        Target::Postgres { pool, .. } => sql::pg_query(sql)
            .fetch_all(*pool)
            .await?
            .into_iter()
            .map(DbRow::Postgres)
            .collect(),
        Target::Sqlite { db } => sql::sqlite_query(sql)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(DbRow::Sqlite)
            .collect(),
    })
}

/// Runs a statement and decodes its rows' `columns` (the SELECT list, in order).
pub(super) async fn fetch(
    target: &Target<'_>,
    sql: &Sql,
    columns: &[Column],
) -> Result<Vec<Flat>, QueryError> {
    Ok(fetch_rows(target, sql)
        .await?
        .iter()
        .map(|r| record::flat(r, columns))
        .collect::<Result<_, _>>()?)
}

pub(super) async fn count(target: &Target<'_>, sql: &Sql) -> Result<i64, QueryError> {
    use sqlx::Row;
    Ok(match target {
        Target::Postgres { pool, .. } => sql::pg_query(sql).fetch_one(*pool).await?.try_get(0)?,
        Target::Sqlite { db } => sql::sqlite_query(sql)
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?,
    })
}

/// `SELECT <columns> FROM <table> t WHERE <live> AND <filter>` (no ordering yet).
pub(super) fn select(
    target: &Target<'_>,
    object: &Object,
    columns: &[Column],
    projection: Option<&str>,
    filter: Option<(&Schema, &Filter)>,
    with_deleted: bool,
) -> Result<Sql, QueryError> {
    let dialect = target.dialect();
    let mut s = Sql::new(dialect);
    let exprs = match projection {
        Some(p) => p.to_owned(),
        None => columns
            .iter()
            .map(|c| record::select_expr(c, "t", dialect))
            .collect::<Vec<_>>()
            .join(", "),
    };
    s.push("SELECT ")
        .push(&exprs)
        .push(" FROM ")
        .push(&sql::table(object, dialect, target.pg_schema()))
        .push(" t WHERE ");
    s.push(if with_deleted {
        "1=1"
    } else {
        "t.\"deletedAt\" IS NULL"
    });
    if let Some((schema, f)) = filter {
        s.push(" AND ");
        let model = sql::Model {
            schema,
            pg_schema: target.pg_schema(),
        };
        sql::filter(&mut s, model, object, f)?;
    }
    Ok(s)
}

/// Every name in `fields` is a field of `object` or one of its join columns.
pub(super) fn check_fields(object: &Object, fields: &[String]) -> Result<(), QueryError> {
    for name in fields {
        let known = object.field(name).is_some()
            || object
                .many_to_one()
                .any(|(f, _)| f.join_column().as_deref() == Some(name.as_str()));
        if !known {
            return Err(QueryError::UnknownField {
                object: object.name_singular.clone(),
                field: name.clone(),
            });
        }
    }
    Ok(())
}

/// The ordering keys with `id` as the final tie-breaker; a key through many-to-one
/// relations (`company.name`) reads the related record's value.
fn keys(
    target: &Target<'_>,
    schema: &Schema,
    object: &Object,
    query: &Query,
) -> Result<Vec<(Col, Direction)>, QueryError> {
    let mut keys = Vec::new();
    for o in &query.order_by {
        let through_relation = object
            .field(&o.field)
            .and_then(|f| f.relation.as_ref())
            .is_some();
        let col = match (&o.sub_field, through_relation) {
            (Some(path), true) => validate::related_column(
                schema,
                target.dialect(),
                target.pg_schema(),
                object,
                &o.field,
                path,
            ),
            _ => validate::column(object, &o.field, o.sub_field.as_deref()),
        }
        // In an ordering, a field that cannot be compared cannot be ordered by either.
        .map_err(|e| match e {
            QueryError::InvalidFilter { field, reason } => {
                QueryError::InvalidOrder { field, reason }
            }
            other => other,
        })?;
        if !col.kind.orderable() {
            return Err(QueryError::InvalidOrder {
                field: col.label,
                reason: "lists and JSON values cannot be ordered".to_owned(),
            });
        }
        let is_id = col.name == "id";
        keys.push((col, o.direction));
        if is_id {
            return Ok(keys);
        }
    }
    let id = Col {
        name: "id".to_owned(),
        kind: Kind::Uuid,
        label: "id".to_owned(),
        expr: None,
    };
    keys.push((id, Direction::AscNullsLast));
    Ok(keys)
}

/// The columns to decode and their SELECT list. On Postgres, date-time ordering keys are
/// also read to the microsecond (`__exact_<column>`) for cursors: records show
/// milliseconds, and a cursor rounded to them would revisit rows within one millisecond.
fn projection(
    target: &Target<'_>,
    columns: &[Column],
    keys: &[(Col, Direction)],
) -> (Vec<Column>, String) {
    let dialect = target.dialect();
    let mut decoded = columns.to_vec();
    let mut exprs: Vec<String> = columns
        .iter()
        .map(|c| record::select_expr(c, "t", dialect))
        .collect();
    // Keys read through relations: their values, for cursors (to the microsecond for a
    // date-time on Postgres).
    for (col, _) in keys {
        let Some((expr, column_type)) = &col.expr else {
            continue;
        };
        let (name, column_type, text) =
            if dialect == Dialect::Postgres && col.kind == Kind::DateTime {
                (
                    cursor::exact_name(&col.name),
                    ColumnType::Text,
                    format!(
                        "to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                    ),
                )
            } else {
                (
                    col.name.clone(),
                    *column_type,
                    record::value_expr(expr, *column_type, dialect),
                )
            };
        exprs.push(format!("{text} AS {}", quote(&name)));
        decoded.push(record::computed_column(&name, column_type));
    }
    if dialect == Dialect::Postgres {
        for (col, _) in keys
            .iter()
            .filter(|(c, _)| c.kind == Kind::DateTime && c.expr.is_none())
        {
            let Some(mut exact) = columns.iter().find(|c| c.name == col.name).cloned() else {
                continue;
            };
            let name = cursor::exact_name(&col.name);
            exprs.push(format!(
                "to_char(t.{} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS {}",
                quote(&col.name),
                quote(&name)
            ));
            exact.name = name;
            exact.sub_field = None;
            exact.column_type = ColumnType::Text;
            decoded.push(exact);
        }
    }
    (decoded, exprs.join(", "))
}

/// A validated read, ready to be compiled: ordering keys (read backwards for `last` /
/// `before`), the cursor position, the page size and the columns to decode.
pub(super) struct Plan<'s> {
    pub object: &'s Object,
    /// The ordering keys (`id` last), as the client asked.
    pub keys: Vec<(Col, Direction)>,
    /// The keys in reading order: reversed for a backward page.
    pub read_keys: Vec<(Col, Direction)>,
    pub backward: bool,
    pub limit: u32,
    /// The decoded cursor (`after`, or `before` for a backward page).
    pub position: Option<Vec<Option<Scalar>>>,
    /// The object's read columns (what records show).
    pub columns: Vec<Column>,
    /// `columns` plus the exact cursor columns, as selected by `projection`.
    pub decoded: Vec<Column>,
    pub projection: String,
}

/// Validates `query` (page arguments, fields, ordering, cursor) into a [`Plan`];
/// `default_limit` is the page size when neither `first` nor `last` is given. With
/// `fields` (at depth 0) only their columns are read, and column `also` when given.
pub(super) fn plan<'s>(
    target: &Target<'_>,
    schema: &'s Schema,
    query: &Query,
    default_limit: u32,
    also: Option<&str>,
) -> Result<Plan<'s>, QueryError> {
    let object = validate::object(schema, &query.object)?;
    let page = &query.page;
    if page.first.is_some() && page.last.is_some() {
        return Err(QueryError::InvalidPage(
            "give `first` or `last`, not both".to_owned(),
        ));
    }
    if page.after.is_some() && page.before.is_some() {
        return Err(QueryError::InvalidPage(
            "give `after` or `before`, not both".to_owned(),
        ));
    }
    let limit = page.first.or(page.last).unwrap_or(default_limit);
    if limit > MAX_LIMIT {
        return Err(QueryError::LimitExceeded {
            requested: limit,
            max: MAX_LIMIT,
        });
    }
    if let Some(fields) = &query.fields {
        check_fields(object, fields)?;
    }
    let backward = page.last.is_some() || page.before.is_some();
    let keys = keys(target, schema, object, query)?;
    let cursor = if backward { &page.before } else { &page.after };
    let position = match cursor {
        Some(c) => Some(cursor::decode(&keys, c)?),
        None => None,
    };
    let read_keys: Vec<(Col, Direction)> = if backward {
        keys.iter()
            .map(|(c, d)| (c.clone(), d.reversed()))
            .collect()
    } else {
        keys.clone()
    };
    let mut columns = record::read_columns(object, schema);
    if query.depth == 0 && query.fields.is_some() {
        // Only what the records show, the ordering keys (cursors) and `also`: a row of a
        // wide object costs per column read.
        let fields = query.fields.as_deref();
        columns.retain(|c| {
            record::wanted(fields, c)
                || keys.iter().any(|(k, _)| k.name == c.name)
                || also == Some(c.name.as_str())
        });
    }
    let (decoded, projection) = projection(target, &columns, &keys);
    Ok(Plan {
        object,
        keys,
        read_keys,
        backward,
        limit,
        position,
        columns,
        decoded,
        projection,
    })
}

/// A page cut from the rows read: records (and the rows, when kept) in page order,
/// cursors, page info.
pub(super) struct Cut {
    /// The page's rows when asked to keep them (to embed relations), else empty.
    pub rows: Vec<Flat>,
    pub records: Vec<Map<String, Value>>,
    pub cursors: Vec<String>,
    pub page_info: PageInfo,
}

impl Plan<'_> {
    /// One page from the rows read in reading order (at most `limit + 1`): the records
    /// (restricted to `fields`), each record's cursor, and the page info; the decoded rows
    /// too when `keep_rows` (else the records are built from the rows directly).
    pub(super) fn page(
        &self,
        mut rows: Vec<DbRow>,
        page: &Page,
        fields: Option<&[String]>,
        keep_rows: bool,
    ) -> Result<Cut, QueryError> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
        }
        // Where each ordering key is read from: its exact (microsecond) column if selected.
        let key_columns: Vec<Option<(usize, &Column)>> = self
            .keys
            .iter()
            .map(|(col, _)| {
                let exact = cursor::exact_name(&col.name);
                self.decoded
                    .iter()
                    .position(|c| c.name == exact)
                    .or_else(|| self.decoded.iter().position(|c| c.name == col.name))
                    .map(|i| (i, &self.decoded[i]))
            })
            .collect();
        let cursors = rows
            .iter()
            .map(|row| {
                let values = key_columns
                    .iter()
                    .map(|key| match key {
                        Some((i, c)) => row.value(*i, c),
                        None => Ok(Value::Null),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(cursor::encode(&self.keys, values))
            })
            .collect::<Result<Vec<String>, sqlx::Error>>()?;
        let page_info = PageInfo {
            has_next_page: if self.backward {
                page.before.is_some()
            } else {
                more
            },
            has_previous_page: if self.backward {
                more
            } else {
                page.after.is_some()
            },
            start_cursor: cursors.first().cloned(),
            end_cursor: cursors.last().cloned(),
        };
        let (rows, records) = if keep_rows {
            let rows = rows
                .iter()
                .map(|r| record::flat(r, &self.decoded))
                .collect::<Result<Vec<_>, _>>()?;
            let records = rows
                .iter()
                .map(|r| record::record(r, &self.columns, fields))
                .collect();
            (rows, records)
        } else {
            let records = rows
                .iter()
                .map(|r| record::from_row(r, &self.columns, fields))
                .collect::<Result<Vec<_>, _>>()?;
            (Vec::new(), records)
        };
        Ok(Cut {
            rows,
            records,
            cursors,
            page_info,
        })
    }
}

/// One page of `query.object`'s records.
pub async fn find_many(
    target: Target<'_>,
    schema: &Schema,
    query: &Query,
) -> Result<RecordPage, QueryError> {
    if query.depth > 1 {
        return Err(QueryError::InvalidPage(format!(
            "depth {} is not 0 or 1",
            query.depth
        )));
    }
    let plan = plan(&target, schema, query, DEFAULT_LIMIT, None)?;
    let object = plan.object;
    let mut s = select(
        &target,
        object,
        &plan.columns,
        Some(&plan.projection),
        query.filter.as_ref().map(|f| (schema, f)),
        query.with_deleted,
    )?;
    if let Some(values) = &plan.position {
        s.push(" AND ");
        sql::keyset(&mut s, &plan.read_keys, values);
    }
    sql::order_by(&mut s, &plan.read_keys);
    let fetch_limit = s.bind(Param::Int(i64::from(plan.limit) + 1));
    s.push(&format!(" LIMIT {fetch_limit}"));
    let rows = fetch_rows(&target, &s).await?;
    let mut statements = 1;
    let total_count = if query.count {
        let c = select(
            &target,
            object,
            &plan.columns,
            Some("COUNT(*)"),
            query.filter.as_ref().map(|f| (schema, f)),
            query.with_deleted,
        )?;
        statements += 1;
        Some(count(&target, &c).await?)
    } else {
        None
    };
    let fields = query.fields.as_deref();
    let Cut {
        rows,
        mut records,
        cursors,
        page_info,
    } = plan.page(rows, &query.page, fields, query.depth == 1)?;
    if query.depth == 1 {
        statements += relations::embed(
            &target,
            schema,
            object,
            &rows,
            &mut records,
            fields,
            relations::Lists::Read,
        )
        .await?;
    }
    Ok(RecordPage {
        records: records.into_iter().map(Value::Object).collect(),
        cursors,
        page_info,
        total_count,
        statements,
    })
}

/// The live record with this id (soft-deleted ones are not found), or `None`.
pub async fn find_one(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    id: &str,
    depth: u8,
    fields: Option<&[String]>,
) -> Result<Option<Value>, QueryError> {
    let mut query = Query::new(object);
    query.filter = Some(Filter::cmp("id", super::Comparator::Eq, Value::from(id)));
    query.page.first = Some(1);
    query.depth = depth;
    query.fields = fields.map(<[String]>::to_vec);
    let page = find_many(target, schema, &query).await?;
    Ok(page.records.into_iter().next())
}
