//! The demo console: the offline demo's front page, for a desktop browser.
//!
//! It shows the Mini App in a phone-sized frame (`/app/`, logged in with a
//! freshly signed demo initData) beside the customer's chat with the bot and
//! the staff group's chat, as the in-process fake Bot API holds them: type
//! to the bot, press buttons (in the staff chat as the demo member of
//! staff), pay invoices with a test payment form. Everything it does goes
//! through the routes of [`super`] and the Mini App API, so through the real
//! pipeline.
//!
//! Its files (`webapp/console/`, not part of the Mini App's own files) are
//! embedded in the binary: `GET /` is the page (routed with the Mini App's
//! routes, `crate::http::webapp`, which answer `/` with [`page`] in demo
//! mode), `GET /console/<file>` its script modules and style sheet. The page
//! carries a strict Content-Security-Policy: scripts and styles only from
//! these files, frames only from this server. All of it exists only in
//! offline demo mode; with a real bot `/` leads to the Mini App.

use axum::extract::Path;
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The console page's policy: nothing inline, everything from this server;
/// the page itself may not be framed.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; \
object-src 'none'; base-uri 'none'; form-action 'none'";

const PAGE: &str = include_str!("../../../webapp/console/console.html");

/// The page's files: name, content type, body.
const FILES: &[(&str, &str, &str)] = &[
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../webapp/console/console.js"),
    ),
    (
        "chat.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../webapp/console/chat.js"),
    ),
    (
        "pay.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../webapp/console/pay.js"),
    ),
    (
        "dom.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../webapp/console/dom.js"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        include_str!("../../../webapp/console/console.css"),
    ),
];

/// `GET /console/{file}`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/console/{file}", get(file))
}

/// The console page, with its security headers: what `GET /` answers in
/// offline demo mode (`crate::http::webapp`).
pub fn page() -> Response {
    let mut res = served("text/html; charset=utf-8", PAGE);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}

async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => served(kind, body),
        None => {
            super::Refusal::new(StatusCode::NOT_FOUND, "not_found", "no such file").into_response()
        }
    }
}

fn served(kind: &'static str, body: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The demo is a development tool: a changed file is seen on reload.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}
