//! `foodbot telegram setup` and `status` against a fake Bot API: what setup
//! registers, that a second run changes only what cannot be read back, and
//! the addresses and settings it refuses. No database is involved.

use crate::helpers::{BOT_TOKEN, BOT_USERNAME, WEBHOOK_SECRET};
use foodbot::cli::telegram::{run, TelegramCommand};
use foodbot::config::Config;
use foodbot::i18n::{t, Lang};
use foodbot::telegram::fake::{Call, FakeBotApi};
use secrecy::SecretString;
use serde_json::json;

const PUBLIC: &str = "https://food.example";

async fn fake() -> FakeBotApi {
    FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME)
        .await
        .expect("the fake Bot API starts")
}

fn config(api: &FakeBotApi) -> Config {
    let mut config = Config::defaults();
    config.bot_token = Some(SecretString::from(BOT_TOKEN));
    config.telegram_api_url = api.url().to_string();
    config.telegram_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
    config
}

async fn setup(config: &Config, public: &str) -> anyhow::Result<String> {
    let mut out = Vec::new();
    let cmd = TelegramCommand::Setup {
        public_url: Some(public.into()),
    };
    run(config, cmd, &mut out).await?;
    Ok(String::from_utf8(out).unwrap())
}

/// The calls that change something at Telegram.
fn changes(api: &FakeBotApi) -> Vec<Call> {
    api.calls()
        .into_iter()
        .filter(|c| {
            let method = c.method.to_ascii_lowercase();
            method.starts_with("set") || method.starts_with("delete")
        })
        .collect()
}

fn for_language<'a>(calls: &'a [Call], method: &str, code: Option<&str>) -> &'a Call {
    let found: Vec<&Call> = calls
        .iter()
        .filter(|c| c.is(method) && c.body["language_code"].as_str() == code)
        .collect();
    assert_eq!(found.len(), 1, "{method} for {code:?}: {found:#?}");
    found[0]
}

#[tokio::test]
async fn setup_registers_the_webhook_commands_descriptions_and_menu_button_in_every_language() {
    let api = fake().await;
    let config = config(&api);
    let printed = setup(&config, PUBLIC).await.unwrap();
    let hook = format!("{PUBLIC}/telegram/webhook");
    assert!(printed.contains(&hook), "{printed}");

    let calls = changes(&api);
    let webhooks: Vec<&Call> = calls.iter().filter(|c| c.is("setWebhook")).collect();
    assert_eq!(webhooks.len(), 1);
    assert_eq!(webhooks[0].body["url"], hook.as_str());
    assert_eq!(webhooks[0].body["secret_token"], WEBHOOK_SECRET);
    assert_eq!(
        webhooks[0].body["allowed_updates"],
        json!([
            "message",
            "callback_query",
            "inline_query",
            "pre_checkout_query"
        ])
    );
    let set = api.webhook().expect("the fake keeps the webhook");
    assert_eq!(set.url, hook);
    assert_eq!(set.secret_token.as_deref(), Some(WEBHOOK_SECRET));

    let commands: Vec<&Call> = calls.iter().filter(|c| c.is("setMyCommands")).collect();
    assert_eq!(commands.len(), 13, "12 languages and the default");
    let codes = std::iter::once(None).chain(Lang::ALL.iter().map(|l| Some(l.code())));
    for code in codes {
        let lang = code.and_then(Lang::parse).unwrap_or(Lang::En);
        let call = for_language(&calls, "setMyCommands", code);
        let listed = call.body["commands"].as_array().unwrap();
        assert_eq!(listed.len(), 8, "{code:?}");
        for c in listed {
            let name = c["command"].as_str().unwrap();
            assert_eq!(
                c["description"],
                t(lang, &format!("command-{name}")),
                "{code:?}"
            );
        }
        let long = for_language(&calls, "setMyDescription", code);
        assert_eq!(long.body["description"], t(lang, "bot-description"));
        let short = for_language(&calls, "setMyShortDescription", code);
        assert_eq!(
            short.body["short_description"],
            t(lang, "bot-short-description")
        );
    }
    // The languages' descriptions are their own, not English everywhere.
    assert_ne!(
        t(Lang::Ar, "bot-description"),
        t(Lang::En, "bot-description")
    );

    let menu: Vec<&Call> = calls.iter().filter(|c| c.is("setChatMenuButton")).collect();
    assert_eq!(menu.len(), 1);
    let button = &menu[0].body["menu_button"];
    assert_eq!(button["type"], "web_app");
    assert_eq!(button["web_app"]["url"], format!("{PUBLIC}/app/"));
    assert_eq!(button["text"], t(Lang::En, "start-open-app"));
}

#[tokio::test]
async fn setup_run_twice_sets_only_the_webhook_the_second_time() {
    let api = fake().await;
    let config = config(&api);
    setup(&config, PUBLIC).await.unwrap();
    let first = changes(&api).len();
    assert!(first > 13);
    api.clear();
    let printed = setup(&config, PUBLIC).await.unwrap();
    let methods: Vec<String> = changes(&api).into_iter().map(|c| c.method).collect();
    assert_eq!(methods.len(), 1, "{methods:?} {printed}");
    assert!(methods[0].eq_ignore_ascii_case("setWebhook"), "{methods:?}");
    // Everything else was read back to find it as wanted.
    assert!(!api.calls_to("getMyCommands").is_empty());
    assert!(!api.calls_to("getChatMenuButton").is_empty());
}

#[tokio::test]
async fn setup_refuses_a_public_url_that_is_not_https_or_a_missing_secret() {
    let api = fake().await;
    let config = config(&api);
    for public in ["http://food.example", "food.example"] {
        let error = setup(&config, public).await.unwrap_err();
        assert!(format!("{error:#}").contains("https") || format!("{error:#}").contains("URL"));
    }
    let mut no_secret = config.clone();
    no_secret.telegram_webhook_secret = None;
    let error = setup(&no_secret, PUBLIC).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("TELEGRAM_WEBHOOK_SECRET"),
        "{error:#}"
    );
    assert!(changes(&api).is_empty(), "{:#?}", changes(&api));
    assert!(api.webhook().is_none());
}

#[tokio::test]
async fn status_prints_what_telegram_knows_of_the_webhook() {
    let api = fake().await;
    let config = config(&api);
    let mut out = Vec::new();
    run(&config, TelegramCommand::Status, &mut out)
        .await
        .unwrap();
    let before = String::from_utf8(out).unwrap();
    assert!(!before.contains("food.example"), "{before}");
    setup(&config, PUBLIC).await.unwrap();
    let mut out = Vec::new();
    run(&config, TelegramCommand::Status, &mut out)
        .await
        .unwrap();
    let after: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(after["url"], format!("{PUBLIC}/telegram/webhook"));
    assert_eq!(api.calls_to("getWebhookInfo").len(), 2);
}
