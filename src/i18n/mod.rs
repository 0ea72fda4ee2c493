//! The bot's, the notifications' and the Mini App's texts in twelve languages.
//!
//! Message catalogs are Fluent files, `locales/<code>/bot.ftl` (bot replies,
//! buttons, command descriptions, push notifications) and
//! `locales/<code>/app.ftl` (the Mini App's interface, ids prefixed `app-`),
//! embedded into the binary at compile time: the server needs no files at run
//! time. English is the reference catalog and the fallback.
//!
//! - [`t`] and [`t_args`] render one message for a [`Lang`]; arguments are
//!   strings, integers (Fluent picks each language's plural form from them) and
//!   money (formatted for the language by [`money`]).
//! - A message missing in a language is never shown as its id: the English text
//!   is used and a warning logged. The tests make sure no message is missing in
//!   any language, and that every one renders with sample arguments.
//! - Unicode isolation marks: Fluent wraps every argument in FSI … PDI
//!   (U+2068/U+2069) so that a left-to-right value (an order id, a price, a
//!   name) inside right-to-left text keeps its own direction. They matter only
//!   there, and some Telegram clients draw them as boxes, so they are kept for
//!   Arabic and stripped from every other language's output.
//! - [`catalog_json`] gives the Mini App its texts as JSON; see there for the shape.

mod lang;
pub mod money;

#[cfg(test)]
mod tests;

pub use lang::Lang;
pub use money::{format, format_money};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::LanguageIdentifier;
use foodbot_domain::money::Money;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent's default, stated because it is a choice: the bundles add
        // isolation marks, and `render` removes them for left-to-right languages.
        customise: |bundle| bundle.set_use_isolating(true),
    };
}

/// The English Mini App catalog, whose message ids are the catalog's keys.
const EN_APP_FTL: &str = include_str!("../../locales/en/app.ftl");

/// The Fluent language identifier of every [`Lang`], parsed once.
static LANG_IDS: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|l| {
            l.code()
                .parse()
                .expect("every language code is a valid language identifier")
        })
        .collect()
});

fn lang_id(lang: Lang) -> &'static LanguageIdentifier {
    let index = Lang::ALL
        .iter()
        .position(|l| *l == lang)
        .expect("Lang::ALL lists every language");
    &LANG_IDS[index]
}

/// One argument of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'a> {
    /// Text put in as it is (a name, an order id, a list of items).
    Str(Cow<'a, str>),
    /// A number; Fluent selects plural forms from it (`{ $count -> [one] … }`).
    Int(i64),
    /// An amount of money, formatted for the message's language.
    Money(Money),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Str(Cow::Owned(s))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Int(i64::from(n))
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<Money> for Arg<'_> {
    fn from(m: Money) -> Self {
        Arg::Money(m)
    }
}

/// The message `key` in `lang`, for a message without arguments.
pub fn t(lang: Lang, key: &str) -> String {
    t_args(lang, key, &[])
}

/// The message `key` in `lang` with its arguments, e.g.
/// `t_args(lang, "status-title", &[("count", 2.into())])`.
///
/// Falls back to English, with a warning, when the language lacks the message
/// or cannot render it; logs an error and returns the id only if English
/// cannot render it either (the tests rule that out for every shipped message).
pub fn t_args(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let values: HashMap<&str, FluentValue<'static>> = args
        .iter()
        .map(|(name, arg)| (*name, value(lang, arg)))
        .collect();
    match render(lang, key, &values) {
        Ok(text) => text,
        Err(error) if lang != Lang::En => {
            tracing::warn!(lang = lang.code(), key, %error, "Message falls back to English.");
            render(Lang::En, key, &values).unwrap_or_else(|error| {
                tracing::error!(key, %error, "Message cannot be rendered.");
                key.to_string()
            })
        }
        Err(error) => {
            tracing::error!(key, %error, "Message cannot be rendered.");
            key.to_string()
        }
    }
}

fn value(lang: Lang, arg: &Arg<'_>) -> FluentValue<'static> {
    match arg {
        Arg::Str(s) => FluentValue::from(s.to_string()),
        Arg::Int(n) => FluentValue::from(*n),
        Arg::Money(m) => FluentValue::from(format(lang, m)),
    }
}

/// The message `key` in exactly `lang` with its arguments, or Fluent's
/// errors as text: for tests that must see a missing or unrenderable
/// message instead of the English fallback.
#[cfg(test)]
pub(crate) fn t_args_exact(
    lang: Lang,
    key: &str,
    args: &[(&str, Arg<'_>)],
) -> Result<String, String> {
    let values: HashMap<&str, FluentValue<'static>> = args
        .iter()
        .map(|(name, arg)| (*name, value(lang, arg)))
        .collect();
    render(lang, key, &values)
}

/// Renders `key` in exactly `lang`, with no fallback, reporting Fluent's
/// errors (a missing message, an unknown argument) as text for the log.
fn render(
    lang: Lang,
    key: &str,
    args: &HashMap<&str, FluentValue<'static>>,
) -> Result<String, String> {
    let args = (!args.is_empty()).then_some(args);
    let text = LOCALES
        .lookup_single_language(lang_id(lang), key, args)
        .map_err(|e| e.to_string())?;
    Ok(if lang.is_rtl() {
        text
    } else {
        text.replace(['\u{2068}', '\u{2069}'], "")
    })
}

/// The message ids of the Mini App catalog (`app-…`), in file order.
pub fn app_keys() -> Vec<&'static str> {
    message_ids(EN_APP_FTL)
}

/// The ids of the messages defined in a Fluent source: every line that starts
/// a message (`id = …`); terms, comments and continuation lines are skipped.
fn message_ids(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim_end()))
        .filter(|id| {
            id.starts_with(|c: char| c.is_ascii_lowercase())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

/// The Mini App's texts in `lang`, for a route to serve:
/// `{ "lang": "ar", "dir": "rtl", "messages": { "app-menu": "…", … } }`.
///
/// Every message is rendered without arguments, so the app receives plain
/// strings and needs no Fluent of its own; app messages therefore take no
/// arguments (a test holds them to that), and the app puts numbers and prices
/// beside the texts itself. Isolation marks are treated as in [`t`].
pub fn catalog_json(lang: Lang) -> serde_json::Value {
    let messages: serde_json::Map<String, serde_json::Value> = app_keys()
        .into_iter()
        .map(|key| (key.to_string(), serde_json::Value::from(t(lang, key))))
        .collect();
    serde_json::json!({
        "lang": lang.code(),
        "dir": if lang.is_rtl() { "rtl" } else { "ltr" },
        "messages": messages,
    })
}
