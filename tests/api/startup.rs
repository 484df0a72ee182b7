//! A function's init reads only its settings; the first request that needs the app
//! fetches the deployment secret and builds the AWS clients (`LazyApp`).

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use integration_tests::{TestApp, captured_logs, moto_aws_loader, random_email, random_key, table};
use members_auth::LazyApp;
use serde_json::json;

fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

const SITE: [(&str, &str); 3] = [
    ("OWNER_EMAIL", "owner@example.com"),
    ("APPROVAL_LINK_URL", "https://site.example/approve"),
    ("PUBLIC_BASE_URL", "https://auth.example"),
];

#[tokio::test]
async fn the_secret_is_read_on_first_use_and_a_failed_read_is_not_kept() {
    let sender = TestApp::new().await;
    let email = random_email();
    let secret_name = format!("members-test-{}", uuid::Uuid::new_v4().simple());
    // An empty setting (a template that declares every variable leaves it so) is absent:
    // the secret's value fills it in.
    let mut pairs = vec![
        ("MEMBERS_TABLE", table()),
        ("SECRETS_ARN", secret_name.as_str()),
        ("SIGNING_KEYS", ""),
    ];
    pairs.extend(SITE);
    let function = LazyApp::from_settings(settings(&pairs), moto_aws_loader)
        .unwrap_or_else(|e| panic!("nothing but the secret holds the keys, so init waits: {e}"));

    let admin_key = random_key();
    let signing_key = format!("k1:{}", random_key());
    let as_admin = |key: &str| {
        (
            json!({ "email": email }).to_string(),
            format!("Bearer {key}"),
        )
    };
    let generate = async |key: &str| {
        let (body, auth) = as_admin(key);
        sender
            .request_to(
                &function,
                "POST",
                "/backend/authentication/generate-session-token",
                &[
                    ("content-type", "application/json"),
                    ("authorization", &auth),
                ],
                Some(&body),
            )
            .await
    };

    // Routing needs no app: a stray request is answered without reading the secret.
    let stray = sender
        .request_to(&function, "GET", "/nowhere", &[], None)
        .await;
    assert_eq!(stray.status, 404, "{stray:?}");

    // The secret does not exist yet: a clean 503, and the function stays up.
    let refused = generate(&admin_key).await;
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.code(), "UNAVAILABLE");

    let secrets = aws_sdk_secretsmanager::Client::new(&moto_aws_loader().load().await);
    secrets
        .create_secret()
        .name(&secret_name)
        .secret_string(json!({ "signingKeys": signing_key, "adminKey": admin_key }).to_string())
        .send()
        .await
        .expect("moto serves Secrets Manager");

    // The next request reads it: the secret's admin key opens the privileged method,
    // and the session token is signed with the secret's key id.
    let granted = generate(&admin_key).await;
    assert_eq!(granted.status, 200, "{granted:?}");
    let token = granted.body["sessionToken"].as_str().unwrap_or_default();
    let header = token
        .strip_prefix("JWS.")
        .and_then(|jwt| jwt.split('.').next())
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .unwrap_or_default();
    assert_eq!(header["kid"], "k1", "{token}");
    assert_eq!(generate(&format!("{admin_key}x")).await.status, 403);

    let logs = captured_logs();
    for secret in [admin_key.as_str(), signing_key.as_str(), token] {
        assert!(!logs.contains(secret), "a secret reached the log");
    }
}

#[tokio::test]
async fn without_a_secret_a_missing_setting_fails_init_by_name() {
    let mut pairs = vec![("MEMBERS_TABLE", table())];
    pairs.extend(SITE);
    match LazyApp::from_settings(settings(&pairs), moto_aws_loader) {
        Ok(_) => panic!("init accepted a function without signing keys"),
        Err(err) => assert_eq!(err.name, "SIGNING_KEYS"),
    }
    let signing_keys = format!("k1:{}", random_key());
    pairs.push(("SIGNING_KEYS", &signing_keys));
    assert!(LazyApp::from_settings(settings(&pairs), moto_aws_loader).is_ok());
}
