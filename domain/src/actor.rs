//! Who issues a command and through which interface.

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// The party on whose authority a command is issued. Customer commands may only
/// touch the customer's own orders; staff commands are only built by the
/// application layer for the configured staff chat and users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "user_id", rename_all = "snake_case")]
pub enum Actor {
    Customer(UserId),
    Staff(UserId),
    /// The server itself acting on a fact reported by Telegram or an operator's CLI.
    System,
}

impl Actor {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::Customer(u) | Actor::Staff(u) => Some(*u),
            Actor::System => None,
        }
    }
}

/// The interface a command came through. Recorded in event metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Bot,
    MiniApp,
    Staff,
    Cli,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Bot => "bot",
            Channel::MiniApp => "mini_app",
            Channel::Staff => "staff",
            Channel::Cli => "cli",
        }
    }
}
