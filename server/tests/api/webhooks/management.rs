//! Managing webhooks over REST and `/metadata`: Twenty's shapes, refusals that name what
//! is wrong, scopes, the legacy path, secrets, disabling.
