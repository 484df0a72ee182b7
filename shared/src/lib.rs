//! Members authentication: the core of every Lambda function.
//!
//! Dependencies run one way: `http` → `flows` → `store` / `mail` → `domain`, with
//! `config`, `clock`, `escape` and `error` at the bottom. `app` ties a config, a
//! clock and a backend (DynamoDB and SES, or the in-memory store and outbox) together.
//!
//! Each function (`functions/*/src/main.rs`) runs on a single-threaded tokio runtime: a
//! Lambda instance serves one event at a time, so worker threads would only add start-up
//! time and cross-thread wake-ups (BENCHMARKS.md, "Tuning"); argon2 still runs on tokio's
//! blocking pool, off the event loop.

pub mod app;
pub mod captcha;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod escape;
pub mod flows;
pub mod http;
pub mod https;
pub mod mail;
pub mod store;
pub mod telemetry;
pub mod ui;

pub use app::{App, LazyApp};
pub use clock::Clock;
pub use error::ApiError;
