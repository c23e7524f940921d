//! `Patch<T>`: a nullable field of an update, where "leave unchanged" and "clear" differ.

use serde::{Serialize, Serializer};

/// A change to a nullable field: leave it as it is (the default, not sent), clear it
/// (`null`), or set it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    /// Not sent: the field keeps its value.
    #[default]
    Unchanged,
    /// Sent as `null`: the field is cleared.
    Null,
    /// Sent as this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the request (serde's `skip_serializing_if`).
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when a struct forgot `skip_serializing_if`: `null` would clear,
            // so refuse instead of silently changing the record.
            Patch::Unchanged => Err(serde::ser::Error::custom(
                "Patch::Unchanged must be skipped (skip_serializing_if = \"Patch::is_unchanged\")",
            )),
            Patch::Null => serializer.serialize_none(),
            Patch::Set(value) => value.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Update {
        #[serde(skip_serializing_if = "Patch::is_unchanged")]
        city: Patch<String>,
        #[serde(skip_serializing_if = "Patch::is_unchanged")]
        job: Patch<String>,
        #[serde(skip_serializing_if = "Patch::is_unchanged")]
        age: Patch<u32>,
    }

    #[test]
    fn unchanged_is_left_out_null_clears_set_sends() {
        let update = Update {
            city: Patch::Null,
            job: "Admiral".to_owned().into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"city":null,"job":"Admiral"}"#
        );
        assert_eq!(serde_json::to_string(&Update::default()).unwrap(), "{}");
    }

    #[test]
    fn an_unskipped_unchanged_is_an_error_not_a_null() {
        assert!(serde_json::to_string(&Patch::<u32>::Unchanged).is_err());
    }
}
