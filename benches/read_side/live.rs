//! Live lag: the real server, with its projector running as in production, takes a
//! sustained open-loop stream of real order commands through the application layer.
//! For one command in [`SAMPLE`], the time from the command's return (its events are
//! committed) until every served read model has applied them: the wait
//! `queries::wait_for` makes for read-your-writes, on the server's shared `Visibility`
//! (one checkpoint query per projector step for all pending samples, not one per sample).

use crate::generate::menu_path;
use crate::template::{burger, cola, customer, margherita, profile, staff, system, STAFF_ID};
use anyhow::{Context, Result};
use foodbot::config::Config;
use foodbot::http::ServerState;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot_domain::order::{Fulfilment, OrderAction, PaymentMethod, PaymentReceipt};
use foodbot_domain::{LineId, Money, OrderId, UserId};
use foodbot_projections::queries::{read_token, wait_for};
use foodbot_projections::{Checkpoint, Db, Visibility};
use hdrhistogram::Histogram;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Commands per second, sent on a fixed schedule whatever the server's pace.
pub(crate) const RATE: u64 = 1000;
pub(crate) const RUN: Duration = Duration::from_secs(20);
/// Customers working at once, each through its orders one command at a time.
const SLOTS: usize = 200;
/// One command in this many has its lag measured.
pub(crate) const SAMPLE: u64 = 10;
/// A lag sample gives up after this long (and counts as a timeout).
pub(crate) const WAIT: Duration = Duration::from_secs(120);
const BOT_TOKEN: &str = "123456:bench-token";
const LIVE_CUSTOMERS: i64 = 7_300_000_000;

pub(crate) struct Live {
    pub(crate) sent: u64,
    pub(crate) events: u64,
    /// From the first scheduled command to the last one's return.
    pub(crate) secs: f64,
    /// Scheduled send to return, in microseconds (queueing included).
    pub(crate) latency: Histogram<u64>,
    /// Return to projected, in microseconds.
    pub(crate) lag: Histogram<u64>,
    /// (seconds into the stream the command returned, its lag in seconds).
    pub(crate) samples: Vec<(f64, f64)>,
    pub(crate) timeouts: u64,
    /// Projector steps that wrote, and steps that looked, during the stream and the drain.
    pub(crate) steps_written: u64,
    pub(crate) steps_looked: u64,
    /// Whether a transaction stayed open (holding an id) for the whole run.
    pub(crate) held_open: bool,
}

/// A command whose events are awaited: where its last event is, and when it returned.
type Sample = (Checkpoint, Instant);

/// Where the command's last event is in the global order.
async fn locate(db: &Db, order: OrderId, version: usize) -> Result<Checkpoint> {
    let sql = "SELECT transaction_id::text::bigint AS tx, position FROM events
                WHERE aggregate_type = 'Order' AND aggregate_id = $1 AND sequence = $2";
    let args = [order.to_string().into(), (version as i64).into()];
    let row = db.rows(sql, &args).await?.into_iter().next();
    let row = row.context("the command's event is not in the log")?;
    Ok(Checkpoint {
        transaction_id: row.get("tx").and_then(Value::as_i64).unwrap_or(0),
        position: row.get("position").and_then(Value::as_i64).unwrap_or(0),
    })
}

/// Resolves samples through the server's shared [`Visibility`]: a sample is done when
/// every served read model (all but the final-order hash chain) has its event, as in
/// `wait_for`.
async fn monitor(
    visibility: Visibility,
    mut samples: mpsc::UnboundedReceiver<Sample>,
    start: Instant,
) -> Result<(Histogram<u64>, Vec<(f64, f64)>, u64)> {
    let (mut lag, mut seen, mut timeouts) = (histogram(), Vec::new(), 0u64);
    let mut waits = tokio::task::JoinSet::new();
    let mut record = |done: Option<(Instant, Instant)>| match done {
        Some((returned, shown)) => {
            let took = shown - returned;
            lag.saturating_record(took.as_micros().max(1) as u64);
            seen.push(((returned - start).as_secs_f64(), took.as_secs_f64()));
        }
        None => timeouts += 1,
    };
    let mut open = true;
    while open || !waits.is_empty() {
        tokio::select! {
            s = samples.recv(), if open => match s {
                Some((target, returned)) => {
                    let visibility = visibility.clone();
                    waits.spawn(async move {
                        let left = WAIT.saturating_sub(returned.elapsed());
                        let shown = visibility.wait(target, left).await;
                        shown.then(|| (returned, Instant::now()))
                    });
                }
                None => open = false,
            },
            Some(done) = waits.join_next() => record(done?),
        }
    }
    Ok((lag, seen, timeouts))
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("valid bounds")
}

/// One customer's place in their current order.
struct Slot {
    customer: i64,
    order: Option<OrderId>,
    step: usize,
    orders: u64,
    amount: Option<Money>,
}

/// Sends the next command of the slot's current order (opening one when none is open).
/// Returns the order, its version after the command and the events appended.
async fn next_command(state: &ServerState, s: &mut Slot) -> Result<(OrderId, usize, usize)> {
    let app = &state.app;
    let me = customer(s.customer);
    let Some(order) = s.order else {
        let (order, out) = app
            .create_order(&me, UserId(s.customer), vec![margherita(1)])
            .await?;
        (s.order, s.step) = (Some(order), 1);
        return Ok((order, out.version, out.events.len()));
    };
    let menu = || app.menu.clone();
    let rejected = s.orders % 5 == 4;
    use OrderAction::*;
    let (who, action) = match s.step {
        1 => (
            me,
            AddItem {
                menu: menu(),
                item: if s.orders % 2 == 0 { cola() } else { burger() },
            },
        ),
        2 => (
            me,
            ChangeQuantity {
                line: LineId(1),
                quantity: 2,
            },
        ),
        3 => (
            me,
            SetFulfilment {
                fulfilment: Fulfilment::pickup(),
            },
        ),
        4 => (me, Checkout { menu: menu() }),
        5 => (
            me,
            RequestPayment {
                method: PaymentMethod::Provider,
                invoice_payload: format!("o:{order}"),
            },
        ),
        6 => {
            let amount = s.amount.context("no amount")?;
            let receipt = PaymentReceipt {
                method: PaymentMethod::Provider,
                amount,
                telegram_charge_id: format!("tg-{order}"),
                provider_charge_id: format!("pp-{order}"),
            };
            (system(), RecordPayment { receipt })
        }
        7 if rejected => (
            staff(),
            Reject {
                reason: "out of dough".into(),
            },
        ),
        8 if rejected => {
            let amount = s.amount.context("no amount")?;
            (
                staff(),
                RecordRefund {
                    amount,
                    telegram_charge_id: format!("rf-{order}"),
                },
            )
        }
        7 => (
            staff(),
            Accept {
                eta_minutes: Some(15),
            },
        ),
        8 => (staff(), StartPreparing),
        9 => (staff(), MarkReady),
        _ => (staff(), MarkPickedUp),
    };
    let last = s.step == if rejected { 8 } else { 10 };
    let out = app.order_command(&who, order, action).await?;
    if s.step == 5 {
        s.amount = out.state.totals.as_ref().map(|t| t.total);
    }
    s.step += 1;
    if last {
        (s.order, s.orders) = (None, s.orders + 1);
    }
    Ok((order, out.version, out.events.len()))
}

/// One customer's loop: a command for every tick it is handed, in order.
async fn slot(
    state: Arc<ServerState>,
    customer: i64,
    mut ticks: mpsc::UnboundedReceiver<Instant>,
    counter: Arc<AtomicU64>,
    samples: mpsc::UnboundedSender<Sample>,
) -> Result<(Histogram<u64>, u64, Instant)> {
    let mut s = Slot {
        customer,
        order: None,
        step: 0,
        orders: 0,
        amount: None,
    };
    let (mut latency, mut events) = (histogram(), 0u64);
    let mut last = Instant::now();
    let db = state.app.db.projection_db();
    while let Some(scheduled) = ticks.recv().await {
        let (order, version, appended) = next_command(&state, &mut s).await?;
        let returned = Instant::now();
        last = returned;
        events += appended as u64;
        latency.saturating_record((returned - scheduled).as_micros().max(1) as u64);
        if counter.fetch_add(1, Ordering::Relaxed) % SAMPLE == 0 {
            let (db, samples) = (db.clone(), samples.clone());
            tokio::spawn(async move {
                match locate(&db, order, version).await {
                    Ok(target) => drop(samples.send((target, returned))),
                    Err(e) => eprintln!("  lag sample lost: {e}"),
                }
            });
        }
    }
    Ok((latency, events, last))
}

/// Starts the server on `url`, registers the customers, runs the stream, stops it.
/// With `held_open`, another connection holds a transaction with an id of its
/// own open from before the stream until after the drain, as a backup or an
/// analyst's session would: nothing committed meanwhile is final.
pub(crate) async fn run(url: &str, held_open: bool) -> Result<Live> {
    let mut config = Config::defaults();
    config.addr = "127.0.0.1:0".parse()?;
    config.bot_token = Some(secrecy::SecretString::from(BOT_TOKEN));
    // Telegram is played by the fake Bot API, as in the tests.
    let bot_api =
        foodbot::telegram::fake::FakeBotApi::start_with(BOT_TOKEN, "foodbot_bench_bot").await?;
    config.telegram_api_url = bot_api.url().to_string();
    config.telegram_webhook_secret = Some(secrecy::SecretString::from("bench-webhook-secret"));
    config.database_url = url.to_string();
    config.menu_path = menu_path();
    config.staff_user_ids = vec![STAFF_ID.to_string()];
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    let db = Database::connect(url, config.db_connections).await?;
    let server = Server::build_with(config, db, menu).await?;
    let state = server.state.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        // The fake lives as long as the server that talks to it.
        let _telegram = bot_api;
        server
            .run_until(async {
                let _ = stopped.await;
            })
            .await
    });

    // Each run has customers of its own.
    let customers = LIVE_CUSTOMERS + if held_open { 1_000_000 } else { 0 };
    eprintln!("  registering {SLOTS} customers");
    for i in 0..SLOTS as i64 {
        let c = customers + i;
        state
            .app
            .record_contact(&customer(c), UserId(c), profile(c))
            .await?;
    }
    let last = read_token("User", &(customers + SLOTS as i64 - 1).to_string(), 1);
    let pdb = state.app.db.projection_db();
    wait_for(&pdb, &last, &state.visibility, WAIT).await?;

    eprintln!("  {RATE} commands/s for {RUN:?}, lag sampled for 1 in {SAMPLE}");
    let mut held = None;
    if held_open {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query("BEGIN").execute(&mut conn).await?;
        sqlx::query("SELECT pg_current_xact_id()")
            .execute(&mut conn)
            .await?;
        eprintln!("  a transaction with an id stays open for the whole run");
        held = Some(conn);
    }
    let counters = state.projector.clone();
    let (wrote_before, looked_before) = (counters.wrote.load(Ordering::SeqCst), counters.looked());
    let counter = Arc::new(AtomicU64::new(0));
    let (sample, samples) = mpsc::unbounded_channel();
    let start = Instant::now();
    let watch = monitor(state.visibility.clone(), samples, start);
    let watch = tokio::spawn(watch);
    let mut senders = Vec::new();
    let mut slots = Vec::new();
    for i in 0..SLOTS as i64 {
        let (tx, rx) = mpsc::unbounded_channel();
        senders.push(tx);
        let c = customers + i;
        let task = slot(state.clone(), c, rx, counter.clone(), sample.clone());
        slots.push(tokio::spawn(task));
    }
    drop(sample);
    let sent = RATE * RUN.as_secs();
    let mut interval = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    for i in 0..sent {
        let scheduled = interval.tick().await.into_std();
        senders[i as usize % SLOTS].send(scheduled)?;
    }
    drop(senders);
    let (mut latency, mut events, mut end) = (histogram(), 0, start);
    for task in slots {
        let (l, e, last) = task.await??;
        latency.add(l)?;
        events += e;
        end = end.max(last);
    }
    eprintln!(
        "  commands done in {:.1?}; waiting for the projector",
        end - start
    );
    let (lag, samples, timeouts) = watch.await??;
    let steps_written = counters.wrote.load(Ordering::SeqCst) - wrote_before;
    let steps_looked = counters.looked() - looked_before;
    if let Some(mut conn) = held {
        sqlx::query("ROLLBACK").execute(&mut conn).await?;
    }
    let _ = stop.send(());
    serving.await??;
    Ok(Live {
        sent,
        events,
        secs: (end - start).as_secs_f64(),
        latency,
        lag,
        samples,
        timeouts,
        steps_written,
        steps_looked,
        held_open,
    })
}
