//! Mini App authentication: only initData signed with our bot token, fresh
//! enough, is accepted; everything else is a 401 that changes nothing.

use crate::helpers::*;
use reqwest::StatusCode;

crate::both_stores!(
    a_valid_init_data_is_accepted_and_registers_the_user_once,
    forged_tampered_stale_or_foreign_init_data_is_refused_and_changes_nothing,
);

async fn a_valid_init_data_is_accepted_and_registers_the_user_once(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, me) = app.get("/api/v1/me", 7).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], 7);
    assert_eq!(me["first_name"], "User 7");
    assert_eq!(
        me["language"], "de",
        "the client's language is supported by the demo menu"
    );
    let (status, _) = app.get("/api/v1/me", 7).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.events_of("7").await,
        vec![(1, "UserRegistered".to_string())]
    );
}

fn with_field(raw: &str, key: &str, value: Option<&str>) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    let mut out = form_urlencoded::Serializer::new(String::new());
    let mut seen = false;
    for (k, v) in pairs {
        if k == key {
            seen = true;
            if let Some(new) = value {
                out.append_pair(&k, new);
            }
        } else {
            out.append_pair(&k, &v);
        }
    }
    if !seen {
        if let Some(new) = value {
            out.append_pair(key, new);
        }
    }
    out.finish()
}

async fn forged_tampered_stale_or_foreign_init_data_is_refused_and_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let good = init_data(7, BOT_TOKEN, now());
    let other_user = serde_json::json!({ "id": 8, "first_name": "Mallory" }).to_string();
    let cases: Vec<(&str, Option<String>, &str)> = vec![
        ("no header", None, "missing_auth"),
        (
            "wrong scheme",
            Some(format!("Bearer {good}")),
            "missing_auth",
        ),
        (
            "garbage",
            Some("tma %%%garbage&&==".into()),
            "invalid_init_data",
        ),
        ("empty", Some("tma ".into()), "missing_auth"),
        ("empty data", Some("tma =".into()), "invalid_init_data"),
        (
            "forged hash",
            Some(format!(
                "tma {}",
                with_field(&good, "hash", Some(&"ab".repeat(32)))
            )),
            "invalid_init_data",
        ),
        (
            "missing hash",
            Some(format!("tma {}", with_field(&good, "hash", None))),
            "invalid_init_data",
        ),
        (
            "tampered user",
            Some(format!(
                "tma {}",
                with_field(&good, "user", Some(&other_user))
            )),
            "invalid_init_data",
        ),
        (
            "tampered auth_date",
            Some(format!(
                "tma {}",
                with_field(&good, "auth_date", Some(&(now() + 5).to_string()))
            )),
            "invalid_init_data",
        ),
        (
            "added field",
            Some(format!(
                "tma {}",
                with_field(&good, "start_param", Some("admin"))
            )),
            "invalid_init_data",
        ),
        (
            "stale",
            Some(format!(
                "tma {}",
                init_data(7, BOT_TOKEN, now() - 2 * 86_400)
            )),
            "init_data_expired",
        ),
        (
            "another bot",
            Some(format!(
                "tma {}",
                init_data(7, "987654321:another-bot", now())
            )),
            "invalid_init_data",
        ),
    ];
    for (what, header, code) in cases {
        for path in ["/api/v1/me", "/api/v1/orders"] {
            let mut req = app
                .client
                .post(format!("{}{path}", app.base))
                .json(&serde_json::json!({}));
            if path == "/api/v1/me" {
                req = app.client.get(format!("{}{path}", app.base));
            }
            if let Some(h) = &header {
                req = req.header("Authorization", h);
            }
            let (status, body) = parse(req.send().await.unwrap()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} on {path}: {body}");
            assert_eq!(body["error"]["code"], code, "{what}");
        }
    }
    assert_eq!(
        app.event_count().await,
        0,
        "a refused request wrote an event"
    );
}
