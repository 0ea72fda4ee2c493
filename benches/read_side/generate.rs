//! The event log the read side is measured on: at least a million valid events, cloned
//! from real order lifecycles with fresh order and customer ids and loaded with COPY.
//!
//! Five template customers (registration and settings, four orders each: picked up,
//! delivered, rejected and refunded, reordered and cancelled) are driven through the
//! application layer. Their rows are then copied again and again, each copy with its
//! own customer id and new order UUIDs written into the aggregate id, the payload
//! (`order_id`, `customer`, `user_id`, `source`, invoice and charge references) and the
//! metadata (`user_id`), so that every read model stays consistent. The copies of 64
//! customers are interleaved, as concurrent customers' events are.

use crate::template::{self, Unit, CUSTOMERS, STAFF_ID};
use anyhow::{bail, ensure, Context, Result};
use foodbot::app::App;
use foodbot::store::Database;
use foodbot_domain::UserId;
use foodbot_projections::event::decode;
use sqlx::PgConnection;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Customers cloned side by side, their events interleaved.
const GROUP: usize = 64;
/// Rows per COPY statement; each COPY is one transaction.
const ROWS_PER_COPY: usize = 100_000;
/// The first clone's customer id.
const CLONE_CUSTOMERS: i64 = 7_200_000_000;

/// Part of a COPY line: literal text, or where one of the unit's ids goes.
enum Piece {
    Lit(String),
    Order(usize),
    Customer,
}

/// One template customer's events as COPY lines, split where their ids go.
struct Template {
    lines: Vec<Vec<Piece>>,
    orders: usize,
}

/// What was generated, and how long it took.
pub(crate) struct Generated {
    pub(crate) events: i64,
    pub(crate) templates: usize,
    pub(crate) drive: Duration,
    pub(crate) clone: Duration,
    pub(crate) vacuum: Duration,
}

pub(crate) fn menu_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

/// COPY's text format: backslash, tab and line breaks are escaped.
fn copy_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// `text` split around every occurrence of the unit's order ids and customer id.
fn split(text: &str, unit: &Unit) -> Vec<Piece> {
    let mut needles: Vec<(String, Option<usize>)> = unit
        .orders
        .iter()
        .enumerate()
        .map(|(k, o)| (o.to_string(), Some(k)))
        .collect();
    needles.push((unit.customer.to_string(), None));
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        let next = needles
            .iter()
            .filter_map(|(n, k)| rest.find(n.as_str()).map(|at| (at, n.len(), *k)))
            .min_by_key(|(at, ..)| *at);
        let Some((at, len, k)) = next else {
            if !rest.is_empty() {
                pieces.push(Piece::Lit(rest.to_string()));
            }
            return pieces;
        };
        if at > 0 {
            pieces.push(Piece::Lit(rest[..at].to_string()));
        }
        pieces.push(k.map_or(Piece::Customer, Piece::Order));
        rest = &rest[at + len..];
    }
}

fn render(out: &mut Vec<u8>, line: &[Piece], orders: &[String], customer: &str) {
    for piece in line {
        out.extend_from_slice(match piece {
            Piece::Lit(s) => s.as_bytes(),
            Piece::Order(k) => orders[*k].as_bytes(),
            Piece::Customer => customer.as_bytes(),
        });
    }
}

type Stored = (String, String, i64, String, String, String, String);

/// The template customers' rows, in global order, as COPY lines per customer.
async fn templates(conn: &mut PgConnection, units: &[Unit]) -> Result<(Vec<Template>, usize)> {
    let sql = "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload::text, metadata::text
                 FROM events ORDER BY transaction_id, position";
    let rows: Vec<Stored> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    let mut out: Vec<Template> = units
        .iter()
        .map(|u| Template {
            lines: Vec::new(),
            orders: u.orders.len(),
        })
        .collect();
    for (kind, id, sequence, event_type, version, payload, metadata) in &rows {
        let owner = units.iter().position(|u| {
            *id == u.customer.to_string() || u.orders.iter().any(|o| o.to_string() == *id)
        });
        let Some(owner) = owner else {
            bail!("{kind} {id} belongs to no template customer");
        };
        let line = format!(
            "{kind}\t{id}\t{sequence}\t{event_type}\t{version}\t{}\t{}\n",
            copy_escape(payload),
            copy_escape(metadata)
        );
        out[owner].lines.push(split(&line, &units[owner]));
    }
    Ok((out, rows.len()))
}

/// Decodes one rendered clone and checks that no template id is left in it.
fn check_clone(text: &str, units: &[Unit]) -> Result<()> {
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        ensure!(cols.len() == 7, "a clone line has {} columns", cols.len());
        let payload = cols[5].replace("\\\\", "\\");
        decode(cols[0], cols[1], cols[3], cols[4], &payload, 0)
            .with_context(|| format!("clone of {} does not decode", cols[3]))?;
        for u in units {
            let ids = u.orders.iter().map(|o| o.to_string());
            for id in ids.chain([u.customer.to_string()]) {
                ensure!(!line.contains(&id), "template id {id} left in {line}");
            }
        }
    }
    Ok(())
}

/// COPY one buffer of complete lines in one statement (one transaction).
async fn copy_in(conn: &mut PgConnection, buf: &[u8]) -> Result<u64> {
    let sql = "COPY events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) FROM STDIN";
    let mut copy = conn.copy_in_raw(sql).await?;
    for chunk in buf.chunks(4 << 20) {
        copy.send(chunk).await?;
    }
    Ok(copy.finish().await?)
}

/// Fills the bench database with at least `target` events.
pub(crate) async fn generate(url: &str, target: i64) -> Result<Generated> {
    let started = Instant::now();
    let db = Database::connect(url, 8).await?;
    let Database::Postgres(pool) = &db else {
        bail!("the benchmark needs PostgreSQL");
    };
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    let staff = [UserId(STAFF_ID)].into_iter().collect();
    let wake = Arc::new(tokio::sync::Notify::new());
    let app = App::new(db.clone(), menu, staff, 10_000, wake);
    let mut units = Vec::new();
    for i in 0..CUSTOMERS.len() {
        units.push(template::drive(&app, i).await?);
    }
    let mut conn = pool.acquire().await?.detach();
    let (templates, template_events) = templates(&mut conn, &units).await?;
    let drive = started.elapsed();
    eprintln!(
        "  {template_events} template events from {} customers and {} orders in {drive:.1?}; cloning",
        units.len(),
        units.iter().map(|u| u.orders.len()).sum::<usize>()
    );

    let started = Instant::now();
    let mut events = template_events as i64;
    let mut next_unit = 0usize;
    let mut next_report = 100_000;
    while events < target {
        let mut buf = Vec::with_capacity(80 << 20);
        let mut rows = 0usize;
        while rows < ROWS_PER_COPY && events + (rows as i64) < target {
            let members: Vec<(usize, String, Vec<String>)> = (next_unit..next_unit + GROUP)
                .map(|u| {
                    let t = u % templates.len();
                    let ids = (0..templates[t].orders)
                        .map(|_| uuid::Uuid::new_v4().to_string())
                        .collect();
                    (t, (CLONE_CUSTOMERS + u as i64).to_string(), ids)
                })
                .collect();
            if next_unit == 0 {
                for (t, customer, orders) in members.iter().take(templates.len()) {
                    let mut one = Vec::new();
                    for line in &templates[*t].lines {
                        render(&mut one, line, orders, customer);
                    }
                    check_clone(std::str::from_utf8(&one)?, &units)?;
                }
            }
            next_unit += GROUP;
            let longest = members.iter().map(|m| templates[m.0].lines.len()).max();
            for step in 0..longest.unwrap_or(0) {
                for (t, customer, orders) in &members {
                    if let Some(line) = templates[*t].lines.get(step) {
                        render(&mut buf, line, orders, customer);
                        rows += 1;
                    }
                }
            }
        }
        events += copy_in(&mut conn, &buf).await? as i64;
        if events >= next_report {
            eprintln!(
                "  {events} events ({:.0} events/s)",
                events as f64 / started.elapsed().as_secs_f64()
            );
            next_report = (events / 100_000 + 1) * 100_000;
        }
    }
    let clone = started.elapsed();
    let started = Instant::now();
    eprintln!("  VACUUM ANALYZE events");
    sqlx::query("VACUUM (ANALYZE) events")
        .persistent(false)
        .execute(&mut conn)
        .await?;
    let vacuum = started.elapsed();
    db.close().await;
    Ok(Generated {
        events,
        templates: template_events,
        drive,
        clone,
        vacuum,
    })
}

/// The log's make-up: events per type, orders, and the table's size.
pub(crate) async fn describe(conn: &mut PgConnection) -> Result<()> {
    let mix: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY count(*) DESC, event_type",
    )
    .fetch_all(&mut *conn)
    .await?;
    let count = |t: &str| mix.iter().find(|(e, _)| e == t).map_or(0, |(_, n)| *n);
    let total: i64 = mix.iter().map(|(_, n)| n).sum();
    let orders = count("OrderCreated");
    let size: String =
        sqlx::query_scalar("SELECT pg_size_pretty(pg_total_relation_size('events'))")
            .fetch_one(&mut *conn)
            .await?;
    println!(
        "events: {total} ({size} with indexes), {orders} orders ({:.1} order events each), {} users",
        (total - mix.iter().filter(|(t, _)| is_user_event(t)).map(|(_, n)| n).sum::<i64>()) as f64
            / orders.max(1) as f64,
        count("UserRegistered")
    );
    let shown: Vec<String> = mix.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("  mix: {}", shown.join(", "));
    Ok(())
}

fn is_user_event(event_type: &str) -> bool {
    foodbot_domain::user::UserEvent::TYPES.contains(&event_type)
}
