//! First menu render: headless Chromium opens the Mini App as a signed-in customer on a
//! slow phone, and the page's own clock says when the first menu item was drawn.
//!
//! Each page load is a first visit: a new browser context (no cookies, no cache, no
//! open connections) with the cache disabled (`Network.setCacheDisabled`), a customer
//! the server has not seen, 4× CPU slowdown (`Emulation.setCPUThrottlingRate`) and
//! DevTools' "Fast 3G" profile (`Network.emulateNetworkConditions`: 562.5 ms latency,
//! 180,000 B/s down, 84,375 B/s up) on a 390 × 844 phone screen. Telegram's
//! `telegram-web-app.js` is blocked and the browser tests' stand-in
//! (`tests/browser/telegram.js`) is installed before any script of the page runs, as
//! the Telegram client would have its script at hand.
//!
//! A script installed the same way watches the document (a `MutationObserver`): when
//! the first menu item (`article[data-testid^="menu-item-"]`) is in it, it notes
//! `performance.now()` (milliseconds since the navigation started), then the next
//! animation frame, then the task after that frame, by which the frame that draws the
//! item has been produced. That last moment is the figure.

use crate::stats::verdict;
use crate::{init_data, setting};
use anyhow::{bail, Context, Result};
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetCpuThrottlingRateParams, SetDeviceMetricsOverrideParams,
};
#[allow(deprecated)]
use chromiumoxide::cdp::browser_protocol::network::EmulateNetworkConditionsParams;
use chromiumoxide::cdp::browser_protocol::network::{
    BlockPattern, EnableParams, SetBlockedUrLsParams, SetCacheDisabledParams,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::{Browser, Page};
use futures::StreamExt;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// The target for the median first render, in milliseconds.
const TARGET_MS: f64 = 2_000.0;
/// DevTools' "Fast 3G": 1.6 Mbps × 0.9 down, 750 kbps × 0.9 up, 150 ms × 3.75 latency.
const LATENCY_MS: f64 = 562.5;
const DOWN_BYTES_PER_SEC: f64 = 180_000.0;
const UP_BYTES_PER_SEC: f64 = 84_375.0;
const CPU_SLOWDOWN: f64 = 4.0;
/// How long one page load may take before the run fails.
const DEADLINE: Duration = Duration::from_secs(60);
/// The first customer's Telegram id; each load is another, new customer.
const FIRST_CUSTOMER: i64 = 8_000_000;

/// The stand-in for Telegram's script the browser tests use; `__CONFIG__` is its settings.
const STAND_IN: &str = include_str!("../../tests/browser/telegram.js");

/// Notes when the first menu item is in the document and drawn (see the module
/// documentation); `window.__firstMenuItem.done` resolves with the times, or with the
/// error screen's reason if the app shows that instead.
const PROBE: &str = r#"(() => {
  const found = (window.__firstMenuItem = {});
  found.done = new Promise((resolve) => {
    const look = () => {
      if (found.inserted !== undefined) return;
      const error = document.querySelector('[data-testid="screen-error"]');
      if (error) {
        observer.disconnect();
        resolve({ error: error.dataset.reason || "error" });
        return;
      }
      const item = document.querySelector('article[data-testid^="menu-item-"]');
      if (!item) return;
      found.inserted = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => {
        const frame = performance.now();
        const after = new MessageChannel();
        after.port1.onmessage = () => resolve({
          inserted: found.inserted, frame, painted: performance.now(),
          item: item.dataset.id, shown: item.getClientRects().length > 0,
        });
        after.port2.postMessage(null);
      });
    };
    const observer = new MutationObserver(look);
    observer.observe(document, { childList: true, subtree: true });
  });
})();"#;

/// What the page's performance timeline says, read after the render.
const TIMINGS: &str = r#"(() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {
    response_end: n.responseEnd,
    dom_content_loaded: n.domContentLoadedEventEnd,
    resources: performance.getEntriesByType("resource").map((r) => ({
      name: r.name, start: r.startTime, end: r.responseEnd, bytes: r.transferSize,
    })),
    marks: performance.getEntriesByType("mark").map((m) => ({ name: m.name, at: m.startTime })),
  };
})()"#;

#[derive(Deserialize)]
struct Drawn {
    error: Option<String>,
    #[serde(default)]
    inserted: f64,
    #[serde(default)]
    frame: f64,
    #[serde(default)]
    painted: f64,
    #[serde(default)]
    item: String,
    #[serde(default)]
    shown: bool,
}

#[derive(Deserialize)]
struct Resource {
    name: String,
    start: f64,
    end: f64,
    bytes: f64,
}

/// A mark the app put on the page's performance timeline.
#[derive(Deserialize)]
struct Mark {
    name: String,
    at: f64,
}

#[derive(Deserialize)]
struct Timings {
    response_end: f64,
    dom_content_loaded: f64,
    resources: Vec<Resource>,
    #[serde(default)]
    marks: Vec<Mark>,
}

/// One page load's figures, in milliseconds since its navigation started.
struct Load {
    inserted: f64,
    frame: f64,
    painted: f64,
    item: String,
    timings: Timings,
}

pub(crate) struct Renders {
    chromium: String,
    loads: Vec<Load>,
}

/// Chromium's path, or why the part cannot run.
fn chromium() -> Result<PathBuf> {
    crate::chromium::path().map_err(|path| {
        anyhow::anyhow!(
            "Chromium is missing at {}: the render part needs it. Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM=/path/to/chromium, or leave the part out with BENCH_WEBAPP_PARTS=shell,streams.",
            path.display()
        )
    })
}

/// Headless Chromium with a profile of its own; closed and its profile removed when
/// dropped or [`Chromium::close`]d.
struct Chromium {
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    profile: PathBuf,
}

impl Chromium {
    async fn launch() -> Result<Chromium> {
        let profile = std::env::temp_dir().join(format!(
            "foodbot-bench-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let config = crate::chromium::config(chromium()?, &profile)
            .build()
            .map_err(anyhow::Error::msg)?;
        let (browser, mut events) = Browser::launch(config).await?;
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
        Ok(Chromium {
            browser,
            handler,
            profile,
        })
    }

    async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.handler.abort();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A phone on a slow network with a slow CPU, on a first visit.
async fn slow_phone(page: &Page) -> Result<()> {
    page.execute(EnableParams::default()).await?;
    page.execute(SetCacheDisabledParams::new(true)).await?;
    let blocked = SetBlockedUrLsParams::builder()
        .url_pattern(BlockPattern::new("*://telegram.org/*", true))
        .url_pattern(BlockPattern::new("*://*.telegram.org/*", true))
        .build();
    page.execute(blocked).await?;
    #[allow(deprecated)]
    let network = EmulateNetworkConditionsParams::builder()
        .offline(false)
        .latency(LATENCY_MS)
        .download_throughput(DOWN_BYTES_PER_SEC)
        .upload_throughput(UP_BYTES_PER_SEC)
        .build()
        .map_err(anyhow::Error::msg)?;
    page.execute(network).await?;
    page.execute(SetCpuThrottlingRateParams::new(CPU_SLOWDOWN))
        .await?;
    page.execute(SetDeviceMetricsOverrideParams::new(390, 844, 2.0, true))
        .await?;
    Ok(())
}

/// The stand-in for Telegram with customer `who`'s signed initData.
fn telegram(who: i64) -> (String, String) {
    let (raw, unsafe_data) = init_data(who);
    let config = serde_json::json!({
        "initData": raw,
        "initDataUnsafe": unsafe_data,
        "colorScheme": "light",
        "themeParams": crate::chromium::theme_params(false),
        "platform": "android",
        "version": "8.0",
    });
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    // As Telegram opens a Mini App: its data in the URL's fragment too.
    let fragment = format!(
        "tgWebAppData={}&tgWebAppVersion=8.0&tgWebAppPlatform=android",
        encode(&raw)
    );
    (
        STAND_IN.replace("__CONFIG__", &config.to_string()),
        fragment,
    )
}

/// One first visit of `/app/` by customer `who`.
async fn load(chromium: &Chromium, base: &str, who: i64) -> Result<Load> {
    let browser = &chromium.browser;
    let context = browser
        .create_browser_context(CreateBrowserContextParams::default())
        .await?;
    let target = CreateTargetParams::builder()
        .url("about:blank")
        .browser_context_id(context.clone())
        .build()
        .map_err(anyhow::Error::msg)?;
    let page = browser.new_page(target).await?;
    let measured = async {
        slow_phone(&page).await?;
        let (stand_in, fragment) = telegram(who);
        page.evaluate_on_new_document(stand_in).await?;
        page.evaluate_on_new_document(PROBE).await?;
        page.goto(format!("{base}/app/#{fragment}")).await?;
        let drawn: Drawn = page
            .evaluate_expression("window.__firstMenuItem.done")
            .await?
            .into_value()?;
        if let Some(reason) = drawn.error {
            bail!("the app showed its error screen ({reason}) instead of the menu");
        }
        if !drawn.shown {
            bail!("the first menu item ({}) has no box", drawn.item);
        }
        let timings: Timings = page.evaluate_expression(TIMINGS).await?.into_value()?;
        anyhow::Ok(Load {
            inserted: drawn.inserted,
            frame: drawn.frame,
            painted: drawn.painted,
            item: drawn.item,
            timings,
        })
    };
    let outcome = tokio::time::timeout(DEADLINE, measured).await;
    let _ = page.close().await;
    let _ = browser.dispose_browser_context(context).await;
    outcome.with_context(|| format!("no menu within {DEADLINE:?}"))?
}

pub(crate) async fn measure(base: &str) -> Result<Renders> {
    let runs: usize = setting("BENCH_WEBAPP_RUNS", 5)?;
    anyhow::ensure!(runs > 0, "BENCH_WEBAPP_RUNS must be positive");
    let chromium = Chromium::launch().await?;
    let version = chromium.browser.version().await?.product;
    let mut loads = Vec::with_capacity(runs);
    for run in 0..runs {
        eprintln!(
            "  first menu render in Chromium, load {} of {runs}",
            run + 1
        );
        match load(&chromium, base, FIRST_CUSTOMER + run as i64).await {
            Ok(l) => loads.push(l),
            Err(e) => {
                chromium.close().await;
                return Err(e.context(format!("page load {}", run + 1)));
            }
        }
    }
    chromium.close().await;
    Ok(Renders {
        chromium: version,
        loads,
    })
}

/// `url`'s path and query, with the release's hash and long ids shortened.
fn shown(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = match path.strip_prefix("/app/v/").and_then(|p| p.split_once('/')) {
        Some((_, file)) => format!("/app/v/…/{file}"),
        None => path.to_string(),
    };
    if path.len() > 44 {
        format!(
            "{}…",
            &path[..path.char_indices().nth(43).map_or(path.len(), |(i, _)| i)]
        )
    } else {
        path
    }
}

pub(crate) fn report(r: &Renders) {
    println!(
        "\nfirst menu render: {} first visits of /app/ in headless {} (new context, cache disabled),",
        r.loads.len(),
        r.chromium
    );
    println!(
        "{CPU_SLOWDOWN}x CPU slowdown, Fast 3G ({LATENCY_MS} ms latency, {DOWN_BYTES_PER_SEC} B/s down, {UP_BYTES_PER_SEC} B/s up), 390x844 phone;"
    );
    println!("ms since navigation start, the page's own clock");
    println!("load  document  DOMContentLoaded  item in DOM  its frame  drawn");
    for (i, l) in r.loads.iter().enumerate() {
        println!(
            "{:>4}  {:>8.0}  {:>16.0}  {:>11.0}  {:>9.0}  {:>5.0}",
            i + 1,
            l.timings.response_end,
            l.timings.dom_content_loaded,
            l.inserted,
            l.frame,
            l.painted
        );
    }
    let mut order: Vec<usize> = (0..r.loads.len()).collect();
    order.sort_by(|&a, &b| r.loads[a].painted.total_cmp(&r.loads[b].painted));
    let median = &r.loads[order[order.len() / 2]];
    let worst = &r.loads[order[order.len() - 1]];
    println!(
        "median load's requests (first item drawn: {} at {:.0} ms):",
        median.item, median.painted
    );
    println!("  request                                       start    end  bytes");
    let mut requests: Vec<&Resource> = median.timings.resources.iter().collect();
    requests.sort_by(|a, b| a.start.total_cmp(&b.start));
    for q in requests {
        println!(
            "  {:<44} {:>6.0} {:>6.0} {:>6.0}",
            shown(&q.name),
            q.start,
            q.end,
            q.bytes
        );
    }
    if !median.timings.marks.is_empty() {
        let marks: Vec<String> = median
            .timings
            .marks
            .iter()
            .map(|m| format!("{} {:.0}", m.name, m.at))
            .collect();
        println!("  the app's marks: {}", marks.join(", "));
    }
    println!(
        "first menu item drawn: median {:.0} ms, worst {:.0} ms",
        median.painted, worst.painted
    );
    println!(
        "target: first menu render (median) <= {TARGET_MS:.0} ms  {:.0} ms {}",
        median.painted,
        verdict(median.painted <= TARGET_MS)
    );
}
