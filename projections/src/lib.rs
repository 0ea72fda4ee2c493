//! The read side of foodbot.
//!
//! Everything users and staff read comes from read models: SQL tables that the
//! catch-up [`projector`] builds from the event log in global order. Each model
//! ([`models::Model`]) owns its tables, keeps its own checkpoint in the same
//! transaction as its rows, and can be rebuilt from zero while the server runs.
//! The same code runs on PostgreSQL and SQLite ([`db`]).

pub mod changes;
pub mod db;
pub mod event;
pub mod models;
pub mod projector;
pub mod queries;
pub mod snapshot;
pub mod storage;
pub mod time;
pub mod visibility;

pub use changes::{ChangesListener, Subscription, TimelineChanges};
pub use db::{Conn, Db, Tx, Val};
pub use event::{Checkpoint, Envelope};
pub use models::Model;
pub use projector::{ProjectError, Projector};
pub use visibility::{Visibility, Watcher};
