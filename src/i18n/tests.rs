//! The catalogs are complete and render: every message of the English
//! catalogs exists in every language and nowhere else, renders with sample
//! arguments without a Fluent error, and the plural forms and length limits
//! that Telegram and the languages impose hold.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

const FILES: [&str; 2] = ["bot.ftl", "app.ftl"];

fn source(lang: Lang, file: &str) -> String {
    let path = format!(
        "{}/locales/{}/{file}",
        env!("CARGO_MANIFEST_DIR"),
        lang.code()
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each message id of a Fluent source with the text of its definition (the
/// id's line and its continuation lines).
fn messages(source: &str) -> BTreeMap<String, String> {
    let ids: BTreeSet<&str> = message_ids(source).into_iter().collect();
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let starts = line
            .split_once('=')
            .map(|(id, _)| id.trim_end())
            .filter(|id| ids.contains(id) && !line.starts_with(' '));
        if let Some(id) = starts {
            current = Some(id.to_string());
            out.insert(id.to_string(), line.to_string());
        } else if line.starts_with(' ') {
            if let Some(id) = &current {
                let text = out.get_mut(id).expect("current message was inserted");
                text.push('\n');
                text.push_str(line);
            }
        } else {
            current = None;
        }
    }
    out
}

/// The variables (`$name`) a definition uses.
fn variables(definition: &str) -> BTreeSet<String> {
    definition
        .split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn sample(var: &str, n: i64) -> Arg<'static> {
    match var {
        "count" | "page" | "pages" | "eta" => Arg::Int(n),
        "price" | "total" | "amount" => Arg::Money(Money::new(890 * n, "EUR".parse().unwrap())),
        other => Arg::Str(Cow::Owned(format!("<{other}>"))),
    }
}

fn render_with(lang: Lang, key: &str, vars: &BTreeSet<String>, n: i64) -> Result<String, String> {
    let values = vars
        .iter()
        .map(|v| (v.as_str(), value(lang, &sample(v, n))))
        .collect();
    render(lang, key, &values)
}

#[test]
fn every_language_has_exactly_the_english_messages() {
    for file in FILES {
        let english: BTreeSet<String> = messages(&source(Lang::En, file)).into_keys().collect();
        assert!(english.len() > 30, "{file} has its messages");
        for lang in Lang::ALL {
            let theirs: BTreeSet<String> = messages(&source(lang, file)).into_keys().collect();
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty(), "{lang}/{file} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang}/{file} has unknown {extra:?}");
        }
    }
}

#[test]
fn every_message_renders_in_every_language_with_its_arguments() {
    for file in FILES {
        for (key, definition) in messages(&source(Lang::En, file)) {
            let vars = variables(&definition);
            for lang in Lang::ALL {
                for n in [0, 1, 2, 3, 5, 11, 21, 100] {
                    let text = render_with(lang, &key, &vars, n)
                        .unwrap_or_else(|e| panic!("{lang} {key} (n = {n}): {e}"));
                    assert!(!text.trim().is_empty(), "{lang} {key} is empty");
                    assert!(!text.contains('$'), "{lang} {key}: {text}");
                }
            }
        }
    }
}

#[test]
fn translations_use_only_the_english_arguments() {
    for file in FILES {
        let english = messages(&source(Lang::En, file));
        for lang in Lang::ALL {
            for (key, definition) in messages(&source(lang, file)) {
                let used = variables(&definition);
                let known = variables(&english[&key]);
                assert!(used.is_subset(&known), "{lang} {key} uses {used:?}");
            }
        }
    }
}

#[test]
fn mini_app_messages_take_no_arguments() {
    for lang in Lang::ALL {
        for (key, definition) in messages(&source(lang, "app.ftl")) {
            assert!(variables(&definition).is_empty(), "{lang} {key}");
            assert!(key.starts_with("app-"), "{lang} {key}");
        }
    }
}

#[test]
fn russian_counts_pick_one_few_and_many() {
    let form = |n: i64| {
        t_args(Lang::Ru, "reorder-done", &[("count", n.into())]).replace(&n.to_string(), "N")
    };
    assert_ne!(form(1), form(2));
    assert_ne!(form(2), form(5));
    assert_ne!(form(1), form(5));
    assert_eq!(form(21), form(1), "21 takes the form of 1");
    assert_eq!(form(22), form(2));
    assert_eq!(form(11), form(5), "11 takes the form of 5");
}

#[test]
fn ukrainian_and_polish_counts_pick_their_forms() {
    for lang in [Lang::Uk, Lang::Pl] {
        let form = |n: i64| {
            t_args(lang, "reorder-done", &[("count", n.into())]).replace(&n.to_string(), "N")
        };
        assert_ne!(form(2), form(5), "{lang}");
        assert_eq!(form(22), form(2), "{lang}");
        assert_eq!(form(12), form(5), "{lang}");
    }
}

#[test]
fn arabic_counts_pick_all_six_forms() {
    let forms: BTreeSet<String> = [0, 1, 2, 3, 11, 100]
        .into_iter()
        .map(|n: i64| {
            t_args(Lang::Ar, "reorder-done", &[("count", n.into())]).replace(&n.to_string(), "N")
        })
        .collect();
    assert_eq!(forms.len(), 6, "{forms:#?}");
}

#[test]
fn isolation_marks_are_kept_for_arabic_only() {
    let args = [("short_id", Arg::from("A1B2"))];
    let arabic = t_args(Lang::Ar, "cancel-confirm", &args);
    assert!(
        arabic.contains('\u{2068}') && arabic.contains("A1B2"),
        "{arabic}"
    );
    for lang in Lang::ALL.into_iter().filter(|l| !l.is_rtl()) {
        let text = t_args(lang, "cancel-confirm", &args);
        assert!(!text.contains(['\u{2068}', '\u{2069}']), "{lang}: {text:?}");
        assert!(text.contains("#A1B2"), "{lang}: {text}");
    }
}

#[test]
fn money_arguments_are_formatted_for_the_language() {
    let amount = Money::new(890, "EUR".parse().unwrap());
    let args = [("short_id", Arg::from("A1")), ("amount", amount.into())];
    assert!(t_args(Lang::En, "notify-payment-received", &args).contains("€8.90"));
    assert!(t_args(Lang::De, "notify-payment-received", &args).contains("8,90\u{a0}€"));
}

#[test]
fn an_unknown_message_is_never_blank() {
    assert_eq!(t(Lang::De, "no-such-message"), "no-such-message");
    assert_eq!(t(Lang::De, "menu-back"), "⬅ Zurück");
}

#[test]
fn each_language_confirms_the_change_in_itself() {
    let texts: BTreeSet<String> = Lang::ALL
        .into_iter()
        .map(|l| t(l, "language-changed"))
        .collect();
    assert_eq!(texts.len(), 12);
}

#[test]
fn bot_profile_texts_fit_telegram_limits() {
    let commands = [
        "command-start",
        "command-menu",
        "command-status",
        "command-orders",
        "command-reorder",
        "command-cancel",
        "command-language",
        "command-help",
    ];
    for lang in Lang::ALL {
        for key in commands {
            let n = t(lang, key).chars().count();
            assert!((3..=256).contains(&n), "{lang} {key} has {n} characters");
        }
        let n = t(lang, "bot-description").chars().count();
        assert!(n <= 512, "{lang} bot-description has {n} characters");
        let n = t(lang, "bot-short-description").chars().count();
        assert!(n <= 120, "{lang} bot-short-description has {n} characters");
    }
}

#[test]
fn the_mini_app_catalog_has_every_message_in_every_language() {
    let keys = app_keys();
    assert!(keys.len() >= 40);
    for lang in Lang::ALL {
        let json = catalog_json(lang);
        assert_eq!(json["lang"], lang.code());
        assert_eq!(json["dir"], if lang == Lang::Ar { "rtl" } else { "ltr" });
        let messages = json["messages"].as_object().unwrap();
        assert_eq!(messages.len(), keys.len(), "{lang}");
        for key in &keys {
            let text = messages[*key].as_str().unwrap();
            assert!(!text.is_empty() && text != *key, "{lang} {key}");
        }
    }
    assert_eq!(catalog_json(Lang::De)["messages"]["app-cart"], "Warenkorb");
}

#[test]
fn french_punctuation_never_starts_a_line() {
    let text = t_args(Lang::Fr, "cancel-confirm", &[("short_id", "A1".into())]);
    assert_eq!(text, "Annuler la commande #A1\u{202f}?");
    for (key, definition) in messages(&source(Lang::Fr, "bot.ftl")) {
        for mark in [" !", " ?", " :", "« ", " »"] {
            assert!(!definition.contains(mark), "fr {key} has {mark:?}");
        }
    }
}
