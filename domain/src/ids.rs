//! Identifier newtypes, so that an order id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A Telegram user id. The same person has the same id in the bot and in the Mini
/// App, which is what makes them one [`crate::user::User`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for UserId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(UserId)
    }
}

/// An order id. New ids are random, except that an order created with an
/// idempotency key gets an id derived from (customer, key), so that a retried
/// "create" lands on the same order instead of making a second one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub Uuid);

/// Namespace for deterministic order ids (UUID v5).
const ORDER_NAMESPACE: Uuid = Uuid::from_u128(0x6f6f_6462_6f74_4f72_6465_7249_6473_0001);

impl OrderId {
    pub fn from_idempotency_key(customer: UserId, key: &str) -> OrderId {
        OrderId(Uuid::new_v5(
            &ORDER_NAMESPACE,
            format!("{customer}/{key}").as_bytes(),
        ))
    }

    /// A short human-friendly reference shown to customers and staff ("3F2A9C").
    pub fn short(&self) -> String {
        self.0.simple().to_string()[..6].to_uppercase()
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for OrderId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(OrderId)
    }
}

/// A cart line within one order, numbered from 1 in the order they were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineId(pub u32);

impl fmt::Display for LineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
