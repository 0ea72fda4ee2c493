//! Measuring: the counted window of a run, the latencies and throughput its clients
//! record, and the figures a table shows.

use crate::{RUN, WARMUP};
use anyhow::Result;
use hdrhistogram::Histogram;
use std::time::{Duration, Instant};

/// Latency and throughput of one concurrency level. Latencies are in milliseconds.
#[derive(Clone, Copy, Default)]
pub(crate) struct Figures {
    pub(crate) rate: f64,
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    /// Mean latency of commands 1-5 and 16-20 on an order (workload b only).
    pub(crate) early: f64,
    pub(crate) late: f64,
}

/// The part of a run whose commands are counted: after the warm-up, before the end.
#[derive(Clone, Copy)]
pub(crate) struct Window {
    from: Instant,
    until: Instant,
}

impl Window {
    pub(crate) fn start() -> Window {
        let now = Instant::now();
        Window {
            from: now + WARMUP,
            until: now + WARMUP + RUN,
        }
    }

    pub(crate) fn open(&self) -> bool {
        Instant::now() < self.until
    }
}

pub(crate) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

/// What clients measured, in microseconds: every timed command, and commands 1-5 and
/// 16-20 on an order (workload b). `busy` is the time spent in timed commands.
pub(crate) struct Tally {
    all: Histogram<u64>,
    early: Histogram<u64>,
    late: Histogram<u64>,
    busy: Duration,
}

impl Tally {
    pub(crate) fn new() -> Tally {
        let busy = Duration::ZERO;
        Tally {
            all: histogram(),
            early: histogram(),
            late: histogram(),
            busy,
        }
    }

    /// Counts a command that began at `start` and has just finished; `step` is its place
    /// among the commands sent to one order (0 outside workload b).
    pub(crate) fn record(&mut self, window: &Window, start: Instant, step: usize) {
        let took = start.elapsed();
        if start >= window.from && start < window.until {
            let micros = took.as_micros().max(1) as u64;
            self.all.saturating_record(micros);
            self.busy += took;
            match step {
                1..=5 => self.early.saturating_record(micros),
                16..=20 => self.late.saturating_record(micros),
                _ => {}
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Tally) -> Result<()> {
        self.all.add(other.all)?;
        self.early.add(other.early)?;
        self.late.add(other.late)?;
        self.busy += other.busy;
        Ok(())
    }

    /// Throughput counts only the timed commands: each client's rate over the time it spent
    /// in them, summed over the clients (in workload a that is simply commands / run time).
    pub(crate) fn figures(&self, clients: usize) -> Figures {
        let busy_per_client = self.busy.as_secs_f64() / clients as f64;
        Figures {
            rate: self.all.len() as f64 / busy_per_client.max(1e-9),
            early: self.early.mean() / 1e3,
            late: self.late.mean() / 1e3,
            ..percentiles(&self.all)
        }
    }
}

/// Median and 99th percentile of a histogram in microseconds, as milliseconds.
pub(crate) fn percentiles(micros: &Histogram<u64>) -> Figures {
    let ms = |q| micros.value_at_quantile(q) as f64 / 1e3;
    Figures {
        p50: ms(0.50),
        p99: ms(0.99),
        ..Figures::default()
    }
}
