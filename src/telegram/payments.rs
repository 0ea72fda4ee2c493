//! Invoices as Telegram takes them: `createInvoiceLink` for the Mini App's
//! `openInvoice`, `sendInvoice` in the chat. Both are made from the same
//! [`Invoice`] (the application layer's answer to a payment request), in the
//! customer's language.
//!
//! Food (a physical good) is invoiced in the menu's currency with the
//! provider token, one labelled price per line and one for the delivery fee,
//! and a phone number asked for when a delivery has none. Digital goods are
//! invoiced in Telegram Stars (`XTR`): exactly one price, no provider token,
//! no phone or shipping fields, as the Bot API requires.

use crate::app::{App, Invoice};
use crate::i18n::Lang;
use foodbot_domain::order::PaymentMethod;
use secrecy::ExposeSecret;
use teloxide::payloads::{CreateInvoiceLinkSetters, SendInvoiceSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, LabeledPrice, Message};
use teloxide::{Bot, RequestError};

/// Telegram's limits on an invoice's title and description (characters).
const MAX_TITLE: usize = 32;
const MAX_DESCRIPTION: usize = 255;

/// What an invoice shows and charges.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub title: String,
    pub description: String,
    pub currency: String,
    pub prices: Vec<LabeledPrice>,
    pub payload: String,
    pub need_phone: bool,
    pub stars: bool,
}

fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn amount(a: i64) -> u32 {
    // Order totals are positive and far below u32::MAX minor units; a value
    // that is not would be refused by Telegram rather than wrapped here.
    u32::try_from(a).unwrap_or(u32::MAX)
}

/// The invoice for `invoice` in `lang`.
pub fn content(app: &App, invoice: &Invoice, lang: Lang) -> Content {
    let t = |key: &str, args: &[(&str, crate::i18n::Arg<'_>)]| crate::i18n::t_args(lang, key, args);
    let order = &invoice.order;
    let title = clip(
        t(
            "invoice-title",
            &[("short_id", invoice.order_id.short().into())],
        ),
        MAX_TITLE,
    );
    let name = |l: &foodbot_domain::order::CartLine| {
        format!(
            "{} × {}",
            l.item.quantity,
            app.menu.text(&l.item.name, lang.code())
        )
    };
    let items: Vec<String> = order.lines.iter().map(name).collect();
    let description = clip(
        t("invoice-description", &[("items", items.join(", ").into())]),
        MAX_DESCRIPTION,
    );
    let stars = invoice.method == PaymentMethod::Stars;
    let prices = if stars {
        // Stars take exactly one price.
        vec![LabeledPrice::new(
            title.clone(),
            amount(invoice.amount.amount),
        )]
    } else {
        let mut prices: Vec<LabeledPrice> = order
            .lines
            .iter()
            .map(|l| LabeledPrice::new(name(l), amount(l.item.line_total.amount)))
            .collect();
        if let Some(totals) = &order.totals {
            if totals.delivery_fee.amount > 0 {
                prices.push(LabeledPrice::new(
                    t("invoice-delivery-fee", &[]),
                    amount(totals.delivery_fee.amount),
                ));
            }
        }
        prices
    };
    Content {
        title,
        description,
        currency: invoice.amount.currency.to_string(),
        prices,
        payload: invoice.payload.clone(),
        need_phone: invoice.need_phone && !stars,
        stars,
    }
}

/// `createInvoiceLink`: the link the Mini App opens with `openInvoice`.
pub async fn create_link(
    bot: &Bot,
    app: &App,
    invoice: &Invoice,
    lang: Lang,
) -> Result<String, RequestError> {
    let c = content(app, invoice, lang);
    let mut request =
        bot.create_invoice_link(c.title, c.description, c.payload, c.currency, c.prices);
    if !c.stars {
        if let Some(token) = &app.provider_token {
            request = request.provider_token(token.expose_secret());
        }
        if c.need_phone {
            request = request.need_phone_number(true);
        }
    }
    request.await
}

/// `sendInvoice`: the same invoice as a message in `chat`, with its Pay button.
pub async fn send(
    bot: &Bot,
    app: &App,
    chat: i64,
    invoice: &Invoice,
    lang: Lang,
) -> Result<Message, RequestError> {
    let c = content(app, invoice, lang);
    let mut request = bot.send_invoice(
        ChatId(chat),
        c.title,
        c.description,
        c.payload,
        c.currency,
        c.prices,
    );
    if !c.stars {
        if let Some(token) = &app.provider_token {
            request = request.provider_token(token.expose_secret());
        }
        if c.need_phone {
            request = request.need_phone_number(true);
        }
    }
    request.await
}
