//! The `connectedAccount` standard object: an external mailbox / calendar account.
//! Declaration only; relations to objects outside the standard set are left out.

use super::WorkspaceMember;
use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

/// A connected account, owned by exactly one workspace member (deleting the member
/// deletes the account). Twenty's `messageChannels` and `calendarChannels` relations
/// point outside our standard set and are left out.
#[workspace_entity(
    id = "20202020-977e-46b2-890b-c3002ddfd5c5",
    name_singular = "connectedAccount",
    name_plural = "connectedAccounts",
    label_singular = "Connected Account",
    label_plural = "Connected Accounts",
    description = "A connected account",
    icon = "IconAt",
    label_identifier = "handle",
    system
)]
pub struct ConnectedAccount {
    #[field(
        id = "f2cd452f-9af1-4882-ad89-163e29f1bb7a",
        label = "Handle",
        icon = "IconMail",
        description = "The account handle (email, username, phone number, etc.)"
    )]
    pub handle: Option<String>,

    #[field(
        id = "c87ad63d-4d1c-4bd8-b1a8-fec9d360fdea",
        label = "Provider",
        icon = "IconSettings",
        default = "google",
        description = "The account provider: google, microsoft, imap_smtp_caldav, oidc, saml or app"
    )]
    pub provider: String,

    #[field(
        id = "cdcac06c-7344-481d-8dc5-9c5d4ce16ef3",
        label = "Access Token",
        icon = "IconKey",
        description = "Messaging provider access token"
    )]
    pub access_token: Option<String>,

    #[field(
        id = "acb4badf-42eb-40c3-9c8b-d3cd499ebe99",
        label = "Refresh Token",
        icon = "IconKey",
        description = "Messaging provider refresh token"
    )]
    pub refresh_token: Option<String>,

    #[field(
        id = "3617a542-1488-4825-b34f-f2f6f76de9e5",
        label = "Last sync history ID",
        icon = "IconHistory",
        description = "Last sync history ID"
    )]
    pub last_sync_history_id: Option<String>,

    #[field(
        id = "4a1f4787-4b60-4f6e-b8c5-a37304bd34d2",
        label = "Auth failed at",
        icon = "IconX",
        description = "When authentication last failed"
    )]
    pub auth_failed_at: Option<DateTime>,

    #[field(
        id = "fdcc2164-f2bf-4513-acbf-2303cd009ae3",
        label = "Last credentials refreshed at",
        icon = "IconHistory",
        description = "When the credentials were last refreshed"
    )]
    pub last_credentials_refreshed_at: Option<DateTime>,

    #[field(
        id = "62d91be2-7552-418f-b87e-12cff1fc81d0",
        label = "Handle Aliases",
        icon = "IconMail",
        description = "Other handles of the same account"
    )]
    pub handle_aliases: Option<String>,

    #[field(
        id = "5315cf82-e708-42ee-9cc1-84840d6e50ba",
        label = "Scopes",
        icon = "IconSettings",
        description = "Scopes granted by the provider"
    )]
    pub scopes: Option<Vec<String>>,

    #[field(
        id = "a81dfd1e-4224-4de7-822d-12cd994ab3b5",
        label = "Custom Connection Parameters",
        icon = "IconSettings",
        description = "JSON object containing custom connection parameters"
    )]
    pub connection_parameters: Option<Json>,

    #[relation(
        id = "bd3f3d08-9d99-421d-8bc0-91100c43af44",
        label = "Account Owner",
        icon = "IconUserCircle",
        inverse = "connectedAccounts",
        on_delete = "CASCADE"
    )]
    pub account_owner: ManyToOne<WorkspaceMember>,
}
