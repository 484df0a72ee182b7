use futures::future::join_all;
use integration_tests::{PASSWORD, TestApp, inbox, paths::APPROVE_BY_TOKEN, random_email};
use serde_json::json;

async fn manual_app() -> TestApp {
    TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await
}

/// The approval token from the owner's email about `member_email`.
async fn token_from_owner_mail(member_email: &str) -> String {
    let mails = inbox::mail_to("owner@example.com").await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.text.contains(&member_email.to_lowercase()))
        .expect("owner was emailed about the new member");
    assert!(
        mail.html
            .contains("<a href=\"https://site.example/approve?token="),
        "{}",
        mail.html
    );
    let (_, after) = mail
        .text
        .split_once("approve?token=")
        .expect("link in text part");
    after
        .split_whitespace()
        .next()
        .expect("token after the link")
        .to_string()
}

#[tokio::test]
async fn manual_approval_end_to_end() {
    let app = manual_app().await;
    let email = random_email();

    let registered = app.register(&email, PASSWORD).await;
    assert_eq!(registered.status, 200, "{registered:?}");
    assert_eq!(registered.body["status"], "PENDING");
    assert_eq!(registered.body["member"]["status"], "PENDING");
    assert!(registered.body.get("sessionToken").is_none());
    assert!(
        registered.body.get("approvalToken").is_none(),
        "public caller saw the token"
    );

    let pending_login = app.login(&email, PASSWORD).await;
    assert_eq!(pending_login.status, 403);
    assert_eq!(pending_login.code(), "MEMBER_PENDING");

    let token = token_from_owner_mail(&email).await;
    let approved = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(approved.status, 200, "{approved:?}");
    assert!(
        approved.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );

    let again = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.code(), "INVALID_APPROVAL_TOKEN");

    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn trusted_callers_get_the_approval_token() {
    let app = manual_app().await;
    let response = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": random_email(), "password": PASSWORD }),
        )
        .await;
    assert_eq!(response.status, 200);
    let token = response.body["approvalToken"].as_str().unwrap();
    assert!(token.len() >= 43, "at least 256 bits, base64url");
    let approved = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(approved.status, 200);
}

#[tokio::test]
async fn twenty_concurrent_uses_of_one_token_yield_one_session() {
    let app = manual_app().await;
    let response = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": random_email(), "password": PASSWORD }),
        )
        .await;
    let token = response.body["approvalToken"].as_str().unwrap().to_string();

    let attempts = (0..20).map(|_| app.post(APPROVE_BY_TOKEN, json!({ "token": token })));
    let responses = join_all(attempts).await;

    assert_eq!(responses.iter().filter(|r| r.status == 200).count(), 1);
    assert!(
        responses
            .iter()
            .filter(|r| r.status != 200)
            .all(|r| r.status == 400 && r.code() == "INVALID_APPROVAL_TOKEN")
    );
}

#[tokio::test]
async fn an_expired_token_is_refused_even_though_the_item_is_still_there() {
    let app = TestApp::with_settings(&[
        ("APPROVAL_MODE", "manual"),
        ("APPROVAL_TOKEN_TTL_SECONDS", "0"),
    ])
    .await;
    let email = random_email();
    let response = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    let token = response.body["approvalToken"].as_str().unwrap();

    let approved = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;

    assert_eq!(approved.status, 400);
    assert_eq!(approved.code(), "INVALID_APPROVAL_TOKEN");
    assert_eq!(app.login(&email, PASSWORD).await.code(), "MEMBER_PENDING");
}

#[tokio::test]
async fn unknown_tokens_are_refused() {
    let app = TestApp::new().await;
    for token in ["", "nope", "a".repeat(600).as_str()] {
        let response = app.post(APPROVE_BY_TOKEN, json!({ "token": token })).await;
        assert_eq!(response.status, 400, "{response:?}");
        assert_eq!(response.code(), "INVALID_APPROVAL_TOKEN");
    }
}

#[tokio::test]
async fn approve_by_email_approves_a_pending_member() {
    let app = manual_app().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let response = app
        .post_as_admin(
            "/backend/authentication/approve-by-email",
            json!({ "email": email }),
        )
        .await;

    assert_eq!(response.status, 200);
    assert!(
        response.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}
