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

use anyhow::{anyhow, ensure, Context, Result};
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::CqrsFramework;
use foodbot::config::Config;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot::telegram::init_data;
use foodbot_domain::catalog::{Catalog, LineRequest};
use foodbot_domain::order::{Order, OrderAction, OrderCommand};
use foodbot_domain::{Actor, LineId, OrderId, UserId};
use hdrhistogram::Histogram;
use postgres_es::PostgresEventRepository;
use reqwest::Method;
use serde_json::json;
use sqlx::Connection;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

/// The same allocator as the `foodbot` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
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

/// Latency and throughput of one concurrency level. Latencies are in milliseconds.
#[derive(Clone, Copy, Default)]
struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
    /// Mean latency of commands 1-5 and 16-20 on an order (workload b only).
    early: f64,
    late: f64,
}

// ---------------------------------------------------------------- measuring

/// The part of a run whose commands are counted: after the warm-up, before the end.
#[derive(Clone, Copy)]
struct Window {
    from: Instant,
    until: Instant,
}

impl Window {
    fn start() -> Window {
        let now = Instant::now();
        Window {
            from: now + WARMUP,
            until: now + WARMUP + RUN,
        }
    }

    fn open(&self) -> bool {
        Instant::now() < self.until
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

/// What clients measured, in microseconds: every timed command, and commands 1-5 and
/// 16-20 on an order (workload b). `busy` is the time spent in timed commands.
struct Tally {
    all: Histogram<u64>,
    early: Histogram<u64>,
    late: Histogram<u64>,
    busy: Duration,
}

impl Tally {
    fn new() -> Tally {
        let busy = Duration::ZERO;
        Tally {
            all: histogram(),
            early: histogram(),
            late: histogram(),
            busy,
        }
    }

    /// Counts a command that began at `start` and has just finished; `step` is its place
    /// among the commands sent to one order (0 outside workload b).
    fn record(&mut self, window: &Window, start: Instant, step: usize) {
        let took = start.elapsed();
        if start >= window.from && start < window.until {
            let micros = took.as_micros().max(1) as u64;
            self.all.saturating_record(micros);
            self.busy += took;
            match step {
                1..=5 => self.early.saturating_record(micros),
                16..=20 => self.late.saturating_record(micros),
                _ => {}
            }
        }
    }

    fn merge(&mut self, other: Tally) -> Result<()> {
        self.all.add(other.all)?;
        self.early.add(other.early)?;
        self.late.add(other.late)?;
        self.busy += other.busy;
        Ok(())
    }

    /// Throughput counts only the timed commands: each client's rate over the time it spent
    /// in them, summed over the clients (in workload a that is simply commands / run time).
    fn figures(&self, clients: usize) -> Figures {
        let busy_per_client = self.busy.as_secs_f64() / clients as f64;
        Figures {
            rate: self.all.len() as f64 / busy_per_client.max(1e-9),
            early: self.early.mean() / 1e3,
            late: self.late.mean() / 1e3,
            ..percentiles(&self.all)
        }
    }
}

/// Median and 99th percentile of a histogram in microseconds, as milliseconds.
fn percentiles(micros: &Histogram<u64>) -> Figures {
    let ms = |q| micros.value_at_quantile(q) as f64 / 1e3;
    Figures {
        p50: ms(0.50),
        p99: ms(0.99),
        ..Figures::default()
    }
}

// ---------------------------------------------------------------- the two in-process drivers

type PlainCqrs = CqrsFramework<Order, PersistedEventStore<PostgresEventRepository, Order>>;

fn line(request: serde_json::Value) -> LineRequest {
    serde_json::from_value(request).expect("a valid line request")
}

/// What every new order holds: a burger with its required bun.
static BURGER: LazyLock<LineRequest> = LazyLock::new(|| {
    line(json!({"item_id": "veggie-burger", "options": {"bun": ["sesame"]}, "quantity": 1}))
});
/// What workload b adds: a large cola.
static COLA: LazyLock<LineRequest> =
    LazyLock::new(|| line(json!({"item_id": "cola", "size": "05l", "quantity": 1})));

/// A command a client sends. Every one of them appends at least one event.
#[derive(Clone, Copy)]
enum Cmd {
    Create,
    AddCola,
    /// Sets the burger line's quantity.
    Quantity(u32),
}

/// The `step`th command sent to an order in workload b: odd steps add a cola, even steps
/// set the burger's quantity to a new value (2, 3, … 11).
fn step_cmd(step: usize) -> Cmd {
    match step % 2 {
        1 => Cmd::AddCola,
        _ => Cmd::Quantity(step as u32 / 2 + 1),
    }
}

/// One benchmark client: a customer with their own signed Telegram identity.
struct Customer {
    id: i64,
    authorization: String,
}

impl Customer {
    fn new(id: i64) -> Customer {
        let user = format!(r#"{{"id":{id},"first_name":"Bench","language_code":"en"}}"#);
        let now = chrono::Utc::now().timestamp().to_string();
        let fields = [
            ("user", user.as_str()),
            ("auth_date", &now),
            ("query_id", "q"),
        ];
        let authorization = format!("tma {}", init_data::sign(&fields, BOT_TOKEN));
        Customer { id, authorization }
    }
}

enum Driver {
    Http {
        client: reqwest::Client,
        base: String,
    },
    Cqrs {
        cqrs: Box<PlainCqrs>,
        menu: Arc<Catalog>,
    },
}

impl Driver {
    /// Sends `cmd` for `who` to `order` (a new one for [`Cmd::Create`]); returns the order id.
    async fn send(&self, who: &Customer, order: &str, cmd: Cmd) -> Result<String> {
        match self {
            Driver::Http { client, base } => http_send(client, base, who, order, cmd).await,
            Driver::Cqrs { cqrs, menu } => {
                let (id, action) = order_action(cmd, order, menu);
                let at = chrono::Utc::now();
                let metadata = metadata_like_the_servers(who, at, action.name());
                let actor = Actor::Customer(UserId(who.id));
                let command = OrderCommand { actor, at, action };
                let done = cqrs.execute_with_metadata(&id, command, metadata).await;
                done.map_err(|e| anyhow!("cqrs-es: {e}"))?;
                Ok(id)
            }
        }
    }
}

async fn http_send(
    client: &reqwest::Client,
    base: &str,
    who: &Customer,
    order: &str,
    cmd: Cmd,
) -> Result<String> {
    let (method, path, body) = match cmd {
        Cmd::Create => (Method::POST, String::new(), json!({ "items": [&*BURGER] })),
        Cmd::AddCola => (Method::POST, format!("/{order}/items"), json!(&*COLA)),
        Cmd::Quantity(n) => (
            Method::PATCH,
            format!("/{order}/items/1"),
            json!({ "quantity": n }),
        ),
    };
    let request = client.request(method, format!("{base}/api/v1/orders{path}"));
    let request = request
        .header("authorization", &who.authorization)
        .json(&body);
    let response = request.send().await?;
    let status = response.status();
    let reply = response.bytes().await?;
    let text = || String::from_utf8_lossy(&reply);
    ensure!(status.is_success(), "{path}: {status} {}", text());
    if !order.is_empty() {
        return Ok(order.to_string());
    }
    #[derive(serde::Deserialize)]
    struct Created {
        id: String,
    }
    Ok(serde_json::from_slice::<Created>(&reply)?.id)
}

/// `cmd` as the domain's action, with the id of the order it goes to.
fn order_action(cmd: Cmd, order: &str, menu: &Arc<Catalog>) -> (String, OrderAction) {
    let menu = menu.clone();
    match cmd {
        Cmd::Create => {
            let order_id = OrderId(uuid::Uuid::new_v4());
            let items = vec![BURGER.clone()];
            let action = OrderAction::Create {
                order_id,
                menu,
                items,
            };
            (order_id.to_string(), action)
        }
        Cmd::AddCola => {
            let item = COLA.clone();
            (order.to_string(), OrderAction::AddItem { menu, item })
        }
        Cmd::Quantity(quantity) => {
            let line = LineId(1);
            (
                order.to_string(),
                OrderAction::ChangeQuantity { line, quantity },
            )
        }
    }
}

/// Event metadata of the size and shape the server writes, so that rows weigh the same.
fn metadata_like_the_servers(
    who: &Customer,
    at: chrono::DateTime<chrono::Utc>,
    command: &str,
) -> HashMap<String, String> {
    let pairs = [
        ("actor", "customer".to_string()),
        ("user_id", who.id.to_string()),
        ("channel", "mini_app".to_string()),
        ("correlation_id", uuid::Uuid::new_v4().to_string()),
        ("at", at.to_rfc3339()),
        ("command", command.to_string()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// One client's loop: commands back to back until the window closes.
async fn client(
    driver: Arc<Driver>,
    workload: Workload,
    who: Customer,
    window: Window,
) -> Result<Tally> {
    let mut tally = Tally::new();
    while window.open() {
        let start = Instant::now();
        let order = driver.send(&who, "", Cmd::Create).await?;
        if workload == Workload::Fresh {
            tally.record(&window, start, 0);
            continue;
        }
        for step in 1..=CART_COMMANDS {
            let start = Instant::now();
            driver.send(&who, &order, step_cmd(step)).await?;
            tally.record(&window, start, step);
        }
    }
    Ok(tally)
}

/// Runs `workload` with `clients` concurrent clients, customers numbered from `users`.
async fn measure(
    driver: &Arc<Driver>,
    workload: Workload,
    clients: usize,
    users: i64,
) -> Result<Figures> {
    let window = Window::start();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let who = Customer::new(users + i as i64);
            tokio::spawn(client(driver.clone(), workload, who, window))
        })
        .collect();
    let mut total = Tally::new();
    for task in tasks {
        total.merge(task.await??)?;
    }
    Ok(total.figures(clients))
}

/// Tells on stderr what runs now, so that a profiler can be pointed at it.
fn progress(what: &str, workload: usize, clients: usize) {
    let letter = ["a", "b"][workload];
    eprintln!("  {what}, workload {letter}, concurrency {clients}");
}

fn menu_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

type Serving = tokio::task::JoinHandle<Result<()>>;

/// The real server on a loopback port, and a driver that talks to it. Sending on the
/// returned channel stops the server.
async fn start_server(
    url: &str,
    menu: Arc<Catalog>,
) -> Result<(Arc<Driver>, tokio::sync::oneshot::Sender<()>, Serving)> {
    let mut config = Config::defaults();
    config.addr = "127.0.0.1:0".parse()?;
    config.bot_token = Some(secrecy::SecretString::from(BOT_TOKEN));
    config.database_url = url.to_string();
    config.menu_path = menu_path();
    let db = Database::connect(url, config.db_connections).await?;
    let server = Server::build_with(config, db, menu).await?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    Ok((Arc::new(Driver::Http { client, base }), stop, serving))
}

/// Stock cqrs-es over postgres-es, with a pool like the server's.
async fn plain_cqrs(url: &str, menu: Arc<Catalog>) -> Result<(Arc<Driver>, sqlx::PgPool)> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL)
        .connect(url)
        .await?;
    let store = PersistedEventStore::new_event_store(PostgresEventRepository::new(pool.clone()));
    let cqrs = Box::new(CqrsFramework::new(store, vec![], ()));
    Ok((Arc::new(Driver::Cqrs { cqrs, menu }), pool))
}

// ---------------------------------------------------------------- raw PostgreSQL with pgbench

/// Workload a: a new aggregate id per transaction (from a per-client counter), two events.
const RAW_FRESH: &str = r"\set ord :ord + 1
\set aid :base + :client_id * 10000000 + :ord
BEGIN;
SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events WHERE aggregate_type = 'Order' AND aggregate_id = 'raw-' || :aid::text
  ORDER BY sequence;
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, 1, 'OrderCreated', :version, :created::json, :metadata::json);
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, 2, 'ItemAdded', :version, :added::json, :metadata::json);
COMMIT;
";

/// Workload b: per client, 20 sequential events on one aggregate id, then the next id.
const RAW_CART: &str = r"\if :n >= 20
\set n 0
\set ord :ord + 1
\endif
\set n :n + 1
\set aid :base + :client_id * 10000000 + :ord
BEGIN;
SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events WHERE aggregate_type = 'Order' AND aggregate_id = 'raw-' || :aid::text
  ORDER BY sequence;
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, :n, 'ItemAdded', :version, :added::json, :metadata::json);
COMMIT;
";

/// pgbench variables holding a real order's first two events (written by the first HTTP measurement).
async fn sample_events(url: &str) -> Result<Vec<String>> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT event_type, event_version, payload::text, metadata::text FROM events
          WHERE aggregate_type = 'Order' AND aggregate_id = (SELECT aggregate_id FROM events
                WHERE aggregate_type = 'Order' ORDER BY position LIMIT 1)
          ORDER BY sequence",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    let [(created, version, created_json, _), (added, _, added_json, metadata)] = &rows[..] else {
        anyhow::bail!("the first order has {} events, not 2", rows.len());
    };
    ensure!(
        created == "OrderCreated" && added == "ItemAdded",
        "unexpected first events"
    );
    Ok(vec![
        format!("version={version}"),
        format!("created={created_json}"),
        format!("added={added_json}"),
        format!("metadata={metadata}"),
    ])
}

/// Runs one pgbench script for [`RUN`]; latencies come from its per-transaction log.
async fn pgbench(url: &str, script: &str, clients: usize, vars: &[String]) -> Result<Figures> {
    let dir = std::env::temp_dir().join(format!("foodbot-bench-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("command.sql"), script)?;
    let args = format!(
        "-n -M prepared -c {clients} -j {} -T {} -l --log-prefix={} -f {}",
        clients.min(2),
        RUN.as_secs(),
        dir.join("tx").display(),
        dir.join("command.sql").display()
    );
    let mut cmd = tokio::process::Command::new("pgbench");
    cmd.args(args.split(' '))
        .args(vars.iter().flat_map(|v| ["-D", v]))
        .arg(url);
    let out = cmd.output().await.context("cannot run pgbench");
    let log = read_pgbench_log(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let (out, micros) = (out?, log?);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "pgbench failed: {stderr}{stdout}");
    let tps = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = ")?.split(' ').next()?.parse().ok())
        .context("no tps in pgbench's output")?;
    Ok(Figures {
        rate: tps,
        ..percentiles(&micros)
    })
}

/// Log lines are "client_id transaction_no latency_us script_no epoch_s epoch_us".
fn read_pgbench_log(dir: &std::path::Path) -> Result<Histogram<u64>> {
    let mut micros = histogram();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("tx"))
        {
            for line in std::fs::read_to_string(&path)?.lines() {
                if let Some(us) = line.split(' ').nth(2).and_then(|v| v.parse::<u64>().ok()) {
                    micros.saturating_record(us.max(1));
                }
            }
        }
    }
    Ok(micros)
}

/// The raw baseline for `workload` at the `level`th concurrency, on ids of its own.
async fn raw_pg(url: &str, workload: Workload, level: usize, events: &[String]) -> Result<Figures> {
    let w = workload as usize;
    // Aggregate ids are 'raw-' || base + client_id * 10^7 + a per-client counter.
    let base = (w * 10 + level + 1) as i64 * 1_000_000_000_000;
    let counters = [format!("base={base}"), "ord=0".into(), "n=0".into()];
    let vars = [events, &counters].concat();
    pgbench(url, [RAW_FRESH, RAW_CART][w], LEVELS[level], &vars).await
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

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base
        .split_once("://")
        .context("BENCH_DATABASE_URL is not a URL")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Ok(format!("{scheme}://{host}/{name}{query}"))
}

async fn admin(url: &str, sql: &str) -> Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql(sql).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
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
    let admin_url =
        std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.into());
    let name = format!("foodbot_bench_{:08x}", rand::random::<u32>());
    admin(&admin_url, &format!("CREATE DATABASE {name}"))
        .await
        .context("cannot create the bench database")?;
    let url = with_database(&admin_url, &name)?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').take(3).collect::<Vec<_>>().join(" ");
    println!("foodbot command-path benchmark: database {name}, {cores} cores, load average {load}");
    let outcome = tokio::spawn(run(url)).await;
    let dropped = admin(&admin_url, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    match outcome {
        Ok(result) => result?,
        Err(panic) => return Err(anyhow!("the benchmark panicked: {panic}")),
    }
    dropped.context("cannot drop the bench database")?;
    println!("dropped database {name}");
    Ok(())
}
