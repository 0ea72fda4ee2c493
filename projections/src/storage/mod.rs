//! How read models store their rows, in four layers that build on each other:
//!
//! - [`schema`]: the description of each table (name, columns and what they
//!   hold, key, how rows are written), and the [`Record`] trait that ties a
//!   row struct to it. It depends on nothing else.
//! - [`row`] (with the serde serializer in `ser`): a row struct turned into
//!   column values and back, every value checked against its column.
//! - [`rows`]: a step's rows of one table, loaded with one query and written
//!   back with a few batched statements ([`statements`]: `UNNEST` upserts
//!   and deletes).
//! - [`copy`]: the `COPY … FROM STDIN` fast path for rows that cannot clash.
//!
//! [`check`] holds a description to the migrated schema of either store.

pub mod check;
pub mod copy;
pub mod row;
pub mod rows;
pub mod schema;
mod ser;
pub mod statements;

pub use row::RowError;
pub use rows::{ints, texts, Rows};
pub use schema::{Kind, Record, Table, Write};
