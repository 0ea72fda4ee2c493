//! What the fake Bot API remembers: the calls it got, the chats as users would see them, the
//! update queue, and the bot's settings (webhook, commands, menu button, descriptions).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Instant, SystemTime};

use serde_json::{json, Value};

use super::faults::{Fault, FaultPlan};

/// One request the fake received, faulted or not.
#[derive(Debug, Clone)]
pub struct Call {
    /// Position among all calls to this fake, from 1.
    pub seq: u64,
    /// Wall-clock time of arrival.
    pub at: SystemTime,
    /// Monotonic time of arrival, for measuring gaps between calls.
    pub instant: Instant,
    /// The token from the URL (the fake's own token is a test value, never a real one).
    pub token: String,
    /// The method name as the client spelled it.
    pub method: String,
    /// The parameters, from JSON, a form or multipart, as one JSON object.
    pub body: Value,
    /// The fault ordered for this call, if it got one.
    pub fault: Option<Fault>,
    /// The HTTP status of the answer; `None` while a long poll is still waiting.
    pub status: Option<u16>,
    /// The `result` of a successful answer.
    pub result: Option<Value>,
}

impl Call {
    /// Whether this is a call to `method` (compared as Telegram does, ignoring case).
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }
}

/// A message as it currently shows in a chat, after edits; deleted messages are gone.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMessage {
    pub message_id: i64,
    /// Whether the bot sent it (the rest are users' messages pushed as updates).
    pub from_bot: bool,
    pub text: Option<String>,
    pub caption: Option<String>,
    /// The photo as the bot gave it (URL or file id).
    pub photo: Option<String>,
    pub parse_mode: Option<String>,
    pub reply_markup: Option<Value>,
    pub edited: bool,
    /// The message as Telegram would return it now.
    pub json: Value,
}

/// The last `setWebhook`, as the fake keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub url: String,
    pub secret_token: Option<String>,
    pub allowed_updates: Option<Value>,
    pub max_connections: Option<u64>,
}

#[derive(Default)]
pub(super) struct State {
    pub calls: Vec<Call>,
    pub chats: BTreeMap<i64, Vec<ShownMessage>>,
    pub last_message_id: HashMap<i64, i64>,
    pub updates: VecDeque<Value>,
    pub next_update_id: i64,
    pub webhook: Option<Webhook>,
    /// Commands per (scope JSON, language code).
    pub commands: HashMap<(String, String), Value>,
    /// Menu button per chat id (`None` for the default button).
    pub menu_buttons: HashMap<Option<i64>, Value>,
    pub descriptions: HashMap<String, String>,
    pub short_descriptions: HashMap<String, String>,
    pub faults: FaultPlan,
    pub next_file: u64,
}

impl State {
    pub fn record(&mut self, token: &str, method: &str, body: Value) -> usize {
        let seq = self.calls.len() as u64 + 1;
        self.calls.push(Call {
            seq,
            at: SystemTime::now(),
            instant: Instant::now(),
            token: token.to_owned(),
            method: method.to_owned(),
            body,
            fault: None,
            status: None,
            result: None,
        });
        self.calls.len() - 1
    }

    /// Queues an update for `getUpdates`, numbering it if it has no id, and shows a user's
    /// message in its chat. Returns the update id.
    pub fn push_update(&mut self, mut update: Value) -> i64 {
        let id = match update["update_id"].as_i64() {
            Some(id) => id,
            None => {
                let id = self.next_update_id.max(1);
                update["update_id"] = json!(id);
                id
            }
        };
        self.next_update_id = self.next_update_id.max(id + 1);
        let update = self.show_update(&update);
        self.updates.push_back(update);
        id
    }

    /// Shows the message carried by a user's update in its chat's transcript.
    /// Returns the update as shown (its message renumbered if need be).
    pub fn show_update(&mut self, update: &Value) -> Value {
        let message = &update["message"];
        let (Some(chat), Some(id)) = (
            message["chat"]["id"].as_i64(),
            message["message_id"].as_i64(),
        ) else {
            return update.clone();
        };
        // Message ids are the chat's own sequence, shared with the bot's
        // messages: an id the chat has already given out is taken anew.
        let mut update = update.clone();
        let id = if self
            .last_message_id
            .get(&chat)
            .is_some_and(|last| *last >= id)
        {
            let fresh = self.next_message_id(chat);
            update["message"]["message_id"] = json!(fresh);
            fresh
        } else {
            self.last_message_id.insert(chat, id);
            id
        };
        let message = &update["message"];
        self.chats.entry(chat).or_default().push(ShownMessage {
            message_id: id,
            from_bot: false,
            text: message["text"].as_str().map(str::to_owned),
            caption: message["caption"].as_str().map(str::to_owned),
            photo: None,
            parse_mode: None,
            reply_markup: None,
            edited: false,
            json: message.clone(),
        });
        update
    }

    pub fn next_message_id(&mut self, chat: i64) -> i64 {
        let last = self.last_message_id.entry(chat).or_default();
        *last += 1;
        *last
    }

    pub fn shown_mut(&mut self, chat: i64, message_id: i64) -> Option<&mut ShownMessage> {
        self.chats
            .get_mut(&chat)?
            .iter_mut()
            .find(|m| m.message_id == message_id)
    }

    /// Drops the updates before `offset` (they are confirmed) and returns up to `limit` of the
    /// rest; a negative offset counts from the end, as Telegram's does.
    pub fn take_updates(&mut self, offset: i64, limit: usize) -> Vec<Value> {
        if offset < 0 {
            let skip = self
                .updates
                .len()
                .saturating_sub(offset.unsigned_abs() as usize);
            return self
                .updates
                .iter()
                .skip(skip)
                .take(limit)
                .cloned()
                .collect();
        }
        self.updates
            .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
        self.updates.iter().take(limit).cloned().collect()
    }

    pub fn new_file_id(&mut self) -> String {
        self.next_file += 1;
        format!("AgACAgfake{:08}", self.next_file)
    }
}
