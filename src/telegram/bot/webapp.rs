//! `web_app_data`: the cart a Mini App opened from a reply keyboard sends
//! with `Telegram.WebApp.sendData` (such an app can do nothing else).
//!
//! The payload is untrusted input of at most 4096 bytes:
//!
//! ```json
//! {"v": 1, "items": [{"item": "margherita", "size": "32cm",
//!   "options": {"extras": ["basil"]}, "quantity": 2, "note": "well done"}]}
//! ```
//!
//! With `"checkout": true` the cart is checked out at once and its invoice
//! sent in the chat (`sendInvoice`); `"fulfilment"` then says how the food
//! arrives (`{"kind": "pickup", "phone"?, "comment"?}` or `{"kind":
//! "delivery", "address": {"street", "city", "postcode"?, "details"?},
//! "phone"?, "comment"?}`; digital goods need none). A refused checkout
//! leaves the cart as it is and says why.
//!
//! Unknown fields, a wrong version, no items, more than 30 lines, quantities
//! outside 1–99 or notes over 200 characters are refused before anything is
//! decided; items, sizes and options are then checked against the menu by the
//! Order aggregate as for any cart. A refused payload gets a clear answer and
//! changes nothing.

use super::reply::{self, Screen};
use super::texts::{money, tr};
use super::{account, BotContext, BotResult, Turn};
use crate::app::{AppError, InvoiceError};
use crate::telegram::payments;
use foodbot_domain::address::Address;
use foodbot_domain::catalog::{LineRequest, PricingError};
use foodbot_domain::order::{Fulfilment, OrderAction, OrderError};
use foodbot_domain::OrderId;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use teloxide::types::WebAppData;

/// Telegram's limit on `sendData`.
pub const MAX_BYTES: usize = 4096;
const MAX_LINES: usize = 30;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    v: u32,
    items: Vec<Line>,
    #[serde(default)]
    checkout: bool,
    #[serde(default)]
    fulfilment: Option<FulfilmentData>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum FulfilmentData {
    Pickup {
        #[serde(default)]
        phone: Option<String>,
        #[serde(default)]
        comment: Option<String>,
    },
    Delivery {
        address: AddressData,
        #[serde(default)]
        phone: Option<String>,
        #[serde(default)]
        comment: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressData {
    street: String,
    city: String,
    #[serde(default)]
    postcode: Option<String>,
    #[serde(default)]
    details: Option<String>,
}

impl From<FulfilmentData> for Fulfilment {
    fn from(f: FulfilmentData) -> Fulfilment {
        match f {
            FulfilmentData::Pickup { phone, comment } => Fulfilment::Pickup { phone, comment },
            FulfilmentData::Delivery {
                address,
                phone,
                comment,
            } => Fulfilment::Delivery {
                address: Address {
                    street: address.street,
                    city: address.city,
                    postcode: address.postcode,
                    details: address.details,
                },
                phone,
                comment,
            },
        }
    }
}

/// What the payload asks for.
struct Request {
    lines: Vec<LineRequest>,
    /// Check out (with this fulfilment, if any) and send the invoice.
    checkout: Option<Option<Fulfilment>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    item: String,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    options: BTreeMap<String, Vec<String>>,
    quantity: u32,
    #[serde(default)]
    note: Option<String>,
}

/// The payload as cart lines, or why not.
#[cfg(test)]
fn lines(data: &str) -> Result<Vec<LineRequest>, String> {
    request(data).map(|r| r.lines)
}

/// The payload as a request, or why not.
fn request(data: &str) -> Result<Request, String> {
    if data.len() > MAX_BYTES {
        return Err("longer than 4096 bytes".into());
    }
    let p: Payload = serde_json::from_str(data).map_err(|e| e.to_string())?;
    if p.v != 1 {
        return Err(format!("version {} is not 1", p.v));
    }
    if p.items.is_empty() || p.items.len() > MAX_LINES {
        return Err(format!("{} lines (1 to {MAX_LINES})", p.items.len()));
    }
    if p.fulfilment.is_some() && !p.checkout {
        return Err("a fulfilment without checkout".into());
    }
    let checkout = p.checkout.then(|| p.fulfilment.map(Fulfilment::from));
    let lines = p
        .items
        .into_iter()
        .map(|l| {
            if !(1..=99).contains(&l.quantity) {
                return Err(format!("quantity {} of {:?}", l.quantity, l.item));
            }
            if l.note.as_ref().is_some_and(|n| n.chars().count() > 200) {
                return Err(format!("the note of {:?} is too long", l.item));
            }
            Ok(LineRequest {
                item_id: l.item,
                size: l.size,
                options: l.options,
                quantity: l.quantity,
                note: l.note.filter(|n| !n.trim().is_empty()),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Request { lines, checkout })
}

pub async fn web_app_data(ctx: Arc<BotContext>, turn: Turn, data: WebAppData) -> BotResult {
    let lang = turn.lang;
    let say = |text: String| reply::send(&ctx, turn.chat, Screen::text(text));
    let request = match request(&data.data) {
        Ok(r) => r,
        Err(why) => {
            tracing::info!(why = %why, "A web_app_data cart was refused.");
            return say(tr(lang, "webapp-bad-payload", &[])).await;
        }
    };
    let created = ctx
        .app
        .create_order(&turn.meta("web_app_cart"), turn.user, request.lines)
        .await;
    let (id, outcome) = match created {
        Ok(c) => c,
        Err(AppError::Order(e)) => return say(refusal(&ctx, &turn, &e)).await,
        Err(e) => return Err(e.into()),
    };
    if let Some(fulfilment) = request.checkout {
        return checkout(&ctx, &turn, id, fulfilment).await;
    }
    let cart = &outcome.state;
    let count: i64 = cart.lines.iter().map(|l| i64::from(l.item.quantity)).sum();
    let total = cart
        .cart_subtotal
        .as_ref()
        .map(|m| money(lang, m))
        .unwrap_or_default();
    let text = tr(
        lang,
        "webapp-cart-created",
        &[("count", count.into()), ("total", total.into())],
    );
    let start = format!("order_{}", id.0.simple());
    let open = account::open_app_as(&ctx, tr(lang, "reorder-checkout", &[]), Some(&start));
    reply::send(&ctx, turn.chat, Screen::text(text).row(open)).await
}

/// Checks the new cart out and sends its invoice; a refusal leaves the cart
/// to be fixed in the Mini App and says why.
async fn checkout(
    ctx: &BotContext,
    turn: &Turn,
    id: OrderId,
    fulfilment: Option<Fulfilment>,
) -> BotResult {
    let lang = turn.lang;
    let start = format!("order_{}", id.0.simple());
    let refused = |text: String| {
        let open = account::open_app_as(ctx, tr(lang, "reorder-checkout", &[]), Some(&start));
        reply::send(ctx, turn.chat, Screen::text(text).row(open))
    };
    let mut steps = vec![];
    if let Some(fulfilment) = fulfilment {
        steps.push((
            "web_app_fulfilment",
            OrderAction::SetFulfilment { fulfilment },
        ));
    }
    steps.push((
        "web_app_checkout",
        OrderAction::Checkout {
            menu: ctx.app.menu.clone(),
        },
    ));
    for (purpose, action) in steps {
        match ctx.app.order_command(&turn.meta(purpose), id, action).await {
            Ok(_) => {}
            Err(AppError::Order(e)) => return refused(checkout_refusal(ctx, turn, &e)).await,
            Err(e) => return Err(e.into()),
        }
    }
    let invoice = match ctx
        .app
        .request_invoice(&turn.meta("web_app_invoice"), turn.user, id)
        .await
    {
        Ok(i) => i,
        Err(InvoiceError::NotConfigured) => return refused(tr(lang, "pay-unavailable", &[])).await,
        Err(InvoiceError::App(AppError::Order(e))) => {
            return refused(checkout_refusal(ctx, turn, &e)).await
        }
        Err(InvoiceError::App(e)) => return Err(e.into()),
    };
    payments::send(&ctx.bot, &ctx.app, turn.chat, &invoice, lang).await?;
    Ok(())
}

fn checkout_refusal(ctx: &BotContext, turn: &Turn, e: &OrderError) -> String {
    let lang = turn.lang;
    match e {
        OrderError::MixedDigitalAndPhysical => tr(lang, "webapp-mixed", &[]),
        OrderError::FulfilmentMissing => tr(lang, "webapp-need-fulfilment", &[]),
        OrderError::InvalidFulfilment(_) => tr(lang, "webapp-bad-address", &[]),
        other => refusal(ctx, turn, other),
    }
}

/// What to tell the customer when the menu refuses the cart.
fn refusal(ctx: &BotContext, turn: &Turn, e: &OrderError) -> String {
    let lang = turn.lang;
    let name = |id: &str| {
        ctx.app
            .menu
            .item(id)
            .map(|i| ctx.app.menu.text(&i.name, lang.code()).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let pricing = match e {
        OrderError::Pricing(p) => Some(p),
        OrderError::ItemsUnavailable { problems } => problems.first().map(|(_, p)| p),
        _ => None,
    };
    match pricing {
        Some(PricingError::UnknownItem { item_id } | PricingError::ItemUnavailable { item_id }) => {
            tr(
                lang,
                "webapp-unknown-item",
                &[("item", name(item_id).into())],
            )
        }
        Some(
            PricingError::UnknownOption {
                item_id, option, ..
            }
            | PricingError::OptionUnavailable {
                item_id, option, ..
            },
        ) => tr(
            lang,
            "webapp-bad-option",
            &[
                ("item", name(item_id).into()),
                ("option", option.as_str().into()),
            ],
        ),
        _ => tr(lang, "webapp-bad-payload", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn a_well_formed_cart_becomes_lines() {
        let l = lines(r#"{"v":1,"items":[{"item":"margherita","quantity":2,"options":{"extras":["basil"]}}]}"#)
            .unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].quantity, 2);
        assert_eq!(l[0].options["extras"], vec!["basil".to_string()]);
    }

    #[test]
    fn a_cart_may_ask_to_be_checked_out_with_its_fulfilment() {
        let r = super::request(r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"checkout":true,"fulfilment":{"kind":"pickup"}}"#)
            .unwrap();
        assert_eq!(r.checkout, Some(Some(super::Fulfilment::pickup())));
        let r = super::request(r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"checkout":true,"fulfilment":{"kind":"pickup","phone":"+49 30 1234567","comment":"no cutlery"}}"#)
            .unwrap();
        let f = r.checkout.flatten().unwrap();
        assert_eq!(
            (f.phone(), f.comment()),
            (Some("+49 30 1234567"), Some("no cutlery"))
        );
        let r = super::request(
            r#"{"v":1,"items":[{"item":"gift-card","quantity":1}],"checkout":true}"#,
        )
        .unwrap();
        assert_eq!(r.checkout, Some(None));
    }

    #[test]
    fn malformed_carts_are_refused_before_anything_is_decided() {
        for bad in [
            "",
            "not json",
            r#"{"v":2,"items":[{"item":"margherita","quantity":1}]}"#,
            r#"{"v":1,"items":[]}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":0}]}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":100}]}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1.5}]}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1,"price":1}]}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"total":0}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"fulfilment":{"kind":"pickup"}}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"checkout":true,"fulfilment":{"kind":"drone"}}"#,
            r#"{"v":1,"items":[{"item":"margherita","quantity":1}],"checkout":true,"fulfilment":{"kind":"delivery","address":{"street":"a","city":"b","floor":3}}}"#,
        ] {
            assert!(lines(bad).is_err(), "{bad}");
        }
        let long_note = format!(
            r#"{{"v":1,"items":[{{"item":"margherita","quantity":1,"note":"{}"}}]}}"#,
            "x".repeat(201)
        );
        assert!(lines(&long_note).is_err());
        let too_big = format!(
            r#"{{"v":1,"items":[{{"item":"{}","quantity":1}}]}}"#,
            "x".repeat(5000)
        );
        assert!(lines(&too_big).is_err());
    }
}
