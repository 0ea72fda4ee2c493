//! A chat of the offline demo as a Telegram client would draw it: the
//! fake Bot API's messages turned into what `foodbot chat` prints and the
//! demo console shows (text or caption, photo, inline buttons, an invoice
//! with its amount, the service message of a payment).

use crate::i18n::{format_money, Lang};
use crate::telegram::fake::ShownMessage;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One message as the chat shows it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Shown {
    pub message_id: i64,
    pub from_bot: bool,
    /// The text, or a photo's caption.
    pub text: String,
    pub edited: bool,
    /// Button rows: each button's label and what it does.
    pub buttons: Vec<Vec<Button>>,
    /// The photo as the bot gave it (an address or a file id).
    #[serde(default)]
    pub photo: Option<String>,
    /// The invoice, for a message made by `sendInvoice`.
    #[serde(default)]
    pub invoice: Option<ShownInvoice>,
    /// The payment, for the service message that says one went through.
    #[serde(default)]
    pub payment: Option<ShownPayment>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Button {
    pub text: String,
    /// Callback data, for buttons that call back.
    pub data: Option<String>,
    /// The address, for buttons that open a link or the Mini App.
    pub url: Option<String>,
    /// Whether the address opens the Mini App itself (a `web_app` button)
    /// rather than a link.
    #[serde(default)]
    pub web_app: bool,
}

/// What an invoice message shows; Telegram draws its Pay button.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ShownInvoice {
    pub title: String,
    pub description: String,
    pub currency: String,
    /// In the currency's minor units.
    pub total_amount: i64,
    /// The amount as the console writes it (English).
    pub amount: String,
}

/// A `successful_payment` service message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ShownPayment {
    pub currency: String,
    pub total_amount: i64,
    /// The amount as the console writes it (English).
    pub amount: String,
}

/// The chat at a version of the fake's state.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Transcript {
    pub version: u64,
    pub messages: Vec<Shown>,
}

impl Shown {
    /// The message as one piece of text, for a terminal: the photo, the
    /// text, and what an invoice or a payment says.
    pub fn as_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(photo) = &self.photo {
            parts.push(format!("[photo {photo}]"));
        }
        if !self.text.is_empty() || (self.invoice.is_none() && self.payment.is_none()) {
            parts.push(self.text.clone());
        }
        if let Some(i) = &self.invoice {
            parts.push(format!(
                "[invoice] {} – {}\n{}",
                i.title, i.amount, i.description
            ));
        }
        if let Some(p) = &self.payment {
            parts.push(format!("[payment of {} received]", p.amount));
        }
        parts.join("\n")
    }
}

fn amount_text(currency: &str, total: i64) -> String {
    format_money(Lang::En, total, currency)
}

/// The message `m` as the chat shows it.
pub fn shown(m: ShownMessage) -> Shown {
    let buttons = m
        .reply_markup
        .as_ref()
        .and_then(|k| k["inline_keyboard"].as_array())
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    row.as_array()
                        .map(|r| r.iter().map(button).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let invoice = m.json.get("invoice").map(|i| {
        let currency = s(&i["currency"]);
        let total_amount = i["total_amount"].as_i64().unwrap_or(0);
        ShownInvoice {
            title: s(&i["title"]),
            description: s(&i["description"]),
            amount: amount_text(&currency, total_amount),
            currency,
            total_amount,
        }
    });
    let payment = m.json.get("successful_payment").map(|p| {
        let currency = s(&p["currency"]);
        let total_amount = p["total_amount"].as_i64().unwrap_or(0);
        ShownPayment {
            amount: amount_text(&currency, total_amount),
            currency,
            total_amount,
        }
    });
    Shown {
        message_id: m.message_id,
        from_bot: m.from_bot,
        text: m.text.or(m.caption).unwrap_or_default(),
        edited: m.edited,
        buttons,
        photo: m.photo,
        invoice,
        payment,
    }
}

fn button(b: &Value) -> Button {
    let s = |v: &Value| v.as_str().map(String::from);
    let web_app = s(&b["web_app"]["url"]);
    Button {
        text: s(&b["text"]).unwrap_or_default(),
        data: s(&b["callback_data"]),
        web_app: web_app.is_some(),
        url: s(&b["url"]).or(web_app),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(json: Value, text: Option<&str>, markup: Option<Value>) -> ShownMessage {
        ShownMessage {
            message_id: 7,
            from_bot: true,
            text: text.map(String::from),
            caption: None,
            photo: None,
            parse_mode: None,
            reply_markup: markup,
            edited: false,
            json,
        }
    }

    #[test]
    fn buttons_say_whether_they_call_back_link_or_open_the_app() {
        let markup = json!({ "inline_keyboard": [[
            { "text": "Pay", "callback_data": "1:pay" },
            { "text": "Open", "url": "https://t.me/b/app?startapp=order_1" },
            { "text": "Menu", "web_app": { "url": "http://127.0.0.1:8080/app/" } },
        ]] });
        let m = shown(message(json!({}), Some("hi"), Some(markup)));
        let row = &m.buttons[0];
        assert_eq!(row[0].data.as_deref(), Some("1:pay"));
        assert!(!row[0].web_app && row[0].url.is_none());
        assert_eq!(
            row[1].url.as_deref(),
            Some("https://t.me/b/app?startapp=order_1")
        );
        assert!(!row[1].web_app);
        assert_eq!(row[2].url.as_deref(), Some("http://127.0.0.1:8080/app/"));
        assert!(row[2].web_app);
        assert_eq!(m.as_text(), "hi");
    }

    #[test]
    fn an_invoice_and_a_payment_show_their_amounts() {
        let invoice = json!({ "invoice": { "title": "Order #ab12", "description": "2 × Margherita",
            "currency": "EUR", "total_amount": 1780 } });
        let m = shown(message(invoice, None, None));
        let i = m.invoice.clone().unwrap();
        assert_eq!(
            (i.title.as_str(), i.total_amount, i.amount.as_str()),
            ("Order #ab12", 1780, "€17.80")
        );
        assert_eq!(
            m.as_text(),
            "[invoice] Order #ab12 – €17.80\n2 × Margherita"
        );
        let paid = json!({ "successful_payment": { "currency": "XTR", "total_amount": 25 } });
        let m = shown(message(paid, None, None));
        assert_eq!(m.payment.as_ref().unwrap().amount, "⭐\u{a0}25");
        assert_eq!(m.as_text(), "[payment of ⭐\u{a0}25 received]");
    }
}
