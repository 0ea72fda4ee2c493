//! The two in-process drivers: the real server over HTTP, and a plain cqrs-es loop over
//! the same Order aggregate; the benchmark's clients send commands through either.

use crate::stats::{Figures, Tally, Window};
use crate::{Workload, BOT_TOKEN, CART_COMMANDS, POOL};
use anyhow::{anyhow, ensure, Result};
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::CqrsFramework;
use foodbot::config::Config;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot::telegram::init_data;
use foodbot_domain::catalog::{Catalog, LineRequest};
use foodbot_domain::order::{Order, OrderAction, OrderCommand};
use foodbot_domain::{Actor, LineId, OrderId, UserId};
use postgres_es::PostgresEventRepository;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

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

pub(crate) enum Driver {
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
    // Every command carries its own key, as the Mini App sends one per action.
    let request = request
        .header("authorization", &who.authorization)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
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
        ("idempotency_key", uuid::Uuid::new_v4().to_string()),
        (
            "request_fingerprint",
            "0123456789abcdef0123456789abcdef".to_string(),
        ),
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
pub(crate) async fn measure(
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

pub(crate) fn menu_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

pub(crate) type Serving = tokio::task::JoinHandle<Result<()>>;

/// The real server on a loopback port, and a driver that talks to it. Sending on the
/// returned channel stops the server.
pub(crate) async fn start_server(
    url: &str,
    menu: Arc<Catalog>,
) -> Result<(Arc<Driver>, tokio::sync::oneshot::Sender<()>, Serving)> {
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
    let db = Database::connect(url, config.db_connections).await?;
    let server = Server::build_with(config, db, menu).await?;
    let base = format!("http://127.0.0.1:{}", server.port);
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
    let client = reqwest::Client::new();
    Ok((Arc::new(Driver::Http { client, base }), stop, serving))
}

/// Stock cqrs-es over postgres-es, with a pool like the server's.
pub(crate) async fn plain_cqrs(
    url: &str,
    menu: Arc<Catalog>,
) -> Result<(Arc<Driver>, sqlx::PgPool)> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL)
        .connect(url)
        .await?;
    let store = PersistedEventStore::new_event_store(PostgresEventRepository::new(pool.clone()));
    let cqrs = Box::new(CqrsFramework::new(store, vec![], ()));
    Ok((Arc::new(Driver::Cqrs { cqrs, menu }), pool))
}
