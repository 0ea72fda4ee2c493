//! Read-model rows in batches.
//!
//! A read model applies a whole step's events in memory: it loads the rows the
//! events touch with one query per table ([`Rows::load`]), changes them, and
//! writes every changed row back with a few statements per table
//! ([`Rows::flush`], see [`super::statements`]). Rows are
//! described by their [`Record::TABLE`] and turned into column values and back
//! by [`super::row`].

use super::row::{from_values, name_column};
use super::schema::{Kind, Record, Write};
use super::statements::{delete, insert, on_conflict};
use crate::db::{Tx, Val};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

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
        let stored = tx
            .select(&sql, &[keys], &kinds)
            .await
            .map_err(|e| name_column(table, e))?;
        for values in stored {
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
        let sqlite = matches!(tx, Tx::Sqlite(_));
        insert(tx, &changed, &on_conflict(&R::TABLE, sqlite)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Conn;
    use crate::storage::{RowError, Table};

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

    #[tokio::test]
    async fn a_stored_value_that_does_not_fit_its_column_stops_the_load_naming_it() {
        let mut conn = entries_db().await;
        let mut tx = Tx::begin(&mut conn).await.unwrap();
        // SQLite keeps text that is not a number as text, even in an integer column.
        tx.exec(
            "INSERT INTO entries (id, note, done) VALUES (1, 'x', 'yes')",
            &[],
        )
        .await
        .unwrap();
        let mut rows = Rows::<Entry>::new();
        let err = rows
            .load(&mut tx, "id", Val::Ints(vec![Some(1)]))
            .await
            .unwrap_err();
        let sqlx::Error::Decode(cause) = err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(
                cause.downcast_ref::<RowError>(),
                Some(RowError::Column {
                    table: "entries",
                    column: "done",
                    ..
                })
            ),
            "{cause:?}"
        );
        assert!(rows.get(&1).is_none());
    }
}
