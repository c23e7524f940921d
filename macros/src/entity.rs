//! The declared object as the macro understands it: what `parse` reads and `emit` writes.
//! Plain data; every rule about it lives in `parse.rs` and `field.rs`.

use crate::defaults::DefaultDef;
use crate::types::FieldType;
use syn::{Ident, Type};
use uuid::Uuid;

/// One object, as declared.
pub(crate) struct Entity {
    pub(crate) ident: Ident,
    pub(crate) id: Uuid,
    pub(crate) name_singular: String,
    pub(crate) name_plural: String,
    pub(crate) label_singular: String,
    pub(crate) label_plural: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) label_identifier: Option<String>,
    pub(crate) search: Vec<String>,
    /// Duplicate criteria: each a list of field paths.
    pub(crate) duplicates: Vec<Vec<String>>,
    pub(crate) system: bool,
    pub(crate) audit_logged: bool,
    pub(crate) fields: Vec<FieldDef>,
}

/// One declared field.
pub(crate) struct FieldDef {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) nullable: bool,
    pub(crate) kind: FieldKind,
}

/// What kind of field it is, with what only that kind has.
pub(crate) enum FieldKind {
    Plain {
        field_type: FieldType,
        unique: bool,
        indexed: bool,
        default: Option<DefaultDef>,
        options: Vec<OptionDef>,
    },
    ManyToOne {
        target: Type,
        inverse: String,
        on_delete: OnDelete,
    },
    OneToMany {
        target: Type,
        inverse: String,
    },
}

/// One SELECT / MULTI_SELECT option.
pub(crate) struct OptionDef {
    pub(crate) id: Uuid,
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) color: String,
}

/// `twenty_codegen::model::OnDelete`, by variant name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
    NoAction,
}

impl OnDelete {
    pub(crate) const ALL: [(&'static str, OnDelete); 4] = [
        ("CASCADE", OnDelete::Cascade),
        ("SET_NULL", OnDelete::SetNull),
        ("RESTRICT", OnDelete::Restrict),
        ("NO_ACTION", OnDelete::NoAction),
    ];

    /// The model's variant name.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            OnDelete::Cascade => "Cascade",
            OnDelete::SetNull => "SetNull",
            OnDelete::Restrict => "Restrict",
            OnDelete::NoAction => "NoAction",
        }
    }
}
