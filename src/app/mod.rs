//! The application layer: the one way into the domain for every interface.
//!
//! The HTTP API, the bot and the CLI all call these functions. They build the
//! command (actor, time, the current menu), attach metadata (who, through what,
//! correlation id, idempotency key), run the aggregate's decision through the
//! cqrs-es `handle` and append the events. Neither the HTTP handlers nor the bot
//! handlers hold business rules or SQL of their own.

mod execute;
pub mod notifications;
mod orders;
mod payments;
mod read;
mod refunds;
mod refusal;
mod staff_chat;
mod stoplist;
mod users;

pub use execute::{CommandMeta, Outcome};
pub use notifications::{Notification, NotificationError, NotificationKind, NotificationParams};
pub use payments::{
    Invoice, InvoiceError, InvoicePayload, PreCheckoutRefusal, RestaurantClosed, TelegramPayment,
};
pub use read::{OrderDetail, OrderHistory, OrderSummary, TimelineEntry};
pub use refunds::{PendingStarRefund, RefundTurn, TelegramRefund};
pub use refusal::Refusal;
pub use staff_chat::{DueNote, DuePost, StaffLine, StaffOrderView};
pub use stoplist::MenuNow;

use crate::store::{AggregateStore, Database};
use foodbot_domain::catalog::Catalog;
use foodbot_domain::order::{Order, OrderError};
use foodbot_domain::stoplist::{StopList, StopListError};
use foodbot_domain::user::{User, UserError};
use foodbot_domain::UserId;
use std::collections::HashSet;
use std::sync::Arc;

/// Why an application call failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Order(#[from] OrderError),
    #[error(transparent)]
    User(#[from] UserError),
    #[error(transparent)]
    StopList(#[from] StopListError),
    /// The same key was used before for a different command on this aggregate.
    #[error("idempotency key {0:?} was already used for another request")]
    IdempotencyKeyReused(String),
    /// The command was refused when its idempotency key was first used; the
    /// retry gets the same answer, whatever the state is now.
    #[error("{}", .0.message)]
    Refused(Refusal),
    /// Another writer kept winning; the caller may retry.
    #[error("the order was changed concurrently; try again")]
    Conflict,
    /// The database or the event store failed; the cause is kept as the
    /// source, so that the one place that logs it (the HTTP layer's 5xx log,
    /// the bot's error log) shows the whole chain.
    #[error("storage failure")]
    Storage(#[source] BoxError),
}

/// Any error, kept as the source of a storage failure.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl AppError {
    /// A storage failure caused by `e`.
    pub fn storage(e: impl Into<BoxError>) -> Self {
        AppError::Storage(e.into())
    }
}

pub struct App {
    pub db: Database,
    /// The menu as the file states it; [`App::menu_now`] is the menu with
    /// the stop-list applied, which carts and checkouts are priced against.
    pub menu: Arc<Catalog>,
    pub orders: AggregateStore<Order>,
    pub users: AggregateStore<User>,
    pub stop_lists: AggregateStore<StopList>,
    /// The last menu made by [`App::menu_now`].
    menu_now: parking_lot::Mutex<Option<MenuNow>>,
    staff: HashSet<UserId>,
    locks: execute::StripedLocks,
    /// Told after every append, so the projector need not wait for its poll.
    wake: Arc<tokio::sync::Notify>,
    /// The payment provider's token from @BotFather; without it food cannot
    /// be invoiced (digital goods, paid in Stars, need none).
    pub provider_token: Option<secrecy::SecretString>,
}

impl App {
    pub fn new(
        db: Database,
        menu: Arc<Catalog>,
        staff: HashSet<UserId>,
        cache_size: usize,
        wake: Arc<tokio::sync::Notify>,
    ) -> Self {
        let repo = Arc::new(db.repository());
        App {
            orders: AggregateStore::new(db.clone(), repo.clone(), cache_size),
            users: AggregateStore::new(db.clone(), repo.clone(), cache_size),
            stop_lists: AggregateStore::new(db.clone(), repo, 1),
            menu_now: parking_lot::Mutex::new(None),
            db,
            menu,
            staff,
            locks: execute::StripedLocks::new(1024),
            wake,
            provider_token: None,
        }
    }

    /// Seals every event the application appends with `key` (see
    /// `crate::audit::seal`); without a key events are not sealed.
    pub fn sealed_by(mut self, key: Option<Arc<crate::audit::AuditKey>>) -> Self {
        self.orders.seal_with(key.clone());
        self.users.seal_with(key.clone());
        self.stop_lists.seal_with(key);
        self
    }

    /// Takes payments with a provider using `token` (`PAYMENT_PROVIDER_TOKEN`).
    pub fn paid_through(mut self, token: Option<secrecy::SecretString>) -> Self {
        self.provider_token = token.filter(|t| !secrecy::ExposeSecret::expose_secret(t).is_empty());
        self
    }

    pub fn is_staff(&self, user: UserId) -> bool {
        self.staff.contains(&user)
    }
}
