//! SQL text with bound parameters per dialect: filters (every comparator), ordering with
//! the four null placements, and the keyset condition of a cursor.
//!
//! Values are never inlined: the text of one query shape is stable, so prepared statements
//! are reused. On Postgres, text comparisons and orderings use `COLLATE "C"` so that both
//! backends order text byte-wise alike (SQLite's default).

pub use crate::store::statement::{Param, Sql, pg_query, sqlite_query, sqlite_query_after};

use super::QueryError;
use super::ast::{Comparator, Direction, Filter, Quantifier};
use super::validate::{self, Col, Kind, Scalar};
use serde_json::Value;
use twenty_codegen::emit::sql::{Dialect, quote};
use twenty_codegen::model::{FieldType, Object, RelationKind, Schema};

/// Binding the engine's checked values: an extension of the store's statement builder.
pub trait Values {
    /// A scalar as a placeholder expression of the column's type.
    fn scalar(&mut self, kind: &Kind, value: &Scalar) -> String;
    /// `<expr> IN <list>`: `= ANY($n::type[])` on Postgres, `json_each` on SQLite, so the
    /// text does not depend on the list's length.
    fn in_list(&mut self, expr: &str, kind: &Kind, values: &[Scalar]) -> String;
}

impl Values for Sql {
    fn scalar(&mut self, kind: &Kind, value: &Scalar) -> String {
        match (self.dialect, value) {
            (Dialect::Postgres, Scalar::Text(s)) => {
                let p = self.bind(Param::Text(s.clone()));
                match kind {
                    Kind::Uuid => format!("{p}::uuid"),
                    Kind::DateTime => format!("{p}::timestamptz"),
                    Kind::Date => format!("{p}::date"),
                    _ => p,
                }
            }
            (Dialect::Postgres, Scalar::Number(n)) if *kind == Kind::Numeric => {
                let p = self.bind(Param::Text(n.to_string()));
                format!("{p}::numeric")
            }
            (Dialect::Sqlite, Scalar::Number(n)) if n.is_i64() && *kind == Kind::Numeric => {
                self.bind(Param::Int(n.as_i64().unwrap_or_default()))
            }
            (_, Scalar::Number(n)) => self.bind(Param::Float(n.as_f64().unwrap_or(f64::NAN))),
            (Dialect::Postgres, Scalar::Bool(b)) => self.bind(Param::Bool(*b)),
            (Dialect::Sqlite, Scalar::Bool(b)) => self.bind(Param::Int(i64::from(*b))),
            // SQLite stores milliseconds: compare with the value at that precision.
            (Dialect::Sqlite, Scalar::Text(s)) if *kind == Kind::DateTime && s.len() > 24 => {
                self.bind(Param::Text(format!("{}Z", &s[..23])))
            }
            (Dialect::Sqlite, Scalar::Text(s)) => self.bind(Param::Text(s.clone())),
        }
    }

    fn in_list(&mut self, expr: &str, kind: &Kind, values: &[Scalar]) -> String {
        match self.dialect {
            Dialect::Postgres => {
                let items = values
                    .iter()
                    .map(|v| match v {
                        Scalar::Text(s) => s.clone(),
                        Scalar::Number(n) => n.to_string(),
                        Scalar::Bool(b) => b.to_string(),
                    })
                    .collect();
                let p = self.bind(Param::TextList(items));
                format!("{expr} = ANY({p}::{}[])", pg_type(kind))
            }
            Dialect::Sqlite => {
                let p = self.bind(Param::Text(json_list(values)));
                format!("{expr} IN (SELECT value FROM json_each({p}))")
            }
        }
    }
}

fn json_list(values: &[Scalar]) -> String {
    let items: Vec<Value> = values
        .iter()
        .map(|v| match v {
            Scalar::Text(s) => Value::String(s.clone()),
            Scalar::Number(n) => Value::Number(n.clone()),
            Scalar::Bool(b) => Value::from(i64::from(*b)),
        })
        .collect();
    Value::Array(items).to_string()
}

fn pg_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Uuid => "uuid",
        Kind::DateTime => "timestamptz",
        Kind::Date => "date",
        Kind::Numeric => "numeric",
        Kind::Double => "float8",
        Kind::Bool => "boolean",
        _ => "text",
    }
}

/// A column of alias `t`, collated byte-wise on Postgres when it is text (for ranges and
/// ordering).
pub fn col_expr(col: &Col, dialect: Dialect, ordered: bool) -> String {
    let c = match &col.expr {
        Some((expr, _)) => expr.clone(),
        None => format!("t.{}", quote(&col.name)),
    };
    let text = matches!(col.kind, Kind::Text | Kind::Select(_));
    if ordered && text && dialect == Dialect::Postgres {
        format!("{c} COLLATE \"C\"")
    } else {
        c
    }
}

/// `FROM`-able table name: schema-qualified on Postgres.
pub fn table(object: &Object, dialect: Dialect, pg_schema: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(&object.table_name())),
        Dialect::Sqlite => quote(&object.table_name()),
    }
}

/// Escapes LIKE wildcards so a value matches literally (backslash is the escape).
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A LIKE pattern (`%`, `_`, `\` escapes) as a GLOB pattern: SQLite's LIKE ignores ASCII
/// case, GLOB does not, so `like` keeps Postgres' case-sensitive meaning.
fn like_to_glob(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let literal = match c {
            '%' => {
                out.push('*');
                continue;
            }
            '_' => {
                out.push('?');
                continue;
            }
            '\\' => chars.next().unwrap_or('\\'),
            other => other,
        };
        match literal {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(literal);
                out.push(']');
            }
            other => out.push(other),
        }
    }
    out
}

/// Appends the condition of a filter tree over alias `t` of `object`, after checking the
/// tree's size ([`super::check_filter`]) so that the recursion below is bounded.
pub fn filter(
    sql: &mut Sql,
    model: Model<'_>,
    object: &Object,
    f: &Filter,
) -> Result<(), QueryError> {
    super::check_filter(f)?;
    condition(sql, model, object, f, 0)
}

/// What a filter through relations needs besides its object: the workspace's model (the
/// related objects) and its Postgres schema (their tables).
#[derive(Debug, Clone, Copy)]
pub struct Model<'m> {
    pub schema: &'m Schema,
    pub pg_schema: &'m str,
}

/// Most relations one filter condition crosses (`company.accountOwner.name`: two).
pub const MAX_RELATION_HOPS: usize = 3;

/// The condition that the records related through `field` of `object` match `inner`: an
/// uncorrelated `IN` over the related table (its alias `t` shadows the outer one inside),
/// which both databases run as a semi-join.
fn related(
    sql: &mut Sql,
    model: Model<'_>,
    object: &Object,
    field: &str,
    quantifier: Quantifier,
    inner: &Filter,
    hops: usize,
) -> Result<(), QueryError> {
    let invalid = |reason: String| QueryError::InvalidFilter {
        field: field.to_owned(),
        reason,
    };
    if hops >= MAX_RELATION_HOPS {
        return Err(invalid(format!(
            "a filter crosses at most {MAX_RELATION_HOPS} relations"
        )));
    }
    let model_field = object
        .field(field)
        .ok_or_else(|| QueryError::UnknownField {
            object: object.name_singular.clone(),
            field: field.to_owned(),
        })?;
    let Some(relation) = &model_field.relation else {
        return Err(invalid("not a relation: compare it directly".to_owned()));
    };
    let target = model
        .schema
        .object(&relation.target)
        .ok_or_else(|| QueryError::UnknownObject(relation.target.clone()))?;
    let (outer, inner_column, negate) = match (relation.kind, quantifier) {
        (RelationKind::ManyToOne, Quantifier::One) => (
            model_field
                .join_column()
                .ok_or_else(|| invalid("has no join column".to_owned()))?,
            "id".to_owned(),
            false,
        ),
        (RelationKind::OneToMany, Quantifier::Some | Quantifier::None) => (
            "id".to_owned(),
            target
                .field(&relation.inverse)
                .and_then(|f| f.join_column())
                .ok_or_else(|| invalid("its inverse has no join column".to_owned()))?,
            quantifier == Quantifier::None,
        ),
        (RelationKind::ManyToOne, _) => {
            return Err(invalid(format!(
                "a many-to-one relation is filtered by its record's fields (`{field}.name[eq]:…`, `{{{field}: {{name: {{eq: …}}}}}}`), not with some / none"
            )));
        }
        (RelationKind::OneToMany, _) => {
            return Err(invalid(format!(
                "a one-to-many relation is filtered with some or none (`{field}[some]:(…)`, `{{{field}: {{some: {{…}}}}}}`)"
            )));
        }
    };
    let table = table(target, sql.dialect, model.pg_schema);
    sql.push(&format!(
        "t.{} {}IN (SELECT t.{} FROM {table} t WHERE t.\"deletedAt\" IS NULL AND t.{} IS NOT NULL AND ",
        quote(&outer),
        if negate { "NOT " } else { "" },
        quote(&inner_column),
        quote(&inner_column),
    ));
    condition(sql, model, target, inner, hops + 1)?;
    sql.push(")");
    Ok(())
}

fn condition(
    sql: &mut Sql,
    model: Model<'_>,
    object: &Object,
    f: &Filter,
    hops: usize,
) -> Result<(), QueryError> {
    match f {
        Filter::And(items) | Filter::Or(items) if items.is_empty() => {
            sql.push(if matches!(f, Filter::And(_)) {
                "1=1"
            } else {
                "1=0"
            });
        }
        Filter::And(items) | Filter::Or(items) => {
            let joiner = if matches!(f, Filter::And(_)) {
                " AND "
            } else {
                " OR "
            };
            sql.push("(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    sql.push(joiner);
                }
                condition(sql, model, object, item, hops)?;
            }
            sql.push(")");
        }
        Filter::Not(inner) => {
            sql.push("NOT (");
            condition(sql, model, object, inner, hops)?;
            sql.push(")");
        }
        Filter::Related {
            field,
            quantifier,
            filter,
        } => related(sql, model, object, field, *quantifier, filter, hops)?,
        // A path through a many-to-one relation: `company.name`, `company.address.addressCity`.
        Filter::Compare {
            field,
            sub_field: Some(path),
            op,
            value,
        } if object
            .field(field)
            .and_then(|f| f.relation.as_ref())
            .is_some() =>
        {
            let (head, rest) = match path.split_once('.') {
                Some((head, rest)) => (head, Some(rest.to_owned())),
                None => (path.as_str(), None),
            };
            let inner = Filter::Compare {
                field: head.to_owned(),
                sub_field: rest,
                op: *op,
                value: value.clone(),
            };
            related(sql, model, object, field, Quantifier::One, &inner, hops)?;
        }
        Filter::Compare {
            field,
            sub_field,
            op,
            value,
        } => {
            let col = validate::column(object, field, sub_field.as_deref())?;
            validate::comparator(&col, *op)?;
            let value = canonical(object, field, sub_field.as_deref(), *op, value);
            let text = compare(sql, &col, *op, &value)?;
            sql.push(&text);
        }
    }
    Ok(())
}

/// An `eq` / `neq` / `in` value for an email or a link, in the spelling writes store
/// (`super::write::normalize`), so that `ADA@Example.com` finds `ada@example.com`.
fn canonical<'v>(
    object: &Object,
    field: &str,
    sub_field: Option<&str>,
    op: Comparator,
    value: &'v Value,
) -> std::borrow::Cow<'v, Value> {
    use std::borrow::Cow;
    let normalize: fn(&str) -> String = match (object.field(field).map(|f| f.field_type), sub_field)
    {
        (Some(FieldType::Emails), Some("primaryEmail")) => super::write::normalize_email,
        (Some(FieldType::Links), Some("primaryLinkUrl")) => super::write::normalize_link,
        _ => return Cow::Borrowed(value),
    };
    match (op, value) {
        (Comparator::Eq | Comparator::Neq, Value::String(s)) => {
            Cow::Owned(Value::String(normalize(s)))
        }
        (Comparator::In, Value::Array(items)) => Cow::Owned(Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Value::String(normalize(s)),
                    other => other.clone(),
                })
                .collect(),
        )),
        _ => Cow::Borrowed(value),
    }
}

fn compare(sql: &mut Sql, col: &Col, op: Comparator, value: &Value) -> Result<String, QueryError> {
    let d = sql.dialect;
    let plain = col_expr(col, d, false);
    let ranged = col_expr(col, d, true);
    Ok(match op {
        Comparator::Is => {
            let null = validate::is_null(col, value)?;
            format!("{plain} IS {}NULL", if null { "" } else { "NOT " })
        }
        Comparator::Eq | Comparator::Neq => {
            let v = validate::scalar(col, value)?;
            let p = sql.scalar(&col.kind, &v);
            let sym = if op == Comparator::Eq { "=" } else { "<>" };
            format!("{plain} {sym} {p}")
        }
        Comparator::Gt | Comparator::Gte | Comparator::Lt | Comparator::Lte => {
            let v = validate::scalar(col, value)?;
            let p = sql.scalar(&col.kind, &v);
            let sym = match op {
                Comparator::Gt => ">",
                Comparator::Gte => ">=",
                Comparator::Lt => "<",
                _ => "<=",
            };
            format!("{ranged} {sym} {p}")
        }
        Comparator::In => {
            let values = validate::list(col, value)?;
            sql.in_list(&plain, &col.kind, &values)
        }
        Comparator::ContainsAny => {
            let values = validate::list(col, value)?;
            match d {
                Dialect::Postgres => {
                    let items = values
                        .into_iter()
                        .map(|v| match v {
                            Scalar::Text(s) => s,
                            other => format!("{other:?}"),
                        })
                        .collect();
                    let p = sql.bind(Param::TextList(items));
                    format!("{plain} && {p}::text[]")
                }
                Dialect::Sqlite => {
                    let p = sql.bind(Param::Text(json_list(&values)));
                    format!(
                        "EXISTS (SELECT 1 FROM json_each({plain}) e WHERE e.value IN (SELECT value FROM json_each({p})))"
                    )
                }
            }
        }
        Comparator::StartsWith | Comparator::EndsWith => {
            let s = validate::pattern(col, value, false)?;
            let starts = op == Comparator::StartsWith;
            let like = like_literal(&s);
            let like = if starts {
                format!("{like}%")
            } else {
                format!("%{like}")
            };
            match d {
                Dialect::Postgres => format!("{plain} LIKE {}", sql.bind(Param::Text(like))),
                Dialect::Sqlite => format!(
                    "{plain} GLOB {}",
                    sql.bind(Param::Text(like_to_glob(&like)))
                ),
            }
        }
        Comparator::Like => {
            let s = validate::pattern(col, value, true)?;
            match d {
                Dialect::Postgres => format!("{plain} LIKE {}", sql.bind(Param::Text(s))),
                Dialect::Sqlite => {
                    format!("{plain} GLOB {}", sql.bind(Param::Text(like_to_glob(&s))))
                }
            }
        }
        Comparator::Ilike => {
            let s = validate::pattern(col, value, true)?;
            match d {
                Dialect::Postgres => format!("{plain} ILIKE {}", sql.bind(Param::Text(s))),
                Dialect::Sqlite => {
                    format!("{plain} LIKE {} ESCAPE '\\'", sql.bind(Param::Text(s)))
                }
            }
        }
    })
}

/// `ORDER BY` keys (the last one is `id`), each with its direction.
pub fn order_by(sql: &mut Sql, keys: &[(Col, Direction)]) {
    sql.push(" ORDER BY ");
    let d = sql.dialect;
    let parts: Vec<String> = keys
        .iter()
        .map(|(col, dir)| {
            let key = format!(
                "{} {}",
                col_expr(col, d, true),
                if dir.is_asc() { "ASC" } else { "DESC" }
            );
            // The NULLS clause only where it changes the order: an index matches the plain
            // form better (SQLite never matches `ASC NULLS LAST` to an ascending index).
            if never_null(col) || dir.nulls_first() == nulls_first_by_default(d, *dir) {
                key
            } else {
                format!(
                    "{key} NULLS {}",
                    if dir.nulls_first() { "FIRST" } else { "LAST" }
                )
            }
        })
        .collect();
    sql.push(&parts.join(", "));
}

/// Whether the dialect puts NULLs first in this direction without a NULLS clause
/// (Postgres: NULL is the largest value; SQLite: the smallest).
fn nulls_first_by_default(dialect: Dialect, dir: Direction) -> bool {
    match dialect {
        Dialect::Postgres => !dir.is_asc(),
        Dialect::Sqlite => dir.is_asc(),
    }
}

/// Columns that are never NULL, so their NULL placement is moot: the primary key, the
/// tie-breaker of every ordering.
fn never_null(col: &Col) -> bool {
    col.name == "id"
}

/// The rows strictly after a cursor in the order `keys`: the lexicographic expansion
/// `k1 after v1 OR (k1 = v1 AND (k2 after v2 OR …))`, where NULL sorts per direction.
pub fn keyset(sql: &mut Sql, keys: &[(Col, Direction)], values: &[Option<Scalar>]) {
    let d = sql.dialect;
    let mut alternatives = Vec::new();
    let mut equal_prefix: Vec<String> = Vec::new();
    for ((col, dir), value) in keys.iter().zip(values) {
        let c = col_expr(col, d, true);
        let after = match value {
            None if dir.nulls_first() => Some(format!("{c} IS NOT NULL")),
            None => None,
            Some(v) => {
                let p = sql.scalar(&col.kind, v);
                let cmp = if dir.is_asc() { ">" } else { "<" };
                Some(if dir.nulls_first() || never_null(col) {
                    format!("{c} {cmp} {p}")
                } else {
                    format!("({c} {cmp} {p} OR {c} IS NULL)")
                })
            }
        };
        if let Some(after) = after {
            let mut parts = equal_prefix.clone();
            parts.push(after);
            alternatives.push(format!("({})", parts.join(" AND ")));
        }
        equal_prefix.push(match value {
            None => format!("{c} IS NULL"),
            Some(v) => {
                let p = sql.scalar(&col.kind, v);
                format!("{c} = {p}")
            }
        });
    }
    if alternatives.is_empty() {
        sql.push("1=0");
    } else {
        sql.push(&format!("({})", alternatives.join(" OR ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, kind: Kind) -> Col {
        Col {
            name: name.to_owned(),
            kind,
            label: name.to_owned(),
            expr: None,
        }
    }

    fn order_text(dialect: Dialect, keys: &[(Col, Direction)]) -> String {
        let mut sql = Sql::new(dialect);
        order_by(&mut sql, keys);
        sql.text
    }

    #[test]
    fn the_default_ordering_is_written_the_way_the_model_index_is() {
        let keys = [
            (col("createdAt", Kind::DateTime), Direction::AscNullsFirst),
            (col("id", Kind::Uuid), Direction::AscNullsLast),
        ];
        // The indexes are `("createdAt" ASC NULLS FIRST, "id")` on Postgres and
        // `("createdAt", "id")` on SQLite; SQLite only reads its index for the plain form.
        assert_eq!(
            order_text(Dialect::Postgres, &keys),
            r#" ORDER BY t."createdAt" ASC NULLS FIRST, t."id" ASC"#
        );
        assert_eq!(
            order_text(Dialect::Sqlite, &keys),
            r#" ORDER BY t."createdAt" ASC, t."id" ASC"#
        );
    }

    #[test]
    fn a_nulls_clause_is_kept_where_it_differs_from_the_dialect_default() {
        for dir in [
            Direction::AscNullsFirst,
            Direction::AscNullsLast,
            Direction::DescNullsFirst,
            Direction::DescNullsLast,
        ] {
            let keys = [(col("city", Kind::Text), dir)];
            let pg = order_text(Dialect::Postgres, &keys);
            let lite = order_text(Dialect::Sqlite, &keys);
            let explicit = |text: &str| text.contains("NULLS");
            assert_eq!(explicit(&pg), dir.is_asc() == dir.nulls_first(), "{pg}");
            assert_eq!(explicit(&lite), dir.is_asc() != dir.nulls_first(), "{lite}");
        }
    }
}
