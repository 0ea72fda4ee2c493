//! `foodbot export <model> --format csv`: a read model (or one of its tables,
//! or an analytics view) as CSV with a header row.

use foodbot_projections::{Db, Model};
use serde_json::Value;

/// Tables and views that may be exported, besides the models' own tables.
const VIEWS: [&str; 7] = [
    "staff_queue",
    "sales_by_item_day",
    "sales_by_category_day",
    "sales_by_hour",
    "funnel_daily",
    "repeat_customers",
    "prep_times_daily",
];

fn resolve(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    if let Some(m) = Model::parse(name) {
        let (table, order) = m.tables()[0];
        return Some((table, Some(order)));
    }
    for m in Model::ALL {
        if let Some((table, order)) = m.tables().iter().find(|(t, _)| *t == name) {
            return Some((table, Some(order)));
        }
    }
    VIEWS.iter().find(|v| **v == name).map(|v| (*v, None))
}

pub async fn csv(db: &Db, name: &str, out: impl std::io::Write) -> anyhow::Result<()> {
    let (table, order) = resolve(name).ok_or_else(|| {
        let mut known: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
        known.extend(
            Model::ALL
                .iter()
                .flat_map(|m| m.tables().iter().map(|(t, _)| *t)),
        );
        known.extend(VIEWS);
        known.sort();
        known.dedup();
        anyhow::anyhow!("cannot export {name:?}; one of: {}", known.join(", "))
    })?;
    let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
    let rows = db
        .rows(&format!("SELECT * FROM {table}{order}"), &[])
        .await?;
    let mut w = csv::Writer::from_writer(out);
    // Columns in the table's own order (rows come back keyed by name).
    let mut header = column_names(db, table).await?;
    if header.is_empty() {
        header = rows
            .first()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
    }
    w.write_record(&header)?;
    for row in &rows {
        w.write_record(header.iter().map(|k| match row.get(k) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => number(n),
            Some(v) => v.to_string(),
        }))?;
    }
    w.flush()?;
    Ok(())
}

/// A number as the stores agree on it. PostgreSQL's decimals arrive exact and
/// normalised (`1`, `0.5`); SQLite's are floating point, which JSON would
/// write as `1.0`. Rust's shortest round-trip form of a float writes `1`
/// and `0.6667`, as the decimal does.
fn number(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => f.to_string(),
        (None, None) => n.to_string(),
    }
}

async fn column_names(db: &Db, table: &str) -> anyhow::Result<Vec<String>> {
    let sql = match db {
        Db::Postgres(_) => "SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
        Db::Sqlite(_) => "SELECT name FROM pragma_table_info($1) ORDER BY cid",
    };
    let rows = db.rows(sql, &[table.into()]).await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.get("name").and_then(Value::as_str).map(String::from))
        .collect())
}
