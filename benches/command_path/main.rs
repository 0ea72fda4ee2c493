//! How fast foodbot turns a customer's order command into stored events.
//!
//! The benchmark creates a fresh PostgreSQL database, measures three ways of doing the
//! same work on it (one after another for each workload and concurrency, so that the
//! figures compared in a row are taken seconds apart), prints one table per workload
//! and drops the database again.
//!
//! 1. The HTTP command path: the real server, started in this process on a loopback
//!    port, driven over keep-alive connections. Every request carries its own customer's
//!    signed Telegram initData, so authentication, user registration, the aggregate cache,
//!    the per-order lock, the decision and the append all run as they do in production.
//! 2. A plain cqrs-es loop: the same Order aggregate and commands run by cqrs-es'
//!    `CqrsFramework` over its stock `PersistedEventStore` and postgres-es, without HTTP,
//!    authentication or caching.
//! 3. Raw PostgreSQL: pgbench runs the SQL a command needs at the least (read the order's
//!    events, insert the new ones, commit), with payloads copied from real events.
//!
//! Workload a opens a new order per command (one new Order, two events). Workload b opens
//! an order and then sends it 20 commands, alternately adding an item and changing the
//! first line's quantity; its extra table compares the mean latency of commands 1-5 with
//! that of commands 16-20 to show whether a command gets dearer as the order's history
//! grows. Every figure is measured at 1, 4 and 16 concurrent clients. Nothing is asserted:
//! the figures and the targets they are held against are printed.
//!
//! `BENCH_DATABASE_URL` names an administrative database to create the bench database
//! from (default `postgres://postgres@127.0.0.1:5432/postgres`).

#[path = "../bench_db.rs"]
mod bench_db;
mod drive;
mod raw;
mod stats;

use anyhow::Result;
use drive::{measure, menu_path, plain_cqrs, start_server};
use raw::{raw_pg, sample_events, RAW_CART, RAW_FRESH};
use stats::Figures;
use std::sync::Arc;
use std::time::Duration;

/// The same allocator as the `foodbot` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

const BOT_TOKEN: &str = "123456:bench-token";
const LEVELS: [usize; 3] = [1, 4, 16];
const WARMUP: Duration = Duration::from_millis(500);
const RUN: Duration = Duration::from_secs(5);
/// Commands sent to each order in workload b.
const CART_COMMANDS: usize = 20;
/// Connections in the cqrs-es loop's pool, as in the server's default configuration.
const POOL: u32 = 16;

#[derive(Clone, Copy, PartialEq)]
enum Workload {
    Fresh,
    Cart,
}

// ---------------------------------------------------------------- report

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// One line of a workload's table: the same work measured three ways.
struct Row {
    http: Figures,
    cqrs: Figures,
    raw: Figures,
}

fn print_table(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!("conc  http cmd/s  p50 ms  p99 ms | cqrs-es loop cmd/s  p99 ms | raw pg tx/s  p99 ms | http/cqrs  http/raw");
    for (
        clients,
        Row {
            http: h,
            cqrs: c,
            raw: r,
        },
    ) in LEVELS.into_iter().zip(rows)
    {
        println!(
            "{clients:>4}  {:>10.0}  {:>6.2}  {:>6.2} | {:>18.0}  {:>6.2} | {:>11.0}  {:>6.2} | {:>8.2}x  {:>7.2}x",
            h.rate, h.p50, h.p99, c.rate, c.p99, r.rate, r.p99, h.rate / c.rate, h.rate / r.rate
        );
    }
}

/// `rows` holds workload a's table, then workload b's.
fn report(rows: &[Vec<Row>; 2]) {
    print_table(
        "workload a: fresh order per command (POST /api/v1/orders, 2 events)",
        &rows[0],
    );
    let b = "workload b: 20 commands on one order (POST …/items and PATCH …/items/1, alternately)";
    print_table(b, &rows[1]);
    println!("\nworkload b, mean latency (ms) by the command's place in the order's history");
    println!("conc  http #1-5  #16-20 | cqrs-es loop #1-5  #16-20");
    for (
        clients,
        Row {
            http: h, cqrs: c, ..
        },
    ) in LEVELS.into_iter().zip(&rows[1])
    {
        println!(
            "{clients:>4}  {:>9.3}  {:>6.3} | {:>17.3}  {:>6.3}",
            h.early, h.late, c.early, c.late
        );
    }
    println!("\nraw PostgreSQL, per transaction (pgbench -n -M prepared -T 5 -c N -j min(N,2);");
    println!(":version, :created, :added and :metadata are a real order's first events)");
    println!("--- workload a ---\n{RAW_FRESH}--- workload b ---\n{RAW_CART}");
    let last = LEVELS.len() - 1;
    let at_top = [&rows[0][last], &rows[1][last]];
    println!(
        "targets at concurrency {} (workload a / workload b):",
        LEVELS[last]
    );
    let ratio = |other: fn(&Row) -> f64, at_least: f64| {
        let r = at_top.map(|row| row.http.rate / other(row));
        let [a, b] = r.map(|r| format!("{r:.2}x {}", verdict(r >= at_least)));
        format!("{a} / {b}")
    };
    println!(
        "  http >= 1.0x cqrs-es loop    {}",
        ratio(|r| r.cqrs.rate, 1.0)
    );
    println!(
        "  http >= 0.7x raw PostgreSQL  {}",
        ratio(|r| r.raw.rate, 0.7)
    );
    let [a, b] = at_top.map(|r| format!("{:.2} ms {}", r.http.p99, verdict(r.http.p99 <= 10.0)));
    println!("  http p99 <= 10 ms            {a} / {b}");
    let flat = |fig: fn(&Row) -> Figures| {
        verdict(rows[1].iter().map(fig).all(|f| f.late <= 1.25 * f.early))
    };
    println!("  cost flat with history (mean of #16-20 <= 1.25x #1-5 at every level):");
    println!(
        "    http {}, cqrs-es loop {}",
        flat(|r| r.http),
        flat(|r| r.cqrs)
    );
}

// ---------------------------------------------------------------- database and main

/// Tells on stderr what runs now, so that a profiler can be pointed at it.
fn progress(what: &str, workload: usize, clients: usize) {
    let letter = ["a", "b"][workload];
    eprintln!("  {what}, workload {letter}, concurrency {clients}");
}

/// Measures each workload at each level the three ways in turn, so that the figures
/// compared in one row are taken seconds, not minutes, apart.
async fn run(url: String) -> Result<()> {
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    println!("{WARMUP:?} warm-up + {RUN:?} per measurement; progress on stderr");
    let (http, stop, serving) = start_server(&url, menu.clone()).await?;
    let (cqrs, pool) = plain_cqrs(&url, menu).await?;
    let mut rows = [Vec::new(), Vec::new()];
    let mut events = Vec::new();
    for workload in [Workload::Fresh, Workload::Cart] {
        let w = workload as usize;
        for (level, clients) in LEVELS.into_iter().enumerate() {
            let users = (w * 10 + level + 1) as i64 * 1000;
            progress("HTTP path", w, clients);
            let http = measure(&http, workload, clients, users).await?;
            progress("cqrs-es loop", w, clients);
            let cqrs = measure(&cqrs, workload, clients, users + 500).await?;
            if events.is_empty() {
                events = sample_events(&url).await?;
            }
            progress("raw PostgreSQL", w, clients);
            let raw = raw_pg(&url, workload, level, &events).await?;
            rows[w].push(Row { http, cqrs, raw });
        }
    }
    drop(http);
    let _ = stop.send(());
    serving.await??;
    pool.close().await;
    report(&rows);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    bench_db::on_fresh_database("command-path", run).await
}
