//! Commands on an order. Each carries who asks and when; whatever the decision
//! needs from outside (the menu as it is now) is put in by the application layer.

use crate::actor::Actor;
use crate::address::{normalize_comment, optional_phone, Address, AddressError};
use crate::catalog::{Catalog, LineRequest};
use crate::ids::{LineId, OrderId};
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct OrderCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub action: OrderAction,
}

/// How the customer gets the food, with how to reach them and what they want
/// the restaurant to know.
///
/// `phone` and `comment` are optional everywhere. Both came after the first
/// stored events (`{"kind": "pickup"}`, a delivery without `comment`), which
/// read as having none; the fields that came later are left out of the JSON
/// when empty, so that a fulfilment without them is stored (and fingerprinted
/// for idempotency) exactly as before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    Delivery {
        address: Address,
        #[serde(default)]
        phone: Option<String>,
        /// The customer's words to the restaurant ("ring twice, no cutlery").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    Pickup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

impl Fulfilment {
    /// Pickup with no phone and no comment.
    pub fn pickup() -> Fulfilment {
        Fulfilment::Pickup {
            phone: None,
            comment: None,
        }
    }

    /// The phone the customer left, if any.
    pub fn phone(&self) -> Option<&str> {
        match self {
            Fulfilment::Delivery { phone, .. } | Fulfilment::Pickup { phone, .. } => {
                phone.as_deref()
            }
        }
    }

    /// The customer's comment to the restaurant, if any.
    pub fn comment(&self) -> Option<&str> {
        match self {
            Fulfilment::Delivery { comment, .. } | Fulfilment::Pickup { comment, .. } => {
                comment.as_deref()
            }
        }
    }

    /// The same choice trimmed and checked: the address complete, the phone a
    /// phone number, the comment at most
    /// [`MAX_COMMENT_CHARS`](crate::address::MAX_COMMENT_CHARS) characters;
    /// an empty phone or comment is none.
    pub fn normalized(&self) -> Result<Fulfilment, AddressError> {
        Ok(match self {
            Fulfilment::Delivery {
                address,
                phone,
                comment,
            } => Fulfilment::Delivery {
                address: address.normalized()?,
                phone: optional_phone(phone.as_deref())?,
                comment: normalize_comment(comment.as_deref())?,
            },
            Fulfilment::Pickup { phone, comment } => Fulfilment::Pickup {
                phone: optional_phone(phone.as_deref())?,
                comment: normalize_comment(comment.as_deref())?,
            },
        })
    }
}

/// Food is paid with a payment provider in a real currency; Telegram Stars (XTR)
/// only for digital goods, so only for an order priced in XTR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Provider,
    Stars,
}

/// What Telegram reports in `successful_payment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceipt {
    pub method: PaymentMethod,
    pub amount: Money,
    pub telegram_charge_id: String,
    pub provider_charge_id: String,
}

#[derive(Debug, Clone)]
pub enum OrderAction {
    /// Opens a new cart, optionally with first items.
    Create {
        order_id: OrderId,
        menu: Arc<Catalog>,
        items: Vec<LineRequest>,
    },
    /// Opens a new cart holding a past order's lines at today's prices.
    Reorder {
        order_id: OrderId,
        source: OrderId,
        lines: Vec<LineRequest>,
        menu: Arc<Catalog>,
    },
    AddItem {
        menu: Arc<Catalog>,
        item: LineRequest,
    },
    ChangeQuantity {
        line: LineId,
        quantity: u32,
    },
    RemoveItem {
        line: LineId,
    },
    SetFulfilment {
        fulfilment: Fulfilment,
    },
    /// Freezes prices and the total at the menu's current prices.
    Checkout {
        menu: Arc<Catalog>,
    },
    /// Back from checkout to editing the cart (before payment).
    ReopenCart,
    RequestPayment {
        method: PaymentMethod,
        invoice_payload: String,
    },
    RecordPayment {
        receipt: PaymentReceipt,
    },
    RecordPaymentFailure {
        reason: String,
    },
    Accept {
        eta_minutes: Option<u32>,
    },
    Reject {
        reason: String,
    },
    StartPreparing,
    MarkReady,
    MarkOutForDelivery,
    MarkDelivered,
    MarkPickedUp,
    Cancel {
        reason: Option<String>,
    },
    RequestRefund {
        reason: String,
    },
    RecordRefund {
        amount: Money,
        telegram_charge_id: String,
    },
}

impl OrderAction {
    /// A stable name, recorded in event metadata and used in error messages.
    pub fn name(&self) -> &'static str {
        match self {
            OrderAction::Create { .. } => "create",
            OrderAction::Reorder { .. } => "reorder",
            OrderAction::AddItem { .. } => "add_item",
            OrderAction::ChangeQuantity { .. } => "change_quantity",
            OrderAction::RemoveItem { .. } => "remove_item",
            OrderAction::SetFulfilment { .. } => "set_fulfilment",
            OrderAction::Checkout { .. } => "checkout",
            OrderAction::ReopenCart => "reopen_cart",
            OrderAction::RequestPayment { .. } => "request_payment",
            OrderAction::RecordPayment { .. } => "record_payment",
            OrderAction::RecordPaymentFailure { .. } => "record_payment_failure",
            OrderAction::Accept { .. } => "accept",
            OrderAction::Reject { .. } => "reject",
            OrderAction::StartPreparing => "start_preparing",
            OrderAction::MarkReady => "mark_ready",
            OrderAction::MarkOutForDelivery => "mark_out_for_delivery",
            OrderAction::MarkDelivered => "mark_delivered",
            OrderAction::MarkPickedUp => "mark_picked_up",
            OrderAction::Cancel { .. } => "cancel",
            OrderAction::RequestRefund { .. } => "request_refund",
            OrderAction::RecordRefund { .. } => "record_refund",
        }
    }
}
