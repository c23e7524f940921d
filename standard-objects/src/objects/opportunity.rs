//! The `opportunity` standard object: a deal in the sales pipeline.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{
    Attachment, Company, Favorite, NoteTarget, Person, TaskTarget, TimelineActivity,
    WorkspaceMember,
};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// An opportunity. `stage` is indexed because pipelines (kanban views) group by it.
#[workspace_entity(
    id = "20202020-9549-49dd-b2b2-883999db8938",
    name_singular = "opportunity",
    name_plural = "opportunities",
    label_singular = "Opportunity",
    label_plural = "Opportunities",
    description = "An opportunity",
    icon = "IconTargetArrow",
    label_identifier = "name",
    search = ["name"],
)]
pub struct Opportunity {
    #[field(
        id = "0d030b8f-9926-4ee5-b631-221e80991a2a",
        label = "Name",
        icon = "IconTargetArrow",
        description = "The opportunity name"
    )]
    pub name: Option<String>,

    #[field(
        id = "6b8e37b5-b6c4-4ee6-816b-dae307121530",
        label = "Amount",
        icon = "IconCurrencyDollar",
        description = "Opportunity amount"
    )]
    pub amount: Option<Currency>,

    #[field(
        id = "1aa08312-3802-45c0-833b-5dcc84c416e5",
        label = "Close date",
        icon = "IconCalendarEvent",
        description = "Opportunity close date"
    )]
    pub close_date: Option<DateTime>,

    #[field(
        id = "2b010a3c-7425-40d3-b672-1a2985a1f87f",
        label = "Stage",
        icon = "IconProgressCheck",
        description = "Opportunity stage",
        default = "NEW",
        indexed,
        option(
            id = "63600ae1-ef6e-4efa-bac8-65e6dde52891",
            value = "NEW",
            label = "New",
            color = "red"
        ),
        option(
            id = "ed0a329d-5882-42b3-acdc-78bd1131582f",
            value = "SCREENING",
            label = "Screening",
            color = "purple"
        ),
        option(
            id = "29170bf3-f28b-4727-8ae9-267d4c6d022d",
            value = "MEETING",
            label = "Meeting",
            color = "sky"
        ),
        option(
            id = "5e1e674d-06b8-4a72-a766-5f94dfd9acfd",
            value = "PROPOSAL",
            label = "Proposal",
            color = "turquoise"
        ),
        option(
            id = "5e3125cd-962d-4bb4-b108-1ba43297e2b6",
            value = "CUSTOMER",
            label = "Customer",
            color = "yellow"
        )
    )]
    pub stage: Select,

    #[relation(
        id = "d865627b-55bb-4681-b3fe-9127c7b24d32",
        label = "Point of Contact",
        icon = "IconUser",
        inverse = "pointOfContactForOpportunities",
        on_delete = "SET_NULL"
    )]
    pub point_of_contact: Option<ManyToOne<Person>>,

    #[relation(
        id = "fdeff1d7-87fa-4ac5-8f33-e5c3ca31e656",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "opportunities",
        on_delete = "SET_NULL"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "c98bd26d-85f2-4001-a80d-a760beddf072",
        label = "Owner",
        icon = "IconUserCircle",
        inverse = "ownedOpportunities",
        on_delete = "SET_NULL"
    )]
    pub owner: Option<ManyToOne<WorkspaceMember>>,

    #[relation(
        id = "3bbd8699-2012-4b69-9b4d-ead8f8ba2e94",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "opportunity"
    )]
    pub favorites: OneToMany<Favorite>,

    #[relation(
        id = "7f4aa292-5589-40ba-8716-d948645d4370",
        label = "Tasks",
        icon = "IconCheckbox",
        inverse = "opportunity"
    )]
    pub task_targets: OneToMany<TaskTarget>,

    #[relation(
        id = "b8259d2c-9d63-4ec1-897d-dc7051a01021",
        label = "Notes",
        icon = "IconNotes",
        inverse = "opportunity"
    )]
    pub note_targets: OneToMany<NoteTarget>,

    #[relation(
        id = "4e2a5279-6797-435d-b6d7-c420d309e693",
        label = "Attachments",
        icon = "IconFileImport",
        inverse = "opportunity"
    )]
    pub attachments: OneToMany<Attachment>,

    #[relation(
        id = "1cc6f332-17c1-4ff8-8d93-606401bc8e7f",
        label = "Timeline Activities",
        icon = "IconTimelineEvent",
        inverse = "opportunity"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,
}
