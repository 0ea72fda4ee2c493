//! Operator, auditor and analyst commands of the `foodbot` binary. They work
//! on the database directly (the same one the server uses) and can run while
//! the server serves.

mod audit;
mod export;

use crate::store::Database;
use clap::Subcommand;
use foodbot_projections::{projector, Model};

#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Each read model's position and lag.
    Status,
    /// Replay read models from the first event (while the server keeps serving).
    Rebuild {
        /// The read model to rebuild (see `status` for names).
        name: Option<String>,
        /// Rebuild every read model.
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Payment events in global order as JSON lines, then the recomputed totals.
    Replay {
        /// Only payment and refund events (the only kind replayed today).
        #[arg(long, default_value_t = true)]
        payments: bool,
        /// Only events at or after this time (RFC 3339).
        #[arg(long)]
        from: Option<chrono::DateTime<chrono::Utc>>,
        /// Only events before this time (RFC 3339).
        #[arg(long)]
        to: Option<chrono::DateTime<chrono::Utc>>,
        /// Only this order.
        #[arg(long)]
        order: Option<String>,
    },
    /// Check the payment ledger against the event log, and the hash chain over
    /// the event log. Exits non-zero and names the first bad event on failure.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// An order's state, now or as it was at a past time.
    Show {
        id: String,
        /// Show the order as it was at this time (RFC 3339).
        #[arg(long)]
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    },
}

pub async fn projections(db: &Database, cmd: ProjectionsCommand) -> anyhow::Result<()> {
    let pdb = db.projection_db();
    match cmd {
        ProjectionsCommand::Status => {
            println!(
                "{:<22} {:>8} {:>10} {:<24} updated",
                "read model", "lag", "position", "snapshot"
            );
            for s in projector::status(&pdb).await? {
                let snapshot = match &s.catching_up_to {
                    Some(next) => format!("{} -> {next}", s.snapshot),
                    None => s.snapshot.clone(),
                };
                println!(
                    "{:<22} {:>8} {:>10} {:<24} {}",
                    s.name,
                    s.lag_events,
                    s.last_event.position,
                    snapshot,
                    s.updated_at.unwrap_or_default()
                );
            }
            if let Some(open) = projector::held_back(&pdb).await? {
                println!("\n{}", held_back_note(&open));
            }
            Ok(())
        }
        ProjectionsCommand::Rebuild { name, all } => {
            let models: Vec<Model> = match (name, all) {
                (_, true) => Model::ALL.to_vec(),
                (Some(n), false) => vec![Model::parse(&n).ok_or_else(|| {
                    anyhow::anyhow!("no read model {n:?}; try `foodbot projections status`")
                })?],
                (None, false) => anyhow::bail!("name a read model or pass --all"),
            };
            let mut conn = pdb.connect().await?;
            for m in &models {
                projector::reset(&mut conn, *m).await?;
            }
            // Replays here, on several connections at once; a running server's
            // projector goes on with the other read models meanwhile, and the
            // checkpoint locks keep every event applied once.
            let started = std::time::Instant::now();
            let events = projector::replay(&pdb, &models, &|_| true).await?;
            let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
            println!(
                "rebuilt {} from {events} events in {:.1?}",
                names.join(", "),
                started.elapsed()
            );
            Ok(())
        }
    }
}

pub async fn audit(db: &Database, cmd: AuditCommand) -> anyhow::Result<bool> {
    match cmd {
        AuditCommand::Replay {
            from, to, order, ..
        } => {
            audit::replay(
                &db.projection_db(),
                from,
                to,
                order.as_deref(),
                &mut std::io::stdout().lock(),
            )
            .await?;
            Ok(true)
        }
        AuditCommand::Verify => {
            audit::verify(&db.projection_db(), &mut std::io::stdout().lock()).await
        }
    }
}

pub async fn order(db: &Database, cmd: OrderCommand) -> anyhow::Result<bool> {
    let OrderCommand::Show { id, as_of } = cmd;
    match audit::order_as_of(&db.projection_db(), &id, as_of).await? {
        Some(state) => {
            println!("{}", serde_json::to_string_pretty(&state)?);
            Ok(true)
        }
        None => {
            eprintln!(
                "no order {id}{}",
                as_of.map(|t| format!(" as of {t}")).unwrap_or_default()
            );
            Ok(false)
        }
    }
}

pub async fn export(db: &Database, name: &str, format: &str) -> anyhow::Result<()> {
    anyhow::ensure!(format == "csv", "only --format csv is supported");
    export::csv(&db.projection_db(), name, std::io::stdout().lock()).await
}

/// Says which open transaction holds the final part of the log back.
pub fn held_back_note(open: &projector::OpenTransaction) -> String {
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "?".into());
    format!(
        "Held back: committed events wait for an older transaction to end before they are final \
         (the hash chain waits; the other read models do not). Oldest open transaction: \
         pid {}, database {}, {} s old, {}.",
        or_unknown(open.pid.map(|p| p.to_string())),
        or_unknown(open.database.clone()),
        or_unknown(open.age_secs.map(|a| a.to_string())),
        or_unknown(open.state.clone()),
    )
}
