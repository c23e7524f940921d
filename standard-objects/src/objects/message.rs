//! The `message` standard object: one email (or chat message) synced from a channel.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{MessageParticipant, MessageThread};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A message. Not audit-logged (synced in bulk). Twenty's
/// `messageChannelMessageAssociations` relation points outside our standard set and is
/// left out.
#[workspace_entity(
    id = "20202020-3f6b-4425-80ab-e468899ab4b2",
    name_singular = "message",
    name_plural = "messages",
    label_singular = "Message",
    label_plural = "Messages",
    description = "A message sent or received through a messaging channel (email, chat, etc.)",
    icon = "IconMessage",
    label_identifier = "subject",
    search = ["subject"],
    system,
    audit_logged = false,
)]
pub struct Message {
    #[field(
        id = "e231713e-d0ee-4ceb-a36b-02c7552fe889",
        label = "Header message Id",
        icon = "IconHash",
        description = "Message id from the message header"
    )]
    pub header_message_id: Option<String>,

    #[field(
        id = "24875d96-41f8-43ee-9c12-47fba66454b9",
        label = "Subject",
        icon = "IconMessage",
        description = "Subject"
    )]
    pub subject: Option<String>,

    #[field(
        id = "7d3a3f9b-7cff-4836-88be-5ca2864550e4",
        label = "Text",
        icon = "IconMessage",
        description = "Text"
    )]
    pub text: Option<String>,

    #[field(
        id = "87e95a10-03de-4533-bb4e-aeae0b0db56e",
        label = "Received At",
        icon = "IconCalendar",
        description = "The date the message was received"
    )]
    pub received_at: Option<DateTime>,

    #[relation(
        id = "5018de91-0fd2-45c6-80ec-4bd26c580e32",
        label = "Message Thread Id",
        icon = "IconHash",
        inverse = "messages",
        on_delete = "CASCADE"
    )]
    pub message_thread: Option<ManyToOne<MessageThread>>,

    #[relation(
        id = "74558c7c-5a46-4bad-84d9-abb6b94d8343",
        label = "Message Participants",
        icon = "IconUserCircle",
        inverse = "message"
    )]
    pub message_participants: OneToMany<MessageParticipant>,
}
