//! Each workspace's model as rows of the core store, on both backends: `objectMetadata`,
//! `fieldMetadata` (per workspace, stable ids) and `metadataVersion`. A workspace is seeded
//! from the compiled standard model with the standard ids; its model is read back through
//! the model's validating constructor, never built by literal.

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Store, StoreError, parse_id};
use serde_json::Value;
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::model::{Field, Object, Schema};
use uuid::Uuid;

/// The tables, on SQLite (core.sqlite).
pub(super) const SQLITE_DDL: &str = r#"
CREATE TABLE IF NOT EXISTS "objectMetadata" (
  "workspaceId" TEXT NOT NULL REFERENCES "workspace" ("id"),
  "id" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "nameSingular" TEXT NOT NULL,
  "namePlural" TEXT NOT NULL,
  "labelSingular" TEXT NOT NULL,
  "labelPlural" TEXT NOT NULL,
  "description" TEXT,
  "icon" TEXT,
  "isSystem" BOOLEAN NOT NULL,
  "isCustom" BOOLEAN NOT NULL,
  "isActive" BOOLEAN NOT NULL,
  "isAuditLogged" BOOLEAN NOT NULL,
  "labelIdentifier" TEXT NOT NULL,
  "searchFields" TEXT NOT NULL,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "nameSingular"),
  UNIQUE ("workspaceId", "namePlural")
);
CREATE TABLE IF NOT EXISTS "fieldMetadata" (
  "workspaceId" TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "objectMetadataId" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "name" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "label" TEXT NOT NULL,
  "description" TEXT,
  "icon" TEXT,
  "isNullable" BOOLEAN NOT NULL,
  "isUnique" BOOLEAN NOT NULL,
  "isIndexed" BOOLEAN NOT NULL,
  "isSortKey" BOOLEAN NOT NULL,
  "isSystem" BOOLEAN NOT NULL,
  "isCustom" BOOLEAN NOT NULL,
  "isActive" BOOLEAN NOT NULL,
  "defaultValue" TEXT,
  "options" TEXT NOT NULL,
  "relation" TEXT,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "objectMetadataId", "name"),
  FOREIGN KEY ("workspaceId", "objectMetadataId")
    REFERENCES "objectMetadata" ("workspaceId", "id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "metadataVersion" (
  "workspaceId" TEXT PRIMARY KEY NOT NULL REFERENCES "workspace" ("id"),
  "version" INTEGER NOT NULL
);
"#;

/// The tables, on Postgres (schema `core`).
pub(super) const PG_DDL: &str = r#"
CREATE TABLE IF NOT EXISTS "core"."objectMetadata" (
  "workspaceId" TEXT NOT NULL REFERENCES "core"."workspace" ("id"),
  "id" TEXT NOT NULL,
  "position" BIGINT NOT NULL,
  "nameSingular" TEXT NOT NULL,
  "namePlural" TEXT NOT NULL,
  "labelSingular" TEXT NOT NULL,
  "labelPlural" TEXT NOT NULL,
  "description" TEXT,
  "icon" TEXT,
  "isSystem" BOOLEAN NOT NULL,
  "isCustom" BOOLEAN NOT NULL,
  "isActive" BOOLEAN NOT NULL,
  "isAuditLogged" BOOLEAN NOT NULL,
  "labelIdentifier" TEXT NOT NULL,
  "searchFields" TEXT NOT NULL,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "nameSingular"),
  UNIQUE ("workspaceId", "namePlural")
);
CREATE TABLE IF NOT EXISTS "core"."fieldMetadata" (
  "workspaceId" TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "objectMetadataId" TEXT NOT NULL,
  "position" BIGINT NOT NULL,
  "name" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "label" TEXT NOT NULL,
  "description" TEXT,
  "icon" TEXT,
  "isNullable" BOOLEAN NOT NULL,
  "isUnique" BOOLEAN NOT NULL,
  "isIndexed" BOOLEAN NOT NULL,
  "isSortKey" BOOLEAN NOT NULL,
  "isSystem" BOOLEAN NOT NULL,
  "isCustom" BOOLEAN NOT NULL,
  "isActive" BOOLEAN NOT NULL,
  "defaultValue" TEXT,
  "options" TEXT NOT NULL,
  "relation" TEXT,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "objectMetadataId", "name"),
  FOREIGN KEY ("workspaceId", "objectMetadataId")
    REFERENCES "core"."objectMetadata" ("workspaceId", "id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "core"."metadataVersion" (
  "workspaceId" TEXT PRIMARY KEY NOT NULL REFERENCES "core"."workspace" ("id"),
  "version" BIGINT NOT NULL
);
"#;

/// An `objectMetadata` row, in the order of [`OBJECT_COLUMNS`].
type ObjectRow = (
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    bool,
    bool,
    bool,
    String,
    String,
);

const OBJECT_COLUMNS: &str = r#""id", "position", "nameSingular", "namePlural", "labelSingular", "labelPlural", "description", "icon", "isSystem", "isCustom", "isActive", "isAuditLogged", "labelIdentifier", "searchFields""#;

/// A `fieldMetadata` row, in the order of [`FIELD_COLUMNS`].
type FieldRow = (
    String,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    (bool, bool, bool, bool, bool, bool, bool),
    Option<String>,
    String,
    Option<String>,
);

const FIELD_COLUMNS: &str = r#""id", "objectMetadataId", "position", "name", "type", "label", "description", "icon", "isNullable", "isUnique", "isIndexed", "isSortKey", "isSystem", "isCustom", "isActive", "defaultValue", "options", "relation""#;

/// Flags of a field row: nullable, unique, indexed, sort key, system, custom, active.
type Flags = (bool, bool, bool, bool, bool, bool, bool);

fn corrupt(workspace: Uuid, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("workspace {workspace}: metadata: {what}"))
}

/// The text of a serializable value (a field type, options, a relation, a default).
fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("model values serialize to JSON")
}

/// A field type's stored name (`TEXT`, `FULL_NAME`, …).
fn type_name(field: &Field) -> String {
    match serde_json::to_value(field.field_type) {
        Ok(Value::String(s)) => s,
        _ => field.field_type.as_str().to_owned(),
    }
}

/// The model of the rows read: every active object with its active fields, in position
/// order, through [`Schema::new`].
fn model(
    workspace: Uuid,
    objects: Vec<ObjectRow>,
    fields: Vec<FieldRow>,
) -> Result<Schema, StoreError> {
    let mut built = Vec::new();
    for row in objects {
        let (
            id,
            _,
            singular,
            plural,
            label_s,
            label_p,
            description,
            icon,
            system,
            custom,
            active,
            audit,
            identifier,
            search,
        ) = row;
        if !active {
            continue;
        }
        let mut object = Object::new(parse_id(&id)?, &singular, &plural, &label_s, &label_p);
        object.description = description;
        object.icon = icon;
        object.is_system = system;
        object.is_custom = custom;
        object.is_audit_logged = audit;
        object.label_identifier = identifier;
        object.search_fields = serde_json::from_str(&search).map_err(|e| corrupt(workspace, e))?;
        object.fields = Vec::new();
        for field in fields.iter().filter(|f| f.1 == id) {
            let (
                fid,
                _,
                _,
                name,
                type_text,
                label,
                description,
                icon,
                flags,
                default,
                options,
                relation,
            ) = field.clone();
            let (nullable, unique, indexed, sort_key, system, _custom, active): Flags = flags;
            if !active {
                continue;
            }
            let field_type = serde_json::from_value(Value::String(type_text.clone()))
                .map_err(|_| corrupt(workspace, format!("unknown field type {type_text:?}")))?;
            let mut f = Field::new(parse_id(&fid)?, &name, field_type, &label);
            f.description = description;
            f.icon = icon;
            f.is_nullable = nullable;
            f.is_unique = unique;
            f.is_indexed = indexed;
            f.is_sort_key = sort_key;
            f.is_system = system;
            f.default = default
                .map(|d| serde_json::from_str(&d))
                .transpose()
                .map_err(|e| corrupt(workspace, e))?;
            f.options = serde_json::from_str(&options).map_err(|e| corrupt(workspace, e))?;
            f.relation = relation
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|e| corrupt(workspace, e))?;
            object.fields.push(f);
        }
        built.push(object);
    }
    Schema::new(built).map_err(|e| corrupt(workspace, e))
}

impl Store {
    /// Seeds `workspace`'s metadata from the compiled standard model (the standard ids)
    /// where its rows are missing: all of them for a new workspace, the objects and fields
    /// a newer binary added for an existing one. Rows already there are kept.
    pub async fn seed_metadata(&self, workspace: Uuid) -> Result<(), StoreError> {
        let standard = twenty_standard_objects::schema();
        dispatch!(self, s => s.seed_metadata(workspace, &standard).await)
    }

    /// `workspace`'s model as its rows hold it, and its metadata version.
    pub async fn workspace_model(&self, workspace: Uuid) -> Result<(u64, Schema), StoreError> {
        dispatch!(self, s => s.workspace_model(workspace).await)
    }
}

/// The statements of this file in one dialect: they differ only in where the tables are
/// (`core` on Postgres) and how placeholders are spelled (`$1` / `?1`).
struct Statements {
    insert_object: String,
    insert_field: String,
    insert_version: String,
    ids: String,
    objects: String,
    fields: String,
    version: String,
}

impl Statements {
    fn new(dialect: Dialect) -> Statements {
        let pg = dialect == Dialect::Postgres;
        let table = |t: &str| {
            if pg {
                format!("\"core\".\"{t}\"")
            } else {
                format!("\"{t}\"")
            }
        };
        let p = |i: usize| if pg { format!("${i}") } else { format!("?{i}") };
        let insert = |t: &str, columns: &str, n: usize| {
            let values: Vec<String> = (1..=n).map(p).collect();
            format!(
                "INSERT INTO {} (\"workspaceId\", {columns}) VALUES ({}) ON CONFLICT DO NOTHING",
                table(t),
                values.join(", ")
            )
        };
        let (objects, fields, versions, ws) = (
            table("objectMetadata"),
            table("fieldMetadata"),
            table("metadataVersion"),
            p(1),
        );
        Statements {
            insert_object: insert("objectMetadata", OBJECT_COLUMNS, 15),
            insert_field: insert("fieldMetadata", FIELD_COLUMNS, 19),
            insert_version: format!(
                "INSERT INTO {versions} (\"workspaceId\", \"version\") VALUES ({ws}, 0) ON CONFLICT DO NOTHING"
            ),
            ids: format!(
                "SELECT \"id\" FROM {objects} WHERE \"workspaceId\" = {ws} \
                 UNION ALL SELECT \"id\" FROM {fields} WHERE \"workspaceId\" = {ws}"
            ),
            objects: format!(
                "SELECT {OBJECT_COLUMNS} FROM {objects} WHERE \"workspaceId\" = {ws} ORDER BY \"position\", \"id\""
            ),
            fields: format!(
                "SELECT {FIELD_COLUMNS} FROM {fields} WHERE \"workspaceId\" = {ws} ORDER BY \"objectMetadataId\", \"position\", \"id\""
            ),
            version: format!("SELECT \"version\" FROM {versions} WHERE \"workspaceId\" = {ws}"),
        }
    }
}

/// Whether every object and field of `standard` has a row among `existing` ids.
fn seeded(existing: &[(String,)], standard: &Schema) -> bool {
    if existing.len() < standard.objects.len() + standard.field_count() {
        return false;
    }
    let ids: std::collections::HashSet<&str> = existing.iter().map(|r| r.0.as_str()).collect();
    standard.objects.iter().all(|o| {
        ids.contains(o.id.to_string().as_str())
            && o.fields
                .iter()
                .all(|f| ids.contains(f.id.to_string().as_str()))
    })
}

/// Seeds `$workspace` from `$standard` on `$pool` in `$dialect`: inserts, in one
/// transaction, the rows whose ids are missing (and, against a concurrent seeder,
/// `ON CONFLICT DO NOTHING`). The same text for both backends, whose pools differ in type.
macro_rules! seed_metadata {
    ($pool:expr, $dialect:expr, $workspace:expr, $standard:expr) => {{
        let sql = Statements::new($dialect);
        let ws = $workspace.to_string();
        let existing: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.ids.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?;
        if seeded(&existing, $standard) {
            return Ok(());
        }
        let existing: std::collections::HashSet<String> =
            existing.into_iter().map(|r| r.0).collect();
        let mut tx = $pool.begin().await?;
        for (position, object) in $standard.objects.iter().enumerate() {
            let position = position as i64;
            if !existing.contains(&object.id.to_string()) {
                sqlx::query(sqlx::AssertSqlSafe(sql.insert_object.clone()))
                    .bind(&ws)
                    .bind(object.id.to_string())
                    .bind(position)
                    .bind(&object.name_singular)
                    .bind(&object.name_plural)
                    .bind(&object.label_singular)
                    .bind(&object.label_plural)
                    .bind(&object.description)
                    .bind(&object.icon)
                    .bind(object.is_system)
                    .bind(object.is_custom)
                    .bind(true)
                    .bind(object.is_audit_logged)
                    .bind(&object.label_identifier)
                    .bind(json_text(&object.search_fields))
                    .execute(&mut *tx)
                    .await?;
            }
            for (position, field) in object.fields.iter().enumerate() {
                let position = position as i64;
                if existing.contains(&field.id.to_string()) {
                    continue;
                }
                sqlx::query(sqlx::AssertSqlSafe(sql.insert_field.clone()))
                    .bind(&ws)
                    .bind(field.id.to_string())
                    .bind(object.id.to_string())
                    .bind(position)
                    .bind(&field.name)
                    .bind(type_name(field))
                    .bind(&field.label)
                    .bind(&field.description)
                    .bind(&field.icon)
                    .bind(field.is_nullable)
                    .bind(field.is_unique)
                    .bind(field.is_indexed)
                    .bind(field.is_sort_key)
                    .bind(field.is_system)
                    .bind(object.is_custom)
                    .bind(true)
                    .bind(field.default.as_ref().map(json_text))
                    .bind(json_text(&field.options))
                    .bind(field.relation.as_ref().map(json_text))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(sqlx::AssertSqlSafe(sql.insert_version.clone()))
            .bind(&ws)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }};
}

/// Reads `$workspace`'s rows on `$pool` in `$dialect` into its version and model.
macro_rules! read_model {
    ($pool:expr, $dialect:expr, $workspace:expr) => {{
        let sql = Statements::new($dialect);
        let ws = $workspace.to_string();
        let objects: Vec<ObjectRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.objects.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?;
        let fields = sqlx::query(sqlx::AssertSqlSafe(sql.fields.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?
            .iter()
            .map(decode_field)
            .collect::<Result<Vec<_>, _>>()?;
        let version: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.version.clone()))
            .bind(&ws)
            .fetch_optional($pool)
            .await?;
        let schema = model($workspace, objects, fields)?;
        Ok((version.map_or(0, |v| v.0.max(0) as u64), schema))
    }};
}

impl SqliteStore {
    async fn seed_metadata(&self, workspace: Uuid, standard: &Schema) -> Result<(), StoreError> {
        seed_metadata!(&self.core, Dialect::Sqlite, workspace, standard)
    }

    async fn workspace_model(&self, workspace: Uuid) -> Result<(u64, Schema), StoreError> {
        read_model!(&self.core, Dialect::Sqlite, workspace)
    }
}

impl PgStore {
    async fn seed_metadata(&self, workspace: Uuid, standard: &Schema) -> Result<(), StoreError> {
        seed_metadata!(&self.pool, Dialect::Postgres, workspace, standard)
    }

    async fn workspace_model(&self, workspace: Uuid) -> Result<(u64, Schema), StoreError> {
        read_model!(&self.pool, Dialect::Postgres, workspace)
    }
}

/// A `fieldMetadata` row (more columns than sqlx decodes into a tuple).
fn decode_field<R: sqlx::Row>(row: &R) -> Result<FieldRow, sqlx::Error>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok((
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
        row.try_get(6)?,
        row.try_get(7)?,
        (
            row.try_get(8)?,
            row.try_get(9)?,
            row.try_get(10)?,
            row.try_get(11)?,
            row.try_get(12)?,
            row.try_get(13)?,
            row.try_get(14)?,
        ),
        row.try_get(15)?,
        row.try_get(16)?,
        row.try_get(17)?,
    ))
}
