//! Timeline streams: many open `GET /api/v1/orders/{id}/events` streams on one server,
//! and how soon a step the projector commits reaches the stream of its order.
//!
//! Every order belongs to a customer of its own (their own signed initData). Once every
//! stream has its first `order` event, commands go out open-loop at a steady rate, each a
//! `PATCH /api/v1/orders/{id}/items/1` (a new quantity: one event, one step) on an order
//! picked at random among those with no step in flight. The benchmark holds a PostgreSQL
//! connection of its own listening on the timeline channel
//! (`foodbot_projections::changes::CHANNEL`), on a thread of its own, and notes when each
//! notification arrives: the projector's commit, as every server process hears it. A
//! step's latency runs from the first notification naming its order that arrived after
//! its command was sent (each used once) to the moment its `step` event was read from
//! the stream. As an order has at most one command in flight, the notification that
//! follows a command is the one of its step; one notification names every order of a
//! projector step (up to 100), and each of them is matched with it.
//!
//! The streams are read by [`crate::sse`] clients on a runtime of their own (one
//! thread), so that reading them does not wait for the server's work.

use crate::sse::Stream;
use crate::stats::{histogram, ms, record, verdict};
use crate::{authorization, setting, Running};
use anyhow::{anyhow, bail, ensure, Context, Result};
use futures::StreamExt;
use hdrhistogram::Histogram;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The first customer's Telegram id; the others follow.
const FIRST_CUSTOMER: i64 = 7_000_000;
/// Orders created at once, and streams being opened at once.
const CREATING: usize = 16;
const OPENING: usize = 64;
/// How long opening every stream, and the steps after the last command, may take.
const OPEN_DEADLINE: Duration = Duration::from_secs(600);
const DRAIN: Duration = Duration::from_secs(30);
/// The p99 target, in milliseconds.
const TARGET_MS: f64 = 100.0;

/// One order being watched.
struct Watched {
    id: String,
    authorization: String,
    /// The read token of its creation, so its stream reads its own write.
    after: String,
}

/// A command as sent: its order, when it left, when its answer came and the sequence
/// of the step it made.
struct Sent {
    order: usize,
    at: Instant,
    answered: Instant,
    sequence: i64,
}

/// What the measurement found. Latencies in microseconds.
pub(crate) struct Streams {
    streams: usize,
    rate: u32,
    open_took: Duration,
    watched: usize,
    rss_before_kb: u64,
    rss_after_kb: u64,
    fd_limit: (u64, u64),
    sent: usize,
    span: Duration,
    skipped: usize,
    /// Commit (notification) to the step on its stream.
    latency: Histogram<u64>,
    /// Command sent to the step on its stream, and to its answer.
    end_to_end: Histogram<u64>,
    answer: Histogram<u64>,
    /// Steps read from their stream before the benchmark heard their notification
    /// (counted as 0 ms).
    early: usize,
    /// Steps whose notification never came to the benchmark.
    unheard: usize,
    /// Steps that never reached their stream.
    missing: usize,
    notifications: usize,
    /// Orders named by a notification that follows no command of theirs.
    stray: usize,
}

/// The process's resident memory in kB (`VmRSS`).
fn rss_kb() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/self/status")
}

/// The open-files limit (soft, hard), raised to the hard limit when the soft one is
/// below `needed`.
fn open_files(needed: u64) -> Result<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the limit into the struct it is given.
    ensure!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0,
        "getrlimit: {}",
        std::io::Error::last_os_error()
    );
    if limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max;
        // SAFETY: setrlimit reads the struct it is given.
        ensure!(
            unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0,
            "setrlimit: {}",
            std::io::Error::last_os_error()
        );
    }
    ensure!(
        limit.rlim_cur >= needed,
        "{needed} open files are needed and the hard limit is {}: raise it (ulimit -Hn)",
        limit.rlim_max
    );
    Ok((limit.rlim_cur, limit.rlim_max))
}

#[derive(serde::Deserialize)]
struct OrderAnswer {
    id: String,
    version: i64,
}

/// Creates one order (a burger) for customer `who`.
async fn create(client: &reqwest::Client, base: &str, who: i64) -> Result<Watched> {
    let auth = authorization(who);
    let body = serde_json::json!({"items": [
        {"item_id": "veggie-burger", "options": {"bun": ["sesame"]}, "quantity": 1}
    ]});
    let response = client
        .post(format!("{base}/api/v1/orders"))
        .header("authorization", &auth)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let after = response
        .headers()
        .get("x-read-after")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = response.text().await?;
    ensure!(status.is_success(), "POST /orders: {status} {text}");
    let answer: OrderAnswer = serde_json::from_str(&text)?;
    Ok(Watched {
        id: answer.id,
        authorization: auth,
        after,
    })
}

/// The streams' readers' runtime, stopped without waiting when dropped (also when a
/// step fails), which closes every stream's socket.
struct Readers(Option<tokio::runtime::Runtime>);

impl Readers {
    fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        if let Some(runtime) = &self.0 {
            runtime.spawn(task);
        }
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// What a stream's reader tells.
enum Told {
    Opened,
    Step(usize, i64, Instant),
    Failed(anyhow::Error),
}

/// Reads order `i`'s stream until it ends: its `order` event, then its steps.
async fn watch(
    port: u16,
    i: usize,
    order: Arc<Watched>,
    busy: Arc<Vec<AtomicBool>>,
    opening: Arc<tokio::sync::Semaphore>,
    tell: mpsc::UnboundedSender<Told>,
) {
    let run = async {
        let permit = opening.acquire().await?;
        let token: String = form_urlencoded::byte_serialize(order.after.as_bytes()).collect();
        let path = format!("/api/v1/orders/{}/events?after={token}", order.id);
        let mut stream = Stream::open(port, &path, &order.authorization).await?;
        let first = stream
            .next()
            .await?
            .context("ended before its first event")?;
        ensure!(first.name == "order", "first event {:?}", first.name);
        ensure!(
            first.data.contains(&order.id),
            "an `order` event of another order"
        );
        drop(permit);
        let _ = tell.send(Told::Opened);
        while let Some(event) = stream.next().await? {
            ensure!(event.name == "step", "unexpected {:?} event", event.name);
            let id = event.id.as_deref().unwrap_or("");
            let sequence: i64 = id.parse().with_context(|| format!("step id {id:?}"))?;
            busy[i].store(false, Ordering::Release);
            let _ = tell.send(Told::Step(i, sequence, event.at));
        }
        anyhow::Ok(())
    };
    if let Err(e) = run.await {
        let _ = tell.send(Told::Failed(
            e.context(format!("stream of order {}", order.id)),
        ));
    }
}

/// Listens on the timeline channel on a thread of its own until `stop`, noting when
/// each notification arrived and its payload.
fn listen(
    url: String,
    ready: tokio::sync::oneshot::Sender<Result<()>>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> std::thread::JoinHandle<Result<Vec<(Instant, String)>>> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let connected = async {
                let mut l = sqlx::postgres::PgListener::connect(&url).await?;
                l.listen(foodbot_projections::changes::CHANNEL).await?;
                anyhow::Ok(l)
            }
            .await;
            let mut listener = match connected {
                Ok(l) => {
                    let _ = ready.send(Ok(()));
                    l
                }
                Err(e) => {
                    let _ = ready.send(Err(anyhow!("listening: {e}")));
                    return Err(e);
                }
            };
            let mut heard = Vec::new();
            loop {
                tokio::select! {
                    _ = &mut stop => return Ok(heard),
                    n = listener.recv() => {
                        let n = n?;
                        heard.push((Instant::now(), n.payload().to_string()));
                    }
                }
            }
        })
    })
}

/// Sends one quantity change to order `i` on a task of its own.
fn spawn_command(
    client: &reqwest::Client,
    base: &str,
    i: usize,
    order: &Watched,
    quantity: u32,
) -> tokio::task::JoinHandle<Result<Sent>> {
    let request = client
        .patch(format!("{base}/api/v1/orders/{}/items/1", order.id))
        .header("authorization", &order.authorization)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&serde_json::json!({ "quantity": quantity }));
    tokio::spawn(async move {
        let at = Instant::now();
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        let answered = Instant::now();
        ensure!(status.is_success(), "PATCH …/items/1: {status} {text}");
        let answer: OrderAnswer = serde_json::from_str(&text)?;
        Ok(Sent {
            order: i,
            at,
            answered,
            sequence: answer.version,
        })
    })
}

pub(crate) async fn measure(server: &Running, url: &str) -> Result<Streams> {
    let n: usize = setting("BENCH_WEBAPP_STREAMS", 2_000)?;
    let rate: u32 = setting("BENCH_WEBAPP_RATE", 200)?;
    let secs: f64 = setting("BENCH_WEBAPP_SECS", 10.0)?;
    ensure!(
        n > 0 && rate > 0 && secs > 0.0,
        "streams, rate and seconds must be positive"
    );
    // Each stream is two sockets here (client and server), beside the pools and files.
    let fd_limit = open_files(2 * n as u64 + 1_024)?;

    eprintln!("  creating {n} orders, each its own customer's");
    let client = reqwest::Client::new();
    let created: Vec<Result<Watched>> = futures::stream::iter(0..n)
        .map(|i| create(&client, &server.base, FIRST_CUSTOMER + i as i64))
        .buffered(CREATING)
        .collect()
        .await;
    let orders: Vec<Arc<Watched>> = created
        .into_iter()
        .map(|o| o.map(Arc::new))
        .collect::<Result<_>>()?;

    eprintln!("  opening {n} streams");
    let rss_before_kb = rss_kb()?;
    let readers = Readers(Some(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("sse-clients")
            .enable_all()
            .build()?,
    ));
    let busy: Arc<Vec<AtomicBool>> = Arc::new((0..n).map(|_| AtomicBool::new(false)).collect());
    let opening = Arc::new(tokio::sync::Semaphore::new(OPENING));
    let (tell, mut told) = mpsc::unbounded_channel();
    let began = Instant::now();
    for (i, order) in orders.iter().enumerate() {
        readers.spawn(watch(
            server.port,
            i,
            order.clone(),
            busy.clone(),
            opening.clone(),
            tell.clone(),
        ));
    }
    drop(tell);
    let mut opened = 0;
    let mut steps: Vec<Vec<(i64, Instant)>> = vec![Vec::new(); n];
    let mut heard_steps = 0;
    let outcome = async {
        while opened < n {
            let what = tokio::time::timeout_at((began + OPEN_DEADLINE).into(), told.recv())
                .await
                .map_err(|_| anyhow!("{opened} of {n} streams opened within {OPEN_DEADLINE:?}"))?;
            match what {
                Some(Told::Opened) => opened += 1,
                Some(Told::Step(i, seq, at)) => {
                    bail!("order {i} got step {seq} at {at:?} unbidden")
                }
                Some(Told::Failed(e)) => return Err(e),
                None => bail!("every stream reader stopped"),
            }
        }
        anyhow::Ok(())
    }
    .await;
    outcome?;
    let open_took = began.elapsed();
    let rss_after_kb = rss_kb()?;
    let watched = server.state.timeline.watched();

    let (ready, listening) = tokio::sync::oneshot::channel();
    let (stop_listening, stop) = tokio::sync::oneshot::channel();
    let listener = listen(url.to_string(), ready, stop);
    listening.await??;

    let total = (secs * f64::from(rate)).round() as usize;
    eprintln!("  {total} commands at {rate}/s on random orders");
    let mut quantities = vec![1u32; n];
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / rate);
    let mut tasks = Vec::with_capacity(total);
    let mut skipped = 0;
    let mut rng = rand::rngs::StdRng::from_entropy();
    let drive_began = Instant::now();
    for _ in 0..total {
        ticks.tick().await;
        // An order with a step in flight is passed over, so that each notification
        // naming an order follows exactly one of its commands.
        let idle = (0..1_000)
            .map(|_| rng.gen_range(0..n))
            .find(|&i| !busy[i].swap(true, Ordering::AcqRel));
        let Some(i) = idle else {
            skipped += 1;
            continue;
        };
        quantities[i] = if quantities[i] == 2 { 3 } else { 2 };
        tasks.push(spawn_command(
            &client,
            &server.base,
            i,
            &orders[i],
            quantities[i],
        ));
    }
    let span = drive_began.elapsed();
    let mut sent = Vec::with_capacity(tasks.len());
    for task in tasks {
        sent.push(task.await??);
    }

    // Every step is awaited, up to a deadline after the last command.
    let deadline = Instant::now() + DRAIN;
    while heard_steps < sent.len() {
        match tokio::time::timeout_at(deadline.into(), told.recv()).await {
            Ok(Some(Told::Step(i, seq, at))) => {
                steps[i].push((seq, at));
                heard_steps += 1;
            }
            Ok(Some(Told::Failed(e))) => return Err(e),
            Ok(Some(Told::Opened)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let _ = stop_listening.send(());
    let notifications = listener
        .join()
        .map_err(|_| anyhow!("the listener panicked"))??;
    // Closing the client side ends the streams.
    drop(readers);

    let mut found = matched(&orders, &sent, &steps, &notifications);
    found.streams = n;
    found.rate = rate;
    found.open_took = open_took;
    found.watched = watched;
    found.rss_before_kb = rss_before_kb;
    found.rss_after_kb = rss_after_kb;
    found.fd_limit = fd_limit;
    found.span = span;
    found.skipped = skipped;
    Ok(found)
}

/// Pairs each command with its step on the stream and the notification of its commit.
fn matched(
    orders: &[Arc<Watched>],
    sent: &[Sent],
    steps: &[Vec<(i64, Instant)>],
    notifications: &[(Instant, String)],
) -> Streams {
    let index: HashMap<&str, usize> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    // Each order's notifications in the order they arrived.
    let mut heard: Vec<Vec<Instant>> = vec![Vec::new(); orders.len()];
    let mut stray = 0;
    for (at, payload) in notifications {
        for id in payload.split(',') {
            match index.get(id) {
                Some(&i) => heard[i].push(*at),
                None => stray += 1,
            }
        }
    }
    let mut by_order: Vec<Vec<&Sent>> = vec![Vec::new(); orders.len()];
    for s in sent {
        by_order[s.order].push(s);
    }
    let mut r = Streams {
        streams: 0,
        rate: 0,
        open_took: Duration::ZERO,
        watched: 0,
        rss_before_kb: 0,
        rss_after_kb: 0,
        fd_limit: (0, 0),
        sent: sent.len(),
        span: Duration::ZERO,
        skipped: 0,
        latency: histogram(),
        end_to_end: histogram(),
        answer: histogram(),
        early: 0,
        unheard: 0,
        missing: 0,
        notifications: notifications.len(),
        stray: 0,
    };
    for (i, commands) in by_order.iter_mut().enumerate() {
        commands.sort_by_key(|s| s.at);
        let mut next_heard = 0;
        let mut used = 0;
        for s in commands.iter() {
            record(&mut r.answer, s.answered - s.at);
            let step = steps[i].iter().find(|(seq, _)| *seq == s.sequence);
            let commit = heard[i][next_heard..]
                .iter()
                .position(|&t| t >= s.at)
                .map(|p| {
                    next_heard += p + 1;
                    used += 1;
                    heard[i][next_heard - 1]
                });
            let Some(&(_, arrived)) = step else {
                r.missing += 1;
                continue;
            };
            record(&mut r.end_to_end, arrived - s.at);
            match commit {
                Some(commit) if arrived < commit => {
                    r.early += 1;
                    record(&mut r.latency, Duration::ZERO);
                }
                Some(commit) => record(&mut r.latency, arrived - commit),
                None => r.unheard += 1,
            }
        }
        stray += heard[i].len() - used;
    }
    r.stray = stray;
    r
}

pub(crate) fn report(r: &Streams) -> Result<()> {
    println!(
        "\ntimeline streams: {} open GET /api/v1/orders/{{id}}/events streams on one server, one order and customer each",
        r.streams
    );
    println!(
        "  all open (first `order` event read) after {:.1} s; the server watches {} orders",
        r.open_took.as_secs_f64(),
        r.watched
    );
    let mb = |kb: u64| kb as f64 / 1024.0;
    let per_stream = (r.rss_after_kb as f64 - r.rss_before_kb as f64) / r.streams as f64;
    println!(
        "  memory: VmRSS {:.1} MB before opening, {:.1} MB with all open: {per_stream:.1} KB per stream",
        mb(r.rss_before_kb),
        mb(r.rss_after_kb)
    );
    println!(
        "  (client sockets and readers share the server's process: an upper bound for the server)"
    );
    println!(
        "  open files: limit {} (hard {}), two sockets per stream here",
        r.fd_limit.0, r.fd_limit.1
    );
    let rate = r.sent as f64 / r.span.as_secs_f64().max(1e-9);
    println!(
        "\n{} commands (PATCH …/items/1, a new quantity: one step each) open-loop at {}/s (sent at {rate:.1}/s) on random orders",
        r.sent, r.rate
    );
    if r.skipped > 0 {
        println!("  {} ticks passed over: no idle order found", r.skipped);
    }
    println!("                                      count  p50 ms  p90 ms  p99 ms  max ms");
    let row = |name: &str, h: &Histogram<u64>| {
        println!(
            "{name:<36} {:>6}  {:>6.2}  {:>6.2}  {:>6.2}  {:>6.2}",
            h.len(),
            ms(h, 0.5),
            ms(h, 0.9),
            ms(h, 0.99),
            h.max() as f64 / 1e3
        );
    };
    row("projector commit -> step on stream", &r.latency);
    row("command sent -> step on stream", &r.end_to_end);
    row("command sent -> its answer", &r.answer);
    println!(
        "  {} notifications heard; {} steps read before the benchmark heard their notification (counted as 0 ms)",
        r.notifications, r.early
    );
    if r.unheard > 0 || r.stray > 0 {
        println!(
            "  {} steps without a notification after their command; {} notified orders without a command",
            r.unheard, r.stray
        );
    }
    let p99 = ms(&r.latency, 0.99);
    println!(
        "target: commit -> stream p99 <= {TARGET_MS} ms with {} streams  {p99:.2} ms {}",
        r.streams,
        verdict(p99 <= TARGET_MS && r.missing == 0)
    );
    if r.missing > 0 {
        bail!(
            "{} of {} steps never reached their stream within {DRAIN:?}",
            r.missing,
            r.sent
        );
    }
    Ok(())
}
