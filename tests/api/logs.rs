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
    let code = inbox::code_in(&inbox::latest_mail_to(&email2).await);
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
        &inbox::latest_mail_to(&email2).await,
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

/// The security events of one member's journey, as the metric filters read them:
/// `fields.security_event`, with the member id and the source where known.
fn security_events(member_id: &str) -> Vec<(String, String)> {
    captured_logs()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["fields"]["member_id"] == member_id)
        .filter_map(|line| {
            let fields = &line["fields"];
            Some((
                fields["security_event"].as_str()?.to_string(),
                fields["source"].as_str().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn each_security_outcome_is_one_event_with_member_and_source() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, "correct-horse-battery").await;
    let member_id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();

    assert_eq!(app.login(&email, "correct-horse-battery").await.status, 200);
    for _ in 0..5 {
        assert_eq!(app.login(&email, "wrong-password").await.status, 401);
    }
    assert_eq!(app.login(&email, "correct-horse-battery").await.status, 429);
    let blocked = app
        .post_as_admin(
            "/backend/authentication/block-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(blocked.status, 200, "{blocked:?}");
    let approved = app
        .post_as_admin(
            "/backend/authentication/approve-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(approved.status, 200, "{approved:?}");

    let source = app.source_ip.as_str();
    let with_source = |name: &str| (name.to_string(), source.to_string());
    let without = |name: &str| (name.to_string(), String::new());
    let mut expected = vec![with_source("login_succeeded")];
    expected.extend((0..5).map(|_| with_source("login_failed")));
    expected.extend([
        with_source("login_locked"),
        without("member_blocked"),
        without("member_approved"),
    ]);
    assert_eq!(security_events(&member_id), expected);

    // A privileged call without a key is refused, and says so with its source.
    let refused = app
        .post(
            "/backend/authentication/block-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(refused.status, 403);
    let refusals = captured_logs()
        .lines()
        .filter(|line| line.contains("\"security_event\":\"api_key_refused\""))
        .filter(|line| line.contains(&format!("\"source\":\"{source}\"")))
        .count();
    assert_eq!(refusals, 1);
}
