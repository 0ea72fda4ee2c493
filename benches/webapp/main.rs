//! The Mini App's costs: the bytes of its shell, how soon a phone shows the menu, and
//! how soon a step of an order reaches the live timelines watching it.
//!
//! The benchmark creates a fresh PostgreSQL database, runs its parts on it and drops it
//! again. Each part starts the real server (`Server::build_with`, in this process on a
//! loopback port, the demo menu, a fake Bot API as Telegram).
//!
//! 1. Shell (`shell.rs`): `/app/` and every stylesheet, script and module import it loads,
//!    fetched as the Mini App fetches them (`Accept-Encoding: br, gzip`); the bytes of
//!    the compressed bodies, per file and in total.
//! 2. Render (`render.rs`): headless Chromium opens the app as a signed-in customer on a
//!    first visit (cache disabled, a new browser context each time) with 4× CPU slowdown
//!    and DevTools' "Fast 3G" network; the page's own clock says when the first menu item
//!    was drawn.
//! 3. Streams (`streams.rs`): 2,000 open `GET /api/v1/orders/{id}/events` streams on one
//!    server, commands at a steady rate, and for each step the time from the projector's
//!    commit (its notification, heard on a connection of the benchmark's own) to the
//!    `step` event on the order's stream; memory per open stream.
//!
//! Nothing is asserted: the figures and the targets they are held against are printed.
//! A part fails the run only if one of its steps fails (a request refused, a step that
//! never reaches its stream). `BENCH_WEBAPP_PARTS` picks some of `shell,render,streams`
//! (default all); `BENCH_WEBAPP_RUNS` sets the page loads of part 2 (default 5);
//! `BENCH_WEBAPP_STREAMS`, `BENCH_WEBAPP_RATE` and `BENCH_WEBAPP_SECS` set part 3's streams
//! (default 2,000), commands per second (200) and seconds (10); `CHROMIUM` names the
//! browser (default `/usr/bin/chromium`); `BENCH_DATABASE_URL` names an administrative
//! database to create the bench database from (default
//! `postgres://postgres@127.0.0.1:5432/postgres`).

#[path = "../bench_db.rs"]
mod bench_db;
#[path = "../../tests/browser/chromium.rs"]
mod chromium;
mod render;
mod shell;
mod sse;
#[path = "../bot/stats.rs"]
mod stats;
mod streams;

use anyhow::{Context, Result};
use foodbot::config::Config;
use foodbot::http::ServerState;
use foodbot::startup::Server;
use foodbot::store::Database;
use foodbot::telegram::fake::FakeBotApi;
use secrecy::SecretString;
use std::path::PathBuf;
use std::sync::Arc;

/// The same allocator as the `foodbot` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

pub(crate) const BOT_TOKEN: &str = "123456:bench-token";
const BOT_USERNAME: &str = "foodbot_bench_bot";

/// The value of `name` parsed, or `default` when it is not set.
pub(crate) fn setting<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(s) => s
            .trim()
            .parse()
            .ok()
            .with_context(|| format!("{name}={s:?} is not a valid value")),
        Err(_) => Ok(default),
    }
}

/// `Authorization: tma <initData>` for customer `id`, signed as Telegram would.
pub(crate) fn authorization(id: i64) -> String {
    format!("tma {}", init_data(id).0)
}

/// The raw initData Telegram hands the Mini App for customer `id`, and the
/// `initDataUnsafe` object the app sees of it.
pub(crate) fn init_data(id: i64) -> (String, serde_json::Value) {
    let user = serde_json::json!({
        "id": id,
        "first_name": "Bench",
        "username": format!("bench{id}"),
        "language_code": "en",
        "allows_write_to_pm": true,
    });
    let user_json = user.to_string();
    let auth_date = chrono::Utc::now().timestamp();
    let auth_date_text = auth_date.to_string();
    let fields = [
        ("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"),
        ("user", user_json.as_str()),
        ("auth_date", auth_date_text.as_str()),
    ];
    let raw = foodbot::telegram::init_data::sign(&fields, BOT_TOKEN);
    let hash = raw
        .split('&')
        .find_map(|p| p.strip_prefix("hash="))
        .unwrap_or_default()
        .to_string();
    let unsafe_data = serde_json::json!({
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": user,
        "auth_date": auth_date,
        "hash": hash,
    });
    (raw, unsafe_data)
}

fn menu_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menu/demo/menu.toml")
}

/// A running server with its own fake Bot API; [`Running::stop`] ends both.
pub(crate) struct Running {
    /// `http://127.0.0.1:<port>`.
    pub(crate) base: String,
    pub(crate) port: u16,
    pub(crate) state: Arc<ServerState>,
    bot_api: FakeBotApi,
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

/// The real server on a loopback port with the demo menu, sending no notifications.
pub(crate) async fn start_server(url: &str) -> Result<Running> {
    let menu = Arc::new(foodbot::menu::load(&menu_path())?);
    let bot_api = FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME).await?;
    let mut config = Config::defaults();
    config.addr = "127.0.0.1:0".parse()?;
    config.database_url = url.to_string();
    config.menu_path = menu_path();
    config.bot_token = Some(SecretString::from(BOT_TOKEN));
    config.telegram_api_url = bot_api.url().to_string();
    config.telegram_webhook_secret = Some(SecretString::from("bench-webhook-secret"));
    config.public_url = Some("https://foodbot.example".into());
    config.notify_send = false;
    let db = Database::connect(url, config.db_connections).await?;
    let server = Server::build_with(config, db, menu).await?;
    let port = server.port;
    let state = server.state.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Ok(Running {
        base: format!("http://127.0.0.1:{port}"),
        port,
        state,
        bot_api,
        stop,
        serving,
    })
}

async fn run(url: String) -> Result<()> {
    let parts =
        std::env::var("BENCH_WEBAPP_PARTS").unwrap_or_else(|_| "shell,render,streams".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    println!("progress on stderr");
    if part("shell") {
        eprintln!("  app shell: fetching /app/ and what it loads");
        let server = start_server(&url).await?;
        let shell = shell::measure(&server.base).await;
        server.stop().await?;
        shell::report(&shell?);
    }
    if part("render") {
        let server = start_server(&url).await?;
        let renders = render::measure(&server.base).await;
        server.stop().await?;
        render::report(&renders?);
    }
    if part("streams") {
        let server = start_server(&url).await?;
        let streams = streams::measure(&server, &url).await;
        server.stop().await?;
        streams::report(&streams?)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    bench_db::on_fresh_database("Mini App", run).await
}
