//! foodbot server library: the application layer and its interfaces (HTTP API,
//! Telegram edges) over the pure domain crate. `main.rs` only reads config and runs it.
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod http;
pub mod i18n;
pub mod menu;
pub mod startup;
pub mod store;
pub mod telegram;

/// The server's allocator: much of a request's work is small short-lived
/// allocations (JSON, events, metadata), where mimalloc beats the system's.
/// Binaries opt in with `#[global_allocator] static A: foodbot::Allocator = ...`.
pub type Allocator = mimalloc::MiMalloc;
