//! Amounts of money as each interface language writes them.
//!
//! The domain's [`Money`] is integer minor units with an ISO 4217 currency; this
//! module turns it into display text: decimal and grouping separators, where the
//! currency symbol goes, and how many minor digits the currency has (its ISO
//! exponent, from [`Currency::exponent`]; Telegram Stars have none).
//!
//! The rules follow the Unicode CLDR conventions of each language, kept to what
//! a food order needs. Choices worth knowing:
//! - Between a number and a symbol written after it goes a no-break space
//!   (U+00A0), so Telegram never wraps "8,90" and "€" onto two lines.
//! - Spanish and Polish do not group four-digit amounts ("1234,50 €"), as CLDR
//!   says (minimum grouping digits 2).
//! - Arabic uses Western digits with "." and "," ("8.90 €"): that is how prices
//!   are printed across the Maghreb and on most menus and receipts in the Gulf,
//!   and it keeps a price identical to the one on the invoice Telegram shows.
//!   The symbol follows the number; Telegram's bidi handling then places it
//!   correctly in a right-to-left line.
//! - A negative amount starts with an ASCII minus before everything else.
//! - Stars (XTR) are written with ⭐ and a space on the side where the language
//!   puts its currency symbol: "⭐ 25" in English, "25 ⭐" in German.

use super::Lang;
use foodbot_domain::money::{Currency, Money};

/// How one language writes an amount of money.
struct Style {
    decimal: char,
    group: char,
    /// Grouping starts only when the integer part has at least
    /// `3 + min_group` digits.
    min_group: usize,
    symbol_first: bool,
    /// Whether a symbol written before the number is separated by a space
    /// (after the number there is always one).
    space_before_number: bool,
}

const NBSP: char = '\u{a0}';
const NARROW_NBSP: char = '\u{202f}';

fn style(lang: Lang) -> Style {
    let (decimal, group, min_group, symbol_first, space_before_number) = match lang {
        Lang::En => ('.', ',', 1, true, false),
        Lang::De | Lang::It => (',', '.', 1, false, true),
        Lang::Es => (',', '.', 2, false, true),
        Lang::Fr => (',', NARROW_NBSP, 1, false, true),
        Lang::Pt => (',', '.', 1, true, true),
        Lang::Ru | Lang::Uk | Lang::Uz => (',', NBSP, 1, false, true),
        Lang::Pl => (',', NBSP, 2, false, true),
        Lang::Tr => (',', '.', 1, true, false),
        Lang::Ar => ('.', ',', 1, false, true),
    };
    Style {
        decimal,
        group,
        min_group,
        symbol_first,
        space_before_number,
    }
}

/// The symbol for a currency, or its ISO code when it has no widely known one.
fn symbol(currency: &str) -> &str {
    match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        "RUB" => "₽",
        "UAH" => "₴",
        "PLN" => "zł",
        "TRY" => "₺",
        "BRL" => "R$",
        "XTR" => "⭐",
        other => other,
    }
}

/// Formats `amount_minor` minor units of `currency` (an ISO 4217 code such as
/// "EUR", or "XTR" for Stars) the way `lang` writes money.
///
/// A code the domain does not accept as a currency is still shown, with two
/// minor digits: display must not fail over a bad code, which is refused
/// where money enters the system.
pub fn format_money(lang: Lang, amount_minor: i64, currency: &str) -> String {
    let exponent = currency
        .parse::<Currency>()
        .map(|c| c.exponent())
        .unwrap_or(2);
    let style = style(lang);
    let number = number(&style, amount_minor.unsigned_abs(), exponent);
    let sign = if amount_minor < 0 { "-" } else { "" };
    let symbol = symbol(currency);
    // Stars and letter codes ("CHF", "zł") would run into the digits.
    let spaced =
        currency == "XTR" || style.space_before_number || symbol.chars().any(char::is_alphabetic);
    if style.symbol_first {
        let gap = if spaced { "\u{a0}" } else { "" };
        format!("{sign}{symbol}{gap}{number}")
    } else {
        format!("{sign}{number}{NBSP}{symbol}")
    }
}

/// Formats domain [`Money`] for `lang`; see [`format_money`].
pub fn format(lang: Lang, money: &Money) -> String {
    format_money(lang, money.amount, money.currency.as_str())
}

/// The absolute amount as digits with the language's separators.
fn number(style: &Style, abs: u64, exponent: u32) -> String {
    let unit = 10u64.pow(exponent);
    let whole = (abs / unit).to_string();
    let mut out = group(&whole, style);
    if exponent > 0 {
        out.push(style.decimal);
        out.push_str(&format!(
            "{:0width$}",
            abs % unit,
            width = exponent as usize
        ));
    }
    out
}

fn group(digits: &str, style: &Style) -> String {
    if digits.len() < 3 + style.min_group {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(style.group);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected texts with "_" for a no-break space and "~" for a narrow one,
    /// so the invisible characters are visible in the table.
    fn check(lang: Lang, amount: i64, currency: &str, expected: &str) {
        let expected = expected.replace('_', "\u{a0}").replace('~', "\u{202f}");
        assert_eq!(
            format_money(lang, amount, currency),
            expected,
            "{lang} {amount} {currency}"
        );
    }

    #[test]
    fn each_language_writes_euros_its_own_way() {
        let table = [
            (Lang::En, "€8.90", "-€8.90", "€12,345.67"),
            (Lang::De, "8,90_€", "-8,90_€", "12.345,67_€"),
            (Lang::Es, "8,90_€", "-8,90_€", "12.345,67_€"),
            (Lang::Fr, "8,90_€", "-8,90_€", "12~345,67_€"),
            (Lang::It, "8,90_€", "-8,90_€", "12.345,67_€"),
            (Lang::Pt, "€_8,90", "-€_8,90", "€_12.345,67"),
            (Lang::Ru, "8,90_€", "-8,90_€", "12_345,67_€"),
            (Lang::Uk, "8,90_€", "-8,90_€", "12_345,67_€"),
            (Lang::Pl, "8,90_€", "-8,90_€", "12_345,67_€"),
            (Lang::Tr, "€8,90", "-€8,90", "€12.345,67"),
            (Lang::Uz, "8,90_€", "-8,90_€", "12_345,67_€"),
            (Lang::Ar, "8.90_€", "-8.90_€", "12,345.67_€"),
        ];
        for (lang, plain, negative, grouped) in table {
            check(lang, 890, "EUR", plain);
            check(lang, -890, "EUR", negative);
            check(lang, 1_234_567, "EUR", grouped);
        }
    }

    #[test]
    fn spanish_and_polish_do_not_group_four_digits() {
        check(Lang::Es, 123_450, "EUR", "1234,50_€");
        check(Lang::Pl, 123_450, "EUR", "1234,50_€");
        check(Lang::De, 123_450, "EUR", "1.234,50_€");
        check(Lang::En, 123_450, "EUR", "€1,234.50");
    }

    #[test]
    fn minor_digits_follow_the_currency() {
        check(Lang::En, 5, "USD", "$0.05");
        check(Lang::En, 1500, "JPY", "¥1,500");
        check(Lang::De, 1500, "JPY", "1.500_¥");
        check(Lang::En, 0, "EUR", "€0.00");
        check(Lang::Ru, 123_456, "RUB", "1_234,56_₽");
    }

    #[test]
    fn stars_have_no_minor_digits_and_a_spaced_star() {
        check(Lang::En, 25, "XTR", "⭐_25");
        check(Lang::De, 25, "XTR", "25_⭐");
        check(Lang::Tr, 25, "XTR", "⭐_25");
        check(Lang::Ar, 25, "XTR", "25_⭐");
        check(Lang::En, 1_234_567, "XTR", "⭐_1,234,567");
        check(Lang::Ru, -25, "XTR", "-25_⭐");
    }

    #[test]
    fn codes_without_a_symbol_are_spelled_out() {
        check(Lang::En, 890, "CHF", "CHF_8.90");
        check(Lang::De, 890, "CHF", "8,90_CHF");
        check(Lang::Tr, 890, "CHF", "CHF_8,90");
        check(Lang::Pl, 890, "PLN", "8,90_zł");
    }

    #[test]
    fn the_extremes_do_not_overflow() {
        let text = format_money(Lang::En, i64::MIN, "EUR");
        assert_eq!(text, "-€92,233,720,368,547,758.08");
    }

    #[test]
    fn domain_money_formats_like_its_parts() {
        let money = Money::new(890, "EUR".parse().unwrap());
        assert_eq!(format(Lang::De, &money), format_money(Lang::De, 890, "EUR"));
    }
}
