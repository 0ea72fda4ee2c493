//! Building and running the server: the same code for `main` and for tests,
//! which start it on port 0.

use crate::app::App;
use crate::audit::{writer, AuditKey};
use crate::config::Config;
use crate::http::{self, ServerState};
use crate::store::{idempotency, redact, Database};
use crate::telegram::fake::FakeBotApi;
use crate::telegram::runtime::{Api, BotRuntime};
use foodbot_projections::{ChangesListener, Projector, TimelineChanges, Visibility, Watcher};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The offline demo bot's username, as its fake Bot API reports it.
pub const DEMO_BOT_USERNAME: &str = "foodbot_demo_bot";
/// The offline demo's customer: the demo login's user (unless it names
/// another) and the one the demo console shows.
pub const DEMO_USER_ID: i64 = 1_000_001;
/// The offline demo's staff group, when `STAFF_CHAT_ID` is not set.
pub const DEMO_STAFF_CHAT_ID: i64 = -1_001_000_000_001;
/// The offline demo's member of staff, when `STAFF_USER_IDS` is empty.
pub const DEMO_STAFF_USER_ID: i64 = 1_000_900;
/// The offline demo's payment provider token, when `PAYMENT_PROVIDER_TOKEN`
/// is not set: its Telegram is the in-process fake, which takes any token
/// and moves no money.
const DEMO_PROVIDER_TOKEN: &str = "0:TEST:offline-demo";

/// What the offline demo (no `BOT_TOKEN`) fills in that the operator left
/// unset, so that every flow works without settings: a staff group, one
/// member of staff, and a payment provider. With a bot token nothing changes.
pub fn with_demo_defaults(mut config: Config) -> Config {
    if config.bot_token.is_some() {
        return config;
    }
    if config.staff_chat_id.is_none() {
        config.staff_chat_id = Some(DEMO_STAFF_CHAT_ID);
    }
    if config.staff_user_ids.iter().all(|s| s.trim().is_empty()) {
        config.staff_user_ids = vec![DEMO_STAFF_USER_ID.to_string()];
    }
    if config.payment_provider_token.is_none() {
        config.payment_provider_token = Some(SecretString::from(DEMO_PROVIDER_TOKEN));
    }
    config
}

pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    projector: Projector,
    watcher: Watcher,
    changes: ChangesListener,
    anchors: Option<AnchorWriter>,
    /// How long idempotency records are kept before the purge removes them.
    key_ttl: chrono::TimeDelta,
    pub bot: BotRuntime,
    /// The offline demo's fake Bot API (none when a real bot token is set).
    pub fake: Option<FakeBotApi>,
    pub state: Arc<ServerState>,
    pub port: u16,
}

impl Server {
    pub async fn build(config: Config) -> anyhow::Result<Server> {
        let menu = Arc::new(crate::menu::load(&config.menu_path)?);
        let db = Database::connect(&config.database_url, config.db_connections).await?;
        Server::build_with(config, db, menu).await
    }

    /// Builds on an already connected database (tests use this to share one).
    pub async fn build_with(
        config: Config,
        db: Database,
        menu: Arc<foodbot_domain::catalog::Catalog>,
    ) -> anyhow::Result<Server> {
        let config = with_demo_defaults(config);
        let (bot_token, demo) = match &config.bot_token {
            Some(t) => (t.clone(), false),
            None => {
                // Offline demo: a random token nobody else knows, so demo initData
                // is still signed and checked like the real thing.
                let random: [u8; 32] = rand::random();
                (
                    SecretString::from(format!("0:{}", hex::encode(random))),
                    true,
                )
            }
        };
        // A configured key that cannot be read stops the server: running
        // without the seals the operator asked for would go unnoticed.
        let audit_key = match &config.audit_signing_key_file {
            Some(path) => Some(Arc::new(AuditKey::load(path)?)),
            None => None,
        };
        let anchors = anchor_writer(&config, &db, audit_key.as_ref());
        let key_ttl = config.idempotency_key_ttl()?;
        let projector = Projector::new(db.projection_db());
        let (visibility, watcher) = Visibility::new(db.projection_db(), projector.subscribe());
        let (timeline, changes) = TimelineChanges::new(db.projection_db(), projector.subscribe());
        let app = Arc::new(
            App::new(
                db,
                menu.clone(),
                config.staff()?,
                config.aggregate_cache_size,
                projector.wake(),
            )
            .sealed_by(audit_key.clone())
            .paid_through(config.payment_provider_token.clone()),
        );
        let (api, fake) = if demo {
            // The offline demo's Telegram: an in-process fake Bot API.
            let fake = FakeBotApi::start_with(bot_token.expose_secret(), DEMO_BOT_USERNAME).await?;
            (Api::Fake(fake.url().to_string()), Some(fake))
        } else {
            (Api::Url(config.telegram_api_url.clone()), None)
        };
        let bot =
            BotRuntime::build(&config, app.clone(), &bot_token, api, projector.subscribe()).await?;
        let state = Arc::new(ServerState {
            app,
            bot_token,
            init_data_max_age: chrono::Duration::seconds(config.init_data_max_age_secs),
            menu_json: http::menu::Rendered::default(),
            pages: http::webapp::Pages::default(),
            demo,
            visibility,
            read_after_timeout: std::time::Duration::from_millis(config.read_after_timeout_ms),
            projector: projector.counters(),
            timeline,
            telegram: bot.ctx.bot.clone(),
        });
        let menu_dir = config
            .menu_path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default();
        let mut router =
            http::router(state.clone(), menu_dir, config.max_body_bytes).merge(bot.router());
        if let Some(fake) = &fake {
            // The demo's updates continue after those an earlier run stored.
            if let Some(last) = bot.dispatcher.inbox().last_update_id().await? {
                crate::telegram::fake::updates::continue_after(last);
            }
            let setup = crate::telegram::demo::Setup {
                customer: DEMO_USER_ID,
                customer_name: format!("User {DEMO_USER_ID}"),
                staff_chat: config.staff_chat_id.unwrap_or(DEMO_STAFF_CHAT_ID),
                staff_user: config
                    .staff()?
                    .iter()
                    .map(|u| u.0)
                    .min()
                    .unwrap_or(DEMO_STAFF_USER_ID),
                bot_username: bot.ctx.me.username().to_string(),
                app_short_name: config.mini_app_short_name.clone(),
            };
            tracing::info!(
                customer = setup.customer,
                staff_chat = setup.staff_chat,
                staff_user = setup.staff_user,
                "Offline demo: the console is at /."
            );
            router = router.merge(crate::telegram::demo::router(fake.clone(), setup));
        }
        let listener = TcpListener::bind(config.addr).await?;
        let port = listener.local_addr()?.port();
        tracing::info!(
            store = state.app.db.kind(),
            database = %redact(&config.database_url),
            demo,
            sealing_key = audit_key.as_ref().map(|k| k.public().id()),
            anchor_dir = anchors.as_ref().map(|a| a.dir.display().to_string()),
            "Server built."
        );
        Ok(Server {
            listener,
            router,
            projector,
            watcher,
            changes,
            anchors,
            key_ttl,
            bot,
            fake,
            state,
            port,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves (and projects, anchors the hash chain when configured, and
    /// purges expired idempotency keys) until `shutdown` resolves, then ends
    /// the live timelines' streams, finishes in-flight requests and stops the
    /// projector between two steps,
    /// the read-your-writes watcher, the anchor writer and the purge.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut projector_stop = stopped.clone();
        let projector = tokio::spawn(self.projector.run(async move {
            let _ = projector_stop.wait_for(|s| *s).await;
        }));
        let mut watcher_stop = stopped.clone();
        let watcher = tokio::spawn(self.watcher.run(async move {
            let _ = watcher_stop.wait_for(|s| *s).await;
        }));
        let anchors = self.anchors.map(|a| {
            let mut anchors_stop = stopped.clone();
            tokio::spawn(writer::run(a.db, a.key, a.dir, a.every, async move {
                let _ = anchors_stop.wait_for(|s| *s).await;
            }))
        });
        let mut purge_stop = stopped.clone();
        let purge = tokio::spawn(idempotency::purge_periodically(
            self.state.app.db.clone(),
            self.key_ttl,
            async move {
                let _ = purge_stop.wait_for(|s| *s).await;
            },
        ));
        let bot = self.bot.spawn(stopped.clone());
        // The live timelines end as soon as shutdown begins: the server waits
        // for open requests, and a stream would never finish by itself.
        let (closing, mut closed) = tokio::sync::watch::channel(false);
        let changes = tokio::spawn(self.changes.run(async move {
            let _ = closed.wait_for(|c| *c).await;
        }));
        let mut http_stop = stopped;
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = shutdown => {}
                    _ = http_stop.wait_for(|s| *s) => {}
                }
                let _ = closing.send(true);
            })
            .await;
        let _ = stop.send(true);
        let _ = projector.await;
        let _ = watcher.await;
        let _ = changes.await;
        if let Some(anchors) = anchors {
            let _ = anchors.await;
        }
        let _ = purge.await;
        for task in bot {
            let _ = task.await;
        }
        self.state.app.db.close().await;
        Ok(served?)
    }
}

/// What the anchor writer needs (`crate::audit::writer::run`).
struct AnchorWriter {
    db: foodbot_projections::Db,
    key: Arc<AuditKey>,
    dir: std::path::PathBuf,
    every: std::time::Duration,
}

/// The anchor writer, when both a directory and a key are configured.
fn anchor_writer(
    config: &Config,
    db: &Database,
    key: Option<&Arc<AuditKey>>,
) -> Option<AnchorWriter> {
    let dir = config.audit_anchor_dir.clone()?;
    let Some(key) = key else {
        tracing::warn!(
            anchor_dir = %dir.display(),
            "AUDIT_ANCHOR_DIR is set but AUDIT_SIGNING_KEY_FILE is not: no anchors are written."
        );
        return None;
    };
    Some(AnchorWriter {
        db: db.projection_db(),
        key: key.clone(),
        dir,
        every: std::time::Duration::from_secs(config.audit_anchor_interval_secs),
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("Shutting down.");
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn the_offline_demo_fills_in_staff_and_payments_and_a_real_bot_gets_nothing() {
        let demo = with_demo_defaults(Config::defaults());
        assert_eq!(demo.staff_chat_id, Some(DEMO_STAFF_CHAT_ID));
        assert_eq!(
            demo.staff().unwrap(),
            [foodbot_domain::UserId(DEMO_STAFF_USER_ID)].into()
        );
        assert_eq!(
            demo.payment_provider_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            Some(DEMO_PROVIDER_TOKEN.to_owned())
        );

        let mut real = Config::defaults();
        real.bot_token = Some(SecretString::from("1:real"));
        let real = with_demo_defaults(real);
        assert_eq!(real.staff_chat_id, None);
        assert!(real.staff().unwrap().is_empty());
        assert!(real.payment_provider_token.is_none());
    }

    #[test]
    fn what_the_operator_set_is_kept_in_the_offline_demo() {
        let mut set = Config::defaults();
        set.staff_chat_id = Some(-42);
        set.staff_user_ids = vec!["7".into()];
        set.payment_provider_token = Some(SecretString::from("284685063:TEST:mine"));
        let demo = with_demo_defaults(set);
        assert_eq!(demo.staff_chat_id, Some(-42));
        assert_eq!(demo.staff().unwrap(), [foodbot_domain::UserId(7)].into());
        assert_eq!(
            demo.payment_provider_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            Some("284685063:TEST:mine".to_owned())
        );
    }
}
