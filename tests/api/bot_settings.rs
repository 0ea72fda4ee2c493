//! The bot's settings, queries and payments against the fake Bot API server: what teloxide
//! sends and decodes for webhooks, commands, the menu button, descriptions, answers to queries
//! and invoices, and the fake's plain HTTP behaviour. No database is involved.

use foodbot::telegram::api::{self, Failure};
use foodbot::telegram::fake::{Fault, TEST_TOKEN};
use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, BotCommand, CallbackQueryId, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, LabeledPrice, MenuButton, PreCheckoutQueryId,
    TelegramTransactionId, WebAppInfo,
};

use crate::bot_api::fake_and_bot;

#[tokio::test]
async fn webhook_info_reflects_the_last_webhook_without_its_secret() {
    let (fake, bot) = fake_and_bot().await;
    let hook = url::Url::parse("https://foodbot.example/telegram/webhook").unwrap();

    api::call(
        bot.set_webhook(hook.clone())
            .secret_token("s3cret-value".to_owned())
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]),
    )
    .await
    .expect("setWebhook answers");
    let info = api::call(bot.get_webhook_info())
        .await
        .expect("getWebhookInfo answers");
    let polled = api::call(bot.get_updates()).await;

    assert_eq!(info.url, Some(hook));
    assert_eq!(
        info.allowed_updates,
        Some(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery])
    );
    let raw = fake.calls_to("getWebhookInfo")[0].result.clone().unwrap();
    assert_eq!(raw["has_secret_token"], json!(true));
    assert!(!raw.to_string().contains("s3cret-value"));
    assert_eq!(
        fake.webhook().unwrap().secret_token.as_deref(),
        Some("s3cret-value")
    );
    assert!(
        matches!(polled, Err(Failure::Other(_))),
        "no getUpdates while a webhook is set"
    );
}

#[tokio::test]
async fn commands_are_kept_per_language() {
    let (_fake, bot) = fake_and_bot().await;
    let german = vec![BotCommand::new("speisekarte", "Speisekarte zeigen")];
    let english = vec![BotCommand::new("menu", "Show the menu")];

    api::call(bot.set_my_commands(english.clone()))
        .await
        .unwrap();
    api::call(bot.set_my_commands(german.clone()).language_code("de"))
        .await
        .unwrap();

    let default = api::call(bot.get_my_commands()).await.unwrap();
    let de = api::call(bot.get_my_commands().language_code("de"))
        .await
        .unwrap();
    let fr = api::call(bot.get_my_commands().language_code("fr"))
        .await
        .unwrap();
    assert_eq!(default, english);
    assert_eq!(de, german);
    assert!(fr.is_empty());
}

#[tokio::test]
async fn methods_are_case_insensitive_and_unknown_ones_are_not_found() {
    let (fake, _) = fake_and_bot().await;
    let client = reqwest::Client::new();
    let url = |method: &str| format!("{}bot{TEST_TOKEN}/{method}", fake.url());

    let me = client.post(url("GETME")).send().await.unwrap();
    let unknown = client
        .post(url("orderPizza"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    fake.fail_next("getMe", Fault::Status(502, "Bad Gateway".to_owned()), 1);
    let failing = client.post(url("getMe")).send().await.unwrap();

    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["result"]["is_bot"],
        json!(true)
    );
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<serde_json::Value>().await.unwrap(),
        json!({ "ok": false, "error_code": 404, "description": "Not Found: method not found" })
    );
    assert_eq!(failing.status(), 502);
}

#[tokio::test]
async fn the_menu_button_and_descriptions_read_back_as_set() {
    let (_fake, bot) = fake_and_bot().await;
    let app = url::Url::parse("https://foodbot.example/app/").unwrap();
    let button = MenuButton::WebApp {
        text: "Order".to_owned(),
        web_app: WebAppInfo { url: app },
    };

    api::call(bot.set_chat_menu_button().menu_button(button.clone()))
        .await
        .unwrap();
    api::call(bot.set_my_description().description("Pizza to your door"))
        .await
        .unwrap();
    api::call(bot.set_my_short_description().short_description("Pizza"))
        .await
        .unwrap();

    let chat_button = api::call(bot.get_chat_menu_button().chat_id(ChatId(5)))
        .await
        .unwrap();
    let description = api::call(bot.get_my_description()).await.unwrap();
    let short = api::call(bot.get_my_short_description()).await.unwrap();
    assert_eq!(
        chat_button, button,
        "a chat without its own button gets the default one"
    );
    assert_eq!(description.description, "Pizza to your door");
    assert_eq!(short.short_description, "Pizza");
}

#[tokio::test]
async fn answers_to_queries_and_payments_decode() {
    let (fake, bot) = fake_and_bot().await;
    let prices = vec![LabeledPrice::new("Margherita", 1250)];
    let article = InlineQueryResult::Article(InlineQueryResultArticle::new(
        "1",
        "Margherita",
        InputMessageContent::Text(InputMessageContentText::new("Margherita, 12.50 EUR")),
    ));

    let link = api::call(
        bot.create_invoice_link("Order 1", "Pizza", "order-1", "EUR", prices.clone())
            .provider_token("provider-test-token"),
    )
    .await
    .expect("createInvoiceLink answers");
    let invoice = api::call(
        bot.send_invoice(ChatId(6), "Order 1", "Pizza", "order-1", "EUR", prices)
            .provider_token("provider-test-token"),
    )
    .await
    .expect("sendInvoice answers");
    api::call(bot.answer_callback_query(CallbackQueryId("q1".to_owned())))
        .await
        .unwrap();
    api::call(bot.answer_web_app_query("w1", article))
        .await
        .unwrap();
    api::call(bot.answer_pre_checkout_query(PreCheckoutQueryId("p1".to_owned()), true))
        .await
        .unwrap();
    api::call(bot.refund_star_payment(UserId(6), TelegramTransactionId("t1".to_owned())))
        .await
        .unwrap();

    assert!(link.starts_with("https://t.me/"), "{link}");
    let shown = invoice.invoice().expect("the message carries the invoice");
    assert_eq!((shown.currency.as_str(), shown.total_amount), ("EUR", 1250));
    assert_eq!(
        fake.calls_to("answerPreCheckoutQuery")[0].body["ok"],
        json!(true)
    );
    assert!(fake.calls().iter().all(|c| c.status == Some(200)));
}

#[tokio::test]
async fn form_parameters_are_read_like_json_ones() {
    let (fake, _) = fake_and_bot().await;
    let url = format!("{}bot{TEST_TOKEN}/sendMessage", fake.url());
    let markup = json!({ "inline_keyboard": [[{ "text": "Go", "callback_data": "go" }]] });

    let answer = reqwest::Client::new()
        .post(url)
        .form(&[
            ("chat_id", "77"),
            ("text", "42"),
            ("reply_markup", &markup.to_string()),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 200);
    let body = &fake.calls_to("sendMessage")[0].body;
    assert_eq!(body["chat_id"], json!(77));
    assert_eq!(
        body["text"],
        json!("42"),
        "text stays text even when it looks like a number"
    );
    assert_eq!(body["reply_markup"], markup);
    assert!(fake.chat(77)[0].json["reply_markup"].is_object());
}
