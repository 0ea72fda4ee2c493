//! Update JSON as Telegram would send it, for the user side of tests and of the offline demo.
//!
//! Each function builds one complete update (with a fresh `update_id` and, for messages, a
//! fresh `message_id`) that can be pushed into the fake's `getUpdates` queue with
//! [`super::FakeBotApi::push_update`] or posted to the server's webhook. Ids come from
//! process-wide counters, so they grow in the order the updates are built.

use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{json, Value};

static UPDATE_ID: AtomicI64 = AtomicI64::new(1);
static MESSAGE_ID: AtomicI64 = AtomicI64::new(1_000);
static QUERY_ID: AtomicI64 = AtomicI64::new(1);

/// A fresh update id, larger than every one handed out before in this process.
pub fn next_update_id() -> i64 {
    UPDATE_ID.fetch_add(1, Ordering::Relaxed)
}

/// Makes every later update id larger than `update_id` (the offline demo
/// continues after the updates its inbox already holds from an earlier run).
pub fn continue_after(update_id: i64) {
    UPDATE_ID.fetch_max(update_id.saturating_add(1), Ordering::Relaxed);
}

fn next_message_id() -> i64 {
    MESSAGE_ID.fetch_add(1, Ordering::Relaxed)
}

fn next_query_id() -> String {
    format!(
        "{}",
        4_000_000_000 + QUERY_ID.fetch_add(1, Ordering::Relaxed)
    )
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A human Telegram user.
pub fn user(id: i64, language_code: Option<&str>) -> Value {
    let mut user = json!({ "id": id, "is_bot": false, "first_name": format!("User {id}") });
    if let Some(code) = language_code {
        user["language_code"] = json!(code);
    }
    user
}

/// A chat as Telegram describes it: private for positive ids, a supergroup otherwise.
pub fn chat(id: i64) -> Value {
    if id > 0 {
        json!({ "id": id, "type": "private", "first_name": format!("User {id}") })
    } else {
        json!({ "id": id, "type": "supergroup", "title": format!("Chat {id}") })
    }
}

fn update(kind: &str, body: Value) -> Value {
    json!({ "update_id": next_update_id(), kind: body })
}

fn message_from(from: i64, chat_id: i64, language_code: Option<&str>) -> Value {
    json!({
        "message_id": next_message_id(),
        "date": now(),
        "chat": chat(chat_id),
        "from": user(from, language_code),
    })
}

/// A text message (a command when it starts with `/`) from a user in a chat.
pub fn update_message(from: i64, chat_id: i64, text: &str, language_code: Option<&str>) -> Value {
    let mut message = message_from(from, chat_id, language_code);
    message["text"] = json!(text);
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        message["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": command.encode_utf16().count() }]);
    }
    update("message", message)
}

/// A press on an inline button under `message` (the message JSON as the bot sent it,
/// e.g. from [`super::FakeBotApi::message`]).
pub fn update_callback(from: i64, message: Value, data: &str) -> Value {
    let chat_instance = message["chat"]["id"].to_string();
    update(
        "callback_query",
        json!({
            "id": next_query_id(),
            "from": user(from, None),
            "message": message,
            "chat_instance": chat_instance,
            "data": data,
        }),
    )
}

/// An inline query (`@bot query` typed in any chat).
pub fn update_inline_query(from: i64, query: &str, offset: &str) -> Value {
    update(
        "inline_query",
        json!({
            "id": next_query_id(),
            "from": user(from, None),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }),
    )
}

/// Data a Mini App opened from a keyboard button sent back with `Telegram.WebApp.sendData`.
pub fn update_web_app_data(from: i64, chat_id: i64, data: &str, button_text: &str) -> Value {
    let mut message = message_from(from, chat_id, None);
    message["web_app_data"] = json!({ "data": data, "button_text": button_text });
    update("message", message)
}

/// The question Telegram asks before charging a user for an invoice.
pub fn update_pre_checkout(from: i64, payload: &str, currency: &str, total_amount: i64) -> Value {
    update(
        "pre_checkout_query",
        json!({
            "id": next_query_id(),
            "from": user(from, None),
            "currency": currency,
            "total_amount": total_amount,
            "invoice_payload": payload,
        }),
    )
}

/// The service message that says a payment went through.
pub fn update_successful_payment(
    from: i64,
    chat_id: i64,
    payload: &str,
    currency: &str,
    total_amount: i64,
) -> Value {
    let mut message = message_from(from, chat_id, None);
    let charge = next_query_id();
    message["successful_payment"] = json!({
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": payload,
        "telegram_payment_charge_id": format!("tg-charge-{charge}"),
        "provider_payment_charge_id": format!("provider-charge-{charge}"),
    });
    update("message", message)
}

/// The same update as Telegram might deliver it again under a new `update_id`
/// (a payment reported twice): every field but the id is kept.
pub fn under_new_id(update: &Value) -> Value {
    let mut again = update.clone();
    again["update_id"] = json!(next_update_id());
    again
}

/// The service message that says Telegram Stars of a payment were refunded.
pub fn update_refunded_payment(
    from: i64,
    chat_id: i64,
    payload: &str,
    total_amount: i64,
    telegram_charge_id: &str,
) -> Value {
    let mut message = message_from(from, chat_id, None);
    message["refunded_payment"] = json!({
        "currency": "XTR",
        "total_amount": total_amount,
        "invoice_payload": payload,
        "telegram_payment_charge_id": telegram_charge_id,
    });
    update("message", message)
}
