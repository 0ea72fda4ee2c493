//! Each way of rewriting the hash chain so that an edited event goes unseen is
//! caught, given an anchor signed before the edit: (a) the chain cut at the
//! edited event (caught without an anchor too), (b) the later hashes
//! recomputed, (c) the chain rebuilt (which refuses unless told to discard the
//! evidence), and (d) a forged event appended at the tail by SQL, which the
//! chain takes in and only the missing or wrong seal gives away.

use crate::anchors::{foodbot, head, reopen, run_server, verify, Keys};
use crate::audit::{chain_complete, position_of};
use crate::helpers::*;
use foodbot_domain::OrderId;
use foodbot_projections::event::read_after;
use foodbot_projections::models::event_chain::link_hash;
use foodbot_projections::{Checkpoint, Db, Tx};
use std::path::Path;

crate::both_stores!(
    a_chain_cut_at_an_edited_event_is_caught_without_an_anchor_and_with_one,
    a_chain_recomputed_over_an_edited_event_is_caught_between_the_anchors_around_it,
    a_rebuild_refuses_to_erase_chain_evidence_and_an_override_is_still_caught,
    a_forged_event_appended_at_the_tail_is_named_by_its_seal,
);

/// Changes an item's name in the stored event at `position`.
async fn edit(pdb: &Db, store: Store, position: i64) {
    let sql = match store {
        Store::Postgres => "UPDATE events SET payload = replace(payload::text, 'Margherita', 'Marinara')::json WHERE position = $1",
        Store::Sqlite => "UPDATE events SET payload = replace(payload, 'Margherita', 'Marinara') WHERE position = $1",
    };
    assert_eq!(pdb.exec(sql, &[position.into()]).await.unwrap(), 1);
}

async fn link_of(pdb: &Db, position: i64) -> i64 {
    let rows = pdb
        .rows(
            "SELECT link FROM event_chain WHERE position = $1",
            &[position.into()],
        )
        .await
        .unwrap();
    rows[0]["link"].as_i64().unwrap()
}

/// The first order of `user` (the carts the servers made).
async fn order_of(pdb: &Db, user: i64) -> OrderId {
    let rows = pdb
        .rows(
            "SELECT order_id FROM order_status WHERE customer_id = $1",
            &[user.into()],
        )
        .await
        .unwrap();
    rows[0]["order_id"].as_str().unwrap().parse().unwrap()
}

fn rebuild(
    db: &crate::helpers::TestDb,
    args: &[&str],
    anchor_dir: Option<&Path>,
) -> (bool, String) {
    let args: Vec<&str> = ["projections", "rebuild"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    match anchor_dir {
        Some(dir) => foodbot(db, &args, &[("AUDIT_ANCHOR_DIR", dir)]),
        None => foodbot(db, &args, &[]),
    }
}

async fn a_chain_cut_at_an_edited_event_is_caught_without_an_anchor_and_with_one(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, None, 1..=2).await;
    let (_, anchor) = head(&db, &keys, "before");
    let pdb = reopen(&db).await;
    let edited = position_of(&pdb, order_of(&pdb, 1).await, 2).await;
    let link = link_of(&pdb, edited).await;
    edit(&pdb, store, edited).await;
    pdb.exec("DELETE FROM event_chain WHERE link >= $1", &[link.into()])
        .await
        .unwrap();

    // The chain still claims (by its checkpoint) the events it lost.
    let (ok, report) = foodbot(&db, &["audit", "verify"], &[]);
    assert!(!ok, "{report}");
    let named = format!("event at position {edited} ");
    assert!(
        report.contains("its checkpoint") && report.contains(&named),
        "{report}"
    );

    // The checkpoint moved back as well: the log's final part is longer.
    let back = "UPDATE projection_checkpoints
                   SET last_transaction_id = (SELECT transaction_id FROM event_chain WHERE link = $1),
                       last_position = (SELECT position FROM event_chain WHERE link = $1)
                 WHERE projection = 'event_chain'";
    pdb.exec(back, &[(link - 1).into()]).await.unwrap();
    let (ok, report) = foodbot(&db, &["audit", "verify"], &[]);
    assert!(!ok, "{report}");
    assert!(
        report.contains("final events") && report.contains(&named),
        "{report}"
    );

    let (ok, report) = verify(&db, &keys, &[&anchor]);
    assert!(!ok && report.contains("anchors: FAILED"), "{report}");
}

/// Rewrites every stored link's hash to agree with the log as it is now.
async fn recompute_stored_chain(pdb: &Db) {
    let mut conn = pdb.connect().await.unwrap();
    let mut tx = Tx::begin(&mut conn).await.unwrap();
    let start = Checkpoint {
        transaction_id: 0,
        position: i64::MIN,
    };
    let events = read_after(&mut tx, start, 100_000).await.unwrap().events;
    tx.rollback().await.unwrap();
    let mut hash = String::new();
    for (i, e) in events.iter().enumerate() {
        hash = link_hash(&hash, e);
        let sql = "UPDATE event_chain SET hash = $1 WHERE link = $2";
        pdb.exec(sql, &[hash.clone().into(), (i as i64 + 1).into()])
            .await
            .unwrap();
    }
}

async fn a_chain_recomputed_over_an_edited_event_is_caught_between_the_anchors_around_it(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, None, 1..=1).await;
    let (first, first_file) = head(&db, &keys, "first");
    run_server(&db, None, 2..=3).await;
    let (second, second_file) = head(&db, &keys, "second");
    let pdb = reopen(&db).await;
    let edited = position_of(&pdb, order_of(&pdb, 2).await, 2).await;
    let link = link_of(&pdb, edited).await;
    let (from, to) = (
        first["links"].as_i64().unwrap(),
        second["links"].as_i64().unwrap(),
    );
    assert!(from < link && link <= to);
    edit(&pdb, store, edited).await;
    recompute_stored_chain(&pdb).await;

    // The stored chain agrees with the edited log: alone it proves nothing.
    let (_, report) = foodbot(&db, &["audit", "verify"], &[]);
    assert!(report.contains("hash chain: ok"), "{report}");

    let (ok, report) = verify(&db, &keys, &[&second_file, &first_file]);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!(
            "anchors: FAILED: anchor {} does not hold at link {to}: an event from link {} (",
            second_file.display(),
            from + 1
        )) && report.contains(&format!("still holds the anchors up to link {from})")),
        "{report}"
    );
    // Events from before sealing are unsealed, not failed.
    assert!(report.contains("seals: ok, 0 events sealed"), "{report}");
}

async fn a_rebuild_refuses_to_erase_chain_evidence_and_an_override_is_still_caught(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    run_server(&db, None, 1..=2).await;
    let (_, anchor) = head(&db, &keys, "before");
    let dir = keys.dir.join("anchors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&anchor, dir.join("chain-head-before.json")).unwrap();
    let anchor = anchor.to_str().unwrap();

    // An untouched chain rebuilds without complaint, anchors and all.
    let (ok, out) = rebuild(&db, &["event_chain", "--anchor", anchor], Some(&dir));
    assert!(ok, "{out}");

    let pdb = reopen(&db).await;
    let edited = position_of(&pdb, order_of(&pdb, 1).await, 2).await;
    edit(&pdb, store, edited).await;
    let (ok, out) = rebuild(&db, &["event_chain"], None);
    assert!(
        !ok && out.contains("refusing to rebuild event_chain"),
        "{out}"
    );
    assert!(
        out.contains(&format!("stored chain: event at position {edited} ")),
        "{out}"
    );
    let (ok, out) = rebuild(&db, &["--all", "--anchor", anchor], None);
    assert!(!ok && out.contains("anchors: anchor"), "{out}");

    let (ok, out) = rebuild(
        &db,
        &["event_chain", "--discard-chain-evidence"],
        Some(&dir),
    );
    assert!(ok && out.contains("discards this evidence"), "{out}");
    // The rebuilt chain agrees with the edited log; the archived anchor does not.
    let (_, report) = foodbot(&db, &["audit", "verify"], &[]);
    assert!(report.contains("hash chain: ok"), "{report}");
    let (ok, out) = rebuild(&db, &["event_chain"], Some(&dir));
    assert!(!ok && out.contains("anchors: anchor"), "{out}");
    let (ok, report) = verify(&db, &keys, &[Path::new(anchor)]);
    assert!(!ok && report.contains("anchors: FAILED"), "{report}");
}

async fn a_forged_event_appended_at_the_tail_is_named_by_its_seal(store: Store) {
    let db = TestDb::new(store).await;
    let keys = Keys::new();
    let private = keys.private.clone();
    let app = TestApp::spawn_with(&db, |c| c.audit_signing_key_file = Some(private)).await;
    app.cart(1).await;
    app.cart(2).await;
    let pdb = app.db.projection_db();
    chain_complete(&pdb).await;
    // Written by SQL while the server runs: the chain takes it in.
    let metadata = match store {
        Store::Postgres => "(metadata::jsonb - 'seal')::json",
        Store::Sqlite => "json_remove(metadata, '$.seal')",
    };
    let forge = format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT aggregate_type, 'forged', 1, event_type, event_version, payload, {metadata}
           FROM events WHERE event_type = 'OrderCreated' ORDER BY position LIMIT 1"
    );
    pdb.exec(&forge, &[]).await.unwrap();
    chain_complete(&pdb).await;
    app.stop().await;
    let pdb = reopen(&db).await;
    let rows = pdb
        .rows(
            "SELECT position FROM events WHERE aggregate_id = 'forged'",
            &[],
        )
        .await
        .unwrap();
    let forged = format!(
        "event at position {} (Order forged #1)",
        rows[0]["position"].as_i64().unwrap()
    );
    let (_, anchor) = head(&db, &keys, "after");

    let (ok, report) = verify(&db, &keys, &[&anchor]);
    assert!(!ok, "{report}");
    assert!(
        report.contains("hash chain: ok") && report.contains("anchors: ok"),
        "{report}"
    );
    assert!(
        report.contains(&format!("seals: FAILED: {forged} has no seal")),
        "{report}"
    );

    // Another event's seal does not fit it either.
    let copy = "UPDATE events SET metadata = (SELECT metadata FROM events WHERE event_type = 'OrderCreated' ORDER BY position LIMIT 1)
                 WHERE aggregate_id = 'forged'";
    pdb.exec(copy, &[]).await.unwrap();
    let (ok, report) = verify(&db, &keys, &[&anchor]);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!(
            "seals: FAILED: {forged}: its seal does not verify"
        )),
        "{report}"
    );
}
