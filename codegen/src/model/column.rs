//! How fields become columns: composites flattened into one column per sub-field,
//! many-to-one relations into a `<field>Id` foreign key. Dialect-neutral; SQL text lives
//! in `emit::sql`.

use super::{DefaultValue, Field, FieldType, Object, OnDelete, RelationKind, Schema, upper_first};
use serde_json::Value;
use uuid::Uuid;

/// A column's storage type, before a dialect spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Uuid,
    Text,
    /// Double-precision float (NUMBER, POSITION).
    Double,
    /// Exact decimal (NUMERIC, currency micros, coordinates).
    Numeric,
    Boolean,
    TimestampTz,
    Date,
    Json,
    /// A list of strings (ARRAY, MULTI_SELECT).
    TextArray,
    /// The generated full-text search document.
    TsVector,
}

/// A column's default, before a dialect spells it.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnDefault {
    Now,
    Uuid,
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
    Json(String),
    TextArray(Vec<String>),
}

impl ColumnDefault {
    /// Whether the default is a constant (SQLite cannot `ADD COLUMN` with a non-constant one).
    pub fn is_constant(&self) -> bool {
        !matches!(self, ColumnDefault::Now | ColumnDefault::Uuid)
    }
}

/// A foreign key held by a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub table: String,
    pub on_delete: OnDelete,
}

/// One column of an object's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// Stable id of the field the column belongs to.
    pub field_id: Uuid,
    pub field_name: String,
    /// The sub-field, for a composite field's column.
    pub sub_field: Option<&'static str>,
    pub column_type: ColumnType,
    pub nullable: bool,
    pub default: Option<ColumnDefault>,
    pub primary_key: bool,
    pub references: Option<ForeignKey>,
}

/// `name` + `firstName` → `nameFirstName`.
pub fn composite_column_name(field: &str, sub_field: &str) -> String {
    format!("{field}{}", upper_first(sub_field))
}

fn scalar_column_type(field_type: FieldType) -> Option<ColumnType> {
    Some(match field_type {
        FieldType::Uuid => ColumnType::Uuid,
        FieldType::Text | FieldType::Select | FieldType::Rating => ColumnType::Text,
        FieldType::Number | FieldType::Position => ColumnType::Double,
        FieldType::Numeric => ColumnType::Numeric,
        FieldType::Boolean => ColumnType::Boolean,
        FieldType::DateTime => ColumnType::TimestampTz,
        FieldType::Date => ColumnType::Date,
        FieldType::RawJson => ColumnType::Json,
        FieldType::Array | FieldType::MultiSelect => ColumnType::TextArray,
        FieldType::TsVector => ColumnType::TsVector,
        _ => return None,
    })
}

fn column_default(column_type: ColumnType, value: &Value) -> Option<ColumnDefault> {
    match (column_type, value) {
        (_, Value::Null) => None,
        (ColumnType::Json, v) => Some(ColumnDefault::Json(v.to_string())),
        (ColumnType::TextArray, Value::Array(items)) => Some(ColumnDefault::TextArray(
            items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect(),
        )),
        (_, Value::String(s)) => Some(ColumnDefault::Text(s.clone())),
        (_, Value::Number(n)) => Some(ColumnDefault::Number(n.clone())),
        (_, Value::Bool(b)) => Some(ColumnDefault::Bool(*b)),
        (_, v) => Some(ColumnDefault::Json(v.to_string())),
    }
}

impl Field {
    /// The columns this field is stored in (none for one-to-many relations).
    pub fn columns(&self, schema: &Schema) -> Vec<Column> {
        let base = |name: String, column_type, nullable, default| Column {
            name,
            field_id: self.id,
            field_name: self.name.clone(),
            sub_field: None,
            column_type,
            nullable,
            default,
            primary_key: false,
            references: None,
        };
        if let Some(relation) = &self.relation {
            if relation.kind == RelationKind::OneToMany {
                return Vec::new();
            }
            let mut column = base(
                format!("{}Id", self.name),
                ColumnType::Uuid,
                self.is_nullable,
                None,
            );
            column.references = schema.object(&relation.target).map(|t| ForeignKey {
                table: t.table_name(),
                on_delete: relation.on_delete.unwrap_or(OnDelete::SetNull),
            });
            return vec![column];
        }
        if let Some(composite) = self.field_type.composite() {
            let defaults = match &self.default {
                Some(DefaultValue::Value(Value::Object(map))) => Some(map),
                _ => None,
            };
            return composite
                .sub_fields
                .iter()
                .map(|sub| {
                    let column_type =
                        scalar_column_type(sub.field_type).unwrap_or(ColumnType::Text);
                    let default = defaults
                        .and_then(|d| d.get(sub.name))
                        .and_then(|v| column_default(column_type, v));
                    let mut column = base(
                        composite_column_name(&self.name, sub.name),
                        column_type,
                        self.is_nullable || !sub.required,
                        default,
                    );
                    column.sub_field = Some(sub.name);
                    column
                })
                .collect();
        }
        let Some(column_type) = scalar_column_type(self.field_type) else {
            return Vec::new();
        };
        let default = match &self.default {
            Some(DefaultValue::Now) => Some(ColumnDefault::Now),
            Some(DefaultValue::Uuid) => Some(ColumnDefault::Uuid),
            Some(DefaultValue::Value(v)) => column_default(column_type, v),
            None => None,
        };
        let mut column = base(self.name.clone(), column_type, self.is_nullable, default);
        column.primary_key = self.is_system && self.name == "id";
        vec![column]
    }
}

impl Object {
    /// Every column of the object's table, in field order.
    pub fn columns(&self, schema: &Schema) -> Vec<Column> {
        self.fields.iter().flat_map(|f| f.columns(schema)).collect()
    }

    /// The text columns whose content makes up the search document, in field order.
    pub fn search_columns(&self) -> Vec<String> {
        let mut columns = Vec::new();
        for name in &self.search_fields {
            let Some(field) = self.field(name) else {
                continue;
            };
            match field.field_type.composite() {
                Some(composite) => columns.extend(
                    composite
                        .sub_fields
                        .iter()
                        .filter(|s| s.searchable)
                        .map(|s| composite_column_name(&field.name, s.name)),
                ),
                None => columns.push(field.name.clone()),
            }
        }
        columns
    }
}
