//! Updates in: the webhook stores before it answers, a redelivery has one
//! effect, a stored update survives its server, bad deliveries change
//! nothing.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::update_message;
use foodbot::telegram::inbox::{Inbox, Incoming, Stored};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

crate::both_stores!(
    a_wrong_or_missing_secret_is_401_and_nothing_is_stored,
    malformed_bodies_are_refused_and_unknown_updates_stored_as_ignored,
    a_redelivered_update_is_answered_200_and_has_one_effect,
    a_burst_of_deliveries_filed_together_stores_and_answers_each_update_once,
    an_update_stored_by_a_server_that_stops_before_handling_it_is_handled_once_by_the_next,
    an_update_whose_claim_lapsed_with_its_process_is_taken_over,
    in_a_group_only_commands_are_answered,
    handled_updates_are_deleted_after_a_week_but_failed_pending_and_the_newest_stay,
);

crate::both_stores!(@postgres_only two_servers_on_one_database_handle_each_update_once_and_each_chat_in_order);

async fn a_wrong_or_missing_secret_is_401_and_nothing_is_stored(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let update = update_message(501, 501, "/start", Some("en")).to_string();
    for secret in [None, Some("wrong"), Some(""), Some("test-webhook-secret_")] {
        let status = deliver_with(&app, update.clone(), secret).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{secret:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telegram_updates").await, 0);
    assert!(app.bot_api.calls_to("sendMessage").is_empty());
}

async fn malformed_bodies_are_refused_and_unknown_updates_stored_as_ignored(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for body in [
        "{not json",
        "[1,2]",
        r#"{"update_id":"7"}"#,
        r#"{"message":{}}"#,
    ] {
        let status = deliver_with(&app, body.into(), Some(WEBHOOK_SECRET)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telegram_updates").await, 0);
    let oversized = json!({"update_id": 1, "message": {"text": "x".repeat(300 * 1024)}});
    let status = deliver_with(&app, oversized.to_string(), Some(WEBHOOK_SECRET)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Kinds the bot does not handle, and a message without a chat, are kept
    // (Telegram counts them delivered) but marked ignored at once.
    let poll = json!({"update_id": 9001, "poll": {"id": "p", "question": "?", "options": []}});
    let future = json!({"update_id": 9002, "something_new": {"id": 1}});
    let chatless = json!({"update_id": 9003, "message": {"message_id": 1, "text": "hi"}});
    for u in [&poll, &future, &chatless] {
        assert_eq!(deliver(&app, u).await, StatusCode::OK);
    }
    assert_eq!(inbox(&app, "ignored").await, 3);
    // A message after them is handled: nothing was stuck on them.
    say(&app, 502, &update_message(502, 502, "/help", Some("en"))).await;
    assert_eq!(app.bot_api.calls_to("sendMessage").len(), 1);
}

async fn a_redelivered_update_is_answered_200_and_has_one_effect(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let chat = 503;
    let start = update_message(chat, chat, "/start", Some("en"));
    assert_eq!(deliver(&app, &start).await, StatusCode::OK);
    assert_eq!(deliver(&app, &start).await, StatusCode::OK);
    let help = update_message(chat, chat, "/help", Some("en"));
    assert_eq!(deliver(&app, &help).await, StatusCode::OK);
    // One chat's updates are handled in order, so once /help is answered,
    // a second answer to /start would be there too.
    let messages = bot_messages(&app, chat, 2).await;
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_eq!(
        messages[0].text,
        Some(greeting(Lang::En, chat, "Foodbot Demo Kitchen"))
    );
    assert_eq!(
        messages[1].text.as_deref(),
        Some(t(Lang::En, "help-text").as_str())
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telegram_updates").await, 2);
    // The lane's next update is claimed only once those before it are
    // marked: after its answer both are done.
    say(&app, chat, &update_message(chat, chat, "/help", Some("en"))).await;
    let done = format!(
        "SELECT COUNT(*) FROM telegram_updates WHERE state = 'done' AND update_id IN ({}, {})",
        start["update_id"], help["update_id"]
    );
    assert_eq!(app.scalar(&done).await, 2);
    // The user was registered once.
    let registered = app
        .scalar("SELECT COUNT(*) FROM events WHERE event_type = 'UserRegistered'")
        .await;
    assert_eq!(registered, 1);
}

/// Many deliveries at once are filed in shared inserts; each distinct update
/// is stored and answered once, however its copies were batched.
async fn a_burst_of_deliveries_filed_together_stores_and_answers_each_update_once(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let chats: Vec<i64> = (0..20).map(|i| 600 + i).collect();
    let updates: Vec<Value> = chats
        .iter()
        .flat_map(|&c| [0, 1].map(|_| update_message(c, c, "/help", Some("en"))))
        .collect();
    // Every update twice, all at the same time.
    let deliveries = updates.iter().chain(&updates).map(|u| deliver(&app, u));
    let statuses = futures::future::join_all(deliveries).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM telegram_updates").await,
        40
    );
    // A chat's updates are handled in order: once a third update is
    // answered, a second answer to either of the first two would be there.
    for &chat in &chats {
        say(&app, chat, &update_message(chat, chat, "/help", Some("en"))).await;
        assert_eq!(bot_messages(&app, chat, 3).await.len(), 3, "chat {chat}");
    }
    assert_eq!(app.bot_api.calls_to("sendMessage").len(), 60);

    // One batch holding an update twice, and one stored before: the first
    // copy of the new one is new, every other copy is a redelivery.
    let filed = |v: &Value| Incoming::parse(v.to_string().as_bytes()).unwrap();
    let fresh = filed(&update_message(650, 650, "/help", Some("en")));
    let old = filed(&updates[0]);
    let store = Inbox::new(app.db.clone(), "test".into(), Duration::from_secs(30));
    let stored = store.store_all(&[fresh.clone(), old, fresh]).await.unwrap();
    assert_eq!(stored, [Stored::New, Stored::Again, Stored::Again]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM telegram_updates").await,
        61
    );
}

async fn an_update_stored_by_a_server_that_stops_before_handling_it_is_handled_once_by_the_next(
    store: Store,
) {
    let db = TestDb::new(store).await;
    // A process that stores updates but does not handle them: as a server
    // that answered 200 and then died.
    let first = TestApp::spawn_with(&db, |c| c.bot_dispatch = false).await;
    let chat = 504;
    let start = update_message(chat, chat, "/start", Some("de"));
    assert_eq!(deliver(&first, &start).await, StatusCode::OK);
    assert_eq!(inbox(&first, "pending").await, 1);
    let fake = first.bot_api.clone();
    first.stop().await;
    assert!(fake.calls_to("sendMessage").is_empty());

    let second = TestApp::spawn_on(&db, fake, |_| {}).await;
    let greeted = bot_messages(&second, chat, 1).await;
    assert_eq!(greeted.len(), 1);
    assert_eq!(
        greeted[0].text,
        Some(greeting(Lang::De, chat, "Foodbot Demoküche"))
    );
    // The same update delivered again to the new server: nothing more.
    assert_eq!(deliver(&second, &start).await, StatusCode::OK);
    say(
        &second,
        chat,
        &update_message(chat, chat, "/help", Some("de")),
    )
    .await;
    assert_eq!(bot_messages(&second, chat, 2).await.len(), 2);
}

async fn an_update_whose_claim_lapsed_with_its_process_is_taken_over(store: Store) {
    let db = TestDb::new(store).await;
    let first = TestApp::spawn_with(&db, |c| c.bot_dispatch = false).await;
    let chat = 505;
    assert_eq!(
        deliver(&first, &update_message(chat, chat, "/help", Some("en"))).await,
        StatusCode::OK
    );
    // A process claimed it and died: its lease ran out a while ago.
    let expired = match store {
        Store::Postgres => "now() - interval '1 minute'",
        Store::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds')",
    };
    let sql = format!(
        "UPDATE telegram_updates SET claimed_by = 'gone', attempts = 1, claimed_until = {expired}"
    );
    match &first.db {
        foodbot::store::Database::Postgres(p) => sqlx::query(&sql).execute(p).await.map(|_| ()),
        foodbot::store::Database::Sqlite(p) => sqlx::query(&sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
    let fake = first.bot_api.clone();
    first.stop().await;
    let second = TestApp::spawn_on(&db, fake, |_| {}).await;
    assert_eq!(bot_messages(&second, chat, 1).await.len(), 1);
    assert_eq!(
        second
            .scalar("SELECT COUNT(*) FROM telegram_updates WHERE attempts = 2")
            .await,
        1
    );
}

async fn handled_updates_are_deleted_after_a_week_but_failed_pending_and_the_newest_stay(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| c.bot_dispatch = false).await;
    // One update from each chat, in this order: a message waits in its chat's
    // lane, so the lane names the update.
    for chat in 601..=606 {
        let status = deliver(&app, &update_message(chat, chat, "/help", Some("en"))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (old, recent) = match store {
        Store::Postgres => ("now() - interval '8 days'", "now() - interval '6 days'"),
        Store::Sqlite => (
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-8 days')",
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-6 days')",
        ),
    };
    // 601 done and 602 ignored a week ago go; 603 failed a week ago, 604 done
    // six days ago, 605 still pending and 606, the newest, stay.
    for (chat, state, at) in [
        (601, "done", old),
        (602, "ignored", old),
        (603, "failed", old),
        (604, "done", recent),
        (606, "done", old),
    ] {
        let sql = format!(
            "UPDATE telegram_updates SET state = '{state}', handled_at = {at} WHERE lane = {chat}"
        );
        match &app.db {
            foodbot::store::Database::Postgres(p) => sqlx::query(&sql).execute(p).await.map(|_| ()),
            foodbot::store::Database::Sqlite(p) => sqlx::query(&sql).execute(p).await.map(|_| ()),
        }
        .unwrap();
    }
    let inbox = Inbox::new(app.db.clone(), "test".into(), Duration::from_secs(30));
    let week = Duration::from_secs(7 * 86_400);
    assert_eq!(inbox.purge_handled(week).await.unwrap(), 2);
    let left = app
        .scalar("SELECT COUNT(*) FROM telegram_updates WHERE lane IN (603, 604, 605, 606)")
        .await;
    assert_eq!(left, 4);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telegram_updates").await, 4);
    let newest = app
        .scalar("SELECT update_id FROM telegram_updates WHERE lane = 606")
        .await;
    assert_eq!(inbox.last_update_id().await.unwrap(), Some(newest));
    // Nothing more is old enough.
    assert_eq!(inbox.purge_handled(week).await.unwrap(), 0);
}

/// The /start greeting the fake's user `id` gets.
fn greeting(lang: Lang, id: i64, restaurant: &str) -> String {
    let name = format!("User {id}");
    t_args(
        lang,
        "start-greeting",
        &[
            ("name", name.as_str().into()),
            ("restaurant", restaurant.into()),
        ],
    )
}

async fn two_servers_on_one_database_handle_each_update_once_and_each_chat_in_order(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    // The second process talks to the same Telegram.
    let two = TestApp::spawn_on(&db, one.bot_api.clone(), |_| {}).await;
    let chats: Vec<i64> = (601..611).collect();
    let script = ["/help", "what is this?", "/help"];
    // Each chat's updates in order, alternately to either server, as
    // Telegram would spread them over two webhook receivers.
    for (i, text) in script.iter().enumerate() {
        for (j, chat) in chats.iter().enumerate() {
            let to = if (i + j) % 2 == 0 { &one } else { &two };
            let update = update_message(*chat, *chat, text, Some("en"));
            assert_eq!(deliver(to, &update).await, StatusCode::OK);
        }
    }
    let help = t(Lang::En, "help-text");
    let unknown = t(Lang::En, "unknown-text");
    for chat in &chats {
        let texts: Vec<String> = bot_messages(&one, *chat, 3)
            .await
            .into_iter()
            .filter_map(|m| m.text)
            .collect();
        assert_eq!(
            texts,
            [help.clone(), unknown.clone(), help.clone()],
            "chat {chat}"
        );
    }
    assert_eq!(one.bot_api.calls_to("sendMessage").len(), chats.len() * 3);
}

async fn in_a_group_only_commands_are_answered(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let group = -100_777;
    let chatter = update_message(701, group, "who is ordering lunch today?", Some("en"));
    assert_eq!(deliver(&app, &chatter).await, StatusCode::OK);
    // The group's next update is handled after the chatter.
    let help = say(
        &app,
        group,
        &update_message(702, group, "/help", Some("en")),
    )
    .await;
    assert_eq!(
        help.text.as_deref(),
        Some(t(Lang::En, "help-text").as_str())
    );
    assert_eq!(bot_messages(&app, group, 1).await.len(), 1);
}
