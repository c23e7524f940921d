//! The engine's side of the event log (the table, its inserts and its reader are the
//! store's, [`crate::store::events`]): a create that logs its own event in one statement.

use super::QueryError;
use crate::store::events::table;
pub use crate::store::events::{Action, EVENT_TABLE, Event, LogPosition};
pub(crate) use crate::store::events::{insert_rows_sql, rows};
use crate::store::{
    Target,
    statement::{Param, Sql},
};
use twenty_codegen::emit::sql::{Dialect, quote};

/// Up to `limit` events after `after`, in log order (see [`crate::store::events`]).
pub async fn events_after(
    target: Target<'_>,
    after: LogPosition,
    limit: u32,
) -> Result<Vec<Event>, QueryError> {
    Ok(crate::store::events::events_after(target, after, limit).await?)
}

/// On Postgres, a statement that runs `insert` (an `INSERT … VALUES (…)` of one row into
/// the table `table_name` of `pg_schema`, with no `RETURNING`), logs `created` (an event
/// of [`Action::Created`] whose `after` is left to the database) with it, and returns the
/// row's `returning` expressions (aliased to the `columns`' names): the record's JSON for
/// the event is built by the database from the inserted row ([`record::pg_json_expr`]).
/// One statement instead of the INSERT and the log's own, and, for a write that has no
/// other statement, no `BEGIN` and `COMMIT` either.
///
/// [`record::pg_json_expr`]: super::record::pg_json_expr
pub(crate) fn pg_insert_logging(
    s: &mut Sql,
    insert: &str,
    table_name: &str,
    pg_schema: &str,
    columns: &[twenty_codegen::model::Column],
    returning: &[String],
    created: &Event,
) {
    let after = super::record::pg_json_expr(columns, &quote(table_name));
    let id = s.bind(Param::Text(created.id.clone()));
    let object = s.bind(Param::Text(created.object.clone()));
    let action = s.bind(Param::Text(created.action.as_str().to_owned()));
    let record_id = s.bind(Param::Text(created.record_id.clone()));
    let actor = s.bind(Param::Text(created.actor.to_string()));
    let at = s.bind(Param::Text(created.created_at.clone()));
    let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
    s.push(&format!(
        "WITH \"_twenty_created\" AS ({insert} RETURNING {}, {after} AS \"_twenty_after\"), \
         \"_twenty_logged\" AS (INSERT INTO {} (\"id\", \"objectNameSingular\", \"action\", \
         \"recordId\", \"before\", \"after\", \"updatedFields\", \"actor\", \"createdAt\") \
         SELECT {id}::uuid, {object}, {action}, {record_id}::uuid, NULL, \"_twenty_after\", \
         '[]'::jsonb, {actor}::jsonb, {at}::timestamptz FROM \"_twenty_created\") \
         SELECT {} FROM \"_twenty_created\"",
        returning.join(", "),
        table(Dialect::Postgres, pg_schema),
        names.join(", "),
    ));
}
