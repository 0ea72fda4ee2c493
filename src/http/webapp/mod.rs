//! The Mini App itself, served at `/app/` from files embedded in the binary
//! (the `webapp/` folder), and `/`.
//!
//! - `GET /app/` is `index.html`, a template whose `{{V}}` placeholders become
//!   `v/<release>`: it is answered with `Cache-Control: no-cache` and an ETag
//!   (`If-None-Match` gives 304), so a new release is seen at once. The page
//!   carries what the menu screen needs to draw (`{{BOOT}}`: the menu as
//!   `GET /api/v1/menu` answers it now, and the catalog of the language
//!   `Accept-Language` prefers), so that on a slow network the menu waits for
//!   the scripts only, not for a round trip after them ([`Pages`]).
//! - Every other file is served at `/app/v/<release>/<path>` with
//!   `Cache-Control: public, max-age=31536000, immutable`. `<release>` is a
//!   hash over all the files (and the catalogs), so the path changes with any
//!   of them, and a module's relative imports stay inside its release.
//! - A file of this release asked for at any other path (unversioned, or under
//!   an older release's hash, as a page opened before an upgrade does) is
//!   redirected (307, not cached) to its path in this release. Anything that
//!   is not a file of the release (including `..` and hidden paths) is a
//!   JSON 404; nothing is ever looked up on disk by a client's path.
//! - `GET /app/i18n/{lang}.json` is the app's texts in one language
//!   (`crate::i18n::catalog_json`), `no-cache` with an ETag;
//!   `/app/v/<release>/i18n/{lang}.json` is the same, immutable. An unknown
//!   language is 404.
//! - Bodies are precompressed (brotli, gzip) and chosen by `Accept-Encoding`,
//!   with `Vary: Accept-Encoding`. The page carries a Content-Security-Policy;
//!   every answer here `X-Content-Type-Options: nosniff` and a
//!   `Referrer-Policy`.
//! - `GET /`: the demo console in offline demo mode, the app otherwise.

mod bundle;
mod encoding;
mod page;

pub use bundle::{bundle, content_type, Asset, PLACEHOLDER};
pub use page::Pages;

use super::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use encoding::Coding;

/// The page's Content-Security-Policy: scripts from the app and Telegram's
/// `telegram-web-app.js` only, everything else from the app itself (and the
/// page's own stylesheet, by its hash: `Bundle::csp`); framed only by
/// Telegram's web clients and this server (the demo console).
pub const CSP: &str = "default-src 'self'; script-src 'self' https://telegram.org; \
style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; \
object-src 'none'; base-uri 'none'; form-action 'self'";
pub const REFERRER_POLICY: &str = "same-origin";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The routes of `/` and `/app`.
pub fn routes() -> Router<AppState> {
    // Built now rather than by the first visitor.
    let _ = bundle();
    let app = Router::new()
        .route("/app", get(|| async { Redirect::permanent("/app/") }))
        .route("/app/", get(index))
        .route("/app/{*path}", get(file))
        .layer(axum::middleware::map_response(protect));
    Router::new().route("/", get(root)).merge(app)
}

/// `/`: the demo console in offline demo mode; with a real bot the app.
async fn root(State(state): State<AppState>) -> Response {
    if state.demo {
        demo_console()
    } else {
        Redirect::temporary("/app/").into_response()
    }
}

/// The offline demo's console (`crate::telegram::demo::console`).
fn demo_console() -> Response {
    crate::telegram::demo::console::page()
}

async fn protect(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY),
    );
    response
}

async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if bundle().index.is_none() {
        return ApiError::not_found().into_response();
    }
    let lang = page::language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let page = match state.app.menu_now().await {
        Ok(now) => state.pages.get(&now, &state.menu_json, lang),
        // The app asks for the menu itself.
        Err(e) => {
            tracing::warn!(error = %e, "The page goes out without the menu: the stop-list could not be read.");
            state.pages.without_menu(lang)
        }
    };
    let mut res = serve(&page, &headers, REVALIDATE);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&bundle().csp).unwrap_or(HeaderValue::from_static(CSP)),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language"),
    );
    res
}

async fn file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let b = bundle();
    if !plain(&path) {
        return ApiError::not_found().into_response();
    }
    let (versioned, rest) = match path.strip_prefix("v/").and_then(|p| p.split_once('/')) {
        Some((release, rest)) => (Some(release), rest),
        None => (None, path.as_str()),
    };
    if rest == bundle::INDEX {
        return moved("/app/");
    }
    let asset = match rest
        .strip_prefix("i18n/")
        .and_then(|f| f.strip_suffix(".json"))
    {
        Some(lang) => b.catalogs.get(lang),
        None => b.files.get(rest),
    };
    let Some(asset) = asset else {
        return ApiError::not_found().into_response();
    };
    match versioned {
        Some(release) if release == b.release => serve(asset, &headers, IMMUTABLE),
        // The catalogs are also served unversioned, revalidated each time.
        None if rest.starts_with("i18n/") => serve(asset, &headers, REVALIDATE),
        _ => moved(&format!("/app/v/{}/{rest}", b.release)),
    }
}

/// True for a path made of plain names only: no empty, `.`, `..` or hidden
/// segment, no backslash or control character.
fn plain(path: &str) -> bool {
    path.len() <= 1024
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && !segment.chars().any(|c| c == '\\' || c.is_control())
        })
}

/// A redirect browsers do not keep: where a file lives changes with releases.
fn moved(to: &str) -> Response {
    let mut res = Redirect::temporary(to).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The encoding of `asset` that `headers` ask for.
fn coding_for(asset: &Asset, headers: &HeaderMap) -> Coding {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    encoding::choose(accept, asset.br.is_some(), asset.gzip.is_some())
}

/// `asset`'s body in `coding`, with its type, encoding and `Vary`.
fn body(asset: &Asset, coding: Coding) -> Response {
    let body = match coding {
        Coding::Brotli => asset.br.clone(),
        Coding::Gzip => asset.gzip.clone(),
        Coding::Identity => None,
    }
    .unwrap_or_else(|| asset.raw.clone());
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    if let Some(c) = coding.header() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

/// `asset` in the encoding `headers` ask for (an API answer kept
/// precompressed, such as the menu), without caching headers.
pub fn compressed(asset: &Asset, headers: &HeaderMap) -> Response {
    body(asset, coding_for(asset, headers))
}

/// `asset` in the encoding `headers` ask for, or 304 if they name it already.
fn serve(asset: &Asset, headers: &HeaderMap, cache: &'static str) -> Response {
    let coding = coding_for(asset, headers);
    let etag = format!("\"{}{}\"", asset.tag, coding.tag_suffix());
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| encoding::matches(v, &asset.tag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body(asset, coding)
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn only_plain_paths_name_files() {
        assert!(plain("app.js"));
        assert!(plain("v/0123/screens/menu.js"));
        for bad in [
            "",
            "../Cargo.toml",
            "v/x/../../a",
            "a//b",
            ".env",
            "a/.git/x",
            "a\\b",
            "a/./b",
            "a\u{0}b",
        ] {
            assert!(!plain(bad), "{bad:?}");
        }
    }
}
