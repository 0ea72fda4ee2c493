//! The offline demo: with no bot token the server plays Telegram itself, and
//! `foodbot chat` talks to the bot through the real pipeline.

use crate::helpers::*;
use foodbot::cli::chat::{run, ChatArgs};
use foodbot::i18n::{format_money, t, t_args, Lang};

crate::both_stores!(a_terminal_chat_with_the_demo_bot_starts_browses_the_menu_and_presses_buttons,);

async fn a_terminal_chat_with_the_demo_bot_starts_browses_the_menu_and_presses_buttons(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| {
        c.bot_token = None;
        c.public_url = None;
    })
    .await;
    let args = ChatArgs {
        server: app.base.clone(),
        user: 1001,
        language: "de".into(),
    };
    // /start, /menu, the first category (Pizza), then /language and the
    // twelfth language (Arabic), then a command in the new language.
    let script = "/start\n/menu\n1\n/language\n12\n/help\n/quit\n/help\n";
    let mut out = Vec::new();
    run(args, std::io::Cursor::new(script), &mut out)
        .await
        .expect("the chat runs against the demo server");
    let out = String::from_utf8(out).unwrap();

    let greeting = t_args(
        Lang::De,
        "start-greeting",
        &[
            ("name", "User 1001".into()),
            ("restaurant", "Foodbot Demoküche".into()),
        ],
    );
    assert!(out.contains(&format!("bot: {greeting}")), "{out}");
    assert!(out.contains(&t(Lang::De, "menu-title")), "{out}");
    assert!(out.contains("[1] Pizza"), "{out}");
    let price = format_money(Lang::De, 890, "EUR");
    assert!(out.contains(&format!("Margherita – {price}")), "{out}");
    assert!(out.contains("[12] العربية"), "{out}");
    assert!(
        out.contains(&format!(
            "bot (edited): {}",
            t(Lang::Ar, "language-changed")
        )),
        "{out}"
    );
    assert!(out.contains(&t(Lang::Ar, "help-text")), "{out}");
    // Nothing after /quit was sent.
    assert_eq!(out.matches(&t(Lang::Ar, "help-text")).count(), 1, "{out}");
}
