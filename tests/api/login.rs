use integration_tests::{PASSWORD, TestApp, random_email};
use members_auth::store::MemberStore;

#[tokio::test]
async fn login_returns_a_session_token_for_any_case_of_the_email() {
    let app = TestApp::new().await;
    let email = random_email();
    assert_eq!(app.register(&email, PASSWORD).await.status, 200);

    let response = app
        .login(&format!("  {}  ", email.to_uppercase()), PASSWORD)
        .await;

    assert_eq!(response.status, 200, "{response:?}");
    let token = response.body["sessionToken"].as_str().unwrap();
    assert!(token.starts_with("JWS."), "{token}");
}

#[tokio::test]
async fn unknown_email_and_wrong_password_are_indistinguishable() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let wrong_password = app.login(&email, "not-the-password").await;
    let unknown_email = app.login(&random_email(), PASSWORD).await;
    let malformed_email = app.login("not-an-email", PASSWORD).await;

    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_password.code(), "-19976");
    assert_eq!(wrong_password.text, unknown_email.text);
    assert_eq!(wrong_password.text, malformed_email.text);
}

#[tokio::test]
async fn login_errors_always_carry_an_application_error() {
    let app = TestApp::new().await;
    let response = app
        .post(
            "/backend/authentication/login",
            serde_json::json!({ "email": 42, "password": PASSWORD }),
        )
        .await;
    assert_eq!(response.status, 400);
    assert!(response.body["details"]["applicationError"]["code"].is_string());
}

#[tokio::test]
async fn a_login_costs_six_dynamodb_calls_in_two_round_trips() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.dynamodb_calls.take();

    let response = app.login(&email, PASSWORD).await;

    assert_eq!(response.status, 200);
    // Two round trips: the attempt counted (for its source and account-wide) while the
    // credentials are read; the login stamped while both counts are cleared.
    assert_eq!(app.dynamodb_calls.take(), 6);
}

#[tokio::test]
async fn login_stamps_last_login_date() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    assert!(registered.body["member"]["lastLoginDate"].is_null());
    let id = registered.body["member"]["_id"].as_str().unwrap();

    app.login(&email, PASSWORD).await;

    let member = app.app.store.member(id).await.unwrap().unwrap();
    assert!(member.last_login_date.is_some());
}
