//! Writes the answer of collected fields over loaded records straight to JSON text, with
//! async-graphql's output rules: a value is checked against its type (non-null, list,
//! enum value, custom scalar validator); a field that fails is left out of its object with
//! an error at its path; an object left with no field is `null`.

use super::collect::Field;
use async_graphql::registry::{MetaType, MetaTypeName};
use async_graphql::{PathSegment, ServerError};
use serde_json::Value as Json;
use twenty_codegen::emit::graphql::{ScalarValue, accepts};

/// A step of the path to the value being written.
#[derive(Clone, Copy)]
enum Step<'d> {
    Key(&'d str),
    Index(usize),
}

/// The JSON text being written and the errors met on the way.
#[derive(Default)]
pub struct Writer<'d> {
    /// The text so far.
    pub out: Vec<u8>,
    /// Errors of fields left out.
    pub errors: Vec<ServerError>,
    path: Vec<Step<'d>>,
}

/// How a field's value is read from its parent record.
fn lookup<'v>(
    parent: Option<&'v serde_json::Map<String, Json>>,
    field: &Field<'_>,
) -> Option<&'v Json> {
    let parent = parent?;
    // Relations are kept under their selection's hidden slot (see `nested`).
    field
        .slot
        .as_ref()
        .and_then(|slot| parent.get(slot))
        .or_else(|| parent.get(field.name))
}

impl<'d> Writer<'d> {
    /// Starts an object; the returned mark is where it begins.
    pub fn open(&mut self) -> usize {
        let mark = self.out.len();
        self.out.push(b'{');
        mark
    }

    /// Ends the object begun at `mark`; one with no field becomes `null`.
    pub fn close(&mut self, mark: usize) {
        if self.out.len() == mark + 1 {
            self.out.truncate(mark);
            self.out.extend_from_slice(b"null");
        } else {
            self.out.push(b'}');
        }
    }

    /// Writes `"key":` (after a comma unless first in the object begun at `mark`); returns
    /// where the member begins, to drop it if its value fails.
    pub fn key(&mut self, mark: usize, key: &'d str) -> usize {
        let start = self.out.len();
        if start > mark + 1 {
            self.out.push(b',');
        }
        self.out.push(b'"');
        // GraphQL names need no escaping.
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.path.push(Step::Key(key));
        start
    }

    /// Ends the member begun at `start`: kept when `written`, else dropped.
    pub fn member_done(&mut self, start: usize, written: bool) {
        self.path.pop();
        if !written {
            self.out.truncate(start);
        }
    }

    /// Writes an object of type `ty` with `fields`, reading `value`.
    pub fn object(&mut self, ty: &MetaType, value: &Json, fields: &'d [Field<'d>]) {
        let parent = value.as_object();
        let mark = self.open();
        for field in fields {
            let start = self.key(mark, field.key);
            let written = if field.name == "__typename" {
                self.string(ty.name());
                true
            } else {
                self.value(field, field.ty, lookup(parent, field))
            };
            self.member_done(start, written);
        }
        self.close(mark);
    }

    /// Writes a JSON string.
    pub fn string(&mut self, s: &str) {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    /// Writes `value` as type `ty` (a wrapping of the field's named type); false when it
    /// does not fit (the error is recorded, the caller drops the member).
    pub fn value(&mut self, field: &'d Field<'d>, ty: &str, value: Option<&Json>) -> bool {
        let value = value.filter(|v| !v.is_null());
        match MetaTypeName::create(ty) {
            MetaTypeName::NonNull(inner) => match value {
                None => self.fail(
                    field,
                    "internal: non-null types require a return value".into(),
                ),
                Some(_) => self.value(field, inner, value),
            },
            MetaTypeName::List(inner) => match value {
                None => {
                    self.out.extend_from_slice(b"null");
                    true
                }
                Some(Json::Array(items)) => self.list(field, inner, items),
                Some(_) => self.fail(field, "internal: expects an array".into()),
            },
            MetaTypeName::Named(_) => match value {
                None => {
                    self.out.extend_from_slice(b"null");
                    true
                }
                Some(value) => self.named(field, value),
            },
        }
    }

    fn list(&mut self, field: &'d Field<'d>, item_ty: &str, items: &[Json]) -> bool {
        self.out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.path.push(Step::Index(i));
            let written = self.value(field, item_ty, Some(item));
            self.path.pop();
            if !written {
                // async-graphql fails the whole list at its first bad item.
                return false;
            }
        }
        self.out.push(b']');
        true
    }

    fn named(&mut self, field: &'d Field<'d>, value: &Json) -> bool {
        match field.target {
            Some(MetaType::Scalar { name, .. }) => {
                // The custom scalars' validators are `accepts` (built-in ones have none).
                let kind = match value {
                    Json::String(s) => ScalarValue::String(s),
                    Json::Number(_) => ScalarValue::Number,
                    _ => ScalarValue::Other,
                };
                if !accepts(name, kind) {
                    return self.fail(
                        field,
                        format!(
                            "internal: invalid value for scalar \"{name}\", expected \"FieldValue::Value\""
                        ),
                    );
                }
                let _ = serde_json::to_writer(&mut self.out, value);
                true
            }
            Some(MetaType::Enum {
                name, enum_values, ..
            }) => match value {
                Json::String(s) if enum_values.contains_key(s.as_str()) => {
                    self.string(s);
                    true
                }
                _ => self.fail(field, format!("internal: invalid item for enum \"{name}\"")),
            },
            Some(target @ MetaType::Object { .. }) => {
                self.object(target, value, &field.fields);
                true
            }
            _ => self.fail(
                field,
                format!("internal: type `{}` cannot be written here", field.ty),
            ),
        }
    }

    /// Records an error at the current path; always false.
    pub fn fail(&mut self, field: &Field<'_>, message: String) -> bool {
        let mut error = ServerError::new(message, Some(field.pos()));
        error.path = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => PathSegment::Field((*key).to_owned()),
                Step::Index(i) => PathSegment::Index(*i),
            })
            .collect();
        self.errors.push(error);
        false
    }
}
