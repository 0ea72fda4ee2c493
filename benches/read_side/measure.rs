//! The read side on a loaded log: the raw COPY baseline, rebuilding read models with
//! the catch-up projector, reading the log as `foodbot audit replay --payments` does,
//! and where a rebuild's time goes.

use crate::sqlstats;
use anyhow::{ensure, Result};
use foodbot_domain::order::OrderEvent;
use foodbot_domain::user::UserEvent;
use foodbot_projections::event::{read_after, Decoded};
use foodbot_projections::{projector, Checkpoint, Db, Model, Projector, Tx};
use futures::StreamExt;
use sqlx::{PgConnection, Row};
use std::time::{Duration, Instant};

/// A rebuild or read is stopped after this long, unless it would end soon after.
pub(crate) const BOX: Duration = Duration::from_secs(60);
/// A rebuild whose whole run would take at most this long is run to the end.
pub(crate) const FINISH_WITHIN: Duration = Duration::from_secs(120);
/// How long each read model is rebuilt alone to see where the time goes.
pub(crate) const SLICE: Duration = Duration::from_secs(4);
const PROGRESS_EVENTS: u64 = 100_000;
const PROGRESS_TIME: Duration = Duration::from_secs(15);

/// Events handled in a time; `complete` when all of the log was handled.
#[derive(Clone, Copy, Default)]
pub(crate) struct Rate {
    pub(crate) events: u64,
    pub(crate) secs: f64,
    pub(crate) complete: bool,
}

impl Rate {
    pub(crate) fn per_sec(&self) -> f64 {
        self.events as f64 / self.secs.max(1e-9)
    }
}

pub(crate) const COPY_OUT: &str =
    "COPY (SELECT * FROM events ORDER BY transaction_id, position) TO STDOUT";

/// The baseline: PostgreSQL streams every event in global order to this process,
/// which counts the bytes and drops them. Returns the time and the bytes.
pub(crate) async fn copy_out(conn: &mut PgConnection) -> Result<(f64, u64)> {
    let start = Instant::now();
    let mut stream = conn.copy_out_raw(COPY_OUT).await?;
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        bytes += chunk?.len() as u64;
    }
    Ok((start.elapsed().as_secs_f64(), bytes))
}

/// The same COPY written by the server to /dev/null (superusers only), or why not.
pub(crate) async fn copy_dev_null(conn: &mut PgConnection) -> Result<f64, String> {
    let start = Instant::now();
    let sql = "COPY (SELECT * FROM events ORDER BY transaction_id, position) TO '/dev/null'";
    match sqlx::query(sql).persistent(false).execute(conn).await {
        Ok(_) => Ok(start.elapsed().as_secs_f64()),
        Err(e) => Err(e.to_string()),
    }
}

/// Sets models' checkpoints to the newest event, as if they had projected it all.
pub(crate) async fn to_head(db: &Db, models: &[Model]) -> Result<()> {
    let head = projector::head(db).await?;
    // Every transaction that has ended is held: the current snapshot.
    let sql = "INSERT INTO projection_checkpoints (projection, last_transaction_id, last_position, base_snapshot)
               VALUES ($1, $2, $3, pg_current_snapshot()::text)
               ON CONFLICT (projection) DO UPDATE
                  SET last_transaction_id = excluded.last_transaction_id, last_position = excluded.last_position,
                      base_snapshot = excluded.base_snapshot, next_snapshot = NULL";
    for m in models {
        let args = [
            m.name().into(),
            head.transaction_id.into(),
            head.position.into(),
        ];
        db.exec(sql, &args).await?;
    }
    Ok(())
}

/// Empties the tables a reset empties, with TRUNCATE: no dead rows are left in their
/// indexes and their statistics are forgotten, so that each rebuild starts as the first
/// one on a new database does, whatever rebuilds ran before and whether autovacuum runs.
/// `projector::reset` then deletes nothing.
pub(crate) async fn clear(db: &Db, models: &[Model]) -> Result<()> {
    let tables: Vec<&str> = models.iter().flat_map(|m| m.reset_tables()).collect();
    db.exec(&format!("TRUNCATE {}", tables.join(", ")), &[])
        .await?;
    Ok(())
}

/// VACUUM (ANALYZE) of every read model's tables, as autovacuum would have done
/// before the server starts.
pub(crate) async fn vacuum(db: &Db) -> Result<()> {
    let mut tables: Vec<&str> = vec!["projection_checkpoints"];
    let all = Model::ALL
        .iter()
        .flat_map(|m| m.tables().iter().map(|(t, _)| *t));
    tables.extend(all);
    db.exec(&format!("VACUUM (ANALYZE) {}", tables.join(", ")), &[])
        .await?;
    Ok(())
}

/// Resets `models` (after [`clear`]), then replays the log into them as
/// `foodbot projections rebuild` does (`projector::replay`: the models shared out
/// over several connections, steps of up to 16,000 events). Stops after [`BOX`]
/// unless the whole log would be done within [`FINISH_WITHIN`]; `total` is the
/// log's length.
pub(crate) async fn rebuild(
    db: &Db,
    models: &[Model],
    total: u64,
    what: &str,
) -> Result<(Rate, Wal)> {
    clear(db, models).await?;
    let mut conn = db.connect().await?;
    for m in models {
        projector::reset(&mut conn, *m).await?;
    }
    drop(conn);
    let start = Instant::now();
    let told = std::sync::Mutex::new((0u64, PROGRESS_EVENTS, Duration::ZERO));
    let complete = std::sync::atomic::AtomicBool::new(true);
    let progress = |n: usize| {
        let mut t = told.lock().unwrap_or_else(|e| e.into_inner());
        let (done, next, at) = &mut *t;
        *done += n as u64;
        let took = start.elapsed();
        if *done >= *next || took >= *at + PROGRESS_TIME {
            let rate = *done as f64 / took.as_secs_f64();
            eprintln!("  {what}: {done} events in {took:.1?}, {rate:.0} events/s");
            *next = (*done / PROGRESS_EVENTS + 1) * PROGRESS_EVENTS;
            *at = took;
        }
        let whole = took.as_secs_f64() * total as f64 / *done as f64;
        let go_on = took < BOX || whole <= FINISH_WITHIN.as_secs_f64();
        if !go_on {
            complete.store(false, std::sync::atomic::Ordering::Relaxed);
        }
        go_on
    };
    let before = wal(db).await?;
    let done = projector::replay(db, models, &progress).await? as u64;
    let secs = start.elapsed().as_secs_f64();
    let after = wal(db).await?;
    let rate = Rate {
        events: done,
        secs,
        complete: complete.into_inner(),
    };
    Ok((
        rate,
        Wal {
            bytes: after.bytes - before.bytes,
            checkpoints: after.checkpoints - before.checkpoints,
        },
    ))
}

/// WAL written and checkpoints made (timed or requested) on the server.
#[derive(Clone, Copy, Default)]
pub(crate) struct Wal {
    pub(crate) bytes: i64,
    pub(crate) checkpoints: i64,
}

/// The server's WAL position and checkpoint count now.
async fn wal(db: &Db) -> Result<Wal> {
    let sql = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes,
                      (checkpoints_timed + checkpoints_req)::bigint AS checkpoints
                 FROM pg_stat_bgwriter";
    let row = db
        .rows(sql, &[])
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let get = |k: &str| row.get(k).and_then(|v| v.as_i64()).unwrap_or(0);
    Ok(Wal {
        bytes: get("bytes"),
        checkpoints: get("checkpoints"),
    })
}

/// `foodbot audit replay --payments`, the real binary, on the bench database. Returns
/// the run and the number of payment events it printed.
pub(crate) async fn audit_replay(url: &str, total: u64) -> Result<(Rate, u64)> {
    let start = Instant::now();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_foodbot"))
        .args(["audit", "replay", "--payments"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await?;
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "audit replay failed: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().rev().find(|l| l.contains("\"totals\""));
    let summary: serde_json::Value = serde_json::from_str(summary.unwrap_or("{}"))?;
    let payments = summary["events"].as_u64().unwrap_or(0);
    let rate = Rate {
        events: total,
        secs,
        complete: true,
    };
    Ok((rate, payments))
}

/// `read_after`'s statement, for reading the same rows without decoding them.
const BATCH_SQL: &str = "
SELECT transaction_id::text::bigint AS tx, position, aggregate_type, aggregate_id, sequence,
       event_type, event_version, payload::text AS payload, metadata::text AS metadata, recorded_at
  FROM events
 WHERE (transaction_id, position) > ($1::text::xid8, $2)
   AND NOT (position = ANY($4))
 ORDER BY transaction_id, position
 LIMIT $3";

/// How [`read_loop`] takes the rows it reads.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Take {
    /// Through `read_after`: payload and metadata parsed into JSON values, the payload
    /// decoded from its value into the domain event.
    ReadAfter,
    /// The same statement; the payload text decoded straight into the domain event.
    Typed,
    /// The same statement; the columns taken as text only.
    Text,
}

fn is_payment(e: &OrderEvent) -> bool {
    matches!(
        e,
        OrderEvent::PaymentReceived { .. }
            | OrderEvent::RefundRequested { .. }
            | OrderEvent::RefundCompleted { .. }
    )
}

/// The audit's read loop in this process: batches of 5000 in one REPEATABLE READ
/// transaction from below the first position, as `audit replay` reads, counting the
/// payment events (but for [`Take::Text`]). Time-boxed to half of [`BOX`].
pub(crate) async fn read_loop(db: &Db, take: Take) -> Result<(Rate, u64)> {
    let mut conn = db.connect().await?;
    let mut tx = Tx::begin(&mut conn).await?;
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", &[])
        .await?;
    let mut after = Checkpoint {
        transaction_id: 0,
        position: i64::MIN,
    };
    let (start, mut done, mut payments) = (Instant::now(), 0u64, 0u64);
    let complete = loop {
        if start.elapsed() >= BOX / 2 {
            break false;
        }
        let n = if take == Take::ReadAfter {
            let batch = read_after(&mut tx, after, 5000).await?;
            for e in &batch.events {
                after = e.checkpoint;
                let paid = matches!(&e.event, Decoded::Order(o) if is_payment(o));
                payments += u64::from(paid);
            }
            batch.events.len()
        } else {
            let Tx::Postgres(c) = &mut tx else {
                anyhow::bail!("PostgreSQL only");
            };
            let rows = sqlx::query(BATCH_SQL)
                .bind(after.transaction_id.to_string())
                .bind(after.position)
                .bind(5000i64)
                .bind(Vec::<i64>::new())
                .fetch_all(&mut **c)
                .await?;
            for r in &rows {
                let kind: &str = r.get("aggregate_type");
                let payload: &str = r.get("payload");
                if take == Take::Typed && kind == "Order" {
                    let event: OrderEvent = serde_json::from_str(payload)?;
                    payments += u64::from(is_payment(&event));
                } else if take == Take::Typed {
                    let event: UserEvent = serde_json::from_str(payload)?;
                    std::hint::black_box(event);
                }
                let text: (String, String) = (r.get("aggregate_id"), r.get("metadata"));
                std::hint::black_box(text);
                after = Checkpoint {
                    transaction_id: r.get("tx"),
                    position: r.get("position"),
                };
            }
            rows.len()
        };
        if n == 0 {
            break true;
        }
        done += n as u64;
    };
    let secs = start.elapsed().as_secs_f64();
    tx.rollback().await?;
    let rate = Rate {
        events: done,
        secs,
        complete,
    };
    Ok((rate, payments))
}

/// One read model (or all) rebuilt for [`SLICE`] with statements counted.
pub(crate) struct Slice {
    pub(crate) what: String,
    pub(crate) rate: Rate,
    /// (statement, executions, seconds waited for it), dearest first.
    pub(crate) statements: Vec<(String, u64, f64)>,
}

impl Slice {
    pub(crate) fn executions(&self) -> u64 {
        self.statements.iter().map(|s| s.1).sum()
    }

    pub(crate) fn waited(&self) -> f64 {
        self.statements.iter().map(|s| s.2).sum()
    }
}

/// Rebuilds all read models, then each alone (the others' checkpoints at the head,
/// so that the projector applies events to that one only), for [`SLICE`] each after a
/// [`clear`], with every statement counted and timed. Leaves every checkpoint at the
/// head and the tables vacuumed.
pub(crate) async fn slices(db: &Db) -> Result<Vec<Slice>> {
    let mut out = Vec::new();
    let alone = Model::ALL.map(|m| (m.name().to_string(), vec![m]));
    let all = ("all read models".to_string(), Model::ALL.to_vec());
    for (what, models) in [all].into_iter().chain(alone) {
        to_head(db, &Model::ALL).await?;
        clear(db, &models).await?;
        let mut conn = db.connect().await?;
        for m in &models {
            projector::reset(&mut conn, *m).await?;
        }
        eprintln!("  {what}, {SLICE:?} with statements counted");
        let projector = Projector::new(db.clone());
        sqlstats::start();
        let (start, mut done) = (Instant::now(), 0u64);
        while start.elapsed() < SLICE {
            let Some(n) = projector.step(&mut conn).await? else {
                break;
            };
            done += n as u64;
        }
        let secs = start.elapsed().as_secs_f64();
        let statements = sqlstats::stop();
        let rate = Rate {
            events: done,
            secs,
            complete: false,
        };
        out.push(Slice {
            what,
            rate,
            statements,
        });
    }
    to_head(db, &Model::ALL).await?;
    vacuum(db).await?;
    Ok(out)
}

/// Mean microseconds of a prepared `SELECT $1` round trip: the least any statement costs.
pub(crate) async fn round_trip(db: &Db) -> Result<f64> {
    let mut conn = db.connect().await?;
    let foodbot_projections::Conn::Postgres(c) = &mut conn else {
        anyhow::bail!("PostgreSQL only");
    };
    let n = 5000;
    let start = Instant::now();
    for i in 0..n {
        let one: i64 = sqlx::query_scalar("SELECT $1::bigint")
            .bind(i)
            .fetch_one(&mut *c)
            .await?;
        std::hint::black_box(one);
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / f64::from(n))
}
