//! External login (3rd-party SSO) and site API keys, as Wix's client sends them:
//! `sign-on` and the `authorized_client` grant with `Authorization: <visitor access
//! token>,<API key>`, and `ApiKeyStrategy`'s raw `Authorization: <API key>`.

use integration_tests::{
    CLIENT_ID, PASSWORD, TestApp, TestResponse,
    paths::{CURRENT_MEMBER, TOKEN},
    random_email,
};
use serde_json::{Value, json};

const SIGN_ON: &str = "/_api/iam/authentication/v2/sign-on";

async fn visitor_token(app: &TestApp) -> String {
    let visitor = app
        .post(
            TOKEN,
            json!({ "clientId": CLIENT_ID, "grantType": "anonymous" }),
        )
        .await;
    visitor.body["access_token"].as_str().unwrap().to_string()
}

async fn post_with(app: &TestApp, path: &str, authorization: &str, body: Value) -> TestResponse {
    app.request(
        "POST",
        path,
        &[
            ("content-type", "application/json"),
            ("authorization", authorization),
        ],
        Some(&body.to_string()),
    )
    .await
}

#[tokio::test]
async fn sign_on_then_authorized_client_gives_a_new_member_its_tokens() {
    let app = TestApp::new().await;
    let visitor = visitor_token(&app).await;
    let both = format!("{visitor},{}", app.api_key);
    let email = random_email();

    let signed_on = post_with(
        &app,
        SIGN_ON,
        &both,
        json!({ "loginId": { "email": email } }),
    )
    .await;
    assert_eq!(signed_on.status, 200, "{signed_on:?}");
    let member_id = signed_on.body["identity"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let session_token = signed_on.body["sessionToken"].as_str().unwrap().to_string();
    assert!(session_token.starts_with("JWS."));
    assert_eq!(
        signed_on.body["identity"]["email"]["address"],
        email.to_lowercase()
    );
    let again = post_with(
        &app,
        SIGN_ON,
        &both,
        json!({ "loginId": { "email": email } }),
    )
    .await;
    assert_eq!(
        again.body["identity"]["id"],
        member_id.as_str(),
        "one member per email"
    );

    let tokens = post_with(
        &app,
        TOKEN,
        &both,
        json!({ "grant_type": "authorized_client", "member_id": member_id,
                "session_token": session_token }),
    )
    .await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    let access = tokens.body["access_token"].as_str().unwrap();
    let me = app.get(CURRENT_MEMBER, &[("authorization", access)]).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["member"]["id"], member_id.as_str());
    let refresh = tokens.body["refresh_token"].as_str().unwrap();
    let renewed = app
        .post(
            TOKEN,
            json!({ "clientId": CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh }),
        )
        .await;
    assert_eq!(
        renewed.status, 200,
        "the session is the client's: {renewed:?}"
    );

    // Without a session token (getMemberTokensForExternalLogin), by member id alone.
    let by_id = post_with(
        &app,
        TOKEN,
        &both,
        json!({ "grant_type": "authorized_client", "scope": "offline_access", "member_id": member_id }),
    )
    .await;
    assert_eq!(by_id.status, 200, "{by_id:?}");
}

#[tokio::test]
async fn without_a_valid_key_nothing_is_signed_on_or_minted() {
    let app = TestApp::new().await;
    let visitor = visitor_token(&app).await;
    let email = random_email();
    for authorization in [
        visitor.clone(),
        format!("{visitor},not-the-site-api-key-not-the-site-api-key"),
        format!("{visitor},{}", &app.api_key[1..]),
    ] {
        let refused = post_with(
            &app,
            SIGN_ON,
            &authorization,
            json!({ "loginId": { "email": email } }),
        )
        .await;
        assert_eq!(refused.code(), "FORBIDDEN", "{refused:?}");
        let minted = post_with(
            &app,
            TOKEN,
            &authorization,
            json!({ "grant_type": "authorized_client", "member_id": "00000000-0000-4000-8000-000000000000" }),
        )
        .await;
        assert_eq!(minted.code(), "FORBIDDEN", "{minted:?}");
    }
    let login = app.login(&email, PASSWORD).await;
    assert_eq!(login.status, 401, "no member was created");
}

#[tokio::test]
async fn a_blocked_member_gets_no_session_and_no_tokens() {
    let app = TestApp::new().await;
    let visitor = visitor_token(&app).await;
    let both = format!("{visitor},{}", app.api_key);
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let member_id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post_as_admin(
        "/backend/authentication/block-by-email",
        json!({ "email": email }),
    )
    .await;
    let signed_on = post_with(
        &app,
        SIGN_ON,
        &both,
        json!({ "loginId": { "email": email } }),
    )
    .await;
    assert_eq!(signed_on.code(), "MEMBER_BLOCKED", "{signed_on:?}");
    let minted = post_with(
        &app,
        TOKEN,
        &both,
        json!({ "grant_type": "authorized_client", "member_id": member_id }),
    )
    .await;
    assert_eq!(minted.code(), "invalid_grant", "{minted:?}");
}

#[tokio::test]
async fn api_keys_are_accepted_where_the_admin_key_is_raw_as_api_key_strategy_sends_them() {
    let app = TestApp::new().await;
    let email = random_email();
    let raw = post_with(
        &app,
        "/backend/authentication/generate-session-token",
        &app.api_key,
        json!({ "email": email }),
    )
    .await;
    assert_eq!(raw.status, 200, "{raw:?}");
    let wrong = post_with(
        &app,
        "/backend/authentication/generate-session-token",
        &format!("{}x", app.api_key),
        json!({ "email": email }),
    )
    .await;
    assert_eq!(wrong.code(), "FORBIDDEN");
}
