//! The `@wix/members` `authentication` module's routes for the privileged web methods
//! (`approve`, `block`, `sendSetPasswordEmail`, `changeLoginEmail`): public at the
//! gateway, so the function itself holds them to the site API key, sent raw as
//! `ApiKeyStrategy` sends it. An approval token is its own authority.

use integration_tests::{PASSWORD, TestApp, TestResponse, inbox, random_email};
use serde_json::{Value, json};

const APPROVE: &str = "/api/v1/members/approve";
const BLOCK: &str = "/api/v1/members/block";
const SET_PASSWORD: &str = "/wix-sm/api/v1/auth/v1/auth/members/send-set-password-email";

async fn manual_app() -> TestApp {
    TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await
}

/// A pending member's id.
async fn pending_member(app: &TestApp, email: &str) -> String {
    let registered = app.register(email, PASSWORD).await;
    assert_eq!(
        registered.body["member"]["status"], "PENDING",
        "{registered:?}"
    );
    registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn with_key(app: &TestApp, path: &str, body: Value) -> TestResponse {
    app.post_with_token(path, &app.api_key, body).await
}

#[tokio::test]
async fn approve_and_block_by_id_or_email_take_the_site_api_key() {
    let app = manual_app().await;
    let email = random_email();
    let id = pending_member(&app, &email).await;

    for (path, body) in [
        (APPROVE, json!({ "id": id })),
        (APPROVE, json!({ "email": email })),
        (BLOCK, json!({ "id": id })),
    ] {
        let refused = app.post(path, body.clone()).await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "FORBIDDEN"),
            "{path} {body}"
        );
        let wrong_key = app.post_with_token(path, "not-the-key", body).await;
        assert_eq!(wrong_key.status, 403, "{path}");
    }
    assert_eq!(app.login(&email, PASSWORD).await.code(), "MEMBER_PENDING");

    let approved = with_key(&app, APPROVE, json!({ "id": id })).await;
    assert_eq!(approved.status, 200, "{approved:?}");
    let session = approved.body["session"]["token"].as_str().unwrap();
    assert!(session.starts_with("JWS."), "{session}");
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);

    let blocked = with_key(&app, BLOCK, json!({ "email": email })).await;
    assert_eq!((blocked.status, &blocked.body), (200, &json!({})));
    assert_eq!(app.login(&email, PASSWORD).await.code(), "MEMBER_BLOCKED");

    // Approving a blocked member by email unblocks it, as approveByEmail does.
    let unblocked = with_key(&app, APPROVE, json!({ "email": email })).await;
    assert_eq!(unblocked.status, 200, "{unblocked:?}");
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
    let blocked = with_key(&app, BLOCK, json!({ "id": id })).await;
    assert_eq!(blocked.status, 200);
    assert_eq!(app.login(&email, PASSWORD).await.code(), "MEMBER_BLOCKED");
}

#[tokio::test]
async fn approve_by_token_needs_no_key_and_exactly_one_identifier_is_named() {
    let app = manual_app().await;
    let email = random_email();
    let registered = app
        .post_as_admin(
            "/backend/authentication/register",
            json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    let token = registered.body["approvalToken"]
        .as_str()
        .unwrap()
        .to_string();

    for body in [json!({}), json!({ "email": email, "token": token })] {
        let unclear = with_key(&app, APPROVE, body.clone()).await;
        assert_eq!(
            (unclear.status, unclear.code()),
            (400, "INVALID_ARGUMENT"),
            "{body}"
        );
    }
    let approved = app.post(APPROVE, json!({ "token": token })).await;
    assert_eq!(approved.status, 200, "{approved:?}");
    assert!(
        approved.body["session"]["token"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
    let again = app.post(APPROVE, json!({ "token": token })).await;
    assert_eq!(
        (again.status, again.code()),
        (400, "INVALID_APPROVAL_TOKEN")
    );

    let no_token_for_block = with_key(&app, BLOCK, json!({ "token": token })).await;
    assert_eq!(no_token_for_block.status, 400);
    let unknown = with_key(
        &app,
        BLOCK,
        json!({ "id": uuid::Uuid::new_v4().to_string() }),
    )
    .await;
    assert_eq!((unknown.status, unknown.code()), (404, "MEMBER_NOT_FOUND"));
}

#[tokio::test]
async fn send_set_password_email_takes_the_key_and_may_leave_out_the_ignore_note() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let refused = app.post(SET_PASSWORD, json!({ "email": email })).await;
    assert_eq!(refused.status, 403);
    assert!(
        inbox::mail_to(&email)
            .await
            .iter()
            .all(|m| !m.subject.contains("set your password"))
    );

    let accepted = with_key(&app, SET_PASSWORD, json!({ "email": email })).await;
    assert_eq!(
        (accepted.status, &accepted.body),
        (200, &json!({ "accepted": true }))
    );
    let mail = inbox::latest_mail_to(&email).await;
    assert!(
        mail.subject.contains("set your password"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains("If you did not ask for it"),
        "{}",
        mail.text
    );

    let quiet = with_key(
        &app,
        SET_PASSWORD,
        json!({ "email": email, "hideIgnoreMessage": true }),
    )
    .await;
    assert_eq!(quiet.status, 200);
    let mail = inbox::latest_mail_to(&email).await;
    assert!(
        !mail.text.contains("If you did not ask for it"),
        "{}",
        mail.text
    );
    assert!(
        !mail.html.contains("If you did not ask for it"),
        "{}",
        mail.html
    );
}

#[tokio::test]
async fn change_login_email_takes_the_key_and_answers_the_site_member() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/members/{id}/change-login-email");
    let new_email = random_email();
    let body = json!({ "id": id, "newEmail": new_email }).to_string();
    let unkeyed = [("content-type", "application/json")];
    let keyed = [
        ("content-type", "application/json"),
        ("authorization", app.api_key.as_str()),
    ];

    let refused = app.request("PATCH", &path, &unkeyed, Some(&body)).await;
    assert_eq!(refused.status, 403);
    let changed = app.request("PATCH", &path, &keyed, Some(&body)).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(
        changed.body["member"]["loginEmail"],
        new_email.to_lowercase()
    );
    assert_eq!(changed.body["member"]["id"], id);
    assert_eq!(app.login(&new_email, PASSWORD).await.status, 200);
    assert_eq!(
        app.login(&email, PASSWORD).await.status,
        401,
        "the old email logs in no more"
    );
}
