//! End-to-end tests of the HTTP API: the real server on port 0, a real database.
//! Every test runs twice, on PostgreSQL and on SQLite (see `both_stores!`).

mod contract_check;
mod helpers;

mod analytics;
mod anchors;
mod audit;
mod auth;
mod bot_api;
mod bot_cancel;
mod bot_commands;
mod bot_demo;
mod bot_helpers;
mod bot_ingest;
mod bot_inline;
mod bot_orders;
mod bot_settings;
mod bot_setup;
mod concurrency;
mod contract;
mod demo_console;
mod failures;
mod fulfilment;
mod hours;
mod idempotency;
mod languages;
mod lifecycle;
mod live;
mod long_transaction;
mod money_path;
mod notify;
mod orders;
mod outbox;
mod payments;
mod read_side;
mod schema;
mod staff_chat;
mod stoplist;
mod surface;
mod tampering;
mod versions;
mod webapp;

/// Instantiates `async fn name(store: Store)` tests once per store.
#[macro_export]
macro_rules! both_stores {
    (@postgres_only $($name:ident),* $(,)?) => {
        mod postgres_only {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Store::Postgres).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Store::Postgres).await
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Store::Sqlite).await
                }
            )*
        }
    };
}
