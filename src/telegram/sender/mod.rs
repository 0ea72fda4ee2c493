//! The notification sender: delivers the outbox's push notifications through
//! the Bot API, at least once and, in practice, once.
//!
//! One server process sends at a time: the one holding the sender's turn
//! (`App::sender_turn`, see `app::notifications::delivery`); the others wait
//! for it and take over when its holder stops or dies. Telegram's limits are
//! per bot, so one process keeping them keeps them for all. The holder reads
//! the oldest pending notification of each user, up to `AHEAD` times
//! `concurrency` ahead, leaving out those it holds already (taken, not yet
//! written back), looks their users up *as they are now* (the User
//! aggregates, through the application layer, one query per batch), and
//! hands each to a task of its own, which:
//! 1. honours the user: one who blocked the bot gets nothing and their pending
//!    notifications are given up; one whose preference no longer wants the
//!    kind has it given up; the rest get it in the language they have now;
//! 2. renders it with its buttons (the order in the Mini App; Reorder once it
//!    was delivered or picked up);
//! 3. waits for Telegram's limits ([`limits`]) and sends it;
//! 4. records the outcome: sent; retried (flood control pauses every send of
//!    this process for `retry_after` and sends it again; a network error or a
//!    5xx is tried again with backoff); given up with the reason (403: the user
//!    is recorded as having blocked the bot, `BotBlocked`; an error that will
//!    not pass, after a few attempts).
//!
//! What Telegram accepted is marked sent in batches: one marker writes every
//! acceptance gathered while its previous write ran, and waits a few
//! milliseconds for more when fewer than two slots' worth are waiting (a
//! statement and a commit per batch, not per message). A notification stays
//! held until its outcome is written, and a user's next notification is due
//! only once the one before it is marked: one user's notifications go out one
//! at a time, in the order of their events. The loop looks again when a task
//! ends, when this process's projector has written (on PostgreSQL also when
//! any process's projector wrote notifications: `LISTEN foodbot_outbox`), and
//! on a slow poll. At shutdown it stops taking, lets messages already on their
//! way finish (those still waiting for their turn are not sent), marks what
//! was sent, and gives up its turn.

pub mod limits;

use super::api::{self, Failure};
use super::bot::callback::Callback;
use super::bot::BotContext;
use super::dispatch::backoff;
use crate::app::notifications::{BadNotification, Recipient, SenderTurn, Taken};
use crate::app::{AppError, CommandMeta, Notification, NotificationKind};
use crate::config::Config;
use crate::i18n::{t, Lang};
use crate::store::Database;
use foodbot_domain::user::UserAction;
use foodbot_domain::{Actor, Channel, UserId};
use limits::{Limits, Rates};
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::{ApiError, RequestError};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::time::Instant;
use tracing::Instrument;

/// Errors that will not pass are given up after this many attempts (fewer
/// when `NOTIFY_MAX_ATTEMPTS` is lower).
const PERMANENT_ATTEMPTS: i32 = 3;

/// Notifications taken and not yet done with, per slot: enough that the
/// slots always have one ready while reads, lookups and marks run.
const AHEAD: usize = 4;

/// The marker writes once this many slots' worth of sent notifications
/// waits, or [`MARK_WAIT`] after the first of them: fewer, larger writes
/// (each a statement and a commit) cost the database less per row.
const MARK_BATCH: usize = 2;

/// How long a sent notification may wait for others to be marked with it.
const MARK_WAIT: Duration = Duration::from_millis(5);

/// Why a notification is given up when its user blocked the bot.
pub const BLOCKED: &str = "not delivered: the user has blocked the bot";

/// The sender's settings (`NOTIFY_*`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub rates: Rates,
    pub concurrency: usize,
    pub poll: Duration,
    pub max_attempts: i32,
}

impl Settings {
    pub fn from_config(c: &Config) -> Settings {
        Settings {
            rates: Rates {
                global_per_sec: c.notify_global_per_sec,
                chat_per_sec: c.notify_chat_per_sec,
                group_per_min: c.notify_group_per_min,
            },
            concurrency: usize::try_from(c.notify_concurrency).unwrap_or(32),
            poll: Duration::from_millis(c.notify_poll_ms),
            max_attempts: i32::try_from(c.notify_max_attempts).unwrap_or(10),
        }
    }
}

/// The sender: cheap to clone.
#[derive(Clone)]
pub struct Sender {
    inner: Arc<Inner>,
}

struct Inner {
    ctx: Arc<BotContext>,
    settings: Settings,
    limits: Limits,
    wake: Notify,
    /// Messages on their way to Telegram (`concurrency`).
    slots: Arc<Semaphore>,
    /// Room for notifications taken and not yet done with: `AHEAD` times the
    /// slots, so that the next ones are ready while the slots send.
    held: Arc<Semaphore>,
    /// The users whose notification was taken and its outcome not written
    /// yet: the outbox still has it pending, and neither it nor a later one of
    /// theirs is taken meanwhile.
    taken: Mutex<HashSet<UserId>>,
    /// Accepted by Telegram, not yet marked sent.
    accepted: Mutex<Accepted>,
    /// Wakes the marker.
    to_mark: Notify,
}

/// Notifications Telegram accepted that are not marked sent yet.
#[derive(Default)]
struct Accepted {
    /// Each with its user.
    sent: Vec<(String, UserId)>,
    /// When the first of them was accepted.
    since: Option<Instant>,
}

/// How one attempt at a notification ended.
#[derive(Debug)]
enum Outcome {
    Sent,
    /// Not to be delivered, for this reason: no attempt was made
    /// (`tried: false`), or no more will be.
    GivenUp {
        reason: String,
        tried: bool,
    },
    /// Telegram said the user blocked the bot (403).
    Blocked,
    /// The user had blocked the bot before: nothing was sent.
    AlreadyBlocked,
    /// Try again after `after`; `counted: false` does not use up an attempt.
    Retry {
        error: String,
        after: Duration,
        counted: bool,
    },
    /// The process is stopping; the notification stays pending.
    Stopped,
}

impl Sender {
    pub fn new(ctx: Arc<BotContext>, settings: Settings) -> Sender {
        Sender {
            inner: Arc::new(Inner {
                ctx,
                limits: Limits::new(settings.rates),
                wake: Notify::new(),
                slots: Arc::new(Semaphore::new(settings.concurrency)),
                held: Arc::new(Semaphore::new(settings.concurrency * AHEAD)),
                taken: Mutex::new(HashSet::new()),
                accepted: Mutex::new(Accepted::default()),
                to_mark: Notify::new(),
                settings,
            }),
        }
    }

    /// Makes the loop look for work now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Sends until `shutdown` turns true. `written` changes whenever this
    /// process's projector committed a step (new notifications, perhaps).
    pub async fn run<T: Send + Sync>(
        self,
        written: watch::Receiver<T>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let inner = &self.inner;
        let app = &inner.ctx.app;
        let mut written = Some(written);
        let mut listener = listen(&app.db).await;
        let mut forgot = Instant::now();
        let mut turn: Option<SenderTurn> = None;
        // Waiting for the turn, it is asked for once per poll, not on every
        // wake-up (each projector step of a busy system is one).
        let mut asked: Option<Instant> = None;
        let mut waiting_said = false;
        tracing::info!(rates = ?inner.settings.rates, "Sending notifications.");
        let marker = tokio::spawn(self.clone().mark(shutdown.clone()));
        loop {
            if *shutdown.borrow() {
                break;
            }
            if turn.is_none() && asked.is_none_or(|at| at.elapsed() >= inner.settings.poll) {
                asked = Some(Instant::now());
                match app.sender_turn().await {
                    Ok(Some(t)) => {
                        tracing::info!("This process sends the notifications.");
                        (turn, waiting_said) = (Some(t), false);
                    }
                    Ok(None) if !waiting_said => {
                        tracing::info!(
                            "Another process sends the notifications; waiting for its turn."
                        );
                        waiting_said = true;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(error = %error_chain(&e), "Could not ask for the sender's turn; trying again.")
                    }
                }
            }
            // Taken in batches (as many as there are slots, or what is left
            // when fewer are free): a read is one statement whatever its size,
            // and the loop is free to read again while a batch's recipients
            // are looked up and its messages sent.
            let free = inner.held.available_permits();
            let total = inner.settings.concurrency * AHEAD;
            let ready = free >= inner.settings.concurrency.max(1) || free == total;
            if let (Some(t), true) = (turn.as_mut(), ready) {
                let held = inner.taken.lock().clone();
                match t.due(free, &held).await {
                    Ok(batch) if batch.is_empty() => {}
                    Ok(batch) => {
                        let n = u32::try_from(batch.len()).unwrap_or(u32::MAX);
                        let Ok(permits) = inner.held.clone().acquire_many_owned(n).await else {
                            return;
                        };
                        inner.taken.lock().extend(batch.iter().map(|c| c.user_id));
                        tokio::spawn(self.clone().start(batch, permits, shutdown.clone()));
                    }
                    Err(e) => {
                        // Its connection may be gone, and the turn with it.
                        tracing::error!(error = %error_chain(&e), "Could not read the due notifications; asking for the turn again.");
                        turn = None;
                    }
                }
            }
            if forgot.elapsed() > Duration::from_secs(60) {
                inner.limits.forget_idle();
                forgot = Instant::now();
            }
            let (mut projector_gone, mut listener_lost) = (false, false);
            let heard = async {
                match listener.as_mut() {
                    Some(l) => l.recv().await.map(|_| ()),
                    None => std::future::pending().await,
                }
            };
            let projected = async {
                match written.as_mut() {
                    Some(w) => w.changed().await,
                    None => std::future::pending().await,
                }
            };
            // After a 429 the loop looks again when the pause ends.
            let pause_over = async {
                match inner.limits.paused_until() {
                    Some(until) => tokio::time::sleep_until(until).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = inner.wake.notified() => {}
                r = projected => projector_gone = r.is_err(),
                r = heard => {
                    if let Err(e) = r {
                        tracing::warn!(error = %e, "Lost LISTEN foodbot_outbox; polling only.");
                        listener_lost = true;
                    }
                }
                _ = pause_over => {}
                _ = tokio::time::sleep(inner.settings.poll) => {}
                _ = shutdown.changed() => {}
            }
            if projector_gone {
                written = None;
            }
            if listener_lost {
                listener = None;
            }
        }
        // Let messages on their way finish; the rest stays pending.
        let all = u32::try_from(inner.settings.concurrency * AHEAD).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(10), inner.held.acquire_many(all)).await;
        // What was sent is marked before the turn is given up, or the next
        // holder would send it again.
        let _ = marker.await;
        if let Err(e) = self.mark_accepted().await {
            tracing::error!(error = %error_chain(&e), "Could not mark sent notifications at shutdown; they may be sent again.");
        }
        drop(turn);
    }

    /// Looks up the recipients of a batch (all in one query, as they
    /// are now) and starts a task for each notification.
    async fn start(
        self,
        batch: Vec<Taken>,
        mut permits: tokio::sync::OwnedSemaphorePermit,
        stop: watch::Receiver<bool>,
    ) {
        let users: Vec<_> = batch.iter().map(|c| c.user_id).collect();
        let recipients = match self.inner.ctx.app.recipients(&users).await {
            Ok(found) => Ok(found),
            Err(e) => Err(error_chain(&e)),
        };
        for c in batch {
            let recipient = match &recipients {
                Ok(found) => Ok(found.get(&c.user_id).cloned().flatten()),
                Err(e) => Err(e.clone()),
            };
            let permit = permits.split(1);
            let this = self.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                this.handle(c, recipient, stop).await;
                drop(permit);
            });
        }
    }

    async fn handle(
        &self,
        c: Taken,
        recipient: Result<Option<Recipient>, String>,
        stop: watch::Receiver<bool>,
    ) {
        let span = tracing::info_span!("notification", id = %c.id, user = c.user_id.0, attempt = c.attempt);
        async {
            // Its turn to be sent; one still waiting at shutdown stays
            // pending, untried.
            let mut stopping = stop.clone();
            let slot = tokio::select! {
                slot = self.inner.slots.clone().acquire_owned() => slot.ok(),
                _ = stopping.wait_for(|s| *s) => None,
            };
            let Some(_slot) = slot else {
                self.inner.taken.lock().remove(&c.user_id);
                return;
            };
            let outcome = self.deliver(&c, recipient, stop).await;
            if self.record(&c, outcome).await {
                // The user's next notification may be due now.
                self.inner.wake.notify_one();
            }
        }
        .instrument(span)
        .await
    }

    /// Renders for the recipient (as they were when it was taken; an error
    /// if they could not be looked up) and sends; says how it ended.
    async fn deliver(
        &self,
        c: &Taken,
        recipient: Result<Option<Recipient>, String>,
        mut stop: watch::Receiver<bool>,
    ) -> Outcome {
        let inner = &self.inner;
        let n = match &c.notification {
            Ok(n) => n,
            // The outbox model's replay has not reached the row yet.
            Err(e) if matches!(e.cause, BadNotification::NoParams) => {
                return Outcome::Retry {
                    error: format!("{e}: {}", e.cause),
                    after: Duration::from_secs(5),
                    counted: false,
                }
            }
            Err(e) => {
                return Outcome::GivenUp {
                    reason: format!("{e}: {}", e.cause),
                    tried: false,
                }
            }
        };
        let recipient = match recipient {
            Ok(r) => r,
            Err(e) => return self.failed(c, e, true),
        };
        if let Some(r) = &recipient {
            if r.blocked {
                return Outcome::AlreadyBlocked;
            }
            if !n.kind.wanted_by(r.preference) {
                return Outcome::GivenUp {
                    reason: format!(
                        "not sent: the user's notification preference is {:?} now",
                        r.preference
                    ),
                    tried: false,
                };
            }
        }
        let lang = recipient
            .and_then(|r| r.language)
            .or_else(|| Lang::parse(&c.language_then))
            .unwrap_or(Lang::En);
        let text = n.render(lang);
        let markup = self.buttons(n, lang);
        let chat = c.user_id.0;
        loop {
            tokio::select! {
                _ = inner.limits.acquire(chat) => {}
                _ = stop.wait_for(|s| *s) => return Outcome::Stopped,
            }
            let mut request = inner.ctx.bot.send_message(ChatId(chat), text.clone());
            if let Some(m) = &markup {
                request = request.reply_markup(m.clone());
            }
            match api::call(request).await {
                Ok(_) => return Outcome::Sent,
                Err(Failure::RetryAfter(wait)) => {
                    // Flood control is per bot: nothing leaves until it passes.
                    inner.limits.pause(wait);
                    tracing::warn!(retry_after = ?wait, "Telegram's flood control: sending paused.");
                    // The same message again once the pause is over.
                    continue;
                }
                Err(Failure::Blocked) => return Outcome::Blocked,
                Err(Failure::Other(e)) if passing(&e) => {
                    return self.failed(c, Failure::Other(e).to_string(), true)
                }
                Err(other) => return self.failed(c, other.to_string(), false),
            }
        }
    }

    /// A failed attempt: retried with backoff until its attempts run out.
    fn failed(&self, c: &Taken, error: String, passing: bool) -> Outcome {
        let max = if passing {
            self.inner.settings.max_attempts
        } else {
            PERMANENT_ATTEMPTS.min(self.inner.settings.max_attempts)
        };
        if c.attempt >= max {
            Outcome::GivenUp {
                reason: format!("given up after {} attempts: {error}", c.attempt),
                tried: true,
            }
        } else {
            Outcome::Retry {
                error,
                after: backoff(c.attempt),
                counted: true,
            }
        }
    }

    /// The order in the Mini App, and Reorder once the order was handed over.
    fn buttons(&self, n: &Notification, lang: Lang) -> Option<InlineKeyboardMarkup> {
        let mut rows = vec![];
        let start = format!("order_{}", n.order_id.0.simple());
        // A link, so that Telegram signs the start parameter (see `links`).
        if let Some(url) = self.inner.ctx.links.app_at(&start) {
            rows.push(vec![InlineKeyboardButton::url(
                t(lang, "notify-open-order"),
                url,
            )]);
        }
        if matches!(
            n.kind,
            NotificationKind::OrderDelivered | NotificationKind::OrderPickedUp
        ) {
            rows.push(vec![InlineKeyboardButton::callback(
                t(lang, "notify-reorder"),
                Callback::Reorder(n.order_id).write(),
            )]);
        }
        (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
    }

    /// Marks what Telegram accepted until `stop`, a batch at a time: all that
    /// was accepted while the previous batch was written, or, when that is
    /// less than [`MARK_BATCH`] slots' worth, all accepted up to [`MARK_WAIT`]
    /// after the first of them. After each batch the loop may take those
    /// users' next notifications.
    async fn mark(self, mut stop: watch::Receiver<bool>) {
        let inner = &self.inner;
        loop {
            tokio::select! {
                _ = inner.to_mark.notified() => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            // Gathers a batch worth a write.
            loop {
                let (waiting, since) = {
                    let accepted = inner.accepted.lock();
                    (accepted.sent.len(), accepted.since)
                };
                let Some(since) = since else { break };
                let slots = inner.settings.concurrency.max(1);
                if waiting >= slots * MARK_BATCH || since.elapsed() >= MARK_WAIT {
                    break;
                }
                tokio::select! {
                    _ = inner.to_mark.notified() => {}
                    _ = tokio::time::sleep_until(since + MARK_WAIT) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
            match self.mark_accepted().await {
                Ok(()) => inner.wake.notify_one(),
                Err(e) => {
                    tracing::error!(error = %error_chain(&e), "Could not mark sent notifications; trying again.");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(500)) => inner.to_mark.notify_one(),
                        _ = stop.wait_for(|s| *s) => return,
                    }
                }
            }
        }
    }

    /// Marks every notification accepted so far as sent. On failure they stay
    /// to be marked by the next call.
    async fn mark_accepted(&self) -> Result<(), AppError> {
        let inner = &self.inner;
        let Accepted {
            sent: accepted,
            since,
        } = std::mem::take(&mut *inner.accepted.lock());
        let ids: Vec<String> = accepted.iter().map(|(id, _)| id.clone()).collect();
        if let Err(e) = inner.ctx.app.notifications_sent(&ids).await {
            let mut again = inner.accepted.lock();
            again.sent.extend(accepted);
            // These were accepted before any that came meanwhile.
            again.since = since.or(again.since);
            return Err(e);
        }
        // Written: no longer pending, so their users' next may be taken.
        let mut taken = inner.taken.lock();
        for (_, user) in &accepted {
            taken.remove(user);
        }
        Ok(())
    }

    /// Writes the outcome to the outbox (and the User, for a 403); a sent one
    /// is handed to the marker, and stays held until it is marked. Says
    /// whether the loop may look again now (false when the marker will say
    /// so).
    async fn record(&self, c: &Taken, outcome: Outcome) -> bool {
        let app = &self.inner.ctx.app;
        let result = match &outcome {
            Outcome::Sent => {
                tracing::debug!("Notification sent.");
                {
                    let mut accepted = self.inner.accepted.lock();
                    accepted.sent.push((c.id.clone(), c.user_id));
                    accepted.since.get_or_insert_with(Instant::now);
                }
                self.inner.to_mark.notify_one();
                return false;
            }
            Outcome::GivenUp { reason, tried } => {
                tracing::info!(reason = %reason, "Notification given up.");
                app.notification_given_up(&c.id, reason, *tried).await
            }
            Outcome::Retry {
                error,
                after,
                counted,
            } => {
                tracing::warn!(error = %error, retry_in = ?after, "Notification not sent; it will be tried again.");
                app.notification_retry(&c.id, error, *after, *counted).await
            }
            Outcome::Blocked => match self.record_blocked(c).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    let error = format!("could not record the block: {}", error_chain(&e));
                    app.notification_retry(&c.id, &error, backoff(c.attempt), false)
                        .await
                }
            },
            Outcome::AlreadyBlocked => app
                .notifications_given_up_for(c.user_id, BLOCKED)
                .await
                .map(|_| ()),
            Outcome::Stopped => Ok(()),
        };
        if let Err(e) = result {
            tracing::error!(
                outcome = ?outcome,
                error = %error_chain(&e),
                "Could not record how a notification ended; it stays pending and is tried again."
            );
        }
        self.inner.taken.lock().remove(&c.user_id);
        true
    }

    /// 403: the user blocked the bot. Recorded on the User (`BotBlocked`),
    /// and none of their pending notifications is tried any more.
    async fn record_blocked(&self, c: &Taken) -> Result<(), AppError> {
        let app = &self.inner.ctx.app;
        let meta = CommandMeta {
            actor: Actor::System,
            channel: Channel::Bot,
            correlation_id: format!("notify:{}", c.id),
            idempotency_key: Some(format!("notify:{}:{}:blocked", c.id, c.attempt)),
            fingerprint: None,
            at: chrono::Utc::now(),
        };
        match app
            .user_command(&meta, c.user_id, UserAction::RecordBotBlocked)
            .await
        {
            Ok(_) | Err(AppError::User(foodbot_domain::user::UserError::NotFound)) => {}
            Err(e) => return Err(e),
        }
        // This one was tried; the others were not.
        app.notification_given_up(&c.id, BLOCKED, true).await?;
        let n = 1 + app.notifications_given_up_for(c.user_id, BLOCKED).await?;
        tracing::info!(
            given_up = n,
            "The user has blocked the bot; their notifications stop."
        );
        Ok(())
    }
}

/// Whether a failure may pass by itself: the network, or Telegram's server
/// (a 5xx answer's description is not a "Bad Request").
fn passing(e: &RequestError) -> bool {
    match e {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(description)) => {
            !description.starts_with("Bad Request") && !description.starts_with("Forbidden")
        }
        _ => false,
    }
}

/// An error with its causes, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// `LISTEN foodbot_outbox` on PostgreSQL: any process's projector wrote
/// notifications. SQLite has one process; its projector's steps are watched
/// in-process.
async fn listen(db: &Database) -> Option<sqlx::postgres::PgListener> {
    let Database::Postgres(pool) = db else {
        return None;
    };
    let listener = async {
        let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
        l.listen("foodbot_outbox").await?;
        Ok::<_, sqlx::Error>(l)
    };
    match listener.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "Could not LISTEN foodbot_outbox; polling only.");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::passing;
    use teloxide::{ApiError, RequestError};

    #[test]
    fn server_errors_pass_and_bad_requests_do_not() {
        let api = |d: &str| RequestError::Api(ApiError::Unknown(d.into()));
        assert!(passing(&api("Bad Gateway")));
        assert!(passing(&api("Internal Server Error")));
        assert!(!passing(&api("Bad Request: chat not found")));
        assert!(!passing(&RequestError::Api(ApiError::ChatNotFound)));
    }
}
