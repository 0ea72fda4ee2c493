//! `foodbot chat`: a terminal chat with the offline demo's bot, as a demo
//! user, through the real pipeline (see `crate::telegram::demo`).
//!
//! Type a message or a command (`/start`, `/menu`, `/orders`, `/reorder`, …);
//! type a button's number to press it. Replies are printed as Telegram would
//! show them: text, then the buttons, numbered. `/quit` or end of input ends
//! the chat.

use crate::telegram::demo::{Button, Shown, Transcript};
use anyhow::Context;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct ChatArgs {
    /// The running server (started with `make run`, no BOT_TOKEN).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The demo user's Telegram id.
    #[arg(long, default_value_t = 1001)]
    pub user: i64,
    /// The Telegram client's language (`en`, `de`, `ar`, …).
    #[arg(long, default_value = "en")]
    pub language: String,
}

/// How long the bot has to start answering.
const ANSWER: Duration = Duration::from_secs(10);

/// After the first change, further messages of one reply (a category's
/// items) are awaited this long.
const SETTLE: Duration = Duration::from_millis(400);

struct Session {
    http: reqwest::Client,
    base: String,
    args: ChatArgs,
    version: u64,
    /// What was printed of each message, to print only what changed.
    printed: HashMap<i64, Shown>,
    /// The buttons that calls back, by the number printed beside them.
    numbered: Vec<(i64, Button)>,
}

pub async fn run(args: ChatArgs, input: impl BufRead, out: &mut impl Write) -> anyhow::Result<()> {
    let mut s = Session {
        http: reqwest::Client::new(),
        base: format!(
            "{}/demo/chat/{}",
            args.server.trim_end_matches('/'),
            args.user
        ),
        args,
        version: 0,
        printed: HashMap::new(),
        numbered: vec![],
    };
    let first = s.fetch(None, None).await.with_context(|| {
        format!(
            "no offline demo at {}: start the server without BOT_TOKEN (`make run`)",
            s.args.server
        )
    })?;
    s.show(first, out)?;
    writeln!(
        out,
        "Type a message, /start to begin, a number to press a button, /quit to leave."
    )?;
    for line in input.lines() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/quit" {
            break;
        }
        if let Ok(n) = line.parse::<usize>() {
            let Some((message_id, button)) =
                n.checked_sub(1).and_then(|i| s.numbered.get(i)).cloned()
            else {
                writeln!(out, "(no button {n})")?;
                continue;
            };
            match (&button.data, &button.url) {
                (Some(data), _) => {
                    let body = serde_json::json!({ "message_id": message_id, "data": data });
                    s.post("presses", body).await?;
                }
                (None, Some(url)) => {
                    writeln!(out, "(opens {url})")?;
                    continue;
                }
                (None, None) => continue,
            }
        } else {
            let body = serde_json::json!({ "text": line, "language_code": s.args.language });
            s.post("messages", body).await?;
        }
        s.await_reply(out).await?;
    }
    Ok(())
}

impl Session {
    async fn fetch(
        &self,
        version: Option<u64>,
        wait: Option<Duration>,
    ) -> anyhow::Result<Transcript> {
        let mut req = self.http.get(&self.base);
        if let Some(v) = version {
            let wait = wait.unwrap_or(ANSWER).as_millis().max(1).to_string();
            req = req.query(&[("version", v.to_string()), ("wait_ms", wait)]);
        }
        Ok(req.send().await?.error_for_status()?.json().await?)
    }

    async fn post(&self, what: &str, body: serde_json::Value) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/{what}", self.base))
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Waits for the bot to answer, then for the rest of its answer.
    async fn await_reply(&mut self, out: &mut impl Write) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + ANSWER;
        let mut answered = false;
        loop {
            let wait = if answered {
                SETTLE
            } else {
                deadline.saturating_duration_since(tokio::time::Instant::now())
            };
            if wait.is_zero() {
                break;
            }
            let t = self.fetch(Some(self.version), Some(wait)).await?;
            let changed = self.show(t, out)?;
            if changed {
                answered = true;
            } else if answered {
                return Ok(());
            }
        }
        writeln!(out, "(no answer)")?;
        Ok(())
    }

    /// Prints the bot's new and edited messages; true when there were any.
    fn show(&mut self, t: Transcript, out: &mut impl Write) -> anyhow::Result<bool> {
        self.version = t.version;
        let mut changed = false;
        for m in t.messages {
            if self.printed.get(&m.message_id) == Some(&m) {
                continue;
            }
            let edited = self.printed.contains_key(&m.message_id);
            self.printed.insert(m.message_id, m.clone());
            if !m.from_bot {
                continue;
            }
            changed = true;
            let mark = if edited { "bot (edited)" } else { "bot" };
            writeln!(out, "\n{mark}: {}", m.as_text())?;
            if m.buttons.iter().any(|r| !r.is_empty()) {
                self.numbered.clear();
            }
            for row in &m.buttons {
                let labels: Vec<String> = row
                    .iter()
                    .map(|b| {
                        self.numbered.push((m.message_id, b.clone()));
                        match (&b.data, &b.url) {
                            (None, Some(url)) => {
                                format!("[{}] {} ↗ {url}", self.numbered.len(), b.text)
                            }
                            _ => format!("[{}] {}", self.numbered.len(), b.text),
                        }
                    })
                    .collect();
                writeln!(out, "  {}", labels.join("   "))?;
            }
        }
        out.flush()?;
        Ok(changed)
    }
}
