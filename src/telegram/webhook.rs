//! The webhook route: Telegram posts each update here.
//!
//! Our own axum route rather than teloxide's listener, because an update must
//! be stored before it is acknowledged: the secret header is compared in
//! constant time (missing or wrong → 401, nothing stored), the body is filed
//! in the [`Inbox`](super::inbox::Inbox) keyed by `update_id`, and only then
//! does Telegram get its 200. A redelivery is answered 200 and changes
//! nothing; a storage failure is answered 503 so that Telegram delivers the
//! update again later.

use super::dispatch::Dispatcher;
use super::filer::Filer;
use super::inbox::{Incoming, Stored};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tracing::Instrument;

/// The header Telegram sends the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Largest update accepted. Telegram's updates are a few kilobytes; the
/// largest (a message with many entities or a long `web_app_data`) stay far
/// below this.
pub const MAX_UPDATE_BYTES: usize = 256 * 1024;

/// What the route needs: the secret, the inbox's filer, and the dispatcher
/// to hand stored updates to.
pub struct Webhook {
    pub secret: SecretString,
    pub filer: Filer,
    pub dispatcher: Dispatcher,
}

/// The route at `path`, ready to merge into the server's router.
pub fn router<S>(path: &str, webhook: Arc<Webhook>) -> Router<S> {
    Router::new()
        .route(path, post(receive))
        .layer(DefaultBodyLimit::max(MAX_UPDATE_BYTES))
        .with_state(webhook)
}

fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// True when `given` is the secret; the comparison takes the same time
/// wherever the first difference is.
pub fn secret_matches(secret: &SecretString, given: Option<&[u8]>) -> bool {
    let expected = secret.expose_secret().as_bytes();
    given.is_some_and(|g| bool::from(expected.ct_eq(g)))
}

async fn receive(State(hook): State<Arc<Webhook>>, headers: HeaderMap, body: Bytes) -> Response {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !secret_matches(&hook.secret, given) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong X-Telegram-Bot-Api-Secret-Token".into(),
        );
    }
    let update = match Incoming::parse(&body) {
        Ok(u) => u,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, "malformed_update", e.to_string()),
    };
    let span = tracing::info_span!("update", update_id = update.update_id, kind = %update.kind);
    store(&hook, update).instrument(span).await
}

async fn store(hook: &Webhook, update: Incoming) -> Response {
    match hook.filer.file(update).await {
        Ok((Stored::New, update)) => {
            hook.dispatcher.arrived(&update);
            StatusCode::OK.into_response()
        }
        Ok((Stored::Again, _)) => {
            tracing::info!("Update delivered again; already stored.");
            StatusCode::OK.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "Update could not be stored; Telegram will deliver it again.");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the update could not be stored; deliver it again".into(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_secret_matches() {
        let secret = SecretString::from("s3cret-Value_1");
        assert!(secret_matches(&secret, Some(b"s3cret-Value_1")));
        for wrong in [
            &b""[..],
            b"s3cret-Value_",
            b"s3cret-Value_12",
            b"S3cret-Value_1",
        ] {
            assert!(!secret_matches(&secret, Some(wrong)), "{wrong:?}");
        }
        assert!(!secret_matches(&secret, None));
    }
}
