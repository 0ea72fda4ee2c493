//! Statements counted and timed on the client, as a stand-in for pg_stat_statements:
//! sqlx reports every statement it runs as a `sqlx::query` tracing event with its SQL
//! and elapsed time (one round trip each). Counting is off unless switched on, and
//! then costs a few microseconds per statement. Other warnings and errors go to stderr.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Statement text → (executions, seconds).
static STATS: LazyLock<Mutex<HashMap<String, (u64, f64)>>> = LazyLock::new(Default::default);

const TARGET: &str = "sqlx::query";

struct Counter;

#[derive(Default)]
struct Fields {
    summary: String,
    statement: String,
    elapsed: f64,
    message: String,
}

impl Visit for Fields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = value;
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.to_string(),
            "message" => self.message = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}

impl<S: Subscriber> Layer<S> for Counter {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.target() == TARGET {
            Interest::sometimes()
        } else if *meta.level() <= Level::WARN {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        if meta.target() == TARGET {
            COUNTING.load(Ordering::Relaxed)
        } else {
            *meta.level() <= Level::WARN
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        if meta.target() != TARGET {
            eprintln!("  {} {}: {}", meta.level(), meta.target(), fields.message);
            return;
        }
        let sql = if fields.statement.trim().is_empty() {
            fields.summary
        } else {
            fields.statement
        };
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut stats = STATS.lock().unwrap_or_else(|e| e.into_inner());
        let entry = stats.entry(sql).or_default();
        entry.0 += 1;
        entry.1 += fields.elapsed;
    }
}

/// Installs the counter as the process's tracing subscriber.
pub(crate) fn install() {
    tracing_subscriber::registry().with(Counter).init();
}

/// Starts counting from zero.
pub(crate) fn start() {
    STATS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    COUNTING.store(true, Ordering::Relaxed);
}

/// Stops counting; returns (statement, executions, seconds), dearest first.
pub(crate) fn stop() -> Vec<(String, u64, f64)> {
    COUNTING.store(false, Ordering::Relaxed);
    let stats = std::mem::take(&mut *STATS.lock().unwrap_or_else(|e| e.into_inner()));
    let mut out: Vec<_> = stats.into_iter().map(|(s, (n, t))| (s, n, t)).collect();
    out.sort_by(|a, b| b.2.total_cmp(&a.2));
    out
}
