use integration_tests::{
    TestApp, captcha_stub,
    paths::{LOGIN_V2, REGISTER_V2},
    random_email,
};
use serde_json::json;

async fn captcha_app() -> TestApp {
    let url = captcha_stub().await;
    TestApp::with_settings(&[
        ("CAPTCHA_MODE", "always"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", &url),
        ("EMAIL_VERIFICATION", "off"),
    ])
    .await
}

fn body(email: &str, tokens: serde_json::Value) -> serde_json::Value {
    json!({ "loginId": { "email": email }, "password": "correct-horse-battery", "captchaTokens": tokens })
}

#[tokio::test]
async fn captcha_tokens_are_required_and_verified() {
    let app = captcha_app().await;
    let email = random_email();

    let missing = app
        .post(
            REGISTER_V2,
            json!({ "loginId": { "email": email }, "password": "correct-horse-battery" }),
        )
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.code(), "-19971");

    let invalid = app
        .post(
            REGISTER_V2,
            body(&email, json!([{ "Recaptcha": "bad-token" }])),
        )
        .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.code(), "-19970");

    let registered = app
        .post(
            REGISTER_V2,
            body(&email, json!([{ "Recaptcha": "good-token" }])),
        )
        .await;
    assert_eq!(registered.status, 200, "{registered:?}");
    assert_eq!(registered.body["state"], "SUCCESS");

    let login = app
        .post(
            LOGIN_V2,
            body(&email, json!([{ "InvisibleRecaptcha": "good-token" }])),
        )
        .await;
    assert_eq!(login.body["state"], "SUCCESS", "{login:?}");
    let login_missing = app.post(LOGIN_V2, body(&email, json!([]))).await;
    assert_eq!(login_missing.code(), "-19971");
}

#[tokio::test]
async fn an_unreachable_captcha_provider_is_a_503_not_a_pass() {
    let app = TestApp::with_settings(&[
        ("CAPTCHA_MODE", "always"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", "http://127.0.0.1:9/siteverify"),
    ])
    .await;
    let response = app
        .post(
            REGISTER_V2,
            body(&random_email(), json!([{ "Recaptcha": "good-token" }])),
        )
        .await;
    assert_eq!(response.status, 503);
    assert_eq!(response.code(), "UNAVAILABLE");
}

#[tokio::test]
async fn suspected_bots_meet_a_captcha_only_after_failures_or_a_burst() {
    let url = captcha_stub().await;
    let app = TestApp::with_settings(&[
        ("CAPTCHA_MODE", "suspected-bots"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", &url),
        ("EMAIL_VERIFICATION", "off"),
    ])
    .await;
    let email = random_email();
    let registered = app.post(REGISTER_V2, body(&email, json!([]))).await;
    assert_eq!(registered.body["state"], "SUCCESS", "{registered:?}");
    let login = app.post(LOGIN_V2, body(&email, json!([]))).await;
    assert_eq!(
        login.body["state"], "SUCCESS",
        "no captcha for a clean login: {login:?}"
    );

    // Three failures on the account make its next login suspect.
    for _ in 0..3 {
        let wrong = json!({ "loginId": { "email": email }, "password": "wrong-password", "captchaTokens": [] });
        assert_eq!(app.post(LOGIN_V2, wrong).await.status, 401);
    }
    assert_eq!(
        app.post(LOGIN_V2, body(&email, json!([]))).await.code(),
        "-19971"
    );
    let with_captcha = app
        .post(
            LOGIN_V2,
            body(&email, json!([{ "Recaptcha": "good-token" }])),
        )
        .await;
    assert_eq!(with_captcha.body["state"], "SUCCESS", "{with_captcha:?}");

    // A burst of registrations from one source: past three a minute, a captcha.
    let burst = TestApp::with_settings(&[
        ("CAPTCHA_MODE", "suspected-bots"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", &url),
        ("EMAIL_VERIFICATION", "off"),
    ])
    .await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        let response = burst
            .post(REGISTER_V2, body(&random_email(), json!([])))
            .await;
        codes.push(if response.status == 200 {
            "ok".to_string()
        } else {
            response.code().to_string()
        });
    }
    // Eight requests span at most two minute-windows: one of them has a fourth.
    assert!(codes.iter().any(|c| c == "-19971"), "{codes:?}");
    assert_eq!(&codes[..3], &["ok", "ok", "ok"], "{codes:?}");
}
