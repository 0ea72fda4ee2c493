//! Talking to the bot as Telegram does: updates posted to the webhook with
//! the secret, answers read from the fake Bot API's transcript.

use crate::helpers::*;
use foodbot::telegram::fake::updates::update_callback;
use foodbot::telegram::fake::{Call, ShownMessage};
use reqwest::StatusCode;
use serde_json::Value;

/// Posts `update` to the webhook with the right secret.
pub async fn deliver(app: &TestApp, update: &Value) -> StatusCode {
    deliver_with(app, update.to_string(), Some(WEBHOOK_SECRET)).await
}

/// Posts a raw body with the given secret header (none when `None`).
pub async fn deliver_with(app: &TestApp, body: String, secret: Option<&str>) -> StatusCode {
    let mut req = app
        .client
        .post(format!("{}/telegram/webhook", app.base))
        .header("content-type", "application/json")
        .body(body);
    if let Some(s) = secret {
        req = req.header("x-telegram-bot-api-secret-token", s);
    }
    req.send().await.unwrap().status()
}

/// The bot's messages in `chat` once there are at least `n` of them.
pub async fn bot_messages(app: &TestApp, chat: i64, n: usize) -> Vec<ShownMessage> {
    let count = |chat_now: Vec<ShownMessage>| chat_now.into_iter().filter(|m| m.from_bot).count();
    app.bot_api
        .wait_for(|_| count(app.bot_api.chat(chat)) >= n)
        .await;
    app.bot_api
        .chat(chat)
        .into_iter()
        .filter(|m| m.from_bot)
        .collect()
}

/// Delivers `update` and returns the bot's newest message in `chat` once
/// there are `before + 1` (or more) of them.
pub async fn say(app: &TestApp, chat: i64, update: &Value) -> ShownMessage {
    let before = app.bot_api.chat(chat).iter().filter(|m| m.from_bot).count();
    assert_eq!(deliver(app, update).await, StatusCode::OK);
    bot_messages(app, chat, before + 1).await.pop().unwrap()
}

/// The callback data of every button of a message, in order.
pub fn buttons(m: &ShownMessage) -> Vec<(String, Value)> {
    m.reply_markup
        .as_ref()
        .and_then(|k| k["inline_keyboard"].as_array())
        .map(|rows| {
            rows.iter()
                .flat_map(|r| r.as_array().cloned().unwrap_or_default())
                .map(|b| (b["text"].as_str().unwrap_or("").to_string(), b))
                .collect()
        })
        .unwrap_or_default()
}

/// Presses the button with `data` under message `m`; returns the
/// answerCallbackQuery call it got.
pub async fn press(app: &TestApp, user: i64, chat: i64, m: &ShownMessage, data: &str) -> Call {
    let message = app.bot_api.message(chat, m.message_id).unwrap();
    let update = update_callback(user, message, data);
    let id = update["callback_query"]["id"].as_str().unwrap().to_string();
    assert_eq!(deliver(app, &update).await, StatusCode::OK);
    let calls = app
        .bot_api
        .wait_for(|calls| {
            calls
                .iter()
                .any(|c| c.is("answerCallbackQuery") && c.body["callback_query_id"] == id.as_str())
        })
        .await;
    calls
        .into_iter()
        .find(|c| c.is("answerCallbackQuery") && c.body["callback_query_id"] == id.as_str())
        .unwrap()
}

/// The data of the first button whose data starts with `prefix`.
pub fn data_starting(m: &ShownMessage, prefix: &str) -> String {
    buttons(m)
        .into_iter()
        .filter_map(|(_, b)| b["callback_data"].as_str().map(String::from))
        .find(|d| d.starts_with(prefix))
        .unwrap_or_else(|| panic!("no button {prefix}… under {:?}", m.reply_markup))
}

/// Rows of the inbox in `state`.
pub async fn inbox(app: &TestApp, state: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM telegram_updates WHERE state = '{state}'"
    ))
    .await
}

/// Waits until the read models have projected every event written so far,
/// as a customer's next look (or the bot's /status) would see them.
pub async fn caught_up(app: &TestApp) {
    let sql = "SELECT aggregate_type || ':' || aggregate_id || ':' || CAST(sequence AS TEXT) \
               FROM events ORDER BY position DESC LIMIT 1";
    let token: Option<String> = match &app.db {
        foodbot::store::Database::Postgres(p) => {
            sqlx::query_scalar(sql).fetch_optional(p).await.unwrap()
        }
        foodbot::store::Database::Sqlite(p) => {
            sqlx::query_scalar(sql).fetch_optional(p).await.unwrap()
        }
    };
    if let Some(token) = token {
        settle(app, &token).await;
    }
}

/// What a message shows: its text, or a photo's caption.
pub fn shown(m: &ShownMessage) -> &str {
    m.text.as_deref().or(m.caption.as_deref()).unwrap_or("")
}

/// The button labelled `text`.
pub fn button_labelled(m: &ShownMessage, text: &str) -> Value {
    buttons(m)
        .into_iter()
        .find(|(t, _)| t == text)
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("no button {text:?} under {:?}", m.reply_markup))
}

/// The number of events of the order `id`.
pub async fn order_events(app: &TestApp, id: &str) -> usize {
    app.events_of(id).await.len()
}

/// The events of `event_type` in the whole store.
pub async fn events_named(app: &TestApp, event_type: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE event_type = '{event_type}'"
    ))
    .await
}

/// Registers `chat`'s user in the bot in `code` (so the app's own contact
/// does not pick the language).
pub async fn start(app: &TestApp, chat: i64, code: &str) {
    say(
        app,
        chat,
        &foodbot::telegram::fake::updates::update_message(chat, chat, "/start", Some(code)),
    )
    .await;
}

/// A cart of one margherita taken to an open invoice; returns it and its total.
pub async fn invoiced(
    app: &TestApp,
    user: i64,
) -> (foodbot_domain::OrderId, foodbot_domain::Money) {
    let id = foodbot_domain::OrderId(app.cart(user).await.parse().unwrap());
    let order = invoice(app, id, user).await;
    (id, order.totals.unwrap().total)
}

/// Records the payment of an open invoice, as Telegram's `successful_payment` does.
pub async fn record_payment(
    app: &TestApp,
    id: foodbot_domain::OrderId,
    amount: foodbot_domain::Money,
) {
    let paid = foodbot_domain::order::OrderAction::RecordPayment {
        receipt: receipt(id, amount),
    };
    app.state
        .app
        .order_command(&meta(foodbot_domain::Actor::System), id, paid)
        .await
        .unwrap();
}

/// The catalog's name of an order status.
pub fn status_name(lang: foodbot::i18n::Lang, status: &str) -> String {
    let status = if status == "cart" { "new" } else { status };
    foodbot::i18n::t(lang, &format!("order-status-{}", status.replace('_', "-")))
}

/// The order's status as the Mini App's API shows it.
pub async fn order_status(app: &TestApp, user: i64, id: foodbot_domain::OrderId) -> String {
    let (status, body) = app.get(&format!("/api/v1/orders/{id}"), user).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_string()
}
