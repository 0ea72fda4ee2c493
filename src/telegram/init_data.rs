//! Validation of the `initData` string that Telegram hands to the foodbot Mini App.
//!
//! When a customer opens the ordering Mini App inside Telegram, the Telegram client gives the
//! app a signed query string that says who the customer is. The Mini App forwards that string
//! to this backend with its requests, and this module decides whether to believe it. Only a
//! string that Telegram itself signed, recently, becomes an [`InitData`] that the rest of the
//! server may treat as the customer's identity; anything else is refused with an
//! [`InitDataError`] saying why. The signature is always checked before any field is trusted.
//!
//! Two checks follow Telegram's "Validating data received via the Mini App" and "Using
//! third-party validation" sections of <https://core.telegram.org/bots/webapps>. [`validate`]
//! recomputes the HMAC-SHA-256 `hash` from the bot token over every field except `hash` (the
//! Ed25519 `signature` field is part of that input). [`validate_third_party`] verifies the
//! Ed25519 `signature` with Telegram's public key when only the bot id is known; its input is
//! `<bot_id>:WebAppData` followed by every field except `hash` and `signature`. [`sign`] and
//! [`sign_with_ed25519`] produce correctly signed strings, so that tests and the offline demo
//! mode run through exactly the same validation path as real customers.

use std::collections::BTreeMap;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use InitDataError as E;

/// Telegram's Ed25519 public key (hex) for Mini Apps opened in the production environment.
pub const TELEGRAM_PUBLIC_KEY_PRODUCTION: &str =
    "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d";
/// Telegram's Ed25519 public key (hex) for Mini Apps opened in the test environment.
pub const TELEGRAM_PUBLIC_KEY_TEST: &str =
    "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec";

/// Longest initData accepted; real strings are well under 1 KB.
const MAX_LEN: usize = 4096;
/// How far `auth_date` may run ahead of our clock before we call it forged.
const FUTURE_TOLERANCE_SECS: i64 = 60;
/// base64url without padding, as Telegram sends it; padded input is tolerated.
const SIGNATURE_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The Telegram user who opened the Mini App. Fields Telegram adds later are ignored.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct WebAppUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub is_premium: Option<bool>,
    pub allows_write_to_pm: Option<bool>,
    pub photo_url: Option<String>,
}

/// The verified contents of an initData string.
#[derive(Debug, Clone, PartialEq)]
pub struct InitData {
    pub user: WebAppUser,
    pub auth_date: DateTime<Utc>,
    pub query_id: Option<String>,
    pub start_param: Option<String>,
    pub chat_type: Option<String>,
    pub chat_instance: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InitDataError {
    #[error("initData is not a valid query string")]
    Malformed,
    #[error("initData has no hash")]
    MissingHash,
    #[error("initData hash does not match")]
    BadHash,
    #[error("initData has no signature")]
    MissingSignature,
    #[error("initData signature does not verify")]
    BadSignature,
    #[error("initData has no valid auth_date")]
    BadAuthDate,
    #[error("initData is too old")]
    Expired,
    #[error("initData auth_date is in the future")]
    FromTheFuture,
    #[error("initData has no valid user")]
    BadUser,
}

/// A configured public key that is not 32 hex-encoded bytes of a usable Ed25519 point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid hex-encoded Ed25519 public key")]
pub struct InvalidPublicKey;

type Fields = BTreeMap<String, String>;
type Pair<'a> = (&'a str, &'a str);

/// Validates with the bot token (HMAC). `now` and `max_age` are passed in (no clock reads inside).
pub fn validate(
    raw: &str,
    bot_token: &str,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<InitData, InitDataError> {
    let fields = parse_fields(raw)?;
    let given = fields.get("hash").ok_or(E::MissingHash)?;
    let mut given_bytes = [0u8; 32];
    hex::decode_to_slice(given, &mut given_bytes).map_err(|_| E::BadHash)?;
    let expected = hmac_hash(bot_token, &check_string(entries(&fields), &["hash"]));
    if !bool::from(expected[..].ct_eq(&given_bytes[..])) {
        return Err(E::BadHash);
    }
    build(&fields, now, max_age)
}

/// Third-party validation with Telegram's Ed25519 public key, knowing only the bot id.
pub fn validate_third_party(
    raw: &str,
    bot_id: i64,
    public_key: &VerifyingKey,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<InitData, InitDataError> {
    let fields = parse_fields(raw)?;
    let encoded = fields.get("signature").ok_or(E::MissingSignature)?;
    let signature = SIGNATURE_B64
        .decode(encoded)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(E::BadSignature)?;
    let message = third_party_message(bot_id, entries(&fields));
    public_key
        .verify_strict(message.as_bytes(), &signature)
        .map_err(|_| E::BadSignature)?;
    build(&fields, now, max_age)
}

/// Parses a hex public key (for config), refusing malformed and small-order keys.
pub fn parse_public_key(hex: &str) -> Result<VerifyingKey, InvalidPublicKey> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex.trim(), &mut bytes).map_err(|_| InvalidPublicKey)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| InvalidPublicKey)?;
    (!key.is_weak()).then_some(key).ok_or(InvalidPublicKey)
}

/// Builds a correctly signed initData string (HMAC) for the given fields — used by tests and by
/// the server's offline demo mode. Values are given unencoded; the output is URL-encoded and ends
/// with `hash`. Any `hash` among `fields` is dropped and replaced.
pub fn sign(fields: &[(&str, &str)], bot_token: &str) -> String {
    let kept = without(fields, &["hash"]);
    let hash = hmac_hash(bot_token, &check_string(sorted(&kept), &[]));
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(kept);
    out.append_pair("hash", &hex::encode(hash));
    out.finish()
}

/// Same as [`sign`], plus an Ed25519 `signature` made with `key` for `bot_id`. As in Telegram's
/// own strings, the HMAC `hash` then covers the `signature` field too.
pub fn sign_with_ed25519(
    fields: &[(&str, &str)],
    bot_token: &str,
    bot_id: i64,
    key: &SigningKey,
) -> String {
    let mut kept = without(fields, &["hash", "signature"]);
    let message = third_party_message(bot_id, sorted(&kept));
    let signature = SIGNATURE_B64.encode(key.sign(message.as_bytes()).to_bytes());
    kept.push(("signature", &signature));
    sign(&kept, bot_token)
}

/// Strictly splits a query string: every pair needs `=`, escapes must be valid, the decoded text
/// must be UTF-8 without line feeds (which would make the data-check-string ambiguous), and no key
/// may repeat.
fn parse_fields(raw: &str) -> Result<Fields, InitDataError> {
    if raw.is_empty() || raw.len() > MAX_LEN {
        return Err(E::Malformed);
    }
    let mut fields = Fields::new();
    for pair in raw.split('&') {
        let (key, value) = pair.split_once('=').ok_or(E::Malformed)?;
        let (key, value) = (percent_decode(key)?, percent_decode(value)?);
        if key.is_empty() || key.contains(['=', '\n']) || value.contains('\n') {
            return Err(E::Malformed);
        }
        if fields.insert(key, value).is_some() {
            return Err(E::Malformed);
        }
    }
    Ok(fields)
}

fn percent_decode(text: &str) -> Result<String, InitDataError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let digit = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
                let (hi, lo) = digit(i + 1).zip(digit(i + 2)).ok_or(E::Malformed)?;
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| E::Malformed)
}

fn entries(fields: &Fields) -> impl Iterator<Item = Pair<'_>> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

fn without<'a>(fields: &[Pair<'a>], skip: &[&str]) -> Vec<Pair<'a>> {
    let keep = |(k, _): &Pair| !skip.contains(k);
    fields.iter().copied().filter(keep).collect()
}

fn sorted<'a>(fields: &[Pair<'a>]) -> Vec<Pair<'a>> {
    let mut out = fields.to_vec();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// `key=value` lines of the already sorted `fields`, minus `skip`, joined by `\n`.
fn check_string<'a>(fields: impl IntoIterator<Item = Pair<'a>>, skip: &[&str]) -> String {
    fields
        .into_iter()
        .filter(|(k, _)| !skip.contains(k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn third_party_message<'a>(bot_id: i64, fields: impl IntoIterator<Item = Pair<'a>>) -> String {
    let body = check_string(fields, &["hash", "signature"]);
    format!("{bot_id}:WebAppData\n{body}")
}

/// hash = HMAC_SHA256(key = HMAC_SHA256(key = "WebAppData", bot_token), data_check_string).
fn hmac_hash(bot_token: &str, data_check_string: &str) -> [u8; 32] {
    let mut secret = Hmac::<Sha256>::new_from_slice(b"WebAppData").expect("HMAC takes any key");
    secret.update(bot_token.as_bytes());
    let secret_key = secret.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret_key).expect("HMAC takes any key");
    mac.update(data_check_string.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Interprets fields whose authenticity has already been established.
fn build(fields: &Fields, now: DateTime<Utc>, max_age: Duration) -> Result<InitData, E> {
    let auth_date = fields
        .get("auth_date")
        .filter(|s| !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| DateTime::from_timestamp(s.parse().ok()?, 0))
        .ok_or(E::BadAuthDate)?;
    if auth_date.signed_duration_since(now) > Duration::seconds(FUTURE_TOLERANCE_SECS) {
        return Err(E::FromTheFuture);
    }
    if now.signed_duration_since(auth_date) > max_age {
        return Err(E::Expired);
    }
    let user = fields
        .get("user")
        .and_then(|json| serde_json::from_str(json).ok());
    let user = user.ok_or(E::BadUser)?;
    let text = |key: &str| fields.get(key).cloned();
    Ok(InitData {
        user,
        auth_date,
        query_id: text("query_id"),
        start_param: text("start_param"),
        chat_type: text("chat_type"),
        chat_instance: text("chat_instance"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456:TEST-token-for-foodbot";
    const BOT_ID: i64 = 123456;
    const USER: &str = r#"{"id":42,"first_name":"Ada","username":"ada"}"#;
    const AUTH: i64 = 1_700_000_000;
    const BASIC: &[Pair] = &[
        ("user", USER),
        ("auth_date", "1700000000"),
        ("query_id", "Q"),
    ];

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    fn check_at(raw: &str, now: i64) -> Result<InitData, InitDataError> {
        validate(raw, TOKEN, at(now), Duration::hours(24))
    }

    fn refusal(raw: &str) -> Option<InitDataError> {
        check_at(raw, AUTH).err()
    }

    /// Re-encodes `raw` with `key` replaced by `value`, or removed when `value` is `None`,
    /// keeping every other pair (including the old hash and signature) as it was.
    fn edit(raw: &str, key: &str, value: Option<&str>) -> String {
        let pairs = form_urlencoded::parse(raw.as_bytes()).into_owned();
        let mut kept: Vec<(String, String)> = pairs.filter(|(k, _)| k != key).collect();
        kept.extend(value.map(|v| (key.to_owned(), v.to_owned())));
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(kept).finish()
    }

    #[test]
    fn a_string_signed_with_the_token_validates_and_yields_the_user() {
        let data = check_at(&sign(BASIC, TOKEN), AUTH).unwrap();
        assert_eq!((data.user.id, data.user.first_name.as_str()), (42, "Ada"));
        assert_eq!(data.user.username.as_deref(), Some("ada"));
        assert_eq!(data.auth_date, at(AUTH));
        assert_eq!(data.query_id.as_deref(), Some("Q"));
        assert!(data.user.last_name.is_none() && data.start_param.is_none());
    }

    #[test]
    fn a_real_world_shaped_string_round_trips_through_sign_and_validate() {
        let user = r#"{"id":279058397,"first_name":"Влад 🍕 + & = ?","last_name":"Kibenko","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true,"photo_url":"https:\/\/t.me\/i\/userpic\/320\/x.svg","added_to_attachment_menu":false,"new_thing":{"nested":[1,2]}}"#;
        let signature = "TYJxVcisqbWjtodPepiJ6ghziUL94-KNpG8Pau-X7oNNLNBM72APCpi_RKiUlBvcqo5L-LAxIc3dnTzcZX_PDg";
        let fields = [
            ("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"),
            ("user", user),
            ("chat_instance", "-1455389254629648718"),
            ("chat_type", "sender"),
            ("start_param", "table_7"),
            ("auth_date", "1700000000"),
            ("signature", signature),
        ];
        let raw = sign(&fields, TOKEN);
        let data = check_at(&raw, AUTH).unwrap();
        assert_eq!(data.user.first_name, "Влад 🍕 + & = ?");
        let photo = "https://t.me/i/userpic/320/x.svg";
        assert_eq!(data.user.photo_url.as_deref(), Some(photo));
        assert_eq!(data.user.is_premium, Some(true));
        assert_eq!(data.chat_type.as_deref(), Some("sender"));
        assert_eq!(data.start_param.as_deref(), Some("table_7"));
        // The signature field is covered by the hash: dropping or altering it breaks the HMAC.
        assert_eq!(refusal(&edit(&raw, "signature", None)), Some(E::BadHash));
        let altered = edit(&raw, "signature", Some("AAAA"));
        assert_eq!(refusal(&altered), Some(E::BadHash));
    }

    #[test]
    fn forged_tampered_removed_added_or_missing_hashes_are_refused() {
        let raw = sign(BASIC, TOKEN);
        let (forged, not_hex) = ("ab".repeat(32), "zz".repeat(32));
        let user_43 = USER.replace("42", "43");
        let cases = [
            ("hash", Some(forged.as_str()), E::BadHash),
            ("hash", Some(not_hex.as_str()), E::BadHash),
            ("hash", Some("abcd"), E::BadHash),
            ("hash", None, E::MissingHash),
            ("user", Some(user_43.as_str()), E::BadHash),
            ("auth_date", Some("1700000001"), E::BadHash),
            ("query_id", Some("R"), E::BadHash),
            ("query_id", None, E::BadHash),
            ("start_param", Some("admin"), E::BadHash),
        ];
        for (key, value, error) in cases {
            let tampered = edit(&raw, key, value);
            assert_eq!(refusal(&tampered), Some(error), "{key} {value:?}");
        }
        let other_bot = validate(&raw, "654321:other-bot", at(AUTH), Duration::hours(24));
        assert_eq!(other_bot, Err(E::BadHash));
    }

    #[test]
    fn auth_date_must_be_neither_stale_nor_more_than_a_minute_ahead() {
        let raw = sign(BASIC, TOKEN);
        assert!(check_at(&raw, AUTH + 86_400).is_ok());
        assert_eq!(check_at(&raw, AUTH + 86_401), Err(E::Expired));
        assert!(check_at(&raw, AUTH - 60).is_ok());
        assert_eq!(check_at(&raw, AUTH - 61), Err(E::FromTheFuture));
    }

    #[test]
    fn signed_strings_with_a_bad_auth_date_or_user_are_reported_after_the_hash() {
        for bad in ["", "soon", "-5", "+5", "1e9", "99999999999999999999"] {
            let raw = sign(&[("user", USER), ("auth_date", bad)], TOKEN);
            assert_eq!(refusal(&raw), Some(E::BadAuthDate), "{bad}");
        }
        let no_date = sign(&[("user", USER)], TOKEN);
        assert_eq!(refusal(&no_date), Some(E::BadAuthDate));
        for bad in ["{}", r#"{"id":"42","first_name":"A"}"#, "["] {
            let raw = sign(&[("user", bad), ("auth_date", "1700000000")], TOKEN);
            assert_eq!(refusal(&raw), Some(E::BadUser), "{bad}");
        }
        let no_user = sign(&[("auth_date", "1700000000")], TOKEN);
        assert_eq!(refusal(&no_user), Some(E::BadUser));
    }

    #[test]
    fn garbage_strings_are_malformed() {
        let duplicate_hash = format!("{}&hash={}", sign(BASIC, TOKEN), "0".repeat(64));
        let long = "x=y&".repeat(2560); // 10 KB
        let garbage = "%%%|a=b&a=c|a|a=b&|=b|a=%zz|a=%f|a=%ff|a=1%0Ab=2".split('|');
        for raw in garbage.chain(["", &long, &duplicate_hash]) {
            assert_eq!(refusal(raw), Some(E::Malformed), "{raw:.40}");
        }
    }

    fn third_party(raw: &str, bot_id: i64, seed: u8) -> Result<InitData, InitDataError> {
        let key = SigningKey::from_bytes(&[seed; 32]).verifying_key();
        validate_third_party(raw, bot_id, &key, at(AUTH), Duration::hours(24))
    }

    #[test]
    fn an_ed25519_signed_string_validates_with_its_key_and_with_the_token() {
        let raw = sign_with_ed25519(BASIC, TOKEN, BOT_ID, &SigningKey::from_bytes(&[7; 32]));
        assert_eq!(third_party(&raw, BOT_ID, 7).unwrap().user.id, 42);
        assert_eq!(check_at(&raw, AUTH).unwrap().user.id, 42);
        // The hash is not part of the Ed25519 message, so its absence does not matter there.
        assert!(third_party(&edit(&raw, "hash", None), BOT_ID, 7).is_ok());
    }

    #[test]
    fn ed25519_refuses_tampering_a_wrong_bot_another_key_and_a_missing_signature() {
        let raw = sign_with_ed25519(BASIC, TOKEN, BOT_ID, &SigningKey::from_bytes(&[7; 32]));
        let tampered = edit(&raw, "user", Some(&USER.replace("42", "43")));
        let junk = edit(&raw, "signature", Some("!!"));
        let short = edit(&raw, "signature", Some("AAAA"));
        let unsigned = edit(&raw, "signature", None);
        let cases = [
            (&tampered, BOT_ID, 7, E::BadSignature),
            (&raw, BOT_ID + 1, 7, E::BadSignature),
            (&raw, BOT_ID, 8, E::BadSignature),
            (&junk, BOT_ID, 7, E::BadSignature),
            (&short, BOT_ID, 7, E::BadSignature),
            (&unsigned, BOT_ID, 7, E::MissingSignature),
            (&String::new(), BOT_ID, 7, E::Malformed),
        ];
        for (raw, bot_id, seed, error) in cases {
            assert_eq!(third_party(raw, bot_id, seed).err(), Some(error), "{raw}");
        }
    }

    #[test]
    fn telegrams_public_keys_parse_and_junk_keys_do_not() {
        assert!(parse_public_key(TELEGRAM_PUBLIC_KEY_PRODUCTION).is_ok());
        assert!(parse_public_key(TELEGRAM_PUBLIC_KEY_TEST).is_ok());
        for junk in ["e7bf03".to_owned(), "zz".repeat(32), "00".repeat(32)] {
            assert_eq!(parse_public_key(&junk), Err(InvalidPublicKey), "{junk}");
        }
    }
}
