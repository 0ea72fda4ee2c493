//! The Mini App's files at `/app/`: content types, precompressed bodies,
//! cache headers that let a new release through at once, the page's
//! security headers, the texts as JSON, and paths that name no file.

use crate::helpers::*;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Read;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::both_stores!(@postgres_only
    the_page_is_revalidated_and_carries_its_policy,
    files_are_precompressed_and_kept_for_good_under_their_release,
    paths_outside_the_release_are_redirected_or_not_found,
    no_path_reaches_outside_the_app,
    the_texts_are_served_per_language_with_their_direction,
    the_root_leads_to_the_app_with_a_bot_and_is_the_console_in_the_demo,
    the_menu_answer_is_compressed_for_clients_that_accept_it,
);

/// A client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = client().get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

/// This release's folder, as the page names it (`v/<release>`).
async fn release(app: &TestApp) -> String {
    let (_, _, page) = get(app, "/app/", &[]).await;
    let page = String::from_utf8(page).unwrap();
    let at = page.find("v/").expect("the page names its release");
    page[at..at + 18].to_string()
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The data the page brings for the menu screen (`{"menu", "catalog"}`).
pub(crate) fn boot_data(page: &str) -> Value {
    let start = "<script type=\"application/json\" id=\"boot-data\">";
    let at = page.find(start).expect("the page brings its data") + start.len();
    let end = page[at..].find("</script>").unwrap() + at;
    serde_json::from_str(&page[at..end]).unwrap()
}

/// The data of the page `/app/` as the app's server answers it now.
pub(crate) async fn page_data(app: &TestApp) -> Value {
    let (status, _, page) = get(app, "/app/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    boot_data(&String::from_utf8(page).unwrap())
}

fn on_disk(file: &str) -> Vec<u8> {
    std::fs::read(format!("webapp/{file}")).unwrap()
}

async fn the_page_is_revalidated_and_carries_its_policy(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, h, body) = get(&app, "/app/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&h, "cache-control"), "no-cache");
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    assert!(!header(&h, "referrer-policy").is_empty());
    let csp = header(&h, "content-security-policy");
    for directive in [
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    let ancestors = csp
        .split(';')
        .find(|d| d.trim().starts_with("frame-ancestors"))
        .unwrap();
    for source in [
        "'self'",
        "https://web.telegram.org",
        "https://*.telegram.org",
    ] {
        assert!(ancestors.contains(source), "{ancestors}");
    }
    // The template's placeholders became the release's folder, the
    // stylesheet (allowed by its hash) and the data the menu screen needs.
    let page = String::from_utf8(body).unwrap();
    let v = release(&app).await;
    assert!(!page.contains("{{V}}") && !page.contains("{{CSS}}") && !page.contains("{{BOOT}}"));
    assert!(page.contains(&format!("{v}/app.js")));
    let css = String::from_utf8(on_disk("app.css")).unwrap();
    let style_hash = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css.as_bytes()))
    };
    assert!(
        csp.contains(&format!("style-src 'self' 'sha256-{style_hash}'")),
        "{csp}"
    );
    let data = boot_data(&page);
    let (_, _, menu) = get(&app, "/api/v1/menu", &[]).await;
    assert_eq!(
        data["menu"],
        serde_json::from_slice::<Value>(&menu).unwrap()
    );
    let (_, _, catalog) = get(&app, "/app/i18n/en.json", &[]).await;
    assert_eq!(
        data["catalog"],
        serde_json::from_slice::<Value>(&catalog).unwrap()
    );
    let block = page
        .find("<script type=\"application/json\" id=\"boot-data\">")
        .map(|at| &page[at..])
        .and_then(|rest| {
            rest.find("</script>")
                .map(|end| &rest[..end + "</script>".len()])
        })
        .unwrap();
    assert_eq!(
        page.replace(block, "{{BOOT}}"),
        String::from_utf8(on_disk("index.html"))
            .unwrap()
            .replace("{{V}}", &v)
            .replace("{{CSS}}", &css)
    );
    assert_eq!(header(&h, "vary"), "accept-encoding, accept-language");
    // The catalog in the page is the language the browser prefers.
    let (_, _, de) = get(
        &app,
        "/app/",
        &[("accept-language", "de-AT,de;q=0.9,en;q=0.5")],
    )
    .await;
    let de = boot_data(&String::from_utf8(de).unwrap());
    assert_eq!(de["catalog"]["lang"], "de");
    assert_eq!(de["menu"], data["menu"]);

    // Revalidation: the same page is 304 without a body, in any encoding.
    let etag = header(&h, "etag").to_string();
    assert!(etag.starts_with('"'), "{etag}");
    let (status, h2, body) = get(&app, "/app/", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&h2, "cache-control"), "no-cache");
    let (_, br, _) = get(&app, "/app/", &[("accept-encoding", "br")]).await;
    let br_tag = header(&br, "etag").to_string();
    assert_ne!(br_tag, etag, "each encoding has its own tag");
    let (status, _, _) = get(&app, "/app/", &[("if-none-match", &br_tag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, _) = get(&app, "/app/", &[("if-none-match", "\"other\"")]).await;
    assert_eq!(status, StatusCode::OK);

    let (status, h, _) = get(&app, "/app", &[]).await;
    assert!(status.is_redirection());
    assert_eq!(header(&h, "location"), "/app/");
    let (status, h, _) = get(&app, "/app/index.html", &[]).await;
    assert!(status.is_redirection());
    assert_eq!(header(&h, "location"), "/app/");
}

async fn files_are_precompressed_and_kept_for_good_under_their_release(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let v = release(&app).await;
    for (file, content_type) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
    ] {
        let raw = on_disk(file);
        let path = format!("/app/{v}/{file}");
        for (accept, coding) in [
            (None, ""),
            (Some("gzip"), "gzip"),
            (Some("gzip, deflate, br, zstd"), "br"),
            (Some("br;q=0.1, gzip;q=0.9"), "gzip"),
            (Some("identity"), ""),
        ] {
            let headers: Vec<(&str, &str)> =
                accept.map(|a| ("accept-encoding", a)).into_iter().collect();
            let (status, h, body) = get(&app, &path, &headers).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(header(&h, "content-type"), content_type);
            assert_eq!(header(&h, "content-encoding"), coding, "{path} {accept:?}");
            assert_eq!(
                header(&h, "cache-control"),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(header(&h, "vary").to_ascii_lowercase(), "accept-encoding");
            assert_eq!(header(&h, "x-content-type-options"), "nosniff");
            let plain = match coding {
                "gzip" => gunzip(&body),
                "br" => unbrotli(&body),
                _ => body.clone(),
            };
            assert_eq!(plain, raw, "{path} in {coding:?} is the file");
            if !coding.is_empty() {
                assert!(body.len() < raw.len(), "{path} in {coding} is smaller");
            }
            let etag = header(&h, "etag").to_string();
            let (status, _, body) = get(&app, &path, &[("if-none-match", &etag)]).await;
            assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
        }
    }
}

/// The menu, the app's largest answer, comes compressed when the client takes
/// it so, and as it is otherwise: the same JSON every way.
async fn the_menu_answer_is_compressed_for_clients_that_accept_it(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, h, plain) = get(&app, "/api/v1/menu", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "application/json");
    assert_eq!(header(&h, "content-encoding"), "");
    let menu: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert!(menu["items"].as_array().is_some_and(|i| !i.is_empty()));
    for (accept, coding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let (status, h, body) = get(&app, "/api/v1/menu", &[("accept-encoding", accept)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&h, "content-type"), "application/json");
        assert_eq!(header(&h, "content-encoding"), coding, "{accept}");
        assert_eq!(header(&h, "vary").to_ascii_lowercase(), "accept-encoding");
        assert!(
            body.len() * 3 < plain.len(),
            "{coding}: {} of {}",
            body.len(),
            plain.len()
        );
        let unpacked = if coding == "br" {
            unbrotli(&body)
        } else {
            gunzip(&body)
        };
        assert_eq!(unpacked, plain, "the menu in {coding} is the same JSON");
    }
}

async fn paths_outside_the_release_are_redirected_or_not_found(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let v = release(&app).await;
    // A file of this release elsewhere goes to its place in this release.
    for path in [
        "/app/app.js",
        "/app/v/0000000000000000/app.js",
        "/app/v/old/app.css",
    ] {
        let (status, h, _) = get(&app, path, &[]).await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{path}");
        let file = path.rsplit('/').next().unwrap();
        assert_eq!(header(&h, "location"), format!("/app/{v}/{file}"));
        assert_eq!(header(&h, "cache-control"), "no-store");
    }
    // Anything else is a JSON 404.
    for path in [
        format!("/app/{v}/nothing.js"),
        "/app/nothing.js".to_string(),
        format!("/app/{v}/"),
        format!("/app/{v}/.hidden"),
        "/app/v/".to_string(),
        "/app/i18n/xx.json".to_string(),
    ] {
        let (status, h, body) = get(&app, &path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(header(&h, "content-type").starts_with("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "not_found");
    }
}

/// Sends `path` as it is (an HTTP client would resolve the dots first) and
/// returns the status.
async fn raw_status(app: &TestApp, path: &str) -> u16 {
    let addr = app.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

async fn no_path_reaches_outside_the_app(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let v = release(&app).await;
    for path in [
        "/app/../Cargo.toml".to_string(),
        "/app/v/x/../../Cargo.toml".to_string(),
        format!("/app/{v}/../../../Cargo.toml"),
        format!("/app/{v}/..%2f..%2fCargo.toml"),
        "/app/%2e%2e/%2e%2e/Cargo.toml".to_string(),
        "/app/..%5c..%5cCargo.toml".to_string(),
        format!("/app/{v}/%00app.js"),
        "/app/./app.js".to_string(),
        "/app//etc/passwd".to_string(),
    ] {
        let status = raw_status(&app, &path).await;
        assert!((400..500).contains(&status), "{path}: {status}");
    }
}

async fn the_texts_are_served_per_language_with_their_direction(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let v = release(&app).await;
    let (status, h, body) = get(&app, "/app/i18n/ar.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "application/json");
    assert_eq!(header(&h, "cache-control"), "no-cache");
    let ar: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (ar["lang"].as_str(), ar["dir"].as_str()),
        (Some("ar"), Some("rtl"))
    );
    assert!(ar["messages"].as_object().unwrap().len() > 5);
    let etag = header(&h, "etag").to_string();
    let (status, _, _) = get(&app, "/app/i18n/ar.json", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    // Under the release, the same texts are kept for good, and compressed.
    let (status, h, body) = get(
        &app,
        &format!("/app/{v}/i18n/de.json"),
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&h, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&h, "content-encoding"), "br");
    let de: serde_json::Value = serde_json::from_slice(&unbrotli(&body)).unwrap();
    assert_eq!(
        (de["lang"].as_str(), de["dir"].as_str()),
        (Some("de"), Some("ltr"))
    );
    assert_ne!(de["messages"], ar["messages"]);
    let (status, _, _) = get(&app, &format!("/app/{v}/i18n/xx.json"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_root_leads_to_the_app_with_a_bot_and_is_the_console_in_the_demo(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    assert!(!app.state.demo);
    let (status, h, _) = get(&app, "/", &[]).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(header(&h, "location"), "/app/");
    app.stop().await;

    let demo = TestApp::spawn_with(&db, |c| c.bot_token = None).await;
    assert!(demo.state.demo);
    let (status, h, body) = get(&demo, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&h, "content-type").starts_with("text/html"));
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"chat-staff\""));
}
