//! The browser harness: the real server on port 0, Debian's headless
//! Chromium driven over the DevTools protocol (chromiumoxide), and a
//! stand-in for Telegram's `window.Telegram.WebApp` (`telegram.js`) installed
//! before any script of the page runs, which records every call.
//!
//! A test starts a [`Harness`] (one server, one browser), opens the app as a
//! user with [`Harness::open`] and drives the returned [`Screen`]: wait for a
//! CSS selector, click, type, read text, look at the recorded Telegram calls,
//! take screenshots (`target/screenshots/<test>-<screen>.png`). Requests to
//! telegram.org are blocked: the app must take a present `window.Telegram`
//! as the platform. Chromium is `$CHROMIUM`, else `/usr/bin/chromium`.

use crate::helpers::{TestApp, TestDb};
pub use crate::opening::Open;
use chromiumoxide::cdp::browser_protocol::emulation::{
    MediaFeature, SetDeviceMetricsOverrideParams,
};
use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
use chromiumoxide::cdp::browser_protocol::network::{
    BlockPattern, EnableParams, EventRequestWillBeSent, EventResponseReceived, SetBlockedUrLsParams,
};
use chromiumoxide::cdp::browser_protocol::page::Viewport;
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::{Browser, Element, Page};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a condition may take before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// How often a condition is looked at while waiting for it.
const LOOK_EVERY: Duration = Duration::from_millis(25);

/// The stand-in for Telegram's script (see `telegram.js`).
const STAND_IN: &str = include_str!("telegram.js");

/// Chromium's profile directory, removed when dropped.
struct Profile(PathBuf);

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a page without the stand-in runs first in every frame: its errors,
/// unhandled rejections and CSP violations kept in `window.__errors`.
const ERRORS: &str = r#"(() => {
  const errors = (window.__errors = []);
  addEventListener("error", (e) => errors.push({ kind: "error", message: String(e.message), source: String(e.filename || "") }));
  addEventListener("unhandledrejection", (e) => errors.push({ kind: "rejection", message: String(e.reason && (e.reason.stack || e.reason)) }));
  document.addEventListener("securitypolicyviolation", (e) => errors.push({ kind: "csp", message: `${e.violatedDirective} blocked ${e.blockedURI}` }));
})();"#;

/// A server on a fresh database and a headless Chromium, for one test.
pub struct Harness {
    pub app: TestApp,
    _db: TestDb,
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    /// After the browser: dropped once it is gone, also when a test fails.
    profile: Profile,
    /// The test's name, the first part of its screenshots' names.
    test: String,
}

/// Chromium's path, or the test fails saying how to get it.
fn chromium() -> PathBuf {
    crate::chromium::path().unwrap_or_else(|path| {
        panic!(
            "Chromium is missing at {}: the browser tests need it. Install it (Debian: apt-get install chromium; `make test` does it when run as root) or set CHROMIUM=/path/to/chromium.",
            path.display()
        )
    })
}

/// Starts headless Chromium with its profile in `profile`, and the task that
/// handles its protocol's messages for as long as it lives.
async fn launch(profile: &std::path::Path) -> (Browser, tokio::task::JoinHandle<()>) {
    let config = crate::chromium::config(chromium(), profile);
    let (browser, mut events) = Browser::launch(config.build().expect("a browser configuration"))
        .await
        .expect("Chromium starts");
    let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
    (browser, handler)
}

impl Harness {
    /// Starts the server (SQLite, the demo menu, a fake Bot API) and Chromium.
    pub async fn start(test: &str) -> Harness {
        Harness::start_with(test, |_| {}).await
    }

    /// The same, with the server's settings changed by `configure` (a
    /// payment provider, a staff chat, …).
    pub async fn start_with(
        test: &str,
        configure: impl FnOnce(&mut foodbot::config::Config),
    ) -> Harness {
        let db = TestDb::new(crate::helpers::Store::Sqlite).await;
        let profile = Profile(std::env::temp_dir().join(format!(
            "foodbot-chromium-{}",
            uuid::Uuid::new_v4().simple()
        )));
        // The server and the browser start side by side.
        let (app, (browser, handler)) =
            tokio::join!(TestApp::spawn_with(&db, configure), launch(&profile.0));
        Harness {
            app,
            _db: db,
            browser,
            handler,
            profile,
            test: test.into(),
        }
    }

    /// Opens the Mini App at `/app/` as `how` says, in a new tab, and waits
    /// until the page has loaded.
    pub async fn open(&self, how: &Open) -> Screen {
        self.open_at("/app/", how).await
    }

    /// A new tab whose requests are recorded and that cannot reach telegram.org.
    async fn tab(&self) -> (Page, Arc<Mutex<Vec<Request>>>) {
        let page = self
            .browser
            .new_page("about:blank")
            .await
            .expect("a new tab");
        page.execute(EnableParams::default())
            .await
            .expect("network events");
        let requests = Arc::new(Mutex::new(Vec::new()));
        record_requests(&page, requests.clone()).await;
        let blocked = SetBlockedUrLsParams::builder()
            .url_pattern(BlockPattern::new("*://telegram.org/*", true))
            .url_pattern(BlockPattern::new("*://*.telegram.org/*", true))
            .build();
        page.execute(blocked).await.expect("telegram.org blocked");
        (page, requests)
    }

    /// Opens `path` as a desktop browser of `width`×`height` would, without
    /// the Telegram stand-in: the offline demo's console, whose frame is the
    /// Mini App on its own. Errors, unhandled rejections and CSP violations
    /// of every frame are kept in that frame's `window.__errors`.
    pub async fn open_desktop(&self, path: &str, width: u32, height: u32) -> Screen {
        let (page, requests) = self.tab().await;
        page.execute(SetDeviceMetricsOverrideParams::new(
            width as i64,
            height as i64,
            1.0,
            false,
        ))
        .await
        .expect("a desktop's viewport");
        page.evaluate_on_new_document(ERRORS)
            .await
            .expect("the error recorder");
        page.goto(format!("{}{path}", self.app.base))
            .await
            .expect("the page loads");
        Screen {
            page,
            test: self.test.clone(),
            requests,
        }
    }

    /// The same at another path of the server (the demo console's, say).
    pub async fn open_at(&self, path: &str, how: &Open) -> Screen {
        let (page, requests) = self.tab().await;
        let (width, height) = how.viewport;
        page.execute(SetDeviceMetricsOverrideParams::new(
            width as i64,
            height as i64,
            2.0,
            true,
        ))
        .await
        .expect("a phone's viewport");
        page.emulate_media_features(vec![MediaFeature::new(
            "prefers-color-scheme",
            how.theme.name(),
        )])
        .await
        .expect("the colour scheme");

        let (init_data, unsafe_data) = how.init_data();
        let config = json!({
            "initData": init_data,
            "initDataUnsafe": unsafe_data,
            "colorScheme": how.theme.name(),
            "themeParams": how.theme.params(),
            "platform": "android",
            "version": "8.0",
        });
        let script = STAND_IN.replace("__CONFIG__", &config.to_string());
        page.evaluate_on_new_document(script)
            .await
            .expect("the Telegram stand-in");

        // As Telegram opens a Mini App: its data in the URL's fragment too.
        let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut fragment = format!(
            "tgWebAppData={}&tgWebAppVersion=8.0&tgWebAppPlatform=android&tgWebAppThemeParams={}",
            encode(&init_data),
            encode(&how.theme.params().to_string())
        );
        if let Some(p) = &how.start_param {
            fragment.push_str(&format!("&tgWebAppStartParam={}", encode(p)));
        }
        let url = format!("{}{path}#{fragment}", self.app.base);
        page.goto(url).await.expect("the app loads");
        Screen {
            page,
            test: self.test.clone(),
            requests,
        }
    }

    /// Closes the browser and stops the server.
    pub async fn close(self) {
        let Harness {
            app,
            _db,
            mut browser,
            handler,
            profile,
            ..
        } = self;
        let _ = browser.close().await;
        let _ = browser.wait().await;
        handler.abort();
        app.stop().await;
        drop(profile);
    }
}

/// One request the tab made, as the DevTools protocol saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub url: String,
    /// The answer's status, once it came.
    pub status: Option<i64>,
}

/// Follows the tab's network events into `into`, in the order requests left.
async fn record_requests(page: &Page, into: Arc<Mutex<Vec<Request>>>) {
    let mut sent = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .expect("request events");
    let mut answered = page
        .event_listener::<EventResponseReceived>()
        .await
        .expect("response events");
    tokio::spawn(async move {
        let mut by_id = std::collections::HashMap::new();
        loop {
            // A response's request was sent before it: with the requests
            // looked at first, it is always known by then.
            tokio::select! {
                biased;
                Some(e) = sent.next() => {
                    let mut list = into.lock().unwrap();
                    by_id.insert(e.request_id.inner().clone(), list.len());
                    list.push(Request {
                        method: e.request.method.clone(),
                        url: e.request.url.clone(),
                        status: None,
                    });
                }
                Some(e) = answered.next() => {
                    if let Some(&i) = by_id.get(e.request_id.inner()) {
                        into.lock().unwrap()[i].status = Some(e.response.status);
                    }
                }
                else => break,
            }
        }
    });
}

/// One tab showing the app.
pub struct Screen {
    pub page: Page,
    test: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Screen {
    /// The value of a JavaScript expression (a promise is awaited).
    pub async fn eval<T: DeserializeOwned>(&self, expression: &str) -> T {
        self.page
            .evaluate_expression(expression)
            .await
            .unwrap_or_else(|e| panic!("{expression}: {e}"))
            .into_value()
            .unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    /// Runs JavaScript statements for their effect; their value, whatever
    /// it is, is dropped.
    pub async fn run(&self, statement: &str) {
        self.page
            .evaluate_expression(format!("{{ {statement}; }} undefined"))
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }

    /// Waits until the expression is truthy, failing the test after [`DEADLINE`].
    pub async fn wait_until(&self, expression: &str) {
        let start = Instant::now();
        let check = format!("!!({expression})");
        loop {
            if let Ok(result) = self.page.evaluate_expression(check.as_str()).await {
                if result.into_value::<bool>().unwrap_or(false) {
                    return;
                }
            }
            if start.elapsed() >= DEADLINE {
                // What the page showed, for whoever reads the failure.
                let shot = self
                    .save_screenshot("failure", ScreenshotParams::builder().build())
                    .await;
                let text: String = self
                    .page
                    .evaluate_expression("document.body.innerText")
                    .await
                    .ok()
                    .and_then(|r| r.into_value().ok())
                    .unwrap_or_default();
                panic!(
                    "{} never became true: {expression}\nscreenshot: {}\npage text:\n{text}",
                    self.test,
                    shot.display()
                );
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    /// Waits for an element matching `selector` that is shown (has a box).
    pub async fn wait_for(&self, selector: &str) -> Element {
        let start = Instant::now();
        loop {
            self.wait_shown(selector).await;
            // The screen may have been drawn again between looking and finding.
            match self.page.find_element(selector).await {
                Ok(element) => return element,
                Err(e) if start.elapsed() >= DEADLINE => panic!("{selector}: {e}"),
                Err(_) => tokio::time::sleep(LOOK_EVERY).await,
            }
        }
    }

    async fn wait_shown(&self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_until(&format!(
            "(() => {{ const e = document.querySelector({sel}); return e && e.getClientRects().length > 0; }})()"
        ))
        .await;
    }

    /// Waits until no element matches `selector`.
    pub async fn wait_gone(&self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_until(&format!("!document.querySelector({sel})"))
            .await;
    }

    /// Waits until no animation or transition of a limited length is
    /// running (a sheet rising, a toast fading): things are where they stay.
    pub async fn settle(&self) {
        self.wait_until(
            "document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
        )
        .await;
    }

    /// Clicks the element matching `selector` with the mouse, once it is
    /// shown and nothing moves.
    pub async fn click(&self, selector: &str) {
        let start = Instant::now();
        loop {
            self.wait_shown(selector).await;
            self.settle().await;
            // An element drawn anew before the click is found again; the
            // click itself is sent once, after the element was located.
            let clicked = match self.page.find_element(selector).await {
                Ok(element) => element.click().await.map(|_| ()),
                Err(e) => Err(e),
            };
            match clicked {
                Ok(()) => return,
                Err(e) if start.elapsed() >= DEADLINE => panic!("click {selector}: {e}"),
                Err(_) => tokio::time::sleep(LOOK_EVERY).await,
            }
        }
    }

    /// Types `text` into the field matching `selector` (after what it holds),
    /// key by key where a keyboard has the key.
    pub async fn type_into(&self, selector: &str, text: &str) {
        self.click(selector).await;
        // Keys go to the focused field, whichever node it is by now.
        let element = self.wait_for(selector).await;
        // Keys for what a US keyboard has; the rest (ß, ü, Arabic) as an
        // input method enters it.
        let mut rest = text;
        while !rest.is_empty() {
            let split = rest
                .char_indices()
                .find(|(_, c)| c.is_ascii() != rest.starts_with(|f: char| f.is_ascii()))
                .map_or(rest.len(), |(i, _)| i);
            let (run, after) = rest.split_at(split);
            if run.is_ascii() {
                element
                    .type_str(run)
                    .await
                    .unwrap_or_else(|e| panic!("type into {selector}: {e}"));
            } else {
                self.page
                    .execute(InsertTextParams::new(run))
                    .await
                    .unwrap_or_else(|e| panic!("type into {selector}: {e}"));
            }
            rest = after;
        }
    }

    /// Empties the field matching `selector`, then types `text` into it.
    pub async fn fill(&self, selector: &str, text: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_for(selector).await;
        self.run(&format!(
            "const e = document.querySelector({sel}); e.value = ''; e.dispatchEvent(new Event('input', {{bubbles: true}}))"
        ))
        .await;
        self.type_into(selector, text).await;
    }

    /// The shown text of the element matching `selector`, once it is shown.
    pub async fn text(&self, selector: &str) -> String {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_for(selector).await;
        self.eval(&format!("document.querySelector({sel}).innerText"))
            .await
    }

    /// The shown texts of every element matching `selector`.
    pub async fn texts(&self, selector: &str) -> Vec<String> {
        let sel = serde_json::to_string(selector).unwrap();
        self.eval(&format!(
            "Array.from(document.querySelectorAll({sel}), e => e.innerText)"
        ))
        .await
    }

    /// Saves a screenshot of the whole page, at the phone's width and pixel
    /// ratio, as `target/screenshots/<test>-<screen>.png` and returns its path.
    /// Things fixed to the screen (a sheet, the toast) stay at its top part;
    /// [`Screen::screenshot_view`] takes what the phone shows.
    pub async fn screenshot(&self, screen: &str) -> PathBuf {
        self.settle().await;
        let metrics = self
            .page
            .layout_metrics()
            .await
            .unwrap_or_else(|e| panic!("screenshot {screen}: {e}"));
        let size = metrics.css_content_size;
        let params = ScreenshotParams::builder()
            .capture_beyond_viewport(true)
            .clip(Viewport {
                x: 0.,
                y: 0.,
                width: size.width,
                height: size.height,
                scale: 1.,
            })
            .build();
        self.save_screenshot(screen, params).await
    }

    /// Saves what the phone's screen shows, as [`Screen::screenshot`] does.
    pub async fn screenshot_view(&self, screen: &str) -> PathBuf {
        self.settle().await;
        self.save_screenshot(screen, ScreenshotParams::builder().build())
            .await
    }

    async fn save_screenshot(&self, screen: &str, params: ScreenshotParams) -> PathBuf {
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{screen}.png", self.test));
        let png = self
            .page
            .screenshot(params)
            .await
            .unwrap_or_else(|e| panic!("screenshot {screen}: {e}"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Every call the app made to the Telegram stand-in, in order:
    /// `{"method": "MainButton.setText", "args": [...]}`.
    pub async fn calls(&self) -> Vec<Value> {
        self.eval("window.__tg.calls").await
    }

    /// The calls to one method (`ready`, `MainButton.show`, `openInvoice`, …).
    pub async fn calls_to(&self, method: &str) -> Vec<Value> {
        let m = serde_json::to_string(method).unwrap();
        self.eval(&format!("window.__tg.called({m})")).await
    }

    /// Waits until the app has called `method`; its last call.
    pub async fn wait_for_call(&self, method: &str) -> Value {
        let m = serde_json::to_string(method).unwrap();
        self.wait_until(&format!("window.__tg.called({m}).length > 0"))
            .await;
        self.calls_to(method).await.pop().unwrap()
    }

    /// Every request the tab made so far (documents, scripts, API calls).
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests to the server's API (`/api/v1/…`).
    pub fn api_requests(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.url.contains("/api/v1/"))
            .collect()
    }

    /// Waits until the tab has made a request `matches` accepts and its
    /// answer came; that request.
    pub async fn wait_for_request(
        &self,
        what: &str,
        matches: impl Fn(&Request) -> bool,
    ) -> Request {
        let start = Instant::now();
        loop {
            if let Some(r) = self
                .requests()
                .into_iter()
                .find(|r| r.status.is_some() && matches(r))
            {
                return r;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{}: no answered request {what} among {:?}",
                self.test,
                self.requests()
            );
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    /// The page's runtime errors, unhandled rejections and CSP violations.
    pub async fn errors(&self) -> Vec<Value> {
        self.eval("window.__tg.errors").await
    }

    /// Presses Telegram's main button (what the app registered with `onClick`).
    pub async fn press_main_button(&self) {
        self.run("window.__tg.pressMainButton()").await;
    }

    /// Presses Telegram's back button.
    pub async fn press_back_button(&self) {
        self.run("window.__tg.pressBackButton()").await;
    }

    /// Closes the invoice the app opened with `openInvoice`, with `status`
    /// (`paid`, `cancelled`, `failed`, `pending`); false if none was open.
    pub async fn close_invoice(&self, status: &str) -> bool {
        let s = serde_json::to_string(status).unwrap();
        self.eval(&format!("window.__tg.closeInvoice({s})")).await
    }

    /// The main button as Telegram would show it: `{text, isVisible, isActive, …}`.
    pub async fn main_button(&self) -> Value {
        self.eval(
            "(({text, color, textColor, isVisible, isActive, isProgressVisible}) => ({text, color, textColor, isVisible, isActive, isProgressVisible}))(window.Telegram.WebApp.MainButton)",
        )
        .await
    }
}

/// `target/screenshots`, beside the build's other output.
pub fn screenshots_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|p| p.join("screenshots"))
        .unwrap_or_else(|| PathBuf::from("target/screenshots"))
}
