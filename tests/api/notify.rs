//! The notification sender end to end: the outbox the projector fills is
//! delivered through the fake Bot API, once, in the user's language at send
//! time, within Telegram's limits, around 429s, blocked users and users who
//! turned notifications off.
//!
//! Where a test needs notifications waiting before anything is sent, a first
//! server without the sender (`NOTIFY_SEND=false`, as every other test runs)
//! makes them, and a second one on the same database and the same fake
//! Telegram sends them.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::app::{Notification, NotificationKind};
use foodbot::config::Config;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::bot::callback::Callback;
use foodbot::telegram::fake::updates::update_message;
use foodbot::telegram::fake::Call;
use foodbot::telegram::fake::Fault;
use foodbot::telegram::sender::BLOCKED;
use foodbot_domain::order::OrderAction;
use foodbot_domain::user::{NotificationPreference, UserAction};
use foodbot_domain::{Actor, OrderId, UserId};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

crate::both_stores!(
    notifications_arrive_once_in_the_language_the_user_has_when_they_are_sent,
    a_flood_of_notifications_keeps_telegram_s_limits,
    a_429_storm_pauses_the_sender_and_loses_nothing,
    a_user_who_blocked_the_bot_gets_nothing_until_they_start_it_again,
    notifications_a_user_no_longer_wants_are_not_sent_nor_tried_again,
    a_chat_that_cannot_be_found_is_given_up_after_a_few_attempts,
);
crate::both_stores!(@postgres_only
    two_servers_on_one_database_send_each_notification_once,
    a_sender_whose_connection_is_cut_takes_its_turn_again_and_sends_on,
);

/// A server that sends notifications, looking for work often.
fn sending(c: &mut Config) {
    c.notify_send = true;
    c.notify_poll_ms = 200;
}

/// The same with every rate limit lifted.
fn unlimited(c: &mut Config) {
    sending(c);
    c.notify_global_per_sec = 0;
    c.notify_chat_per_sec = 0;
    c.notify_group_per_min = 0;
}

/// A paid order of `user` (registered by the Mini App in German).
async fn paid_order(app: &TestApp, user: i64) -> OrderId {
    let order: OrderId = app.cart(user).await.parse().unwrap();
    pay(app, order, user).await;
    order
}

async fn staff(app: &TestApp, order: OrderId, action: OrderAction) {
    app.state
        .app
        .order_command(&meta(Actor::Staff(UserId(STAFF_ID))), order, action)
        .await
        .unwrap();
}

fn accept() -> OrderAction {
    OrderAction::Accept {
        eta_minutes: Some(20),
    }
}

/// The reply markup of a call, whether sent as JSON or as a form's text.
fn markup(c: &Call) -> Value {
    match &c.body["reply_markup"] {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        v => v.clone(),
    }
}

/// Whether a call is a notification (its first button opens an order).
fn is_notification(c: &Call) -> bool {
    c.is("sendMessage")
        && markup(c)["inline_keyboard"][0][0]["url"]
            .as_str()
            .is_some_and(|u| u.contains("startapp=order_"))
}

fn chat_of(c: &Call) -> i64 {
    c.body["chat_id"].as_i64().unwrap()
}

fn text_of(c: &Call) -> &str {
    c.body["text"].as_str().unwrap()
}

/// The notifications Telegram accepted, in order of arrival.
fn delivered(calls: &[Call]) -> Vec<Call> {
    calls
        .iter()
        .filter(|c| is_notification(c) && c.status == Some(200))
        .cloned()
        .collect()
}

/// The outbox as the sender left it: (user, kind) → (sent, given up, attempts, last error).
async fn outbox(app: &TestApp) -> Vec<(i64, String, bool, bool, i64, Option<String>)> {
    let sql = "SELECT CAST(user_id AS BIGINT) AS user_id, kind,
                      CASE WHEN sent_at IS NULL THEN 0 ELSE 1 END AS sent,
                      CASE WHEN given_up_at IS NULL THEN 0 ELSE 1 END AS given_up,
                      CAST(attempts AS BIGINT) AS attempts, last_error
                 FROM notification_outbox ORDER BY position";
    app.db
        .projection_db()
        .rows(sql, &[])
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r["user_id"].as_i64().unwrap(),
                r["kind"].as_str().unwrap().to_string(),
                r["sent"].as_i64() == Some(1),
                r["given_up"].as_i64() == Some(1),
                r["attempts"].as_i64().unwrap(),
                r["last_error"].as_str().map(String::from),
            )
        })
        .collect()
}

/// Waits (up to 20 s, looking every 25 ms) until every notification in the
/// outbox is sent or given up, and returns the outbox then.
async fn settled_outbox(app: &TestApp) -> Vec<(i64, String, bool, bool, i64, Option<String>)> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let rows = outbox(app).await;
        if rows.iter().all(|r| r.2 || r.3) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "notifications still pending: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits (up to 20 s) until `count()` is `want`.
async fn until_count<F, Fut>(what: &str, want: i64, count: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = i64>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let n = count().await;
        if n == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: {n}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The pending notifications, rendered in `lang`, oldest first.
async fn pending(app: &TestApp) -> Vec<Notification> {
    app.state
        .app
        .pending_notifications(1_000)
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

/// Holds accepted sends to Telegram's limits as the fake saw them: never
/// more than 30 in any second overall, and never two to one chat less than
/// a second apart.
fn assert_within_telegram_limits(sent: &[Call]) {
    let second = Duration::from_secs(1);
    let mut times: Vec<_> = sent.iter().map(|c| c.instant).collect();
    times.sort();
    for w in times.windows(31) {
        assert!(
            w[30] - w[0] >= second,
            "31 messages within {:?}",
            w[30] - w[0]
        );
    }
    let mut per_chat: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for c in sent {
        per_chat.entry(chat_of(c)).or_default().push(c.instant);
    }
    for (chat, mut times) in per_chat {
        times.sort();
        for w in times.windows(2) {
            assert!(
                w[1] - w[0] >= second,
                "two messages to chat {chat} {:?} apart",
                w[1] - w[0]
            );
        }
    }
}

/// Each (chat, text) once.
fn assert_once(sent: &[Call]) {
    let mut seen = HashSet::new();
    for c in sent {
        assert!(
            seen.insert((chat_of(c), text_of(c).to_string())),
            "sent twice to {}: {}",
            chat_of(c),
            text_of(c)
        );
    }
}

async fn notifications_arrive_once_in_the_language_the_user_has_when_they_are_sent(store: Store) {
    let db = TestDb::new(store).await;
    let quiet = TestApp::spawn(&db).await;
    let user = 41;
    let order = paid_order(&quiet, user).await;
    staff(&quiet, order, accept()).await;
    staff(&quiet, order, OrderAction::MarkReady).await;
    staff(&quiet, order, OrderAction::MarkPickedUp).await;
    caught_up(&quiet).await;
    // The user registered in German and switches to French after the events,
    // before anything is sent.
    quiet
        .state
        .app
        .change_language(
            &meta(Actor::Customer(UserId(user))),
            UserId(user),
            "fr".into(),
        )
        .await
        .unwrap();
    let waiting = pending(&quiet).await;
    let kinds: Vec<_> = waiting.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::PaymentReceived,
            NotificationKind::OrderAccepted,
            NotificationKind::OrderReady,
            NotificationKind::OrderPickedUp
        ]
    );
    let bot_api = quiet.bot_api.clone();
    quiet.stop().await;
    assert!(bot_api.calls_to("sendMessage").is_empty());

    let app = TestApp::spawn_on(&db, bot_api, sending).await;
    app.bot_api
        .wait_for(|calls| delivered(calls).len() >= 4)
        .await;
    let rows = settled_outbox(&app).await;
    assert!(rows.iter().all(|r| r.2 && r.4 == 1), "{rows:#?}");
    let sent = delivered(&app.bot_api.calls());
    assert_eq!(sent.len(), 4, "{sent:#?}");
    let open = app_link(&format!("order_{}", order.0.simple()));
    for (call, n) in sent.iter().zip(&waiting) {
        assert_eq!(chat_of(call), user);
        assert_eq!(text_of(call), n.render(Lang::Fr));
        assert_ne!(text_of(call), n.render(Lang::De));
        let keyboard = markup(call)["inline_keyboard"].clone();
        assert_eq!(keyboard[0][0]["url"], open.as_str());
        assert_eq!(keyboard[0][0]["text"], t(Lang::Fr, "notify-open-order"));
        let reorder = n.kind == NotificationKind::OrderPickedUp;
        assert_eq!(
            keyboard.as_array().unwrap().len(),
            if reorder { 2 } else { 1 },
            "{keyboard}"
        );
        if reorder {
            assert_eq!(
                keyboard[1][0]["callback_data"],
                Callback::Reorder(order).write()
            );
            assert_eq!(keyboard[1][0]["text"], t(Lang::Fr, "notify-reorder"));
        }
    }

    // While the sender runs, a new notification goes out as soon as the
    // projector writes it.
    let second = paid_order(&app, user).await;
    app.bot_api
        .wait_for(|calls| delivered(calls).len() >= 5)
        .await;
    settled_outbox(&app).await;
    let sent = delivered(&app.bot_api.calls());
    assert_eq!(sent.len(), 5);
    assert!(
        text_of(&sent[4]).contains(&second.short()),
        "{}",
        text_of(&sent[4])
    );
    assert_eq!(app.bot_api.calls_to("sendMessage").len(), 5);
    app.stop().await;
}

/// Notifications for `users` chats, two each (payment, acceptance), made
/// before any is sent; returns the fake Telegram to send them to.
async fn queued(
    db: &TestDb,
    users: std::ops::RangeInclusive<i64>,
) -> foodbot::telegram::fake::FakeBotApi {
    let quiet = TestApp::spawn(db).await;
    for user in users {
        let order = paid_order(&quiet, user).await;
        staff(&quiet, order, accept()).await;
    }
    caught_up(&quiet).await;
    let bot_api = quiet.bot_api.clone();
    quiet.stop().await;
    bot_api
}

async fn a_flood_of_notifications_keeps_telegram_s_limits(store: Store) {
    let db = TestDb::new(store).await;
    // 80 notifications over 40 chats, all due at once: more than Telegram
    // takes in a second.
    let bot_api = queued(&db, 1..=40).await;
    let app = TestApp::spawn_on(&db, bot_api, |c| {
        sending(c);
        c.notify_concurrency = 64;
    })
    .await;
    app.bot_api
        .wait_until(Duration::from_secs(20), |calls| {
            delivered(calls).len() >= 80
        })
        .await
        .expect("every notification arrives");
    let rows = settled_outbox(&app).await;
    assert_eq!(rows.len(), 80);
    assert!(rows.iter().all(|r| r.2), "{rows:#?}");
    let sent = delivered(&app.bot_api.calls());
    assert_eq!(sent.len(), 80);
    assert_once(&sent);
    assert_within_telegram_limits(&sent);
    app.stop().await;
}

async fn a_429_storm_pauses_the_sender_and_loses_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let bot_api = queued(&db, 1..=4).await;
    // Every second sendMessage is refused by flood control.
    bot_api.fail_fraction(
        "sendMessage",
        0.5,
        Fault::TooManyRequests { retry_after: 1 },
    );
    let app = TestApp::spawn_on(&db, bot_api, sending).await;
    app.bot_api
        .wait_until(Duration::from_secs(30), |calls| delivered(calls).len() >= 8)
        .await
        .expect("every notification arrives");
    let rows = settled_outbox(&app).await;
    app.bot_api.clear_faults();
    // Flood control does not use up attempts, and nothing is given up.
    assert!(
        rows.iter()
            .all(|r| r.2 && !r.3 && r.4 == 1 && r.5.is_none()),
        "{rows:#?}"
    );
    let calls = app.bot_api.calls_to("sendMessage");
    let sent = delivered(&calls);
    assert_eq!(sent.len(), 8);
    assert_once(&sent);
    assert_within_telegram_limits(&sent);
    let refused: Vec<_> = calls.iter().filter(|c| c.status == Some(429)).collect();
    assert!(refused.len() >= 7, "{} refused", refused.len());
    // After a 429 the whole sender waits out retry_after: at most a message
    // already on its way arrives within the second.
    for r in &refused {
        let soon = calls
            .iter()
            .filter(|c| c.instant > r.instant && c.instant - r.instant < Duration::from_millis(900))
            .count();
        assert!(soon <= 1, "{soon} messages within a second of a 429");
    }
    app.stop().await;
}

async fn a_user_who_blocked_the_bot_gets_nothing_until_they_start_it_again(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, sending).await;
    let user = 43;
    start(&app, user, "en").await;
    app.bot_api.fail_next("sendMessage", Fault::Blocked, 1);
    let order = paid_order(&app, user).await;
    app.bot_api
        .wait_for(|calls| calls.iter().any(|c| c.fault == Some(Fault::Blocked)))
        .await;
    until_count("BotBlocked events", 1, || events_named(&app, "BotBlocked")).await;
    let rows = settled_outbox(&app).await;
    assert_eq!(
        rows,
        [(
            user,
            "payment_received".into(),
            false,
            true,
            1,
            Some(BLOCKED.into())
        )]
    );

    // While blocked, a new notification is given up without a try.
    staff(&app, order, accept()).await;
    until_count("notifications given up", 2, || async {
        outbox(&app).await.iter().filter(|r| r.3).count() as i64
    })
    .await;
    let rows = settled_outbox(&app).await;
    assert_eq!(rows[1].1, "order_accepted");
    assert_eq!(rows[1].5.as_deref(), Some(BLOCKED));
    let notifications: Vec<_> = app
        .bot_api
        .calls()
        .into_iter()
        .filter(is_notification)
        .collect();
    assert_eq!(notifications.len(), 1, "only the one Telegram refused");

    // /start again: the user has unblocked the bot.
    say(
        &app,
        user,
        &update_message(user, user, "/start", Some("en")),
    )
    .await;
    assert_eq!(events_named(&app, "BotUnblocked").await, 1);
    staff(&app, order, OrderAction::MarkReady).await;
    let ready = t_args(
        Lang::En,
        "notify-order-ready",
        &[("short_id", order.short().as_str().into())],
    );
    app.bot_api
        .wait_for(|calls| delivered(calls).iter().any(|c| text_of(c) == ready))
        .await;
    let rows = settled_outbox(&app).await;
    assert_eq!(
        rows.iter().map(|r| (r.1.as_str(), r.2)).collect::<Vec<_>>(),
        [
            ("payment_received", false),
            ("order_accepted", false),
            ("order_ready", true)
        ]
    );
    let notifications: Vec<_> = app
        .bot_api
        .calls()
        .into_iter()
        .filter(is_notification)
        .collect();
    assert_eq!(notifications.len(), 2);
    app.stop().await;
}

async fn notifications_a_user_no_longer_wants_are_not_sent_nor_tried_again(store: Store) {
    let db = TestDb::new(store).await;
    let quiet = TestApp::spawn(&db).await;
    // Three users with the same order news: payment, acceptance, ready.
    let prefs = [
        (51, NotificationPreference::None),
        (52, NotificationPreference::Essential),
        (53, NotificationPreference::All),
    ];
    for (user, _) in prefs {
        let order = paid_order(&quiet, user).await;
        staff(&quiet, order, accept()).await;
        staff(&quiet, order, OrderAction::MarkReady).await;
    }
    caught_up(&quiet).await;
    // They choose their preference after the events, before the sending.
    for (user, preference) in prefs {
        quiet
            .state
            .app
            .user_command(
                &meta(Actor::Customer(UserId(user))),
                UserId(user),
                UserAction::SetNotifications { preference },
            )
            .await
            .unwrap();
    }
    assert_eq!(pending(&quiet).await.len(), 9);
    let bot_api = quiet.bot_api.clone();
    quiet.stop().await;

    let app = TestApp::spawn_on(&db, bot_api, sending).await;
    let rows = settled_outbox(&app).await;
    let state = |user: i64| -> Vec<(String, bool, bool, i64)> {
        rows.iter()
            .filter(|r| r.0 == user)
            .map(|r| (r.1.clone(), r.2, r.3, r.4))
            .collect()
    };
    // Sent: one attempt. Given up for the preference: none was made.
    let row = |kind: &str, sent: bool| (kind.to_string(), sent, !sent, i64::from(sent));
    assert_eq!(
        state(51),
        [
            row("payment_received", false),
            row("order_accepted", false),
            row("order_ready", false)
        ]
    );
    assert_eq!(
        state(52),
        [
            row("payment_received", false),
            row("order_accepted", false),
            row("order_ready", true)
        ]
    );
    assert_eq!(
        state(53),
        [
            row("payment_received", true),
            row("order_accepted", true),
            row("order_ready", true)
        ]
    );
    for r in rows.iter().filter(|r| r.3) {
        assert!(
            r.5.as_deref().is_some_and(|e| e.contains("preference")),
            "{r:?}"
        );
    }
    // More news wakes the sender: what was given up is not tried again.
    paid_order(&app, 53).await;
    app.bot_api
        .wait_for(|calls| delivered(calls).len() >= 5)
        .await;
    let again = settled_outbox(&app).await;
    assert_eq!(&again[..9], &rows[..]);
    let sent = delivered(&app.bot_api.calls());
    let mut chats: Vec<i64> = sent.iter().map(chat_of).collect();
    chats.sort();
    assert_eq!(chats, [52, 53, 53, 53, 53]);
    assert_eq!(app.bot_api.calls_to("sendMessage").len(), 5);
    app.stop().await;
}

async fn a_chat_that_cannot_be_found_is_given_up_after_a_few_attempts(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, sending).await;
    app.bot_api.fail_next(
        "sendMessage",
        Fault::Status(400, "Bad Request: chat not found".into()),
        5,
    );
    paid_order(&app, 61).await;
    until_count("notifications given up", 1, || async {
        outbox(&app).await.iter().filter(|r| r.3).count() as i64
    })
    .await;
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1);
    let (_, _, sent, given_up, attempts, error) = &rows[0];
    assert!(!sent && *given_up);
    assert_eq!(*attempts, 3);
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("chat not found")),
        "{error:?}"
    );
    assert_eq!(app.bot_api.calls_to("sendMessage").len(), 3);
    app.bot_api.clear_faults();
    app.stop().await;
}

/// One server sends at a time; the other waits for its turn and takes over
/// when the first stops. Nothing is sent twice.
async fn two_servers_on_one_database_send_each_notification_once(store: Store) {
    let db = TestDb::new(store).await;
    // No limits, so that nothing but the turn keeps the two apart.
    let one = TestApp::spawn_with(&db, unlimited).await;
    // The first server's notifications arrive: it holds the turn.
    let order = paid_order(&one, 1).await;
    staff(&one, order, accept()).await;
    one.bot_api
        .wait_for(|calls| delivered(calls).len() >= 2)
        .await;
    let two = TestApp::spawn_on(&db, one.bot_api.clone(), unlimited).await;
    for user in 2..=13 {
        let app = if user % 2 == 0 { &one } else { &two };
        let order = paid_order(app, user).await;
        staff(app, order, accept()).await;
    }
    one.bot_api
        .wait_for(|calls| delivered(calls).len() >= 26)
        .await;
    // The holder stops; the other takes over and sends what comes next.
    one.stop().await;
    for user in 14..=15 {
        let order = paid_order(&two, user).await;
        staff(&two, order, accept()).await;
    }
    two.bot_api
        .wait_for(|calls| delivered(calls).len() >= 30)
        .await;
    let rows = settled_outbox(&two).await;
    assert_eq!(rows.len(), 30);
    assert!(rows.iter().all(|r| r.2 && r.4 == 1), "{rows:#?}");
    let sent = delivered(&two.bot_api.calls());
    assert_eq!(sent.len(), 30);
    assert_once(&sent);
    let chats: std::collections::BTreeSet<i64> = sent.iter().map(chat_of).collect();
    assert_eq!(chats, (1..=15).collect());
    two.stop().await;
}

/// The sessions holding the sender's advisory lock on this test's database
/// (a `bigint` key is `classid` for its high half and `objid` for its low
/// half; other tests' databases have their own).
async fn sender_lock_holders(app: &TestApp) -> Vec<i64> {
    let key = foodbot::app::notifications::SENDER_LOCK;
    let sql = format!(
        "SELECT CAST(pid AS BIGINT) AS pid FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objsubid = 1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND CAST(CAST(classid AS TEXT) AS BIGINT) = {}
            AND CAST(CAST(objid AS TEXT) AS BIGINT) = {}",
        key >> 32,
        key & 0xffff_ffff
    );
    let rows = app.db.projection_db().rows(&sql, &[]).await.unwrap();
    rows.iter().map(|r| r["pid"].as_i64().unwrap()).collect()
}

/// The database ends the session that holds the sender's turn (a restart, a
/// network cut): the turn goes with it, the sender asks for it again on a new
/// connection and sends on, nothing twice.
async fn a_sender_whose_connection_is_cut_takes_its_turn_again_and_sends_on(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, unlimited).await;
    let order = paid_order(&app, 1).await;
    staff(&app, order, accept()).await;
    app.bot_api
        .wait_for(|calls| delivered(calls).len() >= 2)
        .await;
    let holders = sender_lock_holders(&app).await;
    assert_eq!(holders.len(), 1, "{holders:?}");
    let ended = app
        .db
        .projection_db()
        .rows(
            &format!("SELECT pg_terminate_backend({}) AS ended", holders[0]),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(ended[0]["ended"], Value::Bool(true));
    for user in 2..=3 {
        let order = paid_order(&app, user).await;
        staff(&app, order, accept()).await;
    }
    app.bot_api
        .wait_for(|calls| delivered(calls).len() >= 6)
        .await;
    let again = sender_lock_holders(&app).await;
    assert_eq!(again.len(), 1, "{again:?}");
    assert_ne!(again[0], holders[0]);
    let rows = settled_outbox(&app).await;
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.2 && r.4 == 1), "{rows:#?}");
    let sent = delivered(&app.bot_api.calls());
    assert_eq!(sent.len(), 6);
    assert_once(&sent);
    app.stop().await;
}
