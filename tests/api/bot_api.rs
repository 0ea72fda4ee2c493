//! Outgoing Bot API calls against the fake Bot API server: what the fake records and answers,
//! and how `api::classify` sorts Telegram's failures. No database is involved.

use std::time::Duration;

use foodbot::telegram::api::{self, Failure};
use foodbot::telegram::fake::updates::{
    update_callback, update_inline_query, update_message, update_pre_checkout,
    update_successful_payment, update_web_app_data,
};
use foodbot::telegram::fake::{FakeBotApi, Fault, ANY_METHOD, TEST_TOKEN};
use secrecy::SecretString;
use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const CHAT: ChatId = ChatId(4242);

pub(crate) async fn fake_and_bot() -> (FakeBotApi, Bot) {
    let fake = FakeBotApi::start("foodbot_test")
        .await
        .expect("the fake Bot API starts");
    let bot = api::bot(&SecretString::from(TEST_TOKEN), &fake.url());
    (fake, bot)
}

#[tokio::test]
async fn a_sent_message_is_recorded_and_decodes() {
    let (fake, bot) = fake_and_bot().await;

    let me = api::call(bot.get_me()).await.expect("getMe answers");
    let sent = api::call(bot.send_message(CHAT, "Hello"))
        .await
        .expect("sendMessage answers");

    assert_eq!(me.username(), "foodbot_test");
    assert!(me.supports_inline_queries);
    assert_eq!(sent.text(), Some("Hello"));
    assert_eq!(sent.chat.id, CHAT);
    assert!(sent.chat.is_private());
    assert_eq!(sent.from.as_ref().map(|u| u.id), Some(me.id));
    let calls = fake.calls_to("sendmessage");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["chat_id"], json!(CHAT.0));
    assert_eq!(calls[0].body["text"], json!("Hello"));
    assert_eq!(calls[0].status, Some(200));
    assert_eq!(
        calls[0].result.as_ref().map(|r| r["message_id"].clone()),
        Some(json!(sent.id.0))
    );
}

#[tokio::test]
async fn flood_control_becomes_retry_after() {
    let (fake, bot) = fake_and_bot().await;
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 }, 1);

    let first = api::call(bot.send_message(CHAT, "one")).await;
    let second = api::call(bot.send_message(CHAT, "one")).await;

    assert!(
        matches!(first, Err(Failure::RetryAfter(wait)) if wait == Duration::from_secs(1)),
        "{first:?}"
    );
    assert!(second.is_ok(), "{second:?}");
    let calls = fake.calls_to("sendMessage");
    assert_eq!(
        calls[0].fault,
        Some(Fault::TooManyRequests { retry_after: 1 })
    );
    assert_eq!(calls[0].status, Some(429));
    assert_eq!(calls[1].fault, None);
    assert_eq!(
        fake.chat(CHAT.0).len(),
        1,
        "the refused call showed nothing"
    );
}

#[tokio::test]
async fn a_blocked_bot_becomes_blocked() {
    let (fake, bot) = fake_and_bot().await;
    fake.fail_next(ANY_METHOD, Fault::Blocked, 1);

    let sent = api::call(bot.send_message(CHAT, "Your order is ready!")).await;

    assert!(matches!(sent, Err(Failure::Blocked)), "{sent:?}");
}

#[tokio::test]
async fn editing_to_the_same_content_is_not_modified() {
    let (_fake, bot) = fake_and_bot().await;
    let sent = api::call(bot.send_message(CHAT, "Order placed"))
        .await
        .unwrap();

    let changed = api::call(bot.edit_message_text(CHAT, sent.id, "Order paid")).await;
    let unchanged = api::call(bot.edit_message_text(CHAT, sent.id, "Order paid")).await;

    assert_eq!(
        changed.expect("a real change is accepted").text(),
        Some("Order paid")
    );
    assert!(
        matches!(unchanged, Err(Failure::NotModified)),
        "{unchanged:?}"
    );
}

#[tokio::test]
async fn editing_or_deleting_an_unknown_message_is_message_gone() {
    let (_fake, bot) = fake_and_bot().await;

    let edit = api::call(bot.edit_message_text(CHAT, MessageId(999), "late")).await;
    let delete = api::call(bot.delete_message(CHAT, MessageId(999))).await;

    assert!(matches!(edit, Err(Failure::MessageGone)), "{edit:?}");
    assert!(matches!(delete, Err(Failure::MessageGone)), "{delete:?}");
}

#[tokio::test]
async fn the_transcript_shows_messages_after_edits_and_deletes() {
    let (fake, bot) = fake_and_bot().await;
    let keyboard =
        InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Accept", "accept")]]);
    let text = api::call(bot.send_message(CHAT, "New order"))
        .await
        .unwrap();
    let photo_url = url::Url::parse("https://example.com/pizza.jpg").unwrap();
    let photo = api::call(
        bot.send_photo(CHAT, InputFile::url(photo_url))
            .caption("Margherita")
            .reply_markup(keyboard.clone()),
    )
    .await
    .expect("sendPhoto answers");

    api::call(
        bot.edit_message_text(CHAT, text.id, "Order accepted")
            .reply_markup(keyboard),
    )
    .await
    .unwrap();
    api::call(bot.delete_message(CHAT, photo.id)).await.unwrap();

    assert_eq!(photo.caption(), Some("Margherita"));
    assert!(photo.photo().is_some_and(|sizes| !sizes.is_empty()));
    assert!(photo.reply_markup().is_some());
    let shown = fake.chat(CHAT.0);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].message_id, i64::from(text.id.0));
    assert_eq!(shown[0].text.as_deref(), Some("Order accepted"));
    assert!(shown[0].edited);
    assert!(shown[0].reply_markup.is_some());
}

#[tokio::test]
async fn get_updates_returns_pushed_updates_and_honours_the_offset() {
    let (fake, bot) = fake_and_bot().await;
    fake.push_update(update_message(7, 7, "/start", Some("de")));
    let last = fake.push_update(update_message(7, 7, "/menu", Some("de")));

    let updates = api::call(bot.get_updates())
        .await
        .expect("getUpdates answers");
    let again = api::call(bot.get_updates().offset(last as i32))
        .await
        .unwrap();
    let after = api::call(bot.get_updates().offset(last as i32 + 1))
        .await
        .unwrap();

    let texts: Vec<_> = updates
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) => m.text().unwrap_or_default().to_owned(),
            other => panic!("not a message: {other:?}"),
        })
        .collect();
    assert_eq!(texts, ["/start", "/menu"]);
    assert_eq!(
        again.len(),
        1,
        "the offset confirms only the updates before it"
    );
    assert!(after.is_empty());
    assert_eq!(fake.pending_updates(), 0);
    assert_eq!(
        fake.chat(7).len(),
        2,
        "the user's messages show in the chat"
    );
}

#[tokio::test]
async fn a_long_poll_returns_as_soon_as_an_update_is_pushed() {
    let (fake, bot) = fake_and_bot().await;
    let poll = tokio::spawn(api::call(bot.get_updates().timeout(25)));

    fake.wait_for(|calls| {
        calls
            .iter()
            .any(|c| c.is("getUpdates") && c.status.is_none())
    })
    .await;
    let pushed = fake.push_update(update_message(8, 8, "hello", None));
    let updates = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long poll ends once an update is there")
        .unwrap()
        .unwrap();

    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), pushed);
}

#[tokio::test]
async fn every_built_update_decodes() {
    let (fake, bot) = fake_and_bot().await;
    let sent = api::call(bot.send_message(CHAT, "Pick one")).await.unwrap();
    let message = fake
        .message(CHAT.0, i64::from(sent.id.0))
        .expect("the message is shown");
    for update in [
        update_callback(CHAT.0, message, "accept"),
        update_inline_query(9, "pizza", ""),
        update_web_app_data(9, 9, "{\"cart\":[]}", "Order"),
        update_pre_checkout(9, "order-1", "EUR", 1250),
        update_successful_payment(9, 9, "order-1", "EUR", 1250),
    ] {
        fake.push_update(update);
    }

    let updates = api::call(bot.get_updates()).await.unwrap();

    assert_eq!(updates.len(), 5);
    let kinds: Vec<_> = updates.iter().map(|u| &u.kind).collect();
    assert!(matches!(kinds[0], UpdateKind::CallbackQuery(q) if q.regular_message().is_some()));
    assert!(matches!(kinds[1], UpdateKind::InlineQuery(q) if q.query == "pizza"));
    assert!(matches!(kinds[2], UpdateKind::Message(m) if m.web_app_data().is_some()));
    assert!(matches!(kinds[3], UpdateKind::PreCheckoutQuery(q) if q.total_amount == 1250));
    assert!(matches!(kinds[4], UpdateKind::Message(m) if m.successful_payment().is_some()));
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let (fake, _) = fake_and_bot().await;
    let stranger = api::bot(&SecretString::from("999:not-the-token"), &fake.url());

    let answer = api::call(stranger.get_me()).await;

    assert!(
        matches!(
            answer,
            Err(Failure::Other(RequestError::Api(ApiError::InvalidToken)))
        ),
        "{answer:?}"
    );
    assert_eq!(fake.calls()[0].status, Some(401));
    let shown = answer.unwrap_err().to_string();
    assert!(!shown.contains("not-the-token"), "{shown}");
}

#[tokio::test]
async fn a_fraction_fault_hits_the_same_calls_every_run() {
    let (fake, bot) = fake_and_bot().await;
    fake.fail_fraction(ANY_METHOD, 0.5, Fault::TooManyRequests { retry_after: 3 });

    let mut refused = Vec::new();
    for n in 0..6 {
        let sent = api::call(bot.send_message(CHAT, format!("note {n}"))).await;
        refused.push(matches!(sent, Err(Failure::RetryAfter(_))));
    }

    assert_eq!(refused, [false, true, false, true, false, true]);
    assert_eq!(fake.chat(CHAT.0).len(), 3);
}

#[tokio::test]
async fn a_network_failure_never_shows_the_token() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nowhere = url::Url::parse(&format!("http://{closed}/")).unwrap();
    let bot = api::bot(&SecretString::from(TEST_TOKEN), &nowhere);

    let failure = api::call(bot.get_me())
        .await
        .expect_err("nothing listens there");

    assert!(
        matches!(failure, Failure::Other(RequestError::Network(_))),
        "{failure:?}"
    );
    let mut shown = vec![format!("{failure:?}")];
    let mut cause: Option<&dyn std::error::Error> = Some(&failure);
    while let Some(error) = cause {
        shown.push(error.to_string());
        cause = error.source();
    }
    assert!(shown.len() > 2, "the cause is kept: {shown:?}");
    assert!(
        shown.iter().all(|s| !s.contains("fake-token-for-tests")),
        "{shown:?}"
    );
}
