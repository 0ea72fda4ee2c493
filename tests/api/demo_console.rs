//! The offline demo's console and its routes: the page at `/` (only in demo
//! mode), the staff group and member of staff the demo fills in, test
//! payments that go through the real pipeline, and the staff chat read and
//! pressed as the demo's member of staff.

use crate::bot_helpers::{caught_up, status_name};
use crate::helpers::*;
use foodbot::i18n::{t_args, Lang};
use foodbot::startup::{DEMO_BOT_USERNAME, DEMO_STAFF_CHAT_ID, DEMO_STAFF_USER_ID, DEMO_USER_ID};
use foodbot::telegram::demo::{Shown, Transcript};
use foodbot_domain::{OrderId, UserId};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

crate::both_stores!(
    a_test_payment_pays_the_order_and_the_staff_moves_it_from_their_chat,
    an_invoice_sent_in_the_chat_is_paid_from_the_chat,
);
crate::both_stores!(@postgres_only
    the_console_is_the_front_page_only_in_demo_mode,
    configured_staff_are_kept_in_demo_mode,
    unknown_invoices_and_bad_payment_requests_are_refused_and_send_nothing,
    demo_logins_carry_a_valid_start_parameter_and_refuse_a_bad_one,
);

const CUSTOMER: i64 = DEMO_USER_ID;
/// How long a test waits for a chat to show what it expects.
const PATIENCE: Duration = Duration::from_secs(20);

async fn demo_app(db: &TestDb) -> TestApp {
    TestApp::spawn_with(db, |c| {
        c.bot_token = None;
        c.public_url = None;
        c.payment_provider_token = None;
        c.staff_chat_id = None;
        c.staff_user_ids = vec![];
    })
    .await
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    parse(res).await
}

async fn post_json(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    parse(res).await
}

/// A demo login, as the console asks for one.
async fn demo_login(app: &TestApp, start: Option<&str>) -> String {
    let mut path = format!(
        "/api/v1/demo/init-data?user_id={CUSTOMER}&first_name=User%20{CUSTOMER}&language_code=en"
    );
    if let Some(s) = start {
        path.push_str(&format!("&start_param={s}"));
    }
    let (status, body) = app.call(Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["init_data"].as_str().unwrap().to_string()
}

/// A Mini App call with a demo login.
async fn as_customer(
    app: &TestApp,
    init: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .request(method, format!("{}{path}", app.base))
        .header("Authorization", format!("tma {init}"))
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string());
    if let Some(b) = body {
        req = req.json(&b);
    }
    parse(req.send().await.unwrap()).await
}

/// A checked-out pickup order of one margherita, waiting for its payment.
async fn checked_out_order(app: &TestApp, init: &str) -> OrderId {
    let (status, cart) = as_customer(
        app,
        init,
        Method::POST,
        "/api/v1/orders",
        Some(json!({ "items": [margherita(1)] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let id = cart["id"].as_str().unwrap().to_string();
    let (status, body) = as_customer(
        app,
        init,
        Method::PUT,
        &format!("/api/v1/orders/{id}/fulfilment"),
        Some(json!({ "kind": "pickup" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = as_customer(
        app,
        init,
        Method::POST,
        &format!("/api/v1/orders/{id}/checkout"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id.parse().unwrap()
}

async fn order_of(app: &TestApp, init: &str, id: OrderId) -> Value {
    caught_up(app).await;
    let (status, body) = as_customer(
        app,
        init,
        Method::GET,
        &format!("/api/v1/orders/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The chat as the console reads it, once `done` holds (long polls, with a deadline).
async fn chat_until(app: &TestApp, chat: i64, done: impl Fn(&[Shown]) -> bool) -> Vec<Shown> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut version: Option<u64> = None;
    loop {
        let path = match version {
            Some(v) => format!("/demo/chat/{chat}?version={v}&wait_ms=2000"),
            None => format!("/demo/chat/{chat}"),
        };
        let (status, body) = get_json(app, &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let t: Transcript = serde_json::from_value(body).unwrap();
        if done(&t.messages) {
            return t.messages;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chat {chat} never showed what was awaited: {:#?}",
            t.messages
        );
        version = Some(t.version);
    }
}

/// The staff chat's post of `id`, once its first line ends with `status`.
async fn post_showing(app: &TestApp, id: OrderId, status: &str) -> Shown {
    let title = format!("#{} ·", id.short());
    let want = format!("· {}", status_name(Lang::En, status));
    let is_it = |m: &Shown| {
        let first = m.text.lines().next().unwrap_or("");
        m.from_bot && first.contains(&title) && first.ends_with(&want)
    };
    let messages = chat_until(app, DEMO_STAFF_CHAT_ID, |ms| ms.iter().any(is_it)).await;
    messages.into_iter().find(is_it).unwrap()
}

fn data_of(m: &Shown, label: &str) -> String {
    m.buttons
        .iter()
        .flatten()
        .find(|b| b.text == label)
        .and_then(|b| b.data.clone())
        .unwrap_or_else(|| panic!("no button {label:?} under {m:#?}"))
}

async fn events_of_type(app: &TestApp, id: OrderId, event_type: &str) -> usize {
    app.events_of(&id.to_string())
        .await
        .iter()
        .filter(|(_, t)| t == event_type)
        .count()
}

async fn the_console_is_the_front_page_only_in_demo_mode(store: Store) {
    let db = TestDb::new(store).await;
    let demo = demo_app(&db).await;
    let page = demo
        .client
        .get(format!("{}/", demo.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(header("content-type").starts_with("text/html"));
    let csp = header("content-security-policy");
    for rule in [
        "script-src 'self'",
        "style-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = page.text().await.unwrap();
    for part in [
        "data-testid=\"chat-bot\"",
        "data-testid=\"chat-staff\"",
        "data-testid=\"payment-dialog\"",
        "data-testid=\"chat-input\"",
        "src=\"/console/console.js\"",
        "href=\"/console/console.css\"",
    ] {
        assert!(html.contains(part), "{part} is missing from the page");
    }
    // Nothing inline: every script has a source, no style element or attribute.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script type=\"module\" src=").count()
    );
    assert!(!html.contains("<style") && !html.contains("style="));
    for (file, kind) in [
        ("console.js", "text/javascript"),
        ("chat.js", "text/javascript"),
        ("pay.js", "text/javascript"),
        ("dom.js", "text/javascript"),
        ("console.css", "text/css"),
    ] {
        let res = demo
            .client
            .get(format!("{}/console/{file}", demo.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        let got = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(got.starts_with(kind), "{file}: {got}");
    }
    let (status, _) = get_json(&demo, "/console/../Cargo.toml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_json(&demo, "/console/secret.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The demo's people: the staff group and member of staff filled in.
    let (status, setup) = get_json(&demo, "/demo/setup").await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    assert_eq!(setup["customer"], CUSTOMER);
    assert_eq!(setup["staff_chat"], DEMO_STAFF_CHAT_ID);
    assert_eq!(setup["staff_user"], DEMO_STAFF_USER_ID);
    assert_eq!(setup["bot_username"], DEMO_BOT_USERNAME);
    assert!(demo.state.app.is_staff(UserId(DEMO_STAFF_USER_ID)));

    // The console's files are not the Mini App's.
    let (status, _) = get_json(&demo, "/app/console/console.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    drop(demo);

    // With a real bot token: `/` leads to the app, no demo routes, no demo staff.
    let real = TestApp::spawn(&db).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let root = no_redirects
        .get(format!("{}/", real.base))
        .send()
        .await
        .unwrap();
    assert!(root.status().is_redirection(), "{}", root.status());
    assert_eq!(root.headers()["location"], "/app/");
    for path in [
        "/console/console.js",
        "/demo/setup",
        "/demo/chat/1/messages",
    ] {
        let res = real
            .client
            .get(format!("{}{path}", real.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(!real.state.app.is_staff(UserId(DEMO_STAFF_USER_ID)));
    assert!(real.state.app.is_staff(UserId(STAFF_ID)));
}

async fn configured_staff_are_kept_in_demo_mode(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| {
        c.bot_token = None;
        c.public_url = None;
        c.staff_chat_id = Some(-1_005_555);
        c.staff_user_ids = vec!["4242".into(), "77".into()];
    })
    .await;
    let (status, setup) = get_json(&app, "/demo/setup").await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    assert_eq!(setup["staff_chat"], -1_005_555);
    assert_eq!(setup["staff_user"], 77);
    assert!(!app.state.app.is_staff(UserId(DEMO_STAFF_USER_ID)));
}

async fn a_test_payment_pays_the_order_and_the_staff_moves_it_from_their_chat(store: Store) {
    let db = TestDb::new(store).await;
    let app = demo_app(&db).await;
    let init = demo_login(&app, None).await;
    let id = checked_out_order(&app, &init).await;

    // The Mini App's invoice: with no provider token configured the demo's own is used.
    let (status, invoice) = as_customer(
        &app,
        &init,
        Method::POST,
        &format!("/api/v1/orders/{id}/invoice"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{invoice}");
    let link = invoice["invoice_link"].as_str().unwrap().to_string();
    let slug = link.rsplit('$').next().unwrap().to_string();
    let (status, form) = get_json(&app, &format!("/demo/invoices/{slug}")).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form["total_amount"], invoice["amount"]["amount"]);
    assert_eq!(form["currency"], "EUR");
    assert_eq!(form["amount"], "€8.90");

    // Pay: Telegram's pre-checkout query, the bot's yes, the payment.
    let (status, outcome) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/payments"),
        json!({ "invoice_link": link }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome, json!({ "status": "paid" }));
    let post = post_showing(&app, id, "paid").await;
    assert_eq!(order_of(&app, &init, id).await["status"], "paid");
    let customer_chat =
        chat_until(&app, CUSTOMER, |ms| ms.iter().any(|m| m.payment.is_some())).await;
    let payment = customer_chat
        .iter()
        .find_map(|m| m.payment.clone())
        .unwrap();
    assert_eq!(
        (payment.currency.as_str(), payment.total_amount),
        ("EUR", 890)
    );

    // The same invoice again: the bot refuses the pre-checkout, nothing is paid twice.
    let (status, again) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/payments"),
        json!({ "slug": slug }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "failed", "{again}");
    assert!(
        !again["error_message"].as_str().unwrap_or("").is_empty(),
        "{again}"
    );
    assert_eq!(events_of_type(&app, id, "PaymentReceived").await, 1);

    // Someone who is not staff presses: an alert, and the order stays.
    let accept = data_of(
        &post,
        &t_args(Lang::En, "staff-accept", &[("eta", 30u32.into())]),
    );
    let staff_chat = format!("/demo/chat/{DEMO_STAFF_CHAT_ID}/presses?answer_wait_ms=10000");
    let (status, refused) = post_json(
        &app,
        &staff_chat,
        json!({ "message_id": post.message_id, "data": accept, "from": 4242 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refused}");
    assert_eq!(refused["answer"]["show_alert"], true, "{refused}");
    assert_eq!(order_of(&app, &init, id).await["status"], "paid");

    // The demo's member of staff accepts it from the staff chat.
    let (status, pressed) = post_json(
        &app,
        &staff_chat,
        json!({ "message_id": post.message_id, "data": accept, "from": DEMO_STAFF_USER_ID }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pressed}");
    assert!(
        pressed["answer"].is_object(),
        "the bot answers the press: {pressed}"
    );
    let moved = post_showing(&app, id, "accepted").await;
    assert_eq!(moved.message_id, post.message_id);
    assert!(moved.edited);
    assert_eq!(order_of(&app, &init, id).await["status"], "accepted");
}

async fn an_invoice_sent_in_the_chat_is_paid_from_the_chat(store: Store) {
    let db = TestDb::new(store).await;
    let app = demo_app(&db).await;
    let init = demo_login(&app, None).await;
    let id = checked_out_order(&app, &init).await;
    // /status reads the read models, as a customer's next look would.
    caught_up(&app).await;

    let (status, _) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/messages"),
        json!({ "text": "/status", "language_code": "en" }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let pay_label = t_args(Lang::En, "status-pay", &[("short_id", id.short().into())]);
    let has_pay = |m: &Shown| m.buttons.iter().flatten().any(|b| b.text == pay_label);
    let messages = chat_until(&app, CUSTOMER, |ms| ms.iter().any(has_pay)).await;
    let status_message = messages.into_iter().find(has_pay).unwrap();
    let (status, pressed) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/presses"),
        json!({ "message_id": status_message.message_id, "data": data_of(&status_message, &pay_label) }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{pressed}");
    let messages = chat_until(&app, CUSTOMER, |ms| ms.iter().any(|m| m.invoice.is_some())).await;
    let invoice = messages.into_iter().find(|m| m.invoice.is_some()).unwrap();
    let shown = invoice.invoice.clone().unwrap();
    assert_eq!((shown.currency.as_str(), shown.total_amount), ("EUR", 890));
    assert!(shown.title.contains(&id.short().to_string()), "{shown:?}");

    // A message that is not an invoice cannot be paid.
    let (status, _) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/payments"),
        json!({ "message_id": status_message.message_id }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, outcome) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/payments"),
        json!({ "message_id": invoice.message_id }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["status"], "paid", "{outcome}");
    post_showing(&app, id, "paid").await;
    assert_eq!(order_of(&app, &init, id).await["status"], "paid");
    assert_eq!(events_of_type(&app, id, "PaymentReceived").await, 1);
}

async fn unknown_invoices_and_bad_payment_requests_are_refused_and_send_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = demo_app(&db).await;
    let pay = format!("/demo/chat/{CUSTOMER}/payments");
    for body in [
        json!({ "slug": "fakeinvoiceNoSuchThing" }),
        json!({ "invoice_link": "https://t.me/$fakeinvoiceNoSuchThing" }),
        json!({ "invoice_link": "https://example.com/pay" }),
        json!({ "message_id": 1 }),
    ] {
        let (status, answer) = post_json(&app, &pay, body.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], "unknown_invoice", "{answer}");
    }
    for body in [
        json!({}),
        json!({ "slug": "a", "message_id": 1 }),
        json!({ "slug": "a", "amount": 1 }),
        json!({ "slug": 5 }),
    ] {
        let (status, answer) = post_json(&app, &pay, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
    }
    let (status, _) = post_json(&app, "/demo/chat/0/payments", json!({ "slug": "a" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let res = app
        .client
        .post(format!("{}{pay}", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (status, _) = get_json(&app, "/demo/invoices/fakeinvoiceNoSuchThing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Presses and messages in the staff group need someone to make them.
    let (status, _) = post_json(
        &app,
        &format!("/demo/chat/{DEMO_STAFF_CHAT_ID}/messages"),
        json!({ "text": "/stoplist" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/messages"),
        json!({ "text": "/start", "from": DEMO_STAFF_USER_ID }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Nothing reached the bot: the first update it stores is the next message.
    let (status, _) = post_json(
        &app,
        &format!("/demo/chat/{CUSTOMER}/messages"),
        json!({ "text": "/start", "language_code": "en" }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    chat_until(&app, CUSTOMER, |ms| ms.iter().any(|m| m.from_bot)).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telegram_updates").await, 1);
}

async fn demo_logins_carry_a_valid_start_parameter_and_refuse_a_bad_one(store: Store) {
    let db = TestDb::new(store).await;
    let app = demo_app(&db).await;
    let init = demo_login(&app, Some("item_margherita")).await;
    let fields: Vec<(String, String)> = form_urlencoded::parse(init.as_bytes())
        .into_owned()
        .collect();
    assert!(fields.contains(&("start_param".into(), "item_margherita".into())));
    // The server takes it as a login.
    let (status, me) = as_customer(&app, &init, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], CUSTOMER);
    for bad in ["a%20b", "x%26user%3D1", &"y".repeat(513), ""] {
        let (status, body) = app
            .call(
                Method::GET,
                &format!("/api/v1/demo/init-data?start_param={bad}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query");
    }
}
