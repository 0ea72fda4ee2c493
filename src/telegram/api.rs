//! The one way out to the Telegram Bot API: building the [`Bot`] and sorting its failures.
//!
//! Every outgoing call goes through teloxide's [`Bot`], built here by [`bot`] with the
//! configurable API URL (`TELEGRAM_API_URL`; the tests and the offline demo point it at the
//! fake in [`super::fake`]). Callers send with [`call`], which turns teloxide's errors into a
//! [`Failure`] that says what to do next: wait ([`Failure::RetryAfter`]), give up on the chat
//! ([`Failure::Blocked`]), treat an edit as done ([`Failure::NotModified`]) or send anew
//! ([`Failure::MessageGone`]).
//!
//! teloxide's `Bot` itself never retries: a 429 comes back at once as
//! [`Failure::RetryAfter`], and waiting is the caller's decision (the outbox sender's). On a
//! 5xx answer, though, teloxide waits 10 seconds before it reads the body and returns the
//! error, so a server error costs a caller that long.
//!
//! The token is part of every request URL, and `Bot`'s `Debug` prints it: a `Bot` (or anything
//! holding one) is never logged with `{:?}`. teloxide strips the URL from its network errors,
//! so a [`Failure`] and its sources are safe to log.

use std::future::IntoFuture;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use teloxide::{ApiError, Bot, RequestError};

/// Telegram's own Bot API server.
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";

/// How long one request may take. A long poll's `timeout` must stay well below it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A teloxide [`Bot`] with `token` that sends to the Bot API server at `api_url`.
///
/// # Panics
/// When the HTTP client cannot be built (no TLS backend), as teloxide's own constructors do.
pub fn bot(token: &SecretString, api_url: &url::Url) -> Bot {
    let client = teloxide::net::default_reqwest_settings()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("the HTTP client for the Bot API can be built");
    // teloxide appends `bot<token>/<method>` as path segments; a trailing slash would leave
    // an empty segment before them.
    let mut base = api_url.clone();
    if let Ok(mut segments) = base.path_segments_mut() {
        segments.pop_if_empty();
    }
    Bot::with_client(token.expose_secret(), client).set_api_url(base)
}

/// Why a Bot API call did not succeed, sorted by what the caller should do about it.
#[derive(Debug)]
pub enum Failure {
    /// Flood control: the same call may be repeated after this long.
    RetryAfter(Duration),
    /// The chat cannot be written to: the user blocked the bot or was deactivated, or the bot
    /// was removed from the group (every 403 "Forbidden").
    Blocked,
    /// The edit would change nothing; the message already looks as wanted.
    NotModified,
    /// The message to edit or delete no longer exists or can no longer be changed.
    MessageGone,
    /// Anything else: a network error, a bad request, a server error.
    Other(RequestError),
}

/// The result of a Bot API call.
pub type Sent<T> = Result<T, Failure>;

/// Sorts a teloxide error into a [`Failure`].
pub fn classify(error: RequestError) -> Failure {
    match error {
        RequestError::RetryAfter(seconds) => Failure::RetryAfter(seconds.duration()),
        RequestError::Api(api) => match api {
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots => Failure::Blocked,
            ApiError::Unknown(ref description) if description.starts_with("Forbidden:") => {
                Failure::Blocked
            }
            ApiError::MessageNotModified => Failure::NotModified,
            ApiError::MessageToEditNotFound
            | ApiError::MessageToDeleteNotFound
            | ApiError::MessageIdInvalid
            | ApiError::MessageCantBeEdited
            | ApiError::MessageCantBeDeleted => Failure::MessageGone,
            other => Failure::Other(RequestError::Api(other)),
        },
        other => Failure::Other(other),
    }
}

/// Sends a teloxide request and sorts its failure:
/// `api::call(bot.send_message(chat, text)).await` gives a `Sent<Message>`.
pub async fn call<T, R>(request: R) -> Sent<T>
where
    R: IntoFuture<Output = Result<T, RequestError>>,
{
    request.await.map_err(classify)
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::RetryAfter(wait) => write!(f, "flood control: retry after {wait:?}"),
            Failure::Blocked => {
                f.write_str("the chat cannot be written to (bot blocked or removed)")
            }
            Failure::NotModified => f.write_str("the message is not modified"),
            Failure::MessageGone => {
                f.write_str("the message no longer exists or cannot be changed")
            }
            Failure::Other(error) => write!(f, "Bot API call failed: {error}"),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Other(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bot;
    use secrecy::SecretString;

    #[test]
    fn a_base_url_with_a_trailing_slash_keeps_its_path() {
        let token = SecretString::from("1:token");
        let base = url::Url::parse("http://127.0.0.1:8081/tbas/").unwrap();
        assert_eq!(bot(&token, &base).api_url().path(), "/tbas");
    }
}
