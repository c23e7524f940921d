//! The `task` standard object: a to-do with a status, a due date and an assignee.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Attachment, Favorite, TaskTarget, TimelineActivity, WorkspaceMember};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A task. `status` is nullable with default `TODO`, as in Twenty.
#[workspace_entity(
    id = "20202020-1ba1-48ba-bc83-ef7e5990ed10",
    name_singular = "task",
    name_plural = "tasks",
    label_singular = "Task",
    label_plural = "Tasks",
    description = "A task",
    icon = "IconCheckbox",
    label_identifier = "title",
    search = ["title", "bodyV2"],
)]
pub struct Task {
    #[field(
        id = "f4beb7ff-4bf6-4ccc-b131-16bde345ba62",
        label = "Title",
        icon = "IconNotes",
        description = "Task title"
    )]
    pub title: Option<String>,

    #[field(
        id = "4d913456-2c6f-40f1-874a-1c3fea4604f3",
        label = "Body (deprecated)",
        icon = "IconFilePencil",
        description = "Task body (deprecated - use bodyV2)"
    )]
    pub body: Option<String>,

    #[field(
        id = "8a841abf-f134-494f-bcc8-d968a826ad2e",
        label = "Body",
        icon = "IconFilePencil",
        description = "Task body"
    )]
    pub body_v2: Option<RichTextV2>,

    #[field(
        id = "58aeb23d-2637-4c59-86d0-e2e33c28ad53",
        label = "Due Date",
        icon = "IconCalendarEvent",
        description = "Task due date"
    )]
    pub due_at: Option<DateTime>,

    #[field(
        id = "000bf5e0-a563-404f-9dce-ad7da8eda6ce",
        label = "Status",
        icon = "IconCheck",
        description = "Task status",
        default = "TODO",
        option(
            id = "4ee783c2-040c-4028-aaed-ed39b3ea5998",
            value = "TODO",
            label = "To do",
            color = "sky"
        ),
        option(
            id = "1d7ae98c-1c6b-45cd-b452-58e18fa57416",
            value = "IN_PROGRESS",
            label = "In progress",
            color = "purple"
        ),
        option(
            id = "0b41eb33-8cfe-4547-90eb-fa2b01c7e215",
            value = "DONE",
            label = "Done",
            color = "green"
        )
    )]
    pub status: Option<Select>,

    #[relation(
        id = "f32d4d89-3d1a-457f-b43f-f68ae2f4bf26",
        label = "Assignee",
        icon = "IconUserCircle",
        inverse = "assignedTasks",
        on_delete = "SET_NULL"
    )]
    pub assignee: Option<ManyToOne<WorkspaceMember>>,

    #[relation(
        id = "ba53260d-a761-4101-ade7-69e0f6836d6b",
        label = "Relations",
        icon = "IconArrowUpRight",
        inverse = "task"
    )]
    pub task_targets: OneToMany<TaskTarget>,

    #[relation(
        id = "a78d4918-06ed-421e-8efe-509fd71cad47",
        label = "Attachments",
        icon = "IconFileImport",
        inverse = "task"
    )]
    pub attachments: OneToMany<Attachment>,

    #[relation(
        id = "48ff1e10-8510-4d32-ad79-2fc4049d7363",
        label = "Timeline Activities",
        icon = "IconTimelineEvent",
        inverse = "task"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,

    #[relation(
        id = "fd69c1c7-1b76-465d-be98-87ef6ccee509",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "task"
    )]
    pub favorites: OneToMany<Favorite>,
}
