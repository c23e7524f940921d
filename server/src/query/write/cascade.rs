//! A destroy's relations: the records pointing at destroyed ones follow their relation's
//! ON DELETE as the engine's own writes (each with its event), not the database's.

use super::MAX_CASCADE_DEPTH;
use super::ctx::{Ctx, keys, row_id};
use super::input::{Assign, Val};
use super::tx::Tx;
use crate::query::QueryError;
use crate::query::events::{Action, Event};
use crate::query::exec::select;
use crate::query::record::{self, Flat};
use crate::query::sql::Values;
use crate::query::validate::Kind;
use serde_json::Value;
use twenty_codegen::emit::sql::quote;
use twenty_codegen::model::{ColumnType, Object, OnDelete};

impl<'a> Ctx<'a> {
    /// The context of another object in the same call (same actor and time).
    pub(super) fn other(&self, object: &'a Object) -> Ctx<'a> {
        Ctx {
            target: self.target,
            schema: self.schema,
            object,
            columns: record::read_columns(object, self.schema),
            actor: self.actor,
            now: self.now.clone(),
        }
    }

    /// Applies the foreign keys pointing at records about to be destroyed as the engine's
    /// own writes, so that each record they change gets its event: SET NULL clears the key
    /// (an `updated` event), CASCADE destroys the dependents (recursively, `destroyed`
    /// events), RESTRICT and NO ACTION refuse with `STILL_REFERENCED`. Past
    /// [`MAX_CASCADE_DEPTH`] levels the database's own actions apply, without events.
    pub(super) fn destroy_dependents<'b>(
        &'b self,
        tx: &'b mut Tx,
        ids: &'b [String],
        events: &'b mut Vec<Event>,
        depth: usize,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), QueryError>> + Send + 'b>>
    {
        Box::pin(async move {
            if depth >= MAX_CASCADE_DEPTH || ids.is_empty() {
                return Ok(());
            }
            let keys = keys(ids);
            for other in &self.schema.objects {
                for (field, relation) in other.many_to_one() {
                    let Some(fk) = field.join_column() else {
                        continue;
                    };
                    if relation.target != self.object.name_singular {
                        continue;
                    }
                    let dep = self.other(other);
                    let mut s = select(&dep.target, other, &dep.columns, None, None, true)?;
                    s.push(" AND ");
                    let cond = s.in_list(&format!("t.{}", quote(&fk)), &Kind::Uuid, &keys);
                    s.push(&cond);
                    let rows: Vec<Flat> = tx
                        .fetch(&s, &dep.columns)
                        .await
                        .map_err(|e| dep.err(e, None))?
                        .into_iter()
                        // Rows destroyed by this very call (a self-reference) need nothing.
                        .filter(|r| {
                            !(other.name_singular == self.object.name_singular
                                && ids.contains(&row_id(r)))
                        })
                        .collect();
                    if rows.is_empty() {
                        continue;
                    }
                    let dep_ids = super::ctx::ids(&rows);
                    match relation.on_delete.unwrap_or(OnDelete::SetNull) {
                        OnDelete::Cascade => {
                            dep.destroy_dependents(tx, &dep_ids, events, depth + 1)
                                .await?;
                            dep.delete_rows(tx, &dep_ids).await?;
                            events.extend(
                                rows.iter().map(|r| {
                                    dep.event(Action::Destroyed, Some(dep.record(r)), None)
                                }),
                            );
                        }
                        OnDelete::SetNull => {
                            let mut assigns = vec![Assign {
                                column: fk.clone(),
                                column_type: ColumnType::Uuid,
                                value: Val::Null,
                            }];
                            assigns.extend(dep.touch());
                            dep.update_rows(tx, &dep_ids, &assigns).await?;
                            let after = dep.rows_by_id(tx, &dep_ids).await?;
                            for b in &rows {
                                let a = after.iter().find(|a| row_id(a) == row_id(b));
                                events.push(dep.event(
                                    Action::Updated,
                                    Some(dep.record(b)),
                                    a.map(|a| dep.record(a)),
                                ));
                            }
                        }
                        OnDelete::Restrict | OnDelete::NoAction => {
                            return Err(QueryError::StillReferenced {
                                object: self.object.name_singular.clone(),
                                id: rows[0]
                                    .get(&fk)
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_owned(),
                                referrer: other.name_singular.clone(),
                            });
                        }
                    }
                }
            }
            Ok(())
        })
    }
}
