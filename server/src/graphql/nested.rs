//! Nested relations without a statement per row: before records are handed to GraphQL,
//! every relation their selection asks for is loaded for all of them at once (one
//! engine call per relation field per level, see `query::find_children` and
//! `query::find_by_ids`), recursively, and stored in each parent record under a hidden
//! slot that the relation field's resolver reads back.
//!
//! A slot is named after the selection's node in the parsed document, so two selections
//! of one relation with different arguments (through aliases or fragments) never mix.

use super::args;
use super::call::Call;
use crate::query::{self, PageInfo, Query, QueryError};
use async_graphql::SelectionField;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use twenty_codegen::model::{Aggregate, Object, RelationKind};

/// A record as JSON.
pub type Record = Map<String, Value>;

const SLOT_PREFIX: &str = "__rel_";

/// A selected field as the loader sees it: async-graphql's look-ahead
/// ([`SelectionField`], under its resolvers) or the direct executor's collected field.
pub trait Selected: Sized + Send + Sync {
    /// The field's name (not its alias).
    fn name(&self) -> &str;
    /// The field's node in the parsed document: the address of its name there. The
    /// loader and whoever reads the loaded value see the same node.
    fn node(&self) -> usize;
    /// Its arguments, variables replaced.
    fn arguments(&self) -> Result<Vec<(String, async_graphql::Value)>, QueryError>;
    /// The fields of its selection set.
    fn children(&self) -> Vec<Self>;
}

impl<'a> Selected for SelectionField<'a> {
    fn name(&self) -> &str {
        SelectionField::name(self)
    }

    fn node(&self) -> usize {
        SelectionField::name(self).as_ptr() as usize
    }

    fn arguments(&self) -> Result<Vec<(String, async_graphql::Value)>, QueryError> {
        SelectionField::arguments(self)
            .map(|args| {
                args.into_iter()
                    .map(|(name, value)| (name.to_string(), value))
                    .collect()
            })
            .map_err(|e| QueryError::InvalidFilter {
                field: SelectionField::name(self).to_owned(),
                reason: e.message,
            })
    }

    fn children(&self) -> Vec<Self> {
        self.selection_set().collect()
    }
}

/// The hidden key a relation selection's value is kept under in its parent record.
pub fn slot(field: &impl Selected) -> String {
    slot_of(field.node())
}

/// The hidden key of the selection node at `node` (see [`Selected::node`]).
pub fn slot_of(node: usize) -> String {
    format!("{SLOT_PREFIX}{node:x}")
}

/// The selections of `node` under `edges` of a connection selection.
pub fn node_selection<S: Selected>(connection: &S) -> Vec<S> {
    let mut nodes = Vec::new();
    for edges in connection.children().iter().filter(|f| f.name() == "edges") {
        for node in edges.children().iter().filter(|f| f.name() == "node") {
            nodes.extend(node.children());
        }
    }
    nodes
}

/// The aggregates of `object` a connection selection asks for (`sumEmployees`, …; not
/// `totalCount`, which the engine's count answers).
pub fn aggregate_selection(object: &Object, connection: &impl Selected) -> Vec<Aggregate> {
    let mut out: Vec<Aggregate> = Vec::new();
    for field in connection.children() {
        let name = field.name();
        if name == "totalCount" || out.iter().any(|a| a.name == name) {
            continue;
        }
        if let Some(found) = twenty_codegen::model::aggregate(object, name) {
            out.push(found);
        }
    }
    out
}

/// Whether a connection selection asks for `totalCount`.
pub fn wants_count(connection: &impl Selected) -> bool {
    connection
        .children()
        .iter()
        .any(|f| f.name() == "totalCount")
}

/// A connection value: `{edges: [{node, cursor}], pageInfo, totalCount?}`. The records
/// are moved in, never copied.
pub fn connection(
    records: Vec<Record>,
    cursors: Vec<String>,
    info: &PageInfo,
    total: Option<i64>,
) -> Value {
    let edges: Vec<Value> = records
        .into_iter()
        .zip(cursors)
        .map(|(node, cursor)| {
            let mut edge = Map::new();
            edge.insert("node".to_owned(), Value::Object(node));
            edge.insert("cursor".to_owned(), Value::String(cursor));
            Value::Object(edge)
        })
        .collect();
    let mut out = Map::new();
    out.insert("edges".to_owned(), Value::Array(edges));
    out.insert(
        "pageInfo".to_owned(),
        json!({
            "hasNextPage": info.has_next_page,
            "hasPreviousPage": info.has_previous_page,
            "startCursor": info.start_cursor,
            "endCursor": info.end_cursor,
        }),
    );
    if let Some(n) = total {
        out.insert("totalCount".to_owned(), Value::from(n));
    }
    Value::Object(out)
}

/// The fields of `object` records a selection reads, as the engine's `Query::fields`:
/// the selected fields and join columns, and the join column of each selected many-to-one
/// relation (to load it). Anything else (`__typename`) is no field of the record.
pub fn fields_of<S: Selected>(object: &Object, selection: &[S]) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !fields.contains(&name) {
            fields.push(name);
        }
    };
    for selected in selection {
        let name = selected.name();
        match object.field(name) {
            Some(field) => match &field.relation {
                Some(relation) if relation.kind == RelationKind::ManyToOne => {
                    if let Some(column) = field.join_column() {
                        add(column);
                    }
                }
                Some(_) => {}
                None => add(name.to_owned()),
            },
            None => {
                let join_column = object
                    .many_to_one()
                    .any(|(f, _)| f.join_column().as_deref() == Some(name));
                if join_column {
                    add(name.to_owned());
                }
            }
        }
    }
    fields
}

/// The read of a connection's records for its arguments (filter, orderBy, paging).
pub fn list_query(
    schema: &twenty_codegen::model::Schema,
    object: &Object,
    get: impl Fn(&str) -> Option<async_graphql::Value>,
    count: bool,
) -> Result<Query, QueryError> {
    let mut query = Query::new(&object.name_singular);
    if let Some(value) = get("filter") {
        query.set_filter(args::filter(schema, object, &value)?);
    }
    if let Some(value) = get("orderBy") {
        query.order_by = args::order_by(&value)?;
    }
    query.page = args::page(&get)?;
    query.count = count;
    Ok(query)
}

fn id_of(record: &Record, key: &str) -> Option<String> {
    record.get(key).and_then(Value::as_str).map(str::to_owned)
}

type Loading<'f> = Pin<Box<dyn Future<Output = Result<(), QueryError>> + Send + 'f>>;

/// Loads every relation `selection` (the selected fields of `object` records) asks for
/// into `records`, and the relations those ask for, recursively.
///
/// Then every record keeps only what the selection reads (its fields and the loaded
/// relations), so nothing unselected is converted or handed to GraphQL.
pub fn load<'f, S: Selected + 'f>(
    call: &'f Call,
    object: &'f Object,
    records: &'f mut [Record],
    selection: Vec<S>,
) -> Loading<'f> {
    Box::pin(async move {
        if records.is_empty() {
            return Ok(());
        }
        let keep: HashSet<&str> = selection.iter().map(|f| f.name()).collect();
        let mut done = HashSet::new();
        for field in &selection {
            let Some(model_field) = object.field(field.name()) else {
                continue;
            };
            let Some(relation) = &model_field.relation else {
                continue;
            };
            let slot = slot(field);
            if !done.insert(slot.clone()) {
                continue;
            }
            let Some(target) = call.schema.object(&relation.target) else {
                continue;
            };
            match relation.kind {
                RelationKind::ManyToOne => {
                    let Some(fk) = model_field.join_column() else {
                        continue;
                    };
                    let ids: Vec<String> = records.iter().filter_map(|r| id_of(r, &fk)).collect();
                    let selection = field.children();
                    let fields = fields_of(target, &selection);
                    let (found, statements) = query::find_by_ids(
                        call.target(),
                        &call.schema,
                        &target.name_singular,
                        &ids,
                        Some(&fields),
                    )
                    .await?;
                    call.count(statements);
                    let (keys, mut targets): (Vec<String>, Vec<Record>) = found
                        .into_iter()
                        .filter_map(|(id, v)| match v {
                            Value::Object(map) => Some((id, map)),
                            _ => None,
                        })
                        .unzip();
                    load(call, target, &mut targets, selection).await?;
                    let by_id: std::collections::HashMap<String, Record> =
                        keys.into_iter().zip(targets).collect();
                    for record in records.iter_mut() {
                        let value = id_of(record, &fk)
                            .and_then(|id| by_id.get(&id).cloned())
                            .map_or(Value::Null, Value::Object);
                        record.insert(slot.clone(), value);
                    }
                }
                RelationKind::OneToMany => {
                    let Some(fk) = target
                        .field(&relation.inverse)
                        .and_then(|f| f.join_column())
                    else {
                        continue;
                    };
                    if let Some(a) = aggregate_selection(target, field).first() {
                        return Err(QueryError::InvalidGroupBy(format!(
                            "`{}` of `{}`: aggregates are computed on root connections; for each {} use `{}GroupBy(groupBy: [{{{fk}: true}}])`",
                            a.name,
                            field.name(),
                            object.name_singular,
                            target.name_plural
                        )));
                    }
                    let given = args::Args(field.arguments()?);
                    let mut query =
                        list_query(&call.schema, target, |n| given.get(n), wants_count(field))?;
                    let selection = node_selection(field);
                    query.fields = Some(fields_of(target, &selection));
                    let parents: Vec<String> =
                        records.iter().filter_map(|r| id_of(r, "id")).collect();
                    let mut children =
                        query::find_children(call.target(), &call.schema, &query, &fk, &parents)
                            .await?;
                    call.count(children.statements);
                    let mut pages = Vec::with_capacity(records.len());
                    let mut all: Vec<Record> = Vec::new();
                    for record in records.iter() {
                        let page = children.take(&id_of(record, "id").unwrap_or_default());
                        let start = all.len();
                        all.extend(page.records.into_iter().filter_map(|v| match v {
                            Value::Object(map) => Some(map),
                            _ => None,
                        }));
                        pages.push((
                            start,
                            all.len(),
                            page.cursors,
                            page.page_info,
                            page.total_count,
                        ));
                    }
                    load(call, target, &mut all, selection).await?;
                    let mut all = all.into_iter();
                    for (record, (start, end, cursors, info, total)) in
                        records.iter_mut().zip(pages)
                    {
                        let nodes: Vec<Record> = all.by_ref().take(end - start).collect();
                        record.insert(slot.clone(), connection(nodes, cursors, &info, total));
                    }
                }
            }
        }
        for record in records.iter_mut() {
            record.retain(|key, _| keep.contains(key.as_str()) || key.starts_with(SLOT_PREFIX));
        }
        Ok(())
    })
}
