//! One module per operation. Flows take parsed input and answer domain results or
//! an `ApiError`; they know the store and the mailer (through their traits), the
//! clock and the config, not HTTP. Every flow is generic over the [`Backend`], so
//! the same code runs on DynamoDB and SES and on the in-memory store and outbox.
//!
//! [`Backend`]: crate::app::Backend

pub mod account;
pub mod approve;
pub mod block;
pub mod browser;
pub mod bulk;
pub mod captcha;
pub mod create;
pub mod directory;
pub mod erasure;
pub mod headless;
pub mod login;
pub mod logout;
pub mod moderation;
pub mod oauth;
pub mod password;
pub mod profile;
pub mod recovery;
pub mod register;
pub mod session;
pub mod throttle;
pub mod tokens;
