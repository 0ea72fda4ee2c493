//! Operator, auditor and analyst commands of the `foodbot` binary. They work
//! on the database directly (the same one the server uses) and can run while
//! the server serves.

mod audit;
pub mod chat;
mod export;
pub mod telegram;
mod verify;

use crate::audit::{AuditKey, TrustedKeys};
use crate::config::Config;
use crate::store::Database;
use clap::Subcommand;
use foodbot_projections::{projector, Model};
use std::io::Write;
use std::path::PathBuf;
pub use telegram::TelegramCommand;

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
        /// Signed chain-head statements (files, or directories of them) the
        /// rebuilt `event_chain` must agree with, beside those in AUDIT_ANCHOR_DIR.
        #[arg(long = "anchor", value_name = "FILE", num_args = 1..)]
        anchors: Vec<PathBuf>,
        /// Rebuild `event_chain` even where the chain it would produce
        /// contradicts the stored chain or an anchor, erasing that evidence
        /// from the database (archived anchors still show it).
        #[arg(long)]
        discard_chain_evidence: bool,
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
    /// Check the hash chain, signed anchors and event seals against the event
    /// log, and the payment ledger. Exits non-zero and names the first bad
    /// event on failure; a forged anchor is an error.
    Verify {
        /// Signed chain-head statements (`audit head` output or the server's
        /// anchor files; a directory stands for its *.json files).
        #[arg(long = "anchor", value_name = "FILE", num_args = 1..)]
        anchors: Vec<PathBuf>,
        /// The signer's public key (SPKI PEM), for anchors and seals; may be
        /// repeated after a key rotation. Default: the public half of
        /// AUDIT_SIGNING_KEY_FILE, when set.
        #[arg(long = "public-key", value_name = "PEMFILE")]
        public_keys: Vec<PathBuf>,
    },
    /// Print a signed statement of the hash chain's head (JSON), to archive
    /// outside the database. Needs AUDIT_SIGNING_KEY_FILE.
    Head,
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

pub async fn projections(config: &Config, cmd: ProjectionsCommand) -> anyhow::Result<()> {
    let db = Database::connect(&config.database_url, 4).await?;
    let pdb = db.projection_db();
    match cmd {
        ProjectionsCommand::Status => {
            println!(
                "{:<22} {:>8} {:>10} {:<24} updated",
                "read model", "lag", "position", "snapshot"
            );
            let statuses = projector::status(&pdb).await?;
            for s in &statuses {
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
                    s.updated_at.as_deref().unwrap_or_default()
                );
            }
            for s in &statuses {
                if let Some(error) = &s.error {
                    println!("\n{} stopped (the others go on): {error}", s.name);
                }
            }
            if let Some(open) = projector::held_back(&pdb).await? {
                println!("\n{}", held_back_note(&open));
            }
            Ok(())
        }
        ProjectionsCommand::Rebuild {
            name,
            all,
            anchors,
            discard_chain_evidence,
        } => {
            let models: Vec<Model> = match (name, all) {
                (_, true) => Model::ALL.to_vec(),
                (Some(n), false) => vec![Model::parse(&n).ok_or_else(|| {
                    anyhow::anyhow!("no read model {n:?}; try `foodbot projections status`")
                })?],
                (None, false) => anyhow::bail!("name a read model or pass --all"),
            };
            if models.contains(&Model::EventChain) {
                // The rebuilt chain agrees with the log as it is now: where
                // the log was changed, it would erase the only trace of that.
                let key_file = config.audit_signing_key_file.as_deref();
                let keys = TrustedKeys::from_files_or_key(&[], key_file)?;
                let dir = config.audit_anchor_dir.as_deref();
                let evidence = verify::rebuild_would_erase(&pdb, &anchors, dir, &keys).await?;
                let list: String = evidence.iter().map(|e| format!("\n  - {e}")).collect();
                if !evidence.is_empty() && !discard_chain_evidence {
                    anyhow::bail!(
                        "refusing to rebuild event_chain: the chain it would produce from the log \
                         as it is now contradicts the evidence, which the rebuild would erase:{list}\n\
                         Run `foodbot audit verify` to see what changed; pass \
                         --discard-chain-evidence to rebuild anyway."
                    );
                }
                if !evidence.is_empty() {
                    eprintln!("warning: rebuilding event_chain discards this evidence:{list}");
                }
            }
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

pub async fn audit(config: &Config, cmd: AuditCommand) -> anyhow::Result<bool> {
    let key_file = config.audit_signing_key_file.as_deref();
    // Keys first: a missing or unreadable key is reported before anything
    // else happens.
    let (key, keys) = match &cmd {
        AuditCommand::Head => (Some(AuditKey::configured(key_file)?), None),
        AuditCommand::Verify { public_keys, .. } => (
            None,
            Some(TrustedKeys::from_files_or_key(public_keys, key_file)?),
        ),
        AuditCommand::Replay { .. } => (None, None),
    };
    let db = Database::connect(&config.database_url, 4).await?;
    match cmd {
        AuditCommand::Replay {
            from, to, order, ..
        } => {
            // Buffered: stdout alone writes every line with its own call,
            // which costs more than reading the event it reports.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            audit::replay(&db.projection_db(), from, to, order.as_deref(), &mut out).await?;
            out.flush()?;
            Ok(true)
        }
        AuditCommand::Verify { anchors, .. } => {
            let keys = keys.unwrap_or_default();
            let out = &mut std::io::stdout().lock();
            verify::verify(&db.projection_db(), &anchors, &keys, out).await
        }
        AuditCommand::Head => {
            let key = key.ok_or(crate::audit::KeyError::NotConfigured)?;
            let dir = config.audit_anchor_dir.as_deref();
            let out = &mut std::io::stdout().lock();
            verify::head(&db.projection_db(), &key, dir, out).await?;
            Ok(true)
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
    export_to(db, name, format, std::io::stdout().lock()).await
}

/// `export`, written to `out` instead of stdout.
pub async fn export_to(
    db: &Database,
    name: &str,
    format: &str,
    out: impl std::io::Write,
) -> anyhow::Result<()> {
    anyhow::ensure!(format == "csv", "only --format csv is supported");
    export::csv(&db.projection_db(), name, out).await
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
