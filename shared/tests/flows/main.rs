//! Flow tests: every flow on the in-memory store and outbox, with a clock the test
//! moves, so each expiry is tested without sleeping and the whole file runs in about a
//! second with no stack. The integration suite (`tests/api`) runs the same behaviour
//! against the local DynamoDB and SES through the real AWS SDK.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod headless;
mod members;
mod oauth;
mod recovery;
mod velo;

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use members_auth::{
    App,
    app::InMemory,
    config::Config,
    domain::{Email, Password},
    flows::login::LoginAttempt,
};

pub const PASSWORD: &str = "correct-horse-battery";
pub const CLIENT_ID: &str = "test-client";
pub const REDIRECT_URI: &str = "https://site.example/callback";

/// An app over a fresh in-memory store, with `settings` over the defaults below.
pub fn app(settings: &[(&str, &str)]) -> App<InMemory> {
    let defaults = [
        ("MEMBERS_TABLE", "members".to_string()),
        (
            "SIGNING_KEYS",
            format!("k1:{}", URL_SAFE_NO_PAD.encode([7u8; 32])),
        ),
        ("PUBLIC_BASE_URL", "https://auth.example".into()),
        ("APPROVAL_LINK_URL", "https://site.example/approve".into()),
        ("OWNER_EMAIL", "owner@example.com".into()),
        ("ARGON2_MEMORY_KIB", "8".into()),
        ("ARGON2_ITERATIONS", "1".into()),
        (
            "OAUTH_CLIENTS",
            format!(
                r#"[{{"clientId": "{CLIENT_ID}", "redirectUris": ["{REDIRECT_URI}"],
                "origins": ["https://site.example"], "postLogoutUrls": ["https://site.example/out"]}}]"#
            ),
        ),
    ];
    let lookup = |name: &str| {
        settings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| {
                defaults
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
            })
    };
    App::in_memory(Config::from_lookup(lookup).unwrap()).unwrap()
}

pub fn email() -> Email {
    Email::parse(&format!(
        "member.{}@example.com",
        uuid::Uuid::new_v4().simple()
    ))
    .unwrap()
}

pub fn new_password() -> Password {
    Password::parse_new(PASSWORD.into(), 8).unwrap()
}

pub fn attempt(email: &Email, password: &str) -> LoginAttempt {
    LoginAttempt {
        captcha: None,
        raw_email: email.as_str().to_string(),
        email: Some(email.clone()),
        password: Password::for_login(password.into()).unwrap(),
        source: "10.0.0.1".into(),
        device_token: None,
    }
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The text after `prefix` in `text`, up to the next whitespace.
pub fn after<'a>(text: &'a str, prefix: &str) -> &'a str {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {text}"))
        + prefix.len();
    text[start..].split_whitespace().next().unwrap()
}
