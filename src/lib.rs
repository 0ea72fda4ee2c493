//! foodbot server library: the application layer and its interfaces (HTTP API,
//! Telegram edges) over the pure domain crate. `main.rs` only reads config and runs it.
pub mod app;
pub mod config;
pub mod http;
pub mod menu;
pub mod startup;
pub mod store;
pub mod telegram;
