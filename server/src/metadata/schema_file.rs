//! Schema as code: a workspace's own part of its model — its custom objects, the custom
//! fields of standard objects, and what is inactive — as one JSON document
//! (`twenty-server schema export`), and the edit that makes a workspace's model match such
//! a document (`schema apply`): the same catalog edit, plan and transaction as the
//! metadata API's, so applying a document twice changes nothing the second time.
use super::change::{self, Edit, data_checks, invalid};
use crate::error::ApiError;
use crate::store::metadata::{Catalog, is_custom_field};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::model::{Field, Object};
use uuid::Uuid;

/// The document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchemaFile {
    /// The custom objects, each with all its fields (system fields included), in the
    /// model's own JSON form.
    pub objects: Vec<Object>,
    /// The custom fields of standard objects, by the object's `nameSingular`.
    #[serde(default)]
    pub fields: BTreeMap<String, Vec<Field>>,
    /// The ids of the objects and fields that are inactive.
    #[serde(default)]
    pub inactive: BTreeSet<Uuid>,
}

/// The workspace's own part of `catalog`.
pub fn export(catalog: &Catalog) -> SchemaFile {
    let mut fields = BTreeMap::new();
    let mut objects = Vec::new();
    for object in &catalog.all.objects {
        if object.is_custom {
            objects.push(object.clone());
            continue;
        }
        let own: Vec<Field> = object
            .fields
            .iter()
            .filter(|f| !f.is_system && is_custom_field(f.id))
            .cloned()
            .collect();
        if !own.is_empty() {
            fields.insert(object.name_singular.clone(), own);
        }
    }
    let inactive = catalog
        .inactive
        .iter()
        .filter(|id| is_custom_field(**id))
        .copied()
        .collect();
    SchemaFile {
        objects,
        fields,
        inactive,
    }
}

/// The document as its JSON text.
pub fn to_json(file: &SchemaFile) -> String {
    serde_json::to_string_pretty(file).expect("a model serializes")
}

/// The document of `text`, or a 400 saying what is wrong with it.
pub fn parse(text: &str) -> Result<SchemaFile, ApiError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(format!("the schema file is not valid JSON: {e}")))?;
    serde_json::from_value(value).map_err(|e| invalid(format!("invalid schema file: {e}")))
}

/// The edit that makes `from`'s workspace-own part equal to `file`: the standard objects
/// stay (with the file's custom fields for each), the custom objects become the file's.
/// Dropping objects or fields (or anything else that loses data) is refused unless
/// `allow_destructive`.
pub fn edit(
    from: &Catalog,
    file: &SchemaFile,
    dialect: Dialect,
    allow_destructive: bool,
) -> Result<Edit, ApiError> {
    let mut objects = Vec::new();
    for object in from.all.objects.iter().filter(|o| !o.is_custom) {
        let mut object = object.clone();
        object
            .fields
            .retain(|f| f.is_system || !is_custom_field(f.id));
        objects.push(object);
    }
    for (name, own) in &file.fields {
        let Some(object) = objects.iter_mut().find(|o| o.name_singular == *name) else {
            return Err(invalid(format!(
                "fields: {name:?} is not a standard object (custom objects carry their fields)"
            )));
        };
        object.fields.extend(own.iter().cloned());
    }
    for object in &file.objects {
        if !object.is_custom {
            return Err(invalid(format!(
                "{}: objects of a schema file are custom objects (isCustom: true)",
                object.name_singular
            )));
        }
        objects.push(object.clone());
    }
    let mut inactive: BTreeSet<Uuid> = from
        .inactive
        .iter()
        .filter(|id| !is_custom_field(**id))
        .copied()
        .collect();
    inactive.extend(file.inactive.iter().copied());
    let to = change::next(from, objects, inactive)?;
    let checks = data_checks(from, &to, dialect);
    Ok(Edit {
        to,
        checks,
        drops_data: allow_destructive,
        subject: Uuid::nil(),
        rewrites: Vec::new(),
    })
}
