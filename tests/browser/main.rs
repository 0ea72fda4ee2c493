//! End-to-end tests of the Mini App in real headless Chromium, against the
//! real server on port 0 (see `harness`).

#[allow(dead_code)]
#[path = "../api/bot_helpers.rs"]
mod bot_helpers;
#[allow(dead_code)]
#[path = "../api/contract_check.rs"]
mod contract_check;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod chromium;
#[allow(dead_code)]
mod harness;
#[allow(dead_code)]
mod opening;
#[allow(dead_code)]
mod orders;

mod console;
mod deep_links;
mod pickup;
mod reorder;
mod rtl_dark;
mod screenshots;
mod smoke;
mod tampered;
mod whole_order;
