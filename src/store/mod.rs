//! Where events live: PostgreSQL through postgres-es, or an SQLite file through
//! sqlite-es as the zero-setup default.
//!
//! [`Database`] connects and runs the migrations (the only source of schema).
//! [`AnyRepository`] is one `PersistedEventRepository` over either backend, so
//! the event store and the application layer above it are written once.
//! [`AggregateStore`] is the cqrs-es `EventStore` the application layer uses;
//! it appends through [`append`], which can claim a command's idempotency key
//! ([`idempotency`]) in the same statement as its events.

mod append;
mod event_store;
pub mod idempotency;
mod repository;

pub use append::AppendError;
pub use event_store::{AggregateStore, KeyUse, Loaded, COMMAND, FINGERPRINT, IDEMPOTENCY_KEY};
pub use repository::AnyRepository;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// A connected, migrated database.
#[derive(Clone, Debug)]
pub enum Database {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Database {
    /// Connects to `url` (`postgres://…` or `sqlite://…`) and brings the schema
    /// up to date.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Database> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            // No liveness ping on every checkout: it is a round trip per command.
            // Connections are recycled instead, and a command that meets a dead
            // one fails without effect and may be retried with its idempotency key.
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .idle_timeout(Duration::from_secs(300))
                .max_lifetime(Duration::from_secs(1800))
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Database::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            if let Some(path) = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
            {
                let file = path.split('?').next().unwrap_or(path);
                if let Some(dir) = std::path::Path::new(file).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)?;
                    }
                }
            }
            // WAL lets readers run beside the single writer; FULL sync makes an
            // acknowledged command survive a power cut, not just a crash.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.clamp(1, 8))
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Database::Sqlite(pool)
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with postgres:// or sqlite:, got {:?}",
                redact(url)
            );
        };
        Ok(db)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Database::Postgres(_) => "postgres",
            Database::Sqlite(_) => "sqlite",
        }
    }

    pub fn repository(&self) -> AnyRepository {
        match self {
            Database::Postgres(p) => {
                AnyRepository::Postgres(postgres_es::PostgresEventRepository::new(p.clone()))
            }
            Database::Sqlite(p) => {
                AnyRepository::Sqlite(sqlite_es::SqliteEventRepository::new(p.clone()))
            }
        }
    }

    /// The same database, for the read side.
    pub fn projection_db(&self) -> foodbot_projections::Db {
        match self {
            Database::Postgres(p) => foodbot_projections::Db::Postgres(p.clone()),
            Database::Sqlite(p) => foodbot_projections::Db::Sqlite(p.clone()),
        }
    }

    /// A turn held by one server process at a time: on PostgreSQL the session
    /// advisory lock `key`, taken on a connection of the pool if no other
    /// session holds it (`Ok(None)` when one does); the lock lives as long as
    /// the returned connection keeps it. SQLite has one server process, which
    /// holds every turn always (`Some(None)`).
    pub async fn try_turn(
        &self,
        key: i64,
    ) -> Result<Option<Option<sqlx::pool::PoolConnection<sqlx::Postgres>>>, sqlx::Error> {
        match self {
            Database::Postgres(p) => {
                let mut conn = p.acquire().await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(key)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(got.then_some(Some(conn)))
            }
            Database::Sqlite(_) => Ok(Some(None)),
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self {
            Database::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
            Database::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
        }
    }

    pub async fn close(&self) {
        match self {
            Database::Postgres(p) => p.close().await,
            Database::Sqlite(p) => p.close().await,
        }
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}
