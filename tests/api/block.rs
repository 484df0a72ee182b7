use integration_tests::{PASSWORD, TestApp, random_email};
use members_auth::domain::token::verify_session_token;
use members_auth::store::MemberStore;
use serde_json::json;

#[tokio::test]
async fn blocking_refuses_login_and_session_tokens_until_approved_again() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let member_id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let old_token = registered.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();

    let blocked = app
        .post_as_admin(
            "/backend/authentication/block-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(blocked.status, 200, "{blocked:?}");
    assert_eq!(blocked.body, json!({}));

    let login = app.login(&email, PASSWORD).await;
    assert_eq!(login.status, 403);
    assert_eq!(login.code(), "MEMBER_BLOCKED");
    let generated = app
        .post_as_admin(
            "/backend/authentication/generate-session-token",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(generated.status, 403);
    assert_eq!(generated.code(), "MEMBER_BLOCKED");

    // The token issued before the block is bound to a version that no longer exists.
    let claims = verify_session_token(
        &app.app.config.signing_keys,
        &old_token,
        app.app.clock.now(),
    )
    .unwrap();
    let member = app.app.store.member(&member_id).await.unwrap().unwrap();
    assert!(member.token_version > claims.ver);

    let restored = app
        .post_as_admin(
            "/backend/authentication/approve-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(restored.status, 200);
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn blocking_an_unknown_email_is_not_found() {
    let app = TestApp::new().await;
    let response = app
        .post_as_admin(
            "/backend/authentication/block-by-email",
            json!({ "email": random_email() }),
        )
        .await;
    assert_eq!(response.status, 404);
    assert_eq!(response.code(), "MEMBER_NOT_FOUND");
}
