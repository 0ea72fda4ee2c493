//! The raw PostgreSQL baseline: pgbench running the least SQL an order command needs,
//! with payloads and metadata copied from real events.

use crate::stats::{histogram, percentiles, Figures};
use crate::{Workload, LEVELS, RUN};
use anyhow::{ensure, Context, Result};
use hdrhistogram::Histogram;
use sqlx::Connection;

/// Workload a: a new aggregate id per transaction (from a per-client counter), two events.
pub(crate) const RAW_FRESH: &str = r"\set ord :ord + 1
\set aid :base + :client_id * 10000000 + :ord
BEGIN;
SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events WHERE aggregate_type = 'Order' AND aggregate_id = 'raw-' || :aid::text
  ORDER BY sequence;
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, 1, 'OrderCreated', :version, :created::json, :metadata::json);
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, 2, 'ItemAdded', :version, :added::json, :metadata::json);
COMMIT;
";

/// Workload b: per client, 20 sequential events on one aggregate id, then the next id.
pub(crate) const RAW_CART: &str = r"\if :n >= 20
\set n 0
\set ord :ord + 1
\endif
\set n :n + 1
\set aid :base + :client_id * 10000000 + :ord
BEGIN;
SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events WHERE aggregate_type = 'Order' AND aggregate_id = 'raw-' || :aid::text
  ORDER BY sequence;
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  VALUES ('Order', 'raw-' || :aid::text, :n, 'ItemAdded', :version, :added::json, :metadata::json);
COMMIT;
";

/// pgbench variables holding a real order's first two events (written by the first HTTP measurement).
pub(crate) async fn sample_events(url: &str) -> Result<Vec<String>> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT event_type, event_version, payload::text, metadata::text FROM events
          WHERE aggregate_type = 'Order' AND aggregate_id = (SELECT aggregate_id FROM events
                WHERE aggregate_type = 'Order' ORDER BY position LIMIT 1)
          ORDER BY sequence",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    let [(created, version, created_json, _), (added, _, added_json, metadata)] = &rows[..] else {
        anyhow::bail!("the first order has {} events, not 2", rows.len());
    };
    ensure!(
        created == "OrderCreated" && added == "ItemAdded",
        "unexpected first events"
    );
    Ok(vec![
        format!("version={version}"),
        format!("created={created_json}"),
        format!("added={added_json}"),
        format!("metadata={metadata}"),
    ])
}

/// Runs one pgbench script for [`RUN`]; latencies come from its per-transaction log.
async fn pgbench(url: &str, script: &str, clients: usize, vars: &[String]) -> Result<Figures> {
    let dir = std::env::temp_dir().join(format!("foodbot-bench-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("command.sql"), script)?;
    let args = format!(
        "-n -M prepared -c {clients} -j {} -T {} -l --log-prefix={} -f {}",
        clients.min(2),
        RUN.as_secs(),
        dir.join("tx").display(),
        dir.join("command.sql").display()
    );
    let mut cmd = tokio::process::Command::new("pgbench");
    cmd.args(args.split(' '))
        .args(vars.iter().flat_map(|v| ["-D", v]))
        .arg(url);
    let out = cmd.output().await.context("cannot run pgbench");
    let log = read_pgbench_log(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let (out, micros) = (out?, log?);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "pgbench failed: {stderr}{stdout}");
    let tps = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = ")?.split(' ').next()?.parse().ok())
        .context("no tps in pgbench's output")?;
    Ok(Figures {
        rate: tps,
        ..percentiles(&micros)
    })
}

/// Log lines are "client_id transaction_no latency_us script_no epoch_s epoch_us".
fn read_pgbench_log(dir: &std::path::Path) -> Result<Histogram<u64>> {
    let mut micros = histogram();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("tx"))
        {
            for line in std::fs::read_to_string(&path)?.lines() {
                if let Some(us) = line.split(' ').nth(2).and_then(|v| v.parse::<u64>().ok()) {
                    micros.saturating_record(us.max(1));
                }
            }
        }
    }
    Ok(micros)
}

/// The raw baseline for `workload` at the `level`th concurrency, on ids of its own.
pub(crate) async fn raw_pg(
    url: &str,
    workload: Workload,
    level: usize,
    events: &[String],
) -> Result<Figures> {
    let w = workload as usize;
    // Aggregate ids are 'raw-' || base + client_id * 10^7 + a per-client counter.
    let base = (w * 10 + level + 1) as i64 * 1_000_000_000_000;
    let counters = [format!("base={base}"), "ord=0".into(), "n=0".into()];
    let vars = [events, &counters].concat();
    pgbench(url, [RAW_FRESH, RAW_CART][w], LEVELS[level], &vars).await
}
