//! The read side's description of its tables: names, columns, what each column
//! holds and which columns form the key.
//!
//! This is the one contract between a read model's row struct and the
//! migrated schema: the row serializer and deserializer ([`super::row`]), the
//! batched writes ([`super::rows`]) and the `COPY` fast path ([`super::copy`])
//! all work from it, and a test checks every description against both
//! migrated databases. It depends on nothing else in the crate.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A read-model table as the projector writes it.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// Every column the projector writes, primary key first.
    pub columns: &'static [(&'static str, Kind)],
    /// How many leading columns form the primary key.
    pub key: usize,
    /// What writing a row does to a stored row with its key.
    pub write: Write,
}

impl Table {
    /// The names of the columns, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|(c, _)| *c)
    }

    /// The kind of a column, if the table has it.
    pub fn kind(&self, column: &str) -> Option<Kind> {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, k)| *k)
    }
}

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A row replaces the stored one.
    Upsert,
    /// As `Upsert`, for a table a rebuild does not empty (the outbox's
    /// notifications, the staff chat's posts and notes): a rebuild writes all
    /// its rows again, nearly all of them unchanged, so rows that the table
    /// already holds with the same values are left out of the statement
    /// before `ON CONFLICT` would lock each one (and log the lock).
    Refresh,
    /// A row is only ever added; a stored one is left as it is.
    Keep,
    /// A row is only ever added, and never twice: its key comes from one event
    /// (or one link of the chain), which exactly-once application applies once,
    /// and a rebuild empties the table first. A clash is an error. Many rows
    /// go in with `COPY` on PostgreSQL.
    Append,
}

/// What a read-model column holds, which decides how it is bound and read.
/// Times, dates and JSON travel as text (times in [`crate::time::format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Bool,
    Time,
    Date,
    Json,
}

impl Kind {
    /// The PostgreSQL array type a list of this kind is bound as, with the
    /// cast to the column's type.
    pub fn pg_array(self) -> &'static str {
        match self {
            Kind::Int => "int8[]",
            Kind::Text => "text[]",
            Kind::Bool => "bool[]",
            Kind::Time => "timestamptz[]",
            Kind::Date => "text[]::date[]",
            Kind::Json => "text[]::jsonb[]",
        }
    }

    /// The column as selected on PostgreSQL, in the form
    /// [`crate::db::Tx::select`] reads.
    pub fn pg_select(self, column: &str) -> String {
        match self {
            Kind::Int => format!("{column}::int8"),
            Kind::Date | Kind::Json => format!("{column}::text"),
            Kind::Text | Kind::Bool | Kind::Time => column.to_string(),
        }
    }

    /// Whether a PostgreSQL column of `data_type` (as `information_schema`
    /// names it) holds values of this kind.
    pub fn fits_pg(self, data_type: &str) -> bool {
        match self {
            Kind::Int => matches!(data_type, "bigint" | "integer" | "smallint"),
            Kind::Text => matches!(data_type, "text" | "character varying"),
            Kind::Bool => data_type == "boolean",
            Kind::Time => data_type == "timestamp with time zone",
            Kind::Date => data_type == "date",
            Kind::Json => matches!(data_type, "jsonb" | "json"),
        }
    }

    /// Whether an SQLite column declared as `declared` holds values of this
    /// kind. SQLite keeps times, dates, JSON and text as text, and booleans as
    /// integers.
    pub fn fits_sqlite(self, declared: &str) -> bool {
        let declared = declared.to_ascii_lowercase();
        match self {
            Kind::Int | Kind::Bool => declared == "integer",
            Kind::Text | Kind::Time | Kind::Date | Kind::Json => declared == "text",
        }
    }
}

/// One row type of a read model: a serde struct whose fields are named like
/// the columns of its [`Table`].
pub trait Record: Serialize + DeserializeOwned + Clone {
    const TABLE: Table;
    type Key: Ord + Clone;
    fn key(&self) -> Self::Key;
}
