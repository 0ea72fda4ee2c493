//! Telegram-specific edges: Mini App initData validation, outgoing Bot API calls, and a fake
//! Bot API server for tests and the offline demo.
pub mod api;
pub mod fake;
pub mod init_data;
