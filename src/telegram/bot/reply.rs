//! Answering: sending a message, editing the one a button sits under, and
//! answering the button press itself.
//!
//! Right-to-left languages are sent as they are: Telegram's clients lay out
//! each message by its own text direction.

use super::{BotContext, BotResult};
use crate::telegram::api::{self, Failure};
use teloxide::payloads::{AnswerCallbackQuerySetters, EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{
    CallbackQueryId, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, MessageId,
};
use teloxide::{ApiError, Bot, RequestError};

/// What a button press is answered with.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub text: Option<String>,
    /// Shown as a dialog rather than a passing notice.
    pub alert: bool,
}

impl Answer {
    pub fn none() -> Answer {
        Answer::default()
    }
    pub fn notice(text: String) -> Answer {
        Answer {
            text: Some(text),
            alert: false,
        }
    }
    pub fn alert(text: String) -> Answer {
        Answer {
            text: Some(text),
            alert: true,
        }
    }
}

/// A message to show: text and buttons.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    pub text: String,
    pub keyboard: Vec<Vec<InlineKeyboardButton>>,
}

impl Screen {
    pub fn text(text: String) -> Screen {
        Screen {
            text,
            keyboard: vec![],
        }
    }

    pub fn row(mut self, row: Vec<InlineKeyboardButton>) -> Screen {
        if !row.is_empty() {
            self.keyboard.push(row);
        }
        self
    }

    fn markup(&self) -> Option<InlineKeyboardMarkup> {
        (!self.keyboard.is_empty()).then(|| InlineKeyboardMarkup::new(self.keyboard.clone()))
    }
}

/// Sends `screen` to `chat`.
pub async fn send(ctx: &BotContext, chat: i64, screen: Screen) -> BotResult {
    let mut req = ctx.bot.send_message(ChatId(chat), screen.text.clone());
    if let Some(markup) = screen.markup() {
        req = req.reply_markup(markup);
    }
    req.await?;
    Ok(())
}

/// Whether an edit changed what the chat shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    Changed,
    /// The message already showed exactly this.
    Same,
}

/// Shows `screen` in place of message `id` (the one a button sits under),
/// or as a new message when there is none to edit.
pub async fn replace(
    ctx: &BotContext,
    chat: i64,
    id: Option<MessageId>,
    screen: Screen,
) -> Result<Edited, super::BotError> {
    let Some(id) = id else {
        send(ctx, chat, screen).await?;
        return Ok(Edited::Changed);
    };
    let mut req = ctx
        .bot
        .edit_message_text(ChatId(chat), id, screen.text.clone());
    if let Some(markup) = screen.markup() {
        req = req.reply_markup(markup);
    }
    match api::call(req).await {
        Ok(_) => Ok(Edited::Changed),
        Err(Failure::NotModified) => Ok(Edited::Same),
        // Too old to edit, or deleted: show it anew.
        Err(Failure::MessageGone) => {
            send(ctx, chat, screen).await?;
            Ok(Edited::Changed)
        }
        Err(e) => Err(super::BotError::Telegram(e)),
    }
}

/// Answers a button press.
pub async fn answer_callback(bot: &Bot, id: &CallbackQueryId, answer: Answer) -> BotResult {
    let mut req = bot.answer_callback_query(id.clone());
    if let Some(text) = answer.text {
        req = req.text(text).show_alert(answer.alert);
    }
    match req.await {
        Ok(_) => Ok(()),
        // Answered too late (after Telegram's timeout): nothing to do.
        Err(RequestError::Api(ApiError::InvalidQueryId)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// A button that calls back with `data`.
pub fn button(text: String, data: &super::Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text, data.write())
}
