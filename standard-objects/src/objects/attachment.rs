//! The `attachment` standard object: a file attached to a record.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{Company, Note, Opportunity, Person, Task, Workflow};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// An attachment. Twenty also links attachments to `dashboard` (outside our standard
/// set, so left out) and, in pre-2025 releases, had an `author` relation (uncertain,
/// left out). Deleting a note or task keeps its attachments (SET_NULL); deleting a
/// person, company, opportunity or workflow deletes them (CASCADE), as in Twenty.
#[workspace_entity(
    id = "20202020-bd3d-4c60-8dca-571c71d4447a",
    name_singular = "attachment",
    name_plural = "attachments",
    label_singular = "Attachment",
    label_plural = "Attachments",
    description = "An attachment",
    icon = "IconFileImport",
    label_identifier = "name",
    search = ["name"],
    system,
)]
pub struct Attachment {
    #[field(
        id = "18ae624e-aeff-49d1-8df2-e6e15f6eb088",
        label = "Name",
        icon = "IconFile",
        description = "Attachment name"
    )]
    pub name: Option<String>,

    #[field(
        id = "e2e8886d-965f-4d5e-9166-d643d9b198e4",
        label = "Full path",
        icon = "IconLink",
        description = "Attachment full path"
    )]
    pub full_path: Option<String>,

    #[field(
        id = "6bf1f26d-1fdd-484a-a3c8-947dc626f973",
        label = "File category",
        icon = "IconList",
        description = "Attachment file category",
        default = "OTHER",
        option(
            id = "02d8ea0f-acf7-4225-b953-c3b1cf1593d0",
            value = "ARCHIVE",
            label = "Archive",
            color = "gray"
        ),
        option(
            id = "f5ee211a-18bf-4110-b01f-cfa8351c0c89",
            value = "AUDIO",
            label = "Audio",
            color = "pink"
        ),
        option(
            id = "dcb0818c-5fb4-41a5-9fe3-f91814fe46e2",
            value = "IMAGE",
            label = "Image",
            color = "yellow"
        ),
        option(
            id = "c137d515-aaa0-45a6-8988-8364fce0d69b",
            value = "PRESENTATION",
            label = "Presentation",
            color = "orange"
        ),
        option(
            id = "11d4ceec-7b6e-4c06-80da-979aba475c4b",
            value = "SPREADSHEET",
            label = "Spreadsheet",
            color = "turquoise"
        ),
        option(
            id = "582c5377-fe14-4d9f-b396-50cf38379a1d",
            value = "TEXT_DOCUMENT",
            label = "Text Document",
            color = "blue"
        ),
        option(
            id = "6ce9817b-7e23-4c8c-a116-8c56c3df2c5a",
            value = "VIDEO",
            label = "Video",
            color = "purple"
        ),
        option(
            id = "39809b81-da4b-4d77-8872-732611625f96",
            value = "OTHER",
            label = "Other",
            color = "gray"
        )
    )]
    pub file_category: Select,

    #[relation(
        id = "1f5bd3b9-8654-49c1-8f21-584dda559490",
        label = "Task",
        icon = "IconNotes",
        inverse = "attachments",
        on_delete = "SET_NULL"
    )]
    pub task: Option<ManyToOne<Task>>,

    #[relation(
        id = "22942840-9c9c-44c5-aeb1-e8554ed3ab80",
        label = "Note",
        icon = "IconNotes",
        inverse = "attachments",
        on_delete = "SET_NULL"
    )]
    pub note: Option<ManyToOne<Note>>,

    #[relation(
        id = "bd3dcfb1-7b93-44a8-9945-e25ccd84ada2",
        label = "Person",
        icon = "IconUser",
        inverse = "attachments",
        on_delete = "CASCADE"
    )]
    pub person: Option<ManyToOne<Person>>,

    #[relation(
        id = "25fffad9-7fcc-4273-9bb6-eee74689fb1b",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "attachments",
        on_delete = "CASCADE"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "264fd865-e019-4a35-8cb8-1dca0c5fecdd",
        label = "Opportunity",
        icon = "IconTargetArrow",
        inverse = "attachments",
        on_delete = "CASCADE"
    )]
    pub opportunity: Option<ManyToOne<Opportunity>>,

    #[relation(
        id = "99ab2ef2-bab9-4089-ba9d-dbcbf12b8af6",
        label = "Workflow",
        icon = "IconSettingsAutomation",
        inverse = "attachments",
        on_delete = "CASCADE"
    )]
    pub workflow: Option<ManyToOne<Workflow>>,
}
