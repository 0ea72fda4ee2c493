//! One way to run SQL on PostgreSQL or SQLite.
//!
//! Read models are written once: statements use PostgreSQL's `$1` parameters and
//! `::type` casts, and are rewritten for SQLite (`?1`, casts dropped: SQLite
//! stores those columns as text). Values are bound with a type even when null,
//! as PostgreSQL wants. Rows of free-form queries come back as JSON objects
//! (`json`).

pub use crate::storage::Kind;
mod json;

pub use json::ColumnError;
use json::{pg_row_json, sqlite_row_json};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Row, SqlitePool};

/// The database the projector works on.
#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
    /// A list, bound as an array on PostgreSQL and as JSON text on SQLite
    /// (where `= ANY($n)` becomes `IN (SELECT value FROM json_each(?n))`).
    Ints(Vec<Option<i64>>),
    Texts(Vec<Option<String>>),
    Bools(Vec<Option<bool>>),
    /// Times, bound as `timestamptz[]` on PostgreSQL (no text to parse there).
    Times(Vec<Option<chrono::DateTime<chrono::Utc>>>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptInt(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Bool(v)
    }
}

/// `$1` → `?1`, `::type` casts dropped and `= ANY($n)` → `IN (SELECT value FROM json_each(?n))`.
pub fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 32);
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if c == '=' && after.trim_start().starts_with("ANY($") {
            let list = &after.trim_start()["ANY($".len()..];
            let n = digits(list);
            out.push_str(&format!(
                "IN (SELECT value FROM json_each(?{}))",
                &list[..n]
            ));
            // Past the closing parenthesis of ANY( ).
            rest = list[n..].split_once(')').map_or("", |(_, r)| r);
        } else if c == '$' && after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('?');
            rest = after;
        } else if c == ':' && after.starts_with(':') {
            let ty = &after[1..];
            let end = ty
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(ty.len());
            rest = &ty[end..];
        } else {
            out.push(c);
            rest = after;
        }
    }
    out
}

macro_rules! bind_scalar {
    ($q:expr, $a:expr) => {
        match $a {
            Val::Int(v) => $q.bind(*v),
            Val::OptInt(v) => $q.bind(*v),
            Val::Text(v) => $q.bind(v.as_str()),
            Val::OptText(v) => $q.bind(v.as_deref()),
            Val::Bool(v) => $q.bind(*v),
            Val::Ints(v) => $q.bind(list_json(v)),
            Val::Texts(v) => $q.bind(list_json(v)),
            Val::Bools(v) => $q.bind(list_json(v)),
            Val::Times(v) => $q.bind(list_json(
                &v.iter()
                    .map(|t| t.map(crate::time::format))
                    .collect::<Vec<_>>(),
            )),
        }
    };
}

/// Binds for PostgreSQL: lists as arrays.
macro_rules! bind_pg {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Val::Ints(v) => q.bind(v.as_slice()),
                Val::Texts(v) => q.bind(v.as_slice()),
                Val::Bools(v) => q.bind(v.as_slice()),
                Val::Times(v) => q.bind(v.as_slice()),
                a => bind_scalar!(q, a),
            };
        }
        q
    }};
}

/// Binds for SQLite: lists as JSON text.
macro_rules! bind_sqlite {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = bind_scalar!(q, a);
        }
        q
    }};
}

/// A list as JSON text. Built as a `Value`, which cannot fail, so there is
/// no error to hide.
fn list_json<T: Clone + Into<serde_json::Value>>(v: &[T]) -> String {
    serde_json::Value::from(v.to_vec()).to_string()
}

/// A connection of its own, outside the pool: the projector's, which holds
/// the leader lock for as long as it lives.
pub enum Conn {
    Postgres(sqlx::PgConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl Db {
    /// A connection of its own. On PostgreSQL it does not wait for its commits
    /// to reach the disk, and it never plans a sequential
    /// scan: the projector's statements look rows up by key or read the log
    /// in index order, and a plan cached while a table was small (as after a
    /// rebuild's reset) would otherwise scan the whole table on every step as
    /// the table grows.
    pub async fn connect(&self) -> sqlx::Result<Conn> {
        Ok(match self {
            Db::Postgres(p) => {
                let mut c = p.acquire().await?.detach();
                sqlx::query("SET enable_seqscan = off")
                    .execute(&mut c)
                    .await?;
                // A step's rows and checkpoints commit together, so a step lost
                // in a crash of the database is lost whole and projected again:
                // there is nothing to gain from waiting for the disk.
                sqlx::query("SET synchronous_commit = off")
                    .execute(&mut c)
                    .await?;
                Conn::Postgres(c)
            }
            Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?.detach()),
        })
    }

    /// Runs one statement outside a transaction.
    pub async fn exec(&self, sql: &str, args: &[Val]) -> sqlx::Result<u64> {
        match self {
            Db::Postgres(p) => Ok(bind_pg!(sqlx::query(sql), args)
                .execute(p)
                .await?
                .rows_affected()),
            Db::Sqlite(p) => {
                let sql = sqlite_sql(sql);
                Ok(bind_sqlite!(sqlx::query(&sql), args)
                    .execute(p)
                    .await?
                    .rows_affected())
            }
        }
    }

    /// Runs a query and returns its rows as JSON objects (column name → value).
    pub async fn rows(
        &self,
        sql: &str,
        args: &[Val],
    ) -> sqlx::Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        match self {
            Db::Postgres(p) => {
                let rows = bind_pg!(sqlx::query(sql), args).fetch_all(p).await?;
                Ok(rows.iter().map(pg_row_json).collect::<Result<_, _>>()?)
            }
            Db::Sqlite(p) => {
                let sql = sqlite_sql(sql);
                let rows = bind_sqlite!(sqlx::query(&sql), args).fetch_all(p).await?;
                Ok(rows.iter().map(sqlite_row_json).collect::<Result<_, _>>()?)
            }
        }
    }
}

impl Conn {
    /// Runs a query outside a transaction and returns its rows as JSON
    /// objects (column name → value), as [`Db::rows`] does on the pool.
    pub async fn rows(
        &mut self,
        sql: &str,
        args: &[Val],
    ) -> sqlx::Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        match self {
            Conn::Postgres(c) => {
                let rows = bind_pg!(sqlx::query(sql), args).fetch_all(&mut *c).await?;
                Ok(rows.iter().map(pg_row_json).collect::<Result<_, _>>()?)
            }
            Conn::Sqlite(c) => {
                let sql = sqlite_sql(sql);
                let rows = bind_sqlite!(sqlx::query(&sql), args)
                    .fetch_all(&mut *c)
                    .await?;
                Ok(rows.iter().map(sqlite_row_json).collect::<Result<_, _>>()?)
            }
        }
    }
}

/// An open transaction on the projector's connection.
pub enum Tx<'c> {
    Postgres(&'c mut sqlx::PgConnection),
    Sqlite(&'c mut sqlx::SqliteConnection),
}

impl<'c> Tx<'c> {
    /// Begins a transaction. SQLite's is IMMEDIATE: it takes the write lock at
    /// once, so it can never fail later for having read an old snapshot.
    pub async fn begin(conn: &'c mut Conn) -> sqlx::Result<Tx<'c>> {
        match conn {
            Conn::Postgres(c) => {
                sqlx::query("BEGIN").execute(&mut *c).await?;
                Ok(Tx::Postgres(c))
            }
            Conn::Sqlite(c) => {
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *c).await?;
                Ok(Tx::Sqlite(c))
            }
        }
    }

    pub async fn commit(mut self) -> sqlx::Result<()> {
        self.exec("COMMIT", &[]).await.map(|_| ())
    }

    pub async fn rollback(mut self) -> sqlx::Result<()> {
        self.exec("ROLLBACK", &[]).await.map(|_| ())
    }

    pub async fn exec(&mut self, sql: &str, args: &[Val]) -> sqlx::Result<u64> {
        match self {
            Tx::Postgres(c) => Ok(bind_pg!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await?
                .rows_affected()),
            Tx::Sqlite(c) => {
                let sql = sqlite_sql(sql);
                Ok(bind_sqlite!(sqlx::query(&sql), args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected())
            }
        }
    }

    /// Rows of a query whose columns have the given kinds, as values.
    pub async fn select(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> sqlx::Result<Vec<Vec<Val>>> {
        match self {
            Tx::Postgres(c) => {
                let rows = bind_pg!(sqlx::query(sql), args).fetch_all(&mut **c).await?;
                rows.iter().map(|r| pg_values(r, kinds)).collect()
            }
            Tx::Sqlite(c) => {
                let sql = sqlite_sql(sql);
                let rows = bind_sqlite!(sqlx::query(&sql), args)
                    .fetch_all(&mut **c)
                    .await?;
                rows.iter().map(|r| sqlite_values(r, kinds)).collect()
            }
        }
    }
}

fn pg_values(row: &PgRow, kinds: &[Kind]) -> sqlx::Result<Vec<Val>> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            Ok(match k {
                Kind::Int => Val::OptInt(row.try_get(i)?),
                Kind::Bool => match row.try_get::<Option<bool>, _>(i)? {
                    Some(b) => Val::Bool(b),
                    None => Val::OptInt(None),
                },
                Kind::Time => Val::OptText(
                    row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(i)?
                        .map(crate::time::format),
                ),
                Kind::Text | Kind::Date | Kind::Json => Val::OptText(row.try_get(i)?),
            })
        })
        .collect()
}

fn sqlite_values(row: &SqliteRow, kinds: &[Kind]) -> sqlx::Result<Vec<Val>> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            Ok(match k {
                Kind::Int => Val::OptInt(row.try_get(i)?),
                Kind::Bool => match row.try_get::<Option<bool>, _>(i)? {
                    Some(b) => Val::Bool(b),
                    None => Val::OptInt(None),
                },
                Kind::Text | Kind::Time | Kind::Date | Kind::Json => Val::OptText(row.try_get(i)?),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sqlite_sql;

    #[test]
    fn postgres_sql_is_rewritten_for_sqlite() {
        assert_eq!(
            sqlite_sql(
                "UPDATE t SET a = $2::timestamptz, b = $10::jsonb WHERE id = $1 AND c = 'x'"
            ),
            "UPDATE t SET a = ?2, b = ?10 WHERE id = ?1 AND c = 'x'"
        );
        assert_eq!(
            sqlite_sql("SELECT a FROM t WHERE id = ANY($12) FOR UPDATE"),
            "SELECT a FROM t WHERE id IN (SELECT value FROM json_each(?12)) FOR UPDATE"
        );
    }
}
