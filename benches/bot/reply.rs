//! Update to reply: updates posted open-loop at a fixed rate, each matched with the
//! `sendMessage` that answers it as the fake Bot API recorded it.

use crate::stats::{histogram, ms, record, verdict};
use crate::{post, Running};
use anyhow::{bail, Context, Result};
use foodbot::telegram::fake::updates::update_message;
use hdrhistogram::Histogram;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Updates posted per second.
const RATE: u32 = 100;
/// Chats the updates come from, in turn.
const CHATS: usize = 200;
const FIRST_CHAT: i64 = 2_000_000;
/// One update in this many is `/status` instead of `/help` (rotating over the chats).
const STATUS_EVERY: usize = 5;
/// How long after the last update its replies may still come.
const DRAIN: Duration = Duration::from_secs(30);

/// What one run measured. Latencies in microseconds.
pub(crate) struct Replies {
    /// Updates posted in the counted run, and the time from the first post to the last.
    sent: usize,
    span: Duration,
    all: Histogram<u64>,
    help: Histogram<u64>,
    status: Histogram<u64>,
    /// From the start of the POST to its 200.
    ack: Histogram<u64>,
}

/// One update as posted: its chat, whether it was `/status`, when its POST started and
/// how long the 200 took.
struct Posted {
    chat: i64,
    status: bool,
    start: Instant,
    ack: Duration,
}

fn chat_of(call: &foodbot::telegram::fake::Call) -> Option<i64> {
    let id = &call.body["chat_id"];
    id.as_i64().or_else(|| id.as_str()?.parse().ok())
}

/// Waits until the fake has recorded `n` `sendMessage` calls.
async fn replies(server: &Running, n: usize) -> Result<()> {
    let count = |calls: &[foodbot::telegram::fake::Call]| {
        calls.iter().filter(|c| c.is("sendMessage")).count()
    };
    match server.bot_api.wait_until(DRAIN, |c| count(c) >= n).await {
        Ok(_) => Ok(()),
        Err(calls) => bail!(
            "{} of {n} replies came within {DRAIN:?} of the last update",
            count(calls.as_slice())
        ),
    }
}

/// Posts one update from `chat` on a task of its own, so the schedule never waits for it.
fn spawn_post(
    client: &reqwest::Client,
    webhook: &str,
    chat: i64,
    text: &str,
) -> tokio::task::JoinHandle<Result<(Instant, Duration)>> {
    let body = update_message(chat, chat, text, Some("en")).to_string();
    let (client, webhook) = (client.clone(), webhook.to_string());
    tokio::spawn(async move {
        let start = Instant::now();
        post(&client, &webhook, body).await?;
        Ok((start, start.elapsed()))
    })
}

/// Registers every chat's user with one `/help` each (their first contact writes the
/// User's events), waits for the answers, and forgets the fake's calls.
async fn warm_up(server: &Running, client: &reqwest::Client) -> Result<()> {
    let tasks: Vec<_> = (0..CHATS as i64)
        .map(|c| spawn_post(client, &server.webhook, FIRST_CHAT + c, "/help"))
        .collect();
    for task in tasks {
        task.await??;
    }
    replies(server, CHATS).await.context("warm-up")?;
    server.bot_api.clear();
    Ok(())
}

pub(crate) async fn measure(server: &Running, secs: Duration) -> Result<Replies> {
    let client = reqwest::Client::new();
    warm_up(server, &client).await?;
    let total = (secs.as_secs_f64() * f64::from(RATE)).round() as usize;
    // An interval bursts to catch up when it falls behind, so the schedule stays open-loop.
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / RATE);
    let mut tasks = Vec::with_capacity(total);
    let began = Instant::now();
    for i in 0..total {
        ticks.tick().await;
        let chat = FIRST_CHAT + (i % CHATS) as i64;
        let status = (i + i / CHATS) % STATUS_EVERY == STATUS_EVERY - 1;
        let text = if status { "/status" } else { "/help" };
        let task = spawn_post(&client, &server.webhook, chat, text);
        tasks.push((chat, status, task));
    }
    let span = began.elapsed();
    let mut posted = Vec::with_capacity(total);
    for (chat, status, task) in tasks {
        let (start, ack) = task.await??;
        posted.push(Posted {
            chat,
            status,
            start,
            ack,
        });
    }
    replies(server, total).await?;
    matched(server, posted, span)
}

/// Pairs each chat's updates, in the order they were posted, with the `sendMessage` calls
/// to that chat in the order the fake received them. A chat with more or fewer replies than
/// updates makes the pairing meaningless, so it fails the run.
fn matched(server: &Running, posted: Vec<Posted>, span: Duration) -> Result<Replies> {
    let mut answers: HashMap<i64, VecDeque<Instant>> = HashMap::new();
    for call in server.bot_api.calls_to("sendMessage") {
        if let Some(chat) = chat_of(&call) {
            answers.entry(chat).or_default().push_back(call.instant);
        }
    }
    let mut r = Replies {
        sent: posted.len(),
        span,
        all: histogram(),
        help: histogram(),
        status: histogram(),
        ack: histogram(),
    };
    for p in posted {
        record(&mut r.ack, p.ack);
        let Some(at) = answers.get_mut(&p.chat).and_then(VecDeque::pop_front) else {
            bail!("chat {} got fewer replies than it sent updates", p.chat);
        };
        let took = at.saturating_duration_since(p.start);
        record(&mut r.all, took);
        record(if p.status { &mut r.status } else { &mut r.help }, took);
    }
    if let Some((chat, extra)) = answers.iter().find(|(_, left)| !left.is_empty()) {
        bail!(
            "chat {chat} got {} more replies than it sent updates",
            extra.len()
        );
    }
    Ok(r)
}

pub(crate) fn report(r: &Replies) {
    let rate = r.sent as f64 / r.span.as_secs_f64().max(1e-9);
    println!(
        "\nupdate to reply: {} updates open-loop at {RATE}/s (sent at {rate:.1}/s) from {CHATS} chats,",
        r.sent
    );
    println!("one in {STATUS_EVERY} /status, else /help; from the POST's start to the fake's sendMessage");
    println!("                 count  p50 ms  p90 ms  p99 ms  max ms");
    let row = |name: &str, h: &Histogram<u64>| {
        println!(
            "{name:<15} {:>6}  {:>6.2}  {:>6.2}  {:>6.2}  {:>6.2}",
            h.len(),
            ms(h, 0.5),
            ms(h, 0.9),
            ms(h, 0.99),
            h.max() as f64 / 1e3
        );
    };
    row("all replies", &r.all);
    row("/help", &r.help);
    row("/status", &r.status);
    row("webhook 200", &r.ack);
    let p99 = ms(&r.all, 0.99);
    println!(
        "target: reply p99 <= 50 ms at {RATE} updates/s  {p99:.2} ms {}",
        verdict(p99 <= 50.0)
    );
}
