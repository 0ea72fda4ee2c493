//! The offline demo's user side: a person chatting with the bot through the
//! in-process fake Bot API, as `foodbot chat` (and the demo console) does.
//!
//! These routes exist only in offline demo mode (no `BOT_TOKEN`). What they
//! take becomes an update in the fake's `getUpdates` queue, so it travels the
//! real pipeline: polling, the inbox, dispatch, the handlers, and the Bot API
//! calls whose effect the fake keeps as the chat's transcript.
//!
//! - `POST /demo/chat/{user}/messages` `{"text": "/start", "language_code": "en"}`
//! - `POST /demo/chat/{user}/presses` `{"message_id": 3, "data": "1:st"}`
//! - `GET /demo/chat/{user}?version=N&wait_ms=M` the chat as the user sees
//!   it; with `version`, waits (up to `wait_ms`, at most 10 s) until the
//!   fake changed after that version.

use super::fake::updates::{update_callback, update_message};
use super::fake::{FakeBotApi, ShownMessage};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::Duration;

/// How long a read with `version` waits for the chat to change.
const LONG_POLL: Duration = Duration::from_secs(10);

/// The routes, over the demo's fake Bot API.
pub fn router<S>(fake: FakeBotApi) -> Router<S> {
    Router::new()
        .route("/demo/chat/{user}", get(chat))
        .route("/demo/chat/{user}/messages", post(send))
        .route("/demo/chat/{user}/presses", post(press))
        .with_state(fake)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    text: String,
    #[serde(default)]
    language_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pressed {
    message_id: i64,
    data: String,
}

#[derive(Deserialize)]
struct Since {
    version: Option<u64>,
    /// How long to wait for a change, in milliseconds (at most 10 s).
    wait_ms: Option<u64>,
}

/// One message as the chat shows it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Shown {
    pub message_id: i64,
    pub from_bot: bool,
    pub text: String,
    pub edited: bool,
    /// Button rows: each button's label and what it does.
    pub buttons: Vec<Vec<Button>>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Button {
    pub text: String,
    /// Callback data, for buttons that call back.
    pub data: Option<String>,
    /// The address, for buttons that open a link or the Mini App.
    pub url: Option<String>,
}

/// The chat at a version of the fake's state.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Transcript {
    pub version: u64,
    pub messages: Vec<Shown>,
}

fn shown(m: ShownMessage) -> Shown {
    let buttons = m
        .reply_markup
        .as_ref()
        .and_then(|k| k["inline_keyboard"].as_array())
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    row.as_array()
                        .map(|r| r.iter().map(button).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let text = m.text.or(m.caption).unwrap_or_default();
    let text = match m.photo {
        Some(photo) => format!("[photo {photo}]\n{text}"),
        None => text,
    };
    Shown {
        message_id: m.message_id,
        from_bot: m.from_bot,
        text,
        edited: m.edited,
        buttons,
    }
}

fn button(b: &Value) -> Button {
    let s = |v: &Value| v.as_str().map(String::from);
    Button {
        text: s(&b["text"]).unwrap_or_default(),
        data: s(&b["callback_data"]),
        url: s(&b["url"]).or_else(|| s(&b["web_app"]["url"])),
    }
}

fn bad(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": { "code": "bad_request", "message": message } })),
    )
        .into_response()
}

async fn chat(
    State(fake): State<FakeBotApi>,
    Path(user): Path<i64>,
    Query(since): Query<Since>,
) -> Json<Transcript> {
    let mut changes = fake.changes();
    if let Some(seen) = since.version {
        let wait = since
            .wait_ms
            .map(Duration::from_millis)
            .unwrap_or(LONG_POLL)
            .min(LONG_POLL);
        let _ = tokio::time::timeout(wait, changes.wait_for(|v| *v > seen)).await;
    }
    let version = *changes.borrow();
    Json(Transcript {
        version,
        messages: fake.chat(user).into_iter().map(shown).collect(),
    })
}

async fn send(
    State(fake): State<FakeBotApi>,
    Path(user): Path<i64>,
    Json(said): Json<Said>,
) -> Response {
    if user <= 0 || said.text.is_empty() || said.text.chars().count() > 4096 {
        return bad("a user id above 0 and a text of 1 to 4096 characters");
    }
    let update = update_message(user, user, &said.text, said.language_code.as_deref());
    let id = fake.push_update(update);
    (StatusCode::ACCEPTED, Json(json!({ "update_id": id }))).into_response()
}

async fn press(
    State(fake): State<FakeBotApi>,
    Path(user): Path<i64>,
    Json(p): Json<Pressed>,
) -> Response {
    let Some(message) = fake.message(user, p.message_id) else {
        return bad("no such message in this chat");
    };
    let id = fake.push_update(update_callback(user, message, &p.data));
    (StatusCode::ACCEPTED, Json(json!({ "update_id": id }))).into_response()
}
