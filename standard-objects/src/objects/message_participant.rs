//! The `messageParticipant` standard object: a sender or recipient of a message.
//! Declaration only.

use super::{Message, Person, WorkspaceMember};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A message participant: a handle in a role on one message, matched to a person or a
/// workspace member when known. The message is required and owns its participants
/// (CASCADE); unmatching a person or member keeps the participant (SET_NULL).
#[workspace_entity(
    id = "20202020-a433-4456-aa2d-fd9cb26b774a",
    name_singular = "messageParticipant",
    name_plural = "messageParticipants",
    label_singular = "Message Participant",
    label_plural = "Message Participants",
    description = "A message participant",
    icon = "IconUserCircle",
    label_identifier = "handle",
    system
)]
pub struct MessageParticipant {
    #[field(
        id = "eb2679e5-24ca-4574-9559-bff7f89cb797",
        label = "Role",
        icon = "IconAt",
        description = "Role",
        default = "FROM",
        option(
            id = "278ce3fe-a964-4ae2-95fe-db08b3e7830a",
            value = "FROM",
            label = "From",
            color = "green"
        ),
        option(
            id = "768faf6d-749e-422a-8334-ec1cd867f07c",
            value = "TO",
            label = "To",
            color = "blue"
        ),
        option(
            id = "76f3aad3-6ffc-424c-90d2-3ff4690f4bd3",
            value = "CC",
            label = "Cc",
            color = "orange"
        ),
        option(
            id = "ee91fca1-13bb-49d1-bdd9-fdb5d7d24718",
            value = "BCC",
            label = "Bcc",
            color = "red"
        )
    )]
    pub role: Select,

    #[field(
        id = "fa142082-1934-41e3-82ed-6899cea75461",
        label = "Handle",
        icon = "IconAt",
        description = "Handle"
    )]
    pub handle: Option<String>,

    #[field(
        id = "27462611-8e84-4c83-a790-dedef3e8d105",
        label = "Display Name",
        icon = "IconUser",
        description = "Display name"
    )]
    pub display_name: Option<String>,

    #[relation(
        id = "f17079c8-799c-4d77-bd51-f29287f633e6",
        label = "Message",
        icon = "IconMessage",
        inverse = "messageParticipants",
        on_delete = "CASCADE"
    )]
    pub message: ManyToOne<Message>,

    #[relation(
        id = "98b7be5c-f4b8-49b5-9c54-7bcd507ce231",
        label = "Person",
        icon = "IconUser",
        inverse = "messageParticipants",
        on_delete = "SET_NULL"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "b83e9419-1075-4db7-9bcb-40bd5044a1a8",
        label = "Workspace Member",
        icon = "IconCircleUser",
        inverse = "messageParticipants",
        on_delete = "SET_NULL"
    )]
    pub workspace_member: Option<ManyToOne<WorkspaceMember>>,
}
