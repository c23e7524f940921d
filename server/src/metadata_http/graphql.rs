//! `POST /metadata`: Twenty's metadata GraphQL API over the workspace's catalog. Every
//! object and field is answered as `crate::metadata::shape` renders it (the REST shapes),
//! read by one resolver per key; lists are nestjs-query connections.
use super::{field_of, object_of};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::graphql::coded;
use crate::graphql_http::{auth_error, parse_body, reply_response};
use crate::metadata::change::{self, CreateField, UpdateField, UpdateObject};
use crate::metadata::shape;
use crate::state::AppState;
use crate::store::metadata::Catalog;
use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Object, ResolverContext, Scalar,
    Schema, TypeRef,
};
use async_graphql::{Name, Value as GqlValue};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::OnceLock;
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::model::FieldType;
use uuid::Uuid;

/// What the resolvers of one request share.
pub(super) struct MetaCall {
    pub(super) state: AppState,
    pub(super) auth: Auth,
    catalog: tokio::sync::OnceCell<Catalog>,
}

impl MetaCall {
    /// The workspace's catalog, read once per request.
    async fn catalog(&self) -> Result<&Catalog, async_graphql::Error> {
        self.catalog
            .get_or_try_init(|| async {
                self.state
                    .store
                    .catalog(self.auth.workspace_id)
                    .await
                    .map_err(ApiError::failure)
            })
            .await
            .map_err(gql_error)
    }
}

/// An API error in GraphQL form: Twenty's code by status, ours as `twentyCode`.
pub(super) fn gql_error(e: ApiError) -> async_graphql::Error {
    let code = match e.status.as_u16() {
        400 => "BAD_USER_INPUT",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        503 => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_SERVER_ERROR",
    };
    coded(code, e.code, e.message)
}

pub(super) fn call<'a>(ctx: &ResolverContext<'a>) -> Result<&'a MetaCall, async_graphql::Error> {
    ctx.data::<MetaCall>()
}

/// The JSON value the parent resolver answered.
fn parent<'a>(ctx: &ResolverContext<'a>) -> Result<&'a Value, async_graphql::Error> {
    ctx.parent_value
        .try_downcast_ref::<Value>()
        .map_err(|_| async_graphql::Error::new("internal: unexpected parent value"))
}

/// How a key of a JSON value is answered.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// A scalar (or a JSON scalar) as it is.
    Scalar,
    /// An enum value (`FieldMetadataType`, `RelationType`).
    Enum,
    /// An object (or a list of objects) resolved in turn by keys.
    Object,
}

fn answer(value: &Value, kind: Kind) -> Result<Option<FieldValue<'static>>, async_graphql::Error> {
    Ok(match (value, kind) {
        (Value::Null, _) => None,
        (Value::Array(items), Kind::Object) => Some(FieldValue::list(
            items.iter().map(|i| FieldValue::owned_any(i.clone())),
        )),
        (v, Kind::Object) => Some(FieldValue::owned_any(v.clone())),
        (Value::String(s), Kind::Enum) => Some(FieldValue::value(GqlValue::Enum(Name::new(s)))),
        (v, _) => Some(FieldValue::value(GqlValue::from_json(v.clone())?)),
    })
}

/// A field answering the parent's key `name`.
pub(super) fn key(name: &'static str, ty: TypeRef, kind: Kind) -> Field {
    key_from(name, name, ty, kind)
}

/// A field `name` answering the parent's key `source`.
fn key_from(name: &'static str, source: &'static str, ty: TypeRef, kind: Kind) -> Field {
    Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let value = parent(&ctx)?.get(source).unwrap_or(&Value::Null);
            answer(value, kind)
        })
    })
}

pub(super) fn string(name: &'static str) -> Field {
    key(name, TypeRef::named(TypeRef::STRING), Kind::Scalar)
}

pub(super) fn string_nn(name: &'static str) -> Field {
    key(name, TypeRef::named_nn(TypeRef::STRING), Kind::Scalar)
}

pub(super) fn boolean(name: &'static str) -> Field {
    key(name, TypeRef::named_nn(TypeRef::BOOLEAN), Kind::Scalar)
}

pub(super) fn uuid_nn(name: &'static str) -> Field {
    key(name, TypeRef::named_nn("UUID"), Kind::Scalar)
}

/// An argument's JSON as a `T` (unknown keys and wrong types are a BAD_USER_INPUT).
pub(super) fn arg<T: DeserializeOwned>(
    ctx: &ResolverContext<'_>,
    name: &str,
) -> Result<T, async_graphql::Error> {
    let value = ctx.args.try_get(name)?.as_value().clone().into_json()?;
    serde_json::from_value(value).map_err(|e| {
        gql_error(ApiError::bad_request(
            "INVALID_BODY",
            format!("invalid {name}: {e}"),
        ))
    })
}

pub(super) fn opt_arg(
    ctx: &ResolverContext<'_>,
    name: &str,
) -> Result<Value, async_graphql::Error> {
    match ctx.args.get(name) {
        Some(v) => Ok(v.as_value().clone().into_json()?),
        None => Ok(Value::Null),
    }
}

/// A nestjs-query filter (`{isActive: {is: true}, id: {eq: "…"}}`) as equality pairs.
fn filter(value: &Value) -> Result<shape::Filter, async_graphql::Error> {
    let mut out = Vec::new();
    let Value::Object(map) = value else {
        return Ok(out);
    };
    for (key, comparison) in map {
        let Value::Object(c) = comparison else {
            continue;
        };
        for (op, v) in c {
            match op.as_str() {
                "eq" | "is" => out.push((key.clone(), v.clone())),
                other => {
                    return Err(gql_error(ApiError::bad_request(
                        "INVALID_FILTER",
                        format!("filter {key}: comparison {other:?} is not supported (eq, is)"),
                    )));
                }
            }
        }
    }
    Ok(out)
}

/// A connection of `items` after the `filter` and `paging` arguments.
fn connection(ctx: &ResolverContext<'_>, items: Vec<Value>) -> Result<Value, async_graphql::Error> {
    let filter = filter(&opt_arg(ctx, "filter")?)?;
    let paging = opt_arg(ctx, "paging")?;
    let first = match paging.get("first") {
        Some(Value::Number(n)) => {
            let n = n.as_u64().unwrap_or(0) as usize;
            if !(1..=super::MAX_PAGE).contains(&n) {
                return Err(gql_error(ApiError::bad_request(
                    "LIMIT_EXCEEDED",
                    format!("paging.first must be from 1 to {}", super::MAX_PAGE),
                )));
            }
            n
        }
        _ => super::MAX_PAGE,
    };
    let after = paging.get("after").and_then(Value::as_str);
    let (items, more, total) = shape::page(items, &filter, first, after).map_err(gql_error)?;
    let edges: Vec<Value> = items
        .iter()
        .map(|node| json!({"node": node, "cursor": node.get("id")}))
        .collect();
    Ok(json!({
        "edges": edges,
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": after.is_some(),
            "startCursor": items.first().and_then(|i| i.get("id")),
            "endCursor": items.last().and_then(|i| i.get("id")),
        },
        "totalCount": total,
    }))
}

fn paging_args(field: Field, filter_type: &str) -> Field {
    field
        .argument(InputValue::new("paging", TypeRef::named("CursorPaging")))
        .argument(InputValue::new("filter", TypeRef::named(filter_type)))
}

fn connection_types(name: &str, node: &str) -> [Object; 2] {
    let edge = format!("{name}Edge");
    [
        Object::new(name)
            .field(key(
                "edges",
                TypeRef::named_nn_list_nn(edge.clone()),
                Kind::Object,
            ))
            .field(key("pageInfo", TypeRef::named_nn("PageInfo"), Kind::Object))
            .field(key(
                "totalCount",
                TypeRef::named_nn(TypeRef::INT),
                Kind::Scalar,
            )),
        Object::new(edge)
            .field(key("node", TypeRef::named_nn(node), Kind::Object))
            .field(string_nn("cursor")),
    ]
}

pub(super) fn input(name: &str, fields: &[(&str, TypeRef)]) -> InputObject {
    fields.iter().fold(InputObject::new(name), |o, (n, t)| {
        o.field(InputValue::new(*n, t.clone()))
    })
}

pub(super) fn s() -> TypeRef {
    TypeRef::named(TypeRef::STRING)
}
pub(super) fn s_nn() -> TypeRef {
    TypeRef::named_nn(TypeRef::STRING)
}
pub(super) fn b() -> TypeRef {
    TypeRef::named(TypeRef::BOOLEAN)
}
pub(super) fn json_t() -> TypeRef {
    TypeRef::named("JSON")
}
pub(super) fn id_t() -> TypeRef {
    TypeRef::named("UUID")
}
pub(super) fn id_nn() -> TypeRef {
    TypeRef::named_nn("UUID")
}

/// A mutation: needs the admin scope; applies the edit; answers its object or field.
fn mutation<E, A>(name: &'static str, ty: &str, input_type: &str, edit: E, answer_of: A) -> Field
where
    E: Fn(&ResolverContext<'_>, &Catalog, Dialect) -> Result<change::Edit, ApiError>
        + Send
        + Sync
        + Copy
        + 'static,
    A: Fn(&crate::metadata::Applied) -> Result<Value, ApiError> + Send + Sync + Copy + 'static,
{
    Field::new(name, TypeRef::named_nn(ty), move |ctx| {
        FieldFuture::new(async move {
            let call = call(&ctx)?;
            call.auth.require_admin().map_err(gql_error)?;
            let applied = call
                .state
                .metadata
                .apply(&call.state, call.auth.workspace_id, |from, dialect| {
                    edit(&ctx, from, dialect)
                })
                .await
                .map_err(gql_error)?;
            let value = answer_of(&applied).map_err(gql_error)?;
            Ok(Some(FieldValue::owned_any(value)))
        })
    })
    .argument(InputValue::new("input", TypeRef::named_nn(input_type)))
}

/// The `input` argument's key `key` as a `T`.
fn input_part<T: DeserializeOwned>(ctx: &ResolverContext<'_>, key: &str) -> Result<T, ApiError> {
    let invalid =
        |e: String| ApiError::bad_request("INVALID_BODY", format!("invalid input.{key}: {e}"));
    let input = ctx
        .args
        .try_get("input")
        .map_err(|e| invalid(e.message))?
        .as_value()
        .clone()
        .into_json()
        .map_err(|e| invalid(e.to_string()))?;
    serde_json::from_value(input.get(key).cloned().unwrap_or(Value::Null))
        .map_err(|e| invalid(e.to_string()))
}

fn input_id(ctx: &ResolverContext<'_>) -> Result<Uuid, ApiError> {
    input_part(ctx, "id")
}

/// The schema, built once.
fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| build().expect("the metadata schema is valid"))
}

fn build() -> Result<Schema, async_graphql::dynamic::SchemaError> {
    // Every type, TS_VECTOR included (the system field `searchVector` has it; it cannot
    // be created).
    let field_types = FieldType::ALL
        .iter()
        .fold(Enum::new("FieldMetadataType"), |e, t| e.item(t.as_str()));
    let object = Object::new("Object")
        .field(uuid_nn("id"))
        .field(uuid_nn("universalIdentifier"))
        .field(key("dataSourceId", id_t(), Kind::Scalar))
        .field(key("applicationId", id_t(), Kind::Scalar))
        .field(string_nn("createdAt"))
        .field(string_nn("updatedAt"))
        .field(string_nn("nameSingular"))
        .field(string_nn("namePlural"))
        .field(string_nn("labelSingular"))
        .field(string_nn("labelPlural"))
        .field(string("description"))
        .field(string("icon"))
        .field(boolean("isCustom"))
        .field(boolean("isRemote"))
        .field(boolean("isActive"))
        .field(boolean("isSystem"))
        .field(boolean("isSearchable"))
        .field(boolean("isLabelSyncedWithName"))
        .field(string("shortcut"))
        .field(key("labelIdentifierFieldMetadataId", id_t(), Kind::Scalar))
        .field(key("imageIdentifierFieldMetadataId", id_t(), Kind::Scalar))
        .field(key_from(
            "fieldsList",
            "fields",
            TypeRef::named_nn_list_nn("Field"),
            Kind::Object,
        ))
        .field(paging_args(
            Field::new(
                "fields",
                TypeRef::named_nn("ObjectFieldsConnection"),
                |ctx| {
                    FieldFuture::new(async move {
                        let fields = match parent(&ctx)?.get("fields") {
                            Some(Value::Array(items)) => items.clone(),
                            _ => Vec::new(),
                        };
                        Ok(Some(FieldValue::owned_any(connection(&ctx, fields)?)))
                    })
                },
            ),
            "FieldFilter",
        ));
    let field = Object::new("Field")
        .field(uuid_nn("id"))
        .field(uuid_nn("universalIdentifier"))
        .field(string_nn("createdAt"))
        .field(string_nn("updatedAt"))
        .field(boolean("isUIReadOnly"))
        .field(key(
            "morphRelations",
            TypeRef::named_nn_list_nn("Relation"),
            Kind::Object,
        ))
        .field(key(
            "type",
            TypeRef::named_nn("FieldMetadataType"),
            Kind::Enum,
        ))
        .field(string_nn("name"))
        .field(string_nn("label"))
        .field(string("description"))
        .field(string("icon"))
        .field(boolean("isCustom"))
        .field(boolean("isActive"))
        .field(boolean("isSystem"))
        .field(boolean("isNullable"))
        .field(boolean("isUnique"))
        .field(boolean("isLabelSyncedWithName"))
        .field(key("defaultValue", json_t(), Kind::Scalar))
        .field(key("options", json_t(), Kind::Scalar))
        .field(key("settings", json_t(), Kind::Scalar))
        .field(uuid_nn("objectMetadataId"))
        .field(key("relation", TypeRef::named("Relation"), Kind::Object));
    let relation = Object::new("Relation")
        .field(key("type", TypeRef::named_nn("RelationType"), Kind::Enum))
        .field(key(
            "sourceObjectMetadata",
            TypeRef::named_nn("RelationObject"),
            Kind::Object,
        ))
        .field(key(
            "targetObjectMetadata",
            TypeRef::named_nn("RelationObject"),
            Kind::Object,
        ))
        .field(key(
            "sourceFieldMetadata",
            TypeRef::named_nn("RelationField"),
            Kind::Object,
        ))
        .field(key(
            "targetFieldMetadata",
            TypeRef::named_nn("RelationField"),
            Kind::Object,
        ));
    let relation_object = Object::new("RelationObject")
        .field(uuid_nn("id"))
        .field(string_nn("nameSingular"))
        .field(string_nn("namePlural"));
    let relation_field = Object::new("RelationField")
        .field(uuid_nn("id"))
        .field(string_nn("name"));
    let page_info = Object::new("PageInfo")
        .field(boolean("hasNextPage"))
        .field(boolean("hasPreviousPage"))
        .field(key("startCursor", s(), Kind::Scalar))
        .field(key("endCursor", s(), Kind::Scalar));
    let workspace = Object::new("Workspace")
        .field(uuid_nn("id"))
        .field(string("displayName"))
        .field(string("subdomain"));

    let query = Object::new("Query")
        .field(paging_args(
            Field::new("objects", TypeRef::named_nn("ObjectConnection"), |ctx| {
                FieldFuture::new(async move {
                    let catalog = call(&ctx)?.catalog().await?;
                    Ok(Some(FieldValue::owned_any(connection(
                        &ctx,
                        shape::objects(catalog),
                    )?)))
                })
            }),
            "ObjectFilter",
        ))
        .field(
            Field::new("object", TypeRef::named_nn("Object"), |ctx| {
                FieldFuture::new(async move {
                    let id: Uuid = arg(&ctx, "id")?;
                    let catalog = call(&ctx)?.catalog().await?;
                    let object = shape::object_by_id(catalog, id).map_err(gql_error)?;
                    Ok(Some(FieldValue::owned_any(object)))
                })
            })
            .argument(InputValue::new("id", id_nn())),
        )
        .field(paging_args(
            Field::new("fields", TypeRef::named_nn("FieldConnection"), |ctx| {
                FieldFuture::new(async move {
                    let catalog = call(&ctx)?.catalog().await?;
                    Ok(Some(FieldValue::owned_any(connection(
                        &ctx,
                        shape::fields(catalog),
                    )?)))
                })
            }),
            "FieldFilter",
        ))
        .field(
            Field::new("field", TypeRef::named_nn("Field"), |ctx| {
                FieldFuture::new(async move {
                    let id: Uuid = arg(&ctx, "id")?;
                    let catalog = call(&ctx)?.catalog().await?;
                    let field = shape::field_by_id(catalog, id).map_err(gql_error)?;
                    Ok(Some(FieldValue::owned_any(field)))
                })
            })
            .argument(InputValue::new("id", id_nn())),
        )
        .field(Field::new(
            "currentWorkspace",
            TypeRef::named_nn("Workspace"),
            |ctx| {
                FieldFuture::new(async move {
                    let call = call(&ctx)?;
                    let id = call.auth.workspace_id;
                    let workspace = call
                        .state
                        .store
                        .workspace(id)
                        .await
                        .map_err(|e| gql_error(ApiError::failure(e)))?
                        .ok_or_else(|| {
                            gql_error(ApiError::not_found("the key's workspace no longer exists"))
                        })?;
                    Ok(Some(FieldValue::owned_any(
                        json!({"id": workspace.id, "displayName": workspace.name, "subdomain": Value::Null}),
                    )))
                })
            },
        ));

    let query = super::webhooks_gql::queries(query);
    let mutation_type = Object::new("Mutation")
        .field(mutation(
            "createOneObject",
            "Object",
            "CreateOneObjectInput",
            |ctx, from, _| change::create_object(from, input_part(ctx, "object")?),
            object_of,
        ))
        .field(mutation(
            "updateOneObject",
            "Object",
            "UpdateOneObjectInput",
            |ctx, from, _| {
                let update: UpdateObject = input_part(ctx, "update")?;
                change::update_object(from, input_id(ctx)?, update)
            },
            object_of,
        ))
        .field(mutation(
            "deleteOneObject",
            "Object",
            "DeleteOneObjectInput",
            |ctx, from, _| change::delete_object(from, input_id(ctx)?),
            |applied| Ok(json!({"id": applied.subject})),
        ))
        .field(mutation(
            "createOneField",
            "Field",
            "CreateOneFieldMetadataInput",
            |ctx, from, dialect| {
                let input: CreateField = input_part(ctx, "field")?;
                change::create_field(from, input, dialect)
            },
            field_of,
        ))
        .field(mutation(
            "updateOneField",
            "Field",
            "UpdateOneFieldMetadataInput",
            |ctx, from, dialect| {
                let update: UpdateField = input_part(ctx, "update")?;
                change::update_field(from, input_id(ctx)?, update, dialect)
            },
            field_of,
        ))
        .field(mutation(
            "deleteOneField",
            "Field",
            "DeleteOneFieldInput",
            |ctx, from, _| change::delete_field(from, input_id(ctx)?),
            |applied| Ok(json!({"id": applied.subject})),
        ));

    let mutation_type = super::webhooks_gql::mutations(mutation_type);
    let eq = |name: &str, ty: TypeRef| input(name, &[("eq", ty)]);
    let is = input("BooleanFieldComparison", &[("is", b())]);
    let builder = Schema::build("Query", Some("Mutation"), None)
        .register(Scalar::new("JSON"))
        .register(Scalar::new("UUID"))
        .register(field_types)
        .register(
            Enum::new("RelationType")
                .item("MANY_TO_ONE")
                .item("ONE_TO_MANY"),
        )
        .register(object)
        .register(field)
        .register(relation)
        .register(relation_object)
        .register(relation_field)
        .register(page_info)
        .register(workspace)
        .register(query)
        .register(mutation_type)
        .register(input(
            "CursorPaging",
            &[("first", TypeRef::named(TypeRef::INT)), ("after", s())],
        ))
        .register(eq("UUIDFilterComparison", id_t()))
        .register(is)
        .register(input(
            "ObjectFilter",
            &[
                ("id", TypeRef::named("UUIDFilterComparison")),
                ("isActive", TypeRef::named("BooleanFieldComparison")),
                ("isCustom", TypeRef::named("BooleanFieldComparison")),
                ("isSystem", TypeRef::named("BooleanFieldComparison")),
            ],
        ))
        .register(input(
            "FieldFilter",
            &[
                ("id", TypeRef::named("UUIDFilterComparison")),
                ("isActive", TypeRef::named("BooleanFieldComparison")),
                ("isCustom", TypeRef::named("BooleanFieldComparison")),
                ("isSystem", TypeRef::named("BooleanFieldComparison")),
                ("objectMetadataId", TypeRef::named("UUIDFilterComparison")),
            ],
        ))
        .register(input(
            "CreateObjectInput",
            &[
                ("id", id_t()),
                ("nameSingular", s_nn()),
                ("namePlural", s_nn()),
                ("labelSingular", s_nn()),
                ("labelPlural", s_nn()),
                ("description", s()),
                ("icon", s()),
                ("isSearchable", b()),
                ("isLabelSyncedWithName", b()),
                ("shortcut", s()),
                ("isRemote", b()),
            ],
        ))
        .register(input(
            "CreateOneObjectInput",
            &[("object", TypeRef::named_nn("CreateObjectInput"))],
        ))
        .register(input(
            "UpdateObjectPayload",
            &[
                ("nameSingular", s()),
                ("namePlural", s()),
                ("labelSingular", s()),
                ("labelPlural", s()),
                ("description", s()),
                ("icon", s()),
                ("isActive", b()),
                ("labelIdentifierFieldMetadataId", id_t()),
                ("isSearchable", b()),
                ("isLabelSyncedWithName", b()),
                ("shortcut", s()),
            ],
        ))
        .register(input(
            "UpdateOneObjectInput",
            &[
                ("id", id_nn()),
                ("update", TypeRef::named_nn("UpdateObjectPayload")),
            ],
        ))
        .register(input("DeleteOneObjectInput", &[("id", id_nn())]))
        .register(input(
            "CreateFieldInput",
            &[
                ("id", id_t()),
                ("objectMetadataId", id_nn()),
                ("type", TypeRef::named_nn("FieldMetadataType")),
                ("name", s_nn()),
                ("label", s_nn()),
                ("description", s()),
                ("icon", s()),
                ("isNullable", b()),
                ("isUnique", b()),
                ("defaultValue", json_t()),
                ("options", json_t()),
                ("settings", json_t()),
                ("relationCreationPayload", json_t()),
                ("isActive", b()),
                ("isLabelSyncedWithName", b()),
            ],
        ))
        .register(input(
            "CreateOneFieldMetadataInput",
            &[("field", TypeRef::named_nn("CreateFieldInput"))],
        ))
        .register(input(
            "UpdateFieldInput",
            &[
                ("name", s()),
                ("label", s()),
                ("description", s()),
                ("icon", s()),
                ("isActive", b()),
                ("isNullable", b()),
                ("isUnique", b()),
                ("defaultValue", json_t()),
                ("options", json_t()),
                ("settings", json_t()),
                ("type", TypeRef::named("FieldMetadataType")),
                ("isLabelSyncedWithName", b()),
                ("optionReplacements", json_t()),
            ],
        ))
        .register(input(
            "UpdateOneFieldMetadataInput",
            &[
                ("id", id_nn()),
                ("update", TypeRef::named_nn("UpdateFieldInput")),
            ],
        ))
        .register(input("DeleteOneFieldInput", &[("id", id_nn())]));
    let mut builder = super::webhooks_gql::register(builder);
    for t in connection_types("ObjectConnection", "Object")
        .into_iter()
        .chain(connection_types("FieldConnection", "Field"))
        .chain(connection_types("ObjectFieldsConnection", "Field"))
    {
        builder = builder.register(t);
    }
    builder.finish()
}

/// The SDL of the metadata API.
pub fn sdl() -> String {
    schema().sdl()
}

/// `POST /metadata`: `{query, variables?, operationName?}` → `{data, errors?}`.
pub async fn post(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    body: Bytes,
) -> Response {
    let auth = match auth {
        Ok(auth) => auth,
        Err(e) => return auth_error(&e),
    };
    let request = match parse_body(&body) {
        Ok(request) => request,
        Err(refusal) => return *refusal,
    };
    let call = MetaCall {
        state: state.clone(),
        auth,
        catalog: tokio::sync::OnceCell::new(),
    };
    reply_response(crate::graphql::execute_on(&state.graphql, schema(), request, call).await)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_builds_with_twenty_names() {
        let sdl = super::sdl();
        for name in [
            "createOneObject(input: CreateOneObjectInput!): Object!",
            "createOneField(input: CreateOneFieldMetadataInput!): Field!",
            "currentWorkspace: Workspace!",
            "fieldsList: [Field!]!",
        ] {
            assert!(sdl.contains(name), "{name} missing from:\n{sdl}");
        }
    }
}
