//! The lock file: the model the last migration was generated from, as deterministic JSON,
//! so the next `cargo xtask codegen` can diff against it. Owns its format only.

use crate::model::{Schema, ValidationErrors};
use serde::{Deserialize, Serialize};

/// What writes the lock file (its `generatedBy` key).
pub const GENERATED_BY: &str = "cargo xtask codegen";

/// Reads and writes the lock file.
pub struct Lock;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LockFile {
    generated_by: String,
    schema: Schema,
}

/// Why a lock file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the migration lock file is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the model in the migration lock file is invalid: {0}")]
    Invalid(#[from] ValidationErrors),
}

impl Lock {
    /// The lock file of `schema`: pretty JSON with a trailing newline, stable for a model.
    pub fn to_json(schema: &Schema) -> String {
        let file = LockFile {
            generated_by: GENERATED_BY.to_owned(),
            schema: schema.clone(),
        };
        // Serializing plain structs and sorted maps cannot fail.
        let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The model recorded in a lock file, validated again.
    pub fn from_json(json: &str) -> Result<Schema, LockError> {
        let file: LockFile = serde_json::from_str(json)?;
        Ok(Schema::new(file.schema.objects)?)
    }
}
