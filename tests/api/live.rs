//! The live order timeline, `GET /api/v1/orders/{id}/events`: steps arrive as
//! staff move the order, a resumed stream sends exactly the steps after the
//! last one received, another customer's order streams nothing, and a step
//! projected by one server process reaches a stream held by another.

use crate::helpers::*;
use foodbot_domain::order::OrderAction;
use foodbot_domain::{Actor, OrderId, UserId};
use foodbot_projections::queries::read_token;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

crate::both_stores!(
    steps_arrive_live_as_staff_move_the_order,
    a_resumed_stream_sends_only_the_steps_after_the_last_one_received,
    another_customers_order_streams_nothing,
    a_stream_ends_once_the_order_is_over_and_its_refund_recorded,
);
crate::both_stores!(@postgres_only a_step_made_through_one_process_is_streamed_by_another);

/// How long any one event may take to arrive.
const DEADLINE: Duration = Duration::from_secs(10);

/// One server-sent event.
#[derive(Debug)]
struct Sse {
    event: String,
    id: Option<i64>,
    data: Value,
}

/// A stream of server-sent events, read as it arrives.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, order: &str, user: i64, last: Option<&str>) -> Events {
        // After the last command through the API, as the Mini App reads.
        let path = app.with_token(&format!("/api/v1/orders/{order}/events"));
        let mut req = app.client.get(format!("{}{path}", app.base)).header(
            "Authorization",
            format!("tma {}", init_data(user, BOT_TOKEN, now())),
        );
        if let Some(last) = last {
            req = req.header("Last-Event-ID", last);
        }
        let response = req.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped), or `None` when the stream closed.
    async fn next(&mut self) -> Option<Sse> {
        tokio::time::timeout(DEADLINE, self.read())
            .await
            .expect("an event in time")
    }

    async fn read(&mut self) -> Option<Sse> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut event, mut id, mut data) = (None, None, String::new());
                for line in block.lines() {
                    match line.split_once(':') {
                        Some(("event", v)) => event = Some(v.trim().to_string()),
                        Some(("id", v)) => id = Some(v.trim().parse().unwrap()),
                        Some(("data", v)) => data.push_str(v.strip_prefix(' ').unwrap_or(v)),
                        _ => {}
                    }
                }
                if let Some(event) = event {
                    let data = serde_json::from_str(&data).unwrap();
                    return Some(Sse { event, id, data });
                }
            }
            match self.response.chunk().await.unwrap() {
                Some(bytes) => self.buffer.push_str(std::str::from_utf8(&bytes).unwrap()),
                None => return None,
            }
        }
    }

    /// Asserts that nothing but comments arrives for a moment.
    async fn quiet(&mut self) {
        let waited = tokio::time::timeout(Duration::from_millis(300), self.read()).await;
        assert!(waited.is_err(), "unexpected: {waited:?}");
    }
}

fn staff() -> foodbot::app::CommandMeta {
    meta(Actor::Staff(UserId(STAFF_ID)))
}

/// A paid pickup order of `customer`, visible in the read models; its id and version.
async fn paid_order(app: &TestApp, customer: i64) -> (OrderId, usize) {
    let order: OrderId = app.cart(customer).await.parse().unwrap();
    let (version, _) = pay(app, order, customer).await;
    settle(app, &read_token("Order", &order.to_string(), version)).await;
    (order, version)
}

/// Runs a staff step; the order's version after it.
async fn step(app: &TestApp, order: OrderId, action: OrderAction) -> usize {
    let out = app
        .state
        .app
        .order_command(&staff(), order, action)
        .await
        .unwrap();
    assert_eq!(out.events.len(), 1);
    out.version
}

async fn steps_arrive_live_as_staff_move_the_order(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (order, paid) = paid_order(&app, 1).await;
    let mut events = Events::open(&app, &order.to_string(), 1, None).await;
    let mut bystander = Events::open(&app, &order.to_string(), 1, None).await;

    let first = events.next().await.unwrap();
    assert_eq!((first.event.as_str(), first.id), ("order", None));
    app.conforms("OrderDetail", &first.data);
    assert_eq!(first.data["status"], "paid");
    assert_eq!(first.data["id"], order.to_string());
    let timeline = first.data["timeline"].as_array().unwrap();
    assert_eq!(timeline.last().unwrap()["sequence"], paid as i64);
    // Nothing more until the order moves.
    events.quiet().await;

    for (action, status) in [
        (
            OrderAction::Accept {
                eta_minutes: Some(15),
            },
            "accepted",
        ),
        (OrderAction::StartPreparing, "preparing"),
        (OrderAction::MarkReady, "ready"),
        (OrderAction::MarkPickedUp, "picked_up"),
    ] {
        let version = step(&app, order, action).await;
        let e = events.next().await.unwrap();
        assert_eq!(
            (e.event.as_str(), e.id),
            ("step", Some(version as i64)),
            "{e:?}"
        );
        app.conforms("Step", &e.data);
        assert_eq!(e.data["status"], status);
        assert_eq!(e.data["sequence"], version as i64);
        assert_eq!(e.data["actor"], "staff");
    }
    let end = events.next().await.unwrap();
    assert_eq!(end.event, "end");
    assert!(
        events.next().await.is_none(),
        "the stream closes after its end"
    );

    // A server shutting down ends the streams still open.
    let second = bystander.next().await.unwrap();
    assert_eq!(second.event, "order");
    let mut open = Events::open(&app, &app.cart(1).await, 1, None).await;
    assert_eq!(open.next().await.unwrap().event, "order");
    tokio::time::timeout(DEADLINE, app.stop())
        .await
        .expect("the server stops with streams open");
    while let Some(e) = open.next().await {
        assert_ne!(e.event, "end", "{e:?}");
    }
}

async fn a_resumed_stream_sends_only_the_steps_after_the_last_one_received(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (order, paid) = paid_order(&app, 1).await;
    step(&app, order, OrderAction::Accept { eta_minutes: None }).await;
    let preparing = step(&app, order, OrderAction::StartPreparing).await;
    settle(&app, &read_token("Order", &order.to_string(), preparing)).await;

    // Away since the payment: the two steps missed, then the live ones.
    let mut events = Events::open(&app, &order.to_string(), 1, Some(&paid.to_string())).await;
    let first = events.next().await.unwrap();
    assert_eq!(first.event, "order");
    assert_eq!(first.data["status"], "preparing");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let e = events.next().await.unwrap();
        assert_eq!(e.event, "step");
        ids.push(e.id.unwrap());
    }
    let ready = step(&app, order, OrderAction::MarkReady).await;
    let e = events.next().await.unwrap();
    ids.push(e.id.unwrap());
    let expected: Vec<i64> = app
        .events_of(&order.to_string())
        .await
        .into_iter()
        .map(|(sequence, _)| sequence)
        .filter(|s| *s > paid as i64)
        .collect();
    assert_eq!(
        ids, expected,
        "every step after the last received, once, in order"
    );
    assert_eq!(*ids.last().unwrap(), ready as i64);
    events.quiet().await;

    // Up to date already: only the order, then the next step.
    let mut current = Events::open(&app, &order.to_string(), 1, Some(&ready.to_string())).await;
    assert_eq!(current.next().await.unwrap().event, "order");
    current.quiet().await;
    let done = step(&app, order, OrderAction::MarkPickedUp).await;
    let e = current.next().await.unwrap();
    assert_eq!((e.event.as_str(), e.id), ("step", Some(done as i64)));
    assert_eq!(current.next().await.unwrap().event, "end");

    // A Last-Event-ID that is not a step's id is refused.
    let path = format!("/api/v1/orders/{order}/events");
    for bad in ["abc", "-1", "1.5"] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .header(
                "Authorization",
                format!("tma {}", init_data(1, BOT_TOKEN, now())),
            )
            .header("Last-Event-ID", bad)
            .send()
            .await
            .unwrap();
        let (status, body) = parse(res).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{bad}"
        );
    }
}

async fn another_customers_order_streams_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (order, _) = paid_order(&app, 1).await;
    let events = format!("/api/v1/orders/{order}/events");
    let (status, body) = app.call(Method::GET, &events, Some(2), None).await;
    let (read_status, read_body) = app
        .call(
            Method::GET,
            &format!("/api/v1/orders/{order}"),
            Some(2),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        (status, &body),
        (read_status, &read_body),
        "the same 404 as a read"
    );
    let (status, _) = app.call(Method::GET, &events, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for unknown in [uuid::Uuid::new_v4().to_string(), "not-an-id".into()] {
        let (status, body) = app
            .call(
                Method::GET,
                &format!("/api/v1/orders/{unknown}/events"),
                Some(1),
                None,
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
    }
    // Tampered initData is refused before anything is read.
    let res = app
        .client
        .get(format!("{}{events}", app.base))
        .header(
            "Authorization",
            format!("tma {}x", init_data(1, BOT_TOKEN, now())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn a_stream_ends_once_the_order_is_over_and_its_refund_recorded(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (order, _) = paid_order(&app, 1).await;
    let rejected = app
        .state
        .app
        .order_command(
            &staff(),
            order,
            OrderAction::Reject {
                reason: "out of dough".into(),
            },
        )
        .await
        .unwrap()
        .version;
    let out = app
        .state
        .app
        .order_command(
            &staff(),
            order,
            OrderAction::RequestRefund { reason: "x".into() },
        )
        .await;
    // Rejecting a paid order asks for the refund itself.
    assert!(out.is_err());
    settle(&app, &read_token("Order", &order.to_string(), rejected)).await;

    // Rejected, the refund outstanding: the stream stays for the refund.
    let mut events = Events::open(&app, &order.to_string(), 1, None).await;
    let first = events.next().await.unwrap();
    assert_eq!(
        (first.event.as_str(), first.data["status"].as_str()),
        ("order", Some("rejected"))
    );
    events.quiet().await;
    let amount = app
        .state
        .app
        .order_for(Actor::System, order)
        .await
        .unwrap()
        .0
        .payment
        .unwrap()
        .amount;
    let refunded = app
        .state
        .app
        .order_command(
            &meta(Actor::System),
            order,
            OrderAction::RecordRefund {
                amount,
                telegram_charge_id: format!("tg-{order}"),
            },
        )
        .await
        .unwrap()
        .version;
    let e = events.next().await.unwrap();
    assert_eq!((e.event.as_str(), e.id), ("step", Some(refunded as i64)));
    assert_eq!(e.data["event_type"], "RefundCompleted");
    assert_eq!(events.next().await.unwrap().event, "end");
    assert!(events.next().await.is_none());

    // Opened after it was all over: the order, then the end.
    settle(&app, &read_token("Order", &order.to_string(), refunded)).await;
    let mut late = Events::open(&app, &order.to_string(), 1, None).await;
    assert_eq!(late.next().await.unwrap().event, "order");
    assert_eq!(late.next().await.unwrap().event, "end");
    assert!(late.next().await.is_none());
}

async fn a_step_made_through_one_process_is_streamed_by_another(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    // The first process leads the projection (only a leader steps).
    one.state
        .projector
        .steps()
        .wait_for(|n| *n > 0)
        .await
        .unwrap();
    let two = TestApp::spawn_on(&db, one.bot_api.clone(), |_| {}).await;
    let (order, paid) = paid_order(&one, 1).await;
    settle(&two, &read_token("Order", &order.to_string(), paid)).await;

    let mut events = Events::open(&two, &order.to_string(), 1, None).await;
    assert_eq!(events.next().await.unwrap().event, "order");
    let accepted = step(
        &one,
        order,
        OrderAction::Accept {
            eta_minutes: Some(5),
        },
    )
    .await;
    let e = events.next().await.unwrap();
    assert_eq!((e.event.as_str(), e.id), ("step", Some(accepted as i64)));
    assert_eq!(e.data["status"], "accepted");
    assert_eq!(
        two.state.projector.looked(),
        0,
        "the second process projected nothing: the step came from the first"
    );
}
