//! Every expiry against the real store, with the test's clock moved instead of sleeping:
//! the approval token (30 h), the email code (10 min), the recovery link (1 h). The
//! lockout's is in `throttle`; the flow tests hold the rest (refresh, access, codes).

use std::time::Duration;

use integration_tests::{
    PASSWORD, TestApp, inbox,
    paths::{APPROVE_BY_TOKEN, REGISTER_V2, SEND_RECOVERY, VERIFY},
    random_email,
};
use serde_json::json;

#[tokio::test]
async fn an_approval_token_expires_after_thirty_hours() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let registered = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": random_email(), "password": PASSWORD }),
        )
        .await;
    let token = registered.body["approvalToken"]
        .as_str()
        .unwrap()
        .to_string();
    app.advance(Duration::from_secs(30 * 3600 + 1));
    let late = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(late.status, 400, "{late:?}");
    assert_eq!(late.code(), "INVALID_APPROVAL_TOKEN");
}

#[tokio::test]
async fn an_email_code_expires_after_ten_minutes() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app
        .post(
            REGISTER_V2,
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;
    let state_token = registered.body["stateToken"].as_str().unwrap().to_string();
    let code = inbox::code_in(&inbox::latest_mail_to(&email).await);
    app.advance(Duration::from_secs(601));
    let late = app
        .post(VERIFY, json!({ "code": code, "stateToken": state_token }))
        .await;
    assert_eq!(late.status, 400, "{late:?}");
    assert!(matches!(
        late.code(),
        "INVALID_STATE_TOKEN" | "INVALID_CODE"
    ));
}

#[tokio::test]
async fn a_recovery_link_expires_after_an_hour() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.post(SEND_RECOVERY, json!({ "email": email })).await;
    let link = inbox::link_in(
        &inbox::latest_mail_to(&email).await,
        "https://auth.example/recovery/reset-password?token=",
    );
    let token = link.split("token=").nth(1).unwrap().to_string();
    app.advance(Duration::from_secs(3601));
    let form =
        serde_urlencoded::to_string([("token", token.as_str()), ("password", "a-new-password")])
            .unwrap();
    let late = app
        .request(
            "POST",
            "/recovery/reset-password",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&form),
        )
        .await;
    assert_eq!(late.status, 400, "{late:?}");
    assert!(late.text.contains("invalid, already used or expired"));
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}
