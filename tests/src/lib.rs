//! Test kit: a `TestApp` that drives the real handlers with API Gateway v2 events
//! against the local DynamoDB and SES stand-ins (never mocks), the SES inbox, and the
//! store contract that the DynamoDB and in-memory stores both pass.

mod app;
mod aws;
mod captcha;
mod event;
pub mod inbox;
mod logs;
mod lossy;
pub mod mail_driver;
pub mod outbox;
pub mod paths;
pub mod store_contract;

pub use app::{TestApp, TestResponse};
pub use aws::{CallCounter, moto_aws_loader};
pub use captcha::captcha_stub;
pub use event::api_gateway_event;
pub use logs::captured_logs;
pub use lossy::LossyDynamo;

use base64::Engine;

/// The password every test member registers with.
pub const PASSWORD: &str = "correct-horse-battery";

/// A table of this test run's own: moto keeps everything in memory, and its
/// transactions copy the whole table, so a small fresh one keeps runs fast.
pub fn table() -> &'static str {
    static TABLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        format!(
            "members-test-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        )
    })
}
pub const CLIENT_ID: &str = "test-client";
pub const REDIRECT_URI: &str = "https://site.example/callback";
pub const ORIGIN: &str = "https://site.example";
pub const POST_LOGOUT_URL: &str = "https://site.example/signed-out";
pub(crate) const OAUTH_CLIENTS: &str = r#"[{"clientId": "test-client",
    "redirectUris": ["https://site.example/callback"],
    "origins": ["https://site.example"],
    "postLogoutUrls": ["https://site.example/signed-out"]}]"#;

pub fn random_key() -> String {
    let bytes: Vec<u8> = (0..2)
        .flat_map(|_| uuid::Uuid::new_v4().into_bytes())
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh address per test, mixed-case to exercise normalisation.
pub fn random_email() -> String {
    format!("Member.{}@Example.com", uuid::Uuid::new_v4().simple())
}
