//! Read-model rows in batches.
//!
//! A read model applies a whole step's events in memory: it loads the rows the
//! events touch with one query per table ([`Rows::load`]), changes them, and
//! writes every changed row back with one statement per table ([`Rows::flush`]:
//! on PostgreSQL a `DELETE … UNNEST` and an `INSERT … SELECT FROM UNNEST … ON
//! CONFLICT`; SQLite, which has no round trips to save, runs the same per row).
//! A row is a serde struct whose fields are named like the table's columns.

use crate::db::{Kind, Tx, Val};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// A read-model table as the projector writes it.
pub struct Table {
    pub name: &'static str,
    /// Every column the projector writes, primary key first.
    pub columns: &'static [(&'static str, Kind)],
    /// How many leading columns form the primary key.
    pub key: usize,
    /// What writing a row does to a stored row with its key.
    pub write: Write,
}

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A row replaces the stored one.
    Upsert,
    /// A row is only ever added; a stored one is left as it is.
    Keep,
    /// A row is only ever added, and never twice: its key comes from one event
    /// (or one link of the chain), which exactly-once application applies once,
    /// and a rebuild empties the table first. A clash is an error. Many rows
    /// go in with `COPY` on PostgreSQL.
    Append,
}

/// From this many rows on, an appended table is written with `COPY`, which
/// costs one more round trip than an `INSERT` but less per row.
const COPY_FROM: usize = 64;

/// One row type of a read model.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const TABLE: Table;
    type Key: Ord + Clone;
    fn key(&self) -> Self::Key;
}

/// A list of text keys for [`Rows::load`], without repeats.
pub fn texts<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<Option<String>> {
    let set: BTreeSet<&str> = keys.into_iter().collect();
    set.into_iter().map(|k| Some(k.to_string())).collect()
}

/// A list of integer keys for [`Rows::load`], without repeats.
pub fn ints(keys: impl IntoIterator<Item = i64>) -> Vec<Option<i64>> {
    let set: BTreeSet<i64> = keys.into_iter().collect();
    set.into_iter().map(Some).collect()
}

/// The rows of one table that a step has loaded or changed.
pub struct Rows<R: Record> {
    /// Each held row, and whether it changed (to be written back).
    rows: BTreeMap<R::Key, (R, bool)>,
    gone: BTreeMap<R::Key, R>,
    /// Rows of an appended table, written as they are (see [`Rows::append`]).
    appended: Vec<R>,
}

impl<R: Record> Default for Rows<R> {
    fn default() -> Self {
        Rows {
            rows: BTreeMap::new(),
            gone: BTreeMap::new(),
            appended: Vec::new(),
        }
    }
}

impl<R: Record> Rows<R> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads the stored rows whose `column` is one of `keys`, in one query.
    /// Rows already held (and perhaps changed) are kept as they are.
    pub async fn load(&mut self, tx: &mut Tx<'_>, column: &str, keys: Val) -> sqlx::Result<()> {
        let empty = match &keys {
            Val::Texts(k) => k.is_empty(),
            Val::Ints(k) => k.is_empty(),
            _ => false,
        };
        if empty {
            return Ok(());
        }
        let table = &R::TABLE;
        let select: Vec<String> = table.columns.iter().map(|(c, k)| k.pg_select(c)).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {column} = ANY($1)",
            select.join(", "),
            table.name
        );
        let kinds: Vec<Kind> = table.columns.iter().map(|(_, k)| *k).collect();
        for values in tx.select(&sql, &[keys], &kinds).await? {
            let row: R = from_values(table, values)?;
            let key = row.key();
            if !self.gone.contains_key(&key) {
                self.rows.entry(key).or_insert((row, false));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &R::Key) -> Option<&R> {
        self.rows.get(key).map(|(row, _)| row)
    }

    /// The row to change; it is written back on [`Rows::flush`].
    pub fn get_mut(&mut self, key: &R::Key) -> Option<&mut R> {
        let (row, changed) = self.rows.get_mut(key)?;
        *changed = true;
        Some(row)
    }

    /// Adds or replaces a row.
    pub fn put(&mut self, row: R) {
        let key = row.key();
        if !self.gone.is_empty() {
            self.gone.remove(&key);
        }
        self.rows.insert(key, (row, true));
    }

    /// Adds a row unless one with its key is held.
    pub fn put_new(&mut self, row: R) {
        if let Entry::Vacant(slot) = self.rows.entry(row.key()) {
            if !self.gone.is_empty() {
                self.gone.remove(slot.key());
            }
            slot.insert((row, true));
        }
    }

    /// Adds a row of an appended table ([`Write::Append`]): its key is new by
    /// construction, so the row is neither looked up nor held by key.
    pub fn append(&mut self, row: R) {
        debug_assert_eq!(R::TABLE.write, Write::Append);
        self.appended.push(row);
    }

    pub fn remove(&mut self, key: &R::Key) {
        if let Some((row, _)) = self.rows.remove(key) {
            self.gone.insert(key.clone(), row);
        }
    }

    /// The keys of the held rows in a range of keys (an order's lines, say).
    pub fn keys_in(&self, range: impl std::ops::RangeBounds<R::Key>) -> Vec<R::Key> {
        self.rows.range(range).map(|(k, _)| k.clone()).collect()
    }

    /// Writes every change: removed rows are deleted, then changed and new
    /// rows written, one statement each on PostgreSQL.
    pub async fn flush(&mut self, tx: &mut Tx<'_>) -> sqlx::Result<()> {
        let table = &R::TABLE;
        let gone: Vec<Vec<Val>> = std::mem::take(&mut self.gone)
            .values()
            .map(|r| to_values(table, r))
            .collect::<sqlx::Result<_>>()?;
        // Many appended rows go in as COPY text, the others as column values.
        let appended = std::mem::take(&mut self.appended);
        let changed = self.rows.values().filter(|(_, c)| *c).count() + appended.len();
        let copy =
            matches!(tx, Tx::Postgres(_)) && table.write == Write::Append && changed >= COPY_FROM;
        let (mut dirty, mut text) = (Vec::new(), String::new());
        let held = self
            .rows
            .values_mut()
            .filter(|(_, c)| *c)
            .map(|(row, changed)| {
                *changed = false;
                &*row
            });
        for row in held.chain(&appended) {
            if !copy {
                dirty.push(to_values(table, row)?);
            } else if crate::row::copy_line(table, row, &mut text).is_err() {
                copy_values(&to_values(table, row)?, &mut text);
            }
        }
        if !gone.is_empty() {
            let keys: Vec<Vec<Val>> = gone.into_iter().map(|v| v[..table.key].to_vec()).collect();
            let key_columns = &table.columns[..table.key];
            match tx {
                Tx::Postgres(_) => {
                    let names: Vec<&str> = key_columns.iter().map(|(c, _)| *c).collect();
                    let sql = format!(
                        "DELETE FROM {} WHERE ({}) IN (SELECT * FROM {})",
                        table.name,
                        names.join(", "),
                        unnest(key_columns)
                    );
                    tx.exec(&sql, &columns(key_columns, keys)).await?;
                }
                Tx::Sqlite(_) => {
                    let cond: Vec<String> = key_columns
                        .iter()
                        .enumerate()
                        .map(|(i, (c, _))| format!("{c} = ${}", i + 1))
                        .collect();
                    let sql = format!("DELETE FROM {} WHERE {}", table.name, cond.join(" AND "));
                    for k in &keys {
                        tx.exec(&sql, k).await?;
                    }
                }
            }
        }
        if changed == 0 {
            return Ok(());
        }
        let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
        let target = names[..table.key].join(", ");
        let conflict = match table.write {
            Write::Upsert => {
                let set: Vec<String> = names[table.key..]
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                format!(" ON CONFLICT ({target}) DO UPDATE SET {}", set.join(", "))
            }
            Write::Keep => format!(" ON CONFLICT ({target}) DO NOTHING"),
            Write::Append => String::new(),
        };
        match tx {
            Tx::Postgres(c) if copy => {
                let sql = format!("COPY {} ({}) FROM STDIN", table.name, names.join(", "));
                let mut copy = c.copy_in_raw(&sql).await?;
                copy.send(text.into_bytes()).await?;
                copy.finish().await?;
            }
            Tx::Postgres(_) => {
                let sql = format!(
                    "INSERT INTO {} ({}) SELECT * FROM {}{conflict}",
                    table.name,
                    names.join(", "),
                    unnest(table.columns)
                );
                tx.exec(&sql, &columns(table.columns, dirty)).await?;
            }
            Tx::Sqlite(_) => {
                let params: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({}){conflict}",
                    table.name,
                    names.join(", "),
                    params.join(", ")
                );
                for row in &dirty {
                    tx.exec(&sql, row).await?;
                }
            }
        }
        Ok(())
    }
}

/// A row's values as a line of `COPY` text (for rows whose fields are not in
/// column order, which [`crate::row::copy_line`] does not take).
fn copy_values(row: &[Val], out: &mut String) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match v {
            Val::Int(n) | Val::OptInt(Some(n)) => out.push_str(itoa::Buffer::new().format(*n)),
            Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Val::Text(s) | Val::OptText(Some(s)) => crate::row::copy_escape(s, out),
            _ => out.push_str("\\N"),
        }
    }
    out.push('\n');
}

/// `UNNEST($1::type[], …)` for the columns, in order.
fn unnest(columns: &[(&str, Kind)]) -> String {
    let args: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, k))| format!("${}::{}", i + 1, k.pg_array()))
        .collect();
    format!("UNNEST({})", args.join(", "))
}

/// Rows turned into one list per column.
fn columns(columns: &[(&str, Kind)], rows: Vec<Vec<Val>>) -> Vec<Val> {
    let n = rows.len();
    let mut out: Vec<Val> = columns
        .iter()
        .map(|(_, kind)| match kind {
            Kind::Int => Val::Ints(Vec::with_capacity(n)),
            Kind::Bool => Val::Bools(Vec::with_capacity(n)),
            Kind::Time => Val::Times(Vec::with_capacity(n)),
            Kind::Text | Kind::Date | Kind::Json => Val::Texts(Vec::with_capacity(n)),
        })
        .collect();
    for row in rows {
        for (list, v) in out.iter_mut().zip(row) {
            match (list, v) {
                (Val::Ints(l), Val::Int(n)) => l.push(Some(n)),
                (Val::Ints(l), Val::OptInt(n)) => l.push(n),
                (Val::Ints(l), _) => l.push(None),
                (Val::Bools(l), Val::Bool(b)) => l.push(Some(b)),
                (Val::Bools(l), _) => l.push(None),
                (Val::Times(l), Val::Text(s) | Val::OptText(Some(s))) => l.push(
                    chrono::DateTime::parse_from_rfc3339(&s)
                        .ok()
                        .map(|t| t.with_timezone(&chrono::Utc)),
                ),
                (Val::Times(l), _) => l.push(None),
                (Val::Texts(l), Val::Text(s)) => l.push(Some(s)),
                (Val::Texts(l), Val::OptText(s)) => l.push(s),
                (Val::Texts(l), _) => l.push(None),
                _ => {}
            }
        }
    }
    out
}

fn bad(table: &Table, message: String) -> sqlx::Error {
    sqlx::Error::Decode(format!("{}: {message}", table.name).into())
}

/// A row's column values, in the table's column order.
fn to_values<R: Record>(table: &Table, row: &R) -> sqlx::Result<Vec<Val>> {
    crate::row::to_values(table, row).map_err(|e| bad(table, e.to_string()))
}

/// A row from its column values, in the table's column order.
fn from_values<R: Record>(table: &Table, values: Vec<Val>) -> sqlx::Result<R> {
    let mut map = Map::new();
    for ((name, kind), v) in table.columns.iter().zip(values) {
        let v = match (kind, v) {
            (Kind::Json, Val::OptText(Some(s)) | Val::Text(s)) => {
                serde_json::from_str(&s).map_err(|e| bad(table, e.to_string()))?
            }
            (_, Val::Int(n) | Val::OptInt(Some(n))) => Value::from(n),
            (_, Val::Text(s) | Val::OptText(Some(s))) => Value::from(s),
            (_, Val::Bool(b)) => Value::from(b),
            _ => Value::Null,
        };
        map.insert((*name).to_string(), v);
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| bad(table, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_its_format_reserves() {
        let rows = vec![
            vec![
                Val::Int(7),
                Val::OptText(Some("a\\b\tc\nd\re × f".into())),
                Val::OptInt(None),
                Val::Bool(false),
            ],
            vec![
                Val::OptInt(Some(-1)),
                Val::OptText(None),
                Val::Text(String::new()),
                Val::Bool(true),
            ],
        ];
        let mut text = String::new();
        for row in &rows {
            copy_values(row, &mut text);
        }
        assert_eq!(text, "7\ta\\\\b\\tc\\nd\\re × f\t\\N\tf\n-1\t\\N\t\tt\n");
    }

    #[derive(Clone, serde::Serialize, serde::Deserialize)]
    struct Entry {
        id: i64,
        note: Option<String>,
        done: bool,
    }

    impl Record for Entry {
        const TABLE: Table = Table {
            name: "entries",
            columns: &[
                ("id", Kind::Int),
                ("note", Kind::Text),
                ("extra", Kind::Json),
                ("done", Kind::Bool),
            ],
            key: 1,
            write: Write::Append,
        };
        type Key = i64;
        fn key(&self) -> i64 {
            self.id
        }
    }

    #[test]
    fn a_row_copies_like_its_values() {
        for entry in [
            Entry {
                id: 1,
                note: Some("tab\there\\".into()),
                done: true,
            },
            Entry {
                id: -2,
                note: None,
                done: false,
            },
        ] {
            let mut direct = String::new();
            crate::row::copy_line(&Entry::TABLE, &entry, &mut direct).unwrap();
            let mut via_values = String::new();
            copy_values(&to_values(&Entry::TABLE, &entry).unwrap(), &mut via_values);
            assert_eq!(direct, via_values);
        }
    }
}
