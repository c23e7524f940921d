//! Which fields a create body, an update body and a returned record carry, which are
//! required and which may be null: the one rule the OpenAPI schemas, both SDKs and the
//! server's write engine read. Property names and value types are each emitter's own.

use super::{Field, FieldType, RelationKind};

/// The three shapes of a record on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body {
    /// A record to create (`POST`).
    Create,
    /// The fields of a record to change (`PATCH`): every one optional.
    Update,
    /// A record as the API returns it.
    Response,
}

impl Body {
    /// Whether the body is written by the client.
    pub fn is_input(self) -> bool {
        self != Body::Response
    }
}

/// How a field appears in one body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// The body must carry it: on create a NOT NULL field without a default, in a
    /// response only `id` (`fields` may select a subset of the rest).
    pub required: bool,
    /// `null` is a value of it. A composite in a response is always an object (its
    /// sub-fields carry the nulls).
    pub nullable: bool,
}

impl Field {
    /// Whether the server, not the client, sets this field: the timestamps, the actor
    /// fields, the search vector. Never part of an input.
    pub fn is_server_set(&self) -> bool {
        !self.is_writable() || self.field_type == FieldType::Actor
    }

    /// Whether a create body may carry this server-set field: `createdBy`, of which the
    /// client gives the writable sub-fields (`source`, `context`, as Twenty allows) and
    /// the server fills the rest (`name`, `workspaceMemberId`).
    pub fn is_set_on_create(&self) -> bool {
        self.is_system && self.field_type == FieldType::Actor && self.name == "createdBy"
    }

    /// How the field appears in `body`; `None`: it is not part of it. A many-to-one
    /// relation appears as its join column (and, in a response, as the related record);
    /// a one-to-many relation only in a response.
    pub fn in_body(&self, body: Body) -> Option<Presence> {
        if self.field_type == FieldType::TsVector {
            return None;
        }
        if body == Body::Create && self.is_set_on_create() {
            return Some(Presence {
                required: false,
                nullable: false,
            });
        }
        if body.is_input() && self.is_server_set() {
            return None;
        }
        // The id of an existing record is its path; it cannot be changed.
        if body == Body::Update && self.is_system && self.name == "id" {
            return None;
        }
        if body.is_input()
            && self
                .relation
                .as_ref()
                .is_some_and(|r| r.kind == RelationKind::OneToMany)
        {
            return None;
        }
        let required = match body {
            // A composite is required when one of its sub-fields is: the others' columns
            // take NULL (what the write engine's NOT NULL columns ask for, and a test in
            // the server holds it to).
            Body::Create => {
                !self.is_nullable
                    && self.default.is_none()
                    && self
                        .field_type
                        .composite()
                        .is_none_or(|c| c.sub_fields.iter().any(|s| s.required))
            }
            Body::Update => false,
            Body::Response => self.is_system && self.name == "id",
        };
        let composite_response = body == Body::Response && self.field_type.composite().is_some();
        Some(Presence {
            required,
            nullable: self.is_nullable && !composite_response,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DefaultValue, Uuid};

    fn field(name: &str, field_type: FieldType) -> Field {
        Field::new(Uuid::from_u128(1), name, field_type, name)
    }

    #[test]
    fn a_not_null_field_without_default_is_required_on_create_only() {
        let f = field("name", FieldType::Text).required();
        assert!(f.in_body(Body::Create).is_some_and(|p| p.required));
        assert!(f.in_body(Body::Update).is_some_and(|p| !p.required));
        assert!(f.in_body(Body::Response).is_some_and(|p| !p.required));
        let with_default = f.with_default(DefaultValue::Value("x".into()));
        assert!(
            with_default
                .in_body(Body::Create)
                .is_some_and(|p| !p.required)
        );
    }

    #[test]
    fn server_set_fields_are_only_returned() {
        for f in [
            field("createdAt", FieldType::DateTime),
            field("owner", FieldType::Actor),
            field("searchVector", FieldType::TsVector),
        ] {
            assert!(f.is_server_set(), "{}", f.name);
            assert_eq!(f.in_body(Body::Create), None, "{}", f.name);
            assert_eq!(f.in_body(Body::Update), None, "{}", f.name);
        }
        assert!(
            field("createdAt", FieldType::DateTime)
                .in_body(Body::Response)
                .is_some()
        );
        assert_eq!(
            field("searchVector", FieldType::TsVector).in_body(Body::Response),
            None
        );
    }

    #[test]
    fn the_id_is_given_on_create_and_required_in_a_response() {
        let mut id = field("id", FieldType::Uuid).required();
        id.is_system = true;
        id.default = Some(DefaultValue::Uuid);
        assert!(id.in_body(Body::Create).is_some_and(|p| !p.required));
        assert_eq!(id.in_body(Body::Update), None);
        assert!(id.in_body(Body::Response).is_some_and(|p| p.required));
    }

    #[test]
    fn a_composite_in_a_response_is_never_null() {
        let f = field("name", FieldType::FullName);
        assert!(f.in_body(Body::Create).is_some_and(|p| p.nullable));
        assert!(f.in_body(Body::Response).is_some_and(|p| !p.nullable));
    }

    #[test]
    fn a_one_to_many_relation_is_only_returned() {
        let f = Field::one_to_many(Uuid::from_u128(2), "people", "People", "person", "company");
        assert_eq!(f.in_body(Body::Create), None);
        assert_eq!(f.in_body(Body::Update), None);
        assert!(f.in_body(Body::Response).is_some());
    }
}
