//! Webhook ingest beside raw PostgreSQL: how many updates a second the route stores and
//! acknowledges, and how many one-row inserts the same database takes from as many
//! connections.

use crate::stats::{histogram, ms, record, verdict};
use crate::{post_with, SENDERS, WARMUP, WEBHOOK_SECRET};
use anyhow::Result;
use foodbot::telegram::fake::updates::update_message;
use hdrhistogram::Histogram;
use reqwest::StatusCode;
use sqlx::Connection;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// Chats the ingest's updates come from, cycled through.
const CHATS: i64 = 5_000;
/// The first chat id.
const FIRST_CHAT: i64 = 1_000_000;

/// The raw baseline's table: the inbox's row shape (key, kind, lane, JSON body, state,
/// arrival time) with its primary key and no other index.
const RAW_TABLE: &str = "CREATE TABLE bench_raw_updates (
    update_id   bigint      PRIMARY KEY,
    kind        text        NOT NULL,
    lane        bigint,
    body        jsonb       NOT NULL,
    state       text        NOT NULL DEFAULT 'pending',
    received_at timestamptz NOT NULL DEFAULT now()
)";
const RAW_INSERT: &str =
    "INSERT INTO bench_raw_updates (update_id, kind, lane, body) VALUES ($1, 'message', $2, $3::jsonb)";

/// Throughput and latency of one way of storing updates.
pub(crate) struct Figures {
    pub(crate) rate: f64,
    pub(crate) latency: Histogram<u64>,
}

/// The counted part of a run: after the warm-up, for `secs`.
#[derive(Clone, Copy)]
struct Window {
    from: Instant,
    until: Instant,
}

impl Window {
    fn start(secs: Duration) -> Window {
        let from = Instant::now() + WARMUP;
        Window {
            from,
            until: from + secs,
        }
    }

    fn open(&self) -> bool {
        Instant::now() < self.until
    }

    fn counts(&self, start: Instant) -> bool {
        start >= self.from && start < self.until
    }
}

/// A `/help` message update from one of [`CHATS`] chats: its id, chat and JSON.
fn next_update() -> (i64, i64, String) {
    static SENT: AtomicI64 = AtomicI64::new(0);
    let chat = FIRST_CHAT + SENT.fetch_add(1, Ordering::Relaxed) % CHATS;
    let update = update_message(chat, chat, "/help", Some("en"));
    let id = update["update_id"].as_i64().unwrap_or_default();
    (id, chat, update.to_string())
}

async fn gather(tasks: Vec<tokio::task::JoinHandle<Result<Histogram<u64>>>>) -> Result<Figures> {
    let mut latency = histogram();
    for task in tasks {
        latency.add(task.await??)?;
    }
    Ok(Figures { rate: 0.0, latency })
}

fn with_rate(mut figures: Figures, secs: Duration) -> Figures {
    figures.rate = figures.latency.len() as f64 / secs.as_secs_f64();
    figures
}

/// [`SENDERS`] clients posting updates back to back to `webhook` for `secs` after a warm-up.
pub(crate) async fn webhook(webhook: &str, secs: Duration) -> Result<Figures> {
    senders(webhook, secs, WEBHOOK_SECRET, StatusCode::OK).await
}

/// The same requests with a wrong secret: answered 401 before anything is
/// stored, so what remains is HTTP on both sides (client and server share
/// this machine's cores) and the route's checks — the ceiling ingest can reach.
pub(crate) async fn refused(webhook: &str, secs: Duration) -> Result<Figures> {
    senders(webhook, secs, "not-the-secret", StatusCode::UNAUTHORIZED).await
}

async fn senders(
    webhook: &str,
    secs: Duration,
    secret: &'static str,
    expect: StatusCode,
) -> Result<Figures> {
    // One client: its pool keeps a connection per concurrent sender alive.
    let client = reqwest::Client::new();
    let window = Window::start(secs);
    let tasks = (0..SENDERS)
        .map(|_| {
            let (client, webhook) = (client.clone(), webhook.to_string());
            tokio::spawn(async move {
                let mut latency = histogram();
                while window.open() {
                    let (_, _, body) = next_update();
                    let start = Instant::now();
                    post_with(&client, &webhook, body, secret, expect).await?;
                    if window.counts(start) {
                        record(&mut latency, start.elapsed());
                    }
                }
                Ok::<_, anyhow::Error>(latency)
            })
        })
        .collect();
    Ok(with_rate(gather(tasks).await?, secs))
}

/// [`SENDERS`] connections each inserting one update row per (autocommit) statement.
pub(crate) async fn raw(url: &str, secs: Duration) -> Result<Figures> {
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(RAW_TABLE).execute(&admin).await?;
    let mut connections = Vec::with_capacity(SENDERS);
    for _ in 0..SENDERS {
        connections.push(sqlx::PgConnection::connect(url).await?);
    }
    let window = Window::start(secs);
    let tasks = connections
        .into_iter()
        .map(|mut conn| {
            tokio::spawn(async move {
                let mut latency = histogram();
                while window.open() {
                    let (id, chat, body) = next_update();
                    let start = Instant::now();
                    let insert = sqlx::query(RAW_INSERT).bind(id).bind(chat).bind(body);
                    insert.execute(&mut conn).await?;
                    if window.counts(start) {
                        record(&mut latency, start.elapsed());
                    }
                }
                conn.close().await?;
                Ok::<_, anyhow::Error>(latency)
            })
        })
        .collect();
    let figures = gather(tasks).await;
    sqlx::raw_sql("DROP TABLE bench_raw_updates")
        .execute(&admin)
        .await?;
    admin.close().await;
    Ok(with_rate(figures?, secs))
}

pub(crate) fn report(ingest: &Figures, floor: &Figures, raw: &Figures) {
    let (i, f, r) = (&ingest.latency, &floor.latency, &raw.latency);
    println!(
        "\nwebhook ingest: {SENDERS} concurrent senders, distinct /help updates from {CHATS} chats"
    );
    println!("                                  per s  p50 ms  p99 ms   count");
    println!(
        "POST /telegram/webhook (store)  {:>7.0}  {:>6.2}  {:>6.2}  {:>6}",
        ingest.rate,
        ms(i, 0.5),
        ms(i, 0.99),
        i.len()
    );
    println!(
        "the same, refused (HTTP alone)  {:>7.0}  {:>6.2}  {:>6.2}  {:>6}",
        floor.rate,
        ms(f, 0.5),
        ms(f, 0.99),
        f.len()
    );
    println!(
        "raw INSERT, autocommit          {:>7.0}  {:>6.2}  {:>6.2}  {:>6}",
        raw.rate,
        ms(r, 0.5),
        ms(r, 0.99),
        r.len()
    );
    println!("raw PostgreSQL, per row on each of {SENDERS} connections (a table with the inbox's row shape,");
    println!("primary key only; the inbox has one more index, on pending lanes):\n  {RAW_INSERT}");
    println!(
        "(refused: the ceiling of HTTP on this machine, client and server sharing its cores;\n \
         ingest is {:.2}x of it)",
        ingest.rate / floor.rate
    );
    let ratio = ingest.rate / raw.rate;
    println!(
        "target: ingest >= 0.7x raw inserts  {ratio:.2}x {}",
        verdict(ratio >= 0.7)
    );
}
