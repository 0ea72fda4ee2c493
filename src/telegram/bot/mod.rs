//! The bot's handlers: what each stored update does.
//!
//! [`handler`] turns a claimed update into a call of the dptree tree built by
//! [`schema`]: commands, buttons (callback queries), inline queries,
//! `web_app_data`, pre-checkout queries and payment messages
//! (`successful_payment`, `refunded_payment`) each have a branch. Handlers call
//! the application layer only (never SQL), with [`Turn::meta`] as the
//! command metadata: the customer, the bot channel, the `update_id` as
//! correlation id and, per command the update causes, an idempotency key made
//! from it, so that handling an update twice has one effect.
//!
//! A handler's failure says whether trying again could help ([`BotError`]):
//! Telegram's `retry_after`, network and storage failures are retried by the
//! dispatcher; anything else is logged and the update given up.

mod account;
pub mod callback;
mod cancel;
mod inline;
mod links;
mod menu;
mod orders;
mod pay;
mod reply;
mod staff;
mod staff_message;
pub mod staff_worker;
mod stoplist;
pub mod texts;
mod webapp;

pub use links::Links;

use super::api::{classify, Failure};
use super::dispatch::{backoff, Handler};
use super::inbox::{Claimed, Finish};
use crate::app::{App, AppError, CommandMeta};
use crate::i18n::Lang;
use callback::Callback;
use foodbot_domain::user::Profile;
use foodbot_domain::{Actor, Channel, UserId};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::UpdateFilterExt;
use teloxide::dptree;
use teloxide::types::{CallbackQuery, Me, Message, Update, User};
use teloxide::utils::command::BotCommands;
use teloxide::{Bot, RequestError};

/// What every handler may use.
pub struct BotContext {
    pub app: Arc<App>,
    pub bot: Bot,
    pub me: Me,
    pub links: Links,
}

/// The commands the bot understands.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Menu,
    Status,
    Orders,
    Reorder,
    Cancel,
    Language,
    Help,
    /// Staff only: what the kitchen has run out of.
    Stoplist,
}

/// Why a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("Bot API call failed: {0}")]
    Telegram(Failure),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<RequestError> for BotError {
    fn from(e: RequestError) -> BotError {
        BotError::Telegram(classify(e))
    }
}

impl BotError {
    /// How the dispatcher should go on after this failure on `attempt`.
    fn finish(&self, attempt: i32) -> Finish {
        let retry = |after| Finish::Retry {
            error: self.to_string(),
            after,
        };
        match self {
            BotError::Telegram(Failure::RetryAfter(wait)) => retry(*wait),
            BotError::Telegram(Failure::Other(RequestError::Network(_) | RequestError::Io(_))) => {
                retry(backoff(attempt))
            }
            BotError::App(AppError::Storage(_) | AppError::Conflict) => retry(backoff(attempt)),
            _ => Finish::Ignored(format!("handling failed: {self}")),
        }
    }
}

pub type BotResult = Result<(), BotError>;

/// One update's handling: who, in which language, and the metadata its
/// commands carry.
#[derive(Clone, Debug)]
pub struct Turn {
    pub update_id: i64,
    pub user: UserId,
    pub lang: Lang,
    /// The chat to answer in (the user's private chat when the update has none).
    pub chat: i64,
}

impl Turn {
    /// Metadata for the command this update causes for `purpose`; the same
    /// update handled again makes the same key, so the command has one effect.
    pub fn meta(&self, purpose: &str) -> CommandMeta {
        CommandMeta {
            actor: Actor::Customer(self.user),
            channel: Channel::Bot,
            correlation_id: format!("tg:{}", self.update_id),
            idempotency_key: Some(format!("tg:{}:{purpose}", self.update_id)),
            fingerprint: None,
            at: chrono::Utc::now(),
        }
    }
}

/// The dispatcher's handler over `ctx`.
pub fn handler(ctx: Arc<BotContext>) -> Handler {
    let tree = Arc::new(schema());
    Arc::new(move |claimed: Claimed| {
        let ctx = ctx.clone();
        let tree = tree.clone();
        Box::pin(async move { handle(ctx, &tree, claimed).await })
    })
}

type Tree = dptree::Handler<'static, BotResult, teloxide::dispatching::DpHandlerDescription>;

async fn handle(ctx: Arc<BotContext>, tree: &Tree, claimed: Claimed) -> Finish {
    let update: Update = match serde_json::from_str(&claimed.body) {
        Ok(u) => u,
        Err(e) => return Finish::Ignored(format!("the update does not parse: {e}")),
    };
    let Some(from) = update.from().cloned() else {
        return Finish::Ignored("the update has no sender".into());
    };
    let turn = match ctx.turn(claimed.update_id, claimed.lane, &from).await {
        Ok(t) => t,
        Err(e) => return e.finish(claimed.attempt),
    };
    let deps = teloxide::dptree::deps![update, ctx.clone(), ctx.me.clone(), turn, from];
    match tree.dispatch(deps).await {
        ControlFlow::Break(Ok(())) => Finish::Done,
        ControlFlow::Break(Err(e)) => e.finish(claimed.attempt),
        ControlFlow::Continue(_) => Finish::Ignored("no handler for this update".into()),
    }
}

impl BotContext {
    /// Who sent the update, registered (or their profile brought up to date)
    /// through the same User aggregate as the Mini App uses.
    async fn turn(&self, update_id: i64, lane: i64, from: &User) -> Result<Turn, BotError> {
        let user = UserId(i64::try_from(from.id.0).unwrap_or(i64::MAX));
        let mut turn = Turn {
            update_id,
            user,
            lang: Lang::from_telegram(from.language_code.as_deref()),
            chat: lane,
        };
        let profile = Profile {
            first_name: from.first_name.clone(),
            last_name: from.last_name.clone(),
            username: from.username.clone(),
            language_code: from.language_code.clone(),
        };
        self.app
            .ensure_user(&turn.meta("contact"), user, profile)
            .await?;
        let known = self.app.user(user).await?;
        if let Some(lang) = Lang::parse(&known.language) {
            turn.lang = lang;
        }
        // A user who blocked the bot cannot write to it: anything from them
        // in their own chat (`/start`, which Telegram's "Restart" sends, or
        // any other message or button) means they have unblocked it, and the
        // notification sender may write to them again.
        if known.bot_blocked && lane == user.0 {
            self.app
                .user_command(
                    &turn.meta("unblocked"),
                    user,
                    foodbot_domain::user::UserAction::RecordBotUnblocked,
                )
                .await?;
        }
        Ok(turn)
    }
}

/// The dispatch tree: which update goes to which handler.
pub fn schema() -> Tree {
    let commands = Update::filter_message()
        .filter_command::<Command>()
        .endpoint(on_command);
    let web_app_data = Update::filter_message()
        .filter_map(|m: Message| m.web_app_data().cloned())
        .endpoint(orders::web_app_data);
    let paid = Update::filter_message()
        .filter_map(|m: Message| m.successful_payment().cloned())
        .endpoint(pay::successful_payment);
    let refunded = Update::filter_message()
        .filter_map(pay::refunded_of)
        .endpoint(pay::refunded_payment);
    let pre_checkout = Update::filter_pre_checkout_query().endpoint(pay::pre_checkout);
    let text = Update::filter_message().endpoint(account::other_message);
    let buttons = Update::filter_callback_query()
        .filter_map(|q: CallbackQuery| Some(Callback::read(q.data.as_deref())))
        .endpoint(on_button);
    let inline = Update::filter_inline_query().endpoint(inline::inline_query);
    dptree::entry()
        .branch(inline)
        .branch(commands)
        .branch(pre_checkout)
        .branch(paid)
        .branch(refunded)
        .branch(web_app_data)
        .branch(text)
        .branch(buttons)
}

use teloxide::dispatching::HandlerExt;

async fn on_command(ctx: Arc<BotContext>, turn: Turn, cmd: Command) -> BotResult {
    match cmd {
        Command::Start(payload) => account::start(&ctx, &turn, payload.trim()).await,
        Command::Menu => orders::menu(&ctx, &turn).await,
        Command::Status => orders::status(&ctx, &turn, None).await,
        Command::Orders => orders::history(&ctx, &turn, 0, None).await,
        Command::Reorder => orders::reorder_pick(&ctx, &turn).await,
        Command::Cancel => orders::cancel_pick(&ctx, &turn).await,
        Command::Language => account::language_pick(&ctx, &turn).await,
        Command::Help => account::help(&ctx, &turn).await,
        Command::Stoplist => stoplist::command(&ctx, &turn).await,
    }
}

async fn on_button(
    ctx: Arc<BotContext>,
    turn: Turn,
    q: CallbackQuery,
    data: Result<Callback, callback::BadCallback>,
) -> BotResult {
    let message = q.regular_message().map(|m| m.id);
    let answer = match data {
        Err(e) => {
            tracing::info!(error = %e, "A button with unreadable data was pressed.");
            reply::Answer::alert(texts::tr(turn.lang, "button-invalid", &[]))
        }
        Ok(cb) => match cb {
            Callback::Language(lang) => account::language_set(&ctx, &turn, message, lang).await?,
            Callback::RefreshStatus => orders::status_refresh(&ctx, &turn, message).await?,
            Callback::OrdersPage(page) => orders::history_page(&ctx, &turn, page, message).await?,
            Callback::Details(order) => orders::details(&ctx, &turn, order).await?,
            Callback::Reorder(order) => orders::reorder(&ctx, &turn, order).await?,
            Callback::CancelAsk(order) => orders::cancel_ask(&ctx, &turn, order, message).await?,
            Callback::CancelYes(order, version) => {
                orders::cancel_yes(&ctx, &turn, order, version, message).await?
            }
            Callback::CancelNo => orders::cancel_no(&ctx, &turn, message).await?,
            Callback::MenuCategory(i) => orders::menu_category(&ctx, &turn, i).await?,
            Callback::StopList(view) => stoplist::show(&ctx, &turn, message, view).await?,
            Callback::StopListSet(target, sold_out) => {
                stoplist::set(&ctx, &turn, message, target, sold_out).await?
            }
            Callback::Pay(order) => pay::pay(&ctx, &turn, order).await?,
            Callback::Staff(order, version, step) => {
                staff::press(&ctx, &turn, message, order, version, step).await?
            }
        },
    };
    // Every button press is answered, also when nothing is to be said, so
    // that the client stops showing its spinner.
    reply::answer_callback(&ctx.bot, &q.id, answer).await
}

/// How long a claim's handler may take before the dispatcher's lease could
/// lapse under it.
pub const HANDLER_BUDGET: Duration = Duration::from_secs(30);
