//! Starting the bot beside the HTTP server: the Bot API client, the inbox,
//! the dispatcher, the way updates arrive (the webhook route, or the
//! `getUpdates` loop), and the notification sender.
//!
//! With a `BOT_TOKEN`, the Bot API is Telegram's (or `TELEGRAM_API_URL`).
//! Without one the server runs the offline demo: an in-process fake Bot API
//! plays Telegram, updates arrive by polling it, and `foodbot chat` talks to
//! the bot through it (see [`super::fake`]).

use super::bot::{self, BotContext, Links};
use super::dispatch::Dispatcher;
use super::filer::Filer;
use super::inbox::Inbox;
use super::sender::{self, Sender};
use super::webhook::{self, Webhook};
use crate::app::App;
use crate::config::{BotMode, Config};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::Requester;
use teloxide::Bot;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running bot's parts.
pub struct BotRuntime {
    pub dispatcher: Dispatcher,
    pub ctx: Arc<BotContext>,
    /// The notification sender, when this process sends (`NOTIFY_SEND`).
    pub sender: Option<Sender>,
    webhook: Option<(String, Arc<Webhook>)>,
    polling: bool,
    /// How often Stars refunds are looked for; `None` in a process that
    /// does not dispatch (it makes no Bot API calls of its own).
    refunds_every: Option<Duration>,
    /// Changes whenever this process's projector committed a step.
    projected: watch::Receiver<foodbot_projections::Checkpoint>,
    /// The staff group the staff-chat worker posts to, when it runs here.
    staff_chat: Option<i64>,
    /// This process's name in leases.
    me_id: String,
}

/// Where the Bot API is.
pub enum Api {
    /// Telegram (or what `TELEGRAM_API_URL` names).
    Url(String),
    /// The in-process fake of the offline demo, at this address.
    Fake(String),
}

impl BotRuntime {
    /// Connects to the Bot API (getMe) and builds the pipeline. `projected`
    /// changes whenever this process's projector committed a step (it wakes
    /// the notification sender).
    pub async fn build(
        config: &Config,
        app: Arc<App>,
        token: &SecretString,
        api: Api,
        projected: watch::Receiver<foodbot_projections::Checkpoint>,
    ) -> anyhow::Result<BotRuntime> {
        let (url, fake) = match &api {
            Api::Url(u) => (u.as_str(), false),
            Api::Fake(u) => (u.as_str(), true),
        };
        let bot = client(token, url)?;
        let me = bot.get_me().await.with_context(|| {
            format!("getMe at {url} failed: check BOT_TOKEN and TELEGRAM_API_URL")
        })?;
        let public_url = match &config.public_url {
            Some(u) => Some(url::Url::parse(u).with_context(|| format!("PUBLIC_URL {u:?}"))?),
            None if fake => url::Url::parse(&format!("http://{}/", config.addr)).ok(),
            None => None,
        };
        let links = Links {
            public_url,
            bot_username: me.username().to_string(),
            app_short_name: config.mini_app_short_name.clone(),
        };
        let ctx = Arc::new(BotContext {
            app: app.clone(),
            bot,
            me,
            links,
        });
        let me_id = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let sender = config
            .notify_send
            .then(|| Sender::new(ctx.clone(), sender::Settings::from_config(config)));
        let inbox = Inbox::new(
            app.db.clone(),
            me_id.clone(),
            Duration::from_secs(config.bot_claim_lease_secs),
        );
        let concurrency = usize::try_from(config.bot_concurrency).unwrap_or(32);
        let dispatcher = Dispatcher::new(
            inbox,
            bot::handler(ctx.clone()),
            concurrency,
            config.bot_dispatch,
            (config.inbox_keep_days > 0)
                .then(|| Duration::from_secs(u64::from(config.inbox_keep_days) * 86_400)),
        );
        let polling = fake || config.bot_mode == BotMode::Polling;
        let webhook = if polling {
            None
        } else {
            let secret = config.telegram_webhook_secret.clone().context(
                "TELEGRAM_WEBHOOK_SECRET is required in webhook mode (or set BOT_MODE=polling)",
            )?;
            check_secret(&secret)?;
            Some((
                config.telegram_webhook_path.clone(),
                Arc::new(Webhook {
                    secret,
                    filer: Filer::start(dispatcher.inbox().clone()),
                    dispatcher: dispatcher.clone(),
                }),
            ))
        };
        tracing::info!(
            bot = %ctx.me.username(),
            mode = if polling { "polling" } else { "webhook" },
            offline_demo = fake,
            "Bot ready."
        );
        Ok(BotRuntime {
            dispatcher,
            ctx,
            sender,
            webhook,
            polling,
            refunds_every: config
                .bot_dispatch
                .then(|| Duration::from_millis(config.star_refund_interval_ms)),
            projected,
            staff_chat: config.staff_chat_id.filter(|_| config.bot_dispatch),
            me_id,
        })
    }

    /// The webhook route, when updates arrive that way.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        match &self.webhook {
            Some((path, hook)) => webhook::router(path, hook.clone()),
            None => axum::Router::new(),
        }
    }

    /// Runs the dispatcher, the Stars refunds, the notification sender, the
    /// staff-chat worker (and the polling loop) until `stop` turns true.
    pub fn spawn(&self, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let mut tasks = vec![tokio::spawn(self.dispatcher.clone().run(stop.clone()))];
        if let Some(sender) = &self.sender {
            tasks.push(tokio::spawn(
                sender.clone().run(self.projected.clone(), stop.clone()),
            ));
        }
        if let Some(chat) = self.staff_chat {
            tasks.push(tokio::spawn(bot::staff_worker::run(
                self.ctx.clone(),
                chat,
                self.me_id.clone(),
                stop.clone(),
                self.projected.clone(),
            )));
        }
        if let Some(every) = self.refunds_every {
            tasks.push(tokio::spawn(super::refunds::run(
                self.ctx.bot.clone(),
                self.ctx.app.clone(),
                every,
                stop.clone(),
            )));
        }
        if self.polling {
            tasks.push(tokio::spawn(super::polling::run(
                self.ctx.bot.clone(),
                self.dispatcher.clone(),
                stop,
            )));
        }
        tasks
    }
}

/// The Bot API client for `token` at `api_url`.
pub fn client(token: &SecretString, api_url: &str) -> anyhow::Result<Bot> {
    let url = url::Url::parse(api_url).with_context(|| format!("TELEGRAM_API_URL {api_url:?}"))?;
    Ok(super::api::bot(token, &url))
}

/// Telegram accepts 1-256 characters of `A-Z a-z 0-9 _ -` as a webhook secret.
fn check_secret(secret: &SecretString) -> anyhow::Result<()> {
    let s = secret.expose_secret();
    let ok = (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    anyhow::ensure!(
        ok,
        "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
    );
    Ok(())
}
