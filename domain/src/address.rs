//! Delivery addresses and phone numbers, checked when they enter the domain.

use serde::{Deserialize, Serialize};

const MAX_FIELD_CHARS: usize = 200;

/// Where to bring an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub city: String,
    #[serde(default)]
    pub postcode: Option<String>,
    /// Floor, door, entrance code, "ring twice".
    #[serde(default)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{0} is too long")]
    TooLong(&'static str),
    #[error("phone must be 5 to 20 digits, optionally with +, spaces, dashes or brackets")]
    BadPhone,
}

fn field(name: &'static str, v: &str, required: bool) -> Result<Option<String>, AddressError> {
    let v = v.trim();
    if v.is_empty() {
        return if required {
            Err(AddressError::Missing(name))
        } else {
            Ok(None)
        };
    }
    if v.chars().count() > MAX_FIELD_CHARS || v.chars().any(char::is_control) {
        return Err(AddressError::TooLong(name));
    }
    Ok(Some(v.to_string()))
}

impl Address {
    /// The address trimmed and checked: street and city present, nothing too long.
    pub fn normalized(&self) -> Result<Address, AddressError> {
        let opt = |name, v: &Option<String>| field(name, v.as_deref().unwrap_or(""), false);
        Ok(Address {
            street: field("street", &self.street, true)?.unwrap_or_default(),
            city: field("city", &self.city, true)?.unwrap_or_default(),
            postcode: opt("postcode", &self.postcode)?,
            details: opt("details", &self.details)?,
        })
    }
}

/// Checks a phone number loosely (formats differ by country) and trims it.
pub fn normalize_phone(phone: &str) -> Result<String, AddressError> {
    let p = phone.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if allowed && (5..=20).contains(&digits) {
        Ok(p.to_string())
    } else {
        Err(AddressError::BadPhone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_needs_street_and_city() {
        let a = Address {
            street: "  ".into(),
            city: "Berlin".into(),
            postcode: None,
            details: None,
        };
        assert_eq!(a.normalized(), Err(AddressError::Missing("street")));
    }

    #[test]
    fn phones_are_checked_loosely() {
        assert!(normalize_phone("+49 (30) 123-4567").is_ok());
        assert_eq!(normalize_phone("call me"), Err(AddressError::BadPhone));
        assert_eq!(normalize_phone("123"), Err(AddressError::BadPhone));
    }
}
