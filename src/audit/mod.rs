//! Evidence about the event log that does not live only in the database it
//! protects.
//!
//! The `event_chain` read model hashes every event into a chain, but whoever
//! can edit the events table can also rewrite the chain. Two things tie the
//! log to a key the database does not hold (docs/audit.md has the procedure):
//!
//! - [`seal`]: the server signs each event as it appends it (in the event's
//!   metadata), so a row written by hand has no valid seal;
//! - [`anchor`]: signed statements of the chain head (link count, last event,
//!   hash), written periodically to a directory the operator archives
//!   ([`writer`]) and printed by `foodbot audit head`; `foodbot audit verify --anchor`
//!   recomputes the chain from the log and checks it against them ([`chain`]).
//!
//! [`keys`] loads the one Ed25519 key that does both, and the public keys that
//! check its work.

pub mod anchor;
pub mod chain;
pub mod keys;
mod report;
pub mod seal;
pub mod writer;

pub use keys::{AuditKey, KeyError, PublicKey, TrustedKeys};
