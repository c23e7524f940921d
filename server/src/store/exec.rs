//! Running a [`Sql`] statement on a connection of either backend and reading its rows as
//! plain cells, for the store's own tables whose statements are written once for both
//! dialects (the webhooks' tables): no row types per backend.
use super::statement::{self, Sql};
use sqlx::Row;

/// How a selected column is read. Postgres columns read as [`Kind::Int`] must be `bigint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    /// The text, or `None` for NULL (or an integer).
    pub fn text(self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, or `None` for NULL (or text).
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// A connection of either backend (a pooled one or a transaction's).
pub enum Conn<'c> {
    Pg(&'c mut sqlx::PgConnection),
    Sqlite(&'c mut sqlx::SqliteConnection),
}

fn decode<R: Row>(row: &R, kinds: &[Kind]) -> Result<Vec<Cell>, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                Kind::Int => row
                    .try_get::<Option<i64>, _>(i)?
                    .map_or(Cell::Null, Cell::Int),
                Kind::Text => row
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Cell::Null, Cell::Text),
            })
        })
        .collect()
}

impl Conn<'_> {
    /// Runs `sql`; the rows it changed.
    pub async fn execute(&mut self, sql: &Sql) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Conn::Pg(c) => statement::pg_query(sql)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Conn::Sqlite(c) => statement::sqlite_query(sql)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    /// Runs `sql` and reads its rows' columns as `kinds` say.
    pub async fn rows(&mut self, sql: &Sql, kinds: &[Kind]) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
        match self {
            Conn::Pg(c) => statement::pg_query(sql)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| decode(r, kinds))
                .collect(),
            Conn::Sqlite(c) => statement::sqlite_query(sql)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| decode(r, kinds))
                .collect(),
        }
    }
}
