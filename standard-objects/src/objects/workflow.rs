//! The `workflow` standard object: an automation, as far as records see it.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Attachment, Favorite, TimelineActivity};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A workflow. Its versions, runs and automated triggers (`workflowVersion`,
/// `workflowRun`, `workflowAutomatedTrigger`) are outside our standard set, so the
/// `versions`, `runs` and `automatedTriggers` relations are left out.
#[workspace_entity(
    id = "20202020-62be-406c-b9ca-8caa50d51392",
    name_singular = "workflow",
    name_plural = "workflows",
    label_singular = "Workflow",
    label_plural = "Workflows",
    description = "A workflow",
    icon = "IconSettingsAutomation",
    label_identifier = "name",
    search = ["name"],
)]
pub struct Workflow {
    #[field(
        id = "fbfab524-3c42-4487-a7a4-98c354f089f8",
        label = "Name",
        icon = "IconSettingsAutomation",
        description = "The workflow name"
    )]
    pub name: Option<String>,

    #[field(
        id = "3a711633-ecc1-4ce4-8a8d-0f3e8a585fc5",
        label = "Last published Version Id",
        icon = "IconVersions",
        description = "The workflow's last published version id"
    )]
    pub last_published_version_id: Option<String>,

    #[field(
        id = "83cbb007-af47-40b2-90ab-be70c4f3be35",
        label = "Statuses",
        icon = "IconStatusChange",
        description = "The current statuses of the workflow versions",
        option(
            id = "aa02c534-2e06-426c-9fc4-1256f5cdf3eb",
            value = "DRAFT",
            label = "Draft",
            color = "yellow"
        ),
        option(
            id = "1bc2b7d6-0af5-471a-9607-cc6cddd0edec",
            value = "ACTIVE",
            label = "Active",
            color = "green"
        ),
        option(
            id = "907c7d76-4d1f-42b0-8dc8-37def0b18862",
            value = "DEACTIVATED",
            label = "Deactivated",
            color = "gray"
        )
    )]
    pub statuses: Option<MultiSelect>,

    #[relation(
        id = "6b949025-e9f1-4658-ad07-73a70750df0f",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "workflow"
    )]
    pub favorites: OneToMany<Favorite>,

    #[relation(
        id = "2ad97182-4280-46bf-9586-5f98bc60fd2a",
        label = "Timeline Activities",
        icon = "IconTimelineEvent",
        inverse = "workflow"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,

    #[relation(
        id = "2481c66a-95f7-4f5c-ae1c-df534c178604",
        label = "Attachments",
        icon = "IconFileUpload",
        inverse = "workflow"
    )]
    pub attachments: OneToMany<Attachment>,
}
