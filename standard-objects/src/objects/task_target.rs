//! The `taskTarget` standard object: the junction linking a task to the records it is about.
//! Declaration only, with Twenty's classic relation names (not the newer `target*` morphs).

use super::{Company, Opportunity, Person, Task};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A task target: one task ↔ one person, company or opportunity. Every link cascades,
/// so a junction row never outlives either end.
#[workspace_entity(
    id = "20202020-5a9a-44e8-95df-771cd06d0fb1",
    name_singular = "taskTarget",
    name_plural = "taskTargets",
    label_singular = "Task Target",
    label_plural = "Task Targets",
    description = "A task target",
    icon = "IconCheckbox",
    system
)]
pub struct TaskTarget {
    #[relation(
        id = "05b5a4c6-449b-46d2-a762-4bdb67b02c4b",
        label = "Task",
        icon = "IconCheckbox",
        inverse = "taskTargets",
        on_delete = "CASCADE"
    )]
    pub task: Option<ManyToOne<Task>>,

    #[relation(
        id = "72bc1bd3-ccb2-4a42-92e0-eb7a2cbbd312",
        label = "Person",
        icon = "IconUser",
        inverse = "taskTargets",
        on_delete = "CASCADE"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "51c877cf-c680-43c3-9773-3f8f9ec6a603",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "taskTargets",
        on_delete = "CASCADE"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "5eb06899-bb7f-4603-8265-c7fabb7deb4b",
        label = "Opportunity",
        icon = "IconTargetArrow",
        inverse = "taskTargets",
        on_delete = "CASCADE"
    )]
    pub opportunity: Option<ManyToOne<Opportunity>>,
}
