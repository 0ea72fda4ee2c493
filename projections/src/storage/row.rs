//! A read-model row turned into its column values and back.
//!
//! Writing goes through serde, field by field, with nothing in between: each
//! field of the row struct lands in the column of the same name, typed by the
//! column's [`Kind`]; `Json` columns hold the field's JSON text. The values go
//! either into a list ([`to_values`]) or, through the serializer's `Cells`
//! trait (`ser.rs`), straight into a line of `COPY` text ([`super::copy`]). Reading ([`from_values`])
//! checks every value against its column's kind: a value that does not fit is
//! an error naming the table and column, never a null or a default.

use super::schema::{Kind, Table};
use crate::db::Val;
use serde::de::DeserializeOwned;
use serde::ser::{self, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Why a field could not be turned into a column value.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("a row must be a struct")]
    NotAStruct,
    #[error("fields are not in column order")]
    OutOfOrder,
    #[error("{0} does not fit a bigint")]
    TooBig(String),
    #[error("floats are not stored")]
    Float,
    #[error("a compound value needs a Json column")]
    Compound,
    #[error("{field}: {cause}")]
    Field {
        field: &'static str,
        #[source]
        cause: Box<FieldError>,
    },
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A message of the row type's own `Serialize`.
    #[error("{0}")]
    Custom(String),
}

impl ser::Error for FieldError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        FieldError::Custom(msg.to_string())
    }
}

/// Why a row could not be written or read: always named by its table, and by
/// its column where one is to blame.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("{table}: a row cannot be written: {cause}")]
    Encode {
        table: &'static str,
        #[source]
        cause: FieldError,
    },
    #[error("{table}.{column}: a {kind:?} column holds {found}")]
    Mismatch {
        table: &'static str,
        column: &'static str,
        kind: Kind,
        found: &'static str,
    },
    #[error("{table}.{column}: the stored value cannot be read: {cause}")]
    Column {
        table: &'static str,
        column: &'static str,
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{table}.{column}: stored JSON cannot be read: {cause}")]
    Json {
        table: &'static str,
        column: &'static str,
        #[source]
        cause: serde_json::Error,
    },
    #[error("{table}: a stored row does not fit its struct: {cause}")]
    Struct {
        table: &'static str,
        #[source]
        cause: serde_json::Error,
    },
    #[error("{table}: {values} values for {columns} columns")]
    Width {
        table: &'static str,
        values: usize,
        columns: usize,
    },
}

/// Read models answer with `sqlx` errors; a row error travels inside one as
/// its cause.
impl From<RowError> for sqlx::Error {
    fn from(e: RowError) -> Self {
        match e {
            RowError::Encode { .. } => sqlx::Error::Encode(Box::new(e)),
            _ => sqlx::Error::Decode(Box::new(e)),
        }
    }
}

/// The null of a column of `kind`.
pub(super) fn null(kind: Kind) -> Val {
    match kind {
        Kind::Int | Kind::Bool => Val::OptInt(None),
        Kind::Text | Kind::Time | Kind::Date | Kind::Json => Val::OptText(None),
    }
}

/// A row's column values, in the table's column order (missing fields are null).
pub fn to_values<R: Serialize>(table: &Table, row: &R) -> Result<Vec<Val>, RowError> {
    let mut values = super::ser::Values {
        values: table.columns.iter().map(|(_, k)| null(*k)).collect(),
        at: 0,
    };
    super::ser::write(table, row, &mut values).map_err(|cause| RowError::Encode {
        table: table.name,
        cause,
    })?;
    Ok(values.values)
}

/// A row from its column values, in the table's column order. Every value
/// must fit its column's kind (null fits any); JSON columns are parsed.
pub fn from_values<R: DeserializeOwned>(table: &Table, values: Vec<Val>) -> Result<R, RowError> {
    if values.len() != table.columns.len() {
        return Err(RowError::Width {
            table: table.name,
            values: values.len(),
            columns: table.columns.len(),
        });
    }
    let mut map = Map::new();
    for (&(column, kind), v) in table.columns.iter().zip(values) {
        let mismatch = |found| RowError::Mismatch {
            table: table.name,
            column,
            kind,
            found,
        };
        let v = match (kind, v) {
            (_, Val::OptInt(None) | Val::OptText(None)) => Value::Null,
            (Kind::Int, Val::Int(n) | Val::OptInt(Some(n))) => Value::from(n),
            (Kind::Bool, Val::Bool(b)) => Value::from(b),
            (Kind::Json, Val::Text(s) | Val::OptText(Some(s))) => serde_json::from_str(&s)
                .map_err(|cause| RowError::Json {
                    table: table.name,
                    column,
                    cause,
                })?,
            (Kind::Text | Kind::Time | Kind::Date, Val::Text(s) | Val::OptText(Some(s))) => {
                Value::from(s)
            }
            (_, Val::Int(_) | Val::OptInt(Some(_))) => return Err(mismatch("an integer")),
            (_, Val::Bool(_)) => return Err(mismatch("a boolean")),
            (_, Val::Text(_) | Val::OptText(Some(_))) => return Err(mismatch("text")),
            (_, Val::Ints(_) | Val::Texts(_) | Val::Bools(_) | Val::Times(_)) => {
                return Err(mismatch("a list"))
            }
        };
        map.insert(column.to_string(), v);
    }
    serde_json::from_value(Value::Object(map)).map_err(|cause| RowError::Struct {
        table: table.name,
        cause,
    })
}

/// Names the column of a decode error of a query that selected `table`'s
/// columns in order (sqlx names it by its index only).
pub fn name_column(table: &Table, e: sqlx::Error) -> sqlx::Error {
    match e {
        sqlx::Error::ColumnDecode { index, source } => {
            let column = index
                .trim_matches('"')
                .parse::<usize>()
                .ok()
                .and_then(|i| table.columns.get(i));
            match column {
                Some(&(column, _)) => RowError::Column {
                    table: table.name,
                    column,
                    cause: source,
                }
                .into(),
                // Not an index of ours: the error as sqlx gave it.
                None => sqlx::Error::ColumnDecode { index, source },
            }
        }
        e => e,
    }
}

/// Reads the JSON text of `table`'s `Json` columns in a row a query returned
/// (SQLite keeps JSON as text; PostgreSQL's `jsonb` comes back parsed and is
/// left alone), so both stores answer alike. Text that is not JSON is an
/// error naming its column.
pub fn parse_json_columns(table: &Table, row: &mut Map<String, Value>) -> Result<(), RowError> {
    for &(column, kind) in table.columns {
        if kind != Kind::Json {
            continue;
        }
        if let Some(Value::String(text)) = row.get(column) {
            let parsed = serde_json::from_str(text).map_err(|cause| RowError::Json {
                table: table.name,
                column,
                cause,
            })?;
            row.insert(column.to_string(), parsed);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::schema::Write;

    #[derive(serde::Serialize, Clone)]
    struct Sample {
        id: String,
        count: i64,
        small: u32,
        flag: bool,
        missing: Option<i64>,
        names: std::collections::BTreeMap<String, String>,
        none_json: Option<Vec<i64>>,
        not_a_column: String,
    }

    const SAMPLE: Table = Table {
        name: "sample",
        columns: &[
            ("id", Kind::Text),
            ("flag", Kind::Bool),
            ("count", Kind::Int),
            ("small", Kind::Int),
            ("missing", Kind::Int),
            ("names", Kind::Json),
            ("none_json", Kind::Json),
            ("absent", Kind::Time),
        ],
        key: 1,
        write: Write::Upsert,
    };

    #[test]
    fn fields_land_in_their_columns_whatever_their_order() {
        let row = Sample {
            id: "a".into(),
            count: -3,
            small: 7,
            flag: true,
            missing: None,
            names: [("en".to_string(), "Tea".to_string())].into(),
            none_json: None,
            not_a_column: "x".into(),
        };
        let values = to_values(&SAMPLE, &row).unwrap();
        assert_eq!(
            values,
            vec![
                Val::OptText(Some("a".into())),
                Val::Bool(true),
                Val::Int(-3),
                Val::Int(7),
                Val::OptInt(None),
                Val::OptText(Some(r#"{"en":"Tea"}"#.into())),
                Val::OptText(None),
                Val::OptText(None),
            ]
        );
    }

    #[test]
    fn a_compound_value_outside_a_json_column_is_refused() {
        #[derive(serde::Serialize)]
        struct Bad {
            id: Vec<i64>,
        }
        let err = to_values(&SAMPLE, &Bad { id: vec![1] }).unwrap_err();
        let RowError::Encode {
            table: "sample",
            cause: FieldError::Field { field: "id", cause },
        } = err
        else {
            panic!("{err:?}")
        };
        assert!(matches!(*cause, FieldError::Compound), "{cause:?}");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Back {
        id: String,
        flag: bool,
        count: i64,
        names: serde_json::Value,
        missing: Option<i64>,
    }

    const BACK: Table = Table {
        name: "back",
        columns: &[
            ("id", Kind::Text),
            ("flag", Kind::Bool),
            ("count", Kind::Int),
            ("names", Kind::Json),
            ("missing", Kind::Int),
        ],
        key: 1,
        write: Write::Upsert,
    };

    fn stored(count: Val, names: &str) -> Vec<Val> {
        vec![
            Val::OptText(Some("a".into())),
            Val::Bool(true),
            count,
            Val::OptText(Some(names.into())),
            Val::OptInt(None),
        ]
    }

    #[test]
    fn stored_values_come_back_as_the_row() {
        let row: Back = from_values(&BACK, stored(Val::OptInt(Some(3)), r#"["x"]"#)).unwrap();
        assert_eq!(
            row,
            Back {
                id: "a".into(),
                flag: true,
                count: 3,
                names: serde_json::json!(["x"]),
                missing: None,
            }
        );
    }

    #[test]
    fn a_value_that_does_not_fit_its_column_is_an_error_naming_it() {
        let err = from_values::<Back>(&BACK, stored(Val::OptText(Some("3".into())), "[]"));
        assert!(matches!(
            err,
            Err(RowError::Mismatch {
                table: "back",
                column: "count",
                kind: Kind::Int,
                found: "text"
            })
        ));
        let err = from_values::<Back>(&BACK, stored(Val::OptInt(Some(3)), "[1,"));
        assert!(matches!(
            err,
            Err(RowError::Json {
                table: "back",
                column: "names",
                ..
            })
        ));
        // A null where the struct wants a value is not a default.
        let err = from_values::<Back>(&BACK, stored(Val::OptInt(None), "[]"));
        assert!(matches!(err, Err(RowError::Struct { table: "back", .. })));
        let err = from_values::<Back>(&BACK, vec![Val::OptInt(None)]);
        assert!(matches!(err, Err(RowError::Width { values: 1, .. })));
    }
}
