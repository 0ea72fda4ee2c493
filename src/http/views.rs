//! JSON shapes the API returns.

use foodbot_domain::order::{
    CartLine, Fulfilment, Order, OrderStatus, RefundState, Totals, UnavailableLine,
};
use foodbot_domain::user::{NotificationPreference, SavedAddress, User};
use foodbot_domain::{Money, OrderId};
use serde::Serialize;

#[derive(Serialize)]
pub struct OrderView<'a> {
    pub id: OrderId,
    pub short_id: String,
    pub status: OrderStatus,
    pub lines: &'a [CartLine],
    pub subtotal: Money,
    pub totals: &'a Option<Totals>,
    pub fulfilment: &'a Option<Fulfilment>,
    pub paid: Option<Money>,
    pub refund: &'a Option<RefundState>,
    pub reordered_from: Option<OrderId>,
    /// Sequence number of the order's last event.
    pub version: usize,
}

impl<'a> OrderView<'a> {
    pub fn new(id: OrderId, order: &'a Order, version: usize) -> Self {
        OrderView {
            id,
            short_id: id.short(),
            status: order.status,
            lines: &order.lines,
            subtotal: order.subtotal(),
            totals: &order.totals,
            fulfilment: &order.fulfilment,
            paid: order.payment.as_ref().map(|p| p.amount),
            refund: &order.refund,
            reordered_from: order.reordered_from,
            version,
        }
    }
}

#[derive(Serialize)]
pub struct ReorderView<'a> {
    pub order: OrderView<'a>,
    pub unavailable: &'a [UnavailableLine],
}

#[derive(Serialize)]
pub struct MeView<'a> {
    pub id: i64,
    pub first_name: &'a str,
    pub last_name: &'a Option<String>,
    pub username: &'a Option<String>,
    pub language: &'a str,
    pub notifications: NotificationPreference,
    pub addresses: &'a [SavedAddress],
    pub bot_blocked: bool,
}

impl<'a> MeView<'a> {
    pub fn new(user: &'a User) -> Self {
        MeView {
            id: user.id.map_or(0, |u| u.0),
            first_name: &user.profile.first_name,
            last_name: &user.profile.last_name,
            username: &user.profile.username,
            language: &user.language,
            notifications: user.notifications,
            addresses: &user.addresses,
            bot_blocked: user.bot_blocked,
        }
    }
}
