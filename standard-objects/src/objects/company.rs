//! The `company` standard object: an organisation the workspace deals with.
//! Declaration only; relations to objects outside the standard set are left out.

use super::{
    Attachment, Favorite, NoteTarget, Opportunity, Person, TaskTarget, TimelineActivity,
    WorkspaceMember,
};
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A company. Twenty's `domainName` is unique (on its primary link URL), which is what
/// lets imports and integrations match companies by website.
#[workspace_entity(
    id = "20202020-b374-4779-a561-80086cb2e17f",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
    description = "A company",
    icon = "IconBuildingSkyscraper",
    label_identifier = "name",
    search = ["name", "domainName"],
    duplicates = ["name", "domainName.primaryLinkUrl"],
)]
pub struct Company {
    #[field(
        id = "d9ac7c73-3556-4a08-9f68-40f76452fd13",
        label = "Name",
        icon = "IconBuildingSkyscraper",
        description = "The company name"
    )]
    pub name: Option<String>,

    #[field(
        id = "4a8b57a2-cbf2-4fb6-ae89-8f2e02ac8369",
        label = "Domain Name",
        icon = "IconLink",
        unique,
        description = "The company website URL, used to fetch the company icon"
    )]
    pub domain_name: Option<Links>,

    #[field(
        id = "91880de4-cc71-4fc3-90b0-1312cb5600f7",
        label = "Employees",
        icon = "IconUsers",
        description = "Number of employees in the company"
    )]
    pub employees: Option<f64>,

    #[field(
        id = "aaa1ea2b-f3a8-49a7-81f3-8d12716b5341",
        label = "Linkedin",
        icon = "IconBrandLinkedin",
        description = "The company Linkedin account"
    )]
    pub linkedin_link: Option<Links>,

    #[field(
        id = "af669edf-29a9-44ac-8cda-b1ff88184a80",
        label = "X",
        icon = "IconBrandX",
        description = "The company Twitter/X account"
    )]
    pub x_link: Option<Links>,

    #[field(
        id = "c267b30e-31fe-4ce6-a026-1a6ac8143694",
        label = "ARR",
        icon = "IconMoneybag",
        description = "Annual Recurring Revenue: the actual or estimated annual revenue of the company"
    )]
    pub annual_recurring_revenue: Option<Currency>,

    #[field(
        id = "8786c808-b4db-4e38-a716-04477ddc9382",
        label = "Address",
        icon = "IconMap",
        description = "Address of the company"
    )]
    pub address: Option<Address>,

    #[field(
        id = "555b9927-78d8-40a7-b8a7-857e4dcc6ebb",
        label = "Address (deprecated)",
        icon = "IconMap",
        description = "Address of the company - deprecated in favor of the address field"
    )]
    pub address_old: Option<String>,

    #[field(
        id = "9f887858-62fc-412f-95a3-dddf2171e83d",
        label = "ICP",
        icon = "IconTarget",
        default = false,
        description = "Ideal Customer Profile: whether the company is the most suitable and valuable customer for you"
    )]
    pub ideal_customer_profile: bool,

    #[relation(
        id = "d27250e2-c73b-4210-90af-01c17f99c4e2",
        label = "People",
        icon = "IconUsers",
        inverse = "company"
    )]
    pub people: OneToMany<Person>,

    #[relation(
        id = "d2bf9e1c-5bc3-4bda-8b50-32304c7d8f35",
        label = "Account Owner",
        icon = "IconUserCircle",
        inverse = "accountOwnerForCompanies",
        on_delete = "SET_NULL"
    )]
    pub account_owner: Option<ManyToOne<WorkspaceMember>>,

    #[relation(
        id = "e3b75523-c468-4090-986e-84744ff5d566",
        label = "Tasks",
        icon = "IconCheckbox",
        inverse = "company"
    )]
    pub task_targets: OneToMany<TaskTarget>,

    #[relation(
        id = "945a60bc-5c76-4ff8-81a9-139cb08b631f",
        label = "Notes",
        icon = "IconNotes",
        inverse = "company"
    )]
    pub note_targets: OneToMany<NoteTarget>,

    #[relation(
        id = "acfd7ea1-c6e8-4a9a-b861-331f95892254",
        label = "Opportunities",
        icon = "IconTargetArrow",
        inverse = "company"
    )]
    pub opportunities: OneToMany<Opportunity>,

    #[relation(
        id = "db01fdef-e051-441d-bb67-11f994e66901",
        label = "Favorites",
        icon = "IconHeart",
        inverse = "company"
    )]
    pub favorites: OneToMany<Favorite>,

    #[relation(
        id = "476cfd09-a2a9-4b2a-a703-c9717007d5ee",
        label = "Attachments",
        icon = "IconFileImport",
        inverse = "company"
    )]
    pub attachments: OneToMany<Attachment>,

    #[relation(
        id = "318c2386-a35e-42bf-b580-d4c7c4e9043c",
        label = "Timeline Activities",
        icon = "IconTimelineEvent",
        inverse = "company"
    )]
    pub timeline_activities: OneToMany<TimelineActivity>,
}
