//! The `favorite` standard object: a record (or view) pinned by a workspace member.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Company, Note, Opportunity, Person, Task, Workflow, WorkspaceMember};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A favorite. Its `position` is the system field every object has. Twenty's links to
/// `workflowVersion`, `workflowRun`, `dashboard` and `favoriteFolder` point outside our
/// standard set and are left out.
#[workspace_entity(
    id = "20202020-ab56-4e05-92a3-e2414a499860",
    name_singular = "favorite",
    name_plural = "favorites",
    label_singular = "Favorite",
    label_plural = "Favorites",
    description = "A favorite that can be accessed from the left menu",
    icon = "IconHeart",
    system
)]
pub struct Favorite {
    #[field(
        id = "2febd691-8c8b-471f-9520-63de10281d58",
        label = "View id",
        icon = "IconView",
        description = "Id of the favorite view, when the favorite is a view"
    )]
    pub view_id: Option<Uuid>,

    #[relation(
        id = "fc60f825-4539-43c6-aeb2-47bde8fb7909",
        label = "Workspace Member",
        icon = "IconCircleUser",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub for_workspace_member: Option<ManyToOne<WorkspaceMember>>,

    #[relation(
        id = "cd377f92-a9b9-4e0a-9995-ac10f1ba5abb",
        label = "Person",
        icon = "IconUser",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "1c49c14b-a92d-446b-b48d-dc9d369f777c",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "ec326d17-95ef-4265-82f9-7799edb7eb65",
        label = "Opportunity",
        icon = "IconTargetArrow",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub opportunity: Option<ManyToOne<Opportunity>>,

    #[relation(
        id = "02da60a7-73e1-4c1b-ae56-5770eb4256b6",
        label = "Workflow",
        icon = "IconSettingsAutomation",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub workflow: Option<ManyToOne<Workflow>>,

    #[relation(
        id = "a3446559-4f65-4897-b1ac-d609306a95d4",
        label = "Task",
        icon = "IconCheckbox",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub task: Option<ManyToOne<Task>>,

    #[relation(
        id = "d7dcda19-b49d-4e22-ba8f-d9f22e585e26",
        label = "Note",
        icon = "IconNotes",
        inverse = "favorites",
        on_delete = "CASCADE"
    )]
    pub note: Option<ManyToOne<Note>>,
}
