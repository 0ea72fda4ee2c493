//! Failures show: an event no model can read stops the read models with its
//! cause, named by `/readyz` and `foodbot projections status`, instead of
//! being skipped or retried unseen.

use crate::helpers::*;
use foodbot_projections::projector;
use reqwest::StatusCode;

crate::both_stores!(an_undecodable_event_stops_the_read_models_with_its_cause);

async fn an_undecodable_event_stops_the_read_models_with_its_cause(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    settle(&app, &format!("Order:{order}:2")).await;
    let pdb = app.db.projection_db();
    pdb.exec(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('User', '88', 1, 'UserExploded', '1.0', '{\"UserExploded\": {}}', '{}')",
        &[],
    )
    .await
    .unwrap();
    // Two steps of the server's projector later, the models have stopped.
    let mut steps = app.state.projector.steps();
    let seen = *steps.borrow_and_update();
    steps.wait_for(|n| *n >= seen + 2).await.unwrap();

    let (code, body) = app.get("/readyz", 1).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let stopped = body["stopped"].as_array().unwrap();
    assert!(
        stopped.iter().any(|s| s["read_model"] == "order_status"),
        "{body}"
    );
    assert!(
        stopped
            .iter()
            .all(|s| s["error"].as_str().unwrap().contains("UserExploded")),
        "{body}"
    );
    let status = projector::status(&pdb).await.unwrap();
    let order_status = status.iter().find(|s| s.name == "order_status").unwrap();
    assert!(order_status.lag_events >= 1, "{order_status:?}");
    assert!(order_status
        .error
        .as_deref()
        .unwrap()
        .contains("cannot be read"));
    // Nothing after it was skipped: the order's earlier events are all there.
    let n = app
        .scalar(&format!(
            "SELECT count(*) FROM order_timeline WHERE order_id = '{order}'"
        ))
        .await;
    assert_eq!(n, 2);
}
