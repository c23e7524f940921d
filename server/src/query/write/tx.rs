//! One write call's transaction on either backend, begun by the call's first statement (so
//! the work before it, building that statement, holds nothing): on Postgres a transaction
//! of its own (none at all when its only statement runs alone, see [`Tx::fetch_last`]), on
//! SQLite a turn in the file's write group (a savepoint of the group's transaction, see
//! [`crate::store::write_group`]). Also database errors a client caused mapped to typed
//! errors naming the field.

use super::super::QueryError;
use super::super::exec::Target;
use super::super::record::{self, DbRow, Flat};
use super::super::sql::{self, Sql};
use crate::store::write_group::Turn;
use sqlx::error::ErrorKind;
use sqlx::{PgPool, Postgres};
use twenty_codegen::emit::sql::{foreign_key_name, primary_key_name};
use twenty_codegen::model::{Column, Object, Schema};

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// A transaction of its own: Postgres runs a workspace's writers side by side (the
    /// event log needs no lock, see [`super::super::events`]).
    Postgres(PgTx),
    /// A turn in the file's write group (see [`crate::store::write_group`]).
    Sqlite(SqliteTx),
}

/// A SQLite write's turn in its file's write group, taken by its first statement.
pub struct SqliteTx {
    db: crate::store::SqliteDb,
    turn: Option<Turn>,
}

impl SqliteTx {
    /// The turn, waited for now if no statement ran yet.
    pub(super) async fn turn(&mut self) -> Result<&mut Turn, sqlx::Error> {
        let turn = match self.turn.take() {
            Some(turn) => turn,
            None => self.db.writers.begin(&self.db.pool).await?,
        };
        Ok(self.turn.insert(turn))
    }
}

/// A Postgres write's transaction, begun (a connection taken from the pool and `BEGIN`
/// sent) by its first statement: a write whose one statement is also its last runs it
/// alone, one round trip, atomic on its own.
pub struct PgTx {
    pool: PgPool,
    state: PgState,
}

enum PgState {
    /// No statement has run yet.
    Idle,
    Open(sqlx::Transaction<'static, Postgres>),
    /// The write's last statement ran alone: nothing may follow it.
    Done,
}

impl PgTx {
    /// The open transaction, begun now if no statement ran yet.
    async fn open(&mut self) -> Result<&mut sqlx::PgConnection, sqlx::Error> {
        if let PgState::Idle = self.state {
            self.state = PgState::Open(self.pool.begin().await?);
        }
        match &mut self.state {
            PgState::Open(tx) => Ok(&mut **tx),
            _ => Err(sqlx::Error::Protocol(
                "a statement after the write's last one".to_owned(),
            )),
        }
    }
}

impl Tx {
    pub async fn begin(target: &Target<'_>) -> Result<Tx, QueryError> {
        Ok(match target {
            Target::Postgres { writes, .. } => Tx::Postgres(PgTx {
                pool: (*writes).clone(),
                state: PgState::Idle,
            }),
            Target::Sqlite { db } => Tx::Sqlite(SqliteTx {
                db: (*db).clone(),
                turn: None,
            }),
        })
    }

    /// Runs a statement and decodes its rows' `columns`.
    pub async fn fetch(&mut self, sql: &Sql, columns: &[Column]) -> Result<Vec<Flat>, sqlx::Error> {
        match self {
            Tx::Postgres(tx) => pg_rows(
                sql::pg_query(sql).fetch_all(tx.open().await?).await?,
                columns,
            ),
            Tx::Sqlite(tx) => {
                let (before, conn) = tx.turn().await?.statement();
                let rows = sql::sqlite_query_after(before, sql).fetch_all(conn).await?;
                rows.into_iter()
                    .map(|r| record::flat(&DbRow::Sqlite(r), columns))
                    .collect()
            }
        }
    }

    /// Runs the write's last statement (nothing but [`Tx::commit`] may follow) and decodes
    /// its rows' `columns`. On Postgres, when it is also the first, it runs alone: no
    /// `BEGIN` and no `COMMIT`, one round trip.
    pub async fn fetch_last(
        &mut self,
        sql: &Sql,
        columns: &[Column],
    ) -> Result<Vec<Flat>, sqlx::Error> {
        match self {
            Tx::Postgres(PgTx {
                pool,
                state: state @ PgState::Idle,
            }) => {
                *state = PgState::Done;
                pg_rows(sql::pg_query(sql).fetch_all(&*pool).await?, columns)
            }
            tx => tx.fetch(sql, columns).await,
        }
    }

    /// Runs a statement. (Not its count of affected rows: on SQLite the statements run
    /// before it in the same call would count too.)
    pub async fn execute(&mut self, sql: &Sql) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => {
                sql::pg_query(sql).execute(tx.open().await?).await?;
            }
            Tx::Sqlite(tx) => {
                let (before, conn) = tx.turn().await?.statement();
                sql::sqlite_query_after(before, sql).execute(conn).await?;
            }
        }
        Ok(())
    }

    /// Runs a statement returning one number.
    pub async fn scalar_f64(&mut self, sql: &Sql) -> Result<Option<f64>, sqlx::Error> {
        use sqlx::Row;
        match self {
            Tx::Postgres(tx) => sql::pg_query(sql)
                .fetch_one(tx.open().await?)
                .await?
                .try_get(0),
            Tx::Sqlite(tx) => {
                let (before, conn) = tx.turn().await?.statement();
                sql::sqlite_query_after(before, sql)
                    .fetch_one(conn)
                    .await?
                    .try_get(0)
            }
        }
    }

    pub async fn commit(self) -> Result<(), QueryError> {
        match self {
            Tx::Postgres(PgTx {
                state: PgState::Open(tx),
                ..
            }) => Ok(tx.commit().await?),
            // Nothing ran, or the one statement ran alone (and is committed).
            Tx::Postgres(_) => Ok(()),
            // Nothing ran: nothing to keep.
            Tx::Sqlite(SqliteTx { turn: None, .. }) => Ok(()),
            Tx::Sqlite(SqliteTx {
                turn: Some(turn), ..
            }) => turn.commit().await.map_err(|e| {
                QueryError::Database(
                    std::sync::Arc::try_unwrap(e)
                        .unwrap_or_else(|e| sqlx::Error::Protocol(e.to_string())),
                )
            }),
        }
    }
}

fn pg_rows(rows: Vec<sqlx::postgres::PgRow>, columns: &[Column]) -> Result<Vec<Flat>, sqlx::Error> {
    rows.into_iter()
        .map(|r| record::flat(&DbRow::Postgres(r), columns))
        .collect()
}

/// The field a stored column belongs to (`companyId` for a join column, `emails` for
/// `emailsPrimaryEmail`).
fn field_of(columns: &[Column], column: &str) -> String {
    columns
        .iter()
        .find(|c| c.name == column)
        .map(|c| match c.sub_field {
            Some(sub) => format!("{}.{sub}", c.field_name),
            None => c.name.clone(),
        })
        .unwrap_or_else(|| column.to_owned())
}

/// `Key ("name")=(Acme) already exists.` → `Acme`.
fn pg_detail_value(detail: &str) -> Option<String> {
    let (_, rest) = detail.split_once(")=(")?;
    let end = rest.rfind(')')?;
    Some(rest[..end].to_owned())
}

/// `UNIQUE constraint failed: company.domainNamePrimaryLinkUrl` → the first column.
fn sqlite_column(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("failed: ")?;
    let first = rest.split(", ").next()?;
    Some(first.rsplit_once('.').map_or(first, |(_, c)| c))
}

/// A database error as the client's mistake when it is one (unique, foreign key, NOT NULL,
/// check and data errors), else `Database`. `id` is the record the statement was about.
pub fn map_error(
    err: sqlx::Error,
    schema: &Schema,
    object: &Object,
    id: Option<&str>,
) -> QueryError {
    let Some(db) = err.as_database_error() else {
        return QueryError::Database(err);
    };
    let columns = object.columns(schema);
    let table = object.table_name();
    let pg = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
    let column: Option<String> = match pg {
        Some(pg) => match db.kind() {
            ErrorKind::UniqueViolation => {
                let constraint = pg.constraint().unwrap_or_default();
                if constraint == primary_key_name(&table) {
                    Some("id".to_owned())
                } else {
                    object
                        .indexes()
                        .into_iter()
                        .find(|i| i.name == constraint)
                        .and_then(|i| i.columns.first().cloned())
                }
            }
            ErrorKind::ForeignKeyViolation => columns
                .iter()
                .find(|c| pg.constraint() == Some(foreign_key_name(&table, &c.name).as_str()))
                .map(|c| c.name.clone()),
            _ => pg.column().map(str::to_owned),
        },
        None => sqlite_column(db.message()).map(str::to_owned),
    };
    let field = column.as_deref().map(|c| field_of(&columns, c));
    match db.kind() {
        ErrorKind::UniqueViolation => QueryError::UniqueViolation {
            object: object.name_singular.clone(),
            field: field.unwrap_or_else(|| "?".to_owned()),
            value: pg.and_then(|p| p.detail()).and_then(pg_detail_value),
        },
        ErrorKind::NotNullViolation => QueryError::RequiredField {
            object: object.name_singular.clone(),
            field: field.unwrap_or_else(|| "?".to_owned()),
        },
        // The engine checks references first, so a violation left is a destroy (or a
        // restore) of a record other rows still point at with ON DELETE RESTRICT.
        ErrorKind::ForeignKeyViolation
            if field.is_none() || pg.and_then(|p| p.table()) != Some(table.as_str()) =>
        {
            QueryError::StillReferenced {
                object: object.name_singular.clone(),
                id: id.unwrap_or("?").to_owned(),
                referrer: pg.and_then(|p| p.table()).unwrap_or("other").to_owned(),
            }
        }
        ErrorKind::ForeignKeyViolation => QueryError::InvalidRelation {
            field: field.unwrap_or_default(),
            target: "referenced".to_owned(),
            id: "?".to_owned(),
        },
        ErrorKind::CheckViolation => QueryError::InvalidValue {
            field: field.unwrap_or_else(|| "?".to_owned()),
            reason: "the value is not one of the options".to_owned(),
        },
        // Postgres class 22: data exceptions (out of range, malformed text for the type).
        _ if pg.is_some_and(|p| p.code().starts_with("22")) => QueryError::InvalidValue {
            field: field.unwrap_or_else(|| "?".to_owned()),
            reason: db.message().to_owned(),
        },
        _ => QueryError::Database(err),
    }
}
