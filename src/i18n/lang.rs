//! The languages the bot and the Mini App speak, and how a Telegram client's
//! `language_code` maps onto them.
//!
//! These are the interface languages. A restaurant's menu is written in its own,
//! usually smaller, set of languages (`restaurant.languages`); menu texts fall
//! back to the menu's default language while the buttons and messages around
//! them stay in the customer's language.

use std::fmt;

/// One of the twelve interface languages. English is the default and the
/// fallback for every missing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    Es,
    Fr,
    It,
    /// Brazilian Portuguese; Telegram's `pt` and `pt-br` both select it.
    Pt,
    Ru,
    Uk,
    Pl,
    Tr,
    Uz,
    /// Arabic, the one right-to-left language.
    Ar,
}

impl Lang {
    /// Every interface language, English first (the order of the /language keyboard).
    pub const ALL: [Lang; 12] = [
        Lang::En,
        Lang::De,
        Lang::Es,
        Lang::Fr,
        Lang::It,
        Lang::Pt,
        Lang::Ru,
        Lang::Uk,
        Lang::Pl,
        Lang::Tr,
        Lang::Uz,
        Lang::Ar,
    ];

    /// The default language, used when a client's language is unknown.
    pub const DEFAULT: Lang = Lang::En;

    /// The code stored on the user and used as the catalog directory name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
            Lang::Pl => "pl",
            Lang::Tr => "tr",
            Lang::Uz => "uz",
            Lang::Ar => "ar",
        }
    }

    /// The language with exactly this code (as returned by [`Lang::code`]).
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language for a Telegram client's `language_code` (an IETF tag such
    /// as "de-AT" or "pt-br"): its primary subtag decides, case-insensitively;
    /// anything unknown, and no code at all, gives English.
    pub fn from_telegram(language_code: Option<&str>) -> Lang {
        language_code
            .and_then(|tag| tag.split(['-', '_']).next())
            .map(str::to_ascii_lowercase)
            .and_then(|primary| Lang::parse(&primary))
            .unwrap_or(Lang::DEFAULT)
    }

    /// Whether text in this language runs right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }

    /// The language's name in itself, for the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::It => "Italiano",
            Lang::Pt => "Português (Brasil)",
            Lang::Ru => "Русский",
            Lang::Uk => "Українська",
            Lang::Pl => "Polski",
            Lang::Tr => "Türkçe",
            Lang::Uz => "Oʻzbekcha",
            Lang::Ar => "العربية",
        }
    }

    /// A flag for the language picker's buttons. Languages are not countries,
    /// so this is the flag of the country most readers of the language are
    /// expected to come from here (Brazil for Brazilian Portuguese, the United
    /// Kingdom for English); Arabic has no single country and gets a globe.
    pub fn flag(self) -> &'static str {
        match self {
            Lang::En => "🇬🇧",
            Lang::De => "🇩🇪",
            Lang::Es => "🇪🇸",
            Lang::Fr => "🇫🇷",
            Lang::It => "🇮🇹",
            Lang::Pt => "🇧🇷",
            Lang::Ru => "🇷🇺",
            Lang::Uk => "🇺🇦",
            Lang::Pl => "🇵🇱",
            Lang::Tr => "🇹🇷",
            Lang::Uz => "🇺🇿",
            Lang::Ar => "🌍",
        }
    }

    /// The codes of all interface languages, as the User aggregate's
    /// `ChangeLanguage { supported }` expects them.
    pub fn all_codes() -> Vec<String> {
        Lang::ALL.iter().map(|l| l.code().to_string()).collect()
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::DEFAULT
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_parse() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(Lang::parse("DE"), None, "parse takes exact codes only");
        assert_eq!(Lang::parse("pt-br"), None);
        assert_eq!(Lang::parse("xx"), None);
    }

    #[test]
    fn telegram_codes_map_by_their_primary_subtag() {
        let cases = [
            (Some("de"), Lang::De),
            (Some("de-AT"), Lang::De),
            (Some("pt-br"), Lang::Pt),
            (Some("pt-BR"), Lang::Pt),
            (Some("pt"), Lang::Pt),
            (Some("en-US"), Lang::En),
            (Some("uk"), Lang::Uk),
            (Some("ar"), Lang::Ar),
            (Some("RU"), Lang::Ru),
            (Some("uz_Latn"), Lang::Uz),
            (Some("ja"), Lang::En),
            (Some(""), Lang::En),
            (None, Lang::En),
        ];
        for (code, expected) in cases {
            assert_eq!(Lang::from_telegram(code), expected, "{code:?}");
        }
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        let rtl: Vec<Lang> = Lang::ALL.into_iter().filter(|l| l.is_rtl()).collect();
        assert_eq!(rtl, vec![Lang::Ar]);
    }

    #[test]
    fn every_language_has_a_distinct_code_and_name() {
        let codes: std::collections::HashSet<_> = Lang::ALL.iter().map(|l| l.code()).collect();
        let names: std::collections::HashSet<_> =
            Lang::ALL.iter().map(|l| l.native_name()).collect();
        assert_eq!(codes.len(), 12);
        assert_eq!(names.len(), 12);
        assert_eq!(Lang::all_codes()[0], "en");
    }
}
