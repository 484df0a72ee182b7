//! Nothing secret reaches a log line: a journey through every kind of secret, with
//! every log line of the test binary captured (our crates at TRACE, see
//! `integration_tests::captured_logs`), then searched for each secret.

use integration_tests::{CLIENT_ID, TestApp, captured_logs, inbox, random_email};
use serde_json::json;

#[tokio::test]
async fn no_password_token_code_or_key_appears_in_any_log_line() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let mut secrets: Vec<String> = vec![app.admin_key.clone(), app.api_key.clone()];

    // Velo: register (approval token), approve, login, bad login.
    let email = random_email();
    let password = "Sup3r-Secret-Passw0rd!";
    secrets.push(password.into());
    let registered = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": email, "password": password }),
        )
        .await;
    let approval = registered.body["approvalToken"]
        .as_str()
        .unwrap()
        .to_string();
    secrets.push(approval.clone());
    let approved = app
        .post(
            "/backend/authentication/approve-by-token",
            json!({ "token": approval }),
        )
        .await;
    secrets.push(approved.body["sessionToken"].as_str().unwrap().into());
    // External login with the site API key.
    let signed_on = app
        .request(
            "POST",
            "/_api/iam/authentication/v2/sign-on",
            &[
                ("content-type", "application/json"),
                ("authorization", &format!("visitor,{}", app.api_key)),
            ],
            Some(&json!({ "loginId": { "email": random_email() } }).to_string()),
        )
        .await;
    secrets.push(signed_on.body["sessionToken"].as_str().unwrap().into());
    secrets.push("Wr0ng-Passw0rd-Guess".into());
    app.login(&email, "Wr0ng-Passw0rd-Guess").await;
    let session = app.login(&email, password).await.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();
    secrets.push(session.clone());

    // Headless: register with a code, verify, OAuth tokens, refresh, recovery, reset.
    let headless = TestApp::new().await;
    let email2 = random_email();
    let state = headless
        .post(
            "/_api/iam/authentication/v2/register",
            json!({ "loginId": { "email": email2 }, "password": password }),
        )
        .await;
    let state_token = state.body["stateToken"].as_str().unwrap().to_string();
    let code = inbox::code_in(&inbox::latest_mail_to(&email2));
    secrets.extend([state_token.clone(), code.clone()]);
    headless
        .post(
            "/_api/iam/verification/v1/auth/verify",
            json!({ "code": "000001", "stateToken": state_token }),
        )
        .await;
    let verified = headless
        .post(
            "/_api/iam/verification/v1/auth/verify",
            json!({ "code": code, "stateToken": state_token }),
        )
        .await;
    secrets.push(
        verified.body["sessionToken"]
            .as_str()
            .unwrap_or("none")
            .into(),
    );
    let visitor = headless
        .post(
            "/oauth2/token",
            json!({ "clientId": CLIENT_ID, "grantType": "anonymous" }),
        )
        .await;
    let access = visitor.body["access_token"].as_str().unwrap().to_string();
    let refresh = visitor.body["refresh_token"].as_str().unwrap().to_string();
    secrets.extend([access.clone(), refresh.clone()]);
    headless
        .post(
            "/oauth2/token",
            json!({ "grantType": "refresh_token", "refreshToken": refresh }),
        )
        .await;
    headless
        .get("/members/v1/members/my", &[("authorization", &access)])
        .await;
    headless
        .post(
            "/_api/iam/recovery/v1/send-email",
            json!({ "email": email2 }),
        )
        .await;
    let link = inbox::link_in(
        &inbox::latest_mail_to(&email2),
        "https://auth.example/recovery/reset-password?token=",
    );
    let recovery = link.split("token=").nth(1).unwrap().to_string();
    secrets.push(recovery.clone());
    let new_password = "An0ther-Secret-Passw0rd";
    secrets.push(new_password.into());
    let form =
        serde_urlencoded::to_string([("token", recovery.as_str()), ("password", new_password)])
            .unwrap();
    headless
        .request(
            "POST",
            "/recovery/reset-password",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&form),
        )
        .await;

    let logs = captured_logs();
    assert!(
        logs.contains("request done"),
        "the capture saw the handlers"
    );
    assert!(logs.lines().count() > 20);
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret reached the logs: {secret}"
        );
    }
}
