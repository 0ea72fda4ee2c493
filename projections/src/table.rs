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

/// From this many rows on, rows that cannot clash are written with `COPY`,
/// which costs one more round trip than an `INSERT` but less per row.
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

/// What a held row needs written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// As stored.
    Clean,
    /// Changed, or added under a key that may be stored: written with
    /// `ON CONFLICT`.
    Changed,
    /// Added under a key that cannot be stored yet ([`Rows::create`]):
    /// inserted as it is.
    New,
}

/// The rows of one table that a step has loaded or changed.
pub struct Rows<R: Record> {
    /// Each held row and what it needs written.
    rows: BTreeMap<R::Key, (R, State)>,
    gone: BTreeMap<R::Key, R>,
    /// Keys of new rows removed again: still not stored.
    absent: BTreeSet<R::Key>,
    /// Rows of an appended table, written as they are (see [`Rows::append`]).
    appended: Vec<R>,
}

impl<R: Record> Default for Rows<R> {
    fn default() -> Self {
        Rows {
            rows: BTreeMap::new(),
            gone: BTreeMap::new(),
            absent: BTreeSet::new(),
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
                self.rows.entry(key).or_insert((row, State::Clean));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &R::Key) -> Option<&R> {
        self.rows.get(key).map(|(row, _)| row)
    }

    /// The row to change; it is written back on [`Rows::flush`].
    pub fn get_mut(&mut self, key: &R::Key) -> Option<&mut R> {
        let (row, state) = self.rows.get_mut(key)?;
        if *state == State::Clean {
            *state = State::Changed;
        }
        Some(row)
    }

    /// Adds or replaces a row.
    pub fn put(&mut self, row: R) {
        let key = row.key();
        if !self.gone.is_empty() {
            self.gone.remove(&key);
        }
        let absent = !self.absent.is_empty() && self.absent.remove(&key);
        match self.rows.entry(key) {
            // Still not stored, whatever it holds now.
            Entry::Occupied(mut held) if held.get().1 == State::New => held.get_mut().0 = row,
            Entry::Occupied(mut held) => *held.get_mut() = (row, State::Changed),
            Entry::Vacant(slot) => {
                slot.insert((row, if absent { State::New } else { State::Changed }));
            }
        }
    }

    /// Adds a row unless one with its key is held.
    pub fn put_new(&mut self, row: R) {
        if let Entry::Vacant(slot) = self.rows.entry(row.key()) {
            if !self.gone.is_empty() {
                self.gone.remove(slot.key());
            }
            let absent = !self.absent.is_empty() && self.absent.remove(slot.key());
            slot.insert((row, if absent { State::New } else { State::Changed }));
        }
    }

    /// Adds a row that cannot be stored yet: its key comes from an event of
    /// this step that creates it (an order's or a user's first event, say),
    /// and each event is applied once. It is inserted without `ON CONFLICT`
    /// (many at once with `COPY`), so a clash is an error. Later events of
    /// the step may still change it.
    pub fn create(&mut self, row: R) {
        let key = row.key();
        // A row removed in this step was stored, or may have been.
        self.absent.remove(&key);
        let state = if self.gone.remove(&key).is_some() {
            State::Changed
        } else {
            State::New
        };
        self.rows.insert(key, (row, state));
    }

    /// Adds a row of an appended table ([`Write::Append`]): its key is new by
    /// construction, so the row is neither looked up nor held by key.
    pub fn append(&mut self, row: R) {
        debug_assert_eq!(R::TABLE.write, Write::Append);
        self.appended.push(row);
    }

    /// Removes a row: it is deleted on [`Rows::flush`] unless it was new
    /// (then there is nothing stored to delete, and its key stays free).
    pub fn remove(&mut self, key: &R::Key) {
        match self.rows.remove(key) {
            Some((_, State::New)) => {
                self.absent.insert(key.clone());
            }
            Some((row, _)) => {
                self.gone.insert(key.clone(), row);
            }
            None => {}
        }
    }

    /// The keys of the held rows in a range of keys (an order's lines, say).
    pub fn keys_in(&self, range: impl std::ops::RangeBounds<R::Key>) -> Vec<R::Key> {
        self.rows.range(range).map(|(k, _)| k.clone()).collect()
    }

    /// Writes every change: removed rows are deleted, new and appended rows
    /// inserted, and changed rows written with `ON CONFLICT`; one statement
    /// each on PostgreSQL.
    pub async fn flush(&mut self, tx: &mut Tx<'_>) -> sqlx::Result<()> {
        self.absent.clear();
        let gone = std::mem::take(&mut self.gone);
        if !gone.is_empty() {
            delete(tx, gone.values()).await?;
        }
        let appended = std::mem::take(&mut self.appended);
        let (mut new, mut changed) = (Vec::new(), Vec::new());
        for (row, state) in self.rows.values_mut() {
            match std::mem::replace(state, State::Clean) {
                State::Clean => {}
                State::Changed => changed.push(&*row),
                State::New => new.push(&*row),
            }
        }
        new.extend(&appended);
        insert(tx, &new, "").await?;
        if changed.is_empty() {
            return Ok(());
        }
        insert(tx, &changed, &on_conflict(&R::TABLE)).await
    }
}

/// The `ON CONFLICT` clause that writes a row over a stored one as `table`
/// wants it.
fn on_conflict(table: &Table) -> String {
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let target = names[..table.key].join(", ");
    match table.write {
        Write::Upsert => {
            let set: Vec<String> = names[table.key..]
                .iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            format!(" ON CONFLICT ({target}) DO UPDATE SET {}", set.join(", "))
        }
        Write::Keep => format!(" ON CONFLICT ({target}) DO NOTHING"),
        Write::Append => String::new(),
    }
}

/// Deletes the rows with the keys of `rows`.
async fn delete<'a, R: Record + 'a>(
    tx: &mut Tx<'_>,
    rows: impl Iterator<Item = &'a R>,
) -> sqlx::Result<()> {
    let table = &R::TABLE;
    let keys: Vec<Vec<Val>> = rows
        .map(|r| {
            to_values(table, r).map(|mut v| {
                v.truncate(table.key);
                v
            })
        })
        .collect::<sqlx::Result<_>>()?;
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
    Ok(())
}

/// Inserts `rows`, each statement ending with `conflict`. Without one (rows
/// that cannot clash), many rows go in with `COPY` on PostgreSQL.
async fn insert<R: Record>(tx: &mut Tx<'_>, rows: &[&R], conflict: &str) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let table = &R::TABLE;
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    match tx {
        Tx::Postgres(c) if conflict.is_empty() && rows.len() >= COPY_FROM => {
            let mut text = String::new();
            for row in rows {
                if crate::row::copy_line(table, row, &mut text).is_err() {
                    copy_values(&to_values(table, *row)?, &mut text);
                }
            }
            let sql = format!("COPY {} ({}) FROM STDIN", table.name, names.join(", "));
            let mut copy = c.copy_in_raw(&sql).await?;
            copy.send(text.into_bytes()).await?;
            copy.finish().await?;
        }
        Tx::Postgres(_) => {
            let values: Vec<Vec<Val>> = rows
                .iter()
                .map(|r| to_values(table, *r))
                .collect::<sqlx::Result<_>>()?;
            let sql = format!(
                "INSERT INTO {} ({}) SELECT * FROM {}{conflict}",
                table.name,
                names.join(", "),
                unnest(table.columns)
            );
            tx.exec(&sql, &columns(table.columns, values)).await?;
        }
        Tx::Sqlite(_) => {
            let params: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({}){conflict}",
                table.name,
                names.join(", "),
                params.join(", ")
            );
            for row in rows {
                tx.exec(&sql, &to_values(table, *row)?).await?;
            }
        }
    }
    Ok(())
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
    use crate::db::Conn;

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
            write: Write::Upsert,
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

    /// An in-memory SQLite database with the test table, and one connection.
    async fn entries_db() -> Conn {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let db = crate::Db::Sqlite(pool);
        db.exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, note TEXT, extra TEXT, done INTEGER NOT NULL)",
            &[],
        )
        .await
        .unwrap();
        db.connect().await.unwrap()
    }

    async fn write(conn: &mut Conn, change: impl FnOnce(&mut Rows<Entry>)) -> sqlx::Result<()> {
        let mut tx = Tx::begin(conn).await?;
        let mut rows = Rows::<Entry>::new();
        rows.load(&mut tx, "id", Val::Ints(vec![Some(1)])).await?;
        change(&mut rows);
        let written = rows.flush(&mut tx).await;
        match written {
            Ok(()) => tx.commit().await,
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    async fn note(conn: &mut Conn) -> Vec<Option<String>> {
        let mut tx = Tx::begin(conn).await.unwrap();
        let rows = tx
            .select("SELECT note FROM entries ORDER BY id", &[], &[Kind::Text])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        rows.into_iter()
            .map(|r| match &r[..] {
                [Val::OptText(t)] => t.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn entry(id: i64, note: &str) -> Entry {
        Entry {
            id,
            note: Some(note.into()),
            done: false,
        }
    }

    #[tokio::test]
    async fn a_created_row_is_inserted_as_it_is_and_may_not_clash() {
        let mut conn = entries_db().await;
        // Created, then changed by a later event of the same step.
        write(&mut conn, |rows| {
            rows.create(entry(1, "new"));
            rows.get_mut(&1).unwrap().note = Some("changed".into());
        })
        .await
        .unwrap();
        assert_eq!(note(&mut conn).await, vec![Some("changed".to_string())]);
        // A second creation under a stored key is an error, and writes nothing.
        let clash = write(&mut conn, |rows| rows.create(entry(1, "again"))).await;
        assert!(clash.is_err());
        assert_eq!(note(&mut conn).await, vec![Some("changed".to_string())]);
        // Removed and made again in one step: the stored row is replaced.
        write(&mut conn, |rows| {
            rows.remove(&1);
            rows.create(entry(1, "replaced"));
        })
        .await
        .unwrap();
        assert_eq!(note(&mut conn).await, vec![Some("replaced".to_string())]);
        // A new row removed and put again within the step is written once.
        write(&mut conn, |rows| {
            rows.create(entry(2, "two"));
            rows.remove(&2);
            rows.put(entry(2, "two again"));
        })
        .await
        .unwrap();
        assert_eq!(
            note(&mut conn).await,
            vec![Some("replaced".to_string()), Some("two again".to_string())]
        );
    }
}
