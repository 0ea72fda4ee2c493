//! Telegram's edges: Mini App initData validation, and the bot — outgoing
//! Bot API calls ([`api`]), the inbox every update is stored in first
//! ([`inbox`]) and the webhook's updates are filed in together ([`filer`]), the two ways updates arrive ([`webhook`], [`polling`]),
//! dispatch in order per chat ([`dispatch`]), the handlers ([`bot`]), the
//! push notifications of the outbox ([`sender`]), how it all starts
//! ([`runtime`]), invoices ([`payments`]) and Stars refunds ([`refunds`]),
//! and the fake Bot API of the tests and the
//! offline demo ([`fake`]) with its chat routes ([`demo`]).
pub mod api;
pub mod bot;
pub mod demo;
pub mod dispatch;
pub mod fake;
pub mod filer;
pub mod inbox;
pub mod init_data;
pub mod payments;
pub mod polling;
pub mod refunds;
pub mod runtime;
pub mod sender;
pub mod webhook;
