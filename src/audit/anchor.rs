//! Anchors: signed statements of the hash chain's head, kept outside the
//! database.
//!
//! A statement is one JSON document (`foodbot audit head` prints one; the
//! server writes one to `AUDIT_ANCHOR_DIR` every `AUDIT_ANCHOR_INTERVAL_SECS`
//! when the head moved):
//!
//! ```json
//! {
//!   "statement": "foodbot event chain head",
//!   "version": 1,
//!   "links": 1234,
//!   "transaction_id": 5678,
//!   "position": 1300,
//!   "hash": "<64 hex digits>",
//!   "signed_at": "2025-01-31T12:00:00.000000Z",
//!   "key_id": "<16 hex digits>",
//!   "public_key": "<64 hex digits>",
//!   "signature": "<128 hex digits>"
//! }
//! ```
//!
//! The server's periodic anchors are written by `super::writer`.
//!
//! `links` is how many links the chain has (the events it covers);
//! `transaction_id` (0 on SQLite), `position` and `hash` are those of its last
//! link (all zero or empty for an empty chain). The Ed25519 signature covers
//! the document without its `signature` field, written as compact JSON with
//! keys sorted by their bytes (`seal::canonical_json`), so that every other
//! field is covered, including any a later version adds.

use super::keys::{AuditKey, TrustedKeys};
use super::seal::canonical_json;
use ed25519_dalek::Signature;
use foodbot_projections::Db;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The `statement` field of every anchor.
pub const STATEMENT: &str = "foodbot event chain head";

/// The head of the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub links: i64,
    pub transaction_id: i64,
    pub position: i64,
    pub hash: String,
}

/// The signed fields of an anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub statement: String,
    pub version: u32,
    #[serde(flatten)]
    pub head: Head,
    pub signed_at: String,
    pub key_id: String,
    pub public_key: String,
}

/// An anchor read from a file, not yet known to be genuine ([`Anchor::verify`]).
#[derive(Debug, Clone)]
pub struct Anchor {
    /// Where it came from, for messages.
    pub file: String,
    pub statement: Statement,
    signed: Vec<u8>,
    signature: Option<Signature>,
}

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("cannot read anchor {file}: {cause}")]
    Io { file: String, cause: std::io::Error },
    #[error("anchor {file} is not a signed chain-head statement: {reason}")]
    Malformed { file: String, reason: String },
    #[error(
        "anchor {file}: its signature does not verify with key {key_id}: \
         the statement was changed after signing, or that key did not sign it"
    )]
    BadSignature { file: String, key_id: String },
    #[error("anchor {file} is signed by key {key_id}, which is not among the trusted public keys ({trusted})")]
    UntrustedKey {
        file: String,
        key_id: String,
        trusted: String,
    },
    #[error(
        "the stored chain no longer matches anchor {file} at link {link}: \
         not signing its head (run `foodbot audit verify --anchor {file}`)"
    )]
    Diverged { file: String, link: i64 },
    #[error("cannot write anchor {file}: {cause}")]
    Write { file: String, cause: std::io::Error },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A signed statement of `head`, as the JSON document to print or store.
pub fn sign(key: &AuditKey, head: Head, at: chrono::DateTime<chrono::Utc>) -> Value {
    let statement = Statement {
        statement: STATEMENT.to_string(),
        version: 1,
        head,
        signed_at: foodbot_projections::time::format(at),
        key_id: key.public().id().to_string(),
        public_key: key.public().hex(),
    };
    // A struct of strings and integers always becomes a JSON object.
    let mut doc = serde_json::to_value(statement).unwrap_or(Value::Null);
    let mut signed = String::new();
    canonical_json(&doc, &mut signed);
    let signature = hex::encode(key.sign(signed.as_bytes()).to_bytes());
    if let Some(map) = doc.as_object_mut() {
        map.insert("signature".into(), Value::String(signature));
    }
    doc
}

/// Reads an anchor document.
pub fn parse(text: &str, file: &str) -> Result<Anchor, AnchorError> {
    let malformed = |reason: String| AnchorError::Malformed {
        file: file.to_string(),
        reason,
    };
    let mut doc: Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    let signature = doc
        .as_object_mut()
        .and_then(|m| m.remove("signature"))
        .ok_or_else(|| malformed("no signature".into()))?;
    // A signature that is not even 64 bytes of hex cannot verify; it is kept
    // as absent so that the anchor is refused as a bad signature.
    let signature = signature
        .as_str()
        .and_then(|s| hex::decode(s).ok())
        .and_then(|b| Signature::from_slice(&b).ok());
    let mut signed = String::new();
    canonical_json(&doc, &mut signed);
    let statement: Statement = serde_json::from_value(doc).map_err(|e| malformed(e.to_string()))?;
    if statement.statement != STATEMENT || statement.version != 1 {
        return Err(malformed(format!(
            "statement {:?} version {}",
            statement.statement, statement.version
        )));
    }
    Ok(Anchor {
        file: file.to_string(),
        statement,
        signed: signed.into_bytes(),
        signature,
    })
}

impl Anchor {
    /// Checks that one of `keys` signed this statement as it is.
    pub fn verify(&self, keys: &TrustedKeys) -> Result<(), AnchorError> {
        let key_id = &self.statement.key_id;
        let key = keys.find(key_id).ok_or_else(|| AnchorError::UntrustedKey {
            file: self.file.clone(),
            key_id: key_id.clone(),
            trusted: keys.ids().join(", "),
        })?;
        let genuine = key.hex() == self.statement.public_key
            && self
                .signature
                .as_ref()
                .is_some_and(|s| key.verifies(&self.signed, s));
        if genuine {
            Ok(())
        } else {
            Err(AnchorError::BadSignature {
                file: self.file.clone(),
                key_id: key_id.clone(),
            })
        }
    }
}

/// Reads anchors from files; a directory stands for its `*.json` files.
pub fn read(paths: &[PathBuf]) -> Result<Vec<Anchor>, AnchorError> {
    let mut anchors = Vec::new();
    for path in paths {
        let io = |cause| AnchorError::Io {
            file: path.display().to_string(),
            cause,
        };
        let files = if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| is_anchor_file(p, ""))
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|cause| AnchorError::Io {
                file: name.clone(),
                cause,
            })?;
            anchors.push(parse(&text, &name)?);
        }
    }
    Ok(anchors)
}

/// A finished anchor file (not a temporary one) whose name starts with `prefix`.
pub(super) fn is_anchor_file(path: &Path, prefix: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(prefix) && !n.starts_with('.') && n.ends_with(".json"))
}

/// The head of the stored chain.
pub async fn stored_head(db: &Db) -> Result<Head, sqlx::Error> {
    let sql = "SELECT link, transaction_id, position, hash FROM event_chain
                WHERE link = (SELECT max(link) FROM event_chain)";
    let row = db.rows(sql, &[]).await?.into_iter().next();
    let int = |k: &str| row.as_ref().and_then(|r| r[k].as_i64()).unwrap_or(0);
    Ok(Head {
        links: int("link"),
        transaction_id: int("transaction_id"),
        position: int("position"),
        hash: row
            .as_ref()
            .and_then(|r| r["hash"].as_str())
            .unwrap_or("")
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> Head {
        Head {
            links: 3,
            transaction_id: 700,
            position: 12,
            hash: "ab".repeat(32),
        }
    }

    #[test]
    fn a_signed_statement_verifies_and_any_change_is_refused() {
        let key = AuditKey::new(ed25519_dalek::SigningKey::from_bytes(&[5; 32]));
        let keys = TrustedKeys::new(vec![key.public().clone()]);
        let text = format!("{:#}", sign(&key, head(), chrono::Utc::now()));
        let anchor = parse(&text, "a.json").unwrap();
        assert_eq!(anchor.statement.head, head());
        anchor.verify(&keys).unwrap();

        for (from, to) in [("\"links\": 3", "\"links\": 2"), ("abab", "abac")] {
            let changed = parse(&text.replacen(from, to, 1), "b.json").unwrap();
            assert!(matches!(
                changed.verify(&keys),
                Err(AnchorError::BadSignature { .. })
            ));
        }
        let other = AuditKey::new(ed25519_dalek::SigningKey::from_bytes(&[6; 32]));
        let others = TrustedKeys::new(vec![other.public().clone()]);
        assert!(matches!(
            anchor.verify(&others),
            Err(AnchorError::UntrustedKey { .. })
        ));
    }
}
