//! Search across objects, as Twenty's `search`: the live records of every searchable
//! object (or the ones asked for) whose search document matches every word of the input
//! as a prefix, ranked by the database's full-text search — Postgres' `searchVector`
//! (`ts_rank_cd`, `ts_rank`) and SQLite's FTS5 table (`bm25`) — in one statement (a
//! `UNION ALL` of the objects), with a keyset cursor over (rank, object, id).

use super::ast::Filter;
use super::exec::{Target, fetch_rows};
use super::record::{self, DbRow};
use super::sql::{self, Param, Sql};
use super::{QueryError, validate};
use base64::Engine;
use serde_json::{Value, json};
use twenty_codegen::emit::sql::{Dialect, fts_table_name, quote};
use twenty_codegen::model::{ColumnType, FieldType, Object, Schema};

/// Most results one search answers.
pub const MAX_RESULTS: u32 = 200;
/// Results answered when no limit is given.
pub const DEFAULT_RESULTS: u32 = 60;
/// Most words of a search input.
const MAX_WORDS: usize = 16;

/// A search request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    pub text: String,
    pub limit: u32,
    /// Only these objects (`nameSingular`s), when given.
    pub included: Option<Vec<String>>,
    pub excluded: Vec<String>,
    /// A filter on the fields every object has (`id`, `createdAt`, `updatedAt`).
    pub filter: Option<Filter>,
    pub after: Option<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub record_id: String,
    pub object_name_singular: String,
    pub label: String,
    pub image_url: Option<String>,
    pub ts_rank_cd: f64,
    pub ts_rank: f64,
    pub cursor: String,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hits {
    pub hits: Vec<Hit>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// The words of an input: runs of letters and digits, lower-cased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_WORDS)
        .collect()
}

/// The label of a record of `object`: its label identifier (a full name as "first last").
fn label_expr(object: &Object, dialect: Dialect) -> String {
    let Some(field) = object.field(&object.label_identifier) else {
        return "''".to_owned();
    };
    let col = |name: &str| format!("t.{}", quote(name));
    let text = |expr: String| match dialect {
        Dialect::Postgres => format!("COALESCE(({expr})::text, '')"),
        Dialect::Sqlite => format!("COALESCE(CAST({expr} AS TEXT), '')"),
    };
    match field.field_type {
        FieldType::FullName => format!(
            "TRIM({} || ' ' || {})",
            text(col(&format!("{}FirstName", field.name))),
            text(col(&format!("{}LastName", field.name)))
        ),
        _ if field.field_type.composite().is_some() => "''".to_owned(),
        _ => text(col(&field.name)),
    }
}

/// The column an object's image comes from: a person's avatar, a company's domain.
fn image_column(object: &Object) -> Option<(String, bool)> {
    if object.field("avatarUrl").is_some() {
        return Some(("avatarUrl".to_owned(), false));
    }
    object
        .field("domainName")
        .filter(|f| f.field_type == FieldType::Links)
        .map(|_| ("domainNamePrimaryLinkUrl".to_owned(), true))
}

/// A company's logo from its domain, as Twenty's front shows it.
fn logo(url: &str) -> Option<String> {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .trim_start_matches("www.");
    (!host.is_empty()).then(|| format!("https://twenty-icons.com/{host}"))
}

/// Decodes a cursor: (rank, object, id).
fn cursor(raw: &str) -> Result<(f64, String, String), QueryError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| QueryError::InvalidCursor("not a search cursor".to_owned()))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| QueryError::InvalidCursor("not a search cursor".to_owned()))?;
    match (value[0].as_f64(), value[1].as_str(), value[2].as_str()) {
        (Some(rank), Some(object), Some(id)) => Ok((rank, object.to_owned(), id.to_owned())),
        _ => Err(QueryError::InvalidCursor("not a search cursor".to_owned())),
    }
}

fn encode(rank: f64, object: &str, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!([rank, object, id]).to_string())
}

/// Runs `request`; the page and the statements issued.
pub async fn search(
    target: Target<'_>,
    schema: &Schema,
    request: &Search,
) -> Result<(Hits, usize), QueryError> {
    if request.limit > MAX_RESULTS {
        return Err(QueryError::LimitExceeded {
            requested: request.limit,
            max: MAX_RESULTS,
        });
    }
    for name in request.included.iter().flatten().chain(&request.excluded) {
        validate::object(schema, name).map_err(|_| QueryError::InvalidValue {
            field: "includedObjectNameSingulars".to_owned(),
            reason: format!("no object is named `{name}`"),
        })?;
    }
    if let Some(f) = &request.filter {
        super::check_filter(f)?;
    }
    let after = request.after.as_deref().map(cursor).transpose()?;
    let words = words(&request.text);
    let objects: Vec<&Object> = schema
        .objects
        .iter()
        .filter(|o| o.is_searchable())
        .filter(|o| {
            request
                .included
                .as_ref()
                .is_none_or(|names| names.contains(&o.name_singular))
        })
        .filter(|o| !request.excluded.contains(&o.name_singular))
        .collect();
    if words.is_empty() || objects.is_empty() || request.limit == 0 {
        return Ok((Hits::default(), 0));
    }
    let dialect = target.dialect();
    let mut s = Sql::new(dialect);
    let query_text = match dialect {
        // Every word as a prefix: `acm:* & corp:*`.
        Dialect::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
        // `"acm"* AND "corp"*`.
        Dialect::Sqlite => words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" AND "),
    };
    s.push("SELECT id, object, label, image, rank_cd, rank FROM (");
    for (i, object) in objects.iter().enumerate() {
        if i > 0 {
            s.push(" UNION ALL ");
        }
        let table = sql::table(object, dialect, target.pg_schema());
        let name = s.bind(Param::Text(object.name_singular.clone()));
        let label = label_expr(object, dialect);
        let image =
            image_column(object).map_or("NULL".to_owned(), |(c, _)| format!("t.{}", quote(&c)));
        let q = s.bind(Param::Text(query_text.clone()));
        let part = match dialect {
            Dialect::Postgres => format!(
                "SELECT t.\"id\"::text AS id, {name}::text AS object, {label} AS label, ({image})::text AS image, \
                 ts_rank_cd(t.\"searchVector\", to_tsquery('simple', {q}))::float8 AS rank_cd, \
                 ts_rank(t.\"searchVector\", to_tsquery('simple', {q}))::float8 AS rank \
                 FROM {table} t WHERE t.\"searchVector\" @@ to_tsquery('simple', {q}) AND t.\"deletedAt\" IS NULL"
            ),
            Dialect::Sqlite => {
                let fts = quote(&fts_table_name(&object.table_name()));
                format!(
                    "SELECT t.\"id\" AS id, {name} AS object, {label} AS label, {image} AS image, \
                     -bm25({fts}) AS rank_cd, -bm25({fts}) AS rank \
                     FROM {fts} JOIN {table} t ON t.rowid = {fts}.rowid \
                     WHERE {fts} MATCH {q} AND t.\"deletedAt\" IS NULL"
                )
            }
        };
        s.push(&part);
        if let Some(f) = &request.filter {
            s.push(" AND ");
            let model = sql::Model {
                schema,
                pg_schema: target.pg_schema(),
            };
            sql::filter(&mut s, model, object, f)?;
        }
    }
    s.push(") r");
    if let Some((rank, object, id)) = &after {
        let r1 = s.bind(Param::Float(*rank));
        let r2 = s.bind(Param::Float(*rank));
        let o1 = s.bind(Param::Text(object.clone()));
        let o2 = s.bind(Param::Text(object.clone()));
        let i = s.bind(Param::Text(id.clone()));
        s.push(&format!(
            " WHERE r.rank_cd < {r1} OR (r.rank_cd = {r2} AND (r.object > {o1} OR (r.object = {o2} AND r.id > {i})))"
        ));
    }
    let limit = s.bind(Param::Int(i64::from(request.limit) + 1));
    s.push(&format!(
        " ORDER BY r.rank_cd DESC, r.object, r.id LIMIT {limit}"
    ));
    let rows = fetch_rows(&target, &s).await?;
    let text = |row: &DbRow, i: usize| -> Result<Option<String>, QueryError> {
        Ok(row
            .value(i, &record::computed_column("t", ColumnType::Text))?
            .as_str()
            .map(str::to_owned))
    };
    let number = |row: &DbRow, i: usize| -> Result<f64, QueryError> {
        Ok(row
            .value(i, &record::computed_column("n", ColumnType::Double))?
            .as_f64()
            .unwrap_or(0.0))
    };
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows.iter().take(request.limit as usize) {
        let record_id = text(row, 0)?.unwrap_or_default();
        let object_name = text(row, 1)?.unwrap_or_default();
        let is_domain = objects
            .iter()
            .find(|o| o.name_singular == object_name)
            .and_then(|o| image_column(o))
            .is_some_and(|(_, domain)| domain);
        let image = text(row, 3)?.filter(|s| !s.is_empty());
        let ts_rank_cd = number(row, 4)?;
        hits.push(Hit {
            cursor: encode(ts_rank_cd, &object_name, &record_id),
            image_url: if is_domain {
                image.as_deref().and_then(logo)
            } else {
                image
            },
            label: text(row, 2)?.unwrap_or_default(),
            ts_rank: number(row, 5)?,
            ts_rank_cd,
            record_id,
            object_name_singular: object_name,
        });
    }
    let end_cursor = hits.last().map(|h| h.cursor.clone());
    Ok((
        Hits {
            has_next_page: rows.len() > request.limit as usize,
            hits,
            end_cursor,
        },
        1,
    ))
}

/// A page of results as GraphQL's `SearchResultConnection`: `{edges: [{node: {recordId,
/// objectNameSingular, label, imageUrl, tsRankCD, tsRank}, cursor}], pageInfo:
/// {hasNextPage, endCursor}}`.
pub fn connection(hits: &Hits) -> Value {
    json!({
        "edges": hits.hits.iter().map(|h| json!({"node": node(h), "cursor": h.cursor})).collect::<Vec<_>>(),
        "pageInfo": {"hasNextPage": hits.has_next_page, "endCursor": hits.end_cursor},
    })
}

/// One result as `SearchRecord`.
pub fn node(hit: &Hit) -> Value {
    json!({
        "recordId": hit.record_id,
        "objectNameSingular": hit.object_name_singular,
        "label": hit.label,
        "imageUrl": hit.image_url,
        "tsRankCD": hit.ts_rank_cd,
        "tsRank": hit.ts_rank,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_alphanumeric_runs() {
        assert_eq!(
            words("  Acme, Corp!  o'neil "),
            ["acme", "corp", "o", "neil"]
        );
        assert!(words("*** ()").is_empty());
    }

    #[test]
    fn logos_come_from_the_domain() {
        assert_eq!(
            logo("https://www.acme.com/about").as_deref(),
            Some("https://twenty-icons.com/acme.com")
        );
        assert_eq!(logo(""), None);
    }

    #[test]
    fn cursors_round_trip() {
        let c = encode(0.5, "person", "abc");
        assert_eq!(
            cursor(&c).unwrap(),
            (0.5, "person".to_owned(), "abc".to_owned())
        );
        assert!(cursor("nope!").is_err());
    }
}
