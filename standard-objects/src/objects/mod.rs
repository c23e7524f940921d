//! One module per standard object, each a `#[workspace_entity]` declaration.
//! Only declarations live here; assembling and validating the set is `lib.rs`'s job.

mod attachment;
mod calendar_event;
mod calendar_event_participant;
mod company;
mod connected_account;
mod favorite;
mod message;
mod message_participant;
mod message_thread;
mod note;
mod note_target;
mod opportunity;
mod person;
mod task;
mod task_target;
mod timeline_activity;
mod workflow;
mod workspace_member;

pub use attachment::Attachment;
pub use calendar_event::CalendarEvent;
pub use calendar_event_participant::CalendarEventParticipant;
pub use company::Company;
pub use connected_account::ConnectedAccount;
pub use favorite::Favorite;
pub use message::Message;
pub use message_participant::MessageParticipant;
pub use message_thread::MessageThread;
pub use note::Note;
pub use note_target::NoteTarget;
pub use opportunity::Opportunity;
pub use person::Person;
pub use task::Task;
pub use task_target::TaskTarget;
pub use timeline_activity::TimelineActivity;
pub use workflow::Workflow;
pub use workspace_member::WorkspaceMember;
