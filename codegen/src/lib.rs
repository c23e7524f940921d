//! The schema compiler of the CRM: one metadata model ([`model::Schema`]) and pure
//! emitters that turn it into SQL, migrations, OpenAPI and GraphQL.
//!
//! Everything here is a pure function of the model; reading and writing files is the
//! job of `xtask` and the server.

pub mod emit;
pub mod entity;
pub mod model;
#[doc(hidden)]
pub mod testing;

pub use entity::WorkspaceEntity;
pub use uuid;
