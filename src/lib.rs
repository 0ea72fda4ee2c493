//! foodbot server library.
pub mod telegram;
