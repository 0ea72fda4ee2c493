//! Checks a table description ([`Table`]) against the migrated schema of the
//! database at hand: PostgreSQL's `information_schema.columns` or SQLite's
//! `pragma_table_info`.
//!
//! Migrations are the only schema, and each read model describes the tables
//! it writes in its own code; this is where the two are held to each other,
//! so that a renamed column or a changed type shows in a test instead of as a
//! failed step (or a value read wrongly) in production.

use super::schema::Table;
use crate::db::{Db, Val};
use serde_json::Value;

/// One way a table description and the migrated schema disagree.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Mismatch {
    #[error("{table}: the table does not exist")]
    NoTable { table: &'static str },
    #[error("{table}.{column}: described, but the table has no such column")]
    NoColumn {
        table: &'static str,
        column: &'static str,
    },
    #[error("{table}.{column}: described as {kind}, but the column is {found}")]
    WrongType {
        table: &'static str,
        column: &'static str,
        kind: String,
        found: String,
    },
    #[error(
        "{table}.{column}: NOT NULL without a default, but not described (no row could be written)"
    )]
    Undescribed { table: &'static str, column: String },
}

/// A column as the migrated schema has it.
struct Column {
    name: String,
    data_type: String,
    /// NOT NULL and without a default: every insert must give it.
    required: bool,
}

/// The columns of `table` as migrated.
async fn columns(db: &Db, table: &str) -> sqlx::Result<Vec<Column>> {
    let sql = match db {
        Db::Postgres(_) => {
            "SELECT column_name::text AS name, data_type::text AS data_type,
                    (is_nullable = 'NO' AND column_default IS NULL) AS required
               FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = $1"
        }
        Db::Sqlite(_) => {
            "SELECT name, type AS data_type, (\"notnull\" = 1 AND dflt_value IS NULL) AS required
               FROM pragma_table_info($1)"
        }
    };
    let rows = db.rows(sql, &[Val::from(table)]).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Column {
                name: text(&r, "name")?,
                data_type: text(&r, "data_type")?,
                // A boolean on PostgreSQL, 0 or 1 on SQLite.
                required: match r.get("required") {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::Number(n)) if n.as_i64() == Some(0) => false,
                    Some(Value::Number(n)) if n.as_i64() == Some(1) => true,
                    other => return Err(bad("required", other)),
                },
            })
        })
        .collect()
}

/// A value of the schema query that is not what it selects.
#[derive(Debug, thiserror::Error)]
#[error("the schema query gave {column} = {value}")]
struct BadSchemaRow {
    column: &'static str,
    value: String,
}

fn bad(column: &'static str, value: Option<&Value>) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(BadSchemaRow {
        column,
        value: value.map_or("nothing".into(), Value::to_string),
    }))
}

fn text(row: &serde_json::Map<String, Value>, key: &'static str) -> sqlx::Result<String> {
    match row.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        other => Err(bad(key, other)),
    }
}

/// Every way `table` disagrees with the schema of `db` (none: it agrees). A
/// described column must exist with a type that holds its kind, and every
/// column an insert must give must be described.
pub async fn check(db: &Db, table: &'static Table) -> sqlx::Result<Vec<Mismatch>> {
    let migrated = columns(db, table.name).await?;
    if migrated.is_empty() {
        return Ok(vec![Mismatch::NoTable { table: table.name }]);
    }
    let mut out = Vec::new();
    for &(column, kind) in table.columns {
        let Some(found) = migrated.iter().find(|c| c.name == column) else {
            out.push(Mismatch::NoColumn {
                table: table.name,
                column,
            });
            continue;
        };
        let fits = match db {
            Db::Postgres(_) => kind.fits_pg(&found.data_type),
            Db::Sqlite(_) => kind.fits_sqlite(&found.data_type),
        };
        if !fits {
            out.push(Mismatch::WrongType {
                table: table.name,
                column,
                kind: format!("{kind:?}"),
                found: found.data_type.clone(),
            });
        }
    }
    for c in migrated {
        if c.required && table.kind(&c.name).is_none() {
            out.push(Mismatch::Undescribed {
                table: table.name,
                column: c.name,
            });
        }
    }
    Ok(out)
}
