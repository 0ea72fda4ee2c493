//! How the fake answers each Bot API method it knows, with results teloxide decodes into its
//! types. Messages the bot sends land in the chat transcripts, edits change them and deletes
//! remove them, with Telegram's errors for edits that change nothing and for unknown messages.

use serde_json::{json, Value};

use super::faults::NOT_MODIFIED;
use super::state::{ShownMessage, State, Webhook};
use super::updates;

/// A method's `result`, or the status and description of Telegram's error.
pub(super) type Answer = Result<Value, (u16, String)>;

fn bad_request(what: &str) -> (u16, String) {
    (400, format!("Bad Request: {what}"))
}

fn text(p: &Value, key: &str) -> Option<String> {
    p[key].as_str().map(str::to_owned)
}

fn chat_id(p: &Value) -> Result<i64, (u16, String)> {
    match &p["chat_id"] {
        Value::Number(n) => n.as_i64().ok_or_else(|| bad_request("chat not found")),
        Value::String(s) => s.parse().map_err(|_| bad_request("chat not found")),
        Value::Null => Err(bad_request("chat_id is empty")),
        _ => Err(bad_request("chat not found")),
    }
}

fn language(p: &Value) -> String {
    text(p, "language_code").unwrap_or_default()
}

/// Answers `method` (lower case) with parameters `p`; `None` when the method is unknown.
pub(super) fn answer(state: &mut State, me: &Value, method: &str, p: &Value) -> Option<Answer> {
    let done = Ok(json!(true));
    Some(match method {
        "getme" => Ok(me.clone()),
        "sendmessage" => match text(p, "text").filter(|t| !t.trim().is_empty()) {
            Some(_) => send(state, me, p, |_, _| {}),
            None => Err(bad_request("message text is empty")),
        },
        "sendphoto" => {
            let photo = match &p["photo"] {
                Value::String(s) => s.clone(),
                Value::Object(_) => state.new_file_id(),
                _ => return Some(Err(bad_request("there is no photo in the request"))),
            };
            let file_id = if photo.starts_with("http") {
                state.new_file_id()
            } else {
                photo.clone()
            };
            send(state, me, p, move |message, shown| {
                message["photo"] = json!([
                    { "file_id": format!("{file_id}s"), "file_unique_id": format!("{file_id}us"),
                      "width": 90, "height": 90, "file_size": 1_024 },
                    { "file_id": file_id.clone(), "file_unique_id": format!("{file_id}u"),
                      "width": 800, "height": 800, "file_size": 65_536 },
                ]);
                shown.photo = Some(photo);
            })
        }
        "sendinvoice" | "createinvoicelink" if invoice_problem(p).is_some() => {
            Err(bad_request(&invoice_problem(p).unwrap_or_default()))
        }
        "sendinvoice" => send(state, me, p, |message, _| {
            message["invoice"] = json!({
                "title": p["title"], "description": p["description"],
                "start_parameter": p["start_parameter"].as_str().unwrap_or(""),
                "currency": p["currency"], "total_amount": total(p),
            });
        }),
        "editmessagetext" => edit(state, p, Edit::Text),
        "editmessagecaption" => edit(state, p, Edit::Caption),
        "editmessagereplymarkup" => edit(state, p, Edit::Markup),
        "deletemessage" => delete(state, p),
        "answercallbackquery"
        | "answerinlinequery"
        | "answerprecheckoutquery"
        | "answershippingquery"
        | "refundstarpayment" => done,
        "answerwebappquery" => {
            Ok(json!({ "inline_message_id": format!("web-app-{}", state.new_file_id()) }))
        }
        "createinvoicelink" => Ok(json!(format!(
            "https://t.me/$fakeinvoice{}",
            state.new_file_id()
        ))),
        "setwebhook" => match text(p, "url") {
            Some(url) if url.is_empty() => {
                state.webhook = None;
                done
            }
            Some(url) => {
                state.webhook = Some(Webhook {
                    url,
                    secret_token: text(p, "secret_token"),
                    allowed_updates: p.get("allowed_updates").cloned(),
                    max_connections: p["max_connections"].as_u64(),
                });
                done
            }
            None => Err(bad_request("bad webhook: URL must be provided")),
        },
        "deletewebhook" => {
            state.webhook = None;
            if p["drop_pending_updates"].as_bool() == Some(true) {
                state.updates.clear();
            }
            done
        }
        "getwebhookinfo" => Ok(webhook_info(state)),
        "setmycommands" => {
            let key = (p["scope"].to_string(), language(p));
            state.commands.insert(key, p["commands"].clone());
            done
        }
        "deletemycommands" => {
            state
                .commands
                .remove(&(p["scope"].to_string(), language(p)));
            done
        }
        "getmycommands" => {
            let key = (p["scope"].to_string(), language(p));
            Ok(state
                .commands
                .get(&key)
                .cloned()
                .unwrap_or_else(|| json!([])))
        }
        "setchatmenubutton" => {
            let button = p
                .get("menu_button")
                .cloned()
                .unwrap_or(json!({ "type": "default" }));
            state.menu_buttons.insert(p["chat_id"].as_i64(), button);
            done
        }
        "getchatmenubutton" => {
            let chat = p["chat_id"].as_i64();
            let fallback = state.menu_buttons.get(&None).cloned();
            let button = state.menu_buttons.get(&chat).cloned().or(fallback);
            Ok(button.unwrap_or_else(|| json!({ "type": "commands" })))
        }
        "setmydescription" => {
            state
                .descriptions
                .insert(language(p), text(p, "description").unwrap_or_default());
            done
        }
        "getmydescription" => {
            let found = state
                .descriptions
                .get(&language(p))
                .cloned()
                .unwrap_or_default();
            Ok(json!({ "description": found }))
        }
        "setmyshortdescription" => {
            let found = text(p, "short_description").unwrap_or_default();
            state.short_descriptions.insert(language(p), found);
            done
        }
        "getmyshortdescription" => {
            let found = state
                .short_descriptions
                .get(&language(p))
                .cloned()
                .unwrap_or_default();
            Ok(json!({ "short_description": found }))
        }
        _ => return None,
    })
}

/// What Telegram would refuse in an invoice: the limits on its texts, and
/// the rules of Stars (exactly one price, no provider token, no phone or
/// shipping fields) and of provider payments (a token).
fn invoice_problem(p: &Value) -> Option<String> {
    let chars = |key: &str| p[key].as_str().map_or(0, |t| t.chars().count());
    if !(1..=32).contains(&chars("title")) {
        return Some("invoice title must be 1-32 characters".into());
    }
    if !(1..=255).contains(&chars("description")) {
        return Some("invoice description must be 1-255 characters".into());
    }
    if !(1..=128).contains(&p["payload"].as_str().map_or(0, str::len)) {
        return Some("invoice payload must be 1-128 bytes".into());
    }
    let prices = p["prices"].as_array().map_or(0, Vec::len);
    let token = p["provider_token"].as_str().unwrap_or("");
    if p["currency"] == "XTR" {
        if prices != 1 {
            return Some("STARS_INVOICE_INVALID: exactly one price is required".into());
        }
        if !token.is_empty() {
            return Some("STARS_INVOICE_INVALID: no provider token for Stars".into());
        }
        for field in ["need_phone_number", "need_shipping_address", "is_flexible"] {
            if p[field].as_bool() == Some(true) {
                return Some(format!("STARS_INVOICE_INVALID: {field} is not allowed"));
            }
        }
    } else if token.is_empty() {
        return Some("PAYMENT_PROVIDER_INVALID".into());
    } else if prices == 0 {
        return Some("prices must not be empty".into());
    }
    None
}

fn total(p: &Value) -> i64 {
    p["prices"]
        .as_array()
        .map(|prices| {
            prices
                .iter()
                .filter_map(|price| price["amount"].as_i64())
                .sum()
        })
        .unwrap_or(0)
}

/// Only inline keyboards come back in a message; reply keyboards are not part of it.
fn inline_markup(markup: &Option<Value>) -> Option<Value> {
    markup
        .as_ref()
        .filter(|m| m.get("inline_keyboard").is_some())
        .cloned()
}

fn render(shown: &mut ShownMessage) {
    let message = &mut shown.json;
    if let Some(fields) = message.as_object_mut() {
        for key in ["text", "caption", "reply_markup"] {
            fields.remove(key);
        }
    }
    if let Some(text) = &shown.text {
        message["text"] = json!(text);
    }
    if let Some(caption) = &shown.caption {
        message["caption"] = json!(caption);
    }
    if let Some(markup) = inline_markup(&shown.reply_markup) {
        message["reply_markup"] = markup;
    }
}

/// Sends a message from the bot into the chat named by `p`, letting `fill` add the content
/// that is particular to the method.
fn send(
    state: &mut State,
    me: &Value,
    p: &Value,
    fill: impl FnOnce(&mut Value, &mut ShownMessage),
) -> Answer {
    let chat = chat_id(p)?;
    let message_id = state.next_message_id(chat);
    let mut json = json!({
        "message_id": message_id,
        "date": chrono::Utc::now().timestamp(),
        "chat": updates::chat(chat),
        "from": me_as_user(me),
    });
    let mut shown = ShownMessage {
        message_id,
        from_bot: true,
        text: text(p, "text"),
        caption: text(p, "caption"),
        photo: None,
        parse_mode: text(p, "parse_mode"),
        reply_markup: p.get("reply_markup").cloned(),
        edited: false,
        json: Value::Null,
    };
    fill(&mut json, &mut shown);
    shown.json = json;
    render(&mut shown);
    let answer = shown.json.clone();
    state.chats.entry(chat).or_default().push(shown);
    Ok(answer)
}

fn me_as_user(me: &Value) -> Value {
    json!({ "id": me["id"], "is_bot": true, "first_name": me["first_name"], "username": me["username"] })
}

enum Edit {
    Text,
    Caption,
    Markup,
}

fn edit(state: &mut State, p: &Value, what: Edit) -> Answer {
    if p.get("inline_message_id").is_some() {
        return Ok(json!(true));
    }
    let chat = chat_id(p)?;
    let message_id = p["message_id"].as_i64().unwrap_or(0);
    let shown = state
        .shown_mut(chat, message_id)
        .ok_or_else(|| bad_request("message to edit not found"))?;
    let mut next = shown.clone();
    next.reply_markup = p.get("reply_markup").cloned();
    match what {
        Edit::Text if shown.text.is_none() => {
            return Err(bad_request("there is no text in the message to edit"))
        }
        Edit::Text => next.text = text(p, "text"),
        Edit::Caption if shown.photo.is_none() && shown.caption.is_none() => {
            return Err(bad_request("there is no caption in the message to edit"))
        }
        Edit::Caption => next.caption = text(p, "caption"),
        Edit::Markup => {}
    }
    if next.text == shown.text
        && next.caption == shown.caption
        && next.reply_markup == shown.reply_markup
    {
        return Err((400, NOT_MODIFIED.to_owned()));
    }
    if let Some(mode) = text(p, "parse_mode") {
        next.parse_mode = Some(mode);
    }
    next.edited = true;
    next.json["edit_date"] = json!(chrono::Utc::now().timestamp());
    render(&mut next);
    *shown = next;
    Ok(shown.json.clone())
}

fn delete(state: &mut State, p: &Value) -> Answer {
    let chat = chat_id(p)?;
    let message_id = p["message_id"].as_i64().unwrap_or(0);
    let messages = state.chats.get_mut(&chat);
    let position = messages
        .as_ref()
        .and_then(|m| m.iter().position(|m| m.message_id == message_id));
    match (messages, position) {
        (Some(messages), Some(at)) => {
            messages.remove(at);
            Ok(json!(true))
        }
        _ => Err(bad_request("message to delete not found")),
    }
}

/// `getWebhookInfo`: the last webhook, with `has_secret_token` (a field of the fake only)
/// saying whether a secret was set, and never the secret itself.
fn webhook_info(state: &State) -> Value {
    let pending = state.updates.len();
    match &state.webhook {
        None => {
            json!({ "url": "", "has_custom_certificate": false, "pending_update_count": pending })
        }
        Some(hook) => {
            let mut info = json!({
                "url": hook.url,
                "has_custom_certificate": false,
                "pending_update_count": pending,
                "has_secret_token": hook.secret_token.is_some(),
            });
            if let Some(allowed) = &hook.allowed_updates {
                info["allowed_updates"] = allowed.clone();
            }
            if let Some(max) = hook.max_connections {
                info["max_connections"] = json!(max);
            }
            info
        }
    }
}
