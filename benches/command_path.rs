//! How fast foodbot turns a customer's order command into stored events.
//!
//! The benchmark creates a fresh PostgreSQL database, measures three ways of doing the
//! same work on it, prints one table per workload and drops the database again.
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
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// What one client measured.
struct Tally {
    micros: Histogram<u64>,
    busy: Duration,
    early: (Duration, u32),
    late: (Duration, u32),
}

impl Tally {
    fn new() -> Tally {
        Tally {
            micros: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds"),
            busy: Duration::ZERO,
            early: (Duration::ZERO, 0),
            late: (Duration::ZERO, 0),
        }
    }

    /// Counts a command that began at `start` and has just finished; `step` is its place
    /// among the commands sent to one order (0 outside workload b).
    fn record(&mut self, window: &Window, start: Instant, step: usize) {
        let took = start.elapsed();
        if start < window.from || start >= window.until {
            return;
        }
        self.micros
            .saturating_record(took.as_micros().max(1) as u64);
        self.busy += took;
        let bucket = match step {
            1..=5 => &mut self.early,
            16..=20 => &mut self.late,
            _ => return,
        };
        bucket.0 += took;
        bucket.1 += 1;
    }

    fn merge(&mut self, other: Tally) {
        self.micros.add(&other.micros).expect("same bounds");
        self.busy += other.busy;
        self.early = (self.early.0 + other.early.0, self.early.1 + other.early.1);
        self.late = (self.late.0 + other.late.0, self.late.1 + other.late.1);
    }

    /// Throughput counts only the timed commands: each client's rate over the time it spent
    /// in them, summed over the clients (in workload a that is simply commands / run time).
    fn figures(&self, clients: usize) -> Figures {
        let mean_ms = |(sum, n): (Duration, u32)| sum.as_secs_f64() * 1e3 / f64::from(n.max(1));
        let busy_per_client = self.busy.as_secs_f64() / clients as f64;
        Figures {
            rate: self.micros.len() as f64 / busy_per_client.max(1e-9),
            p50: self.micros.value_at_quantile(0.50) as f64 / 1e3,
            p99: self.micros.value_at_quantile(0.99) as f64 / 1e3,
            early: mean_ms(self.early),
            late: mean_ms(self.late),
        }
    }
}

// ---------------------------------------------------------------- the two in-process drivers

type PlainCqrs = CqrsFramework<Order, PersistedEventStore<PostgresEventRepository, Order>>;

/// The lines the commands order: a burger with its required bun, and a large cola.
struct Items {
    burger: LineRequest,
    cola: LineRequest,
}

impl Items {
    fn new() -> Items {
        let line = |v| serde_json::from_value(v).expect("a valid line request");
        Items {
            burger: line(
                json!({"item_id": "veggie-burger", "options": {"bun": ["sesame"]}, "quantity": 1}),
            ),
            cola: line(json!({"item_id": "cola", "size": "05l", "quantity": 1})),
        }
    }
}

/// How the `step`th command on an order changes it: odd steps add a cola, even steps
/// set the burger's quantity to a new value (2, 3, … 11), so every command appends an event.
fn quantity_at(step: usize) -> Option<u32> {
    (step % 2 == 0).then_some(step as u32 / 2 + 1)
}

enum Driver {
    Http {
        client: reqwest::Client,
        base: String,
    },
    Cqrs {
        cqrs: PlainCqrs,
        menu: Arc<Catalog>,
    },
}

/// One benchmark client: a customer with their own Telegram identity.
struct Customer {
    id: i64,
    authorization: String,
}

impl Customer {
    fn new(id: i64) -> Customer {
        let user = format!(r#"{{"id":{id},"first_name":"Bench","language_code":"en"}}"#);
        let auth_date = chrono::Utc::now().timestamp().to_string();
        let fields = [
            ("user", user.as_str()),
            ("auth_date", &auth_date),
            ("query_id", "bench"),
        ];
        let authorization = format!("tma {}", init_data::sign(&fields, BOT_TOKEN));
        Customer { id, authorization }
    }
}

impl Driver {
    /// Opens an order holding one burger; returns its id.
    async fn create(&self, who: &Customer, items: &Items) -> Result<String> {
        match self {
            Driver::Http { .. } => {
                let body = json!({ "items": [&items.burger] });
                let reply = self.call(Method::POST, "/api/v1/orders", who, body).await?;
                let view: serde_json::Value = serde_json::from_slice(&reply)?;
                view["id"]
                    .as_str()
                    .map(str::to_string)
                    .context("no order id")
            }
            Driver::Cqrs { cqrs, menu } => {
                let order_id = OrderId(uuid::Uuid::new_v4());
                let items = vec![items.burger.clone()];
                let menu = menu.clone();
                let action = OrderAction::Create {
                    order_id,
                    menu,
                    items,
                };
                self.execute(cqrs, who, &order_id.to_string(), action)
                    .await?;
                Ok(order_id.to_string())
            }
        }
    }

    /// Sends the `step`th command of workload b to an order.
    async fn step(&self, who: &Customer, order: &str, step: usize, items: &Items) -> Result<()> {
        match (self, quantity_at(step)) {
            (Driver::Http { .. }, None) => {
                let path = format!("/api/v1/orders/{order}/items");
                let body = serde_json::to_value(&items.cola)?;
                self.call(Method::POST, &path, who, body).await.map(drop)
            }
            (Driver::Http { .. }, Some(quantity)) => {
                let path = format!("/api/v1/orders/{order}/items/1");
                let body = json!({ "quantity": quantity });
                self.call(Method::PATCH, &path, who, body).await.map(drop)
            }
            (Driver::Cqrs { cqrs, menu }, quantity) => {
                let action = match quantity {
                    None => OrderAction::AddItem {
                        menu: menu.clone(),
                        item: items.cola.clone(),
                    },
                    Some(quantity) => OrderAction::ChangeQuantity {
                        line: LineId(1),
                        quantity,
                    },
                };
                self.execute(cqrs, who, order, action).await
            }
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        who: &Customer,
        body: serde_json::Value,
    ) -> Result<Vec<u8>> {
        let Driver::Http { client, base } = self else {
            unreachable!("HTTP calls go through the HTTP driver")
        };
        let url = format!("{base}{path}");
        let request = client
            .request(method, url)
            .header("authorization", &who.authorization);
        let response = request.json(&body).send().await?;
        let status = response.status();
        let reply = response.bytes().await?;
        ensure!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&reply)
        );
        Ok(reply.to_vec())
    }

    /// Runs a command through cqrs-es with metadata shaped like the server's.
    async fn execute(
        &self,
        cqrs: &PlainCqrs,
        who: &Customer,
        id: &str,
        action: OrderAction,
    ) -> Result<()> {
        let at = chrono::Utc::now();
        let metadata = HashMap::from([
            ("actor".to_string(), "customer".to_string()),
            ("user_id".to_string(), who.id.to_string()),
            ("channel".to_string(), "mini_app".to_string()),
            (
                "correlation_id".to_string(),
                uuid::Uuid::new_v4().to_string(),
            ),
            ("at".to_string(), at.to_rfc3339()),
            ("command".to_string(), action.name().to_string()),
        ]);
        let actor = Actor::Customer(UserId(who.id));
        let command = OrderCommand { actor, at, action };
        cqrs.execute_with_metadata(id, command, metadata)
            .await
            .map_err(|e| anyhow!("cqrs-es: {e}"))
    }
}

/// One client's loop: commands back to back until the window closes.
async fn client(
    driver: Arc<Driver>,
    workload: Workload,
    who: Customer,
    window: Window,
) -> Result<Tally> {
    let items = Items::new();
    let mut tally = Tally::new();
    while window.open() {
        if workload == Workload::Fresh {
            let start = Instant::now();
            driver.create(&who, &items).await?;
            tally.record(&window, start, 0);
            continue;
        }
        let order = driver.create(&who, &items).await?;
        for step in 1..=CART_COMMANDS {
            let start = Instant::now();
            driver.step(&who, &order, step, &items).await?;
            tally.record(&window, start, step);
        }
    }
    Ok(tally)
}

/// Runs `workload` at every concurrency level. Each client is a customer of its own,
/// numbered from `users` so that no two runs share a customer.
async fn measure(driver: &Arc<Driver>, workload: Workload, users: i64) -> Result<Vec<Figures>> {
    let mut figures = Vec::new();
    for clients in LEVELS {
        let window = Window::start();
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let who = Customer::new(users + (clients * 100 + i) as i64);
                tokio::spawn(client(driver.clone(), workload, who, window))
            })
            .collect();
        let mut total = Tally::new();
        for task in tasks {
            total.merge(task.await??);
        }
        figures.push(total.figures(clients));
    }
    Ok(figures)
}

fn menu_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

/// The real server on a loopback port, for the duration of both workloads.
async fn http_phase(url: &str, menu: Arc<Catalog>) -> Result<[Vec<Figures>; 2]> {
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
    let driver = Arc::new(Driver::Http {
        client: reqwest::Client::new(),
        base,
    });
    let fresh = measure(&driver, Workload::Fresh, 1_000_000).await;
    let cart = measure(&driver, Workload::Cart, 2_000_000).await;
    drop(driver);
    let _ = stop.send(());
    serving.await??;
    Ok([fresh?, cart?])
}

async fn cqrs_phase(url: &str, menu: Arc<Catalog>) -> Result<[Vec<Figures>; 2]> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL)
        .connect(url)
        .await?;
    let store = PersistedEventStore::new_event_store(PostgresEventRepository::new(pool.clone()));
    let cqrs = CqrsFramework::new(store, vec![], ());
    let driver = Arc::new(Driver::Cqrs { cqrs, menu });
    let fresh = measure(&driver, Workload::Fresh, 3_000_000).await;
    let cart = measure(&driver, Workload::Cart, 4_000_000).await;
    pool.close().await;
    Ok([fresh?, cart?])
}

// ---------------------------------------------------------------- raw PostgreSQL with pgbench

const SELECT: &str = "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata\n  \
     FROM events WHERE aggregate_type = 'Order' AND aggregate_id = 'raw-' || :aid::text ORDER BY sequence;";
const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)\n  \
     VALUES ('Order', 'raw-' || :aid::text,";

/// Workload a: a new aggregate id per transaction (a per-client counter), two events.
fn raw_fresh_script() -> String {
    format!(
        "\\set ord :ord + 1\n\\set aid :base + :client_id * 10000000 + :ord\nBEGIN;\n{SELECT}\n\
         {INSERT} 1, 'OrderCreated', :version, :created::json, :metadata::json);\n\
         {INSERT} 2, 'ItemAdded', :version, :added::json, :metadata::json);\nCOMMIT;\n"
    )
}

/// Workload b: per client, 20 sequential events on one aggregate id, then the next id.
fn raw_cart_script() -> String {
    format!(
        "\\if :n >= {CART_COMMANDS}\n\\set n 0\n\\set ord :ord + 1\n\\endif\n\\set n :n + 1\n\
         \\set aid :base + :client_id * 10000000 + :ord\nBEGIN;\n{SELECT}\n\
         {INSERT} :n, 'ItemAdded', :version, :added::json, :metadata::json);\nCOMMIT;\n"
    )
}

/// Payloads and metadata of a real order's first two events (written by the HTTP phase).
async fn sample_events(url: &str) -> Result<Vec<(String, String)>> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT event_type, event_version, payload::text, metadata::text FROM events
          WHERE aggregate_type = 'Order' AND aggregate_id =
                (SELECT aggregate_id FROM events WHERE aggregate_type = 'Order' ORDER BY position LIMIT 1)
          ORDER BY sequence LIMIT 2",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    ensure!(
        rows.len() == 2 && rows[0].0 == "OrderCreated" && rows[1].0 == "ItemAdded",
        "unexpected first events"
    );
    Ok(vec![
        ("version".into(), rows[0].1.clone()),
        ("created".into(), rows[0].2.clone()),
        ("added".into(), rows[1].2.clone()),
        ("metadata".into(), rows[1].3.clone()),
    ])
}

async fn pgbench(
    url: &str,
    script: &str,
    clients: usize,
    base: i64,
    vars: &[(String, String)],
) -> Result<Figures> {
    let dir = std::env::temp_dir().join(format!("foodbot-bench-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir)?;
    let result = run_pgbench(&dir, url, script, clients, base, vars).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_pgbench(
    dir: &std::path::Path,
    url: &str,
    script: &str,
    clients: usize,
    base: i64,
    vars: &[(String, String)],
) -> Result<Figures> {
    let file = dir.join("command.sql");
    std::fs::write(&file, script)?;
    let mut cmd = tokio::process::Command::new("pgbench");
    cmd.args(["-n", "-M", "prepared", "-l", "-c", &clients.to_string()])
        .args([
            "-j",
            &clients.min(2).to_string(),
            "-T",
            &RUN.as_secs().to_string(),
        ])
        .arg(format!("--log-prefix={}", dir.join("tx").display()))
        .arg("-f")
        .arg(&file);
    let defaults = [
        ("base", base.to_string()),
        ("ord", "0".into()),
        ("n", "0".into()),
    ];
    for (name, value) in vars
        .iter()
        .cloned()
        .chain(defaults.map(|(k, v)| (k.to_string(), v)))
    {
        cmd.arg("-D").arg(format!("{name}={value}"));
    }
    let out = cmd.arg(url).output().await.context("cannot run pgbench")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    ensure!(
        out.status.success(),
        "pgbench failed: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tps = stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("tps = ")?
                .split(' ')
                .next()?
                .parse::<f64>()
                .ok()
        })
        .context("no tps in pgbench output")?;
    // Per-transaction log lines: client_id transaction_no latency_us script_no epoch_s epoch_us.
    let mut micros = Tally::new().micros;
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
    Ok(Figures {
        rate: tps,
        p50: micros.value_at_quantile(0.50) as f64 / 1e3,
        p99: micros.value_at_quantile(0.99) as f64 / 1e3,
        ..Figures::default()
    })
}

async fn raw_phase(url: &str) -> Result<[Vec<Figures>; 2]> {
    let vars = sample_events(url).await?;
    let mut out = [Vec::new(), Vec::new()];
    for (w, script) in [raw_fresh_script(), raw_cart_script()].iter().enumerate() {
        for (l, clients) in LEVELS.into_iter().enumerate() {
            let base = (w * 10 + l + 1) as i64 * 1_000_000_000_000;
            out[w].push(pgbench(url, script, clients, base, &vars).await?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- report

struct Verdict(bool);

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0 { "met" } else { "MISSED" })
    }
}

fn print_table(title: &str, http: &[Figures], cqrs: &[Figures], raw: &[Figures]) {
    println!("\n{title}");
    println!("conc  http cmd/s  p50 ms  p99 ms | cqrs-es loop cmd/s  p99 ms | raw pg tx/s  p99 ms | http/cqrs  http/raw");
    for (i, clients) in LEVELS.into_iter().enumerate() {
        let (h, c, r) = (http[i], cqrs[i], raw[i]);
        println!(
            "{clients:>4}  {:>10.0}  {:>6.2}  {:>6.2} | {:>18.0}  {:>6.2} | {:>11.0}  {:>6.2} | {:>8.2}x  {:>7.2}x",
            h.rate, h.p50, h.p99, c.rate, c.p99, r.rate, r.p99, h.rate / c.rate, h.rate / r.rate
        );
    }
}

/// True when commands 16-20 cost at most a quarter more than commands 1-5, at every level.
fn flat(figures: &[Figures]) -> bool {
    figures.iter().all(|f| f.late <= 1.25 * f.early)
}

fn report(http: &[Vec<Figures>; 2], cqrs: &[Vec<Figures>; 2], raw: &[Vec<Figures>; 2]) {
    print_table(
        "workload a: fresh order per command (POST /api/v1/orders; 2 events)",
        &http[0],
        &cqrs[0],
        &raw[0],
    );
    print_table(
        "workload b: 20 commands on one order (POST …/items and PATCH …/items/1, alternately; 1 event each)",
        &http[1],
        &cqrs[1],
        &raw[1],
    );
    println!("\nworkload b, mean latency by place in the order's history (ms)");
    println!("conc  http #1-5  #16-20 | cqrs-es loop #1-5  #16-20");
    for (i, clients) in LEVELS.into_iter().enumerate() {
        let (h, c) = (http[1][i], cqrs[1][i]);
        println!(
            "{clients:>4}  {:>9.3}  {:>6.3} | {:>17.3}  {:>6.3}",
            h.early, h.late, c.early, c.late
        );
    }
    println!("\nraw PostgreSQL SQL (pgbench -n -M prepared -T 5 -c N -j min(N,2); payloads and metadata are real events'):");
    println!(
        "--- workload a ---\n{}--- workload b ---\n{}",
        raw_fresh_script(),
        raw_cart_script()
    );
    let last = LEVELS.len() - 1;
    println!(
        "targets at concurrency {} (workload a / workload b):",
        LEVELS[last]
    );
    let ratio = |i: usize, other: &[Vec<Figures>; 2], at_least: f64| {
        let r = http[i][last].rate / other[i][last].rate;
        format!("{r:.2}x {}", Verdict(r >= at_least))
    };
    println!(
        "  http >= 1.0x cqrs-es loop   {} / {}",
        ratio(0, cqrs, 1.0),
        ratio(1, cqrs, 1.0)
    );
    println!(
        "  http >= 0.7x raw PostgreSQL {} / {}",
        ratio(0, raw, 0.7),
        ratio(1, raw, 0.7)
    );
    let p99 = |i: usize| {
        format!(
            "{:.2} ms {}",
            http[i][last].p99,
            Verdict(http[i][last].p99 <= 10.0)
        )
    };
    println!("  http p99 <= 10 ms           {} / {}", p99(0), p99(1));
    println!(
        "  cost flat with history (#16-20 <= 1.25x #1-5 at every level): http {}, cqrs-es loop {}",
        Verdict(flat(&http[1])),
        Verdict(flat(&cqrs[1]))
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

async fn run(url: String) -> Result<()> {
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    println!("running: HTTP path, then the cqrs-es loop, then pgbench; {WARMUP:?} warm-up + {RUN:?} per level");
    let http = http_phase(&url, menu.clone()).await?;
    let cqrs = cqrs_phase(&url, menu).await?;
    let raw = raw_phase(&url).await?;
    report(&http, &cqrs, &raw);
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
    println!("foodbot command-path benchmark: database {name}, {cores} cores, levels {LEVELS:?}");
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
