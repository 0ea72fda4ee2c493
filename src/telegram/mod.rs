//! Telegram-specific edges: Mini App initData validation (and, later, the bot).
pub mod init_data;
