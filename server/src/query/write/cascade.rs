//! The records pointing at others through relations: a destroy's follow their relation's
//! ON DELETE, and a merge's are re-pointed, as the engine's own writes (each with its
//! event), not the database's.

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

    /// The records of every object pointing at `ids` through a many-to-one relation (rows
    /// of `ids` themselves, through a self-reference, left out), one group per relation.
    pub(super) async fn referrers(
        &self,
        tx: &mut Tx,
        ids: &[String],
    ) -> Result<Vec<Referrers<'a>>, QueryError> {
        let keys = keys(ids);
        let mut out = Vec::new();
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
                    .filter(|r| {
                        !(other.name_singular == self.object.name_singular
                            && ids.contains(&row_id(r)))
                    })
                    .collect();
                if !rows.is_empty() {
                    out.push(Referrers {
                        ctx: dep,
                        fk,
                        on_delete: relation.on_delete.unwrap_or(OnDelete::SetNull),
                        rows,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Sets the foreign key `fk` of `rows` (records of this object) to `value`, with an
    /// `updated` event each.
    pub(super) async fn set_key(
        &self,
        tx: &mut Tx,
        rows: &[Flat],
        fk: &str,
        value: Val,
        events: &mut Vec<Event>,
    ) -> Result<(), QueryError> {
        let ids = super::ctx::ids(rows);
        let mut assigns = vec![Assign {
            column: fk.to_owned(),
            column_type: ColumnType::Uuid,
            value,
        }];
        assigns.extend(self.touch());
        self.update_rows(tx, &ids, &assigns).await?;
        let after = self.rows_by_id(tx, &ids).await?;
        for b in rows {
            let a = after.iter().find(|a| row_id(a) == row_id(b));
            events.push(self.event(
                Action::Updated,
                Some(self.record(b)),
                a.map(|a| self.record(a)),
            ));
        }
        Ok(())
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
            for group in self.referrers(tx, ids).await? {
                let Referrers {
                    ctx: dep,
                    fk,
                    on_delete,
                    rows,
                } = group;
                let dep_ids = super::ctx::ids(&rows);
                match on_delete {
                    OnDelete::Cascade => {
                        dep.destroy_dependents(tx, &dep_ids, events, depth + 1)
                            .await?;
                        dep.delete_rows(tx, &dep_ids).await?;
                        events.extend(
                            rows.iter()
                                .map(|r| dep.event(Action::Destroyed, Some(dep.record(r)), None)),
                        );
                    }
                    OnDelete::SetNull => dep.set_key(tx, &rows, &fk, Val::Null, events).await?,
                    OnDelete::Restrict | OnDelete::NoAction => {
                        return Err(QueryError::StillReferenced {
                            object: self.object.name_singular.clone(),
                            id: rows[0]
                                .get(&fk)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                            referrer: dep.object.name_singular.clone(),
                        });
                    }
                }
            }
            Ok(())
        })
    }
}

/// The records of one object pointing at others through one relation.
pub(super) struct Referrers<'a> {
    /// The referring object's context.
    pub ctx: Ctx<'a>,
    /// The join column.
    pub fk: String,
    pub on_delete: OnDelete,
    pub rows: Vec<Flat>,
}
