//! How fast the sender may go: Telegram's limits, kept with `governor`, and
//! the pause a 429 asks for.
//!
//! Telegram allows a bot about 30 messages a second in all, about one a
//! second to one private chat and 20 a minute to one group (negative chat
//! ids). Each limit is a GCRA limiter with a burst of one, so messages are
//! spaced evenly; the spacing is 2% wider than the limit's, so that jitter on
//! the way to Telegram never makes it count more in any one second. A 429's
//! `retry_after` is Telegram's flood control for the whole bot: [`Limits::pause`]
//! stops every send of this process until it has passed.
//!
//! A send [`acquire`](Limits::acquire)s, in this order: the end of any pause,
//! a cell of the global limiter, then its chat's cell, without waiting for
//! the latter: a chat that is not ready yet costs the global cell, and the
//! send waits for the chat and starts over. So both cells are taken right
//! before the request leaves, and the spacing Telegram sees is the limiters'.

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How much wider than the limit messages are spaced.
const MARGIN: f64 = 1.02;

/// The limits, in Telegram's terms; 0 lifts one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub global_per_sec: u32,
    pub chat_per_sec: u32,
    pub group_per_min: u32,
}

impl Rates {
    /// Telegram's published limits.
    pub const TELEGRAM: Rates = Rates {
        global_per_sec: 30,
        chat_per_sec: 1,
        group_per_min: 20,
    };

    /// No limits at all.
    pub const NONE: Rates = Rates {
        global_per_sec: 0,
        chat_per_sec: 0,
        group_per_min: 0,
    };
}

/// One message per `period / count`, widened by the margin; `None` for 0.
fn quota(count: u32, period: Duration) -> Option<Quota> {
    (count > 0)
        .then(|| Quota::with_period(period.mul_f64(MARGIN / f64::from(count))))
        .flatten()
}

/// The sender's limiters and its pause.
pub struct Limits {
    global: Option<DefaultDirectRateLimiter>,
    chats: Option<DefaultKeyedRateLimiter<i64>>,
    groups: Option<DefaultKeyedRateLimiter<i64>>,
    paused_until: Mutex<Option<Instant>>,
}

impl Limits {
    pub fn new(rates: Rates) -> Limits {
        let second = Duration::from_secs(1);
        Limits {
            global: quota(rates.global_per_sec, second).map(RateLimiter::direct),
            chats: quota(rates.chat_per_sec, second).map(RateLimiter::keyed),
            groups: quota(rates.group_per_min, Duration::from_secs(60)).map(RateLimiter::keyed),
            paused_until: Mutex::new(None),
        }
    }

    /// Stops every send for `wait` (from now), or longer if a pause is on.
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock();
        if paused.is_none_or(|p| p < until) {
            *paused = Some(until);
        }
    }

    /// When the pause ends, if one is on.
    pub fn paused_until(&self) -> Option<Instant> {
        let paused = *self.paused_until.lock();
        paused.filter(|p| *p > Instant::now())
    }

    /// Waits until a message to `chat` may leave now, and takes its cells.
    pub async fn acquire(&self, chat: i64) {
        loop {
            while let Some(until) = self.paused_until() {
                tokio::time::sleep_until(until).await;
            }
            if let Some(global) = &self.global {
                global.until_ready().await;
            }
            // A 429 may have come while this waited for its turn.
            if self.paused_until().is_some() {
                continue;
            }
            let limiter = if chat < 0 { &self.groups } else { &self.chats };
            let Some(limiter) = limiter else {
                return;
            };
            match limiter.check_key(&chat) {
                Ok(()) => return,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(limiter.clock().now());
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Forgets chats whose limiters are full again, so that the state does
    /// not grow with every chat ever written to.
    pub fn forget_idle(&self) {
        for limiter in [&self.chats, &self.groups].into_iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_chat_gets_one_message_a_second_and_groups_one_every_three() {
        let limits = Limits::new(Rates::TELEGRAM);
        let start = std::time::Instant::now();
        limits.acquire(7).await;
        limits.acquire(8).await;
        assert!(start.elapsed() < Duration::from_millis(500));
        limits.acquire(7).await;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(1020), "{waited:?}");
        assert!(waited < Duration::from_millis(1500), "{waited:?}");
        limits.acquire(-100).await;
        let group = Limits::new(Rates {
            global_per_sec: 0,
            chat_per_sec: 0,
            group_per_min: 20,
        });
        group.acquire(-100).await;
        assert!(group.global.is_none() && group.chats.is_none());
    }

    #[tokio::test]
    async fn a_pause_holds_every_send() {
        let limits = Limits::new(Rates::NONE);
        limits.pause(Duration::from_millis(300));
        limits.pause(Duration::from_millis(100));
        let start = std::time::Instant::now();
        limits.acquire(1).await;
        assert!(start.elapsed() >= Duration::from_millis(290));
        assert!(limits.paused_until().is_none());
    }

    #[tokio::test]
    async fn the_global_limit_spaces_messages_evenly() {
        let limits = Limits::new(Rates {
            global_per_sec: 50,
            chat_per_sec: 0,
            group_per_min: 0,
        });
        let start = std::time::Instant::now();
        for chat in 0..11 {
            limits.acquire(chat).await;
        }
        // Ten gaps of 20.4 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }
}
