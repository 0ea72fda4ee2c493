//! The JSON bodies the API accepts: types of their own, with the constraints
//! the server enforces stated in the OpenAPI document, mapped here to the
//! domain's types. Unknown fields are refused (`additionalProperties: false`).
//! Lengths and ranges are checked by the domain (422 with a code); they are
//! repeated here so that the document states them.

use foodbot_domain::address::Address as DomainAddress;
use foodbot_domain::catalog::LineRequest;
use foodbot_domain::order::Fulfilment as DomainFulfilment;
use foodbot_domain::user::NotificationPreference;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One line to add: a menu item with its size, options, quantity and note.
#[derive(Deserialize, Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// A menu item's id.
    #[schema(min_length = 1)]
    pub item_id: String,
    /// A size id of the item, if it comes in sizes.
    #[serde(default)]
    pub size: Option<String>,
    /// Chosen option ids keyed by option group id.
    #[serde(default)]
    pub options: BTreeMap<String, Vec<String>>,
    #[schema(minimum = 1, maximum = 50)]
    pub quantity: u32,
    /// A note to the kitchen.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

impl From<LineInput> for LineRequest {
    fn from(l: LineInput) -> Self {
        LineRequest {
            item_id: l.item_id,
            size: l.size,
            options: l.options,
            quantity: l.quantity,
            note: l.note,
        }
    }
}

/// `POST /orders`: a new cart, empty or with lines.
#[derive(Deserialize, ToSchema, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    #[serde(default)]
    #[schema(max_items = 30)]
    pub items: Vec<LineInput>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ChangeQuantity {
    #[schema(minimum = 1, maximum = 50)]
    pub quantity: u32,
}

/// Where to bring an order. Every field at most 200 characters, no control characters.
#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    #[schema(min_length = 1, max_length = 200)]
    pub street: String,
    #[schema(min_length = 1, max_length = 200)]
    pub city: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub postcode: Option<String>,
    /// Floor, door, entrance code, "ring twice".
    #[serde(default)]
    #[schema(max_length = 200)]
    pub details: Option<String>,
}

impl From<AddressInput> for DomainAddress {
    fn from(a: AddressInput) -> Self {
        DomainAddress {
            street: a.street,
            city: a.city,
            postcode: a.postcode,
            details: a.details,
        }
    }
}

/// How the customer gets the food, a phone to reach them and a comment to
/// the restaurant. An empty phone or comment counts as none.
#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FulfilmentInput {
    Delivery {
        address: AddressInput,
        /// 5 to 20 digits, optionally with `+`, spaces, dashes or brackets.
        #[serde(default)]
        #[schema(max_length = 40)]
        phone: Option<String>,
        /// The customer's words to the restaurant ("ring twice, no cutlery");
        /// line breaks and tabs allowed, no other control characters.
        #[serde(default)]
        #[schema(max_length = 500)]
        comment: Option<String>,
    },
    Pickup {
        /// 5 to 20 digits, optionally with `+`, spaces, dashes or brackets.
        #[serde(default)]
        #[schema(max_length = 40)]
        phone: Option<String>,
        /// The customer's words to the restaurant; line breaks and tabs
        /// allowed, no other control characters.
        #[serde(default)]
        #[schema(max_length = 500)]
        comment: Option<String>,
    },
}

impl From<FulfilmentInput> for DomainFulfilment {
    fn from(f: FulfilmentInput) -> Self {
        match f {
            FulfilmentInput::Delivery {
                address,
                phone,
                comment,
            } => DomainFulfilment::Delivery {
                address: address.into(),
                phone,
                comment,
            },
            FulfilmentInput::Pickup { phone, comment } => {
                DomainFulfilment::Pickup { phone, comment }
            }
        }
    }
}

#[derive(Deserialize, ToSchema, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    /// Why, in the customer's words.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct SetLanguage {
    /// A language the restaurant offers, e.g. `en`.
    pub language: String,
}

/// Which order updates the bot sends the customer.
#[derive(Deserialize, Serialize, ToSchema, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Notifications {
    /// Every step of every order.
    All,
    /// Only what needs the customer: ready, out for delivery, refunds.
    Essential,
    None,
}

impl From<Notifications> for NotificationPreference {
    fn from(n: Notifications) -> Self {
        match n {
            Notifications::All => NotificationPreference::All,
            Notifications::Essential => NotificationPreference::Essential,
            Notifications::None => NotificationPreference::None,
        }
    }
}

impl From<NotificationPreference> for Notifications {
    fn from(n: NotificationPreference) -> Self {
        match n {
            NotificationPreference::All => Notifications::All,
            NotificationPreference::Essential => Notifications::Essential,
            NotificationPreference::None => Notifications::None,
        }
    }
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct SetNotifications {
    pub preference: Notifications,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct SaveAddress {
    #[schema(min_length = 1, max_length = 40)]
    pub label: String,
    pub address: AddressInput,
}
