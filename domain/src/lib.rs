//! The pure core of foodbot.
//!
//! This crate holds every business decision the product makes and nothing else:
//! the [`order::Order`], [`user::User`] and [`stoplist::StopList`] aggregates, the menu [`catalog`] they are
//! priced against, and the value types ([`money::Money`], ids) they are built from.
//!
//! It does no IO. It reads no clock and draws no random numbers: whatever a decision
//! needs from the outside world (the menu as it is now, the current time, who is
//! asking) is looked up by the application layer in the server crate and put into
//! the command. A decision is a synchronous function of (state, command) that
//! returns the events to append or a typed error; the cqrs-es `handle` only forwards
//! those events to the sink. That keeps every rule testable in isolation, and the
//! same rules apply whether a command comes from the bot, the Mini App, staff or
//! the CLI.

pub mod actor;
pub mod address;
pub mod catalog;
pub mod codec;
pub mod ids;
pub mod money;
pub mod order;
pub mod stoplist;
pub mod user;

pub use actor::{Actor, Channel};
pub use ids::{LineId, OrderId, UserId};
pub use money::{Currency, Money};
