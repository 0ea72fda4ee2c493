//! Test payments in the offline demo: Telegram's payment form, played by
//! the server itself.
//!
//! A real payment is Telegram asking the bot (`pre_checkout_query`), and,
//! only when the bot answered yes, Telegram reporting the charge
//! (`successful_payment`). Here both updates go through the fake's queue and
//! the real pipeline, and the answer the bot gave the fake decides, so an
//! order is paid exactly as it would be by Telegram.
//!
//! - `GET /demo/invoices/{slug}`: what an invoice link (`createInvoiceLink`,
//!   `https://t.me/$<slug>`) charges, for the form to show.
//! - `POST /demo/chat/{user}/payments` `{"slug": …}`, `{"invoice_link": …}`
//!   or `{"message_id": …}` (an invoice the bot sent into the user's chat):
//!   `user` pays. Answers `{"status": "paid"}`, or `{"status": "failed",
//!   "error_message": …}` with what the bot told the payer; an invoice the
//!   bot never made is 404 and nothing is sent.

use super::shown::ShownInvoice;
use super::{json_body, Demo, Refusal};
use crate::i18n::{format_money, Lang};
use crate::telegram::fake::updates::{update_pre_checkout, update_successful_payment};
use crate::telegram::fake::Call;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// How long Telegram waits for the bot's pre-checkout answer.
const PRE_CHECKOUT_ANSWER: Duration = Duration::from_secs(10);

/// An invoice the bot made, as the fake Bot API got it.
#[derive(Debug, Clone)]
struct Invoice {
    payload: String,
    shown: ShownInvoice,
}

impl Invoice {
    fn of(call: &Call) -> Invoice {
        let p = &call.body;
        let s = |key: &str| p[key].as_str().unwrap_or_default().to_owned();
        let total_amount = p["prices"]
            .as_array()
            .map(|prices| prices.iter().filter_map(|x| x["amount"].as_i64()).sum())
            .unwrap_or(0);
        let currency = s("currency");
        Invoice {
            payload: s("payload"),
            shown: ShownInvoice {
                title: s("title"),
                description: s("description"),
                amount: format_money(Lang::En, total_amount, &currency),
                currency,
                total_amount,
            },
        }
    }
}

/// The slug of an invoice link, as Telegram's clients read it
/// (`https://t.me/$<slug>` or `https://t.me/invoice/<slug>`).
fn slug_of(link: &str) -> Option<&str> {
    let rest = link
        .strip_prefix("https://t.me/")
        .or_else(|| link.strip_prefix("http://t.me/"))?;
    let slug = rest
        .strip_prefix('$')
        .or_else(|| rest.strip_prefix("invoice/"))?;
    let plain = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'=');
    plain.then_some(slug)
}

/// The invoice behind the link with `slug`, if the bot made one.
fn by_slug(demo: &Demo, slug: &str) -> Option<Invoice> {
    demo.fake
        .last_call(|c| {
            c.is("createInvoiceLink")
                && c.status == Some(200)
                && c.result.as_ref().and_then(Value::as_str).and_then(slug_of) == Some(slug)
        })
        .map(|c| Invoice::of(&c))
}

/// The invoice the bot sent as message `message_id` into `chat`, while the
/// chat still shows it.
fn in_chat(demo: &Demo, chat: i64, message_id: i64) -> Option<Invoice> {
    demo.fake.message(chat, message_id)?.get("invoice")?;
    demo.fake
        .last_call(|c| {
            let sent = c.result.as_ref();
            c.is("sendInvoice")
                && c.status == Some(200)
                && sent.and_then(|m| m["chat"]["id"].as_i64()) == Some(chat)
                && sent.and_then(|m| m["message_id"].as_i64()) == Some(message_id)
        })
        .map(|c| Invoice::of(&c))
}

fn unknown_invoice() -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "unknown_invoice",
        "the bot made no such invoice",
    )
}

/// What an invoice link charges.
pub(super) async fn invoice(
    State(demo): State<Demo>,
    Path(slug): Path<String>,
) -> Result<Json<ShownInvoice>, Refusal> {
    by_slug(&demo, &slug)
        .map(|invoice| Json(invoice.shown))
        .ok_or_else(unknown_invoice)
}

/// Which invoice is paid: exactly one of the three.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Paying {
    slug: Option<String>,
    invoice_link: Option<String>,
    message_id: Option<i64>,
}

#[derive(Serialize)]
pub(super) struct Outcome {
    /// `paid` or `failed`, as Telegram tells a Mini App (`invoiceClosed`).
    status: &'static str,
    /// Why it failed: the bot's answer to the pre-checkout query.
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

/// `user` pays an invoice: the pre-checkout query, then, if the bot said
/// yes, the payment.
pub(super) async fn pay(
    State(demo): State<Demo>,
    Path(user): Path<i64>,
    body: Result<Json<Paying>, JsonRejection>,
) -> Result<Json<Outcome>, Refusal> {
    let paying = json_body(body)?;
    if user <= 0 {
        return Err(Refusal::bad("a user id above 0"));
    }
    let invoice = match (paying.slug, paying.invoice_link, paying.message_id) {
        (Some(slug), None, None) => by_slug(&demo, &slug),
        (None, Some(link), None) => slug_of(&link).and_then(|slug| by_slug(&demo, slug)),
        (None, None, Some(message_id)) => in_chat(&demo, user, message_id),
        _ => return Err(Refusal::bad("one of slug, invoice_link or message_id")),
    };
    let invoice = invoice.ok_or_else(unknown_invoice)?;
    let (currency, total) = (&invoice.shown.currency, invoice.shown.total_amount);
    let question = update_pre_checkout(user, &invoice.payload, currency, total);
    let query = question["pre_checkout_query"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    demo.fake.push_update(question);
    let answer = demo
        .fake
        .wait_call(PRE_CHECKOUT_ANSWER, |c| {
            c.is("answerPreCheckoutQuery") && c.body["pre_checkout_query_id"] == query.as_str()
        })
        .await;
    let outcome = match answer {
        None => Outcome {
            status: "failed",
            error_message: Some("The bot did not answer within 10 seconds.".into()),
        },
        Some(a) if a.status == Some(200) && truthy(&a.body["ok"]) => {
            let paid = update_successful_payment(user, user, &invoice.payload, currency, total);
            demo.fake.push_update(paid);
            Outcome {
                status: "paid",
                error_message: None,
            }
        }
        Some(a) => Outcome {
            status: "failed",
            error_message: a.body["error_message"].as_str().map(String::from),
        },
    };
    Ok(Json(outcome))
}

/// A Bot API flag, sent as JSON or as form text.
fn truthy(v: &Value) -> bool {
    v.as_bool() == Some(true) || v.as_str() == Some("true")
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn invoice_links_name_their_slug() {
        assert_eq!(
            slug_of("https://t.me/$fakeinvoiceAg01"),
            Some("fakeinvoiceAg01")
        );
        assert_eq!(slug_of("https://t.me/invoice/abc_d-e="), Some("abc_d-e="));
        for bad in [
            "https://t.me/$",
            "https://t.me/foodbot_demo_bot",
            "https://example.com/$abc",
            "https://t.me/$a/b",
            "$abc",
        ] {
            assert_eq!(slug_of(bad), None, "{bad}");
        }
    }
}
