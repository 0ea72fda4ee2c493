//! `foodbot telegram setup` and `foodbot telegram status`: telling Telegram
//! where the bot lives and what it offers, and asking what Telegram knows.
//!
//! Setup registers the webhook (`<public-url><TELEGRAM_WEBHOOK_PATH>` with
//! the secret and the update kinds the bot handles), the command list and
//! the bot's descriptions in every language the bot speaks, and the default
//! menu button that opens the Mini App. What Telegram already has is read
//! first and left alone, so running setup twice changes nothing more.

use crate::config::Config;
use crate::i18n::Lang;
use crate::telegram::inbox::HANDLED_KINDS;
use crate::telegram::polling::allowed_updates;
use crate::telegram::runtime::client;
use anyhow::Context;
use clap::Subcommand;
use std::io::Write;
use teloxide::payloads::{
    GetMyCommandsSetters, GetMyDescriptionSetters, GetMyShortDescriptionSetters,
    SetChatMenuButtonSetters, SetMyCommandsSetters, SetMyDescriptionSetters,
    SetMyShortDescriptionSetters, SetWebhookSetters,
};
use teloxide::prelude::Requester;
use teloxide::types::{BotCommand, MenuButton, WebAppInfo};
use teloxide::Bot;

#[derive(Subcommand, Debug, Clone)]
pub enum TelegramCommand {
    /// Register the webhook, commands, descriptions and menu button with Telegram.
    Setup {
        /// The server's public HTTPS address (default: PUBLIC_URL).
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Print what Telegram knows of the webhook (getWebhookInfo).
    Status,
}

/// The commands in the order the menu shows them.
const COMMANDS: [&str; 8] = [
    "start", "menu", "status", "orders", "reorder", "cancel", "language", "help",
];

fn tr(lang: Lang, key: &str) -> String {
    crate::i18n::t(lang, key)
}

pub async fn run(
    config: &Config,
    cmd: TelegramCommand,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let token = config
        .bot_token
        .as_ref()
        .context("BOT_TOKEN is not set: the bot's token from @BotFather is needed")?;
    let bot = client(token, &config.telegram_api_url)?;
    match cmd {
        TelegramCommand::Status => status(&bot, out).await,
        TelegramCommand::Setup { public_url } => {
            let public = public_url
                .or_else(|| config.public_url.clone())
                .context("no public address: pass --public-url or set PUBLIC_URL")?;
            setup(config, &bot, &public, out).await
        }
    }
}

async fn status(bot: &Bot, out: &mut impl Write) -> anyhow::Result<()> {
    let info = bot.get_webhook_info().await?;
    let json = serde_json::to_string_pretty(&info)?;
    writeln!(out, "{json}")?;
    Ok(())
}

async fn setup(
    config: &Config,
    bot: &Bot,
    public: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let base = url::Url::parse(public).with_context(|| format!("public URL {public:?}"))?;
    anyhow::ensure!(
        base.scheme() == "https",
        "Telegram delivers webhooks and opens Mini Apps only over HTTPS; {public:?} is not https"
    );
    let hook = base.join(config.telegram_webhook_path.trim_start_matches('/'))?;
    let app = base.join("app/")?;
    let secret = config
        .telegram_webhook_secret
        .as_ref()
        .context("TELEGRAM_WEBHOOK_SECRET is not set: Telegram must send it with every update")?;
    use secrecy::ExposeSecret;
    // The secret cannot be read back, so the webhook is always set (the
    // same call again changes nothing).
    bot.set_webhook(hook.clone())
        .secret_token(secret.expose_secret().to_string())
        .allowed_updates(allowed_updates())
        .await?;
    writeln!(out, "webhook: {hook} ({})", HANDLED_KINDS.join(", "))?;

    let mut changed = 0;
    for lang in Lang::ALL {
        // English is also the default for every language without its own.
        let codes: Vec<Option<&str>> = if lang == Lang::En {
            vec![None, Some("en")]
        } else {
            vec![Some(lang.code())]
        };
        for code in codes {
            changed += commands(bot, lang, code).await?;
            changed += descriptions(bot, lang, code).await?;
        }
    }
    writeln!(
        out,
        "commands and descriptions: {changed} set, the rest already as wanted"
    )?;

    let wanted = MenuButton::WebApp {
        text: tr(Lang::En, "start-open-app"),
        web_app: WebAppInfo { url: app.clone() },
    };
    let now = bot.get_chat_menu_button().await?;
    if now == wanted {
        writeln!(out, "menu button: already opens {app}")?;
    } else {
        bot.set_chat_menu_button().menu_button(wanted).await?;
        writeln!(out, "menu button: opens {app}")?;
    }
    Ok(())
}

/// Sets the command list for `code` unless Telegram has it already.
async fn commands(bot: &Bot, lang: Lang, code: Option<&str>) -> anyhow::Result<u32> {
    let wanted: Vec<BotCommand> = COMMANDS
        .iter()
        .map(|c| BotCommand::new(*c, tr(lang, &format!("command-{c}"))))
        .collect();
    let mut get = bot.get_my_commands();
    if let Some(code) = code {
        get = get.language_code(code);
    }
    if get.await? == wanted {
        return Ok(0);
    }
    let mut set = bot.set_my_commands(wanted);
    if let Some(code) = code {
        set = set.language_code(code);
    }
    set.await?;
    Ok(1)
}

/// Sets the long and short descriptions for `code` unless they are already so.
async fn descriptions(bot: &Bot, lang: Lang, code: Option<&str>) -> anyhow::Result<u32> {
    let mut changed = 0;
    let long = tr(lang, "bot-description");
    let mut get = bot.get_my_description();
    if let Some(code) = code {
        get = get.language_code(code);
    }
    if get.await?.description != long {
        let mut set = bot.set_my_description().description(long);
        if let Some(code) = code {
            set = set.language_code(code);
        }
        set.await?;
        changed += 1;
    }
    let short = tr(lang, "bot-short-description");
    let mut get = bot.get_my_short_description();
    if let Some(code) = code {
        get = get.language_code(code);
    }
    if get.await?.short_description != short {
        let mut set = bot.set_my_short_description().short_description(short);
        if let Some(code) = code {
            set = set.language_code(code);
        }
        set.await?;
        changed += 1;
    }
    Ok(changed)
}
