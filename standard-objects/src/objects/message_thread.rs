//! The `messageThread` standard object: a group of related messages.
//! Declaration only; relations to objects outside the standard set are left out.

use super::Message;
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A message thread. Twenty's `messageChannelMessageAssociations` relation points
/// outside our standard set and is left out.
#[workspace_entity(
    id = "20202020-849a-4c3e-84f5-a25a7d802271",
    name_singular = "messageThread",
    name_plural = "messageThreads",
    label_singular = "Message Thread",
    label_plural = "Message Threads",
    description = "A group of related messages (e.g. email thread, chat thread)",
    icon = "IconMessage",
    label_identifier = "subject",
    search = ["subject"],
    system,
)]
pub struct MessageThread {
    #[field(
        id = "12887196-64b2-4758-8245-b4ce7635fa45",
        label = "Subject",
        icon = "IconMessage",
        description = "Subject of the thread"
    )]
    pub subject: Option<String>,

    #[relation(
        id = "547cedbc-d73f-436d-9abc-62d5e3ed3248",
        label = "Messages",
        icon = "IconMessage",
        inverse = "messageThread"
    )]
    pub messages: OneToMany<Message>,
}
