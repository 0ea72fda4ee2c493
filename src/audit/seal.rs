//! Seals: the server's Ed25519 signature on each event it appends.
//!
//! With `AUDIT_SIGNING_KEY_FILE` set, `AggregateStore::commit` passes the rows
//! it is about to append through [`seal_rows`], which adds a metadata field
//!
//! ```text
//! "seal": "ed25519:<key id>:<signature, base64url without padding>"
//! ```
//!
//! The signature covers the compact JSON array
//!
//! ```text
//! ["foodbot-event-seal/1", aggregate_type, aggregate_id, sequence,
//!  event_type, event_version, payload, metadata without "seal"]
//! ```
//!
//! written with every object's keys sorted by their bytes and no whitespace
//! ([`canonical_json`]). A verifier parses the stored payload and metadata
//! into `serde_json::Value` and writes them the same way, so what the database
//! did to whitespace or key order does not matter. The event's place in the
//! global order is not sealed (the database assigns it at commit); the hash
//! chain and its anchors cover the order.

use super::keys::{AuditKey, TrustedKeys};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cqrs_es::persist::SerializedEvent;
use ed25519_dalek::Signature;
use foodbot_projections::Envelope;
use serde_json::{Map, Value};

/// The metadata field that holds an event's seal.
pub const SEAL: &str = "seal";
/// The first element of the sealed array: names this format.
const FORMAT: &str = "foodbot-event-seal/1";

/// Writes `v` as compact JSON with object keys sorted by their bytes.
pub fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => write_object(map, None, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        // Scalars as serde_json writes them: strings escaped, numbers in their
        // shortest round-tripping form.
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// An object with its keys sorted, leaving out the key `skip`.
fn write_object(map: &Map<String, Value>, skip: Option<&str>, out: &mut String) {
    let mut keys: Vec<&String> = map.keys().filter(|k| Some(k.as_str()) != skip).collect();
    keys.sort();
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        canonical_json(&map[key], out);
    }
    out.push('}');
}

/// The bytes a seal signs.
fn sealed_bytes(
    aggregate_type: &str,
    aggregate_id: &str,
    sequence: i64,
    event_type: &str,
    event_version: &str,
    payload: &Value,
    metadata: &Value,
) -> Vec<u8> {
    let mut out = String::with_capacity(512);
    out.push('[');
    for (i, text) in [FORMAT, aggregate_type, aggregate_id].iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        canonical_json(&Value::from(*text), &mut out);
    }
    out.push(',');
    out.push_str(&sequence.to_string());
    for text in [event_type, event_version] {
        out.push(',');
        canonical_json(&Value::from(text), &mut out);
    }
    out.push(',');
    canonical_json(payload, &mut out);
    out.push(',');
    match metadata {
        Value::Object(map) => write_object(map, Some(SEAL), &mut out),
        other => canonical_json(other, &mut out),
    }
    out.push(']');
    out.into_bytes()
}

/// Seals rows about to be appended: signs each and puts the seal in its metadata.
pub fn seal_rows(key: &AuditKey, rows: &mut [SerializedEvent]) {
    for row in rows {
        let bytes = sealed_bytes(
            &row.aggregate_type,
            &row.aggregate_id,
            i64::try_from(row.sequence).unwrap_or(i64::MAX),
            &row.event_type,
            &row.event_version,
            &row.payload,
            &row.metadata,
        );
        let seal = format!(
            "ed25519:{}:{}",
            key.public().id(),
            URL_SAFE_NO_PAD.encode(key.sign(&bytes).to_bytes())
        );
        // cqrs-es writes metadata as a JSON object (a map of strings).
        if let Some(map) = row.metadata.as_object_mut() {
            map.insert(SEAL.to_string(), Value::String(seal));
        }
    }
}

/// What a stored event's seal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seal {
    /// A valid seal by the key with this id.
    Valid { key_id: String },
    /// No seal at all.
    Missing,
}

/// Why a stored event's seal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("its seal is malformed")]
    Malformed,
    #[error("it is sealed by key {0}, which is not among the trusted public keys")]
    UnknownKey(String),
    #[error("its seal does not verify: edited, or the seal of another event")]
    BadSignature,
    #[error("its stored JSON cannot be read: {0}")]
    Json(String),
}

/// Checks a stored event's seal against the trusted keys.
pub fn check(keys: &TrustedKeys, e: &Envelope) -> Result<Seal, SealError> {
    let parse = |text: &str| {
        serde_json::from_str::<Value>(text).map_err(|err| SealError::Json(err.to_string()))
    };
    let metadata = parse(&e.metadata)?;
    let Some(seal) = metadata.get(SEAL) else {
        return Ok(Seal::Missing);
    };
    let (key_id, signature) = seal
        .as_str()
        .and_then(|s| s.strip_prefix("ed25519:"))
        .and_then(|s| s.split_once(':'))
        .ok_or(SealError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(SealError::Malformed)?;
    let key = keys
        .find(key_id)
        .ok_or_else(|| SealError::UnknownKey(key_id.to_string()))?;
    let bytes = sealed_bytes(
        &e.aggregate_type,
        &e.aggregate_id,
        e.sequence,
        &e.event_type,
        &e.event_version,
        &parse(&e.payload)?,
        &metadata,
    );
    if key.verifies(&bytes, &signature) {
        Ok(Seal::Valid {
            key_id: key_id.to_string(),
        })
    } else {
        Err(SealError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use foodbot_projections::event::Decoded;
    use foodbot_projections::Checkpoint;

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let v: Value =
            serde_json::from_str(r#"{ "b": [1, {"z": "é\n", "a": null}], "a": 2.5 }"#).unwrap();
        let mut out = String::new();
        canonical_json(&v, &mut out);
        assert_eq!(out, r#"{"a":2.5,"b":[1,{"a":null,"z":"é\n"}]}"#);
    }

    fn sealed_event(key: &AuditKey) -> Envelope {
        let payload = serde_json::json!({ "LanguageChanged": { "language": "de", "at": "2025-01-01T00:00:00Z" } });
        let mut rows = [SerializedEvent {
            aggregate_id: "7".into(),
            sequence: 1,
            aggregate_type: "User".into(),
            event_type: "LanguageChanged".into(),
            event_version: "1.0".into(),
            payload: payload.clone(),
            metadata: serde_json::json!({ "actor": "customer", "channel": "mini_app" }),
        }];
        seal_rows(key, &mut rows);
        let [row] = rows;
        // As a database might give it back: other key order, other spacing.
        let metadata = row.metadata.as_object().unwrap();
        let mut reordered: Vec<String> = metadata
            .iter()
            .map(|(k, v)| format!("{} : {v}", Value::String(k.clone())))
            .collect();
        reordered.reverse();
        Envelope {
            checkpoint: Checkpoint::default(),
            aggregate_type: row.aggregate_type,
            aggregate_id: row.aggregate_id,
            sequence: 1,
            event_type: row.event_type,
            event_version: row.event_version,
            payload: serde_json::to_string_pretty(&payload).unwrap(),
            metadata: format!("{{ {} }}", reordered.join(", ")),
            recorded_at: chrono::Utc::now(),
            event: Decoded::User(serde_json::from_value(payload).unwrap()),
        }
    }

    #[test]
    fn a_sealed_event_verifies_as_stored_and_not_once_changed() {
        let key = AuditKey::new(ed25519_dalek::SigningKey::from_bytes(&[3; 32]));
        let keys = TrustedKeys::new(vec![key.public().clone()]);
        let e = sealed_event(&key);
        assert_eq!(
            check(&keys, &e),
            Ok(Seal::Valid {
                key_id: key.public().id().to_string()
            })
        );

        let mut edited = e.clone();
        edited.payload = edited.payload.replace("de", "en");
        assert_eq!(check(&keys, &edited), Err(SealError::BadSignature));
        let mut moved = e.clone();
        moved.aggregate_id = "8".into();
        assert_eq!(check(&keys, &moved), Err(SealError::BadSignature));
        let mut stripped = e.clone();
        stripped.metadata = r#"{"actor":"customer","channel":"mini_app"}"#.into();
        assert_eq!(check(&keys, &stripped), Ok(Seal::Missing));

        let other = AuditKey::new(ed25519_dalek::SigningKey::from_bytes(&[4; 32]));
        let others = TrustedKeys::new(vec![other.public().clone()]);
        assert!(matches!(check(&others, &e), Err(SealError::UnknownKey(_))));
    }
}
