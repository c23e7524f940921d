//! The metadata model: the one intermediate representation every emitter reads.
//! Owns objects, fields, relations, options and defaults; emitters must not add to it.

mod actions;
mod aggregate;
mod body;
mod column;
mod errors;
mod field_type;
mod grammar;
mod index;
mod system_fields;
mod validate;
pub mod zapier_input;

pub use actions::RecordAction;
pub use aggregate::{
    Aggregate, AggregateOp, AggregateValue, aggregate, aggregates, is_groupable,
    is_groupable_sub_field,
};
pub use body::{Body, Presence};
pub use column::{Column, ColumnDefault, ColumnType, ForeignKey, composite_column_name};
pub use errors::{
    ERROR_CODES, ERROR_NAMES, ErrorCode, GRAPHQL_ONLY_CODES, client_codes, error_code,
    error_codes_with_status, error_name,
};
pub use field_type::{
    ACTOR_SOURCES, COMPOSITES, CompositeType, FieldType, Items, RATING_VALUES, SubField,
    upper_first,
};
pub use grammar::{Comparator, Direction, ValueKind};
pub use index::{Index, IndexMethod, LIVE_ROWS_PREDICATE};
pub use system_fields::SYSTEM_FIELD_NAMES;
pub use validate::{ErrorKind, ValidationError, ValidationErrors, is_valid_name};

use serde::{Deserialize, Serialize};
pub use uuid::Uuid;

/// A whole workspace data model: the standard objects plus any custom ones.
///
/// Built only through [`Schema::new`], so a `Schema` value is always complete (system
/// fields present) and valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub objects: Vec<Object>,
}

/// One object (a table, a REST resource, a GraphQL type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    /// Stable id: survives renames of the object.
    pub id: Uuid,
    pub name_singular: String,
    pub name_plural: String,
    pub label_singular: String,
    pub label_plural: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// System objects are hidden from the UI's object list (junctions, messaging, …).
    #[serde(default)]
    pub is_system: bool,
    /// Custom objects (added at runtime) live in `_<nameSingular>` tables.
    #[serde(default)]
    pub is_custom: bool,
    #[serde(default = "yes")]
    pub is_audit_logged: bool,
    /// Names of the fields whose text makes up the full-text search document; empty
    /// when the object is not searchable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_fields: Vec<String>,
    /// Name of the field that labels a record (`name`, `title`, …).
    pub label_identifier: String,
    /// How two records are found to be duplicates (Twenty's `duplicateCriteria`): a list
    /// of criteria, any of which matching is enough; a criterion is a list of field paths
    /// (`name.firstName`, `emails.primaryEmail`, `name`) whose values must all be equal.
    /// Empty: the object has no duplicate check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicate_criteria: Vec<Vec<String>>,
    pub fields: Vec<Field>,
}

fn yes() -> bool {
    true
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Stable id: survives renames of the field.
    pub id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    pub is_nullable: bool,
    #[serde(default)]
    pub is_unique: bool,
    /// A plain (non-unique) index on the field's columns.
    #[serde(default)]
    pub is_indexed: bool,
    /// A field the API orders lists by by default (`createdAt`, `position`): its table gets
    /// the index `(field ASC NULLS FIRST, id)`, the engine's default ordering with its `id`
    /// tie-breaker, so a default list reads the first rows of an index instead of sorting.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_sort_key: bool,
    /// One of the fields every object gets (id, createdAt, …).
    #[serde(default)]
    pub is_system: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// SELECT and MULTI_SELECT options, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<SelectOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// Display settings a client keeps with the field (Twenty's `settings`: decimals,
    /// displayed rows, …); stored and answered as given, never read by the emitters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
}

/// One option of a SELECT or MULTI_SELECT field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    /// Stable id: a changed `value` with the same id is a rename of the option.
    pub id: Uuid,
    pub value: String,
    pub label: String,
    pub color: String,
    pub position: u32,
}

/// The colors an option may have (Twenty's palette).
pub const OPTION_COLORS: [&str; 10] = [
    "red",
    "purple",
    "sky",
    "turquoise",
    "yellow",
    "green",
    "gray",
    "pink",
    "orange",
    "blue",
];

/// A field's default value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DefaultValue {
    /// The current time, at insert.
    Now,
    /// A fresh random UUID, at insert.
    Uuid,
    /// A constant: a string, number, boolean or array for scalars; an object keyed by
    /// sub-field name for composites.
    Value(serde_json::Value),
}

/// The relation a RELATION field stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relation {
    pub kind: RelationKind,
    /// `nameSingular` of the object at the other end.
    pub target: String,
    /// Name of the field on the target object that is the other side of this relation.
    pub inverse: String,
    /// What happens to this record when the target is destroyed (many-to-one only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<OnDelete>,
}

/// Which side of a relation a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RelationKind {
    /// This object holds the foreign key column `<field>Id`.
    ManyToOne,
    /// The inverse side: a list of the records pointing here; owns no column.
    OneToMany,
}

/// Foreign key action on delete of the referenced row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
    NoAction,
}

impl OnDelete {
    /// The SQL spelling (`SET NULL`, …).
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::NoAction => "NO ACTION",
        }
    }
}

impl Schema {
    /// Completes every object with its system fields, then validates the whole.
    pub fn new(mut objects: Vec<Object>) -> Result<Schema, ValidationErrors> {
        for object in &mut objects {
            system_fields::complete(object);
        }
        let schema = Schema { objects };
        validate::validate(&schema)?;
        Ok(schema)
    }

    /// The object with this `nameSingular`.
    pub fn object(&self, name_singular: &str) -> Option<&Object> {
        self.objects
            .iter()
            .find(|o| o.name_singular == name_singular)
    }

    /// The object with this `namePlural`.
    pub fn object_by_plural(&self, name_plural: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.name_plural == name_plural)
    }

    /// The object with this stable id.
    pub fn object_by_id(&self, id: Uuid) -> Option<&Object> {
        self.objects.iter().find(|o| o.id == id)
    }

    /// Number of fields over all objects (system fields included).
    pub fn field_count(&self) -> usize {
        self.objects.iter().map(|o| o.fields.len()).sum()
    }
}

impl Object {
    /// The table the object's records live in: `nameSingular`, or `_nameSingular` for
    /// custom objects (as Twenty does, so custom names never clash with standard ones).
    pub fn table_name(&self) -> String {
        if self.is_custom {
            format!("_{}", self.name_singular)
        } else {
            self.name_singular.clone()
        }
    }

    /// `company` → `Company`: the type name in GraphQL, OpenAPI and the SDKs.
    pub fn type_name(&self) -> String {
        upper_first(&self.name_singular)
    }

    /// `companies` → `Companies`.
    pub fn plural_type_name(&self) -> String {
        upper_first(&self.name_plural)
    }

    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field with this stable id.
    pub fn field_by_id(&self, id: Uuid) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Whether the object has a full-text search document.
    pub fn is_searchable(&self) -> bool {
        !self.search_fields.is_empty()
    }

    /// The many-to-one relation fields (the ones holding a foreign key).
    pub fn many_to_one(&self) -> impl Iterator<Item = (&Field, &Relation)> {
        self.fields.iter().filter_map(|f| match &f.relation {
            Some(r) if r.kind == RelationKind::ManyToOne => Some((f, r)),
            _ => None,
        })
    }
}

impl Field {
    /// The foreign key column of a many-to-one relation field (`company` → `companyId`).
    pub fn join_column(&self) -> Option<String> {
        match &self.relation {
            Some(r) if r.kind == RelationKind::ManyToOne => Some(format!("{}Id", self.name)),
            _ => None,
        }
    }

    /// The values a SELECT / MULTI_SELECT / RATING field accepts.
    pub fn option_values(&self) -> Vec<&str> {
        if self.field_type == FieldType::Rating {
            return RATING_VALUES.to_vec();
        }
        self.options.iter().map(|o| o.value.as_str()).collect()
    }

    /// Whether the API lets clients write this field.
    pub fn is_writable(&self) -> bool {
        !matches!(
            self.name.as_str(),
            "createdAt" | "updatedAt" | "deletedAt" | "createdBy" | "updatedBy" | "searchVector"
        ) && self.field_type != FieldType::TsVector
    }
}

impl Object {
    /// An object with no declared fields yet; flags at their usual values.
    pub fn new(
        id: Uuid,
        name_singular: &str,
        name_plural: &str,
        label_singular: &str,
        label_plural: &str,
    ) -> Object {
        Object {
            id,
            name_singular: name_singular.to_owned(),
            name_plural: name_plural.to_owned(),
            label_singular: label_singular.to_owned(),
            label_plural: label_plural.to_owned(),
            description: None,
            icon: None,
            is_system: false,
            is_custom: false,
            is_audit_logged: true,
            search_fields: Vec::new(),
            duplicate_criteria: Vec::new(),
            label_identifier: "id".to_owned(),
            fields: Vec::new(),
        }
    }

    /// Adds a field (builder style).
    pub fn with_field(mut self, field: Field) -> Object {
        self.fields.push(field);
        self
    }
}

impl Field {
    /// A nullable field with no default, index or options.
    pub fn new(id: Uuid, name: &str, field_type: FieldType, label: &str) -> Field {
        Field {
            id,
            name: name.to_owned(),
            field_type,
            label: label.to_owned(),
            description: None,
            icon: None,
            is_nullable: true,
            is_unique: false,
            is_indexed: false,
            is_sort_key: false,
            is_system: false,
            default: None,
            options: Vec::new(),
            relation: None,
            settings: None,
        }
    }

    /// The many-to-one side of a relation: holds `<name>Id`, pointing at `target`.
    pub fn many_to_one(
        id: Uuid,
        name: &str,
        label: &str,
        target: &str,
        inverse: &str,
        on_delete: OnDelete,
    ) -> Field {
        let mut field = Field::new(id, name, FieldType::Relation, label);
        field.relation = Some(Relation {
            kind: RelationKind::ManyToOne,
            target: target.to_owned(),
            inverse: inverse.to_owned(),
            on_delete: Some(on_delete),
        });
        field
    }

    /// The one-to-many side of a relation: the `target` records whose `inverse` points here.
    pub fn one_to_many(id: Uuid, name: &str, label: &str, target: &str, inverse: &str) -> Field {
        let mut field = Field::new(id, name, FieldType::Relation, label);
        field.relation = Some(Relation {
            kind: RelationKind::OneToMany,
            target: target.to_owned(),
            inverse: inverse.to_owned(),
            on_delete: None,
        });
        field
    }

    /// Makes the field NOT NULL.
    pub fn required(mut self) -> Field {
        self.is_nullable = false;
        self
    }

    /// Makes the field unique among live (not soft-deleted) records.
    pub fn unique(mut self) -> Field {
        self.is_unique = true;
        self
    }

    /// Gives the field a plain index.
    pub fn indexed(mut self) -> Field {
        self.is_indexed = true;
        self
    }

    /// Sets the default.
    pub fn with_default(mut self, default: DefaultValue) -> Field {
        self.default = Some(default);
        self
    }

    /// Appends SELECT / MULTI_SELECT options `(id, value, label, color)`, positions in order.
    pub fn with_options(mut self, options: &[(Uuid, &str, &str, &str)]) -> Field {
        for (id, value, label, color) in options {
            let position = self.options.len() as u32;
            self.options.push(SelectOption {
                id: *id,
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                color: (*color).to_owned(),
                position,
            });
        }
        self
    }
}
