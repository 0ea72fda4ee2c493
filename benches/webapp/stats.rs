//! Latencies in microseconds, kept in HDR histograms, and read back as milliseconds.

use hdrhistogram::Histogram;
use std::time::Duration;

pub(crate) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

pub(crate) fn record(h: &mut Histogram<u64>, took: Duration) {
    h.saturating_record(took.as_micros().max(1) as u64);
}

/// The latency at quantile `q`, in milliseconds.
pub(crate) fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1e3
}

pub(crate) fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}
