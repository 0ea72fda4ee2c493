//! Money as integer minor units with an ISO 4217 currency. Never floats.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency code (three upper-case ASCII letters), e.g. `EUR`, or `XTR`
/// for Telegram Stars.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// Telegram Stars, the currency of digital goods inside Telegram.
pub const STARS: Currency = Currency(*b"XTR");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currency must be three upper-case letters, got {0:?}")]
    BadCurrency(String),
    #[error("amount is out of range")]
    Overflow,
    #[error("cannot combine {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
}

impl Currency {
    pub fn as_str(&self) -> &str {
        // The constructor admits only ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point, for display. Stars and a few ISO currencies
    /// have none.
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "XTR" | "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "HUF" => 0,
            _ => 2,
        }
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(MoneyError::BadCurrency(s.to_string()))
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

/// An amount of money in integer minor units (cents for EUR, one star for XTR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money::new(0, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_mul(self, factor: u32) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(i64::from(factor))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        if exp == 0 {
            return write!(f, "{} {}", self.amount, self.currency);
        }
        let unit = 10i64.pow(exp);
        let sign = if self.amount < 0 { "-" } else { "" };
        let abs = self.amount.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / unit as u64,
            abs % unit as u64,
            self.currency,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(a: i64) -> Money {
        Money::new(a, "EUR".parse().unwrap())
    }

    #[test]
    fn currency_accepts_only_three_upper_case_letters() {
        assert!("EUR".parse::<Currency>().is_ok());
        for bad in ["eur", "EU", "EURO", "E1R", ""] {
            assert!(bad.parse::<Currency>().is_err(), "{bad}");
        }
    }

    #[test]
    fn adding_different_currencies_is_an_error() {
        let usd = Money::new(1, "USD".parse().unwrap());
        assert!(matches!(
            eur(1).checked_add(usd),
            Err(MoneyError::CurrencyMismatch(..))
        ));
    }

    #[test]
    fn money_displays_with_minor_units() {
        assert_eq!(eur(1290).to_string(), "12.90 EUR");
        assert_eq!(eur(5).to_string(), "0.05 EUR");
        assert_eq!(Money::new(250, STARS).to_string(), "250 XTR");
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(eur(i64::MAX).checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(5).checked_sub(eur(7)), Ok(eur(-2)));
    }
}
