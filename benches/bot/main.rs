//! How fast the bot takes in Telegram's updates, and how soon it answers them.
//!
//! The benchmark creates a fresh PostgreSQL database, runs two measurements on it and
//! drops it again. Both use the real server (`Server::build_with`, started in this process
//! on a loopback port) talking to the fake Bot API of `foodbot::telegram::fake`, and post
//! updates to `POST /telegram/webhook` with the secret header, as Telegram does.
//!
//! 1. Webhook ingest: a server that only stores updates (`bot_dispatch = false`) gets
//!    `/help` messages from 16 concurrent senders over keep-alive connections, each update
//!    with its own `update_id`, from thousands of chats. Beside it, on the same database
//!    right after: 16 connections each inserting one row at a time (autocommit) into a
//!    scratch table shaped like the inbox, with the same JSON bodies. The ratio of the two
//!    rates says what the route costs beyond the row it must write.
//! 2. Update to reply: a server that handles updates receives 100 updates a second,
//!    scheduled open-loop, from 200 chats (`/help`, and every fifth round `/status`, which
//!    reads the read models). Latency runs from the start of the POST to the moment the fake
//!    Bot API records the `sendMessage` that answers it.
//!
//! 3. Notifications: the outbox sender's own ceiling beside the fake's raw rate, and the
//!    rate it keeps under Telegram's limits (see `notify.rs`).
//!
//! Nothing is asserted: the figures and the targets they are held against are printed.
//! `BENCH_BOT_SECS` sets the counted seconds of measurements 1 and 2 (default 10),
//! `BENCH_NOTIFY_SECS` the window of 3 (default 15); `BENCH_BOT_PARTS` picks some of
//! `ingest,reply,notify` (default all);
//! `BENCH_DATABASE_URL` names an administrative database to create the bench database from
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).

#[path = "../bench_db.rs"]
mod bench_db;
mod ingest;
mod notify;
mod reply;
mod stats;

use anyhow::{Context, Result};
use foodbot::config::Config;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot::telegram::fake::FakeBotApi;
use foodbot_domain::catalog::Catalog;
use secrecy::SecretString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The same allocator as the `foodbot` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

pub(crate) const BOT_TOKEN: &str = "123456:bench-token";
const BOT_USERNAME: &str = "foodbot_bench_bot";
pub(crate) const WEBHOOK_SECRET: &str = "bench-webhook-secret";
/// Concurrent senders in the ingest measurement, and connections in its raw baseline.
const SENDERS: usize = 16;
/// Time before a measurement's counted window, not counted.
const WARMUP: Duration = Duration::from_secs(1);

/// The counted time of each measurement: `BENCH_BOT_SECS` seconds, 10 by default.
fn run_time() -> Result<Duration> {
    match std::env::var("BENCH_BOT_SECS") {
        Ok(s) => {
            let secs: f64 = s.parse().context("BENCH_BOT_SECS is not a number")?;
            anyhow::ensure!(secs > 0.0, "BENCH_BOT_SECS must be positive");
            Ok(Duration::from_secs_f64(secs))
        }
        Err(_) => Ok(Duration::from_secs(10)),
    }
}

fn menu_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

/// A running server with its own fake Bot API; [`Running::stop`] ends both.
pub(crate) struct Running {
    /// Where to post updates: the webhook's full URL.
    pub(crate) webhook: String,
    pub(crate) bot_api: FakeBotApi,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<Result<()>>,
}

impl Running {
    pub(crate) async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.serving.await??;
        self.bot_api.shutdown();
        Ok(())
    }
}

/// The real server on a loopback port, in webhook mode, handling updates when `dispatch`
/// (and sending no notifications).
async fn start_server(url: &str, menu: Arc<Catalog>, dispatch: bool) -> Result<Running> {
    start_server_with(url, menu, |c| {
        c.bot_dispatch = dispatch;
        c.notify_send = false;
    })
    .await
}

/// The same with the settings `configure` makes.
pub(crate) async fn start_server_with(
    url: &str,
    menu: Arc<Catalog>,
    configure: impl FnOnce(&mut Config),
) -> Result<Running> {
    let bot_api = FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME).await?;
    let mut config = Config::defaults();
    config.addr = "127.0.0.1:0".parse()?;
    config.database_url = url.to_string();
    config.menu_path = menu_path();
    config.bot_token = Some(SecretString::from(BOT_TOKEN));
    config.telegram_api_url = bot_api.url().to_string();
    config.telegram_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
    config.public_url = Some("https://foodbot.example".into());
    configure(&mut config);
    let webhook_path = config.telegram_webhook_path.clone();
    let db = Database::connect(url, config.db_connections).await?;
    let server = Server::build_with(config, db, menu).await?;
    let webhook = format!("http://127.0.0.1:{}{webhook_path}", server.port);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Ok(Running {
        webhook,
        bot_api,
        stop,
        serving,
    })
}

/// Posts one update's JSON to the webhook as Telegram does; fails unless it is answered 200.
pub(crate) async fn post(client: &reqwest::Client, webhook: &str, body: String) -> Result<()> {
    post_with(
        client,
        webhook,
        body,
        WEBHOOK_SECRET,
        reqwest::StatusCode::OK,
    )
    .await
}

/// Posts `body` with `secret` and expects `status`.
pub(crate) async fn post_with(
    client: &reqwest::Client,
    webhook: &str,
    body: String,
    secret: &str,
    expect: reqwest::StatusCode,
) -> Result<()> {
    let response = client
        .post(webhook)
        .header("content-type", "application/json")
        .header("x-telegram-bot-api-secret-token", secret)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status == expect, "webhook: {status} {text}");
    Ok(())
}

async fn run(url: String) -> Result<()> {
    let secs = run_time()?;
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    let parts = std::env::var("BENCH_BOT_PARTS").unwrap_or_else(|_| "ingest,reply,notify".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    println!("{WARMUP:?} warm-up + {secs:?} per measurement; progress on stderr");
    if part("ingest") {
        ingest_part(&url, menu.clone(), secs).await?;
    }
    if part("reply") {
        reply_part(&url, menu.clone(), secs).await?;
    }
    if part("notify") {
        notify::run(&url, menu).await?;
    }
    Ok(())
}

async fn ingest_part(url: &str, menu: Arc<Catalog>, secs: Duration) -> Result<()> {
    eprintln!("  webhook ingest ({SENDERS} senders, dispatch off)");
    let server = start_server(url, menu, false).await?;
    let ingest = ingest::webhook(&server.webhook, secs).await?;
    eprintln!("  the same requests refused for their secret (HTTP alone, nothing stored)");
    let floor = ingest::refused(&server.webhook, secs).await?;
    server.stop().await?;
    eprintln!("  raw PostgreSQL inserts ({SENDERS} connections)");
    let raw = ingest::raw(url, secs).await?;
    ingest::report(&ingest, &floor, &raw);

    // The ingest left its updates pending; a handling server would work through them
    // first, so they go before the reply measurement starts.
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query("TRUNCATE telegram_updates")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

async fn reply_part(url: &str, menu: Arc<Catalog>, secs: Duration) -> Result<()> {
    eprintln!("  update to reply (open loop, dispatch on)");
    let server = start_server(url, menu, true).await?;
    let replies = reply::measure(&server, secs).await;
    server.stop().await?;
    reply::report(&replies?);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    bench_db::on_fresh_database("bot", run).await
}
