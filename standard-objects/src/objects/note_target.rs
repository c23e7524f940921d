//! The `noteTarget` standard object: the junction linking a note to the records it is about.
//! Declaration only, with Twenty's classic relation names (not the newer `target*` morphs).

use super::{Company, Note, Opportunity, Person};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A note target: one note ↔ one person, company or opportunity. Every link cascades,
/// so a junction row never outlives either end. Links to custom objects are added at
/// runtime when a custom object is created, not declared here.
#[workspace_entity(
    id = "20202020-fff0-4b44-be82-bda313884400",
    name_singular = "noteTarget",
    name_plural = "noteTargets",
    label_singular = "Note Target",
    label_plural = "Note Targets",
    description = "A note target",
    icon = "IconCheckbox",
    system
)]
pub struct NoteTarget {
    #[relation(
        id = "66b95e7d-28ed-4d44-bb52-0112722b5551",
        label = "Note",
        icon = "IconNotes",
        inverse = "noteTargets",
        on_delete = "CASCADE"
    )]
    pub note: Option<ManyToOne<Note>>,

    #[relation(
        id = "5037e7c7-ab0b-4d49-8807-c35332730ce5",
        label = "Person",
        icon = "IconUser",
        inverse = "noteTargets",
        on_delete = "CASCADE"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "c437aca6-0c4e-4df7-a0b3-6eb9201f7e49",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "noteTargets",
        on_delete = "CASCADE"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "1a291d7c-13e3-4918-9415-3c53bc3dff91",
        label = "Opportunity",
        icon = "IconTargetArrow",
        inverse = "noteTargets",
        on_delete = "CASCADE"
    )]
    pub opportunity: Option<ManyToOne<Opportunity>>,
}
