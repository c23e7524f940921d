//! The set of GraphQL types being built, checked for valid and unique names.
//! async-graphql silently overwrites a type or field registered twice and accepts invalid
//! names, so every name goes through here first; owns no naming rules of its own.

use super::GraphqlError;
use async_graphql::dynamic::{Enum, InputObject, Object, Scalar, SchemaBuilder, Type};
use std::collections::BTreeMap;

/// What the registry needs to know of a type: its name.
pub(super) trait Named: Into<Type> {
    fn name(&self) -> &str;
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name(&self) -> &str {
                self.type_name()
            }
        }
    )*};
}
named!(Object, InputObject, Enum, Scalar);

/// `/[_A-Za-z][_0-9A-Za-z]*/`, not starting with `__` (reserved for introspection).
pub(super) fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('_' | 'a'..='z' | 'A'..='Z'))
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !name.starts_with("__")
}

/// The types of one schema, keyed by name, each with where it came from (for errors).
pub(super) struct Types {
    origins: BTreeMap<String, String>,
    types: Vec<Type>,
}

impl Types {
    /// An empty set in which the built-in scalars are already taken.
    pub(super) fn new() -> Types {
        let origins = ["Int", "Float", "String", "Boolean", "ID"]
            .into_iter()
            .map(|n| (n.to_owned(), "the GraphQL built-in scalar".to_owned()))
            .collect();
        Types {
            origins,
            types: Vec::new(),
        }
    }

    /// Adds a type, failing when its name is invalid or already taken.
    pub(super) fn add(
        &mut self,
        origin: impl Into<String>,
        ty: impl Named,
    ) -> Result<(), GraphqlError> {
        let origin = origin.into();
        self.claim(ty.name(), origin)?;
        self.types.push(ty.into());
        Ok(())
    }

    /// Reserves a name whose type is registered elsewhere (the root types).
    pub(super) fn claim(&mut self, name: &str, origin: String) -> Result<(), GraphqlError> {
        if !is_graphql_name(name) {
            return Err(GraphqlError::InvalidName {
                name: name.to_owned(),
                origin,
            });
        }
        if let Some(first) = self.origins.get(name) {
            return Err(GraphqlError::DuplicateType {
                name: name.to_owned(),
                first: first.clone(),
                second: origin,
            });
        }
        self.origins.insert(name.to_owned(), origin);
        Ok(())
    }

    /// Registers every type with async-graphql.
    pub(super) fn register_all(self, mut builder: SchemaBuilder) -> SchemaBuilder {
        for ty in self.types {
            builder = builder.register(ty);
        }
        builder
    }
}

/// The field names of one object or input type, checked as they are added.
pub(super) struct Fields {
    owner: String,
    origins: BTreeMap<String, String>,
}

impl Fields {
    /// No field taken yet in the type `owner`.
    pub(super) fn of(owner: &str) -> Fields {
        Fields {
            owner: owner.to_owned(),
            origins: BTreeMap::new(),
        }
    }

    /// Takes a field name, failing when it is invalid or already taken in this type.
    pub(super) fn claim(
        &mut self,
        name: &str,
        origin: impl Into<String>,
    ) -> Result<(), GraphqlError> {
        let origin = origin.into();
        if !is_graphql_name(name) {
            return Err(GraphqlError::InvalidName {
                name: format!("{}.{name}", self.owner),
                origin,
            });
        }
        if let Some(first) = self.origins.get(name) {
            return Err(GraphqlError::DuplicateField {
                type_name: self.owner.clone(),
                field: name.to_owned(),
                first: first.clone(),
                second: origin,
            });
        }
        self.origins.insert(name.to_owned(), origin);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_names_follow_the_spec() {
        for ok in ["a", "_a", "Company", "company2", "A_B"] {
            assert!(is_graphql_name(ok), "{ok}");
        }
        for bad in ["", "2a", "a-b", "__type", "é"] {
            assert!(!is_graphql_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_second_type_with_a_taken_name_is_an_error_naming_both() {
        let mut types = Types::new();
        types.add("object `a`", Enum::new("A").item("X")).unwrap();
        let err = types.add("object `b`", Scalar::new("A")).unwrap_err();
        assert_eq!(
            err,
            GraphqlError::DuplicateType {
                name: "A".into(),
                first: "object `a`".into(),
                second: "object `b`".into()
            }
        );
    }

    #[test]
    fn built_in_scalar_names_are_taken() {
        let err = Types::new().add("object `string`", Scalar::new("String"));
        assert!(matches!(err, Err(GraphqlError::DuplicateType { .. })));
    }
}
