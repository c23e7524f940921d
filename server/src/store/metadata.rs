//! Each workspace's model as rows of the core store, on both backends: `objectMetadata`,
//! `fieldMetadata` (per workspace, stable ids) and `metadataVersion`. A workspace is seeded
//! from the compiled standard model with the standard ids; its model is read back through
//! the model's validating constructor, never built by literal.

use super::{Store, StoreError, parse_id};
use serde_json::Value;
use sqlx::AssertSqlSafe;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::model::{Field, Object, Schema, ValidationErrors};
use uuid::Uuid;

/// The tables, on SQLite: in the workspace's own file, beside the tables they describe,
/// so that a change of the model (its DDL, its rows, its version) is one transaction.
pub(super) const SQLITE_DDL: &str = r#"
CREATE TABLE IF NOT EXISTS "objectMetadata" (
  "workspaceId" TEXT NOT NULL,
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
  "createdAt" BIGINT NOT NULL DEFAULT 0,
  "updatedAt" BIGINT NOT NULL DEFAULT 0,
  "duplicateCriteria" TEXT,
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
  "settings" TEXT,
  "createdAt" BIGINT NOT NULL DEFAULT 0,
  "updatedAt" BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "objectMetadataId", "name"),
  FOREIGN KEY ("workspaceId", "objectMetadataId")
    REFERENCES "objectMetadata" ("workspaceId", "id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "metadataVersion" (
  "workspaceId" TEXT PRIMARY KEY NOT NULL,
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
  "createdAt" BIGINT NOT NULL DEFAULT 0,
  "updatedAt" BIGINT NOT NULL DEFAULT 0,
  "duplicateCriteria" TEXT,
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
  "settings" TEXT,
  "createdAt" BIGINT NOT NULL DEFAULT 0,
  "updatedAt" BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY ("workspaceId", "id"),
  UNIQUE ("workspaceId", "objectMetadataId", "name"),
  FOREIGN KEY ("workspaceId", "objectMetadataId")
    REFERENCES "core"."objectMetadata" ("workspaceId", "id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "core"."metadataVersion" (
  "workspaceId" TEXT PRIMARY KEY NOT NULL REFERENCES "core"."workspace" ("id"),
  "version" BIGINT NOT NULL
);
ALTER TABLE "core"."fieldMetadata" ADD COLUMN IF NOT EXISTS "settings" TEXT;
ALTER TABLE "core"."objectMetadata" ADD COLUMN IF NOT EXISTS "createdAt" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "core"."objectMetadata" ADD COLUMN IF NOT EXISTS "updatedAt" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "core"."fieldMetadata" ADD COLUMN IF NOT EXISTS "createdAt" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "core"."fieldMetadata" ADD COLUMN IF NOT EXISTS "updatedAt" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "core"."objectMetadata" ADD COLUMN IF NOT EXISTS "duplicateCriteria" TEXT;
"#;

/// Columns added to the SQLite tables after their first release, added to a workspace
/// file that lacks them when it is opened (SQLite has no `ADD COLUMN IF NOT EXISTS`).
pub(super) const SQLITE_ADDED_COLUMNS: [(&str, &str, &str); 1] =
    [("objectMetadata", "duplicateCriteria", "TEXT")];

/// A workspace's whole model as its rows hold it: every object and field, active or not,
/// and its metadata version. What the API serves is [`Catalog::active`].
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The metadata version (0: the seeded standard model, never changed).
    pub version: u64,
    /// Every object with every field, inactive ones included (their tables and columns
    /// are kept).
    pub all: Schema,
    /// The ids of the inactive objects and fields.
    pub inactive: BTreeSet<Uuid>,
    /// When each object and field was created and last changed (Unix milliseconds), by
    /// id; the store keeps them (what is missing is new).
    pub times: HashMap<Uuid, (i64, i64)>,
}

impl Catalog {
    /// Whether the object or field with this id is active.
    pub fn is_active(&self, id: Uuid) -> bool {
        !self.inactive.contains(&id)
    }

    /// When the object or field with this id was created and last changed (Unix ms).
    pub fn times(&self, id: Uuid) -> (i64, i64) {
        self.times.get(&id).copied().unwrap_or((0, 0))
    }

    /// The model the APIs serve: the active objects with their active fields. A relation
    /// field whose target object or inverse field is inactive is hidden with it; a label
    /// identifier or search field that is hidden falls back (`id`, not searched).
    pub fn active(&self) -> Result<Schema, ValidationErrors> {
        let live_object = |name: &str| self.all.object(name).is_some_and(|o| self.is_active(o.id));
        let live_field = |object: &str, field: &str| {
            self.all
                .object(object)
                .and_then(|o| o.field(field))
                .is_some_and(|f| self.is_active(f.id))
        };
        let mut objects = Vec::new();
        for object in &self.all.objects {
            if !self.is_active(object.id) {
                continue;
            }
            let mut object = object.clone();
            object.fields.retain(|f| {
                self.is_active(f.id)
                    && f.relation
                        .as_ref()
                        .is_none_or(|r| live_object(&r.target) && live_field(&r.target, &r.inverse))
            });
            let kept: Vec<String> = object.fields.iter().map(|f| f.name.clone()).collect();
            if !kept.contains(&object.label_identifier) {
                object.label_identifier = "id".to_owned();
            }
            object.search_fields.retain(|f| kept.contains(f));
            // A criterion naming a hidden field is hidden with it.
            object.duplicate_criteria.retain(|criterion| {
                criterion.iter().all(|path| {
                    kept.iter()
                        .any(|k| path.split('.').next() == Some(k.as_str()))
                })
            });
            objects.push(object);
        }
        Schema::new(objects)
    }
}

/// An `objectMetadata` row, in the order of [`OBJECT_COLUMNS`].
#[derive(Debug, Clone, PartialEq)]
struct ObjectRow {
    id: String,
    position: i64,
    name_singular: String,
    name_plural: String,
    label_singular: String,
    label_plural: String,
    description: Option<String>,
    icon: Option<String>,
    is_system: bool,
    is_custom: bool,
    is_active: bool,
    is_audit_logged: bool,
    label_identifier: String,
    search_fields: String,
    /// JSON of the duplicate criteria; null in a row written before the column existed.
    duplicate_criteria: Option<String>,
}

const OBJECT_COLUMNS: [&str; 17] = [
    "id",
    "position",
    "nameSingular",
    "namePlural",
    "labelSingular",
    "labelPlural",
    "description",
    "icon",
    "isSystem",
    "isCustom",
    "isActive",
    "isAuditLogged",
    "labelIdentifier",
    "searchFields",
    "createdAt",
    "updatedAt",
    "duplicateCriteria",
];

/// A `fieldMetadata` row, in the order of [`FIELD_COLUMNS`].
#[derive(Debug, Clone, PartialEq)]
struct FieldRow {
    id: String,
    object_metadata_id: String,
    position: i64,
    name: String,
    field_type: String,
    label: String,
    description: Option<String>,
    icon: Option<String>,
    is_nullable: bool,
    is_unique: bool,
    is_indexed: bool,
    is_sort_key: bool,
    is_system: bool,
    is_custom: bool,
    is_active: bool,
    default_value: Option<String>,
    options: String,
    relation: Option<String>,
    settings: Option<String>,
}

const FIELD_COLUMNS: [&str; 21] = [
    "id",
    "objectMetadataId",
    "position",
    "name",
    "type",
    "label",
    "description",
    "icon",
    "isNullable",
    "isUnique",
    "isIndexed",
    "isSortKey",
    "isSystem",
    "isCustom",
    "isActive",
    "defaultValue",
    "options",
    "relation",
    "settings",
    "createdAt",
    "updatedAt",
];

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

/// The ids of the compiled standard model's objects and fields: what is not among them is
/// custom.
fn standard_ids() -> &'static HashSet<Uuid> {
    static IDS: OnceLock<HashSet<Uuid>> = OnceLock::new();
    IDS.get_or_init(|| {
        let standard = twenty_standard_objects::schema();
        standard
            .objects
            .iter()
            .flat_map(|o| std::iter::once(o.id).chain(o.fields.iter().map(|f| f.id)))
            .collect()
    })
}

/// Whether the object or field with this id is a workspace's own (not one of the compiled
/// standard model's).
pub fn is_custom_field(id: Uuid) -> bool {
    !standard_ids().contains(&id)
}

/// The rows of `all` (positions in model order; `inactive` ids stored inactive).
fn rows(all: &Schema, inactive: &BTreeSet<Uuid>) -> (Vec<ObjectRow>, Vec<FieldRow>) {
    let standard = standard_ids();
    let mut objects = Vec::new();
    let mut fields = Vec::new();
    for (position, object) in all.objects.iter().enumerate() {
        objects.push(ObjectRow {
            id: object.id.to_string(),
            position: position as i64,
            name_singular: object.name_singular.clone(),
            name_plural: object.name_plural.clone(),
            label_singular: object.label_singular.clone(),
            label_plural: object.label_plural.clone(),
            description: object.description.clone(),
            icon: object.icon.clone(),
            is_system: object.is_system,
            is_custom: object.is_custom,
            is_active: !inactive.contains(&object.id),
            is_audit_logged: object.is_audit_logged,
            label_identifier: object.label_identifier.clone(),
            search_fields: json_text(&object.search_fields),
            duplicate_criteria: Some(json_text(&object.duplicate_criteria)),
        });
        for (position, field) in object.fields.iter().enumerate() {
            fields.push(FieldRow {
                id: field.id.to_string(),
                object_metadata_id: object.id.to_string(),
                position: position as i64,
                name: field.name.clone(),
                field_type: type_name(field),
                label: field.label.clone(),
                description: field.description.clone(),
                icon: field.icon.clone(),
                is_nullable: field.is_nullable,
                is_unique: field.is_unique,
                is_indexed: field.is_indexed,
                is_sort_key: field.is_sort_key,
                is_system: field.is_system,
                is_custom: !standard.contains(&field.id),
                is_active: !inactive.contains(&field.id),
                default_value: field.default.as_ref().map(json_text),
                options: json_text(&field.options),
                relation: field.relation.as_ref().map(json_text),
                settings: field.settings.as_ref().map(json_text),
            });
        }
    }
    (objects, fields)
}

/// The catalog of the rows read, through [`Schema::new`].
fn catalog(
    workspace: Uuid,
    version: u64,
    objects: Vec<(ObjectRow, i64, i64)>,
    fields: Vec<(FieldRow, i64, i64)>,
) -> Result<Catalog, StoreError> {
    let mut inactive = BTreeSet::new();
    let mut times = HashMap::new();
    let mut by_object: HashMap<String, Vec<FieldRow>> = HashMap::new();
    for (field, created, updated) in fields {
        times.insert(parse_id(&field.id)?, (created, updated));
        by_object
            .entry(field.object_metadata_id.clone())
            .or_default()
            .push(field);
    }
    let mut built = Vec::new();
    for (row, created, updated) in objects {
        let id = parse_id(&row.id)?;
        times.insert(id, (created, updated));
        if !row.is_active {
            inactive.insert(id);
        }
        let mut object = Object::new(
            id,
            &row.name_singular,
            &row.name_plural,
            &row.label_singular,
            &row.label_plural,
        );
        object.description = row.description;
        object.icon = row.icon;
        object.is_system = row.is_system;
        object.is_custom = row.is_custom;
        object.is_audit_logged = row.is_audit_logged;
        object.label_identifier = row.label_identifier;
        object.search_fields =
            serde_json::from_str(&row.search_fields).map_err(|e| corrupt(workspace, e))?;
        object.duplicate_criteria = match &row.duplicate_criteria {
            Some(text) => serde_json::from_str(text).map_err(|e| corrupt(workspace, e))?,
            // A row older than the column: a standard object's criteria are the compiled
            // model's.
            None => twenty_standard_objects::schema()
                .objects
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.duplicate_criteria.clone())
                .unwrap_or_default(),
        };
        for f in by_object.remove(&row.id).unwrap_or_default() {
            let field_type =
                serde_json::from_value(Value::String(f.field_type.clone())).map_err(|_| {
                    corrupt(workspace, format!("unknown field type {:?}", f.field_type))
                })?;
            let fid = parse_id(&f.id)?;
            if !f.is_active {
                inactive.insert(fid);
            }
            let mut field = Field::new(fid, &f.name, field_type, &f.label);
            field.description = f.description;
            field.icon = f.icon;
            field.is_nullable = f.is_nullable;
            field.is_unique = f.is_unique;
            field.is_indexed = f.is_indexed;
            field.is_sort_key = f.is_sort_key;
            field.is_system = f.is_system;
            field.default = f
                .default_value
                .map(|d| serde_json::from_str(&d))
                .transpose()
                .map_err(|e| corrupt(workspace, e))?;
            field.options = serde_json::from_str(&f.options).map_err(|e| corrupt(workspace, e))?;
            field.relation = f
                .relation
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|e| corrupt(workspace, e))?;
            field.settings = f
                .settings
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|e| corrupt(workspace, e))?;
            object.fields.push(field);
        }
        built.push(object);
    }
    let all = Schema::new(built).map_err(|e| corrupt(workspace, e))?;
    Ok(Catalog {
        version,
        all,
        inactive,
        times,
    })
}

/// Binds an [`ObjectRow`] after the workspace id, in [`OBJECT_COLUMNS`] order.
macro_rules! bind_object {
    ($query:expr, $ws:expr, $r:expr, $created:expr, $updated:expr) => {
        $query
            .bind($ws)
            .bind(&$r.id)
            .bind($r.position)
            .bind(&$r.name_singular)
            .bind(&$r.name_plural)
            .bind(&$r.label_singular)
            .bind(&$r.label_plural)
            .bind(&$r.description)
            .bind(&$r.icon)
            .bind($r.is_system)
            .bind($r.is_custom)
            .bind($r.is_active)
            .bind($r.is_audit_logged)
            .bind(&$r.label_identifier)
            .bind(&$r.search_fields)
            .bind($created)
            .bind($updated)
            .bind(&$r.duplicate_criteria)
    };
}

/// Binds a [`FieldRow`] after the workspace id, in [`FIELD_COLUMNS`] order.
macro_rules! bind_field {
    ($query:expr, $ws:expr, $r:expr, $created:expr, $updated:expr) => {
        $query
            .bind($ws)
            .bind(&$r.id)
            .bind(&$r.object_metadata_id)
            .bind($r.position)
            .bind(&$r.name)
            .bind(&$r.field_type)
            .bind(&$r.label)
            .bind(&$r.description)
            .bind(&$r.icon)
            .bind($r.is_nullable)
            .bind($r.is_unique)
            .bind($r.is_indexed)
            .bind($r.is_sort_key)
            .bind($r.is_system)
            .bind($r.is_custom)
            .bind($r.is_active)
            .bind(&$r.default_value)
            .bind(&$r.options)
            .bind(&$r.relation)
            .bind(&$r.settings)
            .bind($created)
            .bind($updated)
    };
}

/// Seeds `$workspace` from `$standard` on `$pool` in `$dialect`: inserts, in one
/// transaction, the rows whose ids are missing (and, against a concurrent seeder,
/// `ON CONFLICT DO NOTHING`). The same text for both backends, whose pools differ in type.
macro_rules! seed_metadata {
    ($pool:expr, $dialect:expr, $workspace:expr, $standard:expr) => {{
        let sql = Statements::new($dialect);
        let ws = $workspace.to_string();
        let existing: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql.ids.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?;
        if seeded(&existing, $standard) {
            return Ok(());
        }
        let existing: HashSet<String> = existing.into_iter().map(|r| r.0).collect();
        let (objects, fields) = rows($standard, &BTreeSet::new());
        let now = super::now_ms();
        let mut tx = $pool.begin().await?;
        for row in objects.iter().filter(|r| !existing.contains(&r.id)) {
            bind_object!(
                sqlx::query(AssertSqlSafe(sql.insert_object.clone())),
                &ws,
                row,
                now,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        for row in fields.iter().filter(|r| !existing.contains(&r.id)) {
            bind_field!(
                sqlx::query(AssertSqlSafe(sql.insert_field.clone())),
                &ws,
                row,
                now,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(AssertSqlSafe(sql.insert_version.clone()))
            .bind(&ws)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }};
}

/// Reads `$workspace`'s rows on `$pool` in `$dialect` into its catalog.
macro_rules! read_catalog {
    ($pool:expr, $dialect:expr, $workspace:expr) => {{
        let sql = Statements::new($dialect);
        let ws = $workspace.to_string();
        let version: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(sql.version.clone()))
            .bind(&ws)
            .fetch_optional($pool)
            .await?;
        let objects = sqlx::query(AssertSqlSafe(sql.objects.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?
            .iter()
            .map(decode_object)
            .collect::<Result<Vec<_>, _>>()?;
        let fields = sqlx::query(AssertSqlSafe(sql.fields.clone()))
            .bind(&ws)
            .fetch_all($pool)
            .await?
            .iter()
            .map(decode_field)
            .collect::<Result<Vec<_>, _>>()?;
        catalog(
            $workspace,
            version.map_or(0, |v| v.0.max(0) as u64),
            objects,
            fields,
        )
    }};
}

/// Runs `$change` on `$conn` (inside its transaction): bumps the version (refusing a
/// stale `from`), runs the checks and the DDL, writes the rows that differ. Evaluates to
/// what was applied.
macro_rules! apply_change {
    ($conn:expr, $dialect:expr, $workspace:expr, $change:expr) => {{
        let sql = Statements::new($dialect);
        let ws = $workspace.to_string();
        let from_version = i64::try_from($change.from.version).unwrap_or(i64::MAX);
        let bumped: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(sql.bump_version.clone()))
            .bind(&ws)
            .bind(from_version)
            .fetch_optional($conn)
            .await?;
        let Some((version,)) = bumped else {
            return Err(StoreError::ModelChanged);
        };
        for rewrite in &$change.rewrites {
            sqlx::raw_sql(AssertSqlSafe(rewrite.clone()))
                .execute($conn)
                .await?;
        }
        for (check, refusal) in &$change.checks {
            let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(check.clone()))
                .fetch_one($conn)
                .await?;
            if count > 0 {
                return Err(StoreError::Refused(
                    refusal.replace("{count}", &count.to_string()),
                ));
            }
        }
        if !$change.ddl.trim().is_empty() {
            sqlx::raw_sql(AssertSqlSafe($change.ddl.clone()))
                .execute($conn)
                .await?;
        }
        let (old_objects, old_fields) = rows(&$change.from.all, &$change.from.inactive);
        let (new_objects, new_fields) = rows(&$change.to.all, &$change.to.inactive);
        let new_ids: HashSet<&str> = new_objects
            .iter()
            .map(|r| r.id.as_str())
            .chain(new_fields.iter().map(|r| r.id.as_str()))
            .collect();
        let old_objects_by_id: HashMap<&str, &ObjectRow> =
            old_objects.iter().map(|r| (r.id.as_str(), r)).collect();
        let old_fields_by_id: HashMap<&str, &FieldRow> =
            old_fields.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut written: Vec<String> = Vec::new();
        for row in old_fields
            .iter()
            .filter(|r| !new_ids.contains(r.id.as_str()))
        {
            sqlx::query(AssertSqlSafe(sql.delete_field.clone()))
                .bind(&ws)
                .bind(&row.id)
                .execute($conn)
                .await?;
        }
        for row in old_objects
            .iter()
            .filter(|r| !new_ids.contains(r.id.as_str()))
        {
            sqlx::query(AssertSqlSafe(sql.delete_object.clone()))
                .bind(&ws)
                .bind(&row.id)
                .execute($conn)
                .await?;
        }
        let now = super::now_ms();
        for row in new_objects
            .iter()
            .filter(|r| old_objects_by_id.get(r.id.as_str()) != Some(r))
        {
            written.push(row.id.clone());
            bind_object!(
                sqlx::query(AssertSqlSafe(sql.upsert_object.clone())),
                &ws,
                row,
                now,
                now
            )
            .execute($conn)
            .await?;
        }
        for row in new_fields
            .iter()
            .filter(|r| old_fields_by_id.get(r.id.as_str()) != Some(r))
        {
            written.push(row.id.clone());
            bind_field!(
                sqlx::query(AssertSqlSafe(sql.upsert_field.clone())),
                &ws,
                row,
                now,
                now
            )
            .execute($conn)
            .await?;
        }
        AppliedMetadata {
            version: version.max(0) as u64,
            at: now,
            written,
        }
    }};
}

/// What [`Store::apply_metadata`] did: the new version, when, and the ids of the objects
/// and fields whose rows it wrote (their `updatedAt` is `at`; new ones' `createdAt` too).
#[derive(Debug, Clone)]
pub struct AppliedMetadata {
    pub version: u64,
    pub at: i64,
    pub written: Vec<String>,
}

/// One change of a workspace's model, as [`Store::apply_metadata`] applies it.
#[derive(Debug)]
pub struct MetadataChange<'a> {
    /// The catalog the change was planned from; applied only if it is still the current
    /// one (its version).
    pub from: &'a Catalog,
    /// The catalog after the change (its version is ignored: the store bumps it).
    pub to: &'a Catalog,
    /// The DDL in the store's dialect, schema-agnostic (empty when none).
    pub ddl: String,
    /// Whether the SQLite DDL rebuilds tables (run with foreign keys off, then checked).
    pub foreign_keys_off: bool,
    /// Counts that must be zero, run before the DDL in the same transaction: a query
    /// answering one integer, and the refusal's text with `{count}` in it.
    pub checks: Vec<(String, String)>,
    /// Statements rewriting records, run before the checks (schema-agnostic).
    pub rewrites: Vec<String>,
}

impl Store {
    /// Seeds `workspace`'s metadata from the compiled standard model (the standard ids)
    /// where its rows are missing: all of them for a new workspace, the objects and fields
    /// a newer binary added for an existing one. Rows already there are kept.
    pub async fn seed_metadata(&self, workspace: Uuid) -> Result<(), StoreError> {
        let standard = twenty_standard_objects::schema();
        match self {
            Store::Sqlite(s) => {
                let pool = s.workspace_pool(workspace).await?;
                seed_metadata!(&pool, Dialect::Sqlite, workspace, &standard)
            }
            Store::Postgres(s) => {
                seed_metadata!(&s.pool, Dialect::Postgres, workspace, &standard)
            }
        }
    }

    /// `workspace`'s served model (its active objects and fields) and metadata version.
    pub async fn workspace_model(&self, workspace: Uuid) -> Result<(u64, Schema), StoreError> {
        let catalog = self.catalog(workspace).await?;
        let model = catalog.active().map_err(|e| corrupt(workspace, e))?;
        Ok((catalog.version, model))
    }

    /// `workspace`'s whole model as its rows hold it.
    pub async fn catalog(&self, workspace: Uuid) -> Result<Catalog, StoreError> {
        match self {
            Store::Sqlite(s) => {
                let pool = s.workspace_pool(workspace).await?;
                read_catalog!(&pool, Dialect::Sqlite, workspace)
            }
            Store::Postgres(s) => read_catalog!(&s.pool, Dialect::Postgres, workspace),
        }
    }

    /// `workspace`'s metadata version: one small read, made to tell whether a cached model
    /// is still current.
    pub async fn metadata_version(&self, workspace: Uuid) -> Result<u64, StoreError> {
        let sql = Statements::new(self.dialect());
        let version: Option<(i64,)> = match self {
            Store::Sqlite(s) => {
                let pool = s.workspace_pool(workspace).await?;
                sqlx::query_as(AssertSqlSafe(sql.version))
                    .bind(workspace.to_string())
                    .fetch_optional(&pool)
                    .await?
            }
            Store::Postgres(s) => {
                sqlx::query_as(AssertSqlSafe(sql.version))
                    .bind(workspace.to_string())
                    .fetch_optional(&s.pool)
                    .await?
            }
        };
        Ok(version.map_or(0, |v| v.0.max(0) as u64))
    }

    /// Applies one change of `workspace`'s model in one transaction: its checks, its DDL,
    /// the rows that differ and the version bump, after the workspace's other changes and
    /// writes (Postgres: a transaction-scoped advisory lock on the workspace; SQLite: the
    /// file's write turn, held throughout). Answers the new version; refused, with nothing
    /// changed, when the model changed since `change.from` was read
    /// ([`StoreError::ModelChanged`]) or a check counts rows ([`StoreError::Refused`]).
    pub async fn apply_metadata(
        &self,
        workspace: Uuid,
        change: &MetadataChange<'_>,
    ) -> Result<AppliedMetadata, StoreError> {
        match self {
            Store::Sqlite(s) => {
                let db = s.workspace_db(workspace).await?;
                // No engine writer of this workspace runs until the change is done.
                let _turn = db
                    .writers
                    .hold_committed()
                    .await
                    .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))?;
                let mut conn = db.pool.acquire().await?;
                if change.foreign_keys_off {
                    sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await?;
                let result = apply_sqlite(&mut conn, workspace, change).await;
                let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
                let ended = sqlx::raw_sql(end).execute(&mut *conn).await;
                if change.foreign_keys_off {
                    sqlx::raw_sql("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                }
                let version = result?;
                ended?;
                Ok(version)
            }
            Store::Postgres(s) => {
                let mut tx = s.pool.begin().await?;
                let schema = super::schema_name(workspace);
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(&schema)
                    .execute(&mut *tx)
                    .await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    r#"SET LOCAL search_path TO "{schema}""#
                )))
                .execute(&mut *tx)
                .await?;
                let version = apply_change!(&mut *tx, Dialect::Postgres, workspace, change);
                tx.commit().await?;
                Ok(version)
            }
        }
    }
}

async fn apply_sqlite(
    conn: &mut sqlx::SqliteConnection,
    workspace: Uuid,
    change: &MetadataChange<'_>,
) -> Result<AppliedMetadata, StoreError> {
    let version = apply_change!(&mut *conn, Dialect::Sqlite, workspace, change);
    if change.foreign_keys_off {
        let violations = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await?;
        if !violations.is_empty() {
            return Err(StoreError::Refused(format!(
                "the change would leave {} rows pointing at records that do not exist",
                violations.len()
            )));
        }
    }
    Ok(version)
}

/// The statements of this file in one dialect: they differ only in where the tables are
/// (`core` on Postgres) and how placeholders are spelled (`$1` / `?1`).
struct Statements {
    insert_object: String,
    insert_field: String,
    upsert_object: String,
    upsert_field: String,
    delete_object: String,
    delete_field: String,
    insert_version: String,
    bump_version: String,
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
        let quoted = |columns: &[&str]| {
            columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let insert = |t: &str, columns: &[&str]| {
            let values: Vec<String> = (1..=columns.len() + 1).map(p).collect();
            format!(
                "INSERT INTO {} (\"workspaceId\", {}) VALUES ({})",
                table(t),
                quoted(columns),
                values.join(", ")
            )
        };
        let upsert = |t: &str, columns: &[&str]| {
            let set: Vec<String> = columns[1..]
                .iter()
                .filter(|c| **c != "createdAt")
                .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                .collect();
            format!(
                "{} ON CONFLICT (\"workspaceId\", \"id\") DO UPDATE SET {}",
                insert(t, columns),
                set.join(", ")
            )
        };
        let (objects, fields, versions, ws) = (
            table("objectMetadata"),
            table("fieldMetadata"),
            table("metadataVersion"),
            p(1),
        );
        Statements {
            insert_object: format!(
                "{} ON CONFLICT DO NOTHING",
                insert("objectMetadata", &OBJECT_COLUMNS)
            ),
            insert_field: format!(
                "{} ON CONFLICT DO NOTHING",
                insert("fieldMetadata", &FIELD_COLUMNS)
            ),
            upsert_object: upsert("objectMetadata", &OBJECT_COLUMNS),
            upsert_field: upsert("fieldMetadata", &FIELD_COLUMNS),
            delete_object: format!(
                "DELETE FROM {objects} WHERE \"workspaceId\" = {ws} AND \"id\" = {}",
                p(2)
            ),
            delete_field: format!(
                "DELETE FROM {fields} WHERE \"workspaceId\" = {ws} AND \"id\" = {}",
                p(2)
            ),
            insert_version: format!(
                "INSERT INTO {versions} (\"workspaceId\", \"version\") VALUES ({ws}, 0) ON CONFLICT DO NOTHING"
            ),
            bump_version: format!(
                "UPDATE {versions} SET \"version\" = \"version\" + 1 WHERE \"workspaceId\" = {ws} AND \"version\" = {} RETURNING \"version\"",
                p(2)
            ),
            ids: format!(
                "SELECT \"id\" FROM {objects} WHERE \"workspaceId\" = {ws} \
                 UNION ALL SELECT \"id\" FROM {fields} WHERE \"workspaceId\" = {ws}"
            ),
            objects: format!(
                "SELECT {} FROM {objects} WHERE \"workspaceId\" = {ws} ORDER BY \"position\", \"id\"",
                quoted(&OBJECT_COLUMNS)
            ),
            fields: format!(
                "SELECT {} FROM {fields} WHERE \"workspaceId\" = {ws} ORDER BY \"objectMetadataId\", \"position\", \"id\"",
                quoted(&FIELD_COLUMNS)
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
    let ids: HashSet<&str> = existing.iter().map(|r| r.0.as_str()).collect();
    standard.objects.iter().all(|o| {
        ids.contains(o.id.to_string().as_str())
            && o.fields
                .iter()
                .all(|f| ids.contains(f.id.to_string().as_str()))
    })
}

/// An `objectMetadata` row read in [`OBJECT_COLUMNS`] order.
fn decode_object<R: sqlx::Row>(row: &R) -> Result<(ObjectRow, i64, i64), sqlx::Error>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let decoded = ObjectRow {
        id: row.try_get(0)?,
        position: row.try_get(1)?,
        name_singular: row.try_get(2)?,
        name_plural: row.try_get(3)?,
        label_singular: row.try_get(4)?,
        label_plural: row.try_get(5)?,
        description: row.try_get(6)?,
        icon: row.try_get(7)?,
        is_system: row.try_get(8)?,
        is_custom: row.try_get(9)?,
        is_active: row.try_get(10)?,
        is_audit_logged: row.try_get(11)?,
        label_identifier: row.try_get(12)?,
        search_fields: row.try_get(13)?,
        duplicate_criteria: row.try_get(16)?,
    };
    Ok((decoded, row.try_get(14)?, row.try_get(15)?))
}

/// A `fieldMetadata` row read in [`FIELD_COLUMNS`] order.
fn decode_field<R: sqlx::Row>(row: &R) -> Result<(FieldRow, i64, i64), sqlx::Error>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let decoded = FieldRow {
        id: row.try_get(0)?,
        object_metadata_id: row.try_get(1)?,
        position: row.try_get(2)?,
        name: row.try_get(3)?,
        field_type: row.try_get(4)?,
        label: row.try_get(5)?,
        description: row.try_get(6)?,
        icon: row.try_get(7)?,
        is_nullable: row.try_get(8)?,
        is_unique: row.try_get(9)?,
        is_indexed: row.try_get(10)?,
        is_sort_key: row.try_get(11)?,
        is_system: row.try_get(12)?,
        is_custom: row.try_get(13)?,
        is_active: row.try_get(14)?,
        default_value: row.try_get(15)?,
        options: row.try_get(16)?,
        relation: row.try_get(17)?,
        settings: row.try_get(18)?,
    };
    Ok((decoded, row.try_get(19)?, row.try_get(20)?))
}
