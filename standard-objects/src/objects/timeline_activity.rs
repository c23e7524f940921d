//! The `timelineActivity` standard object: one event shown on a record's timeline.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Company, Note, Opportunity, Person, Task, Workflow, WorkspaceMember};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A timeline activity (`company.created`, …). Not audit-logged: it is itself the log.
/// onDelete follows the reference: CASCADE for person, company, workflow and the
/// workspace member; SET_NULL for opportunity, note and task, whose events stay readable
/// through `linkedRecordCachedName`. Links to `workflowVersion`, `workflowRun` and
/// `dashboard` point outside our standard set and are left out.
#[workspace_entity(
    id = "20202020-6736-4337-b5c4-8b39fae325a5",
    name_singular = "timelineActivity",
    name_plural = "timelineActivities",
    label_singular = "Timeline Activity",
    label_plural = "Timeline Activities",
    description = "Aggregated / filtered event to be displayed on the timeline",
    icon = "IconTimelineEvent",
    label_identifier = "linkedRecordCachedName",
    search = ["linkedRecordCachedName"],
    system,
    audit_logged = false,
)]
pub struct TimelineActivity {
    #[field(id = "fc65772a-3018-45bd-a21b-fddeb6695e2b", label = "Happens at", icon = "IconCalendar", default = now,
        description = "When the event happened")]
    pub happens_at: DateTime,

    #[field(
        id = "e3e335bd-32bd-4cd6-919b-4ccb6dc3f616",
        label = "Event name",
        icon = "IconAbc",
        description = "Event name, e.g. company.created"
    )]
    pub name: Option<String>,

    #[field(
        id = "8adefbe0-6b13-4ffd-b3ec-8bb0af68a1ec",
        label = "Event details",
        icon = "IconListDetails",
        description = "JSON value for event details"
    )]
    pub properties: Option<Json>,

    #[field(
        id = "3acbdd4d-c7dc-45f1-a5f9-4b860a3e7790",
        label = "Linked Record cached name",
        icon = "IconAbc",
        description = "Cached record name"
    )]
    pub linked_record_cached_name: Option<String>,

    #[field(
        id = "a38f040b-aed5-4d5a-a034-3345a1dcae59",
        label = "Linked Record id",
        icon = "IconAbc",
        description = "Linked record id"
    )]
    pub linked_record_id: Option<Uuid>,

    #[field(
        id = "194b9025-fc15-43de-a7b0-6d0e25a25a5c",
        label = "Linked Object Metadata Id",
        icon = "IconAbc",
        description = "Linked object metadata id"
    )]
    pub linked_object_metadata_id: Option<Uuid>,

    #[relation(
        id = "89f848d1-e69a-4146-8d74-607f3752c7aa",
        label = "Workspace Member",
        icon = "IconCircleUser",
        inverse = "timelineActivities",
        on_delete = "CASCADE"
    )]
    pub workspace_member: Option<ManyToOne<WorkspaceMember>>,

    #[relation(
        id = "58074248-c20d-4e62-b548-232d5eedfb8f",
        label = "Person",
        icon = "IconUser",
        inverse = "timelineActivities",
        on_delete = "CASCADE"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "730c96e1-385f-4612-a1a8-95d174af9da4",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "timelineActivities",
        on_delete = "CASCADE"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "72dae109-c4b3-4694-a830-82ad1273222d",
        label = "Opportunity",
        icon = "IconTargetArrow",
        inverse = "timelineActivities",
        on_delete = "SET_NULL"
    )]
    pub opportunity: Option<ManyToOne<Opportunity>>,

    #[relation(
        id = "d43aa889-120b-422e-80d7-32f820469c78",
        label = "Note",
        icon = "IconNotes",
        inverse = "timelineActivities",
        on_delete = "SET_NULL"
    )]
    pub note: Option<ManyToOne<Note>>,

    #[relation(
        id = "36327482-b4cb-48eb-9ba5-6b784b031c5b",
        label = "Task",
        icon = "IconCheckbox",
        inverse = "timelineActivities",
        on_delete = "SET_NULL"
    )]
    pub task: Option<ManyToOne<Task>>,

    #[relation(
        id = "cc933778-a172-48bf-8406-5747b6aed56f",
        label = "Workflow",
        icon = "IconSettingsAutomation",
        inverse = "timelineActivities",
        on_delete = "CASCADE"
    )]
    pub workflow: Option<ManyToOne<Workflow>>,
}
