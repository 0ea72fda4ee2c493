//! The read side's table descriptions against the migrated schema: every
//! table a read model writes, on both stores.

use crate::helpers::*;
use foodbot_projections::storage::check::{check, Mismatch};
use foodbot_projections::storage::{Kind, Table, Write};
use foodbot_projections::{projector, Model};

crate::both_stores!(
    every_table_the_read_side_writes_is_described_as_migrated,
    the_schema_check_names_what_does_not_fit,
);

async fn every_table_the_read_side_writes_is_described_as_migrated(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pdb = app.db.projection_db();
    let mut checked = Vec::new();
    let mut mismatches = Vec::new();
    for model in Model::ALL {
        for table in model.described() {
            mismatches.extend(check(&pdb, table).await.unwrap());
            checked.push(table.name);
        }
    }
    // The projector's own bookkeeping too.
    mismatches.extend(check(&pdb, projector::CHECKPOINTS).await.unwrap());
    assert_eq!(mismatches, [], "{mismatches:#?}");
    // Every table of every model is described (exports and rebuilds list them).
    let mut owned: Vec<&str> = Model::ALL
        .iter()
        .flat_map(|m| m.tables().iter().map(|(t, _)| *t))
        .collect();
    owned.sort();
    checked.sort();
    assert_eq!(checked, owned);
    app.stop().await;
}

async fn the_schema_check_names_what_does_not_fit(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pdb = app.db.projection_db();
    // order_status as a careless edit might describe it: a key of the wrong
    // kind, a column that was never migrated, and the rest left out.
    static BROKEN: Table = Table {
        name: "order_status",
        columns: &[("order_id", Kind::Int), ("colour", Kind::Text)],
        key: 1,
        write: Write::Upsert,
    };
    let found = check(&pdb, &BROKEN).await.unwrap();
    assert!(
        found.iter().any(|m| matches!(
            m,
            Mismatch::WrongType {
                column: "order_id",
                ..
            }
        )),
        "{found:#?}"
    );
    assert!(found.contains(&Mismatch::NoColumn {
        table: "order_status",
        column: "colour"
    }));
    // NOT NULL without a default: no row could be written without it.
    assert!(found.contains(&Mismatch::Undescribed {
        table: "order_status",
        column: "short_id".into()
    }));
    // A nullable column may be left out.
    assert!(!found
        .iter()
        .any(|m| matches!(m, Mismatch::Undescribed { column, .. } if column == "fulfilment")));
    static MISSING: Table = Table {
        name: "no_such_table",
        columns: &[("id", Kind::Int)],
        key: 1,
        write: Write::Keep,
    };
    assert_eq!(
        check(&pdb, &MISSING).await.unwrap(),
        [Mismatch::NoTable {
            table: "no_such_table"
        }]
    );
    app.stop().await;
}
