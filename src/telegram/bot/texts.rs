//! The bot's texts: every message and button label comes from the message
//! catalogs (`crate::i18n`) in the user's language.

use crate::i18n::{self, Lang};

pub use crate::i18n::Arg;

/// The text `key` in `lang` with `args` filled in.
pub fn tr(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    i18n::t_args(lang, key, args)
}

/// An amount of money as `lang` writes it.
pub fn money(lang: Lang, m: &foodbot_domain::Money) -> String {
    i18n::format(lang, m)
}
