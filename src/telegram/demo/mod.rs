//! The offline demo's people: the customer chatting with the bot and the
//! staff in their group, through the in-process fake Bot API, as
//! `foodbot chat` and the demo console ([`console`], at `/`) do.
//!
//! These routes exist only in offline demo mode (no `BOT_TOKEN`). What they
//! take becomes an update in the fake's `getUpdates` queue, so it travels the
//! real pipeline: polling, the inbox, dispatch, the handlers, and the Bot API
//! calls whose effect the fake keeps as the chat's transcript.
//!
//! - `GET /demo/setup`: who is who (the customer, the staff group and its
//!   member of staff, the bot's and the Mini App's names).
//! - `POST /demo/chat/{chat}/messages` `{"text": "/start", "language_code": "en"}`:
//!   a message in a private chat (from its user), or in a group with
//!   `"from": <user id>`.
//! - `POST /demo/chat/{chat}/presses` `{"message_id": 3, "data": "1:st"}`: a
//!   press on a button, by the private chat's user or, in a group, by
//!   `"from"`. With `?answer_wait_ms=M` (at most 10 s) it waits for the
//!   bot's answer to the press and returns it (`answer`: text, alert).
//! - `GET /demo/chat/{chat}?version=N&wait_ms=M` the chat as its people see
//!   it; with `version`, waits (up to `wait_ms`, at most 10 s) until the
//!   fake changed after that version.
//! - Payments: see [`payments`].

pub mod console;
mod payments;
mod shown;

pub use shown::{Button, Shown, ShownInvoice, ShownPayment, Transcript};

use super::fake::updates::{update_callback, update_message};
use super::fake::FakeBotApi;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// How long a read with `version`, or a press awaiting its answer, waits.
const LONG_POLL: Duration = Duration::from_secs(10);

/// Who takes part in the demo.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Setup {
    /// The customer the console shows (the Mini App's and the bot chat's user).
    pub customer: i64,
    /// The customer's name, as the fake's updates give it.
    pub customer_name: String,
    /// The staff group the bot posts paid orders to.
    pub staff_chat: i64,
    /// The member of staff who presses the staff chat's buttons.
    pub staff_user: i64,
    pub bot_username: String,
    /// The Mini App's short name, in `t.me/<bot>/<app>` links.
    pub app_short_name: String,
}

/// What the demo routes share.
#[derive(Clone)]
pub(crate) struct Demo {
    fake: FakeBotApi,
    setup: Arc<Setup>,
}

/// The routes, over the demo's fake Bot API, and the console's files.
pub fn router<S>(fake: FakeBotApi, setup: Setup) -> Router<S> {
    let demo = Demo {
        fake,
        setup: Arc::new(setup),
    };
    Router::new()
        .merge(console::routes())
        .route("/demo/setup", get(setup_of))
        .route("/demo/chat/{chat}", get(chat))
        .route("/demo/chat/{chat}/messages", post(send))
        .route("/demo/chat/{chat}/presses", post(press))
        .route("/demo/chat/{chat}/payments", post(payments::pay))
        .route("/demo/invoices/{slug}", get(payments::invoice))
        .with_state(demo)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    text: String,
    #[serde(default)]
    language_code: Option<String>,
    /// Who says it, in a group.
    #[serde(default)]
    from: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pressed {
    message_id: i64,
    data: String,
    /// Who presses, in a group.
    #[serde(default)]
    from: Option<i64>,
}

#[derive(Deserialize)]
struct Since {
    version: Option<u64>,
    /// How long to wait for a change, in milliseconds (at most 10 s).
    wait_ms: Option<u64>,
}

#[derive(Deserialize)]
struct Answering {
    /// How long to wait for the bot's answer to a press, in milliseconds.
    answer_wait_ms: Option<u64>,
}

/// A demo route's refusal, answered as `{"error": {"code", "message"}}`.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// A JSON body, or a 400 saying what is wrong with it.
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, Refusal> {
    body.map(|Json(b)| b)
        .map_err(|r| Refusal::bad(r.body_text()))
}

fn capped(ms: Option<u64>) -> Option<Duration> {
    ms.map(|ms| Duration::from_millis(ms).min(LONG_POLL))
}

/// Who speaks or presses in `chat`: a private chat's own user (`from` may
/// only repeat it), or in a group (negative id) the user `from` names.
fn speaker(chat: i64, from: Option<i64>) -> Result<i64, Refusal> {
    match (chat > 0, from) {
        (true, None) => Ok(chat),
        (true, Some(f)) if f == chat => Ok(chat),
        (true, Some(_)) => Err(Refusal::bad("in a private chat only its user speaks")),
        (false, Some(f)) if f > 0 && chat < 0 => Ok(f),
        (false, _) => Err(Refusal::bad(
            "a group's chat id is negative, and `from` names who speaks in it",
        )),
    }
}

async fn setup_of(State(demo): State<Demo>) -> Json<Setup> {
    Json((*demo.setup).clone())
}

async fn chat(
    State(demo): State<Demo>,
    Path(chat): Path<i64>,
    Query(since): Query<Since>,
) -> Json<Transcript> {
    let mut changes = demo.fake.changes();
    if let Some(seen) = since.version {
        let wait = capped(since.wait_ms).unwrap_or(LONG_POLL);
        let _ = tokio::time::timeout(wait, changes.wait_for(|v| *v > seen)).await;
    }
    let version = *changes.borrow();
    Json(Transcript {
        version,
        messages: demo.fake.chat(chat).into_iter().map(shown::shown).collect(),
    })
}

async fn send(
    State(demo): State<Demo>,
    Path(chat): Path<i64>,
    body: Result<Json<Said>, JsonRejection>,
) -> Result<Response, Refusal> {
    let said = json_body(body)?;
    let from = speaker(chat, said.from)?;
    if said.text.trim().is_empty() || said.text.chars().count() > 4096 {
        return Err(Refusal::bad("a text of 1 to 4096 characters"));
    }
    let update = update_message(from, chat, &said.text, said.language_code.as_deref());
    let id = demo.fake.push_update(update);
    Ok((StatusCode::ACCEPTED, Json(json!({ "update_id": id }))).into_response())
}

async fn press(
    State(demo): State<Demo>,
    Path(chat): Path<i64>,
    Query(answering): Query<Answering>,
    body: Result<Json<Pressed>, JsonRejection>,
) -> Result<Response, Refusal> {
    let p = json_body(body)?;
    let from = speaker(chat, p.from)?;
    let message = demo
        .fake
        .message(chat, p.message_id)
        .ok_or_else(|| Refusal::bad("no such message in this chat"))?;
    let update = update_callback(from, message, &p.data);
    let query = update["callback_query"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = demo.fake.push_update(update);
    let Some(wait) = capped(answering.answer_wait_ms) else {
        return Ok((StatusCode::ACCEPTED, Json(json!({ "update_id": id }))).into_response());
    };
    let answer = demo
        .fake
        .wait_call(wait, |c| {
            c.is("answerCallbackQuery") && c.body["callback_query_id"] == query.as_str()
        })
        .await
        .map(|c| {
            json!({
                "text": c.body["text"].as_str(),
                "show_alert": c.body["show_alert"] == Value::Bool(true)
                    || c.body["show_alert"] == "true",
            })
        });
    Ok(Json(json!({ "update_id": id, "answer": answer })).into_response())
}

#[cfg(test)]
mod tests {
    use super::speaker;

    #[test]
    fn a_private_chat_has_one_speaker_and_a_group_names_its_own() {
        assert_eq!(speaker(1001, None).ok(), Some(1001));
        assert_eq!(speaker(1001, Some(1001)).ok(), Some(1001));
        assert!(speaker(1001, Some(1002)).is_err());
        assert_eq!(speaker(-100, Some(900)).ok(), Some(900));
        assert!(speaker(-100, None).is_err());
        assert!(speaker(-100, Some(-5)).is_err());
        assert!(speaker(0, Some(900)).is_err());
    }
}
