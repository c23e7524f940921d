//! The `workspaceMember` standard object: a user's membership of the workspace, with
//! their preferences. Declaration only; relations outside the standard set are left out.

use super::{
    CalendarEventParticipant, Company, ConnectedAccount, Favorite, MessageParticipant, Opportunity,
    Task, TimelineActivity,
};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A workspace member. `userEmail` is unique; `userId` points at the user in the core
/// schema (not a relation: users are not workspace records). Twenty's `blocklist`
/// relation points outside our standard set and is left out.
#[workspace_entity(
    id = "20202020-3319-4234-a34c-82d5c0e881a6",
    name_singular = "workspaceMember",
    name_plural = "workspaceMembers",
    label_singular = "Workspace Member",
    label_plural = "Workspace Members",
    description = "A workspace member",
    icon = "IconUserCircle",
    label_identifier = "name",
    search = ["name", "userEmail"],
    system,
)]
pub struct WorkspaceMember {
    #[field(
        id = "0c2f77eb-a9c6-4f4a-8651-8c7a673a09e2",
        label = "Name",
        icon = "IconCircleUser",
        description = "Workspace member name"
    )]
    pub name: FullName,

    #[field(
        id = "1780b43b-ca89-4662-86e9-32a529991f94",
        label = "Color Scheme",
        icon = "IconColorSwatch",
        default = "System",
        description = "Preferred color scheme"
    )]
    pub color_scheme: String,

    #[field(
        id = "5022797a-040c-4323-adbf-ba35438ccd67",
        label = "Language",
        icon = "IconLanguage",
        default = "en",
        description = "Preferred language"
    )]
    pub locale: String,

    #[field(
        id = "7041b3da-dd8b-4a3b-bb25-a8dd46822fbb",
        label = "Avatar Url",
        icon = "IconFileUpload",
        description = "Workspace member avatar"
    )]
    pub avatar_url: Option<String>,

    #[field(
        id = "50b57008-4319-42a9-b7e6-c55adbbf8c27",
        label = "User Email",
        icon = "IconMail",
        unique,
        description = "Related user email address"
    )]
    pub user_email: Option<String>,

    #[field(
        id = "7fd83014-fb0e-4f06-b22c-b9de12961bd9",
        label = "User Id",
        icon = "IconCircleUsers",
        description = "Associated user id"
    )]
    pub user_id: Uuid,

    #[field(
        id = "40e204e1-56ac-463b-b174-bcf1406575fa",
        label = "Time zone",
        icon = "IconTimezone",
        default = "system",
        description = "User time zone"
    )]
    pub time_zone: String,

    #[field(
        id = "b02ca05c-fc5d-4392-8161-764d8ff6a82f",
        label = "Start of the week",
        icon = "IconCalendar",
        default = 7,
        description = "User's preferred start day of the week"
    )]
    pub calendar_start_day: i32,

    #[field(
        id = "961dac3a-61bd-4020-b20a-afadac6ffc46",
        label = "Date format",
        icon = "IconCalendarEvent",
        description = "User's preferred date format",
        default = "SYSTEM",
        option(
            id = "56bc6f37-f69b-49e9-993d-fdd328c46c4f",
            value = "SYSTEM",
            label = "System",
            color = "turquoise"
        ),
        option(
            id = "fdb0c04e-201d-4d37-9035-badbdb32688e",
            value = "MONTH_FIRST",
            label = "Month First",
            color = "red"
        ),
        option(
            id = "fd2c54ee-5bd4-4597-937e-8945d37ca2f2",
            value = "DAY_FIRST",
            label = "Day First",
            color = "purple"
        ),
        option(
            id = "eb62fca6-54c5-478e-b3a7-b8951c07f8cd",
            value = "YEAR_FIRST",
            label = "Year First",
            color = "sky"
        )
    )]
    pub date_format: Select,

    #[field(
        id = "e538ea40-402b-4eb6-b9f0-483bea753f8f",
        label = "Time format",
        icon = "IconClock2",
        description = "User's preferred time format",
        default = "SYSTEM",
        option(
            id = "979ebbf6-f81b-40a2-9f94-c0a71129d971",
            value = "SYSTEM",
            label = "System",
            color = "sky"
        ),
        option(
            id = "5c149f46-eb46-4d02-97e6-e330776c8035",
            value = "HOUR_24",
            label = "24HRS",
            color = "red"
        ),
        option(
            id = "8f95f1a3-912f-44ce-917e-aab265e25598",
            value = "HOUR_12",
            label = "12HRS",
            color = "purple"
        )
    )]
    pub time_format: Select,

    #[field(
        id = "b8668ba1-816a-4b1a-bbec-c0e75e6f89a0",
        label = "Number format",
        icon = "IconNumbers",
        description = "User's preferred number format",
        default = "SYSTEM",
        option(
            id = "e42d6116-f86d-4e46-9782-ade2348101df",
            value = "SYSTEM",
            label = "System",
            color = "turquoise"
        ),
        option(
            id = "e5a1ff67-950a-48fe-901f-3b953c8806dc",
            value = "COMMAS_AND_DOT",
            label = "Commas and dot",
            color = "blue"
        ),
        option(
            id = "bca5ebe4-52aa-4cc3-a38e-1c9c2267c477",
            value = "SPACES_AND_COMMA",
            label = "Spaces and comma",
            color = "green"
        ),
        option(
            id = "8d7da77e-df36-46d1-ac26-d7bef24cbe7b",
            value = "DOTS_AND_COMMA",
            label = "Dots and comma",
            color = "orange"
        ),
        option(
            id = "ccca3f26-7ce1-48f0-b3b7-2788d26ba018",
            value = "APOSTROPHE_AND_DOT",
            label = "Apostrophe and dot",
            color = "purple"
        )
    )]
    pub number_format: Select,

    #[relation(
        id = "bb0804f8-e236-44e7-b07a-17476bb8c473",
        label = "Assigned tasks",
        icon = "IconCheckbox",
        inverse = "assignee"
    )]
    pub assigned_tasks: OneToMany<Task>,

    #[relation(
        id = "f649f996-ed4c-4b95-922d-1c25fbbf1e08",
        label = "Account Owner For Companies",
        icon = "IconBriefcase",
        inverse = "accountOwner"
    )]
    pub account_owner_for_companies: OneToMany<Company>,

    #[relation(
        id = "32dc3e8b-1421-417b-8aad-032fb69af74d",
        label = "Owned opportunities",
        icon = "IconTargetArrow",
        inverse = "owner"
    )]
    pub owned_opportunities: OneToMany<Opportunity>,

    #[relation(
        id = "d42ffa37-8007-4316-8258-9745246ffeb5",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "forWorkspaceMember"
    )]
    pub favorites: OneToMany<Favorite>,

    #[relation(
        id = "d439456b-d381-4d72-91f9-dc981be9fe83",
        label = "Connected accounts",
        icon = "IconAt",
        inverse = "accountOwner"
    )]
    pub connected_accounts: OneToMany<ConnectedAccount>,

    #[relation(
        id = "a7659280-deb4-412f-a650-e0ff01980d7c",
        label = "Message Participants",
        icon = "IconUserCircle",
        inverse = "workspaceMember"
    )]
    pub message_participants: OneToMany<MessageParticipant>,

    #[relation(
        id = "41ae8085-5a45-4b81-bbfe-caed45b0cc34",
        label = "Calendar Event Participants",
        icon = "IconCalendar",
        inverse = "workspaceMember"
    )]
    pub calendar_event_participants: OneToMany<CalendarEventParticipant>,

    #[relation(
        id = "7fe2e0b9-afff-40c0-9e5c-52e4a4ea9888",
        label = "Events",
        icon = "IconTimelineEvent",
        inverse = "workspaceMember"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,
}
