//! A fake Telegram Bot API server, for the end-to-end tests and the offline demo mode.
//!
//! [`FakeBotApi::start`] serves `POST /bot<token>/<method>` on `127.0.0.1` at a free port;
//! point [`super::api::bot`] at [`FakeBotApi::url`] and the real bot code talks to it exactly
//! as it talks to Telegram. The fake records every call ([`Call`]), keeps each chat as a user
//! would see it ([`ShownMessage`], after edits and deletes), serves a `getUpdates` queue that
//! the test or the demo fills with update JSON from [`updates`], and answers with Telegram's
//! errors, either where Telegram would (an edit that changes nothing, an unknown message, a
//! wrong token, an unknown method) or where a test orders one ([`Fault`]). Tests wait for calls
//! with [`FakeBotApi::wait_for`], which wakes on every change instead of sleeping.

mod answers;
mod body;
mod faults;
mod state;
pub mod updates;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::watch;

pub use faults::{Fault, ANY_METHOD};
use state::State;
pub use state::{Call, ShownMessage, Webhook};

/// The token [`FakeBotApi::start`] expects; a test value that no real bot has.
pub const TEST_TOKEN: &str = "123456789:fake-token-for-tests";

/// How long [`FakeBotApi::wait_for`] waits before it gives up.
pub const WAIT: Duration = Duration::from_secs(10);

/// A handle to a running fake; clones share the same server.
#[derive(Clone)]
pub struct FakeBotApi {
    inner: Arc<Inner>,
}

struct Inner {
    token: String,
    me: Value,
    addr: SocketAddr,
    state: Mutex<State>,
    /// Counts changes (calls, answers, pushed updates) so that waiters wake without polling.
    changed: watch::Sender<u64>,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for FakeBotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBotApi")
            .field("addr", &self.inner.addr)
            .finish_non_exhaustive()
    }
}

impl Inner {
    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

impl FakeBotApi {
    /// Starts a fake for the bot `@username` that accepts [`TEST_TOKEN`].
    pub async fn start(username: &str) -> std::io::Result<Self> {
        Self::start_with(TEST_TOKEN, username).await
    }

    /// Starts a fake that accepts `token` (and answers 401 to any other, as Telegram does).
    /// The server runs until [`FakeBotApi::shutdown`] or the end of the runtime.
    pub async fn start_with(token: &str, username: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let bot_id: i64 = token
            .split(':')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or(1);
        let me = json!({
            "id": bot_id,
            "is_bot": true,
            "first_name": username,
            "username": username,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": true,
            "can_connect_to_business": false,
            "has_main_web_app": true,
        });
        let inner = Arc::new(Inner {
            token: token.to_owned(),
            me,
            addr: listener.local_addr()?,
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
            stop: watch::channel(false).0,
        });
        let mut stop = inner.stop.subscribe();
        let app = Router::new()
            .route("/{token}/{method}", any(handle))
            .fallback(|| async { error(404, "Not Found") })
            .with_state(inner.clone());
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stop.wait_for(|stop| *stop).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
            {
                tracing::error!(error = %e, "The fake Bot API server stopped.");
            }
        });
        Ok(Self { inner })
    }

    /// The base URL to give to [`super::api::bot`].
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.inner.addr)).expect("a socket address is a URL")
    }

    /// The token this fake accepts.
    pub fn token(&self) -> &str {
        &self.inner.token
    }

    /// The bot's `getMe` answer.
    pub fn me(&self) -> Value {
        self.inner.me.clone()
    }

    /// Stops serving; clones of the handle still read what was recorded.
    pub fn shutdown(&self) {
        self.inner.stop.send_replace(true);
    }

    /// Every call so far, in order of arrival.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.state.lock().calls.clone()
    }

    /// The calls to `method` (case-insensitive).
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.is(method)).collect()
    }

    /// Forgets the recorded calls (chats, updates and settings stay).
    pub fn clear(&self) {
        self.inner.state.lock().calls.clear();
        self.inner.bump();
    }

    /// A receiver that sees a new value after every change, for live views of the fake.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// Waits up to `timeout` until `done(calls)` holds and returns the calls; on timeout
    /// returns the calls seen so far as the error.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        done: impl Fn(&[Call]) -> bool,
    ) -> Result<Vec<Call>, Vec<Call>> {
        let mut changes = self.changes();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let calls = self.calls();
            if done(&calls) {
                return Ok(calls);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(self.calls()),
            }
        }
    }

    /// Waits up to [`WAIT`] until `done(calls)` holds.
    ///
    /// # Panics
    /// When it does not hold in time, listing the calls seen.
    pub async fn wait_for(&self, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        match self.wait_until(WAIT, done).await {
            Ok(calls) => calls,
            Err(calls) => {
                panic!("the awaited Bot API calls did not come within {WAIT:?}; got {calls:#?}")
            }
        }
    }

    /// The newest call that `matches`, found without copying the others (the
    /// offline demo's fake records calls for as long as the server runs).
    pub fn last_call(&self, matches: impl Fn(&Call) -> bool) -> Option<Call> {
        let state = self.inner.state.lock();
        state.calls.iter().rev().find(|c| matches(c)).cloned()
    }

    /// Waits up to `timeout` for a call that `matches` and has been answered;
    /// `None` when none came in time.
    pub async fn wait_call(
        &self,
        timeout: Duration,
        matches: impl Fn(&Call) -> bool,
    ) -> Option<Call> {
        let mut changes = self.changes();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(call) = self.last_call(|c| c.status.is_some() && matches(c)) {
                return Some(call);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return None,
            }
        }
    }

    /// Waits until `method` was called at least `n` times, and returns those calls.
    pub async fn wait_calls(&self, method: &str, n: usize) -> Vec<Call> {
        self.wait_for(|calls| calls.iter().filter(|c| c.is(method)).count() >= n)
            .await;
        self.calls_to(method)
    }

    /// Queues an update for `getUpdates` (numbering it when it has no `update_id`) and shows a
    /// user's message in its chat. Returns the update id.
    pub fn push_update(&self, update: Value) -> i64 {
        let id = self.inner.state.lock().push_update(update);
        self.inner.bump();
        id
    }

    /// Shows a user's message in its chat without queueing it, for updates that reach the
    /// server another way (its webhook).
    pub fn show_update(&self, update: &Value) {
        self.inner.state.lock().show_update(update);
        self.inner.bump();
    }

    /// The updates not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> usize {
        self.inner.state.lock().updates.len()
    }

    /// The chat `chat_id` as its user sees it now, oldest message first.
    pub fn chat(&self, chat_id: i64) -> Vec<ShownMessage> {
        self.inner
            .state
            .lock()
            .chats
            .get(&chat_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The ids of the chats that have messages.
    pub fn chat_ids(&self) -> Vec<i64> {
        self.inner.state.lock().chats.keys().copied().collect()
    }

    /// A message as Telegram would return it now, e.g. to press one of its buttons with
    /// [`updates::update_callback`].
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        let state = self.inner.state.lock();
        let messages = state.chats.get(&chat_id)?;
        messages
            .iter()
            .find(|m| m.message_id == message_id)
            .map(|m| m.json.clone())
    }

    /// The webhook set by the last `setWebhook`, including its secret, for a test that posts
    /// updates to it.
    pub fn webhook(&self) -> Option<Webhook> {
        self.inner.state.lock().webhook.clone()
    }

    /// The next `times` calls to `method` ([`ANY_METHOD`] for all) fail with `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault, times: u32) {
        self.inner
            .state
            .lock()
            .faults
            .fail_next(method, fault, times);
    }

    /// From now on a deterministic `fraction` of the calls to `method` fail with `fault`
    /// (½: every second call).
    pub fn fail_fraction(&self, method: &str, fraction: f64, fault: Fault) {
        self.inner
            .state
            .lock()
            .faults
            .fail_fraction(method, fraction, fault);
    }

    /// Cancels every ordered fault.
    pub fn clear_faults(&self) {
        self.inner.state.lock().faults.clear();
    }
}

fn error(code: u16, description: &str) -> Response {
    let (status, body) = faults::error(code, description);
    (status, Json(body)).into_response()
}

fn finish(inner: &Inner, at: usize, status: StatusCode, body: Value) -> Response {
    {
        let mut state = inner.state.lock();
        if let Some(call) = state.calls.get_mut(at) {
            call.status = Some(status.as_u16());
            call.result = body.get("result").cloned();
        }
    }
    inner.bump();
    (status, Json(body)).into_response()
}

async fn handle(
    Shared(inner): Shared<Arc<Inner>>,
    Path((bot_token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(token) = bot_token.strip_prefix("bot") else {
        return error(404, "Not Found");
    };
    let params = body::parameters(request).await;
    let lower = method.to_ascii_lowercase();
    let (at, outcome) = {
        let mut state = inner.state.lock();
        let at = state.record(token, &method, params.clone().unwrap_or(Value::Null));
        let outcome = if token != inner.token {
            Err((401, "Unauthorized".to_owned()))
        } else if let Err(e) = &params {
            Err((400, format!("Bad Request: {e}")))
        } else if let Some(fault) = state.faults.take(&method) {
            state.calls[at].fault = Some(fault.clone());
            let (status, body) = fault.answer();
            Ok(Some((status, body)))
        } else if lower == "getupdates" && state.webhook.is_some() {
            Err((409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first".to_owned()))
        } else if lower == "getupdates" {
            Ok(None)
        } else {
            let params = params.as_ref().unwrap_or(&Value::Null);
            match answers::answer(&mut state, &inner.me, &lower, params) {
                None => Err((404, "Not Found: method not found".to_owned())),
                Some(Err(failure)) => Err(failure),
                Some(Ok(result)) => Ok(Some((
                    StatusCode::OK,
                    json!({ "ok": true, "result": result }),
                ))),
            }
        };
        (at, outcome)
    };
    match outcome {
        Ok(Some((status, body))) => finish(&inner, at, status, body),
        Err((code, description)) => {
            let (status, body) = faults::error(code, &description);
            finish(&inner, at, status, body)
        }
        Ok(None) => {
            inner.bump();
            let params = params.unwrap_or(Value::Null);
            let result = long_poll(&inner, &params).await;
            finish(
                &inner,
                at,
                StatusCode::OK,
                json!({ "ok": true, "result": result }),
            )
        }
    }
}

/// `getUpdates`: confirms the updates before `offset` and answers with the rest, waiting up
/// to `timeout` seconds for one to be pushed when there are none.
async fn long_poll(inner: &Inner, params: &Value) -> Vec<Value> {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    let mut changes = inner.changed.subscribe();
    loop {
        let updates = inner.state.lock().take_updates(offset, limit);
        if !updates.is_empty() || tokio::time::Instant::now() >= deadline {
            return updates;
        }
        if tokio::time::timeout_at(deadline, changes.changed())
            .await
            .is_err()
        {
            return Vec::new();
        }
    }
}
