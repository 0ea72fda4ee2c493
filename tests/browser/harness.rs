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
use chromiumoxide::cdp::browser_protocol::network::{
    BlockPattern, EnableParams, SetBlockedUrLsParams,
};
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::{Browser, BrowserConfig, Element, Page};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a condition may take before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// How often a condition is looked at while waiting for it.
const LOOK_EVERY: Duration = Duration::from_millis(25);

/// The stand-in for Telegram's script (see `telegram.js`).
const STAND_IN: &str = include_str!("telegram.js");

/// A server on a fresh database and a headless Chromium, for one test.
pub struct Harness {
    pub app: TestApp,
    _db: TestDb,
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    profile: PathBuf,
    /// The test's name, the first part of its screenshots' names.
    test: String,
}

/// Chromium's path: `$CHROMIUM`, else Debian's.
fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "Chromium is missing at {}: the browser tests need it. Install it (Debian: apt-get install chromium; `make test` does it when run as root) or set CHROMIUM=/path/to/chromium.",
        path.display()
    );
    path
}

/// Chromium's sandbox cannot run as root.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

impl Harness {
    /// Starts the server (SQLite, the demo menu, a fake Bot API) and Chromium.
    pub async fn start(test: &str) -> Harness {
        let db = TestDb::new(crate::helpers::Store::Sqlite).await;
        let app = TestApp::spawn(&db).await;
        let profile = std::env::temp_dir().join(format!(
            "foodbot-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let mut config = BrowserConfig::builder()
            .chrome_executable(chromium())
            .user_data_dir(&profile)
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            .args([
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
            ]);
        if running_as_root() {
            config = config.no_sandbox();
        }
        let (browser, mut events) =
            Browser::launch(config.build().expect("a browser configuration"))
                .await
                .expect("Chromium starts");
        // The protocol's messages are handled for as long as the browser lives.
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
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

    /// The same at another path of the server (the demo console's, say).
    pub async fn open_at(&self, path: &str, how: &Open) -> Screen {
        let page = self
            .browser
            .new_page("about:blank")
            .await
            .expect("a new tab");
        page.execute(EnableParams::default())
            .await
            .expect("network events");
        let blocked = SetBlockedUrLsParams::builder()
            .url_pattern(BlockPattern::new("*://telegram.org/*", true))
            .url_pattern(BlockPattern::new("*://*.telegram.org/*", true))
            .build();
        page.execute(blocked).await.expect("telegram.org blocked");
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
        let _ = std::fs::remove_dir_all(profile);
    }
}

/// One tab showing the app.
pub struct Screen {
    pub page: Page,
    test: String,
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
            assert!(
                start.elapsed() < DEADLINE,
                "{} never became true: {expression}",
                self.test
            );
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    /// Waits for an element matching `selector` that is shown (has a box).
    pub async fn wait_for(&self, selector: &str) -> Element {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_until(&format!(
            "(() => {{ const e = document.querySelector({sel}); return e && e.getClientRects().length > 0; }})()"
        ))
        .await;
        self.page
            .find_element(selector)
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    /// Waits until no element matches `selector`.
    pub async fn wait_gone(&self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_until(&format!("!document.querySelector({sel})"))
            .await;
    }

    /// Clicks the element matching `selector` with the mouse, once it is shown.
    pub async fn click(&self, selector: &str) {
        let element = self.wait_for(selector).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// Types `text` into the field matching `selector` (after what it holds),
    /// key by key.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let element = self.wait_for(selector).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("focus {selector}: {e}"));
        element
            .type_str(text)
            .await
            .unwrap_or_else(|e| panic!("type into {selector}: {e}"));
    }

    /// Empties the field matching `selector`, then types `text` into it.
    pub async fn fill(&self, selector: &str, text: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait_for(selector).await;
        self.eval::<Value>(&format!(
            "(() => {{ const e = document.querySelector({sel}); e.value = ''; e.dispatchEvent(new Event('input', {{bubbles: true}})); return null; }})()"
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

    /// Saves a screenshot of the whole page as
    /// `target/screenshots/<test>-<screen>.png` and returns its path.
    pub async fn screenshot(&self, screen: &str) -> PathBuf {
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{screen}.png", self.test));
        let png = self
            .page
            .screenshot(ScreenshotParams::builder().full_page(true).build())
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

    /// The page's runtime errors, unhandled rejections and CSP violations.
    pub async fn errors(&self) -> Vec<Value> {
        self.eval("window.__tg.errors").await
    }

    /// Presses Telegram's main button (what the app registered with `onClick`).
    pub async fn press_main_button(&self) {
        self.eval::<Value>("(window.__tg.pressMainButton(), null)")
            .await;
    }

    /// Presses Telegram's back button.
    pub async fn press_back_button(&self) {
        self.eval::<Value>("(window.__tg.pressBackButton(), null)")
            .await;
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
