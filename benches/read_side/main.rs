//! How fast foodbot's read side reads the event log, beside raw PostgreSQL.
//!
//! The benchmark creates a fresh PostgreSQL database, fills it with at least a million
//! valid events (`BENCH_EVENTS`, default 1,000,000) cloned from order lifecycles driven
//! through the application layer, and measures on that one log:
//!
//! 1. the baseline: PostgreSQL's COPY of every event in global order;
//! 2. rebuilding every read model with the catch-up projector, and rebuilding
//!    `order_status` alone, as `foodbot projections rebuild` does;
//! 3. `foodbot audit replay --payments`, which reads every event in global order and
//!    prints the payments;
//! 4. live lag: the real server, its projector running, under 1,000 order commands a
//!    second, and how long after a command's return the read models have its events;
//!    then the same while another session holds a transaction open the whole run.
//!
//! A rebuild that would take much longer than a minute is measured over its first
//! minute and extrapolated; the output says so. It then shows where a rebuild's time
//! goes (every read model alone, with the statements it sends counted and timed), and
//! the targets. Progress goes to stderr, the tables to stdout; nothing is asserted.
//! The database is dropped at the end. `BENCH_DATABASE_URL` names an administrative
//! database to create it from (default `postgres://postgres@127.0.0.1:5432/postgres`).

#[path = "../bench_db.rs"]
mod bench_db;
mod generate;
mod live;
mod measure;
mod report;
mod sqlstats;
mod template;

use anyhow::{Context, Result};
use foodbot_projections::{Db, Model};
use measure::{Rate, Take};
use sqlx::Connection;

/// The same allocator as the `foodbot` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

const DEFAULT_EVENTS: i64 = 1_000_000;

/// Every figure the report shows.
pub(crate) struct Figures {
    pub(crate) events: u64,
    pub(crate) copy_secs: f64,
    /// All models rebuilt, the outbox keeping its notifications.
    pub(crate) rebuild_all: Rate,
    /// All models projected for the first time, the outbox empty too.
    pub(crate) rebuild_all_first: Rate,
    /// WAL written during the first projection, the rebuild and the one-model rebuild.
    pub(crate) wal: [measure::Wal; 3],
    pub(crate) rebuild_one: Rate,
    pub(crate) audit: Rate,
    pub(crate) live: live::Live,
    /// The same, while a transaction stays open the whole run.
    pub(crate) live_held: live::Live,
}

fn target_events() -> Result<i64> {
    match std::env::var("BENCH_EVENTS") {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .context("BENCH_EVENTS is not a number"),
        Err(_) => Ok(DEFAULT_EVENTS),
    }
}

async fn run(url: String) -> Result<()> {
    let target = target_events()?;
    eprintln!("generating at least {target} events");
    let g = generate::generate(&url, target).await?;
    println!(
        "generated {} events in {:.1} s: {} template events driven through the app layer in {:.1} s, \
         {} cloned with COPY in {:.1} s ({:.0} events/s); VACUUM ANALYZE {:.1} s",
        g.events,
        (g.drive + g.clone).as_secs_f64(),
        g.templates,
        g.drive.as_secs_f64(),
        g.events - g.templates as i64,
        g.clone.as_secs_f64(),
        (g.events - g.templates as i64) as f64 / g.clone.as_secs_f64(),
        g.vacuum.as_secs_f64()
    );
    let mut conn = sqlx::PgConnection::connect(&url).await?;
    let settings: String = sqlx::query_scalar(
        "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
          WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'autovacuum', 'server_version')",
    )
    .fetch_one(&mut conn)
    .await?;
    println!("PostgreSQL: {settings}");
    generate::describe(&mut conn).await?;
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut conn)
        .await?;
    let events = events as u64;

    eprintln!("baseline: {} (twice)", measure::COPY_OUT);
    let first = measure::copy_out(&mut conn).await?;
    let second = measure::copy_out(&mut conn).await?;
    let (copy_secs, bytes) = if second.0 < first.0 { second } else { first };
    eprintln!("baseline: the same COPY to '/dev/null' on the server");
    let dev_null = measure::copy_dev_null(&mut conn).await;
    report::baseline(events, first.0, copy_secs, bytes, &dev_null);

    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await?;
    let db = Db::Postgres(pool);

    eprintln!("audit replay: the foodbot binary");
    let (audit, payments) = measure::audit_replay(&url, events).await?;
    eprintln!("audit replay: its read loop in this process, three ways");
    let mut reads = Vec::new();
    for take in [Take::ReadAfter, Take::Typed, Take::Text] {
        reads.push(measure::read_loop(&db, take).await?.0);
    }
    report::audit(events, copy_secs, (audit, payments), &reads);

    // First with the outbox empty, as on a new database; then again, when the
    // outbox keeps its notifications, as `foodbot projections rebuild --all`
    // finds it on a running system.
    eprintln!("first projection of all read models (the outbox empty)");
    let (rebuild_all_first, wal_first) =
        measure::rebuild(&db, &Model::ALL, events, "first projection").await?;
    eprintln!("rebuild all read models (the outbox keeps its notifications)");
    let (rebuild_all, wal_all) = measure::rebuild(&db, &Model::ALL, events, "rebuild all").await?;
    // Every other read model at the head, so that the projector feeds order_status alone.
    measure::to_head(&db, &Model::ALL).await?;
    eprintln!("rebuild order_status alone");
    let one = [Model::OrderStatus];
    let (rebuild_one, wal_one) =
        measure::rebuild(&db, &one, events, "rebuild order_status").await?;
    eprintln!("where a rebuild's time goes: each read model alone");
    let slices = measure::slices(&db).await?;
    let floor = measure::round_trip(&db).await?;

    eprintln!("live lag");
    let live = live::run(&url, false).await?;
    eprintln!("live lag while a transaction stays open");
    let live_held = live::run(&url, true).await?;
    let figures = Figures {
        events,
        copy_secs,
        rebuild_all,
        rebuild_all_first,
        rebuild_one,
        wal: [wal_first, wal_all, wal_one],
        audit,
        live,
        live_held,
    };
    report::rebuilds(&figures);
    report::slices(&slices, floor);
    report::live(&figures.live);
    report::live(&figures.live_held);
    report::targets(&figures);
    if let Db::Postgres(pool) = db {
        pool.close().await;
    }
    conn.close().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    sqlstats::install();
    bench_db::on_fresh_database("read-side", run).await
}
