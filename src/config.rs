//! Configuration, read from the environment (every variable is in the README).
//! Secrets are wrapped so that they never print.

use clap::Parser;
use secrecy::SecretString;
use std::net::SocketAddr;

#[derive(Debug, Clone, Parser)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "FOODBOT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// `postgres://…` for PostgreSQL, `sqlite://path` for an SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/foodbot.db")]
    pub database_url: String,

    /// Connections in the database pool.
    #[arg(long, env = "FOODBOT_DB_CONNECTIONS", default_value_t = 16)]
    pub db_connections: u32,

    /// The bot token from @BotFather. Without it the server runs in offline demo mode.
    #[arg(long, env = "BOT_TOKEN", hide_env_values = true)]
    pub bot_token: Option<SecretString>,

    /// The payment provider token from @BotFather (Payments), for invoices in
    /// real money (food). Without it food cannot be paid; digital goods, paid
    /// in Telegram Stars, need none.
    #[arg(long, env = "PAYMENT_PROVIDER_TOKEN", hide_env_values = true)]
    pub payment_provider_token: Option<SecretString>,

    /// How often the server looks for Stars payments to refund, in milliseconds.
    #[arg(long, env = "STAR_REFUND_INTERVAL_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(50..))]
    pub star_refund_interval_ms: u64,

    /// Where the bot's Bot API calls go (tests and the offline demo point it at a fake).
    #[arg(
        long,
        env = "TELEGRAM_API_URL",
        default_value = "https://api.telegram.org"
    )]
    pub telegram_api_url: String,

    /// The secret Telegram sends with every webhook delivery
    /// (`X-Telegram-Bot-Api-Secret-Token`); required in webhook mode.
    /// 1-256 characters of `A-Z a-z 0-9 _ -`.
    #[arg(long, env = "TELEGRAM_WEBHOOK_SECRET", hide_env_values = true)]
    pub telegram_webhook_secret: Option<SecretString>,

    /// The path of the webhook route.
    #[arg(
        long,
        env = "TELEGRAM_WEBHOOK_PATH",
        default_value = "/telegram/webhook"
    )]
    pub telegram_webhook_path: String,

    /// How updates arrive: `webhook` (Telegram posts them to the server) or
    /// `polling` (the server asks with getUpdates; for local development).
    #[arg(long, env = "BOT_MODE", value_enum, default_value_t = BotMode::Webhook)]
    pub bot_mode: BotMode,

    /// The server's public HTTPS address; buttons open the Mini App at `<PUBLIC_URL>/app/`.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The Mini App's short name from @BotFather, for `t.me/<bot>/<app>` links.
    #[arg(long, env = "MINI_APP_SHORT_NAME", default_value = "app")]
    pub mini_app_short_name: String,

    /// Whether this process handles stored updates. With `false` it only
    /// stores them (a webhook receiver in front of separate workers).
    #[arg(long, env = "BOT_DISPATCH", default_value_t = true, action = clap::ArgAction::Set)]
    pub bot_dispatch: bool,

    /// Updates of different chats handled at once.
    #[arg(long, env = "BOT_CONCURRENCY", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub bot_concurrency: u32,

    /// How long a process's claim on an update holds before another process
    /// (or this one after a restart) may take it over, in seconds.
    #[arg(long, env = "BOT_CLAIM_LEASE_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub bot_claim_lease_secs: u64,

    /// Whether this process sends the push notifications of the outbox.
    /// Several processes may be ready to: one at a time sends (the holder of
    /// the sender's turn), the others take over when it stops.
    #[arg(long, env = "NOTIFY_SEND", default_value_t = true, action = clap::ArgAction::Set)]
    pub notify_send: bool,

    /// Notifications sent per second over all chats (Telegram allows about
    /// 30); 0 lifts the limit.
    #[arg(long, env = "NOTIFY_GLOBAL_PER_SEC", default_value_t = 30)]
    pub notify_global_per_sec: u32,

    /// Notifications sent per second to one private chat (Telegram allows
    /// about 1); 0 lifts the limit.
    #[arg(long, env = "NOTIFY_CHAT_PER_SEC", default_value_t = 1)]
    pub notify_chat_per_sec: u32,

    /// Notifications sent per minute to one group chat (negative chat id;
    /// Telegram allows 20); 0 lifts the limit.
    #[arg(long, env = "NOTIFY_GROUP_PER_MIN", default_value_t = 20)]
    pub notify_group_per_min: u32,

    /// Notifications in flight at once (each to a different user).
    #[arg(long, env = "NOTIFY_CONCURRENCY", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub notify_concurrency: u32,

    /// How often the sender looks for notifications when nothing woke it
    /// (written by another process's projector on SQLite, backoffs that ended),
    /// and, while another process sends, asks for the turn, in milliseconds.
    #[arg(long, env = "NOTIFY_POLL_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(10..))]
    pub notify_poll_ms: u64,

    /// Attempts after which a notification that keeps failing for a passing
    /// reason (network, Telegram's 5xx) is given up; errors that will not
    /// pass (chat not found, bad request) give up after at most 3.
    #[arg(long, env = "NOTIFY_MAX_ATTEMPTS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub notify_max_attempts: u32,

    /// Days a handled Telegram update is kept in the inbox (to recognise a
    /// repeated delivery; Telegram repeats for a day at most); 0 keeps them
    /// for ever. Failed updates are always kept.
    #[arg(long, env = "INBOX_KEEP_DAYS", default_value_t = 7)]
    pub inbox_keep_days: u32,

    /// The restaurant's menu file.
    #[arg(long, env = "MENU_PATH", default_value = "menu/demo/menu.toml")]
    pub menu_path: std::path::PathBuf,

    /// How old a Mini App initData may be, in seconds.
    #[arg(long, env = "INIT_DATA_MAX_AGE_SECS", default_value_t = 86_400)]
    pub init_data_max_age_secs: i64,

    /// Telegram user ids of the restaurant's staff, comma-separated.
    #[arg(
        long,
        env = "STAFF_USER_IDS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub staff_user_ids: Vec<String>,

    /// The staff group's chat id (negative, e.g. -1001234567890). Each paid
    /// order is posted there once with buttons for its next steps and edited
    /// as it moves; cancellations and refunds get notes. Without it nothing
    /// is posted.
    #[arg(long, env = "STAFF_CHAT_ID", allow_hyphen_values = true)]
    pub staff_chat_id: Option<i64>,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// How long a read given `?after=` waits for the read models to show that
    /// change before answering 503 `not_yet_visible`, in milliseconds.
    #[arg(long, env = "READ_AFTER_TIMEOUT_MS", default_value_t = 3_000)]
    pub read_after_timeout_ms: u64,

    /// How long the record of an idempotency key is kept, in hours. A retry
    /// can only arrive while its initData is valid (`INIT_DATA_MAX_AGE_SECS`)
    /// or while Telegram still redelivers its update (at most 24 hours), so the
    /// default covers both; it may not be shorter than the initData window.
    #[arg(long, env = "IDEMPOTENCY_KEY_TTL_HOURS", default_value_t = 24)]
    pub idempotency_key_ttl_hours: u32,

    /// Aggregates kept in memory per type.
    #[arg(long, env = "AGGREGATE_CACHE_SIZE", default_value_t = 10_000)]
    pub aggregate_cache_size: usize,

    /// Ed25519 private key (PKCS#8 PEM, as `openssl genpkey -algorithm
    /// ed25519` writes it) that seals every appended event and signs
    /// chain-head anchors. The path is not secret; the file's content is, and
    /// is never logged.
    #[arg(long, env = "AUDIT_SIGNING_KEY_FILE")]
    pub audit_signing_key_file: Option<std::path::PathBuf>,

    /// Directory of signed chain-head anchors: the server writes one there
    /// periodically (with a signing key), and a rebuild of `event_chain`
    /// refuses to contradict the ones it finds there.
    #[arg(long, env = "AUDIT_ANCHOR_DIR")]
    pub audit_anchor_dir: Option<std::path::PathBuf>,

    /// How often the server writes an anchor (when the chain head moved), in seconds.
    #[arg(
        long,
        env = "AUDIT_ANCHOR_INTERVAL_SECS",
        default_value_t = 3_600,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub audit_anchor_interval_secs: u64,

    /// Log format: `text` or `json`.
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// How the bot receives updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BotMode {
    Webhook,
    Polling,
}

impl Config {
    /// Defaults only (no environment), for tests and tools that set fields directly.
    pub fn defaults() -> Config {
        Config::parse_from(["foodbot"])
    }

    /// How long idempotency records are kept: at least an hour, and at least
    /// as long as a Mini App request can be retried with the same initData.
    pub fn idempotency_key_ttl(&self) -> anyhow::Result<chrono::TimeDelta> {
        let ttl = chrono::TimeDelta::hours(i64::from(self.idempotency_key_ttl_hours));
        let window = chrono::TimeDelta::seconds(self.init_data_max_age_secs);
        if self.idempotency_key_ttl_hours == 0 || ttl < window {
            anyhow::bail!(
                "IDEMPOTENCY_KEY_TTL_HOURS={} must be at least 1 and cover \
                 INIT_DATA_MAX_AGE_SECS={}: a retry could otherwise arrive after its key \
                 was forgotten",
                self.idempotency_key_ttl_hours,
                self.init_data_max_age_secs
            );
        }
        Ok(ttl)
    }

    pub fn staff(&self) -> anyhow::Result<std::collections::HashSet<foodbot_domain::UserId>> {
        self.staff_user_ids
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| anyhow::anyhow!("STAFF_USER_IDS: {s:?} is not a Telegram user id"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Config;
    use chrono::TimeDelta;

    #[test]
    fn idempotency_keys_are_kept_at_least_as_long_as_init_data_is_valid() {
        let mut config = Config::defaults();
        assert_eq!(
            config.idempotency_key_ttl().ok(),
            Some(TimeDelta::hours(24))
        );
        for hours in [0, 23] {
            config.idempotency_key_ttl_hours = hours;
            assert!(config.idempotency_key_ttl().is_err(), "{hours} hours");
        }
        config.init_data_max_age_secs = 3600;
        config.idempotency_key_ttl_hours = 1;
        assert_eq!(config.idempotency_key_ttl().ok(), Some(TimeDelta::hours(1)));
    }
}
