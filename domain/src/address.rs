//! Delivery addresses, phone numbers and the customer's comment to the
//! restaurant, checked when they enter the domain.

use serde::{Deserialize, Serialize};

const MAX_FIELD_CHARS: usize = 200;
/// Most characters a phone number may have, separators included.
pub const MAX_PHONE_CHARS: usize = 40;
/// Most characters a customer's comment to the restaurant may have.
pub const MAX_COMMENT_CHARS: usize = 500;

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
    #[error("phone must be 5 to 20 digits, optionally with +, spaces, dashes or brackets, at most 40 characters")]
    BadPhone,
    #[error("the comment is longer than {max} characters")]
    CommentTooLong { max: usize },
    /// Control characters other than line breaks and tabs.
    #[error("the comment holds control characters")]
    CommentUnprintable,
}

impl AddressError {
    /// The field the error is about: `street`, `city`, `postcode`,
    /// `details`, `phone` or `comment`.
    pub fn field(&self) -> &'static str {
        match self {
            AddressError::Missing(name) | AddressError::TooLong(name) => name,
            AddressError::BadPhone => "phone",
            AddressError::CommentTooLong { .. } | AddressError::CommentUnprintable => "comment",
        }
    }
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
    if allowed && (5..=20).contains(&digits) && p.chars().count() <= MAX_PHONE_CHARS {
        Ok(p.to_string())
    } else {
        Err(AddressError::BadPhone)
    }
}

/// A phone that may be left out: none when empty, else checked as
/// [`normalize_phone`] does.
pub fn optional_phone(phone: Option<&str>) -> Result<Option<String>, AddressError> {
    match phone.map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => normalize_phone(p).map(Some),
    }
}

/// The customer's comment trimmed: none when empty, refused when longer than
/// [`MAX_COMMENT_CHARS`] or holding control characters other than line
/// breaks and tabs (a comment is typed or pasted in a text area; `\r\n`
/// reads as `\n`).
pub fn normalize_comment(comment: Option<&str>) -> Result<Option<String>, AddressError> {
    let Some(c) = comment.map(|c| c.replace("\r\n", "\n")) else {
        return Ok(None);
    };
    let c = c.trim();
    if c.is_empty() {
        return Ok(None);
    }
    if c.chars().count() > MAX_COMMENT_CHARS {
        return Err(AddressError::CommentTooLong {
            max: MAX_COMMENT_CHARS,
        });
    }
    if c.chars()
        .any(|ch| ch.is_control() && ch != '\n' && ch != '\t')
    {
        return Err(AddressError::CommentUnprintable);
    }
    Ok(Some(c.to_string()))
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
        let spaced = format!("+49{}301234567", " ".repeat(MAX_PHONE_CHARS));
        assert_eq!(normalize_phone(&spaced), Err(AddressError::BadPhone));
    }

    #[test]
    fn an_empty_phone_is_none_and_a_bad_one_is_refused() {
        assert_eq!(optional_phone(None), Ok(None));
        assert_eq!(optional_phone(Some("   ")), Ok(None));
        assert_eq!(
            optional_phone(Some(" +49 30 1234567 ")),
            Ok(Some("+49 30 1234567".into()))
        );
        assert_eq!(optional_phone(Some("call me")), Err(AddressError::BadPhone));
    }

    #[test]
    fn a_comment_is_trimmed_kept_to_its_length_and_printable() {
        assert_eq!(normalize_comment(None), Ok(None));
        assert_eq!(normalize_comment(Some(" \n ")), Ok(None));
        assert_eq!(
            normalize_comment(Some("  Ring twice,\r\nno cutlery  ")),
            Ok(Some("Ring twice,\nno cutlery".into()))
        );
        let longest = "é".repeat(MAX_COMMENT_CHARS);
        assert_eq!(normalize_comment(Some(&longest)), Ok(Some(longest.clone())));
        assert_eq!(
            normalize_comment(Some(&format!("{longest}x"))),
            Err(AddressError::CommentTooLong {
                max: MAX_COMMENT_CHARS
            })
        );
        assert_eq!(
            normalize_comment(Some("bell\u{7}")),
            Err(AddressError::CommentUnprintable)
        );
        assert_eq!(AddressError::CommentUnprintable.field(), "comment");
        assert_eq!(AddressError::BadPhone.field(), "phone");
        assert_eq!(AddressError::Missing("city").field(), "city");
    }
}
