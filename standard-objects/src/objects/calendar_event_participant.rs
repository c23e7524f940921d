//! The `calendarEventParticipant` standard object: an attendee of a calendar event.
//! Declaration only.

use super::{CalendarEvent, Person, WorkspaceMember};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A calendar event participant: a handle invited to one event, matched to a person or
/// a workspace member when known. The event is required and owns its participants
/// (CASCADE); unmatching a person or member keeps the participant (SET_NULL).
#[workspace_entity(
    id = "20202020-a1c3-47a6-9732-27e5b1e8436d",
    name_singular = "calendarEventParticipant",
    name_plural = "calendarEventParticipants",
    label_singular = "Calendar event participant",
    label_plural = "Calendar event participants",
    description = "Calendar event participants",
    icon = "IconCalendar",
    label_identifier = "handle",
    system
)]
pub struct CalendarEventParticipant {
    #[field(
        id = "6e1152fa-1062-4126-95c9-ad39219528a4",
        label = "Handle",
        icon = "IconMail",
        description = "Handle"
    )]
    pub handle: Option<String>,

    #[field(
        id = "53f8644c-2787-4bb0-8101-4e63dc81bc5b",
        label = "Display Name",
        icon = "IconUser",
        description = "Display name"
    )]
    pub display_name: Option<String>,

    #[field(
        id = "eccc5ac1-c127-4663-8dc2-35263af39ffc",
        label = "Is Organizer",
        icon = "IconUser",
        default = false,
        description = "Whether the participant organizes the event"
    )]
    pub is_organizer: bool,

    #[field(
        id = "b5de810f-54b4-4d39-8a62-1d8e5189104f",
        label = "Response Status",
        icon = "IconUser",
        description = "Response status",
        default = "NEEDS_ACTION",
        option(
            id = "413cac32-d320-4397-a990-41c60a51c871",
            value = "NEEDS_ACTION",
            label = "Needs Action",
            color = "orange"
        ),
        option(
            id = "23da77c7-96a1-4c5f-9845-3a02f6c54f5d",
            value = "DECLINED",
            label = "Declined",
            color = "red"
        ),
        option(
            id = "a00af15e-8f0c-46ea-a642-cec0da4a128f",
            value = "TENTATIVE",
            label = "Tentative",
            color = "yellow"
        ),
        option(
            id = "62ec6e91-8174-4d62-9b23-56c42f18321c",
            value = "ACCEPTED",
            label = "Accepted",
            color = "green"
        )
    )]
    pub response_status: Select,

    #[relation(
        id = "fe885029-52bd-4eaa-a5ad-c5f5936d372a",
        label = "Event",
        icon = "IconCalendar",
        inverse = "calendarEventParticipants",
        on_delete = "CASCADE"
    )]
    pub calendar_event: ManyToOne<CalendarEvent>,

    #[relation(
        id = "45c90d3a-97d7-4347-99fd-7a721a929e59",
        label = "Person",
        icon = "IconUser",
        inverse = "calendarEventParticipants",
        on_delete = "SET_NULL"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "189dda29-3293-4980-9669-6d12cd31b4bd",
        label = "Workspace Member",
        icon = "IconUser",
        inverse = "calendarEventParticipants",
        on_delete = "SET_NULL"
    )]
    pub workspace_member: Option<ManyToOne<WorkspaceMember>>,
}
