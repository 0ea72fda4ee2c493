//! Long polling (`BOT_MODE=polling`, and the offline demo): the server asks
//! Telegram for updates with `getUpdates` instead of being posted them.
//!
//! Each batch is stored in the same inbox as webhook deliveries before the
//! offset moves past it, so an update Telegram considers delivered is always
//! stored; a batch that cannot be stored is asked for again.

use super::dispatch::Dispatcher;
use super::inbox::{Incoming, Stored, HANDLED_KINDS};
use std::time::Duration;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::Requester;
use teloxide::types::AllowedUpdate;
use teloxide::{Bot, RequestError};
use tokio::sync::watch;

/// How long one getUpdates call waits for updates, in seconds.
const LONG_POLL_SECS: u32 = 25;

/// The kinds the bot asks Telegram for (the handled ones).
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    HANDLED_KINDS
        .iter()
        .map(|k| match *k {
            "message" => AllowedUpdate::Message,
            "callback_query" => AllowedUpdate::CallbackQuery,
            "inline_query" => AllowedUpdate::InlineQuery,
            "pre_checkout_query" => AllowedUpdate::PreCheckoutQuery,
            other => unreachable!("{other} is handled but has no AllowedUpdate"),
        })
        .collect()
}

/// Polls until `shutdown` turns true.
pub async fn run(bot: Bot, dispatcher: Dispatcher, mut shutdown: watch::Receiver<bool>) {
    // A webhook and getUpdates exclude each other; polling means no webhook.
    if let Err(e) = bot.delete_webhook().await {
        tracing::warn!(error = %e, "Could not remove the webhook before polling.");
    }
    let mut offset: Option<i32> = None;
    let mut failures = 0u32;
    loop {
        let mut req = bot
            .get_updates()
            .timeout(LONG_POLL_SECS)
            .allowed_updates(allowed_updates());
        if let Some(o) = offset {
            req = req.offset(o);
        }
        let got = tokio::select! {
            got = async { req.await } => got,
            _ = shutdown.wait_for(|s| *s) => return,
        };
        let updates = match got {
            Ok(u) => u,
            Err(e) => {
                failures += 1;
                let wait = match &e {
                    RequestError::RetryAfter(s) => s.duration(),
                    _ => Duration::from_secs(u64::from(failures.min(30))),
                };
                tracing::warn!(error = %e, retry_in = ?wait, "getUpdates failed.");
                tokio::select! {
                    _ = tokio::time::sleep(wait) => continue,
                    _ = shutdown.wait_for(|s| *s) => return,
                }
            }
        };
        failures = 0;
        if updates.is_empty() {
            continue;
        }
        let mut incoming = Vec::with_capacity(updates.len());
        for u in &updates {
            let value = match serde_json::to_value(u) {
                Ok(v) => v,
                Err(e) => {
                    tracing::error!(error = %e, update_id = u.id.0, "An update could not be written as JSON.");
                    continue;
                }
            };
            match Incoming::from_value(&value, value.to_string()) {
                Ok(i) => incoming.push(i),
                Err(e) => tracing::error!(error = %e, "An update from getUpdates is malformed."),
            }
        }
        match dispatcher.inbox().store_all(&incoming).await {
            Ok(stored) => {
                for (u, s) in incoming.iter().zip(stored) {
                    if s == Stored::New {
                        dispatcher.arrived(u);
                    }
                }
                // Only now may Telegram forget them.
                offset = updates.iter().map(|u| u.id.as_offset()).max();
            }
            Err(e) => {
                tracing::error!(error = %e, "Updates could not be stored; asking for them again.");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.wait_for(|s| *s) => return,
                }
            }
        }
    }
}
