//! The batched statements that write a step's rows of one table: on
//! PostgreSQL one `DELETE … WHERE (key) IN (SELECT * FROM UNNEST(…))` for the
//! removed rows and one `INSERT … SELECT * FROM UNNEST(…) ON CONFLICT` for the
//! changed ones, each column bound as one array; many rows that cannot clash
//! go in with `COPY` instead ([`super::copy`]). SQLite, which has no round
//! trips to save, runs the same statements per row.

use super::copy::{copy_in, COPY_FROM};
use super::row::{to_values, RowError};
use super::schema::{Kind, Record, Table, Write};
use crate::db::{Tx, Val};

/// The `ON CONFLICT` clause that writes a row over a stored one as `table`
/// wants it. An upsert leaves a stored row that already holds the same values
/// alone: a rebuild over rows that are kept (the outbox's) then writes nothing
/// that is already right, and no row version or WAL is spent on it.
pub(super) fn on_conflict(table: &Table, sqlite: bool) -> String {
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let target = names[..table.key].join(", ");
    match table.write {
        Write::Upsert | Write::Refresh => {
            let rest = &names[table.key..];
            let set: Vec<String> = rest.iter().map(|c| format!("{c} = excluded.{c}")).collect();
            let stored: Vec<String> = rest.iter().map(|c| format!("{}.{c}", table.name)).collect();
            let given: Vec<String> = rest.iter().map(|c| format!("excluded.{c}")).collect();
            let differs = if sqlite { "IS NOT" } else { "IS DISTINCT FROM" };
            format!(
                " ON CONFLICT ({target}) DO UPDATE SET {} WHERE ({}) {differs} ({})",
                set.join(", "),
                stored.join(", "),
                given.join(", ")
            )
        }
        Write::Keep => format!(" ON CONFLICT ({target}) DO NOTHING"),
        Write::Append => String::new(),
    }
}

/// Deletes the rows with the keys of `rows`.
pub(super) async fn delete<'a, R: Record + 'a>(
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
        .collect::<Result<_, RowError>>()?;
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
            tx.exec(&sql, &columns(table, key_columns, keys)?).await?;
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
pub(super) async fn insert<R: Record>(
    tx: &mut Tx<'_>,
    rows: &[&R],
    conflict: &str,
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let table = &R::TABLE;
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    match tx {
        Tx::Postgres(c) if conflict.is_empty() && rows.len() >= COPY_FROM => {
            copy_in(c, rows).await?;
        }
        Tx::Postgres(_) => {
            let values: Vec<Vec<Val>> = rows
                .iter()
                .map(|r| to_values(table, *r))
                .collect::<Result<_, RowError>>()?;
            let sql = format!(
                "INSERT INTO {} ({}) SELECT * FROM {}{}{conflict}",
                table.name,
                names.join(", "),
                unnest(table.columns),
                unchanged_left_out(table),
            );
            tx.exec(&sql, &columns(table, table.columns, values)?)
                .await?;
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

/// `UNNEST($1::type[], …)` for the columns, in order.
/// For a [`Write::Refresh`] table, the clause that leaves out the given rows
/// (`UNNEST(…) AS given`) the table already holds with the same values: an
/// index lookup each, no lock.
fn unchanged_left_out(table: &Table) -> String {
    if table.write != Write::Refresh {
        return String::new();
    }
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let list = |of: &str, columns: &[&str]| {
        columns
            .iter()
            .map(|c| format!("{of}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (key, rest) = names.split_at(table.key);
    let same_rest = match rest {
        [] => String::new(),
        rest => format!(
            " AND ({}) IS NOT DISTINCT FROM ({})",
            list("stored", rest),
            list("given", rest)
        ),
    };
    format!(
        " AS given({}) WHERE NOT EXISTS (SELECT 1 FROM {} AS stored WHERE ({}) = ({}){same_rest})",
        names.join(", "),
        table.name,
        list("stored", key),
        list("given", key),
    )
}

fn unnest(columns: &[(&str, Kind)]) -> String {
    let args: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, k))| format!("${}::{}", i + 1, k.pg_array()))
        .collect();
    format!("UNNEST({})", args.join(", "))
}

/// Rows turned into one list per column. A value that does not fit its
/// column's kind is an error, never a null.
fn columns(
    table: &Table,
    columns: &[(&'static str, Kind)],
    rows: Vec<Vec<Val>>,
) -> Result<Vec<Val>, RowError> {
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
        for ((list, v), &(column, kind)) in out.iter_mut().zip(row).zip(columns) {
            let mismatch = |found| RowError::Mismatch {
                table: table.name,
                column,
                kind,
                found,
            };
            match (list, v) {
                (l, Val::OptInt(None) | Val::OptText(None)) => match l {
                    Val::Ints(l) => l.push(None),
                    Val::Bools(l) => l.push(None),
                    Val::Times(l) => l.push(None),
                    Val::Texts(l) => l.push(None),
                    _ => return Err(mismatch("a list")),
                },
                (Val::Ints(l), Val::Int(n) | Val::OptInt(Some(n))) => l.push(Some(n)),
                (Val::Bools(l), Val::Bool(b)) => l.push(Some(b)),
                (Val::Times(l), Val::Text(s) | Val::OptText(Some(s))) => {
                    let t = chrono::DateTime::parse_from_rfc3339(&s)
                        .map_err(|_| mismatch("text that is not an RFC 3339 time"))?;
                    l.push(Some(t.with_timezone(&chrono::Utc)))
                }
                (Val::Texts(l), Val::Text(s) | Val::OptText(Some(s))) => l.push(Some(s)),
                (_, Val::Int(_) | Val::OptInt(Some(_))) => return Err(mismatch("an integer")),
                (_, Val::Bool(_)) => return Err(mismatch("a boolean")),
                (_, Val::Text(_) | Val::OptText(Some(_))) => return Err(mismatch("text")),
                (_, Val::Ints(_) | Val::Texts(_) | Val::Bools(_) | Val::Times(_)) => {
                    return Err(mismatch("a list"))
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTES: Table = Table {
        name: "notes",
        columns: &[("id", Kind::Text), ("text", Kind::Text), ("n", Kind::Int)],
        key: 1,
        write: Write::Refresh,
    };

    #[test]
    fn a_refreshed_table_leaves_out_the_rows_it_holds_unchanged() {
        assert_eq!(
            unchanged_left_out(&NOTES),
            " AS given(id, text, n) WHERE NOT EXISTS (SELECT 1 FROM notes AS stored \
             WHERE (stored.id) = (given.id) \
             AND (stored.text, stored.n) IS NOT DISTINCT FROM (given.text, given.n))"
        );
        // The rest of the statement is an upsert's.
        let upsert = Table {
            write: Write::Upsert,
            ..NOTES
        };
        assert_eq!(on_conflict(&NOTES, false), on_conflict(&upsert, false));
        assert_eq!(unchanged_left_out(&upsert), "");
        // A table that is all key: present is unchanged.
        let keys = Table {
            columns: &[("id", Kind::Text)],
            ..NOTES
        };
        assert_eq!(
            unchanged_left_out(&keys),
            " AS given(id) WHERE NOT EXISTS (SELECT 1 FROM notes AS stored WHERE (stored.id) = (given.id))"
        );
    }
}
