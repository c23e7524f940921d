//! The `calendarEvent` standard object: a meeting synced from a calendar.
//! Declaration only; relations to objects outside the standard set are left out.

use super::CalendarEventParticipant;
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A calendar event. Twenty's `calendarChannelEventAssociations` (and newest
/// `callRecordings`) relations point outside our standard set and are left out.
#[workspace_entity(
    id = "20202020-8f1d-4eef-9f85-0d1965e27221",
    name_singular = "calendarEvent",
    name_plural = "calendarEvents",
    label_singular = "Calendar event",
    label_plural = "Calendar events",
    description = "Calendar events",
    icon = "IconCalendar",
    label_identifier = "title",
    search = ["title"],
    system,
)]
pub struct CalendarEvent {
    #[field(
        id = "df8c55cd-15f8-4e13-9780-6e21a96b909e",
        label = "Title",
        icon = "IconH1",
        description = "Title"
    )]
    pub title: Option<String>,

    #[field(
        id = "c0891828-1e6b-4fa1-b984-b5c77bafd078",
        label = "Is canceled",
        icon = "IconCalendarCancel",
        default = false,
        description = "Is canceled"
    )]
    pub is_canceled: bool,

    #[field(
        id = "3405e8fd-105e-47bd-af59-64ae14857348",
        label = "Is Full Day",
        icon = "IconHours24",
        default = false,
        description = "Is full day"
    )]
    pub is_full_day: bool,

    #[field(
        id = "5258b78b-a3c6-4962-a3e6-87bc2b359845",
        label = "Start Date",
        icon = "IconCalendarClock",
        description = "Start date"
    )]
    pub starts_at: Option<DateTime>,

    #[field(
        id = "2632e7c0-8b74-487a-ae0a-4211bc85573b",
        label = "End Date",
        icon = "IconCalendarClock",
        description = "End date"
    )]
    pub ends_at: Option<DateTime>,

    #[field(
        id = "cf0a8a93-5be3-4af5-9563-22743402fc55",
        label = "Creation DateTime",
        icon = "IconCalendarPlus",
        description = "When the event was created in the external calendar"
    )]
    pub external_created_at: Option<DateTime>,

    #[field(
        id = "b711aa77-6c09-4d67-90df-97b1c1242890",
        label = "Update DateTime",
        icon = "IconCalendarCog",
        description = "When the event was last updated in the external calendar"
    )]
    pub external_updated_at: Option<DateTime>,

    #[field(
        id = "208a6095-7730-40ed-ab15-9584b498be61",
        label = "Description",
        icon = "IconFileDescription",
        description = "Description"
    )]
    pub description: Option<String>,

    #[field(
        id = "baf3a6ee-f896-4071-8687-d5269b19d9d8",
        label = "Location",
        icon = "IconMapPin",
        description = "Location"
    )]
    pub location: Option<String>,

    #[field(
        id = "0833b385-cd4a-4c57-a05c-ee1530237f33",
        label = "iCal UID",
        icon = "IconKey",
        description = "iCal UID"
    )]
    pub i_cal_uid: Option<String>,

    #[field(
        id = "d2c284cb-1d8c-4a65-b6af-4607ef1a7090",
        label = "Conference Solution",
        icon = "IconScreenShare",
        description = "Conference solution"
    )]
    pub conference_solution: Option<String>,

    #[field(
        id = "a15cc211-72f5-4edb-bea9-1730fb36271c",
        label = "Meet Link",
        icon = "IconLink",
        description = "Meet link"
    )]
    pub conference_link: Option<Links>,

    #[relation(
        id = "668d0f62-9d84-4223-886b-753772fcf872",
        label = "Event Participants",
        icon = "IconUserCircle",
        inverse = "calendarEvent"
    )]
    pub calendar_event_participants: OneToMany<CalendarEventParticipant>,
}
