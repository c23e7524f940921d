//! The `note` standard object: a rich-text note attached to records via `noteTarget`.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Attachment, Favorite, NoteTarget, TimelineActivity};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A note. `body` is the deprecated plain-text body kept for v1.x clients; `bodyV2` is
/// the rich text (`RICH_TEXT_V2`, as the reference's decisions table says).
#[workspace_entity(
    id = "20202020-0b00-45cd-b6f6-6cd806fc6804",
    name_singular = "note",
    name_plural = "notes",
    label_singular = "Note",
    label_plural = "Notes",
    description = "A note",
    icon = "IconNotes",
    label_identifier = "title",
    search = ["title", "bodyV2"],
)]
pub struct Note {
    #[field(
        id = "4e2e87a9-9271-4200-97b3-56ada6c1059b",
        label = "Title",
        icon = "IconNotes",
        description = "Note title"
    )]
    pub title: Option<String>,

    #[field(
        id = "479dcca5-c8f7-4fc7-9944-65ab42bdd52f",
        label = "Body (deprecated)",
        icon = "IconFilePencil",
        description = "Note body (deprecated - use bodyV2)"
    )]
    pub body: Option<String>,

    #[field(
        id = "179ad1f4-9790-4e53-85a6-2c2cd68f3686",
        label = "Body",
        icon = "IconFilePencil",
        description = "Note body"
    )]
    pub body_v2: Option<RichTextV2>,

    #[relation(
        id = "96c75ffe-3d52-4903-b4d2-ab8b2f5181a1",
        label = "Relations",
        icon = "IconArrowUpRight",
        inverse = "note"
    )]
    pub note_targets: OneToMany<NoteTarget>,

    #[relation(
        id = "a31819e6-8302-4706-ad06-2c9e9db11d5f",
        label = "Attachments",
        icon = "IconFileImport",
        inverse = "note"
    )]
    pub attachments: OneToMany<Attachment>,

    #[relation(
        id = "b87cb93c-fabb-44ed-ab52-b2626201af95",
        label = "Timeline Activities",
        icon = "IconTimelineEvent",
        inverse = "note"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,

    #[relation(
        id = "e10c82d0-d1b8-4320-ad66-c4a4f2aa23cb",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "note"
    )]
    pub favorites: OneToMany<Favorite>,
}
