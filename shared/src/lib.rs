//! Members authentication: the core of every Lambda function.
//!
//! Dependencies run one way: `http` → `flows` → `store` / `mail` → `domain`,
//! with `config` and `error` at the bottom.

pub mod app;
pub mod captcha;
pub mod config;
pub mod domain;
pub mod error;
pub mod flows;
pub mod http;
pub mod https;
pub mod mail;
pub mod store;
pub mod telemetry;

pub use app::{App, LazyApp};
pub use error::ApiError;
