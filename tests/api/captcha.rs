use integration_tests::{TestApp, captcha_stub, random_email};
use serde_json::json;

const LOGIN_V2: &str = "/_api/iam/authentication/v2/login";
const REGISTER_V2: &str = "/_api/iam/authentication/v2/register";

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
