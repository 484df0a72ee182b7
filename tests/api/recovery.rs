use integration_tests::{
    CLIENT_ID, PASSWORD, REDIRECT_URI, TestApp, TestResponse, inbox, paths::SEND_RECOVERY,
    random_email,
};
use members_auth::store::MemberStore;
use serde_json::json;

const NEW_PASSWORD: &str = "battery-staple-horse";

async fn submit_reset(app: &TestApp, token: &str, password: &str) -> TestResponse {
    let form = serde_urlencoded::to_string([("token", token), ("password", password)]).unwrap();
    app.request(
        "POST",
        "/recovery/reset-password",
        &[("content-type", "application/x-www-form-urlencoded")],
        Some(&form),
    )
    .await
}

fn token_from(mail: &inbox::Mail) -> String {
    let link = inbox::link_in(mail, "https://auth.example/recovery/reset-password?token=");
    link.split("token=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn recovery_answers_the_same_for_known_and_unknown_emails() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let body = |email: &str| json!({ "email": email, "redirect": { "url": REDIRECT_URI, "clientId": CLIENT_ID } });

    let known = app.post(SEND_RECOVERY, body(&email)).await;
    let unknown = app.post(SEND_RECOVERY, body(&random_email())).await;
    let malformed = app.post(SEND_RECOVERY, body("not-an-email")).await;

    assert_eq!(known.status, 200);
    assert_eq!(known.text, "{}");
    assert_eq!(unknown.text, known.text);
    assert_eq!(malformed.text, known.text);
    let mail = inbox::latest_mail_to(&email).await;
    assert!(!mail.html.is_empty());
    assert!(!token_from(&mail).is_empty());
}

#[tokio::test]
async fn recovery_does_the_same_table_work_for_a_member_and_for_an_unknown_address() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.dynamodb_calls.take();

    let mut calls = Vec::new();
    for address in [email.clone(), random_email()] {
        let answer = app.post(SEND_RECOVERY, json!({ "email": address })).await;
        assert_eq!((answer.status, answer.text.as_str()), (200, "{}"));
        calls.push(app.dynamodb_calls.take());
    }
    // The rate counter, the credentials, a recovery record (for a member, or for no
    // one), a sealed email (or its decoy): the table cannot tell which it was.
    assert_eq!(calls, [4, 4], "{calls:?}");
    assert_eq!(app.mail.deliver().await, 0);
    assert_eq!(inbox::mail_to(&email).await.len(), 1);
}

#[tokio::test]
async fn the_reset_page_sets_a_password_once_and_ends_every_session() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let old_session = registered.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(
        SEND_RECOVERY,
        json!({ "email": email, "redirect": { "url": REDIRECT_URI, "clientId": CLIENT_ID } }),
    )
    .await;
    let token = token_from(&inbox::latest_mail_to(&email).await);

    let form = app
        .get(&format!("/recovery/reset-password?token={token}"), &[])
        .await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("name=\"password\""));
    assert!(form.text.contains(&token));

    let too_short = submit_reset(&app, &token, "short").await;
    assert_eq!(too_short.status, 400);
    assert!(too_short.text.contains("id=\"error\""));

    let done = submit_reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, 302, "{done:?}");
    assert_eq!(done.location.as_deref(), Some(REDIRECT_URI));

    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&email, NEW_PASSWORD).await.status, 200);
    let reused = submit_reset(&app, &token, "another-password-1").await;
    assert_eq!(reused.status, 400);
    assert!(reused.location.is_none());
    // The session token from before the reset no longer opens an authorization.
    let claims = members_auth::domain::token::verify_session_token(
        &app.app.config.signing_keys,
        &old_session,
        app.app.clock.now(),
    )
    .unwrap();
    let member = app.app.store.member(&claims.sub).await.unwrap().unwrap();
    assert!(member.token_version > claims.ver);
}

#[tokio::test]
async fn a_redirect_the_client_does_not_allow_is_not_followed() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.post(
        SEND_RECOVERY,
        json!({ "email": email, "redirect": { "url": "https://evil.example/", "clientId": CLIENT_ID } }),
    )
    .await;
    let token = token_from(&inbox::latest_mail_to(&email).await);

    let done = submit_reset(&app, &token, NEW_PASSWORD).await;

    assert_eq!(done.status, 200);
    assert!(done.location.is_none());
    assert!(done.text.contains("id=\"done\""));
}

#[tokio::test]
async fn send_set_password_email_is_privileged() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let path = "/backend/authentication/send-set-password-email";

    let refused = app.post(path, json!({ "email": email })).await;
    assert_eq!(refused.status, 403);

    let accepted = app.post_as_admin(path, json!({ "email": email })).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    assert_eq!(accepted.body, json!({ "accepted": true }));
    let mail = inbox::latest_mail_to(&email).await;
    assert!(mail.subject.contains("set your password"));
    let done = submit_reset(&app, &token_from(&mail), NEW_PASSWORD).await;
    assert_eq!(done.status, 200);
    assert_eq!(app.login(&email, NEW_PASSWORD).await.status, 200);
}

async fn patch(app: &TestApp, path: &str, new_email: &str, auth: Option<&str>) -> TestResponse {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(auth) = auth {
        headers.push(("authorization", auth));
    }
    let body = json!({ "newEmail": new_email }).to_string();
    app.request("PATCH", path, &headers, Some(&body)).await
}

#[tokio::test]
async fn change_login_email_moves_the_member_and_revokes_its_tokens() {
    let app = TestApp::new().await;
    let old_email = random_email();
    let registered = app.register(&old_email, PASSWORD).await;
    let id = registered.body["member"]["_id"].as_str().unwrap();
    let new_email = random_email();
    let path = format!("/backend/members/{id}/login-email");
    let auth = format!("Bearer {}", app.admin_key);

    assert_eq!(patch(&app, &path, &new_email, None).await.status, 403);
    let taken = random_email();
    app.register(&taken, PASSWORD).await;
    assert_eq!(
        patch(&app, &path, &taken, Some(&auth)).await.code(),
        "-19995"
    );

    let changed = patch(&app, &path, &new_email, Some(&auth)).await;

    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(
        changed.body["member"]["loginEmail"],
        new_email.to_lowercase()
    );
    assert_eq!(app.login(&old_email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&new_email, PASSWORD).await.status, 200);
    assert_eq!(
        app.register(&old_email, PASSWORD).await.status,
        200,
        "old email released"
    );
    let notice = inbox::latest_mail_to(&old_email).await;
    assert!(notice.subject.contains("login email was changed"));
    let member = app.app.store.member(id).await.unwrap().unwrap();
    assert_eq!(member.token_version, 1);

    let unknown = app
        .request(
            "PATCH",
            "/backend/members/no-such-member/login-email",
            &[
                ("content-type", "application/json"),
                ("authorization", &auth),
            ],
            Some(&json!({ "newEmail": random_email() }).to_string()),
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn recover_completes_recovery_on_the_sites_own_page() {
    let app = TestApp::new().await;
    let email = random_email();
    let old_session = app.register(&email, PASSWORD).await.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(SEND_RECOVERY, json!({ "email": email })).await;
    let token = token_from(&inbox::latest_mail_to(&email).await);
    const RECOVER: &str = "/_api/iam/recovery/v1/recover";

    let weak = app
        .post(
            RECOVER,
            json!({ "recoveryToken": token, "password": "abc" }),
        )
        .await;
    assert_eq!(weak.code(), "INVALID_ARGUMENT", "{weak:?}");
    let done = app
        .post(
            RECOVER,
            json!({ "recoveryToken": token, "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(
        done.status, 200,
        "a weak password did not spend the token: {done:?}"
    );
    assert_eq!(done.body["state"], "SUCCESS");
    assert!(
        done.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
    assert_eq!(
        done.body["identity"]["email"]["address"],
        email.to_lowercase()
    );

    let again = app
        .post(
            RECOVER,
            json!({ "recoveryToken": token, "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(again.code(), "invalid_grant");
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&email, NEW_PASSWORD).await.status, 200);
    let claims = members_auth::domain::token::verify_session_token(
        &app.app.config.signing_keys,
        &old_session,
        app.app.clock.now(),
    )
    .unwrap();
    let member = app.app.store.member(&claims.sub).await.unwrap().unwrap();
    assert_ne!(
        claims.ver, member.token_version,
        "earlier sessions are over"
    );
}

/// `sendRecoveryEmail` for `email`, naming `language` (if any), from a browser that
/// accepts `accept`.
async fn ask(app: &TestApp, email: &str, language: Option<&str>, accept: &str) -> TestResponse {
    let mut body = json!({ "email": email });
    if let Some(language) = language {
        body["language"] = json!(language);
    }
    let headers = [
        ("content-type", "application/json"),
        ("accept-language", accept),
    ];
    app.request("POST", SEND_RECOVERY, &headers, Some(&body.to_string()))
        .await
}

#[tokio::test]
async fn the_recovery_email_speaks_the_language_asked_for_else_the_browsers() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    // The request's `language` first, whatever the browser says.
    assert_eq!(ask(&app, &email, Some("fr-CA"), "es").await.status, 200);
    let french = inbox::latest_mail_to(&email).await;
    assert!(
        french
            .subject
            .ends_with(": réinitialisez votre mot de passe"),
        "{}",
        french.subject
    );
    assert!(french.html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(
        french
            .text
            .contains("Réinitialiser votre mot de passe: https://")
    );

    // No catalog for German: the browser's next choice, Arabic, laid out right to left.
    assert_eq!(
        ask(&app, &email, Some("de"), "de, ar;q=0.8").await.status,
        200
    );
    let arabic = inbox::latest_mail_to(&email).await;
    assert!(arabic.html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(arabic.text.contains("إعادة تعيين كلمة المرور"));
    assert!(!token_from(&arabic).is_empty());
}
