//! The standard CRM objects of Twenty's v1.x contract, declared with `#[workspace_entity]`,
//! and [`schema`], the validated model they form. No emitter logic lives here.
//!
//! Relations to Twenty standard objects outside this set (dashboard, workflowVersion,
//! workflowRun, messageChannel, calendarChannel, favoriteFolder, blocklist, view, …) are
//! left out, so that every relation has its target and its inverse inside the set.

pub mod objects;

pub use objects::*;
use twenty_codegen::WorkspaceEntity;
use twenty_codegen::model::{Object, Schema, ValidationErrors};

/// The standard objects as declared (without system fields), in a stable order: the
/// CRM core first, then junctions and activity, then messaging, calendar and workflow.
pub fn objects() -> Vec<Object> {
    vec![
        Company::metadata(),
        Person::metadata(),
        Opportunity::metadata(),
        Note::metadata(),
        Task::metadata(),
        NoteTarget::metadata(),
        TaskTarget::metadata(),
        Attachment::metadata(),
        Favorite::metadata(),
        TimelineActivity::metadata(),
        WorkspaceMember::metadata(),
        ConnectedAccount::metadata(),
        Message::metadata(),
        MessageThread::metadata(),
        MessageParticipant::metadata(),
        CalendarEvent::metadata(),
        CalendarEventParticipant::metadata(),
        Workflow::metadata(),
    ]
}

/// The standard schema: every standard object, completed with its system fields and
/// validated.
///
/// # Panics
/// When the declarations above are invalid. They are compiled in, so that is a bug in
/// this crate (the test suite asserts it never happens), never a user error.
pub fn schema() -> Schema {
    try_schema().unwrap_or_else(|errors| panic!("the standard objects are invalid: {errors}"))
}

/// The standard schema, or every problem of the declarations (a wrong inverse, a reused
/// id, a relation to an object missing from [`objects`], …): what `cargo xtask codegen`
/// reports, without a panic, while the declarations are being edited.
pub fn try_schema() -> Result<Schema, ValidationErrors> {
    Schema::new(objects())
}
