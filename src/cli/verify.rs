//! `foodbot audit verify`, `foodbot audit head`, and the check that keeps
//! `foodbot projections rebuild event_chain` from erasing evidence.
//!
//! The work is in `crate::audit`; this module reads the files and keys the
//! command line names and prints the report (docs/audit.md explains it).

use super::audit::{ledger_entry, verify_ledger, LedgerEntry};
use crate::audit::anchor::{self, Anchor};
use crate::audit::chain::{self, Report};
use crate::audit::writer;
use crate::audit::{AuditKey, TrustedKeys};
use foodbot_projections::Db;
use std::io::Write;
use std::path::PathBuf;

/// Checks the hash chain, the anchors and the seals against the event log,
/// then the payment ledger. Prints a report; returns false (naming the first
/// bad event) on any mismatch. An anchor that is not genuine is an error.
pub async fn verify(
    db: &Db,
    anchor_files: &[PathBuf],
    keys: &TrustedKeys,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let anchors = anchor::read(anchor_files)?;
    if !anchors.is_empty() && keys.is_empty() {
        anyhow::bail!(
            "checking anchors needs the signer's public key: pass --public-key FILE \
             (SPKI PEM, `openssl pkey -in KEY -pubout`) or set AUDIT_SIGNING_KEY_FILE"
        );
    }
    for a in &anchors {
        a.verify(keys)?;
    }
    let mut ledger: Vec<LedgerEntry> = Vec::new();
    let report = chain::check(db, &anchors, keys, &mut |e| {
        ledger.extend(ledger_entry(e));
    })
    .await?;
    print_chain(&report, &anchors, out)?;
    let ledger_ok = verify_ledger(db, &ledger, out).await?;
    Ok(report.ok() && ledger_ok)
}

fn print_chain(report: &Report, anchors: &[Anchor], out: &mut impl Write) -> anyhow::Result<()> {
    if let Some(p) = &report.stored_problem {
        writeln!(out, "hash chain: FAILED at the first bad event: {p}")?;
    }
    if let Some(p) = &report.short {
        writeln!(out, "hash chain: FAILED: {p}")?;
    }
    if report.stored_problem.is_none() && report.short.is_none() {
        writeln!(
            out,
            "hash chain: ok, {} events, head {}",
            report.stored_links, report.stored_head
        )?;
    }
    match (&report.anchor_problem, report.anchors.last()) {
        (Some(p), _) => writeln!(out, "anchors: FAILED: {p}")?,
        (None, Some(newest)) => {
            let signed_at = anchors
                .iter()
                .find(|a| a.file == newest.file)
                .map(|a| a.statement.signed_at.as_str())
                .unwrap_or("");
            writeln!(
                out,
                "anchors: ok, the log holds all {} (the newest: link {}, signed at {signed_at})",
                report.anchors.len(),
                newest.links
            )?
        }
        (None, None) => writeln!(
            out,
            "anchors: none given (without them the chain proves nothing against \
             someone who can rewrite it too: see docs/audit.md)"
        )?,
    }
    match &report.seals {
        None => writeln!(
            out,
            "seals: not checked (no public key: pass --public-key or set AUDIT_SIGNING_KEY_FILE)"
        )?,
        Some(s) => match &s.problem {
            Some(p) => writeln!(out, "seals: FAILED: {p}")?,
            None => writeln!(
                out,
                "seals: ok, {} events sealed; {} written before sealing was configured are unsealed",
                s.sealed, s.unsealed_before
            )?,
        },
    }
    Ok(())
}

/// Prints a signed statement of the stored chain's head. With an anchor
/// directory, the chain must still hold its newest anchor: a chain rewritten
/// behind it is not signed.
pub async fn head(
    db: &Db,
    key: &AuditKey,
    anchor_dir: Option<&std::path::Path>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if let Some(newest) = anchor_dir.filter(|d| d.is_dir()).map(writer::newest) {
        if let Some(newest) = newest? {
            writer::still_holds(db, &newest).await?;
        }
    }
    let head = anchor::stored_head(db).await?;
    let doc = anchor::sign(key, head, chrono::Utc::now());
    writeln!(out, "{doc:#}")?;
    Ok(())
}

/// Before `event_chain` is rebuilt: the evidence the rebuilt chain would
/// contradict (where the stored chain or an anchor disagrees with the log as
/// it is now). Anchors come from `anchor_files` and the anchor directory;
/// with a key, an anchor whose signature fails is reported too.
pub async fn rebuild_would_erase(
    db: &Db,
    anchor_files: &[PathBuf],
    anchor_dir: Option<&std::path::Path>,
    keys: &TrustedKeys,
) -> anyhow::Result<Vec<String>> {
    let mut files = anchor_files.to_vec();
    files.extend(anchor_dir.filter(|d| d.is_dir()).map(|d| d.to_path_buf()));
    let mut evidence = Vec::new();
    let anchors = match anchor::read(&files) {
        Ok(anchors) => anchors,
        Err(e) => {
            evidence.push(e.to_string());
            Vec::new()
        }
    };
    if !keys.is_empty() {
        evidence.extend(
            anchors
                .iter()
                .filter_map(|a| a.verify(keys).err())
                .map(|e| e.to_string()),
        );
    }
    // Seals are not the chain's evidence: a rebuild keeps them as they are.
    let report = chain::check(db, &anchors, &TrustedKeys::default(), &mut |_| {}).await?;
    evidence.extend(report.evidence());
    Ok(evidence)
}
