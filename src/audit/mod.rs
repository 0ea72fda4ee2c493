//! Evidence about the event log that does not live only in the database it
//! protects.
//!
//! The `event_chain` read model hashes every event into a chain, but whoever
//! can edit the events table can also rewrite the chain. [`seal`]: the server
//! signs each event as it appends it (in the event's metadata), with a key the
//! database does not hold, so a row written by hand has no valid seal.
//!
//! [`keys`] loads that Ed25519 key, and the public keys that check its work.

pub mod keys;
pub mod seal;

pub use keys::{AuditKey, KeyError, PublicKey, TrustedKeys};
