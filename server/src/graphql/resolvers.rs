//! The resolvers of the served schema: each root field is one query-engine call (reads,
//! or one write transaction), then the nested relations the selection asks for are
//! loaded in batches (`nested`); relation fields read what was loaded. No SQL here.

use super::args::{self, Args};
use super::call::Call;
use super::errors::{coded, query_error};
use super::nested::{self, Record, Selected};
use crate::count_cache::CountKey;
use crate::query::duplicates::{self, DuplicatesOf};
use crate::query::group_by::{self, GroupBy};
use crate::query::search;
use crate::query::{self, Filter, MAX_MUTATION_RECORDS, QueryError, Selector};
use async_graphql::dynamic::{FieldFuture, FieldValue, ResolverContext, SchemaBuilder};
use async_graphql::{Error, Value};
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_codegen::emit::graphql::{Operation, Resolver, Resolvers};
use twenty_codegen::model::{Field, Object};

/// Resolvers over the query engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineResolvers;

fn call<'a>(ctx: &ResolverContext<'a>) -> Result<&'a Arc<Call>, Error> {
    ctx.data::<Arc<Call>>().map_err(|_| {
        coded(
            "INTERNAL_SERVER_ERROR",
            "INTERNAL_ERROR",
            "no request context",
        )
    })
}

fn model<'c>(call: &'c Call, name: &str) -> Result<&'c Object, Error> {
    call.schema
        .object(name)
        .ok_or_else(|| query_error(QueryError::UnknownObject(name.to_owned())))
}

fn arg(ctx: &ResolverContext<'_>, name: &str) -> Option<Value> {
    ctx.args.get(name).map(|v| v.as_value().clone())
}

fn to_value(json: Json) -> Result<Option<FieldValue<'static>>, Error> {
    match json {
        Json::Null => Ok(None),
        other => Value::from_json(other)
            .map(|v| Some(FieldValue::value(v)))
            .map_err(|e| coded("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR", e.to_string())),
    }
}

fn records(values: Vec<Json>) -> Vec<Record> {
    values
        .into_iter()
        .filter_map(|v| match v {
            Json::Object(map) => Some(map),
            _ => None,
        })
        .collect()
}

/// The arguments of the field a resolver runs for.
fn args_of(ctx: &ResolverContext<'_>) -> Args {
    Args(
        ctx.args
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_value().clone()))
            .collect(),
    )
}

/// `<plural>(filter, orderBy, first, …)`: a connection of `name` records, with the
/// relations `field` selects loaded.
pub(super) async fn find_many(
    call: &Call,
    name: &str,
    args: &Args,
    field: &impl Selected,
) -> Result<Json, Error> {
    let object = model(call, name)?;
    let mut query = nested::list_query(
        &call.schema,
        object,
        |n| args.get(n),
        nested::wants_count(field),
    )
    .map_err(query_error)?;
    let selection = nested::node_selection(field);
    query.fields = Some(nested::fields_of(object, &selection));
    // The root `totalCount` comes from the count cache REST uses too (same keys).
    let mut cached = None;
    if let (true, Some((cache, workspace))) = (query.count, &call.counts) {
        let key = CountKey::for_query(*workspace, &query);
        match cache.lookup(&key) {
            Ok(n) => {
                query.count = false;
                cached = Some(Ok(n));
            }
            Err(ticket) => cached = Some(Err((key, ticket))),
        }
    }
    let mut page = query::find_many(call.target(), &call.schema, &query)
        .await
        .map_err(query_error)?;
    call.count(page.statements);
    match (cached, &call.counts) {
        (Some(Ok(n)), _) => page.total_count = Some(n),
        (Some(Err((key, ticket))), Some((cache, _))) => {
            if let Some(n) = page.total_count {
                cache.store(key, ticket, n);
            }
        }
        _ => {}
    }
    let mut list = records(page.records);
    nested::load(call, object, &mut list, selection)
        .await
        .map_err(query_error)?;
    let mut connection = nested::connection(list, page.cursors, &page.page_info, page.total_count);
    // The connection's aggregates over the same filter, in one statement when selected.
    let wanted = nested::aggregate_selection(object, field);
    if !wanted.is_empty() {
        let request = GroupBy {
            dimensions: Vec::new(),
            aggregates: wanted,
            filter: query.filter.clone(),
            with_deleted: query.with_deleted,
            order: Vec::new(),
            limit: 1,
            records: None,
            records_offset: 0,
        };
        let (groups, statements) = group_by::group_by(call.target(), &call.schema, name, &request)
            .await
            .map_err(query_error)?;
        call.count(statements);
        if let (Json::Object(out), Some(group)) = (&mut connection, groups.into_iter().next()) {
            out.extend(group.aggregates);
        }
    }
    Ok(connection)
}

/// `<singular>Duplicates(ids, data)`: one connection of duplicates per given record (its
/// first page, by id, with `totalCount`), their selected relations loaded.
pub(super) async fn find_duplicates(
    call: &Call,
    name: &str,
    args: &Args,
    field: &impl Selected,
) -> Result<Json, Error> {
    let object = model(call, name)?;
    let data = args.get("data").map(|v| args::json(&v));
    let ids = args.get("ids").map(|v| args::json(&v));
    let of = DuplicatesOf::from_arguments(data.as_ref(), ids.as_ref()).map_err(query_error)?;
    let selection = nested::node_selection(field);
    let fields = nested::fields_of(object, &selection);
    let (pages, statements) =
        duplicates::find_duplicates(call.target(), &call.schema, name, &of, 0, Some(&fields))
            .await
            .map_err(query_error)?;
    call.count(statements);
    let sizes: Vec<usize> = pages.iter().map(|p| p.records.len()).collect();
    let mut all: Vec<Record> = Vec::new();
    let mut rest = Vec::with_capacity(pages.len());
    for page in pages {
        all.extend(records(page.records));
        rest.push((page.cursors, page.page_info, page.total_count));
    }
    nested::load(call, object, &mut all, selection)
        .await
        .map_err(query_error)?;
    let mut all = all.into_iter();
    Ok(Json::Array(
        sizes
            .into_iter()
            .zip(rest)
            .map(|(size, (cursors, info, total))| {
                nested::connection(all.by_ref().take(size).collect(), cursors, &info, total)
            })
            .collect(),
    ))
}

/// `search(searchInput, limit, after, includedObjectNameSingulars,
/// excludedObjectNameSingulars, filter)`: a `SearchResultConnection`.
pub(super) async fn search(call: &Call, args: &Args) -> Result<Json, Error> {
    let strings = |name: &str| -> Result<Option<Vec<String>>, Error> {
        match args.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::List(items)) => Ok(Some(
                items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
            )),
            Some(_) => Err(coded(
                "BAD_USER_INPUT",
                "INVALID_VALUE",
                format!("`{name}` is a list of object names"),
            )),
        }
    };
    let text = match args.get("searchInput") {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let limit = args::count("limit", args.get("limit").as_ref())
        .map_err(query_error)?
        .unwrap_or(search::DEFAULT_RESULTS);
    // The filter names the fields every object has: any object checks it.
    let filter = match (args.get("filter"), call.schema.objects.first()) {
        (Some(v), Some(object)) if !matches!(v, Value::Null) => {
            args::filter(&call.schema, object, &v).map_err(query_error)?
        }
        _ => None,
    };
    let request = search::Search {
        text,
        limit,
        included: strings("includedObjectNameSingulars")?,
        excluded: strings("excludedObjectNameSingulars")?.unwrap_or_default(),
        filter,
        after: match args.get("after") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
    };
    let (hits, statements) = search::search(call.target(), &call.schema, &request)
        .await
        .map_err(query_error)?;
    call.count(statements);
    Ok(search::connection(&hits))
}

/// A JSON argument with its null members left out (an explicit null is an absent input
/// field in GraphQL).
fn without_nulls(value: Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// `<plural>GroupBy(groupBy, filter, orderBy, orderByForRecords, limit)`: the groups of
/// `name` records, each a connection-like `{groupByDimensionValues, totalCount,
/// <aggregates>, edges, pageInfo}`; the records (up to 10 per group) are read only when
/// `edges` is selected.
pub(super) async fn group_by(
    call: &Call,
    name: &str,
    args: &Args,
    field: &impl Selected,
) -> Result<Json, Error> {
    let object = model(call, name)?;
    let json = |n: &str| args.get(n).map(|v| without_nulls(args::json(&v)));
    let dimensions = group_by::dimensions(
        &call.schema,
        object,
        &json("groupBy").unwrap_or(Json::Array(Vec::new())),
    )
    .map_err(query_error)?;
    let order = match json("orderBy") {
        Some(list) => group_by::order(object, &dimensions, &list).map_err(query_error)?,
        None => Vec::new(),
    };
    let filter = match args.get("filter") {
        Some(v) => args::filter(&call.schema, object, &v).map_err(query_error)?,
        None => None,
    };
    let limit = args::count("limit", args.get("limit").as_ref())
        .map_err(query_error)?
        .unwrap_or(group_by::DEFAULT_GROUPS);
    let children = field.children();
    let edges = children.iter().any(|f| f.name() == "edges");
    let records = if edges {
        Some(match args.get("orderByForRecords") {
            Some(v) if !matches!(v, Value::Null) => args::order_by(&v).map_err(query_error)?,
            _ => Vec::new(),
        })
    } else {
        None
    };
    let mut aggregates = vec![group_by::aggregate(object, "totalCount").map_err(query_error)?];
    aggregates.extend(nested::aggregate_selection(object, field));
    let records_offset = args::count("offsetForRecords", args.get("offsetForRecords").as_ref())
        .map_err(query_error)?
        .unwrap_or(0);
    let request = GroupBy {
        with_deleted: filter.as_ref().is_some_and(|f| f.mentions("deletedAt")),
        dimensions,
        aggregates,
        filter,
        order,
        limit,
        records,
        records_offset,
    };
    let (groups, statements) = group_by::group_by(call.target(), &call.schema, name, &request)
        .await
        .map_err(query_error)?;
    call.count(statements);
    // The records of every group, their selected relations loaded in one pass.
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| g.records.as_ref().map_or(0, Vec::len))
        .collect();
    let mut all: Vec<Record> = groups
        .iter()
        .flat_map(|g| g.records.clone().unwrap_or_default())
        .filter_map(|v| match v {
            Json::Object(map) => Some(map),
            _ => None,
        })
        .collect();
    if edges {
        nested::load(call, object, &mut all, nested::node_selection(field))
            .await
            .map_err(query_error)?;
    }
    let mut all = all.into_iter();
    let out = groups
        .into_iter()
        .zip(sizes)
        .map(|(group, size)| {
            let mut value = serde_json::Map::new();
            value.insert(
                "groupByDimensionValues".to_owned(),
                Json::Array(group.dimensions),
            );
            value.extend(group.aggregates);
            let edges: Vec<Json> = all
                .by_ref()
                .take(size)
                .map(|node| {
                    let cursor = node.get("id").cloned().unwrap_or(Json::Null);
                    serde_json::json!({ "node": node, "cursor": cursor })
                })
                .collect();
            value.insert(
                "pageInfo".to_owned(),
                serde_json::json!({
                    "hasNextPage": false,
                    "hasPreviousPage": false,
                    "startCursor": edges.first().map(|e| e["cursor"].clone()),
                    "endCursor": edges.last().map(|e| e["cursor"].clone()),
                }),
            );
            value.insert("edges".to_owned(), Json::Array(edges));
            Json::Object(value)
        })
        .collect();
    Ok(Json::Array(out))
}

/// `<singular>(filter)`: the first matching `name` record, with the relations `field`
/// selects loaded; `null` (no error) when none matches, as Twenty answers.
pub(super) async fn find_one(
    call: &Call,
    name: &str,
    args: &Args,
    field: &impl Selected,
) -> Result<Json, Error> {
    let object = model(call, name)?;
    let mut query = query::Query::new(name);
    query.set_filter(match args.get("filter") {
        Some(v) => args::filter(&call.schema, object, &v).map_err(query_error)?,
        None => None,
    });
    query.page.first = Some(1);
    let selection = field.children();
    query.fields = Some(nested::fields_of(object, &selection));
    let page = query::find_many(call.target(), &call.schema, &query)
        .await
        .map_err(query_error)?;
    call.count(page.statements);
    let mut list = records(page.records);
    if list.is_empty() {
        return Ok(Json::Null);
    }
    nested::load(call, object, &mut list, selection)
        .await
        .map_err(query_error)?;
    Ok(Json::Object(list.remove(0)))
}

fn id_selector(ctx: &ResolverContext<'_>) -> Result<Selector, Error> {
    let raw = match arg(ctx, "id") {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    uuid::Uuid::parse_str(&raw).map(Selector::Id).map_err(|_| {
        coded(
            "BAD_USER_INPUT",
            "INVALID_ID",
            format!("`{raw}` is not a UUID"),
        )
    })
}

/// The required `filter` of the many-record mutations. One that compares nothing
/// (`{}`, `{id: null}`, `{and: []}`, `{or: []}`) would match every record: refused, as REST
/// refuses a missing filter.
fn filter_selector(ctx: &ResolverContext<'_>, object: &Object) -> Result<Selector, Error> {
    let schema = &call(ctx)?.schema;
    let filter = match arg(ctx, "filter") {
        Some(v) => args::filter(schema, object, &v).map_err(query_error)?,
        None => None,
    };
    match filter {
        Some(filter) if !matches_everything(&filter) => Ok(Selector::Filter(filter)),
        _ => Err(coded(
            "BAD_USER_INPUT",
            "MISSING_FILTER",
            format!(
                "`filter` must compare at least one field (every record: `{{id: {{is: NOT_NULL}}}}`); \
                 a mutation of many records changes at most {MAX_MUTATION_RECORDS} matching records"
            ),
        )),
    }
}

/// Whether a filter has no comparison left: an `and` of nothing but such filters, or an
/// `or` holding one.
fn matches_everything(filter: &Filter) -> bool {
    match filter {
        Filter::And(parts) => parts.iter().all(matches_everything),
        Filter::Or(parts) => parts.iter().any(matches_everything),
        _ => false,
    }
}

/// Why a write failed: the engine refused it, or its arguments were unusable.
enum Failure {
    Engine(QueryError),
    Graphql(Error),
}

impl From<QueryError> for Failure {
    fn from(e: QueryError) -> Self {
        Failure::Engine(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Graphql(e)
    }
}

async fn write(ctx: &ResolverContext<'_>, name: &str, op: Operation) -> Result<Json, Error> {
    let call = call(ctx)?;
    if let Some(why) = &call.read_only {
        return Err(coded("FORBIDDEN", "FORBIDDEN", why.clone()));
    }
    let object = model(call, name)?;
    let target = call.target();
    let schema = &call.schema;
    let actor = &call.actor;
    let upsert = matches!(arg(ctx, "upsert"), Some(Value::Boolean(true)));
    let data = arg(ctx, "data").unwrap_or(Value::Null);
    // Even a failed or cancelled write may have committed something: counts start over.
    let bump = call.counts.as_ref().map(|(c, w)| c.bump_on_drop(*w));
    let result: Result<Vec<Json>, Failure> = async {
        Ok(match op {
            Operation::CreateOne => {
                query::create(
                    target,
                    schema,
                    name,
                    vec![args::record(&data)?],
                    upsert,
                    actor,
                )
                .await?
            }
            Operation::CreateMany => {
                query::create(target, schema, name, args::records(&data)?, upsert, actor).await?
            }
            Operation::UpdateOne | Operation::UpdateMany => {
                let selector = match op {
                    Operation::UpdateOne => id_selector(ctx)?,
                    _ => filter_selector(ctx, object)?,
                };
                query::update(
                    target,
                    schema,
                    name,
                    &selector,
                    &args::record(&data)?,
                    actor,
                )
                .await?
            }
            Operation::MergeMany => {
                let ids = match arg(ctx, "ids") {
                    Some(Value::List(items)) => items
                        .iter()
                        .map(|item| match item {
                            Value::String(s) => uuid::Uuid::parse_str(s).map_err(|_| {
                                Failure::Graphql(coded(
                                    "BAD_USER_INPUT",
                                    "INVALID_ID",
                                    format!("`{s}` is not a UUID"),
                                ))
                            }),
                            other => Err(Failure::Graphql(coded(
                                "BAD_USER_INPUT",
                                "INVALID_ID",
                                format!("{other} is not a UUID"),
                            ))),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    _ => Vec::new(),
                };
                let priority = match arg(ctx, "conflictPriorityIndex") {
                    Some(Value::Number(n)) => n.as_u64().map_or(usize::MAX, |n| n as usize),
                    _ => usize::MAX,
                };
                let dry_run = matches!(arg(ctx, "dryRun"), Some(Value::Boolean(true)));
                vec![query::merge(target, schema, name, &ids, priority, dry_run, actor).await?]
            }
            _ => {
                let selector = if op.is_many() {
                    filter_selector(ctx, object)?
                } else {
                    id_selector(ctx)?
                };
                match op {
                    Operation::DeleteOne | Operation::DeleteMany => {
                        query::delete(target, schema, name, &selector, actor).await?
                    }
                    Operation::DestroyOne | Operation::DestroyMany => {
                        query::destroy(target, schema, name, &selector, actor).await?
                    }
                    _ => query::restore(target, schema, name, &selector, actor).await?,
                }
            }
        })
    }
    .await;
    drop(bump);
    let written = match result {
        Ok(records) => records,
        Err(Failure::Engine(e)) => return Err(query_error(e)),
        Err(Failure::Graphql(e)) => return Err(e),
    };
    let mut list = records(written);
    let field = ctx.ctx.field();
    nested::load(call, object, &mut list, field.children())
        .await
        .map_err(query_error)?;
    if op.is_many() && op != Operation::MergeMany {
        return Ok(Json::Array(list.into_iter().map(Json::Object).collect()));
    }
    match list.into_iter().next() {
        Some(record) => Ok(Json::Object(record)),
        // A one-record write that changed nothing: restore of a live record answers it.
        None => Err(query_error(QueryError::NotFound {
            object: name.to_owned(),
            id: match arg(ctx, "id") {
                Some(Value::String(s)) => s,
                _ => String::new(),
            },
        })),
    }
}

/// The parent of a field: the root's owned value, or a value borrowed from it.
fn parent<'a>(ctx: &ResolverContext<'a>) -> Option<&'a Value> {
    ctx.parent_value
        .as_value()
        .or_else(|| ctx.parent_value.downcast_ref::<Value>())
}

/// Whether a field holds records or page data (object types), which are handed down by
/// reference: a connection's subtree is never copied level by level.
fn holds_objects(type_name: &str, field_name: &str) -> bool {
    (type_name.ends_with("Connection") && matches!(field_name, "edges" | "pageInfo"))
        || (type_name.ends_with("Edge") && field_name == "node")
}

impl Resolvers for EngineResolvers {
    fn finish(&self, builder: SchemaBuilder) -> SchemaBuilder {
        builder.extension(super::direct::Gate)
    }

    fn value(&self, type_name: &str, field_name: &str) -> Resolver {
        let name = async_graphql::Name::new(field_name);
        let objects = holds_objects(type_name, field_name);
        Box::new(move |ctx: ResolverContext<'_>| {
            let found = match parent(&ctx) {
                Some(Value::Object(map)) => map.get(&name),
                _ => None,
            };
            FieldFuture::Value(match found {
                None | Some(Value::Null) => None,
                Some(Value::List(items)) if objects => Some(FieldValue::list(
                    items.iter().map(|item| FieldValue::borrowed_any(item)),
                )),
                Some(value) if objects => Some(FieldValue::borrowed_any(value)),
                Some(value) => Some(FieldValue::value(value.clone())),
            })
        })
    }

    fn root(&self, object: &Object, operation: Operation) -> Resolver {
        let name = object.name_singular.clone();
        Box::new(move |ctx: ResolverContext<'_>| {
            let name = name.clone();
            FieldFuture::new(async move {
                let json = match operation {
                    Operation::FindMany => {
                        return to_value(
                            find_many(call(&ctx)?, &name, &args_of(&ctx), &ctx.ctx.field()).await?,
                        );
                    }
                    Operation::FindOne => {
                        find_one(call(&ctx)?, &name, &args_of(&ctx), &ctx.ctx.field()).await
                    }
                    Operation::FindDuplicates => {
                        return to_value(
                            find_duplicates(call(&ctx)?, &name, &args_of(&ctx), &ctx.ctx.field())
                                .await?,
                        );
                    }
                    Operation::GroupBy => {
                        return to_value(
                            group_by(call(&ctx)?, &name, &args_of(&ctx), &ctx.ctx.field()).await?,
                        );
                    }
                    op => write(&ctx, &name, op).await,
                };
                match json {
                    Ok(json) => to_value(json),
                    // Every root field but find-many is nullable: a refused one answers
                    // `null` beside its error (`{destroyPeople: null}`), as Twenty's do,
                    // where async-graphql would drop the member.
                    Err(e) => {
                        let error = e.into_server_error(ctx.ctx.item.pos);
                        ctx.ctx.add_error(ctx.ctx.set_error_path(error));
                        Ok(None)
                    }
                }
            })
        })
    }

    fn current_workspace(&self) -> Resolver {
        Box::new(|ctx: ResolverContext<'_>| {
            FieldFuture::new(async move { to_value(call(&ctx)?.current_workspace().await?) })
        })
    }

    fn search(&self) -> Resolver {
        Box::new(|ctx: ResolverContext<'_>| {
            FieldFuture::new(async move { to_value(search(call(&ctx)?, &args_of(&ctx)).await?) })
        })
    }

    fn relation(&self, object: &Object, field: &Field) -> Resolver {
        let _ = (object, field);
        Box::new(|ctx: ResolverContext<'_>| {
            let slot = nested::slot(&ctx.ctx.field());
            let found = match parent(&ctx) {
                Some(Value::Object(map)) => map.get(slot.as_str()),
                _ => None,
            };
            FieldFuture::Value(match found {
                Some(Value::Null) => None,
                Some(value) => Some(FieldValue::borrowed_any(value)),
                None => {
                    return FieldFuture::new(async move {
                        Err::<Option<FieldValue<'_>>, _>(coded(
                            "INTERNAL_SERVER_ERROR",
                            "INTERNAL_ERROR",
                            format!("relation `{slot}` was not loaded"),
                        ))
                    });
                }
            })
        })
    }
}
