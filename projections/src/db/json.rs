//! A row of any query as a JSON object (column name → value), for exports,
//! the API's reads and comparisons: by the column's type on PostgreSQL, by
//! each value's storage class on SQLite. A value that cannot be read is an
//! error naming its column, never a null.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

/// Why a column of a query's row could not be read as JSON.
#[derive(Debug, thiserror::Error)]
pub enum ColumnError {
    #[error(
        "column {column:?} is of type {type_name}, which is not read as JSON; cast it in the query"
    )]
    Unsupported { column: String, type_name: String },
    #[error("column {column:?} ({type_name}) cannot be read: {cause}")]
    Decode {
        column: String,
        type_name: String,
        #[source]
        cause: sqlx::Error,
    },
    #[error("column {column:?} holds the decimal {value}, which is not a JSON number")]
    Decimal { column: String, value: String },
}

impl From<ColumnError> for sqlx::Error {
    fn from(e: ColumnError) -> Self {
        sqlx::Error::Decode(Box::new(e))
    }
}

/// A row as JSON, whatever its column types (for exports and comparisons).
/// A value that cannot be read is an error naming its column, never a null.
pub(super) fn pg_row_json(
    row: &PgRow,
) -> Result<serde_json::Map<String, serde_json::Value>, ColumnError> {
    use serde_json::Value;
    use sqlx::{Column, TypeInfo};
    let mut out = serde_json::Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let type_name = col.type_info().name();
        let failed = |cause| ColumnError::Decode {
            column: col.name().to_string(),
            type_name: type_name.to_string(),
            cause,
        };
        let v = match type_name {
            "INT2" => row
                .try_get::<Option<i16>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            "INT4" => row
                .try_get::<Option<i32>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            "INT8" => row
                .try_get::<Option<i64>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            "FLOAT4" => row
                .try_get::<Option<f32>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            "FLOAT8" => row
                .try_get::<Option<f64>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            // Exact decimals (ratios in analytics views) stay exact: JSON numbers
            // written from their decimal text.
            "NUMERIC" => match row
                .try_get::<Option<rust_decimal::Decimal>, _>(i)
                .map_err(failed)?
            {
                Some(d) => {
                    let text = d.normalize().to_string();
                    Some(serde_json::from_str::<Value>(&text).map_err(|_| {
                        ColumnError::Decimal {
                            column: col.name().to_string(),
                            value: text,
                        }
                    })?)
                }
                None => None,
            },
            "BOOL" => row
                .try_get::<Option<bool>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            "JSON" | "JSONB" => row.try_get::<Option<Value>, _>(i).map_err(failed)?,
            "TIMESTAMPTZ" => row
                .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(i)
                .map_err(failed)?
                .map(|t| Value::from(crate::time::format(t))),
            "DATE" => row
                .try_get::<Option<chrono::NaiveDate>, _>(i)
                .map_err(failed)?
                .map(|d| Value::from(d.to_string())),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => row
                .try_get::<Option<String>, _>(i)
                .map_err(failed)?
                .map(Value::from),
            _ => {
                return Err(ColumnError::Unsupported {
                    column: col.name().to_string(),
                    type_name: type_name.to_string(),
                })
            }
        };
        out.insert(col.name().to_string(), v.unwrap_or(Value::Null));
    }
    Ok(out)
}

/// A row as JSON by the storage class of each value: SQLite has no column
/// types to go by. Text stays a string even when it looks like JSON: which
/// columns hold JSON is known from their table's description
/// ([`crate::storage::row::parse_json_columns`]), not guessed from the text.
pub(super) fn sqlite_row_json(
    row: &SqliteRow,
) -> Result<serde_json::Map<String, serde_json::Value>, ColumnError> {
    use serde_json::Value;
    use sqlx::{Column, TypeInfo, ValueRef};
    let mut out = serde_json::Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let failed = |type_name: &str, cause| ColumnError::Decode {
            column: col.name().to_string(),
            type_name: type_name.to_string(),
            cause,
        };
        let raw = row.try_get_raw(i).map_err(|e| failed("?", e))?;
        let v = if raw.is_null() {
            Value::Null
        } else {
            let class = raw.type_info().name().to_string();
            match class.as_str() {
                "INTEGER" => Value::from(row.try_get::<i64, _>(i).map_err(|e| failed(&class, e))?),
                // Ratios of the analytics views are REAL on SQLite.
                "REAL" => Value::from(row.try_get::<f64, _>(i).map_err(|e| failed(&class, e))?),
                "TEXT" => Value::from(row.try_get::<String, _>(i).map_err(|e| failed(&class, e))?),
                _ => {
                    return Err(ColumnError::Unsupported {
                        column: col.name().to_string(),
                        type_name: class,
                    })
                }
            }
        };
        out.insert(col.name().to_string(), v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::ColumnError;
    use crate::db::Db;
    use serde_json::json;

    async fn sqlite() -> Db {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        Db::Sqlite(pool)
    }

    #[tokio::test]
    async fn sqlite_text_that_looks_like_json_stays_text() {
        let db = sqlite().await;
        let rows = db
            .rows(
                r#"SELECT '[1,2]' AS list, '{"a":1}' AS object, 7 AS n, round(2.0 / 3, 4) AS ratio, NULL AS missing"#,
                &[],
            )
            .await
            .unwrap();
        assert_eq!(
            serde_json::Value::Object(rows[0].clone()),
            json!({ "list": "[1,2]", "object": "{\"a\":1}", "n": 7, "ratio": 0.6667, "missing": null })
        );
    }

    #[tokio::test]
    async fn a_value_sqlite_cannot_give_as_json_is_an_error_naming_its_column() {
        let db = sqlite().await;
        let err = db.rows("SELECT x'00ff' AS bytes", &[]).await.unwrap_err();
        let sqlx::Error::Decode(cause) = err else {
            panic!("{err:?}")
        };
        assert!(matches!(
            cause.downcast_ref::<ColumnError>(),
            Some(ColumnError::Unsupported { column, .. }) if column == "bytes"
        ));
    }
}
