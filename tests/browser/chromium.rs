//! What the browser tests and the Mini App benchmark share: where Chromium
//! is, how it is started, whether its sandbox can run, and the colours a
//! Telegram client hands a Mini App. It depends on neither, so both include it.

use chromiumoxide::browser::BrowserConfigBuilder;
use chromiumoxide::BrowserConfig;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Headless Chromium at `executable` with its profile in `profile`: no
/// window size of its own (each tab sets one), sandboxed unless we are root.
pub fn config(executable: PathBuf, profile: &Path) -> BrowserConfigBuilder {
    let config = BrowserConfig::builder()
        .chrome_executable(executable)
        .user_data_dir(profile)
        .viewport(None)
        .launch_timeout(Duration::from_secs(30))
        .args([
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
        ]);
    if running_as_root() {
        config.no_sandbox()
    } else {
        config
    }
}

/// Chromium's path: `$CHROMIUM`, else Debian's; `Err` with the path looked
/// at when nothing is there.
pub fn path() -> Result<PathBuf, PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        Ok(path)
    } else {
        Err(path)
    }
}

/// Chromium's sandbox cannot run as root.
pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// `themeParams` as a Telegram client sends them, in its dark or light scheme.
pub fn theme_params(dark: bool) -> Value {
    if dark {
        json!({
            "bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa",
            "link_color": "#8774e1", "button_color": "#8774e1", "button_text_color": "#ffffff",
            "secondary_bg_color": "#0f0f0f", "header_bg_color": "#212121",
            "bottom_bar_bg_color": "#212121", "accent_text_color": "#8774e1",
            "section_bg_color": "#212121", "section_header_text_color": "#aaaaaa",
            "section_separator_color": "#000000", "subtitle_text_color": "#aaaaaa",
            "destructive_text_color": "#e53935"
        })
    } else {
        json!({
            "bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999",
            "link_color": "#2481cc", "button_color": "#2481cc", "button_text_color": "#ffffff",
            "secondary_bg_color": "#efeff3", "header_bg_color": "#ffffff",
            "bottom_bar_bg_color": "#ffffff", "accent_text_color": "#2481cc",
            "section_bg_color": "#ffffff", "section_header_text_color": "#6d6d72",
            "section_separator_color": "#e7e7e7", "subtitle_text_color": "#999999",
            "destructive_text_color": "#ff3b30"
        })
    }
}
