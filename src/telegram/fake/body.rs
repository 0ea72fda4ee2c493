//! Reads a Bot API request's parameters into one JSON object.
//!
//! Telegram accepts parameters as a query string, a JSON body, a URL-encoded form or a
//! multipart form, and teloxide uses JSON for most methods but multipart for the ones that may
//! upload a file (`sendPhoto`, `setWebhook`). In forms every value is a string and nested
//! values (keyboards, `allowed_updates`) are JSON inside it, so they are decoded here; values
//! that are text for Telegram stay strings even when they look like numbers.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{json, Map, Value};

/// Parameters that Telegram always treats as text.
const TEXT_FIELDS: &[&str] = &[
    "text",
    "caption",
    "query",
    "data",
    "url",
    "photo",
    "payload",
    "title",
    "description",
    "short_description",
    "secret_token",
    "language_code",
    "callback_query_id",
    "inline_query_id",
    "web_app_query_id",
    "pre_checkout_query_id",
    "telegram_payment_charge_id",
    "provider_token",
    "currency",
    "error_message",
    "start_parameter",
    "inline_message_id",
];

fn form_value(key: &str, raw: &str) -> Value {
    if TEXT_FIELDS.contains(&key) {
        return json!(raw);
    }
    serde_json::from_str(raw).unwrap_or_else(|_| json!(raw))
}

/// The parameters of `request`, or a description of why they cannot be read.
pub(super) async fn parameters(request: Request) -> Result<Value, String> {
    let mut params = Map::new();
    if let Some(query) = request.uri().query() {
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            params.insert(key.to_string(), form_value(&key, &value));
        }
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| e.body_text())?;
        while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|e| e.body_text())?;
            let value = match file_name {
                Some(file_name) => json!({ "file_name": file_name, "size": bytes.len() }),
                None => form_value(&name, &String::from_utf8_lossy(&bytes)),
            };
            params.insert(name, value);
        }
        return Ok(Value::Object(params));
    }
    let bytes = Bytes::from_request(request, &())
        .await
        .map_err(|e| e.body_text())?;
    if content_type.starts_with("application/x-www-form-urlencoded") {
        for (key, value) in form_urlencoded::parse(&bytes) {
            params.insert(key.to_string(), form_value(&key, &value));
        }
    } else if !bytes.is_empty() {
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(body)) => params.extend(body),
            Ok(_) => return Err("the JSON body is not an object".to_owned()),
            Err(e) => return Err(format!("can't parse JSON: {e}")),
        }
    }
    Ok(Value::Object(params))
}
