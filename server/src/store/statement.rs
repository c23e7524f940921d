//! SQL text with numbered placeholders and its bound parameters, and running it with sqlx
//! per dialect: the one statement builder of the store and the engine. Values are never
//! inlined, so the text of one statement shape is stable and its prepared form reused.
use serde_json::Value;
use twenty_codegen::emit::sql::Dialect;

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Float(f64),
    Int(i64),
    Bool(bool),
    /// A Postgres text[] (cast in the SQL to the element type).
    TextList(Vec<String>),
    /// SQL NULL, bound as text (cast in the SQL on Postgres).
    Null,
}

/// The statement of `sql` with its parameters bound, for Postgres.
pub fn pg_query(
    sql: &Sql,
) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text.clone()));
    for p in &sql.params {
        q = match p {
            Param::Text(s) => q.bind(s.clone()),
            Param::Float(f) => q.bind(*f),
            Param::Int(i) => q.bind(*i),
            Param::Bool(b) => q.bind(*b),
            Param::TextList(l) => q.bind(l.clone()),
            Param::Null => q.bind(None::<String>),
        };
    }
    q
}

/// The statement of `sql` with its parameters bound, for SQLite (lists as JSON text).
pub fn sqlite_query(
    sql: &Sql,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    sqlite_query_after("", sql)
}

/// [`sqlite_query`] with `before` (statements without parameters, each ended by `;`)
/// run first, in the same call.
pub fn sqlite_query_after(
    before: &str,
    sql: &Sql,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    let text = match before {
        "" => sql.text.clone(),
        before => format!("{before}{}", sql.text),
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
    for p in &sql.params {
        q = match p {
            Param::Text(s) => q.bind(s.clone()),
            Param::Float(f) => q.bind(*f),
            Param::Int(i) => q.bind(*i),
            Param::Bool(b) => q.bind(*b),
            Param::TextList(l) => q.bind(Value::from(l.clone()).to_string()),
            Param::Null => q.bind(None::<String>),
        };
    }
    q
}

/// SQL text being built with its parameters, numbered in order of appearance.
#[derive(Debug, Clone)]
pub struct Sql {
    /// The dialect the text is written in.
    pub dialect: Dialect,
    /// The statement's text.
    pub text: String,
    /// Its parameters, in placeholder order.
    pub params: Vec<Param>,
}

impl Sql {
    /// An empty statement.
    pub fn new(dialect: Dialect) -> Sql {
        Sql {
            dialect,
            text: String::new(),
            params: Vec::new(),
        }
    }

    /// Appends text.
    pub fn push(&mut self, s: &str) -> &mut Sql {
        self.text.push_str(s);
        self
    }

    /// Adds a parameter and returns its placeholder (`$n` or `?n`).
    pub fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        match self.dialect {
            Dialect::Postgres => format!("${}", self.params.len()),
            Dialect::Sqlite => format!("?{}", self.params.len()),
        }
    }
}
