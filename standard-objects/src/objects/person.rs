//! The `person` standard object: a contact, usually working at a company.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{
    Attachment, CalendarEventParticipant, Company, Favorite, MessageParticipant, NoteTarget,
    Opportunity, TaskTarget, TimelineActivity,
};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A person (contact). `emails` is unique on its primary email, so a contact is found
/// again by address. Twenty's newest `avatarFile` (FILES) is not part of the v1.x shape.
#[workspace_entity(
    id = "20202020-e674-48e5-a542-72570eee7213",
    name_singular = "person",
    name_plural = "people",
    label_singular = "Person",
    label_plural = "People",
    description = "A person",
    icon = "IconUser",
    label_identifier = "name",
    search = ["name", "emails", "phones", "jobTitle"],
    duplicates = [
        "name.firstName + name.lastName",
        "linkedinLink.primaryLinkUrl",
        "emails.primaryEmail"
    ],
)]
pub struct Person {
    #[field(
        id = "f8b860be-1a3e-424f-996a-04e957679780",
        label = "Name",
        icon = "IconUser",
        description = "Contact's name"
    )]
    pub name: Option<FullName>,

    #[field(
        id = "4a72e2b5-7c85-4410-8b5e-f7849b4c45fe",
        label = "Emails",
        icon = "IconMail",
        unique,
        description = "Contact's emails"
    )]
    pub emails: Option<Emails>,

    #[field(
        id = "4b398772-9127-4cf1-8bc0-b95f36b2f6be",
        label = "Linkedin",
        icon = "IconBrandLinkedin",
        description = "Contact's Linkedin account"
    )]
    pub linkedin_link: Option<Links>,

    #[field(
        id = "77e7a2e2-afc8-48ab-ae78-78f9e7d445e4",
        label = "X",
        icon = "IconBrandX",
        description = "Contact's Twitter/X account"
    )]
    pub x_link: Option<Links>,

    #[field(
        id = "361332dc-6c93-4d6e-a1c1-8a01faf071c7",
        label = "Job Title",
        icon = "IconBriefcase",
        description = "Contact's job title"
    )]
    pub job_title: Option<String>,

    #[field(
        id = "67974415-24c5-4053-bb4a-179ac0d58177",
        label = "Phones",
        icon = "IconPhone",
        description = "Contact's phone numbers"
    )]
    pub phones: Option<Phones>,

    #[field(
        id = "9c4b6e06-e34c-4e53-aa80-29a9719a0220",
        label = "City",
        icon = "IconMap",
        description = "Contact's city"
    )]
    pub city: Option<String>,

    #[field(
        id = "4d38933d-fa81-401b-b61b-00a4e101e16e",
        label = "Avatar",
        icon = "IconFileUpload",
        description = "Contact's avatar"
    )]
    pub avatar_url: Option<String>,

    #[relation(
        id = "c3441f37-4a40-448c-9498-c2dd022f1e16",
        label = "Company",
        icon = "IconBuildingSkyscraper",
        inverse = "people",
        on_delete = "SET_NULL"
    )]
    pub company: Option<ManyToOne<Company>>,

    #[relation(
        id = "5bfc64b1-8adc-40d9-af75-97d09a70c2e6",
        label = "Opportunities",
        icon = "IconTargetArrow",
        inverse = "pointOfContact"
    )]
    pub point_of_contact_for_opportunities: OneToMany<Opportunity>,

    #[relation(
        id = "48415c4e-f811-4756-b2b0-0a73d2e1f29d",
        label = "Tasks",
        icon = "IconCheckbox",
        inverse = "person"
    )]
    pub task_targets: OneToMany<TaskTarget>,

    #[relation(
        id = "51989d9d-4f60-41f0-9985-6cb1824f1738",
        label = "Notes",
        icon = "IconNotes",
        inverse = "person"
    )]
    pub note_targets: OneToMany<NoteTarget>,

    #[relation(
        id = "b89a0ec1-a9d9-4306-a290-8d8b5558d087",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "person"
    )]
    pub favorites: OneToMany<Favorite>,

    #[relation(
        id = "be124108-1f03-4072-b3eb-f8acee7f4765",
        label = "Attachments",
        icon = "IconFileImport",
        inverse = "person"
    )]
    pub attachments: OneToMany<Attachment>,

    #[relation(
        id = "900cda78-b0f6-45fe-abb2-97051914c61c",
        label = "Message Participants",
        icon = "IconUserCircle",
        inverse = "person"
    )]
    pub message_participants: OneToMany<MessageParticipant>,

    #[relation(
        id = "5eb78ca7-6c19-4580-bed0-cfb480dab279",
        label = "Calendar Event Participants",
        icon = "IconCalendar",
        inverse = "person"
    )]
    pub calendar_event_participants: OneToMany<CalendarEventParticipant>,

    #[relation(
        id = "bddf3999-9464-4150-b8ba-e35d24ff4cb6",
        label = "Events",
        icon = "IconTimelineEvent",
        inverse = "person"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,
}
