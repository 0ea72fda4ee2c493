//! Test harness: the real server on port 0 over a fresh database per test.
//!
//! PostgreSQL tests create their own database (dropped when the test ends) on
//! the server named by `TEST_DATABASE_URL` (default: the local server as user
//! postgres); SQLite tests use a fresh file. A fake clock is not needed: initData
//! is signed with the current time, and staleness is tested with old dates.

use foodbot::config::Config;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot::telegram::fake::FakeBotApi;
use foodbot_domain::catalog::Catalog;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const BOT_TOKEN: &str = "123456789:test-token-for-foodbot";
/// The webhook secret every test server is configured with.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret_1";
/// The test bot's username, as its fake Bot API reports it.
pub const BOT_USERNAME: &str = "foodbot_test_bot";
/// The public address test servers are configured with.
pub const PUBLIC_URL: &str = "https://food.example/";
pub const STAFF_ID: i64 = 900;

/// The `t.me` link that opens the Mini App at `start` (its short name is the
/// default, `app`): Telegram signs the start parameter into initData.
pub fn app_link(start: &str) -> String {
    format!("https://t.me/{BOT_USERNAME}/app?startapp={start}")
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Store {
    Postgres,
    Sqlite,
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database made for one test and removed afterwards.
pub struct TestDb {
    pub url: String,
    name: String,
    store: Store,
    /// The newest `X-Read-After` token any server on this database returned.
    token: Arc<std::sync::Mutex<Option<String>>>,
}

impl TestDb {
    pub async fn new(store: Store) -> TestDb {
        let name = format!("foodbot_test_{}", uuid::Uuid::new_v4().simple());
        match store {
            Store::Postgres => {
                let admin = admin_url();
                let pool = sqlx::PgPool::connect(&admin)
                    .await
                    .expect("PostgreSQL is reachable (set TEST_DATABASE_URL)");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
                TestDb {
                    url: format!("{base}/{name}"),
                    name,
                    store,
                    token: Default::default(),
                }
            }
            Store::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    name,
                    store,
                    token: Default::default(),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self.store {
            Store::Postgres => {
                let name = self.name.clone();
                // Drop runs outside async code: use a small runtime of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(pool) = sqlx::PgPool::connect(&admin_url()).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&pool)
                            .await;
                        }
                    })
                })
                .join();
            }
            Store::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://").to_string();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

pub fn menu() -> Arc<Catalog> {
    Arc::new(foodbot::menu::load(std::path::Path::new("menu/demo/menu.toml")).unwrap())
}

/// One running server.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Database,
    pub state: Arc<foodbot::http::ServerState>,
    /// The Telegram this server talks to: every Bot API call it makes is
    /// recorded there.
    pub bot_api: FakeBotApi,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
    token: Arc<std::sync::Mutex<Option<String>>>,
    /// The OpenAPI document the server serves: every answer is held to it.
    contract: Arc<crate::contract_check::Contract>,
}

impl TestApp {
    pub async fn spawn(db: &TestDb) -> TestApp {
        TestApp::spawn_with(db, |_| {}).await
    }

    /// The same, with settings changed by `configure`.
    pub async fn spawn_with(db: &TestDb, configure: impl FnOnce(&mut Config)) -> TestApp {
        let bot_api = FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME)
            .await
            .expect("the fake Bot API starts");
        TestApp::spawn_on(db, bot_api, configure).await
    }

    /// A server on `db` talking to the fake Bot API `bot_api` (two servers
    /// may share one, as two processes of one bot share Telegram).
    pub async fn spawn_on(
        db: &TestDb,
        bot_api: FakeBotApi,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        TestApp::spawn_serving(db, bot_api, menu(), configure).await
    }

    /// A server with its own fake Bot API serving `menu` instead of the
    /// demo's, with settings changed by `configure`.
    pub async fn spawn_with_menu(
        db: &TestDb,
        menu: Arc<Catalog>,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let bot_api = FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME)
            .await
            .expect("the fake Bot API starts");
        TestApp::spawn_serving(db, bot_api, menu, configure).await
    }

    async fn spawn_serving(
        db: &TestDb,
        bot_api: FakeBotApi,
        menu: Arc<Catalog>,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::defaults();
        config.addr = "127.0.0.1:0".parse().unwrap();
        config.database_url = db.url.clone();
        config.bot_token = Some(SecretString::from(BOT_TOKEN));
        config.telegram_api_url = bot_api.url().to_string();
        config.telegram_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
        config.public_url = Some(PUBLIC_URL.into());
        config.staff_user_ids = vec![STAFF_ID.to_string()];
        config.max_body_bytes = 16 * 1024;
        config.db_connections = 8;
        // Push notifications would mix into the chats the bot tests read;
        // the tests of the sender turn it on (tests/api/notify.rs).
        config.notify_send = false;
        configure(&mut config);
        let database = Database::connect(&config.database_url, config.db_connections)
            .await
            .unwrap();
        let server = Server::build_with(config, database.clone(), menu)
            .await
            .unwrap();
        let base = format!("http://127.0.0.1:{}", server.port);
        let state = server.state.clone();
        let (tx, rx) = oneshot::channel();
        let done = tokio::spawn(async move {
            server
                .run_until(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        let client = reqwest::Client::new();
        let document: Value = client
            .get(format!("{base}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .expect("the server serves its OpenAPI document");
        TestApp {
            base,
            client,
            db: database,
            state,
            bot_api,
            stop: Some(tx),
            done: Some(done),
            token: db.token.clone(),
            contract: Arc::new(crate::contract_check::Contract::new(document)),
        }
    }

    /// Panics unless `body` matches the served document's schema `name`.
    pub fn conforms(&self, name: &str, body: &Value) {
        self.contract.check_schema(name, name, body);
    }

    /// Remembers a response's read token, as a Mini App does.
    fn remember(&self, res: &reqwest::Response) {
        if let Some(t) = res
            .headers()
            .get("x-read-after")
            .and_then(|v| v.to_str().ok())
        {
            *self.token.lock().unwrap() = Some(t.to_string());
        }
    }

    /// A GET that sees the writes made so far: passes the last read token.
    pub fn with_token(&self, path: &str) -> String {
        match self.token.lock().unwrap().as_ref() {
            Some(t) if !path.contains('?') && path.contains("/orders") => {
                format!("{path}?after={t}")
            }
            _ => path.to_string(),
        }
    }

    /// Stops the server gracefully, finishing in-flight requests.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            done.await.unwrap();
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        user: Option<i64>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(u) = user {
            req = req.header(
                "Authorization",
                format!("tma {}", init_data(u, BOT_TOKEN, now())),
            );
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        self.remember(&res);
        let (status, body) = parse(res).await;
        self.contract.check(&method, path, status, &body);
        (status, body)
    }

    pub async fn get(&self, path: &str, user: i64) -> (StatusCode, Value) {
        let path = self.with_token(path);
        self.call(Method::GET, &path, Some(user), None).await
    }

    pub async fn post(&self, path: &str, user: i64, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(user), Some(body)).await
    }

    /// A POST with an Idempotency-Key.
    pub async fn post_keyed(
        &self,
        path: &str,
        user: i64,
        key: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.keyed(Method::POST, path, user, key, Some(body)).await
    }

    /// A request with an Idempotency-Key.
    pub async fn keyed(
        &self,
        method: Method,
        path: &str,
        user: i64,
        key: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .header(
                "Authorization",
                format!("tma {}", init_data(user, BOT_TOKEN, now())),
            )
            .header("Idempotency-Key", key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        self.remember(&res);
        let (status, body) = parse(res).await;
        self.contract.check(&method, path, status, &body);
        (status, body)
    }

    /// Opens a cart for `user` holding one margherita and returns the order id.
    pub async fn cart(&self, user: i64) -> String {
        let (status, body) = self
            .post(
                "/api/v1/orders",
                user,
                serde_json::json!({ "items": [margherita(1)] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    pub async fn event_count(&self) -> i64 {
        self.scalar("SELECT count(*) FROM events").await
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        match &self.db {
            Database::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Database::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// Event types of one aggregate, in sequence order, with their sequence numbers.
    pub async fn events_of(&self, aggregate_id: &str) -> Vec<(i64, String)> {
        let sql =
            "SELECT sequence, event_type FROM events WHERE aggregate_id = $1 ORDER BY sequence";
        match &self.db {
            Database::Postgres(p) => sqlx::query_as(sql)
                .bind(aggregate_id)
                .fetch_all(p)
                .await
                .unwrap(),
            Database::Sqlite(p) => sqlx::query_as(&sql.replace("$1", "?"))
                .bind(aggregate_id)
                .fetch_all(p)
                .await
                .unwrap(),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub async fn parse(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// initData for a user, signed with `token`, issued at `auth_date`.
pub fn init_data(user: i64, token: &str, auth_date: i64) -> String {
    let user_json = serde_json::json!({ "id": user, "first_name": format!("User {user}"), "language_code": "de" }).to_string();
    let auth = auth_date.to_string();
    foodbot::telegram::init_data::sign(
        &[
            ("query_id", "AAH-test"),
            ("user", &user_json),
            ("auth_date", &auth),
        ],
        token,
    )
}

pub fn margherita(qty: u32) -> Value {
    serde_json::json!({ "item_id": "margherita", "quantity": qty })
}

/// Metadata for a command issued by `actor` now, as the bot or Telegram's
/// payment updates will issue them through the application layer.
pub fn meta(actor: foodbot_domain::Actor) -> foodbot::app::CommandMeta {
    meta_at(actor, chrono::Utc::now())
}

/// The same, at a chosen business time.
pub fn meta_at(
    actor: foodbot_domain::Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> foodbot::app::CommandMeta {
    foodbot::app::CommandMeta {
        actor,
        channel: foodbot_domain::Channel::Staff,
        correlation_id: "test".into(),
        idempotency_key: None,
        fingerprint: None,
        at,
    }
}

/// Waits until the read models the API serves have projected the event `token` names.
pub async fn settle(app: &TestApp, token: &str) {
    let db = app.db.projection_db();
    foodbot_projections::queries::wait_for(
        &db,
        token,
        &app.state.visibility,
        std::time::Duration::from_secs(10),
    )
    .await
    .expect("projected in time");
}

/// The invoice payload the tests use for an order.
pub fn invoice_payload(order: foodbot_domain::OrderId) -> String {
    format!("order:{order}")
}

/// Takes a customer's cart to an open invoice: pickup, checkout, payment
/// requested through a payment provider. Returns the order's state then.
pub async fn invoice(
    app: &TestApp,
    order: foodbot_domain::OrderId,
    customer: i64,
) -> foodbot_domain::order::Order {
    use foodbot_domain::order::{Fulfilment, OrderAction, PaymentMethod};
    let a = &app.state.app;
    let me = || {
        meta(foodbot_domain::Actor::Customer(foodbot_domain::UserId(
            customer,
        )))
    };
    let pickup = OrderAction::SetFulfilment {
        fulfilment: Fulfilment::pickup(),
    };
    a.order_command(&me(), order, pickup).await.unwrap();
    a.order_command(
        &me(),
        order,
        OrderAction::Checkout {
            menu: a.menu.clone(),
        },
    )
    .await
    .unwrap();
    let request = OrderAction::RequestPayment {
        method: PaymentMethod::Provider,
        invoice_payload: invoice_payload(order),
    };
    a.order_command(&me(), order, request).await.unwrap().state
}

/// What Telegram's `successful_payment` reports for paying `amount` on `order`.
pub fn receipt(
    order: foodbot_domain::OrderId,
    amount: foodbot_domain::Money,
) -> foodbot_domain::order::PaymentReceipt {
    foodbot_domain::order::PaymentReceipt {
        method: foodbot_domain::order::PaymentMethod::Provider,
        amount,
        telegram_charge_id: format!("tg-{order}"),
        provider_charge_id: format!("pr-{order}"),
    }
}

/// Makes every projector step that has events to apply fail when it writes the
/// checkpoints, so that nothing more becomes visible; returns the undoing.
pub async fn hold_back_projection(app: &TestApp) -> &'static [&'static str] {
    let db = app.db.projection_db();
    let install: &[&str] = match db {
        foodbot_projections::Db::Postgres(_) => &[
            "CREATE FUNCTION hold_back() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'held back'; END $$",
            "CREATE TRIGGER hold_back BEFORE INSERT OR UPDATE ON projection_checkpoints FOR EACH ROW EXECUTE FUNCTION hold_back()",
        ],
        foodbot_projections::Db::Sqlite(_) => &[
            "CREATE TRIGGER hold_back_insert BEFORE INSERT ON projection_checkpoints BEGIN SELECT RAISE(ABORT, 'held back'); END",
            "CREATE TRIGGER hold_back_update BEFORE UPDATE ON projection_checkpoints BEGIN SELECT RAISE(ABORT, 'held back'); END",
        ],
    };
    for sql in install {
        db.exec(sql, &[]).await.unwrap();
    }
    match db {
        foodbot_projections::Db::Postgres(_) => {
            &["DROP TRIGGER hold_back ON projection_checkpoints"]
        }
        foodbot_projections::Db::Sqlite(_) => &[
            "DROP TRIGGER hold_back_insert",
            "DROP TRIGGER hold_back_update",
        ],
    }
}

/// Undoes [`hold_back_projection`].
pub async fn release_projection(app: &TestApp, undo: &[&str]) {
    let db = app.db.projection_db();
    for sql in undo {
        db.exec(sql, &[]).await.unwrap();
    }
}

/// Pays for an order through the application layer, as Telegram's payment updates will.
pub async fn pay(app: &TestApp, order: foodbot_domain::OrderId, customer: i64) -> (usize, i64) {
    let amount = invoice(app, order, customer).await.totals.unwrap().total;
    let paid = foodbot_domain::order::OrderAction::RecordPayment {
        receipt: receipt(order, amount),
    };
    let out = app
        .state
        .app
        .order_command(&meta(foodbot_domain::Actor::System), order, paid)
        .await
        .unwrap();
    (out.version, amount.amount)
}
