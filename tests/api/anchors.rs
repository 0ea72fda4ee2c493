//! Signed evidence about the log, through the `foodbot` binary: `audit head`
//! signs the chain's head and `audit verify --anchor` checks the log against
//! it; a changed or foreign anchor is refused; the server seals the events it
//! appends (events from before sealing count as unsealed, not failed); the
//! anchor writer signs the head only when it moved, into files that sort by
//! link. The ways of rewriting the chain are in `tampering.rs`.

use crate::audit::chain_complete;
use crate::helpers::*;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use foodbot::audit::{anchor, writer, AuditKey};
use foodbot_projections::Db;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

crate::both_stores!(
    audit_head_signs_the_chain_head_and_verify_checks_the_log_against_it,
    a_changed_or_foreign_anchor_is_refused,
    events_written_before_sealing_count_as_unsealed_not_failed,
    the_anchor_writer_signs_the_head_only_when_it_moved,
);

/// A fresh Ed25519 key pair in PEM files, as `openssl` would write them, in a
/// directory of its own (removed afterwards) that also takes anchors.
pub(crate) struct Keys {
    pub dir: PathBuf,
    pub private: PathBuf,
    pub public: PathBuf,
}

impl Keys {
    pub fn new() -> Keys {
        let dir =
            std::env::temp_dir().join(format!("foodbot-audit-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&rand::random());
        let private = dir.join("audit-key.pem");
        let public = dir.join("audit-key.pub.pem");
        std::fs::write(
            &private,
            key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
        )
        .unwrap();
        let public_pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        std::fs::write(&public, public_pem).unwrap();
        Keys {
            dir,
            private,
            public,
        }
    }

    pub fn key(&self) -> AuditKey {
        AuditKey::load(&self.private).unwrap()
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the binary on `db` with the given audit settings only (none from
/// the environment the tests run in).
pub(crate) fn foodbot(db: &TestDb, args: &[&str], env: &[(&str, &Path)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_foodbot"));
    cmd.args(["--database-url", &db.url])
        .args(args)
        .env("RUST_LOG", "warn");
    for var in [
        "AUDIT_SIGNING_KEY_FILE",
        "AUDIT_ANCHOR_DIR",
        "AUDIT_ANCHOR_INTERVAL_SECS",
    ] {
        cmd.env_remove(var);
    }
    for (var, value) in env {
        cmd.env(var, value);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// `foodbot audit head`, stored as `<name>.json` in the key directory.
pub(crate) fn head(db: &TestDb, keys: &Keys, name: &str) -> (Value, PathBuf) {
    let out = Command::new(env!("CARGO_BIN_EXE_foodbot"))
        .args(["--database-url", &db.url, "audit", "head"])
        .env("RUST_LOG", "warn")
        .env("AUDIT_SIGNING_KEY_FILE", &keys.private)
        .env_remove("AUDIT_ANCHOR_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = keys.dir.join(format!("{name}.json"));
    std::fs::write(&file, &stdout).unwrap();
    (serde_json::from_str(&stdout).unwrap(), file)
}

/// `foodbot audit verify` with these anchors, checked with the public key file.
pub(crate) fn verify(db: &TestDb, keys: &Keys, anchors: &[&Path]) -> (bool, String) {
    let mut args = vec![
        "audit",
        "verify",
        "--public-key",
        keys.public.to_str().unwrap(),
    ];
    for a in anchors {
        args.extend(["--anchor", a.to_str().unwrap()]);
    }
    foodbot(db, &args, &[])
}

/// A database connection of the test's own, for looking and tampering.
pub(crate) async fn reopen(db: &TestDb) -> Db {
    foodbot::store::Database::connect(&db.url, 2)
        .await
        .unwrap()
        .projection_db()
}

/// Runs a server that seals with `keys` (none: no seals) until each of
/// `users` has a cart and the read models show them.
pub(crate) async fn run_server(
    db: &TestDb,
    keys: Option<&Keys>,
    users: std::ops::RangeInclusive<i64>,
) {
    let private = keys.map(|k| k.private.clone());
    let app = TestApp::spawn_with(db, |c| c.audit_signing_key_file = private).await;
    for user in users {
        app.cart(user).await;
    }
    chain_complete(&app.db.projection_db()).await;
    app.stop().await;
}

async fn audit_head_signs_the_chain_head_and_verify_checks_the_log_against_it(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, Some(&keys), 1..=2).await;
    let pdb = reopen(&db).await;
    let (statement, file) = head(&db, &keys, "head");

    let stored = anchor::stored_head(&pdb).await.unwrap();
    let events = pdb
        .rows("SELECT count(*) AS n FROM events", &[])
        .await
        .unwrap()[0]["n"]
        .as_i64()
        .unwrap();
    assert_eq!(statement["statement"], "foodbot event chain head");
    assert_eq!(statement["links"].as_i64(), Some(events));
    assert_eq!(statement["hash"].as_str(), Some(stored.hash.as_str()));
    assert_eq!(statement["position"].as_i64(), Some(stored.position));
    assert_eq!(
        statement["transaction_id"].as_i64(),
        Some(stored.transaction_id)
    );
    assert_eq!(
        statement["public_key"].as_str(),
        Some(keys.key().public().hex().as_str())
    );
    assert!(statement["signed_at"].is_string() && statement["signature"].is_string());

    let (ok, report) = verify(&db, &keys, &[&file]);
    assert!(ok, "{report}");
    assert!(report.contains("hash chain: ok"), "{report}");
    assert!(
        report.contains(&format!(
            "anchors: ok, the log holds all 1 (the newest: link {events}"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "seals: ok, {events} events sealed; 0 written before"
        )),
        "{report}"
    );

    // The public key may also come from the signing key's file.
    let env = [("AUDIT_SIGNING_KEY_FILE", keys.private.as_path())];
    let (ok, report) = foodbot(
        &db,
        &["audit", "verify", "--anchor", file.to_str().unwrap()],
        &env,
    );
    assert!(ok && report.contains("anchors: ok"), "{report}");
}

async fn a_changed_or_foreign_anchor_is_refused(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, None, 1..=1).await;
    let (statement, file) = head(&db, &keys, "head");
    let text = std::fs::read_to_string(&file).unwrap();

    // A changed hash (or any other field) no longer matches the signature.
    let hash = statement["hash"].as_str().unwrap();
    let other_hash = format!(
        "{}{}",
        &hash[..63],
        if hash.ends_with('0') { '1' } else { '0' }
    );
    let changed = keys.dir.join("changed.json");
    std::fs::write(&changed, text.replace(hash, &other_hash)).unwrap();
    let (ok, report) = verify(&db, &keys, &[&changed]);
    assert!(
        !ok && report.contains("signature does not verify"),
        "{report}"
    );

    // A signature that is not the key's.
    let signature = statement["signature"].as_str().unwrap();
    let forged = keys.dir.join("forged.json");
    std::fs::write(&forged, text.replace(signature, &"ab".repeat(64))).unwrap();
    let (ok, report) = verify(&db, &keys, &[&forged]);
    assert!(
        !ok && report.contains("signature does not verify"),
        "{report}"
    );

    // A statement signed with another key, even one that holds.
    let stranger = Keys::new();
    let (_, foreign) = head(&db, &stranger, "foreign");
    let (ok, report) = verify(&db, &keys, &[&foreign]);
    assert!(
        !ok && report.contains("not among the trusted public keys"),
        "{report}"
    );

    // Without a public key an anchor proves nothing, and verify says so.
    let (ok, report) = foodbot(
        &db,
        &["audit", "verify", "--anchor", file.to_str().unwrap()],
        &[],
    );
    assert!(
        !ok && report.contains("needs the signer's public key"),
        "{report}"
    );
    // The genuine one is fine.
    let (ok, report) = verify(&db, &keys, &[&file]);
    assert!(ok, "{report}");
}

async fn events_written_before_sealing_count_as_unsealed_not_failed(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, None, 1..=1).await;
    let pdb = reopen(&db).await;
    let count = |pdb: Db| async move {
        pdb.rows("SELECT count(*) AS n FROM events", &[])
            .await
            .unwrap()[0]["n"]
            .as_i64()
            .unwrap()
    };
    let before = count(pdb.clone()).await;
    run_server(&db, Some(&keys), 2..=3).await;
    let sealed = count(pdb).await - before;
    assert!(before > 0 && sealed > 0);
    let (ok, report) = verify(&db, &keys, &[]);
    assert!(ok, "{report}");
    assert!(
        report.contains(&format!(
            "seals: ok, {sealed} events sealed; {before} written before sealing was configured are unsealed"
        )),
        "{report}"
    );
    assert!(report.contains("anchors: none given"), "{report}");
}

async fn the_anchor_writer_signs_the_head_only_when_it_moved(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    let anchors = keys.dir.join("anchors");
    // The server runs its own writer too (into another directory, on its own
    // schedule); stopping the server stops it.
    let served = keys.dir.join("served");
    let private = keys.private.clone();
    let app = TestApp::spawn_with(&db, |c| {
        c.audit_signing_key_file = Some(private);
        c.audit_anchor_dir = Some(served);
    })
    .await;
    let pdb = app.db.projection_db();
    let key = keys.key();

    // Nothing to anchor in an empty chain.
    assert_eq!(
        writer::write_if_moved(&pdb, &key, &anchors).await.unwrap(),
        None
    );
    app.cart(1).await;
    chain_complete(&pdb).await;
    let first = writer::write_if_moved(&pdb, &key, &anchors)
        .await
        .unwrap()
        .unwrap();
    let links = anchor::stored_head(&pdb).await.unwrap().links;
    assert_eq!(first, anchors.join(writer::file_name(links)));
    // The head did not move: no new anchor.
    assert_eq!(
        writer::write_if_moved(&pdb, &key, &anchors).await.unwrap(),
        None
    );

    app.cart(2).await;
    chain_complete(&pdb).await;
    let second = writer::write_if_moved(&pdb, &key, &anchors)
        .await
        .unwrap()
        .unwrap();
    assert!(first < second, "{first:?} {second:?}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&anchors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [first.clone(), second.clone()],
        "only whole anchor files, no temporary ones"
    );

    // A chain rewritten behind the newest anchor is not signed again.
    app.cart(3).await;
    chain_complete(&pdb).await;
    let newest = anchor::read(std::slice::from_ref(&second)).unwrap()[0]
        .statement
        .head
        .clone();
    let behind = newest.links;
    pdb.exec(
        "UPDATE event_chain SET hash = 'rewritten' WHERE link = $1",
        &[behind.into()],
    )
    .await
    .unwrap();
    let refused = writer::write_if_moved(&pdb, &key, &anchors)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, anchor::AnchorError::Diverged { link, .. } if link == behind),
        "{refused}"
    );
    app.stop().await;
    let pdb = reopen(&db).await;

    // The anchors verify as a directory (the chain restored).
    let restore = "UPDATE event_chain SET hash = $1 WHERE link = $2";
    pdb.exec(restore, &[newest.hash.into(), behind.into()])
        .await
        .unwrap();
    let (ok, report) = verify(&db, &keys, &[&anchors]);
    assert!(ok, "{report}");
    assert!(
        report.contains("anchors: ok, the log holds all 2"),
        "{report}"
    );
}
