//! The tables the benchmark prints on stdout.

use crate::live::{Live, RATE, RUN, SAMPLE, WAIT};
use crate::measure::{Rate, Slice, BOX, COPY_OUT, FINISH_WITHIN, SLICE};
use crate::Figures;

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1e3
}

/// How a rate was measured: over the whole log, or over its start and extrapolated.
fn how(rate: &Rate, total: u64) -> String {
    if rate.complete {
        format!("all {} events in {:.1} s", rate.events, rate.secs)
    } else {
        let whole = rate.secs * total as f64 / rate.events.max(1) as f64;
        format!(
            "EXTRAPOLATED from the first {} events (stopped after {:.1} s): the whole log would take ~{:.1} min",
            rate.events,
            rate.secs,
            whole / 60.0
        )
    }
}

pub(crate) fn baseline(
    events: u64,
    first: f64,
    secs: f64,
    bytes: u64,
    dev_null: &Result<f64, String>,
) {
    println!("\nbaseline: raw PostgreSQL");
    println!("  {COPY_OUT}, streamed to this process and dropped:");
    println!(
        "    {events} events, {:.1} MB in {secs:.2} s (first of two runs {first:.2} s): {:.0} events/s  <- 1.00x in every ratio below",
        bytes as f64 / 1e6,
        events as f64 / secs
    );
    match dev_null {
        Ok(s) => println!(
            "  the same COPY to '/dev/null' on the server: {s:.2} s, {:.0} events/s",
            events as f64 / s
        ),
        Err(e) => println!("  the same COPY to '/dev/null' on the server: skipped ({e})"),
    }
}

pub(crate) fn audit(events: u64, copy_secs: f64, (audit, payments): (Rate, u64), reads: &[Rate]) {
    let copy = events as f64 / copy_secs;
    println!("\naudit replay");
    println!(
        "  foodbot audit replay --payments (the binary, stdout piped here): {events} events in {:.2} s, {:.0} events/s, {:.3}x COPY; {payments} payment events printed",
        audit.secs,
        audit.per_sec(),
        audit.per_sec() / copy
    );
    println!("  its read loop in this process (5000 events per statement, one REPEATABLE READ transaction):");
    let ways = [
        "read_after (JSON values, then decoded)",
        "same statement, payload text decoded directly",
        "same statement, columns taken as text only",
    ];
    for (what, r) in ways.iter().zip(reads) {
        println!(
            "    {what:<46} {:>9.0} events/s  {:>6.1} µs/event  {:.3}x COPY  ({})",
            r.per_sec(),
            1e6 / r.per_sec(),
            r.per_sec() / copy,
            how(r, events)
        );
    }
}

pub(crate) fn rebuilds(f: &Figures) {
    let copy = f.events as f64 / f.copy_secs;
    println!(
        "\nrebuilds: TRUNCATE of the tables a reset empties, projector::reset, then projector::replay (as `foodbot projections rebuild`)"
    );
    println!("  stopped after {BOX:?} unless the whole log would take at most {FINISH_WITHIN:?}");
    for ((what, r), wal) in [
        ("all, outbox empty", &f.rebuild_all_first),
        ("all 8 read models", &f.rebuild_all),
        ("order_status alone", &f.rebuild_one),
    ]
    .into_iter()
    .zip(&f.wal)
    {
        println!(
            "  {what:<20} {:>9.0} events/s  {:.4}x COPY  {:>6.1} µs/event  {}",
            r.per_sec(),
            r.per_sec() / copy,
            1e6 / r.per_sec(),
            how(r, f.events)
        );
        println!(
            "  {:<20} WAL written {:.0} MB ({:.0} bytes/event); checkpoints during the run: {}",
            "",
            wal.bytes as f64 / 1e6,
            wal.bytes as f64 / r.events.max(1) as f64,
            wal.checkpoints
        );
    }
    println!(
        "  (all, outbox empty: the first projection of the log, as on a new database, so every"
    );
    println!("   notification is written; all 8 read models: rebuilt after that, as `foodbot projections");
    println!(
        "   rebuild --all` on a running system, when the outbox keeps its notifications and only"
    );
    println!("   checks that each is there)");
    println!("  (order_status alone: the other read models' checkpoints were set to the head first, so the");
    println!("   projector applies events to order_status only, as a one-model rebuild on a caught-up database)");
}

fn short(sql: &str, width: usize) -> String {
    if sql.chars().count() <= width {
        sql.to_string()
    } else {
        let cut: String = sql.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

pub(crate) fn slices(slices: &[Slice], floor: f64) {
    println!(
        "\nwhere a rebuild's time goes: each read model rebuilt alone for {SLICE:?} after TRUNCATE and reset (the others at the head),"
    );
    println!("every statement counted and timed by the client (one statement = one round trip)");
    println!("read model             events/s  µs/event  stmts/event  µs/stmt  waiting on PG");
    let mut alone = 0.0;
    for (i, s) in slices.iter().enumerate() {
        let per_event = 1e6 / s.rate.per_sec();
        if i > 0 {
            alone += per_event;
        }
        let n = s.executions() as f64;
        println!(
            "{:<20} {:>10.0}  {:>8.1}  {:>11.2}  {:>7.1}  {:>12.0}%",
            s.what,
            s.rate.per_sec(),
            per_event,
            n / s.rate.events.max(1) as f64,
            s.waited() * 1e6 / n.max(1.0),
            100.0 * s.waited() / s.rate.secs
        );
    }
    println!("sum of the models alone: {alone:.1} µs/event");
    println!(
        "floor: one prepared `SELECT $1` round trip on an idle connection costs {floor:.1} µs here"
    );
    let Some(all) = slices.first() else { return };
    println!(
        "\nstatements of the all-models rebuild, dearest first ({} events):",
        all.rate.events
    );
    println!("  per 1k events  mean µs  share of wall time  statement");
    for (sql, n, secs) in all.statements.iter().take(14) {
        println!(
            "  {:>13.2}  {:>7.1}  {:>17.1}%  {}",
            1000.0 * *n as f64 / all.rate.events.max(1) as f64,
            secs * 1e6 / *n as f64,
            100.0 * secs / all.rate.secs,
            short(sql, 110)
        );
    }
}

/// True when the stream ran at (nearly) the scheduled rate.
fn rate_reached(live: &Live) -> bool {
    live.sent as f64 / live.secs >= 0.95 * RATE as f64
}

pub(crate) fn live(live: &Live) {
    let held = if live.held_open {
        ", while another session holds a transaction open for the whole run"
    } else {
        ""
    };
    println!(
        "\nlive lag{held}: the real server (Server::build_with, its projector running), {RATE} commands/s scheduled"
    );
    println!(
        "open-loop for {RUN:?} through the app layer (create_order / order_command, 200 customers, 9-11 commands per order"
    );
    println!(
        "with payments, one order in five rejected and refunded); lag = command returned -> every served read model"
    );
    println!(
        "has its events (wait_for's check, made once per projector step), sampled for 1 in {SAMPLE} commands"
    );
    println!(
        "  commands: {} in {:.1} s = {:.0} commands/s achieved; {} events = {:.0} events/s",
        live.sent,
        live.secs,
        live.sent as f64 / live.secs,
        live.events,
        live.events as f64 / live.secs
    );
    let l = &live.latency;
    println!(
        "  command latency, scheduled -> returned: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(l.value_at_quantile(0.5)),
        ms(l.value_at_quantile(0.99)),
        ms(l.max())
    );
    let g = &live.lag;
    println!(
        "  lag: {} samples, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; timed out (> {WAIT:?}): {}",
        g.len(),
        ms(g.value_at_quantile(0.5)),
        ms(g.value_at_quantile(0.9)),
        ms(g.value_at_quantile(0.99)),
        ms(g.max()),
        live.timeouts
    );
    println!(
        "  projector: {} steps wrote ({} looked), {:.1} events per step written",
        live.steps_written,
        live.steps_looked,
        live.events as f64 / (live.steps_written as f64).max(1.0)
    );
    let windows = RUN.as_secs().div_ceil(5);
    let mut by_window: Vec<String> = Vec::new();
    for w in 0..windows {
        let mut lags: Vec<f64> = live
            .samples
            .iter()
            .filter(|(at, _)| (*at / 5.0) as u64 == w)
            .map(|(_, lag)| *lag)
            .collect();
        lags.sort_by(f64::total_cmp);
        if let Some(median) = lags.get(lags.len() / 2) {
            by_window.push(format!("{}-{} s: {:.0} ms", w * 5, w * 5 + 5, median * 1e3));
        }
    }
    println!(
        "  median lag by when the command returned: {}",
        by_window.join(", ")
    );
}

pub(crate) fn targets(f: &Figures) {
    let copy = f.events as f64 / f.copy_secs;
    println!("\ntargets (2-core machine; ratios to the COPY baseline of {copy:.0} events/s)");
    println!(
        "figure                          measured                      x COPY  target                            verdict"
    );
    let row = |what: &str, r: &Rate, at_least: f64, absolute: &str| {
        let ratio = r.per_sec() / copy;
        let note = if r.complete { "" } else { " (extrap.)" };
        println!(
            "{what:<31} {:>9.0} events/s{note:<11}  {ratio:>7.4}  >= {at_least:.2}x COPY{absolute:<16}  {}",
            r.per_sec(),
            verdict(ratio >= at_least)
        );
    };
    row(
        "rebuild all read models",
        &f.rebuild_all,
        0.15,
        " (≈50k events/s)",
    );
    row(
        "  first projection (info)",
        &f.rebuild_all_first,
        0.15,
        " (≈50k events/s)",
    );
    row(
        "rebuild order_status alone",
        &f.rebuild_one,
        0.3,
        " (≈100k events/s)",
    );
    row("audit replay --payments", &f.audit, 0.5, "");
    for (what, live) in [
        ("live lag", &f.live),
        ("live lag, a transaction open", &f.live_held),
    ] {
        let p99 = ms(live.lag.value_at_quantile(0.99));
        let achieved = live.sent as f64 / live.secs;
        let met = p99 < 50.0 && live.timeouts == 0 && rate_reached(live);
        let measured = format!("p99 {p99:.1} ms at {achieved:.0} cmd/s");
        println!(
            "{what:<31} {measured:<29}  {:>7}  < 50 ms at {RATE} cmd/s            {}",
            "-",
            verdict(met)
        );
        if !rate_reached(live) {
            println!("  (the live stream did not reach 95% of {RATE} commands/s, so the lag target was not tested at its rate)");
        }
    }
}
