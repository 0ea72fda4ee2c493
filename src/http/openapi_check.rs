//! Keeps `openapi.json` true to the code: every route is documented, and every
//! error code the handlers can produce is listed with its status.

use axum::http::StatusCode;
use serde_json::Value;

const SOURCES: [&str; 6] = [
    include_str!("mod.rs"),
    include_str!("error.rs"),
    include_str!("../app/refusal.rs"),
    include_str!("auth.rs"),
    include_str!("me.rs"),
    include_str!("orders.rs"),
];

fn spec() -> Value {
    serde_json::from_str(super::OPENAPI).expect("openapi.json is valid JSON")
}

/// The string literals that follow `marker` in `src`.
fn literals_after<'a>(src: &'a str, marker: &str) -> Vec<&'a str> {
    src.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = src[i + marker.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn every_route_is_in_the_openapi_document() {
    let spec = spec();
    let paths = spec["paths"].as_object().unwrap();
    let router = include_str!("mod.rs");
    let api = literals_after(router, ".route(");
    assert!(api.len() >= 15, "found only {api:?}");
    for route in api {
        let full = if route.starts_with("/healthz") || route.starts_with("/readyz") {
            route.to_string()
        } else {
            format!("/api/v1{route}")
        };
        assert!(paths.contains_key(&full), "{full} is not documented");
    }
}

#[test]
fn every_error_code_is_listed_with_its_status() {
    let spec = spec();
    let listed = spec["x-error-codes"].as_object().unwrap();
    let mut found = 0;
    for src in SOURCES {
        for (i, _) in src.match_indices("StatusCode::") {
            let rest = &src[i + "StatusCode::".len()..];
            let name_end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                .unwrap_or(rest.len());
            let after = rest[name_end..].trim_start();
            let Some(after) = after.strip_prefix(',') else {
                continue;
            };
            let Some(code) = literals_after(after, "").first().copied() else {
                continue;
            };
            if !after.trim_start().starts_with('"') || code.contains(' ') {
                continue;
            }
            let status = status_of(&rest[..name_end]);
            assert_eq!(
                listed.get(code).and_then(Value::as_u64),
                Some(status),
                "code {code:?}"
            );
            found += 1;
        }
        for code in literals_after(src, "bad_request(") {
            assert_eq!(
                listed.get(code).and_then(Value::as_u64),
                Some(400),
                "code {code:?}"
            );
            found += 1;
        }
    }
    assert!(found >= 30, "only {found} codes found in the sources");
}

fn status_of(name: &str) -> u64 {
    let status = match name {
        "BAD_REQUEST" => StatusCode::BAD_REQUEST,
        "UNAUTHORIZED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "METHOD_NOT_ALLOWED" => StatusCode::METHOD_NOT_ALLOWED,
        "CONFLICT" => StatusCode::CONFLICT,
        "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE,
        "UNSUPPORTED_MEDIA_TYPE" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNPROCESSABLE_ENTITY" => StatusCode::UNPROCESSABLE_ENTITY,
        "INTERNAL_SERVER_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
        "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        other => panic!("status {other} is not mapped in this test"),
    };
    u64::from(status.as_u16())
}
