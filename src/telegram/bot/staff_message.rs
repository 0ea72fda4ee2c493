//! The staff chat's order message: its text and its buttons, rendered from
//! the read models ([`StaffOrderView`]) in one language.
//!
//! The buttons are exactly the order's next legal steps (the domain's rules
//! in `foodbot_domain::order`): accept with an estimate, reject or cancel
//! with a preset reason, preparing, ready, out for delivery (delivery orders)
//! or picked up (pickup orders), delivered; none once it is finished, except
//! "Refunded at the provider" while a provider payment's refund is open.

use super::callback::Callback;
use super::reply::{button, Screen};
use super::staff::Step;
use super::texts::tr;
use crate::app::StaffOrderView;
use crate::i18n::{format_money, Lang};
use foodbot_domain::catalog::{localize, Catalog, Localized};
use foodbot_domain::order::{Fulfilment, OrderStatus, PaymentMethod};

/// The estimates offered when accepting, in minutes.
pub const ETAS: [u32; 4] = [15, 30, 45, 60];
/// Preset reasons (catalog keys `staff-reason-<reason>`); rejecting offers
/// the first three, cancelling all.
pub const REASONS: [&str; 4] = [
    "closing-soon",
    "too-busy",
    "item-unavailable",
    "customer-request",
];
pub const REJECT_REASONS: usize = 3;

/// Which buttons the message shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// The order's next steps.
    Steps,
    /// The reasons to reject with.
    Reject,
    /// The reasons to cancel with.
    Cancel,
}

/// The language of the shared staff message: the menu's default.
pub fn group_lang(menu: &Catalog) -> Lang {
    Lang::parse(menu.default_language()).unwrap_or(Lang::En)
}

/// The catalog's name of a status.
pub fn status_name(lang: Lang, status: OrderStatus) -> String {
    let key = match status {
        OrderStatus::New | OrderStatus::Cart => "new".to_string(),
        s => s.as_str().replace('_', "-"),
    };
    tr(lang, &format!("order-status-{key}"), &[])
}

fn money(lang: Lang, amount: i64, currency: &str) -> String {
    format_money(lang, amount, currency)
}

/// One line of the order: quantity, name, size and options.
fn line_text(menu: &Catalog, lang: Lang, line: &crate::app::StaffLine) -> String {
    let code = lang.code();
    let default = menu.default_language();
    let name: Localized = serde_json::from_str(&line.name).unwrap_or_default();
    let mut text = format!(
        "{} × {}",
        line.quantity,
        localize(&name, code, default).trim()
    );
    let mut extras = Vec::new();
    if let Some(size) = &line.size_id {
        let named = menu
            .item(&line.item_id)
            .and_then(|i| i.sizes.iter().find(|s| &s.id == size))
            .map(|s| localize(&s.name, code, default).to_string());
        extras.push(named.unwrap_or_else(|| size.clone()));
    }
    #[derive(serde::Deserialize)]
    struct Opt {
        option: String,
        #[serde(default)]
        name: Localized,
    }
    let options: Vec<Opt> = serde_json::from_str(&line.options).unwrap_or_default();
    for o in options {
        let n = localize(&o.name, code, default);
        extras.push(if n.is_empty() {
            o.option
        } else {
            n.to_string()
        });
    }
    if !extras.is_empty() {
        text = format!("{text} ({})", extras.join(", "));
    }
    if let Some(note) = line.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text = format!(
            "{text}\n   {}",
            tr(lang, "staff-order-note", &[("note", note.into())])
        );
    }
    text
}

/// The customer's comment as the post shows it. The post is plain text (no
/// parse mode), so nothing the customer typed is read as markup; the lines
/// after the first are indented under it, so that a comment cannot pass for
/// a line of the post itself ("Total: …").
fn comment_text(comment: &str) -> String {
    comment
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n   ")
}

/// The order's message text in `lang`.
pub fn text(menu: &Catalog, lang: Lang, v: &StaffOrderView) -> String {
    let mut out = vec![tr(
        lang,
        "staff-order-title",
        &[
            ("short_id", v.short_id.as_str().into()),
            ("status", status_name(lang, v.status).into()),
        ],
    )];
    let name = v
        .customer_name
        .clone()
        .unwrap_or_else(|| format!("tg:{}", v.customer_id));
    out.push(tr(lang, "staff-order-customer", &[("name", name.into())]));
    out.push(String::new());
    for line in &v.lines {
        out.push(line_text(menu, lang, line));
    }
    out.push(String::new());
    match &v.fulfilment {
        Some(Fulfilment::Delivery { address, .. }) => {
            let mut parts = vec![address.street.clone()];
            let city = match &address.postcode {
                Some(pc) if !pc.is_empty() => format!("{pc} {}", address.city),
                _ => address.city.clone(),
            };
            parts.push(city);
            if let Some(d) = address.details.as_ref().filter(|d| !d.is_empty()) {
                parts.push(d.clone());
            }
            out.push(tr(
                lang,
                "staff-order-delivery",
                &[("address", parts.join(", ").into())],
            ));
        }
        Some(Fulfilment::Pickup { .. }) | None => out.push(tr(lang, "staff-order-pickup", &[])),
    }
    if let Some(phone) = v.fulfilment.as_ref().and_then(Fulfilment::phone) {
        out.push(tr(lang, "staff-order-phone", &[("phone", phone.into())]));
    }
    if let Some(comment) = v.fulfilment.as_ref().and_then(Fulfilment::comment) {
        out.push(tr(
            lang,
            "staff-order-comment",
            &[("comment", comment_text(comment).into())],
        ));
    }
    if let Some(total) = v.total.or(v.paid_amount) {
        out.push(tr(
            lang,
            "staff-order-total",
            &[("total", money(lang, total, &v.currency).into())],
        ));
    }
    out.push(tr(
        lang,
        match v.method {
            PaymentMethod::Provider => "staff-paid-provider",
            PaymentMethod::Stars => "staff-paid-stars",
        },
        &[],
    ));
    let active = matches!(
        v.status,
        OrderStatus::Accepted | OrderStatus::Preparing | OrderStatus::Ready
    );
    if let (true, Some(eta)) = (active, v.eta_minutes) {
        out.push(tr(lang, "staff-order-eta", &[("eta", eta.into())]));
    }
    let paid = v.paid_amount.unwrap_or(0);
    match v.refund.as_deref() {
        Some("requested") => out.push(tr(
            lang,
            "staff-order-refund-requested",
            &[("amount", money(lang, paid, &v.currency).into())],
        )),
        Some("refunded") => out.push(tr(
            lang,
            "staff-order-refunded",
            &[("amount", money(lang, paid, &v.currency).into())],
        )),
        _ => {}
    }
    out.join("\n")
}

/// The order's message with `keys`.
pub fn screen(menu: &Catalog, lang: Lang, v: &StaffOrderView, keys: Keys) -> Screen {
    let version = u64::try_from(v.version).unwrap_or(0);
    let b =
        |key: &str, step: Step| button(tr(lang, key, &[]), &Callback::Staff(v.id, version, step));
    let mut body = text(menu, lang, v);
    let mut rows: Vec<Vec<_>> = Vec::new();
    let cancel = || vec![b("staff-cancel", Step::AskCancel)];
    let reasons = |n: usize, step: fn(u8) -> Step| -> Vec<Vec<_>> {
        REASONS
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, r)| vec![b(&format!("staff-reason-{r}"), step(i as u8))])
            .collect()
    };
    match keys {
        Keys::Reject if v.status == OrderStatus::Paid => {
            body = format!("{body}\n\n{}", tr(lang, "staff-pick-reject", &[]));
            rows.extend(reasons(REJECT_REASONS, Step::Reject));
            rows.push(vec![b("staff-back", Step::Back)]);
        }
        Keys::Cancel if !v.status.is_final() => {
            body = format!("{body}\n\n{}", tr(lang, "staff-pick-cancel", &[]));
            rows.extend(reasons(REASONS.len(), Step::Cancel));
            rows.push(vec![b("staff-back", Step::Back)]);
        }
        _ => match v.status {
            OrderStatus::Paid => {
                rows.push(
                    ETAS.iter()
                        .map(|eta| {
                            button(
                                tr(lang, "staff-accept", &[("eta", (*eta).into())]),
                                &Callback::Staff(v.id, version, Step::Accept(*eta)),
                            )
                        })
                        .collect(),
                );
                rows.push(vec![
                    b("staff-reject", Step::AskReject),
                    b("staff-cancel", Step::AskCancel),
                ]);
            }
            OrderStatus::Accepted => {
                rows.push(vec![
                    b("staff-preparing", Step::Preparing),
                    b("staff-ready", Step::Ready),
                ]);
                rows.push(cancel());
            }
            OrderStatus::Preparing => {
                rows.push(vec![b("staff-ready", Step::Ready)]);
                rows.push(cancel());
            }
            OrderStatus::Ready => {
                rows.push(match v.fulfilment {
                    Some(Fulfilment::Delivery { .. }) => {
                        vec![b("staff-out-for-delivery", Step::OutForDelivery)]
                    }
                    _ => vec![b("staff-picked-up", Step::PickedUp)],
                });
                rows.push(cancel());
            }
            OrderStatus::OutForDelivery => {
                rows.push(vec![b("staff-delivered", Step::Delivered)]);
                rows.push(cancel());
            }
            _ => {
                if v.refund.as_deref() == Some("requested") && v.method == PaymentMethod::Provider {
                    rows.push(vec![b("staff-refunded", Step::Refunded)]);
                }
            }
        },
    }
    rows.into_iter()
        .fold(Screen::text(body), |screen, row| screen.row(row))
}

#[cfg(test)]
mod tests {
    use super::comment_text;

    #[test]
    fn a_comment_of_several_lines_stays_indented_under_its_first() {
        assert_eq!(
            comment_text("Ring twice\nTotal: €0.00  \nno cutlery"),
            "Ring twice\n   Total: €0.00\n   no cutlery"
        );
        assert_eq!(comment_text("<b>no</b> *cutlery*"), "<b>no</b> *cutlery*");
    }
}
