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

/// Why nothing can be ordered at `now`, and when that changes: the next
/// opening in the restaurant's own time zone, as the menu states its hours
/// (`HH:MM` today, `YYYY-MM-DD` and `HH:MM` on a later day).
pub fn closed(
    lang: Lang,
    hours: &foodbot_domain::catalog::OpeningHours,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let Some(opens) = hours.next_opening(now) else {
        return tr(lang, "closed-indefinitely", &[]);
    };
    let local = opens.with_timezone(&hours.time_zone);
    let time = local.format("%H:%M").to_string();
    if local.date_naive() == now.with_timezone(&hours.time_zone).date_naive() {
        tr(lang, "closed-opens-today", &[("time", time.into())])
    } else {
        let date = local.format("%Y-%m-%d").to_string();
        tr(
            lang,
            "closed-opens-later",
            &[("date", date.into()), ("time", time.into())],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn closed_names_the_next_opening_in_the_restaurants_zone() {
        let hours: foodbot_domain::catalog::OpeningHours = serde_json::from_value(
            serde_json::json!({"time_zone": "Asia/Tashkent", "monday": ["10:00-22:00"]}),
        )
        .unwrap();
        // Monday 2026-12-07 03:00 UTC is 08:00 in Tashkent (UTC+5).
        let early = chrono::Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap();
        assert_eq!(
            closed(Lang::En, &hours, early),
            "We’re closed right now. We open today at 10:00."
        );
        let late = chrono::Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 0).unwrap();
        assert_eq!(
            closed(Lang::De, &hours, late),
            "Wir haben gerade geschlossen. Wir öffnen am 2026-12-14 um 10:00 Uhr."
        );
    }
}
