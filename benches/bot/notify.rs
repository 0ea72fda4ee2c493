//! The notification sender: 5,000 notifications queued in the outbox over 1,000 chats.
//!
//! (a) Its own ceiling: every rate limit lifted (`NOTIFY_*_PER_* = 0`), the rate at which
//!     the fake Bot API accepts its `sendMessage`s (first to last, from the fake's
//!     timestamps), beside the fake's raw rate: a client posting the same `sendMessage`
//!     bodies straight to it with the same concurrency. Each is measured three times, in
//!     turn, and the medians compared. Target: at least half the raw rate. Each
//!     measurement follows a warm-up of 1,000 sent and not counted, on the same server:
//!     the steady state, not a process opening its connections to the database and the
//!     fake (a pool grows one connection at a time, each a new PostgreSQL backend).
//! (b) With Telegram's limits (30/s overall, 1/s per chat): the rate the fake saw over a
//!     window of `BENCH_NOTIFY_SECS` seconds (15 by default) after the first second, and
//!     the most it saw in any one second. Target: at least 90% of 30/s, never above 30 in
//!     a second.
//!
//! The rows are written straight into `notification_outbox` (as the projector writes
//! them: kind, language, params, position), so that the measurement is the sender's
//! alone; their users are not registered, so the sender renders each in the language
//! the row names, after looking the user up like any other.

use crate::stats::verdict;
use crate::{start_server_with, BOT_TOKEN};
use anyhow::{Context, Result};
use foodbot::config::Config;
use foodbot::telegram::fake::Call;
use foodbot_domain::catalog::Catalog;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOTIFICATIONS: i64 = 5_000;
const CHATS: i64 = 1_000;
/// Sent before each measurement of (a) and not counted.
const WARM_UP: i64 = 1_000;
const FIRST_CHAT: i64 = 5_000_000;
/// Notifications in flight, in the sender and in the raw client alike.
const CONCURRENCY: usize = 32;
const TELEGRAM_PER_SEC: f64 = 30.0;
/// (a) is measured this many times, the sender and the raw client in turn; the
/// medians are compared (one round lasts well under a second, so one alone
/// swings with whatever else the machine does in that moment).
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The window of (b): `BENCH_NOTIFY_SECS`, 15 s by default.
fn window() -> Result<Duration> {
    match std::env::var("BENCH_NOTIFY_SECS") {
        Ok(s) => {
            let secs: f64 = s.parse().context("BENCH_NOTIFY_SECS is not a number")?;
            anyhow::ensure!(secs >= 1.0, "BENCH_NOTIFY_SECS must be at least 1");
            Ok(Duration::from_secs_f64(secs))
        }
        Err(_) => Ok(Duration::from_secs(15)),
    }
}

/// Empties the outbox, with TRUNCATE, so that every round starts from the same table: a
/// DELETE would leave the previous rounds' rows dead in the table and its indexes (this
/// machine's PostgreSQL runs no autovacuum), each round slower than the one before.
async fn empty(url: &str) -> Result<()> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query("TRUNCATE notification_outbox")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

/// Queues `count` notifications, chat after chat in turn, after every one queued before
/// (`from` numbers them on from the last batch).
async fn queue(url: &str, from: i64, count: i64) -> Result<()> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query(
        "INSERT INTO notification_outbox
                (notification_id, user_id, order_id, kind, language, params, position, created_at)
         SELECT o || ':' || n, $1 + n % $2, o, 'order_ready', 'en',
                jsonb_build_object('short_id', upper(substr(o, 1, 6))), 1000000 + n, now()
           FROM generate_series($3, $3 + $4 - 1) AS n,
                LATERAL (SELECT md5(n::text)::uuid::text AS o) AS ids",
    )
    .bind(FIRST_CHAT)
    .bind(CHATS)
    .bind(from)
    .bind(count)
    .execute(&pool)
    .await?;
    pool.close().await;
    Ok(())
}

/// Waits until `count` notifications are marked sent.
async fn all_sent(url: &str, count: i64) -> Result<()> {
    let pool = sqlx::PgPool::connect(url).await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    while sent_count(&pool).await? < count {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the sender did not send {count} in 300 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pool.close().await;
    Ok(())
}

async fn sent_count(pool: &sqlx::PgPool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM notification_outbox WHERE sent_at IS NOT NULL")
            .fetch_one(pool)
            .await?,
    )
}

/// The accepted `sendMessage`s the fake recorded, by arrival.
fn accepted(calls: &[Call]) -> Vec<Instant> {
    let mut t: Vec<Instant> = calls
        .iter()
        .filter(|c| c.is("sendMessage") && c.status == Some(200))
        .map(|c| c.instant)
        .collect();
    t.sort();
    t
}

fn rate(times: &[Instant]) -> f64 {
    match (times.first(), times.last()) {
        (Some(a), Some(b)) if times.len() > 1 => (times.len() - 1) as f64 / (*b - *a).as_secs_f64(),
        _ => 0.0,
    }
}

/// The most arrivals in any one second.
fn busiest_second(times: &[Instant]) -> usize {
    let mut most = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= Duration::from_secs(1) {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

/// (a): the sender with every limit lifted, until all are sent.
async fn ceiling(url: &str, menu: Arc<Catalog>) -> Result<f64> {
    let server = start_server_with(url, menu, |c: &mut Config| {
        c.bot_dispatch = false;
        c.notify_send = true;
        c.notify_global_per_sec = 0;
        c.notify_chat_per_sec = 0;
        c.notify_group_per_min = 0;
        c.notify_concurrency = CONCURRENCY as u32;
    })
    .await?;
    // The warm-up: the server's first notifications open its connections to the
    // database and to the fake; then the count starts again.
    empty(url).await?;
    queue(url, 0, WARM_UP).await?;
    all_sent(url, WARM_UP).await?;
    server.bot_api.clear();
    // Queued at once: the insert wakes the sender.
    queue(url, WARM_UP, NOTIFICATIONS).await?;
    all_sent(url, WARM_UP + NOTIFICATIONS).await?;
    let times = accepted(&server.bot_api.calls());
    anyhow::ensure!(
        times.len() as i64 == NOTIFICATIONS,
        "{} sendMessage accepted for {NOTIFICATIONS} notifications",
        times.len()
    );
    server.stop().await?;
    Ok(rate(&times))
}

/// The fake's own rate: the same bodies posted straight to it, `CONCURRENCY` at once.
async fn raw(menu: Arc<Catalog>, url: &str) -> Result<f64> {
    // A server only for its fake Bot API (nothing queued, nothing sent).
    let server = start_server_with(url, menu, |c: &mut Config| {
        c.bot_dispatch = false;
        c.notify_send = false;
    })
    .await?;
    let endpoint = format!(
        "{}bot{BOT_TOKEN}/sendMessage",
        server
            .bot_api
            .url()
            .as_str()
            .trim_end_matches('/')
            .to_string()
            + "/"
    );
    let client = reqwest::Client::new();
    post_all(&client, &endpoint, WARM_UP).await?;
    server.bot_api.clear();
    post_all(&client, &endpoint, NOTIFICATIONS).await?;
    let times = accepted(&server.bot_api.calls());
    server.stop().await?;
    Ok(rate(&times))
}

/// Posts `count` `sendMessage`s to the fake at `endpoint`, [`CONCURRENCY`] at once.
async fn post_all(client: &reqwest::Client, endpoint: &str, count: i64) -> Result<()> {
    let next = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, endpoint, next) = (client.clone(), endpoint.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, anyhow::Error>(());
                }
                let body = json!({
                    "chat_id": FIRST_CHAT + n % CHATS,
                    "text": format!("✅ Your order #{:06X} is ready!", n),
                    "reply_markup": {"inline_keyboard": [[{
                        "text": "Open order",
                        "web_app": {"url": format!("https://foodbot.example/app/?startapp=order_{n:032x}")}
                    }]]},
                });
                let r = client.post(&endpoint).json(&body).send().await?;
                anyhow::ensure!(r.status().is_success(), "raw sendMessage: {}", r.status());
                r.bytes().await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}

/// (b): Telegram's limits, measured over the window after the first second.
async fn limited(url: &str, menu: Arc<Catalog>, window: Duration) -> Result<(f64, usize, usize)> {
    let server = start_server_with(url, menu, |c: &mut Config| {
        c.bot_dispatch = false;
        c.notify_send = true;
        c.notify_concurrency = CONCURRENCY as u32;
    })
    .await?;
    empty(url).await?;
    queue(url, 0, NOTIFICATIONS).await?;
    tokio::time::sleep(window + Duration::from_secs(2)).await;
    let times = accepted(&server.bot_api.calls());
    server.stop().await?;
    let start = *times.first().context("nothing was sent")? + Duration::from_secs(1);
    let counted: Vec<Instant> = times
        .iter()
        .copied()
        .filter(|t| *t >= start && *t < start + window)
        .collect();
    let achieved = counted.len() as f64 / window.as_secs_f64();
    Ok((achieved, busiest_second(&times), times.len()))
}

pub(crate) async fn run(url: &str, menu: Arc<Catalog>) -> Result<()> {
    let window = window()?;
    let (mut senders, mut raws) = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        eprintln!(
            "  notifications (a) {round}/{ROUNDS}: the sender with limits lifted, {NOTIFICATIONS} over {CHATS} chats"
        );
        senders.push(ceiling(url, menu.clone()).await?);
        eprintln!(
            "  notifications (a) {round}/{ROUNDS}: raw sendMessage posts to the fake, {CONCURRENCY} at once"
        );
        raws.push(raw(menu.clone(), url).await?);
    }
    let (sender, raw) = (median(senders.clone()), median(raws.clone()));
    eprintln!("  notifications (b): Telegram's limits, {window:?} counted");
    let (achieved, busiest, total) = limited(url, menu, window).await?;

    let ratio = sender / raw;
    println!();
    println!(
        "notification sender ({NOTIFICATIONS} queued over {CHATS} chats, {CONCURRENCY} in flight)"
    );
    println!(
        "  (a) limits lifted: {sender:.0} sends/s; the fake's raw rate {raw:.0} requests/s (medians of {ROUNDS} rounds:"
    );
    println!("      sender {}; raw {})", list(&senders), list(&raws));
    println!(
        "      ratio {ratio:.2} (target >= 0.50: {})",
        verdict(ratio >= 0.5)
    );
    let share = achieved / TELEGRAM_PER_SEC;
    println!(
        "  (b) Telegram's limits: {achieved:.1} sends/s over {window:?} ({:.0}% of 30/s; target >= 90%: {})",
        share * 100.0,
        verdict(share >= 0.9)
    );
    println!(
        "      most in any one second: {busiest} (target <= 30: {}); {total} sent in all",
        verdict(busiest <= 30)
    );
    Ok(())
}
